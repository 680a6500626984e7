//! A policy read out of a template, as a located tree: every value with the bytes of the template it came
//! from, and the values the template leaves to deploy time (a variable, a reference, an intrinsic function)
//! kept as typed unknowns rather than guessed.
//!
//! The linter reads JSON text, so the tree is rendered twice to JSON, each time with other stand-ins for the
//! unknowns ([`Variant::A`] and [`Variant::B`]), each stand-in a valid value of its type and place (an account
//! id, a bucket's ARN, an action). A finding that touches an unknown is kept only when both renderings give it:
//! then it does not depend on the unknown's value, and it says what it assumed. The findings are then moved from
//! the rendered text to the template's own bytes.

use std::ops::Range;

use iamgen_runtime::diagnostic::Diagnostic;
use iamgen_runtime::source::Span;

/// A byte range of the template file.
pub(crate) type At = Range<usize>;

/// A value with the template bytes it was read from.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) at: At,
    pub(crate) value: Value,
}

/// A value of the tree.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string: literal text and unknowns, in order.
    Text(Vec<Piece>),
    List(Vec<Node>),
    Map(Vec<Entry>),
    /// A whole value known only at deploy time.
    Unknown(Unknown),
}

/// One `key: value` of a map.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) key: Vec<Piece>,
    pub(crate) key_at: At,
    pub(crate) value: Node,
}

/// A part of a string.
#[derive(Debug, Clone)]
pub(crate) enum Piece {
    /// Text as the template spells it once decoded; `runs` says where its bytes are in the template:
    /// `(offset in text, offset in the file)`, each run one to one up to the next (none when not known).
    Literal {
        text: String,
        runs: Vec<(usize, usize)>,
    },
    Unknown(Unknown),
}

/// A value known only at deploy time.
#[derive(Debug, Clone)]
pub(crate) struct Unknown {
    /// As the template writes it: `var.account_id`, `aws_s3_bucket.logs.arn`, `!Ref BucketName`.
    pub(crate) written: String,
    /// What it is known to be.
    pub(crate) ty: Ty,
    pub(crate) at: At,
}

/// What an unknown is known to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    /// Nothing more than its place in the policy says.
    Any,
    AccountId,
    Region,
    Partition,
    /// The ARN of a resource of this kind.
    Arn(ArnOf),
    /// The name of a resource of this kind (a bucket's, a role's).
    Name(ArnOf),
}

/// The kinds of resource whose ARNs a reference can stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArnOf {
    S3Bucket,
    IamRole,
    IamUser,
    IamGroup,
    IamPolicy,
    KmsKey,
    SqsQueue,
    SnsTopic,
    LambdaFunction,
    DynamoDbTable,
    /// A resource of another kind.
    Other,
}

impl ArnOf {
    fn describe(self) -> &'static str {
        match self {
            ArnOf::S3Bucket => "an S3 bucket",
            ArnOf::IamRole => "an IAM role",
            ArnOf::IamUser => "an IAM user",
            ArnOf::IamGroup => "an IAM group",
            ArnOf::IamPolicy => "an IAM policy",
            ArnOf::KmsKey => "a KMS key",
            ArnOf::SqsQueue => "an SQS queue",
            ArnOf::SnsTopic => "an SNS topic",
            ArnOf::LambdaFunction => "a Lambda function",
            ArnOf::DynamoDbTable => "a DynamoDB table",
            ArnOf::Other => "a resource",
        }
    }
}

impl Unknown {
    /// The unknown as an interpolation: `${var.account_id}`, `${!Ref Bucket}`.
    pub(crate) fn interpolation(&self) -> String {
        if self.written.starts_with("${") {
            self.written.clone()
        } else {
            format!("${{{}}}", self.written)
        }
    }

    /// What the unknown is known to be, for a finding that assumed it.
    pub(crate) fn ty_described(&self) -> String {
        self.ty.describe()
    }
}

