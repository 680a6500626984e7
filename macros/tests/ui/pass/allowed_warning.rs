// A warning accepted by its code compiles without a warning, even where warnings are denied.
#![deny(warnings)]

static ADMIN: iamgen::StaticPolicy = iamgen::policy!(identity, allow(WILDCARD_INCLUDES_PERMISSIONS_MANAGEMENT) {
    "Version": "2012-10-17",
    "Statement": { "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::com.stuzio.projectx/*" }
});

fn main() {
    assert_eq!(ADMIN.kind(), iamgen::lint::PolicyKind::Identity);
}
