/* libFuzzer target: `gbcms count` on a mutated BAM.  The input is the
 * uncompressed BAM stream (header and records); it is wrapped in BGZF and
 * indexed here, so mutations reach the record decoder and the counting
 * rules instead of failing a checksum.  The first byte picks options. */
#include <string.h>
#include <htslib/bgzf.h>
#include <htslib/sam.h>
#include "fuzz_util.h"
#include "gbcms/log.h"
#include "gbcms/run.h"

static const char *VCF =
    "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\n"
    "chr1\t21\ts\tA\tG\nchr1\t21\tm\tAC\tGT\nchr1\t21\ti\tA\tAT\nchr1\t21\td\tACG\tA\n"
    "chr1\t30\tt\tA\tC,G\nchr1\t45\tz\tC\tT\n";

/* htslib allocates what a BAM declares before reading it: l_text bytes of
 * header text, n_ref names and lengths, l_name bytes a name and block_size
 * bytes a record.  A mutated length of 2 GB is htslib doing as told, not a
 * gbcms bug, yet libFuzzer would report it as out-of-memory and fail CI.
 * So inputs declaring more than these limits are skipped here, before any
 * file is written; real data stays far below them.  CI also runs with
 * -malloc_limit_mb, which then flags only allocations gbcms itself sizes. */
enum { MAX_TEXT = 1 << 20, MAX_REFS = 10000, MAX_NAME = 1 << 16, MAX_RECORD = 1 << 20 };

static int32_t le32(const uint8_t *p)
{
    return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

/* 1 if every length the BAM stream declares, as far as it goes, is within
 * the limits; 0 if one is negative or too large.  A truncated stream is
 * accepted: htslib then reports the truncation to gbcms. */
static int sane_bam(const uint8_t *p, size_t n)
{
    if (n < 4 || memcmp(p, "BAM\1", 4) != 0) return 1;   /* not BAM: read as SAM text */
    size_t at = 4;
    if (n - at < 4) return 1;
    int32_t l_text = le32(p + at);
    if (l_text < 0 || l_text > MAX_TEXT) return 0;
    at += 4 + (size_t)l_text;
    if (at > n || n - at < 4) return 1;
    int32_t n_ref = le32(p + at);
    if (n_ref < 0 || n_ref > MAX_REFS) return 0;
    at += 4;
    for (int32_t i = 0; i < n_ref; i++) {
        if (n - at < 4) return 1;
        int32_t l_name = le32(p + at);
        if (l_name < 0 || l_name > MAX_NAME) return 0;
        at += 8 + (size_t)l_name;   /* l_name, name, l_ref */
        if (at > n) return 1;
    }
    while (n - at >= 4) {
        int32_t block = le32(p + at);
        if (block < 0 || block > MAX_RECORD) return 0;
        at += 4 + (size_t)block;
        if (at > n) return 1;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char vcf[256], bam[256];
    if (!vcf[0]) {
        snprintf(vcf, sizeof vcf, "%s", fuzz_path("v.vcf"));
        snprintf(bam, sizeof bam, "%s", fuzz_path("in.bam"));
        if (fuzz_write(vcf, (const uint8_t *)VCF, strlen(VCF)) < 0) abort();
        gbcms_log_set_silent(1);
    }
    if (size < 1) return 0;
    uint8_t mode = data[0];
    if (!sane_bam(data + 1, size - 1)) return 0;
    /* Real BGZF (level 1: fast).  "wu" wrote a plain stream, which cannot
     * be indexed, so no input ever reached gbcms. */
    BGZF *fp = bgzf_open(bam, "w1");
    if (!fp) return 0;
    int ok = bgzf_write(fp, data + 1, size - 1) == (ssize_t)(size - 1);
    if (bgzf_close(fp) < 0 || !ok) return 0;
    if (fuzz_index_bam(bam) < 0) { unlink(bam); return 0; }
    gbcms_opts_t o;
    gbcms_opts_init(&o);
    o.quiet = 1;
    o.generic_counting = mode & 1;
    o.fragment_count = (mode >> 1) & 1;
    o.fragment_fractional_weight = (mode >> 2) & 1;
    o.min_baseq = (mode >> 3) & 1 ? 20 : 0;
    o.threads = (mode >> 4) & 1 ? 2 : 1;
    o.max_block_size = (mode >> 5) & 1 ? 1 : 10000;
    o.filter_duplicate = 0;
    o.min_mapq = 0;
    if (gbcms_opts_add_bam(&o, "s", bam) == 0 && gbcms_opts_add_variant_file(&o, vcf) == 0 &&
        (o.output = strdup("/dev/null")) && gbcms_opts_check(&o) == 0)
        gbcms_run(&o);
    gbcms_opts_destroy(&o);
    unlink(bam);
    char idx[300];
    snprintf(idx, sizeof idx, "%s.bai", bam);
    unlink(idx);
    return 0;
}
