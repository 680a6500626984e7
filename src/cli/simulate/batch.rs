//! `iamgen simulate --batch FILE|-`: one request a line in (JSON Lines), one decision a line out, in one process,
//! with each policy file read and parsed once for the whole batch.
//!
//! A line is a JSON object:
//!
//! ```text
//! {"principal": "...", "action": "...", "resource": "...",            required
//!  "context": {"KEY": "VALUE" | ["V1", "V2"] | []},                    optional
//!  "via_role": "ROLE",                                                 stack mode
//!  "identity": [POLICY], "resource_policy": POLICY, "boundary": POLICY, loose mode
//!  "session_policy": POLICY, "scp": [POLICY], "rcp": [POLICY],
//!  "resource_account": "ID", "management_account": true,
//!  "id": ANY}                                                          echoed
//! ```
//!
//! A POLICY is a file's path or the policy itself (a JSON object). A line that names a policy is decided in
//! loose mode, as `--identity ...` would; one that names none is decided over the stack (`--spec`, or the
//! reference scenario), as `--principal NAME [--via-role ROLE]` would. `--scp` and `--rcp` on the command line
//! hold for every line (a line's own `scp` and `rcp` replace them in loose mode).
//!
//! Each output line is `{"line": N, "id"?, "decision", "steps"}`, the JSON the one-request form prints, or
//! `{"line": N, "id"?, "error"}` for a line that cannot be decided; the others are still decided.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::io::{BufRead, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use iamgen_runtime::PolicyDocument;
use iamgen_runtime::eval::batch::{BatchRequest, PolicyId, PolicySet};
use iamgen_runtime::eval::chain::{Organization, Request, Simulation, Simulator, Step};
use iamgen_runtime::eval::{Context, Evaluation};
use iamgen_runtime::stack::Stack;
use serde::{Deserialize, Serialize};

use super::{SimulateArgs, load_stack_in_organization, read_policy};
use crate::cli::exit;

/// The longest line read: far above any request with its context, well below what would exhaust memory.
const MAX_LINE_BYTES: u64 = 4 << 20;

/// One request line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    principal: String,
    action: String,
    resource: String,
    #[serde(default)]
    context: HashMap<String, ContextValue>,
    via_role: Option<String>,
    identity: Option<Vec<PolicySource>>,
    resource_policy: Option<PolicySource>,
    boundary: Option<PolicySource>,
    session_policy: Option<PolicySource>,
    scp: Option<Vec<PolicySource>>,
    rcp: Option<Vec<PolicySource>>,
    resource_account: Option<String>,
    management_account: Option<bool>,
    id: Option<serde_json::Value>,
}

/// A value of the request context: one, several, or (`[]`) a key present with none.
#[derive(Deserialize)]
#[serde(untagged)]
enum ContextValue {
    One(Scalar),
    Many(Vec<Scalar>),
}

/// A context value as JSON writes it; booleans and numbers stand for their text (`true`, `5`).
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Text(String),
    Flag(bool),
    Number(serde_json::Number),
}

impl Scalar {
    fn into_text(self) -> String {
        match self {
            Scalar::Text(text) => text,
            Scalar::Flag(flag) => flag.to_string(),
            Scalar::Number(number) => number.to_string(),
        }
    }
}

/// Where a line's policy is: a file (read once for the batch) or the line itself.
#[derive(Deserialize)]
#[serde(untagged)]
enum PolicySource {
    File(String),
    Inline(serde_json::Value),
}

/// What the batch shares across lines: the policies read so far, the stack and its organization (loaded, and
/// indexed, once a line needs them), and the command line's control policies for loose lines.
struct Batch<'s> {
    args: &'s SimulateArgs,
    policies: PolicySet,
    /// Each file read, by the path as lines write it: the policy, or why it cannot be read.
    files: HashMap<String, Result<PolicyId, String>>,
    stack: &'s OnceCell<(Stack, Organization)>,
    simulator: Option<Simulator<'s>>,
}

