//! Condition keys and the matching of concrete keys against templates such as `aws:ResourceTag/${TagKey}`.

use std::fmt;

use super::index::field;
use crate::wildcard::{self, Case, Token};

/// A condition key a service defines, such as `s3:ExistingObjectTag/<key>` of type `String`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConditionKeyInfo {
    /// The key in its exact case, placeholders included (`aws:ResourceTag/${TagKey}`).
    pub name: &'static str,
    /// The type of the values the key takes.
    pub key_type: ConditionKeyType,
}

impl ConditionKeyInfo {
    /// From the fields of a `C` line; `None` if the line is malformed.
    pub(super) fn parse(record: &'static str) -> Option<ConditionKeyInfo> {
        let name = field(record, 0);
        let key_type = ConditionKeyType::from_source(field(record, 1))?;
        (!name.is_empty()).then_some(ConditionKeyInfo { name, key_type })
    }

    /// Whether the key's name contains a placeholder such as `${TagKey}` or `<key>`.
    #[must_use]
    pub fn is_template(&self) -> bool {
        self.name.contains("${") || self.name.contains('<')
    }

    /// Whether a concrete key from a policy, such as `aws:ResourceTag/team`, is this key.
    ///
    /// ASCII case is ignored, as IAM does for key names. A placeholder stands for one or more characters.
    #[must_use]
    pub fn matches(&self, key: &str) -> bool {
        name_matches(self.name, key)
    }
}

/// The type of a condition key's values, spelled in the source as in the AWS documentation.
///
/// The `ArrayOf` variants are multivalued keys, to be used with the `ForAnyValue:` and `ForAllValues:`
/// operator prefixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConditionKeyType {
    /// `String`.
    String,
    /// `ArrayOfString`.
    ArrayOfString,
    /// `ARN`.
    Arn,
    /// `ArrayOfARN`.
    ArrayOfArn,
    /// `Bool`.
    Bool,
    /// `ArrayOfBool`.
    ArrayOfBool,
    /// `Numeric`.
    Numeric,
    /// `ArrayOfNumeric`.
    ArrayOfNumeric,
    /// `Date`.
    Date,
    /// `ArrayOfDate`.
    ArrayOfDate,
    /// `IPAddress`.
    IpAddress,
    /// `ArrayOfIPAddress`.
    ArrayOfIpAddress,
    /// `Binary`.
    Binary,
    /// `ArrayOfBinary`.
    ArrayOfBinary,
}

impl ConditionKeyType {
    const ALL: [ConditionKeyType; 14] = [
        ConditionKeyType::String,
        ConditionKeyType::ArrayOfString,
        ConditionKeyType::Arn,
        ConditionKeyType::ArrayOfArn,
        ConditionKeyType::Bool,
        ConditionKeyType::ArrayOfBool,
        ConditionKeyType::Numeric,
        ConditionKeyType::ArrayOfNumeric,
        ConditionKeyType::Date,
        ConditionKeyType::ArrayOfDate,
        ConditionKeyType::IpAddress,
        ConditionKeyType::ArrayOfIpAddress,
        ConditionKeyType::Binary,
        ConditionKeyType::ArrayOfBinary,
    ];

    /// Parses the source's spelling (`ArrayOfString`, `IPAddress`, ...), exact case.
    #[must_use]
    pub fn from_source(name: &str) -> Option<ConditionKeyType> {
        ConditionKeyType::ALL
            .into_iter()
            .find(|key_type| key_type.as_str() == name)
    }

    /// The source's spelling, such as `ArrayOfARN`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            ConditionKeyType::String => "String",
            ConditionKeyType::ArrayOfString => "ArrayOfString",
            ConditionKeyType::Arn => "ARN",
            ConditionKeyType::ArrayOfArn => "ArrayOfARN",
            ConditionKeyType::Bool => "Bool",
            ConditionKeyType::ArrayOfBool => "ArrayOfBool",
            ConditionKeyType::Numeric => "Numeric",
            ConditionKeyType::ArrayOfNumeric => "ArrayOfNumeric",
            ConditionKeyType::Date => "Date",
            ConditionKeyType::ArrayOfDate => "ArrayOfDate",
            ConditionKeyType::IpAddress => "IPAddress",
            ConditionKeyType::ArrayOfIpAddress => "ArrayOfIPAddress",
            ConditionKeyType::Binary => "Binary",
            ConditionKeyType::ArrayOfBinary => "ArrayOfBinary",
        }
    }

    /// Whether the key is multivalued (an `ArrayOf` type).
    #[must_use]
    pub const fn is_array(self) -> bool {
        matches!(
            self,
            ConditionKeyType::ArrayOfString
                | ConditionKeyType::ArrayOfArn
                | ConditionKeyType::ArrayOfBool
                | ConditionKeyType::ArrayOfNumeric
                | ConditionKeyType::ArrayOfDate
                | ConditionKeyType::ArrayOfIpAddress
                | ConditionKeyType::ArrayOfBinary
        )
    }
}

