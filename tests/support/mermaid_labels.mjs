// Parses Mermaid flowcharts with Mermaid's own parser (the npm package `mermaid`, in Node with jsdom standing in
// for the browser's DOM, which Mermaid's sanitizer needs) and prints what each label reads as once shown: the
// parser's text, with Mermaid's entity placeholders decoded as its renderer decodes them, then read as HTML
// (labels are HTML) to the text a person sees.
//
//   node tests/support/mermaid_labels.mjs NODE_MODULES < diagrams.json
//
// Input: a JSON array of Mermaid sources. Output: {"version": ..., "diagrams": [...]}, one entry per source:
// {"config": the configuration its directives set, "vertices": {id: text}, "subgraphs": {id: title},
// "edges": [text, ...]}, or {"error": message}. Used by tests/generate/escape_parsers.rs and
// tests/generate/generated_injection.rs.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const modules = path.resolve(process.argv[2]);
const require = createRequire(path.join(modules, "package.json"));
const { JSDOM } = require("jsdom");
const dom = new JSDOM("<!DOCTYPE html><body></body>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import(
  pathToFileURL(path.join(modules, "mermaid/dist/mermaid.core.mjs")).href
);
const version = JSON.parse(fs.readFileSync(path.join(modules, "mermaid/package.json"), "utf8")).version;

// Mermaid's `decodeEntities`: its preprocessor turns `#35;` into `ﬂ°°35¶ß` and `#quot;` into `ﬂ°quot¶ß`, and
// the renderer turns those into `&#35;` and `&quot;` in the label's HTML.
const decode = (text) =>
  text.replace(/ﬂ°°(\d+)¶ß/g, "&#$1;").replace(/ﬂ°(\w+)¶ß/g, "&$1;");
const shown = (text) => {
  const element = dom.window.document.createElement("div");
  element.innerHTML = decode(String(text));
  return element.textContent;
};

const sources = JSON.parse(fs.readFileSync(0, "utf8"));
const out = [];
for (const source of sources) {
  try {
    const parsed = await mermaid.parse(source);
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(source);
    const db = diagram.db;
    const vertices = {};
    for (const [id, vertex] of db.getVertices()) vertices[id] = shown(vertex.text);
    const subgraphs = {};
    for (const subgraph of db.getSubGraphs()) subgraphs[subgraph.id] = shown(subgraph.title);
    const edges = db.getEdges().map((edge) => shown(edge.text));
    out.push({ config: parsed.config || {}, vertices, subgraphs, edges });
  } catch (error) {
    out.push({ error: String(error && error.message ? error.message : error) });
  }
}
process.stdout.write(JSON.stringify({ version, diagrams: out }));
