//! The spec's `[[bucket]]` tables: a bucket the stack creates and its settings (versioning, default
//! encryption, access logging), or one that exists already; and the pattern's `buckets`, which name them.

use std::collections::HashMap;
use std::ops::Range;

use toml::Spanned;

use super::check::{Kind, Reader};
use super::raw::{RawBucket, Text, span};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::names::BucketName;
use crate::source::Span;
use crate::stack::cross_account::BucketSpec;
use crate::stack::{
    BucketEncryption, BucketLogging, BucketOrigin, BucketSettings, KmsKey, LogPrefix,
};
use crate::suggest;

/// The values of `encryption`, as the spec writes them.
const ENCRYPTIONS: [&str; 2] = ["sse-s3", "sse-kms"];

impl Reader<'_> {
    /// Declares the `[[bucket]]` tables and checks their settings: the origin of each, when it is valid.
    pub(super) fn declare_buckets(
        &mut self,
        buckets: &[Spanned<RawBucket>],
    ) -> Vec<Option<BucketOrigin>> {
        let mut origins = Vec::with_capacity(buckets.len());
        for bucket in buckets {
            let raw = bucket.get_ref();
            let errors = self.errors.len();
            if let Some(account) = self.account(&raw.account) {
                self.declare(Kind::Bucket, Some(account), &raw.name);
            }
            let origin = self.bucket_origin(raw);
            origins.push(origin.filter(|_| self.errors.len() == errors));
        }
        origins
    }

    /// What a `[[bucket]]` table says: an existing bucket, or one to create with these settings.
    fn bucket_origin(&mut self, raw: &RawBucket) -> Option<BucketOrigin> {
        if let Some(existing) = raw.existing.as_ref().filter(|e| *e.get_ref()) {
            let settings = [
                ("versioning", raw.versioning.as_ref().map(span)),
                ("encryption", raw.encryption.as_ref().map(span)),
                ("kms_key", raw.kms_key.as_ref().map(span)),
                ("logging", raw.logging.as_ref().map(span)),
            ];
            for (key, at) in settings {
                let Some(at) = at else { continue };
                let name = raw.name.get_ref();
                self.error(
                    codes::CONFLICTING_KEYS.name,
                    format!(
                        "`{key}` is a setting of a bucket the stack creates, and `{name}` exists already"
                    ),
                    at,
                    format!(
                        "the bucket's owner decides its {}: remove `{key}`, or remove `existing = true` for the \
                         stack to create the bucket",
                        key.replace('_', " ")
                    ),
                )
                .labels
                .push((span(existing), "declared existing here".to_owned()));
            }
            return Some(BucketOrigin::Existing);
        }
        // A wrong setting is reported; the caller drops the origin of a table with errors.
        let encryption = self.encryption(raw);
        let logging = self.logging(raw);
        Some(BucketOrigin::Created(BucketSettings {
            versioning: raw.versioning.as_ref().is_none_or(|v| *v.get_ref()),
            encryption: encryption?,
            logging,
        }))
    }

    fn encryption(&mut self, raw: &RawBucket) -> Option<BucketEncryption> {
        // Checked first, so that its errors are reported whatever `encryption` says.
        let key = raw.kms_key.as_ref().map(|text| self.kms_key(text));
        let kms = match &raw.encryption {
            None => raw.kms_key.is_some(),
            Some(text) => match text.get_ref().as_str() {
                "sse-s3" => {
                    if let Some(key) = &raw.kms_key {
                        self.error(
                            codes::CONFLICTING_KEYS.name,
                            "`kms_key` is the key of `\"sse-kms\"` encryption, and the encryption is `\"sse-s3\"`",
                            span(key),
                            "remove `kms_key` for keys S3 manages, or write `encryption = \"sse-kms\"` (a \
                             `kms_key` implies it: `encryption` can be left out)",
                        )
                        .labels
                        .push((span(text), "SSE-S3 here".to_owned()));
                        return None;
                    }
                    false
                }
                "sse-kms" => true,
                other => {
                    self.unknown_encryption(text, other);
                    return None;
                }
            },
        };
        if !kms {
            return Some(BucketEncryption::SseS3);
        }
        let key = match key {
            None => None,
            Some(checked) => Some(checked?),
        };
        Some(BucketEncryption::Kms { key })
    }

    fn unknown_encryption(&mut self, text: &Text, other: &str) {
        // The names S3's API and the consoles use for the same two encryptions.
        let (suggestion, help) = match other {
            "AES256" => (
                Some("sse-s3"),
                "S3's API calls SSE-S3 `AES256`; the spec writes `\"sse-s3\"`".to_owned(),
            ),
            "aws:kms" => (
                Some("sse-kms"),
                "S3's API calls SSE-KMS `aws:kms`; the spec writes `\"sse-kms\"`".to_owned(),
            ),
            _ => match suggest::closest(other, ENCRYPTIONS) {
                Some(close) => (Some(close), format!("did you mean `\"{close}\"`?")),
                None => (
                    None,
                    "the encryptions are `\"sse-s3\"` (keys S3 manages, the default) and `\"sse-kms\"` (a KMS \
                     key); DSSE-KMS and SSE-C are not offered"
                        .to_owned(),
                ),
            },
        };
        let mut diagnostic = Diagnostic::error(
            codes::INVALID_BUCKET_SETTING.name,
            format!("`{other}` is not a default encryption of a bucket"),
            span(text),
            None,
        )
        .with_help(help);
        diagnostic.suggestion = suggestion.map(str::to_owned);
        self.errors.push(diagnostic);
    }

    fn kms_key(&mut self, text: &Text) -> Option<KmsKey> {
        match KmsKey::new(text.get_ref().clone()) {
            Ok(key) => Some(key),
            Err(error) => {
                let at = self.within(text, error.at());
                self.error(
                    codes::INVALID_KMS_KEY.name,
                    error.to_string(),
                    at,
                    error.help(),
                );
                None
            }
        }
    }

    /// The logging of a table, if it has one; `None` too when the logging table is wrong, which is reported.
    fn logging(&mut self, raw: &RawBucket) -> Option<BucketLogging> {
        let logging = raw.logging.as_ref()?;
        let logging = logging.get_ref();
        let target = self.accept(
            codes::INVALID_BUCKET_NAME.name,
            &logging.bucket,
            BucketName::check,
        );
        let name = raw.name.get_ref();
        if logging.bucket.get_ref() == name {
            self.error(
                codes::INVALID_BUCKET_SETTING.name,
                format!("bucket `{name}` logs into itself"),
                span(&logging.bucket),
                "S3 would log the delivery of its own logs without end: log into another bucket of the same \
                 account and region",
            )
            .labels
            .push((span(&raw.name), "the logged bucket".to_owned()));
            return None;
        }
        let prefix = match &logging.prefix {
            None => Some(format!("{name}/")),
            Some(prefix) => match LogPrefix::check(prefix.get_ref()) {
                Ok(()) => Some(prefix.get_ref().clone()),
                Err(error) => {
                    self.error(
                        codes::INVALID_BUCKET_SETTING.name,
                        error.to_string(),
                        span(prefix),
                        "a prefix is the start of the log objects' keys, such as `\"logs/projectx/\"`: up to \
                         1024 bytes, no control characters",
                    );
                    None
                }
            },
        };
        let target = BucketName::new(logging.bucket.get_ref().clone())
            .ok()
            .filter(|_| target)?;
        let prefix = LogPrefix::new(prefix?).ok()?;
        Some(BucketLogging { target, prefix })
    }

    /// Once every bucket is declared: a log target of the stack must be in the logged bucket's account.
    pub(super) fn check_log_targets(&mut self, buckets: &[Spanned<RawBucket>]) {
        for bucket in buckets {
            let raw = bucket.get_ref();
            let (Some(logging), Some(account)) = (&raw.logging, self.account_quietly(&raw.account))
            else {
                continue;
            };
            let target = &logging.get_ref().bucket;
            let key = (Kind::Bucket, None, target.get_ref().to_ascii_lowercase());
            let Some(entry) = self.declared.get(&key).map(|index| &self.names[*index]) else {
                continue;
            };
            if entry.account.is_some_and(|other| other != account) {
                let (other, first) = (self.account_name(entry.account).to_owned(), entry.span);
                self.error(
                    codes::INVALID_BUCKET_SETTING.name,
                    format!(
                        "bucket `{}` logs into `{}`, a bucket of account `{other}`",
                        raw.name.get_ref(),
                        target.get_ref()
                    ),
                    span(target),
                    format!(
                        "S3 delivers server access logs only to a bucket of the same account and region: log into \
                         a bucket of `{}`",
                        raw.account.get_ref()
                    ),
                )
                .labels
                .push((first, "declared here".to_owned()));
            }
        }
    }

    /// The pattern's `buckets`: each the `[[bucket]]` table of that name, which must be the trusting
    /// account's, or a bucket the pattern creates with the default settings.
    pub(super) fn pattern_buckets(
        &mut self,
        names: &[Text],
        trusting: Option<usize>,
        tables: &[Spanned<RawBucket>],
        origins: &[Option<BucketOrigin>],
    ) -> Vec<BucketSpec> {
        let by_name: HashMap<&str, usize> = tables
            .iter()
            .enumerate()
            .map(|(index, table)| (table.get_ref().name.get_ref().as_str(), index))
            .collect();
        let mut buckets = Vec::new();
        for name in self.each_once(names, "list each bucket once") {
            let Some(&index) = by_name.get(name.get_ref().as_str()) else {
                self.declare(Kind::Bucket, trusting, name);
                buckets.push(BucketSpec::created(name.get_ref().clone()));
                continue;
            };
            let table = tables[index].get_ref();
            let account = self.account_quietly(&table.account);
            if let (Some(account), Some(trusting)) = (account, trusting)
                && account != trusting
            {
                self.error(
                    codes::CONFLICTING_KEYS.name,
                    format!(
                        "bucket `{}` is declared in account `{}`, but the pattern's buckets are the trusting \
                         account's (`{}`)",
                        name.get_ref(),
                        table.account.get_ref(),
                        self.account_name(Some(trusting))
                    ),
                    span(name),
                    "declare the bucket in the trusting account, or leave it out of `buckets`",
                )
                .labels
                .push((span(&table.account), "declared in this account".to_owned()));
            }
            if let Some(Some(origin)) = origins.get(index) {
                buckets.push(BucketSpec {
                    name: name.get_ref().clone(),
                    origin: origin.clone(),
                });
            }
        }
        buckets
    }

    /// The span of `range`, bytes of a string's value, within the string as the spec writes it; the whole
    /// string when it holds escapes, which shift positions.
    fn within(&self, text: &Text, range: Range<usize>) -> Span {
        let whole = span(text);
        let value = text.get_ref();
        let written = self
            .source
            .get(whole.start as usize..whole.end as usize)
            .unwrap_or_default();
        let quoted = written.len() == value.len() + 2
            && written.get(1..written.len() - 1) == Some(value.as_str());
        if quoted && range.end <= value.len() && range.start < range.end {
            let start = whole.start as usize + 1;
            Span::new(start + range.start, start + range.end)
        } else {
            whole
        }
    }
}
