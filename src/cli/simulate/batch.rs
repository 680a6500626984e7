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
//!
//! Lines are read and made ready one after the other (a policy file is read when a line first names it), then
//! decided on every core in groups, and written in their order: the output is the same whatever the number of
//! cores. A group ends where the input read so far ends, so that a program that writes a request and waits
//! for its answer gets it.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use iamgen_runtime::PolicyDocument;
use iamgen_runtime::eval::batch::{BatchRequest, PolicyId, PolicySet};
use iamgen_runtime::eval::chain::{Organization, Request, Simulation, Simulator, Step};
use iamgen_runtime::eval::{Context, Evaluation};
use iamgen_runtime::stack::Stack;
use serde::Serialize;

use line::{Line, LineContext, PolicySource};

mod line;

use super::{SimulateArgs, load_stack_in_organization, read_policy};
use crate::cli::exit;

/// The longest line read: far above any request with its context, well below what would exhaust memory.
const MAX_LINE_BYTES: u64 = 4 << 20;

/// How many files the batch looks up without hashing their paths.
const RECENT_FILES: usize = 16;

/// The most lines decided as one group.
const GROUP: usize = 4_096;

/// What the batch shares across lines: the policies read so far (files by path, inline policies by their
/// text), the stack and its organization (loaded, and indexed, once a line needs them), and the command line's
/// control policies for loose lines.
struct Batch<'s> {
    args: &'s SimulateArgs,
    policies: PolicySet,
    /// Each file read, by the path as lines write it: the policy, or why it cannot be read.
    files: HashMap<String, Result<PolicyId, String>>,
    /// The first files read, for the lines that name them again.
    recent: Vec<(String, PolicyId)>,
    /// Each inline policy, by its field and its JSON text.
    inline: HashMap<(String, String), PolicyId>,
    stack: &'s OnceLock<(Stack, Organization)>,
    simulator: Option<Simulator<'s>>,
}

/// A line made ready to decide: its number, its id, and its request, or why it has none.
struct Prepared {
    number: usize,
    id: Option<serde_json::Value>,
    request: Result<Ready, String>,
}

/// A request whose policies are in the batch's set.
enum Ready {
    /// Over the line's own policies.
    Loose(BatchRequest),
    /// Over the stack.
    Stack(StackLine),
}

/// A request over the stack, owned.
struct StackLine {
    principal: String,
    action: String,
    resource: String,
    via_role: Option<String>,
    context: Context,
}

/// Where a line's policy sits, for the name an inline policy is cited by and for errors.
#[derive(Clone, Copy)]
struct Field {
    name: &'static str,
    index: Option<usize>,
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.index {
            Some(index) => write!(f, "{}[{index}]", self.name),
            None => f.write_str(self.name),
        }
    }
}

