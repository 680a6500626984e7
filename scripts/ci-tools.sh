#!/usr/bin/env bash
# Installs the external validators that tests/generate/generated_validators.rs runs on the generated output, into the
# project (never globally), and prints their versions:
#
#   target/ci-tools/venv/bin/cfn-lint    CloudFormation linter (PyPI cfn-lint)
#   target/ci-tools/venv/bin/checkov     IaC scanner (PyPI checkov), run with --skip-download
#   target/ci-tools/moto/bin/moto_server
#                                        the IAM, STS and S3 APIs on loopback (PyPI moto[server]), for the SDK's
#                                        end-to-end tests; a venv of its own, as its boto3 pins need not agree
#                                        with checkov's
#   target/ci-tools/aws-managed-policies/NAME.json
#                                        AWS's managed policies as moto ships them (the default version's
#                                        document, one file per policy), for the linter's corpus test
#   target/ci-tools/node/node_modules/@cdktf/hcl2json
#                                        HashiCorp's HCL parser (hashicorp/hcl compiled to WebAssembly)
#   target/ci-tools/node/node_modules/@hpcc-js/wasm-graphviz
#                                        Graphviz compiled to WebAssembly, for the diagram's DOT labels
#   target/ci-tools/node/node_modules/marked
#                                        a GitHub-flavoured Markdown parser, for the tables of the generated READMEs
#   target/ci-tools/node/node_modules/mermaid, jsdom
#                                        Mermaid's own parser, run in Node with jsdom for the DOM it needs
#   target/ci-tools/node/node_modules/@taplo/cli
#                                        Taplo, the TOML toolkit behind the editors' JSON Schema support, to lint
#                                        specs against docs/iamgen.schema.json as an editor does
#
# Idempotent: a tool already installed at its pinned version is left alone, so a second run reaches no
# registry. Needs python3 (with venv and pip) and npm; reaches PyPI and the npm registry only.
#
#   scripts/ci-tools.sh
set -euo pipefail

CFN_LINT_VERSION=1.58.0
CHECKOV_VERSION=3.3.30
MOTO_VERSION=5.2.5
HCL2JSON_VERSION=0.21.0
GRAPHVIZ_WASM_VERSION=1.29.2
MERMAID_VERSION=12.3.0
MARKED_VERSION=16.4.2
JSDOM_VERSION=29.1.1
TAPLO_VERSION=0.7.0

root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/target/ci-tools"
venv="$tools/venv"
node_prefix="$tools/node"
mkdir -p "$tools"

