#!/usr/bin/env python3
"""Build the benchmark data sets from Debian packages only (deterministic seeds).

wgs/   3 Mb of GRCh37 chromosome 20 (from the vt-examples package), four BAMs
       (tumor1-3, normal) of ~60x 2x150 reads simulated by art_illumina from
       haplotypes carrying known SNVs, MNVs and indels at 5/20/50% allele
       fraction (germline ones at 50% in all), aligned with bwa mem, sorted
       and duplicate-marked; and a 10,000-site VCF of true and non-variant
       sites.
panel/ 300 targets of 300 bp on the same region at ~2000x (tumor_2000x.bam)
       and a 500x subsample (tumor_500x.bam), with a VCF of 3 sites a target.

Usage: make_data.py OUTDIR [--threads N]
Needs: vt-examples art-nextgen-simulation-tools bwa samtools bcftools
"""
import gzip
import os
import random
import subprocess
import sys

FASTA = "/usr/share/doc/vt/examples/ref/20.fa.gz"
REGION_START = 32_000_000      # 0-based start of the 3 Mb slice (clear of the centromere)
REGION_LEN = 3_000_000
CONTIG = "20"
SEED = 424242
N_SITES = 10_000
N_TRUE = 3_000
HAPLOTYPES = 20                # tumour haplotypes: AF 5% = 1 of 20
WGS_DEPTH = 60
PANEL_TARGETS = 300
PANEL_DEPTH = 2000


def run(cmd, **kw):
    print("+", cmd if isinstance(cmd, str) else " ".join(cmd), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True, shell=isinstance(cmd, str), **kw)


def load_region():
    seq, take = [], False
    with gzip.open(FASTA, "rt") as f:
        for line in f:
            if line.startswith(">"):
                if take:
                    break
                take = line[1:].split()[0] == "20"
                continue
            if take:
                seq.append(line.strip())
    s = "".join(seq)[REGION_START:REGION_START + REGION_LEN].upper()
    return s


def write_fasta(path, name, seq):
    with open(path, "w") as f:
        f.write(f">{name}\n")
        for i in range(0, len(seq), 60):
            f.write(seq[i:i + 60] + "\n")


def pick_variants(rng, ref):
    """Sites spaced >= 150 bp apart, away from Ns."""
    positions = sorted(rng.sample(range(1000, len(ref) - 1000, 290), N_SITES))
    rng.shuffle(positions)
    true_pos = set(positions[:N_TRUE])
    out = []
    for p in sorted(positions):
        if "N" in ref[p - 5:p + 10]:
            continue
        base = ref[p]
        if p not in true_pos:
            out.append(dict(p=p, ref=base, alt=rng.choice([b for b in "ACGT" if b != base]), kind="none", af=0.0))
            continue
        r = rng.random()
        if r < 0.70:
            ref_a, alt_a = base, rng.choice([b for b in "ACGT" if b != base])
        elif r < 0.75:
            n = rng.choice([2, 3])
            ref_a = ref[p:p + n]
            alt_a = "".join(rng.choice([b for b in "ACGT" if b != x]) for x in ref_a)
        elif r < 0.85:
            n = rng.choice([1, 2, 3, 5])
            ref_a, alt_a = base, base + "".join(rng.choice("ACGT") for _ in range(n))
        else:
            n = rng.choice([1, 2, 4, 8])
            ref_a, alt_a = ref[p:p + n + 1], base
        kind = "germline" if rng.random() < 0.15 else "somatic"
        af = 0.5 if kind == "germline" else rng.choice([0.05, 0.20, 0.50])
        out.append(dict(p=p, ref=ref_a, alt=alt_a, kind=kind, af=af))
    return out


def haplotype(ref, variants):
    parts, x = [], 0
    for v in variants:
        parts.append(ref[x:v["p"]])
        parts.append(v["alt"])
        x = v["p"] + len(v["ref"])
    parts.append(ref[x:])
    return "".join(parts)


def simulate(tmp, name, haps, depth_each, seed, threads, ref_fa, out_bam, rg):
    """art_illumina on each haplotype FASTA, then bwa mem | fixmate | sort | markdup."""
    r1s, r2s = [], []
    for i, hap_fa in enumerate(haps):
        prefix = os.path.join(tmp, f"{name}_h{i}_")
        run(["art_illumina", "-ss", "HS25", "-i", hap_fa, "-p", "-l", "150", "-f", str(depth_each),
             "-m", "350", "-s", "50", "-rs", str(seed + i), "-na", "-q", "-o", prefix],
            stdout=subprocess.DEVNULL)
        r1s.append(prefix + "1.fq")
        r2s.append(prefix + "2.fq")
    r1, r2 = os.path.join(tmp, f"{name}_R1.fq"), os.path.join(tmp, f"{name}_R2.fq")
    run(f"cat {' '.join(r1s)} > {r1} && cat {' '.join(r2s)} > {r2} && rm -f {' '.join(r1s + r2s)}")
    run(f"bwa mem -v 1 -t {threads} -R '@RG\\tID:{rg}\\tSM:{rg}' {ref_fa} {r1} {r2} 2>/dev/null"
        f" | samtools fixmate -m -u - - | samtools sort -u -@ {threads} -T {tmp}/{name}.sort - "
        f" | samtools markdup -@ {threads} --no-PG - {out_bam}")
    run(["samtools", "index", out_bam])
    os.remove(r1)
    os.remove(r2)


