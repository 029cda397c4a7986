/* Option defaults (the only place they are set) and their validation. */
#define _GNU_SOURCE   /* sched_getaffinity, CPU_COUNT_S */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <htslib/kstring.h>
#include "gbcms/log.h"
#include "gbcms/opts.h"
#include "align_kernel.h"
#include "regions.h"
#include "sample.h"

void gbcms_opts_init(gbcms_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->format = GBCMS_FORMAT_AUTO;
    o->threads = 1;
    o->min_mapq = 20;
    o->min_baseq = 0;
    o->filter_duplicate = 1;
    o->filter_improper_pair = 0;
    o->filter_qc_failed = 0;
    o->filter_indel = 0;
    o->filter_non_primary = 0;
    o->positive_count = 1;
    o->negative_count = 0;
    o->fragment_count = 0;
    o->fragment_fractional_weight = 0;
    o->generic_counting = 0;
    o->model = GBCMS_MODEL_GBCMS;
    o->kernel = 0;
    o->realign_stats = 0;
    o->suppress_warning = 3;
    o->max_block_size = 10000;
    o->max_block_dist = 100000;
    o->quiet = 0;
    o->seek_gap = -1;
    o->named_temp = 0;
}

int gbcms_opts_add_bam(gbcms_opts_t *o, const char *name, const char *path)
{
    if (o->n_bams == o->m_bams) {
        int m = o->m_bams ? 2 * o->m_bams : 8;
        gbcms_bam_arg_t *nb = realloc(o->bams, (size_t)m * sizeof *nb);
        if (!nb) return gbcms_oom("the list of BAMs");
        o->bams = nb;
        o->m_bams = m;
    }
    gbcms_bam_arg_t *b = &o->bams[o->n_bams];
    b->name = name ? strdup(name) : NULL;
    b->path = strdup(path);
    if ((name && !b->name) || !b->path) {
        free(b->name);
        free(b->path);
        return gbcms_oom("the list of BAMs");
    }
    o->n_bams++;
    return 0;
}

/* Append a copy of path to a list of strings. */
static int add_path(char ***list, int *n, const char *path, const char *what)
{
    char **nl = realloc(*list, (size_t)(*n + 1) * sizeof *nl);
    if (!nl) return gbcms_oom(what);
    *list = nl;
    if (!(nl[*n] = strdup(path))) return gbcms_oom(what);
    (*n)++;
    return 0;
}

int gbcms_opts_add_variant_file(gbcms_opts_t *o, const char *path)
{
    return add_path(&o->variant_files, &o->n_variant_files, path, "the list of variant files");
}

int gbcms_opts_add_bam_fof(gbcms_opts_t *o, const char *path)
{
    return add_path(&o->bam_fofs, &o->n_bam_fofs, path, "the list of BAM lists");
}

/* CPUs this process may run on (its affinity mask, as set by taskset,
 * cpusets or a batch scheduler), not every CPU of the machine. */
