// Lays out DOT graphs with Graphviz itself (the npm package @hpcc-js/wasm-graphviz: Graphviz compiled to
// WebAssembly) to SVG, and prints, for each graph, the text Graphviz draws for each node, cluster and edge, or
// {"error": message}. SVG, not -Tjson: the JSON writer escapes backslashes in drawn text a second time.
//
//   node tests/support/dot_labels.mjs NODE_MODULES < graphs.json
//
// Input: a JSON array of DOT sources. Output: {"version": ..., "graphs": [...]}, one entry per source: an
// object from each node's name (a cluster's, an edge's `a->b`) to the lines of text drawn for it, the graph's
// own label under "graph:". Used by tests/generate/escape_parsers.rs and tests/generate/generated_injection.rs.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const modules = path.resolve(process.argv[2]);
const { Graphviz } = await import(
  pathToFileURL(path.join(modules, "@hpcc-js/wasm-graphviz/dist/index.js")).href
);
const require = createRequire(path.join(modules, "package.json"));
const { JSDOM } = require("jsdom");
const graphviz = await Graphviz.load();
const sources = JSON.parse(fs.readFileSync(0, "utf8"));
const out = sources.map((source) => {
  try {
    const svg = graphviz.layout(source, "svg", "dot");
    const document = new JSDOM(svg, { contentType: "image/svg+xml" }).window.document;
    const labels = {};
    for (const group of document.querySelectorAll("g")) {
      const kind = group.getAttribute("class");
      const title = group.querySelector(":scope > title");
      if (!title || !["node", "cluster", "edge", "graph"].includes(kind)) continue;
      const texts = [...group.querySelectorAll(":scope > text, :scope > a > text, :scope > g > a > text")];
      const key = kind === "graph" ? "graph:" : kind === "cluster" ? `cluster:${title.textContent}` : title.textContent;
      labels[key] = texts.map((text) => text.textContent);
    }
    return labels;
  } catch (error) {
    return { error: String(error && error.message ? error.message : error) };
  }
});
process.stdout.write(JSON.stringify({ version: graphviz.version(), graphs: out }));
