//! `diagram.svg` read with a real XML parser (`roxmltree`) holds the nodes and edges of `diagram.dot`, labels
//! and all, whatever the names hold; it is the same on every run; and it renders (`resvg`) to a picture that is
//! not blank, written to `target/diagram-png/` for a person to look at.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iamgen::render::{Target, render};
use iamgen::stack::Stack;

/// A node as a diagram shows it: its id, its label, and the account it is drawn in (none outside the stack).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Node {
    id: String,
    label: String,
    account: Option<String>,
}

/// What a diagram holds: its nodes, in order, and its edges (from, to, label), in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Drawn {
    nodes: Vec<Node>,
    edges: Vec<(String, String, String)>,
}

/// The value of the DOT quoted string that starts `text`, and the rest after it.
fn dot_string(text: &str) -> Option<(String, &str)> {
    let mut chars = text.strip_prefix('"')?.char_indices();
    let mut value = String::new();
    while let Some((at, ch)) = chars.next() {
        match ch {
            '"' => return Some((value.replace("&amp;", "&"), &text[at + 2..])),
            '\\' => value.push(chars.next()?.1),
            ch => value.push(ch),
        }
    }
    None
}

/// The nodes and edges of `diagram.dot`, as the generator writes it: one statement a line.
pub(crate) fn read_dot(dot: &str) -> Result<Drawn, String> {
    let mut drawn = Drawn {
        nodes: Vec::new(),
        edges: Vec::new(),
    };
    let mut account: Option<String> = None;
    for line in dot.lines().map(str::trim) {
        if line.starts_with("subgraph ") {
            account = Some(String::new());
        } else if let Some(label) = line.strip_prefix("label = ") {
            account = Some(dot_string(label).ok_or(line)?.0);
        } else if line == "}" {
            account = None;
        } else if let Some((head, rest)) = line.split_once(" [label = ") {
            let (label, _) = dot_string(rest).ok_or(line)?;
            match head.split_once(" -> ") {
                Some((from, to)) => drawn.edges.push((from.to_owned(), to.to_owned(), label)),
                None => drawn.nodes.push(Node {
                    id: head.to_owned(),
                    label,
                    account: account.clone(),
                }),
            }
        }
    }
    Ok(drawn)
}

fn class<'a>(node: roxmltree::Node<'a, '_>) -> &'a str {
    node.attribute("class").unwrap_or_default()
}

