//! Conditions: operators that fit their keys, keys IAM knows and that apply to the statement's actions, and
//! values of the operator's type.

use super::codes;
use std::net::IpAddr;

use super::context::{At, Context, Located, child, item_pointer, placeholder_help};
use super::keys::{self, Key};
use super::variables::{Variable, variables};
use crate::catalog::{ConditionKeyInfo, ConditionKeyType, catalog};
use crate::diagnostic::Severity;
use crate::glob;
use crate::policy::{
    Arn, ConditionBlock, ConditionValue, ConditionValues, Effect, Operator, OperatorFamily,
    SetQualifier,
};

pub(super) fn check(cx: &mut Context<'_, '_>) {
    for located in cx.statements().iter() {
        let Some(condition) = &located.statement.condition else {
            continue;
        };
        let base = child(&located.pointer, "Condition");
        for block in &condition.0 {
            let block_pointer = child(&base, &block.operator.to_string());
            check_operator(cx, block, &block_pointer);
            check_duplicate_keys(cx, block, &block_pointer);
            for entry in &block.entries {
                let key_pointer = child(&block_pointer, &entry.key);
                let key = keys::resolve(&entry.key);
                check_key(cx, &entry.key, key, &key_pointer);
                check_operator_fits_key(
                    cx,
                    located.statement.effect,
                    block,
                    entry,
                    key,
                    &key_pointer,
                );
                check_values(cx, block, entry, &key_pointer);
                check_key_applies(cx, located, block, entry, key, &key_pointer);
            }
        }
    }
}

fn check_operator(cx: &mut Context<'_, '_>, block: &ConditionBlock, pointer: &str) {
    let operator = block.operator;
    if operator.base.family() != OperatorFamily::Null {
        // "ForAnyValue ... If the key in your request is missing, the condition returns false" (IAM User
        // Guide, multivalued context keys): the set operator decides a missing key, so the suffix that reads
        // as "true when missing" does nothing, and a `Deny` written with it does not deny requests without the
        // key.
        if operator.if_exists && operator.qualifier == Some(SetQualifier::ForAnyValue) {
            let without = format!("ForAnyValue:{}", operator.base.as_str());
            let finding = cx.report(
                codes::FORANYVALUE_WITH_IF_EXISTS.name,
                Severity::Warning,
                format!(
                    "`{operator}`: `IfExists` changes nothing under `ForAnyValue`, which is false when the key \
                     is missing, not true"
                ),
                pointer.to_owned(),
                At::Key,
            );
            finding.help = Some(format!(
                "write `{without}`; to also match requests without the key, add a statement with \
                 `\"Null\": {{\"KEY\": \"true\"}}`"
            ));
        }
        return;
    }
    if operator.if_exists {
        cx.report(
            codes::NULL_WITH_IF_EXISTS.name,
            Severity::Error,
            format!("`{operator}`: the `Null` operator cannot take the `IfExists` suffix"),
            pointer.to_owned(),
            At::Key,
        )
        .help = Some("`Null` already tests whether the key exists: use `Null`".to_owned());
    }
    if operator.qualifier.is_some() {
        cx.report(
            codes::NULL_WITH_QUALIFIER.name,
            Severity::Suggestion,
            format!("`{operator}`: `Null` with a set qualifier always gives the same answer as `Null` alone"),
            pointer.to_owned(),
            At::Key,
        )
        .help = Some("remove the qualifier".to_owned());
    }
}

fn check_duplicate_keys(cx: &mut Context<'_, '_>, block: &ConditionBlock, pointer: &str) {
    for (index, entry) in block.entries.iter().enumerate() {
        if let Some(first) = block.entries[..index]
            .iter()
            .find(|e| e.key.eq_ignore_ascii_case(&entry.key))
        {
            cx.report(
                codes::DUPLICATE_KEYS_WITH_DIFFERENT_CASE.name,
                Severity::Error,
                format!(
                    "`{}` and `{}` are the same condition key (names are case-insensitive) in one `{}` block",
                    first.key, entry.key, block.operator
                ),
                child(pointer, &entry.key),
                At::Key,
            )
            .help = Some("merge their values under one key".to_owned());
        }
    }
}

