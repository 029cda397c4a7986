#!/bin/bash
# The Snakemake workflow (workflow/Snakefile) on the test set: three
# samples in groups of two, shards of 2,000 bp (five of them); the merged
# output equals one gbcms count run byte for byte (the command line aside)
# in every format; nothing but the output is left behind, after success and
# after a failed job; the Slurm profile and the --cluster form dry-run.
# Skipped (exit 77) without snakemake.  Usage: check_workflow.sh GBCMS SRC WORK
set -u
GBCMS=$1; SRC=$2; SIM=$SRC/test-data/sim
if ! command -v snakemake >/dev/null; then
    echo "SKIP: snakemake is not installed (sh .ci/install-deps --ci installs it)"; exit 77
fi
W=$(mktemp -d "$3/workflow.XXXXXX") && W=$(cd "$W" && pwd -P) || exit 1
export XDG_CACHE_HOME=$W/cache   # snakemake's own cache, under the build directory
pass=0; fail=0
failed() { echo "FAIL $*"; fail=$((fail + 1)); }
printf 'sample\tbam\ntumor\t%s\nnormal\t%s\nt2\t%s\n' "$SIM/tumor.bam" "$SIM/normal.bam" "$SIM/tumor.bam" > "$W/samples.tsv"
BAMS=(--bam "tumor:$SIM/tumor.bam" "normal:$SIM/normal.bam" "t2:$SIM/tumor.bam")
. "$(dirname "$0")/output_body.sh"   # body FILE
# smk OUT SITES OPTIONS [snakemake args...]: the workflow into $W/OUT
smk() {
    local out=$1 sites=$2 opts=$3; shift 3
    (cd "$W" && snakemake -s "$SRC/workflow/Snakefile" --configfile "$SRC/workflow/config.yaml" --cores 2 --quiet \
        --config samples="$W/samples.tsv" sites="$sites" fasta="$SIM/ref.fa" output="$W/$out" gbcms="$GBCMS" \
        group_size=2 shard_bp=2000 options="$opts" "$@") > "$W/smk.log" 2>&1
}
# only the outputs, the sample sheet and snakemake's own state may be in $W
leftovers() {
    (cd "$W" && find . -path ./.snakemake -prune -o -path ./cache -prune -o -type f -print |
        grep -v -e '^\./samples\.tsv$' -e '^\./out\.[^/]*$' -e '^\./single\.[^/]*$' -e '^\./smk\.log$' -e '^\./err$' -e '^\./bad\.bam')
}
n=0
while IFS='|' read -r out sites opts; do
    n=$((n + 1))
    rm -f "$W/$out" "$W/single.$out"
    if ! smk "$out" "$SIM/$sites" "$opts"; then failed "$out: snakemake failed:"; tail -5 "$W/smk.log"; continue; fi
    in=--vcf; [[ $sites == *.maf ]] && in=--maf
    # shellcheck disable=SC2086 (opts is several words)
    if ! "$GBCMS" count --fasta "$SIM/ref.fa" "${BAMS[@]}" $in "$SIM/$sites" $opts -o "$W/single.$out" 2>"$W/err"; then
        failed "$out: gbcms count failed: $(head -c 300 "$W/err")"; continue
    fi
    if ! body "$W/$out" > "$W/a" || ! body "$W/single.$out" > "$W/b" || [[ $(grep -c '' "$W/b") -lt 10 ]]; then
        failed "$out: cannot read the outputs"
    elif ! cmp -s "$W/a" "$W/b"; then
        failed "$out: the workflow's output differs from one gbcms count run"; diff "$W/a" "$W/b" | head -5
    else
        pass=$((pass + 1))
    fi
    rm -f "$W/a" "$W/b"
    left=$(leftovers)
    if [[ -n $left ]]; then failed "$out: left behind: $left"; else pass=$((pass + 1)); fi
done <<'EOF'
out.vcf.gz|variants.vcf|--fragment-count
out.bcf|variants.vcf|--vcf-fields standard
out.tsv|variants.vcf|--format tsv --generic-counting
out.fillout|variants.maf|--fragment-count --negative-count
out.maf.gz|variants.maf|--omaf
EOF
[[ $n == 5 ]] || failed "ran $n cases, expected 5"

# the second group's jobs fail (a damaged BAM): the workflow fails, and the
# first group's finished parts are removed too
printf 'not a bam\n' > "$W/bad.bam"
printf 'sample\tbam\ntumor\t%s\nnormal\t%s\nbad\t%s\n' "$SIM/tumor.bam" "$SIM/normal.bam" "$W/bad.bam" > "$W/samples.tsv"
rm -f "$W/out.fail.tsv"
if smk out.fail.tsv "$SIM/variants.vcf" "--format tsv" --keep-going; then
    failed "a damaged BAM: the workflow succeeded"
elif ! grep -q 'bad.bam: not a BAM, CRAM or SAM file' "$W/smk.log"; then
    failed "a damaged BAM: gbcms's message is not in snakemake's log: $(tail -3 "$W/smk.log")"
elif [[ -e $W/out.fail.tsv || -n $(leftovers) ]]; then
    failed "a damaged BAM: left behind: $(ls "$W/out.fail.tsv" 2>/dev/null) $(leftovers)"
else
    pass=$((pass + 1))
fi

# the cluster forms, dry-run (-n): the Slurm profile, and --cluster by hand
printf 'sample\tbam\ntumor\t%s\nnormal\t%s\nt2\t%s\n' "$SIM/tumor.bam" "$SIM/normal.bam" "$SIM/tumor.bam" > "$W/samples.tsv"
for form in profile cluster; do
    args=(--profile "$SRC/workflow/profiles/slurm")
    [[ $form == cluster ]] && args=(--cluster "sbatch --cpus-per-task={threads} --mem={resources.mem_mb}M" --jobs 50)
    if ! smk out.dry.vcf.gz "$SIM/variants.vcf" "" -n "${args[@]}"; then
        failed "dry run ($form): $(tail -5 "$W/smk.log")"
    elif ! grep -Eq '^count +10 ' "$W/smk.log" || ! grep -Eq '^merge +1 ' "$W/smk.log"; then
        failed "dry run ($form): not 10 count jobs and a merge: $(grep -E '^(count|merge|total)' "$W/smk.log")"
    elif [[ -e $W/out.dry.vcf.gz || -n $(leftovers) ]]; then
        failed "dry run ($form): wrote files: $(leftovers)"
    else
        pass=$((pass + 1))
    fi
done

echo "$pass passed, $fail failed"
[[ $fail == 0 ]] && rm -rf "$W"
[[ $fail == 0 ]]
