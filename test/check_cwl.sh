#!/bin/bash
# The CWL tool (workflow/gbcms-count.cwl): cwltool --validate accepts it,
# and a cwltool run on the test set writes what gbcms count writes (the
# command line aside, which names cwltool's staging paths).  Skipped (exit
# 77) without cwltool.  Usage: check_cwl.sh GBCMS SRC WORK
set -u
GBCMS=$1; SRC=$2; SIM=$SRC/test-data/sim
if ! command -v cwltool >/dev/null; then
    echo "SKIP: cwltool is not installed (sh .ci/install-deps --ci installs it)"; exit 77
fi
W=$(mktemp -d "$3/cwl.XXXXXX") && W=$(cd "$W" && pwd -P) || exit 1
mkdir "$W/tmp" "$W/out" || exit 1
export TMPDIR=$W/tmp XDG_CACHE_HOME=$W/cache HOME=$W   # everything cwltool writes stays here
export PATH=$(dirname "$GBCMS"):$PATH                  # the tool runs `gbcms`
pass=0; fail=0
failed() { echo "FAIL $*"; fail=$((fail + 1)); }
if cwltool --validate "$SRC/workflow/gbcms-count.cwl" > "$W/validate.log" 2>&1 &&
   grep -q 'is valid CWL' "$W/validate.log"; then
    pass=$((pass + 1))
else
    failed "cwltool --validate: $(tail -3 "$W/validate.log")"
fi
cat > "$W/job.yml" <<EOF
bams:
  - {class: File, path: $SIM/tumor.bam}
  - {class: File, path: $SIM/normal.bam}
maf: {class: File, path: $SIM/variants.maf}
fasta: {class: File, path: $SIM/ref.fa}
output_name: counts.tsv
format: tsv
fragment_count: true
threads: 2
regions: chr1:1-4000,chr2
extra_args: [--negative-count, "1"]
EOF
strip() { grep -v '^#gbcms_command=' "$1"; }
if ! cwltool --quiet --no-container --outdir "$W/out" --tmpdir-prefix "$W/tmp/" --tmp-outdir-prefix "$W/tmp/" \
        "$SRC/workflow/gbcms-count.cwl" "$W/job.yml" > "$W/run.json" 2> "$W/run.log"; then
    failed "cwltool run: $(tail -5 "$W/run.log")"
elif ! "$GBCMS" count --fasta "$SIM/ref.fa" --bam "$SIM/tumor.bam" "$SIM/normal.bam" --maf "$SIM/variants.maf" \
        --format tsv --fragment-count --negative-count --threads 2 -r chr1:1-4000,chr2 -o "$W/direct.tsv" 2> "$W/err"; then
    failed "gbcms count: $(head -c 300 "$W/err")"
elif [[ $(grep -vc '^#' "$W/direct.tsv") -lt 10 ]] || ! cmp -s <(strip "$W/out/counts.tsv") <(strip "$W/direct.tsv"); then
    failed "the cwltool run's output differs from gbcms count's"; diff <(strip "$W/out/counts.tsv") <(strip "$W/direct.tsv") | head -5
else
    pass=$((pass + 1))
fi
echo "$pass passed, $fail failed"
[[ $fail == 0 ]] && rm -rf "$W"
[[ $fail == 0 ]]
