#!/bin/bash
# Benchmark runner: gbcms against the decode floor and its peers, in one run.
# Usage: benchmarks/run.sh [DATA_DIR] [RUNS]   (DATA_DIR from make_data.py, default benchmarks/data)
# Writes benchmarks/RESULTS.md, benchmarks/threads.png and benchmarks/bams.png.
# Every number is the median of RUNS (default 3) runs: wall seconds, CPU
# seconds (user + sys) and peak RSS (MB), measured by GNU time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
DATA=${1:-$here/data}
RUNS=${2:-3}
GBCMS=${GBCMS:-$here/../build/gbcms}
W=$DATA/wgs
P=$DATA/panel
REF=$DATA/ref.fa
BAMS=("$W/tumor1.bam" "$W/tumor2.bam" "$W/tumor3.bam" "$W/normal.bam")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for tool in samtools bcftools alleleCounter gnuplot /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "missing $tool (sh .ci/install-deps; apt-get install allelecount gnuplot-nox time)"; exit 1; }
done
[[ -x $GBCMS ]] || { echo "build gbcms first ($GBCMS)"; exit 1; }

# Site lists for the peers: SNV positions for alleleCounter, all sites for the pileups.
grep -v '^#' "$W/sites.vcf" | awk -F'\t' '{print $1"\t"$2}' > "$TMP/sites.pos"
grep -v '^#' "$W/sites.vcf" | awk -F'\t' 'length($4)==1 && length($5)==1 {print $1"\t"$2}' > "$TMP/snv.loci"
bcftools view -Oz -o "$TMP/sites.vcf.gz" "$W/sites.vcf" && bcftools index -t "$TMP/sites.vcf.gz"

# measure NAME CMD...: RUNS runs, record "name wall cpu rss" medians
declare -A WALL CPU RSS
measure() {
    local name=$1; shift
    local walls=() cpus=() rsss=()
    for ((i = 0; i < RUNS; i++)); do
        /usr/bin/time -f "%e %U %S %M" -o "$TMP/time" "$@" >/dev/null 2>"$TMP/err" || { cat "$TMP/err"; echo "FAILED: $name"; exit 1; }
        read -r e u s m < "$TMP/time"
        walls+=("$e"); cpus+=("$(echo "$u + $s" | bc)"); rsss+=("$m")
    done
    WALL[$name]=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    CPU[$name]=$(printf '%s\n' "${cpus[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]}')
    RSS[$name]=$(printf '%s\n' "${rsss[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.0f", a[int((NR+1)/2)]/1024}')
    printf '%-34s wall %7s  cpu %7s  rss %6s MB\n' "$name" "${WALL[$name]}" "${CPU[$name]}" "${RSS[$name]}" >&2
}
ratio() { echo "scale=3; $1 / $2" | bc | sed 's/^\./0./'; }

# paired NAME N CMD_A -- CMD_B: run A then B, N times in turn, and record
# the median of the per-pair wall-time ratios A/B (drift hits both alike)
declare -A PAIRED PAIRED_RANGE
paired() {
    local name=$1 n=$2; shift 2
    local a=() b=() ratios=()
    while [[ $1 != -- ]]; do a+=("$1"); shift; done
    shift; b=("$@")
    for ((i = 0; i < n; i++)); do
        /usr/bin/time -f "%e" -o "$TMP/ta" "${a[@]}" >/dev/null 2>"$TMP/err" || { cat "$TMP/err"; exit 1; }
        /usr/bin/time -f "%e" -o "$TMP/tb" "${b[@]}" >/dev/null 2>"$TMP/err" || { cat "$TMP/err"; exit 1; }
        ratios+=("$(echo "scale=4; $(cat "$TMP/ta") / $(cat "$TMP/tb")" | bc)")
    done
    PAIRED[$name]=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}')
    PAIRED_RANGE[$name]=$(printf '%s\n' "${ratios[@]}" | sort -g | awk 'NR==1 {lo=$1} {hi=$1} END {printf "%.2f-%.2f", lo, hi}')
    printf '%-34s median ratio %s (range %s over %d pairs)\n' "$name" "${PAIRED[$name]}" "${PAIRED_RANGE[$name]}" "$n" >&2
}

# gbcms and the decode floor
measure "gbcms -t 1" "$GBCMS" count --fasta "$REF" --vcf "$W/sites.vcf" --bam "${BAMS[@]}" -t 1 -o /dev/null
measure "gbcms -t 2" "$GBCMS" count --fasta "$REF" --vcf "$W/sites.vcf" --bam "${BAMS[@]}" -t 2 -o /dev/null
measure "gbcms -t 2 --fragment-count" "$GBCMS" count --fasta "$REF" --vcf "$W/sites.vcf" --bam "${BAMS[@]}" -t 2 --fragment-count -o /dev/null
measure "decode floor, sequential" sh -c 'for b in "$@"; do samtools view -c "$b"; done' sh "${BAMS[@]}"
measure "decode floor, xargs -P2" sh -c 'printf "%s\n" "$@" | xargs -P2 -n1 samtools view -c' sh "${BAMS[@]}"
# the headline ratio, measured in interleaved pairs
paired "floor ratio t1" 7 "$GBCMS" count --fasta "$REF" --vcf "$W/sites.vcf" --bam "${BAMS[@]}" -t 1 -o /dev/null \
    -- sh -c 'for b in "$@"; do samtools view -c "$b"; done' sh "${BAMS[@]}"
