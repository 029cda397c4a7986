#!/bin/bash
# Allele-fraction accuracy of --model realign, and of the default model for
# comparison, on a truth set made by benchmarks/make_truth.py (the --small
# slice in test-data/realign, or the full set).  A record is within
# tolerance when |VF - true VAF| <= max(0.02, 0.2 x true VAF).
# Targets (realign): >= 95% of indel and complex records within tolerance in
# each of the left-aligned, right-shifted and delins VCFs; every class's mean
# absolute error <= 0.01; SNV and MNV classes no worse than the default model.
# Usage: check_realign_truth.sh GBCMS DATA_DIR WORK [--report]
#   --report: print the tables and the verdict, exit 0 whatever it is
set -u
GBCMS=$1; DATA=$2; WORK=$3; REPORT=${4:-}
mkdir -p "$WORK" || exit 1
summary=$WORK/realign_truth.summary
: > "$summary" || exit 1
for rep in left right delins; do
    for model in gbcms realign; do
        out=$WORK/realign_truth.$rep.$model.tsv
        if ! "$GBCMS" count --model "$model" --fasta "$DATA/ref.fa" --vcf "$DATA/truth_$rep.vcf" \
                --bam "$DATA/truth.bam" --format tsv -o "$out"; then
            echo "FAIL gbcms --model $model on truth_$rep.vcf exited $?"; exit 1
        fi
        # truth: vcf id class pos ref alt af alt_inf ref_inf true_vaf
        # gbcms: Sample Chrom Pos ID Ref Alt DP RD AD VF ...
        if ! awk -F'\t' -v rep="$rep" -v model="$model" '
            NR == FNR { if (FNR > 1 && $1 == rep) { cls[$2] = $3; tv[$2] = $10 } next }
            !/^#/ && $1 != "Sample" {   # provenance lines and the header aside
                id = $4; if (!(id in cls)) { print "no truth for " id > "/dev/stderr"; bad = 1; next }
                seen[id] = 1
                err = $10 - tv[id]; if (err < 0) err = -err
                tol = 0.2 * tv[id]; if (tol < 0.02) tol = 0.02
                c = cls[id]; n[c]++; sum[c] += err; if (err <= tol + 1e-9) ok[c]++
            }
            END {
                for (id in cls) if (!(id in seen)) { print "missing " id > "/dev/stderr"; bad = 1 }
                for (c in n) printf "%s\t%s\t%s\t%d\t%d\t%.5f\n", rep, model, c, n[c], ok[c], sum[c] / n[c]
                exit bad
            }' "$DATA/truth.tsv" "$out" >> "$summary"; then
            echo "FAIL rows of $out do not match the truth"; exit 1
        fi
    done
done
# rep model class n within mae -> tables and verdict
awk -F'\t' -v report="$REPORT" '
    function kind(c) { return c == "snv" || c == "mnv" || c == "snv_near_indel" ? "snv" : "indel" }
    { key = $1 FS $2 FS $3; n[key] = $4; ok[key] = $5; mae[key] = $6; classes[$3] = 1; reps[$1] = 1
      if (kind($3) == "indel") { tn[$1 FS $2] += $4; tok[$1 FS $2] += $5 } }
    END {
        fail = 0
        split("left right delins", order, " ")
        for (r = 1; r <= 3; r++) {
            rep = order[r]
            printf "\n%s VCF            gbcms within  MAE      realign within  MAE\n", rep
            m = 0; for (c in classes) names[++m] = c
            for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (names[j] < names[i]) { t = names[i]; names[i] = names[j]; names[j] = t }
            for (i = 1; i <= m; i++) {
                c = names[i]; g = rep FS "gbcms" FS c; a = rep FS "realign" FS c
                if (!(a in n)) continue
                printf "  %-20s %3d/%-3d %6.1f%% %.4f   %3d/%-3d %6.1f%% %.4f\n", c, ok[g], n[g], 100 * ok[g] / n[g], mae[g],
                       ok[a], n[a], 100 * ok[a] / n[a], mae[a]
                if (mae[a] > 0.01) { printf "    target missed: %s %s mean absolute error %.4f > 0.01\n", rep, c, mae[a]; fail = 1 }
                if (kind(c) == "snv" && (ok[a] < ok[g] || mae[a] > mae[g] + 0.001)) {
                    printf "    target missed: %s %s worse than the default model\n", rep, c; fail = 1 }
            }
            for (md = 1; md <= 2; md++) {
                model = md == 1 ? "gbcms" : "realign"; k = rep FS model
                printf "  indel and complex records within tolerance, %s: %d/%d = %.1f%%\n", model, tok[k], tn[k], 100 * tok[k] / tn[k]
            }
            k = rep FS "realign"
            if (tok[k] < 0.95 * tn[k]) { printf "    target missed: %s indel/complex %.1f%% < 95%%\n", rep, 100 * tok[k] / tn[k]; fail = 1 }
        }
        print fail ? "\nrealign targets: MISSED" : "\nrealign targets: met"
        exit report ? 0 : fail
    }' "$summary"