pub(super) fn run(args: &SimulateArgs, input: &Path) -> u8 {
    let source: Box<dyn Read> = if input == Path::new("-") {
        Box::new(std::io::stdin())
    } else {
        match std::fs::File::open(input) {
            Ok(file) => Box::new(file),
            Err(error) => {
                eprintln!(
                    "error: cannot read the batch `{}`: {error}\n  help: give a JSON Lines file, or `-` for standard input",
                    input.display()
                );
                return exit::BAD_INPUT;
            }
        }
    };
    let reader = BufReader::with_capacity(1 << 20, source);
    let stack = OnceLock::new();
    let mut batch = Batch {
        args,
        policies: PolicySet::new(),
        files: HashMap::new(),
        recent: Vec::new(),
        inline: HashMap::new(),
        stack: &stack,
        simulator: None,
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    match batch.each_group(reader, &mut out) {
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
    /// Decides every line of `reader` into `out`, a group at a time; the number of lines that could not be
    /// decided, or why the batch stopped (input or output failed, the stack cannot be loaded).
    fn each_group<R: Read>(
        &mut self,
        mut reader: BufReader<R>,
        out: &mut impl Write,
    ) -> Result<usize, String> {
        let threads = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(16);
        let mut text = String::new();
        let mut group = Vec::with_capacity(GROUP);
        let mut bad = 0;
        let mut number = 0;
        loop {
            number += 1;
            text.clear();
            let read = (&mut reader)
                .take(MAX_LINE_BYTES + 1)
                .read_line(&mut text)
                .map_err(|error| format!("error: line {number} of the batch: {error}"))?;
            let ended = read == 0;
            if !ended {
                if read as u64 > MAX_LINE_BYTES && !text.ends_with('\n') {
                    skip_rest_of_line(&mut reader)
                        .map_err(|error| format!("error: line {number} of the batch: {error}"))?;
                    group.push(Prepared {
                        number,
                        id: None,
                        request: Err(format!("the line is over {MAX_LINE_BYTES} bytes")),
                    });
                } else if !text.trim().is_empty() {
                    group.push(self.prepare(number, &text)?);
                }
            }
            if ended || group.len() >= GROUP || (!group.is_empty() && reader.buffer().is_empty()) {
                bad += self.answer_group(&group, threads, out)?;
                group.clear();
                // Nothing more has come in: whoever writes the requests may be waiting for these answers.
                if reader.buffer().is_empty() {
                    out.flush()
                        .map_err(|error| format!("error: cannot write a decision: {error}"))?;
                }
            }
            if ended {
                return Ok(bad);
            }
        }
    }

    /// Decides a group on up to `threads` threads, and writes the answers in the lines' order.
    fn answer_group(
        &self,
        group: &[Prepared],
        threads: usize,
        out: &mut impl Write,
    ) -> Result<usize, String> {
        // Small groups are not worth a thread: a thread costs about what a few dozen decisions do.
        let threads = threads.min(group.len() / 64).max(1);
        let size = group.len().div_ceil(threads);
        let answered: Vec<(Vec<u8>, usize)> = if threads == 1 {
            vec![self.answer_part(group)]
        } else {
            std::thread::scope(|scope| {
                let parts: Vec<_> = group
                    .chunks(size)
                    .map(|part| scope.spawn(move || self.answer_part(part)))
                    .collect();
                parts
                    .into_iter()
                    .map(|part| {
                        part.join()
                            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                    })
                    .collect()
            })
        };
        let mut bad = 0;
        for (bytes, failed) in answered {
            out.write_all(&bytes)
                .map_err(|error| format!("error: cannot write a decision: {error}"))?;
            bad += failed;
        }
        Ok(bad)
    }

    /// The answers to `part`, as JSON lines, and how many of its lines could not be decided.
    fn answer_part(&self, part: &[Prepared]) -> (Vec<u8>, usize) {
        let mut out = Vec::with_capacity(part.len() * 512);
        let mut bad = 0;
        for prepared in part {
            let id = prepared.id.as_ref();
            let decided = prepared
                .request
                .as_ref()
                .map_err(Clone::clone)
                .and_then(|ready| match ready {
                    Ready::Loose(request) => Ok(one_step(request, self.policies.evaluate(request))),
                    Ready::Stack(line) => self.over_stack(line),
                });
            match decided {
                Ok(simulation) => write_simulation(&mut out, prepared.number, id, &simulation),
                Err(message) => {
                    bad += 1;
                    write_error(&mut out, prepared.number, id, &message);
                }
            }
        }
        (out, bad)
    }

    /// A request over the stack, decided.
    fn over_stack(&self, line: &StackLine) -> Result<Simulation, String> {
        let Some(simulator) = &self.simulator else {
            return Err("the batch's stack is not loaded".to_owned());
        };
        let request = Request {
            principal: &line.principal,
            action: &line.action,
            resource: &line.resource,
            via_role: line.via_role.as_deref(),
            context: line.context.clone(),
        };
        simulator
            .simulate(&request)
            .map_err(|error| error.to_string())
    }

    /// One line read and made ready: its policies in the set, the stack loaded if it asks the stack. `Err`
    /// stops the batch (the stack cannot be loaded); a line that cannot be decided is made ready as such.
    fn prepare(&mut self, number: usize, text: &str) -> Result<Prepared, String> {
        let mut line = match serde_json::from_str::<Line>(text) {
            Ok(line) => line,
            Err(error) => {
                return Ok(Prepared {
                    number,
                    id: None,
                    request: Err(format!("not a request: {error}")),
                });
            }
        };
        let id = line.id.take();
        let context = std::mem::take(&mut line.context).0;
        let request = if line.is_loose() {
            self.loose(line, context).map(Ready::Loose)
        } else if line.scp.is_some() || line.rcp.is_some() {
            Err(
                "`scp` and `rcp` go with loose mode (a line that names its policies); over the stack, give \
                 `--scp` and `--rcp` on the command line"
                    .to_owned(),
            )
        } else {
            self.load_stack()?;
            Ok(Ready::Stack(StackLine {
                principal: line.principal,
                action: line.action,
                resource: line.resource,
                via_role: line.via_role,
                context,
            }))
        };
        Ok(Prepared {
            number,
            id,
            request,
        })
    }

    /// Loads the stack and indexes it, the first time a line asks it.
    fn load_stack(&mut self) -> Result<(), String> {
        if self.simulator.is_some() {
            return Ok(());
        }
        let args = self.args;
        if self.stack.get().is_none() {
            let loaded = load_stack_in_organization(args.spec.as_deref(), &args.scp, &args.rcp)
                .ok_or_else(|| {
                    "error: the batch's stack cannot be loaded (see above)".to_owned()
                })?;
            let _ = self.stack.set(loaded);
        }
        let cell: &'s OnceLock<(Stack, Organization)> = self.stack;
        if let Some((stack, organization)) = cell.get() {
            self.simulator = Some(Simulator::new(stack, organization));
        }
        Ok(())
    }

    /// A loose line's request: its policies (files read once for the batch) in the set.
    fn loose(&mut self, line: Line, context: Context) -> Result<BatchRequest, String> {
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
        let field = |name, index| Field { name, index };
        let mut request = BatchRequest::new(&line.principal, &line.action, &line.resource);
        request.context = context;
        request.resource_account = line.resource_account;
        request.caller_is_management_account = line.management_account.unwrap_or(false);
        for (index, source) in line.identity.into_iter().flatten().enumerate() {
            let id = self.policy(source, field("identity", Some(index)))?;
            request.identity.push(id);
        }
        for (source, name, slot) in [
            (
                line.resource_policy,
                "resource_policy",
                &mut request.resource_policy,
            ),
            (line.boundary, "boundary", &mut request.boundary),
            (line.session_policy, "session_policy", &mut request.session),
        ] {
            *slot = source
                .map(|source| self.policy(source, field(name, None)))
                .transpose()?;
        }
        request.scps = self.levels(line.scp, "scp", |args| &args.scp)?;
        request.rcps = self.levels(line.rcp, "rcp", |args| &args.rcp)?;
        Ok(request)
    }

    /// The control policies of a loose line, one level each: its own, else the command line's.
    fn levels(
        &mut self,
        given: Option<Vec<PolicySource>>,
        name: &'static str,
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
            .map(|(index, source)| {
                let field = Field {
                    name,
                    index: Some(index),
                };
                Ok(vec![self.policy(source, field)?])
            })
            .collect()
    }

    /// The set's id of a line's policy: a file read once for the batch, or the line's own (parsed once per
    /// field and text).
    fn policy(&mut self, source: PolicySource, field: Field) -> Result<PolicyId, String> {
        match source {
            PolicySource::File(path) => {
                // Most batches name a few files on every line: a short list compared byte by byte finds them
                // faster than hashing each path.
                if let Some((_, id)) = self.recent.iter().find(|(known, _)| *known == path) {
                    return Ok(*id);
                }
                if let Some(known) = self.files.get(&path) {
                    if let Ok(id) = known {
                        if self.recent.len() < RECENT_FILES {
                            self.recent.push((path, *id));
                        }
                    }
                    return known.clone();
                }
                let read = read_policy(&PathBuf::from(&path))
                    .map_err(|error| error.trim_start_matches("error: ").to_owned())
                    .map(|document| self.policies.insert(path.clone(), document));
                self.files.insert(path, read.clone());
                read
            }
            PolicySource::Inline(value) => {
                let key = (field.to_string(), value.to_string());
                if let Some(known) = self.inline.get(&key) {
                    return Ok(*known);
                }
                let document = PolicyDocument::from_json(&key.1)
                    .map_err(|error| format!("`{field}` is not a policy: {error}"))?;
                let id = self.policies.insert(key.0.clone(), document);
                self.inline.insert(key, id);
                Ok(id)
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
        context: LineContext::default(),
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
    let stack = OnceLock::new();
    let mut batch = Batch {
        args,
        policies: PolicySet::new(),
        files: HashMap::new(),
        recent: Vec::new(),
        inline: HashMap::new(),
        stack: &stack,
        simulator: None,
    };
    let request = batch.loose(line, context)?;
    Ok(one_step(&request, batch.policies.evaluate(&request)))
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
    out: &mut Vec<u8>,
    line: usize,
    id: Option<&serde_json::Value>,
    simulation: &Simulation,
) {
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
    write_json(out, &decided);
}

fn write_error(out: &mut Vec<u8>, line: usize, id: Option<&serde_json::Value>, error: &str) {
    write_json(out, &Failed { line, id, error });
}

/// Writes `value` as one JSON line. Into memory, where the only failure would be a value `serde_json` cannot
/// write, which these (strings, numbers, JSON values) never are.
fn write_json(out: &mut Vec<u8>, value: &impl Serialize) {
    if serde_json::to_writer(&mut *out, value).is_ok() {
        out.push(b'\n');
    }
}
