//! CloudFormation's two spellings, YAML (with the short-form tags `!Sub`, `!Ref`, ...) and JSON, read into one
//! located tree: each node with its bytes in the file, its tag, and for strings where each byte came from.

use iamgen_runtime::json::{self, Node as JsonNode, Value as JsonValue};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::text::align;
use super::tree::At;

/// A node of a template.
#[derive(Debug, Clone)]
pub(crate) struct Src {
    pub(crate) at: At,
    /// The short-form tag (`Sub` for `!Sub`).
    pub(crate) tag: Option<String>,
    pub(crate) value: SrcValue,
}

/// A template's value.
#[derive(Debug, Clone)]
pub(crate) enum SrcValue {
    /// A string, or a YAML scalar that resolves to another type.
    Scalar {
        text: String,
        /// Whether the scalar was quoted (a YAML plain scalar may be a number, a boolean or null; JSON's
        /// strings are quoted).
        quoted: bool,
        /// `(offset in text, offset in the file)` runs, one to one up to the next.
        runs: Vec<(usize, usize)>,
    },
    /// A JSON number, boolean or null, as written.
    Literal(String),
    Seq(Vec<Src>),
    Map(Vec<(Src, Src)>),
}

impl Src {
    /// The member `key` of a map.
    pub(crate) fn get(&self, key: &str) -> Option<&Src> {
        match &self.value {
            SrcValue::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The scalar's text.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.value {
            SrcValue::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }
}

/// Why a template could not be read: where, and what.
#[derive(Debug)]
pub(crate) struct ReadError {
    pub(crate) offset: usize,
    pub(crate) message: String,
}

/// Reads a JSON template.
pub(crate) fn from_json(text: &str) -> Result<Src, ReadError> {
    match json::parse(text) {
        Ok(node) => Ok(from_json_node(text, &node)),
        Err(error) => Err(ReadError {
            offset: error.span.start as usize,
            message: error.to_string(),
        }),
    }
}

fn from_json_node(source: &str, node: &JsonNode<'_>) -> Src {
    let at = node.span.start as usize..node.span.end as usize;
    let value = match &node.value {
        JsonValue::Null => SrcValue::Literal("null".to_owned()),
        JsonValue::Bool(value) => SrcValue::Literal(value.to_string()),
        JsonValue::Number(number) => SrcValue::Literal((*number).to_owned()),
        JsonValue::String(text) => scalar_from(source, at.start + 1, at.end - 1, text, true),
        JsonValue::Array(items) => SrcValue::Seq(
            items
                .iter()
                .map(|item| from_json_node(source, item))
                .collect(),
        ),
        JsonValue::Object(members) => SrcValue::Map(
            members
                .iter()
                .map(|member| {
                    let key_at = member.key_span.start as usize..member.key_span.end as usize;
                    let key = Src {
                        value: scalar_from(
                            source,
                            key_at.start + 1,
                            key_at.end - 1,
                            &member.key,
                            true,
                        ),
                        at: key_at,
                        tag: None,
                    };
                    (key, from_json_node(source, &member.value))
                })
                .collect(),
        ),
    };
    Src {
        at,
        tag: None,
        value,
    }
}

fn scalar_from(source: &str, start: usize, end: usize, text: &str, quoted: bool) -> SrcValue {
    let raw = source.get(start..end.max(start)).unwrap_or_default();
    SrcValue::Scalar {
        text: text.to_owned(),
        quoted,
        runs: align(raw, start, text),
    }
}

/// Reads a YAML template.
pub(crate) fn from_yaml(text: &str) -> Result<Src, ReadError> {
    // The parser's positions count characters; the tree's count bytes.
    let bytes_at: Vec<usize> = text
        .char_indices()
        .map(|(at, _)| at)
        .chain(std::iter::once(text.len()))
        .collect();
    let mut builder = Builder {
        source: text,
        bytes_at: &bytes_at,
        aliased: 0,
        too_large: false,
        stack: Vec::new(),
        anchors: Vec::new(),
        root: None,
    };
    let mut parser = Parser::new_from_str(text);
    parser
        .load(&mut builder, false)
        .map_err(|error| ReadError {
            offset: bytes_at
                .get(error.marker().index())
                .copied()
                .unwrap_or(text.len()),
            message: error.info().to_owned(),
        })?;
    if builder.too_large {
        return Err(ReadError {
            offset: 0,
            message: format!(
                "its aliases copy more than {MAX_ALIAS_NODES} nodes (aliases of aliases, a \"billion laughs\"), which no template needs"
            ),
        });
    }
    builder.root.ok_or(ReadError {
        offset: 0,
        message: "the file holds no YAML document".to_owned(),
    })
}

enum Open {
    Seq(Src),
    /// A map, and its key waiting for a value.
    Map(Src, Option<Src>),
}

/// The most nodes aliases may copy: a template of a few aliases to aliases could otherwise expand into billions
/// (the "billion laughs"), where a real template copies a few blocks.
const MAX_ALIAS_NODES: usize = 1_000_000;

struct Builder<'t> {
    source: &'t str,
    /// Nodes copied by aliases so far.
    aliased: usize,
    /// Set when the aliases copied more than [`MAX_ALIAS_NODES`]: the rest of the document is not built.
    too_large: bool,
    bytes_at: &'t [usize],
    stack: Vec<(Open, usize)>,
    anchors: Vec<(usize, Src)>,
    root: Option<Src>,
}

