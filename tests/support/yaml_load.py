"""Loads YAML documents with PyYAML (YAML 1.1, the reader cfn-lint uses) and compares each with the JSON value
it should read as, types included (a null key, or `1e2` read as a string, is a difference).

    python tests/support/yaml_load.py < cases.json

Input: a JSON array of [yaml_text, expected_json_text]. Output: a JSON array with, for each case, null when it
reads as expected, or a description of the difference or the error. Used by tests/generate/escape_parsers.rs and
tests/generate/generated_injection.rs.
"""

import json
import math
import sys

import yaml


def same(found, expected, at):
    # JSON reads 1e2 as a float; YAML must read the same type (bool is an int subclass in Python: check first).
    if type(found) is not type(expected):
        if isinstance(found, float) and isinstance(expected, float):
            pass
        else:
            return f"{at}: {found!r} ({type(found).__name__}), expected {expected!r} ({type(expected).__name__})"
    if isinstance(expected, dict):
        # A mapping's order has no meaning in YAML or JSON; a null key, a number key or a missing one does.
        if set(found.keys()) != set(expected.keys()) or len(found) != len(expected):
            return f"{at}: keys {list(found.keys())!r}, expected {list(expected.keys())!r}"
        for key in expected:
            difference = same(found[key], expected[key], f"{at}/{key}")
            if difference:
                return difference
        return None
    if isinstance(expected, list):
        if len(found) != len(expected):
            return f"{at}: {len(found)} items, expected {len(expected)}"
        for index, (a, b) in enumerate(zip(found, expected)):
            difference = same(a, b, f"{at}/{index}")
            if difference:
                return difference
        return None
    if isinstance(expected, float) and math.isnan(expected) and math.isnan(found):
        return None
    return None if found == expected else f"{at}: {found!r}, expected {expected!r}"


def main():
    cases = json.load(sys.stdin)
    results = []
    for text, expected in cases:
        try:
            found = yaml.load(text, Loader=yaml.SafeLoader)
        except Exception as error:  # noqa: BLE001: any failure is the answer
            results.append(f"PyYAML cannot read it: {error}")
            continue
        results.append(same(found, json.loads(expected), ""))
    json.dump({"version": yaml.__version__, "results": results}, sys.stdout)


main()
