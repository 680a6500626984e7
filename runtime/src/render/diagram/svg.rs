//! `diagram.svg`: the diagram laid out and drawn in-process by `layout-rs` (a layered layout, as Graphviz's
//! `dot` makes), so that people can open it without Graphviz or a Mermaid renderer.
//!
//! The same nodes and edges as `diagram.dot`, in the same order. `layout-rs` draws no boxes around an
//! account's nodes, so each node's label has the account on its second line. The output is deterministic: the
//! layout depends only on the graph (its hash tables are looked up, never walked, but for its font classes:
//! see [`FONT_SIZE`]), text is measured by counting characters rather than with the fonts a machine has, and
//! every node and edge is added in the graph's order.

use std::collections::HashMap;

use layout::backends::svg::SVGWriter;
use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::render::get_shape_size;
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;

use super::{EdgeKind, Graph, Node, NodeKind};
use crate::escape::visible;

/// The one font size of every text: `layout-rs` keeps its font classes in a hash map and writes them in its
/// order, so a second size would make the output differ from run to run; and the connectors it makes itself,
/// which may come to hold an edge's label, have its default style's size, 15.
const FONT_SIZE: usize = 15;

/// The most nodes and edges laid out with fewer edge crossings: those passes of the layout grow with the cube
/// of the graph (measured here: 0.2 s at 200, 2 s at 360, 5 s at 480). A larger graph is laid out without
/// them.
const UNTANGLED_ITEMS: usize = 200;

/// The most nodes and edges laid out at all (0.7 s at 900): a picture of thousands of boxes is no picture.
/// Above it `diagram.svg` is not written, and a note says so.
pub(super) const MAX_ITEMS: usize = 1_000;

/// The text `layout-rs` shows for a label, each character a reader cannot see shown as `\u{XXXX}`: a line
/// break in a name stays on its line (`layout-rs` breaks lines at `\n`), and no control character reaches the
/// XML, where it is not allowed even escaped. `layout-rs` escapes `&`, `<`, `>` and quotes.
fn shown(label: &str) -> String {
    visible(label).into_owned()
}

/// An attribute value for the `class` and `data-*` attributes `layout-rs` writes as given: ids are snake
/// case, but nothing here relies on it.
fn attribute(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for ch in value.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            ch if ch.is_control() => {}
            ch => out.push(ch),
        }
    }
    out
}

fn color(rgb: u32) -> Color {
    // `layout-rs` colours are RGBA.
    Color::new((rgb << 8) | 0xff)
}

/// The fill and the corner radius of a node, by what it stands for.
fn node_look(kind: NodeKind) -> StyleAttr {
    let (fill, rounded) = match kind {
        NodeKind::Account => (0x00ee_eeee, 0),
        NodeKind::User => (0x00ff_f4c2, 18),
        NodeKind::Group => (0x00e2_f0d9, 8),
        NodeKind::Role => (0x00d6_e6f7, 0),
        NodeKind::Bucket => (0x00fc_e4cf, 8),
        NodeKind::Outside => (0x00f8_d7da, 0),
    };
    StyleAttr::new(color(0x0033_3333), 1, Some(color(fill)), rounded, FONT_SIZE)
}

fn node_class(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Account => "account",
        NodeKind::User => "user",
        NodeKind::Group => "group",
        NodeKind::Role => "role",
        NodeKind::Bucket => "bucket",
        NodeKind::Outside => "outside",
    }
}

/// The line, its width and colour, and the ends of an edge, by what it says.
fn edge_look(kind: EdgeKind) -> (LineStyleKind, StyleAttr, LineEndKind) {
    let (style, width, rgb, end) = match kind {
        EdgeKind::Trust => (LineStyleKind::Dashed, 2, 0x0099_3333, LineEndKind::Arrow),
        EdgeKind::Assume => (LineStyleKind::Normal, 3, 0x0022_5588, LineEndKind::Arrow),
        EdgeKind::Access => (LineStyleKind::Normal, 2, 0x0022_7733, LineEndKind::Arrow),
        EdgeKind::Member => (LineStyleKind::Dotted, 1, 0x0066_6666, LineEndKind::None),
    };
    (
        style,
        StyleAttr::new(color(rgb), width, None, 0, FONT_SIZE),
        end,
    )
}

fn edge_class(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Trust => "trust",
        EdgeKind::Assume => "assume",
        EdgeKind::Access => "access",
        EdgeKind::Member => "member",
    }
}

