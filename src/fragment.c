/* Fragment records: hash once, sort, group by name. */
#include <stdlib.h>
#include <string.h>
#include "fragment.h"
#include "gbcms/log.h"

uint64_t gbcms_name_hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
    for (size_t i = 0; i < len; i++) { h ^= (unsigned char)s[i]; h *= 1099511628211ULL; }
    return h;
}

int gbcms_frag_add(gbcms_frag_list_t *fl, const char *name, size_t len, uint64_t hash,
                   int mate, gbcms_read_class_t cls)
{
    if (fl->n == fl->m) {
        size_t m = fl->m ? 2 * fl->m : 64;
        gbcms_frag_rec_t *nr = realloc(fl->rec, m * sizeof *nr);
        if (!nr) return -1;
        fl->rec = nr;
        fl->m = m;
    }
    if (fl->names_len + len > fl->names_cap) {
        size_t cap = fl->names_cap ? 2 * fl->names_cap : 1024;
        while (cap < fl->names_len + len) cap *= 2;
        char *nn = realloc(fl->names, cap);
        if (!nn) return -1;
        fl->names = nn;
        fl->names_cap = cap;
    }
    memcpy(fl->names + fl->names_len, name, len);
    gbcms_frag_rec_t *r = &fl->rec[fl->n++];
    r->hash = hash;
    r->name_off = (uint32_t)fl->names_len;
    r->name_len = (uint32_t)len;
    r->mate = (uint8_t)mate;
    r->cls = (uint8_t)cls;
    fl->names_len += len;
    return 0;
}

/* qsort has no context argument in C11; the names buffer of the list being
 * sorted is passed through a thread-local. */
static _Thread_local const char *sort_names;

static int cmp_rec(const void *pa, const void *pb)
{
    const gbcms_frag_rec_t *a = pa, *b = pb;
    if (a->hash != b->hash) return a->hash < b->hash ? -1 : 1;
    if (a->name_len != b->name_len) return a->name_len < b->name_len ? -1 : 1;
    int c = memcmp(sort_names + a->name_off, sort_names + b->name_off, a->name_len);
    if (c) return c;
    return a->mate - b->mate;
}

static int same_name(const gbcms_frag_list_t *fl, const gbcms_frag_rec_t *a, const gbcms_frag_rec_t *b)
{
    return a->hash == b->hash && a->name_len == b->name_len &&
           memcmp(fl->names + a->name_off, fl->names + b->name_off, a->name_len) == 0;
}

void gbcms_frag_resolve(gbcms_frag_list_t *fl, gbcms_counts_t *c, int fractional,
                        const char *ctg, int64_t pos1)
{
    sort_names = fl->names;
    if (fl->n > 1) qsort(fl->rec, fl->n, sizeof *fl->rec, cmp_rec);
    for (size_t i = 0; i < fl->n;) {
        size_t j = i + 1;
        while (j < fl->n && same_name(fl, &fl->rec[i], &fl->rec[j])) j++;
        c->dpf++;
        int multi = 0, has_ref = 0, has_alt = 0;
        for (size_t k = i; k < j; k++) {
            if (k > i && fl->rec[k].mate == fl->rec[k - 1].mate) multi = 1;
            has_ref |= fl->rec[k].cls == GBCMS_READ_REF;
            has_alt |= fl->rec[k].cls == GBCMS_READ_ALT;
        }
        if (multi) {
            gbcms_warn(GBCMS_WARN_MULTIMAPPED, "fragment %.*s has more than one alignment of one mate at %s:%lld; "
                       "left out of RDF/ADF", (int)fl->rec[i].name_len, fl->names + fl->rec[i].name_off,
                       ctg, (long long)pos1);
        } else if (has_ref && has_alt) {
            if (fractional) { c->rdf2 += 1; c->adf2 += 1; }
        } else if (has_ref) {
            c->rdf2 += 2;
        } else if (has_alt) {
            c->adf2 += 2;
        }
        i = j;
    }
    fl->n = 0;
    fl->names_len = 0;
}

void gbcms_frag_free(gbcms_frag_list_t *fl)
{
    free(fl->rec);
    free(fl->names);
    memset(fl, 0, sizeof *fl);
}
