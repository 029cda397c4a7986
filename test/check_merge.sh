#!/bin/bash
# Regions and gbcms merge.
#  1. -r/-R keep exactly the sites whose POS is in a region (a deletion
#     starting before a region is outside it); BED is 0-based; a region
#     without sites gives the header alone; bad regions are refused.
#  2. Outputs split by sample group x region shard, merged with the parts
#     in scrambled order, equal one run over everything byte for byte (the
#     command line aside), in every format, plain, BGZF and BCF; the input
#     has duplicate records, a multi-allelic record, unsorted rows and an
#     empty shard.
#  3. merge refuses other versions, options and formats, overlapping parts,
#     a sample in two groups, a site missing from some samples' parts, a
#     shard missing from every group (by the parts' site counts) and a
#     damaged part, leaving nothing at the output path; --partial merges
#     shards that leave sites out into one run over their regions.
# Usage: check_merge.sh GBCMS SRC WORK
set -u
GBCMS=$1; SIM=$2/test-data/sim
WORK=$(mktemp -d "$3/merge.XXXXXX") || exit 1
pass=0; fail=0
failed() { echo "FAIL $*"; fail=$((fail + 1)); }
ok() { pass=$((pass + 1)); }

# a richer input: duplicates, a multi-allelic record, rows out of order
{ grep '^#' "$SIM/variants.vcf"
  grep -v '^#' "$SIM/variants.vcf" | sort -k1,1 -k2,2nr
  printf 'chr1\t301\tdup1\tT\tA\t.\tPASS\t.\nchr1\t801\tmulti\tC\tA,G,T\t.\tPASS\t.\nchr1\t301\tdup2\tT\tA\t.\tPASS\t.\n'
} > "$WORK/rich.vcf" || exit 1
{ head -2 "$SIM/variants.maf"; tail -n +3 "$SIM/variants.maf" | tac; sed -n 3p "$SIM/variants.maf"; } > "$WORK/rich.maf" || exit 1
printf 'browser position chr1\n# a comment\nchr1\t4000\t5400\tname\n' > "$WORK/s3.bed" || exit 1
printf 'chr1 5401 6000\n' > "$WORK/s4.txt" || exit 1
shards=("-r chr1:1-1000" "-r chr1:1001-4000" "-R $WORK/s3.bed" "-R $WORK/s4.txt" "-r chr2")
groups=("--bam $SIM/tumor.bam" "--bam $SIM/normal.bam t2:$SIM/tumor.bam")
all_bams=(--bam "$SIM/tumor.bam" "$SIM/normal.bam" "t2:$SIM/tumor.bam")

# gbcms count ARGS; 0 when it exits 0 and writes the -o file afresh (the last argument)
count() {
    local out=${*: -1}
    rm -f "$out"
    "$GBCMS" count --fasta "$SIM/ref.fa" "$@" 2>"$WORK/err" && [[ -s $out ]] ||
        { echo "  count $*: exit $?: $(head -c 300 "$WORK/err")"; return 1; }
}
. "$(dirname "$0")/output_body.sh"   # body FILE

# ---- 1. regions
rows() { grep -v '^#' "$1" | grep -v '^Sample' | cut -f1-3; }
if count --bam "$SIM/tumor.bam" --vcf "$SIM/variants.vcf" --format tsv -r chr2:1002-3000 -o "$WORK/r1.tsv" &&
   count --bam "$SIM/tumor.bam" --vcf "$SIM/variants.vcf" --format tsv -r chr2:1001 -o "$WORK/r2.tsv" &&
   count --bam "$SIM/tumor.bam" --vcf "$SIM/variants.vcf" --format tsv -R "$WORK/s3.bed" -o "$WORK/r3.tsv"; then
    got=$(rows "$WORK/r1.tsv" | tr '\t\n' ' ;')
    [[ $got == "tumor chr2 1501;tumor chr2 2001;" ]] && ok || failed "-r chr2:1002-3000 (the deletion at 1001 is outside): $got"
    got=$(rows "$WORK/r2.tsv" | tr '\t\n' ' ;')
    [[ $got == "tumor chr2 1001;" ]] && ok || failed "-r chr2:1001: $got"
    got=$(rows "$WORK/r3.tsv" | cut -f3 | tr '\n' ' ')   # BED 4000-5400 is POS 4001-5400
    [[ $got == "4301 4801 5301 " ]] && ok || failed "-R BED: $got"
