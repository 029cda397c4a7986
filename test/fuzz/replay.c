/* Replay driver: runs a fuzz target's LLVMFuzzerTestOneInput on every file
 * of the directories (or files) given, without libFuzzer, so the corpora in
 * test-data/fuzz run in plain ctest with any compiler and under whatever
 * sanitizers the build uses.  A target signals a failure by crashing or
 * aborting; the driver itself fails when a file cannot be read or when it
 * found nothing to replay (a wrong path would otherwise test nothing).
 * The target's scratch files go to a fresh directory under $TMPDIR, removed
 * after a clean run and kept after a crash. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read the whole file into an exactly sized buffer, as libFuzzer passes it,
 * so ASan catches a read one byte past the input.  0 or -1. */
static int replay_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return -1;
    }
    struct stat st;
    uint8_t *buf = NULL;
    size_t n = 0;
    int ok = fstat(fileno(fp), &st) == 0 && st.st_size >= 0;
    if (ok) {
        n = (size_t)st.st_size;
        buf = malloc(n ? n : 1);
        ok = buf && fread(buf, 1, n, fp) == n;
    }
    if (fclose(fp) != 0) ok = 0;
    if (!ok) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        free(buf);
        return -1;
    }
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

static int skip_entry(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

/* Every regular file of dir, in name order so a failure is reproducible.
 * Returns the number replayed, or -1. */
static long replay_dir(const char *dir)
{
    struct dirent **ents;
    int n = scandir(dir, &ents, skip_entry, alphasort);
    if (n < 0) {
        fprintf(stderr, "replay: cannot list %s\n", dir);
        return -1;
    }
    long done = 0;
    for (int i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        size_t dl = strlen(dir);
        int len = snprintf(path, sizeof path, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", ents[i]->d_name);
        if (done >= 0 && (len < 0 || (size_t)len >= sizeof path || stat(path, &st) != 0)) {
            fprintf(stderr, "replay: cannot stat %s/%s\n", dir, ents[i]->d_name);
            done = -1;
        }
        if (done >= 0 && S_ISREG(st.st_mode)) {
            printf("%s\n", path);
            fflush(stdout);   /* the last name shown is the input that crashed */
            done = replay_file(path) < 0 ? -1 : done + 1;
        }
        free(ents[i]);
    }
    free(ents);
    return done;
}

/* Remove the scratch directory and the files the target left in it. */
static int remove_scratch(const char *dir)
{
    struct dirent **ents;
    int n = scandir(dir, &ents, skip_entry, alphasort), ret = n < 0 ? -1 : 0;
    for (int i = 0; i < n; i++) {
        char path[4096];
        int len = snprintf(path, sizeof path, "%s/%s", dir, ents[i]->d_name);
        if (len < 0 || (size_t)len >= sizeof path || unlink(path) != 0) ret = -1;
        free(ents[i]);
    }
    if (n >= 0) free(ents);
    if (rmdir(dir) != 0) ret = -1;
    if (ret < 0) fprintf(stderr, "replay: cannot remove %s\n", dir);
    return ret;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
        return 2;
    }
    const char *tmp = getenv("TMPDIR");
    char scratch[4096];
    snprintf(scratch, sizeof scratch, "%s/gbcms-replay-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(scratch) || setenv("TMPDIR", scratch, 1) != 0) {
        fprintf(stderr, "replay: cannot make a scratch directory %s\n", scratch);
        return 1;
    }
    long total = 0;
    int status = 0;
    for (int i = 1; i < argc && status == 0; i++) {
        struct stat st;
        long n = -1;
        if (stat(argv[i], &st) != 0)
            fprintf(stderr, "replay: cannot stat %s\n", argv[i]);
        else
            n = S_ISDIR(st.st_mode) ? replay_dir(argv[i]) : replay_file(argv[i]) == 0 ? 1 : -1;
        if (n < 0) status = 1;
        else total += n;
    }
    if (remove_scratch(scratch) < 0) status = 1;
    if (status == 0 && total == 0) {
        fprintf(stderr, "replay: no input files found\n");
        status = 1;
    }
    if (status != 0) return status;
    printf("replayed %ld input%s\n", total, total == 1 ? "" : "s");
    return 0;
}
