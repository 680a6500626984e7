use std::fmt;
use std::str::FromStr;

/// An Amazon Resource Name: `arn:partition:service:region:account-id:resource`.
///
/// Any field may hold IAM's `*` and `?` wildcards and policy variables (`${aws:username}`), as resource
/// entries and `Arn*` condition values do; colons inside `${...}` do not separate fields. Which partitions,
/// regions and accounts a service admits is the linter's question. The text is kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Arn {
    text: String,
    /// Byte offsets of the five `:` that separate the six fields.
    colons: [u32; 5],
}

/// Why a text is not an ARN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArnError {
    /// The text does not start with `arn:`.
    #[error("`{0}` does not start with `arn:`")]
    MissingPrefix(String),
    /// Fewer than six `:`-separated fields.
    #[error(
        "`{text}` has {found} of the 6 fields of an ARN (arn:partition:service:region:account:resource)"
    )]
    MissingFields {
        /// The whole text.
        text: String,
        /// How many fields it has.
        found: usize,
    },
    /// A field that must not be empty is (partition, service or resource).
    #[error("`{text}` has an empty {field}")]
    EmptyField {
        /// The whole text.
        text: String,
        /// The field's name.
        field: &'static str,
    },
    /// Whitespace or a control character, which no ARN holds.
    #[error("`{text}` contains whitespace or a control character at byte {at}")]
    InvalidChar {
        /// The whole text.
        text: String,
        /// Byte offset of the character.
        at: usize,
    },
    /// A policy variable opened with `${` and never closed.
    #[error("`{0}` has a `${{` without its closing `}}`")]
    UnclosedVariable(String),
}

impl Arn {
    /// Reads an ARN, checking its structure (prefix, six fields, non-empty partition, service and resource).
    pub fn parse(text: &str) -> Result<Self, ArnError> {
        let Some(rest) = text.strip_prefix("arn:") else {
            return Err(ArnError::MissingPrefix(text.to_owned()));
        };
        // Whitespace is allowed only inside a policy variable (`${aws:PrincipalTag/team, 'default'}`).
        let mut depth = 0usize;
        for (at, ch) in text.char_indices() {
            if ch == '$' && text.as_bytes().get(at + 1) == Some(&b'{') {
                depth += 1;
            } else if ch == '}' && depth > 0 {
                depth -= 1;
            } else if ch.is_control() || (ch.is_whitespace() && depth == 0) {
                return Err(ArnError::InvalidChar {
                    text: text.to_owned(),
                    at,
                });
            }
        }
        let mut colons = [3u32; 5];
        let mut found = 1;
        let mut in_variable = false;
        let bytes = rest.as_bytes();
        for (index, &byte) in bytes.iter().enumerate() {
            match byte {
                b'$' if bytes.get(index + 1) == Some(&b'{') => in_variable = true,
                b'}' if in_variable => in_variable = false,
                b':' if !in_variable && found < 5 => {
                    colons[found] = (index + 4) as u32;
                    found += 1;
                }
                _ => {}
            }
        }
        if in_variable {
            return Err(ArnError::UnclosedVariable(text.to_owned()));
        }
        if found < 5 {
            return Err(ArnError::MissingFields {
                text: text.to_owned(),
                found: found + 1,
            });
        }
        let arn = Arn {
            text: text.to_owned(),
            colons,
        };
        for (field, value) in [
            ("partition", arn.partition()),
            ("service", arn.service()),
            ("resource", arn.resource()),
        ] {
            if value.is_empty() {
                return Err(ArnError::EmptyField {
                    text: text.to_owned(),
                    field,
                });
            }
        }
        Ok(arn)
    }

    fn field(&self, index: usize) -> &str {
        let start = self.colons[index] as usize + 1;
        let end = self
            .colons
            .get(index + 1)
            .map_or(self.text.len(), |&end| end as usize);
        &self.text[start..end]
    }

    /// The ARN as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The partition: `aws`, `aws-cn`, `aws-us-gov`, ...
    #[must_use]
    pub fn partition(&self) -> &str {
        self.field(0)
    }

    /// The service namespace: `s3`, `iam`, ...
    #[must_use]
    pub fn service(&self) -> &str {
        self.field(1)
    }

    /// The region, empty for global resources (S3 buckets, IAM).
    #[must_use]
    pub fn region(&self) -> &str {
        self.field(2)
    }

