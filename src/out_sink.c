/* Where the output's bytes go: text through the FILE that outfile.c opened,
 * or BGZF / BCF through htslib on a duplicate of that FILE's descriptor (so
 * nothing here depends on the output's temporary name), and the index.
 * The index is built while writing (as htslib's vcf_write/bcf_write do),
 * saved under a temporary name beside its final one once the data is
 * complete, and renamed after the data file is in place. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <htslib/bgzf.h>
#include <htslib/hfile.h>
#include <htslib/hts.h>
#include <htslib/hts_endian.h>
#include <htslib/tbx.h>
#include <htslib/vcf.h>
#include "gbcms/log.h"
#include "output_internal.h"

static const char *out_name(const gbcms_writer_t *w)
{
    return w->o->output ? w->o->output : "standard output";
}

static int write_error(const gbcms_writer_t *w)
{
    int e = errno;
    gbcms_log(GBCMS_LOG_ERROR, "%s: write error%s%s", out_name(w), e ? ": " : "", e ? strerror(e) : "");
    return -1;
}

/* TBI unless asked for CSI or a contig is too long for TBI (2^29 bp). */
static int index_format(const gbcms_writer_t *w)
{
    if (w->o->output_type == 'b' || w->o->write_index == GBCMS_INDEX_CSI) return HTS_FMT_CSI;
    if (w->o->write_index == GBCMS_INDEX_TBI) return HTS_FMT_TBI;
    sam_hdr_t *h = (sam_hdr_t *)w->vs->hdr;
    for (int t = 0; t < sam_hdr_nref(h); t++)
        if (sam_hdr_tid2len(h, t) >= (1LL << 29)) return HTS_FMT_CSI;
    return HTS_FMT_TBI;
}

int gbcms_sink_open(gbcms_writer_t *w)
{
    gbcms_sink_t *k = &w->sink;
    k->type = w->o->output_type ? w->o->output_type : 'v';
    if (w->o->write_index) {
        k->idx_fmt = index_format(w);
        size_t n = strlen(w->o->output) + 32;
        k->idx_path = malloc(n);
        k->idx_tmp = calloc(n, 1);
        if (!k->idx_path || !k->idx_tmp) return gbcms_oom("the index name");
        snprintf(k->idx_path, n, "%s.%s", w->o->output, k->idx_fmt == HTS_FMT_TBI ? "tbi" : "csi");
    }
    if (k->type == 'v') return 0;
    errno = 0;
    int fd = fflush(w->fp) == 0 ? dup(fileno(w->fp)) : -1;
    hFILE *hf = fd >= 0 ? hdopen(fd, "w") : NULL;
    if (!hf) {
        if (fd >= 0) close(fd);
        return write_error(w);
    }
    if (k->type == 'z') k->bgzf = bgzf_hopen(hf, "w");
    else if ((k->rec = bcf_init())) k->hts = hts_hopen(hf, out_name(w), k->type == 'b' ? "wb" : "wbu");
    if (!k->bgzf && !k->hts) {
        hclose_abruptly(hf);
        return gbcms_oom("opening the output");
    }
    return 0;
}

static int raw_write(gbcms_writer_t *w, const char *s, size_t n)
{
    errno = 0;
    if (w->sink.bgzf ? bgzf_write(w->sink.bgzf, s, n) != (ssize_t)n : fwrite(s, 1, n, w->fp) != n)
        return write_error(w);
    return 0;
}

int gbcms_sink_text(gbcms_writer_t *w)
{
    int r = raw_write(w, w->line.s, w->line.l);
    w->line.l = 0;
    return r;
}

/* The index of a BGZF VCF, set up as htslib does for vcf_write: TBI meta
 * data (VCF columns), min_shift 14, levels to cover the longest contig. */
static int vcf_index_init(gbcms_writer_t *w)
{
    gbcms_sink_t *k = &w->sink;
    int min_shift = 14, n_lvls = 5;
    if (k->idx_fmt == HTS_FMT_CSI) {
        sam_hdr_t *h = (sam_hdr_t *)w->vs->hdr;
        int64_t max_len = 0;
        for (int t = 0; t < sam_hdr_nref(h); t++)
            if (sam_hdr_tid2len(h, t) > max_len) max_len = sam_hdr_tid2len(h, t);
        max_len += 256;
        for (n_lvls = (TBX_MAX_SHIFT - min_shift + 2) / 3; max_len > (1LL << (min_shift + 3 * n_lvls));) n_lvls++;
    }
    k->idx = hts_idx_init(0, k->idx_fmt, bgzf_tell(k->bgzf), min_shift, n_lvls);
    uint8_t meta[28];
    const tbx_conf_t *c = &tbx_conf_vcf;
    int32_t conf[7] = { c->preset, c->sc, c->bc, c->ec, c->meta_char, c->line_skip, 0 };
    for (int i = 0; i < 7; i++) u32_to_le((uint32_t)conf[i], meta + 4 * i);
    if (!k->idx || hts_idx_set_meta(k->idx, sizeof meta, meta, 1) < 0) return gbcms_oom("the index");
    return 0;
}

