//! S3 buckets: the settings of one the stack creates (versioning, default encryption, access logging), or a
//! bucket that exists already and that the stack only refers to.
//!
//! The defaults are what security scanners ask of every bucket and what S3 cannot undo cheaply later:
//! versioning on, SSE-S3 default encryption, public access blocked (always, for a bucket the stack creates).
//! Access logging needs a target bucket, so it is off until one is named.
//!
//! ```
//! # extern crate iamgen_runtime as iamgen;
//! use iamgen::stack::{BucketEncryption, BucketSettings, KmsKey};
//!
//! let settings = BucketSettings::default();
//! assert!(settings.versioning);
//! assert_eq!(settings.encryption, BucketEncryption::SseS3);
//! assert!(settings.logging.is_none());
//!
//! assert!(KmsKey::new("arn:aws:kms:eu-west-1:081278057606:key/1234abcd-12ab-34cd-56ef-1234567890ab").is_ok());
//! assert!(KmsKey::new("alias/projectx").is_ok());
//! let error = KmsKey::new("arn:aws:kms:eu-west-1:81278057606:key/1234abcd-12ab-34cd-56ef-1234567890ab").unwrap_err();
//! assert_eq!(error.to_string(), "the account `81278057606` of the KMS key ARN is not an account id");
//! assert_eq!(error.at(), 22..33);
//! ```

use std::fmt;
use std::ops::Range;

use crate::names::{BucketName, NameError};
use crate::policy::{AccountId, Arn, ArnError};

/// Whether a stack creates a bucket or refers to one that exists already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BucketOrigin {
    /// The stack creates the bucket, with these settings and its public access block on.
    Created(BucketSettings),
    /// The bucket exists already and belongs to someone else (a person, another stack, the account's owner):
    /// the stack refers to it by name and never creates, configures or deletes it. Its versioning, encryption,
    /// logging, public access block and bucket policy stay its owner's. Terraform reads it through the
    /// `aws_s3_bucket` data source; CloudFormation takes its name as a parameter.
    Existing,
}

impl Default for BucketOrigin {
    fn default() -> Self {
        BucketOrigin::Created(BucketSettings::default())
    }
}

/// How the stack creates a bucket. [`Default`] is versioning on, SSE-S3, no access logging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketSettings {
    /// Versioning on: an overwritten or deleted object keeps its earlier versions. Off, the bucket is created
    /// unversioned (S3's default), and the stack writes no versioning configuration.
    pub versioning: bool,
    /// The default encryption of new objects.
    pub encryption: BucketEncryption,
    /// Where S3 writes the bucket's server access logs, if anywhere.
    pub logging: Option<BucketLogging>,
}

impl Default for BucketSettings {
    fn default() -> Self {
        BucketSettings {
            versioning: true,
            encryption: BucketEncryption::SseS3,
            logging: None,
        }
    }
}

/// A bucket's default encryption.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum BucketEncryption {
    /// SSE-S3: keys S3 manages (`AES256`).
    #[default]
    SseS3,
    /// SSE-KMS (`aws:kms`), with an S3 Bucket Key to cut the calls to KMS. Principals reading or writing objects
    /// then need `kms:Decrypt` and `kms:GenerateDataKey` on the key.
    Kms {
        /// The key; the account's AWS managed key for S3 (`aws/s3`) when `None`.
        key: Option<KmsKey>,
    },
}

/// Where S3 writes a bucket's server access logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketLogging {
    /// The bucket the logs go to: in the same account and region, and another bucket than the one logged (S3
    /// would log its own log deliveries without end).
    pub target: BucketName,
    /// The prefix of the log objects' keys.
    pub prefix: LogPrefix,
}

impl BucketLogging {
    /// Logs into `target` under the prefix `<bucket>/`, so that several buckets can log into one target.
    #[must_use]
    pub fn into_bucket(target: BucketName, bucket: &BucketName) -> BucketLogging {
        BucketLogging {
            target,
            prefix: LogPrefix(format!("{bucket}/")),
        }
    }
}

/// The key prefix of a bucket's log objects: up to 1024 bytes (S3's limit on a key), no control characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LogPrefix(String);

/// Why a text is not a log prefix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LogPrefixError {
    /// Longer than an S3 key may be.
    #[error("the log prefix has {0} bytes, more than the 1024 of an S3 key")]
    TooLong(usize),
    /// A control character, which S3 keys should not hold (and which breaks its XML listings).
    #[error("the log prefix contains the control character U+{:04X}", u32::from(*.0))]
    Control(char),
}

