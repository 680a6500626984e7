// A placeholder must name a field of the struct.
#[derive(iamgen::Policy)]
#[statement(action = "s3:GetObject", resource = "arn:aws:s3:::{bucket_name}/*")]
struct ReadBucket {
    bucket: iamgen::BucketName,
}

fn main() {}
