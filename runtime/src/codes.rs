//! Every finding code iamgen reports, in one list: its name, the IAM Access Analyzer check it mirrors (where
//! one exists), its default severity and what it means.
//!
//! Findings name their code through these constants, so a code is spelt once; `--allow` and the macros'
//! `allow(...)` accept only codes found here, so a misspelt code is an error instead of a silent no-op.
//!
//! ```
//! # extern crate iamgen_runtime as iamgen;
//! use iamgen::lint::codes;
//!
//! let code = codes::lookup("MISSING_VERSION").unwrap();
//! assert_eq!(code.access_analyzer, Some("Missing version"));
//! assert_eq!(codes::suggest("MISSING_VERSON"), Some("MISSING_VERSION")); // misspelt on purpose
//! ```

use std::fmt;

use crate::diagnostic::Severity;

/// One finding code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Code {
    /// The code as findings carry it (`MISSING_VERSION`).
    pub name: &'static str,
    /// The title of the IAM Access Analyzer policy check with the same code, if Access Analyzer has one
    /// (`Missing version`); `None` for iamgen's own checks.
    pub access_analyzer: Option<&'static str>,
    /// The severity findings with this code usually have; a few checks report a milder or a stricter one
    /// depending on the case (a resource that matches nothing is an error in an `Allow`, a warning in a
    /// `Deny`).
    pub severity: Severity,
    /// What a finding with this code says, in one line.
    pub summary: &'static str,
    /// Whether `--allow` and `allow(...)` may accept it. They may not when the finding means that IAM refuses
    /// the policy, or that what it names can never take effect (Access Analyzer's errors): allowing it would
    /// only turn a policy AWS rejects into one iamgen passes. [`REFUSED_BY_AWS`] lists these codes.
    pub allowable: bool,
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// The code named `name`, if there is one (exact and case-sensitive, as findings carry it).
#[must_use]
pub fn lookup(name: &str) -> Option<&'static Code> {
    ALL.binary_search_by(|code| code.name.cmp(name))
        .ok()
        .map(|index| &ALL[index])
}

/// The known code closest to a misspelt `name`, for a did-you-mean.
#[must_use]
pub fn suggest(name: &str) -> Option<&'static str> {
    crate::suggest::best_match(name, ALL.iter().map(|code| (code.name, code.name)))
}

/// The code named `name`, or an error that says so with a did-you-mean: what `--allow` and `allow(...)` use.
///
/// # Errors
///
/// [`UnknownCode`] when no code has that name.
pub fn check(name: &str) -> Result<&'static Code, UnknownCode> {
    lookup(name).ok_or_else(|| UnknownCode {
        name: name.to_owned(),
        suggestion: suggest(name),
    })
}

/// The code named `name` if `--allow` or `allow(...)` may accept it: a known code whose findings do not mean
/// that AWS refuses the policy.
///
/// # Errors
///
/// [`AllowError::Unknown`] when no code has that name, [`AllowError::Refused`] when the code is one of
/// [`REFUSED_BY_AWS`].
pub fn check_allow(name: &str) -> Result<&'static Code, AllowError> {
    let code = check(name).map_err(AllowError::Unknown)?;
    if code.allowable {
        Ok(code)
    } else {
        Err(AllowError::Refused(code))
    }
}

/// Whether the allow-list `allow` leaves out a finding with the code `code`: it names the code, and the code
/// may be allowed. A list built in code (not read by [`check_allow`]) cannot silence a code of
/// [`REFUSED_BY_AWS`] either.
#[must_use]
pub fn is_allowed(allow: &[String], code: &str) -> bool {
    allow.iter().any(|allowed| allowed == code) && lookup(code).is_none_or(|code| code.allowable)
}

/// Why a code cannot be allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowError {
    /// No code has that name.
    Unknown(UnknownCode),
    /// The code means AWS refuses the policy (or what it names never takes effect): fix the policy instead.
    Refused(&'static Code),
}

impl fmt::Display for AllowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AllowError::Unknown(unknown) => unknown.fmt(f),
            AllowError::Refused(code) => {
                // The summary is a sentence; in a diagnostic it is a clause (lowercase, no period).
                let summary = code.summary.trim_end_matches('.');
                let mut chars = summary.chars();
                let clause = match (chars.next(), chars.next()) {
                    (Some(first), Some(second))
                        if first.is_ascii_uppercase() && !second.is_ascii_uppercase() =>
                    {
                        format!("{}{}", first.to_ascii_lowercase(), &summary[1..])
                    }
                    _ => summary.to_owned(),
                };
                write!(
                    f,
                    "`{}` cannot be allowed: AWS refuses such a policy, or what the finding names never takes \
                     effect ({clause}); fix the policy instead",
                    code.name
                )
            }
        }
    }
}

