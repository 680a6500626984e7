//! `iamgen.toml` specs: the two examples, every kind of error at its pinned line and column, policy files, the
//! plain items beyond the pattern, and a fuzz test that no mangled spec panics the reader.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use iamgen_runtime::lint::{Options, lint_stack};
use iamgen_runtime::policy::{
    ConditionBlock, OneOrMany, Principal, PrincipalElement, PrincipalKind,
};
use iamgen_runtime::stack::cross_account::CrossAccount;
use iamgen_runtime::stack::spec::{self, SpecError};
use iamgen_runtime::stack::{InlinePolicy, Stack};
use iamgen_runtime::{AccountId, PolicyDocument, Severity};

use crate::support::rng::Rng;
use crate::support::text::assert_contains_all;

const CROSS_ACCOUNT: &str = include_str!("../../../examples/cross_account.toml");
const HARDENED: &str = include_str!("../../../examples/hardened.toml");

/// The scenario without the example's comments, so that the positions pinned below stay put when the example's
/// prose changes.
const BASE: &str = r#"[[account]]
name = "Stuzio"
id = "081278057606"

[[account]]
name = "Acme"
id = "183438944504"

[[policy]]
name = "StuzioProjectXPolicy"
account = "Stuzio"
document = '''
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "FullAccessToProjectX",
      "Effect": "Allow",
      "Action": "s3:*",
      "Resource": ["arn:aws:s3:::com.stuzio.projectx", "arn:aws:s3:::com.stuzio.projectx/*"]
    },
    {
      "Sid": "ListAllBuckets",
      "Effect": "Allow",
      "Action": "s3:ListAllMyBuckets",
      "Resource": "*"
    }
  ]
}
'''

[cross_account]
trusting = "Stuzio"
permissions = ["StuzioProjectXPolicy"]
buckets = ["com.stuzio.projectx"]

[cross_account.role]
name = "StuzioAcmeConsultantRole"

[[cross_account.trusted]]
account = "Acme"
users = ["Troy"]
assume_policy = "AcmeClientAssumeRolePolicy"
assume_sid = "StuzioClientAssumeRolePolicy"
"#;

/// What BASE leaves out of the scenario: its bucket exists before the stack.
const EXISTING_BUCKET: &str =
    "\n[[bucket]]\nname = \"com.stuzio.projectx\"\naccount = \"Stuzio\"\nexisting = true\n";

/// BASE with `from`, which must occur exactly once, replaced by `to`.
fn with(from: &str, to: &str) -> String {
    assert_eq!(
        BASE.matches(from).count(),
        1,
        "`{from}` must occur once in BASE"
    );
    BASE.replacen(from, to, 1)
}

fn fails(text: &str) -> SpecError {
    match spec::from_toml(text) {
        Ok(_) => panic!("the spec was accepted:\n{text}"),
        Err(error) => error,
    }
}

/// The first error's code, `line:column` and message.
fn first(error: &SpecError) -> (&'static str, String, &str) {
    (error.code(), error.position().to_string(), error.message())
}

#[test]
fn the_scenario_spec_is_the_reference_scenario() {
    assert_eq!(
        spec::from_toml(CROSS_ACCOUNT).unwrap(),
        Stack::reference_scenario()
    );
    assert_eq!(
        spec::from_toml(&format!("{BASE}{EXISTING_BUCKET}")).unwrap(),
        Stack::reference_scenario()
    );
}

#[test]
fn the_hardened_spec_is_the_hardened_pattern() {
    assert_eq!(
        spec::from_toml(HARDENED).unwrap(),
        CrossAccount::hardened_scenario().build().unwrap()
    );
}

#[test]
fn the_hardened_spec_lints_without_errors() {
    let stack = spec::from_toml(HARDENED).unwrap();
    let findings = lint_stack(&stack, &Options::default());
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f.finding.severity == Severity::Error)
        .map(|f| format!("{}: {} [{}]", f.subject, f.finding.message, f.finding.code))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let role = stack.role(stack.role_by_name("StuzioAcmeConsultantRole").unwrap());
    assert_eq!(role.max_session_duration, Some(7_200));
    assert_eq!(
        role.tags,
        [
            ("project".to_owned(), "x".to_owned()),
            ("owner".to_owned(), "stuzio-platform".to_owned())
        ],
        "tags keep the spec's order"
    );
    let boundary = stack.policy(role.permissions_boundary.unwrap());
    assert_eq!(boundary.name, "StuzioConsultantBoundary");

    // The trust: the two consultants themselves (not Acme's root), with the external id and MFA.
    let trust = role.trust.to_json();
    assert!(!trust.contains(":root"), "{trust}");
    assert_contains_all(
        &trust,
        &[
            "\"sts:ExternalId\": \"stuzio-acme-projectx\"",
            "arn:aws:iam::183438944504:user/Troy",
            "arn:aws:iam::183438944504:user/Dana",
            "\"aws:MultiFactorAuthPresent\": \"true\"",
        ],
    );
    let statement = role.trust.statements().next().unwrap();
    let blocks: Vec<&ConditionBlock> = statement.condition.as_ref().unwrap().0.iter().collect();
    assert_eq!(blocks.len(), 2);
    assert_eq!(
        statement.principal,
        Some(PrincipalElement::Principal(Principal::Map(vec![(
            PrincipalKind::Aws,
            OneOrMany::Many(vec![
                "arn:aws:iam::183438944504:user/Troy".to_owned(),
                "arn:aws:iam::183438944504:user/Dana".to_owned(),
            ]),
        )])))
    );

    // Least privilege: no `s3:*`; object actions on the objects, listing on the bucket.
    let permissions = stack.policy(stack.policy_by_name("StuzioProjectXPolicy").unwrap());
    let json = permissions.document.to_json();
    assert!(!json.contains("s3:*"), "{json}");
    assert!(json.contains(
        "\"Action\": \"s3:ListBucket\",\n      \"Resource\": \"arn:aws:s3:::com.stuzio.projectx\""
    ));
    assert!(json.contains("\"Resource\": \"arn:aws:s3:::com.stuzio.projectx/*\""));

    // Two consultants through a group that holds the assume policy.
    let (group, consultants) = stack.groups().next().unwrap();
    assert_eq!(consultants.name, "StuzioConsultants");
    let members: Vec<&str> = stack
        .users()
        .filter(|(_, user)| user.groups.contains(&group))
        .map(|(_, user)| user.name.as_str())
        .collect();
    assert_eq!(members, ["Troy", "Dana"]);
    assert_eq!(
        stack.policy(consultants.policies[0]).name,
        "AcmeClientAssumeRolePolicy"
    );
}