impl Ty {
    /// What the finding assumed, for its message.
    fn describe(self) -> String {
        match self {
            Ty::Any => "a value unknown here".to_owned(),
            Ty::AccountId => "an account id".to_owned(),
            Ty::Region => "a region".to_owned(),
            Ty::Partition => "a partition".to_owned(),
            Ty::Arn(of) => format!("the ARN of {}", of.describe()),
            Ty::Name(of) => format!("the name of {}", of.describe()),
        }
    }
}

impl Node {
    pub(crate) fn new(at: At, value: Value) -> Self {
        Node { at, value }
    }

    /// A string read from `at` with no unknown, one to one with the template's bytes from `exact` when given.
    pub(crate) fn text(at: At, text: impl Into<String>, exact: Option<usize>) -> Self {
        Node {
            at,
            value: Value::Text(vec![Piece::literal(text, exact)]),
        }
    }

    /// The member `key` of a map, when the key is literal.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|entry| literal(&entry.key).as_deref() == Some(key))
                .map(|entry| &entry.value),
            _ => None,
        }
    }

    /// The string, when it has no unknown.
    pub(crate) fn as_literal(&self) -> Option<String> {
        match &self.value {
            Value::Text(pieces) => literal(pieces),
            _ => None,
        }
    }

    /// The node as one unknown (a value the reader could not use as it is, such as a document of another file).
    pub(crate) fn into_unknown(self) -> Node {
        let at = self.at.clone();
        Node::new(at, Value::Unknown(self.into_unknown_value()))
    }

    /// The unknown this node is, or one standing for it.
    pub(crate) fn into_unknown_value(self) -> Unknown {
        match self.value {
            Value::Unknown(unknown) => unknown,
            _ => Unknown {
                written: String::new(),
                ty: Ty::Any,
                at: self.at,
            },
        }
    }
}

impl Piece {
    pub(crate) fn literal(text: impl Into<String>, exact: Option<usize>) -> Self {
        Piece::Literal {
            text: text.into(),
            runs: exact.map(|at| vec![(0, at)]).unwrap_or_default(),
        }
    }
}

/// The text of pieces that hold no unknown.
pub(crate) fn literal(pieces: &[Piece]) -> Option<String> {
    let mut text = String::new();
    for piece in pieces {
        match piece {
            Piece::Literal { text: part, .. } => text.push_str(part),
            Piece::Unknown(_) => return None,
        }
    }
    Some(text)
}

/// Which stand-ins the unknowns get in a rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Variant {
    A,
    B,
    /// Each unknown as the template writes it (`${var.account_id}`), as `hcl2json` shows one: the document
    /// iamgen read, for people and for comparing with other readers.
    Written,
}

/// A policy tree rendered as JSON text, with the way back to the template.
#[derive(Debug)]
pub(crate) struct Rendered {
    pub(crate) text: String,
    /// For each value rendered: its bytes in `text`, and where it came from.
    spans: Vec<(Range<usize>, At)>,
    /// Literal runs rendered byte for byte: `(bytes in text, offset in the file)`.
    exact: Vec<(Range<usize>, usize)>,
    /// The stand-ins: their bytes in `text`, and the unknown each stands for.
    stand_ins: Vec<(Range<usize>, Unknown, String)>,
    /// Statements left out because they are unknown as a whole.
    pub(crate) unknown_statements: Vec<Unknown>,
}

/// Where in a policy a value stands, which decides its stand-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Other,
    Version,
    Sid,
    Effect,
    Statements,
    Statement,
    Action,
    Resource,
    Principal,
    PrincipalAws,
    PrincipalService,
    PrincipalFederated,
    /// The `Condition` map: operators to maps of keys.
    Condition,
    /// An operator's map of keys to values, and the kind of value the operator compares.
    ConditionKeys(ValueKind),
    /// A key of the `Condition` map.
    ConditionOperator,
    /// A key of an operator's map.
    ConditionKey,
    ConditionValue(ValueKind),
}

