//! The `Condition` element against a request context: every operator, `IfExists`, `Null`, the set
//! qualifiers, missing keys, and values of every type.
//!
//! The rules, as the IAM User Guide states them ("IAM JSON policy elements: Condition operators" and "Condition
//! keys with multiple values"): operators and keys are AND-ed, the values of one key are OR-ed; a key missing
//! from the request makes a condition false, except with a negated operator, an `...IfExists` operator or `Null`;
//! `ForAllValues` is true when every value of the request matches (and when the key is missing or empty),
//! `ForAnyValue` when at least one does (never when the key is missing or empty). With a set operator the
//! qualifier alone decides a missing key: `ForAnyValue:StringEqualsIfExists` over a missing key is false, as the
//! multivalued-keys page says of `ForAnyValue` and as IAM answers; `IfExists` only matters without a qualifier.

use std::net::IpAddr;

use super::Lookup;
use super::variables::{matches, substitute};
use crate::policy::{Condition, ConditionValue, Operator, OperatorBase, SetQualifier};

/// Whether every block of `condition` holds.
#[must_use]
pub fn holds(condition: &Condition, context: &dyn Lookup) -> bool {
    condition.0.iter().all(|block| {
        block
            .entries
            .iter()
            .all(|entry| entry_holds(block.operator, &entry.key, entry.values.as_slice(), context))
    })
}

/// A `Condition` read when only some keys of the request are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Partly<'c> {
    /// An entry on a known key does not hold: the condition is false, whatever the rest of the request holds.
    Fails,
    /// Every entry on a known key holds; the entries on these keys (none: the condition holds) decide the rest.
    Open(Vec<&'c str>),
}

/// Reads `condition` deciding only the entries on keys that `known` names, against `context`; an entry on any
/// other key, or whose values hold a policy variable, is left open (the request may or may not meet it).
#[must_use]
pub fn holds_partly<'c>(
    condition: &'c Condition,
    context: &dyn Lookup,
    known: &dyn Fn(&str) -> bool,
) -> Partly<'c> {
    let mut open: Vec<&'c str> = Vec::new();
    for block in &condition.0 {
        for entry in &block.entries {
            let values = entry.values.as_slice();
            // A variable may stand for a key that is not known, so the entry's outcome is not known either.
            let variable =
                context.variables() && values.iter().any(|value| value.as_text().contains("${"));
            if !known(&entry.key) || variable {
                if !open.iter().any(|key| key.eq_ignore_ascii_case(&entry.key)) {
                    open.push(&entry.key);
                }
            } else if !entry_holds(block.operator, &entry.key, values, context) {
                return Partly::Fails;
            }
        }
    }
    Partly::Open(open)
}

/// The first operator and key of `condition` that does not hold, if one does not: what a denial's fix names.
#[must_use]
pub fn first_unmet<'c>(
    condition: &'c Condition,
    context: &dyn Lookup,
) -> Option<(Operator, &'c str)> {
    condition.0.iter().find_map(|block| {
        block
            .entries
            .iter()
            .find(|entry| {
                !entry_holds(block.operator, &entry.key, entry.values.as_slice(), context)
            })
            .map(|entry| (block.operator, entry.key.as_str()))
    })
}

/// One operator, one key, its policy values.
fn entry_holds(
    operator: Operator,
    key: &str,
    policy_values: &[ConditionValue],
    context: &dyn Lookup,
) -> bool {
    let request = context.lookup(key);
    if operator.base == OperatorBase::Null {
        // `"Null": {"key": "true"}` holds when the key is absent; `"false"`, when it is present.
        let absent = request.is_none_or(|values| values.is_empty());
        return policy_values
            .iter()
            .any(|value| value.as_text().eq_ignore_ascii_case("true") == absent);
    }
    let request = match request {
        Some(values) if !values.is_empty() => values,
        _ => {
            return match operator.qualifier {
                Some(SetQualifier::ForAllValues) => true,
                Some(SetQualifier::ForAnyValue) => false,
                None => operator.if_exists || operator.base.is_negated(),
            };
        }
    };
    let negated = operator.base.is_negated();
    // A request value matches the operator's positive form when it matches any policy value.
    let positive = |value: &str| {
        policy_values
            .iter()
            .any(|policy| compare(operator.base, policy.as_text(), value, context))
    };
    match operator.qualifier {
        Some(SetQualifier::ForAllValues) => request.iter().all(|value| {
            if negated {
                !positive(value)
            } else {
                positive(value)
            }
        }),
        Some(SetQualifier::ForAnyValue) => request.iter().any(|value| {
            if negated {
                !positive(value)
            } else {
                positive(value)
            }
        }),
        // A negated operator holds when no request value matches any policy value; a positive one when any does.
        None if negated => !request.iter().any(&positive),
        None => request.iter().any(positive),
    }
}