# --- Python tools, each set in a venv of its own -----------------------------------------------------------
# venv_with DIR EXECUTABLE PINS...: (re)creates DIR with PINS installed unless it already holds exactly those.
venv_with() {
    dir="$1" executable="$2"
    shift 2
    stamp="$dir/.iamgen-pins"
    if [ ! -x "$dir/bin/$executable" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$*" ]; then
        echo "ci-tools: installing $* into $dir" >&2
        rm -rf "$dir"
        python3 -m venv "$dir"
        "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-input --no-cache-dir --upgrade pip
        "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-input --no-cache-dir "$@"
        printf '%s' "$*" >"$stamp"
    fi
}

# One resolver run for cfn-lint and checkov: checkov depends on cfn-lint, so the pins must agree.
venv_with "$venv" cfn-lint "cfn-lint==$CFN_LINT_VERSION" "checkov==$CHECKOV_VERSION"
# moto apart: its dependencies are not the validators' business.
venv_with "$tools/moto" moto_server "moto[server]==$MOTO_VERSION"

# AWS's managed policies, from the moto just installed (no registry reached): one NAME.json per policy, the
# default version's document. Stamped with moto's pin, so a second run leaves them alone.
managed="$tools/aws-managed-policies"
if [ "$(cat "$managed/.iamgen-source" 2>/dev/null)" != "moto==$MOTO_VERSION" ]; then
    echo "ci-tools: extracting AWS managed policies from moto $MOTO_VERSION into $managed" >&2
    rm -rf "$managed"
    mkdir -p "$managed"
    "$tools/moto/bin/python" - "$managed" <<'PY'
import json, sys
from moto.iam.aws_managed_policies import aws_managed_policies_data

policies = json.loads(aws_managed_policies_data)
for name, policy in policies.items():
    with open(f"{sys.argv[1]}/{name}.json", "w", encoding="utf-8") as out:
        json.dump(policy["Document"], out, indent=2, sort_keys=True)
        out.write("\n")
PY
    printf '%s' "moto==$MOTO_VERSION" >"$managed/.iamgen-source"
fi

# --- Node tools ---------------------------------------------------------------------------------------------
hcl2json_dir="$node_prefix/node_modules/@cdktf/hcl2json"
installed_hcl2json="$(node -p "require('$hcl2json_dir/package.json').version" 2>/dev/null || true)"
if [ "$installed_hcl2json" != "$HCL2JSON_VERSION" ]; then
    echo "ci-tools: installing @cdktf/hcl2json@$HCL2JSON_VERSION into $node_prefix" >&2
    mkdir -p "$node_prefix"
    # A package.json of its own, so that npm installs here and not into an enclosing project.
    [ -f "$node_prefix/package.json" ] || printf '{ "private": true }\n' >"$node_prefix/package.json"
    npm install --prefix "$node_prefix" --no-audit --no-fund --loglevel=error --save-exact \
        "@cdktf/hcl2json@$HCL2JSON_VERSION" >&2
fi

node_version() {
    node -p "require('$node_prefix/node_modules/$1/package.json').version" 2>/dev/null || true
}
if [ "$(node_version @hpcc-js/wasm-graphviz)" != "$GRAPHVIZ_WASM_VERSION" ] ||
    [ "$(node_version mermaid)" != "$MERMAID_VERSION" ] || [ "$(node_version jsdom)" != "$JSDOM_VERSION" ] ||
    [ "$(node_version marked)" != "$MARKED_VERSION" ]; then
    echo "ci-tools: installing Graphviz (WebAssembly), Mermaid and jsdom into $node_prefix" >&2
    mkdir -p "$node_prefix"
    [ -f "$node_prefix/package.json" ] || printf '{ "private": true }\n' >"$node_prefix/package.json"
    npm install --prefix "$node_prefix" --no-audit --no-fund --loglevel=error --save-exact \
        "@hpcc-js/wasm-graphviz@$GRAPHVIZ_WASM_VERSION" "mermaid@$MERMAID_VERSION" "jsdom@$JSDOM_VERSION" \
        "marked@$MARKED_VERSION" >&2
fi

if [ "$(node_version @taplo/cli)" != "$TAPLO_VERSION" ]; then
    echo "ci-tools: installing @taplo/cli@$TAPLO_VERSION into $node_prefix" >&2
    mkdir -p "$node_prefix"
    [ -f "$node_prefix/package.json" ] || printf '{ "private": true }\n' >"$node_prefix/package.json"
    npm install --prefix "$node_prefix" --no-audit --no-fund --loglevel=error --save-exact \
        "@taplo/cli@$TAPLO_VERSION" >&2
fi

# --- Versions -----------------------------------------------------------------------------------------------
echo "cfn-lint: $("$venv/bin/cfn-lint" --version 2>&1 | tr -d '\n')"
echo "checkov: $("$venv/bin/checkov" --version 2>&1 | tail -n 1 | tr -d '\n')"
echo "moto: $("$tools/moto/bin/python" -c 'import moto; print(moto.__version__)')"
echo "aws-managed-policies: $(find "$managed" -name '*.json' | wc -l) policies"
echo "@cdktf/hcl2json: $(node -p "require('$hcl2json_dir/package.json').version")"
echo "@hpcc-js/wasm-graphviz: $(node_version @hpcc-js/wasm-graphviz)"
echo "mermaid: $(node_version mermaid)"
echo "jsdom: $(node_version jsdom)"
echo "marked: $(node_version marked)"
echo "@taplo/cli: $(node_version @taplo/cli)"
echo "node: $(node --version)"
