// An identity policy names no principal: the error points at `principal(...)`, not at the attribute's `#`.
#[derive(iamgen::Policy)]
#[statement(
    action = "s3:GetObject",
    resource = "arn:aws:s3:::com.stuzio.projectx/*",
    principal(aws = "arn:aws:iam::183438944504:root")
)]
struct ReadObjects;

fn main() {}
