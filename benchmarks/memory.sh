#!/bin/bash
# Peak memory against the number of BAMs and --threads (benchmarks/README.md,
# "Memory model").  Usage: benchmarks/memory.sh [OUT_DIR]
# Uses the simulated tumour/normal BAMs of test-data/sim, linked under
# distinct names (N = 1 to 300), and 3,000 SNV sites (every 3rd base of the
# 9 kb reference).  Prints a markdown table of peak RSS (MB, GNU time) and
# wall seconds; then the index term: 60 links to a BAM whose index is the
# size of a 30x WGS one (5 MB .bai), 2,000 sites, peak RSS and user CPU.
# GBCMS=path/to/gbcms to measure another build.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
SIM=$here/../test-data/sim
OUT=${1:-$(mktemp -d)}
GBCMS=${GBCMS:-$here/../build/gbcms}
[[ -x $GBCMS ]] || { echo "build gbcms first ($GBCMS)"; exit 1; }
command -v /usr/bin/time >/dev/null || { echo "missing /usr/bin/time (apt-get install time)"; exit 1; }
mkdir -p "$OUT/bams"
for i in $(seq 1 300); do
    if (( i % 2 == 0 )); then src=$SIM/tumor.bam; else src=$SIM/normal.bam; fi
    ln -sf "$src" "$OUT/bams/s$i.bam"
    ln -sf "$src.bai" "$OUT/bams/s$i.bam.bai"
done
# 3,000 sites: every 3rd base, ALT the next base of ACGT after REF
bash "$here/sim_sites.sh" "$SIM" 2 3 > "$OUT/sites.vcf"
run() {  # N THREADS [extra args]: prints "rss_mb wall_s"
    local n=$1 t=$2; shift 2
    local args=()
    for i in $(seq 1 "$n"); do args+=("s$i:$OUT/bams/s$i.bam"); done
    /usr/bin/time -f "%M %e" -o "$OUT/time" "$GBCMS" count --vcf "$OUT/sites.vcf" --fragment-count \
        --bam "${args[@]}" -t "$t" "$@" -o "$OUT/out.vcf" 2>"$OUT/err" || { cat "$OUT/err"; exit 1; }
    awk '{ printf "%.1f %s", $1 / 1024, $2 }' "$OUT/time"
}
echo "| BAMs | -t 1 | -t 2 | -t 4 | -t 8 |"
echo "| --- | --- | --- | --- | --- |"
for n in 1 60 150 300; do
    row="| $n |"
    for t in 1 2 4 8; do
        read -r rss wall <<< "$(run $n $t)"
        row="$row $rss MB, ${wall} s |"
    done
    echo "$row"
done
echo
echo "300 BAMs, variations:"
echo
for v in "1|--max-block-size 100" "8|--max-block-size 100" "1|--max-block-size 1000" "8|--max-block-size 1000"; do
    t=${v%%|*}; extra=${v#*|}
    read -r rss wall <<< "$(run 300 "$t" $extra)"
    echo "- -t $t $extra: $rss MB, $wall s"
done
for t in 1 8; do
    read -r rss wall <<< "$( (ulimit -n 128 && run 300 $t) )"
    echo "- -t $t under ulimit -n 128: $rss MB, $wall s"
done

# A WGS-sized index: 25 contigs of 120 Mb, one 100 bp read every 4 kb.
{
    printf '@HD\tVN:1.6\tSO:coordinate\n'
    for c in $(seq 1 25); do printf '@SQ\tSN:c%d\tLN:120000000\n' "$c"; done
    awk 'BEGIN { s = ""; q = ""; for (i = 0; i < 100; i++) { s = s "A"; q = q "I" }
        for (c = 1; c <= 25; c++) for (p = 1; p < 119999000; p += 4000)
            printf "r%d_%d\t0\tc%d\t%d\t60\t100M\t*\t0\t0\t%s\t%s\n", c, p, c, p, s, q }'
} | samtools view --no-PG -b -o "$OUT/wgs.bam"
samtools index "$OUT/wgs.bam"
{
    printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n'
    for c in $(seq 1 25); do
        for k in $(seq 1 80); do printf 'c%d\t%d\t.\tA\tC\t.\t.\t.\n' "$c" $((k * 1490000 + 50)); done
    done
} > "$OUT/wgs_sites.vcf"
wargs=()
for i in $(seq 1 60); do
    ln -sf "$OUT/wgs.bam" "$OUT/bams/w$i.bam"
    ln -sf "$OUT/wgs.bam.bai" "$OUT/bams/w$i.bam.bai"
    wargs+=("w$i:$OUT/bams/w$i.bam")
done
echo
echo "| 60 BAMs, $(( $(wc -c < "$OUT/wgs.bam.bai") / 1024 )) kB .bai each | -t 1 | -t 2 | -t 4 | -t 8 |"
echo "| --- | --- | --- | --- | --- |"
row="| peak RSS, user CPU |"
for t in 1 2 4 8; do
    /usr/bin/time -f "%M %U" -o "$OUT/time" "$GBCMS" count --vcf "$OUT/wgs_sites.vcf" --bam "${wargs[@]}" \
        -t "$t" -o "$OUT/out.vcf" 2>"$OUT/err" || { cat "$OUT/err"; exit 1; }
    row="$row $(awk '{ printf "%.0f MB, %s s", $1 / 1024, $2 }' "$OUT/time") |"
done
echo "$row"