fi
printf 'chr2\t1000\t1001\nchr2\t1501\t1502\n' > "$WORK/edge.bed"
if count --bam "$SIM/tumor.bam" --vcf "$SIM/variants.vcf" --format tsv -R "$WORK/edge.bed" -o "$WORK/r4.tsv"; then
    got=$(rows "$WORK/r4.tsv" | cut -f3 | tr '\n' ' ')
    [[ $got == "1001 " ]] && ok || failed "-R BED 0-based ends: $got"
fi
# a region without sites: the header alone, as a run over a header-only input
for fmt in vcf tsv; do
    if count --bam "$SIM/tumor.bam" --vcf "$SIM/variants.vcf" --format $fmt -r chr1:5400-5500 -o "$WORK/e.$fmt" &&
       count --bam "$SIM/tumor.bam" --vcf "$SIM/variants.vcf" --format $fmt -o "$WORK/f.$fmt"; then
        # the header alone, whose sites line says it holds none of the input's 15
        if cmp -s <(body "$WORK/e.$fmt" | grep -v 'gbcms_sites=') \
                  <(body "$WORK/f.$fmt" | grep -e '^#' -e '^Sample' | grep -v 'gbcms_sites=') &&
           body "$WORK/e.$fmt" | grep -qx '##*gbcms_sites=counted=0 input=15' &&
           body "$WORK/f.$fmt" | grep -qx '##*gbcms_sites=counted=15 input=15'; then ok
        else failed "empty region, $fmt: not the header alone, or the sites lines are wrong"; fi
    fi
done
# refused: usage errors (2) for -r, data errors (1) for -R files
expect_fail() {  # RC TEXT ARGS...: exit RC, TEXT in stderr, no output left
    local want=$1 text=$2; shift 2
    local o=(-o "$WORK/x.out") a
    for a in "$@"; do [[ $a == -o ]] && o=(); done   # the row names its own output
    rm -f "$WORK/x.out"
    "$GBCMS" "$@" "${o[@]}" 2>"$WORK/err"
    local rc=$?
    if [[ $rc != "$want" ]]; then failed "$*: exit $rc, expected $want: $(head -c 300 "$WORK/err")"
    elif ! grep -qF -- "$text" "$WORK/err"; then failed "$*: stderr lacks '$text': $(head -c 300 "$WORK/err")"
    elif [[ -e $WORK/x.out ]] || compgen -G "$WORK/.gbcms*" >/dev/null; then failed "$*: left an output file"
    else ok; fi
}
printf 'chr1 10 20\nchr1 x\n' > "$WORK/bad.txt"
printf 'chr1\t20\t10\n' > "$WORK/bad.bed"
C=(count --bam "$SIM/tumor.bam" --vcf "$SIM/variants.vcf")
expect_fail 2 "--regions: 'chr1:20-10' is not CHR" "${C[@]}" -r chr1:20-10
expect_fail 2 "--regions: 'chr1:0' is not CHR" "${C[@]}" -r chr2,chr1:0
expect_fail 2 "--regions: '' is not CHR" "${C[@]}" -r chr1,
expect_fail 2 "give --regions or --regions-file, not both" "${C[@]}" -r chr1 -R "$WORK/s3.bed"
expect_fail 1 "bad.txt:2: not a region" "${C[@]}" -R "$WORK/bad.txt"
expect_fail 1 "bad.bed:1: not a region" "${C[@]}" -R "$WORK/bad.bed"
expect_fail 1 "missing.bed: cannot open the regions file" "${C[@]}" -R "$WORK/missing.bed"
expect_fail 2 "the output is the same file as the input" "${C[@]}" -R "$WORK/bad.txt" --format tsv --fasta "$SIM/ref.fa" -o "$WORK/bad.txt"

