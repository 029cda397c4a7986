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
# rows VCF input gives (ID, QUAL, FILTER and INFO aside), and every VCF passes bcftools norm's REF
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
    cols=1,2,4,5,9-; [[ $fmt == tsv ]] && cols=1-3,5-   # ID, QUAL, FILTER, INFO aside
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

# 5. VCF output carries each record's QUAL, FILTER and INFO with the input
# headers' definitions: merged over the inputs (the first definition of an
# ID wins, a different INFO Number/Type is a warning), IDs the records use
# but no header defines get a definition, a multi-allelic record's
# Number=A/R/G INFO is cut to each ALT, and contigs keep the input's
# attributes when the lengths agree.  Text and BCF input alike.
printf '%s\n' '##fileformat=VCFv4.2' \
    '##FILTER=<ID=q10,Description="Quality below 10">' \
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Total depth">' \
    '##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">' \
    '##INFO=<ID=RC,Number=R,Type=Integer,Description="Reads per allele">' \
    '##INFO=<ID=GL3,Number=G,Type=Integer,Description="Per genotype">' \
    '##INFO=<ID=SOMATIC,Number=0,Type=Flag,Description="Somatic">' \
    '##contig=<ID=chr1,length=6000,assembly=sim1>' \
    '##contig=<ID=chr2,length=2999>' \
    $'#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO' \
    $'chr1\t301\tsite1\tT\tA\t50\tPASS\tDP=100;AF=0.4;SOMATIC' \
    $'chr1\t801\tsite2\tC\tA,G\t12.5\tq10\tDP=90;AF=0.2,0.01;RC=70,19,1;GL3=0,1,2,3,4,5' \
    $'chr1\t1301\tsite3\tT\tG\t.\tlowqual;q10\tNEW=x;FLAGX' > "$WORK/carry_a.vcf"
printf '%s\n' '##fileformat=VCFv4.2' \
    '##FILTER=<ID=q10,Description="Another definition">' \
    '##INFO=<ID=AF,Number=1,Type=Float,Description="Conflicting">' \
    '##INFO=<ID=BONLY,Number=1,Type=Integer,Description="Only in b">' \
    $'#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO' \
    $'chr2\t501\tsite12\tG\tA\t30\tPASS\tBONLY=3' > "$WORK/carry_b.vcf"
# GL3 of ALT G (allele 2): genotypes 0/0, 0/2, 2/2 are values 0, 3 and 5
printf '%s\n' $'chr1\t301\tsite1\tT\tA\t50\tPASS\tDP=100;AF=0.4;SOMATIC' \
    $'chr1\t801\tsite2\tC\tA\t12.5\tq10\tDP=90;AF=0.2;RC=70,19;GL3=0,1,2' \
    $'chr1\t801\tsite2\tC\tG\t12.5\tq10\tDP=90;AF=0.01;RC=70,1;GL3=0,3,5' \
    $'chr1\t1301\tsite3\tT\tG\t.\tlowqual;q10\tNEW=x;FLAGX' \
    $'chr2\t501\tsite12\tG\tA\t30\tPASS\tBONLY=3' > "$WORK/carry.want"
printf '%s\n' '##FILTER=<ID=PASS,Description="All filters passed">' \
    '##FILTER=<ID=q10,Description="Quality below 10">' \
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Total depth">' \
    '##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">' \
    '##INFO=<ID=RC,Number=R,Type=Integer,Description="Reads per allele">' \
    '##INFO=<ID=GL3,Number=G,Type=Integer,Description="Per genotype">' \
    '##INFO=<ID=SOMATIC,Number=0,Type=Flag,Description="Somatic">' \
    '##INFO=<ID=BONLY,Number=1,Type=Integer,Description="Only in b">' \
    '##contig=<ID=chr1,length=6000,assembly=sim1>' \
    '##contig=<ID=chr2,length=3000>' \
    '##FILTER=<ID=lowqual,Description="Not defined in the input header">' \
    '##INFO=<ID=NEW,Number=.,Type=String,Description="Not defined in the input header">' \
    '##INFO=<ID=FLAGX,Number=0,Type=Flag,Description="Not defined in the input header">' > "$WORK/carry.hdr"
