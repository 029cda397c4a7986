#!/bin/bash
# The simulated tumour/normal set: gbcms must report exactly the counts the
# simulator knows by construction (test-data/sim/truth.tsv), with VCF and
# MAF input, in default and generic counting.  Usage: check_truth.sh GBCMS SRC WORK
set -u
GBCMS=$1; SIM=$2/test-data/sim; WORK=$3
pass=0; fail=0
compare() {  # name, gbcms TSV output
    local name=$1 out=$2
    # truth: sample chrom pos ref alt DP RD AD DPP RDP ADP DPF RDF ADF
    # gbcms: Sample Chrom Pos ID Ref Alt DP RD AD VF DPP DPN RDP RDN ADP ADN DPF RDF ADF
    local bad rc
    bad=$(awk -F'\t' 'NR==FNR { if (FNR > 1) t[$1 FS $2 FS $3] = $6 FS $7 FS $8 FS $9 FS $10 FS $11 FS $12 FS $13 FS $14; next }
        !/^#/ && $1 != "Sample" { k = $1 FS $2 FS $3; got = $7 FS $8 FS $9 FS $11 FS $13 FS $15 FS $17 FS $18 FS $19; n++
                  if (!(k in t)) { print "no truth for " k; bad++ }
                  else if (t[k] != got) { print k ": got " got ", truth " t[k]; bad++ }
                  seen[k] = 1 }
        END { for (k in t) if (!(k in seen)) { print "missing " k; bad++ }
              if (n == 0) print "no rows"; }' "$SIM/truth.tsv" "$out")
    rc=$?
    if [[ $rc != 0 ]]; then echo "FAIL $name: awk exited $rc"; fail=$((fail + 1)); return; fi
    if [[ -z $bad ]]; then pass=$((pass + 1)); else echo "FAIL $name:"; echo "$bad" | head -20; fail=$((fail + 1)); fi
}
common=(--fasta "$SIM/ref.fa" --bam "$SIM/tumor.bam" "$SIM/normal.bam" --fragment-count --format tsv)
for mode in default generic; do
    extra=(); [[ $mode == generic ]] && extra=(--generic-counting)
    for input in vcf maf; do
        out=$WORK/truth.$mode.$input.tsv
        rm -f "$out"   # a failed run must not leave an earlier run's rows to compare
        "$GBCMS" count "${common[@]}" "${extra[@]}" --$input "$SIM/variants.$input" > "$out"
        rc=$?
        if [[ $rc == 0 ]]; then
            compare "$mode $input" "$out"
        else
            echo "FAIL $mode $input: gbcms exited $rc"; fail=$((fail + 1))
        fi
    done
done
echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
