//! Every function of `iamgen::escape` against a real parser of its format, over random strings drawn from hostile
//! classes (quotes, backslashes, template and directive openers, entities, line breaks, C0 and C1 controls, DEL,
//! bidi controls, noncharacters, YAML indicators and resolver words, strings over 1,024 characters, astral
//! characters). What the parser reads must be exactly the input (for diagram labels, which are for people: the
//! input with its invisible characters shown as `\u{XXXX}`, as `escape::visible` says):
//!
//! - JSON: `serde_json`, and iamgen's own reader (`json::parse`), which must accept all the writer writes;
//! - YAML scalars, keys and numbers: `PyYAML` (YAML 1.1, as cfn-lint reads templates) and `serde_norway` (1.2);
//! - HCL strings and `#` comments: HashiCorp's parser (`@cdktf/hcl2json`);
//! - Graphviz labels: Graphviz itself (`@hpcc-js/wasm-graphviz`), the text it draws;
//! - Mermaid labels: Mermaid's own parser (`mermaid`), the text its renderer shows;
//! - IAM policy literals: iamgen's evaluator, which implements IAM's `${*}`, `${?}`, `${$}`.
//!
//! Each external parser runs once per test over a batch of a few hundred strings. A missing tool fails the test
//! in CI and skips the check elsewhere (see `support::tools`). The issue #11 defects are named tests at the end.

use std::fmt::Write as _;
use std::process::Command;

use crate::support::rng::Rng;
use crate::support::tools;
use iamgen::escape;
use iamgen::render::value::Value;
use serde_json::{Value as Json, json};

/// Text that means something to one of the formats, or that readers treat specially.
const HOSTILE: &[&str] = &[
    "\"",
    "'",
    "\\",
    "\\\\",
    "\\n",
    "\\N",
    "\\u0041",
    "${",
    "%{",
    "$${",
    "%%{",
    "${aws:username}",
    "${!x}",
    "%%{init: {\"theme\":\"forest\"}}%%",
    "%%{z}",
    "%% comment",
    "&amp;",
    "&lt;b&gt;",
    "<b>x</b>",
    "#35;",
    "#quot;",
    "ﬂ°°35¶ß",
    "ﬂ°quot¶ß",
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\u{0}",
    "\u{1}",
    "\u{1b}",
    "\u{1f}",
    "\u{7f}",
    "\u{80}",
    "\u{85}",
    "\u{9f}",
    "\u{a0}",
    "\u{ff}",
    "\u{100}",
    "\u{2028}",
    "\u{2029}",
    "\u{202e}",
    "\u{2066}",
    "\u{200f}",
    "\u{feff}",
    "\u{fffe}",
    "\u{ffff}",
    "😀",
    "\u{10ffff}",
    "中文",
    "é",
    "- ",
    "? ",
    ": ",
    ",",
    "[",
    "]",
    "{",
    "}",
    "#",
    " #",
    "&",
    "*",
    "!",
    "|",
    ">",
    "%",
    "@",
    "`",
    "---",
    "...",
    "Null",
    "null",
    "~",
    "yes",
    "No",
    "on",
    "1e2",
    "0x1F",
    ".inf",
    "-.5",
    "012",
    "1:20",
    " ",
    "  ",
    ";",
    "|",
    "end",
    "*?",
];

/// Every hostile piece alone, then `count` random mixes of them with plain words, and a few over 1,024
/// characters.
fn hostile_strings(seed: u64, count: usize) -> Vec<String> {
    let mut rng = Rng::new(seed);
    let mut out: Vec<String> = HOSTILE.iter().map(|&piece| piece.to_owned()).collect();
    for _ in 0..count {
        let mut text = String::new();
        for _ in 0..=rng.below(6) {
            if rng.below(3) == 0 {
                text.push_str(["a", "Name", " x ", "42", "ok"][rng.below(5)]);
            }
            text.push_str(HOSTILE[rng.below(HOSTILE.len())]);
        }
        out.push(text);
    }
    for index in 0..4 {
        let piece = HOSTILE[rng.below(HOSTILE.len())];
        let mut text = String::new();
        while text.chars().count() <= 1_100 + index * 300 {
            text.push_str(piece);
            text.push_str("key");
        }
        out.push(text);
    }
    out
}