impl LogPrefix {
    /// Checks a prefix (see [`LogPrefix`]).
    pub fn new(prefix: impl Into<String>) -> Result<LogPrefix, LogPrefixError> {
        let prefix = prefix.into();
        LogPrefix::check(&prefix)?;
        Ok(LogPrefix(prefix))
    }

    /// Whether `prefix` is a valid log prefix.
    pub fn check(prefix: &str) -> Result<(), LogPrefixError> {
        if prefix.len() > 1024 {
            return Err(LogPrefixError::TooLong(prefix.len()));
        }
        match prefix.chars().find(|ch| ch.is_control()) {
            Some(ch) => Err(LogPrefixError::Control(ch)),
            None => Ok(()),
        }
    }

    /// The prefix.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LogPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A KMS key as S3's default encryption names it: the key's ARN (`arn:aws:kms:REGION:ACCOUNT:key/ID`), an
/// alias's ARN (`arn:aws:kms:REGION:ACCOUNT:alias/NAME`), or an alias (`alias/NAME`). A bare key id is refused:
/// it names a key only within an account and region. S3 resolves an alias (`alias/NAME`) in the account of
/// whoever writes an object, so where principals of other accounts write, AWS advises the key's ARN.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KmsKey(String);

/// Why a text is not a KMS key S3 can encrypt with; [`KmsKeyError::at`] says where in the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KmsKeyError {
    /// Neither an ARN nor an alias.
    #[error("`{0}` is not a KMS key ARN nor an alias")]
    NotAKey(String),
    /// A key id without its ARN.
    #[error("`{0}` is a key id without its ARN")]
    BareKeyId(String),
    /// An ARN that is not well formed.
    #[error("the KMS key ARN is malformed: {0}")]
    Arn(ArnError),
    /// An ARN of another service.
    #[error("`{service}` is not `kms`: the ARN names no KMS key")]
    Service {
        /// The service the ARN names.
        service: String,
        /// Where it is.
        at: Range<usize>,
    },
    /// A partition AWS does not have.
    #[error("`{partition}` is not an AWS partition")]
    Partition {
        /// The partition written.
        partition: String,
        /// Where it is.
        at: Range<usize>,
    },
    /// A region field that is empty or not a region: KMS keys live in a region.
    #[error("the region `{region}` of the KMS key ARN is not a region")]
    Region {
        /// The region written.
        region: String,
        /// Where it is.
        at: Range<usize>,
    },
    /// An account field that is not an account id.
    #[error("the account `{account}` of the KMS key ARN is not an account id")]
    Account {
        /// The account written.
        account: String,
        /// Where it is.
        at: Range<usize>,
    },
    /// A resource that is neither `key/ID` nor `alias/NAME`.
    #[error("`{resource}` is neither `key/` and a key id nor `alias/` and an alias name")]
    Resource {
        /// The resource part written.
        resource: String,
        /// Where it is.
        at: Range<usize>,
    },
}

impl KmsKeyError {
    /// The byte range of the checked text that is wrong (the whole text when no one part is).
    #[must_use]
    pub fn at(&self) -> Range<usize> {
        match self {
            KmsKeyError::NotAKey(text) | KmsKeyError::BareKeyId(text) => 0..text.len(),
            KmsKeyError::Arn(error) => match error {
                ArnError::InvalidChar { at, text } => {
                    *at..at + text[*at..].chars().next().map_or(1, char::len_utf8)
                }
                ArnError::MissingPrefix(text)
                | ArnError::MissingFields { text, .. }
                | ArnError::EmptyField { text, .. }
                | ArnError::UnclosedVariable(text) => 0..text.len(),
            },
            KmsKeyError::Service { at, .. }
            | KmsKeyError::Partition { at, .. }
            | KmsKeyError::Region { at, .. }
            | KmsKeyError::Account { at, .. }
            | KmsKeyError::Resource { at, .. } => at.clone(),
        }
    }

