//! What every check needs: the document, its kind, the source tree for locations, and the findings so far.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;
use std::sync::{LazyLock, Mutex};

use crate::catalog::{ActionInfo, ResourceType, Service, catalog};
use crate::diagnostic::{Diagnostic, Severity};
use crate::glob;
use crate::json::{self, Node};
use crate::policy::{Action, ActionElement, OneOrMany, PolicyDocument, Statement};
use crate::source::Span;

/// Whether a finding points at a member's key (`"StringEqual"` in a `Condition`) or at a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum At {
    Key,
    Value,
}

pub(super) struct Context<'d, 't> {
    pub(super) document: &'d PolicyDocument,
    pub(super) kind: super::PolicyKind,
    tree: Option<&'t Node<'t>>,
    findings: Vec<Diagnostic>,
    /// Built once: every check walks the statements, and several need the same catalogue answers.
    located: Rc<Vec<Located<'d>>>,
}

/// A statement with the JSON Pointer it stands at, and what the catalogue says of its actions, worked out
/// once and shared by the checks that need it.
pub(super) struct Located<'d> {
    pub(super) statement: &'d Statement,
    pub(super) pointer: String,
    entries: OnceCell<Vec<Entry>>,
    templates: OnceCell<Vec<&'static str>>,
    templates_by_service: OnceCell<TemplatesByService>,
    condition_keys: OnceCell<Vec<&'static str>>,
}

/// What one entry of an `Action` or `NotAction` element stands for in the catalogue.
#[derive(Debug, Clone)]
pub(super) enum Entry {
    /// `*`, a malformed entry, a wildcard in the service, or an unknown service.
    Unresolved,
    /// `svc:*`: every action of a service. Kept whole rather than expanded, since services run to hundreds of
    /// actions and most checks need only the service's resource types and keys.
    Service(Service),
    /// The actions a name or a pattern stands for; empty when it matches nothing. Borrowed from the
    /// per-process tables ([`ACTIONS_BY_NAME`], [`EXPANSIONS`]) where the entry was met before.
    Actions(Cow<'static, [ActionInfo]>),
}

impl Entry {
    /// Whether the entry names at least one catalogue action.
    pub(super) fn is_resolved(&self) -> bool {
        match self {
            Entry::Unresolved => false,
            Entry::Service(_) => true,
            Entry::Actions(actions) => !actions.is_empty(),
        }
    }

    /// The actions the entry stands for (for `svc:*`, the whole service).
    pub(super) fn actions(&self) -> Box<dyn Iterator<Item = ActionInfo> + '_> {
        match self {
            Entry::Unresolved => Box::new(std::iter::empty()),
            Entry::Service(service) => Box::new(service.actions()),
            Entry::Actions(actions) => Box::new(actions.iter().copied()),
        }
    }
}

/// Every resource type by service prefix and name, built once per process: actions name their resource types,
/// and the catalogue finds one by scanning its service's list, which the checks would otherwise do per action.
static RESOURCE_TYPES: LazyLock<
    HashMap<(&'static str, &'static str), ResourceType, BuildHasherDefault<Fnv>>,
> = LazyLock::new(|| {
    let mut types = HashMap::default();
    for service in catalog().services() {
        for resource_type in service.resource_types() {
            types.insert((service.prefix(), resource_type.name()), resource_type);
        }
    }
    types
});

/// A hash in FNV-1a's manner, for the linter's maps of names: `Action` hashes its text byte by byte (lowercased), for which
/// `SipHash`, the default, cost as much as the rest of the redundancy check. The keys are a policy's own names or
/// the catalogue's, and a statement holds at most a few thousand: flooding is no concern.
#[derive(Debug, Clone, Copy)]
pub(super) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Eight bytes a step for whole texts (catalogue names, patterns): a step per byte was most of the cost
        // of looking an action up by its name. The bytes of each step are still mixed in FNV-1a's way, and the
        // high half folded into the low before each multiplication so that every byte reaches the bucket bits.
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut eight = [0u8; 8];
            eight.copy_from_slice(word);
            self.mix(u64::from_le_bytes(eight));
        }
        for &byte in words.remainder() {
            self.write_u8(byte);
        }
    }

    /// FNV-1a's step as it is: `Action` hashes its text this way, a lowercased byte at a time, and a byte
    /// needs no folding to reach the low bits.
    fn write_u8(&mut self, byte: u8) {
        self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
}

