//! The bodies of iamgen's fuzz targets: one function per target, called by the libFuzzer target of that name
//! (`fuzz/fuzz_targets/`, nightly) and by the replay test (`tests/generate/fuzz_regressions.rs`, stable), so that a
//! crash file replays through exactly the code that found it.
//!
//! A body panics when it finds a defect: a panic inside iamgen, or a broken property checked here. Inputs that
//! are not UTF-8 return at once: every reader takes `&str`, and the command line refuses other bytes before
//! any of them runs.
#![warn(missing_docs)]

use std::path::Path;

use iamgen_runtime::PolicyDocument;
use iamgen_runtime::eval::{Caller, Context, Decision, Evaluation, Named, Policies};
use iamgen_runtime::json::{Node, Value};
use iamgen_runtime::lint::{IdentityPolicyUse, Options, PolicyKind};
use iamgen_runtime::policy::OneOrMany;
use iamgen_runtime::render::Target;

/// A target's body: it takes libFuzzer's input, and panics on a defect.
pub type Body = fn(&[u8]);

/// Every target: its name (the folder of its seeds, dictionary and regressions) and its body.
pub const TARGETS: [(&str, Body); 4] = [
    ("json", json),
    ("lint", lint),
    ("spec", spec),
    ("eval", eval),
];

/// The JSON reader on any text, then the policy round trip: a policy that was read prints as text that reads
/// back as the same policy, and prints the same again.
pub fn json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(tree) = iamgen_runtime::json::parse(text) {
        check_spans(&tree, text);
    }
    match PolicyDocument::from_json(text) {
        Ok(document) => round_trip(&document),
        Err(error) => {
            assert!(
                !error.diagnostics().is_empty(),
                "a refused policy has no diagnostic"
            );
            let _ = error.render(text, "input.json", false);
            let _ = error.to_string();
        }
    }
}

/// Every node's span lies inside the source, on character boundaries: diagnostics and the linter slice the
/// source there.
fn check_spans(node: &Node<'_>, source: &str) {
    let on_boundaries = |start: u32, end: u32| {
        let (start, end) = (start as usize, end as usize);
        start <= end && source.is_char_boundary(start) && source.is_char_boundary(end)
    };
    assert!(
        on_boundaries(node.span.start, node.span.end),
        "node span {:?} is not a range of characters of the source",
        node.span
    );
    match &node.value {
        Value::Array(items) => items.iter().for_each(|item| check_spans(item, source)),
        Value::Object(members) => {
            for member in members {
                assert!(
                    on_boundaries(member.key_span.start, member.key_span.end),
                    "key span {:?} is not a range of characters of the source",
                    member.key_span
                );
                check_spans(&member.value, source);
            }
        }
        _ => {}
    }
}

fn round_trip(document: &PolicyDocument) {
    for printed in [document.to_json(), document.to_json_compact()] {
        let again = PolicyDocument::from_json(&printed).unwrap_or_else(|error| {
            panic!("the printer's output is refused by the reader: {error}\n{printed}")
        });
        assert_eq!(
            &again, document,
            "the printed policy reads back as another policy:\n{printed}"
        );
        assert_eq!(
            again.to_json(),
            document.to_json(),
            "printing is not stable"
        );
    }
}

/// The linter on any text, as every kind and with the kind inferred, then every finding rendered.
pub fn lint(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let options = Options::default();
    let kinds = PolicyKind::ALL.into_iter().map(Some).chain([None]);
    for kind in kinds {
        let report = iamgen_runtime::lint::lint_source(text, kind, &options);
        if let Some(kind) = kind {
            assert_eq!(report.kind, kind, "the report is for another kind");
        }
        let _ = iamgen_runtime::diagnostic::render(&report.findings, text, "input.json", false);
    }
    // The identity quotas, and the linter on the document alone, without its source.
    if let Ok(document) = PolicyDocument::from_json(text) {
        for identity_use in [
            IdentityPolicyUse::InlineUser,
            IdentityPolicyUse::InlineGroup,
            IdentityPolicyUse::InlineRole,
        ] {
            let options = Options {
                identity_use,
                ..Options::default()
            };
            let _ = iamgen_runtime::lint::lint_source(text, Some(PolicyKind::Identity), &options);
        }
        let (inferred, _) = iamgen_runtime::lint::infer_kind(&document);
        let _ = iamgen_runtime::lint::lint_document(&document, inferred, &options);
    }
}