    /// What to write instead.
    #[must_use]
    pub fn help(&self) -> &'static str {
        match self {
            KmsKeyError::NotAKey(_) | KmsKeyError::Arn(_) | KmsKeyError::Service { .. } => {
                "name the key by its ARN, `arn:aws:kms:REGION:ACCOUNT:key/ID`, by an alias's ARN, \
                 `arn:aws:kms:REGION:ACCOUNT:alias/NAME`, or by an alias of the bucket's account, `alias/NAME`"
            }
            KmsKeyError::BareKeyId(_) => {
                "write the key's ARN, `arn:aws:kms:REGION:ACCOUNT:key/ID`: a bare id names a key only within \
                 an account and region"
            }
            KmsKeyError::Partition { .. } => {
                "the partitions are aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f and aws-eusc"
            }
            KmsKeyError::Region { .. } => {
                "a KMS key lives in one region, written like `eu-west-1`: the bucket's region"
            }
            KmsKeyError::Account { .. } => {
                "an account id is exactly 12 digits, such as `081278057606`"
            }
            KmsKeyError::Resource { .. } => {
                "a key is `key/` and its id (`1234abcd-12ab-34cd-56ef-1234567890ab`, or `mrk-` and 32 hex digits \
                 for a multi-Region key); an alias is `alias/` and 1 to 250 letters, digits and `/_-`"
            }
        }
    }
}

/// A key id: a UUID in lowercase hex, or a multi-Region key's `mrk-` and 32 hex digits.
fn is_key_id(text: &str) -> bool {
    let hex = |part: &str, len: usize| {
        part.len() == len
            && part
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    if let Some(id) = text.strip_prefix("mrk-") {
        return hex(id, 32);
    }
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(part, len)| hex(part, len))
}

/// An alias name after `alias/`: KMS's `^[a-zA-Z0-9/_-]+$`, with `alias/` at most 256 characters.
fn is_alias_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 250
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-'))
}

impl KmsKey {
    /// Checks a key (see [`KmsKey`]).
    pub fn new(key: impl Into<String>) -> Result<KmsKey, KmsKeyError> {
        let key = key.into();
        KmsKey::check(&key)?;
        Ok(KmsKey(key))
    }

    /// Whether `key` names a KMS key as [`KmsKey`] says, and what is wrong with it otherwise.
    pub fn check(key: &str) -> Result<(), KmsKeyError> {
        if let Some(name) = key.strip_prefix("alias/") {
            return if is_alias_name(name) {
                Ok(())
            } else {
                Err(KmsKeyError::Resource {
                    resource: key.to_owned(),
                    at: 0..key.len(),
                })
            };
        }
        if !key.starts_with("arn:") {
            return Err(if is_key_id(key) {
                KmsKeyError::BareKeyId(key.to_owned())
            } else {
                KmsKeyError::NotAKey(key.to_owned())
            });
        }
        let arn = Arn::parse(key).map_err(KmsKeyError::Arn)?;
        // The fields' places: after `arn:` and each of the following colons (no `${` in a checked key).
        let mut starts = vec![4];
        starts.extend(key.match_indices(':').skip(1).take(4).map(|(at, _)| at + 1));
        let field = |index: usize, text: &str| starts[index]..starts[index] + text.len();
        if key.contains("${") || key.contains(['*', '?']) {
            return Err(KmsKeyError::NotAKey(key.to_owned()));
        }
        let partition = arn.partition();
        if !crate::lint::PARTITIONS.contains(&partition) {
            return Err(KmsKeyError::Partition {
                partition: partition.to_owned(),
                at: field(0, partition),
            });
        }
        if arn.service() != "kms" {
            return Err(KmsKeyError::Service {
                service: arn.service().to_owned(),
                at: field(1, arn.service()),
            });
        }
        let region = arn.region();
        if !crate::lint::is_region_shaped(region) {
            return Err(KmsKeyError::Region {
                region: region.to_owned(),
                at: if region.is_empty() {
                    starts[2] - 1..starts[2] + 1
                } else {
                    field(2, region)
                },
            });
        }
        let account = arn.account();
        if AccountId::parse(account).is_err() {
            return Err(KmsKeyError::Account {
                account: account.to_owned(),
                at: if account.is_empty() {
                    starts[3] - 1..starts[3] + 1
                } else {
                    field(3, account)
                },
            });
        }
        let resource = arn.resource();
        let valid = match resource.split_once('/') {
            Some(("key", id)) => is_key_id(id),
            Some(("alias", name)) => is_alias_name(name),
            _ => false,
        };
        if !valid {
            return Err(KmsKeyError::Resource {
                resource: resource.to_owned(),
                at: field(4, resource),
            });
        }
        Ok(())
    }

    /// The key as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key's ARN when it is one (`key/...`): what an identity policy grants `kms:Decrypt` on. An alias (its
    /// ARN, or `alias/...`) names no key in a policy's `Resource`.
    #[must_use]
    pub fn key_arn(&self) -> Option<&str> {
        Arn::parse(&self.0)
            .ok()
            .filter(|arn| arn.resource().starts_with("key/"))
            .map(|_| self.0.as_str())
    }
}