#[test]
fn an_integer_account_id_says_to_quote_it() {
    let error = fails(&with("id = \"183438944504\"", "id = 183438944504"));
    assert_eq!(
        first(&error),
        (
            "INVALID_ACCOUNT_ID",
            "7:6".to_owned(),
            "account id `183438944504` is an integer, not a string"
        )
    );
    assert!(
        error.help().unwrap().contains("`id = \"183438944504\"`"),
        "{:?}",
        error.help()
    );

    // TOML has no integers with a leading zero: a parse error, which still gets the account id's advice.
    let error = fails(&with("id = \"081278057606\"", "id = 081278057606"));
    assert_eq!(
        first(&error),
        (
            "INVALID_ACCOUNT_ID",
            "3:6".to_owned(),
            "account id `081278057606` is written as a number"
        )
    );
    assert!(error.help().unwrap().contains("`id = \"081278057606\"`"));

    // An id that already lost its zero (in a spreadsheet, say) gets it back in the advice.
    let error = fails(&with("id = \"081278057606\"", "id = 81278057606"));
    assert_eq!(first(&error).1, "3:6");
    assert!(error.help().unwrap().contains("`id = \"081278057606\"`"));
}

#[test]
fn a_malformed_account_id_is_an_error_at_the_id() {
    let error = fails(&with("id = \"081278057606\"", "id = \"08127805760\""));
    assert_eq!(
        first(&error),
        (
            "INVALID_ACCOUNT_ID",
            "3:6".to_owned(),
            "`08127805760` is not an account id"
        )
    );
    assert_eq!(
        error.help(),
        Some("an AWS account id is exactly 12 digits, as in `\"081278057606\"`")
    );

    let error = fails(&with("id = \"081278057606\"", "id = \"0812-7805-7606\""));
    assert_eq!(
        error.help(),
        Some("write only the digits: `\"081278057606\"`")
    );

    let error = fails(&with("id = \"081278057606\"", "id = true"));
    assert_eq!(
        first(&error),
        (
            "INVALID_ACCOUNT_ID",
            "3:6".to_owned(),
            "an account id is a string of 12 digits, not a boolean"
        )
    );

    let error = fails(&with("id = \"183438944504\"", "id = \"081278057606\""));
    assert_eq!(
        first(&error),
        (
            "DUPLICATE_ACCOUNT",
            "7:6".to_owned(),
            "account id `081278057606` is already the id of `Stuzio`"
        )
    );
}

#[test]
fn an_unknown_account_name_is_an_error_with_a_did_you_mean() {
    let error = fails(&with("account = \"Acme\"", "account = \"Acne\""));
    assert_eq!(
        first(&error),
        (
            "UNKNOWN_ACCOUNT",
            "41:11".to_owned(),
            "no account is named `Acne`"
        )
    );
    assert_eq!(error.help(), Some("did you mean `Acme`?"));
    assert_eq!(error.diagnostics()[0].suggestion.as_deref(), Some("Acme"));

    // An id where a name belongs: the help names the account that has it.
    let error = fails(&with(
        "trusting = \"Stuzio\"",
        "trusting = \"081278057606\"",
    ));
    assert_eq!(
        first(&error),
        (
            "UNKNOWN_ACCOUNT",
            "33:12".to_owned(),
            "no account is named `081278057606`"
        )
    );
    assert_eq!(
        error.help(),
        Some("accounts are referred to by name: `Stuzio` has this id")
    );

    let error = fails(&with("account = \"Acme\"", "account = \"Globex\""));
    assert_eq!(
        error.help(),
        Some("the declared accounts are `Stuzio`, `Acme`")
    );
}

#[test]
fn unknown_keys_are_errors_with_a_did_you_mean() {
    let error = fails(&with(
        "name = \"StuzioAcmeConsultantRole\"",
        "nmae = \"StuzioAcmeConsultantRole\"",
    ));
    assert_eq!(
        first(&error),
        ("UNKNOWN_KEY", "38:1".to_owned(), "unknown key `nmae`")
    );
    assert_eq!(error.help(), Some("did you mean `name`?"));

    let error = fails(&with(
        "[[account]]\nname = \"Acme\"",
        "[[acount]]\nname = \"Acme\"",
    ));
    assert_eq!(
        first(&error),
        ("UNKNOWN_KEY", "5:3".to_owned(), "unknown key `acount`")
    );
    assert_eq!(error.help(), Some("did you mean `account`?"));

    let error = fails(&with("buckets =", "colour = \"blue\"\nbuckets ="));
    assert_eq!(
        first(&error),
        ("UNKNOWN_KEY", "35:1".to_owned(), "unknown key `colour`")
    );
    assert!(
        error
            .help()
            .unwrap()
            .starts_with("the keys of this table are `trusting`, `trusted`")
    );
}

