/* gbcms merge: the command line, the checks that parts belong together,
 * their grouping and order (merge.h), and the merged output.  Reading a
 * part is merge_part.c. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <htslib/bgzf.h>
#include <htslib/hfile.h>
#include <htslib/hts.h>
#include <htslib/kstring.h>
#include <htslib/vcf.h>
#include "gbcms/log.h"
#include "gbcms/opts.h"
#include "gbcms/run.h"
#include "cli.h"
#include "merge.h"
#include "merge_internal.h"
#include "outfile.h"

/* What phase 1 learns of each part. */
typedef struct {
    const char *path;
    int group;
    int empty;              /* no sites */
    int tid;                /* first site */
    int64_t pos;
} part_info_t;

/* A sample group: parts with the same samples, read one after another. */
typedef struct {
    char **samples;         /* owned copy of the first part's */
    int n_samples;
    int *parts;             /* indices into the part table, genomic order */
    int n_parts;
    int64_t sites;          /* the sum of its parts' counted sites */
    int cur;                /* the part being read: parts[cur] */
    gbcms_part_t rd;
    int open;
    int started;            /* a site has been read: last_* are set */
    int last_tid, last_part;
    int64_t last_pos;
} group_t;

/* Where the merged bytes go. */
typedef struct {
    char type;              /* 'v', 'z', 'b', 'u' */
    const char *name;       /* for messages */
    FILE *fp;               /* borrowed from the outfile */
    BGZF *bgzf;
    htsFile *hts;
    bcf_hdr_t *hdr;
    bcf1_t *rec;
    kstring_t buf;          /* text not yet written */
} msink_t;

typedef struct {
    const char *output;     /* NULL: standard output */
    char type;              /* 'v', 'z', 'b' or 'u' */
    const char *command_line;
    char **paths;
    int n_paths;
    part_info_t *info;
    group_t *groups;
    int n_groups;
    gbcms_part_t **cur;     /* each group's part being read, for BCF pasting */
    gbcms_part_t ref;       /* the first part's header */
    int partial;            /* --partial: the parts need not hold every site of the input */
    kstring_t header;       /* the merged header */
    kstring_t scratch;
    msink_t sink;
} merge_t;

static int oom(void)
{
    return gbcms_oom("merging");
}

static void usage(FILE *fp)
{
    fprintf(fp, "Usage: gbcms merge [options] PART... [-o OUT]\n");
}

static void help(void)
{
    usage(stdout);
    printf("\n"
"Joins outputs of gbcms count that were split by sample and/or by region into the\n"
"output one gbcms count run over all samples and regions writes (byte for byte,\n"
"the command-line header line aside).  Any format (vcf, fillout, maf, tsv),\n"
"plain, BGZF-compressed or BCF.\n"
"\n"
"  -o, --output FILE        output file [standard output]\n"
"  -O, --output-type v|z|b|u\n"
"                           text, BGZF text, BCF, uncompressed BCF [from the\n"
"                           name: .bcf BCF, .gz/.bgz BGZF, else text]\n"
"      --partial            accept parts that hold only some of the input's sites\n"
"                           (their regions left sites out) [every site, else refused]\n"
"  -q, --quiet              print errors only\n"
"  -h, --help               this help\n"
"\n"
"Parts with the same samples are region parts: they are joined in genomic order\n"
"and must not overlap.  Parts with other samples are pasted beside them, in the\n"
"order they first appear here (the merged sample order), and must have the same\n"
"sites.  Refused, with nothing written: parts of different gbcms versions or\n"
"counting options, overlapping parts, a sample in two groups, a site that some\n"
"samples' parts lack, and parts that together hold fewer sites than the input\n"
"they were counted from (a region part missing).  BCF parts merge into BCF only.\n"
"\n"
"Exit status: 0 success, 1 parts refused or a read/write error, 2 usage error.\n");
}

/* ---- command line ---- */

