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
//! One thread reads the lines, in groups; each group is parsed and decided on a thread of its own (a policy
//! file is read by the first line that names it, for every group after), and the answers are written in the
//! lines' order: the output is the same whatever the number of cores. Reading standard input, a group also
//! ends where the input read so far ends, so that a program that writes a request and waits for its answer
//! gets it.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{OnceLock, RwLock, RwLockReadGuard};

use iamgen_runtime::PolicyDocument;
use iamgen_runtime::eval::batch::{BatchRequest, PolicyId, PolicySet};
use iamgen_runtime::eval::chain::{Organization, Request, Simulation, Simulator, Step};
use iamgen_runtime::eval::{Context, Evaluation};
use iamgen_runtime::stack::Stack;

use line::{Line, LineContext, PolicySource};

mod answer;
mod line;

use super::{SimulateArgs, load_stack_in_organization, read_policy};
use crate::cli::exit;

/// The longest line read: far above any request with its context, well below what would exhaust memory.
const MAX_LINE_BYTES: u64 = 4 << 20;

/// How many files a group looks up without hashing their paths.
const RECENT_FILES: usize = 16;

/// The most lines of one group.
const GROUP: usize = 2_048;

/// Why the batch stops: the reason is printed, and lines not yet answered have no answer.
const STOPPED: &str = "error: a thread deciding the batch failed; the batch stops";

/// What every group shares: the command line, the policies read so far, and the stack once a line asks it.
struct Shared<'s> {
    args: &'s SimulateArgs,
    policies: RwLock<Known>,
    /// The stack and its organization, or `None` when they cannot be loaded (the reason was printed).
    stack: &'s OnceLock<Option<(Stack, Organization)>>,
    simulator: OnceLock<Option<Simulator<'s>>>,
}

/// The policies read so far: the set, each file by the path lines write it (or why it cannot be read), each
/// inline policy by its field and JSON text.
#[derive(Default)]
struct Known {
    set: PolicySet,
    files: HashMap<String, Result<PolicyId, String>>,
    inline: HashMap<(String, String), PolicyId>,
}

/// A line read: its number and its text.
type Read1 = (usize, String);

/// A line made ready to decide: its number, its id, and its request, or why it has none.
struct Prepared {
    number: usize,
    id: Option<serde_json::Value>,
    request: Result<Ready, String>,
}

/// A request whose policies are in the batch's set.
enum Ready {
    /// Over the line's own policies.
    Loose(Box<BatchRequest>),
    /// Over the stack.
    Stack(Box<StackLine>),
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
    let shared = Shared::new(args, &stack);
    // Standard input may come from a program that waits for each answer: a group ends where its input does.
    let interactive = input == Path::new("-");
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    match each_group(&shared, reader, interactive, &mut out) {
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

/// Decides every line of `reader` into `out`; the number of lines that could not be decided, or why the
/// batch stopped (input or output failed, the stack cannot be loaded). This thread reads the lines, a group at
/// a time, and writes the answers in order; each group is decided on a thread of its own, as many at once as
/// there are cores.
fn each_group<R: Read>(
    shared: &Shared<'_>,
    mut reader: BufReader<R>,
    interactive: bool,
    out: &mut impl Write,
) -> Result<usize, String> {
    let at_once = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 16);
    std::thread::scope(|scope| {
        let mut deciding = VecDeque::new();
        let mut group: Vec<Read1> = Vec::with_capacity(GROUP);
        let mut bad = 0;
        let mut number = 0;
        loop {
            number += 1;
            let mut text = String::new();
            let read = (&mut reader)
                .take(MAX_LINE_BYTES + 1)
                .read_line(&mut text)
                .map_err(|error| format!("error: line {number} of the batch: {error}"))?;
            let ended = read == 0;
            if read as u64 > MAX_LINE_BYTES && !text.ends_with('\n') {
                skip_rest_of_line(&mut reader)
                    .map_err(|error| format!("error: line {number} of the batch: {error}"))?;
                text.clear();
                text.push_str(TOO_LONG);
                group.push((number, text));
            } else if !text.trim().is_empty() {
                group.push((number, text));
            }
            let quiet = interactive && reader.buffer().is_empty();
            if !group.is_empty() && (ended || quiet || group.len() >= GROUP) {
                let lines = std::mem::replace(&mut group, Vec::with_capacity(GROUP));
                deciding.push_back(scope.spawn(move || shared.answer_group(lines)));
            }
            // Answers go out in order; more groups may be decided at once than there are cores only while
            // this thread has nothing else to do.
            while deciding.len() > at_once || ((ended || quiet) && !deciding.is_empty()) {
                if let Some(first) = deciding.pop_front() {
                    bad += written(first, out)?;
                }
            }
            if ended || quiet {
                // Nothing more has come in: whoever writes the requests may be waiting for these answers.
                out.flush()
                    .map_err(|error| format!("error: cannot write a decision: {error}"))?;
            }
            if ended {
                return Ok(bad);
            }
        }
    })
}

/// A group's answers, written; how many of its lines could not be decided.
fn written(
    group: std::thread::ScopedJoinHandle<'_, Result<(Vec<u8>, usize), String>>,
    out: &mut impl Write,
) -> Result<usize, String> {
    let (bytes, bad) = group
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    out.write_all(&bytes)
        .map_err(|error| format!("error: cannot write a decision: {error}"))?;
    Ok(bad)
}

impl<'s> Shared<'s> {
    fn new(args: &'s SimulateArgs, stack: &'s OnceLock<Option<(Stack, Organization)>>) -> Self {
        Shared {
            args,
            policies: RwLock::new(Known::default()),
            stack,
            simulator: OnceLock::new(),
        }
    }

