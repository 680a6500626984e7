//! Injection: hostile strings in every free-text field of a stack, and IAM policy variables in its policies,
//! survive every generated file. A seeded generator builds a few hundred cross-account stacks whose account
//! names, role and policy descriptions, tags, paths, policy ids, condition values and resource ARNs hold quotes,
//! backslashes, `${`, `%{`, `$${`, `%%{`, newlines, `#`, `: `, `---` and non-ASCII text (Latin-1 only inside
//! policy documents, as IAM requires; any Unicode elsewhere), and whose names use IAM's riskier characters
//! (`+=,.@_-`). Every target is rendered and read back with a real parser:
//!
//! - Terraform: every `.tf` parses with hcl-rs; names, paths, descriptions, tags and every `jsonencode(...)`
//!   policy evaluate (references to variables and resources resolved) to the model's text, byte for byte;
//! - CloudFormation: every `.json` parses with `serde_json` and every `.yaml` with `serde_norway` to the same
//!   value; names, paths, descriptions, tags and policies (`Ref`, `Fn::GetAtt` and `Fn::Sub` resolved, `${!`
//!   read as `${`) equal the model's, in the account templates and in each StackSet's `TemplateBody`;
//! - policy files: each reads back to the model's document;
//! - diagrams: every line of `diagram.dot` and `diagram.mmd` is one statement whose labels, unescaped, are the
//!   model's text, and whose identifiers are not keywords; `diagram.svg`, read as XML, has the nodes and edges
//!   of `diagram.dot`, labels and all.
//!
//! Failures are collected over all cases and reported by kind, each with its first example; a failure
//! reproduces from its case number (`IAMGEN_INJECTION_SEED` and `IAMGEN_INJECTION_CASES` change the run). Bugs
//! found this way are kept below as named cases, each with the smallest stack that shows it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::str::FromStr as _;

use hcl::eval::{Context, Evaluate as _};
use hcl::expr::{Expression, ObjectKey, Operation, TemplateExpr, TraversalOperator};
use hcl::{Body, Structure};
use iamgen::AccountId;
use iamgen::names::BucketName;
use iamgen::policy::{
    Action, ActionElement, Condition, ConditionBlock, ConditionValue, ConditionValues, Effect,
    OneOrMany, Operator, OperatorBase, PolicyDocument, Resource, ResourceElement, Statement,
    Version,
};
use iamgen::render::{self, Target};
use iamgen::stack::cross_account::{
    AccountSpec, Assumers, BucketSpec, CrossAccount, RoleSpec, TrustedSpec,
};
use iamgen::stack::{
    AccountRef, BucketEncryption, BucketLogging, BucketOrigin, BucketSettings, InlinePolicy,
    KmsKey, LogPrefix, Stack,
};
use serde_json::Value as Json;

use crate::support::rng::{Rng, env_number};

// ---------------------------------------------------------------------------------------------------------
// The generator.

/// Text that means something to HCL, YAML, JSON, Graphviz, Mermaid, Markdown or `Fn::Sub`, all within IAM's
/// character set (TAB, LF, CR, U+0020 to U+00FF), so that it may appear inside policy documents too.
const LATIN1: &[&str] = &[
    "\"",
    "\\",
    "\\\\",
    "\\\"",
    "\\n",
    "\\u0024",
    "${",
    "%{",
    "$${",
    "%%{",
    "$$${",
    "%%%{",
    "${aws:username}",
    "${aws:PrincipalTag/team}",
    "$${aws:username}",
    "${!aws:userid}",
    "${!Literal}",
    "%{ if x }",
    "%{endif}",
    "${var.x}",
    "${AWS::AccountId}",
    "}",
    "{",
    "$",
    "%",
    "$$",
    "%%",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "#",
    " #",
    "# x",
    ": ",
    ":",
    "---",
    "...",
    "- ",
    "? ",
    "&anchor",
    "*alias",
    "!!str",
    "!Ref x",
    "|",
    ">",
    "'",
    "''",
    "`",
    "@",
    "[",
    "]",
    ",",
    "null",
    "true",
    "~",
    "0x10",
    "1e3",
    "-1",
    "<<: x",
    "//",
    "/*",
    "*/",
    "<<EOF",
    "#quot;",
    "#35;",
    "&quot;",
    "<b>",
    ";",
    "=",
    "+",
    " ",
    "  ",
    "->",
    "-->",
    "|x|",
    "[label=x]",
    "\"; x -> y [",
    "\"]\n  end\n  x[\"",
    "é",
    "ÿ",
    "Ä",
    "ß",
    "©",
    "\u{A0}",
    "\u{AD}",
    "\u{80}",
    "\u{85}",
    "\u{9F}",
    "%%{init: {\"theme\":\"forest\"}}%%",
    "%%{z}",
    "&amp;",
    "&lt;b&gt;",
    "\\N",
    "Null",
    "yes",
    "1e2",
    "0x1F",
    ".inf",
    "ÿ°",
];

/// Text outside Latin-1, for the fields that take any Unicode: line and paragraph separators, a byte-order
/// mark, bidirectional and zero-width controls, C0 controls, emoji, CJK, combining marks, noncharacters.
const UNICODE: &[&str] = &[
    "\u{2028}",
    "\u{2029}",
    "\u{FEFF}",
    "\u{200B}",
    "\u{202E}",
    "\u{0}",
    "\u{1}",
    "\u{1B}[31m",
    "\u{7F}",
    "\u{FFFD}",
    "\u{FFFE}",
    "\u{FFFF}",
    "\u{10FFFF}",
    "😀",
    "日本語",
    "Ω",
    "𝕏",
    "ﬁ",
    "e\u{301}",
    "\u{D7FF}",
    "\u{E000}",
    "\u{9}\u{1}\u{1B}\u{7F}",
    "\u{2066}",
    "\u{200F}",
    "\u{100}",
    "ﬂ°°35¶ß",
];

const WORDS: &[&str] = &[
    "Stuzio",
    "Acme",
    "Zoë",
    "Ærø",
    "Łódź",
    "株式会社",
    "Ünïcode",
    "Project",
    "data",
    "x",
];

/// Account names that are also file names, keywords or reserved words of one of the targets.
const RESERVED_NAMES: &[&str] = &[
    "Variables",
    "Outputs",
    "Providers",
    "Versions",
    "Node",
    "Edge",
    "Graph",
    "Digraph",
    "Subgraph",
    "Strict",
    "End",
];

/// One to four hostile fragments, with words between some of them.
fn hostile(rng: &mut Rng, unicode: bool) -> String {
    let mut out = String::new();
    for _ in 0..=rng.below(4) {
        if rng.chance(30) {
            out.push_str(rng.pick_str(WORDS));
        }
        if unicode && rng.chance(30) {
            out.push_str(rng.pick_str(UNICODE));
        } else {
            out.push_str(rng.pick_str(LATIN1));
        }
    }
    if unicode {
        out
    } else {
        // Policy documents: Latin-1 only.
        out.chars().filter(|ch| u32::from(*ch) <= 0xFF).collect()
    }
}

/// An IAM name (`[A-Za-z0-9+=,.@_-]`): `word` and `n` (unique in the stack, so that generated identifiers do
/// not collide) with IAM's punctuation around and inside.
fn iam_name(rng: &mut Rng, word: &str, n: usize) -> String {
    const PUNCT: &[char] = &['+', '=', ',', '.', '@', '_', '-'];
    let mut out = String::new();
    for _ in 0..rng.below(3) {
        out.push(*rng.pick(PUNCT));
    }
    for (index, ch) in word.chars().enumerate() {
        if index > 0 && rng.chance(15) {
            out.push(*rng.pick(PUNCT));
        }
        out.push(ch);
    }
    let _ = write!(out, "{n}");
    for _ in 0..rng.below(3) {
        out.push(*rng.pick(PUNCT));
    }
    out
}

/// An IAM path: `/`, or segments of printable ASCII (`\u0021` to `\u007E`) between slashes.
fn iam_path(rng: &mut Rng) -> String {
    const SEGMENTS: &[&str] = &[
        "${aws:username}",
        "$${",
        "%{",
        "%%{",
        "\"",
        "\\",
        "#",
        ":",
        "'",
        "!",
        "*",
        "?",
        "{",
        "}",
        "~",
        "${!x}",
        "team",
        "a+b=c",
        "[x]",
        "|",
        "---",
        "`",
    ];
    if rng.chance(30) {
        return "/".to_owned();
    }
    let mut out = "/".to_owned();
    for _ in 0..=rng.below(3) {
        for _ in 0..=rng.below(3) {
            out.push_str(rng.pick_str(SEGMENTS));
        }
        out.push('/');
    }
    out
}

/// An S3 bucket name: lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit,
/// no two dots in a row.
fn bucket_name(rng: &mut Rng, n: usize) -> String {
    const SEPARATORS: &[&str] = &[".", "-", "--", ".a-", "-0."];
    let mut out = format!("b{n:02}"); // S3 wants three characters at least
    for _ in 0..rng.below(4) {
        out.push_str(rng.pick_str(SEPARATORS));
        out.push_str(rng.pick_str(&["x", "data", "7", "eu-west-1"]));
    }
    out
}

fn account_id(rng: &mut Rng, taken: &mut BTreeSet<String>) -> AccountId {
    loop {
        let text = format!("{:012}", rng.next_u64() % 1_000_000_000_000);
        if taken.insert(text.clone()) {
            return AccountId::parse(&text).unwrap();
        }
    }
}

fn account_name(rng: &mut Rng) -> String {
    if rng.chance(4) {
        return rng.pick_str(RESERVED_NAMES).to_owned();
    }
    let mut name = String::new();
    if rng.chance(80) {
        name.push_str(rng.pick_str(WORDS));
    }
    if rng.chance(85) || name.is_empty() {
        name.push_str(&hostile(rng, true));
    }
    name
}

fn sid(rng: &mut Rng, index: usize) -> Option<String> {
    rng.chance(60)
        .then(|| format!("S{index}{}", rng.pick(&["Read", "x9", "ALL", "aB"])))
}

/// What a policy may name: the stack's buckets, the role, the accounts.
struct Names {
    buckets: Vec<String>,
    role_arn: Option<String>,
    account_ids: Vec<String>,
}

const CONDITION_KEYS: &[&str] = &[
    "aws:PrincipalTag/team",
    "aws:ResourceTag/cost center",
    "aws:RequestTag/a=b+c@d.e:f/g-h_i",
    "aws:PrincipalTag/é",
    "s3:prefix",
    "aws:userid",
];

/// A condition key over YAML's 1,024-character limit on implicit keys.
static LONG_CONDITION_KEY: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("aws:RequestTag/{}", "k".repeat(1_100)));

fn condition(rng: &mut Rng, names: &Names) -> Condition {
    let mut blocks = Vec::new();
    let mut bases = vec![
        OperatorBase::StringLike,
        OperatorBase::StringEquals,
        OperatorBase::StringNotEquals,
        OperatorBase::ArnLike,
    ];
    for _ in 0..=rng.below(2) {
        let base = bases.remove(rng.below(bases.len()));
        let mut keys: Vec<&str> = CONDITION_KEYS.to_vec();
        keys.push(LONG_CONDITION_KEY.as_str());
        let mut entries = Vec::new();
        for _ in 0..=rng.below(2) {
            let key = keys.remove(rng.below(keys.len()));
            let mut values = Vec::new();
            for _ in 0..=rng.below(3) {
                values.push(match rng.below(6) {
                    0 => ConditionValue::String("${aws:username}/*".to_owned()),
                    1 if !names.account_ids.is_empty() => {
                        ConditionValue::String(rng.pick(&names.account_ids).clone())
                    }
                    2 if !names.buckets.is_empty() => ConditionValue::String(format!(
                        "arn:aws:s3:::{}/{}",
                        rng.pick(&names.buckets),
                        hostile(rng, false)
                    )),
                    _ => ConditionValue::String(hostile(rng, false)),
                });
            }
            let values = if values.len() == 1 && rng.chance(50) {
                OneOrMany::One(values.remove(0))
            } else {
                OneOrMany::Many(values)
            };
            entries.push(ConditionValues {
                key: key.to_owned(),
                values,
            });
        }
        blocks.push(ConditionBlock {
            operator: Operator::plain(base),
            entries,
        });
    }
    if rng.chance(20) {
        blocks.push(ConditionBlock {
            operator: Operator::plain(OperatorBase::Bool),
            entries: vec![ConditionValues {
                key: "aws:SecureTransport".to_owned(),
                values: OneOrMany::One(ConditionValue::Bool(true)),
            }],
        });
    }
    if rng.chance(20) {
        blocks.push(ConditionBlock {
            operator: Operator::plain(OperatorBase::NumericLessThanEquals),
            entries: vec![ConditionValues {
                key: "s3:max-keys".to_owned(),
                values: OneOrMany::One(ConditionValue::Number(
                    rng.pick_str(&["10", "1e2", "1.5E-3", "-2.5e1"]).to_owned(),
                )),
            }],
        });
    }
    // IAM's `Null` operator: a word YAML 1.1 reads as null when it is a bare key.
    if rng.chance(20) {
        blocks.push(ConditionBlock {
            operator: Operator::plain(OperatorBase::Null),
            entries: vec![ConditionValues {
                key: "aws:TokenIssueTime".to_owned(),
                values: OneOrMany::One(ConditionValue::String("true".to_owned())),
            }],
        });
    }
    Condition(blocks)
}