int gbcms_merge_parse(int argc, char **argv, gbcms_merge_opts_t *mo)
{
    static const struct option opts[] = {
        { "output", required_argument, NULL, 'o' }, { "output-type", required_argument, NULL, 'O' },
        { "quiet", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' },
        { "partial", no_argument, NULL, 'P' }, { NULL, 0, NULL, 0 } };
    int c;
    memset(mo, 0, sizeof *mo);
    kstring_t cl = { 0, 0, NULL };
    for (int i = 0; i < argc; i++) {   /* one header line, whatever the arguments hold */
        if (i) kputc(' ', &cl);
        for (const char *s = argv[i]; *s; s++) kputc(*s == '\n' || *s == '\r' ? ' ' : *s, &cl);
    }
    if (!(mo->command_line = cl.s)) {
        oom();
        return GBCMS_CLI_DATA;
    }
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:O:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': mo->output = strcmp(optarg, "-") == 0 ? NULL : optarg; break;
        case 'O':
            if (strlen(optarg) != 1 || !strchr("vzbu", optarg[0])) {
                gbcms_log(GBCMS_LOG_ERROR, "--output-type takes v, z, b or u, not '%s'", optarg);
                return GBCMS_CLI_USAGE;
            }
            mo->type = optarg[0];
            break;
        case 'q': mo->quiet = 1; break;
        case 'P': mo->partial = 1; break;
        case 'h': help(); return GBCMS_CLI_DONE;
        case ':':
            gbcms_log(GBCMS_LOG_ERROR, "option '%s' needs a value", argv[optind - 1]);
            return GBCMS_CLI_USAGE;
        default:
            gbcms_log(GBCMS_LOG_ERROR, "unknown option '%s'", argv[optind - 1]);
            return GBCMS_CLI_USAGE;
        }
    }
    mo->parts = argv + optind;
    mo->n_parts = argc - optind;
    if (mo->n_parts == 0) {
        gbcms_log(GBCMS_LOG_ERROR, "no parts given");
        return GBCMS_CLI_USAGE;
    }
    for (int i = 0; i < mo->n_parts; i++)
        if (strcmp(mo->parts[i], "-") == 0) {   /* each part is read twice */
            gbcms_log(GBCMS_LOG_ERROR, "a part must be a file, not standard input");
            return GBCMS_CLI_USAGE;
        }
    if (!mo->type) {
        const char *o = mo->output;
        size_t n = o ? strlen(o) : 0;
        mo->type = n >= 4 && strcmp(o + n - 4, ".bcf") == 0 ? 'b'
                 : (n >= 3 && strcmp(o + n - 3, ".gz") == 0) || (n >= 4 && strcmp(o + n - 4, ".bgz") == 0) ? 'z' : 'v';
    }
    return GBCMS_CLI_RUN;
}

void gbcms_merge_opts_destroy(gbcms_merge_opts_t *mo)
{
    free(mo->command_line);
    memset(mo, 0, sizeof *mo);
}

/* ---- phase 1: every part's header and first site ---- */

/* The line of s (header text) at *off, without its '\n'; advances *off. */
static int next_line(const kstring_t *s, size_t *off, const char **line, size_t *len)
{
    if (*off >= s->l) return 0;
    *line = s->s + *off;
    const char *nl = memchr(*line, '\n', s->l - *off);
    *len = nl ? (size_t)(nl - *line) : s->l - *off;
    *off += *len + 1;
    return 1;
}

static int starts(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && memcmp(s, prefix, k) == 0;
}

/* The line that says how many sites a part holds (merge_part.c reads it). */
static int sites_line(const char *s, size_t n)
{
    return starts(s, n, "##gbcms_sites=") || starts(s, n, "#gbcms_sites=");
}

/* How much of a header line must be alike in every part: nothing of the
 * command line and the samples line, the #CHROM line and the fillout
 * column header up to their sample columns; -1 for all of it. */
static long compared_len(const gbcms_part_t *p, const char *s, size_t n, int last)
{
    if (starts(s, n, "##gbcms_command=") || starts(s, n, "#gbcms_command=") || starts(s, n, "#gbcms_samples=") ||
        sites_line(s, n))
        return 0;
    int fixed = starts(s, n, "#CHROM\t") ? GBCMS_VCF_FIXED_COLS
              : last && p->fmt == GBCMS_MF_FILLOUT ? GBCMS_FILLOUT_FIXED_COLS : 0;
    if (!fixed) return -1;
    size_t i = 0;
    for (int tabs = 0; i < n && tabs < fixed; i++) tabs += s[i] == '\t';
    return (long)i;
}