fn strings() -> Vec<String> {
    hostile_strings(0x11EA_6E11, 300)
}

// ---------------------------------------------------------------------------------------------------------
// JSON

#[test]
fn json_strings_read_back_with_serde_json_and_iamgens_reader() {
    for text in strings() {
        let written = escape::json_string(&text);
        let serde: String = serde_json::from_str(&written)
            .unwrap_or_else(|error| panic!("serde_json cannot read {written} ({error})"));
        assert_eq!(serde, text, "serde_json reads {written}");
        // iamgen's reader reads a document; its raw set is TAB, LF, CR and U+0020 to U+00FF.
        assert!(
            written
                .chars()
                .all(|c| matches!(c, ' '..='~' | '\u{a0}'..='\u{ff}')),
            "{written:?} holds a character iamgen's reader refuses raw"
        );
        let document = format!("{{\"k\": {written}}}");
        let node = iamgen::json::parse(&document)
            .unwrap_or_else(|error| panic!("iamgen's reader refuses {document}: {error}"));
        assert_eq!(
            node.pointer("/k").and_then(|node| node.value.as_str()),
            Some(text.as_str()),
            "iamgen's reader reads {document}"
        );
    }
}

// ---------------------------------------------------------------------------------------------------------
// YAML

/// Runs `PyYAML` over `(yaml, expected JSON)` cases; `None` when `PyYAML` is not installed (outside CI).
fn pyyaml(cases: &[(String, Json)]) -> Option<Vec<Json>> {
    let python = tools::python_with_yaml()?;
    let input: Vec<Json> = cases
        .iter()
        .map(|(yaml, expected)| json!([yaml, expected.to_string()]))
        .collect();
    let output = tools::run_json(
        Command::new(python).arg(tools::root().join("tests/support/yaml_load.py")),
        &Json::Array(input).to_string(),
    );
    Some(output["results"].as_array().expect("results").clone())
}

fn check_pyyaml(cases: &[(String, Json)]) {
    let Some(results) = pyyaml(cases) else {
        return;
    };
    let failures: Vec<String> = cases
        .iter()
        .zip(&results)
        .filter(|(_, result)| !result.is_null())
        .map(|((yaml, _), result)| format!("{yaml:?}: {result}"))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} YAML documents read otherwise with PyYAML, first:\n{}",
        failures.len(),
        cases.len(),
        failures[..failures.len().min(5)].join("\n")
    );
}

/// Documents of one mapping `key: value`, both hostile, as the CloudFormation renderer writes them.
fn yaml_cases() -> Vec<(String, Json)> {
    let texts = strings();
    texts
        .iter()
        .zip(texts.iter().rev())
        .map(|(key, value)| {
            let document = Value::object([
                (key.clone(), Value::from(value.as_str())),
                (
                    "nested".to_owned(),
                    Value::Array(vec![Value::object([(
                        value.clone(),
                        Value::from(key.as_str()),
                    )])]),
                ),
            ]);
            let mut expected = serde_json::Map::new();
            expected.insert(key.clone(), json!(value));
            if key != "nested" {
                expected.insert("nested".to_owned(), json!([{ value.clone(): key }]));
            }
            (document.to_yaml(), Json::Object(expected))
        })
        .filter(|(_, expected)| expected.as_object().is_some_and(|map| map.len() == 2))
        .collect()
}

#[test]
fn yaml_scalars_and_keys_read_back_with_pyyaml() {
    check_pyyaml(&yaml_cases());
}

#[test]
fn yaml_scalars_and_keys_read_back_with_serde_norway() {
    for (yaml, expected) in yaml_cases() {
        let found: Json = serde_norway::from_str(&yaml)
            .unwrap_or_else(|error| panic!("serde_norway cannot read {yaml:?}: {error}"));
        assert_eq!(found, expected, "serde_norway reads {yaml:?}");
    }
}

