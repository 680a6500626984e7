// An identity policy's name is the managed policy's name in IAM: letters, digits and `_+=,.@-`.
#[derive(iamgen::Policy)]
#[policy(name = "Read Bucket")]
#[statement(action = "s3:GetObject", resource = "arn:aws:s3:::com.stuzio.projectx/*")]
struct ReadBucket;

fn main() {}