static void show(char *buf, size_t n, const char *s, size_t len)
{
    snprintf(buf, n, "%.*s%s", (int)(len > 70 ? 70 : len), s, len > 70 ? "..." : "");
}

/* p's header against the first part's, for one line of reason. */
static int check_header(const merge_t *m, const gbcms_part_t *p)
{
    const gbcms_part_t *r = &m->ref;
    if (p->is_bcf != r->is_bcf || p->fmt != r->fmt) {
        static const char *const names[] = { "VCF", "fillout", "MAF", "TSV" };
        gbcms_log(GBCMS_LOG_ERROR, "%s is %s %s, %s is %s %s: parts of one merge have one format", p->path,
                  p->is_bcf ? "BCF" : "text", names[p->fmt], r->path, r->is_bcf ? "BCF" : "text", names[r->fmt]);
        return -1;
    }
    if (strcmp(p->version, r->version) != 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s was made by another gbcms version than %s ('%s', '%s'): parts of one "
                  "merge come from one version", p->path, r->path, p->version, r->version);
        return -1;
    }
    if (strcmp(p->options, r->options) != 0) {
        const char *a = p->options, *b = r->options;   /* the first option that differs */
        while (*a && *a == *b) a++, b++;
        while (a > p->options && a[-1] != ' ') a--, b--;
        gbcms_log(GBCMS_LOG_ERROR, "%s was counted with other options than %s ('%.*s' there, '%.*s' here): parts "
                  "of one merge need the same counting options", p->path, r->path, (int)strcspn(b, " "), b,
                  (int)strcspn(a, " "), a);
        return -1;
    }
    size_t ra = 0, pa = 0, rn = 0, pn = 0;
    const char *rs = NULL, *ps = NULL;
    long line = 0;
    for (;;) {
        int hr = next_line(&r->header, &ra, &rs, &rn), hp = next_line(&p->header, &pa, &ps, &pn);
        line++;
        if (!hr && !hp) return 0;
        long kr = hr ? compared_len(r, rs, rn, ra >= r->header.l) : 0;
        long kp = hp ? compared_len(p, ps, pn, pa >= p->header.l) : 0;
        if (hr && hp && kr == kp && (kr == 0 || (kr < 0 ? rn == pn && memcmp(rs, ps, rn) == 0
                                                        : memcmp(rs, ps, (size_t)kr) == 0)))
            continue;
        char a[96] = "(none)", b[96] = "(none)";
        if (hp) show(a, sizeof a, ps, pn);
        if (hr) show(b, sizeof b, rs, rn);
        int undefined = strstr(a, "Not defined in the input header") || strstr(b, "Not defined in the input header");
        gbcms_log(GBCMS_LOG_ERROR, "%s: header line %ld differs from %s's: '%s' here, '%s' there%s", p->path, line,
                  r->path, a, b, undefined ? " (a FILTER/INFO ID the input VCF's header lacks is defined only in the "
                  "parts whose sites use it: define it in the input, e.g. with bcftools annotate -h)" : "");
        return -1;
    }
}

static int same_samples(char **a, int na, char **b, int nb)
{
    if (na != nb) return 0;
    for (int i = 0; i < na; i++)
        if (strcmp(a[i], b[i]) != 0) return 0;
    return 1;
}

/* The group of a part's samples: an existing one with the same list, or a
 * new one; a sample in two different lists is refused. */
