//! `iamgen simulate --batch`: a file of mixed requests (loose and stack mode, every kind of policy, contexts with
//! one value, several and none, lines that cannot be decided) gets, line for line, the answer the one-request
//! command gives for the same request.

use std::fmt::Write as _;

use crate::support::cli::{iamgen, iamgen_with_stdin, stdout};
use crate::support::rng::Rng;

/// How many requests the mixed batch holds.
const REQUESTS: usize = 1_200;

const FIXTURES: &str = "tests/fixtures/simulate";

/// One request: the JSON line and the one-request command's arguments.
struct Mixed {
    line: String,
    args: Vec<String>,
}

/// A request under construction: the line's fields and the command's arguments, kept in step.
struct Building {
    fields: Vec<String>,
    args: Vec<String>,
}

impl Building {
    /// `principal` doing `action` on `resource`, as JSON and as `simulate --format json`.
    fn new(principal: &str, action: &str, resource: &str) -> Self {
        Building {
            fields: vec![
                format!("\"principal\": \"{principal}\""),
                format!("\"action\": \"{action}\""),
                format!("\"resource\": \"{resource}\""),
            ],
            args: [
                "simulate",
                "--format",
                "json",
                "--principal",
                principal,
                "--action",
                action,
                "--resource",
                resource,
            ]
            .map(str::to_owned)
            .to_vec(),
        }
    }

    /// A field of the line and its flags.
    fn with(&mut self, field: String, flags: impl IntoIterator<Item = String>) {
        self.fields.push(field);
        self.args.extend(flags);
    }

    /// A list of policy files: `"field": [...]` and one `flag FILE` each.
    fn files(&mut self, field: &str, flag: &str, files: &[String]) {
        let listed: Vec<String> = files.iter().map(|file| format!("\"{file}\"")).collect();
        let flags: Vec<String> = files
            .iter()
            .flat_map(|file| [flag.to_owned(), file.clone()])
            .collect();
        self.with(format!("\"{field}\": [{}]", listed.join(", ")), flags);
    }

    /// A context of zero to several of `keys`: one value, two values, or a key present with none.
    fn context(&mut self, rng: &mut Rng, keys: &[(&str, &[&str])]) {
        let mut json = Vec::new();
        for (key, values) in keys {
            if !rng.chance(45) {
                continue;
            }
            match rng.below(5) {
                0 => {
                    json.push(format!("\"{key}\": []"));
                    self.args
                        .extend(["--context".to_owned(), format!("{key}=[]")]);
                }
                1 if values.len() > 1 => {
                    let (a, b) = (values[0], values[1]);
                    json.push(format!("\"{key}\": [\"{a}\", \"{b}\"]"));
                    for value in [a, b] {
                        self.args
                            .extend(["--context".to_owned(), format!("{key}={value}")]);
                    }
                }
                _ => {
                    let value = *rng.pick(values);
                    json.push(format!("\"{key}\": \"{value}\""));
                    self.args
                        .extend(["--context".to_owned(), format!("{key}={value}")]);
                }
            }
        }
        self.fields
            .push(format!("\"context\": {{{}}}", json.join(", ")));
    }

    fn done(self) -> Mixed {
        Mixed {
            line: format!("{{{}}}", self.fields.join(", ")),
            args: self.args,
        }
    }
}

