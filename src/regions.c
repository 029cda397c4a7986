/* Regions: a -r list or a -R file, parsed strictly here (every bad line is
 * an error naming it, where htslib's own parsers would skip or guess) and
 * held in an htslib regidx, which answers "is this position covered". */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <htslib/regidx.h>
#include "gbcms/log.h"
#include "lines.h"
#include "regions.h"

struct gbcms_regions_t {
    regidx_t *idx;
    size_t chr_len;          /* the region being inserted (see take_pending) */
    hts_pos_t beg, end;      /* 0-based, inclusive */
};

#define TO_END ((hts_pos_t)REGIDX_MAX - 1)

/* regidx's parser callback: the region was parsed already; regidx_insert
 * is handed the contig name and takes the rest from here. */
static int take_pending(const char *line, char **chr_beg, char **chr_end, hts_pos_t *beg, hts_pos_t *end,
                        void *payload, void *usr)
{
    const gbcms_regions_t *r = usr;
    *chr_beg = (char *)line;
    *chr_end = (char *)line + r->chr_len - 1;
    *beg = r->beg;
    *end = r->end;
    return 0;
}

/* A coordinate: digits only, at most 2^35 (regidx's limit).  -1 if bad. */
static int64_t parse_coord(const char *s, size_t n)
{
    if (n == 0 || n > 12) return -1;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v <= (int64_t)TO_END ? v : -1;
}

/* Add [beg, end] (0-based, inclusive) of contig chr[0, chr_len). */
static int push(gbcms_regions_t *r, char *chr, size_t chr_len, int64_t beg, int64_t end)
{
    r->chr_len = chr_len;
    r->beg = beg;
    r->end = end;
    return regidx_insert(r->idx, chr) < 0 ? gbcms_oom("the regions") : 0;
}

/* "BEG-END", "BEG-" or "POS" (1-based) into [*beg, *end] 0-based
 * inclusive.  0, or -1 when s is not a range. */
static int parse_range(const char *s, int64_t *beg, int64_t *end)
{
    const char *dash = strchr(s, '-');
    int64_t b = parse_coord(s, dash ? (size_t)(dash - s) : strlen(s));
    int64_t e = !dash ? b : dash[1] ? parse_coord(dash + 1, strlen(dash + 1)) : TO_END + 1;
    if (b < 1 || e < b) return -1;
    *beg = b - 1;
    *end = e - 1;
    return 0;
}

/* One -r item: CHR, CHR:RANGE or {CHR}:RANGE (braces for a name that
 * ends in ':NUMBER').  r may be NULL (syntax check only). */
static int add_item(gbcms_regions_t *r, char *item)
{
    char ab[GBCMS_ABBREV_LEN];
    size_t n = strlen(item);
    char *chr = item, *colon = NULL;
    size_t chr_len = n;
    if (item[0] == '{') {
        char *close = strchr(item, '}');
        if (!close || (close[1] && close[1] != ':')) goto bad;
        chr = item + 1;
        chr_len = (size_t)(close - chr);
        colon = close[1] ? close + 1 : NULL;
    } else if ((colon = strrchr(item, ':')) != NULL) {
        /* digits and '-' after the last ':' are a range (and must be a
         * good one); anything else is part of the name */
        const char *t = colon + 1;
        if (*t && strspn(t, "0123456789-") == strlen(t)) chr_len = (size_t)(colon - item);
        else colon = NULL;
    }
    int64_t beg = 0, end = TO_END;
    if (chr_len == 0 || (colon && parse_range(colon + 1, &beg, &end) < 0)) goto bad;
    return r ? push(r, chr, chr_len, beg, end) : 0;
bad:
    gbcms_log(GBCMS_LOG_ERROR, "--regions: '%s' is not CHR, CHR:POS, CHR:BEG-END or CHR:BEG- "
              "(1-based, BEG <= END)", gbcms_abbrev(item, ab));
    return -1;
}

