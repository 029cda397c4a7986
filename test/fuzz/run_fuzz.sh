#!/usr/bin/env bash
# Run every libFuzzer target of a -DGBCMS_FUZZ=ON build for SECONDS each,
# from its seeds in test-data/fuzz/T, and fail when a target crashes, leaks,
# hangs, allocates too much, or ends below its coverage floor
# (test/fuzz/floors.txt): a harness that stops reaching gbcms must not pass.
# Usage: run_fuzz.sh BUILD_DIR [SECONDS] [TARGET...]
set -euo pipefail
shopt -s nullglob
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: run_fuzz.sh BUILD_DIR [SECONDS] [TARGET...]}" && pwd)
secs=${2:-45}
shift $(( $# < 2 ? $# : 2 ))
if [ $# -gt 0 ]; then
    targets=("$@")
else
    targets=()
    for f in "$here"/fuzz_*.c; do
        t=${f##*/fuzz_}
        targets+=("${t%.c}")
    done
fi

# Limits: -timeout catches a hang in one input (the slowest take well under
# a second); -malloc_limit_mb catches one allocation sized from the input.
# The harnesses already skip inputs that make htslib allocate what a mutated
# length declares (see fuzz_count.c), so what trips the limit is gbcms's own.
# -rss_limit_mb is libFuzzer's default, stated so it is not a surprise.
limits=(-timeout=30 -malloc_limit_mb=512 -rss_limit_mb=2048)

floors="$here/floors.txt"
if [ ! -r "$floors" ]; then
    echo "run_fuzz.sh: cannot read $floors"; exit 1
fi
status=0
for t in "${targets[@]}"; do
    floor=$(awk -v t="$t" '$1 == t { print $2 }' "$floors")
    if [ -z "$floor" ]; then
        echo "fuzz_$t: no coverage floor in test/fuzz/floors.txt"; status=1; continue
    fi
    corpus="$build/corpus-$t"
    log="$build/fuzz-$t.log"
    mkdir -p "$corpus"
    rm -f "$build/fuzz-$t-"*   # artifacts of an earlier run
    # New inputs go to the scratch corpus (the first directory); test-data
    # is only read.  A crash is written as $build/fuzz-T-crash-*.
    rc=0
    mkdir -p "$build/fuzz-tmp"   # the targets' scratch files, not in /tmp
    (cd "$build" && TMPDIR="$build/fuzz-tmp" ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        "./fuzz_$t" -max_total_time="$secs" "${limits[@]}" -print_final_stats=1 \
        -artifact_prefix="$build/fuzz-$t-" "$corpus" "$src/test-data/fuzz/$t") > "$log" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then
        tail -60 "$log"
        artifacts=("$build/fuzz-$t-"*)
        echo "fuzz_$t failed (exit $rc); input: ${artifacts[*]:-none saved}"
        status=1; continue
    fi
    # libFuzzer's last status line: "#N  DONE  cov: EDGES ft: ... exec/s: R ..."
    done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE ' "$log" | tail -1 || true)
    cov=$(sed -nE 's/.* cov: ([0-9]+) .*/\1/p' <<< "$done_line")
    runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log")
    rate=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+)/\1/p' "$log")
    if [ -z "$cov" ]; then
        tail -20 "$log"; echo "fuzz_$t: no final coverage line in $log"; status=1; continue
    fi
    echo "fuzz_$t: cov $cov (floor $floor), ${runs:-?} runs, ${rate:-?} exec/s"
    if [ "$cov" -lt "$floor" ]; then
        echo "fuzz_$t: coverage $cov is below its floor $floor: does the harness still reach gbcms?"
        status=1
    fi
done
exit "$status"