impl Fnv {
    fn mix(&mut self, word: u64) {
        let folded = self.0 ^ word;
        self.0 = (folded ^ (folded >> 32)).wrapping_mul(0x0100_0000_01b3);
    }
}

/// Every catalogue action by its full name as the catalogue writes it, built once per process: most policies
/// write names in that case, and a hash lookup costs less than a case-insensitive binary search per entry.
static ACTIONS_BY_NAME: LazyLock<HashMap<&'static str, ActionInfo, BuildHasherDefault<Fnv>>> =
    LazyLock::new(|| {
        catalog()
            .services()
            .flat_map(|service| service.actions())
            .map(|info| (info.full_name(), info))
            .collect()
    });

/// Every service by its prefix as the catalogue writes it; see [`ACTIONS_BY_NAME`].
static SERVICES_BY_PREFIX: LazyLock<HashMap<&'static str, Service, BuildHasherDefault<Fnv>>> =
    LazyLock::new(|| {
        catalog()
            .services()
            .map(|service| (service.prefix(), service))
            .collect()
    });

/// Expansions of the patterns this process has met (`ec2:Describe*`), by their exact text: AWS's policies
/// repeat the same patterns, and expanding one scans its service's actions. At most [`EXPANSIONS_KEPT`]
/// actions in all are kept, for the life of the process; patterns met after that are expanded each time.
static EXPANSIONS: LazyLock<Mutex<Expansions>> = LazyLock::new(Mutex::default);

/// How many catalogue actions, over all patterns (and one for each pattern), [`EXPANSIONS`] keeps at most (a
/// few megabytes).
const EXPANSIONS_KEPT: usize = 1 << 18;

#[derive(Default)]
struct Expansions {
    by_text: HashMap<Box<str>, &'static [ActionInfo], BuildHasherDefault<Fnv>>,
    /// Actions kept over all patterns, and one for each pattern.
    kept: usize,
}

/// The actions `name`, a pattern, stands for in `service`; remembered by the pattern's whole text.
fn expand_pattern(text: &str, service: Service, name: &str) -> Cow<'static, [ActionInfo]> {
    let known = EXPANSIONS
        .lock()
        .ok()
        .and_then(|expansions| expansions.by_text.get(text).copied());
    if let Some(actions) = known {
        return Cow::Borrowed(actions);
    }
    let actions: Vec<ActionInfo> = service.expand(name).collect();
    let Ok(mut expansions) = EXPANSIONS.lock() else {
        return Cow::Owned(actions);
    };
    if let Some(&kept) = expansions.by_text.get(text) {
        return Cow::Borrowed(kept);
    }
    // A pattern counts one more, so that patterns matching nothing cannot grow the table without end.
    let cost = actions.len() + 1;
    if expansions.kept.saturating_add(cost) > EXPANSIONS_KEPT {
        return Cow::Owned(actions);
    }
    expansions.kept += cost;
    let kept: &'static [ActionInfo] = Box::leak(actions.into_boxed_slice());
    expansions.by_text.insert(text.into(), kept);
    Cow::Borrowed(kept)
}

/// What one entry stands for; see [`Entry`].
pub(super) fn expand_entry(action: &Action) -> Entry {
    let resolve = || {
        if let Some(info) = ACTIONS_BY_NAME.get(action.as_str()) {
            return Some(Entry::Actions(Cow::Borrowed(std::slice::from_ref(info))));
        }
        Action::check(action.as_str()).ok()?;
        let (service, name) = (action.service()?, action.name()?);
        if glob::has_wildcard(service) {
            return None;
        }
        let service = SERVICES_BY_PREFIX
            .get(service)
            .copied()
            .or_else(|| catalog().service(service))?;
        Some(if name == "*" {
            Entry::Service(service)
        } else if glob::has_wildcard(name) {
            Entry::Actions(expand_pattern(action.as_str(), service, name))
        } else {
            Entry::Actions(service.action(name).into_iter().collect())
        })
    };
    resolve().unwrap_or(Entry::Unresolved)
}

/// The definition of a resource type an action names.
fn definition(info: &ActionInfo, name: &'static str) -> Option<ResourceType> {
    RESOURCE_TYPES
        .get(&(info.service().prefix(), name))
        .copied()
        .or_else(|| info.service().resource_type(name))
}