/// What a condition operator compares, for a stand-in of the right type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ValueKind {
    Text,
    Bool,
    Number,
    Date,
    Ip,
    Arn,
}

fn value_kind(operator: &str) -> ValueKind {
    let operator = operator.rsplit(':').next().unwrap_or(operator);
    let operator = operator.strip_suffix("IfExists").unwrap_or(operator);
    if operator == "Bool" || operator == "Null" {
        ValueKind::Bool
    } else if operator.starts_with("Numeric") {
        ValueKind::Number
    } else if operator.starts_with("Date") {
        ValueKind::Date
    } else if operator.ends_with("IpAddress") {
        ValueKind::Ip
    } else if operator.starts_with("Arn") {
        ValueKind::Arn
    } else {
        ValueKind::Text
    }
}

/// The slot of a member `key` in a value of slot `parent`.
fn child_slot(parent: Slot, key: &str) -> Slot {
    match (parent, key) {
        (Slot::Other, "Version") => Slot::Version,
        (Slot::Other, "Statement") => Slot::Statements,
        (Slot::Statement, "Sid") => Slot::Sid,
        (Slot::Statement, "Effect") => Slot::Effect,
        (Slot::Statement, "Action" | "NotAction") => Slot::Action,
        (Slot::Statement, "Resource" | "NotResource") => Slot::Resource,
        (Slot::Statement, "Principal" | "NotPrincipal") => Slot::Principal,
        (Slot::Statement, "Condition") => Slot::Condition,
        (Slot::Principal, "AWS") => Slot::PrincipalAws,
        (Slot::Principal, "Service") => Slot::PrincipalService,
        (Slot::Principal, "Federated") => Slot::PrincipalFederated,
        (Slot::Condition, operator) => Slot::ConditionKeys(value_kind(operator)),
        (Slot::ConditionKeys(kind), _) => Slot::ConditionValue(kind),
        _ => Slot::Other,
    }
}

/// Condition operators standing for unknown ones, each unknown its own, and the two variants' apart: rarely
/// written, so that a stand-in is not taken for a duplicate of an operator the policy writes (the provider
/// merges blocks of the same test).
const OPERATORS_A: &[&str] = &[
    "StringNotEqualsIgnoreCaseIfExists",
    "StringEqualsIgnoreCaseIfExists",
    "ArnNotLikeIfExists",
    "ArnNotEqualsIfExists",
];
const OPERATORS_B: &[&str] = &[
    "StringNotLikeIfExists",
    "ArnLikeIfExists",
    "ArnEqualsIfExists",
    "StringLikeIfExists",
];

