#!/usr/bin/env cwl-runner
# gbcms count as a CWL CommandLineTool.  gbcms must be on the PATH (there is
# no container image): cwltool --no-container workflow/gbcms-count.cwl job.yml
cwlVersion: v1.2
class: CommandLineTool
label: gbcms count
doc: |
  Counts, for every variant of a VCF or MAF and every BAM/CRAM, the reads and
  fragments supporting the reference and the alternate allele.  A sample's
  name is the SM of its BAM's first @RG, else the file name without extension.
  Options that are not inputs here can be given in extra_args.
baseCommand: [gbcms, count]
hints:
  SoftwareRequirement:
    packages:
      gbcms: {}
requirements:
  ResourceRequirement:
    coresMin: $(inputs.threads)
    ramMin: 256
inputs:
  bams:
    type: File[]
    doc: BAM or CRAM files, each with its index beside it.
    secondaryFiles:
      - pattern: .bai
        required: false
      - pattern: ^.bai
        required: false
      - pattern: .crai
        required: false
      - pattern: .csi
        required: false
    inputBinding: {prefix: --bam, position: 20}
  vcf:
    type: File?
    doc: variants (VCF, bgzipped VCF or BCF); give vcf or maf
    inputBinding: {prefix: --vcf, position: 10}
  maf:
    type: File?
    doc: variants (MAF, plain or gzipped); needs fasta
    inputBinding: {prefix: --maf, position: 10}
  fasta:
    type: File?
    doc: indexed reference (needed for MAF input and CRAM)
    secondaryFiles:
      - pattern: .fai
        required: true
    inputBinding: {prefix: --fasta, position: 1}
  output_name:
    type: string
    default: counts.vcf
    doc: output file name; .vcf.gz or .gz gives BGZF, .bcf BCF
    inputBinding: {prefix: -o, position: 1}
  format:
    type:
      - "null"
      - type: enum
        symbols: [vcf, fillout, maf, tsv]
    doc: output format (default vcf for VCF input, fillout for MAF input)
    inputBinding: {prefix: --format, position: 1}
  threads:
    type: int
    default: 1
    inputBinding: {prefix: --threads, position: 1}
  fragment_count:
    type: boolean
    default: false
    doc: fragment counts DPF/RDF/ADF
    inputBinding: {prefix: --fragment-count, position: 1}
  generic_counting:
    type: boolean
    default: false
    inputBinding: {prefix: --generic-counting, position: 1}
  min_mapq:
    type: int?
    inputBinding: {prefix: --min-mapq, position: 1}
  min_baseq:
    type: int?
    inputBinding: {prefix: --min-baseq, position: 1}
  regions:
    type: string?
    doc: count only sites whose POS is in CHR[:BEG-END],...
    inputBinding: {prefix: --regions, position: 1}
  regions_file:
    type: File?
    doc: the same from a BED file or a CHR POS / CHR BEG END list
    inputBinding: {prefix: --regions-file, position: 1}
  extra_args:
    type: string[]?
    doc: further gbcms count options, e.g. ["--filter-duplicate", "0"]
    inputBinding: {position: 2}
outputs:
  counts:
    type: File
    outputBinding:
      glob: $(inputs.output_name)
