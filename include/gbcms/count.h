/* gbcms/count.h -- the per-read counting rules (counting.md sections 2-4).
 *
 * gbcms_read_passes() applies the read filters; gbcms_classify() decides
 * what one read says about one variant.  Both are pure functions of their
 * arguments, so the truth-table tests call them directly.
 */
#ifndef GBCMS_COUNT_H
#define GBCMS_COUNT_H

#include <stdint.h>
#include <htslib/sam.h>
#include "gbcms/opts.h"
#include "gbcms/variants.h"

typedef enum {
    GBCMS_READ_SKIP = 0,    /* not counted at all for this variant */
    GBCMS_READ_DP,          /* counted in DP only */
    GBCMS_READ_REF,         /* DP and RD */
    GBCMS_READ_ALT          /* DP and AD */
} gbcms_read_class_t;

/* Per variant and sample.  Fragment REF/ALT counts are kept doubled so a
 * weight of 0.5 stays an integer. */
typedef struct {
    uint32_t dp, rd, ad;
    uint32_t dpp, rdp, adp;     /* positive strand */
    uint32_t dpf;
    uint32_t rdf2, adf2;        /* 2 x RDF, 2 x ADF */
} gbcms_counts_t;

/* dp of a cell that was not counted: its sample's BAM failed under
 * --keep-going.  The outputs write such a cell as missing ('.', NA). */
#define GBCMS_COUNTS_MISSING UINT32_MAX

static inline int gbcms_counts_missing(const gbcms_counts_t *c)
{
    return c->dp == GBCMS_COUNTS_MISSING;
}

/* The settings the rules read, taken from the options once. */
typedef struct {
    int min_mapq, min_baseq;
    int filter_duplicate, filter_improper_pair, filter_qc_failed;
    int filter_indel, filter_non_primary;
    int generic;
} gbcms_rules_t;

void gbcms_rules_from_opts(gbcms_rules_t *r, const gbcms_opts_t *o);

/* 1 if the read is used at all (flags, MAPQ, CIGAR, QUAL), else 0. */
int gbcms_read_passes(const bam1_t *b, const gbcms_rules_t *r);

/* The largest read start (0-based) whose read can still be counted for v,
 * by v's type and the counting mode; reads starting later cannot reach the
 * positions the rule reads.  v->type must be set. */
int64_t gbcms_last_read_start(const gbcms_variant_t *v, int generic);

/* Classify one read that passed the filters against one variant.
 * Includes the base-quality rule: a read whose deciding base is below
 * --baq is GBCMS_READ_SKIP. */
gbcms_read_class_t gbcms_classify(const bam1_t *b, const gbcms_variant_t *v,
                                  const gbcms_rules_t *r);

/* Add one classified read to the read counters (not the fragments). */
static inline void gbcms_counts_add(gbcms_counts_t *c, gbcms_read_class_t k,
                                    int positive)
{
    if (k == GBCMS_READ_SKIP) return;
    c->dp++; c->dpp += positive;
    if (k == GBCMS_READ_REF) { c->rd++; c->rdp += positive; }
    else if (k == GBCMS_READ_ALT) { c->ad++; c->adp += positive; }
}

#endif
