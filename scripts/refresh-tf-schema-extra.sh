#!/usr/bin/env bash
# Regenerates tests/fixtures/tf-schema-aws-extra.json: the provider schema of the Terraform resources iamgen
# emits beyond the IAM ones in tests/fixtures/tf-schema-aws-iam.json (a copy of ../shared/data), taken from the
# same source, the AWS provider's CDKTF bindings @cdktf/provider-aws at the same version.
#
#   scripts/refresh-tf-schema-extra.sh
#
# The package (37 MB) is unpacked into a temporary directory; nothing of it is installed or kept.
set -euo pipefail

PACKAGE_VERSION=21.22.1
RESOURCES=(
    aws_s3_bucket_logging
    aws_s3_bucket_public_access_block
    aws_s3_bucket_server_side_encryption_configuration
    aws_s3_bucket_versioning
)

root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

tarball=$(cd "$tmp" && npm pack --silent --loglevel=error "@cdktf/provider-aws@$PACKAGE_VERSION")
tar -xzf "$tmp/$tarball" -C "$tmp"
node "$root/scripts/tf-schema-extra.mjs" "$tmp/package" "${RESOURCES[@]}" >"$tmp/schema.json"
mv "$tmp/schema.json" "$root/tests/fixtures/tf-schema-aws-extra.json"
