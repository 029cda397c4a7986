#!/bin/bash
# Output is byte-identical for any --threads and block size, and the same
# rows (columns aside) for any BAM order.  Every run must exit 0 and write
# its output afresh: each output file is removed before its run, and the
# reference is made by this script, so neither a crash nor an earlier run's
# file can pass.  Usage: check_determinism.sh GBCMS SRC WORK
set -u
GBCMS=$1; SIM=$2/test-data/sim
WORK=$(mktemp -d "$3/determinism.XXXXXX") || exit 1
pass=0; fail=0
args=(--fasta "$SIM/ref.fa" --vcf "$SIM/variants.vcf" --fragment-count)
bams=(--bam "$SIM/tumor.bam" "$SIM/normal.bam")
failed() { echo "FAIL $*"; fail=$((fail + 1)); }
# count OUT ARGS...: gbcms count ARGS -o OUT; 0 if it exits 0 and writes OUT
count() {
    local out=$1 rc
    shift
    rm -f "$out" "$out.body"
    "$GBCMS" count "$@" -o "$out" 2>"$WORK/stderr"
    rc=$?
    if [[ $rc != 0 ]]; then failed "gbcms count $*: exit $rc: $(head -c 300 "$WORK/stderr")"; return 1; fi
    if [[ ! -s $out ]]; then failed "gbcms count $*: no output"; return 1; fi
    # the command-line line differs between runs by design
    if ! grep -v '^##gbcms_command' "$out" > "$out.body"; then failed "$out: no rows"; return 1; fi
}
same() {  # WHAT: the last run's output equals the reference
    if cmp -s "$WORK/ref.vcf.body" "$WORK/det.vcf.body"; then pass=$((pass + 1)); else failed "$1 differs"; fi
}
count "$WORK/ref.vcf" "${args[@]}" "${bams[@]}" || { echo "no reference run"; exit 1; }
if [[ $(grep -vc '^#' "$WORK/ref.vcf.body") == 0 ]]; then echo "FAIL reference has no variant rows"; exit 1; fi
for t in 1 2 7; do
    for bs in 1 3 10000; do
        for bd in 1 100000; do
            count "$WORK/det.vcf" "${args[@]}" "${bams[@]}" --threads $t --max-block-size $bs --max-block-dist $bd &&
                same "threads $t block size $bs block dist $bd"
        done
    done
done
# Seek-or-read-through rule forced both ways: a query per variant, one per block
for seek in 0 1e12; do
    GBCMS_SEEK_GAP=$seek count "$WORK/det.vcf" "${args[@]}" "${bams[@]}" -t 2 && same "GBCMS_SEEK_GAP=$seek"
done
# BAM order: the same rows once sorted
if count "$WORK/a.tsv" "${args[@]}" --format tsv --bam "$SIM/tumor.bam" "$SIM/normal.bam" &&
   count "$WORK/b.tsv" "${args[@]}" --format tsv --bam "$SIM/normal.bam" "$SIM/tumor.bam" -t 2 --max-block-size 2; then
    # provenance lines aside: they hold the command line and the sample order
    if grep -v '^#' "$WORK/a.tsv" | sort > "$WORK/a.sorted" && grep -v '^#' "$WORK/b.tsv" | sort > "$WORK/b.sorted" &&
       cmp -s "$WORK/a.sorted" "$WORK/b.sorted"; then
        pass=$((pass + 1))
    else
        failed "BAM order"
    fi
fi
echo "$pass passed, $fail failed"
[[ $fail == 0 ]] && rm -rf "$WORK"
[[ $fail == 0 ]]