fn check_key(cx: &mut Context<'_, '_>, name: &str, key: Key, pointer: &str) {
    let (code, message, suggestion) = match key {
        Key::Malformed => (
            codes::INVALID_CONDITION_KEY_FORMAT.name,
            format!(
                "`{name}` is not a condition key; keys are written `service:name`, such as `aws:SourceIp`"
            ),
            None,
        ),
        Key::Unknown {
            global: true,
            suggestion,
        } => (
            codes::INVALID_GLOBAL_CONDITION_KEY.name,
            format!("unknown global condition key `{name}`"),
            suggestion,
        ),
        Key::Unknown {
            global: false,
            suggestion,
        } => {
            let prefix = name.split(':').next().unwrap_or_default();
            let retired = catalog().retired_service(prefix);
            // A retired service's key resembles no live key: no did-you-mean.
            let suggestion = suggestion.filter(|_| retired.is_none());
            let message = if catalog().service(prefix).is_some() {
                format!("`{prefix}` has no condition key `{name}`")
            } else if let Some(retired) = retired {
                format!("unknown condition key `{name}`: {retired}")
            } else {
                format!(
                    "unknown condition key `{name}`: `{prefix}` is neither a service nor an identity provider"
                )
            };
            (
                codes::INVALID_SERVICE_CONDITION_KEY.name,
                message,
                suggestion,
            )
        }
        Key::Global {
            deprecated: Some(replacement),
            ..
        } => {
            let finding = cx.report(
                codes::DEPRECATED_GLOBAL_CONDITION_KEY.name,
                Severity::Warning,
                format!("`{name}` is deprecated"),
                pointer.to_owned(),
                At::Key,
            );
            finding.help = Some(format!("use `{replacement}`"));
            finding.suggestion = Some(replacement.to_owned());
            return;
        }
        _ => return,
    };
    let finding = cx.report(code, Severity::Error, message, pointer.to_owned(), At::Key);
    match suggestion {
        Some(near) => {
            finding.help = Some(format!("did you mean `{near}`?"));
            finding.suggestion = Some(near.to_owned());
        }
        None => {
            finding.help = Some(
                "the global keys are listed in the IAM User Guide; a service's keys in the Service Authorization \
                 Reference"
                    .to_owned(),
            );
        }
    }
}

/// The operator families that can compare a key of a type.
fn families_for(key_type: ConditionKeyType) -> &'static [OperatorFamily] {
    use OperatorFamily as F;
    match key_type {
        ConditionKeyType::Arn | ConditionKeyType::ArrayOfArn => &[F::Arn, F::String],
        ConditionKeyType::Bool | ConditionKeyType::ArrayOfBool => &[F::Bool],
        ConditionKeyType::Date | ConditionKeyType::ArrayOfDate => &[F::Date],
        ConditionKeyType::Numeric | ConditionKeyType::ArrayOfNumeric => &[F::Numeric],
        ConditionKeyType::IpAddress | ConditionKeyType::ArrayOfIpAddress => &[F::IpAddress],
        ConditionKeyType::Binary | ConditionKeyType::ArrayOfBinary => &[F::Binary],
        _ => &[F::String],
    }
}

fn family_name(family: OperatorFamily) -> &'static str {
    match family {
        OperatorFamily::String => "String",
        OperatorFamily::Numeric => "Numeric",
        OperatorFamily::Date => "Date",
        OperatorFamily::Bool => "Bool",
        OperatorFamily::Binary => "BinaryEquals",
        OperatorFamily::IpAddress => "IpAddress",
        OperatorFamily::Arn => "Arn",
        OperatorFamily::Null => "Null",
    }
}

