#!/bin/bash
# Variant-input cases that need more than one run or a generated file:
# MAF columns matched by name per file, many records at one position, and
# one-line messages for huge values.  Usage: check_inputs.sh GBCMS SRC WORK
set -u
GBCMS=$1; SRC=$2; WORK=$3/inputs
DATA=$SRC/test-data
rm -rf "$WORK"; mkdir -p "$WORK"
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
body() { grep -v '^#' "$1"; }   # output without provenance lines

# 1. Two MAFs whose columns are in different orders: each file's columns are
# found by name, so the fillout's Sample and Gene columns stay right.
maf=$DATA/sim/variants.maf
awk -F'\t' 'BEGIN { OFS = "\t" } /^#/ { print; next }
    { t = $1; $1 = $9; $9 = t; print }' "$maf" > "$WORK/swapped.maf"   # Hugo_Symbol <-> Tumor_Sample_Barcode
args=(--fasta "$DATA/sim/ref.fa" --bam "$DATA/sim/tumor.bam" "$DATA/sim/normal.bam")
rm -f "$WORK/same.txt" "$WORK/mixed.txt"
if "$GBCMS" count "${args[@]}" --maf "$maf" --maf "$maf" -o "$WORK/same.txt" &&
   "$GBCMS" count "${args[@]}" --maf "$maf" --maf "$WORK/swapped.maf" -o "$WORK/mixed.txt"; then
    if cmp -s <(body "$WORK/same.txt") <(body "$WORK/mixed.txt"); then ok
    else bad "MAF column order: the second MAF's columns were taken by position"; diff "$WORK/same.txt" "$WORK/mixed.txt" | head -5; fi
    # and the gene really is where the header says (row 2: GENE1, sample tumor)
    row=$(awk -F'\t' '!/^#/ && ++n == 2 { print $1 "," $8 }' "$WORK/mixed.txt")
    [[ $row == tumor,GENE1 ]] && ok || bad "fillout row 1 has Sample,Gene '$row', expected 'tumor,GENE1'"
else
    bad "MAF column order: a run failed"
fi

# 2. 100,000 identical records at one position are linked in n log n: the
# quadratic version took over 20 s here.
{ echo '##fileformat=VCFv4.2'; printf '#CHROM\tPOS\tID\tREF\tALT\n'
  awk 'BEGIN { for (i = 0; i < 100000; i++) printf "chr1\t301\tv%d\tT\t%s\n", i, (i % 2 ? "A" : "C") }'
} > "$WORK/crowd.vcf"
rm -f "$WORK/crowd.out"
if timeout 10 "$GBCMS" count --bam "$DATA/sim/tumor.bam" --vcf "$WORK/crowd.vcf" --format tsv -o "$WORK/crowd.out"; then
    # every record is written, and identical records share their counts
    n=$(grep -v '^#' "$WORK/crowd.out" | grep -vc '^Sample')
    kinds=$(awk -F'\t' '!/^#/ && $1 != "Sample" { print $6 "\t" $7 "\t" $8 "\t" $9 }' "$WORK/crowd.out" | sort -u | wc -l)
    [[ $n == 100000 && $kinds == 2 ]] && ok || bad "crowded position: $n rows, $kinds distinct count sets (expected 100000, 2)"
else
    bad "crowded position: exit $? (timeout or error)"
fi

# 3. A huge bad value still gives one line that ends in a newline and
# keeps its explanation.
long=$(awk 'BEGIN { for (i = 0; i < 10000; i++) printf "X" }')
{ echo '##fileformat=VCFv4.2'; printf '#CHROM\tPOS\tID\tREF\tALT\n'; printf 'chr1\t301\tv\t%s\tA\n' "$long"; } > "$WORK/long.vcf"
rm -f "$WORK/long.out"
"$GBCMS" count --bam "$DATA/sim/tumor.bam" --vcf "$WORK/long.vcf" -o "$WORK/long.out" 2> "$WORK/long.err"
rc=$?
lines=$(wc -l < "$WORK/long.err")
if [[ $rc != 1 ]]; then bad "long REF: exit $rc, expected 1"
elif [[ $lines != 1 ]] || ! grep -q "(10000 characters)' is empty or has a character other than" "$WORK/long.err"; then
    bad "long REF: message not one abbreviated line: $(head -c 200 "$WORK/long.err")"
elif [[ -e $WORK/long.out ]]; then bad "long REF: left an output"
else ok; fi

echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