/// `diagram.svg` for `graph`, or, when it is larger than [`MAX_ITEMS`], the note that says why there is none.
pub(super) fn draw(graph: &Graph) -> Result<String, String> {
    let nodes: Vec<(&Node, Option<&str>)> = graph
        .clusters
        .iter()
        .flat_map(|cluster| {
            cluster
                .nodes
                .iter()
                .map(move |node| (node, Some(cluster.label.as_str())))
        })
        .chain(graph.outside.iter().map(|node| (node, None)))
        .collect();
    let items = nodes.len() + graph.edges.len();
    if items > MAX_ITEMS {
        return Err(format!(
            "diagram.svg is not written: the diagram has {} nodes and {} edges, over the {MAX_ITEMS} drawn as a \
             picture; diagram.dot (Graphviz) and diagram.mmd (Mermaid) hold it all",
            nodes.len(),
            graph.edges.len()
        ));
    }
    let mut layout = VisualGraph::new(Orientation::LeftToRight);
    let mut handles = HashMap::new();
    for (node, account) in &nodes {
        let text = match account {
            Some(account) => format!("{}\n{}", shown(&node.label), shown(account)),
            None => shown(&node.label),
        };
        let shape = ShapeKind::new_box(&text);
        let size = get_shape_size(Orientation::LeftToRight, &shape, FONT_SIZE, false);
        let properties = format!(
            "class=\"node {}\" data-id=\"{}\"",
            node_class(node.kind),
            attribute(&node.id)
        );
        let element = Element::create_with_properties(
            shape,
            node_look(node.kind),
            Orientation::LeftToRight,
            size,
            properties,
        );
        handles.insert(node.id.as_str(), layout.add_node(element));
    }
    for edge in &graph.edges {
        let (Some(from), Some(to)) = (
            handles.get(edge.from.as_str()),
            handles.get(edge.to.as_str()),
        ) else {
            continue;
        };
        let (style, look, end) = edge_look(edge.kind);
        let properties = format!(
            "class=\"edge {}\" data-from=\"{}\" data-to=\"{}\"",
            edge_class(edge.kind),
            attribute(&edge.from),
            attribute(&edge.to)
        );
        let arrow = Arrow::with_properties(
            LineEndKind::None,
            end,
            style,
            &shown(&edge.label),
            &look,
            properties,
            &None,
            &None,
        );
        layout.add_edge(arrow, *from, *to);
    }
    let mut writer = SVGWriter::new();
    let mut bottom = 0.0_f64;
    if layout.num_nodes() > 0 {
        let untangle = items <= UNTANGLED_ITEMS;
        layout.do_it(false, !untangle, false, &mut writer);
        for node in layout.iter_nodes() {
            bottom = bottom.max(layout.pos(node).bbox(true).1.y);
        }
    }
    let svg = finish(&writer.finalize(), bottom);
    // The generated-file header, after the XML declaration (which must come first).
    let header = format!(
        "\n<!-- @generated by iamgen {}. DO NOT EDIT: regenerate with `iamgen generate`. -->",
        env!("CARGO_PKG_VERSION")
    );
    Ok(match svg.find("?>") {
        Some(end) => format!("{}{header}{}\n", &svg[..end + 2], &svg[end + 2..]),
        None => format!("{svg}\n"),
    })
}

/// `svg` with its height cut to `bottom`, the lowest edge of a node's box with its margin, when that is less
/// (`layout-rs` makes room below for every text as if it were written downwards, ten pixels a character, which
/// left most of a picture empty); a white halo round every text, so that a label stays legible where an edge
/// runs through it; and the sans-serif font `diagram.dot` asks for, where `layout-rs` writes Times.
fn finish(svg: &str, bottom: f64) -> String {
    let style = format!(
        "\n<style>text {{ paint-order: stroke; stroke: #ffffff; stroke-width: 4px; stroke-linejoin: round; }} \
         text.a{FONT_SIZE} {{ font-family: Helvetica, Arial, sans-serif; }}</style>"
    );
    let parse = || {
        let start = svg.find("<svg width=\"")?;
        let end = start + svg[start..].find('>')?;
        let tag = &svg[start..end];
        let number = |name: &str| -> Option<f64> {
            let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
            tag[at..].split('"').next()?.parse().ok()
        };
        Some((start, end, number("width")?, number("height")?))
    };
    let Some((start, end, width, height)) = parse() else {
        return svg.to_owned();
    };
    let height = if bottom > 0.0 && bottom < height {
        bottom.ceil()
    } else {
        height
    };
    let svg = format!(
        "{}<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\">{style}{}",
        &svg[..start],
        &svg[end + 1..]
    );
    edges_first(&svg).unwrap_or(svg)
}

/// `svg` with the edges drawn before the nodes and labels, so that no line runs over a text: `layout-rs`
/// draws every node (and every label) first, then every edge.
fn edges_first(svg: &str) -> Option<String> {
    let nodes = svg.find("<g class=\"node ")?;
    let edges = svg.find("<g class=\"edge ")?;
    let end = svg.rfind("</svg>")?;
    (nodes < edges && edges < end).then(|| {
        format!(
            "{}{}{}{}",
            &svg[..nodes],
            &svg[edges..end],
            &svg[nodes..edges],
            &svg[end..]
        )
    })
}