#[test]
fn a_json_error_in_an_inline_document_is_reported_at_its_place_in_the_toml() {
    // The scenario's first defect: typographic quotes, here pasted into the spec.
    let error = fails(&with(
        "\"Effect\": \"Allow\",\n      \"Action\": \"s3:*\"",
        "“Effect”: \"Allow\",\n      \"Action\": \"s3:*\"",
    ));
    assert_eq!(
        first(&error),
        (
            "INVALID_CHARACTER",
            "18:7".to_owned(),
            "typographic quote `“` (U+201C, left double quotation mark) is not a JSON quote"
        )
    );

    let text = with("\"Resource\": \"*\"", "\"Resource\": \"*\",");
    let error = fails(&text);
    assert_eq!(
        first(&error),
        ("JSON_SYNTAX_ERROR", "26:22".to_owned(), "trailing comma")
    );
    assert_eq!(&text[error.span().range()], ",");

    // A basic string has escapes, so offsets inside it are not offsets in the file: the error points at the
    // string and says where in the document it is.
    let text = BASE.replacen(
        &BASE[BASE.find("document = '''").unwrap()..BASE.find("\n\n[cross_account]").unwrap()],
        r#"document = "{\"Version\": \"2012-10-17\", \"Statement\": {\"Effect\": \"Alow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}}""#,
        1,
    );
    let error = fails(&text);
    assert_eq!(first(&error).0, "INVALID_EFFECT");
    assert_eq!(first(&error).1, "12:12");
    assert!(
        first(&error)
            .2
            .ends_with("(line 1, column 51 of the document)"),
        "{}",
        first(&error).2
    );
    assert!(error.help().unwrap().contains("multi-line literal string"));
}

#[test]
fn policy_files_are_read_relative_to_the_base_directory() {
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/scenario");
    let start = BASE.find("document = '''").unwrap();
    let end = BASE.find("\n\n[cross_account]").unwrap();
    let text = BASE.replacen(&BASE[start..end], "file = \"StuzioProjectXPolicy.json\"", 1);
    assert_eq!(
        spec::from_toml_at(&format!("{text}{EXISTING_BUCKET}"), &scenario).unwrap(),
        Stack::reference_scenario()
    );

    let missing = text.replace("StuzioProjectXPolicy.json", "StuzioProjectX.json");
    let error = spec::from_toml_at(&missing, &scenario).unwrap_err();
    assert_eq!(first(&error).0, "UNREADABLE_FILE");
    assert_eq!(first(&error).1, "12:8");
    assert!(
        first(&error).2.starts_with("cannot read `"),
        "{}",
        first(&error).2
    );
    assert!(
        error
            .help()
            .unwrap()
            .starts_with("the path is relative to the spec's directory")
    );

    let both = BASE.replacen("document = '''", "file = \"x.json\"\ndocument = '''", 1);
    let error = fails(&both);
    assert_eq!(
        first(&error),
        (
            "CONFLICTING_KEYS",
            "12:8".to_owned(),
            "policy `StuzioProjectXPolicy` has both `document` and `file`"
        )
    );

    let neither = BASE.replacen(&BASE[start..end], "", 1);
    let error = fails(&neither);
    assert_eq!(
        first(&error),
        (
            "MISSING_KEY",
            "9:1".to_owned(),
            "policy `StuzioProjectXPolicy` has no document"
        )
    );
}

#[test]
fn a_policy_file_that_is_not_a_policy_is_shown_in_that_file() {
    let dir = TempDir::new("broken-file");
    std::fs::write(
        dir.0.join("broken.json"),
        "{\n  \"Version\": \"2012-10-17\",\n  “Statement”: []\n}\n",
    )
    .unwrap();
    let start = BASE.find("document = '''").unwrap();
    let end = BASE.find("\n\n[cross_account]").unwrap();
    let text = BASE.replacen(&BASE[start..end], "file = \"broken.json\"", 1);
    let error = spec::from_toml_at(&text, &dir.0).unwrap_err();
    assert_eq!(first(&error).0, "INVALID_POLICY_FILE");
    assert_eq!(first(&error).1, "12:8");
    let file = &error.files()[0];
    assert_eq!(file.path, dir.0.join("broken.json"));
    assert_eq!(file.diagnostics[0].code, "INVALID_CHARACTER");
    let rendered = error.render(&text, "iamgen.toml");
    assert!(rendered.contains("--> iamgen.toml:12:8"), "{rendered}");
    assert!(
        rendered.contains(&format!("{}:3:3", file.path.display())),
        "{rendered}"
    );
}

