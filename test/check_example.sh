#!/bin/bash
# The public-API example counts what `gbcms count` counts.
# Usage: check_example.sh EXAMPLE GBCMS SRC WORK
set -u
EXAMPLE=$1; GBCMS=$2; SIM=$3/test-data/sim; WORK=$4/example
rm -rf "$WORK"; mkdir -p "$WORK"
"$EXAMPLE" "$SIM/variants.vcf" "$SIM/tumor.bam" "$SIM/normal.bam" > "$WORK/host.tsv" || { echo "FAIL: example_host exited $?"; exit 1; }
"$GBCMS" count --vcf "$SIM/variants.vcf" --bam "$SIM/tumor.bam" "$SIM/normal.bam" --format tsv -o "$WORK/cli.tsv" ||
    { echo "FAIL: gbcms exited $?"; exit 1; }
# CLI columns: Sample Chrom Pos ID Ref Alt DP RD AD ...
awk -F'\t' 'BEGIN { OFS = "\t" } !/^#/ && $1 != "Sample" { print $2, $3, $5, $6, $1, $7, $8, $9 }' "$WORK/cli.tsv" > "$WORK/cli.cut"
if [[ -s $WORK/host.tsv ]] && cmp -s "$WORK/host.tsv" "$WORK/cli.cut"; then
    echo "1 passed, 0 failed"
else
    echo "FAIL: example_host and gbcms count differ"; diff "$WORK/host.tsv" "$WORK/cli.cut" | head; echo "0 passed, 1 failed"; exit 1
fi
