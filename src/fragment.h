/* Fragment counting (counting.md sec. 5), internal.
 *
 * Each counted read of a variant adds one record; when the read stream has
 * passed the variant, the records are sorted by name and resolved into
 * DPF/RDF/ADF, and the list is emptied for reuse.  No per-read string map:
 * names are hashed once per read and compared only on equal hashes. */
#ifndef GBCMS_FRAGMENT_H
#define GBCMS_FRAGMENT_H

#include <stddef.h>
#include <stdint.h>
#include "gbcms/count.h"

typedef struct {
    uint64_t hash;
    uint32_t name_off, name_len;
    uint8_t mate;       /* 1 or 2 */
    uint8_t cls;        /* gbcms_read_class_t */
} gbcms_frag_rec_t;

typedef struct {
    gbcms_frag_rec_t *rec;
    size_t n, m;
    char *names;        /* every record's name, back to back */
    size_t names_len, names_cap;
} gbcms_frag_list_t;

uint64_t gbcms_name_hash(const char *s, size_t len);

/* Add one read; returns 0 or -1 (out of memory). */
int gbcms_frag_add(gbcms_frag_list_t *fl, const char *name, size_t len, uint64_t hash,
                   int mate, gbcms_read_class_t cls);

/* Resolve into c->dpf, c->rdf2, c->adf2 and empty the list.
 * fractional: a fragment with both alleles adds 0.5 to each, else 0.
 * ctg/pos1 name the site in the multi-alignment warning. */
void gbcms_frag_resolve(gbcms_frag_list_t *fl, gbcms_counts_t *c, int fractional,
                        const char *ctg, int64_t pos1);

void gbcms_frag_free(gbcms_frag_list_t *fl);

#endif
