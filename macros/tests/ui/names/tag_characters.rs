// IAM's tag keys and values are letters, digits, spaces and `_.:/=+-@`: no `${`, quote, line break, emoji or `#`.
#[derive(iamgen::Role)]
#[role(account = "081278057606")]
#[trust(account = "183438944504")]
#[tag(key = "${aws:username}", value = "x")]
#[tag(key = "a\"b", value = "x")]
#[tag(key = "owner", value = "a\nb")]
#[tag(key = "team", value = "platform 🚀")]
#[tag(key = "cost#center", value = "42")]
struct Consultant;

fn main() {}
