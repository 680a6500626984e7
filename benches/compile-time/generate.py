#!/usr/bin/env python3
"""Generates the compile-time benchmark crates (see BENCHMARKS.md, "Macros: compile time").

    python3 benches/compile-time/generate.py [OUT_DIR]     # default: target/compile-time

Writes, under OUT_DIR, standalone crates (each with its own `[workspace]`, so cargo never attaches them
to iamgen's workspace):

- `with-policy/`: a library of 200 `pub fn pN() -> iamgen::StaticPolicy { iamgen::policy!(...) }`;
- `with-json/`:   the same 200 documents written with `serde_json::json!`, returning `serde_json::Value`;
- `consumer/`:    a small binary using `policy!`, `#[derive(Policy)]` and `#[derive(Role)]`, for the cold build.

`with-literal/` is `with-policy/` with each `policy!` replaced by the code it expands to (a
`StaticPolicy::__new(kind, "...")` of the document's text): the difference between the two is the macro's own
cost. The profile choice is measured too: `with-policy/` and `consumer/` set `opt-level = 3` for
`iamgen-macros` (what the README suggests); `with-policy-rt3/` and `consumer-rt3/` also for `iamgen-runtime`
(the linter the macro runs); `with-policy-opt0/` and `consumer-opt0/` set no profile at all.

The documents are realistic identity (and some trust) policies: 1-4 statements of 2-10 real actions from s3,
ec2, dynamodb, sqs, sns, lambda, logs and kms, each on resources its actions apply to, some with a condition.
They are valid and free of warnings, so the macro crate builds with zero warnings. Generation is seeded: the
same output every run. Only the standard library is used. `edit.env` names the line measure.sh edits for the
incremental builds.
"""

import os
import random
import re
import sys

SEED = 20260926
COUNT = 200
ACCOUNT = "111122223333"
REGIONS = ["us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2"]

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


def serde_json_version():
    """The serde_json version the workspace locks, so both sides compile the same crate."""
    with open(os.path.join(ROOT, "Cargo.lock"), encoding="utf-8") as lock:
        lines = lock.read().splitlines()
    for i, line in enumerate(lines):
        if line == 'name = "serde_json"':
            return lines[i + 1].split('"')[1]
    raise SystemExit("serde_json is not in Cargo.lock")


# Each group: actions that share resource types, and how to write a resource they apply to.
# `None` as resource: actions without resource-level permissions, which take `"Resource": "*"`.
def s3_object(rng, n):
    prefix = rng.choice(["*", "uploads/*", "reports/*", "data/${aws:username}/*"])
    return [f"arn:aws:s3:::bucket-{n}/{prefix}"]


def s3_bucket(rng, n):
    return [f"arn:aws:s3:::bucket-{n}"]


def ec2_instance(rng, n):
    return [f"arn:aws:ec2:{rng.choice(REGIONS)}:{ACCOUNT}:instance/*"]


def dynamodb_table(rng, n):
    region = rng.choice(REGIONS)
    table = f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/table-{n}"
    return [table, f"{table}/index/*"] if rng.random() < 0.4 else [table]


def sqs_queue(rng, n):
    return [f"arn:aws:sqs:{rng.choice(REGIONS)}:{ACCOUNT}:queue-{n}"]


def sns_topic(rng, n):
    return [f"arn:aws:sns:{rng.choice(REGIONS)}:{ACCOUNT}:topic-{n}"]


def lambda_function(rng, n):
    return [f"arn:aws:lambda:{rng.choice(REGIONS)}:{ACCOUNT}:function:fn-{n}"]


def logs_stream(rng, n):
    region = rng.choice(REGIONS)
    return [f"arn:aws:logs:{region}:{ACCOUNT}:log-group:/app/svc-{n}:log-stream:*"]


def logs_group(rng, n):
    return [f"arn:aws:logs:{rng.choice(REGIONS)}:{ACCOUNT}:log-group:/app/svc-{n}"]


