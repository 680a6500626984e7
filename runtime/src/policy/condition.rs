use std::fmt;

use super::OneOrMany;

/// A statement's `Condition` element: operators, each with keys and values, in the order written.
///
/// Operators are AND-ed, keys under one operator are AND-ed, and the values of one key are OR-ed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Condition(pub Vec<ConditionBlock>);

/// One operator of a `Condition` element with its keys: `"StringEquals": {"aws:username": "Troy"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionBlock {
    /// The operator, with its set qualifier and `IfExists` suffix.
    pub operator: Operator,
    /// The keys and their values, in the order written. Each key appears once.
    pub entries: Vec<ConditionValues>,
}

/// One condition key and the values it is compared with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionValues {
    /// The condition key as written (`aws:SourceIp`, `s3:ExistingObjectTag/team`).
    pub key: String,
    /// The values: one, or an array (possibly empty).
    pub values: OneOrMany<ConditionValue>,
}

/// One condition value: IAM takes strings, booleans and numbers, and compares them according to the operator.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ConditionValue {
    /// A JSON string.
    String(String),
    /// A JSON boolean.
    Bool(bool),
    /// A JSON number, kept as its source text so that `1.50` or `1e3` print back unchanged.
    Number(String),
}

impl ConditionValue {
    /// The value as IAM compares it: strings as written, booleans as `true`/`false`, numbers as their text.
    #[must_use]
    pub fn as_text(&self) -> &str {
        match self {
            ConditionValue::String(text) | ConditionValue::Number(text) => text,
            ConditionValue::Bool(true) => "true",
            ConditionValue::Bool(false) => "false",
        }
    }
}

impl From<&str> for ConditionValue {
    fn from(text: &str) -> Self {
        ConditionValue::String(text.to_owned())
    }
}

impl From<bool> for ConditionValue {
    fn from(value: bool) -> Self {
        ConditionValue::Bool(value)
    }
}

/// A condition operator: `[ForAllValues:|ForAnyValue:]Base[IfExists]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operator {
    /// `ForAllValues:` or `ForAnyValue:`, for multivalued keys.
    pub qualifier: Option<SetQualifier>,
    /// The comparison.
    pub base: OperatorBase,
    /// The `IfExists` suffix: the condition also holds when the key is absent from the request.
    pub if_exists: bool,
}

/// The set qualifiers for multivalued condition keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    /// `ForAllValues:`: every value in the request must match some value in the condition.
    ForAllValues,
    /// `ForAnyValue:`: at least one value in the request must match some value in the condition.
    ForAnyValue,
}

impl SetQualifier {
    /// The prefix as written, with its colon.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SetQualifier::ForAllValues => "ForAllValues:",
            SetQualifier::ForAnyValue => "ForAnyValue:",
        }
    }
}

macro_rules! operator_bases {
    ($($variant:ident => $family:ident,)*) => {
        /// The comparison of a condition operator, without qualifier or suffix.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum OperatorBase {
            $(
                #[doc = concat!("`", stringify!($variant), "`.")]
                $variant,
            )*
        }

        impl OperatorBase {
            /// Every base operator IAM defines.
            pub const ALL: &'static [OperatorBase] = &[$(OperatorBase::$variant),*];

            /// The operator's name as written.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $(OperatorBase::$variant => stringify!($variant),)*
                }
            }

            /// Which kind of value the operator compares.
            #[must_use]
            pub fn family(self) -> OperatorFamily {
                match self {
                    $(OperatorBase::$variant => OperatorFamily::$family,)*
                }
            }
        }
    };
}

operator_bases! {
    StringEquals => String,
    StringNotEquals => String,
    StringEqualsIgnoreCase => String,
    StringNotEqualsIgnoreCase => String,
    StringLike => String,
    StringNotLike => String,
    NumericEquals => Numeric,
    NumericNotEquals => Numeric,
    NumericLessThan => Numeric,
    NumericLessThanEquals => Numeric,
    NumericGreaterThan => Numeric,
    NumericGreaterThanEquals => Numeric,
    DateEquals => Date,
    DateNotEquals => Date,
    DateLessThan => Date,
    DateLessThanEquals => Date,
    DateGreaterThan => Date,
    DateGreaterThanEquals => Date,
    Bool => Bool,
    BinaryEquals => Binary,
    IpAddress => IpAddress,
    NotIpAddress => IpAddress,
    ArnEquals => Arn,
    ArnLike => Arn,
    ArnNotEquals => Arn,
    ArnNotLike => Arn,
    Null => Null,
}