static int usable_cpus(void)
{
    for (int n = 1024; n <= 1 << 16; n *= 2) {   /* masks larger than cpu_set_t */
        cpu_set_t *set = CPU_ALLOC(n);
        if (!set) break;
        size_t size = CPU_ALLOC_SIZE(n);
        int r = sched_getaffinity(0, size, set), count = r == 0 ? CPU_COUNT_S(size, set) : 0;
        CPU_FREE(set);
        if (r == 0 && count > 0) return count;
        if (r != 0 && errno != EINVAL) break;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static int check_flag(const char *name, int v)
{
    if (v == 0 || v == 1) return 0;
    gbcms_log(GBCMS_LOG_ERROR, "--%s takes 0 or 1, not %d", name, v);
    return -1;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The output type follows the file name unless -O gives it (as bcftools
 * and samtools do): .bcf is BCF, .gz and .bgz are BGZF, anything else text. */
static int check_output_type(gbcms_opts_t *o)
{
    const char *out = o->output && strcmp(o->output, "-") != 0 ? o->output : NULL;
    if (!o->output_type)
        o->output_type = !out ? 'v' : ends_with(out, ".bcf") ? 'b'
                       : ends_with(out, ".gz") || ends_with(out, ".bgz") ? 'z' : 'v';
    int bcf = o->output_type == 'b' || o->output_type == 'u';
    if (bcf && o->format != GBCMS_FORMAT_VCF) {
        gbcms_log(GBCMS_LOG_ERROR, "BCF output (-O b or u, or an output name ending in .bcf) needs --format vcf");
        return -1;
    }
    if (!o->write_index) return 0;
    if (!out || o->format != GBCMS_FORMAT_VCF || (o->output_type != 'z' && o->output_type != 'b')) {
        gbcms_log(GBCMS_LOG_ERROR, "--write-index needs VCF output to a file, compressed: -o FILE.vcf.gz or "
                  "-o FILE.bcf (or -O z / -O b)");
        return -1;
    }
    struct stat st;
    if (lstat(out, &st) == 0 && !S_ISREG(st.st_mode)) {   /* /dev/stdout, a FIFO, a link: written in place */
        gbcms_log(GBCMS_LOG_ERROR, "--write-index needs a regular output file, not '%s'", out);
        return -1;
    }
    if (o->output_type == 'b' && o->write_index == GBCMS_INDEX_TBI) {
        gbcms_log(GBCMS_LOG_ERROR, "--write-index=tbi: BCF is indexed with .csi only");
        return -1;
    }
    return 0;
}

int gbcms_opts_check(gbcms_opts_t *o)
{
    if (o->n_bams == 0) {
        gbcms_log(GBCMS_LOG_ERROR, "no BAM given: use --bam [NAME:]PATH or --bam_fof FILE");
        return -1;
    }
    for (int i = 0; i < o->n_bams; i++)   /* NAME: of --bam or of a --bam_fof line */
        if (o->bams[i].name && gbcms_sample_name_check(o->bams[i].name, o->bams[i].path) < 0) return -1;
    if (o->n_variant_files == 0) {
        gbcms_log(GBCMS_LOG_ERROR, "no variants given: use --vcf FILE or --maf FILE");
        return -1;
    }
    if (o->input_is_maf && !o->fasta) {
        gbcms_log(GBCMS_LOG_ERROR, "MAF input needs --fasta (to convert '-' alleles)");
        return -1;
    }
    if (o->model == GBCMS_MODEL_REALIGN && !o->fasta) {
        gbcms_log(GBCMS_LOG_ERROR, "--model realign needs --fasta (event regions and haplotypes come from the reference)");
        return -1;
    }
    if (o->model == GBCMS_MODEL_REALIGN && o->generic_counting) {
        gbcms_log(GBCMS_LOG_ERROR, "--generic-counting is a rule of --model gbcms; --model realign compares whole events already");
        return -1;
    }
    if (!gbcms_kernel_supported((gbcms_kernel_t)o->kernel)) {
        gbcms_log(GBCMS_LOG_ERROR, "alignment kernel '%s' is not supported by this CPU or build",
                  gbcms_kernel_name((gbcms_kernel_t)o->kernel));
        return -1;
    }
    if (o->threads < 0) {
        gbcms_log(GBCMS_LOG_ERROR, "--threads must be 0 (all usable CPUs) or more, not %d", o->threads);
        return -1;
    }
    if (o->threads == 0) {
        int n = usable_cpus();
        o->threads = n < 4096 ? n : 4096;   /* the most --threads takes */
    }
    if (o->min_mapq < 0 || o->min_baseq < 0) {
        gbcms_log(GBCMS_LOG_ERROR, "--maq and --baq must not be negative");
        return -1;
    }
    if (o->max_block_size <= 0 || o->max_block_dist <= 0) {
        gbcms_log(GBCMS_LOG_ERROR, "--max_block_size and --max_block_dist must be positive");
        return -1;
    }
    if (o->suppress_warning < 0) {
        gbcms_log(GBCMS_LOG_ERROR, "--suppress_warning must not be negative");
        return -1;
    }
    if (check_flag("filter_duplicate", o->filter_duplicate) ||
        check_flag("filter_improper_pair", o->filter_improper_pair) ||
        check_flag("filter_qc_failed", o->filter_qc_failed) ||
        check_flag("filter_indel", o->filter_indel) ||
        check_flag("filter_non_primary", o->filter_non_primary) ||
        check_flag("positive_count", o->positive_count) ||
        check_flag("negative_count", o->negative_count) ||
        check_flag("fragment_count", o->fragment_count))
        return -1;
    if (o->format == GBCMS_FORMAT_AUTO)
        o->format = o->input_is_maf ? GBCMS_FORMAT_FILLOUT : GBCMS_FORMAT_VCF;
    if (!o->input_is_maf && (o->format == GBCMS_FORMAT_FILLOUT || o->format == GBCMS_FORMAT_MAF)) {
        gbcms_log(GBCMS_LOG_ERROR, "--format %s and --omaf need --maf input",
                  o->format == GBCMS_FORMAT_MAF ? "maf" : "fillout");
        return -1;
    }
    if (check_output_type(o) < 0) return -1;
    if (o->vcf_standard && o->format != GBCMS_FORMAT_VCF) {
        gbcms_log(GBCMS_LOG_ERROR, "--vcf-fields applies to VCF output only");
        return -1;
    }
    if (o->regions && o->regions_file) {
        gbcms_log(GBCMS_LOG_ERROR, "give --regions or --regions-file, not both");
        return -1;
    }
    if (o->regions && gbcms_regions_check_list(o->regions) < 0) return -1;
    if (o->output && strcmp(o->output, "-") == 0) {
        free(o->output);
        o->output = NULL;
    }
    return 0;
}

void gbcms_opts_destroy(gbcms_opts_t *o)
{
    for (int i = 0; i < o->n_bams; i++) { free(o->bams[i].name); free(o->bams[i].path); }
    free(o->bams);
    for (int i = 0; i < o->n_variant_files; i++) free(o->variant_files[i]);
    free(o->variant_files);
    for (int i = 0; i < o->n_bam_fofs; i++) free(o->bam_fofs[i]);
    free(o->bam_fofs);
    free(o->fasta);
    free(o->output);
    free(o->regions);
    free(o->regions_file);
    free(o->command_line);
    memset(o, 0, sizeof *o);
}

char *gbcms_opts_canonical(const gbcms_opts_t *o)
{
    static const char *const formats[] = { "auto", "vcf", "fillout", "maf", "tsv" };
    kstring_t ks = { 0, 0, NULL };
    ksprintf(&ks, "input=%s format=%s fasta=%s vcf_fields=%s model=%s maq=%d baq=%d filter_duplicate=%d "
             "filter_improper_pair=%d filter_qc_failed=%d filter_indel=%d filter_non_primary=%d "
             "generic_counting=%d positive_count=%d negative_count=%d fragment_count=%d "
             "fragment_fractional_weight=%d",
             o->input_is_maf ? "maf" : "vcf", formats[o->format], o->fasta ? "yes" : "no",
             o->vcf_standard ? "standard" : "gbcms", o->model == GBCMS_MODEL_REALIGN ? "realign" : "gbcms", o->min_mapq, o->min_baseq, o->filter_duplicate,
             o->filter_improper_pair, o->filter_qc_failed, o->filter_indel, o->filter_non_primary,
             o->generic_counting, o->positive_count, o->negative_count, o->fragment_count,
             o->fragment_fractional_weight);
    /* only when not the default, so outputs of the default model keep their header */
    if (o->model == GBCMS_MODEL_REALIGN) kputs(" model=realign", &ks);
    return ks.s;
}