#[test]
fn references_by_name_must_resolve() {
    // The scenario's third defect: the policy called `StuzioProjectx` in one place.
    let error = fails(&with(
        "permissions = [\"StuzioProjectXPolicy\"]",
        "permissions = [\"StuzioProjectx\"]",
    ));
    assert_eq!(
        first(&error),
        (
            "UNKNOWN_POLICY",
            "34:16".to_owned(),
            "no policy named `StuzioProjectx` in account `Stuzio`"
        )
    );
    assert_eq!(error.help(), Some("did you mean `StuzioProjectXPolicy`?"));

    // A policy of another account cannot be the role's.
    let error = fails(&with(
        "account = \"Stuzio\"\ndocument",
        "account = \"Acme\"\ndocument",
    ));
    assert_eq!(
        first(&error),
        (
            "UNKNOWN_POLICY",
            "34:16".to_owned(),
            "no policy named `StuzioProjectXPolicy` in account `Stuzio`"
        )
    );
    assert!(
        error
            .help()
            .unwrap()
            .starts_with("`StuzioProjectXPolicy` is a policy of account `Acme`")
    );

    let error = fails(&with(
        "name = \"StuzioAcmeConsultantRole\"",
        "name = \"StuzioAcmeConsultantRole\"\npermissions_boundary = \"Boundary\"",
    ));
    assert_eq!(
        first(&error),
        (
            "UNKNOWN_POLICY",
            "39:24".to_owned(),
            "no policy named `Boundary` in account `Stuzio`"
        )
    );

    let text = format!(
        "{BASE}\n[[user]]\nname = \"Ana\"\naccount = \"Acme\"\ngroups = [\"Consultant\"]\n"
    );
    let error = fails(&text);
    assert_eq!(
        first(&error),
        (
            "UNKNOWN_GROUP",
            "49:11".to_owned(),
            "no group named `Consultant` in account `Acme`"
        )
    );
}

#[test]
fn the_role_is_checked_as_iam_would() {
    let role = "name = \"StuzioAcmeConsultantRole\"";
    let error = fails(&with(role, &format!("{role}\nmax_session_duration = 100")));
    assert_eq!(
        first(&error),
        (
            "INVALID_SESSION_DURATION",
            "39:24".to_owned(),
            "max_session_duration 100 is outside 3600 to 43200 seconds"
        )
    );
    let error = fails(&with(role, &format!("{role}\nmax_session_duration = -1")));
    assert_eq!(first(&error).0, "INVALID_SESSION_DURATION");
    let error = fails(&with(
        role,
        &format!("{role}\nmax_session_duration = \"1h\""),
    ));
    assert_eq!(
        first(&error),
        (
            "INVALID_TYPE",
            "39:24".to_owned(),
            "invalid type: string \"1h\", expected an integer"
        )
    );

    let error = fails(&with(role, "name = \"Stuzio Acme Role\""));
    assert_eq!(
        first(&error),
        (
            "INVALID_NAME",
            "38:8".to_owned(),
            "the role name `Stuzio Acme Role` contains ` ` (U+0020), which IAM does not allow"
        )
    );
    let error = fails(&with(role, &format!("{role}\npath = \"consultants\"")));
    assert_eq!(
        first(&error),
        (
            "INVALID_PATH",
            "39:8".to_owned(),
            "the path `consultants` does not start and end with `/`"
        )
    );
    let error = fails(&with(
        role,
        &format!("{role}\ntags = {{ \"aws:owner\" = \"me\" }}"),
    ));
    assert_eq!(
        first(&error),
        (
            "INVALID_TAG",
            "39:10".to_owned(),
            "the tag key `aws:owner` starts with `aws:`, which IAM reserves"
        )
    );
    let error = fails(&with(
        "buckets = [\"com.stuzio.projectx\"]",
        "buckets = [\"com.stuzio.project_x\"]",
    ));
    assert_eq!(
        first(&error),
        (
            "INVALID_BUCKET_NAME",
            "35:12".to_owned(),
            "the bucket name `com.stuzio.project_x` contains `_`, which S3 does not allow"
        )
    );
    let error = fails(&with(
        "trusting = \"Stuzio\"",
        "trusting = \"Stuzio\"\nexternal_id = \"x\"",
    ));
    assert_eq!(
        first(&error),
        (
            "INVALID_EXTERNAL_ID",
            "34:15".to_owned(),
            "the external id `x` has 1 character, fewer than STS's 2"
        )
    );
    let error = fails(&with(
        "assume_sid = \"StuzioClientAssumeRolePolicy\"",
        "assume_sid = \"Stuzio-Client\"",
    ));
    assert_eq!(
        first(&error),
        (
            "INVALID_SID",
            "44:14".to_owned(),
            "`Stuzio-Client` is not a valid statement id"
        )
    );
}

#[test]
fn the_pattern_is_checked_before_it_is_built() {
    let error = fails(&with("account = \"Acme\"", "account = \"Stuzio\""));
    assert_eq!(
        first(&error),
        (
            "SAME_ACCOUNT",
            "41:11".to_owned(),
            "account `Stuzio` is both the trusting and a trusted account"
        )
    );

    let start = BASE.find("[[cross_account.trusted]]").unwrap();
    let error = fails(&BASE[..start]);
    assert_eq!(
        first(&error),
        (
            "NO_TRUSTED_ACCOUNT",
            "32:1".to_owned(),
            "the pattern trusts no account"
        )
    );

    let error = fails(&with(
        "users = [\"Troy\"]",
        "users = [\"Troy\"]\nwhole_account = true",
    ));
    assert_eq!(
        first(&error),
        (
            "CONFLICTING_KEYS",
            "43:17".to_owned(),
            "`users` and `whole_account` both say who may assume the role"
        )
    );

    let error = fails(&with("users = [\"Troy\"]\n", ""));
    assert_eq!(
        first(&error),
        (
            "MISSING_KEY",
            "40:1".to_owned(),
            "trusted account `Acme` does not say who may assume the role"
        )
    );

    let error = fails(&with("users = [\"Troy\"]", "members = [\"Troy\"]"));
    assert_eq!(
        first(&error),
        (
            "CONFLICTING_KEYS",
            "42:11".to_owned(),
            "`members` without a `group`"
        )
    );

    let error = fails(&with(
        "assume_policy = \"AcmeClientAssumeRolePolicy\"\n",
        "",
    ));
    assert_eq!(first(&error).0, "MISSING_KEY");
    assert_eq!(first(&error).1, "40:1");

    let whole = with(
        "users = [\"Troy\"]\nassume_policy = \"AcmeClientAssumeRolePolicy\"\nassume_sid = \"StuzioClientAssumeRolePolicy\"",
        "whole_account = true",
    );
    assert!(spec::from_toml(&whole).is_ok());
    let narrowed = whole.replace("buckets =", "narrow_to_principals = true\nbuckets =");
    let error = fails(&narrowed);
    assert_eq!(
        first(&error),
        (
            "NOTHING_TO_NARROW_TO",
            "43:17".to_owned(),
            "`narrow_to_principals` needs named principals in account `Acme`, not the whole account"
        )
    );
}

