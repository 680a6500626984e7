//! Access levels: the vocabulary both the catalogue's reader ([`index`](super::index)) and its views
//! ([`ActionInfo`](super::ActionInfo)) use, kept apart so that the reader does not depend on the views.

use std::fmt;

/// The access level the IAM console shows for an action.
///
/// The source lists tagging and permissions-management actions as also being writes; [`is_write`] says so.
///
/// [`is_write`]: AccessLevel::is_write
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccessLevel {
    /// Lists resources without reading their content, such as `s3:ListBucket`.
    List,
    /// Reads content or attributes, such as `s3:GetObject`.
    Read,
    /// Creates, changes or deletes resources, such as `s3:PutObject`.
    Write,
    /// Grants or changes permissions, such as `iam:AttachRolePolicy` or `s3:PutBucketPolicy`.
    PermissionsManagement,
    /// Changes only tags, such as `s3:PutObjectTagging`.
    Tagging,
}

impl AccessLevel {
    /// Every level, in the order the IAM console lists them.
    pub const ALL: [AccessLevel; 5] = [
        AccessLevel::List,
        AccessLevel::Read,
        AccessLevel::Write,
        AccessLevel::PermissionsManagement,
        AccessLevel::Tagging,
    ];

    /// The one-letter code the catalogue file uses.
    pub(super) fn from_code(code: &str) -> Option<AccessLevel> {
        Some(match code {
            "L" => AccessLevel::List,
            "R" => AccessLevel::Read,
            "W" => AccessLevel::Write,
            "P" => AccessLevel::PermissionsManagement,
            "T" => AccessLevel::Tagging,
            _ => return None,
        })
    }

    /// The name the IAM console and the Service Authorization Reference use, such as `Permissions management`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }

    /// Whether the action changes something: [`Write`](Self::Write), [`PermissionsManagement`](Self::PermissionsManagement)
    /// or [`Tagging`](Self::Tagging).
    #[must_use]
    pub const fn is_write(self) -> bool {
        matches!(
            self,
            AccessLevel::Write | AccessLevel::PermissionsManagement | AccessLevel::Tagging
        )
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
