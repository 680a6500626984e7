//! Whose credentials the deploy commands use, in which account, for how long, and at what cost: through the
//! built binary, against moto (and against loopback listeners that never answer or answer nothing).
//!
//! moto takes the account from the access key: the environment's static key is account `123456789012`, a key
//! made with `CreateAccessKey` for a user of account X is account X.

use std::fmt::Write as _;
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::support::cli::{assert_stderr_holds, described, iamgen_aws_exits, stderr};
use crate::support::deploy::{make_the_scenarios_bucket_on, on_moto_with_home};
use crate::support::moto::{Moto, element};

const STUZIO: &str = "081278057606";
const ACME: &str = "183438944504";
const BASE: &str = crate::support::moto::BASE_ACCOUNT;

/// A new user `user` of `account` and an access key of theirs: `(key id, secret)`.
fn user_key(moto: &Moto, account: &str, user: &str) -> (String, String) {
    let key = moto.key_in(account);
    let created = moto.query(
        &key,
        "iam",
        &format!("Action=CreateUser&Version=2010-05-08&UserName={user}"),
    );
    assert!(created.contains("<CreateUserResult>"), "{created}");
    let access = moto.query(
        &key,
        "iam",
        &format!("Action=CreateAccessKey&Version=2010-05-08&UserName={user}"),
    );
    (
        element(&access, "AccessKeyId").to_owned(),
        element(&access, "SecretAccessKey").to_owned(),
    )
}

/// Writes `home/credentials` with one static-key profile per `(name, key)`.
fn write_profiles(home: &Path, profiles: &[(&str, &(String, String))]) {
    let mut text = String::new();
    for (name, (id, secret)) in profiles {
        let _ = write!(
            text,
            "[{name}]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n\n"
        );
    }
    std::fs::write(home.join("credentials"), text).expect("the credentials file");
}

/// What IAM holds in each account of the test: the base account, Stuzio and Acme.
fn every_iam_contents(moto: &Moto) -> Vec<String> {
    [BASE, STUZIO, ACME]
        .iter()
        .map(|account| iam_contents(moto, account))
        .collect()
}

/// What IAM holds in `account`: its users, roles and customer managed policies, without the request ids.
fn iam_contents(moto: &Moto, account: &str) -> String {
    let key = moto.key_in(account);
    ["ListUsers", "ListRoles", "ListPolicies&Scope=Local"]
        .iter()
        .map(|action| {
            let body = moto.query(&key, "iam", &format!("Action={action}&Version=2010-05-08"));
            let body = body.split_once("\r\n\r\n").map_or(&*body, |(_, body)| body);
            match (body.find("<RequestId>"), body.find("</RequestId>")) {
                (Some(start), Some(end)) => format!("{}{}", &body[..start], &body[end..]),
                _ => body.to_owned(),
            }
        })
        .collect()
}

/// Whether `account` has the IAM user `user`.
fn has_user(moto: &Moto, account: &str, user: &str) -> bool {
    let body = moto.query(
        &moto.key_in(account),
        "iam",
        &format!("Action=GetUser&Version=2010-05-08&UserName={user}"),
    );
    body.contains("<GetUserResult>")
}

#[test]
fn an_account_profile_is_used_as_named_not_the_environment_key() {
    on_moto_with_home(|moto, home| {
        make_the_scenarios_bucket_on(moto);
        let acme = user_key(moto, ACME, "acme-deployer");
        write_profiles(home, &[("acme-admin", &acme)]);

        let applied = iamgen_aws_exits(
            &moto.endpoint(),
            home,
            &[
                "apply",
                "--auto-approve",
                "--account-profile",
                "Acme=acme-admin",
            ],
            &[],
            0,
        );
        assert!(has_user(moto, ACME, "Troy"), "{}", described(&applied));
        assert!(
            !has_user(moto, BASE, "Troy"),
            "Troy landed in the environment key's account\n{}",
            described(&applied)
        );
    });
}

#[test]
fn a_profile_that_does_not_exist_is_an_error_before_any_call() {
    let home = tempfile::tempdir().expect("a temporary directory");
    let home = home.path();
    let (endpoint, connections) = counting_endpoint();
    for args in [
        &["plan", "--profile", "no-such-profile"][..],
        &["plan", "--account-profile", "Acme=no-such-profile"][..],
        &[
            "apply",
            "--auto-approve",
            "--account-profile",
            "Stuzio=no-such-profile",
        ][..],
    ] {
        let planned = iamgen_aws_exits(&endpoint, home, args, &[], 1);
        assert!(
            planned.stdout.is_empty(),
            "no plan is shown\n{}",
            described(&planned)
        );
        let text = stderr(&planned);
        assert!(text.contains("`no-such-profile`"), "{text}");
        assert!(
            text.contains(&home.join("credentials").display().to_string())
                && text.contains(&home.join("config").display().to_string()),
            "{text}"
        );
        assert!(text.contains("help: "), "{text}");
        assert_eq!(connections.load(Ordering::SeqCst), 0, "{text}");
    }
}

#[test]
fn verify_runs_as_the_principal_profile_not_the_environment_key() {
    on_moto_with_home(|moto, home| {
        make_the_scenarios_bucket_on(moto);
        iamgen_aws_exits(&moto.endpoint(), home, &["apply", "--auto-approve"], &[], 0);
        let troy = crate::support::moto::create_access_key(moto, ACME, "Troy");
        write_profiles(home, &[("troy", &troy)]);

        let verified = iamgen_aws_exits(
            &moto.endpoint(),
            home,
            &["verify", "--principal-profile", "troy", "--format", "json"],
            &[],
            0,
        );
        let report: serde_json::Value = serde_json::from_slice(&verified.stdout).expect("JSON");
        assert_eq!(report["success"], true, "{report}");
        assert!(report.to_string().contains("user/Troy"), "{report}");

        let missing = iamgen_aws_exits(
            &moto.endpoint(),
            home,
            &["verify", "--principal-profile", "nobody"],
            &[],
            1,
        );
        assert_stderr_holds(&missing, &["`nobody`"]);
    });
}

