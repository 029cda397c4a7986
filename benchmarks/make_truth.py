#!/usr/bin/env python3
"""Build the realign truth set from Debian packages only (deterministic seeds).

Indels and complex events whose allele fractions the GBCMS rules get wrong,
on real GRCh37 chromosome 20 sequence (vt-examples): indels in homopolymers
(runs >= 6) and in di/tri-nucleotide repeats, plain 1-2 bp indels,
deletions of 15-60 bp, insertions of 10-40 bp (random or tandem
duplications), delins, MNVs, SNVs, and SNVs a few bases from an indel on the
same haplotype; allele fractions 5, 10, 25 and 50%.

Each site's reads are simulated by art_illumina (HiSeq 2500, 2x150) from a
short segment of the reference (REF origin) and of the ALT haplotype (ALT
origin), separately, so every read's origin is in its name; bwa mem aligns
them all to the reference slice, no duplicate marking.

True VAF, without sampling noise: a read is *informative* for a record when
its error-free sequence (its span on the source segment, from art's own
alignment) cannot be told apart from the other allele: it does not occur in
the segment with the record toggled (REF origin: the record applied; ALT
origin: the record removed, other events kept).  true VAF = ALT-origin
informative reads / all informative reads.  A read that ends inside a repeat
is not informative; one that reaches a single base past the event is.

The calls are written three ways, one VCF each: left-aligned
(truth_left.vcf), right-shifted (truth_right.vcf) and caller-style delins
(truth_delins.vcf: the event's whole region plus one base each side; an SNV
and its nearby indel become one record).  truth.tsv has one row per record
and VCF.

Usage: make_truth.py OUTDIR [--small] [--threads N]
  full set (benchmarks): 20 sites per class (5 per allele fraction),
      ~800 informative reads each
  --small (test-data/realign): 4 sites per class, ~200 informative reads
Needs: vt-examples art-nextgen-simulation-tools bwa samtools
"""
import gzip
import os
import random
import shutil
import subprocess
import sys

FASTA = "/usr/share/doc/vt/examples/ref/20.fa.gz"
CONTIG = "20"
SEED = 11011
AFS = [0.05, 0.10, 0.25, 0.50]
FLANK = 260            # segment = event +- FLANK: every 300 bp fragment has one read over the event
FRAG_MEAN, FRAG_SD = 300, 20
SPACING = 3000         # sites this far apart: no read of one touches another
CLASSES = ["snv", "mnv", "hp_del", "hp_ins", "tr_del", "tr_ins", "del_1_2", "ins_1_2",
           "long_del", "long_ins", "delins", "snv_near_indel"]
FULL = dict(start=10_000_000, length=2_000_000, per_class=5, depth=500)
SMALL = dict(start=30_000_000, length=250_000, per_class=1, depth=120)


def run(cmd, **kw):
    print("+", cmd if isinstance(cmd, str) else " ".join(cmd), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True, shell=isinstance(cmd, str), **kw)


def load_region(start, length):
    seq, take, total = [], False, 0
    with gzip.open(FASTA, "rt") as f:
        for line in f:
            if line.startswith(">"):
                if take:
                    break
                take = line[1:].split()[0] == CONTIG
                continue
            if take:
                seq.append(line.strip())
                total += len(seq[-1])
                if total > start + length:
                    break
    return "".join(seq)[start:start + length].upper()


def write_fasta(path, records):
    with open(path, "w") as f:
        for name, s in records:
            f.write(f">{name}\n")
            for i in range(0, len(s), 60):
                f.write(s[i:i + 60] + "\n")


# ---- events: (pos, REF, ALT), 0-based, on the reference ----

def apply(ref, events):
    """Haplotype with the events (non-overlapping, sorted) applied."""
    out, x = [], 0
    for p, r, a in sorted(events):
        out.append(ref[x:p])
        out.append(a)
        x = p + len(r)
    out.append(ref[x:])
    return "".join(out)


