/* Small reference look-ups: only the bases a variant needs are read.  The
 * FASTA and its index are checked up front, because a stale or foreign
 * .fai shifts every fetched base without any read error. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <htslib/bgzf.h>
#include <htslib/sam.h>
#include "fasta.h"
#include "gbcms/log.h"

static int older(const struct stat *a, const struct stat *b)
{
    if (a->st_mtim.tv_sec != b->st_mtim.tv_sec) return a->st_mtim.tv_sec < b->st_mtim.tv_sec;
    return a->st_mtim.tv_nsec < b->st_mtim.tv_nsec;
}

/* An index (.fai, .gzi) written before its FASTA was last changed. */
static int check_not_stale(const char *fa, const struct stat *fst, const char *suffix)
{
    char idx[4096];
    struct stat ist;
    if (snprintf(idx, sizeof idx, "%s%s", fa, suffix) >= (int)sizeof idx || stat(idx, &ist) != 0) return 0;
    if (!older(&ist, fst)) return 0;
    gbcms_log(GBCMS_LOG_ERROR, "%s: the index %s is older than the FASTA (re-run 'samtools faidx %s')",
              fa, idx, fa);
    return -1;
}

/* Plain FASTA: each .fai entry must point at the first base of a sequence
 * (after a newline) and its last base must end a line.  Two one-byte reads
 * per contig catch an index made for another version of the file. */
static int check_fai_layout(const char *fa, int fd, off_t size)
{
    char fai_path[4096];
    snprintf(fai_path, sizeof fai_path, "%s.fai", fa);
    FILE *fp = fopen(fai_path, "r");
    if (!fp) return 0;   /* htslib builds it, from this very file */
    char name[1024];
    int64_t len, off, lb, lw;
    int ret = 0;
    long line = 0;
    while (ret == 0 && fscanf(fp, "%1023s %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64 "%*[^\n]",
                              name, &len, &off, &lb, &lw) == 5) {
        line++;
        if (len <= 0 || lb <= 0 || lw < lb || off < 1) continue;   /* htslib rejects these itself */
        int64_t last = off + (len - 1) / lb * lw + (len - 1) % lb;
        char before = 0, end = 0, after = '\n';
        if (last >= size) {
            gbcms_log(GBCMS_LOG_ERROR, "%s: the file ends before contig '%s' does (truncated? its index %s "
                      "says %lld bases)", fa, name, fai_path, (long long)len);
            ret = -1;
            break;
        }
        int ok = pread(fd, &before, 1, off - 1) == 1 && pread(fd, &end, 1, last) == 1 &&
                 (last + 1 >= size || pread(fd, &after, 1, last + 1) == 1);
        int base = isalpha((unsigned char)end) || end == '*' || end == '-';
        if (!ok || before != '\n' || !base || (after != '\n' && after != '\r')) {
            gbcms_log(GBCMS_LOG_ERROR, "%s: the index %s does not match the FASTA (contig '%s', line %ld); "
                      "re-run 'samtools faidx %s'", fa, fai_path, name, line, fa);
            ret = -1;
        }
    }
    fclose(fp);
    return ret;
}

/* A BGZF FASTA cut at a block boundary reads as a shorter contig. */
static int check_bgzf(const char *fa)
{
    BGZF *fp = bgzf_open(fa, "r");
    if (!fp) return 0;   /* fai_load reports it */
    int r = bgzf_compression(fp) == 2 ? bgzf_check_EOF(fp) : 1;
    bgzf_close(fp);
    if (r != 0) return 0;
    gbcms_log(GBCMS_LOG_ERROR, "%s: truncated file (the BGZF end-of-file marker is missing)", fa);
    return -1;
}

faidx_t *gbcms_fasta_open(const char *path)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot open the reference FASTA: %s", path, strerror(errno));
        if (fd >= 0) close(fd);
        return NULL;
    }
    unsigned char magic[2] = { 0, 0 };
    int gz = pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    int bad = check_not_stale(path, &st, ".fai") < 0 || check_not_stale(path, &st, ".gzi") < 0 ||
              (gz ? check_bgzf(path) : S_ISREG(st.st_mode) ? check_fai_layout(path, fd, st.st_size) : 0) < 0;
    close(fd);
    if (bad) return NULL;
    faidx_t *fai = fai_load(path);
    if (!fai)
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot load or build the FASTA index "
                  "(run 'samtools faidx %s')", path, path);
    return fai;
}

int gbcms_fasta_fetch(const faidx_t *fai, const char *ctg, int64_t beg, int64_t end, char **seq, int64_t *len)
{
    *seq = NULL;
    *len = 0;
    hts_pos_t n = 0;
    errno = 0;
    char *s = faidx_fetch_seq64(fai, ctg, beg, end, &n);
    if (!s || n < 0) {
        free(s);
        return errno == ENOMEM ? -2 : -1;
    }
    for (hts_pos_t i = 0; i < n; i++) {
        /* Anything but a base means the index points outside the sequence. */
        if (!isalpha((unsigned char)s[i]) && s[i] != '*' && s[i] != '-') { free(s); return -1; }
        s[i] = (char)toupper((unsigned char)s[i]);
    }
    *seq = s;
    *len = n;
    return 0;
}

int gbcms_hdr_has_contig(const void *hdr, const char *name)
{
    return sam_hdr_name2tid((sam_hdr_t *)hdr, name) >= 0;
}

int gbcms_fai_has_contig(const void *fai, const char *name)
{
    return faidx_has_seq(fai, name);
}

const char *gbcms_contig_hint(const char *name, gbcms_has_contig_fn has, const void *where,
                              char *buf, size_t n)
{
    char other[256];
    if (strcmp(name, "chrM") == 0) snprintf(other, sizeof other, "MT");
    else if (strcmp(name, "MT") == 0) snprintf(other, sizeof other, "chrM");
    else if (strncmp(name, "chr", 3) == 0) snprintf(other, sizeof other, "%s", name + 3);
    else snprintf(other, sizeof other, "chr%s", name);
    if (has(where, other)) snprintf(buf, n, " (it has '%s': 'chr' naming differs)", other);
    else if (n) buf[0] = 0;
    return buf;
}
