#!/bin/bash
# Benchmark of --model realign against the default model and the decode
# floor, its aligned-read share and its kernel's speed (SIMD and scalar),
# and its accuracy on the truth set.  Appends (or replaces) the section
# "Counting model realign" at the end of benchmarks/RESULTS.md.
# Usage: benchmarks/run_realign.sh [DATA_DIR] [TRUTH_DIR] [PAIRS]
#   DATA_DIR from make_data.py (default benchmarks/data), TRUTH_DIR from
#   make_truth.py (default benchmarks/truth; skipped when absent), PAIRS
#   interleaved pairs per ratio (default 7).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
DATA=${1:-$here/data}
TRUTH=${2:-$here/truth}
PAIRS=${3:-7}
GBCMS=${GBCMS:-$here/../build/gbcms}
W=$DATA/wgs
P=$DATA/panel
REF=$DATA/ref.fa
BAMS=("$W/tumor1.bam" "$W/tumor2.bam" "$W/tumor3.bam" "$W/normal.bam")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
[[ -x $GBCMS ]] || { echo "build gbcms first ($GBCMS)"; exit 1; }
med() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# wall seconds, CPU seconds, peak RSS MB: medians of 3
declare -A WALL CPU RSS
measure() {
    local name=$1; shift
    local w=() c=() r=()
    for i in 1 2 3; do
        /usr/bin/time -f "%e %U %S %M" -o "$TMP/time" "$@" >/dev/null 2>"$TMP/err" || { cat "$TMP/err"; exit 1; }
        read -r e u s m < "$TMP/time"
        w+=("$e"); c+=("$(echo "$u + $s" | bc)"); r+=("$m")
    done
    WALL[$name]=$(printf '%s\n' "${w[@]}" | med)
    CPU[$name]=$(printf '%s\n' "${c[@]}" | med | awk '{printf "%.2f", $1}')
    RSS[$name]=$(printf '%s\n' "${r[@]}" | med | awk '{printf "%.0f", $1 / 1024}')
    echo "$name: wall ${WALL[$name]} cpu ${CPU[$name]} rss ${RSS[$name]} MB" >&2
}
# median (and range) of per-pair wall ratios A/B, A and B run in turn
declare -A PAIRED RANGE
paired() {
    local name=$1; shift
    local a=() b=() ratios=()
    while [[ $1 != -- ]]; do a+=("$1"); shift; done
    shift; b=("$@")
    for ((i = 0; i < PAIRS; i++)); do
        /usr/bin/time -f "%e" -o "$TMP/ta" "${a[@]}" >/dev/null 2>"$TMP/err" || { cat "$TMP/err"; exit 1; }
        /usr/bin/time -f "%e" -o "$TMP/tb" "${b[@]}" >/dev/null 2>"$TMP/err" || { cat "$TMP/err"; exit 1; }
        ratios+=("$(echo "scale=4; $(cat "$TMP/ta") / $(cat "$TMP/tb")" | bc)")
    done
    PAIRED[$name]=$(printf '%s\n' "${ratios[@]}" | med | awk '{printf "%.3f", $1}')
    RANGE[$name]=$(printf '%s\n' "${ratios[@]}" | sort -g | awk 'NR==1 {lo=$1} {hi=$1} END {printf "%.2f-%.2f", lo, hi}')
    echo "$name: ${PAIRED[$name]} (${RANGE[$name]})" >&2
}
# kernel counters: "aligned touched cells Mcells/s" (Mcells/s: median of 3)
stats() {
    local k=$1; shift
    local speeds=() line=""
    for i in 1 2 3; do
        GBCMS_KERNEL=$k GBCMS_STATS=1 "$@" -o /dev/null 2>"$TMP/st" || { cat "$TMP/st"; exit 1; }
        line=$(grep 'realign:' "$TMP/st")
        speeds+=("$(echo "$line" | sed 's/.*(\([0-9.]*\) Mcells\/s).*/\1/')")
    done
    echo "$line" | awk -v s="$(printf '%s\n' "${speeds[@]}" | med)" \
        '{for (i = 1; i <= NF; i++) { if ($i == "read-variant") t = $(i-1); if ($i == "aligned;") a = $(i-2); if ($i == "cells") c = $(i-1) } print a, t, c, s}'
}

wgs=(count --fasta "$REF" --vcf "$W/sites.vcf" --bam "${BAMS[@]}")
panel=(count --fasta "$REF" --vcf "$P/sites.vcf" --bam "$P/tumor_2000x.bam")
floor_panel=(samtools view -c "$P/tumor_2000x.bam")

