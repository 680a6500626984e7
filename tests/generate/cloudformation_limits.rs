//! CloudFormation's limits at scale: a stack of 10,000 or 100,000 roles renders to templates that are each within
//! 500 resources, 200 outputs, 200 parameters and 1,000,000 bytes, an account over them becoming a parent
//! template of nested stacks. Every reference in a template names something of that template (a resource, a
//! parameter, a pseudo parameter); every nested stack names a part that was written, and depends only on parts
//! that exist. cfn-lint reads a sample of the parts and their parents.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use crate::support::tools::{self, describe, run};
use iamgen::AccountId;
use iamgen::policy::PolicyDocument;
use iamgen::render::{CloudFormationFormat, Renderer, Target};
use iamgen::stack::Stack;
use serde_json::Value as Json;

const MAX_RESOURCES: usize = 500;
const MAX_OUTPUTS: usize = 200;
const MAX_PARAMETERS: usize = 200;
const MAX_BYTES: usize = 1_000_000;

fn account_id(index: usize) -> AccountId {
    AccountId::parse(&format!("{}", 100_000_000_000 + index)).expect("twelve digits")
}

fn document(json: &str) -> PolicyDocument {
    PolicyDocument::from_json(json).expect("a valid document")
}

/// `roles` roles, `per_account` to an account, each with a third party's trust and a managed policy of its own;
/// and, in the first account, a group of 1,001 users and one policy attached to the first 600 roles, whose
/// resources cannot all share one part with what they refer to.
fn stack(roles: usize, per_account: usize) -> Stack {
    let mut stack = Stack::new();
    let accounts: Vec<_> = (0..roles.div_ceil(per_account))
        .map(|index| stack.add_account(account_id(index), format!("Bench{index:03}")))
        .collect();
    let shared = stack
        .add_policy(
            accounts[0],
            "SharedReadPolicy",
            document(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::iamgen-shared/*"}]}"#,
            ),
        )
        .expect("a policy");
    for role in 0..roles {
        let account = accounts[role / per_account];
        let trust = document(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::210987654321:root"}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"sts:ExternalId":"bench-{role}"}}}}}}]}}"#
        ));
        let role_ref = stack
            .add_role(account, format!("BenchRole{role}"), trust)
            .expect("a role");
        let policy = stack
            .add_policy(
                account,
                format!("BenchRole{role}Policy"),
                document(&format!(
                    r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::iamgen-bench-{role}/*"}}]}}"#
                )),
            )
            .expect("a policy");
        stack.attach(role_ref, policy);
        if role < 600 {
            stack.attach(role_ref, shared);
        }
    }
    let group = stack.add_group(accounts[0], "Readers").expect("a group");
    stack.attach(group, shared);
    for user in 0..1_001 {
        let user = stack
            .add_user(accounts[0], format!("reader{user}"))
            .expect("a user");
        stack.add_to_group(user, group);
    }
    stack
}

/// The logical ids a template's value refers to (`Ref`, `Fn::GetAtt`, `Fn::Sub` variables).
fn references(value: &Json, found: &mut BTreeSet<String>) {
    match value {
        Json::Object(members) => {
            if members.len() == 1 {
                if let Some(Json::String(name)) = members.get("Ref") {
                    found.insert(name.clone());
                    return;
                }
                if let Some(Json::Array(items)) = members.get("Fn::GetAtt") {
                    if let Some(Json::String(name)) = items.first() {
                        found.insert(name.clone());
                    }
                    return;
                }
                if let Some(Json::String(text)) = members.get("Fn::Sub") {
                    let mut rest = text.as_str();
                    while let Some(start) = rest.find("${") {
                        let after = &rest[start + 2..];
                        if let Some(literal) = after.strip_prefix('!') {
                            rest = literal;
                            continue;
                        }
                        let end = after.find('}').expect("a closed `${`");
                        let variable = &after[..end];
                        found.insert(variable.split('.').next().unwrap_or(variable).to_owned());
                        rest = &after[end + 1..];
                    }
                    return;
                }
            }
            members
                .values()
                .for_each(|member| references(member, found));
        }
        Json::Array(items) => items.iter().for_each(|item| references(item, found)),
        _ => {}
    }
}

fn section<'a>(template: &'a Json, name: &str) -> Option<&'a serde_json::Map<String, Json>> {
    template.get(name).and_then(Json::as_object)
}

/// Checks every JSON template of `files` against the limits and its own references; how many were split.
fn check_within_limits(files: &BTreeMap<String, String>) -> usize {
    let mut parents = 0;
    for (path, text) in files.iter().filter(|(path, _)| {
        path.starts_with("cloudformation/")
            && std::path::Path::new(path.as_str())
                .extension()
                .is_some_and(|extension| extension == "json")
    }) {
        assert!(text.len() <= MAX_BYTES, "{path}: {} bytes", text.len());
        let template: Json = serde_json::from_str(text).expect("JSON");
        let resources = section(&template, "Resources").expect("resources");
        let count = |name| section(&template, name).map_or(0, serde_json::Map::len);
        assert!(
            resources.len() <= MAX_RESOURCES,
            "{path}: {} resources",
            resources.len()
        );
        assert!(
            count("Outputs") <= MAX_OUTPUTS,
            "{path}: {} outputs",
            count("Outputs")
        );
        assert!(
            count("Parameters") <= MAX_PARAMETERS,
            "{path}: {} parameters",
            count("Parameters")
        );

        let mut found = BTreeSet::new();
        references(&template["Resources"], &mut found);
        if let Some(outputs) = template.get("Outputs") {
            references(outputs, &mut found);
        }
        let declared = |name: &str| {
            resources.contains_key(name)
                || section(&template, "Parameters").is_some_and(|p| p.contains_key(name))
                || name.starts_with("AWS::")
        };
        let dangling: Vec<&String> = found.iter().filter(|name| !declared(name)).collect();
        assert!(
            dangling.is_empty(),
            "{path} refers to what it does not declare: {dangling:?}"
        );

        let nested: Vec<&Json> = resources
            .values()
            .filter(|resource| resource["Type"] == "AWS::CloudFormation::Stack")
            .collect();
        if nested.is_empty() {
            continue;
        }
        parents += 1;
        assert_eq!(
            nested.len(),
            resources.len(),
            "{path}: a parent holds nested stacks only"
        );
        for resource in nested {
            let url = resource["Properties"]["TemplateURL"]
                .as_str()
                .expect("a TemplateURL");
            let part = format!("cloudformation/{url}");
            assert!(
                files.contains_key(&part),
                "{path} names {part}, which was not written"
            );
            let part: Json = serde_json::from_str(&files[&part]).expect("JSON");
            let given: BTreeSet<&String> = resource["Properties"]["Parameters"]
                .as_object()
                .map(|p| p.keys().collect())
                .unwrap_or_default();
            let wanted: BTreeSet<&String> = section(&part, "Parameters")
                .map(|p| {
                    p.iter()
                        .filter(|(_, d)| d.get("Default").is_none())
                        .map(|(k, _)| k)
                        .collect()
                })
                .unwrap_or_default();
            assert!(
                wanted.is_subset(&given),
                "{path}: {url} needs {wanted:?}, is given {given:?}"
            );
            for earlier in resource["DependsOn"].as_array().into_iter().flatten() {
                let earlier = earlier.as_str().expect("a logical id");
                assert!(
                    resources.contains_key(earlier),
                    "{path}: depends on {earlier}"
                );
            }
        }
    }
    parents
}

fn render(stack: &Stack) -> BTreeMap<String, String> {
    Renderer::embedded()
        .expect("the embedded templates")
        .render_with(stack, &[Target::CloudFormation], CloudFormationFormat::Json)
        .expect("every account renders, split where it must be")
        .files()
        .clone()
}

#[test]
fn ten_thousand_roles_in_one_account_split_into_nested_stacks_within_every_limit() {
    let files = render(&stack(10_000, 10_000));
    assert_eq!(check_within_limits(&files), 1, "the one account is split");
    let parent: Json = serde_json::from_str(&files["cloudformation/bench000.json"]).expect("JSON");
    let parts = section(&parent, "Resources").expect("resources");
    // 10,000 roles and their policies, the shared policy, the group and 1,001 users: 21,004 resources, at most
    // 200 outputs a part (a role and its policy have one each).
    assert!(
        parts.len() >= 21_004 / MAX_RESOURCES,
        "{} parts",
        parts.len()
    );
    // The users come after their group, the shared policy after the roles it is attached to: the parts that
    // name an earlier part's resources depend on it.
    assert!(
        parts.values().any(|part| part.get("DependsOn").is_some()),
        "no part depends on another"
    );
    // A reference across parts is by name: a user joins the group `Readers` of an earlier part by its name.
    let by_name = files
        .iter()
        .filter(|(path, _)| path.starts_with("cloudformation/bench000/"))
        .flat_map(|(_, text)| {
            let part: Json = serde_json::from_str(text).expect("JSON");
            section(&part, "Resources")
                .cloned()
                .unwrap_or_default()
                .into_iter()
        })
        .any(|(_, resource)| {
            resource["Type"] == "AWS::IAM::User"
                && resource["Properties"]["Groups"] == serde_json::json!(["Readers"])
        });
    assert!(by_name, "no user names its group by name in a later part");

    if let Some(cfn_lint) = tools::cfn_lint() {
        lint_sample(&cfn_lint, &files);
    }
}

#[test]
fn a_hundred_thousand_roles_render_within_every_limit() {
    let files = render(&stack(100_000, 10_000));
    assert_eq!(check_within_limits(&files), 10, "each account is split");
}

/// Runs cfn-lint on the parent and its first, second and last parts, written with the paths they name each
/// other by.
fn lint_sample(cfn_lint: &std::path::Path, files: &BTreeMap<String, String>) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let parts: Vec<&String> = files
        .keys()
        .filter(|path| path.starts_with("cloudformation/bench000/"))
        .collect();
    let sample = [
        "cloudformation/bench000.json",
        parts[0],
        parts[1],
        parts[parts.len() - 1],
    ];
    for path in &sample {
        let target = dir.path().join(path);
        std::fs::create_dir_all(target.parent().expect("a folder")).expect("folders");
        std::fs::write(&target, &files[*path]).expect("written");
    }
    let output = run(Command::new(cfn_lint)
        .current_dir(dir.path())
        .args(["--format", "parseable", "--"])
        .args(sample));
    assert!(
        output.status.success(),
        "cfn-lint on {sample:?}:\n{}",
        describe(&output)
    );
}
