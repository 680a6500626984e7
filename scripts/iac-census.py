#!/usr/bin/env python3
"""Counts the IAM policy documents written in Terraform and CloudFormation templates: the oracle for iamgen's
test over tests/fixtures/iac/corpus (see tests/fixtures/iac/README.md).

    target/ci-tools/venv/bin/python scripts/iac-census.py DIR > census.json

Deliberately independent of iamgen's own readers: Terraform is parsed by HashiCorp's HCL parser (npm
@cdktf/hcl2json, run through scripts/iac-census-hcl.js with the node_modules of target/ci-tools/node, which
scripts/ci-tools.sh installs) and CloudFormation by PyYAML / the json module. No network access.

Output: {"files": {"<path relative to DIR>": [{"address", "attribute", "kind"}, ...]}, "total": N}, listing only
files with at least one policy, each list sorted by (address, attribute); sorted keys, 2-space indent.

Diagnostics (files a parser rejected, files skipped as not CloudFormation, and values whose counting needed a
judgement call) go to stderr. The exit status is 1 when a .tf or a .yaml/.yml/.json file could not be parsed, as
the census of such a corpus would be incomplete.
"""

import json
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "target" / "ci-tools" / "node" / "node_modules"
HCL_HELPER = ROOT / "scripts" / "iac-census-hcl.js"

# --- Terraform ----------------------------------------------------------------------------------------------------

# (resource type, argument) -> kind, for policies held in a resource argument. aws_iam_role's inline_policy block
# and aws_organizations_policy (whose kind depends on its `type`) are handled separately below.
TF_POLICY_ARGS = {
    ("aws_iam_policy", "policy"): "identity",
    ("aws_iam_role", "assume_role_policy"): "trust",
    ("aws_iam_role_policy", "policy"): "identity",
    ("aws_iam_user_policy", "policy"): "identity",
    ("aws_iam_group_policy", "policy"): "identity",
    ("aws_ssoadmin_permission_set_inline_policy", "inline_policy"): "identity",
    ("aws_s3_bucket_policy", "policy"): "resource",
    ("aws_s3_bucket", "policy"): "resource",
    ("aws_kms_key", "policy"): "resource",
    ("aws_kms_key_policy", "policy"): "resource",
    ("aws_sqs_queue_policy", "policy"): "resource",
    ("aws_sqs_queue", "policy"): "resource",
    ("aws_sns_topic_policy", "policy"): "resource",
    ("aws_sns_topic", "policy"): "resource",
    ("aws_ecr_repository_policy", "policy"): "resource",
    ("aws_secretsmanager_secret_policy", "policy"): "resource",
    ("aws_s3tables_table_policy", "resource_policy"): "resource",
    ("aws_s3tables_table_bucket_policy", "resource_policy"): "resource",
    ("aws_s3vectors_vector_bucket_policy", "policy"): "resource",
    ("aws_efs_file_system_policy", "policy"): "resource",
    ("aws_backup_vault_policy", "policy"): "resource",
    ("aws_cloudwatch_log_resource_policy", "policy_document"): "resource",
    ("aws_opensearch_domain_policy", "access_policies"): "resource",
    ("aws_elasticsearch_domain_policy", "access_policies"): "resource",
    ("aws_glacier_vault", "access_policy"): "resource",
    ("aws_s3_access_point", "policy"): "resource",
}

# Function calls whose result is a policy written in (or next to) the file.
TF_WRITTEN_CALLS = ("jsonencode(", "file(", "templatefile(")

ORG_POLICY_KINDS = {"SERVICE_CONTROL_POLICY": "scp", "RESOURCE_CONTROL_POLICY": "rcp"}


def single_interpolation(text):
    """The expression inside `text` when `text` is exactly one "${...}" (hcl2json's form of a non-literal
    expression), else None. A quoted template such as "${var.a}-${var.b}" also starts with "${" but is a string
    written in the file, so the closing brace of the first "${" must be the last character. Braces inside HCL
    string literals within the expression are skipped."""
    if not (text.startswith("${") and text.endswith("}")):
        return None
    depth = 0
    i = 0
    in_string = False
    while i < len(text):
        c = text[i]
        if in_string:
            if c == "\\":
                i += 2
                continue
            if c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return text[2:-1] if i == len(text) - 1 else None
        i += 1
    return None


def tf_value_is_written(value, where, notes):
    """Whether a policy argument's value (hcl2json form) is a policy written in the file: a jsonencode(...),
    file(...) or templatefile(...) call, or a quoted string / heredoc. A bare reference or any other expression
    (var., local., data....json, try(...), a conditional, replace(...)) is not: it is counted through its data
    block, or unknown."""
    if value is None:
        return False
    if not isinstance(value, str):
        # A list/object/number where a string is expected: not a policy document we can name.
        notes.append(f"{where}: non-string value {json.dumps(value)[:80]}; not counted")
        return False
    expr = single_interpolation(value)
    if expr is None:
        if value.startswith("${"):
            notes.append(f"{where}: template string starting with an interpolation, counted as a written string")
        return True
    return expr.startswith(TF_WRITTEN_CALLS)


