/* libFuzzer target: `gbcms count` on reads written as SAM text.  The
 * records (after a fixed header) are sorted, written to BAM and indexed,
 * so mutations reach the counting rules.  Besides not crashing, two
 * properties must hold:
 *  - the output is byte-identical for 1 thread with default blocks and
 *    2 threads with one variant per block and a query per variant;
 *  - the counters are consistent: RD+AD <= DP, strand counts <= totals,
 *    RDF+ADF <= DPF <= DP. */
#include <stdlib.h>
#include <string.h>
#include <htslib/sam.h>
#include "fuzz_util.h"
#include "gbcms/log.h"
#include "gbcms/run.h"

static const char *HEADER = "@HD\tVN:1.6\tSO:coordinate\n@SQ\tSN:chr1\tLN:60\n";
static const char *VCF =
    "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\n"
    "chr1\t21\ts\tA\tG\nchr1\t21\tm\tAC\tGT\nchr1\t21\ti\tA\tAT\nchr1\t21\td\tACG\tA\n"
    "chr1\t22\tt\tC\tA,T\nchr1\t30\tz\tA\tACGT\nchr1\t45\tw\tGCATG\tG\n";

static int cmp_pos(const void *a, const void *b)
{
    const bam1_t *x = *(bam1_t *const *)a, *y = *(bam1_t *const *)b;
    /* unplaced reads (tid -1) go last, as coordinate order requires */
    uint32_t tx = (uint32_t)x->core.tid, ty = (uint32_t)y->core.tid;
    if (tx != ty) return tx < ty ? -1 : 1;
    return (x->core.pos > y->core.pos) - (x->core.pos < y->core.pos);
}

/* Parse the SAM records, sort them, write an indexed BAM.  0 or -1. */
static int make_bam(const uint8_t *data, size_t size, const char *sam, const char *bam)
{
    FILE *fp = fopen(sam, "wb");
    if (!fp) return -1;
    fputs(HEADER, fp);
    fwrite(data, 1, size, fp);
    if (fclose(fp) != 0) return -1;
    samFile *in = sam_open(sam, "r");
    if (!in) return -1;
    sam_hdr_t *h = sam_hdr_read(in);
    bam1_t *recs[256];
    int n = 0, ret = -1;
    while (h && n < 256) {
        recs[n] = bam_init1();
        if (sam_read1(in, h, recs[n]) < 0) { bam_destroy1(recs[n]); break; }
        n++;
    }
    qsort(recs, (size_t)n, sizeof *recs, cmp_pos);
    samFile *out = h ? sam_open(bam, "wb") : NULL;
    if (out && sam_hdr_write(out, h) == 0) {
        ret = 0;
        for (int i = 0; i < n && ret == 0; i++)
            if (sam_write1(out, h, recs[i]) < 0) ret = -1;
    }
    if (out && sam_close(out) < 0) ret = -1;
    for (int i = 0; i < n; i++) bam_destroy1(recs[i]);
    sam_hdr_destroy(h);
    sam_close(in);
    if (ret == 0 && fuzz_index_bam(bam) < 0) ret = -1;
    return ret;
}

static int count(const char *bam, const char *vcf, const char *out, int mode, int alt_run)
{
    gbcms_opts_t o;
    gbcms_opts_init(&o);
    o.quiet = 1;
    o.format = GBCMS_FORMAT_TSV;
    o.fragment_count = 1;
    o.generic_counting = mode & 1;
    o.fragment_fractional_weight = (mode >> 1) & 1;
    o.min_baseq = (mode >> 2) & 1 ? 20 : 0;
    o.filter_duplicate = 0;
    o.min_mapq = 0;
    o.threads = alt_run ? 2 : 1;
    o.max_block_size = alt_run ? 1 : 10000;
    int rc = -1;
    if (gbcms_opts_add_bam(&o, "s", bam) == 0 && gbcms_opts_add_variant_file(&o, vcf) == 0 &&
        (o.output = strdup(out)) && gbcms_opts_check(&o) == 0)
        rc = gbcms_run(&o);
    gbcms_opts_destroy(&o);
    return rc;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    char *buf = malloc(1 << 20);
    *len = buf ? fread(buf, 1, (1 << 20) - 1, fp) : 0;
    if (buf) buf[*len] = 0;
    fclose(fp);
    return buf;
}

/* Sample Chrom Pos ID Ref Alt DP RD AD VF DPP DPN RDP RDN ADP ADN DPF RDF ADF */
static void check_invariants(char *tsv)
{
    char *save = NULL;
    for (char *line = strtok_r(tsv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "Sample", 6) == 0 || line[0] == '#') continue;   /* header, provenance */
        double f[19];
        int n = 0;
        for (char *c = line; n < 19 && c; n++) {
            f[n] = strtod(c, NULL);
            c = strchr(c, '\t');
            if (c) c++;
        }
        if (n != 19) abort();
        double dp = f[6], rd = f[7], ad = f[8], dpp = f[10], rdp = f[12], adp = f[14];
        double dpf = f[16], rdf = f[17], adf = f[18];
        if (rd + ad > dp || dpp > dp || rdp > rd || adp > ad) abort();
        if (rdf + adf > dpf || dpf > dp) abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char sam[256], bam[256], vcf[256], out1[256], out2[256];
    if (!vcf[0]) {
        snprintf(sam, sizeof sam, "%s", fuzz_path("in.sam"));
        snprintf(bam, sizeof bam, "%s", fuzz_path("in.bam"));
        snprintf(vcf, sizeof vcf, "%s", fuzz_path("v.vcf"));
        snprintf(out1, sizeof out1, "%s", fuzz_path("out1.tsv"));
        snprintf(out2, sizeof out2, "%s", fuzz_path("out2.tsv"));
        if (fuzz_write(vcf, (const uint8_t *)VCF, strlen(VCF)) < 0) abort();
        gbcms_log_set_silent(1);
    }
    if (size > 20000 || make_bam(data, size, sam, bam) < 0) return 0;
    int mode = (int)(size % 8);
    unsetenv("GBCMS_SEEK_GAP");
    int rc1 = count(bam, vcf, out1, mode, 0);
    setenv("GBCMS_SEEK_GAP", "0", 1);
    int rc2 = count(bam, vcf, out2, mode, 1);
    unsetenv("GBCMS_SEEK_GAP");
    if (rc1 != rc2) abort();
    if (rc1 == GBCMS_EXIT_OK) {
        size_t l1 = 0, l2 = 0;
        char *a = slurp(out1, &l1), *b = slurp(out2, &l2);
        if (!a || !b || l1 != l2 || memcmp(a, b, l1) != 0) abort();
        check_invariants(a);
        free(a);
        free(b);
    }
    char idx[300];
    snprintf(idx, sizeof idx, "%s.bai", bam);
    unlink(idx);
    unlink(bam);
    unlink(out1);
    unlink(out2);
    return 0;
}