def kms_key(rng, n):
    key = "%08x-%04x-%04x-%04x-%012x" % (
        rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(16), rng.getrandbits(16), rng.getrandbits(48))
    return [f"arn:aws:kms:{rng.choice(REGIONS)}:{ACCOUNT}:key/{key}"]


GROUPS = [
    ("ObjectAccess", s3_object, [
        "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectVersion", "s3:PutObjectTagging",
        "s3:GetObjectTagging", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]),
    ("BucketAccess", s3_bucket, [
        "s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketVersions", "s3:GetBucketVersioning",
        "s3:GetBucketTagging"]),
    ("Discovery", None, [
        "s3:ListAllMyBuckets", "ec2:DescribeInstances", "ec2:DescribeVolumes", "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets", "ec2:DescribeVpcs", "dynamodb:ListTables", "sqs:ListQueues", "sns:ListTopics",
        "lambda:ListFunctions", "logs:DescribeLogGroups", "kms:ListAliases", "kms:ListKeys"]),
    ("InstanceControl", ec2_instance, ["ec2:StartInstances", "ec2:StopInstances", "ec2:RebootInstances"]),
    ("TableAccess", dynamodb_table, [
        "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query",
        "dynamodb:Scan", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:DescribeTable",
        "dynamodb:ConditionCheckItem"]),
    ("QueueAccess", sqs_queue, [
        "sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl",
        "sqs:ChangeMessageVisibility"]),
    ("TopicAccess", sns_topic, [
        "sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic"]),
    ("FunctionAccess", lambda_function, [
        "lambda:InvokeFunction", "lambda:GetFunction", "lambda:GetFunctionConfiguration",
        "lambda:ListVersionsByFunction"]),
    ("WriteLogs", logs_stream, ["logs:CreateLogStream", "logs:PutLogEvents", "logs:GetLogEvents"]),
    ("ReadLogGroups", logs_group, ["logs:DescribeLogStreams", "logs:FilterLogEvents", "logs:CreateLogGroup"]),
    ("UseKey", kms_key, [
        "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey", "kms:ReEncryptFrom"]),
]

CONDITIONS = [
    '{ "Bool": { "aws:SecureTransport": "true" } }',
    '{ "StringEquals": { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } }',
    '{ "StringEquals": { "aws:RequestedRegion": ["us-east-1", "eu-west-1"] } }',
    '{ "Bool": { "aws:MultiFactorAuthPresent": "true" } }',
]


def q(text):
    return '"' + text + '"'


def string_or_list(items, indent):
    if len(items) == 1:
        return q(items[0])
    pad = " " * indent
    return "[\n" + ",\n".join(pad + "    " + q(item) for item in items) + "\n" + pad + "]"


EDITS = []


def identity_statement(rng, n, index):
    sid, resources, actions = rng.choice(GROUPS)
    count = rng.randint(min(2, len(actions)), min(10, len(actions)))
    chosen = sorted(rng.sample(actions, count))
    spare = [action for action in actions if action not in chosen]
    if spare and len(chosen) > 1:
        # An action the statement could take instead of one of its own: the incremental edit.
        EDITS.append((n, chosen[0], spare[0]))
    lines = []
    if rng.random() < 0.7:
        lines.append(f'"Sid": "{sid}{index}"')
    lines.append('"Effect": "Allow"')
    lines.append('"Action": ' + string_or_list(chosen, 16))
    lines.append('"Resource": ' + (q("*") if resources is None else string_or_list(resources(rng, n), 16)))
    if rng.random() < 0.3:
        lines.append('"Condition": ' + rng.choice(CONDITIONS))
    return lines


def trust_statement(rng, n):
    account = "%012d" % rng.randrange(10**11, 10**12)
    return [
        '"Effect": "Allow"',
        f'"Principal": {{ "AWS": "arn:aws:iam::{account}:root" }}',
        '"Action": "sts:AssumeRole"',
        f'"Condition": {{ "StringEquals": {{ "sts:ExternalId": "partner-{n}" }} }}',
    ]