/// Whether `request` matches `policy` under the positive form of `base` (`StringEquals` for
/// `StringNotEquals`).
fn compare(base: OperatorBase, policy: &str, request: &str, context: &dyn Lookup) -> bool {
    use OperatorBase as O;
    match base {
        O::StringEquals | O::StringNotEquals => {
            substitute(policy, context).is_some_and(|policy| policy == request)
        }
        O::StringEqualsIgnoreCase | O::StringNotEqualsIgnoreCase => substitute(policy, context)
            .is_some_and(|policy| policy.to_lowercase() == request.to_lowercase()),
        O::StringLike | O::StringNotLike => matches(policy, request, context),
        // Numbers compare as IAM's do: exactly, as decimal values (`5` equals `5.0`).
        O::NumericEquals | O::NumericNotEquals => {
            // `==`, not a total order: `0` and `-0` are the same number.
            #[allow(clippy::float_cmp, reason = "numbers compared as numbers, exactly")]
            numeric(policy, request, |a, b| a == b)
        }
        O::NumericLessThan => numeric(policy, request, |p, r| r < p),
        O::NumericLessThanEquals => numeric(policy, request, |p, r| r <= p),
        O::NumericGreaterThan => numeric(policy, request, |p, r| r > p),
        O::NumericGreaterThanEquals => numeric(policy, request, |p, r| r >= p),
        O::DateEquals | O::DateNotEquals => date(policy, request, |p, r| r == p),
        O::DateLessThan => date(policy, request, |p, r| r < p),
        O::DateLessThanEquals => date(policy, request, |p, r| r <= p),
        O::DateGreaterThan => date(policy, request, |p, r| r > p),
        O::DateGreaterThanEquals => date(policy, request, |p, r| r >= p),
        O::Bool => policy.eq_ignore_ascii_case(request),
        O::BinaryEquals => policy == request,
        O::IpAddress | O::NotIpAddress => ip_in_range(policy, request),
        O::ArnEquals | O::ArnLike | O::ArnNotEquals | O::ArnNotLike => {
            arn_matches(policy, request, context)
        }
        O::Null => false,
    }
}

fn numeric(policy: &str, request: &str, test: impl Fn(f64, f64) -> bool) -> bool {
    match (number(policy), number(request)) {
        (Some(policy), Some(request)) => test(policy, request),
        _ => false,
    }
}

/// A number as `Numeric*` operators read one: an integer or a decimal. Rust also reads `inf`, `infinity` and
/// `NaN`, which are words, not numbers, to IAM ("Numeric condition operators let you construct Condition
/// elements that restrict access based on comparing a key to an integer or decimal value").
fn number(text: &str) -> Option<f64> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|value| value.is_finite())
}

fn date(policy: &str, request: &str, test: impl Fn(i128, i128) -> bool) -> bool {
    match (parse_date(policy), parse_date(request)) {
        (Some(policy), Some(request)) => test(policy, request),
        _ => false,
    }
}

/// The latest instant a date can name: ISO 8601's four-digit years end with 9999-12-31T23:59:59Z, and epoch
/// seconds are held to the same range, so that no arithmetic on a date can overflow.
pub const LAST_DATE_SECONDS: i128 = 253_402_300_799;

/// A date as nanoseconds since the Unix epoch: ISO 8601 (`2026-11-29`, `2026-11-29T10:00:00Z`,
/// `2026-11-29T10:00:00.5+01:00`) or epoch seconds (`1796000000`, `1796000000.25`), from year 0000 to 9999.
/// Anything else, a year of five or more digits included, is not a date, and a date operator never matches it.
#[must_use]
pub fn parse_date(text: &str) -> Option<i128> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        // More digits than the last date has seconds cannot be a date, however `parse` would fare.
        if whole.len() > 12 {
            return None;
        }
        let seconds: i128 = whole.parse().ok()?;
        if seconds > LAST_DATE_SECONDS {
            return None;
        }
        return Some(seconds * 1_000_000_000 + fraction_nanos(fraction)?);
    }
    let (date, time) = match text.split_once(['T', 't']) {
        Some((date, time)) => (date, Some(time)),
        None => (text, None),
    };
    let mut parts = date.splitn(3, '-');
    let year = parts.next()?;
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i64 = year.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let mut seconds = i128::from(days) * 86_400;
    let mut nanos = 0;
    if let Some(time) = time {
        let (clock, offset) = split_offset(time)?;
        let mut fields = clock.splitn(3, ':');
        let hours: i128 = fields.next()?.parse().ok()?;
        let minutes: i128 = fields.next().unwrap_or("0").parse().ok()?;
        let second = fields.next().unwrap_or("0");
        let (whole, fraction) = second.split_once('.').unwrap_or((second, ""));
        let whole: i128 = whole.parse().ok()?;
        if hours > 24 || minutes > 59 || whole > 60 {
            return None;
        }
        seconds += hours * 3_600 + minutes * 60 + whole - offset;
        nanos = fraction_nanos(fraction)?;
    }
    Some(seconds * 1_000_000_000 + nanos)
}

