//! Did-you-mean: the closest name to a misspelling among known names.

/// Names closer than this (Jaro-Winkler similarity) are worth suggesting; darling and clap use the same bar.
pub const THRESHOLD: f64 = 0.8;

/// The candidate closest to `input`: an exact match ignoring ASCII case first, otherwise the most similar by
/// Jaro-Winkler above [`THRESHOLD`]. Ties keep the earliest candidate, so the answer is deterministic.
pub fn closest<'c>(input: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let mut best: Option<(&'c str, f64)> = None;
    for candidate in candidates {
        if candidate.eq_ignore_ascii_case(input) {
            return Some(candidate);
        }
        let score = strsim::jaro_winkler(&input.to_ascii_lowercase(), &candidate.to_ascii_lowercase());
        if score > THRESHOLD && best.is_none_or(|(_, best_score)| score > best_score) {
            best = Some((candidate, score));
        }
    }
    best.map(|(candidate, _)| candidate)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn prefers_case_insensitive_equality_then_similarity() {
        let names = ["Effect", "Action", "NotAction", "Resource"];
        assert_eq!(closest("effect", names), Some("Effect"));
        assert_eq!(closest("Efect", names), Some("Effect"));
        assert_eq!(closest("Actions", names), Some("Action"));
        assert_eq!(closest("Banana", names), None);
    }
}
