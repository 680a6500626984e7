// The effect is a word, not a string.
#[derive(iamgen::Policy)]
#[statement(effect = "Allow", action = "s3:GetObject", resource = "*")]
struct Read;

fn main() {}