def region(ref, ev, window=2500):
    """Event region [lo, hi): the union of every placement giving the same haplotype."""
    p, r, a = ev
    w0 = max(0, p - window)
    w1 = min(len(ref), p + len(r) + window)
    wr = ref[w0:w1]
    wa = ref[w0:p] + a + ref[p + len(r):w1]
    n = min(len(wr), len(wa))
    P = 0
    while P < n and wr[P] == wa[P]:
        P += 1
    S = 0
    while S < n and wr[-1 - S] == wa[-1 - S]:
        S += 1
    lo = w0 + min(P, len(wa) - S, len(wr) - S)
    hi = w0 + max(P + max(0, len(wr) - len(wa)), len(wr) - S)
    return lo, hi


def trim(ev):
    p, r, a = ev
    while len(r) > 1 and len(a) > 1 and r[-1] == a[-1]:
        r, a = r[:-1], a[:-1]
    while len(r) > 1 and len(a) > 1 and r[0] == a[0]:
        p, r, a = p + 1, r[1:], a[1:]
    return p, r, a


def is_anchored_indel(r, a):
    return (len(a) == 1 and len(r) > 1 or len(r) == 1 and len(a) > 1) and r[0] == a[0]


def left_form(ref, ev):
    """Left-aligned, minimal, VCF-anchored."""
    p, r, a = trim(ev)
    return left_shift(ref, p, r, a) if is_anchored_indel(r, a) else (p, r, a)


def left_shift(ref, p, r, a):
    # indel with anchor: r = B + X (del) or a = B + X (ins); move left while possible
    is_del = len(r) > len(a)
    x = r[1:] if is_del else a[1:]
    while p > 0 and ref[p] == x[-1]:
        x = ref[p] + x[:-1]
        p -= 1
    if is_del:
        return p, ref[p] + x, ref[p]
    return p, ref[p], ref[p] + x


def right_form(ref, ev):
    """Right-shifted, minimal, VCF-anchored."""
    p, r, a = left_form(ref, ev)
    if not is_anchored_indel(r, a):
        return p, r, a
    is_del = len(r) > len(a)
    x = r[1:] if is_del else a[1:]
    nxt = p + 1 + (len(x) if is_del else 0)
    while nxt < len(ref) and ref[nxt] == x[0]:
        x = x[1:] + ref[nxt]
        p += 1
        nxt += 1
    if is_del:
        return p, ref[p] + x, ref[p]
    return p, ref[p], ref[p] + x


def delins_form(ref, events):
    """The events' whole region plus one base each side, as one record."""
    hap = apply(ref, events)
    lo = min(region(ref, e)[0] for e in events) - 1
    hi = max(region(ref, e)[1] for e in events)
    dl = sum(len(a) - len(r) for _, r, a in events)
    return lo, ref[lo:hi + 1], hap[lo:hi + 1 + dl]


# ---- candidate sites in the reference ----

def runs_of(ref, unit_len, min_copies):
    """Maximal tandem runs (start, end, unit) of a unit of this length."""
    out, i, n = [], 0, len(ref)
    while i < n - unit_len:
        j = i + unit_len
        while j < n and ref[j] == ref[j - unit_len]:
            j += 1
        unit = ref[i:i + unit_len]
        if (j - i) // unit_len >= min_copies and "N" not in unit and (unit_len == 1 or len(set(unit)) > 1):
            out.append((i, j - (j - i) % unit_len, unit))
            i = j
        else:
            i += 1
    return out


def rand_seq(rng, n):
    return "".join(rng.choice("ACGT") for _ in range(n))


def other(rng, b):
    return rng.choice([c for c in "ACGT" if c != b])


def plain_ok(ref, ev):
    lo, hi = region(ref, ev)
    d = abs(len(ev[1]) - len(ev[2]))
    return hi - lo == (d if len(ev[1]) > len(ev[2]) else 0)