fn resource(rng: &mut Rng, names: &Names) -> Resource {
    let bucket = |rng: &mut Rng| {
        if names.buckets.is_empty() {
            "elsewhere".to_owned()
        } else {
            rng.pick(&names.buckets).clone()
        }
    };
    Resource::new(match rng.below(8) {
        0 => "*".to_owned(),
        1 => format!("arn:aws:s3:::{}", bucket(rng)),
        2 => format!("arn:aws:s3:::{}/home/${{aws:username}}/*", bucket(rng)),
        3 => format!(
            "arn:aws:s3:::{}/${{aws:PrincipalTag/team}}/{}",
            bucket(rng),
            hostile(rng, false)
        ),
        4 => format!("arn:aws:s3:::elsewhere-1/{}", hostile(rng, false)),
        5 if names.role_arn.is_some() => names.role_arn.clone().unwrap_or_default(),
        6 => hostile(rng, false),
        _ => format!("arn:aws:s3:::{}/{}", bucket(rng), hostile(rng, false)),
    })
}

fn document(rng: &mut Rng, names: &Names) -> PolicyDocument {
    let mut statements = Vec::new();
    for index in 0..=rng.below(3) {
        let resources: Vec<Resource> = (0..=rng.below(4)).map(|_| resource(rng, names)).collect();
        let actions = if rng.chance(50) {
            OneOrMany::One(Action::new("s3:GetObject"))
        } else {
            OneOrMany::Many(vec![
                Action::new("s3:GetObject"),
                Action::new("s3:PutObject"),
            ])
        };
        statements.push(Statement {
            sid: sid(rng, index),
            effect: if rng.chance(80) {
                Effect::Allow
            } else {
                Effect::Deny
            },
            principal: None,
            action: ActionElement::Action(actions),
            resource: Some(ResourceElement::Resource(if resources.len() == 1 {
                OneOrMany::One(resources[0].clone())
            } else {
                OneOrMany::Many(resources)
            })),
            condition: rng.chance(60).then(|| condition(rng, names)),
        });
    }
    PolicyDocument {
        version: Some(if rng.chance(90) {
            Version::V2012_10_17
        } else {
            Version::V2008_10_17
        }),
        id: rng.chance(20).then(|| hostile(rng, false)),
        statement: if statements.len() == 1 && rng.chance(50) {
            OneOrMany::One(statements.remove(0))
        } else {
            OneOrMany::Many(statements)
        },
    }
}

/// A bucket of the pattern: one that exists already, or one created with random settings, logging into
/// another of the buckets (or a bucket outside the stack) under a hostile prefix.
fn bucket_spec(rng: &mut Rng, name: &str, all: &[String]) -> BucketSpec {
    if rng.chance(40) {
        return BucketSpec::existing(name);
    }
    let encryption = match rng.below(3) {
        0 => BucketEncryption::SseS3,
        1 => BucketEncryption::Kms { key: None },
        _ => BucketEncryption::Kms {
            key: Some(
                KmsKey::new(format!("alias/{}", bucket_name(rng, 0).replace('.', "/")))
                    .expect("an alias of letters, digits, `/` and `-`"),
            ),
        },
    };
    let logging = rng.chance(50).then(|| {
        let target = all
            .iter()
            .find(|other| *other != name)
            .cloned()
            .unwrap_or_else(|| "com.example.logs".to_owned());
        // Any text but control characters, which a prefix may not hold.
        let prefix: String = hostile(rng, true)
            .chars()
            .filter(|ch| !ch.is_control())
            .collect();
        BucketLogging {
            target: BucketName::new(target).expect("a bucket name"),
            prefix: LogPrefix::new(prefix).expect("a prefix without control characters"),
        }
    });
    BucketSpec {
        name: name.to_owned(),
        origin: BucketOrigin::Created(BucketSettings {
            versioning: rng.chance(70),
            encryption,
            logging,
        }),
    }
}

#[allow(
    clippy::too_many_lines,
    reason = "the pattern's fields in the order they are declared"
)]
/// One stack: a cross-account pattern with hostile text everywhere it may go, then changed through `Stack`'s
/// own API (policy paths, inline policies).
pub(crate) fn generate(rng: &mut Rng) -> Stack {
    let mut n = 0;
    let mut next = || {
        n += 1;
        n
    };
    let mut ids = BTreeSet::new();
    let trusting = AccountSpec {
        id: account_id(rng, &mut ids),
        name: account_name(rng),
    };
    let buckets: Vec<String> = (0..rng.below(3))
        .map(|_| bucket_name(rng, next()))
        .collect();
    let bucket_specs: Vec<BucketSpec> = buckets
        .iter()
        .map(|name| bucket_spec(rng, name, &buckets))
        .collect();
    let role_name = iam_name(rng, "Role", next());
    let role_path = iam_path(rng);
    let role_arn = format!("arn:aws:iam::{}:role{role_path}{role_name}", trusting.id);

    let shared_assume_name = iam_name(rng, "Assume", next());
    let mut trusted = Vec::new();
    let narrow = rng.chance(30);
    for _ in 0..=rng.below(3) {
        let assumers = match rng.below(if narrow { 2 } else { 3 }) {
            0 => Assumers::Users(
                (0..=rng.below(2))
                    .map(|_| iam_name(rng, "User", next()))
                    .collect(),
            ),
            1 => Assumers::Group {
                name: iam_name(rng, "Group", next()),
                members: (0..rng.below(3))
                    .map(|_| iam_name(rng, "User", next()))
                    .collect(),
            },
            _ => Assumers::WholeAccount,
        };
        trusted.push(TrustedSpec {
            account: AccountSpec {
                id: account_id(rng, &mut ids),
                name: account_name(rng),
            },
            assumers,
            // IAM names are per account: several trusted accounts may use the same one.
            assume_policy_name: if rng.chance(30) {
                shared_assume_name.clone()
            } else {
                iam_name(rng, "Assume", next())
            },
            assume_sid: rng.chance(50).then(|| format!("Assume{}", next())),
            existing_users: rng.chance(50),
        });
    }
    let account_ids: Vec<String> = trusted
        .iter()
        .map(|t: &TrustedSpec| t.account.id.to_string())
        .collect();
    let names = Names {
        buckets: buckets.clone(),
        role_arn: Some(role_arn),
        account_ids,
    };
    // A boundary naming the role would be a dependency cycle; it names buckets only.
    let boundary_names = Names {
        buckets: buckets.clone(),
        role_arn: None,
        account_ids: Vec::new(),
    };
    let pattern = CrossAccount {
        trusting,
        trusted,
        role: RoleSpec {
            name: role_name,
            path: role_path,
            description: None,
            max_session_duration: rng.chance(50).then(|| 3_600 + 60 * rng.below(600) as u32),
            permissions_boundary: rng.chance(30).then(|| {
                (
                    iam_name(rng, "Bound", next()),
                    document(rng, &boundary_names),
                )
            }),
            tags: Vec::new(),
        },
        permissions: (0..=rng.below(3))
            .map(|_| (iam_name(rng, "Pol", next()), document(rng, &names)))
            .collect(),
        buckets: bucket_specs,
        // STS's characters only: the pattern refuses an external id no request could carry.
        external_id: rng
            .chance(40)
            .then(|| format!("{}:x/y", iam_name(rng, "Ext", next()))),
        require_mfa: rng.chance(30),
        narrow_to_principals: narrow,
        narrow_with_principal_arn: narrow && rng.chance(50),
    };
    let mut stack = pattern.build().unwrap();
    // The pattern refuses descriptions and tags IAM refuses; written directly, where `Stack` does not check,
    // they show that the renderers escape whatever a stack holds.
    let description = rng.chance(80).then(|| hostile(rng, true));
    let tags = {
        let mut keys = BTreeSet::new();
        let mut tags = Vec::new();
        for _ in 0..rng.below(5) {
            let key = hostile(rng, true);
            if keys.insert(key.clone()) {
                let value = if rng.chance(10) {
                    String::new()
                } else {
                    hostile(rng, true)
                };
                tags.push((key, value));
            }
        }
        tags
    };
    let (role, _) = stack.roles().next().expect("the pattern's role");
    stack.role_mut(role).description = description;
    stack.role_mut(role).tags = tags;
    let policies: Vec<_> = stack.policies().map(|(policy, _)| policy).collect();
    for policy in policies {
        if rng.chance(30) {
            stack.policy_mut(policy).path = iam_path(rng);
        }
        if rng.chance(70) {
            stack.policy_mut(policy).description = Some(hostile(rng, true));
        }
    }
    let roles: Vec<_> = stack.roles().map(|(role, _)| role).collect();
    for role in roles {
        for _ in 0..rng.below(3) {
            let name = iam_name(rng, "Inline", next());
            let document = document(rng, &names);
            stack
                .role_mut(role)
                .inline
                .push(InlinePolicy { name, document });
        }
    }
    // Users' inline policies: on a user that exists already, CloudFormation has no user resource to hold them.
    let users: Vec<_> = stack.users().map(|(user, _)| user).collect();
    for user in users {
        if rng.chance(30) {
            let name = iam_name(rng, "Own", next());
            let document = document(rng, &names);
            stack
                .add_inline(user, InlinePolicy { name, document })
                .expect("an IAM name");
        }
    }
    stack
}

// ---------------------------------------------------------------------------------------------------------
// Failures.

/// What did not survive: by kind (target and field), each with its details.
#[derive(Default)]
struct Failures(Vec<(String, String)>);

impl Failures {
    fn push(&mut self, kind: &str, detail: impl Into<String>) {
        self.0.push((kind.to_owned(), detail.into()));
    }

    fn same_json(&mut self, kind: &str, file: &str, what: &str, expected: &Json, found: &Json) {
        if expected != found {
            let difference = first_difference(expected, found, "")
                .unwrap_or_else(|| "(no difference found)".to_owned());
            self.push(kind, format!("{file}: {what}: {difference}"));
        }
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn report(&self) -> String {
        let mut out = String::new();
        for (kind, detail) in &self.0 {
            let _ = writeln!(out, "[{kind}] {detail}");
        }
        out
    }
}

/// Where two JSON values first differ, as a JSON Pointer with both sides.
fn first_difference(expected: &Json, found: &Json, at: &str) -> Option<String> {
    match (expected, found) {
        (Json::Object(a), Json::Object(b)) => {
            for (key, value) in a {
                let pointer = format!("{at}/{key}");
                match b.get(key) {
                    Some(other) => {
                        if let Some(difference) = first_difference(value, other, &pointer) {
                            return Some(difference);
                        }
                    }
                    None => return Some(format!("{pointer}: missing (expected {value})")),
                }
            }
            b.keys()
                .find(|key| !a.contains_key(*key))
                .map(|key| format!("{at}/{key}: unexpected (got {})", b[key]))
        }
        (Json::Array(a), Json::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(index, (x, y))| first_difference(x, y, &format!("{at}/{index}"))),
        _ if expected == found => None,
        _ => Some(format!("{at}: expected {expected}, got {found}")),
    }
}

/// Renders every target and reads every file back.
fn check_stack(stack: &Stack) -> Failures {
    let mut failures = Failures::default();
    let rendered = match render::render(stack, &Target::ALL) {
        Ok(rendered) => rendered,
        Err(error) => {
            failures.push("render", error.to_string());
            return failures;
        }
    };
    let files = rendered.files();
    check_terraform(stack, files, &mut failures);
    check_cloudformation(stack, files, &mut failures);
    check_policy_files(stack, files, &mut failures);
    check_dot(stack, files, &mut failures);
    check_mermaid(stack, files, &mut failures);
    if let Some(difference) = crate::diagram_svg::svg_differs_from_dot(files) {
        failures.push("diagram: SVG", difference);
    }
    failures
}

/// `value` with every number as a float: HCL has one number type, so `jsonencode(1e2)` is `100` where the
/// policy's JSON says `1e2`, the same number.
fn numbers_by_value(value: Json) -> Json {
    match value {
        Json::Number(number) => number.as_f64().map_or(Json::Number(number), Json::from),
        Json::Array(items) => Json::Array(items.into_iter().map(numbers_by_value).collect()),
        Json::Object(members) => Json::Object(
            members
                .into_iter()
                .map(|(key, value)| (key, numbers_by_value(value)))
                .collect(),
        ),
        other => other,
    }
}

fn policy_json(document: &PolicyDocument) -> Json {
    serde_json::from_str(&document.to_json()).unwrap()
}

// ---------------------------------------------------------------------------------------------------------
// Terraform.

/// The raw text (between the quotes, escapes kept) of every quoted string of an HCL file, in order, comments
/// skipped; interpolations are skipped over with the strings inside them.
fn quoted_strings(source: &str) -> Vec<String> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        match (chars[at], chars.get(at + 1)) {
            ('#', _) | ('/', Some('/')) => {
                while at < chars.len() && chars[at] != '\n' {
                    at += 1;
                }
            }
            ('/', Some('*')) => {
                at += 2;
                while at + 1 < chars.len() && !(chars[at] == '*' && chars[at + 1] == '/') {
                    at += 1;
                }
                at += 2;
            }
            ('"', _) => {
                let end = quoted_end(&chars, at + 1);
                out.push(
                    chars[at + 1..end.saturating_sub(1).max(at + 1)]
                        .iter()
                        .collect(),
                );
                at = end;
            }
            _ => at += 1,
        }
    }
    out
}