fn check_operator_fits_key(
    cx: &mut Context<'_, '_>,
    effect: Effect,
    block: &ConditionBlock,
    entry: &ConditionValues,
    key: Key,
    pointer: &str,
) {
    let operator = block.operator;
    let family = operator.base.family();
    if family == OperatorFamily::Null {
        return;
    }
    if let Some(key_type) = key.key_type() {
        let allowed = if entry.key.eq_ignore_ascii_case("aws:EpochTime") {
            &[OperatorFamily::Date, OperatorFamily::Numeric]
        } else {
            families_for(key_type)
        };
        if !allowed.contains(&family) {
            let names: Vec<&str> = allowed.iter().map(|f| family_name(*f)).collect();
            cx.report(
                codes::TYPE_MISMATCH.name,
                Severity::Warning,
                format!(
                    "`{operator}` compares {} values, but `{}` is of type {}, so the comparison never matches as meant",
                    family_name(family),
                    entry.key,
                    key_type.as_str()
                ),
                pointer.to_owned(),
                At::Key,
            )
            .help = Some(format!("use a {} operator for `{}`", names.join(" or "), entry.key));
        }
    }
    match (operator.qualifier, key.is_multivalued()) {
        (Some(SetQualifier::ForAllValues), Some(false)) if effect == Effect::Allow => {
            cx.report(
                codes::FORALLVALUES_WITH_SINGLE_VALUED_KEY.name,
                Severity::SecurityWarning,
                format!(
                    "`ForAllValues` with the single-valued key `{}` also matches requests without the key, which is \
                     more permissive than it reads",
                    entry.key
                ),
                pointer.to_owned(),
                At::Key,
            )
            .help = Some(format!("use `{}` without the qualifier", operator.base.as_str()));
        }
        (None, Some(true)) => {
            cx.report(
                codes::MISSING_QUALIFIER.name,
                Severity::Error,
                format!(
                    "`{}` can hold several values in one request; `{operator}` without `ForAllValues:` or \
                     `ForAnyValue:` does not say how to compare them",
                    entry.key
                ),
                pointer.to_owned(),
                At::Key,
            )
            // An error although IAM stores such policies: AWS's own managed policies have it (on
            // `events:detail-type`, which the reference types ArrayOfString; Access Analyzer's check reference lists
            // this check as an error and names an AWS managed policy with it). What a single-valued operator does
            // with several request values is not documented, so the policy does not say what it grants.
            .help = Some(format!(
                "write `ForAnyValue:{operator}` (some value matches) or `ForAllValues:{operator}` (every value \
                 matches); IAM accepts the policy as it is (AWS's own managed policies have this too), but how it \
                 compares several values without a qualifier is not documented"
            ));
        }
        _ => {}
    }
}

/// The values of one condition key: each of the type its operator compares, and for `aws:SourceIp`, addresses
/// that requests reaching AWS can come from.
fn check_values(
    cx: &mut Context<'_, '_>,
    block: &ConditionBlock,
    entry: &ConditionValues,
    pointer: &str,
) {
    let operator = block.operator;
    let mut addresses = Addresses::default();
    for (index, value) in entry.values.iter().enumerate() {
        // Built only for a finding: most values have none.
        let value_pointer = || item_pointer(pointer, &entry.values, index);
        check_value(cx, operator, value, &value_pointer, &mut addresses);
    }
    if operator.base.family() == OperatorFamily::IpAddress
        && entry.key.eq_ignore_ascii_case("aws:SourceIp")
        && addresses.private > 0
    {
        check_private_source_ip(cx, operator, &addresses, pointer);
    }
}

/// How many of an IP condition's ranges are private and public.
#[derive(Default)]
struct Addresses {
    private: usize,
    public: usize,
}

/// A finding about a value: its code, message and help.
type ValueProblem = (&'static str, String, &'static str);

