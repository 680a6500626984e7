//! `iamgen import` never plans a destroy (issue #12): against moto, an account holding three roles, a user and
//! a policy of the stack `iamgen` (applied from a spec), and a role made by hand. A role of the stack imports the
//! whole stack, whose plan is empty; the role made by hand imports under a stack of its own, which the plan only
//! adopts it into; a `--stack-name` that would take a role from its stack is refused.
//!
//! Each test starts its own `moto_server` (`scripts/ci-tools.sh` installs it); without it they are skipped
//! outside CI.

use crate::support::cli::{assert_stderr_holds, described, iamgen_aws, iamgen_aws_exits};
use crate::support::deploy::{account, block_on, clients, on_moto, on_moto_with_home, session};
use crate::support::spec_schema::assert_spec_passes_schema;
use crate::support::text::assert_contains_all;
use iamgen::deploy::{
    self, ChangeKind, ImportError, ImportedStack, Plan, Session, apply, import_role, plan,
};
use iamgen::stack::Stack;
use iamgen::stack::spec::from_toml;

const STUZIO: &str = "081278057606";
const STACK: &str = deploy::DEFAULT_STACK_NAME;

const SPEC: &str = r#"
[[account]]
name = "Stuzio"
id = "081278057606"

[[policy]]
name = "ReadReports"
account = "Stuzio"
document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}'

[[user]]
name = "Auditor"
account = "Stuzio"
attach = ["ReadReports"]

[[role]]
name = "ReportReader"
account = "Stuzio"
attach = ["ReadReports"]
trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'

[[role]]
name = "ReportWriter"
account = "Stuzio"
tags = { team = "reports" }
trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'