static int find_group(merge_t *m, const gbcms_part_t *p)
{
    for (int g = 0; g < m->n_groups; g++)
        if (same_samples(m->groups[g].samples, m->groups[g].n_samples, p->samples, p->n_samples)) return g;
    for (int g = 0; g < m->n_groups; g++)
        for (int i = 0; i < m->groups[g].n_samples; i++)
            for (int j = 0; j < p->n_samples; j++)
                if (strcmp(m->groups[g].samples[i], p->samples[j]) == 0) {
                    const char *other = m->info[m->groups[g].parts[0]].path;
                    gbcms_log(GBCMS_LOG_ERROR, "sample '%s' is in %s and in %s, whose samples differ (%d and %d "
                              "samples): a sample may be in one sample group only", p->samples[j], other,
                              p->path, m->groups[g].n_samples, p->n_samples);
                    return -1;
                }
    group_t *ng = realloc(m->groups, (size_t)(m->n_groups + 1) * sizeof *ng);
    if (!ng) return oom();
    m->groups = ng;
    group_t *g = &m->groups[m->n_groups++];
    memset(g, 0, sizeof *g);
    if (!(g->samples = calloc((size_t)p->n_samples, sizeof *g->samples))) return oom();
    g->n_samples = p->n_samples;   /* freed as far as filled */
    for (int i = 0; i < p->n_samples; i++)
        if (!(g->samples[i] = strdup(p->samples[i]))) return oom();
    return m->n_groups - 1;
}

static int add_to_group(merge_t *m, int g, int idx)
{
    group_t *gr = &m->groups[g];
    int *np = realloc(gr->parts, (size_t)(gr->n_parts + 1) * sizeof *np);
    if (!np) return oom();
    gr->parts = np;
    gr->parts[gr->n_parts++] = idx;
    return 0;
}

static int scan_part(merge_t *m, int i)
{
    part_info_t *in = &m->info[i];
    gbcms_part_t tmp, *p = i == 0 ? &m->ref : &tmp;
    in->path = m->paths[i];
    int ret = gbcms_part_open(p, in->path);
    if (ret == 0 && i > 0) ret = check_header(m, p);
    int g = ret == 0 ? find_group(m, p) : -1;
    if (g < 0) ret = -1;
    if (ret == 0) ret = add_to_group(m, g, i);
    if (ret == 0 && p->sites_input != m->ref.sites_input) {
        gbcms_log(GBCMS_LOG_ERROR, "%s was counted from an input of %lld sites, %s from one of %lld: parts of one "
                  "merge come from one input", in->path, (long long)p->sites_input, m->ref.path,
                  (long long)m->ref.sites_input);
        ret = -1;
    }
    if (ret == 0) m->groups[g].sites += p->sites_counted;
    in->group = g;
    int r = ret == 0 ? gbcms_part_next(p) : -1;
    if (r < 0) ret = -1;
    in->empty = r == 0;
    in->tid = p->tid;
    in->pos = p->pos;
    /* the first part's header stays for the output; its file is read again */
    if (i > 0 && gbcms_part_close(p) < 0) ret = -1;
    return ret;
}

static const part_info_t *sort_info;

static int cmp_first_site(const void *a, const void *b)
{
    const part_info_t *x = &sort_info[*(const int *)a], *y = &sort_info[*(const int *)b];
    if (x->empty != y->empty) return x->empty - y->empty;
    if (x->tid != y->tid) return x->tid < y->tid ? -1 : 1;
    if (x->pos != y->pos) return x->pos < y->pos ? -1 : 1;
    return *(const int *)a - *(const int *)b;
}

/* Each group's parts in genomic order of their first sites. */
static int order_parts(merge_t *m)
{
    sort_info = m->info;
    for (int g = 0; g < m->n_groups; g++) {
        group_t *gr = &m->groups[g];
        qsort(gr->parts, (size_t)gr->n_parts, sizeof *gr->parts, cmp_first_site);
        while (gr->n_parts > 0 && m->info[gr->parts[gr->n_parts - 1]].empty) gr->n_parts--;   /* nothing to read */
    }
    return 0;
}

/* ---- the output ---- */

static int write_error(const msink_t *k)
{
    int e = errno;
    gbcms_log(GBCMS_LOG_ERROR, "%s: write error%s%s", k->name, e ? ": " : "", e ? strerror(e) : "");
    return -1;
}

static int sink_flush(msink_t *k)
{
    errno = 0;
    int bad = k->bgzf ? bgzf_write(k->bgzf, k->buf.s, k->buf.l) != (ssize_t)k->buf.l
                      : fwrite(k->buf.s, 1, k->buf.l, k->fp) != k->buf.l;
    k->buf.l = 0;
    return bad ? write_error(k) : 0;
}