/// The index after the closing quote of the string whose text starts at `at`.
fn quoted_end(chars: &[char], mut at: usize) -> usize {
    while at < chars.len() {
        match (chars[at], chars.get(at + 1), chars.get(at + 2)) {
            ('\\', _, _) => at += 2,
            ('"', _, _) => return at + 1,
            ('$' | '%', Some(&next), Some('{')) if next == chars[at] => at += 3,
            ('$' | '%', Some('{'), _) => {
                at += 2;
                let mut depth = 1;
                while at < chars.len() && depth > 0 {
                    match chars[at] {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        '"' => {
                            at = quoted_end(chars, at + 1);
                            continue;
                        }
                        _ => {}
                    }
                    at += 1;
                }
            }
            _ => at += 1,
        }
    }
    at
}

/// Evaluates a quoted HCL template from its raw text, as HCL's own scanner reads it: `\` escapes, `$${` and
/// `%%{` are literal `${` and `%{` (and `$$${` is `$` then a literal `${`), `${ expr }` is evaluated in `ctx`
/// (left out without one). Returns the text and whether it interpolates anything.
///
/// hcl-rs 0.20 (hcl-edit 0.10) reads `$$${` inside a template that also interpolates as a literal `${`, losing
/// a `$`, so templates are evaluated here; hcl-rs still parses the file and evaluates each interpolation.
fn eval_template(raw: &str, ctx: Option<&Context<'_>>) -> Result<(String, bool), String> {
    let chars: Vec<char> = raw.chars().collect();
    let mut out = String::new();
    let mut interpolated = false;
    let mut at = 0;
    while at < chars.len() {
        match (chars[at], chars.get(at + 1), chars.get(at + 2)) {
            ('\\', Some(&escape), _) => {
                at += 2;
                match escape {
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    'u' | 'U' => {
                        let width = if escape == 'u' { 4 } else { 8 };
                        let hex: String = chars[at..(at + width).min(chars.len())].iter().collect();
                        let ch = u32::from_str_radix(&hex, 16)
                            .ok()
                            .and_then(char::from_u32)
                            .ok_or_else(|| format!("bad escape \\{escape}{hex} in {raw:?}"))?;
                        out.push(ch);
                        at += width;
                    }
                    other => return Err(format!("unknown escape \\{other} in {raw:?}")),
                }
            }
            ('$' | '%', Some(&next), Some('{')) if next == chars[at] => {
                out.push(next);
                out.push('{');
                at += 3;
            }
            ('%', Some('{'), _) => return Err(format!("template directive in {raw:?}")),
            ('$', Some('{'), _) => {
                let close = chars[at..]
                    .iter()
                    .position(|ch| *ch == '}')
                    .ok_or_else(|| format!("unclosed interpolation in {raw:?}"))?;
                let inner: String = chars[at + 2..at + close].iter().collect();
                interpolated = true;
                at += close + 1;
                let Some(ctx) = ctx else {
                    continue;
                };
                let expression = Expression::from_str(inner.trim_matches('~').trim())
                    .map_err(|error| format!("interpolation `{inner}`: {error}"))?;
                match expression.evaluate(ctx) {
                    Ok(hcl::Value::String(text)) => out.push_str(&text),
                    Ok(other) => return Err(format!("interpolation `{inner}` is {other:?}")),
                    Err(error) => return Err(format!("interpolation `{inner}`: {error}")),
                }
            }
            (ch, _, _) => {
                out.push(ch);
                at += 1;
            }
        }
    }
    Ok((out, interpolated))
}

/// A parsed `.tf` file, with the raw text of each of its template expressions.
struct TfFile {
    path: String,
    body: Body,
    raw_templates: Vec<(*const TemplateExpr, String)>,
}

fn templates_of<'a>(expr: &'a Expression, out: &mut Vec<&'a TemplateExpr>) {
    match expr {
        Expression::Array(items) => items.iter().for_each(|item| templates_of(item, out)),
        Expression::Object(object) => {
            for (key, value) in object {
                if let ObjectKey::Expression(key) = key {
                    templates_of(key, out);
                }
                templates_of(value, out);
            }
        }
        Expression::TemplateExpr(template) => out.push(template),
        Expression::FuncCall(call) => call.args.iter().for_each(|arg| templates_of(arg, out)),
        Expression::Parenthesis(inner) => templates_of(inner, out),
        Expression::Conditional(conditional) => {
            templates_of(&conditional.cond_expr, out);
            templates_of(&conditional.true_expr, out);
            templates_of(&conditional.false_expr, out);
        }
        Expression::Operation(operation) => match operation.as_ref() {
            Operation::Unary(unary) => templates_of(&unary.expr, out),
            Operation::Binary(binary) => {
                templates_of(&binary.lhs_expr, out);
                templates_of(&binary.rhs_expr, out);
            }
        },
        Expression::Traversal(traversal) => {
            templates_of(&traversal.expr, out);
            for operator in &traversal.operators {
                if let TraversalOperator::Index(index) = operator {
                    templates_of(index, out);
                }
            }
        }
        _ => {}
    }
}

fn body_templates<'a>(body: &'a Body, out: &mut Vec<&'a TemplateExpr>) {
    for structure in body {
        match structure {
            Structure::Attribute(attribute) => templates_of(attribute.expr(), out),
            Structure::Block(block) => body_templates(block.body(), out),
        }
    }
}

impl TfFile {
    fn parse(path: &str, source: &str, failures: &mut Failures) -> Option<TfFile> {
        let body = match hcl::parse(source) {
            Ok(body) => body,
            Err(error) => {
                failures.push("terraform: parse", format!("{path}: {error}"));
                return None;
            }
        };
        let mut templates = Vec::new();
        body_templates(&body, &mut templates);
        let raw: Vec<String> = quoted_strings(source)
            .into_iter()
            .filter(|raw| eval_template(raw, None).is_ok_and(|(_, interpolates)| interpolates))
            .collect();
        if raw.len() != templates.len() {
            failures.push(
                "terraform: structure",
                format!(
                    "{path}: {} template expressions parsed, {} quoted templates in the text",
                    templates.len(),
                    raw.len()
                ),
            );
            return None;
        }
        let raw_templates = templates
            .into_iter()
            .map(std::ptr::from_ref)
            .zip(raw)
            .collect();
        Some(TfFile {
            path: path.to_owned(),
            body,
            raw_templates,
        })
    }

    /// The value of an expression as JSON: literals as they are, templates and references evaluated in `ctx`.
    fn eval(&self, expr: &Expression, ctx: &Context<'_>) -> Result<Json, String> {
        Ok(match expr {
            Expression::Null => Json::Null,
            Expression::Bool(value) => Json::Bool(*value),
            Expression::Number(number) => {
                serde_json::to_value(number).map_err(|e| e.to_string())?
            }
            Expression::String(text) => Json::String(text.clone()),
            Expression::Array(items) => Json::Array(
                items
                    .iter()
                    .map(|item| self.eval(item, ctx))
                    .collect::<Result<_, _>>()?,
            ),
            Expression::Object(object) => {
                let mut map = serde_json::Map::new();
                for (key, value) in object {
                    let key = match key {
                        ObjectKey::Identifier(identifier) => identifier.to_string(),
                        ObjectKey::Expression(key) => match self.eval(key, ctx)? {
                            Json::String(text) => text,
                            other => return Err(format!("object key {other}")),
                        },
                        other => return Err(format!("object key {other:?}")),
                    };
                    if map.insert(key.clone(), self.eval(value, ctx)?).is_some() {
                        return Err(format!("duplicate object key {key:?}"));
                    }
                }
                Json::Object(map)
            }
            Expression::TemplateExpr(template) => {
                let pointer = std::ptr::from_ref(template.as_ref());
                let raw = self
                    .raw_templates
                    .iter()
                    .find(|(t, _)| *t == pointer)
                    .map(|(_, raw)| raw)
                    .ok_or("a template not found in the text")?;
                Json::String(eval_template(raw, Some(ctx))?.0)
            }
            Expression::Traversal(_) | Expression::Variable(_) => {
                let value = expr
                    .evaluate(ctx)
                    .map_err(|error| format!("reference: {error}"))?;
                serde_json::to_value(value).map_err(|e| e.to_string())?
            }
            Expression::Parenthesis(inner) => self.eval(inner, ctx)?,
            other => return Err(format!("unexpected expression {other:?}")),
        })
    }

    fn text(&self, body: &Body, key: &str, ctx: &Context<'_>) -> Result<Option<String>, String> {
        let Some(attribute) = body.attributes().find(|a| a.key() == key) else {
            return Ok(None);
        };
        match self.eval(attribute.expr(), ctx)? {
            Json::String(text) => Ok(Some(text)),
            other => Err(format!("`{key}` is {other}")),
        }
    }

    /// The argument of `key = jsonencode(...)`, evaluated.
    fn jsonencode(&self, body: &Body, key: &str, ctx: &Context<'_>) -> Result<Json, String> {
        let attribute = body
            .attributes()
            .find(|a| a.key() == key)
            .ok_or_else(|| format!("no `{key}`"))?;
        match attribute.expr() {
            Expression::FuncCall(call)
                if call.name.name.as_str() == "jsonencode" && call.args.len() == 1 =>
            {
                self.eval(&call.args[0], ctx)
            }
            other => Err(format!("`{key}` is not jsonencode(...): {other:?}")),
        }
    }
}

fn block_label(block: &hcl::Block, index: usize) -> &str {
    block
        .labels()
        .get(index)
        .map_or("", hcl::BlockLabel::as_str)
}

/// Checks one attribute's text against the model's; `None` on both sides is equal.
fn tf_same(
    failures: &mut Failures,
    file: &TfFile,
    body: &Body,
    ctx: &Context<'_>,
    (kind, what, key): (&str, &str, &str),
    expected: Option<&str>,
) {
    match file.text(body, key, ctx) {
        Ok(found) => {
            if found.as_deref() != expected {
                failures.push(
                    kind,
                    format!(
                        "{}: {what}: expected {expected:?}, got {found:?}",
                        file.path
                    ),
                );
            }
        }
        Err(error) => failures.push(kind, format!("{}: {what}: {error}", file.path)),
    }
}

