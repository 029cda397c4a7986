#!/usr/bin/env python3
"""Make the bundled tumour/normal test set, deterministically.

Writes ref.fa, variants.vcf, variants.maf, tumor.sam, normal.sam and
truth.tsv (the counts gbcms must report, known by construction), then
sorts and indexes the SAMs into BAMs with samtools.

Reads are placed on haplotypes that carry each variant with a known
probability (the allele fraction).  A read either spans a variant's whole
window [p-2, p+len(REF)+1] or stays clear of it, and sequencing errors are
kept out of those windows, so every spanning read is unambiguously REF or
ALT and the truth is exact.  Some fragments are flagged duplicate or given
MAPQ 10; the truth leaves them out, as gbcms does by default.
"""
import os
import random
import subprocess
import sys

SEED = 20261121
READ_LEN = 100
DEPTH = 80
CONTIGS = [("chr1", 6000), ("chr2", 3000)]

# contig, 1-based POS, REF, ALT (None = take from reference), tumour AF, normal AF
SITES = [
    ("chr1", 301, None, "SNV", 0.50, 0.50),
    ("chr1", 801, None, "SNV", 0.20, 0.0),
    ("chr1", 1301, None, "SNV", 0.05, 0.0),
    ("chr1", 1801, None, "MNV2", 0.30, 0.0),
    ("chr1", 2301, None, "MNV3", 0.20, 0.0),
    ("chr1", 2801, None, "INS1", 0.50, 0.0),
    ("chr1", 3301, None, "INS3", 0.20, 0.0),
    ("chr1", 3801, None, "DEL1", 0.30, 0.0),
    ("chr1", 4301, None, "DEL4", 0.20, 0.0),
    ("chr1", 4801, None, "REFSITE", 0.0, 0.0),
    ("chr1", 5301, None, "SNV", 1.0, 0.5),
    ("chr2", 501, None, "SNV", 0.25, 0.0),
    ("chr2", 1001, None, "DEL2", 0.50, 0.50),
    ("chr2", 1501, None, "INS2", 0.10, 0.0),
    ("chr2", 2001, None, "MNV2", 0.50, 0.0),
]

COMP = str.maketrans("ACGT", "TGCA")


def other_base(rng, b):
    return rng.choice([x for x in "ACGT" if x != b])


def make_reference(rng):
    return {name: "".join(rng.choice("ACGT") for _ in range(length)) for name, length in CONTIGS}


def make_variants(rng, ref):
    out = []
    for ctg, pos1, _, kind, af_t, af_n in SITES:
        p = pos1 - 1
        seq = ref[ctg]
        if kind in ("SNV", "REFSITE"):
            r = seq[p]
            a = other_base(rng, r)
        elif kind.startswith("MNV"):
            n = int(kind[3:])
            r = seq[p:p + n]
            a = "".join(other_base(rng, b) for b in r)
        elif kind.startswith("INS"):
            n = int(kind[3:])
            r = seq[p]
            a = r + "".join(rng.choice("ACGT") for _ in range(n))
        else:
            n = int(kind[3:])
            r = seq[p:p + n + 1]
            a = seq[p]
        out.append(dict(ctg=ctg, p=p, ref=r, alt=a, af={"tumor": af_t, "normal": af_n}))
    return out


def emit(seq, rs, nbases, alts):
    """Read bases and CIGAR from reference start rs, applying alt alleles.

    alts: variants carried by this fragment.  Returns (bases, ops, ref_end
    exclusive, ref position of each base or None for inserted bases)."""
    by_pos = {v["p"]: v for v in alts}
    bases, refpos, ops = [], [], []

    def push(op, n=1):
        if ops and ops[-1][0] == op:
            ops[-1][1] += n
        else:
            ops.append([op, n])

    x = rs
    while len(bases) < nbases:
        v = by_pos.get(x)
        if v is None or len(v["ref"]) == len(v["alt"]):
            b = seq[x]
            if v is not None:
                pass
            for w in alts:   # substitutions inside an MNV/SNV
                if len(w["ref"]) == len(w["alt"]) and w["p"] <= x < w["p"] + len(w["ref"]):
                    b = w["alt"][x - w["p"]]
            bases.append(b); refpos.append(x); push("M"); x += 1
            continue
        # anchor base, then the insertion or deletion
        bases.append(seq[x]); refpos.append(x); push("M"); x += 1
        if len(v["alt"]) > len(v["ref"]):
            for b in v["alt"][1:]:
                if len(bases) == nbases:
                    break
                bases.append(b); refpos.append(None); push("I")
        else:
            d = len(v["ref"]) - 1
            push("D", d); x += d
    return "".join(bases), "".join(f"{n}{op}" for op, n in ops), x, refpos


