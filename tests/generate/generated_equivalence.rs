//! Equivalence: the policies recovered from the generated Terraform (its `jsonencode(...)` expressions
//! evaluated by hcl-rs, with the variables' defaults and the resources' ARNs) and from the generated
//! CloudFormation (intrinsic functions evaluated with the parameters' defaults) equal the model's, value for
//! value: every managed policy and every role's trust, for the reference scenario and the hardened variant.

use std::collections::BTreeMap;

use crate::support::cloudformation::{Template, stackset_bodies};
use crate::support::stacks::Case;
use crate::support::terraform::{Evaluator, Module, TfFile, parse_files};
use serde_json::Value as Json;

/// A policy of the model: its account and its document as JSON.
#[derive(Debug, Clone)]
struct Expected {
    account: String,
    document: Json,
}

fn json(text: &str) -> Json {
    serde_json::from_str(text).expect("the model's printer writes JSON")
}

/// The model's managed policies by name.
fn model_policies(case: &Case) -> BTreeMap<String, Expected> {
    case.stack
        .policies()
        .map(|(_, policy)| {
            (
                policy.name.clone(),
                Expected {
                    account: case.stack.account(policy.account).id.as_str().to_owned(),
                    document: json(&policy.document.to_json()),
                },
            )
        })
        .collect()
}

/// The model's roles' trust policies by role name.
fn model_trusts(case: &Case) -> BTreeMap<String, Expected> {
    case.stack
        .roles()
        .map(|(_, role)| {
            assert!(
                role.inline.is_empty(),
                "{}: the renderers do not write inline policies",
                case.name
            );
            (
                role.name.clone(),
                Expected {
                    account: case.stack.account(role.account).id.as_str().to_owned(),
                    document: json(&role.trust.to_json()),
                },
            )
        })
        .collect()
}

fn in_account(expected: &BTreeMap<String, Expected>, account: &str) -> Vec<String> {
    expected
        .iter()
        .filter(|(_, e)| e.account == account)
        .map(|(name, _)| name.clone())
        .collect()
}

fn assert_documents(
    case: &Case,
    what: &str,
    found: &[(String, Json)],
    expected: &BTreeMap<String, Expected>,
    account: &str,
) {
    for (name, document) in found {
        let model = expected
            .get(name)
            .unwrap_or_else(|| panic!("{}: {what} {name} is not in the model", case.name));
        assert_eq!(
            model.account, account,
            "{}: {what} {name} is deployed in the wrong account",
            case.name
        );
        assert_eq!(
            document,
            &model.document,
            "{}: {what} {name} differs from the model:\n{}\n--- model\n{}",
            case.name,
            serde_json::to_string_pretty(document).unwrap_or_default(),
            serde_json::to_string_pretty(&model.document).unwrap_or_default()
        );
    }
}

fn names(found: &[(String, Json)]) -> Vec<String> {
    let mut names: Vec<String> = found.iter().map(|(name, _)| name.clone()).collect();
    names.sort();
    names
}

#[test]
fn terraform_policies_equal_the_model() {
    for case in Case::both() {
        let module = Module::new(&parse_files(&case));
        let evaluator = Evaluator::new(&module);
        let policies = model_policies(&case);
        let trusts = model_trusts(&case);
        let mut found_policies = Vec::new();
        let mut found_trusts = Vec::new();
        let mut accounts = BTreeMap::new();
        for ((kind, name), declared) in &module.resources {
            let account = module_account(&module, &evaluator, kind, name);
            match kind.as_str() {
                "aws_iam_policy" => {
                    let policy_name = evaluator.string(declared, "name");
                    accounts.insert(("policy", policy_name.clone()), account);
                    found_policies.push((policy_name, evaluator.policy(declared, "policy")));
                }
                "aws_iam_role" => {
                    let role_name = evaluator.string(declared, "name");
                    accounts.insert(("role", role_name.clone()), account);
                    found_trusts
                        .push((role_name, evaluator.policy(declared, "assume_role_policy")));
                }
                _ => {}
            }
        }
        assert_eq!(
            names(&found_policies),
            policies.keys().cloned().collect::<Vec<_>>(),
            "{}: the Terraform's managed policies",
            case.name
        );
        assert_eq!(
            names(&found_trusts),
            trusts.keys().cloned().collect::<Vec<_>>(),
            "{}: the Terraform's roles",
            case.name
        );
        for (name, document) in &found_policies {
            let account = &accounts[&("policy", name.clone())];
            assert_documents(
                &case,
                "aws_iam_policy",
                &[(name.clone(), document.clone())],
                &policies,
                account,
            );
        }
        for (name, document) in &found_trusts {
            let account = &accounts[&("role", name.clone())];
            assert_documents(
                &case,
                "aws_iam_role trust",
                &[(name.clone(), document.clone())],
                &trusts,
                account,
            );
        }
    }
}