static int sink_open(merge_t *m, FILE *fp)
{
    msink_t *k = &m->sink;
    k->type = m->type;
    k->name = m->output ? m->output : "standard output";
    k->fp = fp;
    if (k->type == 'v') return 0;
    errno = 0;
    int fd = fflush(fp) == 0 ? dup(fileno(fp)) : -1;
    hFILE *hf = fd >= 0 ? hdopen(fd, "w") : NULL;
    if (!hf) {
        if (fd >= 0) close(fd);
        return write_error(k);
    }
    if (k->type == 'z') k->bgzf = bgzf_hopen(hf, "w");
    else if ((k->rec = bcf_init())) k->hts = hts_hopen(hf, k->name, k->type == 'b' ? "wb" : "wbu");
    if (!k->bgzf && !k->hts) {
        hclose_abruptly(hf);
        return oom();
    }
    return 0;
}

/* The merged header: the first part's, with this command line and every
 * group's samples. */
static int build_header(merge_t *m)
{
    const gbcms_part_t *r = &m->ref;
    kstring_t *h = &m->header;
    size_t off = 0, n;
    const char *s;
    while (next_line(&r->header, &off, &s, &n)) {
        int last = off >= r->header.l;
        const char *cmd = starts(s, n, "##gbcms_command=") ? "##gbcms_command="
                        : starts(s, n, "#gbcms_command=") ? "#gbcms_command=" : NULL;
        if (cmd) {
            ksprintf(h, "%s%s\n", cmd, m->command_line);
            continue;
        }
        if (sites_line(s, n)) {   /* what one run would say */
            ksprintf(h, "%sgbcms_sites=counted=%lld input=%lld\n", s[1] == '#' ? "##" : "#",
                     (long long)m->groups[0].sites, (long long)r->sites_input);
            continue;
        }
        long keep = starts(s, n, "#gbcms_samples=") ? 15 : compared_len(r, s, n, last);
        if (keep < 0) {
            kputsn(s, n, h);
            kputc('\n', h);
            continue;
        }
        kputsn(s, (size_t)keep, h);   /* then the samples, tab-separated */
        for (int g = 0, first = 1; g < m->n_groups; g++)
            for (int i = 0; i < m->groups[g].n_samples; i++, first = 0) {
                if (!first) kputc('\t', h);
                kputs(m->groups[g].samples[i], h);
            }
        kputc('\n', h);
    }
    return h->s ? 0 : oom();
}

static int sink_header(merge_t *m)
{
    msink_t *k = &m->sink;
    if (!k->hts) {
        if (kputsn(m->header.s, m->header.l, &k->buf) < 0) return oom();
        return sink_flush(k);
    }
    if (!(k->hdr = bcf_hdr_init("r")) || bcf_hdr_parse(k->hdr, m->header.s) < 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot make the BCF header", k->name);
        return -1;
    }
    errno = 0;
    return bcf_hdr_write(k->hts, k->hdr) < 0 ? write_error(k) : 0;
}

/* One VCF row (text, ending in '\n') into BCF, as gbcms count converts. */
static int sink_vcf_row(merge_t *m, const char *where)
{
    msink_t *k = &m->sink;
    k->buf.s[--k->buf.l] = 0;
    int r = vcf_parse(&k->buf, k->hdr, k->rec);
    k->buf.l = 0;
    if (r < 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot convert the row at %s to BCF", k->name, where);
        return -1;
    }
    errno = 0;
    return bcf_write(k->hts, k->hdr, k->rec) < 0 ? write_error(k) : 0;
}

static int sink_finish(msink_t *k)
{
    if (k->buf.l && sink_flush(k) < 0) return -1;
    errno = 0;
    if (k->bgzf) {
        BGZF *fp = k->bgzf;
        k->bgzf = NULL;
        if (bgzf_close(fp) < 0) return write_error(k);
    } else if (k->hts) {
        htsFile *fp = k->hts;
        k->hts = NULL;
        if (hts_close(fp) < 0) return write_error(k);
    }
    return 0;
}