/// The stand-in for a whole string value of `ty` in `slot`; `n` numbers the unknowns of a policy, so that no
/// two stand-ins are equal where equal values would be a finding (two `Sid`s, two condition keys).
fn whole_stand_in(ty: Ty, slot: Slot, variant: Variant, n: usize) -> String {
    let a = variant == Variant::A;
    let pick = |x: &str, y: &str| if a { x } else { y }.to_owned();
    let name = || format!("iamgenunknown{}{n}", if a { 'a' } else { 'b' });
    match ty {
        Ty::AccountId => pick("111111111111", "222222222222"),
        Ty::Region => pick("us-east-1", "eu-west-1"),
        Ty::Partition => "aws".to_owned(),
        Ty::Arn(of) => arn_stand_in(of, variant, n),
        Ty::Name(_) => name(),
        Ty::Any => match slot {
            Slot::Version => "2012-10-17".to_owned(),
            Slot::Sid => format!("Unknown{}{n}", if a { 'A' } else { 'B' }),
            Slot::Effect => pick("Allow", "Deny"),
            // `*` applies to every resource: a finding that the actions match no resource is never A's.
            Slot::Action => pick("*", "ec2:DescribeInstances"),
            Slot::Resource => {
                if a {
                    format!("arn:aws:s3:::{}/*", name())
                } else {
                    "*".to_owned()
                }
            }
            Slot::Principal | Slot::PrincipalAws => {
                if a {
                    "arn:aws:iam::111111111111:root".to_owned()
                } else {
                    format!("arn:aws:iam::222222222222:role/{}", name())
                }
            }
            Slot::PrincipalService => pick("lambda.amazonaws.com", "ec2.amazonaws.com"),
            Slot::PrincipalFederated => {
                if a {
                    "cognito-identity.amazonaws.com".to_owned()
                } else {
                    format!("arn:aws:iam::222222222222:oidc-provider/{}", name())
                }
            }
            Slot::ConditionOperator => {
                let operators = if a { OPERATORS_A } else { OPERATORS_B };
                operators[n % operators.len()].to_owned()
            }
            Slot::ConditionKey => {
                if a {
                    format!("aws:PrincipalTag/{}", name())
                } else {
                    format!("aws:RequestTag/{}", name())
                }
            }
            Slot::ConditionValue(kind) => match kind {
                ValueKind::Bool => pick("true", "false"),
                ValueKind::Number => pick("1", "2"),
                ValueKind::Date => pick("2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z"),
                ValueKind::Ip => pick("10.0.0.0/8", "192.168.0.0/16"),
                ValueKind::Arn => arn_stand_in(ArnOf::Other, variant, n),
                ValueKind::Text => name(),
            },
            Slot::Other
            | Slot::Statements
            | Slot::Statement
            | Slot::Condition
            | Slot::ConditionKeys(_) => name(),
        },
    }
}

fn arn_stand_in(of: ArnOf, variant: Variant, n: usize) -> String {
    let (account, name) = match variant {
        Variant::A | Variant::Written => ("111111111111", format!("iamgenunknowna{n}")),
        Variant::B => ("222222222222", format!("iamgenunknownb{n}")),
    };
    match of {
        ArnOf::S3Bucket | ArnOf::Other => format!("arn:aws:s3:::{name}"),
        ArnOf::IamRole => format!("arn:aws:iam::{account}:role/{name}"),
        ArnOf::IamUser => format!("arn:aws:iam::{account}:user/{name}"),
        ArnOf::IamGroup => format!("arn:aws:iam::{account}:group/{name}"),
        ArnOf::IamPolicy => format!("arn:aws:iam::{account}:policy/{name}"),
        ArnOf::KmsKey => format!("arn:aws:kms:us-east-1:{account}:key/{name}"),
        ArnOf::SqsQueue => format!("arn:aws:sqs:us-east-1:{account}:{name}"),
        ArnOf::SnsTopic => format!("arn:aws:sns:us-east-1:{account}:{name}"),
        ArnOf::LambdaFunction => format!("arn:aws:lambda:us-east-1:{account}:function:{name}"),
        ArnOf::DynamoDbTable => format!("arn:aws:dynamodb:us-east-1:{account}:table/{name}"),
    }
}

/// The stand-in for an unknown inside a string, between `before` (the string's text so far) and `after` (the
/// literal text that follows it).
fn inner_stand_in(
    ty: Ty,
    slot: Slot,
    before: &str,
    after: &str,
    variant: Variant,
    n: usize,
) -> String {
    if ty != Ty::Any {
        return whole_stand_in(ty, slot, variant, n);
    }
    let a = variant == Variant::A;
    let pick = |x: &str, y: &str| if a { x } else { y }.to_owned();
    let name = || format!("iamgenunknown{}{n}", if a { 'a' } else { 'b' });
    if before.is_empty() {
        // A service's prefix (`${var.service}:Get*`, `${var.service}.amazonaws.com`), or the start of a value,
        // which decides what kind of value it is: only a full stand-in fits.
        if (slot == Slot::Action && after.starts_with(':'))
            || (slot == Slot::PrincipalService && after.starts_with('.'))
        {
            return pick("s3", "ec2");
        }
        if after.is_empty() || after.starts_with(['/', ':', '*']) {
            return whole_stand_in(ty, slot, variant, n);
        }
        return name();
    }
    if slot == Slot::Action && !before.contains(':') {
        return pick("s3", "ec2");
    }
    if let Some(fields) = before.strip_prefix("arn:") {
        // The ARN field the unknown falls in: partition, service, region, account, then the resource.
        return match fields.matches(':').count() {
            0 => "aws".to_owned(),
            1 => pick("s3", "ec2"),
            2 => pick("us-east-1", "eu-west-1"),
            3 => pick("111111111111", "222222222222"),
            _ => name(),
        };
    }
    name()
}