#[test]
fn names_are_unique_within_their_account() {
    let text = format!("{BASE}\n[[user]]\nname = \"troy\"\naccount = \"Acme\"\n");
    let error = fails(&text);
    assert_eq!(
        first(&error),
        (
            "DUPLICATE_NAME",
            "47:8".to_owned(),
            "user `troy` is declared twice in account `Acme`"
        )
    );
    assert_eq!(error.diagnostics()[0].labels[0].1, "first declared here");

    let text = format!(
        "{BASE}\n[[policy]]\nname = \"AcmeClientAssumeRolePolicy\"\naccount = \"Acme\"\ndocument = '{{}}'\n"
    );
    let error = fails(&text);
    assert_eq!(first(&error).0, "DUPLICATE_NAME");
    // The pattern's policy is declared by `assume_policy`, which comes first in the order of the checks.
    assert_eq!(first(&error).1, "43:17");

    let error = fails(&with(
        "[[account]]\nname = \"Acme\"",
        "[[account]]\nname = \"Stuzio\"",
    ));
    assert_eq!(
        first(&error),
        (
            "DUPLICATE_NAME",
            "6:8".to_owned(),
            "account `Stuzio` is declared twice"
        )
    );
}

#[test]
fn toml_errors_are_located_too() {
    let error = fails(&with("trusting = \"Stuzio\"", "trusting = \"Stuzio"));
    assert_eq!(first(&error).0, "INVALID_TOML");
    assert_eq!(first(&error).1, "33:19");

    let error = fails(&with(
        "trusting = \"Stuzio\"",
        "trusting = \"Stuzio\"\ntrusting = \"Acme\"",
    ));
    assert_eq!(
        first(&error),
        (
            "DUPLICATE_KEY",
            "34:1".to_owned(),
            "key `trusting` is given twice"
        )
    );

    let error = fails(&with("users = [\"Troy\"]", "users = \"Troy\""));
    assert_eq!(
        first(&error),
        (
            "INVALID_TYPE",
            "42:9".to_owned(),
            "invalid type: string \"Troy\", expected a sequence"
        )
    );
    assert_eq!(error.help(), Some("write a list: `[\"...\", \"...\"]`"));

    let error = fails(&with("name = \"StuzioAcmeConsultantRole\"", "path = \"/\""));
    assert_eq!(
        first(&error),
        ("MISSING_KEY", "37:1".to_owned(), "missing key `name`")
    );
}

#[test]
fn every_error_is_reported_in_source_order_and_rendered_like_rustc() {
    let text = with("account = \"Acme\"", "account = \"Acne\"")
        .replace("id = \"081278057606\"", "id = 81278057606");
    let error = fails(&text);
    let codes: Vec<_> = error
        .diagnostics()
        .iter()
        .zip(error.positions())
        .map(|(d, at)| format!("{at} {}", d.code))
        .collect();
    assert_eq!(codes, ["3:6 INVALID_ACCOUNT_ID", "41:11 UNKNOWN_ACCOUNT"]);
    assert_eq!(
        error.to_string(),
        "3:6: account id `81278057606` is an integer, not a string [INVALID_ACCOUNT_ID] (write it as a string, \
         `id = \"081278057606\"`: account ids are 12 digits, and an integer loses leading zeros) (and 1 more)"
    );
    let rendered = error.render(&text, "iamgen.toml");
    let expected = "error: no account is named `Acne` [UNKNOWN_ACCOUNT]
  --> iamgen.toml:41:11
   |
41 | account = \"Acne\"
   |           ^^^^^^
   |
help: did you mean `Acme`?";
    assert!(rendered.contains(expected), "{rendered}");
    assert!(rendered.contains("--> iamgen.toml:3:6"), "{rendered}");
}

