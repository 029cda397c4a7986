/* Shared by the fuzz targets: write the input to a per-process file, and
 * index a BAM the harness wrote. */
#ifndef GBCMS_FUZZ_UTIL_H
#define GBCMS_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <htslib/bgzf.h>
#include <htslib/hts.h>
#include <htslib/sam.h>

static inline const char *fuzz_path(const char *name)
{
    static char buf[256];
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(buf, sizeof buf, "%s/gbcms-fuzz-%d-%s", dir, (int)getpid(), name);
    return buf;
}

static inline int fuzz_write(const char *path, const uint8_t *data, size_t size)
{
    FILE *fp = fopen(path, "wb");
    if (!fp) return -1;
    size_t n = fwrite(data, 1, size, fp);
    return (fclose(fp) == 0 && n == size) ? 0 : -1;
}

/* Write path.bai as sam_index_build() does.  htslib 1.16's own builder
 * leaks the header when a record is unsorted or corrupt, and as htslib has
 * no frame pointers LeakSanitizer cannot tell that leak from one in gbcms;
 * here every path frees what it took.  0, or -1 when the BAM cannot be
 * indexed (gbcms would refuse it too, so the harness skips it). */
static inline int fuzz_index_bam(const char *path)
{
    hts_set_log_level(HTS_LOG_OFF);   /* rejecting a mutated file is routine */
    samFile *fp = sam_open(path, "r");
    if (!fp) return -1;
    int ret = -1, r = -1;
    sam_hdr_t *h = NULL;
    bam1_t *b = NULL;
    hts_idx_t *idx = NULL;
    if (fp->format.compression == bgzf && (h = sam_hdr_read(fp)) && (b = bam_init1()) &&
        (idx = hts_idx_init(sam_hdr_nref(h), HTS_FMT_BAI, bgzf_tell(fp->fp.bgzf), 14, 5))) {
        while ((r = sam_read1(fp, h, b)) >= 0)
            if (hts_idx_push(idx, b->core.tid, b->core.pos, bam_endpos(b), bgzf_tell(fp->fp.bgzf),
                             !(b->core.flag & BAM_FUNMAP)) < 0) break;
        if (r == -1 && hts_idx_finish(idx, bgzf_tell(fp->fp.bgzf)) == 0 &&
            hts_idx_save_as(idx, path, NULL, HTS_FMT_BAI) == 0) ret = 0;
    }
    hts_idx_destroy(idx);
    bam_destroy1(b);
    sam_hdr_destroy(h);
    if (sam_close(fp) < 0) ret = -1;
    return ret;
}

#endif
