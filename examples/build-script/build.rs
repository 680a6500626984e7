//! Declares the cross-account pattern in Rust and writes its Terraform, CloudFormation, policy files and
//! diagram to `$OUT_DIR/iamgen`. Files are rewritten only when their content changes, so the build script
//! does not make cargo rebuild the crate again and again.

use iamgen::build_script::Generate;
use iamgen::stack::cross_account::CrossAccount;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The output depends on this file and on iamgen only.
    println!("cargo:rerun-if-changed=build.rs");
    let stack = CrossAccount::hardened_scenario().build()?;
    Generate::new(&stack).run()?;
    Ok(())
}