static void sink_destroy(msink_t *k)
{
    if (k->bgzf) bgzf_close(k->bgzf);   /* abandoned after an error */
    if (k->hts) hts_close(k->hts);
    if (k->rec) bcf_destroy(k->rec);
    if (k->hdr) bcf_hdr_destroy(k->hdr);
    free(k->buf.s);
    memset(k, 0, sizeof *k);
}

/* ---- phase 2: the sites ---- */

static int cmp_order(int ta, int64_t pa, int tb, int64_t pb)
{
    return ta != tb ? (ta < tb ? -1 : 1) : pa != pb ? (pa < pb ? -1 : 1) : 0;
}

/* The group's next site: 1, 0 when its parts are done, -1 after logging. */
static int group_next(merge_t *m, group_t *g)
{
    for (;;) {
        int fresh = 0;
        if (!g->open) {
            if (g->cur == g->n_parts) return 0;
            if (gbcms_part_open(&g->rd, m->info[g->parts[g->cur]].path) < 0) return -1;
            g->open = fresh = 1;
        }
        int r = gbcms_part_next(&g->rd);
        if (r < 0) return -1;
        if (r == 0) {
            g->open = 0;
            g->cur++;
            if (gbcms_part_close(&g->rd) < 0) return -1;
            continue;
        }
        int part = g->parts[g->cur];
        if (g->started) {
            int c = cmp_order(g->rd.tid, g->rd.pos, g->last_tid, g->last_pos);
            if (fresh && c <= 0) {
                gbcms_log(GBCMS_LOG_ERROR, "%s overlaps %s (its site %s is at or before the last site of the "
                          "other): parts of the same samples must cover disjoint regions", g->rd.path,
                          m->info[g->last_part].path, g->rd.where);
                return -1;
            }
            if (c < 0) {
                gbcms_log(GBCMS_LOG_ERROR, "%s:%ld: site %s is out of order (not a gbcms output, or edited?)",
                          g->rd.path, g->rd.line, g->rd.where);
                return -1;
            }
        }
        g->started = 1;
        g->last_tid = g->rd.tid;
        g->last_pos = g->rd.pos;
        g->last_part = part;
        return 1;
    }
}

static const char *sample_list(const group_t *g, char *buf, size_t n)
{
    size_t l = 0;
    buf[0] = 0;
    for (int i = 0; i < g->n_samples && i < 3 && l < n; i++)
        l += (size_t)snprintf(buf + l, n - l, "%s'%s'", i ? ", " : "", g->samples[i]);
    if (g->n_samples > 3 && l < n) snprintf(buf + l, n - l, " and %d more", g->n_samples - 3);
    return buf;
}

/* a has a site b lacks (b is done, or its next site comes later). */
static int missing(const group_t *a, const group_t *b, int b_done)
{
    char s[200];
    gbcms_log(GBCMS_LOG_ERROR, "site %s of %s is not in the parts of sample%s %s (%s): a part missing, or parts "
              "of other inputs", a->rd.where, a->rd.path, b->n_samples == 1 ? "" : "s", sample_list(b, s, sizeof s),
              b_done ? "they end before it" : "they go on with a later site");
    return -1;
}

static int write_site(merge_t *m)
{
    msink_t *k = &m->sink;
    const gbcms_part_t *p0 = &m->groups[0].rd;
    if (p0->is_bcf) {
        bcf1_t *rec = p0->rec;
        if (m->n_groups > 1) {
            for (int g = 0; g < m->n_groups; g++) m->cur[g] = &m->groups[g].rd;
            if (gbcms_bcf_paste(k->rec, m->cur, m->n_groups, &m->scratch) < 0) return -1;
            rec = k->rec;
        }
        errno = 0;
        return bcf_write(k->hts, k->hdr, rec) < 0 ? write_error(k) : 0;
    }
    if (p0->fmt == GBCMS_MF_VCF || p0->fmt == GBCMS_MF_FILLOUT) {   /* one row, samples pasted */
        kputsn(p0->site.s, p0->data_off, &k->buf);
        for (int g = 0; g < m->n_groups; g++) {
            const gbcms_part_t *p = &m->groups[g].rd;
            if (g) kputc('\t', &k->buf);
            kputsn(p->site.s + p->data_off, p->site.l - p->data_off, &k->buf);
            if (g + 1 < m->n_groups) k->buf.l--;   /* its '\n' */
        }
    } else {   /* a row per sample: each group's rows in turn */
        for (int g = 0; g < m->n_groups; g++) kputsn(m->groups[g].rd.site.s, m->groups[g].rd.site.l, &k->buf);
    }
    if (!k->buf.s) return oom();
    if (k->hts) return sink_vcf_row(m, p0->where);
    return k->buf.l >= 1 << 16 ? sink_flush(k) : 0;
}

