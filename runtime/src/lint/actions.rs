//! Actions: well-formed, of a known service, existing, wildcards that match something, no redundancy.

use super::codes;
use super::context::{At, Context, Entry, Fnv, child, item_pointer};
use crate::catalog::{ActionInfo, catalog};
use crate::diagnostic::Severity;
use crate::glob;
use crate::policy::Action;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::{LazyLock, Mutex};

pub(super) fn check(cx: &mut Context<'_, '_>) {
    for located in cx.statements().iter() {
        let element = &located.statement.action;
        let actions = element.actions();
        let base = child(&located.pointer, element.element_name());
        let entries = located.entries();
        for (index, action) in actions.iter().enumerate() {
            if !entries[index].is_resolved() {
                check_action(cx, action, item_pointer(&base, actions, index));
            }
        }
        if actions.len() > 1 {
            check_redundant(cx, actions.as_slice(), entries, &base, actions);
        }
    }
}

/// Says what is wrong with an entry that names no catalogue action (nothing, for `*`).
fn check_action(cx: &mut Context<'_, '_>, action: &Action, pointer: String) {
    let text = action.as_str();
    if text.contains("${") {
        return; // A policy variable where none is substituted: the variable check says so.
    }
    if let Err(error) = Action::check(text) {
        let trimmed = text.trim();
        let finding = cx.report(
            codes::INVALID_ACTION_FORMAT.name,
            Severity::Error,
            error.to_string(),
            pointer,
            At::Value,
        );
        if trimmed != text && Action::check(trimmed).is_ok() {
            finding.suggestion = Some(trimmed.to_owned());
            finding.help = Some(format!("remove the surrounding whitespace: `{trimmed}`"));
        } else if text.contains("::") {
            let fixed = text.replace("::", ":");
            if Action::check(&fixed).is_ok() {
                finding.suggestion = Some(fixed.clone());
                finding.help = Some(format!("write `{fixed}`, with a single `:`"));
            }
        }
        return;
    }
    let (Some(service_part), Some(name)) = (action.service(), action.name()) else {
        return; // `*`
    };
    if glob::has_wildcard(service_part) {
        cx.report(
            codes::WILDCARD_IN_SERVICE_NAME.name,
            Severity::Suggestion,
            format!("`{text}` has a wildcard in the service name, which may match services you did not mean"),
            pointer,
            At::Value,
        )
        .help = Some("name the service exactly".to_owned());
        return;
    }
    let Some(service) = catalog().service(service_part) else {
        report_unknown_service(cx, service_part, name, text, pointer);
        return;
    };
    if !glob::has_wildcard(name) {
        let suggestion = remembered(text, |name| catalog().suggest_action(name));
        let finding = cx.report(
            codes::INVALID_ACTION.name,
            Severity::Error,
            format!("unknown action `{text}`"),
            pointer,
            At::Value,
        );
        if let Some(near) = suggestion {
            finding.help = Some(format!("did you mean `{near}`?"));
            finding.suggestion = Some(near.to_owned());
        } else {
            finding.help = Some(format!(
                "`{}` has no action of that name; its actions are listed in the Service Authorization Reference",
                service.prefix()
            ));
        }
        return;
    }
    cx.report(
        codes::WILDCARD_MATCHES_NO_ACTION.name,
        Severity::Error,
        format!(
            "`{text}` matches no `{}` action, so it covers nothing",
            service.prefix()
        ),
        pointer,
        At::Value,
    )
    .help = Some("check the spelling of the part before or after the wildcard".to_owned());
}

/// An action whose service part names no current service: a retired one, or a misspelt one.
fn report_unknown_service(
    cx: &mut Context<'_, '_>,
    service_part: &str,
    name: &str,
    text: &str,
    pointer: String,
) {
    if let Some(retired) = catalog().retired_service(service_part) {
        // Access Analyzer's check for a service prefix that does not exist, with its true reason.
        cx.report(
            codes::INVALID_SERVICE_IN_ACTION.name,
            Severity::Error,
            retired.to_string(),
            pointer,
            At::Value,
        )
        .help = Some(format!(
            "AWS has retired {}: its actions grant nothing, remove them",
            retired.name
        ));
        return;
    }
    let suggestion = remembered(service_part, |prefix| catalog().suggest_service(prefix));
    let finding = cx.report(
        codes::INVALID_SERVICE_IN_ACTION.name,
        Severity::Error,
        format!("unknown service `{service_part}` in `{text}`"),
        pointer,
        At::Value,
    );
    if let Some(prefix) = suggestion {
        let fixed = format!("{prefix}:{name}");
        finding.help = Some(format!("did you mean `{fixed}`?"));
        finding.suggestion = Some(fixed);
    } else {
        finding.help = Some(
            "service prefixes are listed in the AWS Service Authorization Reference".to_owned(),
        );
    }
}