/// The spec reader on any text; on a spec it accepts, the stack linter and every renderer, and every output
/// read back: policy files by iamgen's reader (reprinted byte for byte), JSON by `serde_json`, YAML by
/// `serde_norway`, Terraform by `hcl-rs`.
///
/// Policy files (`file = ...`) are read relative to `fuzz/spec-files/`. Specs naming a path below `/dev`,
/// `/proc` or `/sys` are skipped: what they read is the machine's, not the input's, and `/dev/zero` has no end.
pub fn spec(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if ["/dev", "/proc", "/sys"]
        .iter()
        .any(|prefix| text.contains(prefix))
    {
        return;
    }
    let stack = match iamgen_runtime::stack::spec::from_toml_at(text, &spec_files()) {
        Ok(stack) => stack,
        Err(error) => {
            assert!(
                !error.diagnostics().is_empty(),
                "a refused spec has no diagnostic"
            );
            let _ = error.render(text, "iamgen.toml");
            let _ = error.to_string();
            return;
        }
    };
    let _ = iamgen_runtime::lint::lint_stack(&stack, &Options::default());
    let Ok(rendered) = iamgen_runtime::render::render(&stack, &Target::ALL) else {
        return;
    };
    for (path, content) in rendered.files() {
        let extension = Path::new(path).extension().and_then(|ext| ext.to_str());
        match extension {
            Some("json") if path.starts_with("policies/") => {
                let document = PolicyDocument::from_json(content).unwrap_or_else(|error| {
                    panic!(
                        "{path}: the generated policy is refused by the reader: {error}\n{content}"
                    )
                });
                assert_eq!(
                    &document.to_json(),
                    content,
                    "{path}: the generated policy does not reprint as itself"
                );
            }
            Some("json") => {
                if let Err(error) = serde_json::from_str::<serde_json::Value>(content) {
                    panic!("{path}: not JSON: {error}\n{content}");
                }
            }
            Some("yaml") => {
                if let Err(error) = serde_norway::from_str::<serde_norway::Value>(content) {
                    panic!("{path}: not YAML: {error}\n{content}");
                }
            }
            Some("tf") => {
                if let Err(error) = hcl::parse(content) {
                    panic!("{path}: not HCL: {error}\n{content}");
                }
            }
            _ => {}
        }
    }
}

/// Where specs find their policy files: `fuzz/spec-files`, from the fuzz crate (`fuzz/`) or from the
/// project's root (the replay test).
fn spec_files() -> std::path::PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let here = root.join("spec-files");
    if here.is_dir() {
        here
    } else {
        root.join("fuzz").join("spec-files")
    }
}

