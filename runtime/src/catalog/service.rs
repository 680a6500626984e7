//! Services and their resource types.

use std::fmt;

use super::index::{ConditionKeyTable, ServiceEntry, cmp_ignore_ascii_case, field, list, records};
use super::{ActionInfo, Catalog, ConditionKeyInfo};
use crate::glob;

/// One AWS service, such as `s3`, with its actions, resource types and condition keys.
///
/// Two `Service`s are equal when they are the same service.
#[derive(Clone, Copy)]
pub struct Service {
    pub(super) catalog: &'static Catalog,
    pub(super) entry: &'static ServiceEntry,
}

impl Service {
    /// The service prefix used in action names and ARNs, lowercase: `s3`.
    #[must_use]
    pub fn prefix(&self) -> &'static str {
        self.entry.prefix
    }

    /// The service's human name: `Amazon S3`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.entry.name
    }

    /// The service's actions, sorted by name ignoring ASCII case.
    #[must_use]
    pub fn actions(
        &self,
    ) -> impl ExactSizeIterator<Item = ActionInfo> + DoubleEndedIterator + use<> {
        let service = *self;
        self.catalog
            .index
            .actions_of(self.entry)
            .iter()
            .map(move |entry| ActionInfo { service, entry })
    }

    /// How many actions the service has.
    #[must_use]
    pub fn action_count(&self) -> usize {
        self.entry.actions_end - self.entry.actions_start
    }

    /// The action called `name` (without the prefix), ignoring ASCII case: `getobject` finds `GetObject`.
    #[must_use]
    pub fn action(&self, name: &str) -> Option<ActionInfo> {
        let actions = self.catalog.index.actions_of(self.entry);
        let position = actions
            .binary_search_by(|entry| cmp_ignore_ascii_case(entry.name(), name))
            .ok()?;
        actions.get(position).map(|entry| ActionInfo {
            service: *self,
            entry,
        })
    }

    /// The actions whose names (without the prefix) match an IAM wildcard pattern such as `Get*`, ignoring
    /// ASCII case, in catalogue order.
    ///
    /// Only the range of actions that share the pattern's literal prefix is scanned.
    pub fn expand<'p>(&self, pattern: &'p str) -> impl Iterator<Item = ActionInfo> + use<'p> {
        let service = *self;
        let actions = self.catalog.index.actions_of(self.entry);
        let literal = pattern.split(['*', '?']).next().unwrap_or_default();
        let start =
            actions.partition_point(|entry| cmp_ignore_ascii_case(entry.name(), literal).is_lt());
        actions
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(move |entry| starts_with_ignore_ascii_case(entry.name(), literal))
            .filter(move |entry| {
                pattern == "*" || glob::matches_ignore_ascii_case(pattern, entry.name())
            })
            .map(move |entry| ActionInfo { service, entry })
    }

    /// The service's resource types, sorted by name ignoring ASCII case.
    pub fn resource_types(&self) -> impl Iterator<Item = ResourceType> + use<> {
        records(self.entry.resource_types, "R\t").filter_map(ResourceType::parse)
    }

    /// The resource type called `name`, ignoring ASCII case: `object` in `s3`.
    #[must_use]
    pub fn resource_type(&self, name: &str) -> Option<ResourceType> {
        self.resource_types()
            .find(|resource_type| resource_type.name.eq_ignore_ascii_case(name))
    }

    /// The condition keys the service defines, sorted by name ignoring ASCII case. They include the global
    /// `aws:` keys the service's actions and resource types mention, such as `aws:ResourceTag/${TagKey}`.
    pub fn condition_keys(&self) -> impl Iterator<Item = ConditionKeyInfo> + use<> {
        self.condition_key_table().keys.iter().copied()
    }

    /// The definition of a condition key as a policy would spell it, ignoring ASCII case.
    ///
    /// A concrete key matches a template, so `s3:ExistingObjectTag/env` finds `s3:ExistingObjectTag/<key>`
    /// and `aws:ResourceTag/team` finds `aws:ResourceTag/${TagKey}`. A key defined literally wins over a
    /// template that would also match it.
    #[must_use]
    pub fn condition_key(&self, key: &str) -> Option<ConditionKeyInfo> {
        self.condition_key_table().find(key)
    }

    /// The service's condition keys, parsed once per process.
    fn condition_key_table(&self) -> &'static ConditionKeyTable {
        let entry: &'static ServiceEntry = self.entry;
        entry
            .condition_key_table
            .get_or_init(|| ConditionKeyTable::parse(entry.condition_keys))
    }
}

fn starts_with_ignore_ascii_case(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

impl PartialEq for Service {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.entry, other.entry)
    }
}

impl Eq for Service {}

impl fmt::Debug for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Service")
            .field("prefix", &self.prefix())
            .field("name", &self.name())
            .field("actions", &self.action_count())
            .finish_non_exhaustive()
    }
}

/// A resource type of a service, such as `object` in `s3`, with the ARN templates of its resources.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResourceType {
    name: &'static str,
    arn_templates: &'static str,
    condition_keys: &'static str,
}

impl ResourceType {
    fn parse(record: &'static str) -> Option<ResourceType> {
        let name = field(record, 0);
        let arn_templates = field(record, 1);
        (!name.is_empty() && !arn_templates.is_empty()).then_some(ResourceType {
            name,
            arn_templates,
            condition_keys: field(record, 2),
        })
    }

    /// The name in its exact case: `object`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The ARN formats of resources of this type, with `${Placeholder}`s:
    /// `arn:${Partition}:s3:::${BucketName}/${ObjectName}`. A few resource types have more than one.
    pub fn arn_templates(&self) -> impl Iterator<Item = &'static str> + use<> {
        list(self.arn_templates)
    }

    /// The condition keys that apply to every resource of this type, such as `aws:ResourceTag/${TagKey}`.
    pub fn condition_keys(&self) -> impl Iterator<Item = &'static str> + use<> {
        list(self.condition_keys)
    }
}

impl fmt::Debug for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResourceType")
            .field("name", &self.name)
            .field("arn_templates", &self.arn_templates().collect::<Vec<_>>())
            .field("condition_keys", &self.condition_keys().collect::<Vec<_>>())
            .finish()
    }
}
