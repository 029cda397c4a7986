/* gbcms/opts.h -- every option of `gbcms count`, with defaults in one place. */
#ifndef GBCMS_OPTS_H
#define GBCMS_OPTS_H

#include <stddef.h>

typedef enum {
    GBCMS_FORMAT_AUTO = 0,  /* VCF for VCF input, fillout for MAF input */
    GBCMS_FORMAT_VCF,
    GBCMS_FORMAT_FILLOUT,
    GBCMS_FORMAT_MAF,
    GBCMS_FORMAT_TSV
} gbcms_format_t;

/* --write-index: none, the usual one for the output type (.tbi for BGZF
 * VCF, .csi for BCF), or the one asked for. */
enum { GBCMS_INDEX_NONE = 0, GBCMS_INDEX_AUTO, GBCMS_INDEX_TBI, GBCMS_INDEX_CSI };

/* --model: the counting rules. */
typedef enum {
    GBCMS_MODEL_GBCMS = 0,      /* counting.md: GBCMS's rules (default) */
    GBCMS_MODEL_REALIGN         /* counting-realign.md: event regions and realignment */
} gbcms_model_t;

/* One --bam argument.  name is NULL when the sample name is to be taken
 * from the BAM (@RG SM, else the file name). */
typedef struct {
    char *name;
    char *path;
} gbcms_bam_arg_t;

typedef struct {
    char *fasta;                 /* --fasta, may be NULL for VCF input */
    gbcms_bam_arg_t *bams;       /* --bam and --bam_fof, command-line order */
    int n_bams, m_bams;
    char **variant_files;        /* --vcf or --maf files */
    int n_variant_files;
    char **bam_fofs;             /* --bam_fof lists (inputs the output must not replace) */
    int n_bam_fofs;
    int input_is_maf;            /* 1: --maf, 0: --vcf */
    char *output;                /* NULL or "-": standard output */
    gbcms_format_t format;
    int vcf_standard;            /* --vcf-fields standard: VCF-standard FORMAT fields */
    char output_type;            /* -O: 'v' text, 'z' BGZF, 'b' BCF, 'u' uncompressed BCF;
                                  * 0 until check sets it from the output's name */
    int write_index;             /* --write-index: GBCMS_INDEX_* */
    int threads;                 /* total worker threads; 0 = all CPUs */
    int min_mapq;                /* --maq */
    int min_baseq;               /* --baq */
    int filter_duplicate;
    int filter_improper_pair;
    int filter_qc_failed;
    int filter_indel;
    int filter_non_primary;
    int positive_count;
    int negative_count;
    int fragment_count;
    int fragment_fractional_weight;
    int generic_counting;
    gbcms_model_t model;         /* --model */
    int kernel;                  /* realign's alignment kernel (gbcms_kernel_t, src/align_kernel.h):
                                  * 0 = the best this CPU has; main() sets it from GBCMS_KERNEL */
    int realign_stats;           /* print realign's read and kernel counters (GBCMS_STATS) */
    int suppress_warning;        /* warnings printed per kind */
    int max_block_size;
    int max_block_dist;
    int quiet;
    int keep_going;              /* --keep-going: a BAM that fails costs only its own sample */
    char *regions;               /* -r/--regions: CHR[:BEG-END],... (regions.h) */
    char *regions_file;          /* -R/--regions-file: BED, or CHR POS / CHR BEG END lines */
    char *command_line;          /* for provenance lines in the output */
    /* Test and benchmark switches, never read from the environment by the
     * library (src/main.c maps GBCMS_SEEK_GAP and GBCMS_TEST_NAMED_TEMP). */
    double seek_gap;             /* < 0: the seek-or-read-through rule; else split at gaps > N bp */
    int named_temp;              /* 1: name the temporary output from the start (no O_TMPFILE) */
} gbcms_opts_t;

/* Set every option to its default.  Owns nothing yet. */
void gbcms_opts_init(gbcms_opts_t *o);

/* Check values and combinations.  Logs one error and returns -1 when the
 * options are unusable (a usage error), 0 otherwise.  Resolves the
 * automatic --format and --threads 0. */
int gbcms_opts_check(gbcms_opts_t *o);

/* Free every string the options own (all char * fields and the arrays). */
void gbcms_opts_destroy(gbcms_opts_t *o);

/* The options that decide what the output holds, in one canonical line
 * for the provenance of every output (gbcms merge joins only parts whose
 * lines are equal): input and output format, --fasta given or not, the
 * counting model, read filters and counting rules, and the count columns.
 * Left out, as they change no count and no byte of the rows: threads,
 * block size and distance, alignment kernel, output name and type, index,
 * regions, warnings, quiet and --keep-going.
 * malloc'd (the caller frees), or NULL when out of memory. */
char *gbcms_opts_canonical(const gbcms_opts_t *o);

/* Append a --bam argument; the strings are copied.  Returns 0 or -1. */
int gbcms_opts_add_bam(gbcms_opts_t *o, const char *name, const char *path);

/* Append a variant file (copied).  Returns 0 or -1. */
int gbcms_opts_add_variant_file(gbcms_opts_t *o, const char *path);

/* Record a --bam_fof list's path (copied).  Returns 0 or -1. */
int gbcms_opts_add_bam_fof(gbcms_opts_t *o, const char *path);

#endif