    /// A group parsed, made ready and decided: its answers in the lines' order, and how many of its lines
    /// could not be decided. `Err` stops the batch.
    fn answer_group(&self, lines: Vec<Read1>) -> Result<(Vec<u8>, usize), String> {
        let mut recent = Vec::new();
        let mut prepared = Vec::with_capacity(lines.len());
        for (number, text) in lines {
            prepared.push(self.prepare(number, &text, &mut recent)?);
        }
        let known = self.known()?;
        let simulator = self.simulator.get().and_then(Option::as_ref);
        Ok(answer_part(&known.set, simulator, &prepared))
    }

    fn known(&self) -> Result<RwLockReadGuard<'_, Known>, String> {
        self.policies.read().map_err(|_| STOPPED.to_owned())
    }

    /// One line made ready: its policies in the set, the stack loaded if it asks the stack. `Err` stops the
    /// batch (the stack cannot be loaded); a line that cannot be decided is made ready as such.
    fn prepare(
        &self,
        number: usize,
        text: &str,
        recent: &mut Vec<(String, PolicyId)>,
    ) -> Result<Prepared, String> {
        let mut line = match parse(text) {
            Ok(line) => line,
            Err(message) => {
                return Ok(Prepared {
                    number,
                    id: None,
                    request: Err(message),
                });
            }
        };
        let id = line.id.take();
        let context = std::mem::take(&mut line.context).0;
        let request = if line.is_loose() {
            self.loose(line, context, recent)
                .map(|request| Ready::Loose(Box::new(request)))
        } else if line.scp.is_some() || line.rcp.is_some() {
            Err(
                "`scp` and `rcp` go with loose mode (a line that names its policies); over the stack, give \
                 `--scp` and `--rcp` on the command line"
                    .to_owned(),
            )
        } else {
            self.load_stack()?;
            Ok(Ready::Stack(Box::new(StackLine {
                principal: line.principal,
                action: line.action,
                resource: line.resource,
                via_role: line.via_role,
                context,
            })))
        };
        Ok(Prepared {
            number,
            id,
            request,
        })
    }

    /// Loads the stack and indexes it, the first time a line asks it.
    fn load_stack(&self) -> Result<(), String> {
        let args = self.args;
        let stack = self
            .stack
            .get_or_init(|| load_stack_in_organization(args.spec.as_deref(), &args.scp, &args.rcp));
        let simulator = self.simulator.get_or_init(|| {
            stack
                .as_ref()
                .map(|(stack, organization)| Simulator::new(stack, organization))
        });
        match simulator {
            Some(_) => Ok(()),
            None => Err("error: the batch's stack cannot be loaded (see above)".to_owned()),
        }
    }

