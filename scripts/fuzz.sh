#!/usr/bin/env bash
# Fuzzes iamgen (needs the nightly toolchain and cargo-fuzz: `cargo install cargo-fuzz --locked`).
#
#   scripts/fuzz.sh TARGET [MINUTES] [LIBFUZZER_FLAG...]    run TARGET (json, lint, spec, eval) for MINUTES (10)
#   scripts/fuzz.sh all [MINUTES]                           run every target, one after the other
#   scripts/fuzz.sh keep TARGET NAME ARTIFACT               minimise a crash into fuzz/regressions/TARGET/NAME
#
# A run reads the committed seeds (fuzz/seeds/) and the corpus it grew before (fuzz/corpus/TARGET, not
# committed), writes what it finds to fuzz/corpus/TARGET, and a crashing input to fuzz/artifacts/TARGET/.
# FUZZ_KEEP_GOING=1 keeps a run going past crashes (libFuzzer's fork mode), each written to artifacts.
# FUZZ_SANITIZER picks cargo-fuzz's sanitizer: none by default, since iamgen has no unsafe code and
# AddressSanitizer halves the speed.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

targets=(json lint spec eval)
sanitizer=${FUZZ_SANITIZER:-none}

usage() {
    sed -n '4,6p' "../scripts/fuzz.sh" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

seeds_of() {
    case $1 in
        json | lint) echo seeds/policy ;;
        spec | eval) echo "seeds/$1" ;;
        *)
            echo "unknown target \`$1\`; the targets are ${targets[*]}" >&2
            exit 2
            ;;
    esac
}

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz on the nightly toolchain is needed: rustup toolchain install nightly && cargo install cargo-fuzz --locked" >&2
    exit 2
fi

run() {
    local target=$1 minutes=$2
    shift 2
    local seeds
    seeds=$(seeds_of "$target")
    mkdir -p "corpus/$target"
    local keep_going=()
    if [ "${FUZZ_KEEP_GOING:-0}" = 1 ]; then
        keep_going=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    fi
    # The first directory receives what the run finds; the seeds are only read.
    cargo +nightly fuzz run --sanitizer "$sanitizer" "$target" "corpus/$target" "$seeds" -- \
        -max_total_time=$((minutes * 60)) -dict="dict/$target.dict" -max_len=4096 -timeout=20 \
        -print_final_stats=1 "${keep_going[@]}" "$@"
}

case ${1:-} in
    "" | -h | --help) usage ;;
    all)
        for target in "${targets[@]}"; do
            run "$target" "${2:-10}"
        done
        ;;
    keep)
        [ $# -eq 4 ] || usage
        target=$2 name=$3 artifact=$4
        seeds_of "$target" >/dev/null
        case $artifact in /*) ;; *) artifact="$OLDPWD/$artifact" ;; esac
        cargo +nightly fuzz tmin --sanitizer "$sanitizer" "$target" "$artifact" -- -runs=20000
        minimized=$(ls -t "artifacts/$target"/minimized-from-* | head -n 1)
        mkdir -p "regressions/$target"
        cp "$minimized" "regressions/$target/$name"
        echo "fuzz/regressions/$target/$name:"
        od -c "regressions/$target/$name" | head -n 20
        echo "replay it: cargo test --all-features --test generate fuzz_regressions::"
        ;;
    *)
        target=$1
        minutes=${2:-10}
        shift $(($# < 2 ? $# : 2))
        run "$target" "$minutes" "$@"
        ;;
esac