def tf_blocks(section):
    """(type, name, block) for each block of a top-level `resource` or `data` section, in file order."""
    for rtype, by_name in (section or {}).items():
        for name, blocks in by_name.items():
            for block in blocks:
                yield rtype, name, block


def tf_policies(doc, rel, notes):
    found = []
    for rtype, name, _block in tf_blocks(doc.get("data")):
        if rtype == "aws_iam_policy_document":
            found.append({"address": f"data.{rtype}.{name}", "attribute": "", "kind": "document"})
    for rtype, name, block in tf_blocks(doc.get("resource")):
        address = f"{rtype}.{name}"
        where = f"{rel}: {address}"
        for (ptype, arg), kind in TF_POLICY_ARGS.items():
            if ptype == rtype and arg in block and tf_value_is_written(block[arg], f"{where}.{arg}", notes):
                found.append({"address": address, "attribute": arg, "kind": kind})
        if rtype == "aws_iam_role":
            # Each inline_policy block written in the resource; hcl2json gives a list of the blocks.
            blocks = block.get("inline_policy") or []
            if len(blocks) > 1:
                notes.append(f"{where}: {len(blocks)} inline_policy blocks, one entry each (same attribute)")
            for inline in blocks:
                if tf_value_is_written(inline.get("policy"), f"{where}.inline_policy.policy", notes):
                    found.append({"address": address, "attribute": "inline_policy.policy", "kind": "identity"})
            # A `dynamic "inline_policy"` block is a template over a collection, not a written policy.
            for dyn in (block.get("dynamic") or {}).get("inline_policy") or []:
                notes.append(f"{where}: dynamic inline_policy (for_each {dyn.get('for_each')}); not counted")
        if rtype == "aws_organizations_policy" and "content" in block:
            ptype = block.get("type", "SERVICE_CONTROL_POLICY")  # the provider's default
            kind = ORG_POLICY_KINDS.get(ptype) if isinstance(ptype, str) else None
            if isinstance(ptype, str) and ptype.startswith("${"):
                notes.append(f"{where}: type is an expression {ptype}; not counted")
            elif kind and tf_value_is_written(block["content"], f"{where}.content", notes):
                found.append({"address": address, "attribute": "content", "kind": kind})
    return found


def parse_hcl(paths):
    """{path: {"json": ...} | {"error": ...}} from the node helper, for all .tf files in one node process."""
    if not paths:
        return {}
    if not (NODE_MODULES / "@cdktf" / "hcl2json").is_dir():
        sys.exit(f"iac-census: {NODE_MODULES}/@cdktf/hcl2json is missing; run scripts/ci-tools.sh")
    result = subprocess.run(
        ["node", str(HCL_HELPER), str(NODE_MODULES), *map(str, paths)],
        check=True,
        stdout=subprocess.PIPE,
    )
    return json.loads(result.stdout)


# --- CloudFormation -----------------------------------------------------------------------------------------------


class CfnLoader(yaml.SafeLoader):
    """SafeLoader that also accepts CloudFormation's short-form intrinsic tags."""


def construct_intrinsic(loader, suffix, node):
    """`!Ref x` -> {"Ref": x}, `!Condition x` -> {"Condition": x}, `!Name x` -> {"Fn::Name": x}. The value keeps
    its YAML shape (so `!GetAtt a.b` stays the string "a.b", a form CloudFormation accepts)."""
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    key = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
    return {key: value}


CfnLoader.add_multi_constructor("!", construct_intrinsic)

# Intrinsics whose result is a value held elsewhere (a parameter, another resource, a mapping, an export): a
# property that is only one of these has no policy written in the template.
HIDING_INTRINSICS = {"Ref", "Fn::ImportValue", "Fn::GetAtt", "Fn::FindInMap", "Fn::Select"}