def document(rng, n):
    """Returns (kind, body): the policy's kind and its JSON object as Rust tokens."""
    if rng.random() < 0.1:
        kind, statements = "trust", [trust_statement(rng, n)]
    else:
        kind = "identity"
        statements = [identity_statement(rng, n, i) for i in range(rng.randint(1, 4))]
    body = "{\n"
    body += '        "Version": "2012-10-17",\n'
    body += '        "Statement": [\n'
    body += ",\n".join(
        "            {\n" + ",\n".join("                " + line for line in lines) + "\n            }"
        for lines in statements)
    body += "\n        ]\n    }"
    return kind, body


PROFILE = """
[profile.dev.package.iamgen-macros]
opt-level = 3
"""

PROFILE_RT3 = PROFILE + """
[profile.dev.package.iamgen-runtime]
opt-level = 3
"""


def manifest(name, deps, profile="", kind="lib"):
    target = '\n[lib]\npath = "src/lib.rs"\n' if kind == "lib" else ""
    return f"""# Generated by benches/compile-time/generate.py; do not edit.
[package]
name = "{name}"
version = "0.0.0"
edition = "2024"
publish = false
{target}
[dependencies]
{deps}
# Not a member of iamgen's workspace: a workspace of its own.
[workspace]
{profile}"""


CONSUMER = r'''//! A small consumer of iamgen's macros, for the cold-build measurement. Generated; do not edit.

use iamgen::{BucketName, Policy, Role};

/// Reads and writes the objects of the project's bucket.
#[derive(Debug, Policy)]
#[statement(
    sid = "ObjectAccess",
    action = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
    resource = "arn:aws:s3:::{bucket}/*"
)]
#[statement(sid = "ListBucket", action = "s3:ListBucket", resource = "arn:aws:s3:::{bucket}")]
pub struct ProjectAccess {
    /// The project's bucket.
    pub bucket: BucketName,
}

/// Lists what there is.
#[derive(Debug, Policy)]
#[statement(sid = "Discovery", action = ["s3:ListAllMyBuckets", "ec2:DescribeInstances"], resource = "*")]
pub struct Discovery;

/// The role a partner assumes, with an external id.
#[derive(Debug, Role)]
#[role(account = "081278057606")]
#[trust(account = "183438944504", external_id = "partner-acme")]
#[attach(ProjectAccess, Discovery)]
pub struct PartnerRole;

/// The right to assume the partner role.
#[derive(Debug, Policy)]
#[statement(sid = "AssumePartnerRole", action = "sts:AssumeRole", resource = role(PartnerRole))]
pub struct AssumePartnerRole;

const QUEUE_WORKER: iamgen::StaticPolicy = iamgen::policy!(identity {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Consume",
            "Effect": "Allow",
            "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"],
            "Resource": "arn:aws:sqs:us-east-1:111122223333:jobs"
        },
        {
            "Sid": "Tables",
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
            "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/jobs",
            "Condition": { "Bool": { "aws:SecureTransport": "true" } }
        }
    ]
});

fn main() -> Result<(), iamgen::BuildError> {
    let access = ProjectAccess {
        bucket: BucketName::new("com.example.project").unwrap_or_else(|reason| unreachable!("{reason}")),
    };
    println!("{}:\n{}", ProjectAccess::NAME, access.to_json()?);
    println!("{}:\n{}", Discovery::NAME, Discovery.to_json()?);
    println!("{} trust:\n{}", PartnerRole::ARN, PartnerRole::TRUST);
    println!("{}:\n{}", AssumePartnerRole::NAME, AssumePartnerRole.to_json()?);
    println!("queue worker:\n{}", QUEUE_WORKER.json());
    Ok(())
}
'''


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        out.write(text)


