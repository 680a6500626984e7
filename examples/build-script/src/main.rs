//! Prints the Terraform the build script generated for the trusting account.

const STUZIO_TF: &str = include_str!(concat!(env!("OUT_DIR"), "/iamgen/terraform/stuzio.tf"));
const STUZIO_CFN: &str = include_str!(concat!(
    env!("OUT_DIR"),
    "/iamgen/cloudformation/stuzio.yaml"
));

fn main() {
    println!("{STUZIO_TF}");
    println!(
        "{} lines of CloudFormation for Stuzio",
        STUZIO_CFN.lines().count()
    );
}