def make_events(rng, ref, cls, p, cand):
    """Events (a list, for snv_near_indel two) of class cls near position p, or None."""
    if cls == "snv":
        return [(p, ref[p], other(rng, ref[p]))]
    if cls == "mnv":
        n = rng.choice([2, 3])
        return [(p, ref[p:p + n], "".join(other(rng, b) for b in ref[p:p + n]))]
    if cls in ("hp_del", "hp_ins", "tr_del", "tr_ins"):
        s, e, unit = cand
        k = rng.choice([1, 2]) if cls.startswith("hp") else 1
        body = unit * k
        if cls.endswith("del"):
            return [(s - 1, ref[s - 1:s + len(body)], ref[s - 1])]
        return [(s - 1, ref[s - 1], ref[s - 1] + body)]
    if cls == "del_1_2":
        k = rng.choice([1, 2])
        ev = (p, ref[p:p + k + 1], ref[p])
        return [ev] if plain_ok(ref, ev) else None
    if cls == "ins_1_2":
        k = rng.choice([1, 2])
        ev = (p, ref[p], ref[p] + rand_seq(rng, k))
        return [ev] if plain_ok(ref, ev) and len(set(ev[2])) > 1 else None
    if cls == "long_del":
        k = rng.randint(15, 60)
        return [(p, ref[p:p + k + 1], ref[p])]
    if cls == "long_ins":
        k = rng.randint(10, 40)
        ins = ref[p + 1:p + 1 + k] if rng.random() < 0.5 else rand_seq(rng, k)   # tandem duplication or novel
        return [(p, ref[p], ref[p] + ins)]
    if cls == "delins":
        k, m = rng.randint(2, 6), rng.randint(1, 6)
        if k == m:
            m += 1
        alt = "".join(other(rng, ref[p + i]) if i < k else rng.choice("ACGT") for i in range(m))
        alt = other(rng, ref[p]) + alt[1:]
        alt = alt[:-1] + other(rng, ref[p + k - 1]) if m > 1 else alt
        ev = trim((p, ref[p:p + k], alt))
        return [ev] if len(ev[1]) > 1 and len(ev[2]) > 0 and len(ev[1]) != len(ev[2]) else None
    if cls == "snv_near_indel":
        k = rng.choice([1, 2])
        ind = (p, ref[p:p + k + 1], ref[p]) if rng.random() < 0.5 else (p, ref[p], ref[p] + rand_seq(rng, k))
        if not plain_ok(ref, ind):
            return None
        lo, hi = region(ref, ind)
        d = rng.randint(1, 5)
        q = lo - 1 - d if rng.random() < 0.5 else hi + d
        return [ind, (q, ref[q], other(rng, ref[q]))]
    raise ValueError(cls)


def pick_sites(rng, ref, per_af):
    hp = [r for r in runs_of(ref, 1, 6) if r[1] - r[0] <= 14]
    tr = runs_of(ref, 2, 4) + runs_of(ref, 3, 4)
    rng.shuffle(hp)
    rng.shuffle(tr)
    taken, sites = [], []

    def free(p):
        return 1000 < p < len(ref) - 1000 and all(abs(p - t) >= SPACING for t in taken) and \
            "N" not in ref[p - 400:p + 400]

    for cls in CLASSES:
        pool = hp if cls.startswith("hp") else tr if cls.startswith("tr") else None
        made, tries = 0, 0
        while made < per_af * len(AFS) and tries < 200000:
            tries += 1
            if pool is not None:
                if not pool:
                    break
                cand = pool.pop()
                p = cand[0]
            else:
                cand, p = None, rng.randrange(1000, len(ref) - 1000)
            if not free(p):
                continue
            evs = make_events(rng, ref, cls, p, cand)
            if not evs or any("N" in r + a for _, r, a in evs):
                continue
            taken.append(p)
            sites.append(dict(cls=cls, events=sorted(evs), af=AFS[made % len(AFS)]))
            made += 1
    sites.sort(key=lambda s: s["events"][0][0])
    for i, s in enumerate(sites):
        s["id"] = f"s{i + 1}"
    return sites


# ---- records of each VCF, with the events each one stands for ----

