// A role description is printable ASCII, Latin-1 (U+00A1 to U+00FF), tabs and line breaks: no emoji, no `✓`.
#[derive(iamgen::Role)]
#[role(account = "081278057606", description = "Acme consultants ✓")]
#[trust(account = "183438944504")]
struct Consultant;

fn main() {}
