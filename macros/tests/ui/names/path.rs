// A role path starts and ends with `/` and holds printable ASCII without spaces.
#[derive(iamgen::Role)]
#[role(account = "081278057606", path = "/consultants /")]
#[trust(account = "183438944504")]
struct Consultant;

fn main() {}