fn check_value(
    cx: &mut Context<'_, '_>,
    operator: Operator,
    value: &ConditionValue,
    value_pointer: &dyn Fn() -> String,
    addresses: &mut Addresses,
) {
    let family = operator.base.family();
    let text = value.as_text();
    let has_variable = matches!(value, ConditionValue::String(s) if variables(s).iter().any(|v| matches!(v, Variable::Named { .. })));
    if has_variable && !matches!(family, OperatorFamily::String | OperatorFamily::Arn) {
        cx.report(
            codes::INVALID_VARIABLE_FOR_OPERATOR.name,
            Severity::Error,
            format!("`{text}`: policy variables can only be used with String and Arn operators, not `{operator}`"),
            value_pointer(),
            At::Value,
        )
        .help = Some("compare a literal value, or use a String operator".to_owned());
        return;
    }
    let problem = match family {
        OperatorFamily::Bool | OperatorFamily::Null => (!is_boolean(value)).then_some((
            codes::TYPE_MISMATCH_BOOLEAN.name,
            format!("`{text}` is not a boolean, so `{operator}` never matches it"),
            "write `true` or `false`",
        )),
        OperatorFamily::Numeric => (!is_number(value)).then_some((
            codes::TYPE_MISMATCH_NUMBER.name,
            format!("`{text}` is not a number, so `{operator}` never matches it"),
            "write a number, such as `3600`",
        )),
        OperatorFamily::Date => (!is_date(value)).then_some((
            codes::TYPE_MISMATCH_DATE.name,
            format!("`{text}` is not a date IAM can read, so `{operator}` never matches it"),
            "write an ISO 8601 date such as `2026-01-31` or `2026-01-31T12:00:00Z`, or epoch seconds",
        )),
        OperatorFamily::Binary => (!is_base64(text)).then_some((
            codes::TYPE_MISMATCH_STRING.name,
            format!("`{text}` is not base64, which `BinaryEquals` compares"),
            "write the value base64-encoded",
        )),
        OperatorFamily::Arn => (!is_arn_value(text)).then_some((
            codes::TYPE_MISMATCH_ARN.name,
            format!("`{text}` is not an ARN, so `{operator}` never matches it"),
            "write an ARN such as `arn:aws:iam::111122223333:role/Name`, wildcards allowed",
        )),
        OperatorFamily::IpAddress => check_ip_value(cx, text, value_pointer, addresses),
        OperatorFamily::String => literal_wildcard(operator, text),
    };
    if let Some((code, message, help)) = problem {
        cx.report(code, Severity::Warning, message, value_pointer(), At::Value)
            .help = Some(placeholder_help(text, help));
    }
}

/// An IP range: counted as private or public, and suggested in normal form if it has bits past its prefix;
/// a problem if it is none.
fn check_ip_value(
    cx: &mut Context<'_, '_>,
    text: &str,
    value_pointer: &dyn Fn() -> String,
    addresses: &mut Addresses,
) -> Option<ValueProblem> {
    let Some(cidr) = parse_cidr(text) else {
        return Some((
            codes::TYPE_MISMATCH_IP_RANGE.name,
            format!("`{text}` is not an IP address or CIDR range"),
            "write an address or a range such as `203.0.113.0/24` or `2001:db8::/32`",
        ));
    };
    if cidr.is_private() {
        addresses.private += 1;
    } else {
        addresses.public += 1;
    }
    if let Some(normal) = cidr.normalized() {
        let finding = cx.report(
            codes::IMPROVE_IP_RANGE.name,
            Severity::Suggestion,
            format!("`{text}` has bits set past its prefix, which IAM ignores"),
            value_pointer(),
            At::Value,
        );
        finding.help = Some(format!("write `{normal}`"));
        finding.suggestion = Some(normal);
    }
    None
}

