//! Did-you-mean: the closest name to a misspelling among known names. Only ever computed on the error path.

#![allow(
    clippy::cast_precision_loss,
    reason = "lengths of names, far below 2^52"
)]

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
    let input = input.to_ascii_lowercase().into_bytes();
    let mut candidate: Vec<u8> = Vec::new();
    let mut best: Option<(f64, T)> = None;
    let input_counts = counts(&input);
    for (name, value) in candidates {
        candidate.clear();
        candidate.extend(name.bytes().map(|b| b.to_ascii_lowercase()));
        if input.len().abs_diff(candidate.len()) > 1
            && !may_reach_threshold(&input, &input_counts, &candidate)
        {
            continue;
        }
        let score = similarity(&input, &candidate);
        let close = score > THRESHOLD
            || (input.len().abs_diff(candidate.len()) <= 1
                && edit_distance(&input, &candidate) == 1);
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

/// Byte counts folded into 64 slots; folding only merges counts, which keeps the bound below an upper bound.
fn counts(text: &[u8]) -> [u16; 64] {
    let mut counts = [0u16; 64];
    for &byte in text {
        counts[usize::from(byte & 63)] = counts[usize::from(byte & 63)].saturating_add(1);
    }
    counts
}

/// Whether `candidate` can score above [`THRESHOLD`] against `input`. Jaro's matches `m` are at most the
/// characters the two share, so Jaro is at most `(m/|a| + m/|b| + 1) / 3`, and Winkler's prefix bonus lifts a
/// score `j` to at most `0.6 j + 0.4`. Skipping candidates that cannot pass changes no answer and saves the
/// quadratic comparison on most of a large service's actions.
fn may_reach_threshold(input: &[u8], input_counts: &[u16; 64], candidate: &[u8]) -> bool {
    if input.is_empty() || candidate.is_empty() {
        return true;
    }
    let candidate_counts = counts(candidate);
    let shared: u32 = input_counts
        .iter()
        .zip(&candidate_counts)
        .map(|(a, b)| u32::from(*a.min(b)))
        .sum();
    let shared = f64::from(shared);
    let jaro_bound = (shared / input.len() as f64 + shared / candidate.len() as f64 + 1.0) / 3.0;
    0.6 * jaro_bound + 0.4 > THRESHOLD
}

/// Jaro-Winkler, byte-wise on ASCII (which IAM names are), without allocating: the same arithmetic as
/// `strsim::jaro_winkler`, in the same order, so the scores are identical (a test checks).
fn similarity(a: &[u8], b: &[u8]) -> f64 {
    if !a.is_ascii() || !b.is_ascii() || a.len() > 128 || b.len() > 128 {
        // Lowercasing ASCII bytes keeps UTF-8 valid, so these never fail for text that came from `&str`.
        return match (std::str::from_utf8(a), std::str::from_utf8(b)) {
            (Ok(a), Ok(b)) => strsim::jaro_winkler(a, b),
            _ => 0.0,
        };
    }
    let jaro = jaro_bytes(a, b);
    if jaro > 0.7 {
        let prefix = a.iter().take(4).zip(b).take_while(|(x, y)| x == y).count();
        jaro + 0.1 * prefix as f64 * (1.0 - jaro)
    } else {
        jaro
    }
}

fn jaro_bytes(a: &[u8], b: &[u8]) -> f64 {
    let (a_len, b_len) = (a.len(), b.len());
    if a_len == 0 && b_len == 0 {
        return 1.0;
    } else if a_len == 0 || b_len == 0 {
        return 0.0;
    }
    let search_range = (a_len.max(b_len) / 2).saturating_sub(1);
    let mut a_flags = [false; 128];
    let mut b_flags = [false; 128];
    let mut matches = 0usize;
    for (i, a_byte) in a.iter().enumerate() {
        let low = i.saturating_sub(search_range);
        let high = b_len.min(i + search_range + 1);
        for j in low..high {
            if !b_flags[j] && *a_byte == b[j] {
                a_flags[i] = true;
                b_flags[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut b_matched = b
        .iter()
        .zip(&b_flags[..b_len])
        .filter(|(_, flag)| **flag)
        .map(|(byte, _)| byte);
    for (a_byte, _) in a.iter().zip(&a_flags[..a_len]).filter(|(_, flag)| **flag) {
        if b_matched.next().is_some_and(|b_byte| b_byte != a_byte) {
            transpositions += 1;
        }
    }
    transpositions /= 2;
    ((matches as f64 / a_len as f64)
        + (matches as f64 / b_len as f64)
        + ((matches - transpositions) as f64 / matches as f64))
        / 3.0
}

fn edit_distance(a: &[u8], b: &[u8]) -> usize {
    strsim::generic_damerau_levenshtein(a, b)
}

/// Names as a help message lists them: each in backticks, separated by commas (`` `a`, `b`, `c` ``).
pub fn code_list<'n>(names: impl IntoIterator<Item = &'n str>) -> String {
    names
        .into_iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
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
    fn byte_wise_scores_equal_strsim_on_ascii() {
        let words = [
            "s3:GetObject",
            "s3:getobjekt",
            "ec2:DescribeInstances",
            "Effect",
            "",
            "a",
            "StringEquals",
            "x-y_z",
        ];
        for a in words {
            for b in words {
                let bytes = super::similarity(a.as_bytes(), b.as_bytes());
                assert!(
                    (bytes - strsim::jaro_winkler(a, b)).abs() < f64::EPSILON,
                    "{a} {b}"
                );
            }
        }
    }

    #[test]
    fn byte_wise_scores_equal_strsim_on_random_ascii() {
        // A fixed xorshift sequence: random-looking pairs, the same on every run.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabet = b"abcdeosgt:-*3";
        for _ in 0..5_000 {
            let mut word = || -> String {
                let len = next() % 14;
                (0..len)
                    .map(|_| char::from(alphabet[usize::try_from(next() % 13).unwrap()]))
                    .collect()
            };
            let (a, b) = (word(), word());
            let mine = super::similarity(a.as_bytes(), b.as_bytes());
            assert!(
                (mine - strsim::jaro_winkler(&a, &b)).abs() == 0.0,
                "{a:?} {b:?}"
            );
        }
    }

    #[test]
    fn the_prefilter_never_drops_a_passing_candidate() {
        let names = [
            "s3:getobject",
            "s3:getobjectacl",
            "ec2:describeinstances",
            "iam:passrole",
            "effect",
            "x",
        ];
        let inputs = [
            "s3:getobjekt",
            "ec2:describeinstanse",
            "iam:passrol",
            "efect",
            "zzzzzzzz",
            "s3:get",
        ];
        for input in inputs {
            for name in names {
                let (a, b) = (input.as_bytes(), name.as_bytes());
                if super::similarity(a, b) > super::THRESHOLD {
                    assert!(
                        super::may_reach_threshold(a, &super::counts(a), b),
                        "{input} {name}"
                    );
                }
            }
        }
    }

    #[test]
    fn one_edit_counts_for_short_names() {
        let prefixes = ["s3", "sqs", "ec2"];
        assert_eq!(closest("s4", prefixes), Some("s3"));
        assert_eq!(closest("S3", prefixes), Some("s3"));
        assert_eq!(closest("xyz", prefixes), None);
    }
}
