/* libFuzzer target: the VCF reader (text VCF; BCF when the bytes are one). */
#include <string.h>
#include <htslib/sam.h>
#include "fuzz_util.h"
#include "gbcms/log.h"
#include "gbcms/variants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static sam_hdr_t *h;
    if (!h) {
        const char *t = "@SQ\tSN:chr1\tLN:1000\n@SQ\tSN:chr2\tLN:500\n@SQ\tSN:1\tLN:100\n";
        h = sam_hdr_parse(strlen(t), t);
        gbcms_log_set_silent(1);
    }
    char path[256];
    snprintf(path, sizeof path, "%s", fuzz_path("in.vcf"));
    if (fuzz_write(path, data, size) < 0) return 0;
    gbcms_opts_t o;
    gbcms_opts_init(&o);
    o.generic_counting = size > 0 && (data[0] & 1);
    o.max_block_size = 3;
    if (gbcms_opts_add_variant_file(&o, path) == 0) {
        gbcms_variants_t vs;
        if (gbcms_variants_load(&vs, &o, h, NULL) == 0) {
            /* invariants of a successful load */
            for (size_t i = 1; i < vs.n; i++)
                if (vs.v[i].tid < vs.v[i - 1].tid ||
                    (vs.v[i].tid == vs.v[i - 1].tid && vs.v[i].pos < vs.v[i - 1].pos)) abort();
            size_t covered = 0;
            for (size_t b = 0; b < vs.n_blocks; b++) covered += vs.blocks[b].end - vs.blocks[b].begin;
            if (covered != vs.n) abort();
        }
        gbcms_variants_destroy(&vs);
    }
    gbcms_opts_destroy(&o);
    unlink(path);
    return 0;
}