#[test]
fn yaml_numbers_have_the_type_and_value_json_gives_them() {
    let numbers = [
        "0",
        "-0",
        "1",
        "-12",
        "1.5",
        "-0.25",
        "1e2",
        "1E2",
        "1e+2",
        "1e-2",
        "-1.5e3",
        "2.5E-3",
        "1e400",
        "123456789012345678901234567890",
        "0.1",
    ];
    let cases: Vec<(String, Json)> = numbers
        .iter()
        .map(|number| {
            let yaml = Value::object([("k", Value::Number((*number).to_owned()))]).to_yaml();
            // The JSON text of the number, read by Python's json as CloudFormation's JSON reader would.
            (yaml, Json::String(format!("{{\"k\": {number}}}")))
        })
        .collect();
    // `yaml_load.py` compares with the JSON text's value: pass it as a document, not as a string.
    let Some(python) = tools::python_with_yaml() else {
        return;
    };
    let input: Vec<Json> = cases
        .iter()
        .map(|(yaml, expected)| json!([yaml, expected.as_str().unwrap()]))
        .collect();
    let output = tools::run_json(
        Command::new(python).arg(tools::root().join("tests/support/yaml_load.py")),
        &Json::Array(input).to_string(),
    );
    for ((yaml, _), result) in cases.iter().zip(output["results"].as_array().unwrap()) {
        assert!(result.is_null(), "{yaml:?}: {result}");
    }
}

#[test]
fn comments_stay_comments_in_yaml() {
    let cases: Vec<(String, Json)> = strings()
        .iter()
        .map(|text| {
            (
                format!("# {}\nk: \"v\"\n", escape::comment_text(text)),
                json!({ "k": "v" }),
            )
        })
        .collect();
    check_pyyaml(&cases);
}

// ---------------------------------------------------------------------------------------------------------
// HCL

/// What HashiCorp's parser reads from an HCL file, as `@cdktf/hcl2json` prints it.
fn hcl2json(source: &str) -> Option<Json> {
    let (node, package) = tools::hcl2json()?;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("strings.tf");
    std::fs::write(&file, source).expect("the .tf file");
    let output = tools::run(
        Command::new(node)
            .arg(tools::root().join("tests/support/hcl2json.js"))
            .arg(&package)
            .arg(&file),
    );
    assert!(
        output.status.success(),
        "hcl2json failed:\n{}",
        tools::describe(&output)
    );
    let parsed: Json = serde_json::from_slice(&output.stdout).expect("hcl2json prints JSON");
    Some(parsed[file.to_str().unwrap()].clone())
}

/// A literal string as hcl2json prints it (HCL's JSON form, a template) back to its text: `$${` and `%%{` are
/// the escapes for `${` and `%{` there.
fn hcl_json_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(ch) = rest.chars().next() {
        if rest.starts_with("$${") || rest.starts_with("%%{") {
            out.push(ch);
            out.push('{');
            rest = &rest[3..];
        } else {
            out.push(ch);
            rest = &rest[ch.len_utf8()..];
        }
    }
    out
}

#[test]
fn hcl_strings_and_comments_read_back_with_hashicorps_parser() {
    let texts = strings();
    let mut source = String::from("locals {\n");
    for (index, text) in texts.iter().enumerate() {
        let _ = writeln!(source, "  # {}", escape::comment_text(text));
        let _ = writeln!(source, "  s{index} = {}", escape::hcl_string(text));
    }
    source.push_str("}\n");
    let Some(parsed) = hcl2json(&source) else {
        return;
    };
    assert!(parsed.get("error").is_none(), "HCL parser: {parsed}");
    let locals = &parsed["locals"][0];
    assert_eq!(
        locals.as_object().map(serde_json::Map::len),
        Some(texts.len()),
        "a comment swallowed or added an attribute"
    );
    for (index, text) in texts.iter().enumerate() {
        let found = locals[format!("s{index}")].as_str().expect("a string");
        assert_eq!(
            hcl_json_literal(found),
            *text,
            "HCL reads {}",
            escape::hcl_string(text)
        );
    }
}

