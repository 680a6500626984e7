"""Both linters' CPU time per policy side by side: totals, ratio, and the largest policies one by one.

    python3 report.py PARLIAMENT.tsv IAMGEN.tsv DIR

Each TSV holds `name<TAB>seconds<TAB>findings` (findings -1 where parliament raised: such policies are left out
of both totals). The largest policies are those of DIR with the most bytes.
"""

import os
import statistics
import sys


def read(path):
    rows = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            name, seconds, findings = line.rstrip("\n").split("\t")
            rows[name] = (float(seconds), int(findings))
    return rows


def main() -> int:
    parliament, iamgen, folder = read(sys.argv[1]), read(sys.argv[2]), sys.argv[3]
    both = sorted(name for name in parliament if name in iamgen and parliament[name][1] >= 0)
    raised = sorted(name for name in parliament if parliament[name][1] < 0)
    p_total = sum(parliament[name][0] for name in both)
    i_total = sum(iamgen[name][0] for name in both)
    ratios = [parliament[n][0] / iamgen[n][0] for n in both if iamgen[n][0] > 0]
    print(f"{len(both)} policies analysed by both ({len(raised)} left out, parliament raised: {', '.join(raised)})")
    print(f"{'':<28}{'total CPU':>12}{'per policy':>14}")
    print(f"{'parliament 1.6.4':<28}{p_total:>10.3f} s{p_total / len(both) * 1e3:>11.3f} ms")
    print(f"{'iamgen':<28}{i_total * 1e3:>9.1f} ms{i_total / len(both) * 1e6:>11.2f} us")
    print(f"ratio of the totals: {p_total / i_total:.0f}x less CPU for iamgen; "
          f"per policy: median {statistics.median(ratios):.0f}x, least {min(ratios):.0f}x")
    sizes = sorted(both, key=lambda n: -os.path.getsize(os.path.join(folder, n)))
    print("\nthe 10 largest policies:")
    print(f"{'policy':<58}{'bytes':>8}{'parliament':>12}{'iamgen':>11}{'ratio':>8}")
    for name in sizes[:10]:
        p, i = parliament[name][0], iamgen[name][0]
        size = os.path.getsize(os.path.join(folder, name))
        print(f"{name:<58}{size:>8}{p * 1e3:>9.2f} ms{i * 1e6:>8.0f} us{p / i:>7.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
