#!/bin/bash
# Output is byte-identical for any --threads and block size, and the same
# rows (columns aside) for any BAM order.  Usage: check_determinism.sh GBCMS SRC WORK
set -u
GBCMS=$1; SIM=$2/test-data/sim; WORK=$3
pass=0; fail=0
args=(--fasta "$SIM/ref.fa" --vcf "$SIM/variants.vcf" --fragment-count)
"$GBCMS" count "${args[@]}" --bam "$SIM/tumor.bam" "$SIM/normal.bam" -o "$WORK/det.ref.vcf" || { echo "FAIL reference run"; exit 1; }
for t in 1 2 7; do
    for bs in 1 3 10000; do
        for bd in 1 100000; do
            "$GBCMS" count "${args[@]}" --bam "$SIM/tumor.bam" "$SIM/normal.bam" --threads $t \
                --max-block-size $bs --max-block-dist $bd -o "$WORK/det.vcf"
            if cmp -s <(grep -v '^##gbcms_command' "$WORK/det.ref.vcf") <(grep -v '^##gbcms_command' "$WORK/det.vcf"); then
                pass=$((pass + 1))
            else
                echo "FAIL threads $t block size $bs block dist $bd differs"; fail=$((fail + 1))
            fi
        done
    done
done
# Seek-or-read-through rule forced both ways: a query per variant, one per block
for seek in 0 1e12; do
    GBCMS_SEEK_GAP=$seek "$GBCMS" count "${args[@]}" --bam "$SIM/tumor.bam" "$SIM/normal.bam" -t 2 -o "$WORK/det.vcf"
    if cmp -s <(grep -v '^##gbcms_command' "$WORK/det.ref.vcf") <(grep -v '^##gbcms_command' "$WORK/det.vcf"); then
        pass=$((pass + 1))
    else
        echo "FAIL GBCMS_SEEK_GAP=$seek differs"; fail=$((fail + 1))
    fi
done
# BAM order: the same rows once sorted
"$GBCMS" count "${args[@]}" --format tsv --bam "$SIM/tumor.bam" "$SIM/normal.bam" | sort > "$WORK/det.a.tsv"
"$GBCMS" count "${args[@]}" --format tsv --bam "$SIM/normal.bam" "$SIM/tumor.bam" -t 2 --max-block-size 2 | sort > "$WORK/det.b.tsv"
if [[ -s $WORK/det.a.tsv ]] && cmp -s "$WORK/det.a.tsv" "$WORK/det.b.tsv"; then pass=$((pass + 1)); else echo "FAIL BAM order"; fail=$((fail + 1)); fi
echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