# Resource type -> [(property, kind)] for policies held directly in a property.
CFN_POLICY_PROPS = {
    "AWS::IAM::Role": [("AssumeRolePolicyDocument", "trust")],
    "AWS::IAM::Policy": [("PolicyDocument", "identity")],
    "AWS::IAM::ManagedPolicy": [("PolicyDocument", "identity")],
    "AWS::IAM::RolePolicy": [("PolicyDocument", "identity")],
    "AWS::IAM::UserPolicy": [("PolicyDocument", "identity")],
    "AWS::IAM::GroupPolicy": [("PolicyDocument", "identity")],
    "AWS::SSO::PermissionSet": [("InlinePolicy", "identity")],
    "AWS::S3::BucketPolicy": [("PolicyDocument", "resource")],
    "AWS::KMS::Key": [("KeyPolicy", "resource")],
    "AWS::SQS::QueuePolicy": [("PolicyDocument", "resource")],
    "AWS::SQS::QueueInlinePolicy": [("PolicyDocument", "resource")],
    "AWS::SNS::TopicPolicy": [("PolicyDocument", "resource")],
    "AWS::SNS::TopicInlinePolicy": [("PolicyDocument", "resource")],
    "AWS::ECR::Repository": [("RepositoryPolicyText", "resource")],
    "AWS::SecretsManager::ResourcePolicy": [("ResourcePolicy", "resource")],
    "AWS::Logs::ResourcePolicy": [("PolicyDocument", "resource")],
    "AWS::OpenSearchService::Domain": [("AccessPolicies", "resource")],
    "AWS::Elasticsearch::Domain": [("AccessPolicies", "resource")],
    "AWS::EFS::FileSystem": [("FileSystemPolicy", "resource")],
    "AWS::S3::AccessPoint": [("Policy", "resource")],
    "AWS::Backup::BackupVault": [("AccessPolicy", "resource")],
}
# Resource types whose `Policies` list holds {PolicyName, PolicyDocument} entries.
CFN_INLINE_POLICY_LISTS = {"AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"}
# SAM resources whose `Policies` may hold inline policy documents among managed policy names and templates.
SAM_POLICY_LISTS = {"AWS::Serverless::Function", "AWS::Serverless::StateMachine"}


def intrinsic_name(value):
    """The intrinsic function's name when `value` is a one-key {"Ref"/"Fn::*"/"Condition": ...} mapping."""
    if isinstance(value, dict) and len(value) == 1:
        (key,) = value
        if key == "Ref" or key == "Condition" or (isinstance(key, str) and key.startswith("Fn::")):
            return key
    return None


def if_branches(value):
    """The two result branches of an {"Fn::If": [condition, a, b]}, leaving out Ref AWS::NoValue."""
    args = value["Fn::If"]
    branches = args[1:] if isinstance(args, list) and len(args) == 3 else []
    return [b for b in branches if b != {"Ref": "AWS::NoValue"}]


def cfn_value_is_written(value, where, notes):
    """Whether a policy property's value is a policy written in the template: a mapping (the document), a string
    holding JSON, or an Fn::If / Fn::Sub / Fn::Join that builds one (counted once). A property that is only a
    Ref / Fn::ImportValue / Fn::GetAtt / Fn::FindInMap / Fn::Select hides the document."""
    if value is None:
        return False
    fn = intrinsic_name(value)
    if fn in HIDING_INTRINSICS:
        return False
    if fn == "Fn::If":
        # Counted when at least one branch writes a policy (the other is often Ref AWS::NoValue).
        written = any(cfn_value_is_written(b, where, notes) for b in if_branches(value))
        notes.append(f"{where}: Fn::If; {'counted once' if written else 'no branch writes a policy, not counted'}")
        return written
    if fn in ("Fn::Sub", "Fn::Join"):
        return True
    if fn is not None:
        notes.append(f"{where}: value is {fn}; not counted")
        return False
    if isinstance(value, dict):
        return True
    if isinstance(value, str):
        try:
            json.loads(value)
        except ValueError:
            notes.append(f"{where}: string that is not JSON; not counted")
            return False
        return True
    notes.append(f"{where}: unexpected {type(value).__name__}; not counted")
    return False


