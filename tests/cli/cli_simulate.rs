//! `iamgen simulate` and `iamgen matrix` through the built binary: the scenario's chain, loose policy files,
//! the JSON contract of DESIGN.md, and the exit status (0 allowed, 1 denied, 2 bad input).

use std::process::Output;

use crate::support::cli::{assert_stdout_holds, iamgen, stdout};

const CHAIN: &[&str] = &[
    "simulate",
    "--principal",
    "Troy",
    "--via-role",
    "StuzioAcmeConsultantRole",
    "--action",
    "s3:GetObject",
];

/// The scenario's chain followed by `extra`.
fn chain<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = CHAIN.to_vec();
    args.extend(extra);
    args
}

/// `simulate` of `principal` doing `s3:GetObject` on `resource`, followed by `extra`.
fn get_object<'a>(principal: &'a str, resource: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "simulate",
        "--principal",
        principal,
        "--action",
        "s3:GetObject",
        "--resource",
        resource,
    ];
    args.extend(extra);
    args
}

/// Runs the binary with `args`, requiring the exit status `code` (0 allowed, 1 denied, 2 bad input).
fn exits(args: &[&str], code: i32) -> Output {
    let output = iamgen(args);
    assert_eq!(output.status.code(), Some(code), "{}", stdout(&output));
    output
}

/// The JSON on `output`'s standard output.
fn json_of(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).expect("JSON")
}

#[test]
fn the_scenario_chain_is_allowed_and_explained() {
    let output = exits(
        &chain(&["--resource", "arn:aws:s3:::com.stuzio.projectx/any-key"]),
        0,
    );
    assert_stdout_holds(
        &output,
        &[
            "step 1: arn:aws:iam::183438944504:user/Troy sts:AssumeRole",
            "Allow StuzioProjectXPolicy statement FullAccessToProjectX (/Statement/0)",
        ],
    );
    let text = stdout(&output);
    assert!(text.ends_with("decision: allowed\n"), "{text}");
}

