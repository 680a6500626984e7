//! Plans people can review, against moto: each change says what changes (settings old → new, a policy's
//! statements), hand changes on the stack's own roles and users are named as such, and a spec's `unmanaged`
//! keeps them.
//!
//! Each test starts its own `moto_server` (`scripts/ci-tools.sh` installs it); without it they are skipped
//! outside CI.

use crate::support::deploy::{apply_all, clients, make_the_scenarios_bucket, on_moto, plan_of};
use crate::support::text::assert_contains_all;
use iamgen::PolicyDocument;
use iamgen::deploy::sdk::iam::types::Tag;
use iamgen::deploy::{self};
use iamgen::stack::{Stack, spec};

const STUZIO: &str = "081278057606";
const ACME: &str = "183438944504";
const ROLE: &str = "StuzioAcmeConsultantRole";
const LIST_ALL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}"#;

/// A tag, a customer managed policy attached and an inline policy, all added by hand to `role`. Returns the
/// hand-made policy's ARN. (moto holds no AWS managed policies unless told to load them, so that they are never
/// detached is a unit test of the plan.)
async fn change_by_hand_role(iam: &deploy::sdk::iam::Client, account: &str, role: &str) -> String {
    iam.tag_role()
        .role_name(role)
        .tags(
            Tag::builder()
                .key("owner")
                .value("bob")
                .build()
                .expect("a tag"),
        )
        .send()
        .await
        .expect("a tag by hand");
    iam.create_policy()
        .policy_name("HandMade")
        .policy_document(LIST_ALL)
        .send()
        .await
        .expect("a policy made by hand");
    let arn = format!("arn:aws:iam::{account}:policy/HandMade");
    iam.attach_role_policy()
        .role_name(role)
        .policy_arn(&arn)
        .send()
        .await
        .expect("a policy attached by hand");
    iam.put_role_policy()
        .role_name(role)
        .policy_name("HandInline")
        .policy_document(LIST_ALL)
        .send()
        .await
        .expect("an inline policy by hand");
    arn
}