#[allow(
    clippy::too_many_lines,
    reason = "variables, the evaluation context, then each account's resources"
)]
fn check_terraform(stack: &Stack, files: &BTreeMap<String, String>, failures: &mut Failures) {
    let mut parsed: BTreeMap<String, TfFile> = BTreeMap::new();
    let mut unreadable = false;
    for (path, source) in files {
        if path.starts_with("terraform/")
            && std::path::Path::new(path)
                .extension()
                .is_some_and(|ext| ext == "tf")
        {
            match TfFile::parse(path, source, failures) {
                Some(file) => {
                    parsed.insert(path.clone(), file);
                }
                None => unreadable = true,
            }
        }
    }
    // What follows evaluates references across files: with one file unreadable, it would only repeat that.
    if unreadable {
        return;
    }
    let empty = Context::new();
    // Variables: their defaults, and which alias each account has.
    let mut variables = hcl::Map::new();
    let mut descriptions = Vec::new();
    if let Some(file) = parsed.get("terraform/variables.tf") {
        for block in file.body.blocks().filter(|b| b.identifier() == "variable") {
            if let Some(default) = block.body().attributes().find(|a| a.key() == "default")
                && let Ok(value) = default.expr().evaluate(&empty)
            {
                variables.insert(block_label(block, 0).to_owned(), value);
            }
            match file.text(block.body(), "description", &empty) {
                Ok(Some(text)) => descriptions.push(text),
                Ok(None) => {}
                Err(error) => failures.push("terraform: variable description", error),
            }
        }
    } else {
        failures.push(
            "terraform: files",
            "terraform/variables.tf is missing or unreadable",
        );
    }
    let mut aliases: BTreeMap<AccountRef, String> = BTreeMap::new();
    for (account_ref, account) in stack.accounts() {
        let alias = variables.iter().find_map(|(name, value)| {
            (value.as_str() == Some(account.id.as_str()))
                .then(|| name.strip_suffix("_account_id"))
                .flatten()
        });
        let Some(alias) = alias else {
            failures.push(
                "terraform: account variable",
                format!(
                    "terraform/variables.tf: no variable defaults to {} ({:?})",
                    account.id, account.name
                ),
            );
            continue;
        };
        if !parsed.contains_key(&format!("terraform/{alias}.tf")) {
            failures.push(
                "terraform: files",
                format!(
                    "terraform/{alias}.tf (account {:?}) is missing",
                    account.name
                ),
            );
        }
        aliases.insert(account_ref, alias.to_owned());
        let expected = format!("The id of the {} account.", account.name);
        if !descriptions.contains(&expected) {
            failures.push(
                "terraform: variable description",
                format!("terraform/variables.tf: no variable described as {expected:?}"),
            );
        }
    }
    if aliases.len() != stack.accounts().len()
        || aliases
            .values()
            .any(|alias| !parsed.contains_key(&format!("terraform/{alias}.tf")))
    {
        return;
    }
    for (_, role) in stack.roles() {
        if !descriptions.iter().any(|d| d.contains(&role.name)) {
            failures.push(
                "terraform: variable description",
                format!(
                    "terraform/variables.tf: no variable describes role {:?}",
                    role.name
                ),
            );
        }
    }

    // The evaluation context: variables, and each resource's `arn` and `name` from its own attributes.
    let mut resources: BTreeMap<String, hcl::Map<String, hcl::Value>> = BTreeMap::new();
    for (account_ref, alias) in &aliases {
        let Some(file) = parsed.get(&format!("terraform/{alias}.tf")) else {
            continue;
        };
        let id = stack.account(*account_ref).id.as_str();
        for block in file.body.blocks().filter(|b| b.identifier() == "resource") {
            let body = block.body();
            let text = |key| {
                file.text(body, key, &empty)
                    .ok()
                    .flatten()
                    .unwrap_or_default()
            };
            let (name, path) = (text("name"), text("path"));
            let arn = match block_label(block, 0) {
                "aws_s3_bucket" => format!("arn:aws:s3:::{}", text("bucket")),
                "aws_iam_policy" => format!("arn:aws:iam::{id}:policy{path}{name}"),
                "aws_iam_role" => format!("arn:aws:iam::{id}:role{path}{name}"),
                "aws_iam_user" => format!("arn:aws:iam::{id}:user{path}{name}"),
                "aws_iam_group" => format!("arn:aws:iam::{id}:group{path}{name}"),
                _ => continue,
            };
            let attributes: hcl::Map<String, hcl::Value> = [
                ("arn".to_owned(), hcl::Value::from(arn)),
                ("name".to_owned(), hcl::Value::from(name)),
                // A bucket's id is its name.
                ("id".to_owned(), hcl::Value::from(text("bucket"))),
            ]
            .into_iter()
            .collect();
            resources
                .entry(block_label(block, 0).to_owned())
                .or_default()
                .insert(
                    block_label(block, 1).to_owned(),
                    hcl::Value::Object(attributes),
                );
        }
    }
    // Users that exist already are data sources: their `arn` is the one IAM gives that name at the root path.
    let mut data_users: hcl::Map<String, hcl::Value> = hcl::Map::new();
    for (account_ref, alias) in &aliases {
        let Some(file) = parsed.get(&format!("terraform/{alias}.tf")) else {
            continue;
        };
        let id = stack.account(*account_ref).id.as_str();
        for block in file
            .body
            .blocks()
            .filter(|b| b.identifier() == "data" && block_label(b, 0) == "aws_iam_user")
        {
            let user = file
                .text(block.body(), "user_name", &empty)
                .ok()
                .flatten()
                .unwrap_or_default();
            let attributes: hcl::Map<String, hcl::Value> = [
                (
                    "arn".to_owned(),
                    hcl::Value::from(format!("arn:aws:iam::{id}:user/{user}")),
                ),
                ("user_name".to_owned(), hcl::Value::from(user)),
            ]
            .into_iter()
            .collect();
            data_users.insert(
                block_label(block, 1).to_owned(),
                hcl::Value::Object(attributes),
            );
        }
    }
    // Buckets that exist already are data sources too, read by name.
    let mut data_buckets: hcl::Map<String, hcl::Value> = hcl::Map::new();
    for alias in aliases.values() {
        let Some(file) = parsed.get(&format!("terraform/{alias}.tf")) else {
            continue;
        };
        for block in file
            .body
            .blocks()
            .filter(|b| b.identifier() == "data" && block_label(b, 0) == "aws_s3_bucket")
        {
            let bucket = file
                .text(block.body(), "bucket", &empty)
                .ok()
                .flatten()
                .unwrap_or_default();
            let attributes: hcl::Map<String, hcl::Value> = [
                (
                    "arn".to_owned(),
                    hcl::Value::from(format!("arn:aws:s3:::{bucket}")),
                ),
                ("id".to_owned(), hcl::Value::from(bucket)),
            ]
            .into_iter()
            .collect();
            data_buckets.insert(
                block_label(block, 1).to_owned(),
                hcl::Value::Object(attributes),
            );
        }
    }
    let mut ctx = Context::new();
    ctx.declare_var("var", hcl::Value::Object(variables));
    for (kind, map) in resources {
        ctx.declare_var(kind, hcl::Value::Object(map));
    }
    ctx.declare_var(
        "data",
        hcl::Value::Object(
            [
                ("aws_iam_user".to_owned(), hcl::Value::Object(data_users)),
                ("aws_s3_bucket".to_owned(), hcl::Value::Object(data_buckets)),
            ]
            .into_iter()
            .collect(),
        ),
    );

    for (account_ref, alias) in &aliases {
        if let Some(file) = parsed.get(&format!("terraform/{alias}.tf")) {
            check_tf_account(stack, *account_ref, alias, file, &ctx, failures);
        }
    }

    if let Some(file) = parsed.get("terraform/outputs.tf") {
        let outputs: Vec<String> = file
            .body
            .blocks()
            .filter_map(|b| file.text(b.body(), "description", &empty).ok().flatten())
            .collect();
        let names = stack
            .roles()
            .map(|(_, r)| &r.name)
            .chain(stack.policies().map(|(_, p)| &p.name));
        for name in names {
            if !outputs.iter().any(|d| d.contains(name.as_str())) {
                failures.push(
                    "terraform: output description",
                    format!("terraform/outputs.tf: no output describes {name:?}"),
                );
            }
        }
    }
    if let Some(file) = parsed.get("terraform/providers.tf") {
        for alias in aliases.values() {
            let found = file.body.blocks().any(|b| {
                b.identifier() == "provider"
                    && file
                        .text(b.body(), "alias", &empty)
                        .ok()
                        .flatten()
                        .as_deref()
                        == Some(alias)
            });
            if !found {
                failures.push(
                    "terraform: provider",
                    format!("terraform/providers.tf: no provider with alias {alias:?}"),
                );
            }
        }
    }
}

/// The settings resources of a bucket, by their type: what [`check_tf_bucket_setting`] reads.
#[derive(Clone, Copy)]
enum BucketSetting {
    PublicAccessBlock,
    Versioning,
    Encryption,
    Logging,
}

fn kind_of_bucket_setting(kind: &str) -> Option<BucketSetting> {
    match kind {
        "aws_s3_bucket_public_access_block" => Some(BucketSetting::PublicAccessBlock),
        "aws_s3_bucket_versioning" => Some(BucketSetting::Versioning),
        "aws_s3_bucket_server_side_encryption_configuration" => Some(BucketSetting::Encryption),
        "aws_s3_bucket_logging" => Some(BucketSetting::Logging),
        _ => None,
    }
}

/// A bucket's setting, read back: it names a bucket the stack creates, and says what the model says (the KMS
/// key, the log target and the hostile log prefix, as text).
fn check_tf_bucket_setting(
    stack: &Stack,
    file: &TfFile,
    block: &hcl::Block,
    setting: BucketSetting,
    ctx: &Context<'_>,
    failures: &mut Failures,
) {
    let path = &file.path;
    let body = block.body();
    let kind = block_label(block, 0);
    let bucket = match file.text(body, "bucket", ctx) {
        Ok(Some(name)) => name,
        other => {
            failures.push(
                "terraform: bucket setting",
                format!("{path}: {kind}: bucket {other:?}"),
            );
            return;
        }
    };
    let Some(settings) = stack
        .buckets()
        .find(|(_, b)| b.name == bucket)
        .and_then(|(_, b)| b.settings())
    else {
        failures.push(
            "terraform: bucket setting",
            format!("{path}: {kind} of {bucket:?}, which the stack does not create"),
        );
        return;
    };
    let nested = |name: &str| body.blocks().find(|b| b.identifier() == name);
    let (what, expected, found) = match setting {
        BucketSetting::PublicAccessBlock => return,
        BucketSetting::Versioning => (
            "status",
            settings.versioning.then(|| "Enabled".to_owned()),
            nested("versioning_configuration")
                .and_then(|b| file.text(b.body(), "status", ctx).ok().flatten()),
        ),
        BucketSetting::Encryption => {
            let key = match &settings.encryption {
                BucketEncryption::Kms { key: Some(key) } => Some(key.as_str().to_owned()),
                _ => None,
            };
            let default = nested("rule").and_then(|rule| {
                rule.body()
                    .blocks()
                    .find(|b| b.identifier() == "apply_server_side_encryption_by_default")
            });
            (
                "kms_master_key_id",
                key,
                default.and_then(|b| file.text(b.body(), "kms_master_key_id", ctx).ok().flatten()),
            )
        }
        BucketSetting::Logging => {
            let expected = settings
                .logging
                .as_ref()
                .map(|l| format!("{} {}", l.target, l.prefix));
            let target = file.text(body, "target_bucket", ctx).ok().flatten();
            let prefix = file.text(body, "target_prefix", ctx).ok().flatten();
            (
                "target",
                expected,
                target.zip(prefix).map(|(t, p)| format!("{t} {p}")),
            )
        }
    };
    if expected != found {
        failures.push(
            "terraform: bucket setting",
            format!("{path}: {kind} of {bucket:?}: {what} {found:?}, expected {expected:?}"),
        );
    }
}