def window(v):
    return v["p"] - 2, v["p"] + len(v["ref"]) + 1   # inclusive


def read_ok(rs, re_excl, variants, ctg):
    for v in variants:
        if v["ctg"] != ctg:
            continue
        lo, hi = window(v)
        disjoint = re_excl - 1 < lo or rs > hi
        contains = rs <= lo and re_excl - 1 >= hi
        if not (disjoint or contains):
            return False
    return True


def simulate(rng, ref, variants, sample, n_frag_scale):
    reads, truth = [], {id(v): dict(dp=0, rd=0, ad=0, dpp=0, rdp=0, adp=0, frags={}) for v in variants}
    serial = 0
    for ctg, length in CONTIGS:
        seq = ref[ctg]
        n_frag = int(DEPTH * length / (2 * READ_LEN) * n_frag_scale)
        done = 0
        while done < n_frag:
            ins = rng.randint(130, 300)
            fs = rng.randint(0, length - ins - 10)
            carried = [v for v in variants if v["ctg"] == ctg and rng.random() < v["af"][sample]]
            r1 = emit(seq, fs, READ_LEN, carried)
            rs2 = fs + ins - READ_LEN
            r2 = emit(seq, rs2, READ_LEN, carried)
            if r2[2] > length or not read_ok(fs, r1[2], variants, ctg) or not read_ok(rs2, r2[2], variants, ctg):
                continue
            done += 1
            serial += 1
            name = f"{sample}_{serial:06d}"
            dup = rng.random() < 0.03
            mapq = 10 if rng.random() < 0.02 else 60
            r1_forward = rng.random() < 0.5
            for is_r1, (bases, cigar, rend, refpos), start in ((True, r1, fs), (False, r2, rs2)):
                reverse = (start == fs) != r1_forward
                qual = [rng.randint(25, 40) for _ in bases]
                blist = list(bases)
                for i, rp in enumerate(refpos):
                    if rp is None or rng.random() >= 0.003:
                        continue
                    if any(v["ctg"] == ctg and window(v)[0] <= rp <= window(v)[1] for v in variants):
                        continue
                    blist[i] = other_base(rng, blist[i])
                    qual[i] = rng.randint(5, 20)
                flag = 0x1 | 0x2 | (0x40 if is_r1 else 0x80)
                flag |= 0x10 if reverse else 0
                flag |= 0x20 if not reverse else 0
                flag |= 0x400 if dup else 0
                mate_start = rs2 if start == fs else fs
                tlen = (ins if start == fs else -ins)
                reads.append((ctg, start, f"{name}\t{flag}\t{ctg}\t{start + 1}\t{mapq}\t{cigar}\t=\t{mate_start + 1}\t{tlen}\t"
                              f"{''.join(blist)}\t{''.join(chr(q + 33) for q in qual)}"))
                if dup or mapq < 20:
                    continue
                for v in variants:
                    if v["ctg"] != ctg:
                        continue
                    lo, hi = window(v)
                    if not (start <= lo and rend - 1 >= hi):
                        continue
                    t = truth[id(v)]
                    alt = v in carried
                    t["dp"] += 1; t["dpp"] += not reverse
                    key = "ad" if alt else "rd"
                    t[key] += 1; t[key[0] + "dp"] += not reverse
                    t["frags"][name] = alt
    return reads, truth