# BCF needs every ID defined: the BCF copy defines them as gbcms would
grep '^##' "$WORK/carry_a.vcf" > "$WORK/carry_a_def.vcf"
grep -e lowqual -e NEW -e FLAGX "$WORK/carry.hdr" >> "$WORK/carry_a_def.vcf"
grep -v '^##' "$WORK/carry_a.vcf" >> "$WORK/carry_a_def.vcf"
bcftools view --no-version -Ob -o "$WORK/carry_a.bcf" "$WORK/carry_a_def.vcf" || bad "bcftools cannot make carry_a.bcf"
sort_if() { if [[ $1 == bcf ]]; then sort; else cat; fi; }   # BCF input: its header's own order
for in in vcf bcf; do
    out=$WORK/carry_$in.out.vcf
    if "$GBCMS" count "${sim[@]}" --vcf "$WORK/carry_a.$in" --vcf "$WORK/carry_b.vcf" -o "$out" 2> "$WORK/carry.err"; then
        if ! diff <(grep -v '^#' "$out" | cut -f 1-8) "$WORK/carry.want" > "$WORK/carry.diff"; then
            bad "carried columns ($in input):"; cat "$WORK/carry.diff"
        elif ! diff <(grep -e '^##FILTER' -e '^##INFO' -e '^##contig' "$out" | sort_if $in) \
                <(sort_if $in < "$WORK/carry.hdr") > "$WORK/carry.diff"; then
            bad "carried header lines ($in input):"; cat "$WORK/carry.diff"
        elif ! grep -q "the input VCF headers define INFO 'AF' twice, differently; the first definition is kept" \
                "$WORK/carry.err"; then
            bad "no warning for the two AF definitions ($in input): $(cat "$WORK/carry.err")"
        else ok; fi
        norm_ok "$out"
        # FILTER works downstream: PASS rows only, and through BCF and back
        n=$(bcftools view -H -f PASS "$out" | cut -f 3 | tr '\n' ' ')
        [[ $n == "site1 site12 " ]] && ok || bad "bcftools view -f PASS ($in input) gives '$n'"
        q=$(bcftools view -Ob "$out" | bcftools query -f '%ID:%ALT:%FILTER:%INFO/AF:%INFO/RC\n' | tr '\n' ' ')
        [[ $q == "site1:A:PASS:0.4:. site2:A:q10:0.2:70,19 site2:G:q10:0.01:70,1 site3:G:lowqual;q10:.:. site12:A:PASS:.:. " ]] &&
            ok || bad "through BCF ($in input): '$q'"
    else
        bad "carrying QUAL/FILTER/INFO ($in input): exit $?: $(head -c 300 "$WORK/carry.err")"
    fi
done