fn fraction_nanos(fraction: &str) -> Option<i128> {
    if fraction.is_empty() {
        return Some(0);
    }
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits: String = fraction
        .chars()
        .chain(std::iter::repeat('0'))
        .take(9)
        .collect();
    digits.parse().ok()
}

/// The clock part and the offset from UTC in seconds (`Z`, `+01:00`, `-0500`, or none for UTC).
fn split_offset(time: &str) -> Option<(&str, i128)> {
    if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    if let Some(at) = time.rfind(['+', '-']) {
        let (clock, offset) = time.split_at(at);
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let digits: String = offset[1..].chars().filter(char::is_ascii_digit).collect();
        if digits.len() != 4 {
            return None;
        }
        let hours: i128 = digits[..2].parse().ok()?;
        let minutes: i128 = digits[2..].parse().ok()?;
        return Some((clock, sign * (hours * 3_600 + minutes * 60)));
    }
    Some((time, 0))
}

/// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Whether the address `request` is in `policy`, an address or a CIDR block, IPv4 or IPv6.
#[must_use]
pub fn ip_in_range(policy: &str, request: &str) -> bool {
    let Ok(address) = request.trim().parse::<IpAddr>() else {
        return false;
    };
    let (network, prefix) = match policy.trim().split_once('/') {
        Some((network, prefix)) => (network, prefix.parse::<u32>().ok()),
        None => (policy.trim(), None),
    };
    let Ok(network) = network.parse::<IpAddr>() else {
        return false;
    };
    match (network, address) {
        // IPv4 addresses are compared in the top 32 bits, so that one mask rule serves both families.
        (IpAddr::V4(network), IpAddr::V4(address)) => same_prefix(
            u128::from(u32::from(network)) << 96,
            u128::from(u32::from(address)) << 96,
            prefix,
            32,
        ),
        (IpAddr::V6(network), IpAddr::V6(address)) => {
            same_prefix(u128::from(network), u128::from(address), prefix, 128)
        }
        _ => false,
    }
}

/// Whether the first `prefix` bits (all `bits` of the address family when absent; never more) of two
/// addresses, each held in the top `bits` bits of a `u128`, agree.
fn same_prefix(network: u128, address: u128, prefix: Option<u32>, bits: u32) -> bool {
    let prefix = prefix.unwrap_or(bits);
    if prefix > bits {
        return false;
    }
    let mask = if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - prefix)
    };
    network & mask == address & mask
}

/// ARN operators compare the six colon-separated parts one by one, each with `*` and `?`.
fn arn_matches(policy: &str, request: &str, context: &dyn Lookup) -> bool {
    let policy_parts: Vec<&str> = policy.splitn(6, ':').collect();
    let request_parts: Vec<&str> = request.splitn(6, ':').collect();
    policy_parts.len() == 6
        && request_parts.len() == 6
        && policy_parts
            .iter()
            .zip(&request_parts)
            .all(|(policy, request)| matches(policy, request, context))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_both_forms() {
        assert_eq!(parse_date("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_date("1970-01-02"), Some(86_400 * 1_000_000_000));
        assert_eq!(parse_date("86400"), parse_date("1970-01-02T00:00:00Z"));
        assert_eq!(
            parse_date("2026-11-29T10:00:00+01:00"),
            parse_date("2026-11-29T09:00:00Z")
        );
        assert!(parse_date("2026-11-29T09:00:00.5Z") > parse_date("2026-11-29T09:00:00Z"));
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("yesterday"), None);
    }

    #[test]
    fn ip_ranges() {
        assert!(ip_in_range("203.0.113.0/24", "203.0.113.7"));
        assert!(!ip_in_range("203.0.113.0/24", "203.0.114.7"));
        assert!(ip_in_range("203.0.113.7", "203.0.113.7"));
        assert!(ip_in_range("0.0.0.0/0", "8.8.8.8"));
        assert!(ip_in_range("2001:db8::/32", "2001:db8:1::1"));
        assert!(!ip_in_range("2001:db8::/32", "2001:db9::1"));
        assert!(!ip_in_range("2001:db8::/32", "203.0.113.7"));
        assert!(!ip_in_range("203.0.113.0/33", "203.0.113.7"));
    }
}