measure "gbcms -t 1" "$GBCMS" "${wgs[@]}" -t 1 -o /dev/null
measure "realign -t 1" "$GBCMS" "${wgs[@]}" --model realign -t 1 -o /dev/null
measure "gbcms -t 2" "$GBCMS" "${wgs[@]}" -t 2 -o /dev/null
measure "realign -t 2" "$GBCMS" "${wgs[@]}" --model realign -t 2 -o /dev/null
measure "realign -t 2 --fragment-count" "$GBCMS" "${wgs[@]}" --model realign -t 2 --fragment-count -o /dev/null
paired "wgs t1" "$GBCMS" "${wgs[@]}" --model realign -t 1 -o /dev/null -- "$GBCMS" "${wgs[@]}" -t 1 -o /dev/null
paired "wgs t2" "$GBCMS" "${wgs[@]}" --model realign -t 2 -o /dev/null -- "$GBCMS" "${wgs[@]}" -t 2 -o /dev/null
measure "panel realign" "$GBCMS" "${panel[@]}" --model realign -t 1 -o /dev/null
measure "panel gbcms" "$GBCMS" "${panel[@]}" -t 1 -o /dev/null
measure "panel floor" "${floor_panel[@]}"
paired "panel floor" "$GBCMS" "${panel[@]}" --model realign -t 1 -o /dev/null -- "${floor_panel[@]}"
paired "panel gbcms" "$GBCMS" "${panel[@]}" --model realign -t 1 -o /dev/null -- "$GBCMS" "${panel[@]}" -t 1 -o /dev/null
for d in 500 2000; do
    measure "mem $d" "$GBCMS" count --model realign --fasta "$REF" --vcf "$P/sites.vcf" --bam "$P/tumor_${d}x.bam" \
        -t 2 --fragment-count -o /dev/null
done

declare -A ST
sets=("wgs" "panel")
[[ -f $TRUTH/truth.bam ]] && sets+=("truth")
for set in "${sets[@]}"; do
    case $set in
    wgs) args=("$GBCMS" "${wgs[@]}" --model realign -t 1) ;;
    panel) args=("$GBCMS" "${panel[@]}" --model realign -t 1) ;;
    truth) args=("$GBCMS" count --model realign --fasta "$TRUTH/ref.fa" --vcf "$TRUTH/truth_left.vcf" --bam "$TRUTH/truth.bam" -t 1) ;;
    esac
    for k in scalar sse41 avx2; do
        ST[$set.$k]=$(stats $k "${args[@]}")
        echo "$set $k: ${ST[$set.$k]}" >&2
    done
done

{
    echo
    echo "<!-- realign section: written by benchmarks/run_realign.sh -->"
    echo "## Counting model realign"
    echo
    echo "Made by \`benchmarks/run_realign.sh\` on $(date -u +%Y-%m-%d) at commit $(git -C "$here/.." describe --always --dirty 2>/dev/null || echo unknown);"
    echo "same machine and data as above. Times: medians of 3; ratios: medians of $PAIRS interleaved pairs (range in brackets)."
    echo
    echo "| command | wall s | CPU s | peak RSS MB |"
    echo "| --- | --- | --- | --- |"
    for n in "gbcms -t 1" "realign -t 1" "gbcms -t 2" "realign -t 2" "realign -t 2 --fragment-count" "panel gbcms" "panel realign" "panel floor"; do
        echo "| $n | ${WALL[$n]} | ${CPU[$n]} | ${RSS[$n]} |"
    done
    echo
    echo "- 4 BAMs, 10,000 sites: realign / default model = ${PAIRED[wgs t1]} at 1 thread (${RANGE[wgs t1]}), ${PAIRED[wgs t2]} at 2 threads (${RANGE[wgs t2]}); target <= 1.15."
    echo "- Panel at 2000x, 1 thread: realign / decode floor (\`samtools view -c\`) = ${PAIRED[panel floor]} (${RANGE[panel floor]}); target <= 1.3. Realign / default model = ${PAIRED[panel gbcms]} (${RANGE[panel gbcms]})."
    echo "- Memory, panel with \`--fragment-count -t 2\`: ${RSS[mem 500]} MB at 500x, ${RSS[mem 2000]} MB at 2000x."
    echo
    echo "Reads aligned (slow path) and the kernel's speed; cells are read bases x haplotype bases actually aligned; speed the median of 3 runs, kernel time only, 1 thread:"
    echo
    echo "| data | read x variant pairs at events | aligned | scalar Mcells/s | SSE4.1 Mcells/s | AVX2 Mcells/s | AVX2 / scalar |"
    echo "| --- | --- | --- | --- | --- | --- | --- |"
    for set in "${sets[@]}"; do
        read -r a t c s1 <<< "${ST[$set.scalar]}"
        read -r _ _ _ s2 <<< "${ST[$set.sse41]}"
        read -r _ _ _ s3 <<< "${ST[$set.avx2]}"
        name=$set; [[ $set == wgs ]] && name="4 BAMs, 10,000 sites"; [[ $set == panel ]] && name="panel 2000x"; [[ $set == truth ]] && name="truth set (left VCF)"
        echo "| $name | $t | $a ($(echo "scale=2; 100 * $a / $t" | bc | sed 's/^\./0./')%) | $s1 | $s2 | $s3 | $(echo "scale=1; $s3 / $s1" | bc) |"
    done
    if [[ -f $TRUTH/truth.bam ]]; then
        echo
        echo "Accuracy on the full truth set (\`make_truth.py\`; share of records within max(0.02, 0.2 x true VAF), mean absolute error):"
        echo
        echo '```'
        bash "$here/../test/check_realign_truth.sh" "$GBCMS" "$TRUTH" "$TMP/truth" --report
        echo '```'
    fi
} > "$TMP/section.md"
results=$here/RESULTS.md
if grep -q '^<!-- realign section' "$results"; then
    awk '/^<!-- realign section/ { exit } { print }' "$results" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' > "$TMP/head.md"
else
    cp "$results" "$TMP/head.md"
fi
cat "$TMP/head.md" "$TMP/section.md" > "$results"
echo "appended to $results" >&2