# 6. --vcf-fields standard: DP, AD/ADF/ADR with Number=R (REF, ALT), VAF
# with Number=A, FRAGDP/FRAGAD, checked against the truth, and read
# correctly by bcftools: +fill-tags recomputes VAF and per-sample sums from
# them, and annotate -c FORMAT/AD moves AD into another VCF.
std=$WORK/std.vcf
if "$GBCMS" count "${sim[@]}" --vcf "$SIM/variants.vcf" --vcf-fields standard --fragment-count -o "$std"; then
    norm_ok "$std"
    # truth: sample chrom pos ref alt DP RD AD DPP RDP ADP DPF RDF ADF
    want_std() {  # the fields each sample should have, from the truth
        awk -F'\t' 'NR > 1 { vaf = ($7 + $8) ? $8 / ($7 + $8) : 0
            printf "%s\t%s\t%s\t%s,%s\t%s,%s\t%s,%s\t%.6f\t%s\t%s,%s\n", $2, $3, $6, $7, $8, $10, $11,
                   $7 - $10, $8 - $11, vaf, $12, $13, $14 }' "$SIM/truth.tsv" | sort
    }
    got=$(bcftools query -f '[%CHROM\t%POS\t%DP\t%AD\t%ADF\t%ADR\t%VAF\t%FRAGDP\t%FRAGAD\n]' "$std" |
          awk -F'\t' 'BEGIN { OFS = "\t" } { $7 = sprintf("%.6f", $7); print }' | sort)
    [[ -n $got && $got == "$(want_std)" ]] && ok || bad "standard fields differ from the truth: $(diff <(echo "$got") <(want_std) | head -5)"
    # Number=R/A as declared
    grep -q '^##FORMAT=<ID=AD,Number=R,Type=Integer' "$std" && grep -q '^##FORMAT=<ID=VAF,Number=A,Type=Float' "$std" &&
        grep -q '^##FORMAT=<ID=ADF,Number=R' "$std" && grep -q '^##FORMAT=<ID=ADR,Number=R' "$std" &&
        grep -q '^##FORMAT=<ID=FRAGAD,Number=R,Type=Float' "$std" && ok || bad "standard FORMAT definitions"
    # +fill-tags: VAF from AD equals ours; per-sample REF+ALT and the site's DP sum from ours
    ft=$(bcftools +fill-tags "$std" -- -t 'FORMAT/VAF,FORMAT/ADSUM:1=int(smpl_sum(FORMAT/AD)),INFO/DPSUM:1=int(sum(FORMAT/DP))' |
         bcftools query -f '%POS\t%DPSUM[\t%ADSUM\t%VAF]\n')
    want=$(bcftools query -f '%POS[\t%DP][\t%AD][\t%VAF]\n' "$std" |
           awk -F'\t' '{ split($4, t, ","); split($5, n, ",")
                         printf "%s\t%d\t%d\t%.5f\t%d\t%.5f\n", $1, $2 + $3, t[1] + t[2], $6, n[1] + n[2], $7 }')
    got=$(echo "$ft" | awk -F'\t' '{ printf "%s\t%d\t%d\t%.5f\t%d\t%.5f\n", $1, $2, $3, $4, $5, $6 }')
    [[ -n $got && $got == "$want" ]] && ok || bad "+fill-tags on standard fields: $(diff <(echo "$got") <(echo "$want") | head -5)"
    # annotate -c FORMAT/AD: the counts land, per allele, in a VCF of the same sites and samples
    { grep '^##' "$SIM/variants.vcf"; echo '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">'
      printf '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\ttumor\tnormal\n'
      grep -v '^#' "$SIM/variants.vcf" | awk 'BEGIN { OFS = "\t" } { print $0, "GT", "./.", "./." }'
    } | bgzip -c > "$WORK/target.vcf.gz"
    bgzip -c "$std" > "$std.gz" && tabix -p vcf "$std.gz" && tabix -p vcf "$WORK/target.vcf.gz" &&
        got=$(bcftools annotate -a "$std.gz" -c FORMAT/AD "$WORK/target.vcf.gz" | bcftools query -f '%CHROM:%POS[\t%AD]\n' | sort) &&
        want=$(awk -F'\t' 'NR > 1 { ad[$1 FS $2 ":" $3] = $7 "," $8; site[$2 ":" $3] = 1 }
                   END { for (p in site) print p "\t" ad["tumor" FS p] "\t" ad["normal" FS p] }' "$SIM/truth.tsv" | sort)
    rc=$?
    [[ $rc == 0 && -n $got && $got == "$want" ]] && ok ||
        bad "annotate -c FORMAT/AD (exit $rc): $(diff <(echo "$got") <(echo "$want") | head -5)"
else
    bad "--vcf-fields standard: exit $?"
fi

# 7. The output type follows the name (.vcf.gz/.vcf.bgz/.tsv.gz/... BGZF,
# .bcf BCF) unless -O says otherwise, the content is the plain output's, and
# --write-index writes the index tabix or bcftools index would (same bytes
# once decompressed), usable for region queries.  Byte-identical for any
# --threads and block size.
plain_vcf=$WORK/type_plain.vcf
"$GBCMS" count "${sim[@]}" --vcf "$SIM/variants.vcf" -o "$plain_vcf" || bad "plain VCF: exit $?"
noprov() { grep -v -e '^##gbcms_command' -e '^##bcftools'; }   # the command line names the output
type_is() {  # FILE, htsfile's description, the plain output it must hold (as text)
    local d
    d=$(htsfile "$1" | cut -f 2)
    if [[ $d != "$2" ]]; then bad "$1 is '$d', expected '$2'"; return; fi
    case $2 in
    BCF*) cmp -s <(bcftools view "$1" | noprov) <(bcftools view "$3" | noprov) ;;
    *) cmp -s <(gzip -dcf "$1" | noprov | grep -v '^#gbcms') <(noprov < "$3" | grep -v '^#gbcms') ;;
    esac && ok || bad "$1 does not hold what $3 holds"
}
bgzf_vcf='VCF version 4.2 BGZF-compressed variant calling data'
for name in out.vcf.gz out.vcf.bgz out.bcf; do
    "$GBCMS" count "${sim[@]}" --vcf "$SIM/variants.vcf" -o "$WORK/$name" || bad "-o $name: exit $?"
    [[ $name == *.bcf ]] && type_is "$WORK/$name" 'BCF version 2.2 compressed variant calling data' "$plain_vcf" ||
        type_is "$WORK/$name" "$bgzf_vcf" "$plain_vcf"
