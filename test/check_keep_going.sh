#!/bin/bash
# --keep-going: one damaged BAM among three costs only its own sample.
#  - a file that cannot be read (not a BAM, missing, a contig missing)
#    gives one error line, its cells missing ('.' in VCF, NA in TSV,
#    fillout and MAF), the other samples' cells exactly as a run without
#    it, and exit status 3; first in the list, the next file gives the
#    contig order;
#  - a BAM damaged in the middle keeps its cells before the block that
#    fails, and is missing from that block on, alike at 1 and 4 threads;
#  - without --keep-going the same runs fail (exit 1, no output), and with
#    it a run where no BAM can be read fails too.
# Usage: check_keep_going.sh GBCMS SRC WORK
set -u
GBCMS=$1; SRC=$2; SIM=$SRC/test-data/sim
W=$(mktemp -d "$3/keep_going.XXXXXX") || exit 1
pass=0; fail=0
failed() { echo "FAIL $*"; fail=$((fail + 1)); }
printf 'not a bam\n' > "$W/bad.bam" || exit 1
# a BAM with a damaged BGZF block in its middle: header, index and EOF marker intact
cp "$SIM/normal.bam" "$W/mid.bam" && cp "$SIM/normal.bam.bai" "$W/mid.bam.bai" || exit 1
printf '%0100d' 0 | dd of="$W/mid.bam" bs=1 seek=250000 conv=notrunc 2>/dev/null || exit 1
# a BAM without chr2 (the variants use it)
samtools view --no-PG -h "$SIM/tumor.bam" chr1 | sed -e '/^@SQ.*SN:chr2/d' -e 's/SM:tumor/SM:nochr2/' |
    samtools view --no-PG -b -o "$W/nochr2.bam" - && samtools index "$W/nochr2.bam" || exit 1

# run NAME EXPECTED_RC ARGS...: gbcms count ARGS -o $W/NAME; the exit status must be EXPECTED_RC
run() {
    local name=$1 want=$2; shift 2
    rm -f "$W/$name"
    "$GBCMS" count --fasta "$SIM/ref.fa" "$@" -o "$W/$name" 2> "$W/$name.err"
    local rc=$?
    [[ $rc == "$want" ]] || { failed "$name: exit $rc, expected $want: $(head -c 300 "$W/$name.err")"; return 1; }
}
body() { grep -v -e '^##gbcms_command' -e '^#gbcms_command' -e '^#gbcms_samples' "$1"; }
V=(--vcf "$SIM/variants.vcf"); M=(--maf "$SIM/variants.maf")

# 1. unreadable files, each format; the reference runs lack the bad sample
for bad in bad.bam missing.bam nochr2.bam; do
    case $bad in
    bad.bam) msg="bad.bam: not a BAM, CRAM or SAM file; its sample is written as missing (--keep-going)";;
    missing.bam) msg="missing.bam: cannot open";;
    nochr2.bam) msg="nochr2.bam: contig 'chr2' of the variants is not in this file's header";;
    esac
    for fmt in vcf tsv fillout maf; do
        in=("${V[@]}"); [[ $fmt == fillout || $fmt == maf ]] && in=("${M[@]}")
        name=$bad.$fmt
        # first in the list, or second when it lacks a contig (the first gives the contigs)
        k=0; bams=("$W/$bad" "$SIM/tumor.bam" "$SIM/normal.bam")
        [[ $bad == nochr2.bam ]] && { k=1; bams=("$SIM/tumor.bam" "$W/$bad" "$SIM/normal.bam"); }
        s=${bad%.bam}
        run "$name" 3 --keep-going --format $fmt --fragment-count --negative-count \
            --bam "${bams[@]}" "${in[@]}" || continue
        run "ref.$fmt" 0 --format $fmt --fragment-count --negative-count \
            --bam "$SIM/tumor.bam" "$SIM/normal.bam" "${in[@]}" || continue
        errs=$(grep -c '' "$W/$name.err")
        if [[ $errs != 1 ]] || ! grep -qF -- "$msg" "$W/$name.err"; then
            failed "$name: expected one line with '$msg': $(cat "$W/$name.err")"; continue
        fi
        # the missing cells, and the other samples' cells as in the run without the bad file
        case $fmt in
        vcf)
            c=$((10 + k))
            miss=$(awk -F'\t' '!/^#/ && $'$c' != "." { n++ } END { print n + 0 }' "$W/$name")
            got=$(body "$W/$name" | cut -f1-$((c - 1)),$((c + 1))-); want=$(body "$W/ref.$fmt")
            [[ $(body "$W/$name" | grep '^#CHROM' | cut -f$c) == "$s" ]] || failed "$name: sample column name";;
        tsv|maf)
            col=1; [[ $fmt == maf ]] && col=16
            miss=$(awk -F'\t' -v s="$s" '!/^#/ && $'$col' == s && !/\tNA\tNA/ { n++ } END { print n + 0 }' "$W/$name")
            got=$(body "$W/$name" | awk -F'\t' -v s="$s" '$'$col' != s'); want=$(body "$W/ref.$fmt")
            [[ $(awk -F'\t' -v s="$s" '$'$col' == s' "$W/$name" | grep -c '') -ge 15 ]] || failed "$name: no rows of '$s'";;
        fillout)
            c=$((35 + k))
            miss=$(awk -F'\t' '!/^#/ && $1 != "Sample" && $'$c' != "NA" { n++ } END { print n + 0 }' "$W/$name")
            got=$(body "$W/$name" | cut -f1-$((c - 1)),$((c + 1))-); want=$(body "$W/ref.$fmt");;
        esac
        rows=$(grep -vc '^#' "$W/$name")
        if [[ $rows -lt 15 ]]; then failed "$name: only $rows rows"
        elif [[ $miss != 0 ]]; then failed "$name: $miss rows where the bad sample's cells are not missing"
        elif [[ $got != "$want" ]]; then failed "$name: the other samples differ from a run without the bad file"
            diff <(echo "$got") <(echo "$want") | head -4
        else pass=$((pass + 1)); fi
    done