/// Did-you-mean answers this process has worked out, by the name as written: a did-you-mean compares the name
/// with every action of its service (hundreds of microseconds for `ec2`), and the same unknown names recur from
/// policy to policy (AWS's managed policies name actions of retired services in dozens of them). A prefix has
/// no `:` and an action has one, so the two kinds of name share the map. Bounded: emptied when full.
static SUGGESTIONS: LazyLock<Mutex<HashMap<String, Option<&'static str>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The most names [`SUGGESTIONS`] keeps.
const SUGGESTIONS_KEPT: usize = 4_096;

/// `suggest(name)`, worked out once per process for each name.
fn remembered(
    name: &str,
    suggest: impl FnOnce(&str) -> Option<&'static str>,
) -> Option<&'static str> {
    let known = SUGGESTIONS
        .lock()
        .ok()
        .and_then(|memo| memo.get(name).copied());
    if let Some(answer) = known {
        return answer;
    }
    let answer = suggest(name);
    if let Ok(mut memo) = SUGGESTIONS.lock() {
        if memo.len() >= SUGGESTIONS_KEPT {
            memo.clear();
        }
        memo.insert(name.to_owned(), answer);
    }
    answer
}

/// An entry another entry of the same element already covers (`s3:GetObject` beside `s3:Get*`).
///
/// The entry that covers is the first in the element's order, as a search of every other entry would find it;
/// indexes by text, by service and by catalogue action make that a lookup per entry instead of a scan, since
/// AWS's own statements run to thousands of entries (`ReadOnlyAccess`).
fn check_redundant<T>(
    cx: &mut Context<'_, '_>,
    actions: &[Action],
    entries: &[Entry],
    base: &str,
    shape: &crate::policy::OneOrMany<T>,
) {
    let coverers = Coverers::new(actions, entries);
    for (index, action) in actions.iter().enumerate() {
        if let Some(by) = coverers.first_covering(index) {
            let by = &actions[by];
            cx.report(
                codes::REDUNDANT_ACTION.name,
                Severity::Suggestion,
                format!("`{action}` is already covered by `{by}` in the same statement"),
                item_pointer(base, shape, index),
                At::Value,
            )
            .help = Some(format!("remove `{action}`"));
        }
    }
}

/// What can cover an entry of one element, indexed: an entry `j` covers entry `i` when
/// - they are the same text, ignoring ASCII case, and `j` comes first (only the later duplicate is reported);
/// - otherwise, `j` is a wildcard and either `*`, or `svc:*` of the service of `i`'s actions, or a pattern whose
///   expansion holds `i`'s and is larger, or the same and comes first.
struct Coverers<'a> {
    actions: &'a [Action],
    entries: &'a [Entry],
    /// The first index of each text.
    first_of_text: HashMap<&'a Action, usize, BuildHasherDefault<Fnv>>,
    /// The first two `*` entries: the first covers every other entry, the second covers the first.
    stars: [Option<usize>; 2],
    /// The first wildcard entry that stands for a whole service, by service prefix.
    first_of_service: HashMap<&'static str, usize, BuildHasherDefault<Fnv>>,
    /// `(catalogue action, entry)` for every action of every wildcard entry's expansion, sorted: the patterns
    /// that may cover an entry are those whose expansion holds its first action. An action is known by the
    /// address of its index entry, one per action: integers sort faster than names.
    expansions: Vec<(usize, usize)>,
}