// ---------------------------------------------------------------------------------------------------------
// Graphviz

/// The text Graphviz draws for each node, cluster and edge of each graph.
fn graphviz(sources: &[String]) -> Option<Vec<Json>> {
    let (node, modules) = tools::graphviz()?;
    let output = tools::run_json(
        Command::new(node)
            .arg(tools::root().join("tests/support/dot_labels.mjs"))
            .arg(modules),
        &Json::from(sources.to_vec()).to_string(),
    );
    Some(output["graphs"].as_array().expect("graphs").clone())
}

/// The lines drawn for `key`, joined: a label is one line, since no label holds a line break. Graphviz's SVG
/// writer writes the second of two spaces as U+00A0 so that SVG keeps it: both read as a space here.
fn drawn(graph: &Json, key: &str) -> String {
    graph[key]
        .as_array()
        .map(|lines| {
            lines
                .iter()
                .filter_map(Json::as_str)
                .collect::<Vec<_>>()
                .join("\n")
                .replace('\u{a0}', " ")
        })
        .unwrap_or_default()
}

/// What Graphviz should draw for `text`: its visible form, with U+00A0 as a space (see [`drawn`]).
fn drawn_as(text: &str) -> String {
    escape::visible(text).replace('\u{a0}', " ")
}

#[test]
fn dot_labels_read_back_with_graphviz() {
    let texts = strings();
    let mut source = String::from("digraph g {\n  subgraph cluster_0 {\n");
    let _ = writeln!(source, "    label = {};", escape::dot_string(&texts[1]));
    for (index, text) in texts.iter().enumerate() {
        let _ = writeln!(
            source,
            "    n{index} [label = {}];",
            escape::dot_string(text)
        );
    }
    source.push_str("  }\n}\n");
    let Some(graphs) = graphviz(&[source]) else {
        return;
    };
    let graph = &graphs[0];
    assert!(graph.get("error").is_none(), "Graphviz: {graph}");
    assert_eq!(drawn(graph, "cluster:cluster_0"), drawn_as(&texts[1]));
    for (index, text) in texts.iter().enumerate() {
        assert_eq!(
            drawn(graph, &format!("n{index}")),
            drawn_as(text),
            "Graphviz draws {}",
            escape::dot_string(text)
        );
    }
}

// ---------------------------------------------------------------------------------------------------------
// Mermaid

/// What Mermaid's parser reads from each diagram, labels as shown.
fn mermaid(sources: &[String]) -> Option<Vec<Json>> {
    let (node, modules) = tools::mermaid()?;
    let output = tools::run_json(
        Command::new(node)
            .arg(tools::root().join("tests/support/mermaid_labels.mjs"))
            .arg(modules),
        &Json::from(sources.to_vec()).to_string(),
    );
    Some(output["diagrams"].as_array().expect("diagrams").clone())
}

#[test]
fn mermaid_labels_read_back_with_mermaids_parser() {
    let texts = strings();
    let mut source = String::from("flowchart LR\n");
    let _ = writeln!(
        source,
        "  subgraph g0[\"{}\"]",
        escape::mermaid_label(&texts[1])
    );
    for (index, text) in texts.iter().enumerate() {
        let _ = writeln!(source, "    n{index}[\"{}\"]", escape::mermaid_label(text));
    }
    source.push_str("  end\n");
    for (index, text) in texts.iter().enumerate().skip(1) {
        let _ = writeln!(
            source,
            "  n{} -->|\"{}\"| n{index}",
            index - 1,
            escape::mermaid_label(text)
        );
    }
    let Some(diagrams) = mermaid(&[source]) else {
        return;
    };
    let diagram = &diagrams[0];
    assert!(diagram.get("error").is_none(), "Mermaid: {diagram}");
    assert_eq!(
        diagram["config"],
        json!({}),
        "a label was read as a directive"
    );
    assert_eq!(
        diagram["subgraphs"]["g0"],
        json!(escape::visible(&texts[1]))
    );
    for (index, text) in texts.iter().enumerate() {
        assert_eq!(
            diagram["vertices"][format!("n{index}")],
            json!(escape::visible(text)),
            "Mermaid shows {}",
            escape::mermaid_label(text)
        );
    }
    let edges = diagram["edges"].as_array().expect("edges");
    for (edge, text) in edges.iter().zip(texts.iter().skip(1)) {
        assert_eq!(*edge, json!(escape::visible(text)));
    }
}