/// The text of a `<text>` element: its lines (`<tspan>`s) joined with `\n`.
fn text_of(node: roxmltree::Node<'_, '_>) -> String {
    node.children()
        .filter(|child| child.has_tag_name("tspan"))
        .map(|tspan| tspan.text().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The nodes and edges of `diagram.svg`, read with an XML parser. Each node is a `<g class="node ...">` with
/// its `data-id`, followed by the `<text>` of its label (the label, then the account on a second line); each
/// edge a `<g class="edge ...">` with `data-from` and `data-to`. Edge labels are drawn as texts of their own,
/// one per edge and in the edges' order, after the nodes.
pub(crate) fn read_svg(svg: &str) -> Result<Drawn, String> {
    let document = roxmltree::Document::parse(svg).map_err(|error| error.to_string())?;
    let root = document.root_element();
    if !root.has_tag_name(("http://www.w3.org/2000/svg", "svg")) {
        return Err(format!("the root is <{}>", root.tag_name().name()));
    }
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    let mut labels = Vec::new();
    let mut pending: Option<String> = None;
    for element in root.children().filter(roxmltree::Node::is_element) {
        if element.has_tag_name("g") && class(element).starts_with("node ") {
            pending = Some(
                element
                    .attribute("data-id")
                    .ok_or("a node without an id")?
                    .to_owned(),
            );
        } else if element.has_tag_name("g") && class(element).starts_with("edge ") {
            let end = |name| {
                element
                    .attribute(name)
                    .map(str::to_owned)
                    .ok_or("an edge end")
            };
            edges.push((end("data-from")?, end("data-to")?));
        } else if element.has_tag_name("text") {
            if element
                .descendants()
                .any(|child| child.has_tag_name("textPath"))
            {
                continue;
            }
            let text = text_of(element);
            match pending.take() {
                Some(id) => {
                    let (label, account) = match text.split_once('\n') {
                        Some((label, account)) => (label.to_owned(), Some(account.to_owned())),
                        None => (text, None),
                    };
                    nodes.push(Node { id, label, account });
                }
                None => labels.push(text),
            }
        }
    }
    if labels.len() != edges.len() {
        return Err(format!(
            "{} edges, {} edge labels",
            edges.len(),
            labels.len()
        ));
    }
    Ok(Drawn {
        nodes,
        edges: edges
            .into_iter()
            .zip(labels)
            .map(|((from, to), label)| (from, to, label))
            .collect(),
    })
}

/// Labels as the diagrams show them: characters with no visible form as `\u{XXXX}`.
fn shown(text: &str) -> String {
    iamgen::escape::visible(text).into_owned()
}

/// Why `files`' `diagram.svg` does not hold what `diagram.dot` does, if it does not.
pub(crate) fn svg_differs_from_dot(files: &BTreeMap<String, String>) -> Option<String> {
    let svg = files.get("diagram.svg")?;
    let dot = match read_dot(&files["diagram.dot"]) {
        Ok(dot) => dot,
        Err(line) => return Some(format!("diagram.dot: cannot read {line:?}")),
    };
    let svg = match read_svg(svg) {
        Ok(svg) => svg,
        Err(error) => return Some(format!("diagram.svg: {error}")),
    };
    // DOT labels hold what the diagram shows already (invisible characters as `\u{XXXX}`); the SVG shows the
    // account's label under each node's.
    let mut expected = dot.clone();
    for node in &mut expected.nodes {
        node.account = node.account.as_deref().map(shown);
    }
    (svg != expected).then(|| format!("diagram.svg: {svg:#?}\ndiagram.dot: {expected:#?}"))
}

fn hardened() -> Stack {
    let path = crate::support::tools::root().join("examples/hardened.toml");
    let text = std::fs::read_to_string(&path).expect("the example");
    iamgen::stack::spec::from_toml_at(&text, path.parent().expect("a folder")).expect("a stack")
}

fn files(stack: &Stack) -> BTreeMap<String, String> {
    render(stack, &[Target::Diagram])
        .expect("renders")
        .files()
        .clone()
}

#[test]
fn the_svg_holds_the_nodes_and_edges_of_the_dot() {
    for stack in [Stack::reference_scenario(), hardened()] {
        let files = files(&stack);
        assert!(files.contains_key("diagram.svg"));
        assert_eq!(svg_differs_from_dot(&files), None);
        let drawn = read_svg(&files["diagram.svg"]).expect("an SVG");
        assert!(
            drawn.nodes.len() >= 4 && drawn.edges.len() >= 3,
            "{drawn:#?}"
        );
    }
}

#[test]
fn the_hardened_svg_shows_whom_the_trust_admits_and_on_what_conditions() {
    let drawn = read_svg(&files(&hardened())["diagram.svg"]).expect("an SVG");
    let edge = |from: &str, to: &str| {
        drawn
            .edges
            .iter()
            .find(|(f, t, _)| f == from && t == to)
            .map(|(_, _, label)| label.as_str())
    };
    let role = "stuzio_role_stuzio_acme_consultant_role";
    for user in ["acme_user_troy", "acme_user_dana"] {
        assert_eq!(
            edge(role, user),
            Some("trusts if external id and MFA"),
            "{drawn:#?}"
        );
    }
    assert_eq!(
        edge(role, "stuzio_bucket_com_stuzio_projectx"),
        Some("s3:DeleteObject, s3:GetObject, s3:ListBucket, s3:PutObject")
    );
    assert!(
        !drawn.nodes.iter().any(|node| node.id.ends_with("_account")),
        "no account's root is drawn: no trust admits one\n{drawn:#?}"
    );
}

#[test]
fn the_svg_is_the_same_on_every_run() {
    let stack = hardened();
    let first = files(&stack)["diagram.svg"].clone();
    // Each run hashes with other keys (the layout keeps some of its tables in hash maps); another process,
    // another day: the snapshots of `generated_snapshots` pin the bytes.
    for _ in 0..5 {
        assert_eq!(files(&stack)["diagram.svg"], first);
    }
}

/// Names and texts that mean something to XML and SVG: they read back from the SVG as the DOT has them.
#[test]
fn hostile_names_are_escaped_in_the_svg() {
    let mut pattern = iamgen::stack::cross_account::CrossAccount::reference_scenario();
    pattern.trusting.name =
        "Stu\"zio' <b>&amp; </svg>\n]]> <!-- x --> \u{0}\u{1b}\u{ffff}".to_owned();
    let mut stack = pattern.build().expect("a stack");
    let (role, _) = stack.roles().next().expect("a role");
    let trust = stack.role(role).trust.to_json().replace(
        r#""Action": "sts:AssumeRole""#,
        r#""Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:PrincipalTag/<x>&\"y\"": "v"}}"#,
    );
    stack.role_mut(role).trust =
        iamgen::policy::PolicyDocument::from_json(&trust).expect("a trust");
    let files = files(&stack);
    assert_eq!(svg_differs_from_dot(&files), None);
    let drawn = read_svg(&files["diagram.svg"]).expect("an SVG");
    assert!(
        drawn.nodes.iter().any(|node| node.account.as_deref()
            == Some("Stu\"zio' <b>&amp; </svg>\\u{000A}]]> <!-- x --> \\u{0000}\\u{001B}\\u{FFFF} (081278057606)")),
        "{drawn:#?}"
    );
    assert!(
        drawn
            .edges
            .iter()
            .any(|(_, _, label)| label == "trusts if principal tag <x>&\"y\""),
        "{drawn:#?}"
    );
}

/// `target/diagram-png/`, where the pictures go for people to look at.
fn picture_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory")
        .join("diagram-png")
}

/// `svg` rendered to a PNG at `path`, on white: its width and height, and the share of its pixels that are not
/// white.
fn render_png(svg: &str, path: &Path) -> (u32, u32, f64) {
    let mut options = resvg::usvg::Options::default();
    options.fontdb_mut().load_system_fonts();
    // The SVG asks for Helvetica, then Arial, then any sans-serif: a machine without either gets the sans-serif
    // it has (DejaVu Sans on Debian).
    let sans = options
        .fontdb
        .faces()
        .flat_map(|face| face.families.iter().map(|(name, _)| name.clone()))
        .find(|name| name.contains("Sans") && !name.contains("Mono"));
    if let Some(sans) = sans {
        options.fontdb_mut().set_sans_serif_family(sans);
    }
    let tree = resvg::usvg::Tree::from_str(svg, &options).expect("usvg reads the SVG");
    let size = tree.size().to_int_size();
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(size.width(), size.height()).expect("a non-empty picture");
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("the folder");
    pixmap.save_png(path).expect("the PNG written");
    let inked = pixmap
        .pixels()
        .iter()
        .filter(|pixel| (pixel.red(), pixel.green(), pixel.blue()) != (255, 255, 255))
        .count();
    #[allow(clippy::cast_precision_loss, reason = "pixel counts far below 2^52")]
    let share = inked as f64 / pixmap.pixels().len() as f64;
    (size.width(), size.height(), share)
}

#[test]
fn the_svg_renders_to_a_picture_people_can_look_at() {
    let stacks = [
        ("hardened", hardened()),
        ("scenario", Stack::reference_scenario()),
        ("outsiders", trusting_outsiders()),
    ];
    for (name, stack) in stacks {
        let svg = files(&stack)["diagram.svg"].clone();
        let path = picture_dir().join(format!("{name}.png"));
        let (width, height, inked) = render_png(&svg, &path);
        let document = roxmltree::Document::parse(&svg).expect("an SVG");
        let declared = |attribute| {
            document
                .root_element()
                .attribute(attribute)
                .and_then(|value: &str| value.parse::<f64>().ok())
                .expect("a size")
        };
        assert_eq!(
            (f64::from(width), f64::from(height)),
            (declared("width").ceil(), declared("height").ceil()),
            "{name}"
        );
        assert!(width >= 400 && height >= 150, "{name}: {width}x{height}");
        // Boxes, lines and text: some of the picture, not all of it.
        assert!(
            (0.05..0.9).contains(&inked),
            "{name}: {inked} of the pixels inked, in {}",
            path.display()
        );
    }
}

/// A stack whose role trusts what the stack does not hold: a service, another account, a user of its own
/// account that it does not declare, and anyone.
fn trusting_outsiders() -> Stack {
    let mut stack = Stack::new();
    let stuzio = stack.add_account(
        iamgen::AccountId::parse("081278057606").expect("an id"),
        "Stuzio",
    );
    let trust = iamgen::policy::PolicyDocument::from_json(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
            {"Effect": "Allow", "Principal": {"AWS": ["210987654321", "arn:aws:iam::081278057606:user/Eve"]},
             "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "x"}}},
            {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",
             "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-123"}}}]}"#,
    )
    .expect("a trust");
    stack.add_role(stuzio, "Open", trust).expect("a role");
    stack
}