pub(super) fn run(args: &SimulateArgs, input: &Path) -> u8 {
    let reader: Box<dyn BufRead> = if input == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        match std::fs::File::open(input) {
            Ok(file) => Box::new(std::io::BufReader::with_capacity(1 << 16, file)),
            Err(error) => {
                eprintln!(
                    "error: cannot read the batch `{}`: {error}\n  help: give a JSON Lines file, or `-` for standard input",
                    input.display()
                );
                return exit::BAD_INPUT;
            }
        }
    };
    let stack = OnceCell::new();
    let mut batch = Batch {
        args,
        policies: PolicySet::new(),
        files: HashMap::new(),
        stack: &stack,
        simulator: None,
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    match batch.each_line(reader, &mut out) {
        Ok(bad) => {
            if out.flush().is_err() {
                return exit::BAD_INPUT;
            }
            if bad == 0 { exit::OK } else { exit::BAD_INPUT }
        }
        Err(message) => {
            let _ = out.flush();
            eprintln!("{message}");
            exit::BAD_INPUT
        }
    }
}

impl<'s> Batch<'s> {
    /// Decides every line of `reader` into `out`; the number of lines that could not be decided, or why the
    /// batch stopped (input or output failed, the stack cannot be loaded).
    fn each_line(
        &mut self,
        mut reader: impl BufRead,
        out: &mut impl Write,
    ) -> Result<usize, String> {
        let mut text = String::new();
        let mut bad = 0;
        for number in 1.. {
            text.clear();
            let read = (&mut reader)
                .take(MAX_LINE_BYTES + 1)
                .read_line(&mut text)
                .map_err(|error| format!("error: line {number} of the batch: {error}"))?;
            if read == 0 {
                break;
            }
            if read as u64 > MAX_LINE_BYTES && !text.ends_with('\n') {
                skip_rest_of_line(&mut reader)
                    .map_err(|error| format!("error: line {number} of the batch: {error}"))?;
                bad += 1;
                let message = format!("the line is over {MAX_LINE_BYTES} bytes");
                write_error(out, number, None, &message)?;
                continue;
            }
            if text.trim().is_empty() {
                continue;
            }
            let line = match serde_json::from_str::<Line>(&text) {
                Ok(line) => line,
                Err(error) => {
                    bad += 1;
                    let message = format!("not a request: {error}");
                    write_error(out, number, None, &message)?;
                    continue;
                }
            };
            let id = line.id.clone();
            match self.decide(line)? {
                Ok(simulation) => write_simulation(out, number, id.as_ref(), &simulation)?,
                Err(message) => {
                    bad += 1;
                    write_error(out, number, id.as_ref(), &message)?;
                }
            }
        }
        Ok(bad)
    }

    /// One line's decision, or why it has none; `Err` from the outer result stops the batch.
    fn decide(&mut self, mut line: Line) -> Result<Result<Simulation, String>, String> {
        let loose = line.identity.is_some()
            || line.resource_policy.is_some()
            || line.boundary.is_some()
            || line.session_policy.is_some()
            || line.resource_account.is_some()
            || line.management_account.is_some();
        let context = context_of(std::mem::take(&mut line.context));
        if loose {
            return Ok(self.loose(line, context));
        }
        if line.scp.is_some() || line.rcp.is_some() {
            return Ok(Err(
                "`scp` and `rcp` go with loose mode (a line that names its policies); over the stack, give \
                 `--scp` and `--rcp` on the command line"
                    .to_owned(),
            ));
        }
        if self.simulator.is_none() {
            let args = self.args;
            if self.stack.get().is_none() {
                let loaded = load_stack_in_organization(args.spec.as_deref(), &args.scp, &args.rcp)
                    .ok_or_else(|| {
                        "error: the batch's stack cannot be loaded (see above)".to_owned()
                    })?;
                let _ = self.stack.set(loaded);
            }
            let cell: &'s OnceCell<(Stack, Organization)> = self.stack;
            if let Some((stack, organization)) = cell.get() {
                self.simulator = Some(Simulator::new(stack, organization));
            }
        }
        let Some(simulator) = &self.simulator else {
            return Err("error: the batch's stack cannot be loaded".to_owned());
        };
        let request = Request {
            principal: &line.principal,
            action: &line.action,
            resource: &line.resource,
            via_role: line.via_role.as_deref(),
            context,
        };
        Ok(simulator
            .simulate(&request)
            .map_err(|error| error.to_string()))
    }

