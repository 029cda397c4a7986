/* Fragment resolution (counting.md sec. 5): fixed cases, forced hash
 * collisions, and random lists against a brute-force grouping by name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fragment.h"
#include "gbcms/log.h"

static int passed, failed;

static void check(const char *what, const gbcms_counts_t *c, uint32_t dpf, uint32_t rdf2, uint32_t adf2)
{
    if (c->dpf == dpf && c->rdf2 == rdf2 && c->adf2 == adf2) { passed++; return; }
    printf("FAIL %s: DPF %u RDF2 %u ADF2 %u, expected %u %u %u\n", what, c->dpf, c->rdf2, c->adf2, dpf, rdf2, adf2);
    failed++;
}

static void add(gbcms_frag_list_t *fl, const char *name, uint64_t hash, int mate, gbcms_read_class_t k)
{
    if (gbcms_frag_add(fl, name, strlen(name), hash, mate, k) < 0) abort();
}

static uint64_t h(const char *name) { return gbcms_name_hash(name, strlen(name)); }

/* Brute force: group by name with a quadratic scan. */
static void reference(const char **names, const int *mates, const int *cls, int n, int fractional,
                      gbcms_counts_t *c)
{
    memset(c, 0, sizeof *c);
    for (int i = 0; i < n; i++) {
        int seen = 0;
        for (int j = 0; j < i; j++) seen |= strcmp(names[i], names[j]) == 0;
        if (seen) continue;
        int n1 = 0, n2 = 0, ref = 0, alt = 0;
        for (int j = i; j < n; j++) {
            if (strcmp(names[i], names[j]) != 0) continue;
            n1 += mates[j] == 1; n2 += mates[j] == 2;
            ref |= cls[j] == GBCMS_READ_REF; alt |= cls[j] == GBCMS_READ_ALT;
        }
        c->dpf++;
        if (n1 > 1 || n2 > 1) continue;
        if (ref && alt) { if (fractional) { c->rdf2++; c->adf2++; } }
        else if (ref) c->rdf2 += 2;
        else if (alt) c->adf2 += 2;
    }
}

int main(void)
{
    gbcms_log_set_silent(1);
    gbcms_frag_list_t fl;
    memset(&fl, 0, sizeof fl);
    gbcms_counts_t c;

    /* mates agree on ALT; mates disagree; one mate REF; DP-only read */
    memset(&c, 0, sizeof c);
    add(&fl, "a", h("a"), 1, GBCMS_READ_ALT); add(&fl, "a", h("a"), 2, GBCMS_READ_ALT);
    add(&fl, "b", h("b"), 1, GBCMS_READ_REF); add(&fl, "b", h("b"), 2, GBCMS_READ_ALT);
    add(&fl, "c", h("c"), 1, GBCMS_READ_REF);
    add(&fl, "d", h("d"), 2, GBCMS_READ_DP);
    gbcms_frag_resolve(&fl, &c, 0, "chr1", 1);
    check("basic, weight 0", &c, 4, 2, 2);
    memset(&c, 0, sizeof c);
    add(&fl, "b", h("b"), 1, GBCMS_READ_REF); add(&fl, "b", h("b"), 2, GBCMS_READ_ALT);
    gbcms_frag_resolve(&fl, &c, 1, "chr1", 1);
    check("disagreeing mates, weight 0.5", &c, 1, 1, 1);

    /* two alignments of mate 1 (primary + supplementary): DPF only */
    memset(&c, 0, sizeof c);
    add(&fl, "s", h("s"), 1, GBCMS_READ_ALT); add(&fl, "s", h("s"), 1, GBCMS_READ_ALT);
    add(&fl, "s", h("s"), 2, GBCMS_READ_ALT);
    gbcms_frag_resolve(&fl, &c, 0, "chr1", 1);
    check("multi-aligned mate", &c, 1, 0, 0);

    /* forced collisions: three names, one hash, interleaved */
    memset(&c, 0, sizeof c);
    add(&fl, "x", 42, 1, GBCMS_READ_REF); add(&fl, "y", 42, 1, GBCMS_READ_ALT);
    add(&fl, "x", 42, 2, GBCMS_READ_REF); add(&fl, "z", 42, 1, GBCMS_READ_ALT);
    add(&fl, "y", 42, 2, GBCMS_READ_ALT); add(&fl, "z", 42, 1, GBCMS_READ_REF);
    gbcms_frag_resolve(&fl, &c, 0, "chr1", 1);
    check("hash collision", &c, 3, 2, 2);   /* x REF, y ALT, z multi-aligned */
    if (fl.n != 0) { printf("FAIL list not emptied\n"); failed++; } else passed++;

    /* random lists against the brute force; small hash space forces collisions */
    srand(7);
    static const char *pool[] = { "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10",
                                  "read_with_a_longer_name", "r1x", "x1r" };
    int npool = (int)(sizeof pool / sizeof pool[0]);
    for (int round = 0; round < 2000; round++) {
        int n = rand() % 60;
        const char *names[60];
        int mates[60], cls[60];
        int fractional = rand() & 1, collide = rand() & 1;
        memset(&c, 0, sizeof c);
        for (int i = 0; i < n; i++) {
            names[i] = pool[rand() % npool];
            mates[i] = 1 + rand() % 2;
            cls[i] = 1 + rand() % 3;   /* DP, REF or ALT */
            uint64_t hash = collide ? h(names[i]) % 3 : h(names[i]);
            add(&fl, names[i], hash, mates[i], (gbcms_read_class_t)cls[i]);
        }
        gbcms_frag_resolve(&fl, &c, fractional, "chr1", 1);
        gbcms_counts_t want;
        reference(names, mates, cls, n, fractional, &want);
        if (c.dpf != want.dpf || c.rdf2 != want.rdf2 || c.adf2 != want.adf2) {
            printf("FAIL random round %d: got %u/%u/%u want %u/%u/%u\n", round, c.dpf, c.rdf2, c.adf2,
                   want.dpf, want.rdf2, want.adf2);
            failed++;
        } else passed++;
    }
    gbcms_frag_free(&fl);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