impl std::error::Error for AllowError {}

/// The codes `--allow` and `allow(...)` refuse to accept, by name: each means that IAM (or Organizations)
/// refuses the policy, or that the element it names can never take effect. They are Access Analyzer's ERROR
/// findings, and iamgen's own codes for the same kinds of fault, except where iamgen's verdict rests on data
/// that can lag behind AWS (its catalogue of resource ARN formats, service condition keys and qualifiers,
/// its list of Regions): there a user must be able to accept a finding the catalogue got wrong, so those stay
/// allowable (`ARN_ACCOUNT_NOT_ALLOWED`, `ARN_REGION_NOT_ALLOWED`, `INVALID_ARN_REGION`,
/// `INVALID_ARN_RESOURCE`, `INVALID_SERVICE_CONDITION_KEY`, `MISSING_QUALIFIER`,
/// `UNSUPPORTED_ACTION_FOR_CONDITION_KEY`). An unknown action or service stays refused: the catalogue is
/// regenerated from the Service Authorization Reference, and an action it lacks is far more often a typo
/// than one AWS added since.
pub const REFUSED_BY_AWS: &[&str] = &[
    "DATA_TYPE_MISMATCH",
    "DUPLICATE_KEYS_WITH_DIFFERENT_CASE",
    "EMPTY_VARIABLE",
    "INVALID_ACTION",
    "INVALID_ACTION_FORMAT",
    "INVALID_ARN_ACCOUNT",
    "INVALID_ARN_PREFIX",
    "INVALID_ARN_SERVICE_CASE",
    "INVALID_CHARACTER",
    "INVALID_CONDITION_KEY_FORMAT",
    "INVALID_CONDITION_OPERATOR",
    "INVALID_EFFECT",
    "INVALID_GLOBAL_CONDITION_KEY",
    "INVALID_PARTITION",
    "INVALID_POLICY_ELEMENT",
    "INVALID_PRINCIPAL_FORMAT",
    "INVALID_PRINCIPAL_KEY",
    "INVALID_SERVICE_IN_ACTION",
    "INVALID_SERVICE_PRINCIPAL_FORMAT",
    "INVALID_VARIABLE_FOR_OPERATOR",
    "INVALID_VERSION",
    "JSON_SYNTAX_ERROR",
    "MISMATCHED_ACTION_FOR_PRINCIPAL",
    "MISSING_ACTION",
    "MISSING_ARN_FIELD",
    "MISSING_BRACE_IN_VARIABLE",
    "MISSING_EFFECT",
    "MISSING_PRINCIPAL",
    "MISSING_QUOTE_IN_VARIABLE",
    "MISSING_RESOURCE",
    "MISSING_STATEMENT",
    "NULL_WITH_IF_EXISTS",
    "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA",
    "POLICY_SIZE_EXCEEDS_RCP_QUOTA",
    "POLICY_SIZE_EXCEEDS_SCP_QUOTA",
    "POLICY_TOO_LARGE",
    "PRIVATE_IP_ADDRESS",
    "PRIVATE_NOTIPADDRESS",
    "RCP_SYNTAX_ERROR_ALLOW",
    "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL",
    "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE",
    "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
    "SCP_SYNTAX_ERROR_PRINCIPAL",
    "UNIQUE_SIDS_REQUIRED",
    "UNSUPPORTED_ELEMENT_COMBINATION",
    "UNSUPPORTED_PRINCIPAL",
    "UNSUPPORTED_SID",
    "UNSUPPORTED_SPACE_IN_VARIABLE",
    "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
    "VARIABLE_UNSUPPORTED_IN_ELEMENT",
    "VARIABLE_UNSUPPORTED_IN_VERSION",
];

/// Whether `name` is in [`REFUSED_BY_AWS`], at compile time, so each constant carries it.
const fn is_refused(name: &str) -> bool {
    let mut index = 0;
    while index < REFUSED_BY_AWS.len() {
        if const_eq(REFUSED_BY_AWS[index], name) {
            return true;
        }
        index += 1;
    }
    false
}