/// A request over loose policy files.
fn loose(rng: &mut Rng) -> Mixed {
    let principal = rng.pick_str(&[
        "arn:aws:iam::111122223333:user/alice",
        "arn:aws:sts::111122223333:assumed-role/app/session",
        "arn:aws:iam::444455556666:user/bob",
        "cloudtrail.amazonaws.com",
        "arn:aws:sts::111122223333:federated-user/carol",
    ]);
    let (action, resource) = [
        ("s3:GetObject", "arn:aws:s3:::reports/q1.csv"),
        ("s3:ListBucket", "arn:aws:s3:::reports"),
        ("s3:DeleteObject", "arn:aws:s3:::reports/q1.csv"),
        ("sts:AssumeRole", "arn:aws:iam::111122223333:role/app"),
        ("kms:Decrypt", "arn:aws:kms:eu-west-1:111122223333:key/k1"),
    ][rng.below(5)];
    let mut request = Building::new(principal, action, resource);
    let identity: Vec<String> = [
        "identity.json",
        "batch/admin.json",
        "batch/session-tagged.json",
    ]
    .iter()
    .filter(|_| rng.chance(40))
    .map(|file| format!("{FIXTURES}/{file}"))
    .collect();
    // A line is loose when it names a policy, so it always has its (maybe empty) identity list.
    request.files("identity", "--identity", &identity);
    if identity.is_empty() {
        // The one-request command is loose by its flags: the resource's account (the caller's) says so.
        request.with(
            "\"resource_account\": \"111122223333\"".to_owned(),
            ["--resource-account".to_owned(), "111122223333".to_owned()],
        );
    }
    let resource_policy = if action == "sts:AssumeRole" {
        "batch/trust-mfa.json"
    } else {
        "batch/bucket-policy.json"
    };
    for (field, flag, files, percent) in [
        (
            "resource_policy",
            "--resource-policy",
            &[resource_policy][..],
            50,
        ),
        (
            "boundary",
            "--boundary",
            &["boundary.json", "batch/admin.json"][..],
            20,
        ),
        (
            "session_policy",
            "--session-policy",
            &["batch/session-tagged.json"][..],
            20,
        ),
    ] {
        if rng.chance(percent) {
            let file = format!("{FIXTURES}/{}", rng.pick_str(files));
            request.with(format!("\"{field}\": \"{file}\""), [flag.to_owned(), file]);
        }
    }
    for (field, flag, files) in [
        (
            "scp",
            "--scp",
            &["scp-deny-outside-eu.json", "batch/scp-deny-kms.json"][..],
        ),
        ("rcp", "--rcp", &["rcp-own-account-only.json"][..]),
    ] {
        if rng.chance(30) {
            let levels: Vec<String> = (0..=rng.below(2))
                .map(|_| format!("{FIXTURES}/{}", rng.pick_str(files)))
                .collect();
            request.files(field, flag, &levels);
        }
    }
    if rng.chance(10) {
        request.with(
            "\"management_account\": true".to_owned(),
            ["--management-account".to_owned()],
        );
    }
    request.context(
        rng,
        &[
            ("aws:SecureTransport", &["true", "false"]),
            ("aws:RequestedRegion", &["eu-west-1", "us-east-1"]),
            ("aws:MultiFactorAuthPresent", &["true", "false"]),
            ("aws:TagKeys", &["team", "cost", "secret"]),
        ],
    );
    request.done()
}

/// A request over the reference scenario, directly or through its role; some name nobody the stack has.
fn over_stack(rng: &mut Rng) -> Mixed {
    let principal = rng.pick_str(&["Troy", "StuzioAcmeConsultantRole", "Nobody"]);
    let resource = rng.pick_str(&[
        "arn:aws:s3:::com.stuzio.projectx/report.csv",
        "arn:aws:s3:::com.stuzio.payroll/salaries.csv",
        "arn:aws:s3:::com.stuzio.projectx",
    ]);
    let action = rng.pick_str(&["s3:GetObject", "s3:ListBucket", "s3:PutObject"]);
    let mut request = Building::new(principal, action, resource);
    if principal == "Troy" && rng.chance(70) {
        request.with(
            "\"via_role\": \"StuzioAcmeConsultantRole\"".to_owned(),
            [
                "--via-role".to_owned(),
                "StuzioAcmeConsultantRole".to_owned(),
            ],
        );
    }
    request.context(
        rng,
        &[
            ("sts:ExternalId", &["wrong", "stuzio-acme"]),
            ("aws:MultiFactorAuthPresent", &["true", "false"]),
        ],
    );
    request.done()
}

/// The batch: mostly loose requests, a quarter over the stack, and a few lines that name a missing file.
fn mixed_batch() -> Vec<Mixed> {
    let mut rng = Rng::new(0x01a3_9e15);
    (0..REQUESTS)
        .map(|index| {
            if index % 97 == 13 {
                // A file that is not there (its name built, so that no path in the repository dangles).
                let missing = format!("{FIXTURES}/{}", "missing.json");
                let mut request = Building::new(
                    "arn:aws:iam::111122223333:user/alice",
                    "s3:GetObject",
                    "arn:aws:s3:::reports/a",
                );
                request.files("identity", "--identity", &[missing]);
                return request.done();
            }
            if rng.chance(25) {
                over_stack(&mut rng)
            } else {
                loose(&mut rng)
            }
        })
        .collect()
}