/// Whether B leaves `entry` of a statement out: a value known only at deploy time may be null, which leaves its
/// key out, and modules give both `actions` and `not_actions` so, one of them null. B keeps the statement
/// whole: the counterpart stays (the one that is known, else the positive one).
fn maybe_absent(entries: &[Entry], entry: &Entry) -> bool {
    let Value::Unknown(_) = entry.value.value else {
        return false;
    };
    let key = literal(&entry.key).unwrap_or_default();
    let counterpart = match key.as_str() {
        "Action" => "NotAction",
        "NotAction" => "Action",
        "Resource" => "NotResource",
        "NotResource" => "Resource",
        "Principal" => "NotPrincipal",
        "NotPrincipal" => "Principal",
        _ => return false,
    };
    let Some(other) = entries
        .iter()
        .find(|other| literal(&other.key).as_deref() == Some(counterpart))
    else {
        return false;
    };
    key.starts_with("Not") || !matches!(other.value.value, Value::Unknown(_))
}

struct Renderer {
    variant: Variant,
    /// Unknowns rendered so far.
    unknowns: usize,
    out: Rendered,
}

impl Rendered {
    /// Renders `node`, a policy document, with `variant`'s stand-ins.
    pub(crate) fn new(node: &Node, variant: Variant) -> Self {
        let mut renderer = Renderer {
            variant,
            unknowns: 0,
            out: Rendered {
                text: String::new(),
                spans: Vec::new(),
                exact: Vec::new(),
                stand_ins: Vec::new(),
                unknown_statements: Vec::new(),
            },
        };
        renderer.value(node, Slot::Other, 0);
        renderer.out
    }

    /// Whether the rendering has any stand-in.
    pub(crate) fn has_stand_ins(&self) -> bool {
        !self.stand_ins.is_empty()
    }

    /// The unknowns whose stand-ins the bytes `span` of the text hold or are held by.
    pub(crate) fn touched_unknowns(&self, span: Span) -> Vec<&Unknown> {
        let (start, end) = (span.start as usize, span.end as usize);
        let mut touched: Vec<&Unknown> = Vec::new();
        for (range, unknown, _) in &self.stand_ins {
            if range.start < end.max(start + 1)
                && start < range.end
                && !touched.iter().any(|seen| seen.written == unknown.written)
            {
                touched.push(unknown);
            }
        }
        touched
    }

    /// Writes the unknowns as the template does where the finding quotes a stand-in, and drops a suggestion
    /// made of one.
    pub(crate) fn name_unknowns(&self, finding: &mut Diagnostic) {
        // Longest first, so that a stand-in is never replaced inside a longer one.
        let mut stand_ins: Vec<&(Range<usize>, Unknown, String)> = self.stand_ins.iter().collect();
        stand_ins.sort_by_key(|(_, _, stand_in)| std::cmp::Reverse(stand_in.len()));
        for (_, unknown, stand_in) in stand_ins {
            if stand_in.len() < 4 {
                continue;
            }
            let written = &unknown.written;
            if finding.message.contains(stand_in.as_str()) {
                finding.message = finding.message.replace(stand_in.as_str(), written);
            }
            if let Some(help) = &mut finding.help {
                *help = help.replace(stand_in.as_str(), written);
            }
            if finding
                .suggestion
                .as_deref()
                .is_some_and(|suggestion| suggestion.contains(stand_in.as_str()))
            {
                finding.suggestion = None;
            }
        }
    }

