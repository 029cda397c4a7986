/* Shared by the fuzz targets: write the input to a per-process file. */
#ifndef GBCMS_FUZZ_UTIL_H
#define GBCMS_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

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

#endif
