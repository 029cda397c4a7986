/* Small reference look-ups: only the bases a variant needs are read. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <htslib/sam.h>
#include "fasta.h"
#include "gbcms/log.h"

faidx_t *gbcms_fasta_open(const char *path)
{
    if (access(path, R_OK) != 0) {
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot read the reference FASTA", path);
        return NULL;
    }
    faidx_t *fai = fai_load(path);
    if (!fai)
        gbcms_log(GBCMS_LOG_ERROR, "%s: cannot load or build the FASTA index "
                  "(run 'samtools faidx %s')", path, path);
    return fai;
}

char *gbcms_fasta_fetch(const faidx_t *fai, const char *ctg, int64_t beg, int64_t end, int64_t *len)
{
    if (!faidx_has_seq(fai, ctg)) return NULL;
    hts_pos_t n = 0;
    char *s = faidx_fetch_seq64(fai, ctg, beg, end, &n);
    if (!s || n < 0) { free(s); return NULL; }
    for (hts_pos_t i = 0; i < n; i++) s[i] = (char)toupper((unsigned char)s[i]);
    *len = n;
    return s;
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
