#!/bin/sh
# Test fixture: BAM/CRAM versions of the hand-written SAM cases, made at
# test time under the build directory.  Usage: make_cases.sh SRC OUT GBCMS
set -eu
src=$1; out=$2; gbcms=$3
mkdir -p "$out"
for sam in "$src"/test-data/cases/*.sam; do
    n=$(basename "$sam" .sam)
    samtools sort --no-PG -o "$out/$n.bam" "$sam" 2>/dev/null
    samtools index "$out/$n.bam"
done
cp "$out/fragments.bam" "$out/noindex.bam"
rm -f "$out/noindex.bam.bai"
samtools view --no-PG -C -T "$src/test-data/cases/ref.fa" -o "$out/fragments.cram" "$out/fragments.bam"
samtools index "$out/fragments.cram"
printf 'not a bam\n' > "$out/notbam.bam"
# a BAM cut short inside its last data block (the 28-byte EOF block and 12 more bytes go)
size=$(wc -c < "$out/fragments.bam")
head -c $((size - 40)) "$out/fragments.bam" > "$out/truncated.bam"
samtools index "$out/fragments.bam" -o "$out/truncated.bam.bai"
# a bgzipped VCF cut short
bcftools view --no-version -Oz -o "$out/variants.vcf.gz" "$src/test-data/sim/variants.vcf"
size=$(wc -c < "$out/variants.vcf.gz")
head -c $((size - 40)) "$out/variants.vcf.gz" > "$out/truncated.vcf.gz"
ln -sf "$gbcms" "$out/GetBaseCountsMultiSample"