# ---- 2. split, merge, compare
# split_merge NAME EXT PART_EXT COUNT_ARGS...: parts of every group x shard,
# merged (shards last to first) into m.EXT, against one run into all.EXT
split_merge() {
    local name=$1 ext=$2 pext=$3; shift 3
    local parts=() g s i
    count "$@" "${all_bams[@]}" -o "$WORK/all.$ext" || { failed "$name: the single run failed"; return; }
    for g in 0 1; do
        for ((s = ${#shards[@]} - 1; s >= 0; s--)); do
            # shellcheck disable=SC2086 (a group or shard is several words)
            count "$@" ${groups[$g]} ${shards[$s]} -o "$WORK/p$g.$s.$pext" || { failed "$name: a part failed"; return; }
            parts+=("$WORK/p$g.$s.$pext")
        done
    done
    rm -f "$WORK/m.$ext"
    "$GBCMS" merge "${parts[@]}" -o "$WORK/m.$ext" 2>"$WORK/err"
    local rc=$?
    if [[ $rc != 0 ]]; then failed "$name: merge exited $rc: $(head -c 300 "$WORK/err")"; return; fi
    if ! body "$WORK/all.$ext" > "$WORK/a.body" || ! body "$WORK/m.$ext" > "$WORK/m.body"; then
        failed "$name: cannot read the outputs"; return
    fi
    if [[ $(grep -c '' "$WORK/a.body") -lt 20 ]]; then failed "$name: too short an output"; return; fi
    if cmp -s "$WORK/a.body" "$WORK/m.body"; then ok
    else failed "$name: merged output differs from one run"; diff "$WORK/a.body" "$WORK/m.body" | head -5; fi
    rm -f "$WORK"/p[01].*
}
V=(--vcf "$WORK/rich.vcf"); M=(--maf "$WORK/rich.maf")
split_merge vcf vcf vcf "${V[@]}" --fragment-count
split_merge vcf.gz vcf.gz vcf.gz "${V[@]}" --fragment-count --negative-count
split_merge "bcf (from BCF parts)" bcf bcf "${V[@]}" --fragment-count
split_merge "bcf (from VCF parts)" bcf vcf.gz "${V[@]}" --vcf-fields standard --fragment-count
split_merge "bcf standard fields" bcf bcf "${V[@]}" --vcf-fields standard --fragment-count
split_merge "vcf (MAF input)" vcf vcf "${M[@]}" --format vcf
split_merge tsv tsv tsv "${V[@]}" --format tsv --fragment-count --generic-counting
split_merge "tsv.gz (MAF input)" tsv.gz tsv.gz "${M[@]}" --format tsv
split_merge fillout fillout fillout "${M[@]}" --negative-count --fragment-count
split_merge fillout.gz fillout.gz fillout.gz "${M[@]}"
split_merge maf maf maf "${M[@]}" --omaf --fragment-count

# ---- 3. refusals
T=(--fasta "$SIM/ref.fa" --vcf "$SIM/variants.vcf" --format tsv)
mk() {  # OUT ARGS...
    local out=$1; shift
    "$GBCMS" count "${T[@]}" "$@" -o "$WORK/$out" 2>"$WORK/err" || echo "  setup $out failed: $(head -c 300 "$WORK/err")"
}
mk t1.tsv --bam "$SIM/tumor.bam" -r chr1; mk t2.tsv --bam "$SIM/tumor.bam" -r chr2
mk n1.tsv --bam "$SIM/normal.bam" -r chr1; mk n2.tsv --bam "$SIM/normal.bam" -r chr2
mk t2maq.tsv --bam "$SIM/tumor.bam" -r chr2 --maq 10
mk t2real.tsv --bam "$SIM/tumor.bam" -r chr2 --model realign
mk t2ov.tsv --bam "$SIM/tumor.bam" -r chr1:2000-6000,chr2
mk tn2.tsv --bam "$SIM/tumor.bam" "$SIM/normal.bam" -r chr2
mk t2.vcf --bam "$SIM/tumor.bam" -r chr2 --format vcf
sed 's/^#gbcms [^ ]*/#gbcms 0.0.1/' "$WORK/t2.tsv" > "$WORK/t2ver.tsv"
sed '$d' "$WORK/tn2.tsv" > "$WORK/cut.tsv"
sed '/^#gbcms_options/d' "$WORK/t2.tsv" > "$WORK/noprov.tsv"
sed '/^#gbcms_sites/d' "$WORK/t2.tsv" > "$WORK/nosites.tsv"
sed 's/^#gbcms_sites=counted=\([0-9]*\) input=15$/#gbcms_sites=counted=\1 input=16/' "$WORK/t2.tsv" > "$WORK/t2other.tsv"
cd "$WORK" || exit 1
expect_fail 1 "t2maq.tsv was counted with other options than t1.tsv ('maq=20' there, 'maq=10' here)" merge t1.tsv t2maq.tsv
expect_fail 1 "t2real.tsv was counted with other options than t1.tsv ('model=gbcms' there, 'model=realign' here)" merge t1.tsv t2real.tsv
expect_fail 1 "t2ver.tsv was made by another gbcms version than t1.tsv" merge t1.tsv t2ver.tsv
expect_fail 1 "t2ov.tsv overlaps t1.tsv (its site chr1:2301 is at or before the last site" merge t1.tsv t2ov.tsv
expect_fail 1 "t1.tsv and t1.tsv overlap (they start at the same site)" merge t1.tsv t1.tsv
expect_fail 1 "site chr2:501 of t2.tsv is not in the parts of sample 'normal' (they end before it)" merge t1.tsv t2.tsv n1.tsv
expect_fail 1 "site chr1:301 of t1.tsv is not in the parts of sample 'normal' (they go on with a later site)" merge t1.tsv t2.tsv n2.tsv
expect_fail 1 "sample 'tumor' is in t1.tsv and in tn2.tsv, whose samples differ" merge t1.tsv n1.tsv tn2.tsv
expect_fail 1 "t2.vcf is text VCF, t1.tsv is text TSV" merge t1.tsv t2.vcf
expect_fail 1 "cut.tsv:14: the file ends inside the rows of a site" merge cut.tsv
expect_fail 1 "noprov.tsv: no gbcms provenance line" merge noprov.tsv
expect_fail 1 "missing.tsv: cannot open the part" merge t1.tsv missing.tsv
expect_fail 1 "nosites.tsv: no #gbcms_sites line" merge t1.tsv nosites.tsv
expect_fail 1 "t2other.tsv was counted from an input of 16 sites, t1.tsv from one of 15" merge t1.tsv t2other.tsv
# a shard missing from every sample group: nothing else can see it
expect_fail 1 "the parts hold 11 of the input's 15 sites: a region part is missing" merge t1.tsv
expect_fail 1 "the parts hold 11 of the input's 15 sites: a region part is missing" merge t1.tsv n1.tsv
expect_fail 2 "the output is the same file as the input t1.tsv" merge t1.tsv t2.tsv -o t1.tsv
expect_fail 2 "BCF output (-O b or u, or an output name ending in .bcf) needs VCF parts" merge t1.tsv -O b
expect_fail 2 "no parts given" merge
# a refused merge leaves an existing output as it was
printf 'old\n' > keep.tsv
"$GBCMS" merge t1.tsv t2maq.tsv -o keep.tsv 2>/dev/null
rc=$?
[[ $rc == 1 && $(cat keep.tsv) == old ]] && ok || failed "a refused merge changed its output file (exit $rc)"
# region parts of one sample group, any order, give the run over both regions
if "$GBCMS" merge t2.tsv t1.tsv -o both.tsv 2>"$WORK/err" && mk tboth.tsv --bam "$SIM/tumor.bam" &&
   cmp -s <(body both.tsv) <(body tboth.tsv); then ok; else failed "t2 + t1 != one run: $(head -c 300 "$WORK/err")"; fi

# --partial: parts whose regions leave sites out, as one run over those regions
if "$GBCMS" merge --partial n1.tsv t1.tsv -o part.tsv 2>"$WORK/err" &&
   mk tn1.tsv --bam "$SIM/normal.bam" "$SIM/tumor.bam" -r chr1 &&
   grep -qx '#gbcms_sites=counted=11 input=15' part.tsv && cmp -s <(body part.tsv) <(body tn1.tsv); then ok
else failed "merge --partial n1 t1 != one run over chr1: $(head -c 300 "$WORK/err")"; fi

echo "$pass passed, $fail failed"
[[ $fail == 0 ]] && rm -rf "$WORK"
[[ $fail == 0 ]]
