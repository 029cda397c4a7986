#!/bin/bash
# --model realign end to end: output byte-identical for any --threads, block
# size, seek rule and alignment kernel (the SIMD kernels checked against the
# scalar twin on every aligned read), the same rows for any BAM order, every
# output format, and its usage errors.  Usage: check_realign.sh GBCMS SRC WORK
set -u
GBCMS=$1; SRC=$2; WORK=$3
RA=$SRC/test-data/realign; SIM=$SRC/test-data/sim
mkdir -p "$WORK" || exit 1
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
same() {  # name, file a, file b: equal but for the command line
    if cmp -s <(grep -v '^##gbcms_command' "$2") <(grep -v '^##gbcms_command' "$3"); then ok; else bad "$1 differs"; fi
}
run() {  # output, args...: gbcms must exit 0
    local out=$1; shift
    if "$GBCMS" count --model realign "$@" -o "$out" 2> "$WORK/ra.err"; then ok; else bad "exit $? for: $* ($(head -1 "$WORK/ra.err"))"; fi
}

for set in realign sim; do
    if [[ $set == realign ]]; then
        args=(--fasta "$RA/ref.fa" --vcf "$RA/truth_left.vcf" --vcf "$RA/truth_right.vcf" --bam "$RA/truth.bam")
    else
        args=(--fasta "$SIM/ref.fa" --vcf "$SIM/variants.vcf" --bam "$SIM/tumor.bam" "$SIM/normal.bam")
    fi
    ref=$WORK/ra.$set.ref.vcf
    run "$ref" "${args[@]}" --fragment-count
    [[ -s $ref ]] || bad "$set: empty reference output"
    for t in 1 2 7; do
        for bs in 1 3 10000; do
            for bd in 1 100000; do
                run "$WORK/ra.vcf" "${args[@]}" --fragment-count --threads $t --max-block-size $bs --max-block-dist $bd
                same "$set threads $t block size $bs block dist $bd" "$ref" "$WORK/ra.vcf"
            done
        done
    done
    for seek in 0 1e12; do
        GBCMS_SEEK_GAP=$seek run "$WORK/ra.vcf" "${args[@]}" --fragment-count -t 2
        same "$set GBCMS_SEEK_GAP=$seek" "$ref" "$WORK/ra.vcf"
    done
    # every kernel this CPU has gives the same output; 'check' compares SIMD
    # and scalar on every batch and fails on any difference
    for k in scalar sse41 avx2 check; do
        if [[ $k == sse41 || $k == avx2 ]] && ! grep -qw "${k/sse41/sse4_1}" /proc/cpuinfo; then continue; fi
        GBCMS_KERNEL=$k run "$WORK/ra.vcf" "${args[@]}" --fragment-count -t 2 --max-block-size 2
        same "$set GBCMS_KERNEL=$k" "$ref" "$WORK/ra.vcf"
    done
    # counters add up: DP >= RD + AD, DPF >= fragments with REF or ALT (VCF: DP:RD:AD:VF:DPP:DPN:RDP:RDN:ADP:ADN:DPF:RDF:ADF)
    if awk -F'\t' '!/^#/ { for (c = 10; c <= NF; c++) { split($c, f, ":")
            if (f[1] < f[2] + f[3] || f[5] + f[6] != f[1] || f[7] + f[8] != f[2] || f[9] + f[10] != f[3] || f[11] > f[1] || f[12] + f[13] > f[11]) bad = 1 } }
            END { exit bad }' "$ref"; then ok; else bad "$set: counters do not add up"; fi
done

# BAM order: the same rows once sorted
args=(--fasta "$SIM/ref.fa" --vcf "$SIM/variants.vcf" --fragment-count --format tsv)
run "$WORK/ra.a.tsv" "${args[@]}" --bam "$SIM/tumor.bam" "$SIM/normal.bam"
run "$WORK/ra.b.tsv" "${args[@]}" --bam "$SIM/normal.bam" "$SIM/tumor.bam" -t 2 --max-block-size 2
# (provenance lines aside: they hold the command line and the sample order)
if [[ -s $WORK/ra.a.tsv ]] && cmp -s <(grep -v '^#' "$WORK/ra.a.tsv" | sort) <(grep -v '^#' "$WORK/ra.b.tsv" | sort); then ok; else bad "BAM order"; fi

# Every output format; the counts agree between VCF and TSV
run "$WORK/ra.fmt.vcf" --fasta "$SIM/ref.fa" --vcf "$SIM/variants.vcf" --bam "$SIM/tumor.bam" --vcf-fields standard
run "$WORK/ra.fillout" --fasta "$SIM/ref.fa" --maf "$SIM/variants.maf" --bam "$SIM/tumor.bam" --fragment-count
run "$WORK/ra.maf" --fasta "$SIM/ref.fa" --maf "$SIM/variants.maf" --bam "$SIM/tumor.bam" --omaf
run "$WORK/ra.bcf" --fasta "$SIM/ref.fa" --vcf "$SIM/variants.vcf" --bam "$SIM/tumor.bam" -O b
for f in ra.fmt.vcf ra.fillout ra.maf ra.bcf; do [[ -s $WORK/$f ]] && ok || bad "$f is empty"; done
if cmp -s <(awk -F'\t' 'FNR > 1 && $1 == "tumor" { print $3, $5, $6, $7, $8, $9 }' "$WORK/ra.a.tsv") \
          <(awk -F'\t' '!/^#/ { split($10, f, ":"); print $2, $4, $5, f[1], f[2], f[3] }' "$WORK/ra.sim.ref.vcf"); then
    ok
else
    bad "VCF and TSV counts differ"
fi

# Usage errors: exit 2, one error line
check_usage() {  # expected message part, args...
    local want=$1; shift
    "$GBCMS" count "$@" > /dev/null 2> "$WORK/ra.err"; local rc=$?
    if [[ $rc == 2 ]] && grep -q "$want" "$WORK/ra.err" && [[ $(grep -c '^gbcms: error' "$WORK/ra.err") == 1 ]]; then ok; else bad "usage: $* (exit $rc: $(cat "$WORK/ra.err"))"; fi
}
check_usage "needs --fasta" --model realign --vcf "$SIM/variants.vcf" --bam "$SIM/tumor.bam"
check_usage "takes gbcms or realign" --model best --fasta "$SIM/ref.fa" --vcf "$SIM/variants.vcf" --bam "$SIM/tumor.bam"
check_usage "generic-counting" --model realign --generic-counting --fasta "$SIM/ref.fa" --vcf "$SIM/variants.vcf" --bam "$SIM/tumor.bam"
GBCMS_KERNEL=neon9 check_usage "GBCMS_KERNEL takes" --model realign --fasta "$SIM/ref.fa" --vcf "$SIM/variants.vcf" --bam "$SIM/tumor.bam"

echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