/// A `*` or `?` compared literally by an exact String operator.
fn literal_wildcard(operator: Operator, text: &str) -> Option<ValueProblem> {
    let exact = matches!(
        operator.base,
        crate::policy::OperatorBase::StringEquals
            | crate::policy::OperatorBase::StringNotEquals
            | crate::policy::OperatorBase::StringEqualsIgnoreCase
            | crate::policy::OperatorBase::StringNotEqualsIgnoreCase
    );
    let stripped = text.replace("${*}", "").replace("${?}", "");
    (exact && glob::has_wildcard(&stripped)).then_some((
        codes::WILDCARD_WITHOUT_LIKE_OPERATOR.name,
        format!("`{text}` holds `*` or `?`, which `{operator}` compares literally"),
        "to match a pattern, use `StringLike` (or `StringNotLike`)",
    ))
}

/// Private addresses in `aws:SourceIp`, which requests reaching AWS never come from.
fn check_private_source_ip(
    cx: &mut Context<'_, '_>,
    operator: Operator,
    addresses: &Addresses,
    pointer: &str,
) {
    let negated = operator.base.is_negated();
    let (code, severity, message) = match (addresses.public == 0, negated) {
        (true, false) => (
            codes::PRIVATE_IP_ADDRESS.name,
            Severity::Error,
            "`aws:SourceIp` holds only private addresses, which requests reaching AWS never come from, so the \
             condition never matches",
        ),
        (true, true) => (
            codes::PRIVATE_NOTIPADDRESS.name,
            Severity::Error,
            "`aws:SourceIp` holds only private addresses, so `NotIpAddress` always matches and has no effect",
        ),
        (false, false) => (
            codes::PRIVATE_IP_ADDRESS_SUBSET.name,
            Severity::Suggestion,
            "`aws:SourceIp` mixes private and public addresses; the private ones never match",
        ),
        (false, true) => (
            codes::PRIVATE_NOTIPADDRESS_SUBSET.name,
            Severity::Suggestion,
            "`aws:SourceIp` mixes private and public addresses; the private ones have no effect",
        ),
    };
    cx.report(code, severity, message, pointer.to_owned(), At::Key).help = Some(
        "for requests through a VPC endpoint, compare `aws:VpcSourceIp` (with `aws:SourceVpce`) instead"
            .to_owned(),
    );
}

/// For an `Action` statement whose actions are all known: a service key that none of them supports makes
/// the condition test something no request to them carries.
fn check_key_applies(
    cx: &mut Context<'_, '_>,
    located: &Located<'_>,
    block: &ConditionBlock,
    entry: &ConditionValues,
    key: Key,
    pointer: &str,
) {
    let Key::Service { .. } = key else { return };
    if block.operator.base.family() == OperatorFamily::Null {
        return;
    }
    let referenced = catalog()
        .service_condition_key(&entry.key)
        .is_some_and(|info| REFERENCED_KEYS.contains(&info.name.to_ascii_lowercase()));
    if !referenced {
        return;
    }
    if !located.is_resolved() {
        return;
    }
    if supports_key(located.condition_keys().iter().copied(), &entry.key) {
        return;
    }
    let names: Vec<&'static str> = located
        .actions()
        .take(3)
        .map(|info| info.full_name())
        .collect();
    let permissive = block.operator.if_exists || block.operator.base.is_negated();
    let (severity, consequence) = match (located.statement.effect, permissive) {
        (Effect::Allow, false) => (
            Severity::Error,
            "so the condition never holds and the statement grants nothing",
        ),
        (Effect::Deny, false) => (
            Severity::Warning,
            "so the condition never holds and the statement denies nothing",
        ),
        (_, true) => (
            Severity::Warning,
            "so the condition always holds and restricts nothing",
        ),
    };

    cx.report(
        codes::UNSUPPORTED_ACTION_FOR_CONDITION_KEY.name,
        severity,
        format!(
            "no action of this statement supports the condition key `{}`, {consequence}",
            entry.key
        ),
        pointer.to_owned(),
        At::Key,
    )
    .help = Some(format!(
        "{} do not take `{}`; check the key against the actions in the Service Authorization Reference",
        names
            .iter()
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(", "),
        entry.key
    ));
}