static int add_list(gbcms_regions_t *r, const char *list)
{
    char *copy = strdup(list);
    if (!copy) return gbcms_oom("the regions");
    int ret = 0;
    char *s = copy;
    for (;;) {
        char *comma = strchr(s, ',');
        if (comma) *comma = 0;
        if ((ret = add_item(r, s)) < 0) break;
        if (!comma) break;
        s = comma + 1;
    }
    free(copy);
    return ret;
}

int gbcms_regions_check_list(const char *list)
{
    return add_list(NULL, list);
}

static int is_bed_name(const char *file)
{
    static const char *const ext[] = { ".bed", ".bed.gz", ".bed.bgz" };
    size_t n = strlen(file);
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        size_t k = strlen(ext[i]);
        if (n >= k && strcasecmp(file + n - k, ext[i]) == 0) return 1;
    }
    return 0;
}

/* One line of a -R file: CHR [BEG [END]] (BED: 0-based half-open). */
static int add_line(gbcms_regions_t *r, char *s, int bed, const char *file, long line)
{
    char *f[3];
    size_t len[3];
    int nf = 0;
    for (char *c = s; *c && nf < 3;) {
        c += strspn(c, " \t");
        if (!*c) break;
        f[nf] = c;
        len[nf] = strcspn(c, " \t");
        c += len[nf++];
    }
    if (nf == 0 || f[0][0] == '#') return 0;
    if (bed && ((len[0] == 5 && strncmp(f[0], "track", 5) == 0) || (len[0] == 7 && strncmp(f[0], "browser", 7) == 0)))
        return 0;
    int64_t beg = 0, end = TO_END;
    if (nf >= 2) {
        beg = parse_coord(f[1], len[1]);
        end = nf == 3 ? parse_coord(f[2], len[2]) : beg;
        int ok = beg >= 0 && end >= 0 && (bed ? nf == 3 && end >= beg : beg >= 1 && end >= beg);
        if (!ok) {
            gbcms_log(GBCMS_LOG_ERROR, "%s:%ld: not a region: expected %s", file, line,
                      bed ? "CHR BEG END (BED: 0-based, BEG <= END)"
                          : "CHR, CHR POS or CHR BEG END (1-based, BEG <= END)");
            return -1;
        }
        if (bed && end == beg) return 0;   /* an empty BED interval covers nothing */
        if (!bed) beg--;
        end--;
    }
    return push(r, f[0], len[0], beg, end);
}

static int add_file(gbcms_regions_t *r, const char *file)
{
    gbcms_lines_t lr;
    if (gbcms_lines_open(&lr, file, "the regions file") < 0) return -1;
    int bed = is_bed_name(file), ret = 0, k;
    char *s;
    size_t len;
    while ((k = gbcms_lines_next(&lr, &s, &len)) > 0)
        if ((ret = add_line(r, s, bed, file, lr.line)) < 0) break;
    if (k < 0) ret = -1;
    if (gbcms_lines_close(&lr) < 0) ret = -1;
    return ret;
}

gbcms_regions_t *gbcms_regions_init(const char *list, const char *file)
{
    gbcms_regions_t *r = calloc(1, sizeof *r);
    if (!r || !(r->idx = regidx_init(NULL, take_pending, NULL, 0, r))) {
        free(r);
        gbcms_oom("the regions");
        return NULL;
    }
    if ((list ? add_list(r, list) : add_file(r, file)) < 0) {
        gbcms_regions_destroy(r);
        return NULL;
    }
    return r;
}

int gbcms_regions_has(gbcms_regions_t *r, const char *chrom, int64_t pos0)
{
    int k = regidx_overlap(r->idx, chrom, pos0, pos0, NULL);
    return k < 0 ? gbcms_oom("the regions") : k;
}

void gbcms_regions_destroy(gbcms_regions_t *r)
{
    if (!r) return;
    regidx_destroy(r->idx);
    free(r);
}
