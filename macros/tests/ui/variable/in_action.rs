// Policy variables are substituted in resources and condition values only.
fn main() {
    let _ = iamgen::policy!(identity {
        "Version": "2012-10-17",
        "Statement": { "Effect": "Allow", "Action": "s3:${aws:username}", "Resource": "*" }
    });
}