#[test]
fn hand_changes_on_an_owned_role_are_named_as_such() {
    on_moto(async |_, admin| {
        make_the_scenarios_bucket(&admin).await;
        let stack = Stack::reference_scenario();
        apply_all(&admin, &stack).await;
        let stuzio = clients(&admin, STUZIO).await;
        let hand = change_by_hand_role(&stuzio.iam, STUZIO, ROLE).await;

        let planned = plan_of(&admin, &stack).await;
        let text = planned.to_text();
        assert_contains_all(
            &text,
            &[
                "  ~ role StuzioAcmeConsultantRole: remove tags owner (not in the spec)\n      - tag \"owner\" = \"bob\"\n",
                "  - policy HandMade attached to role StuzioAcmeConsultantRole: attached outside this stack (not in the spec)\n",
                "  - inline policy HandInline of role StuzioAcmeConsultantRole: not in the spec\n",
                "Plan: 0 to add, 1 to change, 2 to destroy.",
            ],
        );
        let json = planned.to_json();
        let reasons: Vec<&str> = json["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .filter_map(|change| change["reason"].as_str())
            .collect();
        assert_eq!(
            reasons,
            ["not_in_spec", "outside_stack", "not_in_spec"],
            "{json:#}"
        );

        let report = apply_all(&admin, &stack).await;
        assert!(
            report.ends_with("\nApply complete: 3 changes.\n"),
            "{report}"
        );
        // Detached, not deleted: the policy is not the stack's.
        stuzio
            .iam
            .get_policy()
            .policy_arn(&hand)
            .send()
            .await
            .expect("the hand-made policy is still there");
        let attached = stuzio
            .iam
            .list_attached_role_policies()
            .role_name(ROLE)
            .send()
            .await
            .expect("the role's policies");
        let names: Vec<&str> = attached
            .attached_policies()
            .iter()
            .filter_map(|policy| policy.policy_name())
            .collect();
        assert_eq!(names, ["StuzioProjectXPolicy"]);
    });
}

/// A role and a user declared in a spec, leaving `unmanaged` to people (`{unmanaged}` is the role's list).
fn spec_stack(role_unmanaged: &str, role_tags: &str) -> Stack {
    let text = format!(
        r#"
[[account]]
name = "Stuzio"
id = "{STUZIO}"

[[policy]]
name = "ReadReports"
account = "Stuzio"
document = '{LIST_ALL}'

[[role]]
name = "ReportReader"
account = "Stuzio"
attach = ["ReadReports"]
trust = '{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACME}:root"}},"Action":"sts:AssumeRole"}}]}}'
unmanaged = [{role_unmanaged}]
tags = {{ {role_tags} }}

[[user]]
name = "Auditor"
account = "Stuzio"
attach = ["ReadReports"]
unmanaged = ["managed_policies", "inline_policies"]
"#
    );
    spec::from_toml(&text).unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn a_spec_keeps_what_it_leaves_unmanaged() {
    on_moto(async |_, admin| {
        let all = r#""tags", "managed_policies", "inline_policies""#;
        let stack = spec_stack(all, "");
        apply_all(&admin, &stack).await;
        let stuzio = clients(&admin, STUZIO).await;
        change_by_hand_role(&stuzio.iam, STUZIO, "ReportReader").await;
        let hand = format!("arn:aws:iam::{STUZIO}:policy/HandMade");
        stuzio
            .iam
            .attach_user_policy()
            .user_name("Auditor")
            .policy_arn(&hand)
            .send()
            .await
            .expect("a user policy attached by hand");
        stuzio
            .iam
            .put_user_policy()
            .user_name("Auditor")
            .policy_name("HandInline")
            .policy_document(LIST_ALL)
            .send()
            .await
            .expect("a user inline policy by hand");

        let planned = plan_of(&admin, &stack).await;
        assert!(planned.is_empty(), "{}", planned.to_text());

        // What the spec declares of an unmanaged kind is still set; what was added by hand stays.
        let tagged = spec_stack(all, r#"team = "reports""#);
        let planned = plan_of(&admin, &tagged).await;
        let text = planned.to_text();
        assert!(
            text.contains("  ~ role ReportReader: tags team\n      + tag \"team\" = \"reports\"\n"),
            "{text}"
        );
        assert_eq!(planned.changes.len(), 1, "{text}");
        let report = apply_all(&admin, &tagged).await;
        assert!(
            report.ends_with("\nApply complete: 1 change.\n"),
            "{report}"
        );
        let tags = stuzio
            .iam
            .list_role_tags()
            .role_name("ReportReader")
            .send()
            .await
            .expect("the role's tags");
        let mut keys: Vec<&str> = tags.tags().iter().map(Tag::key).collect();
        keys.sort_unstable();
        assert_eq!(keys, [deploy::OWNER_TAG, "owner", "team"]);

        // Managed again, the hand changes are planned away, each named.
        let managed = spec_stack("", r#"team = "reports""#);
        let text = plan_of(&admin, &managed).await.to_text();
        assert_contains_all(
            &text,
            &[
                "~ role ReportReader: remove tags owner (not in the spec)",
                "- policy HandMade attached to role ReportReader: attached outside this stack (not in the spec)",
                "- inline policy HandInline of role ReportReader: not in the spec",
            ],
        );
        assert!(!text.contains("user Auditor"), "{text}");
    });
}

#[test]
fn a_plan_says_what_changes_in_settings_and_statements() {
    on_moto(async |_, admin| {
        make_the_scenarios_bucket(&admin).await;
        let stack = Stack::reference_scenario();
        apply_all(&admin, &stack).await;

        let mut changed = stack.clone();
        let role = changed.role_by_name(ROLE).expect("the role");
        changed
            .set_max_session_duration(role, 7_200)
            .expect("a duration");
        let policy = changed
            .policy_by_name("StuzioProjectXPolicy")
            .expect("the policy");
        let mut document: serde_json::Value =
            serde_json::from_str(&changed.policy(policy).document.to_json()).expect("JSON");
        let statements = document["Statement"].as_array_mut().expect("statements");
        statements.push(serde_json::json!({
            "Sid": "ListAll", "Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"
        }));
        changed.policy_mut(policy).document =
            PolicyDocument::from_json(&document.to_string()).expect("a policy");

        let text = plan_of(&admin, &changed).await.to_text();
        assert_contains_all(
            &text,
            &[
                "  ~ role StuzioAcmeConsultantRole: session duration\n      ~ max_session_duration: 3600 → 7200\n",
                "  ~ policy StuzioProjectXPolicy: new default version\n      + statement \"ListAll\": ",
                "Plan: 0 to add, 2 to change, 0 to destroy.",
            ],
        );
        // Only the new statement: those IAM returned re-encoded mean what the stack says.
        assert_eq!(text.matches("statement").count(), 1, "{text}");
        apply_all(&admin, &changed).await;
    });
}

#[test]
fn an_unknown_unmanaged_kind_is_a_located_spec_error_with_a_suggestion() {
    let text = format!(
        r#"[[account]]
name = "Stuzio"
id = "{STUZIO}"

[[role]]
name = "ReportReader"
account = "Stuzio"
trust = '{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACME}:root"}},"Action":"sts:AssumeRole"}}]}}'
unmanaged = ["tag"]

[[user]]
name = "Auditor"
account = "Stuzio"
unmanaged = ["tags", "inline_policies", "inline_policies"]
"#
    );
    let error = spec::from_toml(&text).expect_err("unknown kinds");
    let found: Vec<(&str, String, Option<&str>)> = error
        .diagnostics()
        .iter()
        .zip(error.positions())
        .map(|(diagnostic, position)| {
            (
                diagnostic.code,
                position.to_string(),
                diagnostic.help.as_deref(),
            )
        })
        .collect();
    assert_eq!(found.len(), 3, "{}", error.render(&text, "iamgen.toml"));
    assert_eq!(found[0].0, "INVALID_UNMANAGED");
    assert_eq!(found[0].1, "9:14");
    assert_eq!(found[0].2, Some("did you mean `tags`?"));
    assert_eq!(
        (found[1].0, found[1].1.as_str()),
        ("INVALID_UNMANAGED", "14:14")
    );
    assert_eq!(
        (found[2].0, found[2].1.as_str()),
        ("DUPLICATE_NAME", "14:41")
    );
}
