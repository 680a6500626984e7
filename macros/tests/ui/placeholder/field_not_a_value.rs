// A field that cannot fill a placeholder: rustc names the field, where its type is written.
struct Tenant {
    name: String,
}

#[derive(iamgen::Policy)]
#[statement(action = "s3:GetObject", resource = "arn:aws:s3:::{tenant}/*")]
struct ReadTenant {
    tenant: Tenant,
}

fn main() {}