// ---------------------------------------------------------------------------------------------------------
// Markdown table cells (the generated READMEs)

#[test]
fn markdown_cells_read_back_with_a_gfm_parser() {
    let texts = strings();
    let mut document = String::from("| name | n |\n|---|---|\n");
    for (index, text) in texts.iter().enumerate() {
        let _ = writeln!(document, "| {} | {index} |", escape::markdown_cell(text));
    }
    let Some((node, modules)) = tools::markdown() else {
        return;
    };
    let output = tools::run_json(
        Command::new(node)
            .arg(tools::root().join("tests/support/markdown_cells.mjs"))
            .arg(modules),
        &Json::from(vec![document.clone()]).to_string(),
    );
    let table = output["tables"][0]
        .as_array()
        .unwrap_or_else(|| panic!("marked: {output}"));
    // One row per text, two cells each: no text opened a cell, a row or a block of its own.
    assert_eq!(table.len(), texts.len() + 1, "{document}");
    for (index, text) in texts.iter().enumerate() {
        // What the cell promises: the text, with every character `visible` would spell out (line breaks,
        // controls, bidirectional controls) as a space; Markdown
        // trims a cell's white space at both ends, as JavaScript's `trim` does.
        let expected: String = text
            .chars()
            .map(|ch| {
                let shown = ch.to_string();
                if escape::visible(&shown) == shown {
                    ch
                } else {
                    ' '
                }
            })
            .collect();
        let expected = expected.trim_matches(|ch: char| ch.is_whitespace() || ch == '\u{FEFF}');
        assert_eq!(
            table[index + 1],
            json!([expected, index.to_string()]),
            "marked reads {}",
            escape::markdown_cell(text)
        );
    }
}

// ---------------------------------------------------------------------------------------------------------
// IAM policy literals

