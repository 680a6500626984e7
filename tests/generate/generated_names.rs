//! Nothing lost in generation: every name the generator derives from a person's name (account aliases, so file
//! names, providers and variables; Terraform outputs; diagram node ids; policy file names) is unique, however
//! alike the names are; what cannot be generated is said, never written broken; and the output directory is
//! written all or nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use iamgen::render::{Target, render};
use iamgen::stack::Stack;
use iamgen::stack::spec::from_toml;

fn stack(spec: &str) -> Stack {
    from_toml(spec).unwrap_or_else(|error| panic!("{error}"))
}

fn files(stack: &Stack) -> BTreeMap<String, String> {
    render(stack, &Target::ALL).unwrap().files().clone()
}

/// Every `<keyword> "<name>"` block opening in a Terraform file, such as `variable "acme_account_id"`.
fn blocks<'a>(text: &'a str, keyword: &str) -> Vec<&'a str> {
    let prefix = format!("{keyword} \"");
    text.lines()
        .filter_map(|line| line.strip_prefix(prefix.as_str()))
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

/// Whether `path` is a generated file of `extension` directly in the output folder `folder`.
fn generated(path: &str, folder: &str, extension: &str) -> bool {
    let path = Path::new(path);
    path.parent() == Some(Path::new(folder)) && path.extension().is_some_and(|e| e == extension)
}

fn assert_unique(what: &str, names: &[&str]) {
    let set: BTreeSet<&&str> = names.iter().collect();
    assert_eq!(set.len(), names.len(), "{what} declared twice: {names:?}");
}

const POLICY: &str = r#"'''{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}'''"#;
const TRUST: &str = r#"'''{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'''"#;

fn account_with_user(name: &str, id: &str, user: &str) -> String {
    format!(
        "[[account]]\nname = {name:?}\nid = \"{id}\"\n\n[[user]]\nname = \"{user}\"\naccount = {name:?}\n\n"
    )
}

#[test]
fn accounts_whose_names_fold_alike_keep_their_own_files_providers_and_variables() {
    // Before: all three became `acme`, so one account's files overwrote another's, `variables.tf` declared a
    // variable twice, `providers.tf` an alias twice, and a user vanished from the output.
    let spec = account_with_user("Acme", "183438944504", "Troy")
        + &account_with_user("ACME", "283438944504", "Dana")
        + &account_with_user("acme 183438944504", "383438944504", "Kim")
        + &account_with_user("Acme1", "483438944504", "Lee")
        + &account_with_user("Acme-1", "583438944504", "Max");
    let files = files(&stack(&spec));
    let tf: Vec<&String> = files
        .keys()
        .filter(|p| generated(p, "terraform", "tf"))
        .collect();
    // Five account files beside versions, providers, variables and outputs.
    assert_eq!(tf.len(), 9, "{tf:?}");
    for user in ["Troy", "Dana", "Kim", "Lee", "Max"] {
        let holders = tf
            .iter()
            .filter(|p| files[**p].contains(&format!("= \"{user}\"")))
            .count();
        assert_eq!(holders, 1, "user {user} in {holders} Terraform files");
        let templates = files
            .iter()
            .filter(|(p, text)| {
                generated(p, "cloudformation", "yaml")
                    && text.contains(&format!("UserName: \"{user}\""))
            })
            .count();
        assert_eq!(
            templates, 1,
            "user {user} in {templates} CloudFormation templates"
        );
    }
    assert_unique(
        "variable",
        &blocks(&files["terraform/variables.tf"], "variable"),
    );
    let providers = &files["terraform/providers.tf"];
    let aliases: Vec<&str> = providers
        .lines()
        .filter_map(|line| line.trim().strip_prefix("alias"))
        .filter_map(|rest| rest.trim_start().strip_prefix("= \""))
        .map(|rest| rest.trim_end_matches('"'))
        .collect();
    assert_eq!(aliases.len(), 5, "{providers}");
    assert_unique("provider alias", &aliases);
    // CloudFormation makes logical ids (`<Alias>AccountId` parameters) of the aliases without their `_`:
    // `Acme1` and `Acme-1` must differ there too.
    let folded: BTreeSet<String> = files
        .keys()
        .filter_map(|p| p.strip_prefix("terraform/")?.strip_suffix(".tf"))
        .map(|alias| alias.replace('_', ""))
        .collect();
    assert_eq!(folded.len(), 9, "{folded:?}");
    let yaml: Vec<&String> = files
        .keys()
        .filter(|p| generated(p, "cloudformation", "yaml"))
        .collect();
    assert_eq!(yaml.len(), 5, "{yaml:?}");
}