impl fmt::Display for KmsKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a stack refuses a bucket's settings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BucketSettingsError {
    /// The bucket logs into itself.
    #[error(
        "bucket `{0}` logs into itself: S3 would log the delivery of its own logs without end; log into another \
         bucket of the account"
    )]
    LogsIntoItself(BucketName),
    /// The log target is a bucket of the stack in another account.
    #[error(
        "bucket `{bucket}` logs into `{target}`, a bucket of another account: S3 delivers server access logs only \
         to a bucket of the same account and region"
    )]
    LogTargetInAnotherAccount {
        /// The logged bucket.
        bucket: BucketName,
        /// The target.
        target: BucketName,
    },
    /// The log target's name is not a bucket name.
    #[error(transparent)]
    LogTarget(#[from] NameError),
}

#[cfg(test)]
mod tests {
    use super::{KmsKey, KmsKeyError, LogPrefix, LogPrefixError};

    const KEY_ID: &str = "1234abcd-12ab-34cd-56ef-1234567890ab";

    /// The message of the error about `text`, and the part of `text` it points at.
    fn wrong(text: &str) -> (String, &str) {
        let error = KmsKey::check(text).unwrap_err();
        (error.to_string(), &text[error.at()])
    }

    #[test]
    fn kms_keys_are_arns_of_keys_or_aliases_or_aliases() {
        for good in [
            format!("arn:aws:kms:eu-west-1:081278057606:key/{KEY_ID}"),
            "arn:aws:kms:us-east-1:081278057606:key/mrk-1234abcd12ab34cd56ef1234567890ab"
                .to_owned(),
            "arn:aws-cn:kms:cn-north-1:081278057606:alias/project-x".to_owned(),
            "alias/project_x/objects".to_owned(),
            "alias/aws/s3".to_owned(),
        ] {
            assert!(KmsKey::check(&good).is_ok(), "{good}");
        }
        assert_eq!(
            wrong(KEY_ID),
            (format!("`{KEY_ID}` is a key id without its ARN"), KEY_ID)
        );
        assert_eq!(
            wrong(&format!("arn:aws:s3:eu-west-1:081278057606:key/{KEY_ID}")).1,
            "s3"
        );
        assert_eq!(
            wrong(&format!("arn:aws:kms::081278057606:key/{KEY_ID}")).1,
            "::"
        );
        assert_eq!(
            wrong(&format!("arn:aws:kms:eu-west:081278057606:key/{KEY_ID}")).1,
            "eu-west"
        );
        assert_eq!(
            wrong(&format!("arn:aws:kms:eu-west-1:0812780576:key/{KEY_ID}")).1,
            "0812780576"
        );
        assert_eq!(
            wrong("arn:aws:kms:eu-west-1:081278057606:key/not-a-uuid").1,
            "key/not-a-uuid"
        );
        assert_eq!(
            wrong(&format!("arn:awz:kms:eu-west-1:081278057606:key/{KEY_ID}")).1,
            "awz"
        );
        assert_eq!(wrong("alias/").1, "alias/");
        assert_eq!(wrong("alias/a b").1, "alias/a b");
        assert!(matches!(
            KmsKey::check("arn:aws:kms:eu-west-1"),
            Err(KmsKeyError::Arn(_))
        ));
        assert_eq!(wrong("arn:aws:kms:eu-west-1:081278057606:key/a b").1, " ");
        assert!(matches!(
            KmsKey::check("arn:aws:kms:*:081278057606:key/*"),
            Err(KmsKeyError::NotAKey(_))
        ));
        assert!(matches!(
            KmsKey::check("projectx"),
            Err(KmsKeyError::NotAKey(_))
        ));
    }

    #[test]
    fn only_key_arns_name_a_key_in_a_policy() {
        let key = KmsKey::new(format!("arn:aws:kms:eu-west-1:081278057606:key/{KEY_ID}")).unwrap();
        assert_eq!(key.key_arn(), Some(key.as_str()));
        let alias = KmsKey::new("arn:aws:kms:eu-west-1:081278057606:alias/x").unwrap();
        assert_eq!(alias.key_arn(), None);
        assert_eq!(KmsKey::new("alias/x").unwrap().key_arn(), None);
    }

    #[test]
    fn log_prefixes_are_short_and_printable() {
        assert!(LogPrefix::new("logs/projectx/").is_ok());
        assert!(LogPrefix::new("").is_ok());
        assert_eq!(LogPrefix::new("a\nb"), Err(LogPrefixError::Control('\n')));
        assert_eq!(
            LogPrefix::new("x".repeat(1025)),
            Err(LogPrefixError::TooLong(1025))
        );
    }
}