paired "floor ratio t2" 7 "$GBCMS" count --fasta "$REF" --vcf "$W/sites.vcf" --bam "${BAMS[@]}" -t 2 -o /dev/null \
    -- sh -c 'printf "%s\n" "$@" | xargs -P2 -n1 samtools view -c' sh "${BAMS[@]}"
# peers (1 thread: none of them splits work across threads)
measure "samtools mpileup -l sites" samtools mpileup -B -Q 0 -q 20 -l "$TMP/sites.pos" -f "$REF" "${BAMS[@]}"
measure "bcftools mpileup -T sites" bcftools mpileup -a AD,ADF,ADR -B -Q 0 -q 20 -T "$TMP/sites.vcf.gz" -f "$REF" "${BAMS[@]}"
measure "alleleCounter, sequential" bash -c 'for b in "${@:2}"; do alleleCounter -l "$1" -b "$b" -o /dev/stdout -m 0 -q 20; done' bash "$TMP/snv.loci" "${BAMS[@]}"
measure "alleleCounter, xargs -P2" bash -c 'printf "%s\n" "${@:2}" | xargs -P2 -I{} alleleCounter -l "$1" -b {}  -o /dev/stdout -m 0 -q 20' bash "$TMP/snv.loci" "${BAMS[@]}"
# scaling: threads (4 BAMs) and number of BAMs (2 threads)
for t in 1 2 4; do
    measure "scaling t$t" "$GBCMS" count --fasta "$REF" --vcf "$W/sites.vcf" --bam "${BAMS[@]}" -t $t -o /dev/null
done
for n in 1 2 3 4; do
    measure "bams $n" "$GBCMS" count --fasta "$REF" --vcf "$W/sites.vcf" --bam "${BAMS[@]:0:$n}" -t 2 -o /dev/null
done
# seek or read through: the rule against reading whole blocks through
awk 'NR % 300 == 0' <(grep -v '^#' "$W/sites.vcf") | cat <(grep '^#' "$W/sites.vcf") - > "$TMP/sparse.vcf"
measure "sparse sites, seek rule" "$GBCMS" count --fasta "$REF" --vcf "$TMP/sparse.vcf" --bam "${BAMS[@]}" -o /dev/null
measure "sparse sites, read through" env GBCMS_SEEK_GAP=1e12 "$GBCMS" count --fasta "$REF" --vcf "$TMP/sparse.vcf" --bam "${BAMS[@]}" -o /dev/null
measure "panel 2000x, seek rule" "$GBCMS" count --fasta "$REF" --vcf "$P/sites.vcf" --bam "$P/tumor_2000x.bam" -o /dev/null
measure "panel 2000x, read through" env GBCMS_SEEK_GAP=1e12 "$GBCMS" count --fasta "$REF" --vcf "$P/sites.vcf" --bam "$P/tumor_2000x.bam" -o /dev/null
# memory against depth: the panel at 500x and 2000x
for d in 500x 2000x; do
    measure "panel $d" "$GBCMS" count --fasta "$REF" --vcf "$P/sites.vcf" --bam "$P/tumor_$d.bam" -t 2 --fragment-count -o /dev/null
    measure "panel floor $d" samtools view -c "$P/tumor_$d.bam"
done

# plots
printf '%s\t%s\n' 1 "${WALL[scaling t1]}" 2 "${WALL[scaling t2]}" 4 "${WALL[scaling t4]}" > "$TMP/threads.dat"
for n in 1 2 3 4; do printf '%s\t%s\n' $n "${WALL[bams $n]}"; done > "$TMP/bams.dat"
gnuplot <<GP
set terminal pngcairo size 640,400
set grid
set output "$here/threads.png"
set title "gbcms, 4 BAMs, 10,000 sites: wall time vs --threads (2 cores)"
set xlabel "--threads"; set ylabel "wall seconds (median of $RUNS)"; set xtics (1,2,4); set yrange [0:*]
plot "$TMP/threads.dat" using 1:2 with linespoints lw 2 pt 7 title "gbcms"
set output "$here/bams.png"
set title "gbcms --threads 2: wall time vs number of BAMs"
set xlabel "BAMs"; set xtics (1,2,3,4)
plot "$TMP/bams.dat" using 1:2 with linespoints lw 2 pt 7 title "gbcms"
GP

cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
reads=$(samtools view -c "${BAMS[0]}")
{
echo "# Benchmark results"
echo
echo "Made by \`benchmarks/run.sh\` on $(date -u +%Y-%m-%d); data from \`benchmarks/make_data.py\`."
echo "Medians of $RUNS runs. These machines are shared and noisy: compare ratios within one run."
echo
echo "- Machine: $(nproc) cores ($cpu_model), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "- $("$GBCMS" --version | tr '\n' ' ')"
echo "- $(samtools --version | head -1), $(bcftools --version | head -1), alleleCounter $(alleleCounter --version 2>&1 | tail -1)"
echo "- WGS set: 4 BAMs (3 tumour, 1 normal), ~60x 2x150 over 3 Mb of GRCh37 chr20, $reads reads in tumor1.bam; 10,000 sites (SNV, MNV, insertions, deletions)"
echo "- Panel set: 300 targets of 300 bp, one BAM at ~2000x and a 500x subsample"
echo
echo "## 4 BAMs, 10,000 sites"
echo
echo "| command | threads | wall s | CPU s | peak RSS MB |"
echo "| --- | --- | --- | --- | --- |"
for k in "gbcms -t 1:1" "gbcms -t 2:2" "gbcms -t 2 --fragment-count:2" "decode floor, sequential:1" "decode floor, xargs -P2:2" \
         "samtools mpileup -l sites:1" "bcftools mpileup -T sites:1" "alleleCounter, sequential:1" "alleleCounter, xargs -P2:2"; do
    n=${k%:*}; t=${k##*:}
    echo "| $n | $t | ${WALL[$n]} | ${CPU[$n]} | ${RSS[$n]} |"
done
echo
echo "Ratios (wall time):"
echo
echo "- gbcms / decode floor, median of 7 interleaved pairs (the runs alternate, so drift on this shared"
echo "  machine hits both sides alike): ${PAIRED[floor ratio t1]} at 1 thread (pairs ranged ${PAIRED_RANGE[floor ratio t1]}),"
echo "  ${PAIRED[floor ratio t2]} at 2 threads (pairs ranged ${PAIRED_RANGE[floor ratio t2]})"
echo "- the same from the table's medians: $(ratio "${WALL[gbcms -t 1]}" "${WALL[decode floor, sequential]}") at 1 thread, $(ratio "${WALL[gbcms -t 2]}" "${WALL[decode floor, xargs -P2]}") at 2 threads"
echo "- samtools mpileup / gbcms (1 thread): $(ratio "${WALL[samtools mpileup -l sites]}" "${WALL[gbcms -t 1]}")"
echo "- bcftools mpileup / gbcms (1 thread): $(ratio "${WALL[bcftools mpileup -T sites]}" "${WALL[gbcms -t 1]}")"
echo "- alleleCounter / gbcms: $(ratio "${WALL[alleleCounter, sequential]}" "${WALL[gbcms -t 1]}") at 1 thread, $(ratio "${WALL[alleleCounter, xargs -P2]}" "${WALL[gbcms -t 2]}") at 2 threads (alleleCounter counts SNV loci only)"
echo "- 1 -> 2 thread speed-up: $(ratio "${WALL[scaling t1]}" "${WALL[scaling t2]}") (efficiency $(echo "scale=2; ${WALL[scaling t1]} / ${WALL[scaling t2]} / 2" | bc | sed 's/^\./0./'))"
echo
echo "## Scaling"
echo
echo "| --threads | wall s | CPU s | RSS MB |"
echo "| --- | --- | --- | --- |"
for t in 1 2 4; do echo "| $t | ${WALL[scaling t$t]} | ${CPU[scaling t$t]} | ${RSS[scaling t$t]} |"; done
echo
echo "| BAMs (--threads 2) | wall s | CPU s | RSS MB |"
echo "| --- | --- | --- | --- |"
for n in 1 2 3 4; do echo "| $n | ${WALL[bams $n]} | ${CPU[bams $n]} | ${RSS[bams $n]} |"; done
echo
echo "![time vs threads](threads.png) ![time vs BAMs](bams.png)"
echo
echo "## Seek or read through (1 thread)"
echo
echo "| sites | seek rule wall s | whole blocks read through wall s |"
echo "| --- | --- | --- |"
echo "| every 300th WGS site (~90 kb apart), 4 BAMs | ${WALL[sparse sites, seek rule]} | ${WALL[sparse sites, read through]} |"
echo "| panel, 900 sites in 300 targets, 2000x | ${WALL[panel 2000x, seek rule]} | ${WALL[panel 2000x, read through]} |"
echo
echo "## Memory against depth (panel, --threads 2 --fragment-count)"
echo
echo "| depth | gbcms wall s | gbcms RSS MB | decode floor wall s |"
echo "| --- | --- | --- | --- |"
for d in 500x 2000x; do echo "| $d | ${WALL[panel $d]} | ${RSS[panel $d]} | ${WALL[panel floor $d]} |"; done
} > "$here/RESULTS.md.new"
echo "(analysis: see benchmarks/README.md)" >> "$here/RESULTS.md.new"
mv "$here/RESULTS.md.new" "$here/RESULTS.md"
echo "wrote $here/RESULTS.md" >&2
