// A code `allow(...)` does not know is an error on its token, with the closest code: a misspelt code would
// otherwise allow nothing.
fn main() {
    let _ = iamgen::policy!(identity, allow(MISSING_VERSON) { // misspelt on purpose
        "Statement": { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*" }
    });
}
