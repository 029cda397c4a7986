#!/bin/bash
# Output formats checked value by value: the MAF and fillout columns
# against what GetBaseCountsMultiSample 1.2.5 writes for the same input,
# and every VCF against bcftools.  Usage: check_outputs.sh GBCMS SRC WORK
set -u
GBCMS=$1; SRC=$2; WORK=$3/outputs
DATA=$SRC/test-data; SIM=$DATA/sim; EXP=$DATA/expected
rm -rf "$WORK"; mkdir -p "$WORK"
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
body() { grep -v '^#' "$1"; }   # output without provenance lines
sim=(--fasta "$SIM/ref.fa" --bam "$SIM/tumor.bam" "$SIM/normal.bam")

# 1. --omaf on the simulated set, every column of every row: the MAF's own
# position and alleles (Reference_Allele in Reference_Allele and
# Tumor_Seq_Allele1, the alternate in Tumor_Seq_Allele2, as GBCMS writes
# them), GBCMS's fixed values, and the counts of the simulator's truth.
# The golden test-data/expected/sim.maf is checked the same way.
check_sim_maf() {  # MAF output file; prints what is wrong
    awk -F'\t' '
        FILENAME == ARGV[1] { if (FNR > 1) t[$1 FS $2 FS $3] = $0; next }   # truth.tsv
        FILENAME == ARGV[2] { if (/^#/) next
            if (!h++) { for (i = 1; i <= NF; i++) c[$i] = i; next }
            # the counted (VCF-style) position, as counting.md sec. 1 converts it
            s = $c["Start_Position"]; r = $c["Reference_Allele"]; a = $c["Tumor_Seq_Allele2"]
            p = (r == "-") ? s : (a == "-" || length(r) != length(a)) ? s - 1 : s
            in_[$c["Chromosome"] FS s] = $0; pos[$c["Chromosome"] FS s] = p; next }
        /^#/ { next }
        !oh++ { for (i = 1; i <= NF; i++) o[$i] = i; if (o["t_variant_frequency"] != 39) print "header: " $0; next }
        { n++; k = $5 FS $6
          if (!(k in in_)) { print "row " n ": no MAF row at " $5 ":" $6; next }
          split(in_[k], m, "\t"); tk = $16 FS $5 FS pos[k]
          if (!(tk in t)) { print "row " n ": no truth for " tk; next }
          split(t[tk], v, "\t")   # sample chrom pos ref alt DP RD AD DPP RDP ADP DPF RDF ADF
          mr = m[c["Reference_Allele"]]; ma = m[c["Tumor_Seq_Allele2"]]
          vt = (mr == "-") ? "INS" : (ma == "-" || length(mr) > length(ma)) ? "DEL" : (length(mr) < length(ma)) ? "INS" : "SNP"
          want = m[c["Hugo_Symbol"]] FS "" FS "msk" FS "hg19" FS m[c["Chromosome"]] FS m[c["Start_Position"]] FS \
                 m[c["End_Position"]] FS "+" FS m[c["Variant_Classification"]] FS vt FS mr FS mr FS ma FS "" FS "" FS \
                 $16 FS "Normal" FS "" FS "" FS "" FS "" FS "" FS "" FS "" FS "" FS "UNPAIRED" FS "" FS "" FS "" FS "" FS \
                 "" FS "" FS v[7] FS v[8] FS "" FS "" FS "" FS v[6]
          got = $1; for (i = 2; i <= 38; i++) got = got FS $i
          if (got != want) { print "row " n " columns 1-38:\n got  " got "\n want " want; next }
          vf = v[6] ? v[8] / v[6] : 0
          if (vf - $39 > 1e-9 || $39 - vf > 1e-9) print "row " n ": VF " $39 ", want " vf
          # the triplets that are present, by name
          split("forward reverse fragment", tn, " ")
          want3["forward"] = v[9] FS v[10] FS v[11]
          want3["reverse"] = (v[6] - v[9]) FS (v[7] - v[10]) FS (v[8] - v[11])
          want3["fragment"] = v[12] FS v[13] FS v[14]
          cols = 39
          for (j = 1; j <= 3; j++) { x = "t_total_count_" tn[j]; if (!(x in o)) continue
              got = $o[x] FS $o["t_ref_count_" tn[j]] FS $o["t_alt_count_" tn[j]]; cols += 3
              if (got != want3[tn[j]]) print "row " n " " tn[j] ": got " got ", want " want3[tn[j]] }
          if (NF != cols) print "row " n ": " NF " columns, want " cols
        }
        END { if (n != 30) print n " rows, expected 30" }' "$SIM/truth.tsv" "$SIM/variants.maf" "$1" 2>&1
}
if "$GBCMS" count "${sim[@]}" --maf "$SIM/variants.maf" --omaf --negative_count 1 --fragment_count 1 \
        -o "$WORK/sim.maf"; then
    for f in "$WORK/sim.maf" "$EXP/sim.maf"; do
        msg=$(check_sim_maf "$f")
        [[ -z $msg ]] && ok || bad "$f: $(printf '%s\n' "$msg" | head -12)"
    done
else
    bad "--omaf on the simulated set: exit $?"
fi

# The golden fillout (--negative_count 1 --fragment_count 1) column by
# column: the MAF row's barcodes, class and gene, the counted (anchored)
# variant, the MAF count columns as integers, empty GBCMS columns, and one
# DP=..;RD=.. column per sample from the truth.
msg=$(awk -F'\t' '
    FILENAME == ARGV[1] { if (FNR > 1) t[$1 FS $2 FS $3] = $0; next }
    FILENAME == ARGV[2] { if (/^#/) next; if (!h++) { for (i = 1; i <= NF; i++) c[$i] = i; next }
        g[$c["Hugo_Symbol"]] = $0; next }
    FNR == 1 { if (NF != 36 || $35 != "tumor" || $36 != "normal") print "header: " $0; next }
    { n++
      if (!($8 in g)) { print "row " n ": gene " $8; next }
      split(g[$8], m, "\t")
      want = m[c["Tumor_Sample_Barcode"]] FS m[c["Matched_Norm_Sample_Barcode"]] FS m[c["Chromosome"]]
      got = $1 FS $2 FS $3
      for (i = 7; i <= 34; i++) got = got FS $i
      want = want FS m[c["Variant_Classification"]] FS m[c["Hugo_Symbol"]]
      for (i = 9; i <= 34; i++) want = want FS ((i == 20 || i == 21 || i == 24 || i == 25) ? "0" : "")
      if (got != want) { print "row " n ":\n got  " got "\n want " want; next }
      for (s = 1; s <= 2; s++) {
          sm = s == 1 ? "tumor" : "normal"; k = sm FS $3 FS $4
          if (!(k in t)) { print "row " n ": no truth at " k; next }
          split(t[k], v, "\t")
          if ($5 != v[4] || $6 != v[5]) print "row " n ": " $5 ">" $6 ", truth " v[4] ">" v[5]
          w = sprintf("DP=%d;RD=%d;AD=%d;VF=%.10g;DPP=%d;RDP=%d;ADP=%d;DPN=%d;RDN=%d;ADN=%d;DPF=%d;RDF=%d;ADF=%d",
                      v[6], v[7], v[8], v[6] ? v[8] / v[6] : 0, v[9], v[10], v[11], v[6] - v[9], v[7] - v[10],
                      v[8] - v[11], v[12], v[13], v[14])
          if ($(34 + s) != w) print "row " n " " sm ": " $(34 + s) ", want " w }
    }
    END { if (n != 15) print n " rows, expected 15" }' "$SIM/truth.tsv" "$SIM/variants.maf" "$EXP/sim.fillout" 2>&1)
[[ -z $msg ]] && ok || bad "sim.fillout: $(printf '%s\n' "$msg" | head -12)"

# 2. GBCMS's MAF quirks, hand-derived in test-data/expected/maf_quirks.*:
#  - Center and NCBI_Build come from the first data row of the last MAF that
#    has the column, for every row: MSKCC (quirks.maf row 1; quirks2.maf has
#    no Center) and GRCh38 (quirks2.maf row 1), not each row's own value.
#  - The count columns are read as integers (atoi): '12.7' -> 12, '' -> 0,
#    ' 5' -> 5, 'NA' -> 0 (fillout N_/T_RefCount, N_/T_AltCount).
#  - An empty Variant_Classification falls back to
#    ONCOTATOR_VARIANT_CLASSIFICATION (GENE8: Frame_Shift_Del).
#  - ALT is Tumor_Seq_Allele1 unless empty or equal to REF (row 1: empty ->
#    A; GENE8: T = REF -> '-'); MAF output writes Reference_Allele twice and
#    that ALT in Tumor_Seq_Allele2; Start/End are the MAF's own (3802, not
#    the anchored 3801).
#  - Caller is carried; empty when the file lacks the column (GENE6).
#  - fillout Start/Ref/Alt are the counted, anchored variant: the reference
#    base (upper case, from the FASTA) then the MAF allele as written
#    (2801 G>Gg, 3801 TT>T).
#  Counts are those of test-data/sim/truth.tsv at 301, 2801 and 3801.
printf '%s\n' '#version 2.4' \
    $'Hugo_Symbol\tCenter\tNCBI_Build\tChromosome\tStart_Position\tEnd_Position\tVariant_Classification\tONCOTATOR_VARIANT_CLASSIFICATION\tReference_Allele\tTumor_Seq_Allele1\tTumor_Seq_Allele2\tTumor_Sample_Barcode\tMatched_Norm_Sample_Barcode\tt_ref_count\tt_alt_count\tn_ref_count\tn_alt_count\tCaller' \
    $'GENE1\tMSKCC\tGRCh37\tchr1\t301\t301\tMissense_Mutation\t.\tT\t\tA\tT1\tN1\t12.7\t\t 5\tNA\tmutect' \
    $'GENE8\tother\thg18\tchr1\t3802\t3802\t\tFrame_Shift_Del\tT\tT\t-\tT1\tN1\t7\t3\t0\t0\tvardict' > "$WORK/quirks.maf"
printf '%s\n' $'Hugo_Symbol\tChromosome\tStart_Position\tEnd_Position\tVariant_Classification\tReference_Allele\tTumor_Seq_Allele1\tTumor_Seq_Allele2\tTumor_Sample_Barcode\tNCBI_Build' \
    $'GENE6\tchr1\t2801\t2802\tMissense_Mutation\t-\t-\tg\tT2\tGRCh38' > "$WORK/quirks2.maf"
for fmt in maf fillout; do
    if "$GBCMS" count "${sim[@]}" --maf "$WORK/quirks.maf" --maf "$WORK/quirks2.maf" --format $fmt \
            -o "$WORK/quirks_out.$fmt"; then
        if diff <(body "$WORK/quirks_out.$fmt") "$EXP/maf_quirks.$fmt" > "$WORK/quirks.diff"; then ok
        else bad "MAF quirks ($fmt) differ from maf_quirks.$fmt:"; head -10 "$WORK/quirks.diff"; fi
    else
        bad "MAF quirks ($fmt): exit $?"
    fi
done

# 3. One convention in VCF and TSV rows: the counted variant, an indel
# anchored on the base before it, whatever the input.  MAF input gives the
# rows VCF input gives (ID aside), and every VCF passes bcftools norm's REF
# check against the FASTA.
norm_ok() {  # VCF file: bcftools accepts it and its REFs match the FASTA
    if bcftools norm -c e -f "$SIM/ref.fa" -o /dev/null "$1" 2> "$WORK/norm.err"; then ok
    else bad "$1: bcftools norm -c e: $(head -c 300 "$WORK/norm.err")"; fi
}
rows() { grep -v '^#' "$1" | cut -f "$2"; }
for fmt in vcf tsv; do
    "$GBCMS" count "${sim[@]}" --maf "$SIM/variants.maf" --format $fmt -o "$WORK/from_maf.$fmt" &&
        "$GBCMS" count "${sim[@]}" --vcf "$SIM/variants.vcf" --format $fmt -o "$WORK/from_vcf.$fmt"
    rc=$?
    cols=1,2,4-; [[ $fmt == tsv ]] && cols=1-3,5-
    if [[ $rc != 0 ]]; then bad "MAF/VCF input to $fmt: exit $rc"
    elif ! cmp -s <(rows "$WORK/from_maf.$fmt" $cols) <(rows "$WORK/from_vcf.$fmt" $cols); then
        bad "MAF input to $fmt: rows differ from VCF input's"
        diff <(rows "$WORK/from_maf.$fmt" $cols) <(rows "$WORK/from_vcf.$fmt" $cols) | head -6
    else ok; fi
done
norm_ok "$WORK/from_maf.vcf"
norm_ok "$WORK/from_vcf.vcf"
for f in sim.vcf sim_fragments.vcf; do norm_ok "$EXP/$f"; done

# 4. MAF columns are found once, by name, at header time: 110 extra
# columns in front of the ones the output reads change nothing.
awk -F'\t' 'BEGIN { OFS = "\t" } /^#/ { print; next }
    { pre = ""; for (i = 1; i <= 110; i++) pre = pre (NR == 2 ? "X" i : "v" i) "\t"; print pre $0 }' \
    "$SIM/variants.maf" > "$WORK/wide.maf"
for fmt in maf fillout; do
    if "$GBCMS" count "${sim[@]}" --maf "$WORK/wide.maf" --format $fmt --fragment-count -o "$WORK/wide_out.$fmt" &&
       "$GBCMS" count "${sim[@]}" --maf "$SIM/variants.maf" --format $fmt --fragment-count -o "$WORK/narrow_out.$fmt"; then
        cmp -s <(body "$WORK/wide_out.$fmt") <(body "$WORK/narrow_out.$fmt") && ok || bad "wide MAF ($fmt) differs"
    else
        bad "wide MAF ($fmt): exit $?"
    fi
done

echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