def is_cfn_template(doc):
    """A top-level Resources mapping, and AWSTemplateFormatVersion or at least one resource of type AWS::...
    (SAM templates have AWS::Serverless::* types)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("Resources"), dict):
        return False
    if "AWSTemplateFormatVersion" in doc:
        return True
    return any(
        isinstance(r, dict) and isinstance(r.get("Type"), str) and r["Type"].startswith("AWS::")
        for r in doc["Resources"].values()
    )


def cfn_policies(doc, rel, notes):
    found = []
    for logical_id, resource in doc["Resources"].items():
        if not isinstance(resource, dict):
            continue
        rtype = resource.get("Type")
        props = resource.get("Properties")
        address = f"Resources.{logical_id}"
        where = f"{rel}: {address}"
        if not isinstance(rtype, str):
            notes.append(f"{where}: Type is {json.dumps(rtype)}; not counted")
            continue
        if not isinstance(props, dict):
            continue

        def add(attribute, kind):
            found.append({"address": address, "attribute": attribute, "kind": kind})

        for prop, kind in CFN_POLICY_PROPS.get(rtype, []):
            if prop in props and cfn_value_is_written(props[prop], f"{where}.{prop}", notes):
                add(prop, kind)

        if rtype in CFN_INLINE_POLICY_LISTS and "Policies" in props:
            policies = props["Policies"]
            if not isinstance(policies, list):
                notes.append(f"{where}.Policies: not a list ({intrinsic_name(policies) or type(policies).__name__})"
                             "; not counted")
                policies = []
            for i, entry in enumerate(policies):
                attribute = f"Policies[{i}].PolicyDocument"
                if isinstance(entry, dict) and "PolicyDocument" in entry:
                    if cfn_value_is_written(entry["PolicyDocument"], f"{where}.{attribute}", notes):
                        add(attribute, "identity")
                elif intrinsic_name(entry) == "Fn::If":
                    # `- !If [Cond, {PolicyName, PolicyDocument}, !Ref AWS::NoValue]`: an entry included under a
                    # condition. Its document is written in the template, so it counts once, like an Fn::If
                    # that builds a property's document.
                    docs = [b["PolicyDocument"] for b in if_branches(entry)
                            if isinstance(b, dict) and "PolicyDocument" in b]
                    if any(cfn_value_is_written(d, f"{where}.{attribute}", notes) for d in docs):
                        notes.append(f"{where}.{attribute}: list entry is an Fn::If; counted once")
                        add(attribute, "identity")
                    else:
                        notes.append(f"{where}.Policies[{i}]: Fn::If with no written PolicyDocument; not counted")
                else:
                    notes.append(f"{where}.Policies[{i}]: no PolicyDocument "
                                 f"({intrinsic_name(entry) or type(entry).__name__}); not counted")

        if rtype == "AWS::Organizations::Policy" and "Content" in props:
            ptype = props.get("Type")
            kind = ORG_POLICY_KINDS.get(ptype) if isinstance(ptype, str) else None
            if ptype is not None and not isinstance(ptype, str):
                notes.append(f"{where}: Type is {intrinsic_name(ptype)}; not counted")
            elif kind and cfn_value_is_written(props["Content"], f"{where}.Content", notes):
                add("Content", kind)

        if rtype in SAM_POLICY_LISTS and "Policies" in props:
            policies = props["Policies"]
            # A SAM Policies value is a list, or one item on its own (a name, a template or a document).
            items = [(f"Policies[{i}]", p) for i, p in enumerate(policies)] if isinstance(policies, list) \
                else [("Policies", policies)]
            for attribute, item in items:
                if isinstance(item, dict) and "Statement" in item:
                    add(attribute, "identity")
                elif intrinsic_name(item) == "Fn::If":
                    # Same reading as for IAM Policies entries: counted once if a branch is a document.
                    if any(isinstance(b, dict) and "Statement" in b for b in if_branches(item)):
                        notes.append(f"{where}.{attribute}: Fn::If in SAM Policies; counted once")
                        add(attribute, "identity")
                    else:
                        notes.append(f"{where}.{attribute}: Fn::If in SAM Policies without a document; not counted")
    return found


def load_structured(path):
    """The parsed document of a .json (json module) or .yaml/.yml (PyYAML with CloudFormation tags) file."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    return yaml.load(text, Loader=CfnLoader)


# --- Driver -------------------------------------------------------------------------------------------------------


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: scripts/iac-census.py DIR > census.json")
    base = Path(sys.argv[1])
    # Sorted walk, so the node helper's input, the diagnostics and the output are in one fixed order.
    files = sorted(
        (p for p in base.rglob("*") if p.is_file()),
        key=lambda p: p.relative_to(base).as_posix(),
    )
    notes = []
    failed = False
    census = {}

    tf_files = [p for p in files if p.suffix == ".tf"]
    hcl = parse_hcl(tf_files)
    for path in tf_files:
        rel = path.relative_to(base).as_posix()
        parsed = hcl[str(path)]
        if "error" in parsed:
            print(f"iac-census: {rel}: HCL parse error: {parsed['error']}", file=sys.stderr)
            failed = True
            continue
        found = tf_policies(parsed["json"], rel, notes)
        if found:
            census[rel] = found

    for path in files:
        if path.suffix not in (".json", ".yaml", ".yml"):
            continue
        rel = path.relative_to(base).as_posix()
        try:
            doc = load_structured(path)
        except (ValueError, yaml.YAMLError) as e:
            print(f"iac-census: {rel}: parse error: {e}", file=sys.stderr)
            failed = True
            continue
        if not is_cfn_template(doc):
            print(f"iac-census: {rel}: not a CloudFormation template, skipped", file=sys.stderr)
            continue
        found = cfn_policies(doc, rel, notes)
        if found:
            census[rel] = found

    for note in notes:
        print(f"iac-census: note: {note}", file=sys.stderr)

    for rel in census:
        census[rel].sort(key=lambda p: (p["address"], p["attribute"]))
    out = {"files": census, "total": sum(len(v) for v in census.values())}
    sys.stdout.write(json.dumps(out, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