#[test]
fn a_batch_answers_as_the_one_request_command_does() {
    let batch = mixed_batch();
    let mut input = String::new();
    for request in &batch {
        writeln!(input, "{}", request.line).expect("a string");
    }
    // Through a file: the batch answers as it reads, so a pipe written whole before reading would fill.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("mixed.jsonl");
    std::fs::write(&file, &input).expect("written");
    let output = iamgen(&["simulate", "--batch", &file.display().to_string()]);
    // Some lines name a missing file: every line is still answered, and the status says one was not decided.
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let answers: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    assert_eq!(answers.len(), batch.len());

    // The one-request command, run for each line, a few processes at a time.
    let singles: Vec<std::process::Output> = std::thread::scope(|scope| {
        let workers: Vec<_> = batch
            .chunks(batch.len().div_ceil(4))
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|request| {
                            let args: Vec<&str> = request.args.iter().map(String::as_str).collect();
                            iamgen(&args)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().expect("a worker"))
            .collect()
    });

    let mut decided = [0_usize; 4];
    for (index, ((request, answer), single)) in batch.iter().zip(&answers).zip(&singles).enumerate()
    {
        assert_eq!(answer["line"], index + 1, "{answer}");
        let code = single.status.code();
        if let Some(error) = answer.get("error") {
            assert_eq!(
                code,
                Some(2),
                "line {}: {}\nbatch: {error}",
                index + 1,
                request.line
            );
            decided[3] += 1;
            continue;
        }
        let expected: serde_json::Value = serde_json::from_slice(&single.stdout)
            .unwrap_or_else(|_| panic!("line {}: {}\n{}", index + 1, request.line, stdout(single)));
        let mut answer = answer.clone();
        if let Some(fields) = answer.as_object_mut() {
            fields.remove("line");
        }
        assert_eq!(answer, expected, "line {}: {}", index + 1, request.line);
        let slot = match expected["decision"].as_str() {
            Some("allowed") => 0,
            Some("implicit_deny") => 1,
            _ => 2,
        };
        assert_eq!(code, Some(i32::from(slot != 0)), "line {}", index + 1);
        decided[slot] += 1;
    }
    // The mix is a mix: every kind of answer, in numbers.
    assert!(
        decided.iter().all(|count| *count >= 10),
        "allowed, implicit deny, explicit deny, error: {decided:?}"
    );
}

#[test]
fn a_batch_file_echoes_ids_and_reports_bad_lines_in_place() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("requests.jsonl");
    std::fs::write(
        &file,
        concat!(
            r#"{"id": "first", "principal": "Troy", "via_role": "StuzioAcmeConsultantRole", "action": "s3:GetObject", "resource": "arn:aws:s3:::com.stuzio.projectx/a"}"#,
            "\n\n",
            "not json\n",
            r#"{"principal": "Troy", "action": "s3:GetObject", "resource": "r", "contxt": {}}"#,
            "\n",
            r#"{"id": 4, "principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "identity": [{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}], "via_role": "x"}"#,
            "\n",
        ),
    )
    .expect("written");
    let path = file.display().to_string();
    let output = iamgen(&["simulate", "--batch", &path]);
    assert_eq!(output.status.code(), Some(2));
    let lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON"))
        .collect();
    assert_eq!(lines.len(), 4, "the blank line has no answer");
    assert_eq!(lines[0]["id"], "first");
    assert_eq!(lines[0]["decision"], "allowed");
    assert_eq!(lines[1]["line"], 3);
    assert!(
        lines[1]["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("not a request"))
    );
    assert!(
        lines[2]["error"]
            .as_str()
            .is_some_and(|e| e.contains("unknown field `contxt`")),
        "{}",
        lines[2]
    );
    assert_eq!(lines[3]["id"], 4);
    assert!(
        lines[3]["error"]
            .as_str()
            .is_some_and(|e| e.contains("via_role"))
    );

    // Standard input, `-`, a small batch that fits the pipe.
    let piped = iamgen_with_stdin(
        &["simulate", "--batch", "-"],
        r#"{"principal": "Troy", "action": "s3:GetObject", "resource": "arn:aws:s3:::com.stuzio.payroll/a"}"#,
    );
    assert_eq!(piped.status.code(), Some(0));
    assert!(stdout(&piped).contains(r#""decision":"implicit_deny""#));

    let missing = iamgen(&["simulate", "--batch", "no-such-file.jsonl"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such-file.jsonl"));
}

/// A program that writes a request and waits for its answer gets it before writing the next: the batch does
/// not wait for a whole group of lines, nor keep its answers in a buffer, while its input is quiet.
#[test]
fn a_batch_answers_each_request_as_it_comes() {
    use std::io::{BufRead as _, BufReader, Write as _};
    use std::process::{Command, Stdio};

    let mut child = Command::new(env!("CARGO_BIN_EXE_iamgen"))
        .args(["simulate", "--batch", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("iamgen runs");
    let mut input = child.stdin.take().expect("a pipe");
    let output = child.stdout.take().expect("a pipe");
    let (answers, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(output).lines() {
            if answers.send(line.expect("a line")).is_err() {
                return;
            }
        }
    });
    for (principal, decision) in [("Troy", "allowed"), ("StuzioAcmeConsultantRole", "allowed")] {
        writeln!(
            input,
            r#"{{"principal": "{principal}", "action": "s3:GetObject", "resource": "arn:aws:s3:::com.stuzio.projectx/a"{}}}"#,
            if principal == "Troy" {
                r#", "via_role": "StuzioAcmeConsultantRole""#
            } else {
                ""
            }
        )
        .expect("written");
        input.flush().expect("flushed");
        let answer = received
            .recv_timeout(std::time::Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no answer for {principal} while the input stays open"));
        assert!(
            answer.contains(&format!(r#""decision":"{decision}""#)),
            "{answer}"
        );
    }
    drop(input);
    assert!(child.wait().expect("iamgen ends").success());
}