/// The evaluator on a request and policies read from the input, which is text in sections separated by lines
/// holding only `%%`:
///
/// - the first section is the request: the caller's ARN, the action, the resource and the resource's account
///   on the first four lines, then flags (`!trust`: the resource is a role being assumed; `!management`: the
///   caller is in the management account; `!resource-management`: the resource is) and context entries
///   (`key=value`, `key=<empty>` for a key present with no value; a key given twice has two values);
/// - each other section is a policy, its first line naming where it applies: `identity`, `resource`,
///   `boundary`, `session`, `scp` or `rcp` (both add to the current level of the organization), `scp+` or
///   `rcp+` (a new level below). Sections that are not policies are left out.
///
/// Each context value also goes through the date and address readers directly.
///
/// Properties: an explicit deny names only `Deny` statements, at least one; the decision does not change when
/// each policy's statements are reversed.
pub fn eval(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut sections = text.split("\n%%\n");
    let request = sections.next().unwrap_or_default();
    let mut lines = request.lines();
    let caller = Caller::new(lines.next().unwrap_or_default());
    let action = lines.next().unwrap_or_default();
    let resource = lines.next().unwrap_or_default();
    let resource_account = lines.next().unwrap_or_default();
    let mut flags = Flags::default();
    let mut context = Context::new();
    let mut values = Vec::new();
    for line in lines {
        match line {
            "!trust" => flags.trust = true,
            "!management" => flags.management = true,
            "!resource-management" => flags.resource_management = true,
            _ => match line.split_once('=') {
                Some((key, "<empty>")) => context.set_empty(key),
                Some((key, value)) => {
                    context.add(key, value);
                    values.push(value);
                }
                None => {}
            },
        }
    }
    // The value readers directly too: a context value reaches them only under an operator of their type.
    for value in &values {
        let _ = iamgen_runtime::eval::conditions::parse_date(value);
        let _ = iamgen_runtime::eval::conditions::ip_in_range(value, values[0]);
    }
    let mut slots: Vec<(&str, PolicyDocument)> = Vec::new();
    for section in sections {
        let (slot, policy) = section.split_once('\n').unwrap_or((section, ""));
        if let Ok(document) = PolicyDocument::from_json(policy) {
            slots.push((slot.trim(), document));
        }
    }
    let evaluate = |slots: &[(&str, PolicyDocument)]| -> Evaluation {
        let policies = policies(slots, flags);
        iamgen_runtime::eval::evaluate(
            &caller,
            action,
            resource,
            resource_account,
            &policies,
            &context,
        )
    };
    let evaluation = evaluate(&slots);
    if evaluation.decision == Decision::ExplicitDeny {
        assert!(
            !evaluation.deciding.is_empty()
                && evaluation
                    .deciding
                    .iter()
                    .all(|d| d.effect == iamgen_runtime::policy::Effect::Deny),
            "an explicit deny without its Deny statements: {evaluation:?}"
        );
    }
    let reversed: Vec<(&str, PolicyDocument)> = slots
        .iter()
        .map(|(slot, document)| (*slot, reverse(document)))
        .collect();
    assert_eq!(
        evaluate(&reversed).decision,
        evaluation.decision,
        "reversing the statements changed the decision"
    );
}

#[derive(Debug, Clone, Copy, Default)]
struct Flags {
    trust: bool,
    management: bool,
    resource_management: bool,
}

fn policies<'a>(slots: &'a [(&str, PolicyDocument)], flags: Flags) -> Policies<'a> {
    let mut policies = Policies {
        resource_is_role_trust: flags.trust,
        caller_is_management_account: flags.management,
        resource_in_management_account: flags.resource_management,
        ..Policies::default()
    };
    for (index, (slot, document)) in slots.iter().enumerate() {
        let named = Named {
            name: NAMES[index % NAMES.len()],
            document,
        };
        match *slot {
            "identity" => policies.identity.push(named),
            "resource" => policies.resource = Some(named),
            "boundary" => policies.boundary = Some(named),
            "session" => policies.session = Some(named),
            "scp" | "scp+" => level(&mut policies.scps, *slot == "scp+").push(named),
            "rcp" | "rcp+" => level(&mut policies.rcps, *slot == "rcp+").push(named),
            _ => {}
        }
    }
    policies
}

/// Policy names for the decision to cite, a few so that decisions name several.
const NAMES: [&str; 4] = ["p0", "p1", "p2", "p3"];

/// The current level of the organization, or a new one.
fn level<'l, 'a>(levels: &'l mut Vec<Vec<Named<'a>>>, new: bool) -> &'l mut Vec<Named<'a>> {
    if new || levels.is_empty() {
        levels.push(Vec::new());
    }
    levels.last_mut().expect("a level was just added")
}

fn reverse(document: &PolicyDocument) -> PolicyDocument {
    let mut reversed = document.clone();
    if let OneOrMany::Many(statements) = &mut reversed.statement {
        statements.reverse();
    }
    reversed
}