#[allow(
    clippy::too_many_lines,
    reason = "one section per kind of resource, as the generator writes them"
)]
fn check_tf_account(
    stack: &Stack,
    account_ref: AccountRef,
    alias: &str,
    file: &TfFile,
    ctx: &Context<'_>,
    failures: &mut Failures,
) {
    let path = file.path.as_str();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for structure in &file.body {
        let block = match structure {
            Structure::Attribute(attribute) => {
                failures.push(
                    "terraform: structure",
                    format!("{path}: a top-level attribute `{}`", attribute.key()),
                );
                continue;
            }
            Structure::Block(block) => block,
        };
        if block.identifier() == "data"
            && block.labels().len() == 2
            && block_label(block, 0) == "aws_iam_user"
        {
            *counts.entry("data.aws_iam_user".to_owned()).or_default() += 1;
            match file.text(block.body(), "user_name", ctx) {
                Ok(Some(user)) => {
                    if !stack
                        .users()
                        .any(|(_, u)| u.account == account_ref && u.existing && u.name == user)
                    {
                        failures.push(
                            "terraform: name",
                            format!("{path}: data.aws_iam_user reads {user:?}, which the account has not as an existing user"),
                        );
                    }
                }
                other => failures.push(
                    "terraform: name",
                    format!("{path}: data.aws_iam_user without a literal user_name: {other:?}"),
                ),
            }
            continue;
        }
        if block.identifier() == "data"
            && block.labels().len() == 2
            && block_label(block, 0) == "aws_s3_bucket"
        {
            *counts.entry("data.aws_s3_bucket".to_owned()).or_default() += 1;
            match file.text(block.body(), "bucket", ctx) {
                Ok(Some(bucket))
                    if stack.buckets().any(|(_, b)| {
                        b.account == account_ref && b.is_existing() && b.name == bucket
                    }) => {}
                other => failures.push(
                    "terraform: name",
                    format!(
                        "{path}: data.aws_s3_bucket reads {other:?}, not an existing bucket of the account"
                    ),
                ),
            }
            continue;
        }
        if block.identifier() != "resource" || block.labels().len() != 2 {
            failures.push(
                "terraform: structure",
                format!("{path}: an unexpected block `{}`", block.identifier()),
            );
            continue;
        }
        if let Some(bucket) = kind_of_bucket_setting(block_label(block, 0)) {
            *counts.entry(block_label(block, 0).to_owned()).or_default() += 1;
            check_tf_bucket_setting(stack, file, block, bucket, ctx, failures);
            continue;
        }
        let kind = block_label(block, 0);
        *counts.entry(kind.to_owned()).or_default() += 1;
        let body = block.body();
        let provider = body
            .attributes()
            .find(|a| a.key() == "provider")
            .and_then(|a| hcl::format::to_string(a.expr()).ok());
        if provider.as_deref() != Some(&format!("aws.{alias}")) {
            failures.push(
                "terraform: provider",
                format!("{path}: {kind} has provider {provider:?}, not aws.{alias}"),
            );
        }
        let name = match file.text(
            body,
            if kind == "aws_s3_bucket" {
                "bucket"
            } else {
                "name"
            },
            ctx,
        ) {
            Ok(Some(name)) => name,
            Ok(None) => continue,
            Err(error) => {
                failures.push("terraform: name", format!("{path}: {kind}: {error}"));
                continue;
            }
        };
        let unknown = |failures: &mut Failures| {
            failures.push(
                "terraform: name",
                format!("{path}: {kind} named {name:?}, which the account does not have"),
            );
        };
        match kind {
            "aws_s3_bucket"
                if !stack
                    .buckets()
                    .any(|(_, b)| b.account == account_ref && b.name == name) =>
            {
                unknown(failures);
            }
            "aws_iam_policy" => {
                let Some((_, policy)) = stack
                    .policies()
                    .find(|(_, p)| p.account == account_ref && p.name == name)
                else {
                    unknown(failures);
                    continue;
                };
                let what = format!("policy {name:?}");
                tf_same(
                    failures,
                    file,
                    body,
                    ctx,
                    ("terraform: path", &what, "path"),
                    Some(&policy.path),
                );
                tf_same(
                    failures,
                    file,
                    body,
                    ctx,
                    ("terraform: policy description", &what, "description"),
                    policy.description.as_deref(),
                );
                match file.jsonencode(body, "policy", ctx) {
                    Ok(found) => failures.same_json(
                        "terraform: policy document",
                        path,
                        &what,
                        &numbers_by_value(policy_json(&policy.document)),
                        &numbers_by_value(found),
                    ),
                    Err(error) => failures.push(
                        "terraform: policy document",
                        format!("{path}: {what}: {error}"),
                    ),
                }
            }
            "aws_iam_role" => {
                let Some((_, role)) = stack
                    .roles()
                    .find(|(_, r)| r.account == account_ref && r.name == name)
                else {
                    unknown(failures);
                    continue;
                };
                let what = format!("role {name:?}");
                tf_same(
                    failures,
                    file,
                    body,
                    ctx,
                    ("terraform: path", &what, "path"),
                    Some(&role.path),
                );
                tf_same(
                    failures,
                    file,
                    body,
                    ctx,
                    ("terraform: role description", &what, "description"),
                    role.description.as_deref(),
                );
                let boundary = role.permissions_boundary.map(|p| stack.policy_arn(p));
                tf_same(
                    failures,
                    file,
                    body,
                    ctx,
                    (
                        "terraform: permissions boundary",
                        &what,
                        "permissions_boundary",
                    ),
                    boundary.as_deref(),
                );
                match file.jsonencode(body, "assume_role_policy", ctx) {
                    Ok(found) => failures.same_json(
                        "terraform: trust policy",
                        path,
                        &what,
                        &policy_json(&role.trust),
                        &found,
                    ),
                    Err(error) => failures.push(
                        "terraform: trust policy",
                        format!("{path}: {what}: {error}"),
                    ),
                }
                let tags = body.attributes().find(|a| a.key() == "tags");
                let found: Result<Vec<(String, String)>, String> = match tags {
                    None => Ok(Vec::new()),
                    Some(attribute) => match attribute.expr() {
                        Expression::Object(object) => object
                            .iter()
                            .map(|(key, value)| {
                                let key = match key {
                                    ObjectKey::Identifier(identifier) => {
                                        Json::String(identifier.to_string())
                                    }
                                    ObjectKey::Expression(key) => file.eval(key, ctx)?,
                                    other => return Err(format!("a tag key is {other:?}")),
                                };
                                match (key, file.eval(value, ctx)?) {
                                    (Json::String(key), Json::String(value)) => Ok((key, value)),
                                    other => Err(format!("a tag is {other:?}")),
                                }
                            })
                            .collect(),
                        other => Err(format!("tags is {other:?}")),
                    },
                };
                match found {
                    Ok(found) if found == role.tags => {}
                    Ok(found) => failures.push(
                        "terraform: tags",
                        format!("{path}: {what}: expected {:?}, got {found:?}", role.tags),
                    ),
                    Err(error) => {
                        failures.push("terraform: tags", format!("{path}: {what}: {error}"));
                    }
                }
            }
            "aws_iam_user" | "aws_iam_group" => {
                let model_path = if kind == "aws_iam_user" {
                    stack
                        .users()
                        .find(|(_, u)| u.account == account_ref && u.name == name)
                        .map(|(_, u)| u.path.clone())
                } else {
                    stack
                        .groups()
                        .find(|(_, g)| g.account == account_ref && g.name == name)
                        .map(|(_, g)| g.path.clone())
                };
                match model_path {
                    Some(model_path) => tf_same(
                        failures,
                        file,
                        body,
                        ctx,
                        ("terraform: path", &format!("{kind} {name:?}"), "path"),
                        Some(&model_path),
                    ),
                    None => unknown(failures),
                }
            }
            _ => {}
        }
    }
    let in_account = |account: AccountRef| account == account_ref;
    let created = |with: fn(&BucketSettings) -> bool| {
        stack
            .buckets()
            .filter(|(_, b)| in_account(b.account) && b.settings().is_some_and(with))
            .count()
    };
    let expected = [
        ("aws_s3_bucket", created(|_| true)),
        ("aws_s3_bucket_public_access_block", created(|_| true)),
        (
            "aws_s3_bucket_server_side_encryption_configuration",
            created(|_| true),
        ),
        ("aws_s3_bucket_versioning", created(|s| s.versioning)),
        ("aws_s3_bucket_logging", created(|s| s.logging.is_some())),
        (
            "data.aws_s3_bucket",
            stack
                .buckets()
                .filter(|(_, b)| in_account(b.account) && b.is_existing())
                .count(),
        ),
        (
            "aws_iam_policy",
            stack
                .policies()
                .filter(|(_, p)| in_account(p.account))
                .count(),
        ),
        (
            "aws_iam_role",
            stack.roles().filter(|(_, r)| in_account(r.account)).count(),
        ),
        (
            "aws_iam_user",
            stack
                .users()
                .filter(|(_, u)| in_account(u.account) && !u.existing)
                .count(),
        ),
        (
            "data.aws_iam_user",
            stack
                .users()
                .filter(|(_, u)| in_account(u.account) && u.existing)
                .count(),
        ),
        (
            "aws_iam_group",
            stack
                .groups()
                .filter(|(_, g)| in_account(g.account))
                .count(),
        ),
    ];
    for (kind, count) in expected {
        let found = counts.get(kind).copied().unwrap_or(0);
        if found != count {
            failures.push(
                "terraform: structure",
                format!("{path}: {found} {kind} resources, expected {count}"),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// CloudFormation.

/// Resolves `Ref`, `Fn::GetAtt` and `Fn::Sub` within one template, as CloudFormation would.
struct Intrinsics<'a> {
    account_id: &'a str,
    parameters: &'a serde_json::Map<String, Json>,
    resources: &'a serde_json::Map<String, Json>,
}

impl Intrinsics<'_> {
    fn property(&self, id: &str, key: &str) -> Result<&str, String> {
        self.resources
            .get(id)
            .and_then(|r| r["Properties"][key].as_str())
            .ok_or_else(|| format!("resource {id} has no {key}"))
    }

    fn reference(&self, name: &str) -> Result<String, String> {
        if let Some(parameter) = self.parameters.get(name) {
            return match &parameter["Default"] {
                Json::String(text) => Ok(text.clone()),
                other => Ok(other.to_string()),
            };
        }
        match name {
            "AWS::AccountId" => return Ok(self.account_id.to_owned()),
            "AWS::StackName" => return Ok("stack".to_owned()),
            _ => {}
        }
        match self.resources.get(name).and_then(|r| r["Type"].as_str()) {
            Some("AWS::IAM::ManagedPolicy") => Ok(format!(
                "arn:aws:iam::{}:policy{}{}",
                self.account_id,
                self.property(name, "Path")?,
                self.property(name, "ManagedPolicyName")?
            )),
            // `Ref` of a bucket is its name.
            Some("AWS::S3::Bucket") => Ok(self.property(name, "BucketName")?.to_owned()),
            Some(_) => Ok(name.to_owned()),
            None => Err(format!("Ref to an unknown {name:?}")),
        }
    }

    fn attribute(&self, id: &str, attribute: &str) -> Result<String, String> {
        let kind = self.resources.get(id).and_then(|r| r["Type"].as_str());
        match (kind, attribute) {
            (Some("AWS::S3::Bucket"), "Arn") => {
                Ok(format!("arn:aws:s3:::{}", self.property(id, "BucketName")?))
            }
            (Some("AWS::IAM::Role"), "Arn") => Ok(format!(
                "arn:aws:iam::{}:role{}{}",
                self.account_id,
                self.property(id, "Path")?,
                self.property(id, "RoleName")?
            )),
            (Some("AWS::IAM::User"), "Arn") => Ok(format!(
                "arn:aws:iam::{}:user{}{}",
                self.account_id,
                self.property(id, "Path")?,
                self.property(id, "UserName")?
            )),
            _ => Err(format!("Fn::GetAtt {id}.{attribute}")),
        }
    }

    /// `Fn::Sub`: `${Name}` and `${Id.Attribute}` are replaced, `${!` is a literal `${`.
    fn sub(&self, text: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            if let Some(literal) = after.strip_prefix('!') {
                out.push_str("${");
                rest = literal;
                continue;
            }
            let end = after
                .find('}')
                .ok_or_else(|| format!("unclosed ${{ in Fn::Sub {text:?}"))?;
            let name = &after[..end];
            out.push_str(&match name.split_once('.') {
                Some((id, attribute)) => self.attribute(id, attribute)?,
                None => self.reference(name)?,
            });
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    fn resolve(&self, value: &Json) -> Result<Json, String> {
        Ok(match value {
            Json::Object(map) if map.len() == 1 => {
                let (key, inner) = map.iter().next().ok_or("empty")?;
                match (key.as_str(), inner) {
                    ("Ref", Json::String(name)) => Json::String(self.reference(name)?),
                    ("Fn::GetAtt", Json::Array(pair)) if pair.len() == 2 => {
                        Json::String(self.attribute(
                            pair[0].as_str().unwrap_or_default(),
                            pair[1].as_str().unwrap_or_default(),
                        )?)
                    }
                    ("Fn::Sub", Json::String(text)) => Json::String(self.sub(text)?),
                    _ => Json::Object([(key.clone(), self.resolve(inner)?)].into_iter().collect()),
                }
            }
            Json::Object(map) => Json::Object(
                map.iter()
                    .map(|(key, value)| Ok((key.clone(), self.resolve(value)?)))
                    .collect::<Result<_, String>>()?,
            ),
            Json::Array(items) => Json::Array(
                items
                    .iter()
                    .map(|item| self.resolve(item))
                    .collect::<Result<_, _>>()?,
            ),
            other => other.clone(),
        })
    }
}

/// `the {name} ({id})` of an account, as the templates describe it.
fn title(stack: &Stack, account: AccountRef) -> String {
    let account = stack.account(account);
    format!("{} ({})", account.name, account.id)
}

/// An account with nothing in it gets no template (CloudFormation refuses one without resources), and the
/// README says so on its row.
fn has_no_template(files: &BTreeMap<String, String>, account: &iamgen::stack::Account) -> bool {
    let none_row = format!(
        "| `{}` | none: nothing of the stack lives in this account |",
        account.id
    );
    files
        .get("cloudformation/README.md")
        .is_some_and(|readme| readme.contains(&none_row))
}

fn check_cloudformation(stack: &Stack, files: &BTreeMap<String, String>, failures: &mut Failures) {
    let mut templates: Vec<(String, Json)> = Vec::new();
    for (path, text) in files {
        if path.starts_with("cloudformation/")
            && std::path::Path::new(path)
                .extension()
                .is_some_and(|ext| ext == "json")
        {
            match serde_json::from_str::<Json>(text) {
                Ok(value) => templates.push((path.clone(), value)),
                Err(error) => {
                    failures.push("cloudformation: JSON parse", format!("{path}: {error}"));
                }
            }
        }
    }
    for (account_ref, account) in stack.accounts() {
        let title = title(stack, account_ref);
        let matching: Vec<&(String, Json)> = templates
            .iter()
            .filter(|(_, t)| {
                t["Description"]
                    .as_str()
                    .is_some_and(|d| d.contains(&title))
            })
            .collect();
        if matching.is_empty() && has_no_template(files, account) {
            continue;
        }
        let [(json_path, template)] = matching.as_slice() else {
            failures.push(
                "cloudformation: template description",
                format!(
                    "{} templates describe the account {title:?}; descriptions: {:?}",
                    matching.len(),
                    templates
                        .iter()
                        .map(|(_, t)| &t["Description"])
                        .collect::<Vec<_>>()
                ),
            );
            continue;
        };
        let stem = json_path
            .trim_start_matches("cloudformation/")
            .trim_end_matches(".json");
        let yaml_path = format!("cloudformation/{stem}.yaml");
        check_yaml_equals(files, &yaml_path, template, failures);
        check_cfn_template(stack, account_ref, json_path, template, false, failures);

        let trusted_elsewhere = stack.roles().any(|(_, role)| {
            role.account == account_ref
                && stack.accounts().any(|(other, o)| {
                    other != account_ref && role.trust.to_json().contains(o.id.as_str())
                })
        });
        if !trusted_elsewhere {
            continue;
        }
        let stackset_path = format!("cloudformation/stackset-{stem}.yaml");
        let Some(stackset) = parse_yaml(files, &stackset_path, failures) else {
            continue;
        };
        for (what, value) in [
            ("Description", &stackset["Description"]),
            (
                "the StackSet's Description",
                &stackset["Resources"]["RolesStackSet"]["Properties"]["Description"],
            ),
        ] {
            if !value.as_str().is_some_and(|d| d.contains(&account.name)) {
                failures.push(
                    "cloudformation: StackSet description",
                    format!(
                        "{stackset_path}: {what} {value} does not name the account {:?}",
                        account.name
                    ),
                );
            }
        }
        let body = &stackset["Resources"]["RolesStackSet"]["Properties"]["TemplateBody"];
        match body.as_str().map(serde_json::from_str::<Json>) {
            Some(Ok(body)) => {
                check_cfn_template(
                    stack,
                    account_ref,
                    &format!("{stackset_path} TemplateBody"),
                    &body,
                    true,
                    failures,
                );
            }
            Some(Err(error)) => failures.push(
                "cloudformation: StackSet TemplateBody",
                format!("{stackset_path}: {error}"),
            ),
            None => failures.push(
                "cloudformation: StackSet TemplateBody",
                format!("{stackset_path}: no TemplateBody"),
            ),
        }
    }
}

fn parse_yaml(
    files: &BTreeMap<String, String>,
    path: &str,
    failures: &mut Failures,
) -> Option<Json> {
    let Some(text) = files.get(path) else {
        failures.push("cloudformation: files", format!("{path} is missing"));
        return None;
    };
    match serde_norway::from_str::<Json>(text) {
        Ok(value) => Some(value),
        Err(error) => {
            // libyaml's reader errors say `at position <byte offset>`; the others have a location.
            let message = error.to_string();
            let offset = message
                .split_once("at position ")
                .and_then(|(_, rest)| {
                    rest.split(|c: char| !c.is_ascii_digit())
                        .next()?
                        .parse()
                        .ok()
                })
                .or_else(|| error.location().map(|l| l.index()))
                .unwrap_or(0);
            let mut offset = offset.min(text.len());
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
            let start = text[..offset].rfind('\n').map_or(0, |at| at + 1);
            let line = text[start..].lines().next().unwrap_or_default();
            let line: String = line.chars().take(160).collect();
            failures.push(
                "cloudformation: YAML parse",
                format!("{path}: {error}, in the line {line:?}"),
            );
            None
        }
    }
}

fn check_yaml_equals(
    files: &BTreeMap<String, String>,
    path: &str,
    json: &Json,
    failures: &mut Failures,
) {
    if let Some(yaml) = parse_yaml(files, path, failures) {
        failures.same_json(
            "cloudformation: YAML differs from JSON",
            path,
            "the YAML template read back",
            json,
            &yaml,
        );
    }
}

/// A bucket's versioning, KMS key, log target and (hostile) log prefix, read back with the intrinsics resolved.
fn check_cfn_bucket_settings(
    intrinsics: &Intrinsics<'_>,
    props: &Json,
    settings: &BucketSettings,
    path: &str,
    id: &str,
    failures: &mut Failures,
) {
    let versioning = props["VersioningConfiguration"]["Status"].as_str();
    let key = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
        ["ServerSideEncryptionByDefault"]["KMSMasterKeyID"]
        .as_str();
    let logging = &props["LoggingConfiguration"];
    let target = if logging.is_null() {
        Ok(None)
    } else {
        intrinsics
            .resolve(&logging["DestinationBucketName"])
            .map(|target| {
                Some(format!(
                    "{} {}",
                    target.as_str().unwrap_or_default(),
                    logging["LogFilePrefix"].as_str().unwrap_or_default()
                ))
            })
    };
    let expected_key = match &settings.encryption {
        BucketEncryption::Kms { key: Some(key) } => Some(key.as_str()),
        _ => None,
    };
    let found = (versioning == Some("Enabled"), key, target);
    let expected = (
        settings.versioning,
        expected_key,
        Ok(settings
            .logging
            .as_ref()
            .map(|l| format!("{} {}", l.target, l.prefix))),
    );
    if found != expected {
        failures.push(
            "cloudformation: bucket setting",
            format!("{path}: {id}: (versioning, key, log target and prefix) {found:?}, expected {expected:?}"),
        );
    }
}

fn cfn_text(props: &Json, key: &str) -> Option<String> {
    props.get(key).map(|value| match value {
        Json::String(text) => text.clone(),
        other => other.to_string(),
    })
}

#[allow(
    clippy::too_many_lines,
    reason = "one section per kind of resource, as the generator writes them"
)]
fn check_cfn_template(
    stack: &Stack,
    account_ref: AccountRef,
    path: &str,
    template: &Json,
    roles_only: bool,
    failures: &mut Failures,
) {
    let empty = serde_json::Map::new();
    let parameters = template["Parameters"].as_object().unwrap_or(&empty);
    let Some(resources) = template["Resources"].as_object() else {
        failures.push("cloudformation: structure", format!("{path}: no Resources"));
        return;
    };
    let account = stack.account(account_ref);
    let intrinsics = Intrinsics {
        account_id: account.id.as_str(),
        parameters,
        resources,
    };
    if !template["Description"]
        .as_str()
        .is_some_and(|d| d.contains(&title(stack, account_ref)))
    {
        failures.push(
            "cloudformation: template description",
            format!(
                "{path}: Description {} does not name {:?}",
                template["Description"],
                title(stack, account_ref)
            ),
        );
    }
    // Parameters: another account's id names that account; a session duration names its role.
    for (name, parameter) in parameters {
        let description = parameter["Description"].as_str().unwrap_or_default();
        let named = match parameter["Type"].as_str() {
            // A bucket that exists already, by its name.
            Some("String")
                if parameter["AllowedPattern"]
                    .as_str()
                    .is_some_and(|p| p.contains("a-z")) =>
            {
                stack
                    .buckets()
                    .find(|(_, b)| {
                        b.account == account_ref
                            && b.is_existing()
                            && parameter["Default"].as_str() == Some(b.name.as_str())
                    })
                    .map(|(_, b)| b.name.clone())
            }
            Some("String") => stack
                .accounts()
                .find(|(_, a)| parameter["Default"].as_str() == Some(a.id.as_str()))
                .map(|(_, a)| a.name.clone()),
            _ => stack
                .roles()
                .find(|(_, r)| r.account == account_ref && description.contains(&r.name))
                .map(|(_, r)| r.name.clone()),
        };
        if !named.is_some_and(|named| description.contains(&named)) {
            failures.push(
                "cloudformation: parameter description",
                format!("{path}: parameter {name}: {description:?} does not name what it is for"),
            );
        }
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (id, resource) in resources {
        let kind = resource["Type"].as_str().unwrap_or_default();
        *counts.entry(kind).or_default() += 1;
        let props = &resource["Properties"];
        let text = |key: &str| cfn_text(props, key);
        let unknown = |failures: &mut Failures, name: Option<String>| {
            failures.push(
                "cloudformation: name",
                format!("{path}: {id} ({kind}) is named {name:?}, which the account does not have"),
            );
        };
        let same =
            |failures: &mut Failures, kind: &str, what: &str, expected: Option<&str>, key: &str| {
                let found = text(key);
                if found.as_deref() != expected {
                    failures.push(
                        kind,
                        format!("{path}: {id}: {what}: expected {expected:?}, got {found:?}"),
                    );
                }
            };
        let same_document =
            |failures: &mut Failures, kind: &str, expected: &PolicyDocument, key: &str| {
                match intrinsics.resolve(&props[key]) {
                    Ok(found) => failures.same_json(
                        kind,
                        path,
                        &format!("{id} {key}"),
                        &policy_json(expected),
                        &found,
                    ),
                    Err(error) => failures.push(kind, format!("{path}: {id} {key}: {error}")),
                }
            };
        match kind {
            "AWS::S3::Bucket" => {
                let name = text("BucketName");
                let settings = stack
                    .buckets()
                    .find(|(_, b)| b.account == account_ref && Some(&b.name) == name.as_ref())
                    .and_then(|(_, b)| b.settings());
                match settings {
                    Some(settings) if !roles_only => {
                        check_cfn_bucket_settings(&intrinsics, props, settings, path, id, failures);
                    }
                    _ => unknown(failures, name),
                }
            }
            "AWS::IAM::ManagedPolicy" => {
                let name = text("ManagedPolicyName");
                let Some((_, policy)) = stack
                    .policies()
                    .find(|(_, p)| p.account == account_ref && Some(&p.name) == name.as_ref())
                else {
                    unknown(failures, name);
                    continue;
                };
                same(
                    failures,
                    "cloudformation: path",
                    "Path",
                    Some(&policy.path),
                    "Path",
                );
                same(
                    failures,
                    "cloudformation: policy description",
                    "Description",
                    policy.description.as_deref(),
                    "Description",
                );
                same_document(
                    failures,
                    "cloudformation: policy document",
                    &policy.document,
                    "PolicyDocument",
                );
            }
            "AWS::IAM::Role" => {
                let name = text("RoleName");
                let Some((_, role)) = stack
                    .roles()
                    .find(|(_, r)| r.account == account_ref && Some(&r.name) == name.as_ref())
                else {
                    unknown(failures, name);
                    continue;
                };
                same(
                    failures,
                    "cloudformation: path",
                    "Path",
                    Some(&role.path),
                    "Path",
                );
                same(
                    failures,
                    "cloudformation: role description",
                    "Description",
                    role.description.as_deref(),
                    "Description",
                );
                same_document(
                    failures,
                    "cloudformation: trust policy",
                    &role.trust,
                    "AssumeRolePolicyDocument",
                );
                let boundary = props
                    .get("PermissionsBoundary")
                    .map(|b| intrinsics.resolve(b));
                let expected = role
                    .permissions_boundary
                    .map(|p| Json::String(stack.policy_arn(p)));
                if boundary.clone().transpose() != Ok(expected.clone()) {
                    failures.push(
                        "cloudformation: permissions boundary",
                        format!("{path}: {id}: expected {expected:?}, got {boundary:?}"),
                    );
                }
                let tags: Option<Vec<(String, String)>> = match props.get("Tags") {
                    None => Some(Vec::new()),
                    Some(Json::Array(tags)) => tags
                        .iter()
                        .map(|tag| {
                            Some((
                                tag["Key"].as_str()?.to_owned(),
                                tag["Value"].as_str()?.to_owned(),
                            ))
                        })
                        .collect(),
                    Some(_) => None,
                };
                if tags.as_ref() != Some(&role.tags) {
                    failures.push(
                        "cloudformation: tags",
                        format!(
                            "{path}: {id}: expected {:?}, got {:?}",
                            role.tags,
                            props.get("Tags")
                        ),
                    );
                }
            }
            "AWS::IAM::User" | "AWS::IAM::Group" => {
                let (key, model) = if kind == "AWS::IAM::User" {
                    let name = text("UserName");
                    (
                        name.clone(),
                        stack
                            .users()
                            .find(|(_, u)| {
                                u.account == account_ref && Some(&u.name) == name.as_ref()
                            })
                            .map(|(_, u)| u.path.clone()),
                    )
                } else {
                    let name = text("GroupName");
                    (
                        name.clone(),
                        stack
                            .groups()
                            .find(|(_, g)| {
                                g.account == account_ref && Some(&g.name) == name.as_ref()
                            })
                            .map(|(_, g)| g.path.clone()),
                    )
                };
                match model {
                    Some(model_path) if !roles_only => {
                        same(
                            failures,
                            "cloudformation: path",
                            "Path",
                            Some(&model_path),
                            "Path",
                        );
                    }
                    _ => unknown(failures, key),
                }
            }
            "AWS::IAM::UserPolicy" => {
                let user = text("UserName");
                let policy_name = text("PolicyName");
                let model = stack
                    .users()
                    .find(|(_, u)| {
                        u.account == account_ref && u.existing && Some(&u.name) == user.as_ref()
                    })
                    .and_then(|(_, u)| {
                        u.inline
                            .iter()
                            .find(|p| Some(&p.name) == policy_name.as_ref())
                    });
                match model {
                    Some(policy) if !roles_only => same_document(
                        failures,
                        "cloudformation: policy document",
                        &policy.document,
                        "PolicyDocument",
                    ),
                    _ => unknown(failures, user),
                }
            }
            "AWS::IAM::UserToGroupAddition" => {
                let users: Vec<&str> = props["Users"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Json::as_str)
                    .collect();
                for user in users {
                    if roles_only
                        || !stack
                            .users()
                            .any(|(_, u)| u.account == account_ref && u.existing && u.name == user)
                    {
                        unknown(failures, Some(user.to_owned()));
                    }
                }
            }
            _ => {}
        }
    }
    let in_account = |account: AccountRef| account == account_ref;
    let mut expected = vec![(
        "AWS::IAM::Role",
        stack.roles().filter(|(_, r)| in_account(r.account)).count(),
    )];
    if !roles_only {
        expected.extend([
            (
                "AWS::S3::Bucket",
                stack
                    .buckets()
                    .filter(|(_, b)| in_account(b.account) && !b.is_existing())
                    .count(),
            ),
            (
                "AWS::IAM::ManagedPolicy",
                stack
                    .policies()
                    .filter(|(_, p)| in_account(p.account))
                    .count(),
            ),
            (
                "AWS::IAM::User",
                stack
                    .users()
                    .filter(|(_, u)| in_account(u.account) && !u.existing)
                    .count(),
            ),
            (
                "AWS::IAM::UserPolicy",
                stack
                    .users()
                    .filter(|(_, u)| in_account(u.account) && u.existing)
                    .map(|(_, u)| u.inline.len())
                    .sum(),
            ),
            (
                "AWS::IAM::Group",
                stack
                    .groups()
                    .filter(|(_, g)| in_account(g.account))
                    .count(),
            ),
        ]);
    }
    for (kind, count) in expected {
        let found = counts.get(kind).copied().unwrap_or(0);
        if found != count {
            failures.push(
                "cloudformation: structure",
                format!("{path}: {found} {kind} resources, expected {count}"),
            );
        }
    }
    if let Some(outputs) = template["Outputs"].as_object() {
        for (name, output) in outputs {
            let description = output["Description"].as_str().unwrap_or_default();
            let names = stack
                .roles()
                .filter(|(_, r)| in_account(r.account))
                .map(|(_, r)| &r.name)
                .chain(
                    stack
                        .policies()
                        .filter(|(_, p)| in_account(p.account))
                        .map(|(_, p)| &p.name),
                );
            if !names
                .into_iter()
                .any(|n| description.ends_with(&format!(" {n}.")))
            {
                failures.push(
                    "cloudformation: output description",
                    format!("{path}: output {name}: {description:?} names no role or policy of the account"),
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Policy files.

fn check_policy_files(stack: &Stack, files: &BTreeMap<String, String>, failures: &mut Failures) {
    let mut expected: Vec<(String, &PolicyDocument)> = Vec::new();
    for (_, policy) in stack.policies() {
        expected.push((format!("{}.json", policy.name), &policy.document));
    }
    for (_, role) in stack.roles() {
        expected.push((format!("{}.trust.json", role.name), &role.trust));
        for inline in &role.inline {
            expected.push((
                format!("inline/roles/{}/{}.json", role.name, inline.name),
                &inline.document,
            ));
        }
    }
    for (_, user) in stack.users() {
        for inline in &user.inline {
            expected.push((
                format!("inline/users/{}/{}.json", user.name, inline.name),
                &inline.document,
            ));
        }
    }
    let written: Vec<(&String, &String)> = files
        .iter()
        .filter(|(p, _)| p.starts_with("policies/"))
        .collect();
    if written.len() != expected.len() {
        failures.push(
            "policies: files",
            format!(
                "{} policy files for {} documents: {:?}",
                written.len(),
                expected.len(),
                written.iter().map(|(p, _)| p).collect::<Vec<_>>()
            ),
        );
    }
    for (name, document) in expected {
        let candidates: Vec<_> = written
            .iter()
            .filter(|(p, _)| p.ends_with(&format!("/{name}")))
            .collect();
        let found = candidates.iter().any(|(_, text)| {
            PolicyDocument::from_json(text).is_ok_and(|read| &read == document)
                && serde_json::from_str::<Json>(text)
                    .is_ok_and(|json| json == policy_json(document))
        });
        if !found {
            failures.push(
                "policies: document",
                format!(
                    "no file */{name} reads back to the model's document; candidates: {:?}",
                    candidates.iter().map(|(p, _)| p).collect::<Vec<_>>()
                ),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Diagrams.

/// Labels as the diagrams show them: characters with no visible form (line breaks, controls, bidi controls)
/// as a visible `\u{XXXX}`.
fn one_line(text: &str) -> String {
    iamgen::escape::visible(text).into_owned()
}

/// Every text the diagrams must show somewhere: account names, and the names of principals, roles and buckets.
fn shown(stack: &Stack) -> Vec<String> {
    stack
        .accounts()
        .map(|(_, a)| one_line(&a.name))
        .chain(stack.users().map(|(_, u)| u.name.clone()))
        .chain(stack.groups().map(|(_, g)| g.name.clone()))
        .chain(stack.roles().map(|(_, r)| r.name.clone()))
        .chain(stack.buckets().map(|(_, b)| b.name.clone()))
        .collect()
}

/// Each text of `expected` is in one of `labels`, byte for byte.
fn all_shown(expected: &[String], labels: &[String], file: &str, failures: &mut Failures) {
    for text in expected {
        if !labels.iter().any(|label| label.contains(text.as_str())) {
            failures.push(
                "diagram: label",
                format!("{file}: no label shows {text:?}; labels: {labels:?}"),
            );
        }
    }
}

const DOT_KEYWORDS: &[&str] = &["node", "edge", "graph", "digraph", "subgraph", "strict"];

/// A DOT identifier that is not a keyword (keywords are case-insensitive).
fn dot_id_ok(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !DOT_KEYWORDS.contains(&id.to_ascii_lowercase().as_str())
}

/// A DOT quoted string at the start of `text`: its value (`\"` and `\\` read) and the rest of the line.
fn dot_quoted(text: &str) -> Option<(String, &str)> {
    let mut chars = text.strip_prefix('"')?.char_indices();
    let mut value = String::new();
    while let Some((at, ch)) = chars.next() {
        match ch {
            // Graphviz decodes HTML entities in labels: the writer escapes every `&` as `&amp;`.
            '"' => return Some((value.replace("&amp;", "&"), &text[at + 2..])),
            '\\' => match chars.next()?.1 {
                '"' => value.push('"'),
                '\\' => value.push('\\'),
                // Graphviz gives `\n`, `\l`, `\N` ... a meaning in labels: a lone backslash is not the text.
                _ => return None,
            },
            ch => value.push(ch),
        }
    }
    None
}

/// `[key = value, ...];` at the start of `text`, values quoted or plain words: the labels in it.
fn dot_attributes(text: &str) -> Option<Vec<String>> {
    let mut rest = text.strip_prefix('[')?;
    let mut labels = Vec::new();
    loop {
        let (key, after) = rest.split_once(" = ")?;
        if !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return None;
        }
        rest = if after.starts_with('"') {
            let (value, after) = dot_quoted(after)?;
            if key == "label" {
                labels.push(value);
            }
            after
        } else {
            let end = after.find([',', ']']).unwrap_or(after.len());
            if !after[..end]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
            {
                return None;
            }
            &after[end..]
        };
        if let Some(after) = rest.strip_prefix(", ") {
            rest = after;
        } else {
            return (rest == "];").then_some(labels);
        }
    }
}

/// Every line of `diagram.dot` is one statement: the graph's own lines, `subgraph ID {`, `label = "...";`,
/// `ID [...];`, `ID -> ID [...];` or `}`; identifiers are not keywords; labels read back.
fn check_dot(stack: &Stack, files: &BTreeMap<String, String>, failures: &mut Failures) {
    let Some(text) = files.get("diagram.dot") else {
        failures.push("diagram: files", "diagram.dot is missing");
        return;
    };
    let bad = |failures: &mut Failures, line: &str| {
        failures.push("diagram: DOT statement", format!("diagram.dot: {line:?}"));
    };
    let mut labels = Vec::new();
    let mut depth = 0usize;
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if index == 0 && line.starts_with("// ") {
            continue;
        }
        if line == "digraph iam {" {
            depth += 1;
            continue;
        }
        if line == "}" {
            depth = depth.saturating_sub(1);
            continue;
        }
        if let Some(id) = line
            .strip_prefix("subgraph ")
            .and_then(|l| l.strip_suffix(" {"))
        {
            if !dot_id_ok(id) {
                bad(failures, line);
            }
            depth += 1;
            continue;
        }
        if let Some((key, value)) = line.strip_suffix(';').and_then(|l| l.split_once(" = ")) {
            if key.chars().all(|c| c.is_ascii_alphanumeric()) {
                match dot_quoted(value) {
                    Some((label, "")) => labels.push(label),
                    _ if value.chars().all(|c| c.is_ascii_alphanumeric()) => {}
                    _ => bad(failures, line),
                }
                continue;
            }
        }
        let Some((head, attributes)) = line.split_once(" [") else {
            bad(failures, line);
            continue;
        };
        let ids_ok = match head.split_once(" -> ") {
            Some((from, to)) => dot_id_ok(from) && dot_id_ok(to),
            None => head == "node" || head == "edge" || dot_id_ok(head),
        };
        match dot_attributes(&format!("[{attributes}")) {
            Some(found) if ids_ok => labels.extend(found),
            _ => bad(failures, line),
        }
    }
    if depth != 0 {
        failures.push(
            "diagram: DOT statement",
            format!("diagram.dot: {depth} brace(s) left open"),
        );
    }
    all_shown(&shown(stack), &labels, "diagram.dot", failures);
}

/// A Mermaid label's text: numeric entities (`#35;`) and `#quot;`, `#lt;`, `#gt;` read; any other `#`, or a `"`
/// or line break, is not the text.
fn mermaid_text(label: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = label;
    while let Some(at) = rest.find(['#', '"', '\n', '\r']) {
        out.push_str(&rest[..at]);
        let entity = rest[at..].strip_prefix('#')?;
        let (name, after) = entity.split_once(';')?;
        let ch = match name {
            "quot" => '"',
            "lt" => '<',
            "gt" => '>',
            digits => char::from_u32(digits.parse().ok()?)?,
        };
        out.push(ch);
        rest = after;
    }
    out.push_str(rest);
    Some(out)
}

/// A Mermaid node id: letters, digits and `_`, and not `end`, which closes a subgraph.
fn mermaid_id_ok(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && id != "end"
}

/// Mermaid's node shapes, opening and closing.
const SHAPES: &[(&str, &str)] = &[
    ("([", "])"),
    ("[[", "]]"),
    ("[(", ")]"),
    ("((", "))"),
    ("{{", "}}"),
    ("[/", "/]"),
    ("[\\", "\\]"),
    ("[/", "\\]"),
    ("[\\", "/]"),
    ("[", "]"),
    ("(", ")"),
    ("{", "}"),
    (">", "]"),
];

/// `id<open>"label"<close>`: the label's text.
fn mermaid_node(text: &str) -> Option<String> {
    let end = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let (id, rest) = text.split_at(end);
    let quote = rest.find('"')?;
    let (open, rest) = rest.split_at(quote);
    let (label, close) = rest[1..].split_once('"')?;
    let shape_ok = SHAPES.iter().any(|(o, c)| *o == open && *c == close);
    (mermaid_id_ok(id) && shape_ok)
        .then(|| mermaid_text(label))
        .flatten()
}

/// Every line of `diagram.mmd` is one statement: `subgraph ID["..."]`, a node, an edge `A ARROW|"..."| B` or
/// `end`; no label holds a raw `"` or line break; ids are not `end`; labels read back.
fn check_mermaid(stack: &Stack, files: &BTreeMap<String, String>, failures: &mut Failures) {
    const ARROWS: &[&str] = &[
        "-->", "-.->", "==>", "---", "-.-", "===", "--o", "--x", "<-->",
    ];
    let Some(text) = files.get("diagram.mmd") else {
        failures.push("diagram: files", "diagram.mmd is missing");
        return;
    };
    let bad = |failures: &mut Failures, line: &str| {
        failures.push(
            "diagram: Mermaid statement",
            format!("diagram.mmd: {line:?}"),
        );
    };
    let mut labels = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if (index == 0 && line.starts_with("%% "))
            || line.starts_with("flowchart ")
            || line == "end"
        {
            continue;
        }
        if let Some(rest) = line.strip_prefix("subgraph ") {
            match mermaid_node(rest) {
                Some(label) => labels.push(label),
                None => bad(failures, line),
            }
            continue;
        }
        if let Some(label) = mermaid_node(line) {
            labels.push(label);
            continue;
        }
        if let Some((from, rest)) = line.split_once(' ')
            && let Some(arrow) = ARROWS.iter().find(|a| rest.starts_with(**a))
        {
            let rest = &rest[arrow.len()..];
            let edge = match rest.strip_prefix("|\"") {
                Some(labelled) => labelled
                    .split_once("\"| ")
                    .and_then(|(label, to)| Some((mermaid_text(label)?, to))),
                None => rest.strip_prefix(' ').map(|to| (String::new(), to)),
            };
            match edge {
                Some((label, to)) if mermaid_id_ok(from) && mermaid_id_ok(to) => labels.push(label),
                _ => bad(failures, line),
            }
        } else {
            bad(failures, line);
        }
    }
    all_shown(&shown(stack), &labels, "diagram.mmd", failures);
}

// ---------------------------------------------------------------------------------------------------------
// The tests.

/// The property: a few hundred generated stacks, every file of every target read back.
#[test]
fn hostile_strings_survive_every_target() {
    let seed = env_number("IAMGEN_INJECTION_SEED", 0x1A_4A_6E_17);
    let cases = env_number("IAMGEN_INJECTION_CASES", 300);
    // Kind -> (count, first case, first detail).
    let mut by_kind: BTreeMap<String, (usize, u64, String)> = BTreeMap::new();
    let mut failing_cases = 0;
    for case in 0..cases {
        let mut rng = Rng::new(seed.wrapping_add(case));
        let stack = generate(&mut rng);
        let failures = check_stack(&stack);
        if !failures.is_empty() {
            failing_cases += 1;
        }
        for (kind, detail) in failures.0 {
            by_kind
                .entry(kind)
                .and_modify(|(count, _, _)| *count += 1)
                .or_insert((1, case, detail));
        }
    }
    let mut report = String::new();
    for (kind, (count, case, detail)) in &by_kind {
        let _ = writeln!(
            report,
            "[{kind}] {count} time(s); first in case {case}:\n    {detail}"
        );
    }
    assert!(
        by_kind.is_empty(),
        "{failing_cases} of {cases} stacks (seed {seed:#x}) lost or broke text:\n{report}"
    );
}

/// Runs `script` (under `tests/support/`) with `runner` over `input` (JSON on standard input).
fn run_script(
    runner: &std::path::Path,
    args: &[&std::path::Path],
    script: &str,
    input: &Json,
) -> Json {
    let mut command = std::process::Command::new(runner);
    command.arg(
        crate::support::tools::root()
            .join("tests/support")
            .join(script),
    );
    command.args(args);
    crate::support::tools::run_json(&mut command, &input.to_string())
}

/// The same generated stacks through the real parsers of each format, each run once over all of them:
/// `PyYAML` reads every CloudFormation YAML template as its JSON template (types included: a null key or `1e2`
/// read as a string is a difference) and cfn-lint reads them (no E0000); HashiCorp's parser reads every `.tf`
/// file; Graphviz draws and Mermaid's parser shows every name of the stack in some label, and no label sets a
/// Mermaid directive.
#[test]
#[allow(clippy::too_many_lines, reason = "one section per parser")]
fn hostile_stacks_read_back_with_real_parsers() {
    use crate::support::tools;
    let seed = env_number("IAMGEN_INJECTION_SEED", 0x1A_4A_6E_17);
    let cases = env_number("IAMGEN_REAL_PARSER_CASES", 24);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut yaml_cases: Vec<Json> = Vec::new();
    let mut yaml_paths = Vec::new();
    let mut tf_paths = Vec::new();
    let mut dots = Vec::new();
    let mut mermaids = Vec::new();
    let mut expected = Vec::new();
    for case in 0..cases {
        let stack = generate(&mut Rng::new(seed.wrapping_add(case)));
        // A stack that does not render is reported by `hostile_strings_survive_every_target`.
        let Ok(rendered) = render::render(&stack, &Target::ALL) else {
            continue;
        };
        let files = rendered.files();
        for (name, text) in files {
            let path = dir.path().join(format!("{case}")).join(name);
            let terraform = path.extension().is_some_and(|extension| extension == "tf");
            if let Some(stem) = name.strip_suffix(".yaml")
                && !name.contains("/stackset-")
            {
                yaml_cases.push(serde_json::json!([text, files[&format!("{stem}.json")]]));
            } else if !terraform && !name.contains("/stackset-") {
                continue;
            }
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
            if terraform {
                tf_paths.push(path);
            } else {
                yaml_paths.push(path);
            }
        }
        dots.push(files["diagram.dot"].clone());
        mermaids.push(files["diagram.mmd"].clone());
        expected.push((case, shown(&stack)));
    }
    let mut failures = Failures::default();
    if let Some(python) = tools::python_with_yaml() {
        let output = run_script(
            &python,
            &[],
            "yaml_load.py",
            &Json::Array(yaml_cases.clone()),
        );
        for (case, result) in yaml_cases.iter().zip(output["results"].as_array().unwrap()) {
            if !result.is_null() {
                let head: String = case[0]
                    .as_str()
                    .unwrap()
                    .lines()
                    .nth(1)
                    .unwrap_or("")
                    .to_owned();
                failures.push("CloudFormation: PyYAML", format!("{head}: {result}"));
            }
        }
    }
    if let Some(cfn_lint) = tools::cfn_lint() {
        // cfn-lint reads the YAML with its own loader (PyYAML's, with marks): E0000 is a template it cannot read.
        let output = tools::run(
            std::process::Command::new(cfn_lint)
                .args(["--format", "parseable", "--"])
                .args(&yaml_paths),
        );
        let text = String::from_utf8_lossy(&output.stdout);
        for line in text.lines().filter(|line| line.contains(":E0000:")) {
            failures.push("CloudFormation: cfn-lint", line.to_owned());
        }
    }
    if let Some((node, package)) = tools::hcl2json() {
        let output = tools::run(
            std::process::Command::new(node)
                .arg(tools::root().join("tests/support/hcl2json.js"))
                .arg(&package)
                .args(&tf_paths),
        );
        let parsed: Json = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
            panic!(
                "hcl2json did not print JSON ({error}):\n{}",
                tools::describe(&output)
            )
        });
        for (file, body) in parsed.as_object().expect("an object") {
            if let Some(error) = body.get("error") {
                failures.push("Terraform: HashiCorp's parser", format!("{file}: {error}"));
            }
        }
    }
    let contains = |labels: &[String], text: &str| labels.iter().any(|label| label.contains(text));
    if let Some((node, modules)) = tools::graphviz() {
        let output = run_script(&node, &[&modules], "dot_labels.mjs", &Json::from(dots));
        for ((case, texts), graph) in expected.iter().zip(output["graphs"].as_array().unwrap()) {
            if let Some(error) = graph.get("error") {
                failures.push("diagram: Graphviz", format!("case {case}: {error}"));
                continue;
            }
            let labels: Vec<String> = graph
                .as_object()
                .unwrap()
                .values()
                .flat_map(|lines| lines.as_array().into_iter().flatten())
                // Graphviz's SVG writer writes the second of two spaces as U+00A0.
                .filter_map(|line| line.as_str().map(|line| line.replace('\u{a0}', " ")))
                .collect();
            for text in texts
                .iter()
                .filter(|text| !contains(&labels, &text.replace('\u{a0}', " ")))
            {
                failures.push(
                    "diagram: Graphviz",
                    format!("case {case}: no label shows {text:?}"),
                );
            }
        }
    }
    if let Some((node, modules)) = tools::mermaid() {
        let output = run_script(
            &node,
            &[&modules],
            "mermaid_labels.mjs",
            &Json::from(mermaids),
        );
        for ((case, texts), diagram) in expected.iter().zip(output["diagrams"].as_array().unwrap())
        {
            if let Some(error) = diagram.get("error") {
                failures.push("diagram: Mermaid", format!("case {case}: {error}"));
                continue;
            }
            if diagram["config"] != serde_json::json!({}) {
                failures.push(
                    "diagram: Mermaid",
                    format!("case {case}: directive {}", diagram["config"]),
                );
            }
            let labels: Vec<String> = ["vertices", "subgraphs"]
                .iter()
                .flat_map(|part| diagram[part].as_object().into_iter().flatten())
                .map(|(_, text)| text.as_str().unwrap_or_default().to_owned())
                .chain(
                    diagram["edges"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|t| t.as_str().map(str::to_owned)),
                )
                .collect();
            for text in texts.iter().filter(|text| !contains(&labels, text)) {
                failures.push(
                    "diagram: Mermaid",
                    format!("case {case}: no label shows {text:?}"),
                );
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.report());
}

/// The checks themselves accept the reference scenario, and each target in it was read.
#[test]
fn the_reference_scenario_reads_back() {
    let failures = check_stack(&Stack::reference_scenario());
    assert!(failures.is_empty(), "{}", failures.report());
}

/// Hand-picked hostile strings in the role's path, description and tags, the external id and a policy (policy
/// variables, escaped markers, quotes, backslashes, newlines): they read back from every target.
#[test]
fn policy_variables_and_escapes_read_back() {
    let mut pattern = CrossAccount::reference_scenario();
    pattern.role.path = "/${aws:username}/$${x}/%{y}/%%{z}/\"q\"/\\/".to_owned();
    // The description, tags and external id below are values AWS refuses, which the pattern refuses too: they
    // are written into the built stack directly, where `Stack` does not check, to test the renderers' escaping.
    let description =
        "a \"quoted\" \\ ${aws:username} $${x} %{if} %%{x} $$${y}\n---\n# x: y\n\u{2028}é😀";
    let tags = vec![
        (
            "${aws:PrincipalTag/team}".to_owned(),
            "%{ for x in y }".to_owned(),
        ),
        ("key: value".to_owned(), "--- !Ref x\r\n#".to_owned()),
    ];
    let external_id = "${aws:username}\"\\\n$${%%{";
    pattern.external_id = Some("placeholder-id".to_owned());
    let bucket = "com.stuzio.projectx";
    pattern.permissions[0].1 = PolicyDocument {
        version: Some(Version::V2012_10_17),
        id: Some("id \"${x}\" \\ é".to_owned()),
        statement: OneOrMany::One(Statement {
            sid: Some("Home".to_owned()),
            effect: Effect::Allow,
            principal: None,
            action: ActionElement::Action(OneOrMany::One(Action::new("s3:GetObject"))),
            resource: Some(ResourceElement::Resource(OneOrMany::Many(vec![
                Resource::new(format!("arn:aws:s3:::{bucket}/home/${{aws:username}}/*")),
                Resource::new(format!(
                    "arn:aws:s3:::{bucket}/$${{x}}/$$${{y}}/%%%{{z}}/\"\\"
                )),
                Resource::new("arn:aws:s3:::other/${aws:PrincipalTag/team}/\n"),
            ]))),
            condition: Some(Condition(vec![ConditionBlock {
                operator: Operator::plain(OperatorBase::StringLike),
                entries: vec![ConditionValues {
                    key: "s3:prefix".to_owned(),
                    values: OneOrMany::Many(vec![
                        ConditionValue::String("${aws:username}/*".to_owned()),
                        ConditionValue::String("\"; x -> y [ #35; --- : ".to_owned()),
                    ]),
                }],
            }])),
        }),
    };
    let mut stack = pattern.build().unwrap();
    let (role, _) = stack.roles().next().expect("the pattern's role");
    let declared = stack.role_mut(role);
    declared.description = Some(description.to_owned());
    declared.tags = tags;
    let trust = declared.trust.to_json().replace(
        "\"placeholder-id\"",
        &serde_json::to_string(external_id).expect("a JSON string"),
    );
    declared.trust = PolicyDocument::from_json(&trust).expect("the trust with the external id");
    let failures = check_stack(&stack);
    assert!(failures.is_empty(), "{}", failures.report());
}

/// The reference scenario with one account renamed.
fn renamed(trusting: &str, trusted: &str) -> Stack {
    let mut pattern = CrossAccount::reference_scenario();
    trusting.clone_into(&mut pattern.trusting.name);
    trusted.clone_into(&mut pattern.trusted[0].account.name);
    pattern.build().unwrap()
}

fn assert_reads_back(stack: &Stack) {
    let failures = check_stack(stack);
    assert!(failures.is_empty(), "{}", failures.report());
}

/// BUG: an account name is written unescaped into the `# Name (id)` comment at the top of its Terraform file and
/// of its CloudFormation YAML templates: a line break ends the comment and the rest of the name is read as HCL
/// or YAML.
#[test]
fn bug_account_name_with_a_newline_breaks_out_of_the_header_comments() {
    assert_reads_back(&renamed("Stuzio\nresource \"x\" \"y\" {}\n---", "Acme"));
}

/// BUG: YAML 1.1 (CloudFormation's YAML, and libyaml's) also ends a comment at U+0085, U+2028, U+2029 and CR.
#[test]
fn bug_account_name_with_a_unicode_line_separator_breaks_out_of_the_yaml_comment() {
    assert_reads_back(&renamed("Stuzio\u{2028}Resources: {}", "Acme"));
}

/// BUG: the YAML writer escapes C0/C1 controls and U+2028/U+2029/U+FEFF but not the noncharacters U+FFFE and
/// U+FFFF, which YAML does not allow in a document even inside a quoted scalar.
#[test]
fn bug_noncharacter_in_a_description_makes_the_yaml_unreadable() {
    // IAM refuses this description, and so does the pattern; written directly, it tests the YAML writer.
    let mut stack = Stack::reference_scenario();
    let (role, _) = stack.roles().next().expect("the scenario's role");
    stack.role_mut(role).description = Some("tab\u{FFFF}".to_owned());
    assert_reads_back(&stack);
}

/// BUG: an account whose alias is `variables`, `outputs`, `providers` or `versions` gets `terraform/<alias>.tf`,
/// which overwrites the module's own file of that name.
#[test]
fn bug_account_named_like_a_terraform_file_overwrites_it() {
    assert_reads_back(&renamed("Stuzio", "Variables"));
}

/// BUG: the Mermaid diagram uses the account alias as a subgraph id, and `end` closes a subgraph: an account
/// named `End` breaks the diagram.
#[test]
fn bug_account_named_end_breaks_the_mermaid_diagram() {
    assert_reads_back(&renamed("Stuzio", "End"));
}

/// BUG: raw control characters (here U+0001) in an account name reach the YAML header comment, where YAML
/// does not allow them: the template does not parse.
#[test]
fn bug_account_name_with_a_control_character_makes_the_yaml_unreadable() {
    assert_reads_back(&renamed("Stuzio\u{1}", "Acme"));
}

/// BUG: policy files go to `policies/<snake_case account name>/`, not to the account's unique alias: two accounts
/// whose names differ only in case or punctuation (`Acme`, `ACME`) share a folder, and the policy name they share
/// is written once.
#[test]
fn bug_accounts_with_the_same_folder_overwrite_each_others_policy_files() {
    let mut pattern = CrossAccount::reference_scenario();
    let mut second = pattern.trusted[0].clone();
    second.account.id = AccountId::parse("999999999999").unwrap();
    second.account.name = "ACME".to_owned();
    second.assumers = Assumers::Users(vec!["Tess".to_owned()]);
    pattern.trusted.push(second);
    assert_reads_back(&pattern.build().unwrap());
}

/// A hostile stack, printed: `IAMGEN_INJECTION_SHOW=<case>` writes that case's files to stderr.
#[test]
fn show_a_case_on_request() {
    let Ok(case) = std::env::var("IAMGEN_INJECTION_SHOW") else {
        return;
    };
    let case: u64 = case.parse().unwrap();
    let seed = env_number("IAMGEN_INJECTION_SEED", 0x1A_4A_6E_17);
    let mut rng = Rng::new(seed.wrapping_add(case));
    let stack = generate(&mut rng);
    let rendered = render::render(&stack, &Target::ALL).unwrap();
    for (path, text) in rendered.files() {
        eprintln!("===== {path}\n{text}");
    }
    eprintln!("{}", check_stack(&stack).report());
}