/// The account a resource is created in: the one its provider configuration allows.
fn module_account(module: &Module, evaluator: &Evaluator, kind: &str, name: &str) -> String {
    let declared = &module.resources[&(kind.to_owned(), name.to_owned())];
    let Some(hcl::Expression::Traversal(traversal)) =
        crate::support::terraform::attribute(declared.block.body(), "provider")
    else {
        panic!("{kind}.{name}: no `provider = aws.ALIAS`");
    };
    let [hcl::expr::TraversalOperator::GetAttr(alias)] = traversal.operators.as_slice() else {
        panic!("{kind}.{name}: provider is not `aws.ALIAS`");
    };
    let provider = &module.providers[&("aws".to_owned(), alias.as_str().to_owned())];
    let allowed =
        crate::support::terraform::attribute(provider.block.body(), "allowed_account_ids")
            .unwrap_or_else(|| panic!("provider {alias}: no allowed_account_ids"));
    match evaluator.evaluate(allowed, "allowed_account_ids") {
        hcl::Value::Array(ids) => match ids.as_slice() {
            [hcl::Value::String(id)] => id.clone(),
            _ => panic!("provider {alias}: allowed_account_ids is not one id"),
        },
        other => panic!("provider {alias}: allowed_account_ids is {other:?}"),
    }
}

/// The account templates, YAML and JSON, as `(alias, account id, YAML value, JSON value)`.
fn account_templates(case: &Case) -> Vec<(String, String, Json, Json)> {
    let jsons = case.files("cloudformation/", ".json");
    assert!(
        !jsons.is_empty(),
        "{}: no CloudFormation JSON template",
        case.name
    );
    jsons
        .into_iter()
        .map(|(path, text)| {
            let alias = path
                .trim_start_matches("cloudformation/")
                .trim_end_matches(".json")
                .to_owned();
            let yaml_path = format!("cloudformation/{alias}.yaml");
            let yaml_text = case
                .rendered
                .file(&yaml_path)
                .unwrap_or_else(|| panic!("{}: {path} has no YAML twin", case.name));
            let json_value: Json = serde_json::from_str(&text)
                .unwrap_or_else(|error| panic!("{}: {path}: {error}", case.name));
            let yaml_value: Json = serde_norway::from_str(yaml_text)
                .unwrap_or_else(|error| panic!("{}: {yaml_path}: {error}", case.name));
            let account = case.account_id_of_alias(&alias);
            (alias, account, yaml_value, json_value)
        })
        .collect()
}

#[test]
fn cloudformation_yaml_and_json_templates_are_the_same_template() {
    for case in Case::both() {
        for (alias, _, yaml, json) in account_templates(&case) {
            assert_eq!(
                yaml, json,
                "{}: {alias}.yaml and {alias}.json differ",
                case.name
            );
        }
    }
}

#[test]
fn cloudformation_policies_equal_the_model() {
    for case in Case::both() {
        let policies = model_policies(&case);
        let trusts = model_trusts(&case);
        for (alias, account, _, json) in account_templates(&case) {
            let template = Template::new(json, &account, &format!("{}: {alias}.json", case.name));
            let found_policies = template.managed_policies();
            let found_trusts = template.trusts();
            assert_eq!(
                names(&found_policies),
                in_account(&policies, &account),
                "{}: the managed policies of {alias}.json",
                case.name
            );
            assert_eq!(
                names(&found_trusts),
                in_account(&trusts, &account),
                "{}: the roles of {alias}.json",
                case.name
            );
            assert_documents(
                &case,
                "AWS::IAM::ManagedPolicy",
                &found_policies,
                &policies,
                &account,
            );
            assert_documents(
                &case,
                "AWS::IAM::Role trust",
                &found_trusts,
                &trusts,
                &account,
            );
        }
    }
}