#[test]
fn json_follows_the_design_contract_and_a_denial_exits_one() {
    let output = exits(
        &chain(&[
            "--resource",
            "arn:aws:s3:::com.stuzio.payroll/x",
            "--format",
            "json",
        ]),
        1,
    );
    let json = json_of(&output);
    assert_eq!(json["decision"], "implicit_deny");
    let steps = json["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[0]["action"], "sts:AssumeRole");
    assert_eq!(steps[0]["decision"], "allowed");
    assert_eq!(
        steps[0]["deciding"][0]["policy"],
        "StuzioAcmeConsultantRole trust"
    );
    assert_eq!(steps[0]["deciding"][0]["pointer"], "/Statement/0");
    assert_eq!(steps[1]["resource"], "arn:aws:s3:::com.stuzio.payroll/x");
    assert_eq!(steps[1]["decision"], "implicit_deny");
    assert!(steps[1]["fix"].is_string());
}

#[test]
fn loose_policies_with_a_boundary_and_an_scp() {
    let base = get_object(
        "arn:aws:iam::111122223333:user/alice",
        "arn:aws:s3:::reports/q3.csv",
        &["--identity", "tests/fixtures/simulate/identity.json"],
    );
    exits(&base, 0);

    let mut bounded = base.clone();
    bounded.extend(["--boundary", "tests/fixtures/simulate/boundary.json"]);
    let output = exits(&bounded, 1);
    assert!(stdout(&output).contains("the permissions boundary does not allow the action"));

    let mut outside_eu = base.clone();
    outside_eu.extend([
        "--scp",
        "tests/fixtures/simulate/scp-deny-outside-eu.json",
        "--context",
        "aws:RequestedRegion=us-east-1",
        "--format",
        "json",
    ]);
    let json = json_of(&exits(&outside_eu, 1));
    assert_eq!(json["decision"], "explicit_deny");
    assert_eq!(
        json["steps"][0]["deciding"][0]["statement"],
        "DenyOutsideEu"
    );
    assert_eq!(json["steps"][0]["deciding"][0]["pointer"], "/Statement/1");

    let mut in_eu = outside_eu.clone();
    let at = in_eu
        .iter()
        .position(|a| *a == "aws:RequestedRegion=us-east-1")
        .expect("the context");
    in_eu[at] = "aws:RequestedRegion=eu-west-1";
    exits(&in_eu, 0);
}

#[test]
fn control_policies_apply_per_account_in_stack_mode_and_to_the_resource_in_loose_mode() {
    const SCP: &str = "tests/fixtures/simulate/scp-deny-outside-eu.json";
    let chain_in = |scp: &str| {
        let output = iamgen(&chain(&[
            "--resource",
            "arn:aws:s3:::com.stuzio.projectx/any-key",
            "--context",
            "aws:RequestedRegion=us-east-1",
            "--format",
            "json",
            "--scp",
            scp,
        ]));
        (output.status.code(), json_of(&output))
    };
    // On Acme's principals: Troy cannot assume the role from outside the EU.
    let (code, json) = chain_in(&format!("Acme={SCP}"));
    assert_eq!(code, Some(1), "{json}");
    assert_eq!(json["decision"], "explicit_deny");
    assert_eq!(json["steps"].as_array().map(Vec::len), Some(1), "{json}");
    assert_eq!(
        json["steps"][0]["deciding"][0]["statement"],
        "DenyOutsideEu"
    );
    // On Stuzio's (by id): the assume succeeds, the role's read is denied.
    let (code, json) = chain_in(&format!("081278057606={SCP}"));
    assert_eq!(code, Some(1), "{json}");
    assert_eq!(json["steps"][0]["decision"], "allowed", "{json}");
    assert_eq!(json["steps"][1]["decision"], "explicit_deny", "{json}");
    // A plain file is every account's.
    let (code, json) = chain_in(SCP);
    assert_eq!(code, Some(1), "{json}");
    assert_eq!(json["steps"].as_array().map(Vec::len), Some(1), "{json}");

    // The matrix under the same SCP: nothing through the role from outside the EU.
    let output = iamgen(&[
        "matrix",
        "--format",
        "json",
        "--scp",
        SCP,
        "--context",
        "aws:RequestedRegion=us-east-1",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let cells: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).expect("JSON");
    assert!(!cells.is_empty());
    assert!(
        cells.iter().all(|c| c["decision"] != "allowed"),
        "{cells:?}"
    );

    // Loose mode: an RCP limits the resource's account, whoever the caller.
    let json = json_of(&exits(
        &get_object(
            "arn:aws:iam::444455556666:user/bob",
            "arn:aws:s3:::reports/q3.csv",
            &[
                "--identity",
                "tests/fixtures/simulate/identity.json",
                "--resource-account",
                "111122223333",
                "--rcp",
                "tests/fixtures/simulate/rcp-own-account-only.json",
                "--format",
                "json",
            ],
        ),
        1,
    ));
    assert_eq!(json["decision"], "explicit_deny");
    assert_eq!(
        json["steps"][0]["deciding"][0]["statement"],
        "OwnAccountOnly"
    );
}

#[test]
fn bad_input_exits_two_and_says_what_to_do() {
    for (args, expected) in [
        (
            get_object("Nobody", "*", &[]),
            "the stack has no user or role Nobody (it has Troy, StuzioAcmeConsultantRole)",
        ),
        (
            get_object("Troy", "*", &["--context", "novalue"]),
            "is not KEY=VALUE",
        ),
        (
            get_object(
                "arn:aws:iam::1:user/a",
                "*",
                &["--identity", "no/such/file.json"],
            ),
            "cannot read `no/such/file.json`",
        ),
        (
            get_object(
                "alice",
                "*",
                &["--identity", "tests/fixtures/simulate/identity.json"],
            ),
            "in loose mode --principal is an ARN",
        ),
        (
            get_object(
                "Troy",
                "*",
                &[
                    "--scp",
                    "Globex=tests/fixtures/simulate/scp-deny-outside-eu.json",
                ],
            ),
            "the stack has no account \"Globex\"\n  help: name one of Stuzio (081278057606), Acme (183438944504)",
        ),
    ] {
        let output = iamgen(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

#[test]
fn the_matrix_lists_who_can_do_what() {
    let output = iamgen(&["matrix", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let cells: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).expect("JSON");
    let find = |principal: &str, via: Option<&str>, action: &str| {
        cells
            .iter()
            .find(|c| {
                c["principal"] == principal
                    && c["via_role"].as_str() == via
                    && c["action"] == action
            })
            .map(|c| c["decision"].as_str().unwrap_or_default().to_owned())
    };
    assert_eq!(
        find("Troy", None, "s3:GetObject").as_deref(),
        Some("implicit_deny")
    );
    assert_eq!(
        find("Troy", Some("StuzioAcmeConsultantRole"), "s3:GetObject").as_deref(),
        Some("allowed")
    );
    let text = stdout(&iamgen(&["matrix"]));
    assert!(text.starts_with("principal"), "{text}");
    assert!(
        text.contains("Troy via StuzioAcmeConsultantRole  s3:PutObject"),
        "{text}"
    );
}

/// "If the role trust policy doesn't allow the `sts:TagSession` action, the `AssumeRole` request fails" (IAM User
/// Guide, "Passing session tags in AWS STS"): the trust policy decides the session-tag and source-identity
/// actions on a role, as it decides `sts:AssumeRole`, and an identity policy alone does not allow them.
#[test]
fn the_trust_policy_decides_tag_session_and_source_identity() {
    const ROLE: &str = "arn:aws:iam::111122223333:role/app";
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let identity = write(
        "identity.json",
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"], "Resource": "{ROLE}"}}]}}"#
        ),
    );
    let trust_of = |actions: &str| {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": {actions}, "Principal": {{"AWS": "arn:aws:iam::111122223333:root"}}}}]}}"#
        )
    };
    let assume_only = write("assume-only.json", trust_of(r#""sts:AssumeRole""#));
    let all = write(
        "all.json",
        trust_of(r#"["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]"#),
    );
    let simulate = |action: &str, trust: &str, code: i32| {
        exits(
            &[
                "simulate",
                "--principal",
                "arn:aws:iam::111122223333:user/alice",
                "--action",
                action,
                "--resource",
                ROLE,
                "--identity",
                &identity,
                "--resource-policy",
                trust,
            ],
            code,
        )
    };
    simulate("sts:AssumeRole", &assume_only, 0);
    for action in ["sts:TagSession", "sts:SetSourceIdentity"] {
        let denied = simulate(action, &assume_only, 1);
        assert!(stdout(&denied).contains("trust"), "{}", stdout(&denied));
        simulate(action, &all, 0);
    }
}

/// `--context KEY=[]` is a multivalued key present with no values, which the library could express and the CLI
/// could not: "`ForAllValues` ... returns true if ... the key resolves to an empty data set" (IAM User Guide,
/// "Single-valued vs. multivalued context keys"), while `ForAnyValue` needs at least one value. `KEY=` is one
/// empty-string value, a value like any other: not one of the policy's, so `ForAllValues` fails on it.
#[test]
fn an_empty_set_of_values_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let policy = |qualifier: &str| {
        let path = dir.path().join(format!("{qualifier}.json"));
        std::fs::write(
            &path,
            format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {{"{qualifier}:StringEquals": {{"aws:TagKeys": ["team"]}}}}}}]}}"#
            ),
        )
        .unwrap();
        path.to_str().unwrap().to_owned()
    };
    let for_all = policy("ForAllValues");
    let for_any = policy("ForAnyValue");
    for (policy, context, code) in [
        (&for_all, "aws:TagKeys=[]", 0),
        (&for_any, "aws:TagKeys=[]", 1),
        (&for_all, "aws:TagKeys=", 1),
        (&for_all, "aws:TagKeys=team", 0),
    ] {
        let mut args = get_object(
            "arn:aws:iam::111122223333:user/alice",
            "arn:aws:s3:::reports/q3.csv",
            &["--identity", policy, "--context", context],
        );
        args.push("--format");
        args.push("json");
        let output = iamgen(&args);
        assert_eq!(
            output.status.code(),
            Some(code),
            "{policy} with {context}: {}",
            stdout(&output)
        );
    }
}
