// Parses .tf files with HashiCorp's HCL parser (the npm package @cdktf/hcl2json: hashicorp/hcl built to
// WebAssembly) and prints one JSON object: file path -> the parsed body, or {"error": message}.
//
//   node tests/support/hcl2json.js MODULE_DIR FILE...
//
// MODULE_DIR is the installed package (target/ci-tools/node/node_modules/@cdktf/hcl2json). Used by
// tests/generate/generated_validators.rs; exits 0 whenever it could try every file, and non-zero only when it could
// not.
"use strict";

const fs = require("fs");

async function main() {
  const [moduleDir, ...files] = process.argv.slice(2);
  const { parse } = require(moduleDir);
  const out = {};
  for (const file of files) {
    try {
      out[file] = await parse(file, fs.readFileSync(file, "utf8"));
    } catch (error) {
      out[file] = { error: String(error && error.message ? error.message : error) };
    }
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
  process.exit(2);
});