#[test]
fn stackset_templates_carry_the_roles_and_their_policies_unchanged() {
    for case in Case::both() {
        let policies = model_policies(&case);
        let trusts = model_trusts(&case);
        let stacksets = case.files("cloudformation/stackset-", ".yaml");
        assert_eq!(
            stacksets.len(),
            1,
            "{}: one StackSet template, for Stuzio",
            case.name
        );
        for (path, text) in stacksets {
            let alias = path
                .trim_start_matches("cloudformation/stackset-")
                .trim_end_matches(".yaml");
            let account = case.account_id_of_alias(alias);
            let outer: Json = serde_norway::from_str(&text)
                .unwrap_or_else(|error| panic!("{}: {path}: {error}", case.name));
            let bodies = stackset_bodies(&outer, &path);
            assert_eq!(bodies.len(), 1, "{}: {path}: one StackSet", case.name);
            for (id, body) in bodies {
                // Evaluated as deployed in the trusting account; in another account of the organizational
                // unit only `AWS::AccountId` differs, and the policies do not use it.
                let template =
                    Template::new(body, &account, &format!("{}: {path} {id}", case.name));
                let found_trusts = template.trusts();
                assert_eq!(
                    names(&found_trusts),
                    in_account(&trusts, &account),
                    "{}: {path}",
                    case.name
                );
                assert_documents(
                    &case,
                    "StackSet role trust",
                    &found_trusts,
                    &trusts,
                    &account,
                );
                // Only the policies the roles use: attached ones and boundaries.
                let found_policies = template.managed_policies();
                let used: Vec<String> = case
                    .stack
                    .roles()
                    .filter(|(_, role)| case.stack.account(role.account).id.as_str() == account)
                    .flat_map(|(_, role)| {
                        role.policies
                            .iter()
                            .chain(role.permissions_boundary.iter())
                            .map(|policy| case.stack.policy(*policy).name.clone())
                            .collect::<Vec<_>>()
                    })
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                assert_eq!(
                    names(&found_policies),
                    used,
                    "{}: {path}: policies",
                    case.name
                );
                assert_documents(
                    &case,
                    "StackSet managed policy",
                    &found_policies,
                    &policies,
                    &account,
                );
            }
        }
    }
}

#[test]
fn policy_files_equal_the_model() {
    for case in Case::both() {
        let policies = model_policies(&case);
        let trusts = model_trusts(&case);
        let files = case.files("policies/", ".json");
        assert_eq!(
            files.len(),
            policies.len() + trusts.len(),
            "{}: one file per policy and per trust",
            case.name
        );
        for (path, text) in files {
            let file = path.rsplit('/').next().unwrap_or_default();
            let expected = match file.strip_suffix(".trust.json") {
                Some(role) => &trusts[role],
                None => &policies[file.trim_end_matches(".json")],
            };
            assert_eq!(json(&text), expected.document, "{}: {path}", case.name);
        }
    }
}

#[test]
fn the_hardened_variant_exercises_every_escape() {
    // The checks above are only as strong as their inputs: the hardened variant carries an IAM policy variable
    // through HCL (`$${`) and `Fn::Sub` (`${!`), and cross-account references through variables and parameters.
    let case = Case::hardened();
    let tf = case
        .rendered
        .file("terraform/stuzio.tf")
        .expect("stuzio.tf");
    assert!(tf.contains("/home/$${aws:userid}/*\""), "{tf}");
    assert!(tf.contains("aws_iam_user.troy.arn"), "{tf}");
    let cfn = case
        .rendered
        .file("cloudformation/stuzio.json")
        .expect("stuzio.json");
    assert!(
        cfn.contains("${ComStuzioProjectxBucket.Arn}/home/${!aws:userid}/*"),
        "{cfn}"
    );
    assert!(
        cfn.contains("arn:aws:iam::${AcmeAccountId}:user/Troy"),
        "{cfn}"
    );
}