/// The service keys some action or resource type of their service refers to. The source data defines a few
/// keys that no action lists (`states:HTTPEndpoint`); for those the catalogue cannot say which actions take
/// them, so the check stays silent rather than guess.
static REFERENCED_KEYS: std::sync::LazyLock<std::collections::HashSet<String>> =
    std::sync::LazyLock::new(|| {
        let mut keys = std::collections::HashSet::new();
        for service in catalog().services() {
            for action in service.actions() {
                keys.extend(action.condition_keys().map(str::to_ascii_lowercase));
                for rt in action.resource_types() {
                    keys.extend(rt.condition_keys().map(str::to_ascii_lowercase));
                }
            }
            for rt in service.resource_types() {
                keys.extend(rt.condition_keys().map(str::to_ascii_lowercase));
            }
        }
        keys
    });

fn supports_key(mut supported: impl Iterator<Item = &'static str>, key: &str) -> bool {
    supported.any(|name| {
        ConditionKeyInfo {
            name,
            key_type: ConditionKeyType::String,
        }
        .matches(key)
    })
}

fn is_boolean(value: &ConditionValue) -> bool {
    match value {
        ConditionValue::Bool(_) => true,
        ConditionValue::String(text) => {
            text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false")
        }
        ConditionValue::Number(_) => false,
    }
}

fn is_number(value: &ConditionValue) -> bool {
    match value {
        ConditionValue::Number(_) => true,
        ConditionValue::String(text) => {
            let digits = text.strip_prefix('-').unwrap_or(text);
            let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
            !int.is_empty()
                && !frac.is_empty()
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit())
        }
        ConditionValue::Bool(_) => false,
    }
}

/// ISO 8601 (`2026-01-31`, `2026-01-31T12:00:00Z`, with fractions and offsets) or epoch seconds.
/// A value the evaluator reads as a date, written in a form IAM documents.
fn is_date(value: &ConditionValue) -> bool {
    // The form check is stricter than the evaluator's reader (two-digit months); the reader bounds the range
    // (years 0000 to 9999), so that the linter and `iamgen simulate` agree on what is not a date.
    has_date_form(value) && crate::eval::conditions::parse_date(value.as_text()).is_some()
}

fn has_date_form(value: &ConditionValue) -> bool {
    let text = match value {
        ConditionValue::Number(text) => return text.bytes().all(|b| b.is_ascii_digit()),
        ConditionValue::String(text) => text.as_str(),
        ConditionValue::Bool(_) => return false,
    };
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    let (date, time) = match text.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (text, None),
    };
    let date_ok = {
        let parts: Vec<&str> = date.split('-').collect();
        parts.len() == 3
            && parts[0].len() == 4
            && parts[1].len() == 2
            && parts[2].len() == 2
            && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
            && (1..=12).contains(&parts[1].parse::<u32>().unwrap_or(0))
            && (1..=31).contains(&parts[2].parse::<u32>().unwrap_or(0))
    };
    let time_ok = time.is_none_or(|time| {
        let (clock, _zone) = if let Some(clock) = time.strip_suffix('Z') {
            (clock, "Z")
        } else if let Some(at) = time.rfind(['+', '-']) {
            (&time[..at], &time[at..])
        } else {
            (time, "")
        };
        let clock = clock.split('.').next().unwrap_or(clock);
        let parts: Vec<&str> = clock.split(':').collect();
        (2..=3).contains(&parts.len())
            && parts
                .iter()
                .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
    });
    date_ok && time_ok
}

