//! `iamgen simulate` and `iamgen matrix`: AWS's policy evaluation logic, offline.

mod batch;

use std::path::{Path, PathBuf};

use iamgen_runtime::PolicyDocument;
use iamgen_runtime::eval::chain::{
    Organization, Request, Simulation, access_matrix_in, simulate_in,
};
use iamgen_runtime::eval::{Context, Decision};
use iamgen_runtime::stack::Stack;

use super::exit;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

/// Decide a request offline, as AWS would: over a stack (a principal of it, optionally through a role it
/// assumes: the cross-account chain), or over loose policy files.
///
/// Stack mode: `--principal NAME|ARN --action A --resource ARN [--via-role ROLE]`, over `--spec FILE` or the
/// reference scenario. Loose mode: `--identity FILE...` and the others below, with `--principal ARN`.
/// Each step shows its decision, the statements that decided (policy, Sid or index, JSON pointer), why, and
/// for a denial what would have to change.
///
/// Exit status: 0 when allowed; 1 when denied; 2 on a usage error or unreadable input.
#[derive(Debug, clap::Args)]
pub(crate) struct SimulateArgs {
    /// The stack's spec (`iamgen.toml`); the reference scenario when absent (stack mode).
    #[arg(long, value_name = "FILE", conflicts_with = "identity")]
    spec: Option<PathBuf>,
    /// Who makes the request: a user's or role's name or ARN in the stack; an ARN in loose mode.
    #[arg(long, value_name = "NAME|ARN", required_unless_present = "batch")]
    principal: Option<String>,
    /// The action, such as `s3:GetObject`.
    #[arg(long, value_name = "ACTION", required_unless_present = "batch")]
    action: Option<String>,
    /// The resource's ARN.
    #[arg(long, value_name = "ARN", required_unless_present = "batch")]
    resource: Option<String>,
    /// Decide many requests in one process: one JSON object a line (`principal`, `action`, `resource`,
    /// `context`, and `via_role` over the stack or `identity`, `resource_policy`, `boundary`,
    /// `session_policy`, `scp`, `rcp`, `resource_account`, `management_account` as files or inline
    /// policies), `-` for standard input. Writes one JSON decision a line (`line`, `id`, `decision`, `steps`,
    /// or `error`); exits 0 when every line was decided, whatever the decisions, and 2 when a line could not be.
    #[arg(
        long,
        value_name = "FILE|-",
        conflicts_with_all = ["principal", "action", "resource", "via_role", "context", "identity",
            "resource_policy", "boundary", "session_policy", "resource_account", "management_account"]
    )]
    batch: Option<PathBuf>,
    /// A role of the stack to assume first (step 1 is `sts:AssumeRole`).
    #[arg(long, value_name = "ROLE", conflicts_with = "identity")]
    via_role: Option<String>,
    /// A key of the request context, `KEY=VALUE` (repeatable; a key given twice has several values), such
    /// as `sts:ExternalId=x`, `aws:MultiFactorAuthPresent=true`, `aws:SourceIp=203.0.113.7`. `KEY=` is one
    /// empty-string value; `KEY=[]` is a multivalued key present with no values (an empty set, over which
    /// `ForAllValues` holds and `ForAnyValue` does not).
    #[arg(long, value_name = "KEY=VALUE")]
    context: Vec<String>,
    /// Loose mode: an identity-based policy of the principal (repeatable).
    #[arg(long, value_name = "FILE")]
    identity: Vec<PathBuf>,
    /// Loose mode: the resource's policy (for `sts:AssumeRole` on a role, its trust policy).
    #[arg(long, value_name = "FILE")]
    resource_policy: Option<PathBuf>,
    /// Loose mode: the principal's permissions boundary.
    #[arg(long, value_name = "FILE")]
    boundary: Option<PathBuf>,
    /// A service control policy, one level of the organization each, from the root down (repeatable). In
    /// stack mode `ACCOUNT=FILE` (an account's name or id) gives it to one account, a plain FILE to every
    /// account of the stack; in loose mode it limits the principal's account.
    #[arg(long, value_name = "[ACCOUNT=]FILE")]
    scp: Vec<String>,
    /// A resource control policy, one level each, as `--scp`; in loose mode it limits the resource's account.
    #[arg(long, value_name = "[ACCOUNT=]FILE")]
    rcp: Vec<String>,
    /// Loose mode: the session policy the principal's session was created with.
    #[arg(long, value_name = "FILE")]
    session_policy: Option<PathBuf>,
    /// Loose mode: the account that owns the resource; the principal's when absent.
    #[arg(long, value_name = "ID")]
    resource_account: Option<String>,
    /// Loose mode: the principal's account is the organization's management account (SCPs do not apply).
    #[arg(long)]
    management_account: bool,
    /// `human` (default) or `json`.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

