#!/usr/bin/env bash
# The generator's scale benchmark against AWS CDK: N roles, each with a trust policy and one attached managed
# policy, for N = 10, 100, 1,000 and 10,000 (see benches/generate.rs for the workload).
#
# Usage: bash benches/cdk/measure.sh
#   CDK_RUNS=3        runs of synth.js per N (the median is reported; 5 at N <= 100)
#   CDK_TIMEOUT=300   seconds one synth.js run may take before that N is reported as skipped
#   CDK_BENCH_PREFIX  where aws-cdk-lib is installed (default target/cdk-bench, git-ignored)
#
# Installs the pinned aws-cdk-lib and constructs of benches/cdk/package.json into the prefix when missing
# (the npm registry is the only network access), runs synth.js for each N, runs
# `cargo bench --features generate --bench generate`, and prints one table with the ratio CDK / iamgen per N.
# The ratio compares what each measures in its own process: CDK's construct + app.synth(), against iamgen's
# Stack building + render().
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
prefix="${CDK_BENCH_PREFIX:-$root/target/cdk-bench}"
runs="${CDK_RUNS:-3}"
limit="${CDK_TIMEOUT:-300}"
sizes=(10 100 1000 10000)

pinned() { node -p "require('$root/benches/cdk/package.json').dependencies['$1']"; }
installed() { node -p "try { require('$prefix/node_modules/$1/package.json').version } catch { '' }"; }
if [[ "$(installed aws-cdk-lib)" != "$(pinned aws-cdk-lib)" || "$(installed constructs)" != "$(pinned constructs)" ]]; then
    echo "installing aws-cdk-lib $(pinned aws-cdk-lib) and constructs $(pinned constructs) into $prefix" >&2
    mkdir -p "$prefix"
    cp benches/cdk/package.json "$prefix/package.json"
    npm install --prefix "$prefix" --no-audit --no-fund --no-update-notifier --loglevel=error >&2
fi

# The median of the numbers on stdin.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
# The value of `key=` in a `result` line.
field() { tr ' ' '\n' | sed -n "s/^$1=//p"; }

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
declare -A cdk_ms cdk_process_ms cdk_note
for n in "${sizes[@]}"; do
    count="$runs"
    if ((n <= 100 && count < 5)); then count=5; fi
    synth=() process=()
    for ((run = 1; run <= count; run++)); do
        if ! line="$(timeout "$limit" node --max-old-space-size=8192 benches/cdk/synth.js "$n" "$prefix" | grep '^result')"; then
            cdk_note[$n]="skipped: one run took over ${limit} s (or failed)"
            break
        fi
        echo "cdk run $run/$count: $line" >&2
        synth+=("$(field construct_synth_ms <<<"$line")")
        process+=("$(field process_ms <<<"$line")")
    done
    if [[ -z "${cdk_note[$n]:-}" ]]; then
        cdk_ms[$n]="$(printf '%s\n' "${synth[@]}" | median)"
        cdk_process_ms[$n]="$(printf '%s\n' "${process[@]}" | median)"
        cdk_note[$n]="$count runs"
    fi
done

echo "running cargo bench --features generate --bench generate" >&2
bench="$(cargo bench --features generate --bench generate 2>/dev/null)"
echo "$bench" | grep -v '^result' >&2

declare -A rust_ms render_ms
while read -r line; do
    n="$(field n <<<"$line")"
    build_ns="$(field build_ns <<<"$line")"
    render_ns="$(field render_ns <<<"$line")"
    render_ms[$n]="$(awk -v r="$render_ns" 'BEGIN { printf "%.3f", r / 1e6 }')"
    rust_ms[$n]="$(awk -v b="$build_ns" -v r="$render_ns" 'BEGIN { printf "%.3f", (b + r) / 1e6 }')"
done < <(echo "$bench" | grep '^result')

echo
echo "machine: $(nproc) cores; $(rustc --version); node $(node --version); aws-cdk-lib $(installed aws-cdk-lib)"
echo "load average (1, 5, 15 min) at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%7s | %14s | %12s | %12s | %8s | %13s | %13s | %8s\n' \
    N "iamgen render" "per role" "build+render" growth "CDK synth" "CDK process" "CDK/iamgen"
previous=""
for n in "${sizes[@]}"; do
    render="${render_ms[$n]:-}"
    total="${rust_ms[$n]:-}"
    per_role="-" growth="-"
    if [[ -n "$render" ]]; then
        per_role="$(awk -v t="$render" -v n="$n" 'BEGIN { printf "%.1f us", t * 1000 / n }')"
        if [[ -n "$previous" ]]; then growth="$(awk -v a="$render" -v b="$previous" 'BEGIN { printf "%.1fx", a / b }')"; fi
        previous="$render"
    fi
    if [[ -n "${cdk_ms[$n]:-}" ]]; then
        cdk="${cdk_ms[$n]} ms" process="${cdk_process_ms[$n]} ms"
        ratio="$(awk -v c="${cdk_ms[$n]}" -v r="$total" 'BEGIN { if (r > 0) printf "%.0fx", c / r; else print "-" }')"
    else
        cdk="${cdk_note[$n]}" process="-" ratio="-"
    fi
    printf '%7s | %11s ms | %12s | %9s ms | %8s | %13s | %13s | %8s\n' \
        "$n" "${render:--}" "$per_role" "${total:--}" "$growth" "$cdk" "$process" "$ratio"
done