def records(ref, site):
    evs = site["events"]
    out = {"left": [], "right": [], "delins": []}
    names = ["a", "b"]
    for i, ev in enumerate(evs):
        rid = site["id"] + (names[i] if len(evs) > 1 else "")
        cls = site["cls"]
        if cls == "snv_near_indel":
            cls = "snv_near_indel" if len(ev[1]) == len(ev[2]) else "indel_near_snv"
        out["left"].append(dict(id=rid, cls=cls, vcf=left_form(ref, ev), toggles=[ev]))
        out["right"].append(dict(id=rid, cls=cls, vcf=right_form(ref, ev), toggles=[ev]))
        if len(evs) == 1:
            form = ev if len(ev[1]) == 1 and len(ev[2]) == 1 else delins_form(ref, [ev])
            out["delins"].append(dict(id=rid, cls=cls, vcf=form, toggles=[ev]))
    if len(evs) > 1:
        out["delins"].append(dict(id=site["id"] + "m", cls="snv_indel_cluster",
                                  vcf=delins_form(ref, evs), toggles=list(evs)))
    return out


def seg_bounds(ref, site):
    lo = min(region(ref, e)[0] for e in site["events"]) - FLANK
    hi = max(region(ref, e)[1] for e in site["events"]) + FLANK
    return lo, hi


def segment(ref, events, lo, hi):
    """The haplotype with the events applied, cut to reference [lo, hi)."""
    h = apply(ref[lo:hi], [(p - lo, r, a) for p, r, a in events])
    return h


# ---- simulation ----

def simulate(tmp, ref_fa, sites, ref, depth, seed, threads, out_bam):
    fq1, fq2, sams = [], [], []
    for gi, af in enumerate(AFS):
        group = [s for s in sites if s["af"] == af]
        for origin, frac in (("ref", 1 - af), ("alt", af)):
            recs = []
            for s in group:
                lo, hi = seg_bounds(ref, s)
                evs = s["events"] if origin == "alt" else []
                recs.append((f"{s['id']}_{origin}", segment(ref, evs, lo, hi)))
            fa = os.path.join(tmp, f"g{gi}_{origin}.fa")
            write_fasta(fa, recs)
            prefix = os.path.join(tmp, f"g{gi}_{origin}_")
            run(["art_illumina", "-ss", "HS25", "-i", fa, "-p", "-l", "150", "-f", f"{depth * frac:.3f}",
                 "-m", str(FRAG_MEAN), "-s", str(FRAG_SD), "-rs", str(seed + 10 * gi + (origin == "alt")),
                 "-sam", "-o", prefix], stdout=subprocess.DEVNULL)
            fq1.append(prefix + "1.fq")
            fq2.append(prefix + "2.fq")
            sams.append(prefix + ".sam")
    r1, r2 = os.path.join(tmp, "R1.fq"), os.path.join(tmp, "R2.fq")
    run(f"cat {' '.join(fq1)} > {r1} && cat {' '.join(fq2)} > {r2}")
    run(f"bwa mem -v 1 -t {threads} -R '@RG\\tID:truth\\tSM:truth' {ref_fa} {r1} {r2} 2>/dev/null"
        f" | samtools sort -@ {threads} -T {tmp}/sort --no-PG -o {out_bam} -")
    run(["samtools", "index", out_bam])
    return sams


def ref_len_of(cigar):
    n, num = 0, ""
    for c in cigar:
        if c.isdigit():
            num += c
        else:
            if c in "M=XDN":
                n += int(num)
            num = ""
    return n