    /// A loose line's request: its policies (files read once for the batch) in the set.
    fn loose(
        &self,
        line: Line,
        context: Context,
        recent: &mut Vec<(String, PolicyId)>,
    ) -> Result<BatchRequest, String> {
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
            let id = self.policy(source, field("identity", Some(index)), recent)?;
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
                .map(|source| self.policy(source, field(name, None), recent))
                .transpose()?;
        }
        request.scps = self.levels(line.scp, "scp", |args| &args.scp, recent)?;
        request.rcps = self.levels(line.rcp, "rcp", |args| &args.rcp, recent)?;
        Ok(request)
    }

    /// The control policies of a loose line, one level each: its own, else the command line's.
    fn levels(
        &self,
        given: Option<Vec<PolicySource>>,
        name: &'static str,
        flag: fn(&SimulateArgs) -> &Vec<String>,
        recent: &mut Vec<(String, PolicyId)>,
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
                Ok(vec![self.policy(source, field, recent)?])
            })
            .collect()
    }

    /// The set's id of a line's policy: a file read by the first line that names it, or the line's own
    /// (parsed once per field and text). `recent` holds the files this group found already: most batches name
    /// a few files on every line, and a short list compared byte by byte finds them faster than a lock and a
    /// hash.
    fn policy(
        &self,
        source: PolicySource,
        field: Field,
        recent: &mut Vec<(String, PolicyId)>,
    ) -> Result<PolicyId, String> {
        match source {
            PolicySource::File(path) => {
                if let Some((_, id)) = recent.iter().find(|(known, _)| *known == path) {
                    return Ok(*id);
                }
                let found = self.known()?.files.get(&path).cloned();
                let found = match found {
                    Some(found) => found,
                    None => self.read_file(&path)?,
                };
                if let Ok(id) = found {
                    if recent.len() < RECENT_FILES {
                        recent.push((path, id));
                    }
                }
                found
            }
            PolicySource::Inline(value) => {
                let key = (field.to_string(), value.to_string());
                if let Some(id) = self.known()?.inline.get(&key) {
                    return Ok(*id);
                }
                let document = PolicyDocument::from_json(&key.1)
                    .map_err(|error| format!("`{field}` is not a policy: {error}"))?;
                let mut known = self.policies.write().map_err(|_| STOPPED.to_owned())?;
                if let Some(id) = known.inline.get(&key) {
                    return Ok(*id);
                }
                let id = known.set.insert(key.0.clone(), document);
                known.inline.insert(key, id);
                Ok(id)
            }
        }
    }

    /// Reads a file the batch has not read yet (unless another group just did): the outer `Err` stops the
    /// batch, the inner one is why this file cannot be read.
    fn read_file(&self, path: &str) -> Result<Result<PolicyId, String>, String> {
        let mut known = self.policies.write().map_err(|_| STOPPED.to_owned())?;
        if let Some(found) = known.files.get(path) {
            return Ok(found.clone());
        }
        let found = read_policy(&PathBuf::from(path))
            .map_err(|error| error.trim_start_matches("error: ").to_owned())
            .map(|document| known.set.insert(path.to_owned(), document));
        known.files.insert(path.to_owned(), found.clone());
        Ok(found)
    }
}

/// The answers to `part`, as JSON lines, and how many of its lines could not be decided.
fn answer_part(
    policies: &PolicySet,
    simulator: Option<&Simulator<'_>>,
    part: &[Prepared],
) -> (Vec<u8>, usize) {
    let mut out = Vec::with_capacity(part.len() * 512);
    let mut bad = 0;
    for prepared in part {
        let (number, id) = (prepared.number, prepared.id.as_ref());
        match &prepared.request {
            Ok(Ready::Loose(request)) => {
                let evaluation = policies.evaluate(request);
                let step = answer::Step {
                    caller: &request.caller.arn,
                    action: &request.action,
                    resource: &request.resource,
                    evaluation: &evaluation,
                };
                answer::decided(&mut out, number, id, evaluation.decision, [step]);
            }
            Ok(Ready::Stack(line)) => match over_stack(simulator, line) {
                Ok(simulation) => {
                    let steps = simulation.steps.iter().map(|step| answer::Step {
                        caller: &step.caller,
                        action: &step.action,
                        resource: &step.resource,
                        evaluation: &step.evaluation,
                    });
                    answer::decided(&mut out, number, id, simulation.decision, steps);
                }
                Err(message) => {
                    bad += 1;
                    answer::failed(&mut out, number, id, &message);
                }
            },
            Err(message) => {
                bad += 1;
                answer::failed(&mut out, number, id, message);
            }
        }
    }
    (out, bad)
}

/// A request over the stack, decided.
fn over_stack(simulator: Option<&Simulator<'_>>, line: &StackLine) -> Result<Simulation, String> {
    let Some(simulator) = simulator else {
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
    let shared = Shared::new(args, &stack);
    let request = shared.loose(line, context, &mut Vec::new())?;
    let known = shared.known()?;
    Ok(one_step(&request, known.set.evaluate(&request)))
}

/// What an over-long line is read as: not JSON, so that parsing reports it in its place.
const TOO_LONG: &str = "\u{0}too long";

/// A line's request, or why it is not one.
fn parse(text: &str) -> Result<Line, String> {
    if text == TOO_LONG {
        return Err(format!("the line is over {MAX_LINE_BYTES} bytes"));
    }
    serde_json::from_str::<Line>(text).map_err(|error| format!("not a request: {error}"))
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