static int stream(merge_t *m)
{
    int *r = malloc((size_t)m->n_groups * sizeof *r);
    if (!r) return oom();
    int ret = 0;
    for (;;) {
        int live = 0, done = -1, have = -1;
        for (int g = 0; g < m->n_groups && ret == 0; g++) {
            if ((r[g] = group_next(m, &m->groups[g])) < 0) ret = -1;
            if (r[g] > 0) { live++; have = g; } else done = g;
        }
        if (ret < 0 || live == 0) break;
        if (live < m->n_groups) { ret = missing(&m->groups[have], &m->groups[done], 1); break; }
        group_t *a = &m->groups[0];
        for (int g = 1; g < m->n_groups && ret == 0; g++) {
            group_t *b = &m->groups[g];
            if (gbcms_part_same_site(&a->rd, &b->rd)) continue;
            int c = cmp_order(a->rd.tid, a->rd.pos, b->rd.tid, b->rd.pos);
            if (c < 0) ret = missing(a, b, 0);
            else if (c > 0) ret = missing(b, a, 0);
            else {
                gbcms_log(GBCMS_LOG_ERROR, "%s and %s have different sites at %s (%s:%ld, %s:%ld): parts of other "
                          "inputs or options?", a->rd.path, b->rd.path, a->rd.where, a->rd.path, a->rd.line,
                          b->rd.path, b->rd.line);
                ret = -1;
            }
        }
        if (ret == 0) ret = write_site(m);
        if (ret < 0) break;
    }
    free(r);
    return ret;
}

/* Every sample group must hold the same number of sites, and together
 * with the regions they were counted in, all the input's: else a region
 * part is missing (from some groups, or from all of them). */
static int check_site_totals(const merge_t *m)
{
    char a[200], b[200];
    const group_t *g0 = &m->groups[0];
    for (int g = 1; g < m->n_groups; g++) {
        const group_t *gr = &m->groups[g];
        if (gr->sites == g0->sites) continue;
        const group_t *less = gr->sites < g0->sites ? gr : g0, *more = less == gr ? g0 : gr;
        gbcms_log(GBCMS_LOG_ERROR, "the parts of sample%s %s hold %lld sites, those of sample%s %s hold %lld: a "
                  "region part is missing", less->n_samples == 1 ? "" : "s", sample_list(less, a, sizeof a),
                  (long long)less->sites, more->n_samples == 1 ? "" : "s", sample_list(more, b, sizeof b),
                  (long long)more->sites);
        return -1;
    }
    int64_t input = m->ref.sites_input;
    if (g0->sites > input) {
        gbcms_log(GBCMS_LOG_ERROR, "the parts of sample%s %s hold %lld sites, more than the input's %lld: parts "
                  "that overlap", g0->n_samples == 1 ? "" : "s", sample_list(g0, a, sizeof a), (long long)g0->sites,
                  (long long)input);
        return -1;
    }
    if (g0->sites < input && !m->partial) {
        gbcms_log(GBCMS_LOG_ERROR, "the parts hold %lld of the input's %lld sites: a region part is missing, or the "
                  "parts' regions leave %lld sites out (--partial merges them anyway)", (long long)g0->sites,
                  (long long)input, (long long)(input - g0->sites));
        return -1;
    }
    return 0;
}

/* ---- the command ---- */

static void merge_destroy(merge_t *m)
{
    sink_destroy(&m->sink);
    for (int g = 0; g < m->n_groups; g++) {
        group_t *gr = &m->groups[g];
        if (gr->open) gbcms_part_close(&gr->rd);
        free(gr->parts);
        for (int i = 0; i < gr->n_samples; i++) free(gr->samples[i]);
        free(gr->samples);
    }
    free(m->groups);
    free(m->cur);
    free(m->info);
    gbcms_part_close(&m->ref);
    free(m->header.s);
    free(m->scratch.s);
}

