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
    /* allocated even for an empty name, so offsets always point somewhere */
    if (fl->names_len + len > fl->names_cap || !fl->names) {
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

/* Sort records by name hash: an inline quicksort on the 64-bit key (with
 * insertion sort for short ranges) instead of qsort with a callback that
 * compares names; names are compared only when grouping. */
static void sort_by_hash(gbcms_frag_rec_t *r, size_t n)
{
    while (n > 16) {
        uint64_t a = r[0].hash, b = r[n / 2].hash, c = r[n - 1].hash;
        uint64_t pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        size_t i = 0, j = n - 1;
        for (;;) {
            while (r[i].hash < pivot) i++;
            while (r[j].hash > pivot) j--;
            if (i >= j) break;
            gbcms_frag_rec_t t = r[i]; r[i] = r[j]; r[j] = t;
            i++; j--;
        }
        /* recurse into the smaller side, loop on the larger */
        size_t left = j + 1;
        if (left < n - left) { sort_by_hash(r, left); r += left; n -= left; }
        else { sort_by_hash(r + left, n - left); n = left; }
    }
    for (size_t i = 1; i < n; i++) {
        gbcms_frag_rec_t t = r[i];
        size_t j = i;
        while (j > 0 && r[j - 1].hash > t.hash) { r[j] = r[j - 1]; j--; }
        r[j] = t;
    }
}

static int same_name(const gbcms_frag_list_t *fl, const gbcms_frag_rec_t *a, const gbcms_frag_rec_t *b)
{
    return a->name_len == b->name_len &&
           memcmp(fl->names + a->name_off, fl->names + b->name_off, a->name_len) == 0;
}

/* Count one fragment from its mate tallies and alleles. */
static void add_fragment(const gbcms_frag_list_t *fl, const gbcms_frag_rec_t *first, int n_mate1,
                         int n_mate2, int has_ref, int has_alt, gbcms_counts_t *c, int fractional,
                         const char *ctg, int64_t pos1)
{
    c->dpf++;
    if (n_mate1 > 1 || n_mate2 > 1) {
        gbcms_warn(GBCMS_WARN_MULTIMAPPED, "fragment %.*s has more than one alignment of one mate at %s:%lld; "
                   "left out of RDF/ADF", (int)first->name_len, fl->names + first->name_off,
                   ctg, (long long)pos1);
    } else if (has_ref && has_alt) {
        if (fractional) { c->rdf2 += 1; c->adf2 += 1; }
    } else if (has_ref) {
        c->rdf2 += 2;
    } else if (has_alt) {
        c->adf2 += 2;
    }
}

void gbcms_frag_resolve(gbcms_frag_list_t *fl, gbcms_counts_t *c, int fractional,
                        const char *ctg, int64_t pos1)
{
    sort_by_hash(fl->rec, fl->n);
    for (size_t i = 0; i < fl->n;) {
        size_t j = i + 1;
        while (j < fl->n && fl->rec[j].hash == fl->rec[i].hash) j++;
        /* [i, j) share a hash: nearly always one name.  Take the records of
         * one name at a time, marking them done by moving them to the front
         * of the unresolved part; a collision just means several rounds. */
        for (size_t k = i; k < j;) {
            const gbcms_frag_rec_t head = fl->rec[k];
            int n1 = 0, n2 = 0, ref = 0, alt = 0;
            size_t end = k;
            for (size_t m = k; m < j; m++) {
                if (!same_name(fl, &head, &fl->rec[m])) continue;
                gbcms_frag_rec_t t = fl->rec[m]; fl->rec[m] = fl->rec[end]; fl->rec[end] = t;
                const gbcms_frag_rec_t *r = &fl->rec[end++];
                n1 += r->mate == 1;
                n2 += r->mate != 1;
                ref |= r->cls == GBCMS_READ_REF;
                alt |= r->cls == GBCMS_READ_ALT;
            }
            add_fragment(fl, &head, n1, n2, ref, alt, c, fractional, ctg, pos1);
            k = end;
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