    /// The account id field, empty for resources without one (S3 buckets).
    #[must_use]
    pub fn account(&self) -> &str {
        self.field(3)
    }

    /// Everything after the account field: `role/Name`, `bucket/key`, `function:name:alias` ...
    #[must_use]
    pub fn resource(&self) -> &str {
        self.field(4)
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for Arn {
    type Err = ArnError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Arn::parse(text)
    }
}

impl serde::Serialize for Arn {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for Arn {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Arn::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// An AWS account id: exactly twelve ASCII digits, kept as text because ids may start with `0`
/// (`081278057606`), which an integer would lose.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(String);

/// Why a text is not an account id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not an AWS account id; an account id is exactly 12 digits, such as `081278057606`"
)]
pub struct AccountIdError(pub String);

impl AccountId {
    /// Reads an account id: exactly 12 ASCII digits.
    pub fn parse(text: &str) -> Result<Self, AccountIdError> {
        if Self::is_valid(text) {
            Ok(AccountId(text.to_owned()))
        } else {
            Err(AccountIdError(text.to_owned()))
        }
    }

    /// Whether `text` is exactly 12 ASCII digits.
    #[must_use]
    pub fn is_valid(text: &str) -> bool {
        text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
    }

    /// The id's twelve digits.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The principal ARN that stands for the whole account in a policy, `arn:{partition}:iam::{id}:root`: every
    /// principal of the account whose own policies allow the action, not only its root user.
    #[must_use]
    pub fn root_arn(&self, partition: &str) -> String {
        format!("arn:{partition}:iam::{}:root", self.0)
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for AccountId {
    type Err = AccountIdError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        AccountId::parse(text)
    }
}

impl serde::Serialize for AccountId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for AccountId {
    /// Accepts only a string: an integer would already have lost a leading zero.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        AccountId::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_the_six_fields() {
        let arn = Arn::parse("arn:aws:lambda:us-east-1:081278057606:function:name:alias").unwrap();
        assert_eq!(arn.partition(), "aws");
        assert_eq!(arn.service(), "lambda");
        assert_eq!(arn.region(), "us-east-1");
        assert_eq!(arn.account(), "081278057606");
        assert_eq!(arn.resource(), "function:name:alias");
        let bucket = Arn::parse("arn:aws:s3:::com.stuzio.projectx/*").unwrap();
        assert_eq!(
            (bucket.region(), bucket.account(), bucket.resource()),
            ("", "", "com.stuzio.projectx/*")
        );
    }

    #[test]
    fn colons_inside_policy_variables_do_not_split() {
        let arn = Arn::parse("arn:aws:iam::${aws:PrincipalAccount}:user/${aws:username}").unwrap();
        assert_eq!(arn.account(), "${aws:PrincipalAccount}");
        assert_eq!(arn.resource(), "user/${aws:username}");
        assert!(matches!(
            Arn::parse("arn:aws:s3:::b/${aws:username"),
            Err(ArnError::UnclosedVariable(_))
        ));
    }

    #[test]
    fn rejects_malformed_arns() {
        assert!(matches!(
            Arn::parse("com.stuzio.projectx"),
            Err(ArnError::MissingPrefix(_))
        ));
        assert!(matches!(
            Arn::parse("arn:aws:s3:bucket"),
            Err(ArnError::MissingFields { found: 4, .. })
        ));
        assert!(matches!(
            Arn::parse("arn::s3:::b"),
            Err(ArnError::EmptyField {
                field: "partition",
                ..
            })
        ));
        assert!(matches!(
            Arn::parse("arn:aws:s3:::"),
            Err(ArnError::EmptyField {
                field: "resource",
                ..
            })
        ));
        assert!(matches!(
            Arn::parse("arn:aws:s3::: b"),
            Err(ArnError::InvalidChar { at: 13, .. })
        ));
    }

    #[test]
    fn account_ids_keep_leading_zeros() {
        let stuzio = AccountId::parse("081278057606").unwrap();
        assert_eq!(stuzio.as_str(), "081278057606");
        assert_eq!(stuzio.root_arn("aws"), "arn:aws:iam::081278057606:root");
        for bad in [
            "81278057606",
            "0812780576060",
            "08127805760a",
            "",
            "０81278057606",
        ] {
            assert!(AccountId::parse(bad).is_err(), "{bad}");
        }
    }
}