fn is_base64(text: &str) -> bool {
    !text.is_empty()
        && text.len() % 4 == 0
        && text
            .trim_end_matches('=')
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

fn is_arn_value(text: &str) -> bool {
    text == "*"
        || text.starts_with("${")
        || Arn::parse(text).is_ok()
        || (text.starts_with("arn:") && text.contains('*'))
}

/// An address with its prefix length.
struct Cidr {
    address: IpAddr,
    prefix: u8,
}

fn parse_cidr(text: &str) -> Option<Cidr> {
    let (address, prefix) = match text.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (text, None),
    };
    let address: IpAddr = address.parse().ok()?;
    let max = if address.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix {
        Some(prefix) => prefix.parse::<u8>().ok().filter(|p| *p <= max)?,
        None => max,
    };
    Some(Cidr { address, prefix })
}

impl Cidr {
    /// Whether the whole range is private, loopback or link-local: addresses no request to AWS comes from.
    fn is_private(&self) -> bool {
        match self.address {
            IpAddr::V4(v4) => {
                let [a, b, ..] = v4.octets();
                let (range_prefix, inside) = match (a, b) {
                    (10 | 127, _) => (8, true),
                    (172, 16..=31) => (12, true),
                    (192, 168) | (169, 254) => (16, true),
                    _ => (0, false),
                };
                inside && self.prefix >= range_prefix
            }
            IpAddr::V6(v6) => {
                let first = v6.segments()[0];
                let unique_local = (first & 0xfe00) == 0xfc00 && self.prefix >= 7;
                let link_local = (first & 0xffc0) == 0xfe80 && self.prefix >= 10;
                unique_local || link_local || (v6.is_loopback() && self.prefix == 128)
            }
        }
    }

    /// The range with the bits past the prefix cleared, when any were set.
    fn normalized(&self) -> Option<String> {
        match self.address {
            IpAddr::V4(v4) => {
                let bits = u32::from(v4);
                let mask = if self.prefix == 0 {
                    0
                } else {
                    u32::MAX << (32 - u32::from(self.prefix))
                };
                (bits & !mask != 0)
                    .then(|| format!("{}/{}", std::net::Ipv4Addr::from(bits & mask), self.prefix))
            }
            IpAddr::V6(v6) => {
                let bits = u128::from(v6);
                let mask = if self.prefix == 0 {
                    0
                } else {
                    u128::MAX << (128 - u32::from(self.prefix))
                };
                (bits & !mask != 0)
                    .then(|| format!("{}/{}", std::net::Ipv6Addr::from(bits & mask), self.prefix))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        for ok in [
            "2026-01-31",
            "2026-01-31T12:00:00Z",
            "2026-01-31T12:00:00.123+01:00",
            "2026-01-31T12:00Z",
            "1700000000",
        ] {
            assert!(is_date(&ConditionValue::String(ok.into())), "{ok}");
        }
        for bad in [
            "2026-13-01",
            "31/01/2026",
            "yesterday",
            "2026-01-31T25",
            "",
            "99999999999999999-01-01",
            "99999999999999999",
            "253402300800",
        ] {
            assert!(!is_date(&ConditionValue::String(bad.into())), "{bad}");
        }
    }

    #[test]
    fn cidrs() {
        assert!(parse_cidr("10.1.0.0/16").unwrap().is_private());
        assert!(!parse_cidr("10.0.0.0/7").unwrap().is_private());
        assert!(!parse_cidr("203.0.113.0/24").unwrap().is_private());
        assert!(parse_cidr("fd00::/8").unwrap().is_private());
        assert_eq!(
            parse_cidr("203.0.113.7/24")
                .unwrap()
                .normalized()
                .as_deref(),
            Some("203.0.113.0/24")
        );
        assert_eq!(parse_cidr("203.0.113.0/24").unwrap().normalized(), None);
        assert!(parse_cidr("203.0.113.0/33").is_none());
        assert!(parse_cidr("not-an-ip").is_none());
    }

    #[test]
    fn numbers_and_base64() {
        assert!(is_number(&ConditionValue::String("3600".into())));
        assert!(is_number(&ConditionValue::String("-1.5".into())));
        assert!(!is_number(&ConditionValue::String("1h".into())));
        assert!(is_base64("QmluYXJ5"));
        assert!(!is_base64("not base64"));
    }
}