/// Who can do what on the stack's declared resources: every user and role, directly and through each role it
/// may assume, for the stack's actions on each bucket and its objects.
///
/// Exit status: 0; 2 on a usage error or a bad spec.
#[derive(Debug, clap::Args)]
pub(crate) struct MatrixArgs {
    /// The stack's spec (`iamgen.toml`); the reference scenario when absent.
    #[arg(value_name = "SPEC")]
    spec: Option<PathBuf>,
    /// A key of the request context, `KEY=VALUE` (repeatable): give `sts:ExternalId` and
    /// `aws:MultiFactorAuthPresent=true` to see what a caller who has them can do.
    #[arg(long, value_name = "KEY=VALUE")]
    context: Vec<String>,
    /// A service control policy, one level each, from the root down (repeatable): `ACCOUNT=FILE` for one
    /// account (its name or id), a plain FILE for every account of the stack.
    #[arg(long, value_name = "[ACCOUNT=]FILE")]
    scp: Vec<String>,
    /// A resource control policy, one level each, as `--scp`.
    #[arg(long, value_name = "[ACCOUNT=]FILE")]
    rcp: Vec<String>,
    /// `human` (default) or `json`.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

fn context(pairs: &[String]) -> Result<Context, String> {
    let mut context = Context::new();
    for pair in pairs {
        let Some((key, value)) = pair.split_once('=') else {
            return Err(format!(
                "error: --context {pair:?} is not KEY=VALUE\n  help: for instance --context aws:MultiFactorAuthPresent=true"
            ));
        };
        let key = key.trim();
        if value == "[]" {
            // An empty set and a value cannot both be the key's: the last word wins, as `set_empty` does.
            context.set_empty(key);
        } else {
            context.add(key, value);
        }
    }
    Ok(context)
}

fn load_stack(spec: Option<&Path>) -> Result<Stack, String> {
    match spec {
        None => Ok(Stack::reference_scenario()),
        Some(path) => super::spec::load(path).map_err(|error| error.to_string()),
    }
}

/// The stack (its spec, or the reference scenario) and the organization `--scp` and `--rcp` put it in; `None`
/// once the reason is printed.
fn load_stack_in_organization(
    spec: Option<&Path>,
    scps: &[String],
    rcps: &[String],
) -> Option<(Stack, Organization)> {
    super::reported(load_stack(spec).and_then(|stack| {
        let organization = organization(&stack, scps, rcps)?;
        Ok((stack, organization))
    }))
}

fn read_policy(path: &Path) -> Result<PolicyDocument, String> {
    let bytes = iamgen_runtime::source::read_file_limited(
        path,
        iamgen_runtime::source::MAX_POLICY_BYTES,
        "a policy",
    )
    .map_err(|error| format!("error: {error}"))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        format!(
            "error: `{}` is not UTF-8\n  help: save the policy as UTF-8",
            path.display()
        )
    })?;
    PolicyDocument::from_json(&text).map_err(|error| {
        format!(
            "error: `{}` is not a policy: {error}\n  help: `iamgen validate {}` shows every problem",
            path.display(),
            path.display()
        )
    })
}

fn print(simulation: &Simulation, format: Format) -> u8 {
    match format {
        Format::Human => print!("{}", simulation.to_text()),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&simulation.to_json()).unwrap_or_default()
        ),
    }
    if simulation.decision == Decision::Allowed {
        exit::OK
    } else {
        exit::FINDINGS
    }
}

pub(crate) fn run(args: &SimulateArgs) -> u8 {
    if let Some(input) = &args.batch {
        return batch::run(args, input);
    }
    let (Some(principal), Some(action), Some(resource)) =
        (&args.principal, &args.action, &args.resource)
    else {
        eprintln!("error: give --principal, --action and --resource, or --batch FILE");
        return exit::BAD_INPUT;
    };
    let Some(context) = super::reported(context(&args.context)) else {
        return exit::BAD_INPUT;
    };
    let one = One {
        principal,
        action,
        resource,
    };
    // `--scp` and `--rcp` go with either mode; the policies of the principal and its resource make it loose.
    let loose = !args.identity.is_empty()
        || args.resource_policy.is_some()
        || args.boundary.is_some()
        || args.session_policy.is_some()
        || args.resource_account.is_some()
        || args.management_account;
    if loose {
        return loose_mode(args, &one, &context);
    }
    let Some((stack, organization)) =
        load_stack_in_organization(args.spec.as_deref(), &args.scp, &args.rcp)
    else {
        return exit::BAD_INPUT;
    };
    let request = Request {
        principal: one.principal,
        action: one.action,
        resource: one.resource,
        via_role: args.via_role.as_deref(),
        context,
    };
    match simulate_in(&stack, &organization, &request) {
        Ok(simulation) => print(&simulation, args.format),
        Err(error) => {
            eprintln!("error: {error}");
            exit::BAD_INPUT
        }
    }
}