done
for fmt in tsv maf fillout; do
    in=(--maf "$SIM/variants.maf"); [[ $fmt == tsv ]] && in=(--vcf "$SIM/variants.vcf")
    "$GBCMS" count "${sim[@]}" "${in[@]}" --format $fmt -o "$WORK/type.$fmt" &&
        "$GBCMS" count "${sim[@]}" "${in[@]}" --format $fmt -o "$WORK/type.$fmt.gz" || bad "$fmt output: exit $?"
    type_is "$WORK/type.$fmt.gz" 'unknown BGZF-compressed data' "$WORK/type.$fmt"
done
# -O sets the type whatever the name, to files and to standard output
"$GBCMS" count "${sim[@]}" --vcf "$SIM/variants.vcf" -O v -o "$WORK/forced.vcf.gz" || bad "-O v: exit $?"
type_is "$WORK/forced.vcf.gz" 'VCF version 4.2 variant calling text' "$plain_vcf"
for t in z b u; do
    "$GBCMS" count "${sim[@]}" --vcf "$SIM/variants.vcf" -O $t > "$WORK/stdout.$t" || bad "-O $t: exit $?"
done
type_is "$WORK/stdout.z" "$bgzf_vcf" "$plain_vcf"
type_is "$WORK/stdout.b" 'BCF version 2.2 compressed variant calling data' "$plain_vcf"
type_is "$WORK/stdout.u" 'BCF version 2.2 variant calling data' "$plain_vcf"
bgzip -t "$WORK/stdout.z" && ok || bad "-O z output fails bgzip -t"
# --write-index: .tbi for BGZF VCF, .csi for BCF or on request; as tabix and bcftools index make them
check_index() {  # FILE EXT: the index works for a region and equals the reference tools' index
    local f=$1 ext=$2 r
    if [[ ! -s $f.$ext ]]; then bad "--write-index for $f made no .$ext: $(ls "$f"*)"; return; fi
    r=$(bcftools view -H "$f" chr1:2801-3301 | cut -f 3 | tr '\n' ' ')
    [[ $r == "site6 site7 " ]] && ok || bad "$f: region chr1:2801-3301 gives '$r'"
    cp "$f" "$f.ref"
    if [[ $ext == tbi ]]; then tabix -p vcf "$f.ref"; else bcftools index "$f.ref"; fi
    cmp -s <(bgzip -dc "$f.$ext") <(bgzip -dc "$f.ref.$ext") && ok || bad "$f.$ext differs from the index tabix/bcftools make"
}
for spec in out.vcf.gz:tbi:tbi out.bcf:csi: idx.vcf.gz:csi:csi; do
    IFS=: read -r name ext arg <<< "$spec"
    f=$WORK/$name; g=$WORK/t3_$name; rm -f "$f" "$f".* "$g" "$g".*
    if "$GBCMS" count "${sim[@]}" --vcf "$SIM/variants.vcf" -o "$f" --write-index${arg:+=$arg} &&
       "$GBCMS" count "${sim[@]}" --vcf "$SIM/variants.vcf" -o "$g" --write-index${arg:+=$arg} -t 3 --max-block-size 2
    then
        check_index "$f" $ext
        check_index "$g" $ext
        # any --threads and block size: the same data (the command line aside)
        cmp -s <(bcftools view "$f" | noprov) <(bcftools view "$g" | noprov) && ok ||
            bad "$name: --threads 3 --max-block-size 2 gives other data"
        # no temporary index left behind
        ls "$WORK" | grep -q 'gbcms-tmp' && bad "a temporary file is left: $(ls "$WORK" | grep gbcms-tmp)" || ok
    else
        bad "--write-index ($name): exit $?"
    fi