const fn const_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut index = 0;
    while index < a.len() {
        if a[index] != b[index] {
            return false;
        }
        index += 1;
    }
    true
}

/// A name given as a code (to `--allow` or `allow(...)`) that is not in the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCode {
    /// The name as given.
    pub name: String,
    /// The closest known code, if one is close.
    pub suggestion: Option<&'static str>,
}

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown lint code `{}`", self.name)?;
        match self.suggestion {
            Some(near) => write!(f, "; did you mean `{near}`?"),
            None => f.write_str("; docs/lint-codes.md lists every code"),
        }
    }
}

impl std::error::Error for UnknownCode {}

macro_rules! codes {
    ($($name:ident: $severity:ident, $aa:expr, $summary:literal;)*) => {
        $(
            #[doc = $summary]
            pub const $name: Code = Code {
                name: stringify!($name),
                access_analyzer: $aa,
                severity: Severity::$severity,
                summary: $summary,
                allowable: !is_refused(stringify!($name)),
            };
        )*

        /// Every code, sorted by name.
        pub const ALL: &[Code] = &[$($name),*];
    };
}

codes! {
    ACCOUNT_ID_ONE_DIGIT_OFF: SecurityWarning, None,
        "A template's policies name two account ids one digit apart, the rarer most likely a typo that admits a stranger's account.";
    ALLOW_WITH_NOTPRINCIPAL: SecurityWarning, Some("Allow with NotPrincipal"),
        "An `Allow` with `NotPrincipal` grants every principal but the ones listed.";
    ARN_ACCOUNT_NOT_ALLOWED: Error, Some("ARN account not allowed"),
        "The service's resource ARNs have no account field, so an ARN with one names nothing.";
    ARN_REGION_NOT_ALLOWED: Error, Some("ARN Region not allowed"),
        "The service's resource ARNs have no Region field, so an ARN with one names nothing.";
    ATTACHED_POLICIES_EXCEED_QUOTA: Warning, None,
        "A principal of the stack has more managed policies attached than IAM's default quota (an error past the \
         quota's maximum).";
    CONFLICTING_KEYS: Error, None,
        "The stack spec gives two keys that cannot go together.";
    DATA_TYPE_MISMATCH: Error, Some("Data type mismatch"),
        "A policy element has the wrong JSON type (an object where a string is expected, ...).";
    DEAD_TRUST: Warning, None,
        "A role trusts an account of the stack, but no principal there is allowed to assume it.";
    DEPRECATED_GLOBAL_CONDITION_KEY: Warning, Some("Deprecated global condition key"),
        "The global condition key is deprecated.";
    DUPLICATE_ACCOUNT: Error, None,
        "The stack spec declares one account id twice.";
    DUPLICATE_KEY: Error, None,
        "A JSON object or a TOML table gives the same key twice.";
    DUPLICATE_KEYS_WITH_DIFFERENT_CASE: Error, Some("Duplicate keys with different case"),
        "One condition block names a condition key twice, differing only in case.";
    DUPLICATE_NAME: Error, None,
        "The stack spec declares or lists the same name twice.";
    EMPTY_ARRAY_ACTION: Suggestion, Some("Empty array action"),
        "The statement's action list is empty, so the statement has no effect.";
    EMPTY_ARRAY_CONDITION: Suggestion, Some("Empty array condition"),
        "A condition key has an empty list of values.";
    EMPTY_ARRAY_CONDITION_FORALLVALUES: Suggestion, Some("Empty array condition ForAllValues"),
        "A `ForAllValues` condition key has an empty list of values: it matches only requests without the key.";
    EMPTY_ARRAY_CONDITION_FORANYVALUE: Suggestion, Some("Empty array condition ForAnyValue"),
        "A `ForAnyValue` condition key has an empty list of values: it never matches.";
    EMPTY_ARRAY_CONDITION_IFEXISTS: Suggestion, Some("Empty array condition IfExists"),
        "An `IfExists` condition key has an empty list of values: it matches only requests without the key.";
    EMPTY_ARRAY_PRINCIPAL: Suggestion, Some("Empty array principal"),
        "A principal type has an empty list of principals.";
    EMPTY_ARRAY_RESOURCE: Suggestion, Some("Empty array resource"),
        "The statement's resource list is empty, so the statement has no effect.";
    EMPTY_OBJECT_CONDITION: Suggestion, Some("Empty object condition"),
        "A `Condition` block or operator is empty and has no effect.";
    EMPTY_OBJECT_PRINCIPAL: Suggestion, Some("Empty object principal"),
        "The `Principal` object is empty.";
    EMPTY_SID_VALUE: Suggestion, Some("Empty Sid value"),
        "The `Sid` is an empty string.";
    EMPTY_VARIABLE: Error, Some("Empty variable"),
        "A policy variable `${}` names no key.";
    FORALLVALUES_WITH_SINGLE_VALUED_KEY: SecurityWarning, Some("ForAllValues with single valued key"),
        "`ForAllValues` on a single-valued key also matches requests without the key.";
    FORANYVALUE_WITH_IF_EXISTS: Warning, None,
        "`ForAnyValue:...IfExists`: `IfExists` changes nothing under `ForAnyValue`, which is false when the key \
         is missing.";
    IMPROVE_IP_RANGE: Suggestion, Some("Improve IP range"),
        "A CIDR range has bits set past its prefix, which IAM ignores.";
    INLINE_POLICIES_EXCEED_QUOTA: Error, None,
        "A principal's inline policies together exceed IAM's size quota.";
    INVALID_ACCOUNT_ID: Error, None,
        "An account id is not 12 digits.";
    INVALID_ACTION: Error, Some("Invalid action"),
        "The action does not exist in its service.";
    INVALID_ACTION_FORMAT: Error, None,
        "The action is not `service:Action`.";
    INVALID_ARN_ACCOUNT: Error, Some("Invalid ARN account"),
        "The account field of a resource ARN is not an account id.";
    INVALID_ARN_PREFIX: Error, Some("Invalid ARN prefix"),
        "A resource is neither `*` nor an ARN.";
    INVALID_ARN_REGION: Error, Some("Invalid ARN Region"),
        "The Region field of a resource ARN is not a Region.";
    INVALID_ARN_RESOURCE: Error, Some("Invalid ARN resource"),
        "The resource part of an ARN is malformed.";
    INVALID_ARN_SERVICE_CASE: Error, Some("Invalid ARN service case"),
        "The service in a resource ARN is not lowercase.";
    INVALID_BUCKET_NAME: Error, None,
        "A bucket name breaks S3's naming rules.";
    INVALID_BUCKET_SETTING: Error, None,
        "A bucket setting of the stack spec that S3 refuses or that cannot work (an unknown encryption, a bucket \
         logging into itself or into another account).";
    INVALID_CHARACTER: Error, None,
        "The policy text holds a character IAM rejects (a control character, a curly quote, a byte order mark).";
    INVALID_CONDITION_KEY_FORMAT: Error, Some("Invalid condition key format"),
        "A condition key is not `service:key`.";
    INVALID_CONDITION_OPERATOR: Error, Some("Invalid condition operator"),
        "The condition operator does not exist.";
    INVALID_DESCRIPTION: Error, None,
        "A role or policy description breaks IAM's rules.";
    INVALID_EFFECT: Error, Some("Invalid effect"),
        "The `Effect` is neither `Allow` nor `Deny`.";
    INVALID_EXTERNAL_ID: Error, None,
        "An external id breaks STS's rules.";
    INVALID_GLOBAL_CONDITION_KEY: Error, Some("Invalid global condition key"),
        "The `aws:` condition key does not exist.";
    INVALID_KMS_KEY: Error, None,
        "A bucket's KMS key is neither a key's ARN, an alias's ARN nor an alias.";
    INVALID_NAME: Error, None,
        "A stack, account, role, user, group or policy name breaks IAM's naming rules.";
    INVALID_PARTITION: Error, Some("Invalid partition"),
        "The partition of an ARN is not an AWS partition.";
    INVALID_PATH: Error, None,
        "An IAM path breaks IAM's rules.";
    INVALID_POLICY_ELEMENT: Error, Some("Invalid policy element"),
        "The policy or a statement has an element IAM does not know.";
    INVALID_POLICY_FILE: Error, None,
        "A policy file named by the stack spec is not a valid policy.";
    INVALID_PRINCIPAL_ARN: Error, None,
        "A principal ARN is malformed.";
    INVALID_PRINCIPAL_FORMAT: Error, Some("Invalid principal format"),
        "The `Principal` is neither `*` nor an object of principal types.";
    INVALID_PRINCIPAL_KEY: Error, Some("Invalid principal key"),
        "A principal type is not `AWS`, `Service`, `Federated` or `CanonicalUser`.";
    INVALID_ROLE_REFERENCE: Warning, Some("Invalid role reference"),
        "A principal names a role in a form IAM does not accept.";
    INVALID_SERVICE_CONDITION_KEY: Error, Some("Invalid service condition key"),
        "The service condition key does not exist.";
    INVALID_SERVICE_IN_ACTION: Error, Some("Invalid service in action"),
        "The service prefix of an action does not exist.";
    INVALID_SERVICE_PRINCIPAL_FORMAT: Error, Some("Invalid service principal format"),
        "A service principal is not `name.amazonaws.com`.";
    INVALID_SESSION_DURATION: Error, None,
        "A role's maximum session duration is outside 3600 to 43200 seconds.";
    INVALID_SID: Error, None,
        "A statement id in the stack spec is not ASCII letters and digits.";
    INVALID_TAG: Error, None,
        "A tag key or value breaks IAM's rules, or a role has more than 50 tags.";
    INVALID_TOML: Error, None,
        "The stack spec is not valid TOML.";
    INVALID_TYPE: Error, None,
        "A stack spec value has the wrong type.";
    INVALID_UNMANAGED: Error, None,
        "The stack spec leaves something unmanaged that a deploy cannot leave alone.";
    INVALID_USER_REFERENCE: Warning, Some("Invalid user reference"),
        "A principal names a user in a form IAM does not accept.";
    INVALID_VARIABLE_FOR_OPERATOR: Error, Some("Invalid variable for operator"),
        "A policy variable is used with an operator other than the String and Arn ones.";
    INVALID_VERSION: Error, Some("Invalid version"),
        "The `Version` is not a policy language version.";
    JSON_SYNTAX_ERROR: Error, Some("Json syntax error"),
        "The policy text is not JSON.";
    MISMATCHED_ACTION_FOR_PRINCIPAL: Error, Some("Mismatched action for principal"),
        "A trust policy grants an assume action that does not fit the principal type.";
    MISSING_ACTION: Error, Some("Missing action"),
        "The statement has no `Action` or `NotAction`.";
    MISSING_ARN_FIELD: Error, Some("Missing ARN field"),
        "A resource ARN lacks fields.";
    MISSING_BRACE_IN_VARIABLE: Error, Some("Missing brace in variable"),
        "A policy variable opened with `${` is not closed.";
    MISSING_EFFECT: Error, Some("Missing effect"),
        "The statement has no `Effect`.";
    MISSING_KEY: Error, None,
        "The stack spec lacks a key that is required.";
    MISSING_PRINCIPAL: Error, Some("Missing principal"),
        "A resource or trust policy statement has no `Principal`.";
    MISSING_QUALIFIER: Error, Some("Missing qualifier"),
        "A multivalued condition key is used without `ForAllValues:` or `ForAnyValue:`.";
    MISSING_QUOTE_IN_VARIABLE: Error, Some("Missing quote in variable"),
        "A policy variable's default value is not in single quotes.";
    MISSING_RESOURCE: Error, Some("Missing resource"),
        "A statement that needs `Resource` has none.";
    MISSING_STATEMENT: Error, Some("Missing statement"),
        "The policy has no statement.";
    MISSING_VERSION: Warning, Some("Missing version"),
        "The policy has no `Version`, so IAM reads it as the 2008-10-17 language.";
    NOTHING_TO_NARROW_TO: Error, None,
        "A cross-account pattern narrows to named principals but names none.";
    NO_TRUSTED_ACCOUNT: Error, None,
        "A cross-account pattern trusts no account.";
    NULL_WITH_IF_EXISTS: Error, Some("Null with if exists"),
        "The `Null` operator cannot take `IfExists`.";
    NULL_WITH_QUALIFIER: Suggestion, Some("Null with qualifier"),
        "`Null` with a set qualifier gives the same answer as `Null` alone.";
    PASS_ROLE_WITH_NOTACTION_AND_NOTRESOURCE: SecurityWarning, Some("Pass role with NotAction and NotResource"),
        "`NotAction` with `NotResource` allows `iam:PassRole` on almost every role.";
    PASS_ROLE_WITH_NOTRESOURCE: SecurityWarning, Some("Pass role with NotResource"),
        "`iam:PassRole` with `NotResource` allows passing almost every role.";
    PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOTRESOURCE: SecurityWarning,
        Some("Pass role with star in action and NotResource"),
        "A wildcard action with `NotResource` allows `iam:PassRole` on almost every role.";
    PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE: SecurityWarning, Some("Pass role with star in action and resource"),
        "A wildcard action on `*` allows `iam:PassRole` on every role.";
    PASS_ROLE_WITH_STAR_IN_RESOURCE: SecurityWarning, Some("Pass role with star in resource"),
        "`iam:PassRole` on `*` allows passing every role.";
    PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOTACTION: SecurityWarning,
        Some("Pass role with star in resource and NotAction"),
        "`NotAction` on `*` allows `iam:PassRole` on every role.";
    POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA: Error, Some("Policy size exceeds identity policy quota"),
        "The identity policy is larger than IAM's quota for its use.";
    POLICY_SIZE_EXCEEDS_RCP_QUOTA: Error, None,
        "The resource control policy is larger than Organizations' quota.";
    POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA: Warning, Some("Policy size exceeds role trust policy quota"),
        "The trust policy is larger than IAM's default quota (an error past the quota's maximum).";
    POLICY_SIZE_EXCEEDS_SCP_QUOTA: Error, Some("Policy size exceeds SCP quota"),
        "The service control policy is larger than Organizations' quota.";
    POLICY_TOO_LARGE: Error, None,
        "The policy text is too large or too deeply nested to read.";
    PRIVATE_IP_ADDRESS: Error, Some("Private IP address"),
        "`aws:SourceIp` holds only private addresses, so the condition never matches.";
    PRIVATE_IP_ADDRESS_SUBSET: Suggestion, Some("Private IP address subset"),
        "`aws:SourceIp` mixes private and public addresses; the private ones never match.";
    PRIVATE_NOTIPADDRESS: Error, Some("Private NotIpAddress"),
        "`NotIpAddress` on only private addresses always matches.";
    PRIVATE_NOTIPADDRESS_SUBSET: Suggestion, Some("Private NotIpAddress subset"),
        "`NotIpAddress` mixes private and public addresses; the private ones have no effect.";
    PUBLIC_PRINCIPAL: SecurityWarning, None,
        "An `Allow` admits the principal `*`, anonymous users included, with no condition narrowing it.";
    RCP_SYNTAX_ERROR_ALLOW: Error, None,
        "A custom resource control policy has an `Allow` statement: only AWS's `RCPFullAWSAccess`, attached to \
         every root, OU and account, may allow.";
    REDUNDANT_ACTION: Suggestion, Some("Redundant action"),
        "An action is already covered by another of the same statement.";
    RESOURCE_MATCHES_NO_ACTION: Error, None,
        "A resource matches no resource type of the statement's actions: an error when the `Allow` grants \
         nothing at all, a warning beside entries that work or in a `Deny`.";
    ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL: Error, Some("Role trust policy syntax error notprincipal"),
        "A role trust policy uses `NotPrincipal`.";
    ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE: Error, Some("Role trust policy syntax error resource"),
        "A role trust policy has `Resource` or `NotResource`.";
    ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL: Error,
        Some("Role trust policy unsupported wildcard in principal"),
        "A role trust policy trusts `*`.";
    SAME_ACCOUNT: Error, None,
        "A cross-account pattern trusts the account it is in.";
    SCP_SYNTAX_ERROR_PRINCIPAL: Error, Some("SCP syntax error principal"),
        "A service control policy names a principal.";
    SERVICE_WIDE_ARN_FOR_UNSCOPED_ACTIONS: Warning, None,
        "A service-wide ARN (`arn:aws:svc:*:*:*`) is given for actions without resource types, for which the \
         Service Authorization Reference asks for `*`.";
    SPEC_ERROR: Error, None,
        "The stack spec cannot be read at all.";
    TRUST_ACCOUNT_WITHOUT_CONDITION: SecurityWarning, None,
        "A trust policy trusts a whole account without a condition such as an external id or MFA.";
    TRUST_DOES_NOT_ADMIT: Error, None,
        "A principal of the stack may assume a role whose trust policy does not admit it.";
    TYPE_MISMATCH: Warning, Some("Type mismatch"),
        "A condition operator does not fit the condition key's type.";
    TYPE_MISMATCH_ARN: Warning, None,
        "A value compared by an Arn operator is not an ARN.";
    TYPE_MISMATCH_BOOLEAN: Warning, Some("Type mismatch Boolean"),
        "A value compared by `Bool` is not `true` or `false`.";
    TYPE_MISMATCH_DATE: Warning, Some("Type mismatch date"),
        "A value compared by a Date operator is not a date.";
    TYPE_MISMATCH_IP_RANGE: Warning, Some("Type mismatch IP range"),
        "A value compared by an IP address operator is not an address or a CIDR range.";
    TYPE_MISMATCH_NUMBER: Warning, Some("Type mismatch number"),
        "A value compared by a Numeric operator is not a number.";
    TYPE_MISMATCH_STRING: Warning, Some("Type mismatch string"),
        "A value compared by a String operator is not a string.";
    UNDECLARED_BUCKET: Error, None,
        "A policy of the stack names a bucket close to, but not, one the stack declares.";
    UNDECLARED_PRINCIPAL: Error, None,
        "A policy names a user or role close to, but not, one its template declares: IAM refuses a principal that does not exist.";
    UNDECLARED_ROLE: Error, None,
        "A policy of the stack allows assuming a role the stack does not declare.";
    UNIQUE_SIDS_RECOMMENDED: Warning, Some("Unique Sids recommended"),
        "Two statements of a resource policy whose service accepts it (S3, ECR, ...) share a `Sid`.";
    UNIQUE_SIDS_REQUIRED: Error, Some("Unique Sids required"),
        "Two statements share a `Sid` where it is refused: identity, trust, SNS and SQS policies, SCPs and RCPs.";
    UNKNOWN_ACCOUNT: Error, None,
        "The stack spec refers to an account it does not declare.";
    UNKNOWN_ARN_SERVICE: Warning, None,
        "No resource type of any service has ARNs in the ARN's service namespace.";
    UNKNOWN_GROUP: Error, None,
        "The stack spec refers to a group it does not declare.";
    UNKNOWN_KEY: Error, None,
        "The stack spec has a key its table does not take.";
    UNKNOWN_POLICY: Error, None,
        "The stack spec refers to a policy it does not declare.";
    UNKNOWN_POLICY_VARIABLE: Warning, None,
        "A policy variable names no condition key, so IAM has nothing to substitute.";
    UNREADABLE_FILE: Error, None,
        "A file named by the stack spec cannot be read.";
    UNSUPPORTED_ACTION_FOR_CONDITION_KEY: Warning, Some("Unsupported action for condition key"),
        "None of the statement's actions supports the condition key, so the condition never matches as meant.";
    UNSUPPORTED_ELEMENT_COMBINATION: Error, Some("Unsupported element combination"),
        "A statement has both an element and its `Not` form (`Action` and `NotAction`, ...).";
    UNSUPPORTED_PRINCIPAL: Error, Some("Unsupported principal"),
        "An identity policy names a principal.";
    UNSUPPORTED_SID: Error, Some("Unsupported Sid"),
        "A `Sid` holds characters other than ASCII letters and digits.";
    UNSUPPORTED_SPACE_IN_VARIABLE: Error, Some("Unsupported space in variable"),
        "A policy variable's key contains a space.";
    UNSUPPORTED_WILDCARD_IN_PRINCIPAL: Error, Some("Unsupported wildcard in principal"),
        "A principal ARN contains a wildcard, which IAM does not match in principals.";
    VARIABLE_UNSUPPORTED_IN_ELEMENT: Error, Some("Variable unsupported in element"),
        "A policy variable is used in an element that does not take variables.";
    VARIABLE_UNSUPPORTED_IN_VERSION: Error, Some("Variable unsupported in version"),
        "A policy variable is used in a policy without `\"Version\": \"2012-10-17\"`.";
    WILDCARD_INCLUDES_PERMISSIONS_MANAGEMENT: SecurityWarning, None,
        "A wildcard action includes permissions-management actions, letting the holder grant itself more.";
    WILDCARD_IN_SERVICE_NAME: Suggestion, Some("Wildcard in service name"),
        "The service prefix of an action holds a wildcard.";
    WILDCARD_MATCHES_NO_ACTION: Error, None,
        "A wildcard action matches no action of its service.";
    WILDCARD_WITHOUT_LIKE_OPERATOR: Warning, Some("Wildcard without like operator"),
        "A condition value holds a wildcard, but the operator compares it literally.";
}

#[cfg(test)]
mod tests;