/// The control policies of `--scp` and `--rcp` over `stack`'s accounts: `ACCOUNT=FILE` for one account (by
/// name, case-insensitively, or id), a plain FILE for each. A file whose own name holds `=` is read whole when
/// the part before it names no account.
fn organization(stack: &Stack, scps: &[String], rcps: &[String]) -> Result<Organization, String> {
    type AddLevel = fn(&mut Organization, &str, Vec<(String, PolicyDocument)>);
    let mut organization = Organization::new();
    let kinds: [(&str, &[String], AddLevel); 2] = [
        ("--scp", scps, Organization::add_scp_level),
        ("--rcp", rcps, Organization::add_rcp_level),
    ];
    for (flag, values, add_level) in kinds {
        for value in values {
            let (accounts, file) = match value.split_once('=') {
                Some((account, file)) if !Path::new(value).exists() => {
                    let found = stack.accounts().find(|(_, a)| {
                        a.name.eq_ignore_ascii_case(account) || a.id.as_str() == account
                    });
                    let Some((_, found)) = found else {
                        let known: Vec<String> = stack
                            .accounts()
                            .map(|(_, a)| format!("{} ({})", a.name, a.id))
                            .collect();
                        return Err(format!(
                            "error: {flag} {value:?}: the stack has no account {account:?}\n  help: name one of {}, or give a plain FILE for every account",
                            known.join(", ")
                        ));
                    };
                    (vec![found.id.to_string()], file)
                }
                _ => (
                    stack.accounts().map(|(_, a)| a.id.to_string()).collect(),
                    value.as_str(),
                ),
            };
            let path = Path::new(file);
            let level = vec![(path.display().to_string(), read_policy(path)?)];
            for account in &accounts {
                add_level(&mut organization, account, level.clone());
            }
        }
    }
    Ok(organization)
}

/// The request of the one-request form.
struct One<'a> {
    principal: &'a str,
    action: &'a str,
    resource: &'a str,
}

fn loose_mode(args: &SimulateArgs, one: &One<'_>, context: &Context) -> u8 {
    if !one.principal.starts_with("arn:") && !one.principal.ends_with(".amazonaws.com") {
        eprintln!(
            "error: in loose mode --principal is an ARN (`arn:aws:iam::111122223333:user/alice`) or a service principal, not {:?}",
            one.principal
        );
        return exit::BAD_INPUT;
    }
    // One request is a batch of one: the same reading of the flags' files, the same decision.
    match batch::decide_loose(args, one, context.clone()) {
        Ok(simulation) => print(&simulation, args.format),
        Err(error) => {
            eprintln!("error: {error}");
            exit::BAD_INPUT
        }
    }
}

pub(crate) fn matrix(args: &MatrixArgs) -> u8 {
    let Some(context) = super::reported(context(&args.context)) else {
        return exit::BAD_INPUT;
    };
    let Some((stack, organization)) =
        load_stack_in_organization(args.spec.as_deref(), &args.scp, &args.rcp)
    else {
        return exit::BAD_INPUT;
    };
    let cells = access_matrix_in(&stack, &organization, &context);
    match args.format {
        Format::Json => {
            let json: Vec<serde_json::Value> = cells
                .iter()
                .map(|cell| {
                    serde_json::json!({
                        "principal": cell.principal,
                        "via_role": cell.via_role,
                        "action": cell.action,
                        "resource": cell.resource,
                        "decision": cell.decision.as_str(),
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            );
        }
        Format::Human => {
            let who = |cell: &iamgen_runtime::eval::chain::Access| match &cell.via_role {
                Some(role) => format!("{} via {role}", cell.principal),
                None => cell.principal.clone(),
            };
            let width = cells.iter().map(|c| who(c).len()).max().unwrap_or(0).max(9);
            let action_width = cells
                .iter()
                .map(|c| c.action.len())
                .max()
                .unwrap_or(0)
                .max(6);
            println!(
                "{:width$}  {:action_width$}  {:13}  resource",
                "principal", "action", "decision"
            );
            for cell in &cells {
                println!(
                    "{:width$}  {:action_width$}  {:13}  {}",
                    who(cell),
                    cell.action,
                    cell.decision.as_str(),
                    cell.resource
                );
            }
        }
    }
    exit::OK
}