#[test]
fn credentials_of_another_account_stop_the_apply_before_any_write() {
    on_moto_with_home(|moto, home| {
        make_the_scenarios_bucket_on(moto);
        let stuzio = user_key(moto, STUZIO, "stuzio-deployer");
        write_profiles(home, &[("stuzio-admin", &stuzio)]);
        let before = every_iam_contents(moto);

        let applied = iamgen_aws_exits(
            &moto.endpoint(),
            home,
            &[
                "apply",
                "--auto-approve",
                "--account-profile",
                "Acme=stuzio-admin",
            ],
            &[],
            1,
        );
        assert_stderr_holds(&applied, &[ACME, STUZIO, "`stuzio-admin`"]);
        let after = every_iam_contents(moto);
        assert_eq!(before, after, "IAM changed\n{}", described(&applied));

        // The same check for a profile of the base account given for Stuzio.
        let base = user_key(moto, BASE, "base-deployer");
        write_profiles(home, &[("base-admin", &base)]);
        let planned = iamgen_aws_exits(
            &moto.endpoint(),
            home,
            &["plan", "--account-profile", "Stuzio=base-admin"],
            &[],
            1,
        );
        assert_stderr_holds(&planned, &[BASE, STUZIO]);
    });
}

/// A loopback listener that accepts connections and never answers; the connections are kept open.
fn silent_endpoint() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let port = listener.local_addr().expect("its address").port();
    std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in listener.incoming().flatten() {
            open.push(stream);
        }
    });
    format!("http://127.0.0.1:{port}")
}

#[test]
fn an_endpoint_that_never_answers_is_given_up_on_within_the_bound() {
    let home = tempfile::tempdir().expect("a temporary directory");
    let home = home.path();
    let endpoint = silent_endpoint();
    let planned = iamgen_aws_exits(&endpoint, home, &["plan", "--timeout", "2"], &[], 1);
    let text = stderr(&planned);
    assert!(!text.contains("single attempt"), "{text}");
    assert!(text.contains("GetCallerIdentity"), "{text}");
    assert!(text.contains("within 2 s"), "{text}");
    assert!(
        text.contains(" attempt") && text.contains("--timeout"),
        "{text}"
    );
}

/// A loopback listener that counts connections and closes each at once.
fn counting_endpoint() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let port = listener.local_addr().expect("its address").port();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            seen.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    (format!("http://127.0.0.1:{port}"), count)
}

#[test]
fn plan_and_apply_refuse_a_spec_that_does_not_lint_before_any_call() {
    let home = tempfile::tempdir().expect("a temporary directory");
    let home = home.path();
    let spec = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/cross_account.toml"),
    )
    .expect("the example spec");
    assert!(spec.contains("s3:ListAllMyBuckets"));
    let spec_path = home.join("typo.toml");
    std::fs::write(
        &spec_path,
        spec.replace("s3:ListAllMyBuckets", "s3:ListAllMyBucket"),
    )
    .expect("the spec");
    let spec_path = spec_path.to_str().expect("UTF-8");
    let (endpoint, connections) = counting_endpoint();
    for args in [
        &["plan", spec_path][..],
        &["apply", "--auto-approve", spec_path][..],
    ] {
        let output = iamgen_aws_exits(&endpoint, home, args, &[], 2);
        let text = stderr(&output);
        assert!(text.contains("s3:ListAllMyBucket"), "{text}");
        assert!(text.contains("error"), "{text}");
        assert_eq!(connections.load(Ordering::SeqCst), 0, "{text}");
    }
}

#[test]
fn verbose_counts_the_calls_by_operation() {
    on_moto_with_home(|moto, home| {
        make_the_scenarios_bucket_on(moto);
        let planned = iamgen_aws_exits(&moto.endpoint(), home, &["plan", "--verbose"], &[], 0);
        let text = stderr(&planned);
        let lines: Vec<&str> = text.lines().collect();
        let header = lines
            .iter()
            .position(|line| line.starts_with("calls: "))
            .unwrap_or_else(|| panic!("no call count\n{text}"));
        // `calls: N (M attempts)`, then one line per operation, sorted, whose counts add up to N.
        let total: u64 = lines[header]["calls: ".len()..]
            .split(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{text}"));
        let rows: Vec<(&str, u64)> = lines[header + 1..]
            .iter()
            .take_while(|line| line.starts_with("  "))
            .map(|line| {
                let mut words = line.split_whitespace();
                let operation = words.next().expect("an operation");
                let count = words
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or_else(|| panic!("{line}"));
                (operation, count)
            })
            .collect();
        assert!(rows.windows(2).all(|w| w[0].0 < w[1].0), "{text}");
        assert_eq!(rows.iter().map(|(_, n)| n).sum::<u64>(), total, "{text}");
        assert!(
            rows.iter().any(|(op, _)| *op == "sts:GetCallerIdentity"),
            "{text}"
        );
        assert!(rows.iter().any(|(op, _)| *op == "sts:AssumeRole"), "{text}");
        assert!(rows.iter().any(|(op, _)| op.starts_with("iam:")), "{text}");
    });
}
