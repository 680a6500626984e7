use std::fmt;
use std::hash::{Hash, Hasher};

use crate::glob;

/// One entry of an `Action` or `NotAction` element: `service:Name`, possibly with `*` and `?` wildcards, or
/// `*` alone.
///
/// IAM compares action names case-insensitively, and so do this type's `PartialEq`, `Hash` and
/// [`Action::matches`]; the text is kept as written so that printing gives it back unchanged.
#[derive(Debug, Clone)]
pub struct Action(String);

/// Why a text is not a well-formed action.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ActionError {
    /// The text is empty.
    #[error("the action is empty")]
    Empty,
    /// No `:` separates the service prefix from the action name.
    #[error("`{0}` has no service prefix; write it as `service:ActionName`")]
    MissingColon(String),
    /// More than one `:` (`s3::GetObject`).
    #[error("`{0}` has more than one `:`; write it as `service:ActionName`")]
    ExtraColon(String),
    /// Nothing before the `:`.
    #[error("`{0}` has an empty service prefix")]
    EmptyService(String),
    /// Nothing after the `:`.
    #[error("`{0}` has an empty action name")]
    EmptyName(String),
    /// A character that no service prefix or action name contains (a space, a slash ...).
    #[error("`{text}` contains {} at byte {at}, which no action name contains", describe(*found))]
    InvalidChar {
        /// The whole text.
        text: String,
        /// The character.
        found: char,
        /// Its byte offset in the text.
        at: usize,
    },
}

fn describe(ch: char) -> String {
    match ch {
        ' ' => "a space".to_owned(),
        '\t' => "a tab".to_owned(),
        _ if ch.is_control() => format!("U+{:04X}", ch as u32),
        _ => format!("`{ch}`"),
    }
}

impl Action {
    /// An action as written, unchecked, as a policy read from JSON holds it. See [`Action::parse`].
    #[must_use]
    pub fn new(text: impl Into<String>) -> Self {
        Action(text.into())
    }

    /// A well-formed action: `*`, or a service prefix (lowercase letters, digits, `-`, wildcards) and a name
    /// (letters, digits, `-`, `_`, `.`, wildcards) separated by one `:`. Whether the action exists is the
    /// catalogue's question, not this one's.
    pub fn parse(text: &str) -> Result<Self, ActionError> {
        Self::check(text)?;
        Ok(Action(text.to_owned()))
    }

    /// Checks the text as [`Action::parse`] does, without allocating.
    pub fn check(text: &str) -> Result<(), ActionError> {
        if text.is_empty() {
            return Err(ActionError::Empty);
        }
        if text == "*" {
            return Ok(());
        }
        let Some((service, name)) = text.split_once(':') else {
            return Err(ActionError::MissingColon(text.to_owned()));
        };
        if name.contains(':') {
            return Err(ActionError::ExtraColon(text.to_owned()));
        }
        if service.is_empty() {
            return Err(ActionError::EmptyService(text.to_owned()));
        }
        if name.is_empty() {
            return Err(ActionError::EmptyName(text.to_owned()));
        }
        let service_ok = |ch: char| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '*' | '?');
        let name_ok =
            |ch: char| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.' | '*' | '?');
        let bad_service = service.char_indices().find(|&(_, ch)| !service_ok(ch));
        let bad_name = name
            .char_indices()
            .find(|&(_, ch)| !name_ok(ch))
            .map(|(at, ch)| (at + service.len() + 1, ch));
        if let Some((at, found)) = bad_service.or(bad_name) {
            return Err(ActionError::InvalidChar {
                text: text.to_owned(),
                found,
                at,
            });
        }
        Ok(())
    }

    /// The action as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The service prefix (`s3` in `s3:GetObject`); `None` for `*` and for text without a `:`.
    #[must_use]
    pub fn service(&self) -> Option<&str> {
        self.0.split_once(':').map(|(service, _)| service)
    }

    /// The action name (`GetObject` in `s3:GetObject`); `None` for `*` and for text without a `:`.
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.0.split_once(':').map(|(_, name)| name)
    }

    /// Whether the action holds a wildcard, and so may stand for more than one action.
    #[must_use]
    pub fn is_wildcard(&self) -> bool {
        self.0.contains(['*', '?'])
    }

    /// Whether this action, as a pattern, covers `action` (`s3:Get*` covers `s3:GetObject`), case-insensitively.
    #[must_use]
    pub fn matches(&self, action: &str) -> bool {
        glob::matches_ignore_ascii_case(&self.0, action)
    }
}

impl PartialEq for Action {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}

impl Eq for Action {}

impl Hash for Action {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for byte in self.0.bytes() {
            state.write_u8(byte.to_ascii_lowercase());
        }
        state.write_u8(0xff);
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Action {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Action {
    fn from(text: &str) -> Self {
        Action::new(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_case_insensitively_and_keeps_the_text() {
        let lower = Action::new("s3:getobject");
        assert_eq!(lower, Action::new("s3:GetObject"));
        assert_eq!(lower.as_str(), "s3:getobject");
        let hash = |action: &Action| {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            action.hash(&mut hasher);
            hasher.finish()
        };
        assert_eq!(hash(&lower), hash(&Action::new("S3:GETOBJECT")));
    }

    #[test]
    fn parses_the_grammar() {
        for ok in [
            "*",
            "s3:GetObject",
            "s3:Get*",
            "s3:*",
            "ec2:Describe?nstances",
            "execute-api:Invoke",
            "*:Get*",
        ] {
            assert!(Action::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(Action::check(""), Err(ActionError::Empty));
        assert_eq!(
            Action::check("GetObject"),
            Err(ActionError::MissingColon("GetObject".into()))
        );
        assert_eq!(
            Action::check("s3::GetObject"),
            Err(ActionError::ExtraColon("s3::GetObject".into()))
        );
        assert_eq!(
            Action::check(":GetObject"),
            Err(ActionError::EmptyService(":GetObject".into()))
        );
        assert_eq!(
            Action::check("s3:"),
            Err(ActionError::EmptyName("s3:".into()))
        );
        assert_eq!(
            Action::check("ec2:* "),
            Err(ActionError::InvalidChar {
                text: "ec2:* ".into(),
                found: ' ',
                at: 5
            })
        );
    }

    #[test]
    fn splits_and_matches() {
        let action = Action::new("s3:Get*");
        assert_eq!(action.service(), Some("s3"));
        assert_eq!(action.name(), Some("Get*"));
        assert!(action.is_wildcard());
        assert!(action.matches("S3:GetObject"));
        assert!(!action.matches("s3:PutObject"));
        assert!(Action::new("*").matches("iam:PassRole"));
        assert_eq!(Action::new("*").service(), None);
    }
}
