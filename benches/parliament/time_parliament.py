"""CPU time of parliament's analysis of every policy of a folder, in one process.

    python time_parliament.py DIR OUT.tsv [--rounds N]

Each `*.json` of DIR (sorted by name) is read and given to `parliament.analyze_policy_string`, as parliament's
CLI does for each file of `--directory`, with the default config and no community auditors. A first pass over
every policy warms parliament up (its IAM definition is loaded at import, and `expand_action` keeps an LRU
cache across policies, as it does in a CLI run over many files): the timed passes that follow are parliament at
its fastest. The CPU time of each policy (`time.process_time()`, the minimum over N rounds) goes to OUT.tsv as
`name<TAB>seconds<TAB>findings` (findings -1 where parliament raised); the totals go to standard output.
"""

import argparse
import os
import sys
import time

import parliament
from parliament import analyze_policy_string, config


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("out")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()

    names = sorted(name for name in os.listdir(args.dir) if name.endswith(".json"))
    texts = []
    for name in names:
        with open(os.path.join(args.dir, name), encoding="utf-8") as f:
            texts.append((name, f.read()))

    def analyze(name, text):
        # parliament 1.6.4 raises on some current policies (an `ArrayOfARN` condition key type it does not
        # know): such a policy is timed up to the exception and marked, and compare.sh leaves it out.
        try:
            return len(analyze_policy_string(text, os.path.join(args.dir, name), config=config).findings)
        except Exception:  # noqa: BLE001 - any failure of parliament's is reported the same way
            return -1

    for name, text in texts:
        analyze(name, text)  # warm-up

    best = [float("inf")] * len(texts)
    findings = [0] * len(texts)
    for _ in range(max(args.rounds, 1)):
        for index, (name, text) in enumerate(texts):
            start = time.process_time()
            count = analyze(name, text)
            elapsed = time.process_time() - start
            best[index] = min(best[index], elapsed)
            findings[index] = count

    with open(args.out, "w", encoding="utf-8") as out:
        for (name, _), seconds, count in zip(texts, best, findings):
            out.write(f"{name}\t{seconds:.9f}\t{count}\n")
    analysed = [seconds for seconds, count in zip(best, findings) if count >= 0]
    total = sum(analysed)
    print(
        f"parliament {getattr(parliament, '__version__', '?')}: {len(analysed)} of {len(texts)} policies analysed "
        f"({len(texts) - len(analysed)} raised), {sum(c for c in findings if c > 0)} findings, "
        f"{total:.3f} s CPU, {total / max(len(analysed), 1) * 1e3:.3f} ms per policy"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