impl Located<'_> {
    /// What each entry of the `Action` or `NotAction` element stands for.
    pub(super) fn entries(&self) -> &[Entry] {
        self.entries.get_or_init(|| {
            self.statement
                .action
                .actions()
                .iter()
                .map(expand_entry)
                .collect()
        })
    }

    /// Whether this is an `Action` element whose every entry names catalogue actions (no `*`, no wildcard
    /// service): only then can the per-action checks say a statement grants nothing.
    pub(super) fn is_resolved(&self) -> bool {
        matches!(self.statement.action, ActionElement::Action(_))
            && self.entries().iter().all(Entry::is_resolved)
    }

    /// Every catalogue action of the statement, in entry order (services expanded): for messages.
    pub(super) fn actions(&self) -> impl Iterator<Item = ActionInfo> + '_ {
        self.entries().iter().flat_map(Entry::actions)
    }

    fn whole_services(&self) -> impl Iterator<Item = Service> + '_ {
        self.entries().iter().filter_map(|entry| match entry {
            Entry::Service(service) => Some(*service),
            _ => None,
        })
    }

    fn partial_actions(&self) -> impl Iterator<Item = &ActionInfo> + '_ {
        self.entries().iter().flat_map(|entry| match entry {
            Entry::Actions(actions) => actions.as_ref(),
            _ => &[],
        })
    }

    /// The distinct ARN templates of the resource types the statement's actions apply to.
    pub(super) fn templates(&self) -> &[&'static str] {
        self.templates.get_or_init(|| {
            let mut templates: Vec<&'static str> = self
                .whole_services()
                .flat_map(|service| service.resource_types())
                .flat_map(|rt| rt.arn_templates())
                .collect();
            for info in self.partial_actions() {
                templates.extend_from_slice(&facts(info).templates);
            }
            templates.sort_unstable();
            templates.dedup();
            templates
        })
    }

    /// The statement's templates an ARN of `service` may match: those of that service (ignoring ASCII case, a
    /// superset of what matching keeps), and any whose service is not literal; all of them for a service with
    /// a wildcard or a variable. A statement of a thousand actions has hundreds of templates, and testing each
    /// ARN against every one of them made the coverage check grow with actions times resources.
    pub(super) fn templates_for<'s>(
        &'s self,
        service: &'s str,
    ) -> impl Iterator<Item = &'static str> + 's {
        let (literal, other): (&[(&'static str, &'static str)], &[&'static str]) =
            if service.contains(['*', '?', '$']) {
                (&[], self.templates())
            } else {
                let index = self.templates_by_service();
                let start = index
                    .literal
                    .partition_point(|(own, _)| cmp_ignore_case(own, service).is_lt());
                (index.literal.get(start..).unwrap_or_default(), &index.other)
            };
        literal
            .iter()
            .take_while(move |(own, _)| own.eq_ignore_ascii_case(service))
            .map(|&(_, template)| template)
            .chain(other.iter().copied())
    }

    fn templates_by_service(&self) -> &TemplatesByService {
        self.templates_by_service.get_or_init(|| {
            let mut index = TemplatesByService::default();
            for &template in self.templates() {
                match template.split(':').nth(2) {
                    Some(own) if !own.contains(['*', '?', '$']) => {
                        index.literal.push((own, template));
                    }
                    _ => index.other.push(template),
                }
            }
            index
                .literal
                .sort_by(|a, b| cmp_ignore_case(a.0, b.0).then(a.1.cmp(b.1)));
            index
        })
    }

    /// The statement's actions that apply to no resource type, and so need `"Resource": "*"` (for messages).
    pub(super) fn star_only(&self) -> Vec<&'static str> {
        self.actions()
            .filter(|info| info.resource_types().next().is_none())
            .map(|info| info.full_name())
            .collect()
    }

    /// The distinct condition keys the actions take, with their resource types' keys.
    pub(super) fn condition_keys(&self) -> &[&'static str] {
        self.condition_keys.get_or_init(|| {
            let mut keys: Vec<&'static str> = self
                .whole_services()
                .flat_map(|service| service.condition_keys().map(|info| info.name))
                .collect();
            for info in self.partial_actions() {
                keys.extend_from_slice(&facts(info).condition_keys);
            }
            keys.sort_unstable();
            keys.dedup();
            keys
        })
    }
}

/// A statement's templates by the service they name; see [`Located::templates_for`].
#[derive(Debug, Default)]
struct TemplatesByService {
    /// `(service, template)`, sorted by service ignoring ASCII case.
    literal: Vec<(&'static str, &'static str)>,
    /// Templates whose service is not a literal name.
    other: Vec<&'static str>,
}

