//! Terraform plans (`terraform show -json plan.out`): the planned values of every resource, in the root module
//! and its child modules, with each policy argument as the JSON string Terraform resolved.

use super::terraform::placement;
use super::text::Decoded;
use super::yaml::{Src, SrcValue};
use super::{Body, Embedded, Found};

/// Whether a parsed JSON document is a Terraform plan or state.
pub(crate) fn is_plan(root: &Src) -> bool {
    root.get("planned_values").is_some()
        || (root.get("format_version").is_some() && root.get("terraform_version").is_some())
}

/// The policies of a plan's planned values (or of a state's values).
pub(crate) fn found(root: &Src) -> Found {
    let mut found = Found::default();
    let module = root
        .get("planned_values")
        .or_else(|| root.get("values"))
        .and_then(|values| values.get("root_module"));
    if let Some(module) = module {
        walk(module, &mut found);
    }
    found
}

fn walk(module: &Src, found: &mut Found) {
    if let Some(SrcValue::Seq(resources)) = module.get("resources").map(|r| &r.value) {
        for resource in resources {
            let (Some(address), Some(kind), Some(values)) = (
                resource.get("address").and_then(Src::as_str),
                resource.get("type").and_then(Src::as_str),
                resource.get("values"),
            ) else {
                continue;
            };
            let SrcValue::Map(entries) = &values.value else {
                continue;
            };
            for (key, value) in entries {
                let Some(attribute) = key.as_str() else {
                    continue;
                };
                let organizations_type = values.get("type").and_then(Src::as_str);
                let Some(policy_kind) = placement(kind, attribute, organizations_type) else {
                    continue;
                };
                let SrcValue::Scalar { text, runs, .. } = &value.value else {
                    continue;
                };
                if text.is_empty() {
                    continue;
                }
                let mut decoded = Decoded::new(value.at.clone());
                decoded.literal_runs(text, runs);
                found.policies.push(Embedded {
                    address: address.to_owned(),
                    attribute: attribute.to_owned(),
                    kind: Some(policy_kind),
                    body: Body::from_text(decoded),
                    source: None,
                });
            }
        }
    }
    if let Some(SrcValue::Seq(children)) = module.get("child_modules").map(|c| &c.value) {
        for child in children {
            walk(child, found);
        }
    }
}
