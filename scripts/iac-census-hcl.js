// HCL half of scripts/iac-census.py: parses Terraform files with HashiCorp's own HCL parser (npm @cdktf/hcl2json,
// hashicorp/hcl compiled to WebAssembly) and prints their JSON form, so the census never depends on iamgen's
// Terraform reader.
//
//   node scripts/iac-census-hcl.js NODE_MODULES_DIR FILE...
//
// Prints one JSON object to stdout: {"FILE": {"json": <hcl2json output>}} or {"FILE": {"error": "<message>"}}
// for a file the parser rejects. Files are parsed one after another, in the order given, so the output is
// deterministic. In hcl2json's output every non-literal expression is a string "${...}" holding its source text.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

async function main() {
    const [modulesDir, ...files] = process.argv.slice(2);
    if (!modulesDir) {
        console.error("usage: node scripts/iac-census-hcl.js NODE_MODULES_DIR FILE...");
        process.exit(2);
    }
    const hcl2json = require(path.resolve(modulesDir, "@cdktf/hcl2json"));
    const out = {};
    for (const file of files) {
        try {
            out[file] = { json: await hcl2json.parse(file, fs.readFileSync(file, "utf8")) };
        } catch (e) {
            out[file] = { error: String(e && e.message ? e.message : e) };
        }
    }
    process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