impl<'a> Coverers<'a> {
    fn new(actions: &'a [Action], entries: &'a [Entry]) -> Self {
        let mut first_of_text =
            HashMap::with_capacity_and_hasher(actions.len(), BuildHasherDefault::default());
        let mut stars = [None, None];
        let mut first_of_service = HashMap::default();
        let mut expansions = Vec::new();
        for (index, action) in actions.iter().enumerate() {
            first_of_text.entry(action).or_insert(index);
            if !action.is_wildcard() {
                continue;
            }
            if action.as_str() == "*" {
                if stars[0].is_none() {
                    stars[0] = Some(index);
                } else if stars[1].is_none() {
                    stars[1] = Some(index);
                }
                continue;
            }
            match &entries[index] {
                Entry::Service(service) => {
                    first_of_service.entry(service.prefix()).or_insert(index);
                }
                Entry::Actions(expansion) => {
                    expansions.extend(expansion.iter().map(|info| (identity(info), index)));
                }
                Entry::Unresolved => {}
            }
        }
        expansions.sort_unstable();
        Coverers {
            actions,
            entries,
            first_of_text,
            stars,
            first_of_service,
            expansions,
        }
    }

    /// The first entry that covers entry `index`, if any.
    fn first_covering(&self, index: usize) -> Option<usize> {
        let action = &self.actions[index];
        let earlier = |candidate: &usize| *candidate != index;
        // An earlier duplicate; the same text as `*` itself is one too, and only that way.
        let mut best = self.first_of_text.get(action).copied().filter(earlier);
        if action.as_str() != "*" {
            best = first(best, self.stars.iter().flatten().copied().find(earlier));
        }
        if let Entry::Actions(mine) = &self.entries[index]
            && let Some(action) = mine.first()
        {
            best = first(
                best,
                self.first_of_service
                    .get(action.service().prefix())
                    .copied(),
            );
            best = first(best, self.first_pattern_covering(index, mine, best));
        }
        best
    }

    /// The first pattern, before `before` if given, whose expansion holds `mine`, the expansion of entry
    /// `index`, and is larger, or the same and comes first.
    fn first_pattern_covering(
        &self,
        index: usize,
        mine: &[ActionInfo],
        before: Option<usize>,
    ) -> Option<usize> {
        let key = identity(&mine[0]);
        let start = self.expansions.partition_point(|&(name, _)| name < key);
        self.expansions[start..]
            .iter()
            .take_while(|&&(name, _)| name == key)
            .map(|&(_, candidate)| candidate)
            .take_while(|&candidate| before.is_none_or(|before| candidate < before))
            .find(|&candidate| {
                if candidate == index || self.actions[candidate] == self.actions[index] {
                    // Not a pattern covering another entry: the entry itself, or a duplicate, found by its text.
                    return false;
                }
                let Entry::Actions(theirs) = &self.entries[candidate] else {
                    return false;
                };
                (mine.len() < theirs.len() || candidate < index) && is_sorted_subset(mine, theirs)
            })
    }
}

/// One catalogue action's identity: see [`ActionInfo::identity`].
fn identity(info: &ActionInfo) -> usize {
    info.identity()
}

/// The smaller of two entry indexes, either of which may be absent.
fn first(a: Option<usize>, b: Option<usize>) -> Option<usize> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        _ => a.or(b),
    }
}

/// Whether every action of `small` is in `large`, both in the catalogue's order (by ASCII-lowercased name within
/// one service): a merge, not a search per name, since wildcard expansions run to hundreds of actions.
fn is_sorted_subset(small: &[ActionInfo], large: &[ActionInfo]) -> bool {
    if small.len().saturating_mul(8) < large.len() {
        // A few names in a long expansion (an action beside `ec2:Describe*`): a search each costs less.
        return small.iter().all(|name| {
            large
                .binary_search_by(|candidate| {
                    cmp_lowercase(candidate.full_name(), name.full_name())
                })
                .is_ok()
        });
    }
    let mut large = large.iter().peekable();
    small.iter().all(|name| {
        while let Some(candidate) = large.peek() {
            match cmp_lowercase(candidate.full_name(), name.full_name()) {
                std::cmp::Ordering::Less => {
                    large.next();
                }
                std::cmp::Ordering::Equal => {
                    large.next();
                    return true;
                }
                std::cmp::Ordering::Greater => return false,
            }
        }
        false
    })
}