/* Refuse an output that is a part (as count refuses one that is an input),
 * then open it. */
static int open_output(merge_t *m, gbcms_outfile_t *of)
{
    gbcms_opts_t o;
    gbcms_opts_init(&o);
    int ret = 0;
    if (m->output && !(o.output = strdup(m->output))) ret = oom();
    for (int i = 0; ret == 0 && i < m->n_paths; i++) ret = gbcms_opts_add_variant_file(&o, m->paths[i]);
    if (ret == 0 && gbcms_outfile_check_inputs(&o) < 0) ret = GBCMS_EXIT_USAGE;
    if (ret == 0 && gbcms_outfile_open(of, &o) < 0) ret = -1;
    gbcms_opts_destroy(&o);
    return ret;
}

static int check_output_type(const merge_t *m)
{
    int bcf_out = m->type == 'b' || m->type == 'u';
    if (bcf_out && m->ref.fmt != GBCMS_MF_VCF) {
        gbcms_log(GBCMS_LOG_ERROR, "BCF output (-O b or u, or an output name ending in .bcf) needs VCF parts");
        return -1;
    }
    if (!bcf_out && m->ref.is_bcf) {
        /* a BCF float printed as text is not the text gbcms count wrote */
        gbcms_log(GBCMS_LOG_ERROR, "BCF parts merge into BCF only: -o NAME.bcf, or -O b or u");
        return -1;
    }
    return 0;
}

int gbcms_merge_run(const gbcms_merge_opts_t *mo)
{
    merge_t m;
    memset(&m, 0, sizeof m);
    gbcms_outfile_t of;
    memset(&of, 0, sizeof of);
    gbcms_log_setup(mo->quiet ? GBCMS_LOG_ERROR : GBCMS_LOG_WARNING, 3);
    m.output = mo->output;
    m.type = mo->type;
    m.command_line = mo->command_line;
    m.paths = mo->parts;
    m.n_paths = mo->n_parts;
    m.partial = mo->partial;
    int rc = GBCMS_EXIT_DATA;
    if (!(m.info = calloc((size_t)m.n_paths, sizeof *m.info))) { oom(); goto done; }
    for (int i = 0; i < m.n_paths; i++)
        if (scan_part(&m, i) < 0) goto done;
    if (check_output_type(&m) < 0) { rc = GBCMS_EXIT_USAGE; goto done; }
    order_parts(&m);
    for (int g = 0; g < m.n_groups; g++)   /* two parts starting at one site overlap */
        for (int i = 1; i < m.groups[g].n_parts; i++) {
            const part_info_t *a = &m.info[m.groups[g].parts[i - 1]], *b = &m.info[m.groups[g].parts[i]];
            if (a->tid == b->tid && a->pos == b->pos) {
                gbcms_log(GBCMS_LOG_ERROR, "%s and %s overlap (they start at the same site): parts of the same "
                          "samples must cover disjoint regions", a->path, b->path);
                goto done;
            }
        }
    if (!(m.cur = calloc((size_t)m.n_groups, sizeof *m.cur))) { oom(); goto done; }
    int r = open_output(&m, &of);
    if (r != 0) { rc = r == GBCMS_EXIT_USAGE ? r : GBCMS_EXIT_DATA; goto done; }
    if (build_header(&m) < 0 || sink_open(&m, of.fp) < 0 || sink_header(&m) < 0) goto done;
    /* the header was written with the counts; a shortfall that streaming
     * did not already name (a shard missing everywhere) is caught here */
    if (stream(&m) < 0 || check_site_totals(&m) < 0) goto done;
    if (sink_finish(&m.sink) < 0 || gbcms_outfile_commit(&of) < 0) goto done;
    rc = GBCMS_EXIT_OK;
done:
    if (rc != GBCMS_EXIT_OK) gbcms_outfile_abort(&of);
    merge_destroy(&m);
    return rc;
}