done
# without --keep-going: exit 1, nothing written
run nokg.vcf 1 --bam "$SIM/tumor.bam" "$W/bad.bam" "$SIM/normal.bam" "${V[@]}" &&
    { [[ ! -e $W/nokg.vcf ]] && pass=$((pass + 1)) || failed "without --keep-going: an output was left"; }
# no file can be read: exit 1
run none.vcf 1 --keep-going --bam "$W/bad.bam" "$W/missing.bam" "${V[@]}" &&
    { grep -q 'none of the 2 BAM/CRAM files can be read' "$W/none.vcf.err" && [[ ! -e $W/none.vcf ]] &&
      pass=$((pass + 1)) || failed "no readable BAM: $(cat "$W/none.vcf.err")"; }

# 2. damaged in the middle: missing from the failing block on, alike at 1 and 4 threads
for bs in 2 10000; do
    for t in 1 4; do
        run "mid.$bs.$t.tsv" 3 --keep-going --format tsv --max-block-size $bs -t $t \
            --bam "$SIM/tumor.bam" mid:"$W/mid.bam" t2:"$SIM/tumor.bam" "${V[@]}"
    done
    if ! cmp -s <(body "$W/mid.$bs.1.tsv") <(body "$W/mid.$bs.4.tsv"); then
        failed "mid-file damage, blocks of $bs: 1 and 4 threads differ"; continue
    fi
    grep -q "mid.bam: read error in chr1:.*; sample 'mid' is written as missing from here on (--keep-going)" \
        "$W/mid.$bs.1.tsv.err" || failed "mid-file damage: message: $(cat "$W/mid.$bs.1.tsv.err")"
    run ref.tsv 0 --format tsv --bam "$SIM/tumor.bam" t2:"$SIM/tumor.bam" "${V[@]}"
    # mid's rows: counts, then NA only; the others exact
    pattern=$(awk -F'\t' '$1 == "mid" { print ($7 == "NA" ? "N" : "c") }' "$W/mid.$bs.1.tsv" | tr -d '\n')
    others=$(body "$W/mid.$bs.1.tsv" | awk -F'\t' '$1 != "mid"')
    if [[ ! $pattern =~ ^c*N+$ ]]; then failed "mid-file damage, blocks of $bs: mid's rows are '$pattern'"
    elif [[ $bs == 2 && ! $pattern =~ ^ccc ]]; then failed "mid-file damage, blocks of 2: no counts before the damage ('$pattern')"
    elif [[ $others != "$(body "$W/ref.tsv")" ]]; then failed "mid-file damage, blocks of $bs: other samples differ"
    else pass=$((pass + 1)); fi
done

echo "$pass passed, $fail failed"
[[ $fail == 0 ]] && rm -rf "$W"
[[ $fail == 0 ]]