def truth(sams, ref, sites, recs):
    """Per record: informative ALT-origin and REF-origin reads."""
    by_id = {s["id"]: s for s in sites}
    segs = {}
    for s in sites:
        lo, hi = seg_bounds(ref, s)
        segs[s["id"]] = dict(lo=lo, hi=hi, ref=segment(ref, [], lo, hi), alt=segment(ref, s["events"], lo, hi))
    # toggled segments per record: REF origin -> record applied; ALT origin -> record removed
    tog = {}
    for rep in recs:
        for r in recs[rep]:
            sid = r["id"].rstrip("abm")
            s, g = by_id[sid], segs[sid]
            others = [e for e in s["events"] if e not in r["toggles"]]
            tog[(rep, r["id"])] = (segment(ref, r["toggles"], g["lo"], g["hi"]),
                                   segment(ref, others, g["lo"], g["hi"]))
    counts = {k: [0, 0] for k in tog}   # alt, ref informative
    rec_by_site = {}
    for (rep, rid) in tog:
        rec_by_site.setdefault(rid.rstrip("abm"), []).append((rep, rid))
    for sam in sams:
        with open(sam) as f:
            for line in f:
                if line.startswith("@"):
                    continue
                t = line.split("\t", 7)
                src = t[2]
                sid, origin = src.rsplit("_", 1)
                start = int(t[3]) - 1
                span = segs[sid][origin][start:start + ref_len_of(t[5])]
                for key in rec_by_site[sid]:
                    other_seg = tog[key][0] if origin == "ref" else tog[key][1]
                    if span not in other_seg:
                        counts[key][0 if origin == "alt" else 1] += 1
    return counts


def write_vcf(path, rows, ref_len):
    rows = sorted(rows, key=lambda r: (r["vcf"][0], r["id"]))
    with open(path, "w") as f:
        f.write("##fileformat=VCFv4.2\n")
        f.write(f"##contig=<ID={CONTIG},length={ref_len}>\n")
        f.write("##INFO=<ID=CLASS,Number=1,Type=String,Description=\"truth-set class\">\n")
        f.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        for r in rows:
            p, a, b = r["vcf"]
            f.write(f"{CONTIG}\t{p + 1}\t{r['id']}\t{a}\t{b}\t.\tPASS\tCLASS={r['cls']}\n")


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    out = os.path.abspath(args[0])
    small = "--small" in args
    threads = int(args[args.index("--threads") + 1]) if "--threads" in args else 2
    cfg = SMALL if small else FULL
    rng = random.Random(SEED + small)
    tmp = os.path.join(out, "tmp")
    os.makedirs(tmp, exist_ok=True)
    ref = load_region(cfg["start"], cfg["length"])
    ref_fa = os.path.join(out, "ref.fa")
    write_fasta(ref_fa, [(CONTIG, ref)])
    run(["samtools", "faidx", ref_fa])
    run(["bwa", "index", ref_fa], stderr=subprocess.DEVNULL)
    sites = pick_sites(rng, ref, cfg["per_class"])
    recs = {"left": [], "right": [], "delins": []}
    for s in sites:
        for rep, rows in records(ref, s).items():
            for r in rows:
                r["af"] = s["af"]
            recs[rep].extend(rows)
    bam = os.path.join(out, "truth.bam")
    sams = simulate(tmp, ref_fa, sites, ref, cfg["depth"], SEED + 100 * small, threads, bam)
    counts = truth(sams, ref, sites, recs)
    for rep in recs:
        write_vcf(os.path.join(out, f"truth_{rep}.vcf"), recs[rep], len(ref))
    with open(os.path.join(out, "truth.tsv"), "w") as f:
        f.write("vcf\tid\tclass\tpos\tref\talt\taf\talt_informative\tref_informative\ttrue_vaf\n")
        for rep in ("left", "right", "delins"):
            for r in sorted(recs[rep], key=lambda r: (r["vcf"][0], r["id"])):
                a, b = counts[(rep, r["id"])]
                vaf = a / (a + b) if a + b else 0.0
                p, ra, aa = r["vcf"]
                f.write(f"{rep}\t{r['id']}\t{r['cls']}\t{p + 1}\t{ra}\t{aa}\t{r['af']}\t{a}\t{b}\t{vaf:.6f}\n")
    shutil.rmtree(tmp)
    for ext in ("amb", "ann", "bwt", "pac", "sa"):
        os.remove(f"{ref_fa}.{ext}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
