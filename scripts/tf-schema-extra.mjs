// Extracts the schema of Terraform resources (arguments and nested blocks) from the AWS provider's prebuilt CDKTF
// bindings (npm @cdktf/provider-aws), in the format of tests/fixtures/tf-schema-aws-iam.json:
//
//   node scripts/tf-schema-extra.mjs <package dir> <resource type>... > tests/fixtures/tf-schema-aws-extra.json
//
// An argument's type is the binding's `storageClassType` (index.js); it is required when the binding's Config
// interface declares it without `?` (index.d.ts). A nested block is the binding's struct of the same name
// (its own `...ToHclTerraform` function and interface), with the binding's `type` as its nesting (`list`, `set`
// or `struct`), required as an argument is. scripts/refresh-tf-schema-extra.sh unpacks the pinned package and
// runs this; CI checks that the committed file regenerates byte for byte.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [packageDir, ...types] = process.argv.slice(2);
if (!packageDir || types.length === 0) {
    console.error("usage: node scripts/tf-schema-extra.mjs <package dir> <resource type>...");
    process.exit(2);
}

const ENTRY = /^ +(\w+): \{\s*value: [^\n]*\n\s*isBlock: (true|false),\s*type: "(\w+)",\s*storageClassType: "(\w+)",\s*\},/gm;

const pkg = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
const resources = {};
let providerVersion;
for (const type of [...types].sort()) {
    const dir = join(packageDir, "lib", type.replace(/^aws_/, "").replaceAll("_", "-"));
    const js = readFileSync(join(dir, "index.js"), "utf8");
    const dts = readFileSync(join(dir, "index.d.ts"), "utf8");
    if (!js.includes(`tfResourceType = "${type}"`)) {
        fail(`${dir} does not define the resource ${type}`);
    }

    const synthesize = js.match(/synthesizeHclAttributes\(\) \{\s*const attrs = \{([\s\S]*?)\n {8}\};/);
    if (!synthesize) fail(`${type}: no synthesizeHclAttributes in ${dir}/index.js`);
    const config = dts.match(/export interface \w+Config extends cdktf\.TerraformMetaArguments \{([\s\S]*?)\n\}/);
    if (!config) fail(`${type}: no Config interface in ${dir}/index.d.ts`);
    const block = readBlock(type, js, dts, synthesize[1], config[1]);

    const version = dts.match(/registry\.terraform\.io\/providers\/hashicorp\/aws\/([\d.]+)\//);
    if (!version) fail(`${type}: no provider version in ${dir}/index.d.ts`);
    if (providerVersion && providerVersion !== version[1]) fail(`provider versions differ: ${providerVersion}, ${version[1]}`);
    providerVersion = version[1];

    resources[type] = block;
}

/// A block's arguments and nested blocks, from the entries of its `attrs` object and its interface's body.
function readBlock(place, js, dts, attrs, declared) {
    const attributes = {};
    const blocks = {};
    for (const [, name, isBlock, kind, storageClassType] of attrs.matchAll(ENTRY)) {
        if (isBlock === "false") {
            attributes[name] = { type: storageClassType, required: false };
            continue;
        }
        const struct = storageClassType.replace(/(List|OutputReference)$/, "");
        const fn = struct[0].toLowerCase() + struct.slice(1) + "ToHclTerraform";
        const body = js.match(new RegExp(`function ${fn}\\(struct\\) \\{[\\s\\S]*?const attrs = \\{([\\s\\S]*?)\\n {4}\\};`));
        if (!body) fail(`${place}.${name}: no ${fn} in index.js`);
        const iface = dts.match(new RegExp(`export interface ${struct} \\{([\\s\\S]*?)\\n\\}`));
        if (!iface) fail(`${place}.${name}: no interface ${struct} in index.d.ts`);
        blocks[name] = { nesting: kind, required: false, ...readBlock(`${place}.${name}`, js, dts, body[1], iface[1]) };
    }
    // A nested block may be empty (`simple_prefix {}` of `aws_s3_bucket_logging`); a resource never is.
    if (!place.includes(".") && Object.keys(attributes).length === 0) fail(`${place}: no attributes found`);
    for (const m of declared.matchAll(/#(\w+) \w+#\w+\}\s*\*\/\s*readonly \w+(\??):/g)) {
        const [, name, optional] = m;
        const entry = attributes[name] ?? blocks[name];
        if (!entry) fail(`${place}.${name} is in the interface but not in its attrs`);
        entry.required = optional !== "?";
    }
    return { attributes: sortKeys(attributes), blocks: sortKeys(blocks) };
}

const out = {
    provider_source: "hashicorp/aws",
    provider_version: providerVersion,
    source: `${pkg.name} ${pkg.version}`,
    resource: resources,
};
process.stdout.write(JSON.stringify(out, null, 2) + "\n");

function sortKeys(object) {
    return Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function fail(message) {
    console.error(`tf-schema-extra: ${message}`);
    process.exit(1);
}