impl Builder<'_> {
    fn offset(&self, mark: Marker) -> usize {
        self.bytes_at
            .get(mark.index())
            .copied()
            .unwrap_or(self.source.len())
    }

    /// Where the node itself starts: after its tag and anchor.
    fn node_start(&self, mut at: usize) -> usize {
        let bytes = self.source.as_bytes();
        while at < bytes.len() && (bytes[at] == b'!' || bytes[at] == b'&') {
            while at < bytes.len() && !bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            while at < bytes.len() && (bytes[at] == b' ' || bytes[at] == b'\t') {
                at += 1;
            }
        }
        at
    }

    fn add(&mut self, node: Src, anchor: usize) {
        if anchor > 0 {
            self.anchors.push((anchor, node.clone()));
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some((Open::Seq(seq), _)) => {
                seq.at.end = seq.at.end.max(node.at.end);
                if let SrcValue::Seq(items) = &mut seq.value {
                    items.push(node);
                }
            }
            Some((Open::Map(map, pending), _)) => match pending.take() {
                None => *pending = Some(node),
                Some(key) => {
                    map.at.end = map.at.end.max(node.at.end);
                    if let SrcValue::Map(entries) = &mut map.value {
                        entries.push((key, node));
                    }
                }
            },
        }
    }
}

/// How many nodes a tree holds.
fn size(node: &Src) -> usize {
    1 + match &node.value {
        SrcValue::Scalar { .. } | SrcValue::Literal(_) => 0,
        SrcValue::Seq(items) => items.iter().map(size).sum(),
        SrcValue::Map(entries) => entries.iter().map(|(k, v)| size(k) + size(v)).sum(),
    }
}

fn tag_name(tag: Option<&yaml_rust2::parser::Tag>) -> Option<String> {
    let tag = tag?;
    // `!Sub` has the handle `!` and the suffix `Sub`; the standard `!!str` tags say nothing to CloudFormation.
    (tag.handle == "!").then(|| tag.suffix.clone())
}

impl MarkedEventReceiver for Builder<'_> {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.too_large {
            return;
        }
        let at = self.offset(mark);
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let start = self.node_start(at);
                let quoted = !matches!(style, TScalarStyle::Plain);
                let raw_start = match style {
                    TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => start + 1,
                    _ => start,
                };
                let mut window = (raw_start + text.len() * 2 + 64).min(self.source.len());
                while !self.source.is_char_boundary(window) {
                    window -= 1;
                }
                let raw = self.source.get(raw_start..window).unwrap_or_default();
                let runs = align(raw, raw_start, &text);
                let end = match runs.last() {
                    Some((from, at)) => at + (text.len() - from),
                    None => start + text.len(),
                };
                let end = match style {
                    TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => end + 1,
                    _ => end,
                }
                .min(self.source.len())
                .max(start);
                let node = Src {
                    at: start..end,
                    tag: tag_name(tag.as_ref()),
                    value: SrcValue::Scalar { text, quoted, runs },
                };
                self.add(node, anchor);
            }
            Event::SequenceStart(anchor, tag) => {
                let start = self.node_start(at);
                let node = Src {
                    at: start..start,
                    tag: tag_name(tag.as_ref()),
                    value: SrcValue::Seq(Vec::new()),
                };
                self.stack.push((Open::Seq(node), anchor));
            }
            Event::MappingStart(anchor, tag) => {
                let start = self.node_start(at);
                let node = Src {
                    at: start..start,
                    tag: tag_name(tag.as_ref()),
                    value: SrcValue::Map(Vec::new()),
                };
                self.stack.push((Open::Map(node, None), anchor));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((open, anchor)) = self.stack.pop() {
                    let node = match open {
                        Open::Seq(node) | Open::Map(node, _) => node,
                    };
                    self.add(node, anchor);
                }
            }
            Event::Alias(anchor) => {
                let node = self
                    .anchors
                    .iter()
                    .rev()
                    .find(|(id, _)| *id == anchor)
                    .map(|(_, node)| node.clone());
                if let Some(node) = node {
                    self.aliased += size(&node);
                    if self.aliased > MAX_ALIAS_NODES {
                        self.too_large = true;
                        self.anchors.clear();
                        return;
                    }
                    self.add(node, 0);
                }
            }
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => {}
        }
    }
}