done

# 8. htslib's own messages are not lost, and a failure is still one line:
# htslib's first error becomes the reason in gbcms's error line.  A CRAM
# decoded with the wrong reference says the MD5 does not match (not only
# "truncated or corrupt"); a BAM without its EOF marker is refused.
CASES=$3/cases
sed '2s/A/C/g' "$DATA/cases/ref.fa" > "$WORK/wrong.fa" && samtools faidx "$WORK/wrong.fa" || bad "making wrong.fa"
"$GBCMS" count --fasta "$WORK/wrong.fa" --bam "$CASES/fragments.cram" --vcf "$DATA/cases/fragments.vcf" \
    -o "$WORK/wrongref.vcf" 2> "$WORK/wrongref.err"
rc=$?
if [[ $rc != 1 ]]; then bad "CRAM with the wrong reference: exit $rc"
elif [[ $(grep -c '^gbcms: error:' "$WORK/wrongref.err") != 1 ]] || grep -q '^gbcms: htslib' "$WORK/wrongref.err"; then
    bad "CRAM with the wrong reference: not one error line: $(cat "$WORK/wrongref.err")"
elif ! grep -q '^gbcms: error: .*fragments.cram: .*\[htslib: cram_decode_slice: MD5 checksum reference mismatch at chr1:' "$WORK/wrongref.err"; then
    bad "CRAM with the wrong reference: no MD5 reason: $(cat "$WORK/wrongref.err")"
else ok; fi
size=$(wc -c < "$SIM/tumor.bam")
head -c $((size - 28)) "$SIM/tumor.bam" > "$WORK/noeof.bam" && cp "$SIM/tumor.bam.bai" "$WORK/noeof.bam.bai"
"$GBCMS" count --bam "$WORK/noeof.bam" --vcf "$SIM/variants.vcf" -o "$WORK/noeof.vcf" 2> "$WORK/noeof.err"
rc=$?
if [[ $rc == 1 && $(grep -c '' "$WORK/noeof.err") == 1 ]] && grep -q 'noeof.bam: truncated file' "$WORK/noeof.err" &&
   [[ ! -e $WORK/noeof.vcf ]]; then ok
else bad "BAM without EOF marker: exit $rc: $(cat "$WORK/noeof.err")"; fi

# 9. An argument with a line end (here the output's name) stays inside the
# one provenance line, so the header is still a VCF header.
nl_out="$WORK/line
end.vcf"
if "$GBCMS" count "${sim[@]}" --vcf "$SIM/variants.vcf" -o "$nl_out"; then norm_ok "$nl_out"
else bad "output name with a line end: exit $?"; fi

echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
