// A misspelt attribute key, with the key it was probably meant to be.
#[derive(iamgen::Policy)]
#[statement(actions = "s3:GetObject", resource = "*")]
struct Read;

fn main() {}
