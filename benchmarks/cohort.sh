#!/bin/bash
# Cohort benchmark: many BAMs, few sites.  Usage:
#   benchmarks/cohort.sh [N_BAMS] [DATA_DIR]
# N_BAMS (default 200) BAMs are subsampled (samtools view -s SEED.5, a new
# seed each, so every file is distinct) from the WGS tumour/normal BAMs of
# DATA_DIR (benchmarks/make_data.py) when present, else from the simulated
# pair in test-data/sim; their reads span the whole region.  2,000 sites
# (the first 2,000 of DATA_DIR/wgs/sites.vcf, else SNVs every 4th base of
# the simulated reference).  gbcms runs at --threads 1, 2 and 8, once more at
# 8 under `ulimit -n 128`, and the floor is `samtools view -c -M -L
# sites.bed` over every BAM (one after another, and with xargs -P 2 and 8).
# Prints a markdown table: wall and CPU seconds and peak RSS from GNU time,
# and the most files gbcms had open (sampled from /proc every 20 ms).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
N=${1:-200}
DATA=${2:-$here/data}
GBCMS=${GBCMS:-$here/../build/gbcms}
[[ -x $GBCMS ]] || { echo "build gbcms first ($GBCMS)"; exit 1; }
for tool in samtools /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install samtools time)"; exit 1; }
done
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

if [[ -f $DATA/wgs/tumor1.bam && -f $DATA/wgs/normal.bam ]]; then
    SRC=("$DATA/wgs/tumor1.bam" "$DATA/wgs/normal.bam")
    { grep '^#' "$DATA/wgs/sites.vcf"; grep -v '^#' "$DATA/wgs/sites.vcf" | awk 'NR <= 2000'; } > "$W/sites.vcf"
    from="$DATA/wgs"
else
    SIM=$here/../test-data/sim
    SRC=("$SIM/tumor.bam" "$SIM/normal.bam")
    {
        printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n'
        for ctg in chr1 chr2; do
            samtools faidx "$SIM/ref.fa" "$ctg" | grep -v '^>' | tr -d '\n' |
                awk -v c=$ctg '{ n = split("ACGT", b, ""); for (p = 3; p <= length($0); p += 4) {
                    r = toupper(substr($0, p, 1)); a = "A"; for (k = 1; k <= 4; k++) if (b[k] == r) a = b[k % 4 + 1]
                    printf "%s\t%d\t.\t%s\t%s\t.\t.\t.\n", c, p, r, a } }'
        done | awk 'NR <= 2000'
    } > "$W/sites.vcf"
    from="test-data/sim"
fi
grep -v '^#' "$W/sites.vcf" | awk -F'\t' '{ printf "%s\t%d\t%d\n", $1, $2 - 1, $2 - 1 + length($4) }' > "$W/sites.bed"
sites=$(grep -vc '^#' "$W/sites.vcf")

echo "making $N BAMs from $from ..." >&2
mkdir -p "$W/bams"
: > "$W/bams.fof"
for i in $(seq 1 "$N"); do
    src=${SRC[$((i % 2))]}
    samtools view --no-PG -b -s "$i.5" -o "$W/bams/b$i.bam" "$src"
    samtools index "$W/bams/b$i.bam"
    printf 'b%d\t%s\n' "$i" "$W/bams/b$i.bam" >> "$W/bams.fof"
done

# measure NAME CMD...: one run; sets WALL CPU RSS FDS (FDS only for gbcms)
measure() {
    local name=$1; shift
    /usr/bin/time -f "%e %U %S %M" -o "$W/time" "$@" >/dev/null 2>"$W/err" &
    local tpid=$! pid="" fds=0 n
    while kill -0 "$tpid" 2>/dev/null; do
        [[ -z $pid ]] && pid=$(pgrep -P "$tpid" || true)
        if [[ -n $pid ]]; then
            n=$( (ls /proc/"$pid"/fd 2>/dev/null || true) | wc -l)
            if (( n > fds )); then fds=$n; fi
        fi
        sleep 0.02
    done
    wait "$tpid" || { cat "$W/err"; echo "FAILED: $name" >&2; exit 1; }
    read -r e u s m < "$W/time"
    printf '| %s | %s | %.2f | %.0f | %s |\n' "$name" "$e" "$(echo "$u + $s" | bc)" "$(echo "$m / 1024" | bc)" \
        "${FDCOL:-$fds}"
}

echo "$N BAMs (subsampled from $from), $sites sites; $(nproc) CPUs; $("$GBCMS" --version | head -1)"
echo
echo "| run | wall s | CPU s | peak RSS MB | most open files |"
echo "| --- | --- | --- | --- | --- |"
for t in 1 2 8; do
    measure "gbcms -t $t" "$GBCMS" count --bam_fof "$W/bams.fof" --vcf "$W/sites.vcf" -t "$t" -o "$W/out.vcf"
done
measure "gbcms -t 8, ulimit -n 128" bash -c "ulimit -n 128 && exec \"$GBCMS\" count --bam_fof \"$W/bams.fof\" \
    --vcf \"$W/sites.vcf\" -t 8 -o \"$W/out128.vcf\""
cmp -s <(grep -v '^##gbcms_command' "$W/out.vcf") <(grep -v '^##gbcms_command' "$W/out128.vcf") ||
    { echo "FAILED: output under ulimit -n 128 differs" >&2; exit 1; }
cut -f2 "$W/bams.fof" > "$W/bams.list"
FDCOL=- measure "floor: samtools view -c -M -L, one after another" \
    xargs -a "$W/bams.list" -n 1 samtools view -c -M -L "$W/sites.bed"
for p in 2 8; do
    FDCOL=- measure "floor: samtools view -c -M -L, xargs -P $p" \
        xargs -a "$W/bams.list" -n 1 -P "$p" samtools view -c -M -L "$W/sites.bed"
done
