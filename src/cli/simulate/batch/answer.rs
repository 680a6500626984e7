//! An answer line, written by hand: the JSON `simulate --format json` prints for a decision, with the line's
//! number and id, or the line's error. Serializing through serde was a fifth of a batch's time; these strings
//! (ARNs, names, sentences) seldom need escaping, and are copied whole when they do not.

use iamgen_runtime::eval::{Decision, Evaluation};

/// One step of a decision, as the answer shows it.
pub(super) struct Step<'a> {
    pub(super) caller: &'a str,
    pub(super) action: &'a str,
    pub(super) resource: &'a str,
    pub(super) evaluation: &'a Evaluation,
}

/// `{"line": N, "id"?, "decision", "steps": [...]}` and a newline.
pub(super) fn decided<'a>(
    out: &mut Vec<u8>,
    line: usize,
    id: Option<&serde_json::Value>,
    decision: Decision,
    steps: impl IntoIterator<Item = Step<'a>>,
) {
    head(out, line, id);
    out.extend_from_slice(b",\"decision\":");
    string(out, decision.as_str());
    out.extend_from_slice(b",\"steps\":[");
    for (index, step) in steps.into_iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        write_step(out, &step);
    }
    out.extend_from_slice(b"]}\n");
}

/// `{"line": N, "id"?, "error"}` and a newline.
pub(super) fn failed(out: &mut Vec<u8>, line: usize, id: Option<&serde_json::Value>, error: &str) {
    head(out, line, id);
    out.extend_from_slice(b",\"error\":");
    string(out, error);
    out.extend_from_slice(b"}\n");
}

fn head(out: &mut Vec<u8>, line: usize, id: Option<&serde_json::Value>) {
    out.extend_from_slice(b"{\"line\":");
    out.extend_from_slice(line.to_string().as_bytes());
    if let Some(id) = id {
        out.extend_from_slice(b",\"id\":");
        // A JSON value read from the line always writes back.
        let _ = serde_json::to_writer(&mut *out, id);
    }
}

fn write_step(out: &mut Vec<u8>, step: &Step<'_>) {
    let evaluation = step.evaluation;
    for (key, value) in [
        ("{\"caller\":", step.caller),
        (",\"action\":", step.action),
        (",\"resource\":", step.resource),
        (",\"decision\":", evaluation.decision.as_str()),
    ] {
        out.extend_from_slice(key.as_bytes());
        string(out, value);
    }
    out.extend_from_slice(b",\"deciding\":[");
    for (index, deciding) in evaluation.deciding.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        for (key, value) in [
            ("{\"policy\":", deciding.policy.as_str()),
            (",\"statement\":", deciding.statement.as_str()),
            (",\"pointer\":", deciding.pointer.as_str()),
            (",\"effect\":", deciding.effect.as_str()),
        ] {
            out.extend_from_slice(key.as_bytes());
            string(out, value);
        }
        out.push(b'}');
    }
    out.extend_from_slice(b"],\"reasons\":[");
    for (index, reason) in evaluation.reasons.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        string(out, reason);
    }
    out.extend_from_slice(b"],\"reason_codes\":[");
    for (index, code) in evaluation.reason_codes.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        string(out, code);
    }
    out.extend_from_slice(b"],\"fix\":");
    match &evaluation.fix {
        Some(fix) => string(out, fix),
        None => out.extend_from_slice(b"null"),
    }
    out.push(b'}');
}

/// `text` as a JSON string: copied whole when nothing in it needs escaping, else escaped by `serde_json`.
fn string(out: &mut Vec<u8>, text: &str) {
    let plain = text
        .bytes()
        .all(|byte| byte >= 0x20 && byte != b'"' && byte != b'\\');
    if plain {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else {
        // Writing a `&str` into memory cannot fail.
        let _ = serde_json::to_writer(&mut *out, text);
    }
}

#[cfg(test)]
mod tests {
    use super::string;

    /// Every string comes out as `serde_json` writes it: plain ones copied, the others escaped.
    #[test]
    fn strings_are_written_as_serde_json_writes_them() {
        for text in [
            "",
            "arn:aws:iam::111122223333:user/alice",
            "quote \" backslash \\ newline \n tab \t nul \u{0} bell \u{7}",
            "unicode é ☃ \u{2028} \u{7f}",
            "${aws:username} %{x} <script>",
        ] {
            let mut out = Vec::new();
            string(&mut out, text);
            assert_eq!(
                String::from_utf8(out).expect("UTF-8"),
                serde_json::to_string(text).expect("JSON"),
                "{text:?}"
            );
        }
    }
}
