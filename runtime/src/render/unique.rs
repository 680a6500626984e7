//! Generated names that must not collide: account aliases, Terraform outputs, diagram node ids, file names.
//!
//! Each is derived from a name a person wrote, by a function that loses information (`Troy.A`, `Troy-A` and
//! `TroyA` all become `troy_a`), so two items can ask for the same one. A [`Unique`] hands out each name once:
//! the name asked for if it is free, else the same with `_2`, `_3` ... appended. Collisions are decided on a
//! folded form of the name, so that names which differ only in what a later step removes (case on a
//! case-insensitive file system, `_` in a CloudFormation logical id made from the name) still count as the same.

use std::collections::HashSet;

/// How two names are compared.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Fold {
    /// Byte for byte.
    Exact,
    /// ASCII letters and digits only, without regard to case: `acme_1`, `Acme1` and `acme1` are one name.
    Alphanumeric,
    /// Without regard to ASCII case, as file names on macOS and Windows are.
    IgnoreCase,
}

impl Fold {
    fn apply(self, name: &str) -> String {
        match self {
            Fold::Exact => name.to_owned(),
            Fold::Alphanumeric => name
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|ch| ch.to_ascii_lowercase())
                .collect(),
            Fold::IgnoreCase => name.to_ascii_lowercase(),
        }
    }
}

/// Names handed out once each.
#[derive(Debug)]
pub(crate) struct Unique {
    fold: Fold,
    taken: HashSet<String>,
}

impl Unique {
    pub(crate) fn new(fold: Fold) -> Self {
        Unique {
            fold,
            taken: HashSet::new(),
        }
    }

    /// Whether `name` is still free.
    pub(crate) fn is_free(&self, name: &str) -> bool {
        !self.taken.contains(&self.fold.apply(name))
    }

    /// Marks `name` as taken (a name the output has already, such as `variables` for `variables.tf`).
    pub(crate) fn reserve(&mut self, name: &str) {
        self.taken.insert(self.fold.apply(name));
    }

    /// `preferred` if it is free, else `preferred_2`, `preferred_3` ..., whichever is free first; taken from then on.
    pub(crate) fn claim(&mut self, preferred: &str) -> String {
        self.claim_with(preferred, |counter| format!("{preferred}_{counter}"))
    }

    /// `preferred` if it is free, else `numbered(2)`, `numbered(3)` ..., whichever is free first.
    pub(crate) fn claim_with(
        &mut self,
        preferred: &str,
        numbered: impl Fn(u32) -> String,
    ) -> String {
        if self.taken.insert(self.fold.apply(preferred)) {
            return preferred.to_owned();
        }
        // Each name taken before can block one counter at most, so a free one comes within `taken.len() + 2`.
        let last =
            u32::try_from(self.taken.len()).map_or(u32::MAX, |taken| taken.saturating_add(2));
        (2..=last)
            .map(numbered)
            .find(|candidate| self.taken.insert(self.fold.apply(candidate)))
            .unwrap_or_else(|| {
                unreachable!("{} names cannot block {last} counters", self.taken.len())
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_name_is_handed_out_once_under_its_fold() {
        let mut names = Unique::new(Fold::Alphanumeric);
        names.reserve("variables");
        assert_eq!(names.claim("acme1"), "acme1");
        assert_eq!(names.claim("acme_1"), "acme_1_2");
        assert_eq!(names.claim("acme_1"), "acme_1_3");
        assert_eq!(names.claim("variables"), "variables_2");
        assert!(!names.is_free("ACME_1_2"));
        let mut files = Unique::new(Fold::IgnoreCase);
        assert_eq!(files.claim("Troy"), "Troy");
        assert_eq!(files.claim("troy"), "troy_2");
        let mut ids = Unique::new(Fold::Exact);
        assert_eq!(ids.claim("troy_a"), "troy_a");
        assert_eq!(ids.claim("troy_a"), "troy_a_2");
        assert_eq!(ids.claim("troy_a_2"), "troy_a_2_2");
    }
}
