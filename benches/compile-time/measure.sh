#!/usr/bin/env bash
# Measures what `policy!` costs at compile time (see BENCHMARKS.md, "Macros: compile time"):
#
#   python3 benches/compile-time/generate.py && bash benches/compile-time/measure.sh [OUT_DIR]
#
# OUT_DIR is where generate.py wrote the crates (default: target/compile-time). Environment: RUNS (default 3)
# runs for the medians, FULL_RUNS (default 3) runs of the full builds from an empty target dir. Debug builds,
# default job count, `cargo build --offline`: no network, the crates.io registry must already be downloaded
# (building the workspace once does it).
#
# What is measured, each build timed from cargo's start to its end:
#   (a) crate only, clean: the dependencies built, `cargo clean -p CRATE` then `cargo build` (RUNS, median);
#   (b) crate only, incremental: one action of one document changed (swapped back and forth on the line
#       edit.env names), then `cargo build` (RUNS, median);
#   (c) full clean build from an empty CARGO_TARGET_DIR, dependencies included (FULL_RUNS, median);
#   (d) cold build of the small `consumer` binary from an empty CARGO_TARGET_DIR (RUNS, median), with
#       `--timings`: the last run's report is kept in OUT_DIR/timings/ and its slowest units are printed.
# Crates: with-json (serde_json::json!), with-policy (iamgen::policy!, iamgen-macros at opt-level 3),
# with-policy-opt0 (no profile override), with-policy-rt3 (iamgen-runtime at opt-level 3 too), with-literal
# (what policy! expands to, written out: with-policy minus with-literal is the macro's own cost); consumer,
# consumer-opt0 and consumer-rt3 with the same three profiles.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=$(cd "${1:-$ROOT/target/compile-time}" && pwd)
RUNS=${RUNS:-3}
FULL_RUNS=${FULL_RUNS:-3}
LIBS=(with-json with-policy with-policy-opt0 with-policy-rt3 with-literal)
CONSUMERS=(consumer consumer-opt0 consumer-rt3)
# shellcheck source=/dev/null
source "$OUT/edit.env"
LOG=$(mktemp)
COLD="$OUT/.cold-target"
trap 'rm -f "$LOG"; rm -rf "$COLD"' EXIT

