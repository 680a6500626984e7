//! Bad input gets an error, never a panic: every corpus policy, mangled thousands of ways (bytes deleted,
//! duplicated, replaced with JSON punctuation, curly quotes or non-Latin-1 text, truncated), is either read or
//! rejected with diagnostics whose spans lie inside the text, and rendering them does not panic either.

use iamgen::PolicyDocument;

use crate::support::files::corpus_files;
use crate::support::rng::Rng;

const PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\\",
    "\\u",
    "'",
    "//",
    "/*",
    "\u{201C}",
    "\u{201D}",
    "\u{2019}",
    "\u{FEFF}",
    "\u{100}",
    "é",
    "\t",
    "\n",
    "\0",
    "null",
    "true",
    "-0.5e+",
    "0001",
    "\"Effect\"",
    "\"Statement\"",
    "\"Condition\"",
    "\"*\"",
    "\"Principal\"",
    "\"StringLike\"",
    "{\"a\":1}",
    "${aws:username}",
];

fn mutate(rng: &mut Rng, source: &str) -> String {
    let mut text = source.to_owned();
    for _ in 0..=rng.below(3) {
        let mut at = rng.below(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        match rng.below(5) {
            0 => {
                let mut end = (at + 1 + rng.below(8)).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                text.replace_range(at..end, "");
            }
            1 => text.insert_str(at, PIECES[rng.below(PIECES.len())]),
            2 => {
                let mut end = (at + 1).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                text.replace_range(at..end, PIECES[rng.below(PIECES.len())]);
            }
            3 => text.truncate(at),
            _ => {
                let copy = text[at..].chars().take(20).collect::<String>();
                text.insert_str(at, &copy);
            }
        }
    }
    text
}

#[test]
fn mangled_policies_never_panic() {
    let mut sources: Vec<String> = corpus_files("iam-user-guide")
        .into_iter()
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect();
    sources.sort();
    let mut rng = Rng::new(0x1A6E_5EED);
    let (mut accepted, mut rejected) = (0, 0);
    for source in &sources {
        for _ in 0..40 {
            let text = mutate(&mut rng, source);
            match PolicyDocument::from_json(&text) {
                Ok(document) => {
                    accepted += 1;
                    // Whatever is accepted prints to something that reads back the same.
                    assert_eq!(
                        PolicyDocument::from_json(&document.to_json()).unwrap(),
                        document
                    );
                }
                Err(error) => {
                    rejected += 1;
                    assert!(!error.diagnostics().is_empty());
                    for diagnostic in error.diagnostics() {
                        assert!(diagnostic.span.start <= diagnostic.span.end, "{text:?}");
                        assert!(diagnostic.span.end as usize <= text.len(), "{text:?}");
                    }
                    let rendered = error.render(&text, "mangled.json", false);
                    assert!(rendered.contains("mangled.json:"), "{rendered}");
                }
            }
        }
    }
    // The mutations must exercise both paths, or the test proves little.
    assert!(
        accepted > 500 && rejected > 5000,
        "accepted {accepted}, rejected {rejected}"
    );
}

/// Every code point class a JSON escape can bring into a string: controls, DEL, C1 (U+0085), Latin-1, the first
/// code points past IAM's raw set (U+0100), line and paragraph separators, bidi controls, the byte-order mark,
/// non-characters, and a character outside the BMP (a surrogate pair).
const ESCAPES: &[&str] = &[
    "\\u0000",
    "\\u0001",
    "\\u001b",
    "\\u007f",
    "\\u0080",
    "\\u0085",
    "\\u009f",
    "\\u00a0",
    "\\u00e9",
    "\\u00ff",
    "\\u0100",
    "\\u0394",
    "\\u2028",
    "\\u2029",
    "\\u202e",
    "\\ufeff",
    "\\ufffe",
    "\\uffff",
    "\\ud83d\\ude00",
];

#[test]
fn printing_what_the_reader_accepted_gives_text_it_accepts_with_the_same_meaning() {
    // Before: `"\u0100"` was read as `Ā` and printed raw, and the reader refused its own output
    // (INVALID_CHARACTER): `iamgen fmt --write` wrote what `iamgen validate` rejects.
    for escape in ESCAPES {
        let source = format!(
            r#"{{"Version": "2012-10-17", "Id": "x{escape}", "Statement": [{{"Sid": "s{escape}", "Effect": "Allow",
                "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/{escape}",
                "Condition": {{"StringEquals": {{"aws:PrincipalTag/t{escape}": ["v{escape}"]}}}}}}]}}"#
        );
        let document =
            PolicyDocument::from_json(&source).unwrap_or_else(|e| panic!("{source}: {e}"));
        let printed = document.to_json();
        let again = PolicyDocument::from_json(&printed).unwrap_or_else(|error| {
            panic!("{escape}: the reader refuses the printer's output: {error}\n{printed}")
        });
        assert_eq!(again, document, "{escape}");
        assert_eq!(again.to_json(), printed, "{escape}: printing is not stable");
    }
}
