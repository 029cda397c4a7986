#!/bin/bash
# Cohort benchmark: many BAMs, few sites.  Usage:
#   benchmarks/cohort.sh [N_BAMS] [DATA_DIR] [PAIRS]
# N_BAMS (default 200) distinct BAMs are subsampled from the four WGS BAMs of
# DATA_DIR (benchmarks/make_data.py): `samtools view -s SEED.FRAC` with a new
# seed each (FRAC from $FRACTION, default 0.25, i.e. about 15x), so every
# file's reads span the whole region and every index is a real one.  They are
# made once and kept in DATA_DIR/cohort-N-FRAC.  Without the WGS set the
# simulated pair in test-data/sim is used (tiny files: no floor to speak of).
# Sites: 2,000 taken evenly over DATA_DIR/wgs/sites.vcf (so they span the
# region), or SNVs every 4th base of the simulated reference.
#
# Runs: gbcms at --threads 1, 2 and 8 (8 oversubscribes a 2-core machine on
# purpose: memory must not grow), once more at 8 under `ulimit -n 128` (the
# output must be identical); the decode floor `samtools view -c -M -L
# sites.bed` over every BAM, one after another and with xargs -P 2; and
# bcftools mpileup -a AD over the same BAMs and sites.  Wall and CPU seconds
# and peak RSS come from GNU time; the most files gbcms had open from /proc
# (sampled every 20 ms, in separate untimed runs: sampling costs CPU).  Times are medians of PAIRS (default 3) runs; the
# ratios to the floor are medians of PAIRS interleaved gbcms/floor pairs, as
# in run.sh, because this machine is shared and noisy.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
N=${1:-200}
DATA=${2:-$here/data}
PAIRS=${3:-3}
FRACTION=${FRACTION:-0.25}
GBCMS=${GBCMS:-$here/../build/gbcms}
[[ -x $GBCMS ]] || { echo "build gbcms first ($GBCMS)"; exit 1; }
for tool in samtools bcftools bc /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install samtools bcftools bc time)"; exit 1; }
done
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

if [[ -f $DATA/wgs/tumor1.bam && -f $DATA/wgs/normal.bam ]]; then
    SRC=("$DATA/wgs/tumor1.bam" "$DATA/wgs/tumor2.bam" "$DATA/wgs/tumor3.bam" "$DATA/wgs/normal.bam")
    REF=$DATA/ref.fa
    total=$(grep -vc '^#' "$DATA/wgs/sites.vcf")
    { grep '^#' "$DATA/wgs/sites.vcf"
      grep -v '^#' "$DATA/wgs/sites.vcf" | awk -v t="$total" 'int((NR - 1) * 2000 / t) != int(NR * 2000 / t)'
    } > "$W/sites.vcf"
    from="the WGS set (fraction $FRACTION each)"
    BAMDIR=$DATA/cohort-$N-$FRACTION
else
    SIM=$here/../test-data/sim
    SRC=("$SIM/tumor.bam" "$SIM/normal.bam")
    REF=$SIM/ref.fa
    bash "$here/sim_sites.sh" "$SIM" 3 4 2000 > "$W/sites.vcf"
    from="test-data/sim"
    BAMDIR=$W/bams
fi
grep -v '^#' "$W/sites.vcf" | awk -F'\t' '{ printf "%s\t%d\t%d\n", $1, $2 - 1, $2 - 1 + length($4) }' > "$W/sites.bed"
sites=$(grep -vc '^#' "$W/sites.vcf")
bcftools view -Oz -o "$W/sites.vcf.gz" "$W/sites.vcf" && bcftools index -t "$W/sites.vcf.gz"