[[role.inline]]
name = "Write"
document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::reports/*"}]}'

[[role]]
name = "ReportAdmin"
account = "Stuzio"
max_session_duration = 7200
trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
"#;

/// A plan under the stack's own name: the spec's `stack`, else `iamgen`, as the command line resolves it.
async fn plan_of(session: &Session, stack: &Stack) -> Plan {
    plan(session, stack, stack.name().unwrap_or(STACK))
        .await
        .expect("a plan")
}

const HAND_MADE_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

/// Makes the role `HandMade` by hand, outside any stack, in `stuzio`'s account.
async fn make_hand_made_role(stuzio: &deploy::AccountClients) {
    stuzio
        .iam
        .create_role()
        .role_name("HandMade")
        .assume_role_policy_document(HAND_MADE_TRUST)
        .send()
        .await
        .expect("a role made by hand");
}

/// The account of every test: the spec's stack `iamgen` applied (its next plan empty), and `HandMade`, a role
/// made by hand with a policy made by hand.
async fn account_with_a_stack(admin: &Session) -> Stack {
    let stack = from_toml(SPEC).expect("the spec reads");
    let planned = plan_of(admin, &stack).await;
    let report = apply(admin, &planned).await;
    assert!(report.is_complete(), "{}", report.to_text());
    let again = plan_of(admin, &stack).await;
    assert!(again.is_empty(), "{}", again.to_text());
    let stuzio = clients(admin, STUZIO).await;
    make_hand_made_role(&stuzio).await;
    let policy = stuzio
        .iam
        .create_policy()
        .policy_name("HandMadePolicy")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}"#,
        )
        .send()
        .await
        .expect("a policy made by hand");
    stuzio
        .iam
        .attach_role_policy()
        .role_name("HandMade")
        .policy_arn(policy.policy().and_then(|p| p.arn()).expect("its ARN"))
        .send()
        .await
        .expect("attached by hand");
    stack
}

/// The imported spec read back, with the spec in the message when it does not read; it passes the schema
/// editors check it with, too.
fn read_back(toml: &str) -> Stack {
    assert_spec_passes_schema(toml);
    from_toml(toml)
        .unwrap_or_else(|error| panic!("{}\n{toml}", error.render(toml, "imported.toml")))
}

fn names<T>(items: &[T], name: impl Fn(&T) -> &str) -> Vec<&str> {
    items.iter().map(name).collect()
}

#[test]
fn an_imported_role_brings_its_whole_stack_and_plans_no_change() {
    on_moto(async |_, admin| {
        account_with_a_stack(&admin).await;

        let imported: ImportedStack = import_role(&admin, &account(STUZIO), "ReportReader", None)
            .await
            .expect("the role imports");
        assert_eq!(imported.stack_name, STACK);
        assert!(!imported.adopted);
        assert_eq!(
            names(&imported.roles, |role| &role.name),
            ["ReportAdmin", "ReportReader", "ReportWriter"],
            "every role of the stack, and not the one made by hand"
        );
        assert_eq!(names(&imported.users, |user| &user.name), ["Auditor"]);
        assert_eq!(
            names(&imported.policies, |policy| &policy.name),
            ["ReadReports"]
        );
        assert_eq!(
            imported.summary(),
            "imported stack iamgen from account 081278057606: 3 roles, 1 user, 1 policy"
        );
        assert_eq!(imported.notes(), Vec::<String>::new());

        let toml = imported.to_toml();
        assert!(toml.contains("\nstack = \"iamgen\"\n"), "{toml}");
        let spec = read_back(&toml);
        assert_eq!(spec.name(), Some(STACK));
        let planned = plan_of(&admin, &spec).await;
        assert_eq!(
            planned.counts().2,
            0,
            "no destroy:\n{}\n{toml}",
            planned.to_text()
        );
        assert!(planned.is_empty(), "{}\n{toml}", planned.to_text());

        // Any role of the stack imports the same stack.
        let again = import_role(&admin, &account(STUZIO), "ReportWriter", Some(STACK))
            .await
            .expect("the role imports");
        assert_eq!(
            again.to_toml().replace("ReportWriter", "ReportReader"),
            toml.replace("ReportWriter", "ReportReader")
        );

        // JSON and Rust hold the whole stack.
        let json = imported.to_json();
        assert_eq!(json["stack"], STACK);
        assert_eq!(json["roles"].as_array().map(Vec::len), Some(3), "{json}");
        assert_eq!(
            json["users"][0]["managed_policies"][0], "ReadReports",
            "{json}"
        );
        // The Rust source is compiled by the macros' pass tests: it must be the file they compile.
        let rust = imported.to_rust();
        crate::support::files::assert_golden(
            "macros/tests/ui/pass/imported/report_stack.rs",
            &rust,
        );
        assert_contains_all(
            &rust,
            &[
                "stack.set_name(\"iamgen\")?;",
                "let read_reports = stack.add_policy(account, \"ReadReports\", read_reports())?;",
                "let user = stack.add_user(account, \"Auditor\")?;",
                "stack.attach(user, read_reports);",
                "stack.add_role(account, \"ReportAdmin\", report_admin_trust())?;",
            ],
        );
    });
}

#[test]
fn a_role_without_the_owner_tag_imports_under_a_stack_of_its_own() {
    on_moto(async |_, admin| {
        let stack = account_with_a_stack(&admin).await;

        let imported = import_role(&admin, &account(STUZIO), "HandMade", None)
            .await
            .expect("the role imports");
        assert_eq!(imported.stack_name, "HandMade");
        assert!(imported.adopted);
        assert_eq!(names(&imported.roles, |role| &role.name), ["HandMade"]);
        assert!(imported.users.is_empty());
        assert_eq!(
            names(&imported.policies, |policy| &policy.name),
            ["HandMadePolicy"]
        );
        let notes = imported.notes();
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(
            notes[0].contains("role HandMade carries no iamgen:stack tag: the next plan adopts it into stack HandMade"),
            "{notes:?}"
        );
        assert!(
            notes[1].contains(
                "policy HandMadePolicy is used by stack HandMade but carries no iamgen:stack tag"
            ),
            "{notes:?}"
        );

        // The plan adopts the role, and nothing else.
        let toml = imported.to_toml();
        let spec = read_back(&toml);
        assert_eq!(spec.name(), Some("HandMade"));
        let planned = plan_of(&admin, &spec).await;
        let lines: Vec<String> = planned
            .changes
            .iter()
            .map(|c| {
                format!(
                    "{} {}: {}",
                    c.kind.sign(),
                    c.subject,
                    c.detail.clone().unwrap_or_default()
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                "~ role HandMade: tags iamgen:stack",
                "~ policy HandMadePolicy: adopted: tag iamgen:stack = HandMade"
            ],
            "{toml}"
        );
        assert!(planned.changes.iter().all(|c| c.kind != ChangeKind::Delete));
        let report = apply(&admin, &planned).await;
        assert!(report.is_complete(), "{}", report.to_text());
        assert!(plan_of(&admin, &spec).await.is_empty());
        // The stack `iamgen` is as it was, and now imports as before: HandMade is not its.
        assert!(plan_of(&admin, &stack).await.is_empty());

        // Imported again, the role is tagged: the same stack, nothing left to adopt.
        let again = import_role(&admin, &account(STUZIO), "HandMade", None)
            .await
            .expect("the role imports");
        assert_eq!(again.stack_name, "HandMade");
        assert!(
            !again.adopted && again.notes().is_empty(),
            "{:?}",
            again.notes()
        );

        // A stack name of the caller's choosing.
        let named = import_role(&admin, &account(STUZIO), "HandMade", Some("HandMade"))
            .await
            .expect("the role imports");
        assert_eq!(named.stack_name, "HandMade");
    });
}

#[test]
fn a_stack_name_that_would_take_the_role_from_its_stack_is_refused() {
    on_moto(async |_, admin| {
        account_with_a_stack(&admin).await;
        let refused = import_role(&admin, &account(STUZIO), "ReportReader", Some("other"))
            .await
            .expect_err("another stack's role");
        assert!(
            matches!(&refused, ImportError::OtherStack { role, tagged, given }
                if role == "ReportReader" && tagged == "iamgen" && given == "other"),
            "{refused:?}"
        );
        let message = refused.to_string();
        assert!(
            message.contains("`iamgen`") && message.contains("`other`"),
            "{message}"
        );

        let invalid = import_role(&admin, &account(STUZIO), "HandMade", Some("a,b"))
            .await
            .expect_err("not a tag value");
        assert!(matches!(invalid, ImportError::StackName(_)), "{invalid:?}");
    });
}

#[test]
fn import_then_plan_from_the_command_line_plans_no_destroy() {
    on_moto_with_home(|moto, home| {
        let spec = home.join("iamgen.toml");
        std::fs::write(&spec, SPEC).expect("the spec is written");
        let spec = spec.to_str().expect("UTF-8");
        iamgen_aws_exits(
            &moto.endpoint(),
            home,
            &["apply", spec, "--auto-approve"],
            &[],
            0,
        );
        block_on(async {
            let admin = session(&moto.endpoint()).await;
            let stuzio = clients(&admin, STUZIO).await;
            make_hand_made_role(&stuzio).await;
        });

        // `iamgen import` of `role` in Stuzio's account, then `extra`.
        let import = |role: &str, extra: &[&str], code| {
            let args = [&["import", "--account", STUZIO, "--role", role][..], extra].concat();
            iamgen_aws_exits(&moto.endpoint(), home, &args, &[], code)
        };
        let imported_path = home.join("imported.toml");
        let imported_path = imported_path.to_str().expect("UTF-8");
        let imported = import("ReportReader", &["--out", imported_path], 0);
        let stderr = String::from_utf8_lossy(&imported.stderr);
        assert!(
            stderr.contains(
                "imported stack iamgen from account 081278057606: 3 roles, 1 user, 1 policy"
            ),
            "{}",
            described(&imported)
        );
        let replanned = iamgen_aws(&moto.endpoint(), home, &["plan", imported_path], &[]);
        assert_eq!(
            String::from_utf8_lossy(&replanned.stdout),
            "No changes. The accounts match the stack.\n",
            "{}\n{}",
            described(&replanned),
            std::fs::read_to_string(imported_path).unwrap_or_default()
        );
        // The spec names its stack: a flag that says otherwise is a usage error naming both.
        let contradicted = iamgen_aws_exits(
            &moto.endpoint(),
            home,
            &["plan", imported_path, "--stack-name", "other"],
            &[],
            2,
        );
        let stderr = String::from_utf8_lossy(&contradicted.stderr);
        assert!(
            stderr.contains("--stack-name other") && stderr.contains("stack = \"iamgen\""),
            "{stderr}"
        );

        for (format, expected) in [
            ("json", "\"ReportWriter\""),
            ("rust", "stack.add_user(account, \"Auditor\")"),
        ] {
            let output = import("ReportReader", &["--format", format], 0);
            assert!(
                String::from_utf8_lossy(&output.stdout).contains(expected),
                "{}",
                described(&output)
            );
        }

        // The role made by hand: its own stack, which the plan only adopts it into.
        let hand_made = home.join("hand-made.toml");
        let hand_made = hand_made.to_str().expect("UTF-8");
        let imported = import(
            "HandMade",
            &["--stack-name", "hand-made", "--out", hand_made],
            0,
        );
        let stderr = String::from_utf8_lossy(&imported.stderr);
        assert!(
            stderr.contains(
                "imported stack hand-made from account 081278057606: 1 role, 0 users, 0 policies"
            ) && stderr.contains(
                "note: role HandMade carries no iamgen:stack tag: the next plan adopts it"
            ),
            "{}",
            described(&imported)
        );
        let planned = iamgen_aws_exits(
            &moto.endpoint(),
            home,
            &["plan", hand_made, "--format", "json"],
            &[],
            0,
        );
        let value: serde_json::Value = serde_json::from_slice(&planned.stdout).expect("JSON");
        assert_eq!(value["stack"], "hand-made", "{value}");
        assert_eq!(value["summary"]["destroy"], 0, "{value}");
        assert_eq!(value["summary"]["change"], 1, "{value}");

        // A stack name contradicting the role's tag.
        let refused = import("ReportReader", &["--stack-name", "other"], 2);
        assert_stderr_holds(
            &refused,
            &[
                "belongs to stack `iamgen`",
                "not to stack `other`",
                "--stack-name iamgen",
            ],
        );
    });
}
