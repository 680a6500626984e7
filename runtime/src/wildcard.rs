//! The one wildcard matcher: IAM's `*` (any run of characters, the empty one included) and `?` (exactly one
//! character), with the case rule as a parameter.
//!
//! IAM compares action names and condition key names regardless of ASCII case ("Context key names are not
//! case-sensitive", IAM User Guide, "IAM JSON policy elements: Condition"), and ARNs and the values of
//! `StringLike` exactly. Every matcher in the crate comes here: [`crate::glob`] for plain patterns, the
//! policy-variable patterns of `eval`, and the placeholder templates of the catalogue
//! (`aws:ResourceTag/${TagKey}`, each placeholder being `?*`) and of its ARNs.
//!
//! # Time
//!
//! The usual greedy matcher, which backtracks to the latest `*`, takes `O(n × m)` on patterns such as
//! `*aaaaaaaab` against `aaaa…`. Here the pattern is cut at its `*`s into segments of fixed length; the first
//! must match at the start of the text, the last at its end, and each one between is found at its leftmost
//! place after the previous one, which is enough because a later `*` can absorb anything an earlier one could.
//! Each middle segment of up to 16 tokens is looked for at each place in turn (at most 16 comparisons per
//! character), a longer one with the bit-parallel shift-and automaton, which reads every character once. The
//! whole match takes `O(n × ⌈k / 64⌉ + m)` for a text of `n` characters, a pattern of `m` characters and a
//! longest segment of `k`: linear for segments of up to 64 characters, which covers every real IAM pattern.
//! Nothing is allocated unless a segment longer than 16 sits between two `*`s.
//!
//! ```
//! # extern crate iamgen_runtime as iamgen;
//! use iamgen::wildcard::{Case, matches};
//!
//! assert!(matches("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b.txt", Case::Sensitive));
//! assert!(!matches("s3:get*", "s3:GetObject", Case::Sensitive));
//! assert!(matches("s3:get?bject", "s3:GetObject", Case::IgnoreAscii));
//! ```

/// How literal characters compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Case {
    /// Exactly, as IAM compares ARNs and the values of `StringLike`.
    Sensitive,
    /// ASCII letters regardless of case, as IAM compares action names and condition key names. Other
    /// characters compare exactly: IAM folds no other case.
    IgnoreAscii,
}

impl Case {
    fn eq(self, pattern: char, text: char) -> bool {
        match self {
            Case::Sensitive => pattern == text,
            Case::IgnoreAscii => pattern.eq_ignore_ascii_case(&text),
        }
    }
}

/// One element of a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Token {
    /// A character that matches itself (under the [`Case`] rule), even `*` or `?` when an escape produced it.
    Char(char),
    /// Exactly one character of any kind: IAM's `?`.
    One,
    /// Any run of characters, the empty one included: IAM's `*`.
    Any,
}

/// The tokens of an IAM pattern in which `*` and `?` are the wildcards and every other character is literal.
pub fn tokens(pattern: &str) -> impl Iterator<Item = Token> + '_ {
    pattern.chars().map(|ch| match ch {
        '*' => Token::Any,
        '?' => Token::One,
        ch => Token::Char(ch),
    })
}

