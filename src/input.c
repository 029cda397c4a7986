/* Loading the variants: the reader for each file, then the store's sort
 * and blocks.  Kept apart so the readers and the store do not depend on
 * each other's callers. */
#include <string.h>
#include "gbcms/log.h"
#include "gbcms/variants.h"
#include "realign.h"
#include "regions.h"
#include "variants_internal.h"

int gbcms_variants_load(gbcms_variants_t *vs, const gbcms_opts_t *o,
                        const sam_hdr_t *hdr, const struct faidx_t *fai)
{
    memset(vs, 0, sizeof *vs);
    vs->hdr = hdr;
    vs->generic = o->generic_counting;
    vs->keep_vcf_fields = o->format == GBCMS_FORMAT_VCF;
    if ((o->regions || o->regions_file) && !(vs->regions = gbcms_regions_init(o->regions, o->regions_file)))
        return -1;
    /* realign counts a site against the sites whose event regions overlap
     * its own (its siblings); one outside the regions is not there */
    if (vs->regions && o->model == GBCMS_MODEL_REALIGN)
        gbcms_log(GBCMS_LOG_WARNING, "--model realign with regions: a site whose event region overlaps that of "
                  "a site outside the regions is counted without it, so counts near a region's edge can differ "
                  "from a run over everything");
    int ret = 0;
    for (int i = 0; ret == 0 && i < o->n_variant_files; i++) {
        const char *f = o->variant_files[i];
        ret = o->input_is_maf ? gbcms_maf_load(vs, f, fai) : gbcms_vcf_load(vs, f, fai);
    }
    gbcms_regions_destroy(vs->regions);   /* only loading needs them */
    vs->regions = NULL;
    if (ret < 0 || gbcms_variants_finish(vs, o->max_block_size, o->max_block_dist) < 0) return -1;
    /* realign: regions and haplotypes once per variant, from the reference */
    if (o->model != GBCMS_MODEL_REALIGN) return 0;
    if (!fai) {
        gbcms_log(GBCMS_LOG_ERROR, "--model realign needs --fasta (event regions and haplotypes come from the reference)");
        return -1;
    }
    return gbcms_realign_prepare_fai(vs, fai);
}
