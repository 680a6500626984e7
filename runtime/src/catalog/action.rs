//! Actions: what [`Catalog::action`](super::Catalog::action) returns.

use std::fmt;

use super::index::{ActionEntry, field, list};
use super::{AccessLevel, ResourceType, Service};

/// One IAM action, such as `s3:GetObject`, borrowed from the embedded catalogue.
///
/// Its `Display` is the exact-case full name. Two `ActionInfo`s are equal when they name the same action.
#[derive(Clone, Copy)]
pub struct ActionInfo {
    pub(super) service: Service,
    pub(super) entry: &'static ActionEntry,
}

impl ActionInfo {
    /// The service the action belongs to.
    #[must_use]
    pub fn service(&self) -> Service {
        self.service
    }

    /// The action name without the service prefix, in its exact case: `GetObject`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.entry.name()
    }

    /// A number that tells this action from every other action of the catalogue, read without touching the
    /// action's record (the address of its index entry): the linter indexes expansions of thousands of
    /// actions by it, and reading each record for its name's address was a cache miss per action.
    #[must_use]
    pub(crate) fn identity(&self) -> usize {
        std::ptr::from_ref(self.entry) as usize
    }

    /// The full name in its exact case: `s3:GetObject`.
    #[must_use]
    pub fn full_name(&self) -> &'static str {
        self.entry.full_name
    }

    /// The action's access level.
    #[must_use]
    pub fn access_level(&self) -> AccessLevel {
        self.entry.level
    }

    /// The resource types a statement can name for this action, in the order of the AWS documentation.
    ///
    /// An action with none applies only to `"Resource": "*"`.
    pub fn resource_types(&self) -> impl Iterator<Item = ActionResourceType> + use<> {
        let service = self.service;
        field(self.entry.details, 0)
            .split(';')
            .filter(|entry| !entry.is_empty())
            .map(move |entry| {
                let (head, condition_keys) = entry.split_once('=').unwrap_or((entry, ""));
                let (name, required) = head
                    .strip_suffix('*')
                    .map_or((head, false), |name| (name, true));
                ActionResourceType {
                    service,
                    name,
                    required,
                    condition_keys,
                }
            })
    }

    /// The condition keys the action supports whatever the resource, exact case, such as `s3:TlsVersion`.
    ///
    /// Keys with placeholders keep them (`s3:ExistingObjectTag/<key>`); resolve a concrete key with
    /// [`Service::condition_key`].
    pub fn condition_keys(&self) -> impl Iterator<Item = &'static str> + use<> {
        list(field(self.entry.details, 1))
    }

    /// Actions that a caller must also be allowed for this one to succeed, as full names.
    pub fn dependent_actions(&self) -> impl Iterator<Item = &'static str> + use<> {
        list(field(self.entry.details, 2))
    }
}

impl PartialEq for ActionInfo {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.entry, other.entry)
    }
}

impl Eq for ActionInfo {}

impl fmt::Display for ActionInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.full_name())
    }
}

impl fmt::Debug for ActionInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActionInfo")
            .field("name", &self.full_name())
            .field("access_level", &self.access_level())
            .finish_non_exhaustive()
    }
}

/// A resource type as one action uses it: whether the action requires it and which extra condition keys
/// apply to it.
#[derive(Clone, Copy)]
pub struct ActionResourceType {
    service: Service,
    name: &'static str,
    required: bool,
    condition_keys: &'static str,
}

impl ActionResourceType {
    /// The resource type's name in its service, such as `object`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Whether the action always acts on a resource of this type (marked `*` in the AWS documentation).
    #[must_use]
    pub fn required(&self) -> bool {
        self.required
    }

    /// Condition keys that apply when the action acts on this resource type, exact case.
    pub fn condition_keys(&self) -> impl Iterator<Item = &'static str> + use<> {
        list(self.condition_keys)
    }

    /// The service's definition of the resource type, with its ARN templates.
    ///
    /// `None` only if the catalogue were inconsistent, which its tests rule out.
    #[must_use]
    pub fn resource_type(&self) -> Option<ResourceType> {
        self.service.resource_type(self.name)
    }
}

impl fmt::Debug for ActionResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActionResourceType")
            .field("name", &self.name)
            .field("required", &self.required)
            .field("condition_keys", &self.condition_keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}
