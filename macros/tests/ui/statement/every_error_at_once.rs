// All the errors of one invocation are reported together.
fn main() {
    let _ = iamgen::policy!(identity {
        "Version": "2012-10-17",
        "Statement": [
            { "Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "arn:aws:s3:com.stuzio.projectx" },
            { "Effect": "Allow", "Action": "ec2:DescribeInstance", "Resource": "*" },
            { "Effect": "Deny", "Action": "s3:PutObject", "Resource": "*", "Condition": { "IpAddress": { "aws:SourceIpp": "203.0.113.0/24" } } }
        ]
    });
}
