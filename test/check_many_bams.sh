#!/bin/bash
# Many BAMs under a small file-descriptor limit: 300 inputs (links to 10%
# of the simulated tumour and normal BAMs, every 15th a CRAM of the tumour) under
# `ulimit -n 128` and 256, at --threads 1 and 4.  Each sample's column must
# equal its source's column in a two-BAM run, and the outputs must be
# byte-identical across threads and block sizes.
# Usage: check_many_bams.sh GBCMS SRC WORK
set -u
GBCMS=$1; SIM=$2/test-data/sim; WORK=$3/many_bams
N=300
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
rm -rf "$WORK" && mkdir -p "$WORK/bams" || exit 1
for s in tumor normal; do
    samtools view --no-PG -b -s 0.1 -o "$WORK/$s.bam" "$SIM/$s.bam" && samtools index "$WORK/$s.bam" || exit 1
done
samtools view --no-PG -C -T "$SIM/ref.fa" -o "$WORK/tumor.cram" "$WORK/tumor.bam" || exit 1
samtools index "$WORK/tumor.cram" || exit 1
args=()
for i in $(seq 1 $N); do
    if (( i % 15 == 0 )); then src=$WORK/tumor.cram; ext=cram; idx=crai
    elif (( i % 2 == 0 )); then src=$WORK/tumor.bam; ext=bam; idx=bai
    else src=$WORK/normal.bam; ext=bam; idx=bai; fi
    ln -s "$src" "$WORK/bams/s$i.$ext" && ln -s "$src.$idx" "$WORK/bams/s$i.$ext.$idx" || exit 1
    args+=("s$i:$WORK/bams/s$i.$ext")
done
common=(--fasta "$SIM/ref.fa" --vcf "$SIM/variants.vcf" --fragment-count)
"$GBCMS" count "${common[@]}" --bam tumor:"$WORK/tumor.bam" normal:"$WORK/normal.bam" -o "$WORK/two.vcf" ||
    { echo "FAIL: two-BAM run"; exit 1; }
# Expected: column 10 (tumour) for even samples and the CRAMs, 11 (normal) for the rest.
awk -v n=$N 'BEGIN { FS = OFS = "\t" } /^##/ { next }
    /^#CHROM/ { printf "%s", $1; for (i = 2; i <= 9; i++) printf "\t%s", $i
        for (i = 1; i <= n; i++) printf "\ts%d", i; print ""; next }
    { printf "%s", $1; for (i = 2; i <= 9; i++) printf "\t%s", $i
      for (i = 1; i <= n; i++) printf "\t%s", (i % 2 == 0 || i % 15 == 0 ? $10 : $11); print "" }' \
    "$WORK/two.vcf" > "$WORK/expected.body" || exit 1
first=""
# limit, threads, block size: blocks of 2 variants make 8 jobs per file
for run in "128 1 10000" "128 4 10000" "128 4 2" "256 2 2"; do
    read -r limit t bs <<< "$run"
    out=$WORK/out.$limit.$t.$bs.vcf
    ( ulimit -n $limit && "$GBCMS" count "${common[@]}" --bam "${args[@]}" --threads $t \
        --max-block-size $bs -o "$out" ) 2>"$WORK/err"
    rc=$?
    what="ulimit -n $limit, --threads $t, --max-block-size $bs"
    if [[ $rc != 0 ]]; then bad "$what: exit $rc: $(head -c 300 "$WORK/err")"; continue; fi
    if ! diff <(grep -v '^##' "$out") "$WORK/expected.body" >/dev/null; then
        bad "$what: a column differs from its one-BAM count"; continue
    fi
    grep -v '^##gbcms_command' "$out" > "$out.cmp"
    if [[ -z $first ]]; then first=$out.cmp; ok
    elif cmp -s "$first" "$out.cmp"; then ok
    else bad "$what: output differs from the first run"; fi
done
echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