#[test]
fn policy_literals_match_exactly_themselves_in_iams_evaluator() {
    use iamgen::__private::iamgen_runtime::eval::{Context, variables};
    let context = Context::new().with("aws:username", "alice");
    for text in strings() {
        let literal = escape::policy_literal(&text);
        assert!(
            variables::matches(&literal, &text, &context),
            "{literal:?} does not match {text:?}"
        );
        for other in [format!("{text}x"), text.replacen(['*', '?', '$'], "Q", 1)] {
            if other != text {
                assert!(
                    !variables::matches(&literal, &other, &context),
                    "{literal:?} matches {other:?} too"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// The defects of issue #11, each replayed.

#[test]
fn bug_mermaid_reads_an_init_directive_inside_a_label() {
    let labels = [
        "acme %%{init: {\"theme\":\"forest\"}}%% x",
        "%%{z}",
        "&amp; &lt;b&gt;",
    ];
    let sources: Vec<String> = labels
        .iter()
        .map(|label| {
            format!(
                "flowchart LR\n  a[\"{}\"]\n  b[\"ok\"]\n",
                escape::mermaid_label(label)
            )
        })
        .collect();
    let Some(diagrams) = mermaid(&sources) else {
        return;
    };
    for (label, diagram) in labels.iter().zip(&diagrams) {
        assert!(diagram.get("error").is_none(), "{label:?}: {diagram}");
        assert_eq!(diagram["config"], json!({}), "{label:?} set a directive");
        assert_eq!(diagram["vertices"]["a"], json!(label));
    }
}

#[test]
fn bug_graphviz_loses_labels_with_control_characters() {
    let labels = [
        "a\u{0}b",
        "a\u{1}b",
        "a\u{7f}b",
        "a\u{1b}[31mb",
        "\\N &amp;",
    ];
    let sources: Vec<String> = labels
        .iter()
        .map(|label| format!("digraph {{ a [label = {}]; }}", escape::dot_string(label)))
        .collect();
    let Some(graphs) = graphviz(&sources) else {
        return;
    };
    for (label, graph) in labels.iter().zip(&graphs) {
        assert!(graph.get("error").is_none(), "{label:?}: {graph}");
        assert_eq!(drawn(graph, "a"), drawn_as(label), "{label:?}");
    }
}

#[test]
fn bug_yaml_reads_the_null_operator_as_a_null_key_and_1e2_as_a_string() {
    let document = Value::object([(
        "Condition",
        Value::object([
            (
                "Null",
                Value::object([("aws:TokenIssueTime", Value::from("true"))]),
            ),
            (
                "NumericLessThan",
                Value::object([("s3:max-keys", Value::Number("1e2".to_owned()))]),
            ),
        ]),
    )]);
    let json_text = document.to_json();
    let cases = [(
        document.to_yaml(),
        serde_json::from_str::<Json>(&json_text).unwrap(),
    )];
    // yaml_load.py compares types: 1e2 is a float in JSON, and must be one in YAML.
    let Some(python) = tools::python_with_yaml() else {
        return;
    };
    let input = json!([[cases[0].0, json_text]]);
    let output = tools::run_json(
        Command::new(python).arg(tools::root().join("tests/support/yaml_load.py")),
        &input.to_string(),
    );
    assert!(
        output["results"][0].is_null(),
        "{}: {}",
        cases[0].0,
        output["results"][0]
    );
}

#[test]
fn bug_yaml_keys_over_1024_characters_are_unreadable() {
    let key = format!("aws:RequestTag/{}", "k".repeat(1_100));
    let document = Value::object([(
        "StringEquals",
        Value::object([(key.clone(), Value::from("v"))]),
    )]);
    let yaml = document.to_yaml();
    let found: Json = serde_norway::from_str(&yaml).expect("serde_norway reads it");
    assert_eq!(found, json!({ "StringEquals": { key.clone(): "v" } }));
    check_pyyaml(&[(yaml, json!({ "StringEquals": { key: "v" } }))]);
}

#[test]
fn bug_role_path_turns_the_assume_policy_into_a_wildcard_or_a_variable() {
    use iamgen::__private::iamgen_runtime::eval::{Context, variables};
    use iamgen::policy::ResourceElement;
    for path in ["/*/", "/${aws:username}/", "/a?b/$/"] {
        let mut cross = crate::support::stacks::reference_pattern();
        cross.role.path = path.to_owned();
        let real = cross.role_arn();
        let other = real.replace(path, "/other/");
        let document = cross.assume_policy(&cross.trusted[0]);
        let statement = document.statements().next().expect("a statement");
        let Some(ResourceElement::Resource(resources)) = &statement.resource else {
            panic!("a Resource")
        };
        let resource = resources.as_slice()[0].as_str();
        let context = Context::new().with("aws:username", "other");
        assert!(
            variables::matches(resource, &real, &context),
            "{resource} vs {real}"
        );
        assert!(
            !variables::matches(resource, &other, &context),
            "{resource} matches {other}"
        );
    }
}

/// The linter of the stack reads the escaped ARN as the role's ARN, as the evaluator does: it once matched
/// `Resource` with plain globbing, which reads `${*}` as text, and reported `DEAD_TRUST` (and `UNDECLARED_ROLE`
/// for `${$}`) on what the spec reader had accepted.
#[test]
fn bug_linter_reads_escaped_role_arns_in_assume_policies() {
    let codes = |path: &str| {
        let mut cross = crate::support::stacks::reference_pattern();
        cross.role.path = path.to_owned();
        let stack = cross.build().expect("the stack");
        iamgen::lint::lint_stack(&stack, &iamgen::lint::Options::default())
            .into_iter()
            .map(|finding| finding.finding.code)
            .collect::<Vec<_>>()
    };
    for path in ["/*/", "/${aws:username}/", "/a?b/$/"] {
        assert_eq!(codes(path), codes("/plain/"), "{path}");
    }
}
