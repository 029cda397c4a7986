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
    BGZF *fp = bgzf_open(bam, "wu");
    if (!fp) return 0;
    int ok = bgzf_write(fp, data + 1, size - 1) == (ssize_t)(size - 1);
    if (bgzf_close(fp) < 0 || !ok) return 0;
    if (sam_index_build(bam, 0) < 0) { unlink(bam); return 0; }
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