/// Whether `pattern` contains a wildcard, that is, whether it can match more than one string.
#[must_use]
pub fn has_wildcard(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// Whether `text` matches the IAM pattern `pattern` (`*` and `?` as wildcards), literal characters compared
/// by `case`.
#[must_use]
pub fn matches(pattern: &str, text: &str, case: Case) -> bool {
    match_segments(pattern.split('*'), text, case)
}

/// Whether `text` matches `pattern`, literal characters compared by `case`.
#[must_use]
pub fn matches_tokens(pattern: &[Token], text: &str, case: Case) -> bool {
    match_segments(pattern.split(|token| *token == Token::Any), text, case)
}

/// Whether the resource `text` matches `pattern` as the `Resource` element reads an ARN pattern: a `*` stays
/// within its colon-separated segment unless it is the segment's last character ("If the * wildcard is the last
/// character of a resource ARN segment, it can expand to match beyond the colon boundaries", IAM User Guide,
/// "IAM JSON policy elements: Resource"). Characters are compared exactly.
///
/// A pattern whose every `*` ends its segment is [`matches_tokens`]. Otherwise the pattern runs as a
/// position-set automaton (the set a bit per token): time is the text's length times the pattern's, with no
/// backtracking on any input, and ARNs are at most 2,048 characters.
#[must_use]
pub fn matches_resource_tokens(pattern: &[Token], text: &str) -> bool {
    let ends_segment =
        |index: usize| matches!(pattern.get(index + 1), None | Some(Token::Char(':')));
    let held: Vec<bool> = pattern
        .iter()
        .enumerate()
        .map(|(index, token)| *token == Token::Any && !ends_segment(index))
        .collect();
    if !held.contains(&true) {
        return matches_tokens(pattern, text, Case::Sensitive);
    }
    let words = (pattern.len() + 1).div_ceil(64);
    let set = |states: &mut [u64], at: usize| states[at / 64] |= 1 << (at % 64);
    let has = |states: &[u64], at: usize| states[at / 64] & (1 << (at % 64)) != 0;
    // A `*` may match nothing: from its position the automaton is also past it.
    let close = |states: &mut [u64]| {
        for (at, token) in pattern.iter().enumerate() {
            if *token == Token::Any && has(states, at) {
                set(states, at + 1);
            }
        }
    };
    let mut now = vec![0u64; words];
    set(&mut now, 0);
    close(&mut now);
    let mut next = vec![0u64; words];
    for ch in text.chars() {
        next.fill(0);
        for (at, token) in pattern.iter().enumerate() {
            if !has(&now, at) {
                continue;
            }
            match *token {
                Token::Any if !(held[at] && ch == ':') => set(&mut next, at),
                Token::One => set(&mut next, at + 1),
                Token::Char(expected) if expected == ch => set(&mut next, at + 1),
                // A held `*` at a colon, or a character that differs: this position dies.
                Token::Any | Token::Char(_) => {}
            }
        }
        close(&mut next);
        if next.iter().all(|word| *word == 0) {
            return false;
        }
        std::mem::swap(&mut now, &mut next);
    }
    has(&now, pattern.len())
}

/// A run of a pattern between two `*`s: every token in it stands for exactly one character.
trait Segment: Copy {
    fn tokens(self) -> impl DoubleEndedIterator<Item = Token>;
    fn is_empty(self) -> bool;
}

/// A piece of a pattern string split at its `*`s.
impl Segment for &str {
    fn tokens(self) -> impl DoubleEndedIterator<Item = Token> {
        self.chars().map(|ch| match ch {
            '?' => Token::One,
            ch => Token::Char(ch),
        })
    }

    fn is_empty(self) -> bool {
        str::is_empty(self)
    }
}

impl Segment for &[Token] {
    fn tokens(self) -> impl DoubleEndedIterator<Item = Token> {
        self.iter().copied()
    }

    fn is_empty(self) -> bool {
        <[Token]>::is_empty(self)
    }
}

/// Segments no longer than this are searched for directly, at most this many comparisons per character of the
/// text; longer ones with the shift-and automaton, whose tables cost more to build than short ARNs cost to scan.
const DIRECT_SEARCH: usize = 16;

fn match_segments<S: Segment>(
    mut segments: impl DoubleEndedIterator<Item = S>,
    text: &str,
    case: Case,
) -> bool {
    let Some(first) = segments.next() else {
        return text.is_empty();
    };
    let Some(last) = segments.next_back() else {
        // No `*`: the one segment is the whole text.
        return match_prefix(first, text, case).is_some_and(|end| end == text.len());
    };
    let Some(start) = match_prefix(first, text, case) else {
        return false;
    };
    let Some(end) = match_suffix(last, &text[start..], case).map(|end| start + end) else {
        return false;
    };
    let mut middle = &text[start..end];
    let mut searcher = Searcher::default();
    for segment in segments.filter(|segment| !segment.is_empty()) {
        let found = if segment.tokens().nth(DIRECT_SEARCH).is_none() {
            find_end_directly(segment, middle, case)
        } else {
            searcher.find_end(segment, middle, case)
        };
        match found {
            Some(after) => middle = &middle[after..],
            None => return false,
        }
    }
    true
}

/// The byte offset just past `segment` if `text` starts with it.
fn match_prefix(segment: impl Segment, text: &str, case: Case) -> Option<usize> {
    let mut chars = text.char_indices();
    for token in segment.tokens() {
        let (_, ch) = chars.next()?;
        if let Token::Char(expected) = token
            && !case.eq(expected, ch)
        {
            return None;
        }
    }
    Some(chars.offset())
}

/// The byte offset where `segment` starts if `text` ends with it.
fn match_suffix(segment: impl Segment, text: &str, case: Case) -> Option<usize> {
    let mut chars = text.char_indices().rev();
    let mut start = text.len();
    for token in segment.tokens().rev() {
        let (at, ch) = chars.next()?;
        if let Token::Char(expected) = token
            && !case.eq(expected, ch)
        {
            return None;
        }
        start = at;
    }
    Some(start)
}

/// The byte offset just past the leftmost occurrence of `segment` in `text`, trying every start in turn.
fn find_end_directly(segment: impl Segment, text: &str, case: Case) -> Option<usize> {
    text.char_indices()
        .find_map(|(at, _)| match_prefix(segment, &text[at..], case).map(|end| at + end))
}

/// The shift-and automaton of one segment (no `Any` in it): bit `j` of the state is set when the last `j + 1`
/// characters read match the segment's first `j + 1` tokens.
#[derive(Default)]
struct Searcher {
    /// 64-bit words per mask.
    words: usize,
    /// The masks, `words` words each: first the one of characters the segment does not name (its `?`
    /// positions), then one per ASCII character, then one per entry of `others`.
    masks: Vec<u64>,
    /// The segment's non-ASCII characters, sorted, each with the index of its mask.
    others: Vec<(char, usize)>,
    state: Vec<u64>,
}

const ASCII: usize = 128;

impl Searcher {
    fn build(&mut self, segment: impl Segment, case: Case) -> usize {
        let len = segment.tokens().count();
        let words = len.div_ceil(64);
        self.words = words;
        let mut unnamed = vec![0u64; words];
        for (at, token) in segment.tokens().enumerate() {
            if token == Token::One {
                unnamed[at / 64] |= 1 << (at % 64);
            }
        }
        self.others.clear();
        self.others
            .extend(segment.tokens().filter_map(|token| match token {
                Token::Char(ch) if !ch.is_ascii() => Some((ch, 0)),
                _ => None,
            }));
        self.others.sort_unstable();
        self.others.dedup();
        for (index, other) in self.others.iter_mut().enumerate() {
            other.1 = 1 + ASCII + index;
        }
        let count = 1 + ASCII + self.others.len();
        self.masks.clear();
        for _ in 0..count {
            self.masks.extend_from_slice(&unnamed);
        }
        for (at, token) in segment.tokens().enumerate() {
            let Token::Char(ch) = token else { continue };
            let mut set = |mask: usize| self.masks[mask * words + at / 64] |= 1 << (at % 64);
            if ch.is_ascii() {
                set(1 + ch as usize);
                if case == Case::IgnoreAscii && ch.is_ascii_alphabetic() {
                    set(1 + (ch as u8 ^ 0x20) as usize);
                }
            } else if let Ok(found) = self.others.binary_search_by_key(&ch, |&(other, _)| other) {
                set(self.others[found].1);
            }
        }
        len
    }

    fn mask(&self, ch: char) -> &[u64] {
        let index = if ch.is_ascii() {
            1 + ch as usize
        } else {
            self.others
                .binary_search_by_key(&ch, |&(other, _)| other)
                .map_or(0, |found| self.others[found].1)
        };
        &self.masks[index * self.words..(index + 1) * self.words]
    }

    /// The byte offset just past the leftmost occurrence of `segment` in `text`.
    fn find_end(&mut self, segment: impl Segment, text: &str, case: Case) -> Option<usize> {
        let last = self.build(segment, case) - 1;
        let mut state = std::mem::take(&mut self.state);
        state.clear();
        state.resize(self.words, 0);
        let mut found = None;
        for (at, ch) in text.char_indices() {
            let mask = self.mask(ch);
            // Shift the state one position up, a new attempt starting at bit 0, and keep what `ch` allows.
            let mut carry = 1;
            for (word, allowed) in state.iter_mut().zip(mask) {
                let next_carry = *word >> 63;
                *word = ((*word << 1) | carry) & allowed;
                carry = next_carry;
            }
            if state[last / 64] & (1 << (last % 64)) != 0 {
                found = Some(at + ch.len_utf8());
                break;
            }
        }
        self.state = state;
        found
    }
}

#[cfg(test)]
mod tests {
    use super::{Case, Token, matches, matches_resource_tokens, tokens};

    fn exact(pattern: &str, text: &str) -> bool {
        matches(pattern, text, Case::Sensitive)
    }

    /// The textbook backtracking matcher, exponential at worst, as the reference on small inputs.
    fn reference(pattern: &[char], text: &[char], case: Case) -> bool {
        match pattern.split_first() {
            None => text.is_empty(),
            Some(('*', rest)) => (0..=text.len()).any(|skip| reference(rest, &text[skip..], case)),
            Some(('?', rest)) => !text.is_empty() && reference(rest, &text[1..], case),
            Some((&ch, rest)) => text
                .split_first()
                .is_some_and(|(&first, tail)| case.eq(ch, first) && reference(rest, tail, case)),
        }
    }

    #[test]
    fn agrees_with_the_reference_on_every_small_case() {
        // Every pattern of up to four tokens over `a`, `B`, `é`, `*`, `?` against every text of up to five
        // characters over `a`, `A`, `b`, `é`.
        let pattern_alphabet = ['a', 'B', 'é', '*', '?'];
        let text_alphabet = ['a', 'A', 'b', 'é'];
        let words = |alphabet: &[char], max: usize| {
            let mut all = vec![String::new()];
            let mut last = vec![String::new()];
            for _ in 0..max {
                last = last
                    .iter()
                    .flat_map(|word| alphabet.iter().map(move |ch| format!("{word}{ch}")))
                    .collect();
                all.extend(last.iter().cloned());
            }
            all
        };
        let patterns = words(&pattern_alphabet, 4);
        let texts = words(&text_alphabet, 5);
        for pattern in &patterns {
            let pattern_chars: Vec<char> = pattern.chars().collect();
            for text in &texts {
                let text_chars: Vec<char> = text.chars().collect();
                for case in [Case::Sensitive, Case::IgnoreAscii] {
                    assert_eq!(
                        matches(pattern, text, case),
                        reference(&pattern_chars, &text_chars, case),
                        "{pattern:?} ~ {text:?} ({case:?})"
                    );
                }
            }
        }
    }

    #[test]
    fn both_searches_find_the_same_place() {
        let segments: Vec<String> = ["a", "B", "é", "?"]
            .iter()
            .flat_map(|x| ["", "a", "B", "é", "?"].map(|y| format!("{x}{y}")))
            .flat_map(|xy| ["", "a", "?", "é"].map(|z| format!("{xy}{z}")))
            .collect();
        let texts = ["", "a", "aB", "baé", "éaBaa", "AbAbé", "bbbbba", "xxé?aB"];
        let mut searcher = super::Searcher::default();
        for segment in &segments {
            for text in texts {
                for case in [Case::Sensitive, Case::IgnoreAscii] {
                    assert_eq!(
                        searcher.find_end(segment.as_str(), text, case),
                        super::find_end_directly(segment.as_str(), text, case),
                        "{segment:?} in {text:?} ({case:?})"
                    );
                }
            }
        }
    }

    #[test]
    fn literals_and_wildcards() {
        assert!(exact("", ""));
        assert!(!exact("", "a"));
        assert!(!exact("abc", "ABC"));
        assert!(exact("a*c", "abbbc"));
        assert!(!exact("a*c", "abcd"));
        assert!(exact("a*b*c", "axxbyyc"));
        assert!(!exact("a*b*c", "axxcyyb"));
        assert!(
            !exact("ab*ba", "aba"),
            "the prefix and the suffix may not share a character"
        );
        assert!(exact("ab*ba", "abba"));
        assert!(exact("?*?", "ab"));
        assert!(!exact("?*?", "a"));
        assert!(exact("[ab]", "[ab]"));
        assert!(exact("${aws:username}", "${aws:username}"));
        assert!(exact("caf?", "café"));
        assert!(!exact("??", "é"));
        assert!(exact("日*語", "日本語"));
    }

    #[test]
    fn case_rules() {
        assert!(matches("S3:GET*", "s3:GetObject", Case::IgnoreAscii));
        assert!(!matches("S3:GET*", "s3:GetObject", Case::Sensitive));
        assert!(matches("s3:*object", "s3:GetObject", Case::IgnoreAscii));
        assert!(
            !matches("É", "é", Case::IgnoreAscii),
            "IAM folds ASCII letters only"
        );
        assert!(
            !matches("*[*", "{", Case::IgnoreAscii),
            "only letters fold: `[` is not `{{`"
        );
    }

    #[test]
    fn long_segments_span_several_words() {
        let segment = "ab?".repeat(50);
        let text = format!("x{}y", "abc".repeat(50));
        assert!(exact(&format!("*{segment}*"), &text));
        assert!(!exact(&format!("*{segment}b*"), &text));
        assert!(exact(&format!("x*{segment}*y"), &text));
    }

    #[test]
    fn adversarial_patterns_are_linear() {
        // With exponential backtracking these would not finish in a lifetime, and a quadratic matcher would
        // take minutes on the last one; here each is one pass over the text per segment.
        let text = "a".repeat(200_000);
        assert!(!exact("a*a*a*a*a*b", &text));
        assert!(!exact(&format!("{}b", "*a".repeat(2_000)), &text));
        assert!(exact(&format!("{}*", "*a".repeat(2_000)), &text));
        assert!(!exact(&format!("*{}b*", "a".repeat(5_000)), &text));
        assert!(!exact(&format!("*{}b*a", "?".repeat(5_000)), &text));
        assert!(matches(
            &format!("*{}*", "A".repeat(5_000)),
            &text,
            Case::IgnoreAscii
        ));
    }

    #[test]
    fn a_resource_star_stays_in_its_segment_unless_it_ends_it() {
        let resource = |pattern: &str, text: &str| {
            matches_resource_tokens(&tokens(pattern).collect::<Vec<_>>(), text)
        };
        let queue = "arn:aws:sqs:us-east-1:081278057606:queue1";
        assert!(!resource("arn:aws:sqs:us-*6:queue1", queue));
        assert!(resource("arn:aws:sqs:us-*:queue1", queue));
        assert!(resource("arn:aws:sqs:us-*-1:0812*6:q*1", queue));
        assert!(resource("*", queue));
        assert!(!resource("arn:aws:sqs:*-1:queue1", queue));
        assert!(resource(
            "arn:aws:s3:::bucket/a*b",
            "arn:aws:s3:::bucket/a/x/b"
        ));
        assert!(!resource(
            "arn:aws:s3:::bucket/a*b",
            "arn:aws:s3:::bucket/a:b"
        ));
        // An escaped `*` (a character token) is text, not a wildcard.
        let escaped = [
            Token::Char('a'),
            Token::Char('*'),
            Token::Any,
            Token::Char('b'),
        ];
        assert!(matches_resource_tokens(&escaped, "a*xb"));
        assert!(!matches_resource_tokens(&escaped, "axxb"));
        // Where every star ends its segment, the answer is the plain matcher's.
        for (pattern, text) in [("a*:b", "a:x:b"), ("a?c", "abc"), ("", ""), ("*", "")] {
            assert_eq!(
                resource(pattern, text),
                matches(pattern, text, Case::Sensitive)
            );
        }
        // Adversarial: many held stars against a long text without the final character, still quick.
        let pattern = "a*".repeat(200) + "b";
        assert!(!resource(&pattern, &"a".repeat(2_000)));
    }
}