#[test]
fn a_policy_changed_in_the_output_is_caught() {
    // The comparisons above would notice a generator that loses or alters a value: here the output is edited
    // (the policy variable `${aws:userid}` becomes `${aws:username}`) and the recovered document differs.
    let case = Case::hardened();
    let model = model_policies(&case)["StuzioConsultantBoundary"]
        .document
        .clone();
    assert!(model.to_string().contains("/home/${aws:userid}/*"));

    let edited: Vec<TfFile> = parse_files(&case)
        .into_iter()
        .map(|file| {
            let text = file.text.replace("$${aws:userid}", "$${aws:username}");
            let body = hcl::parse(&text).expect("the edited file parses");
            TfFile {
                path: file.path,
                text,
                body,
            }
        })
        .collect();
    let module = Module::new(&edited);
    let key = (
        "aws_iam_policy".to_owned(),
        "stuzio_consultant_boundary".to_owned(),
    );
    let from_terraform = Evaluator::new(&module).policy(&module.resources[&key], "policy");
    assert_ne!(from_terraform, model);
    assert!(
        from_terraform
            .to_string()
            .contains("/home/${aws:username}/*")
    );

    let json = case
        .rendered
        .file("cloudformation/stuzio.json")
        .expect("stuzio.json")
        .replace("${!aws:userid}", "${!aws:username}");
    let template = Template::new(
        serde_json::from_str(&json).expect("JSON"),
        &case.account_id_of_alias("stuzio"),
        "edited stuzio.json",
    );
    let (_, from_cloudformation) = template
        .managed_policies()
        .into_iter()
        .find(|(name, _)| name == "StuzioConsultantBoundary")
        .expect("the boundary");
    assert_ne!(from_cloudformation, model);
    assert!(
        from_cloudformation
            .to_string()
            .contains("/home/${aws:username}/*")
    );
}

#[test]
fn inline_policies_reach_terraform_cloudformation_and_policy_files() {
    let (case, expected) = crate::support::stacks::with_inline_policies();

    let module = Module::new(&parse_files(&case));
    let evaluator = Evaluator::new(&module);
    let mut from_terraform = BTreeMap::new();
    for ((kind, _), declared) in &module.resources {
        let Some(owner_kind) = kind
            .strip_prefix("aws_iam_")
            .and_then(|rest| rest.strip_suffix("_policy"))
            .filter(|owner| ["role", "group", "user"].contains(owner))
        else {
            continue;
        };
        from_terraform.insert(
            (
                owner_kind.to_owned(),
                evaluator.string(declared, owner_kind),
                evaluator.string(declared, "name"),
            ),
            evaluator.policy(declared, "policy"),
        );
    }
    assert_eq!(
        from_terraform, expected,
        "inline policies recovered from the Terraform"
    );

    let mut from_cloudformation = BTreeMap::new();
    for (alias, account, _, json) in account_templates(&case) {
        let template = Template::new(json, &account, &format!("inline: {alias}.json"));
        for (kind, type_name, name_key) in [
            ("role", "AWS::IAM::Role", "RoleName"),
            ("group", "AWS::IAM::Group", "GroupName"),
            ("user", "AWS::IAM::User", "UserName"),
        ] {
            for (_, resource) in template.resources(type_name) {
                let properties = template.evaluate(&resource["Properties"]);
                let owner = properties[name_key].as_str().expect("a name").to_owned();
                for policy in properties["Policies"].as_array().into_iter().flatten() {
                    from_cloudformation.insert(
                        (
                            kind.to_owned(),
                            owner.clone(),
                            policy["PolicyName"]
                                .as_str()
                                .expect("a policy name")
                                .to_owned(),
                        ),
                        policy["PolicyDocument"].clone(),
                    );
                }
            }
        }
        // A user that exists already has no `AWS::IAM::User`: its inline policies are resources of their own.
        for (_, resource) in template.resources("AWS::IAM::UserPolicy") {
            let properties = template.evaluate(&resource["Properties"]);
            let text = |key: &str| properties[key].as_str().expect(key).to_owned();
            from_cloudformation.insert(
                ("user".to_owned(), text("UserName"), text("PolicyName")),
                properties["PolicyDocument"].clone(),
            );
        }
    }
    assert_eq!(
        from_cloudformation, expected,
        "inline policies recovered from the CloudFormation"
    );

    for ((kind, owner, name), document) in &expected {
        let suffix = format!("/inline/{kind}s/{owner}/{name}.json");
        let files = case.files("policies/", &suffix);
        assert_eq!(files.len(), 1, "one policy file ending {suffix}");
        assert_eq!(&json(&files[0].1), document, "{}", files[0].0);
    }
}