#[test]
fn users_whose_names_snake_alike_are_distinct_diagram_nodes() {
    let mut spec = "[[account]]\nname = \"Acme\"\nid = \"183438944504\"\n\n".to_owned();
    for user in ["Troy.A", "Troy-A", "Troy_A", "TroyA"] {
        let _ = write!(spec, "[[user]]\nname = \"{user}\"\naccount = \"Acme\"\n\n");
    }
    let files = files(&stack(&spec));
    let dot = &files["diagram.dot"];
    let mut ids: Vec<&str> = dot
        .lines()
        .filter(|line| line.contains("label = \"user Troy"))
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert_eq!(ids.len(), 4, "{dot}");
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 4, "{dot}");
    let mermaid = &files["diagram.mmd"];
    for user in ["Troy.A", "Troy-A", "Troy_A", "TroyA"] {
        assert_eq!(
            mermaid.matches(&format!("user {user}\"")).count(),
            1,
            "{user}: {mermaid}"
        );
    }
}

#[test]
fn a_role_and_a_policy_named_alike_get_distinct_outputs_and_files() {
    // Before: `output "foo_arn"` twice ("Duplicate output definition"), and the policy `Foo.trust` and the
    // trust of the role `Foo` one file.
    let spec = format!(
        "[[account]]\nname = \"Acme\"\nid = \"183438944504\"\n\n\
         [[policy]]\nname = \"Foo\"\naccount = \"Acme\"\ndocument = {POLICY}\n\n\
         [[policy]]\nname = \"Foo.trust\"\naccount = \"Acme\"\ndocument = {POLICY}\n\n\
         [[role]]\nname = \"Foo\"\naccount = \"Acme\"\ntrust = {TRUST}\nattach = [\"Foo\"]\n"
    );
    let files = files(&stack(&spec));
    let outputs = blocks(&files["terraform/outputs.tf"], "output");
    assert_eq!(outputs.len(), 3, "{outputs:?}");
    assert_unique("output", &outputs);
    let policy_files: Vec<&String> = files
        .keys()
        .filter(|p| p.starts_with("policies/acme/"))
        .collect();
    assert_eq!(policy_files.len(), 3, "{policy_files:?}");
}

#[test]
fn a_very_long_account_name_still_gives_short_file_names() {
    let name = "A".repeat(120) + &"b".repeat(130);
    let spec = account_with_user(&name, "183438944504", "Troy");
    let files = files(&stack(&spec));
    for path in files.keys() {
        for part in path.split('/') {
            assert!(part.len() <= 100, "{path}");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    render(&stack(&spec), &Target::ALL)
        .unwrap()
        .write_to(dir.path())
        .unwrap();
}

#[test]
fn an_account_with_nothing_in_it_gets_no_cloudformation_template_and_a_note() {
    let spec = account_with_user("Acme", "183438944504", "Troy")
        + "[[account]]\nname = \"Empty\"\nid = \"283438944504\"\n";
    let rendered = render(&stack(&spec), &Target::ALL).unwrap();
    assert!(rendered.file("cloudformation/acme.yaml").is_some());
    assert!(rendered.file("cloudformation/empty.yaml").is_none());
    assert!(rendered.file("cloudformation/empty.json").is_none());
    assert!(
        rendered
            .notes()
            .iter()
            .any(|note| note.contains("no template for Empty (283438944504)")),
        "{:?}",
        rendered.notes()
    );
    let readme = rendered.file("cloudformation/README.md").unwrap();
    assert!(
        readme.contains(
            "| Empty | `283438944504` | none: nothing of the stack lives in this account |"
        ),
        "{readme}"
    );
    // Terraform takes an empty file: the account keeps its provider and file there.
    assert!(rendered.file("terraform/empty.tf").is_some());
}

#[test]
fn a_stackset_body_over_cloudformations_limit_is_not_generated_and_says_why() {
    // Enough trusted roles that the roles-only template passes the 51,200 bytes a StackSet takes inline.
    let mut spec = "[[account]]\nname = \"Stuzio\"\nid = \"081278057606\"\n\n[[account]]\nname = \"Acme\"\nid = \"183438944504\"\n\n".to_owned();
    let trust = r#"'''{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::183438944504:root"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "an-external-id-long-enough-to-fill-the-template"}}}]}'''"#;
    for index in 0..150 {
        let _ = write!(
            spec,
            "[[role]]\nname = \"ConsultantRoleNumber{index:03}\"\naccount = \"Stuzio\"\ndescription = \"{}\"\ntrust = {trust}\n\n",
            "A role for a consultant of Acme. ".repeat(6)
        );
    }
    let rendered = render(&stack(&spec), &[Target::CloudFormation]).unwrap();
    assert!(rendered.file("cloudformation/stuzio.yaml").is_some());
    assert!(
        rendered
            .file("cloudformation/stackset-stuzio.yaml")
            .is_none()
    );
    assert!(
        rendered
            .notes()
            .iter()
            .any(|note| note.contains("no stackset-stuzio.yaml") && note.contains("51200 bytes")),
        "{:?}",
        rendered.notes()
    );
}