fn cmp_ignore_case(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// What the checks need of one action beyond its name, from its entry and its resource types' definitions,
/// which the catalogue keeps as text and parses on each question: `ec2:CreateTags` applies to over a hundred
/// resource types, and AWS's policies name the same actions again and again.
#[derive(Debug)]
struct ActionFacts {
    /// The ARN templates of the resource types the action applies to, sorted, each once.
    templates: Vec<&'static str>,
    /// The condition keys the action takes, with those of its resource types, sorted, each once.
    condition_keys: Vec<&'static str>,
}

/// [`ActionFacts`] of the actions this process has met, by [`ActionInfo::identity`] (an integer to hash, and
/// no read of the action's record); at most one per catalogue action, kept
/// for the life of the process as the catalogue is.
static FACTS: LazyLock<Mutex<HashMap<usize, &'static ActionFacts, BuildHasherDefault<Fnv>>>> =
    LazyLock::new(|| Mutex::new(HashMap::default()));

fn facts(info: &ActionInfo) -> &'static ActionFacts {
    let known = FACTS
        .lock()
        .ok()
        .and_then(|facts| facts.get(&info.identity()).copied());
    if let Some(facts) = known {
        return facts;
    }
    let mut templates = Vec::new();
    let mut condition_keys: Vec<&'static str> = info.condition_keys().collect();
    for resource_type in info.resource_types() {
        condition_keys.extend(resource_type.condition_keys());
        if let Some(definition) = definition(info, resource_type.name()) {
            templates.extend(definition.arn_templates());
            condition_keys.extend(definition.condition_keys());
        }
    }
    for list in [&mut templates, &mut condition_keys] {
        list.sort_unstable();
        list.dedup();
    }
    let made: &'static ActionFacts = Box::leak(Box::new(ActionFacts {
        templates,
        condition_keys,
    }));
    match FACTS.lock() {
        Ok(mut facts) => facts.entry(info.identity()).or_insert(made),
        Err(_) => made,
    }
}

impl<'d, 't> Context<'d, 't> {
    pub(super) fn new(
        document: &'d PolicyDocument,
        kind: super::PolicyKind,
        tree: Option<&'t Node<'t>>,
    ) -> Self {
        let located = document
            .statement
            .iter()
            .enumerate()
            .map(|(index, statement)| Located {
                statement,
                pointer: item_pointer("/Statement", &document.statement, index),
                entries: OnceCell::new(),
                templates: OnceCell::new(),
                templates_by_service: OnceCell::new(),
                condition_keys: OnceCell::new(),
            })
            .collect();
        Context {
            document,
            kind,
            tree,
            findings: Vec::new(),
            located: Rc::new(located),
        }
    }

    /// The statements, each with its pointer and its shared catalogue answers.
    pub(super) fn statements(&self) -> Rc<Vec<Located<'d>>> {
        Rc::clone(&self.located)
    }

    /// Records a finding at `pointer`, locating it in the source when there is one.
    pub(super) fn report(
        &mut self,
        code: &'static str,
        severity: Severity,
        message: impl Into<String>,
        pointer: String,
        at: At,
    ) -> &mut Diagnostic {
        let span = self.locate(&pointer, at);
        self.findings.push(Diagnostic {
            code,
            severity,
            message: message.into(),
            span,
            pointer: Some(pointer),
            help: None,
            suggestion: None,
            labels: Vec::new(),
        });
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }

    fn locate(&self, pointer: &str, at: At) -> Span {
        let Some(tree) = self.tree else {
            return Span::default();
        };
        if at == At::Key
            && let Some((parent, key)) = pointer.rsplit_once('/')
            && let Some(member) = tree
                .pointer(parent)
                .and_then(|node| node.get(&unescape(key)))
        {
            return member.key_span;
        }
        // A pointer that does not resolve (the checks only build real ones) falls back to its nearest ancestor.
        let mut pointer = pointer;
        loop {
            if let Some(node) = tree.pointer(pointer) {
                // A whole object or array would underline many lines: its opening bracket says where it is.
                return match node.value {
                    json::Value::Object(_) | json::Value::Array(_) => {
                        Span::new(node.span.start as usize, node.span.start as usize + 1)
                    }
                    _ => node.span,
                };
            }
            match pointer.rsplit_once('/') {
                Some((parent, _)) => pointer = parent,
                None => return Span::new(tree.span.start as usize, tree.span.start as usize + 1),
            }
        }
    }

    pub(super) fn into_findings(self) -> Vec<Diagnostic> {
        self.findings
    }
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// The pointer of the `index`-th value of a one-or-many element at `base`: `base` itself for a lone value.
pub(super) fn item_pointer<T>(base: &str, values: &OneOrMany<T>, index: usize) -> String {
    match values {
        OneOrMany::One(_) => base.to_owned(),
        OneOrMany::Many(_) => format!("{base}/{index}"),
    }
}