int gbcms_sink_header(gbcms_writer_t *w)
{
    gbcms_sink_t *k = &w->sink;
    if (k->hts) {   /* BCF: htslib writes the header from the bcf_hdr_t */
        w->line.l = 0;
        errno = 0;
        if (bcf_hdr_write(k->hts, w->vcf_hdr) < 0) return write_error(w);
        /* the index name is filled in when the index is saved */
        if (k->idx_path && bcf_idx_init(k->hts, w->vcf_hdr, 14, k->idx_tmp) < 0) return gbcms_oom("the index");
        return 0;
    }
    if (gbcms_sink_text(w) < 0) return -1;
    return k->idx_path ? vcf_index_init(w) : 0;
}

int gbcms_sink_by_row(const gbcms_writer_t *w)
{
    return w->sink.hts || w->sink.idx;
}

int gbcms_sink_row(gbcms_writer_t *w, const gbcms_variant_t *v, size_t start)
{
    gbcms_sink_t *k = &w->sink;
    char *row = w->line.s + start;
    size_t n = w->line.l - start;
    w->line.l = start;
    if (k->hts) {
        row[n - 1] = 0;   /* the line end */
        kstring_t ks = { n - 1, n, row };
        errno = 0;
        if (vcf_parse(&ks, w->vcf_hdr, k->rec) < 0) {
            gbcms_log(GBCMS_LOG_ERROR, "%s: cannot convert the row at %s:%lld to BCF", out_name(w),
                      gbcms_out_contig(w, v), (long long)v->pos + 1);
            return -1;
        }
        return bcf_write(k->hts, w->vcf_hdr, k->rec) < 0 ? write_error(w) : 0;
    }
    /* BGZF VCF with an index: a row starts a new block rather than straddle
     * one when it can (as vcf_write does), then goes in the index. */
    if (bgzf_flush_try(k->bgzf, (ssize_t)n) < 0 || raw_write(w, row, n) < 0) return write_error(w);
    int tid = hts_idx_tbi_name(k->idx, v->tid, gbcms_out_contig(w, v));
    if (tid < 0 || hts_idx_push(k->idx, tid, v->pos, v->pos + v->ref_len, bgzf_tell(k->bgzf), 1) < 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot index the row at %s:%lld", out_name(w), gbcms_out_contig(w, v),
                  (long long)v->pos + 1);
        return -1;
    }
    return 0;
}

/* An empty file under the temporary index name, with the mode a new file
 * gets (htslib then writes the index into it). */
static int make_index_tmp(gbcms_writer_t *w)
{
    gbcms_sink_t *k = &w->sink;
    snprintf(k->idx_tmp, strlen(w->o->output) + 32, "%s.gbcms-tmp.XXXXXX", k->idx_path);
    int fd = mkstemp(k->idx_tmp);
    if (fd < 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot create the index: %s", k->idx_path, strerror(errno));
        k->idx_tmp[0] = 0;
        return -1;
    }
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) < 0) { /* not fatal: the content is what matters */ }
    if (close(fd) < 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot create the index: %s", k->idx_path, strerror(errno));
        return -1;
    }
    return 0;
}

static int index_error(const gbcms_writer_t *w)
{
    gbcms_log(GBCMS_LOG_ERROR, "%s: cannot write the index", w->sink.idx_path);
    return -1;
}

int gbcms_writer_finish(gbcms_writer_t *w)
{
    gbcms_sink_t *k = &w->sink;
    if (w->line.l && gbcms_sink_text(w) < 0) return -1;
    if (k->bgzf) {
        if (k->idx && (bgzf_flush(k->bgzf) < 0 || hts_idx_finish(k->idx, bgzf_tell(k->bgzf)) < 0))
            return write_error(w);
        if (k->idx && (make_index_tmp(w) < 0 || hts_idx_save_as(k->idx, NULL, k->idx_tmp, k->idx_fmt) < 0))
            return index_error(w);
        BGZF *fp = k->bgzf;
        k->bgzf = NULL;
        errno = 0;
        if (bgzf_close(fp) < 0) return write_error(w);
    } else if (k->hts) {
        if (k->idx_path && (make_index_tmp(w) < 0 || bcf_idx_save(k->hts) < 0)) return index_error(w);
        htsFile *fp = k->hts;
        k->hts = NULL;
        errno = 0;
        if (hts_close(fp) < 0) return write_error(w);
    }
    return 0;
}

int gbcms_writer_commit_index(gbcms_writer_t *w)
{
    gbcms_sink_t *k = &w->sink;
    if (!k->idx_tmp || !k->idx_tmp[0]) return 0;
    if (rename(k->idx_tmp, k->idx_path) != 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot rename %s into place: %s", k->idx_path, k->idx_tmp, strerror(errno));
        unlink(k->idx_tmp);
        k->idx_tmp[0] = 0;
        return -1;
    }
    k->idx_tmp[0] = 0;
    return 0;
}

void gbcms_sink_close(gbcms_writer_t *w)
{
    gbcms_sink_t *k = &w->sink;
    if (k->bgzf) bgzf_close(k->bgzf);   /* abandoned after an error: the result does not matter */
    if (k->hts) hts_close(k->hts);
    if (k->rec) bcf_destroy(k->rec);
    if (k->idx) hts_idx_destroy(k->idx);
    if (k->idx_tmp && k->idx_tmp[0]) unlink(k->idx_tmp);
    free(k->idx_path);
    free(k->idx_tmp);
    memset(k, 0, sizeof *k);
}