# The BAMs, made once (a BAM whose index exists is complete: the index is written last).
mkdir -p "$BAMDIR"
frac=${FRACTION#0}
# make_one I SRC: a subsample with its own seed; SM becomes bI so that every
# file is its own sample for bcftools too (read RG tags stay valid)
make_one() {
    local i=$1 src=$2 out=$BAMDIR/b$1.bam
    [[ -f $out.bai ]] && return 0
    samtools view --no-PG -b -s "$i$frac" -o "$out.tmp" "$src"
    samtools reheader --no-PG -c "sed 's/SM:[^[:space:]]*/SM:b$i/'" "$out.tmp" > "$out"
    rm -f "$out.tmp"
    samtools index "$out"
}
export -f make_one; export BAMDIR frac
echo "making $N BAMs from $from in $BAMDIR ..." >&2
for i in $(seq 1 "$N"); do
    echo "$i ${SRC[$((i % ${#SRC[@]}))]}"
done | xargs -P 2 -L 1 bash -c 'make_one "$0" "$1"'
: > "$W/bams.fof"
for i in $(seq 1 "$N"); do printf 'b%d\t%s\n' "$i" "$BAMDIR/b$i.bam" >> "$W/bams.fof"; done
cut -f2 "$W/bams.fof" > "$W/bams.list"
bai=$(stat -c %s "$BAMDIR/b1.bam.bai")
bam=$(du -m "$BAMDIR/b1.bam" | cut -f1)

# one NAME CMD...: one timed run; prints "wall cpu rssKB"
one() {
    local name=$1; shift
    /usr/bin/time -f "%e %U %S %M" -o "$W/time" "$@" >/dev/null 2>"$W/err" ||
        { cat "$W/err" >&2; echo "FAILED: $name" >&2; exit 1; }
    read -r e u s m < "$W/time"
    echo "$e $(printf "%.2f" "$(echo "$u + $s" | bc)") $m"
}
# most_fds CMD...: an untimed run (watching /proc costs CPU, so the timed
# runs are not watched); prints the most descriptors the process had open
most_fds() {
    "$@" >/dev/null 2>"$W/err" &
    local pid=$! fds=0 f
    while kill -0 "$pid" 2>/dev/null; do
        f=(/proc/"$pid"/fd/*)
        if (( ${#f[@]} > fds )); then fds=${#f[@]}; fi
        sleep 0.02
    done
    wait "$pid" || { cat "$W/err" >&2; echo "FAILED: $*" >&2; exit 1; }
    echo "$fds"
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
median3() { sort -g | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'; }
range() { sort -g | awk 'NR==1 {lo=$1} {hi=$1} END {printf "%.2f-%.2f", lo, hi}'; }

declare -A WALLS CPUS RSSS FDSS
record() {   # record NAME "wall cpu rss"
    local name=$1; read -r e c m <<< "$2"
    WALLS[$name]+="$e "; CPUS[$name]+="$c "; RSSS[$name]+="$m "
    printf '%-40s wall %6s cpu %6s rss %6s KB\n' "$name" "$e" "$c" "$m" >&2
}
gb() { exec "$GBCMS" count --bam_fof "$W/bams.fof" --vcf "$W/sites.vcf" -f "$REF" -t "$@"; }
floor_seq() { xargs -a "$W/bams.list" -n 1 samtools view -c -M -L "$W/sites.bed"; }
floor_p2() { xargs -a "$W/bams.list" -n 1 -P 2 samtools view -c -M -L "$W/sites.bed"; }
export -f gb floor_seq floor_p2; export GBCMS W REF
declare -a R1 R2
for ((k = 0; k < PAIRS; k++)); do
    a=$(one "gbcms -t 1" bash -c 'gb 1 -o "$W/out1.vcf"'); record "gbcms -t 1" "$a"
    b=$(one floor1 bash -c floor_seq); record "floor, one after another" "$b"
    R1+=("$(echo "scale=4; ${a%% *} / ${b%% *}" | bc)")
    a=$(one "gbcms -t 2" bash -c 'gb 2 -o "$W/out2.vcf"'); record "gbcms -t 2" "$a"
    b=$(one floor2 bash -c floor_p2); record "floor, xargs -P 2" "$b"
    R2+=("$(echo "scale=4; ${a%% *} / ${b%% *}" | bc)")
    a=$(one "gbcms -t 8" bash -c 'gb 8 -o "$W/out8.vcf"'); record "gbcms -t 8" "$a"
    a=$(one "gbcms -t 8 ulimit" bash -c 'ulimit -n 128 && gb 8 -o "$W/out128.vcf"')
    record "gbcms -t 8, ulimit -n 128" "$a"
done
FDSS["gbcms -t 1"]=$(most_fds bash -c 'gb 1 -o "$W/out1.vcf"')
FDSS["gbcms -t 2"]=$(most_fds bash -c 'gb 2 -o "$W/out2.vcf"')
FDSS["gbcms -t 8"]=$(most_fds bash -c 'gb 8 -o "$W/out8.vcf"')
FDSS["gbcms -t 8, ulimit -n 128"]=$(most_fds bash -c 'ulimit -n 128 && gb 8 -o "$W/out128.vcf"')
for f in out2 out8 out128; do
    cmp -s <(grep -v '^##gbcms_command' "$W/out1.vcf") <(grep -v '^##gbcms_command' "$W/$f.vcf") ||
        { echo "FAILED: $f.vcf differs from the -t 1 output" >&2; exit 1; }
done
a=$(one bcftools bcftools mpileup -a AD -B -Q 0 -q 20 -R "$W/sites.vcf.gz" -f "$REF" -b "$W/bams.list" \
    -Ou -o /dev/null)
record "bcftools mpileup -a AD -R sites" "$a"

echo "$N BAMs (subsampled from $from: $bam MB and a $bai-byte .bai each), $sites sites spanning the region;"
echo "$(nproc) CPUs; $("$GBCMS" --version | head -1); $(samtools --version | head -1); $(bcftools --version | head -1)."
echo "Medians of $PAIRS runs."
echo
echo "| run | wall s | CPU s | peak RSS MB | most open files |"
echo "| --- | --- | --- | --- | --- |"
for name in "gbcms -t 1" "gbcms -t 2" "gbcms -t 8" "gbcms -t 8, ulimit -n 128" \
        "floor, one after another" "floor, xargs -P 2" "bcftools mpileup -a AD -R sites"; do
    fd=${FDSS[$name]:--}
    printf '| %s | %s | %s | %.0f | %s |\n' "$name" \
        "$(tr ' ' '\n' <<< "${WALLS[$name]}" | grep . | median)" \
        "$(tr ' ' '\n' <<< "${CPUS[$name]}" | grep . | median)" \
        "$(echo "$(tr ' ' '\n' <<< "${RSSS[$name]}" | grep . | median) / 1024" | bc -l)" "$fd"
done
echo
echo "- gbcms -t 1 / floor one after another: $(printf '%s\n' "${R1[@]}" | median3) (pairs $(printf '%s\n' "${R1[@]}" | range))"
echo "- gbcms -t 2 / floor xargs -P 2: $(printf '%s\n' "${R2[@]}" | median3) (pairs $(printf '%s\n' "${R2[@]}" | range))"
echo "- bcftools mpileup / gbcms -t 1: $(echo "scale=1; $(tr ' ' '\n' <<< "${WALLS[bcftools mpileup -a AD -R sites]}" | grep . | median) / $(tr ' ' '\n' <<< "${WALLS[gbcms -t 1]}" | grep . | median)" | bc)"
echo "- outputs at -t 1, 2, 8 and under ulimit -n 128: identical"
