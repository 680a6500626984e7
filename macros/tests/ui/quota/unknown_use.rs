// The uses are `managed`, `inline_role`, `inline_group` and `inline_user`.
#[derive(iamgen::Policy)]
#[policy(use = inline_roles)]
#[statement(action = "s3:ListAllMyBuckets", resource = "*")]
struct ListBuckets;

fn main() {}
