#!/usr/bin/env bash
# iamgen's linter against parliament 1.6.4 on the same folder of policies, in CPU time, each in one process.
#
#   benches/parliament/compare.sh [DIR]
#
# DIR (default target/ci-tools/aws-managed-policies, the AWS managed policies that scripts/ci-tools.sh extracts,
# one document a file) is analysed by parliament (benches/parliament/time_parliament.py: a warm-up pass, then
# the CPU time of each policy, time.process_time()) and linted by iamgen (`cargo bench --bench lint --
# --section managed --per-policy`: each policy's CPU time, the least of 3 batches of ~2 ms). Then both times
# per policy, their totals and the ratio are printed (report.py), over the policies parliament analysed without
# raising. Results stay in target/parliament/.
#
# parliament is installed into its own venv, target/parliament/venv (PyPI, parliament==1.6.4), unless
# PARLIAMENT_PYTHON names a Python that already has it. CI does not run this: it needs PyPI and ~30 s of CPU.
# PARLIAMENT_ROUNDS (default 3, as iamgen keeps the least of 3 batches) times each policy that many times in
# parliament and keeps the least.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$(cd "${1:-$root/target/ci-tools/aws-managed-policies}" && pwd)"
out="$root/target/parliament"
mkdir -p "$out"

python="${PARLIAMENT_PYTHON:-}"
if [ -z "$python" ]; then
    venv="$out/venv"
    if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import parliament' 2>/dev/null; then
        python3 -m venv "$venv"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "parliament==1.6.4"
    fi
    python="$venv/bin/python"
fi

echo "parliament: $("$python" -m pip show parliament 2>/dev/null | sed -n 's/^Version: //p'), $("$python" --version)" >&2
"$python" "$root/benches/parliament/time_parliament.py" "$dir" "$out/parliament.tsv" \
    --rounds "${PARLIAMENT_ROUNDS:-3}"
(cd "$root" && cargo bench --quiet --bench lint -- --section managed --policies "$dir" \
    --per-policy "$out/iamgen.tsv")
python3 "$root/benches/parliament/report.py" "$out/parliament.tsv" "$out/iamgen.tsv" "$dir"