def write_vcf(path, variants, ref_len):
    with open(path, "w") as f:
        f.write("##fileformat=VCFv4.2\n")
        f.write(f"##contig=<ID={CONTIG},length={ref_len}>\n")
        f.write("##INFO=<ID=KIND,Number=1,Type=String,Description=\"somatic, germline or none\">\n")
        f.write("##INFO=<ID=AF,Number=1,Type=Float,Description=\"simulated tumour allele fraction\">\n")
        f.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        for i, v in enumerate(variants):
            f.write(f"{CONTIG}\t{v['p'] + 1}\tv{i + 1}\t{v['ref']}\t{v['alt']}\t.\tPASS\tKIND={v['kind']};AF={v['af']}\n")


def main():
    out = os.path.abspath(sys.argv[1])
    threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else os.cpu_count()
    rng = random.Random(SEED)
    tmp = os.path.join(out, "tmp")
    for d in (out, tmp, os.path.join(out, "wgs"), os.path.join(out, "panel")):
        os.makedirs(d, exist_ok=True)
    ref = load_region()
    ref_fa = os.path.join(out, "ref.fa")
    write_fasta(ref_fa, CONTIG, ref)
    run(["samtools", "faidx", ref_fa])
    run(["bwa", "index", ref_fa], stderr=subprocess.DEVNULL)

    variants = pick_variants(rng, ref)
    write_vcf(os.path.join(out, "wgs", "sites.vcf"), variants, len(ref))
    true_v = [v for v in variants if v["kind"] != "none"]
    germline = [v for v in true_v if v["kind"] == "germline"]

    # Tumour haplotypes: a variant of AF a sits on round(a * HAPLOTYPES) of them;
    # germline variants on every other haplotype.
    hap_sets = [[] for _ in range(HAPLOTYPES)]
    for v in true_v:
        k = max(1, round(v["af"] * HAPLOTYPES))
        chosen = range(0, HAPLOTYPES, 2) if v["kind"] == "germline" else rng.sample(range(HAPLOTYPES), k)
        for h in chosen:
            hap_sets[h].append(v)
    tumour_haps = []
    for h, vs in enumerate(hap_sets):
        path = os.path.join(tmp, f"tumour_hap{h}.fa")
        write_fasta(path, f"hap{h}", haplotype(ref, sorted(vs, key=lambda v: v["p"])))
        tumour_haps.append(path)
    normal_haps = []
    for h, vs in enumerate((germline, [])):
        path = os.path.join(tmp, f"normal_hap{h}.fa")
        write_fasta(path, f"nhap{h}", haplotype(ref, vs))
        normal_haps.append(path)

    for t in (1, 2, 3):
        bam = os.path.join(out, "wgs", f"tumor{t}.bam")
        if not os.path.exists(bam + ".bai"):
            simulate(tmp, f"tumor{t}", tumour_haps, WGS_DEPTH / HAPLOTYPES, SEED + 100 * t, threads, ref_fa, bam, f"tumor{t}")
    bam = os.path.join(out, "wgs", "normal.bam")
    if not os.path.exists(bam + ".bai"):
        simulate(tmp, "normal", normal_haps, WGS_DEPTH / 2, SEED + 900, threads, ref_fa, bam, "normal")

    # Panel: 300 targets of 300 bp, reads simulated from the targets padded by 200 bp.
    starts = sorted(rng.sample(range(2000, len(ref) - 2000, 1000), PANEL_TARGETS))
    panel_sites = []
    for s in starts:
        for k in range(3):
            p = s + 50 + 100 * k
            if "N" not in ref[p - 2:p + 3]:
                panel_sites.append(dict(p=p, ref=ref[p], alt=rng.choice([b for b in "ACGT" if b != ref[p]]),
                                        kind="somatic", af=rng.choice([0.01, 0.05, 0.2])))
    write_vcf(os.path.join(out, "panel", "sites.vcf"), panel_sites, len(ref))
    amp_sets = [[] for _ in range(HAPLOTYPES)]
    for v in panel_sites:
        for h in rng.sample(range(HAPLOTYPES), max(1, round(v["af"] * HAPLOTYPES))):
            amp_sets[h].append(v)
    panel_haps = []
    for h in range(HAPLOTYPES):
        path = os.path.join(tmp, f"panel_hap{h}.fa")
        with open(path, "w") as f:
            for i, s in enumerate(starts):
                lo, hi = s - 200, s + 500
                vs = [v for v in amp_sets[h] if lo <= v["p"] < hi]
                seq = haplotype(ref[lo:hi], [dict(v, p=v["p"] - lo) for v in vs])
                f.write(f">t{i}_h{h}\n{seq}\n")
        panel_haps.append(path)
    bam2000 = os.path.join(out, "panel", "tumor_2000x.bam")
    if not os.path.exists(bam2000 + ".bai"):
        simulate(tmp, "panel", panel_haps, PANEL_DEPTH / HAPLOTYPES, SEED + 5000, threads, ref_fa, bam2000, "panel")
    bam500 = os.path.join(out, "panel", "tumor_500x.bam")
    run(["samtools", "view", "--no-PG", "-b", "-s", "7.25", "-o", bam500, bam2000])
    run(["samtools", "index", bam500])
    run(f"rm -rf {tmp}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
