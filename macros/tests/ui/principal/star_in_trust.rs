// A trust policy that anyone could use.
fn main() {
    let _ = iamgen::policy!(trust {
        "Version": "2012-10-17",
        "Statement": { "Effect": "Allow", "Principal": { "AWS": "*" }, "Action": "sts:AssumeRole" }
    });
}