    /// The template offset of byte `offset` of the text: exact inside a literal rendered byte for byte, else
    /// the start of the innermost value holding it.
    fn file_offset(&self, offset: usize) -> usize {
        if let Some((range, at)) = self
            .exact
            .iter()
            .find(|(range, _)| range.start <= offset && offset < range.end)
        {
            return at + (offset - range.start);
        }
        self.spans
            .iter()
            .filter(|(range, _)| range.start <= offset && offset < range.end.max(range.start + 1))
            .min_by_key(|(range, _)| range.len())
            .or_else(|| self.spans.first())
            .map_or(0, |(_, at)| at.start)
    }

    /// The template span of the text's `span`.
    pub(crate) fn file_span(&self, span: Span) -> Span {
        let start = self.file_offset(span.start as usize);
        let end = if span.end > span.start {
            let last = self.file_offset(span.end as usize - 1) + 1;
            // A finding over a whole value ends where that value ends in the template.
            let value_end = self
                .spans
                .iter()
                .find(|(range, _)| {
                    range.start == span.start as usize && range.end == span.end as usize
                })
                .map(|(_, at)| at.end);
            value_end.unwrap_or(last).max(start)
        } else {
            start
        };
        Span::new(start, end)
    }
}

impl Renderer {
    fn value(&mut self, node: &Node, slot: Slot, depth: usize) {
        let start = self.out.text.len();
        match &node.value {
            Value::Null => self.out.text.push_str("null"),
            Value::Bool(value) => self
                .out
                .text
                .push_str(if *value { "true" } else { "false" }),
            Value::Number(number) => self.out.text.push_str(number),
            Value::Text(pieces) => self.string(pieces, slot),
            Value::List(items) => {
                self.out.text.push('[');
                let item_slot = if slot == Slot::Statements {
                    Slot::Statement
                } else {
                    slot
                };
                let mut first = true;
                for item in items {
                    if !first {
                        self.out.text.push(',');
                    }
                    first = false;
                    self.newline(depth + 1);
                    self.value(item, item_slot, depth + 1);
                }
                if !first {
                    self.newline(depth);
                }
                self.out.text.push(']');
            }
            Value::Map(entries) => {
                self.out.text.push('{');
                let mut first = true;
                for entry in entries {
                    if self.variant == Variant::B
                        && slot == Slot::Statement
                        && maybe_absent(entries, entry)
                    {
                        continue;
                    }
                    if !first {
                        self.out.text.push(',');
                    }
                    first = false;
                    self.newline(depth + 1);
                    let key_slot = match slot {
                        Slot::Condition => Slot::ConditionOperator,
                        Slot::ConditionKeys(_) => Slot::ConditionKey,
                        _ => Slot::Other,
                    };
                    let key_start = self.out.text.len();
                    self.string(&entry.key, key_slot);
                    self.out
                        .spans
                        .push((key_start..self.out.text.len(), entry.key_at.clone()));
                    self.out.text.push_str(": ");
                    let key = literal(&entry.key).unwrap_or_default();
                    let value_slot = child_slot(slot, &key);
                    self.value(&entry.value, value_slot, depth + 1);
                }
                if !first {
                    self.newline(depth);
                }
                self.out.text.push('}');
            }
            Value::Unknown(unknown) => self.unknown(unknown, slot),
        }
        self.out
            .spans
            .push((start..self.out.text.len(), node.at.clone()));
    }

    fn newline(&mut self, depth: usize) {
        self.out.text.push('\n');
        for _ in 0..depth {
            self.out.text.push_str("  ");
        }
    }

