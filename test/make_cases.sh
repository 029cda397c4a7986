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
# Damaged and odd text inputs (VCF/MAF/FASTA side).
# BGZF files cut at a block boundary: the first part's blocks without the
# EOF marker, so every block decodes and only the marker tells.
vcf=$src/test-data/sim/variants.vcf
{ grep '^#' "$vcf"; grep -v '^#' "$vcf" | head -4; } | bgzip -c > "$out/half.vcf.gz"
size=$(wc -c < "$out/half.vcf.gz"); head -c $((size - 28)) "$out/half.vcf.gz" > "$out/cut.vcf.gz"
{ grep '^#' "$vcf"; grep -v '^#' "$vcf" | head -4; } | bcftools view --no-version -Ob -o "$out/half.bcf"
size=$(wc -c < "$out/half.bcf"); head -c $((size - 28)) "$out/half.bcf" > "$out/cut.bcf"
bgzip -c "$src/test-data/sim/variants.maf" > "$out/variants.maf.gz"
size=$(wc -c < "$out/variants.maf.gz"); head -c $((size - 28)) "$out/variants.maf.gz" > "$out/cut.maf.gz"
gzip -c "$src/test-data/sim/variants.maf" > "$out/plain.maf.gz"
size=$(wc -c < "$out/plain.maf.gz"); head -c $((size - 20)) "$out/plain.maf.gz" > "$out/cutplain.maf.gz"
bgzip -c "$src/test-data/sim/ref.fa" > "$out/ref.fa.gz"
size=$(wc -c < "$out/ref.fa.gz"); head -c $((size - 28)) "$out/ref.fa.gz" > "$out/cut.fa.gz"
samtools faidx "$out/ref.fa.gz"
cp "$out/ref.fa.gz.fai" "$out/cut.fa.gz.fai"; cp "$out/ref.fa.gz.gzi" "$out/cut.fa.gz.gzi"
# a .fai older than its FASTA, and one made for another version of it
cp "$src/test-data/sim/ref.fa" "$out/stale.fa"; samtools faidx "$out/stale.fa"
touch -d '2020-01-02 00:00' "$out/stale.fa"; touch -d '2020-01-01 00:00' "$out/stale.fa.fai"
{ printf '>chr0\nACGTACGT\n'; cat "$src/test-data/sim/ref.fa"; } > "$out/shifted.fa"
cp "$src/test-data/sim/ref.fa.fai" "$out/shifted.fa.fai"
head -c 3000 "$src/test-data/sim/ref.fa" > "$out/short.fa"; cp "$src/test-data/sim/ref.fa.fai" "$out/short.fa.fai"
# line ends and byte-order marks
tr '\n' '\r' < "$src/test-data/cases/fragments.vcf" > "$out/cr_only.vcf"
{ printf '\357\273\277'; cat "$src/test-data/cases/fragments.vcf"; } > "$out/bom.vcf"
{ printf '\357\273\277'; cat "$src/test-data/cases/fragments.maf"; } > "$out/bom.maf"
tr '\n' '\r' < "$src/test-data/cases/fragments.maf" > "$out/cr_only.maf"
# a NUL byte inside a record
{ head -3 "$src/test-data/cases/fragments.vcf"; printf 'chr1\t21\tx\tA\tG\000\t.\t.\t.\n'; } > "$out/nul.vcf"
printf '\357\273\277# a BAM list with a BOM and CR line ends\rs1\t%s\r' "$out/fragments.bam" > "$out/cr_bom.fof"
# Bad BAM/CRAM inputs (README "Bad input"), each caught before counting:
# cut exactly at a block boundary (only the EOF block goes), so every
# remaining block reads cleanly
size=$(wc -c < "$out/fragments.bam")
head -c $((size - 28)) "$out/fragments.bam" > "$out/truncated_eof.bam"
samtools index "$out/fragments.bam" -o "$out/truncated_eof.bam.bai"
size=$(wc -c < "$out/fragments.cram")
head -c $((size - 38)) "$out/fragments.cram" > "$out/truncated.cram"
cp "$out/fragments.cram.crai" "$out/truncated.cram.crai"
# a byte of the reads' compressed block flipped (the header block is
# separate), the EOF block kept
cp "$out/fragments.bam" "$out/corrupt.bam"
hsize=$(od -An -tu2 -j16 -N2 "$out/corrupt.bam" | tr -d ' ')
printf '\377' | dd of="$out/corrupt.bam" bs=1 seek=$((hsize + 1 + 40)) conv=notrunc 2>/dev/null
samtools index "$out/fragments.bam" -o "$out/corrupt.bam.bai"
# an index older than its BAM
cp "$out/fragments.bam" "$out/stale.bam"
samtools index "$out/stale.bam"
touch -d '2001-01-01 00:00:00' "$out/stale.bam.bai"
# an index cut short
cp "$out/fragments.bam" "$out/badindex.bam"
samtools index "$out/fragments.bam" -o "$out/badindex.full.bai"
head -c 12 "$out/badindex.full.bai" > "$out/badindex.bam.bai"
# read groups of two samples; an SM with a control character
{ samtools view -H --no-PG "$out/fragments.bam"
  printf '@RG\tID:a\tSM:alice\n@RG\tID:b\tSM:bob\n'
  samtools view "$out/fragments.bam"; } | samtools view --no-PG -b -o "$out/two_sm.bam"
samtools index "$out/two_sm.bam"
{ samtools view -H --no-PG "$out/fragments.bam"
  printf '@RG\tID:a\tSM:bad\001name\n'
  samtools view "$out/fragments.bam"; } | samtools view --no-PG -b -o "$out/ctrl_sm.bam"
samtools index "$out/ctrl_sm.bam"
printf 'bad\001name\t%s\n' "$out/fragments.bam" > "$out/ctrl_name.fof"
# chr1 with another length (another reference build)
samtools view -H --no-PG "$out/fragments.bam" | sed 's/LN:60/LN:61/' > "$out/len61.sam"
samtools reheader "$out/len61.sam" "$out/fragments.bam" > "$out/len61.bam"
samtools index "$out/len61.bam"
# header text naming a contig (chr9) its binary reference list lacks
bgzip -dc "$out/fragments.bam" | perl -e 'binmode STDIN; binmode STDOUT; local $/;
    my $d = <STDIN>; my $lt = unpack("V", substr($d, 4, 4)); my $text = substr($d, 8, $lt);
    $text =~ s/\0+$//; $text .= "\@SQ\tSN:chr9\tLN:1000\n";
    print "BAM\1", pack("V", length $text), $text, substr($d, 8 + $lt);' | bgzip -c > "$out/textextra.bam"
samtools index "$out/textextra.bam"
printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr9\t21\tv9\tA\tG\t.\t.\t.\n' > "$out/chr9.vcf"