impl fmt::Display for ConditionKeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The end (exclusive) of a `${...}` or `<...>` placeholder starting at `at`, if one starts there.
fn placeholder_end(template: &[u8], at: usize) -> Option<usize> {
    let rest = template.get(at..)?;
    let close = match rest {
        [b'$', b'{', ..] => b'}',
        [b'<', ..] => b'>',
        _ => return None,
    };
    rest.iter()
        .position(|&b| b == close)
        .map(|end| at + end + 1)
}

/// Whether a key from a policy is the catalogue's key `name`: ASCII case ignored, a placeholder in `name`
/// standing for one or more characters. The one rule for service and global keys.
pub(super) fn name_matches(name: &str, key: &str) -> bool {
    if name.contains("${") || name.contains('<') {
        template_matches(name, key)
    } else {
        name.eq_ignore_ascii_case(key)
    }
}

/// Whether `key` matches `template`, each placeholder standing for one or more characters, ASCII case
/// ignored.
pub(super) fn template_matches(template: &str, key: &str) -> bool {
    let mut tokens = Vec::with_capacity(template.len());
    let mut at = 0;
    while let Some(ch) = template[at..].chars().next() {
        if let Some(end) = placeholder_end(template.as_bytes(), at) {
            tokens.extend([Token::One, Token::Any]);
            at = end;
        } else {
            tokens.push(Token::Char(ch));
            at += ch.len_utf8();
        }
    }
    wildcard::matches_tokens(&tokens, key, Case::IgnoreAscii)
}

#[cfg(test)]
mod tests {
    use super::{ConditionKeyType, template_matches};

    #[test]
    fn placeholders_stand_for_one_or_more_characters() {
        assert!(template_matches(
            "aws:ResourceTag/${TagKey}",
            "aws:ResourceTag/team"
        ));
        assert!(template_matches(
            "aws:ResourceTag/${TagKey}",
            "AWS:resourcetag/a/b:c"
        ));
        assert!(!template_matches(
            "aws:ResourceTag/${TagKey}",
            "aws:ResourceTag/"
        ));
        assert!(!template_matches(
            "aws:ResourceTag/${TagKey}",
            "aws:RequestTag/team"
        ));
        assert!(template_matches(
            "s3:ExistingObjectTag/<key>",
            "s3:ExistingObjectTag/env"
        ));
        assert!(template_matches(
            "events:Metadata/${MetadataKey}/Matcher",
            "events:Metadata/x/y/Matcher"
        ));
        assert!(!template_matches(
            "events:Metadata/${MetadataKey}/Matcher",
            "events:Metadata//Matcher"
        ));
        assert!(template_matches(
            "token.actions.${Domain}.ghe.com:workflow",
            "token.actions.octo.ghe.com:workflow"
        ));
        assert!(!template_matches("a${X}b${Y}", "ab"));
        assert!(template_matches("a${X}b${Y}", "axby"));
        // An unterminated placeholder is literal text.
        assert!(template_matches("a${X", "a${x"));
    }

    #[test]
    fn template_matching_is_not_exponential() {
        let key = "a".repeat(10_000);
        assert!(!template_matches("${A}a${B}a${C}a${D}a${E}b", &key));
    }

    #[test]
    fn key_types_round_trip() {
        for key_type in ConditionKeyType::ALL {
            assert_eq!(
                ConditionKeyType::from_source(key_type.as_str()),
                Some(key_type)
            );
        }
        assert_eq!(ConditionKeyType::from_source("string"), None);
        assert!(ConditionKeyType::ArrayOfArn.is_array());
        assert!(!ConditionKeyType::IpAddress.is_array());
    }
}
