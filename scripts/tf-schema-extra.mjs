// Extracts the schema of flat Terraform resources (arguments only, no nested blocks) from the AWS provider's
// prebuilt CDKTF bindings (npm @cdktf/provider-aws), in the format of tests/fixtures/tf-schema-aws-iam.json:
//
//   node scripts/tf-schema-extra.mjs <package dir> <resource type>... > tests/fixtures/tf-schema-aws-extra.json
//
// An argument's type is the binding's `storageClassType` (index.js); it is required when the binding's Config
// interface declares it without `?` (index.d.ts). scripts/refresh-tf-schema-extra.sh unpacks the pinned
// package and runs this; CI checks that the committed file regenerates byte for byte.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [packageDir, ...types] = process.argv.slice(2);
if (!packageDir || types.length === 0) {
    console.error("usage: node scripts/tf-schema-extra.mjs <package dir> <resource type>...");
    process.exit(2);
}

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
    const attributes = {};
    for (const m of synthesize[1].matchAll(/^ {12}(\w+): \{[\s\S]*?isBlock: (true|false),[\s\S]*?storageClassType: "(\w+)",\s*\},/gm)) {
        const [, name, isBlock, storageClassType] = m;
        if (isBlock === "true") fail(`${type}.${name} is a block: this script reads flat resources only`);
        attributes[name] = { type: storageClassType, required: false };
    }
    if (Object.keys(attributes).length === 0) fail(`${type}: no attributes found`);

    const config = dts.match(/export interface \w+Config extends cdktf\.TerraformMetaArguments \{([\s\S]*?)\n\}/);
    if (!config) fail(`${type}: no Config interface in ${dir}/index.d.ts`);
    for (const m of config[1].matchAll(/#(\w+) \w+#\w+\}\s*\*\/\s*readonly \w+(\??):/g)) {
        const [, name, optional] = m;
        if (!attributes[name]) fail(`${type}.${name} is in the Config interface but not in synthesizeHclAttributes`);
        attributes[name].required = optional !== "?";
    }

    const version = dts.match(/registry\.terraform\.io\/providers\/hashicorp\/aws\/([\d.]+)\//);
    if (!version) fail(`${type}: no provider version in ${dir}/index.d.ts`);
    if (providerVersion && providerVersion !== version[1]) fail(`provider versions differ: ${providerVersion}, ${version[1]}`);
    providerVersion = version[1];

    resources[type] = { attributes: sortKeys(attributes), blocks: {} };
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