/// `base/key`, with the key escaped for a JSON Pointer.
pub(super) fn child(base: &str, key: &str) -> String {
    format!("{base}/{}", json::escape_pointer_token(key))
}

/// Whether a value looks like a documentation placeholder (`<region>`, `ACCOUNT-ID`, `account-id`) that was
/// meant to be replaced, so that the help can say so.
pub(super) fn looks_like_placeholder(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    (text.starts_with('<') && text.ends_with('>'))
        || (text.len() > 1
            && text.bytes().any(|b| b.is_ascii_uppercase())
            && !text.bytes().any(|b| b.is_ascii_lowercase())
            && !text.bytes().all(|b| b.is_ascii_digit()))
        || [
            "account",
            "region",
            "example",
            "your",
            "name-of",
            "partition",
        ]
        .iter()
        .any(|word| lower.contains(word))
}

/// `help`, preceded by a note when `value` looks like a placeholder left in.
pub(super) fn placeholder_help(value: &str, help: &str) -> String {
    if looks_like_placeholder(value) {
        format!("`{value}` looks like a placeholder: replace it with the real value; {help}")
    } else {
        help.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::{ACTIONS_BY_NAME, ActionInfo, Context, SERVICES_BY_PREFIX};
    use crate::catalog::catalog;
    use crate::lint::PolicyKind;
    use crate::policy::PolicyDocument;

    #[test]
    fn remembered_expansions_are_the_catalogue_s() {
        for text in [
            "ec2:Describe*",
            "ec2:describe*",
            "s3:Get*",
            "s3:*Object?",
            "s3:Nothing*",
            "EC2:Describe*",
        ] {
            let action = crate::policy::Action::new(text);
            let expected: Vec<&str> = catalog()
                .expand(text)
                .expect("a known service")
                .iter()
                .map(ActionInfo::full_name)
                .collect();
            // The first time expands, the second reads the table: both the catalogue's answer, in its order.
            for _ in 0..2 {
                let super::Entry::Actions(actions) = super::expand_entry(&action) else {
                    panic!("{text} is a pattern of a known service");
                };
                let found: Vec<&str> = actions.iter().map(ActionInfo::full_name).collect();
                assert_eq!(found, expected, "{text}");
            }
        }
    }

    #[test]
    fn an_arn_meets_the_templates_of_its_own_service_or_all_of_them_for_a_pattern() {
        let document = PolicyDocument::from_json(
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Action": ["s3:GetObject", "ec2:StartInstances", "sqs:*"], "Resource": "*"}]}"#,
        )
        .expect("a policy");
        let cx = Context::new(&document, PolicyKind::Identity, None);
        let statements = cx.statements();
        let located = &statements[0];
        let all = located.templates();
        let service_of = |template: &str| template.split(':').nth(2).map(str::to_owned);
        for service in ["s3", "S3", "ec2", "sqs", "iam"] {
            let mut expected: Vec<&str> = all
                .iter()
                .copied()
                .filter(|t| service_of(t).is_some_and(|own| own.eq_ignore_ascii_case(service)))
                .collect();
            let mut found: Vec<&str> = located.templates_for(service).collect();
            expected.sort_unstable();
            found.sort_unstable();
            assert_eq!(found, expected, "{service}");
            assert_eq!(found.is_empty(), service == "iam", "{service}");
        }
        for pattern in ["*", "s?", "${aws:username}"] {
            let mut found: Vec<&str> = located.templates_for(pattern).collect();
            found.sort_unstable();
            assert_eq!(found, all, "{pattern}");
        }
    }

    #[test]
    fn the_maps_by_name_hold_what_the_catalogue_finds() {
        // One entry per name: were two services to share a prefix or two actions a name, the maps would keep
        // one of them where the catalogue's own lookup might find the other.
        assert_eq!(SERVICES_BY_PREFIX.len(), catalog().service_count());
        assert_eq!(ACTIONS_BY_NAME.len(), catalog().action_count());
        for (prefix, service) in SERVICES_BY_PREFIX.iter() {
            assert_eq!(catalog().service(prefix), Some(*service), "{prefix}");
        }
        for (name, info) in ACTIONS_BY_NAME.iter() {
            assert_eq!(
                catalog().action(name).map(|found| found.full_name()),
                Some(info.full_name())
            );
        }
    }
}
