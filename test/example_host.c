/* A host program using only the public headers (include/gbcms/): it counts
 * the variants of a VCF in some BAMs through gbcms_count() and prints one
 * line per variant and sample, "CHROM POS REF ALT SAMPLE DP RD AD", the
 * same numbers `gbcms count --format tsv` writes (the test compares them).
 * Usage: example_host VCF BAM... */
#include <stdio.h>
#include <htslib/sam.h>
#include "gbcms/engine.h"
#include "gbcms/log.h"
#include "gbcms/opts.h"
#include "gbcms/variants.h"

typedef struct {
    const gbcms_variants_t *vs;
    const gbcms_samples_t *ss;
} host_t;

static int print_block(void *ctx, size_t block, const gbcms_counts_t *counts)
{
    const host_t *h = ctx;
    const gbcms_block_t *blk = &h->vs->blocks[block];
    int ns = gbcms_samples_n(h->ss);
    for (size_t i = blk->begin; i < blk->end; i++) {
        const gbcms_variant_t *v = &h->vs->v[i];
        const gbcms_counts_t *c = counts + (v->primary - blk->begin) * (size_t)ns;
        for (int s = 0; s < ns; s++)
            printf("%s\t%lld\t%s\t%s\t%s\t%u\t%u\t%u\n", sam_hdr_tid2name((sam_hdr_t *)h->vs->hdr, v->tid),
                   (long long)v->pos + 1, v->out_ref, v->out_alt, gbcms_samples_name(h->ss, s),
                   c[s].dp, c[s].rd, c[s].ad);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: example_host VCF BAM...\n");
        return 2;
    }
    gbcms_opts_t o;
    gbcms_opts_init(&o);
    int ok = gbcms_opts_add_variant_file(&o, argv[1]) == 0;
    for (int i = 2; ok && i < argc; i++) ok = gbcms_opts_add_bam(&o, NULL, argv[i]) == 0;
    o.threads = 2;
    if (!ok || gbcms_opts_check(&o) < 0) {
        gbcms_opts_destroy(&o);
        return 2;
    }
    int ret = 1;
    gbcms_variants_t vs = { 0 };
    gbcms_samples_t *ss = gbcms_samples_load(&o);
    if (ss && gbcms_variants_load(&vs, &o, gbcms_samples_header(ss), NULL) == 0) {
        host_t h = { &vs, ss };
        if (gbcms_count(&o, &vs, ss, print_block, &h) == 0) ret = 0;
    }
    gbcms_variants_destroy(&vs);
    gbcms_samples_free(ss);
    gbcms_opts_destroy(&o);
    if (fclose(stdout) != 0) ret = 1;
    return ret;
}
