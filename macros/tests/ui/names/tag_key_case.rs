// IAM ignores case in a role's tag keys: `Project` and `project` are one key.
#[derive(iamgen::Role)]
#[role(account = "081278057606")]
#[trust(account = "183438944504")]
#[tag(key = "Project", value = "x")]
#[tag(key = "project", value = "y")]
struct Consultant;

fn main() {}