def source(documents, signature, invocation):
    """A lib.rs with one `pub fn` per document; every variant has the same line layout, so an edit given by
    line number applies to each."""
    header = "//! Generated by benches/compile-time/generate.py; do not edit.\n\n"
    return header + "\n".join(
        f"pub fn p{n}() -> {signature} {{\n    {invocation(kind, body)}\n}}\n"
        for n, (kind, body) in enumerate(documents))


def literal(kind, body):
    """What `policy!` expands to, with the document's text as written instead of its canonical form: the same
    code for rustc to compile, without running the macro."""
    variant = {"identity": "Identity", "trust": "Trust"}[kind]
    return ("iamgen::__private::StaticPolicy::__new(iamgen::__private::PolicyKind::" + variant
            + ', r#"' + body + '"#)')


def main():
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "compile-time"))
    rng = random.Random(SEED)
    documents = [document(rng, n) for n in range(COUNT)]

    iamgen_dep = 'iamgen = {{ path = "{}" }}\n'.format(ROOT)
    serde_dep = 'serde_json = "={}"\n'.format(serde_json_version())
    with open(os.path.join(ROOT, "Cargo.lock"), encoding="utf-8") as lock:
        # The workspace's lockfile: the generated crates build the same dependency versions (cargo drops the
        # entries a crate does not use).
        lockfile = lock.read()

    sources = {
        "policy": source(documents, "iamgen::StaticPolicy", lambda kind, body: f"iamgen::policy!({kind} {body})"),
        "literal": source(documents, "iamgen::StaticPolicy", literal),
        "json": source(documents, "serde_json::Value", lambda kind, body: f"serde_json::json!({body})"),
    }
    crates = [
        ("with-policy", iamgen_dep, PROFILE, "policy"),
        ("with-policy-rt3", iamgen_dep, PROFILE_RT3, "policy"),
        ("with-policy-opt0", iamgen_dep, "", "policy"),
        ("with-literal", iamgen_dep, PROFILE, "literal"),
        ("with-json", serde_dep, "", "json"),
        ("consumer", iamgen_dep, PROFILE, None),
        ("consumer-rt3", iamgen_dep, PROFILE_RT3, None),
        ("consumer-opt0", iamgen_dep, "", None),
    ]
    for name, dep, profile, variant in crates:
        write(os.path.join(out, name, "Cargo.toml"), manifest(name, dep, profile, "lib" if variant else "bin"))
        write(os.path.join(out, name, "Cargo.lock"), lockfile)
        if variant:
            write(os.path.join(out, name, "src", "lib.rs"), sources[variant])
        else:
            write(os.path.join(out, name, "src", "main.rs"), CONSUMER)

    # The incremental edit: in a document past the middle, one action becomes another of the same service that
    # applies to the same resources (so the policy stays valid and warning-free). measure.sh swaps it back and
    # forth on this line of every lib.rs.
    n, old, new = next(edit for edit in EDITS if edit[0] >= COUNT // 2)
    lines = sources["policy"].splitlines()
    start = lines.index(f"pub fn p{n}() -> iamgen::StaticPolicy {{")
    line = next(i for i in range(start, len(lines)) if lines[i].strip().rstrip(",") == q(old)) + 1
    for variant in ("literal", "json"):
        assert sources[variant].splitlines()[line - 1] == lines[line - 1]
    write(os.path.join(out, "edit.env"), f"EDIT_LINE={line}\nEDIT_FROM='{old}'\nEDIT_TO='{new}'\n")

    statements = sum(body.count('"Effect"') for _, body in documents)
    actions = sum(len(re.findall(r'^ *"[a-z0-9]+:[A-Za-z]+",?$', body, re.M)) + body.count('"sts:AssumeRole"')
                  for _, body in documents)
    kinds = {k: sum(1 for kind, _ in documents if kind == k) for k in ("identity", "trust")}
    print(f"generated {COUNT} documents ({kinds['identity']} identity, {kinds['trust']} trust; {statements} "
          f"statements, {actions} actions; edit: line {line}, {old} -> {new}) in {out}")


if __name__ == "__main__":
    main()
