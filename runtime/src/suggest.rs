//! Did-you-mean: the closest name to a misspelling among known names. Only ever computed on the error path.

/// Names more similar than this (Jaro-Winkler) are worth suggesting; darling and clap use the same bar.
pub const THRESHOLD: f64 = 0.8;

/// The value of the candidate name most similar to `input`, ignoring ASCII case, if any is similar enough.
///
/// Similar enough means a Jaro-Winkler similarity above [`THRESHOLD`], or a single edit (insertion, deletion,
/// substitution or transposition): Jaro-Winkler scores very short names low even for one typo (`s4` against
/// `s3` is 0.7). A name equal but for case scores highest. Ties go to the earliest candidate, so the answer is
/// deterministic.
pub fn best_match<'c, T>(
    input: &str,
    candidates: impl IntoIterator<Item = (&'c str, T)>,
) -> Option<T> {
    let input = input.to_ascii_lowercase();
    let mut candidate = String::new();
    let mut best: Option<(f64, T)> = None;
    for (name, value) in candidates {
        candidate.clear();
        candidate.extend(name.chars().map(|c| c.to_ascii_lowercase()));
        let score = strsim::jaro_winkler(&input, &candidate);
        let close = score > THRESHOLD
            || (input.len().abs_diff(candidate.len()) <= 1
                && strsim::damerau_levenshtein(&input, &candidate) == 1);
        if close
            && best
                .as_ref()
                .is_none_or(|(best_score, _)| score > *best_score)
        {
            best = Some((score, value));
        }
    }
    best.map(|(_, value)| value)
}

/// The candidate closest to `input`, as [`best_match`] judges it.
pub fn closest<'c>(input: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    best_match(input, candidates.into_iter().map(|name| (name, name)))
}

#[cfg(test)]
mod tests {
    use super::{best_match, closest};

    #[test]
    fn prefers_case_insensitive_equality_then_similarity() {
        let names = ["Effect", "Action", "NotAction", "Resource"];
        assert_eq!(closest("effect", names), Some("Effect"));
        assert_eq!(closest("Efect", names), Some("Effect"));
        assert_eq!(closest("Actions", names), Some("Action"));
        assert_eq!(closest("Banana", names), None);
    }

    #[test]
    fn picks_the_closest_above_the_threshold() {
        let names = [("GetObject", 1), ("GetObjectAcl", 2), ("PutObject", 3)];
        assert_eq!(best_match("GetObjekt", names), Some(1));
        assert_eq!(best_match("getobjectacl", names), Some(2));
        assert_eq!(best_match("DeleteBucketPolicy", names), None);
    }

    #[test]
    fn one_edit_counts_for_short_names() {
        let prefixes = ["s3", "sqs", "ec2"];
        assert_eq!(closest("s4", prefixes), Some("s3"));
        assert_eq!(closest("S3", prefixes), Some("s3"));
        assert_eq!(closest("xyz", prefixes), None);
    }
}