#[test]
fn principals_outside_the_stack_are_drawn_and_read_back_with_graphviz_and_mermaid() {
    use crate::support::tools;
    let files = files(&trusting_outsiders());
    assert_eq!(svg_differs_from_dot(&files), None);
    let drawn = read_dot(&files["diagram.dot"]).expect("a DOT graph");
    let labels: Vec<(&str, &str)> = drawn
        .edges
        .iter()
        .map(|(_, to, label)| (to.as_str(), label.as_str()))
        .collect();
    assert_eq!(
        labels,
        // `"*"` with an org id admits every account the stack has, and those the trust names, in the org too.
        [
            ("stuzio_account", "trusts if org id"),
            (
                "outside_account_210987654321",
                "trusts if external id or org id"
            ),
            (
                "outside_arn_aws_iam_081278057606_user_eve",
                "trusts if external id or org id"
            ),
            ("service_ec2_amazonaws_com", "trusts"),
            ("anyone", "trusts if org id"),
        ],
        "{drawn:#?}"
    );
    if let Some((node, modules)) = tools::graphviz() {
        let output = tools::run_json(
            std::process::Command::new(node)
                .arg(tools::root().join("tests/support/dot_labels.mjs"))
                .arg(modules),
            &serde_json::json!([files["diagram.dot"]]).to_string(),
        );
        let graph = &output["graphs"][0];
        assert!(graph.get("error").is_none(), "Graphviz: {graph}");
        assert_eq!(
            graph["anyone"],
            serde_json::json!(["anyone (*)"]),
            "{graph}"
        );
    }
    if let Some((node, modules)) = tools::mermaid() {
        let output = tools::run_json(
            std::process::Command::new(node)
                .arg(tools::root().join("tests/support/mermaid_labels.mjs"))
                .arg(modules),
            &serde_json::json!([files["diagram.mmd"]]).to_string(),
        );
        let diagram = &output["diagrams"][0];
        assert!(diagram.get("error").is_none(), "Mermaid: {diagram}");
        assert_eq!(
            diagram["vertices"]["service_ec2_amazonaws_com"],
            "service ec2.amazonaws.com"
        );
        assert_eq!(
            diagram["vertices"]["outside_account_210987654321"],
            "account 210987654321 (not in the stack)"
        );
    }
}