    /// A loose line: its policies (files read once for the batch), then one decision.
    fn loose(&mut self, line: Line, context: Context) -> Result<Simulation, String> {
        if line.via_role.is_some() {
            return Err(
                "`via_role` goes with stack mode: a line that names its policies is decided as given".to_owned(),
            );
        }
        if !line.principal.starts_with("arn:") && !line.principal.ends_with(".amazonaws.com") {
            return Err(format!(
                "in loose mode the principal is an ARN (`arn:aws:iam::111122223333:user/alice`) or a service \
                 principal, not {:?}",
                line.principal
            ));
        }
        let mut request = BatchRequest::new(&line.principal, &line.action, &line.resource);
        request.context = context;
        request.resource_account = line.resource_account;
        request.caller_is_management_account = line.management_account.unwrap_or(false);
        for (index, source) in line.identity.into_iter().flatten().enumerate() {
            request
                .identity
                .push(self.policy(source, &format!("identity[{index}]"))?);
        }
        request.resource_policy = line
            .resource_policy
            .map(|source| self.policy(source, "resource_policy"))
            .transpose()?;
        request.boundary = line
            .boundary
            .map(|source| self.policy(source, "boundary"))
            .transpose()?;
        request.session = line
            .session_policy
            .map(|source| self.policy(source, "session_policy"))
            .transpose()?;
        request.scps = self.levels(line.scp, "scp", |args| &args.scp)?;
        request.rcps = self.levels(line.rcp, "rcp", |args| &args.rcp)?;
        let evaluation = self.policies.evaluate(&request);
        Ok(one_step(&request, evaluation))
    }

    /// The control policies of a loose line, one level each: its own, else the command line's.
    fn levels(
        &mut self,
        given: Option<Vec<PolicySource>>,
        field: &str,
        flag: fn(&SimulateArgs) -> &Vec<String>,
    ) -> Result<Vec<Vec<PolicyId>>, String> {
        let sources = match given {
            Some(sources) => sources,
            None => flag(self.args)
                .iter()
                .cloned()
                .map(PolicySource::File)
                .collect(),
        };
        sources
            .into_iter()
            .enumerate()
            .map(|(index, source)| Ok(vec![self.policy(source, &format!("{field}[{index}]"))?]))
            .collect()
    }

    /// The set's id of a line's policy: a file read once for the batch, or the line's own.
    fn policy(&mut self, source: PolicySource, field: &str) -> Result<PolicyId, String> {
        match source {
            PolicySource::File(path) => {
                if let Some(known) = self.files.get(&path) {
                    return known.clone();
                }
                let read = read_policy(&PathBuf::from(&path))
                    .map_err(|error| error.trim_start_matches("error: ").to_owned())
                    .map(|document| self.policies.insert(path.clone(), document));
                self.files.insert(path, read.clone());
                read
            }
            PolicySource::Inline(value) => {
                let text = value.to_string();
                let document = PolicyDocument::from_json(&text)
                    .map_err(|error| format!("`{field}` is not a policy: {error}"))?;
                Ok(self.policies.insert(field, document))
            }
        }
    }
}

/// The one-request form's loose mode, as a batch of one line: the flags' files become the line's.
pub(super) fn decide_loose(
    args: &SimulateArgs,
    one: &super::One<'_>,
    context: Context,
) -> Result<Simulation, String> {
    let file = |path: &PathBuf| PolicySource::File(path.display().to_string());
    let line = Line {
        principal: one.principal.to_owned(),
        action: one.action.to_owned(),
        resource: one.resource.to_owned(),
        context: HashMap::new(),
        via_role: None,
        identity: Some(args.identity.iter().map(file).collect()),
        resource_policy: args.resource_policy.as_ref().map(file),
        boundary: args.boundary.as_ref().map(file),
        session_policy: args.session_policy.as_ref().map(file),
        scp: None,
        rcp: None,
        resource_account: args.resource_account.clone(),
        management_account: Some(args.management_account),
        id: None,
    };
    let stack = OnceCell::new();
    let mut batch = Batch {
        args,
        policies: PolicySet::new(),
        files: HashMap::new(),
        stack: &stack,
        simulator: None,
    };
    batch.loose(line, context)
}

