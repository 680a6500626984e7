// IAM accepts a maximum session duration of one to twelve hours.
#[derive(iamgen::Role)]
#[role(account = "081278057606", max_session_duration = 100)]
#[trust(account = "183438944504", external_id = "acme")]
struct Consultant;

fn main() {}
