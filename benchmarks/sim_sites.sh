#!/bin/bash
# SNV sites on the simulated reference of test-data/sim, for the benchmarks
# that need many sites there (memory.sh, cohort.sh without the WGS set).
# Usage: benchmarks/sim_sites.sh SIM_DIR FIRST STEP [MAX]
# Prints a VCF: every STEP-th base of chr1 and chr2 from base FIRST
# (1-based), ALT the base after REF in ACGT, at most MAX sites (all without).
set -euo pipefail
SIM=$1 FIRST=$2 STEP=$3 MAX=${4:-0}
printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n'
for ctg in chr1 chr2; do
    samtools faidx "$SIM/ref.fa" "$ctg" | grep -v '^>' | tr -d '\n' |
        awk -v c="$ctg" -v first="$FIRST" -v step="$STEP" '{
            split("ACGT", b, "")
            for (p = first; p <= length($0); p += step) {
                r = toupper(substr($0, p, 1)); a = "A"
                for (k = 1; k <= 4; k++) if (b[k] == r) a = b[k % 4 + 1]
                printf "%s\t%d\t.\t%s\t%s\t.\t.\t.\n", c, p, r, a
            } }'
done | awk -v max="$MAX" 'max == 0 || NR <= max'