# build DIR [VAR=VALUE...] [-- CARGO_ARGS...]: prints the seconds `cargo build` took in DIR. Fails on a build
# error or on any warning (the generated policies are meant to be warning-free). A run that had to wait for
# another cargo's lock on the package cache measured the wait, not the build: it is run again.
build() {
    local dir=$1 envs=() args=()
    shift
    while (($#)) && [[ $1 != -- ]]; do envs+=("$1"); shift; done
    (($#)) && { shift; args=("$@"); }
    local attempt start end
    for attempt in 1 2 3; do
        [[ ${PREPARE:-} ]] && eval "$PREPARE"
        start=$(date +%s%N)
        if ! (cd "$dir" && env "${envs[@]}" cargo build --offline "${args[@]}" >"$LOG" 2>&1); then
            cat "$LOG" >&2
            echo "measure.sh: the build in $dir failed" >&2
            exit 1
        fi
        end=$(date +%s%N)
        if grep -q '^warning' "$LOG"; then
            cat "$LOG" >&2
            echo "measure.sh: the build in $dir has warnings" >&2
            exit 1
        fi
        grep -q 'Blocking waiting for file lock' "$LOG" || break
        echo "  (waited for another cargo's lock; run again, attempt $((attempt + 1)))" >&2
    done
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'
}

median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }'
}

# swap DIR FROM TO: the incremental edit, on line EDIT_LINE of DIR/src/lib.rs.
swap() {
    sed -i "${EDIT_LINE}s/\"$2\"/\"$3\"/" "$1/src/lib.rs"
    grep -q "\"$3\"" <(sed -n "${EDIT_LINE}p" "$1/src/lib.rs") || { echo "measure.sh: the edit did not apply in $1" >&2; exit 1; }
}

echo "rustc: $(rustc --version)"
echo "cargo: $(cargo --version)"
echo "iamgen: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?') ($(git -C "$ROOT" status --porcelain 2>/dev/null | wc -l) paths changed or untracked)"
echo "cpus: $(nproc); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "crates: $OUT; runs: $RUNS (full builds: $FULL_RUNS)"
echo

declare -A CLEAN INCR FULL COLD_TIMES
echo "warming up: building each crate's dependencies"
for crate in "${LIBS[@]}"; do
    t=$(build "$OUT/$crate")
    echo "  $crate: $t s"
done

echo "(a) crate only, clean (cargo clean -p CRATE && cargo build)"
for ((run = 1; run <= RUNS; run++)); do
    for crate in "${LIBS[@]}"; do
        PREPARE="(cd '$OUT/$crate' && cargo clean --offline -q -p '$crate')"
        t=$(PREPARE=$PREPARE build "$OUT/$crate")
        CLEAN[$crate]+="$t "
        echo "  run $run $crate: $t s"
    done
done

echo "(b) crate only, incremental (line $EDIT_LINE: $EDIT_FROM <-> $EDIT_TO)"
for crate in "${LIBS[@]}"; do
    cp "$OUT/$crate/src/lib.rs" "$OUT/$crate/lib.rs.orig"
done
for ((run = 1; run <= RUNS; run++)); do
    for crate in "${LIBS[@]}"; do
        if ((run % 2)); then swap "$OUT/$crate" "$EDIT_FROM" "$EDIT_TO"; else swap "$OUT/$crate" "$EDIT_TO" "$EDIT_FROM"; fi
        t=$(build "$OUT/$crate")
        INCR[$crate]+="$t "
        echo "  run $run $crate: $t s"
    done
done
for crate in "${LIBS[@]}"; do
    mv "$OUT/$crate/lib.rs.orig" "$OUT/$crate/src/lib.rs"
done

echo "(c) full clean build from an empty target dir"
for ((run = 1; run <= FULL_RUNS; run++)); do
    for crate in with-json with-policy with-policy-opt0 with-policy-rt3; do
        rm -rf "$COLD"
        t=$(build "$OUT/$crate" "CARGO_TARGET_DIR=$COLD")
        FULL[$crate]+="$t "
        echo "  run $run $crate: $t s"
    done
done

echo "(d) cold build of the consumer binary from an empty target dir"
mkdir -p "$OUT/timings"
for ((run = 1; run <= RUNS; run++)); do
    for crate in "${CONSUMERS[@]}"; do
        rm -rf "$COLD"
        t=$(build "$OUT/$crate" "CARGO_TARGET_DIR=$COLD" -- --timings)
        COLD_TIMES[$crate]+="$t "
        cp "$COLD"/cargo-timings/cargo-timing.html "$OUT/timings/$crate.html"
        echo "  run $run $crate: $t s"
    done
done
rm -rf "$COLD"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

# shellcheck disable=SC2086
{
    json_clean=$(median ${CLEAN[with-json]})
    json_incr=$(median ${INCR[with-json]})
    echo
    echo "| crate | (a) crate only, clean | vs json! | (b) incremental | vs json! | (c) full, empty target dir |"
    echo "| --- | --- | --- | --- | --- | --- |"
    for crate in "${LIBS[@]}"; do
        c=$(median ${CLEAN[$crate]})
        i=$(median ${INCR[$crate]})
        f=${FULL[$crate]:+$(median ${FULL[$crate]}) s}
        echo "| $crate | $c s | $(ratio "$c" "$json_clean") | $i s | $(ratio "$i" "$json_incr") | ${f:-n/a} |"
    done
    echo
    echo "| cold debug build, empty target dir | median of $RUNS | runs | target |"
    echo "| --- | --- | --- | --- |"
    for crate in "${CONSUMERS[@]}"; do
        echo "| $crate | $(median ${COLD_TIMES[$crate]}) s | ${COLD_TIMES[$crate]% } | ≤ 20 s |"
    done
}

# The slowest units of the last cold consumer build, from cargo's --timings report.
for crate in "${CONSUMERS[@]}"; do
    echo
    echo "slowest units of the last cold $crate build (seconds; a crate listed twice was built for the host, for a"
    echo "proc macro, and for the target; report: $OUT/timings/$crate.html):"
    python3 - "$OUT/timings/$crate.html" <<'PY'
import json, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S).group(1))
units.sort(key=lambda u: -u["duration"])
for u in units[:10]:
    print(f"  {u['duration']:6.2f}  {u['name']} v{u['version']}{u.get('target', '')}")
print(f"  {len(units)} units, {sum(u['duration'] for u in units):.1f} s of work in all")
PY
done