def write_sam(path, reads):
    with open(path, "w") as f:
        f.write("@HD\tVN:1.6\tSO:unsorted\n")
        for name, length in CONTIGS:
            f.write(f"@SQ\tSN:{name}\tLN:{length}\n")
        sample = os.path.basename(path).split(".")[0]
        f.write(f"@RG\tID:{sample}\tSM:{sample}\n")
        for _, _, line in reads:
            f.write(line + f"\tRG:Z:{sample}\n")


def main():
    out = os.path.dirname(os.path.abspath(__file__))
    rng = random.Random(SEED)
    ref = make_reference(rng)
    with open(os.path.join(out, "ref.fa"), "w") as f:
        for name, _ in CONTIGS:
            f.write(f">{name}\n")
            for i in range(0, len(ref[name]), 60):
                f.write(ref[name][i:i + 60] + "\n")
    variants = make_variants(rng, ref)
    with open(os.path.join(out, "variants.vcf"), "w") as f:
        f.write("##fileformat=VCFv4.2\n")
        for name, length in CONTIGS:
            f.write(f"##contig=<ID={name},length={length}>\n")
        f.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        for i, v in enumerate(variants):
            f.write(f"{v['ctg']}\t{v['p'] + 1}\tsite{i + 1}\t{v['ref']}\t{v['alt']}\t.\tPASS\t.\n")
    with open(os.path.join(out, "variants.maf"), "w") as f:
        f.write("#version 2.4\n")
        f.write("Hugo_Symbol\tChromosome\tStart_Position\tEnd_Position\tVariant_Classification\t"
                "Reference_Allele\tTumor_Seq_Allele1\tTumor_Seq_Allele2\tTumor_Sample_Barcode\t"
                "Matched_Norm_Sample_Barcode\tt_ref_count\tt_alt_count\tn_ref_count\tn_alt_count\n")
        for i, v in enumerate(variants):
            r, a, start = v["ref"], v["alt"], v["p"] + 1
            if len(r) < len(a):        # insertion: MAF Start is the base before it
                r, a, end = "-", a[1:], start + 1
            elif len(r) > len(a):      # deletion: MAF starts at the first deleted base
                r, a, start = r[1:], "-", start + 1
                end = start + len(r) - 1
            else:
                end = start + len(r) - 1
            cls = "Missense_Mutation" if len(r) == len(a) else "Frame_Shift"
            f.write(f"GENE{i + 1}\t{v['ctg']}\t{start}\t{end}\t{cls}\t{r}\t{r}\t{a}\ttumor\tnormal\t0\t0\t0\t0\n")
    rows = []
    for sample, scale in (("tumor", 1.0), ("normal", 0.8)):
        reads, truth = simulate(rng, ref, variants, sample, scale)
        write_sam(os.path.join(out, f"{sample}.sam"), reads)
        for v in variants:
            t = truth[id(v)]
            frags = t["frags"]
            rdf = sum(1 for a in frags.values() if not a)
            adf = sum(1 for a in frags.values() if a)
            rows.append((sample, v["ctg"], v["p"] + 1, v["ref"], v["alt"], t["dp"], t["rd"], t["ad"],
                         t["dpp"], t["rdp"], t["adp"], len(frags), rdf, adf))
    with open(os.path.join(out, "truth.tsv"), "w") as f:
        f.write("sample\tchrom\tpos\tref\talt\tDP\tRD\tAD\tDPP\tRDP\tADP\tDPF\tRDF\tADF\n")
        for r in rows:
            f.write("\t".join(map(str, r)) + "\n")
    for sample in ("tumor", "normal"):
        sam = os.path.join(out, f"{sample}.sam")
        bam = os.path.join(out, f"{sample}.bam")
        subprocess.run(["samtools", "sort", "--no-PG", "-o", bam, sam], check=True)
        subprocess.run(["samtools", "index", bam], check=True)
        os.remove(sam)
    subprocess.run(["samtools", "faidx", os.path.join(out, "ref.fa")], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