/// The kind of value an operator compares, which decides how its values must be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperatorFamily {
    /// `String*`.
    String,
    /// `Numeric*`.
    Numeric,
    /// `Date*`.
    Date,
    /// `Bool`.
    Bool,
    /// `BinaryEquals`: base64 text.
    Binary,
    /// `IpAddress`, `NotIpAddress`: CIDR blocks.
    IpAddress,
    /// `Arn*`.
    Arn,
    /// `Null`: whether the key is absent.
    Null,
}

impl OperatorBase {
    /// The base operator a name denotes, matched exactly as IAM does.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|base| base.as_str() == name)
    }

    /// Whether the operator is a negation (`StringNotEquals`, `NotIpAddress` ...), which IAM evaluates to
    /// true when the key is absent.
    #[must_use]
    pub fn is_negated(self) -> bool {
        matches!(
            self,
            OperatorBase::StringNotEquals
                | OperatorBase::StringNotEqualsIgnoreCase
                | OperatorBase::StringNotLike
                | OperatorBase::NumericNotEquals
                | OperatorBase::DateNotEquals
                | OperatorBase::NotIpAddress
                | OperatorBase::ArnNotEquals
                | OperatorBase::ArnNotLike
        )
    }
}

impl Operator {
    /// The operator a name such as `ForAnyValue:StringLikeIfExists` denotes; `None` if it is not one of IAM's.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        let (qualifier, rest) = if let Some(rest) = name.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), rest)
        } else if let Some(rest) = name.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), rest)
        } else {
            (None, name)
        };
        let (rest, if_exists) = match rest.strip_suffix("IfExists") {
            Some(base) => (base, true),
            None => (rest, false),
        };
        Some(Operator {
            qualifier,
            base: OperatorBase::from_name(rest)?,
            if_exists,
        })
    }

    /// A plain operator without qualifier or suffix.
    #[must_use]
    pub fn plain(base: OperatorBase) -> Self {
        Operator {
            qualifier: None,
            base,
            if_exists: false,
        }
    }

    /// Every operator name IAM accepts (each base with and without qualifiers and suffix), for did-you-mean.
    pub fn all_names() -> impl Iterator<Item = String> {
        let qualifiers = [
            None,
            Some(SetQualifier::ForAllValues),
            Some(SetQualifier::ForAnyValue),
        ];
        OperatorBase::ALL.iter().flat_map(move |&base| {
            qualifiers.into_iter().flat_map(move |qualifier| {
                [false, true].into_iter().map(move |if_exists| {
                    Operator {
                        qualifier,
                        base,
                        if_exists,
                    }
                    .to_string()
                })
            })
        })
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(qualifier) = self.qualifier {
            f.write_str(qualifier.as_str())?;
        }
        f.write_str(self.base.as_str())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_names_round_trip() {
        let names: Vec<String> = Operator::all_names().collect();
        assert_eq!(names.len(), OperatorBase::ALL.len() * 6);
        for name in &names {
            assert_eq!(&Operator::parse(name).unwrap().to_string(), name);
        }
        let op = Operator::parse("ForAnyValue:StringLikeIfExists").unwrap();
        assert_eq!(op.qualifier, Some(SetQualifier::ForAnyValue));
        assert_eq!(op.base, OperatorBase::StringLike);
        assert!(op.if_exists);
    }

    #[test]
    fn unknown_operators_are_refused() {
        for bad in [
            "StringEqual",
            "stringequals",
            "ForAllValue:StringEquals",
            "StringEqualsIfexists",
            "IfExists",
            "",
        ] {
            assert_eq!(Operator::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn negated_operators() {
        assert!(OperatorBase::NotIpAddress.is_negated());
        assert!(OperatorBase::StringNotLike.is_negated());
        assert!(!OperatorBase::Null.is_negated());
        assert_eq!(OperatorBase::DateLessThan.family(), OperatorFamily::Date);
    }
}