#[test]
fn the_whole_model_can_be_declared_without_the_pattern() {
    let text = r#"
[[account]]
name = "Stuzio"
id = "081278057606"

# Users before the groups they join: references do not depend on the order of the tables.
[[user]]
name = "Mia"
account = "Stuzio"
path = "/people/"
groups = ["Auditors"]

[[user.inline]]
name = "NoDeletes"
document = '''{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}]}'''

[[group]]
name = "Auditors"
account = "Stuzio"
attach = ["ReadLogs"]

[[policy]]
name = "ReadLogs"
account = "Stuzio"
path = "/audit/"
description = "Read the audit logs"
document = '''{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::com.stuzio.logs/*"}]}'''

[[bucket]]
name = "com.stuzio.logs"
account = "Stuzio"

[[role]]
name = "LogShipper"
account = "Stuzio"
description = "Ships logs"
max_session_duration = 3600
attach = ["ReadLogs"]
permissions_boundary = "ReadLogs"
tags = { team = "audit", cost-center = "42" }
trust = '''{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'''
"#;
    let stack = spec::from_toml(text).unwrap();
    let document = |json: &str| PolicyDocument::from_json(json).unwrap();
    let mut expected = Stack::new();
    let stuzio = expected.add_account(AccountId::parse("081278057606").unwrap(), "Stuzio");
    let read_logs = expected
        .add_policy(
            stuzio,
            "ReadLogs",
            document(r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::com.stuzio.logs/*"}]}"#),
        )
        .unwrap();
    expected.set_policy_path(read_logs, "/audit/").unwrap();
    expected
        .set_policy_description(read_logs, "Read the audit logs")
        .unwrap();
    expected.add_bucket(stuzio, "com.stuzio.logs").unwrap();
    let auditors = expected.add_group(stuzio, "Auditors").unwrap();
    expected.attach(auditors, read_logs);
    let mia = expected.add_user(stuzio, "Mia").unwrap();
    expected.add_to_group(mia, auditors);
    let role = expected
        .add_role(
            stuzio,
            "LogShipper",
            document(r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#),
        )
        .unwrap();
    expected.attach(role, read_logs);
    expected.set_role_description(role, "Ships logs").unwrap();
    expected.set_max_session_duration(role, 3_600).unwrap();
    expected.role_mut(role).permissions_boundary = Some(read_logs);
    expected.add_tag(role, "team", "audit").unwrap();
    expected.add_tag(role, "cost-center", "42").unwrap();

    let (_, user) = stack.users().next().unwrap();
    assert_eq!(user.path, "/people/");
    assert_eq!(
        user.inline,
        [InlinePolicy {
            name: "NoDeletes".to_owned(),
            document: document(
                r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}]}"#
            ),
        }]
    );
    assert_eq!(
        stack.user_arn(stack.user_by_name("Mia").unwrap()),
        "arn:aws:iam::081278057606:user/people/Mia"
    );
    let without_user_details = text.replace("path = \"/people/\"\n", "").replace(
        &text[text.find("[[user.inline]]").unwrap()..text.find("[[group]]").unwrap()],
        "",
    );
    assert_eq!(spec::from_toml(&without_user_details).unwrap(), expected);
}

#[test]
fn plain_items_extend_the_pattern() {
    let text = format!(
        r#"{BASE}
# A second consultant, attached to the policy the pattern creates in Acme.
[[user]]
name = "Ana"
account = "Acme"
attach = ["AcmeClientAssumeRolePolicy"]

# Another role of Stuzio with the same permissions.
[[role]]
name = "StuzioAuditRole"
account = "Stuzio"
attach = ["StuzioProjectXPolicy"]
trust_file = "StuzioAcmeConsultantRole-trust.json"
"#
    );
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/scenario");
    let stack = spec::from_toml_at(&text, &scenario).unwrap();
    let reference = Stack::reference_scenario();
    assert_eq!(stack.users().len(), 2);
    assert_eq!(stack.roles().len(), 2);
    assert_eq!(
        stack.policies().len(),
        reference.policies().len(),
        "no policy is created twice"
    );
    let ana = stack.user(stack.user_by_name("Ana").unwrap());
    assert_eq!(
        stack.policy(ana.policies[0]).name,
        "AcmeClientAssumeRolePolicy"
    );
    let audit = stack.role(stack.role_by_name("StuzioAuditRole").unwrap());
    assert_eq!(stack.policy(audit.policies[0]).name, "StuzioProjectXPolicy");
    let consultant = reference.role(reference.role_by_name("StuzioAcmeConsultantRole").unwrap());
    assert_eq!(audit.trust, consultant.trust);
}

/// A directory under the system's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("iamgen-spec-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What the fuzz test inserts: TOML's punctuation, the format's keys, and characters from outside ASCII.
const PIECES: &str = "\" ' ''' [ ] [[ ]] { } = , \n # 0 1 - . \\ “ é \t \r\n id name account true 012 {} [] \"\" \
                      Acme Stuzio users group whole_account=true narrow_to_principals=true [[role]] [[user]] \
                      [cross_account] file=\"x.json\" document='{}' max_session_duration=5";

/// One to three deletions, duplications, replacements or insertions, at character boundaries.
fn mangle(source: &str, rng: &mut Rng) -> String {
    let pieces: Vec<&str> = PIECES.split(' ').chain([" "]).collect();
    let mut chars: Vec<char> = source.chars().collect();
    for _ in 0..=rng.below(3) {
        let at = rng.below(chars.len());
        let end = (at + 1 + rng.below(12)).min(chars.len());
        match rng.below(4) {
            0 => {
                chars.drain(at..end);
            }
            1 => {
                let copy = chars[at..end].to_vec();
                chars.splice(at..at, copy);
            }
            2 => {
                let piece = pieces[rng.below(pieces.len())];
                chars.splice(at..(at + 1).min(chars.len()), piece.chars());
            }
            _ => {
                let piece = pieces[rng.below(pieces.len())];
                chars.splice(at..at, piece.chars());
            }
        }
    }
    chars.into_iter().collect()
}

/// Mangles the example specs in many seeded ways (deleting, duplicating, replacing and inserting text) and
/// checks that the reader answers every one without panicking, with every span inside the source.
#[test]
fn mangled_specs_never_panic() {
    let mut rng = Rng::new(0x9E37_79B9_7F4A_7C15);
    let (mut accepted, mut rejected) = (0, 0);
    for (round, source) in [CROSS_ACCOUNT, HARDENED, BASE]
        .iter()
        .cycle()
        .take(3_000)
        .enumerate()
    {
        let text = mangle(source, &mut rng);
        let Err(error) = spec::from_toml(&text) else {
            accepted += 1;
            continue;
        };
        rejected += 1;
        let spans = error
            .diagnostics()
            .iter()
            .flat_map(|d| std::iter::once(d.span).chain(d.labels.iter().map(|(span, _)| *span)));
        for span in spans {
            let range = span.range();
            assert!(
                range.start <= range.end
                    && range.end <= text.len()
                    && text.is_char_boundary(range.start)
                    && text.is_char_boundary(range.end),
                "round {round}: span {span:?} outside the source ({} bytes):\n{text}",
                text.len()
            );
        }
        let rendered = error.render(&text, "mangled.toml");
        assert!(
            rendered.contains("mangled.toml:"),
            "round {round}: {rendered}"
        );
    }
    // The mangling must exercise both sides, or the test says little.
    assert!(
        accepted > 100 && rejected > 1_000,
        "accepted {accepted}, rejected {rejected}"
    );
}

#[test]
fn the_scenario_pattern_and_spec_agree_on_the_pattern_itself() {
    // The spec builds the stack through `CrossAccount::build`, so the generated trust is the pattern's own.
    let stack = spec::from_toml(CROSS_ACCOUNT).unwrap();
    let role = stack.role(stack.role_by_name("StuzioAcmeConsultantRole").unwrap());
    assert_eq!(
        role.trust,
        CrossAccount::reference_scenario().trust_policy().unwrap()
    );
}

#[test]
fn users_that_exist_already_are_referred_to_not_created() {
    let stack = spec::from_toml(&format!(
        "{}{EXISTING_BUCKET}",
        with(
            "assume_sid = \"StuzioClientAssumeRolePolicy\"\n",
            "assume_sid = \"StuzioClientAssumeRolePolicy\"\nexisting_users = true\n",
        )
    ))
    .unwrap();
    let troy = stack.user_by_name("Troy").unwrap();
    assert!(stack.user(troy).existing);
    let mut expected = Stack::reference_scenario();
    let troy_expected = expected.user_by_name("Troy").unwrap();
    assert!(!expected.user(troy_expected).existing);
    expected.user_mut(troy_expected).existing = true;
    assert_eq!(stack, expected);

    let plain = spec::from_toml(&format!(
        "{BASE}\n[[user]]\nname = \"Dana\"\naccount = \"Acme\"\nexisting = true\nattach = [\"AcmeClientAssumeRolePolicy\"]\n"
    ))
    .unwrap();
    let dana = plain.user_by_name("Dana").unwrap();
    assert!(plain.user(dana).existing);

    let error = fails(&with(
        "users = [\"Troy\"]\n",
        "whole_account = true\nexisting_users = true\n",
    ));
    let messages: Vec<(&str, String, &str)> = error
        .diagnostics()
        .iter()
        .zip(error.positions())
        .map(|(d, at)| (d.code, at.to_string(), d.message.as_str()))
        .collect();
    assert!(
        messages.contains(&(
            "CONFLICTING_KEYS",
            "43:18".to_owned(),
            "`existing_users` has no effect with `whole_account = true`"
        )),
        "{messages:?}"
    );
}

/// The spec with `key = value` added to the pattern's role (line 39).
fn with_role_key(line: &str) -> String {
    let role = "name = \"StuzioAcmeConsultantRole\"";
    with(role, &format!("{role}\n{line}"))
}

/// A TOML basic string holding `text`.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ch if ch.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(ch));
            }
            ch => out.push(ch),
        }
    }
    out.push('"');
    out
}

// Issue #11: values IAM, STS and S3 refuse were accepted by the spec reader.
#[test]
fn tags_outside_iams_characters_are_refused_at_their_place() {
    for hostile in [
        "${aws:username}",
        "a\"b",
        "a\nb",
        "owner😀",
        "cost#center",
        "%{x}",
    ] {
        let key = toml_string(hostile);
        let error = fails(&with_role_key(&format!("tags = {{ {key} = \"x\" }}")));
        assert_eq!(
            (error.code(), error.position().to_string()),
            ("INVALID_TAG", "39:10".to_owned()),
            "{hostile:?}: {error}"
        );
        assert!(error.message().starts_with("the tag key"), "{error}");
        let error = fails(&with_role_key(&format!("tags = {{ owner = {key} }}")));
        assert_eq!(
            (error.code(), error.position().to_string()),
            ("INVALID_TAG", "39:18".to_owned()),
            "{hostile:?}: {error}"
        );
        assert!(error.message().starts_with("the tag value"), "{error}");
    }
    // Letters, numbers and spaces of every script are IAM's; 128 and 256 characters are the limits.
    spec::from_toml(&with_role_key(
        "tags = { \"Größe Kostenstelle\" = \"プロジェクト 42\", \"a_.:/=+-@\" = \"\" }",
    ))
    .unwrap();
    let key = "k".repeat(128);
    let value = "v".repeat(256);
    spec::from_toml(&with_role_key(&format!("tags = {{ {key} = \"{value}\" }}"))).unwrap();
    let error = fails(&with_role_key(&format!("tags = {{ {key}k = \"v\" }}")));
    assert_eq!(error.code(), "INVALID_TAG");
    let error = fails(&with_role_key(&format!("tags = {{ k = \"{value}v\" }}")));
    assert_eq!(error.code(), "INVALID_TAG");
}

#[test]
fn tag_keys_differing_only_in_case_are_one_key_to_iam() {
    let error = fails(&with_role_key(
        "tags = { Project = \"x\", project = \"y\" }",
    ));
    assert_eq!(
        first(&error),
        (
            "DUPLICATE_KEY",
            "39:25".to_owned(),
            "tag key `project` is given twice: IAM takes it for `Project`"
        )
    );
}

#[test]
fn descriptions_outside_latin_1_are_refused() {
    for hostile in [
        "consultants ✓",
        "emoji 😀",
        "bell \u{7}",
        "del \u{7f}",
        "nbsp\u{a0}",
    ] {
        let error = fails(&with_role_key(&format!(
            "description = {}",
            toml_string(hostile)
        )));
        assert_eq!(
            (error.code(), error.position().to_string()),
            ("INVALID_DESCRIPTION", "39:15".to_owned()),
            "{hostile:?}: {error}"
        );
    }
    spec::from_toml(&with_role_key(
        "description = \"Acme's consultants: ${x}, \\\"quoted\\\"\\ttabbed\\r\\ncafé\"",
    ))
    .unwrap();
    spec::from_toml(&with_role_key(&format!(
        "description = \"{}\"",
        "d".repeat(1_000)
    )))
    .unwrap();
    let error = fails(&with_role_key(&format!(
        "description = \"{}\"",
        "d".repeat(1_001)
    )));
    assert_eq!(error.code(), "INVALID_DESCRIPTION");
    // A managed policy's description has no character rule in IAM's API, only its length.
    let policy = "name = \"StuzioProjectXPolicy\"";
    spec::from_toml(&with(policy, &format!("{policy}\ndescription = \"✓ 😀\""))).unwrap();
    let error = fails(&with(
        policy,
        &format!("{policy}\ndescription = \"{}\"", "é".repeat(1_001)),
    ));
    assert_eq!(
        (error.code(), error.position().to_string()),
        ("INVALID_DESCRIPTION", "11:15".to_owned())
    );
}

#[test]
fn policy_paths_have_a_stricter_rule_than_role_paths() {
    let policy = "name = \"StuzioProjectXPolicy\"";
    for hostile in ["/${x}/", "/*/", "/a b/", "/a//b/", "audit/"] {
        let error = fails(&with(
            policy,
            &format!("{policy}\npath = {}", toml_string(hostile)),
        ));
        assert_eq!(
            (error.code(), error.position().to_string()),
            ("INVALID_PATH", "11:8".to_owned()),
            "{hostile:?}: {error}"
        );
    }
    spec::from_toml(&with(
        policy,
        &format!("{policy}\npath = \"/audit/a.b,c+d@e=f_g-h/\""),
    ))
    .unwrap();
    let long = format!("/{}/", "a".repeat(510));
    spec::from_toml(&with(policy, &format!("{policy}\npath = \"{long}\""))).unwrap();
    let error = fails(&with(policy, &format!("{policy}\npath = \"{long}a/\"")));
    assert_eq!(error.code(), "INVALID_PATH");
}

#[test]
fn bucket_names_s3_reserves_are_refused() {
    for reserved in [
        "xn--stuzio",
        "sthree-stuzio",
        "sthree-configurator-stuzio",
        "amzn-s3-demo-stuzio",
        "stuzio-s3alias",
        "stuzio--ol-s3",
        "stuzio.mrap",
        "stuzio--x-s3",
        "stuzio--table-s3",
    ] {
        let error = fails(&with(
            "buckets = [\"com.stuzio.projectx\"]",
            &format!("buckets = [\"{reserved}\"]"),
        ));
        assert_eq!(
            (error.code(), error.position().to_string()),
            ("INVALID_BUCKET_NAME", "35:12".to_owned()),
            "{reserved}: {error}"
        );
        assert!(error.message().contains("which S3 reserves"), "{error}");
    }
}

#[test]
fn name_lengths_are_iams() {
    let role = |name: &str| {
        with(
            "name = \"StuzioAcmeConsultantRole\"",
            &format!("name = \"{name}\""),
        )
    };
    spec::from_toml(&role(&"R".repeat(64))).unwrap();
    let error = fails(&role(&"R".repeat(65)));
    assert_eq!(
        first(&error),
        (
            "INVALID_NAME",
            "38:8".to_owned(),
            "the role name `RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR…` has 65 characters, more than IAM's 64"
        )
    );
    let external = |id: &str| {
        with(
            "trusting = \"Stuzio\"",
            &format!("trusting = \"Stuzio\"\nexternal_id = \"{id}\""),
        )
    };
    spec::from_toml(&external("ab")).unwrap();
    spec::from_toml(&external(&"e".repeat(1_224))).unwrap();
    assert_eq!(
        fails(&external(&"e".repeat(1_225))).code(),
        "INVALID_EXTERNAL_ID"
    );
    assert_eq!(
        fails(&external("${aws:username}")).code(),
        "INVALID_EXTERNAL_ID"
    );
}

#[test]
fn names_differing_only_in_case_are_one_name_to_iam() {
    let error = fails(&format!(
        "{BASE}\n[[user]]\nname = \"troy\"\naccount = \"Acme\"\n"
    ));
    assert_eq!(
        (error.code(), error.position().to_string(), error.help()),
        (
            "DUPLICATE_NAME",
            "47:8".to_owned(),
            Some("IAM user names are unique within an account, ignoring case")
        )
    );
    // In another account the name is free.
    spec::from_toml(&format!(
        "{BASE}\n[[user]]\nname = \"troy\"\naccount = \"Stuzio\"\n"
    ))
    .unwrap();
}
