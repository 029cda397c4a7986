/* libFuzzer target: the MAF reader, with a small indexed FASTA. */
#include <string.h>
#include <htslib/faidx.h>
#include <htslib/sam.h>
#include "fuzz_util.h"
#include "gbcms/log.h"
#include "gbcms/variants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static sam_hdr_t *h;
    static faidx_t *fai;
    if (!h) {
        const char *t = "@SQ\tSN:chr1\tLN:60\n@SQ\tSN:2\tLN:20\n";
        h = sam_hdr_parse(strlen(t), t);
        char fa[256];
        snprintf(fa, sizeof fa, "%s", fuzz_path("ref.fa"));
        const char *seq = ">chr1\nGATTACAGATTACAGATTACACGTGCATCATGCATGCATGCATGCATGCATGCATGCATG\n>2\nACGTACGTACGTACGTACGT\n";
        if (fuzz_write(fa, (const uint8_t *)seq, strlen(seq)) < 0 || !(fai = fai_load(fa))) abort();
        gbcms_log_set_silent(1);
    }
    char path[256];
    snprintf(path, sizeof path, "%s", fuzz_path("in.maf"));
    if (fuzz_write(path, data, size) < 0) return 0;
    gbcms_opts_t o;
    gbcms_opts_init(&o);
    o.input_is_maf = 1;
    if (gbcms_opts_add_variant_file(&o, path) == 0) {
        gbcms_variants_t vs;
        if (gbcms_variants_load(&vs, &o, h, fai) == 0)
            for (size_t i = 0; i < vs.n; i++)
                if (vs.v[i].maf_row < 0 || (size_t)vs.v[i].maf_row >= vs.maf.n_rows) abort();
        gbcms_variants_destroy(&vs);
    }
    gbcms_opts_destroy(&o);
    unlink(path);
    return 0;
}