    fn string(&mut self, pieces: &[Piece], slot: Slot) {
        self.out.text.push('"');
        let mut so_far = String::new();
        for (index, piece) in pieces.iter().enumerate() {
            match piece {
                Piece::Literal { text, runs } => {
                    let start = self.out.text.len();
                    let mut escaped = String::new();
                    iamgen_runtime::json::write_string(&mut escaped, text);
                    let escaped = &escaped[1..escaped.len() - 1];
                    self.out.text.push_str(escaped);
                    if escaped.len() == text.len() {
                        for (index, (from, at)) in runs.iter().enumerate() {
                            let to = runs.get(index + 1).map_or(text.len(), |next| next.0);
                            self.out.exact.push((start + from..start + to, *at));
                        }
                    }
                    so_far.push_str(text);
                }
                Piece::Unknown(unknown) => {
                    let after = match pieces.get(index + 1) {
                        Some(Piece::Literal { text, .. }) => text.as_str(),
                        _ => "",
                    };
                    let stand_in = if self.variant == Variant::Written {
                        unknown.interpolation()
                    } else {
                        inner_stand_in(
                            unknown.ty,
                            slot,
                            &so_far,
                            after,
                            self.variant,
                            self.unknowns,
                        )
                    };
                    self.unknowns += 1;
                    let start = self.out.text.len();
                    self.out.text.push_str(&stand_in);
                    // In an ARN's partition, region or account field, the unknown is known to be one.
                    let mut unknown = unknown.clone();
                    if unknown.ty == Ty::Any
                        && let Some(fields) = so_far.strip_prefix("arn:")
                        && !after.is_empty()
                    {
                        unknown.ty = match fields.matches(':').count() {
                            0 => Ty::Partition,
                            2 => Ty::Region,
                            3 => Ty::AccountId,
                            _ => Ty::Any,
                        };
                    }
                    self.out
                        .spans
                        .push((start..self.out.text.len(), unknown.at.clone()));
                    self.out.stand_ins.push((
                        start..self.out.text.len(),
                        unknown,
                        stand_in.clone(),
                    ));
                    so_far.push_str(&stand_in);
                }
            }
        }
        self.out.text.push('"');
    }

    fn unknown(&mut self, unknown: &Unknown, slot: Slot) {
        const DENY: &str = r#"{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}"#;
        self.unknowns += 1;
        let start = self.out.text.len();
        if self.variant == Variant::Written {
            iamgen_runtime::json::write_string(&mut self.out.text, &unknown.interpolation());
            return;
        }
        let b = self.variant == Variant::B;
        // Whole unknown maps and lists get stand-ins that differ in shape between the variants, so that a finding
        // about the shape (no statement, an empty condition) is given by one only, and dropped.
        match slot {
            Slot::Statements if b => {
                self.out.text.push('[');
                self.out.text.push_str(DENY);
                self.out.text.push(']');
            }
            Slot::Statements => self.out.text.push_str("[]"),
            Slot::Statement if b => self.out.text.push_str(DENY),
            Slot::Condition if b => self
                .out
                .text
                .push_str(r#"{"StringEquals": {"aws:SourceAccount": "222222222222"}}"#),
            Slot::Condition | Slot::Statement => self.out.text.push_str("{}"),
            Slot::Principal if b => self
                .out
                .text
                .push_str(r#"{"Service": "ec2.amazonaws.com"}"#),
            Slot::Principal => self
                .out
                .text
                .push_str(r#"{"AWS": "arn:aws:iam::111111111111:root"}"#),
            _ => {
                let stand_in = whole_stand_in(unknown.ty, slot, self.variant, self.unknowns);
                iamgen_runtime::json::write_string(&mut self.out.text, &stand_in);
                if matches!(slot, Slot::Statements | Slot::Statement) {
                    self.out.unknown_statements.push(unknown.clone());
                }
                // The string's text, as findings quote it.
                self.out
                    .stand_ins
                    .push((start..self.out.text.len(), unknown.clone(), stand_in));
                return;
            }
        }
        if matches!(slot, Slot::Statements | Slot::Statement) {
            self.out.unknown_statements.push(unknown.clone());
        }
        let text = self.out.text[start..].to_owned();
        self.out
            .stand_ins
            .push((start..self.out.text.len(), unknown.clone(), text));
    }
}
