// Reads GitHub-flavoured Markdown with marked (the parser GitHub's own renderer follows for tables) and prints,
// for each document, the text of every cell of its first table, row by row, as a browser shows it, or
// {"error": message}.
//
//   node tests/support/markdown_cells.mjs NODE_MODULES < documents.json
//
// Input: a JSON array of Markdown documents. Output: {"version": ..., "tables": [[[cell, ...], ...], ...]}, the
// header row first. Used by tests/generate/escape_parsers.rs.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(path.join(path.resolve(process.argv[2]), "package.json"));
const { marked } = require("marked");
const { JSDOM } = require("jsdom");
const version = require("marked/package.json").version;
const documents = JSON.parse(fs.readFileSync(0, "utf8"));
const tables = documents.map((markdown) => {
  try {
    const html = marked.parse(markdown, { gfm: true, async: false });
    const table = new JSDOM(html).window.document.querySelector("table");
    if (!table) return { error: "no table" };
    return [...table.querySelectorAll("tr")].map((row) =>
      [...row.querySelectorAll("th, td")].map((cell) => cell.textContent),
    );
  } catch (error) {
    return { error: String(error && error.message ? error.message : error) };
  }
});
process.stdout.write(JSON.stringify({ version, tables }));
