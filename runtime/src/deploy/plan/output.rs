//! A plan for people (laid out like `terraform plan`) and as JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Change, Plan};

/// `1 change`, `2 changes`.
pub(crate) fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

impl Change {
    /// `+ subject: detail`, as a plan and an apply report show the change.
    #[must_use]
    pub fn headline(&self) -> String {
        match &self.detail {
            Some(detail) => format!("{} {}: {detail}", self.kind.sign(), self.subject),
            None => format!("{} {}", self.kind.sign(), self.subject),
        }
    }
}

impl Plan {
    /// The plan for people, laid out like `terraform plan`: by account, `+`, `~` and `-`, what changes in
    /// indented lines under each change, and a summary.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        if self.changes.is_empty() {
            out.push_str("No changes. The accounts match the stack.\n");
            return out;
        }
        out.push_str("iamgen will perform the following actions:\n");
        let mut by_account: BTreeMap<(&str, &str), Vec<&Change>> = BTreeMap::new();
        for change in &self.changes {
            by_account
                .entry((&change.account_name, &change.account))
                .or_default()
                .push(change);
        }
        for ((name, id), changes) in by_account {
            let _ = write!(out, "\n  # {name} ({id})\n");
            for change in changes {
                let _ = writeln!(out, "  {}", change.headline());
                for line in &change.diff {
                    line.write_text(&mut out, "      ");
                }
            }
        }
        let (add, update, delete) = self.counts();
        let _ = writeln!(
            out,
            "\nPlan: {add} to add, {update} to change, {delete} to destroy."
        );
        out
    }

    /// The plan as JSON: `{"stack": .., "changes": [{"account", "account_name", "action", "subject",
    /// "detail", "reason", "diff": [..]}], "summary": {"add", "change", "destroy"}}`. `reason` is `null` or
    /// one of `outside_stack`, `not_in_spec`, `no_longer_in_spec`; each `diff` line is described by
    /// [`Diff::to_json`](super::Diff::to_json).
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        let (add, update, delete) = self.counts();
        serde_json::json!({
            "stack": self.stack_name,
            "changes": self.changes.iter().map(|change| serde_json::json!({
                "account": change.account,
                "account_name": change.account_name,
                "action": change.kind.as_str(),
                "subject": change.subject,
                "detail": change.detail,
                "reason": change.reason.map(super::Reason::as_str),
                "diff": change.diff.iter().map(super::Diff::to_json).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "summary": { "add": add, "change": update, "destroy": delete },
        })
    }
}