fn cmp_lowercase(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

// The test suites' seeded generator; declared here, outside `tests`, so that the path is relative to this folder.
#[cfg(test)]
#[allow(
    dead_code,
    unreachable_pub,
    reason = "the tests' shared generator, written for the integration tests, of which these use a part"
)]
#[path = "../../tests/support/rng.rs"]
mod rng;

#[cfg(test)]
mod tests {
    use super::{Coverers, is_sorted_subset, rng};
    use crate::lint::context::{Entry, expand_entry};
    use crate::policy::Action;

    /// The first entry that covers entry `index`, by comparing it with every other entry: the definition that
    /// [`Coverers`] indexes.
    fn brute_force(actions: &[Action], entries: &[Entry], index: usize) -> Option<usize> {
        let action = &actions[index];
        actions.iter().enumerate().position(|(other, candidate)| {
            if other == index {
                return false;
            }
            if candidate == action {
                return other < index;
            }
            if !candidate.is_wildcard() {
                return false;
            }
            if candidate.as_str() == "*" {
                return true;
            }
            match (&entries[index], &entries[other]) {
                (Entry::Actions(mine), Entry::Service(service)) => {
                    mine.first().is_some_and(|info| info.service() == *service)
                }
                (Entry::Actions(mine), Entry::Actions(theirs)) if !mine.is_empty() => {
                    is_sorted_subset(mine, theirs) && (mine.len() < theirs.len() || other < index)
                }
                _ => false,
            }
        })
    }

    /// Entries that cover one another in every way: duplicates in other cases, `*`, whole services, patterns
    /// nested, equal, overlapping and matching nothing, unknown services and malformed entries.
    const POOL: &[&str] = &[
        "*",
        "*:*",
        "s3:*",
        "S3:*",
        "s3:Get*",
        "s3:get*",
        "s3:GetObject",
        "s3:getobject",
        "s3:GetObject*",
        "s3:GetObjec?",
        "s3:Get?bject",
        "s3:*Object*",
        "s3:GetObjectAcl",
        "s3:List*",
        "s3:ListBucket",
        "s3:ListBucke?",
        "s3:Nothing*",
        "s3:GetObjekt",
        "ec2:*",
        "ec2:Describe*",
        "ec2:DescribeInstances",
        "ec2:Describe*s",
        "iam:PassRole",
        "iam:Pass*",
        "nosuch:Thing",
        "s3::GetObject",
        "s3",
    ];

    #[test]
    fn the_first_covering_entry_is_the_one_a_search_of_every_other_finds() {
        let seed = rng::env_number("IAMGEN_SEED", 14);
        let cases = rng::env_number("IAMGEN_CASES", 3_000);
        for case in 0..cases {
            let mut rng = rng::Rng::new(seed.wrapping_add(case));
            let length = 2 + rng.below(30);
            let actions: Vec<Action> = (0..length)
                .map(|_| Action::new(rng.pick_str(POOL)))
                .collect();
            let entries: Vec<Entry> = actions.iter().map(expand_entry).collect();
            let coverers = Coverers::new(&actions, &entries);
            for index in 0..actions.len() {
                assert_eq!(
                    coverers.first_covering(index),
                    brute_force(&actions, &entries, index),
                    "seed {}, entry {index} of {actions:?}",
                    seed.wrapping_add(case)
                );
            }
        }
    }

    #[test]
    fn thousands_of_patterns_each_covered_by_its_earlier_duplicate() {
        // The ReadOnlyAccess shape (`svc:Get*`, `svc:List*`, `svc:Describe*` of every service), twice over.
        let mut actions = Vec::new();
        for service in crate::catalog::catalog().services() {
            for verb in ["Get", "List", "Describe"] {
                actions.push(Action::new(format!("{}:{verb}*", service.prefix())));
            }
        }
        actions.extend(actions.clone());
        let entries: Vec<Entry> = actions.iter().map(expand_entry).collect();
        let coverers = Coverers::new(&actions, &entries);
        let half = actions.len() / 2;
        for (index, action) in actions.iter().enumerate() {
            let expected = (index >= half).then(|| index - half);
            assert_eq!(coverers.first_covering(index), expected, "{action}");
        }
    }
}