/// A line's context, as `--context` builds one: `[]` is a key present with no values. Keys are taken in
/// sorted order, so that a decision never depends on how a map was hashed.
fn context_of(given: HashMap<String, ContextValue>) -> Context {
    let mut given: Vec<(String, ContextValue)> = given.into_iter().collect();
    given.sort_by(|(a, _), (b, _)| a.cmp(b));
    let mut context = Context::new();
    for (key, value) in given {
        match value {
            ContextValue::One(value) => context.add(&key, &value.into_text()),
            ContextValue::Many(values) if values.is_empty() => context.set_empty(&key),
            ContextValue::Many(values) => {
                for value in values {
                    context.add(&key, &value.into_text());
                }
            }
        }
    }
    context
}

/// A loose request's one step.
fn one_step(request: &BatchRequest, evaluation: Evaluation) -> Simulation {
    Simulation {
        decision: evaluation.decision,
        steps: vec![Step {
            caller: request.caller.arn.clone(),
            action: request.action.clone(),
            resource: request.resource.clone(),
            evaluation,
        }],
    }
}

/// Reads on to the end of an over-long line.
fn skip_rest_of_line(reader: &mut impl BufRead) -> std::io::Result<()> {
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok(());
        }
        if let Some(end) = buffer.iter().position(|byte| *byte == b'\n') {
            reader.consume(end + 1);
            return Ok(());
        }
        let length = buffer.len();
        reader.consume(length);
    }
}

/// An output line: the decision, as `simulate --format json` prints it, with the line's number and id.
#[derive(Serialize)]
struct Decided<'a> {
    line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a serde_json::Value>,
    decision: &'static str,
    steps: Vec<DecidedStep<'a>>,
}

#[derive(Serialize)]
struct DecidedStep<'a> {
    caller: &'a str,
    action: &'a str,
    resource: &'a str,
    decision: &'static str,
    deciding: Vec<DecidingStatement<'a>>,
    reasons: &'a [String],
    fix: Option<&'a str>,
}

#[derive(Serialize)]
struct DecidingStatement<'a> {
    policy: &'a str,
    statement: &'a str,
    pointer: &'a str,
    effect: &'static str,
}

/// An output line for a request that has no decision.
#[derive(Serialize)]
struct Failed<'a> {
    line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a serde_json::Value>,
    error: &'a str,
}

fn write_simulation(
    out: &mut impl Write,
    line: usize,
    id: Option<&serde_json::Value>,
    simulation: &Simulation,
) -> Result<(), String> {
    let decided = Decided {
        line,
        id,
        decision: simulation.decision.as_str(),
        steps: simulation
            .steps
            .iter()
            .map(|step| DecidedStep {
                caller: &step.caller,
                action: &step.action,
                resource: &step.resource,
                decision: step.evaluation.decision.as_str(),
                deciding: step
                    .evaluation
                    .deciding
                    .iter()
                    .map(|deciding| DecidingStatement {
                        policy: &deciding.policy,
                        statement: &deciding.statement,
                        pointer: &deciding.pointer,
                        effect: deciding.effect.as_str(),
                    })
                    .collect(),
                reasons: &step.evaluation.reasons,
                fix: step.evaluation.fix.as_deref(),
            })
            .collect(),
    };
    write_json(out, &decided)
}

fn write_error(
    out: &mut impl Write,
    line: usize,
    id: Option<&serde_json::Value>,
    error: &str,
) -> Result<(), String> {
    write_json(out, &Failed { line, id, error })
}

fn write_json(out: &mut impl Write, value: &impl Serialize) -> Result<(), String> {
    serde_json::to_writer(&mut *out, value)
        .map_err(|error| format!("error: cannot write a decision: {error}"))?;
    out.write_all(b"\n")
        .map_err(|error| format!("error: cannot write a decision: {error}"))
}
