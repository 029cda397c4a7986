/* `gbcms count` command line: GBCMS spellings and modern ones are the same
 * options.  Only parsing lives here; validation is gbcms_opts_check(). */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <htslib/hts.h>
#include <htslib/kstring.h>
#include "cli.h"
#include "gbcms/log.h"
#include "lines.h"
#include "version.h"

enum {
    O_FASTA = 'f', O_OUTPUT = 'o', O_THREADS = 't', O_HELP = 'h', O_QUIET = 'q',
    O_BAM = 256, O_BAMFOF, O_VCF, O_MAF, O_OMAF, O_FORMAT, O_MAQ, O_BAQ,
    O_FDUP, O_FIMPROPER, O_FQC, O_FINDEL, O_FNONPRIMARY,
    O_POSITIVE, O_NEGATIVE, O_FRAGMENT, O_FRACTIONAL, O_SUPPRESS,
    O_BLOCK_SIZE, O_BLOCK_DIST, O_GENERIC, O_VERSION, O_VCF_FIELDS, O_WRITE_INDEX, O_MODEL,
    O_OUTPUT_TYPE = 'O', O_REGIONS = 'r', O_REGIONS_FILE = 'R', O_KEEP_GOING = 512
};

/* GBCMS spellings (underscores) take their 0|1 argument as GBCMS did; the
 * modern spellings (hyphens) may also stand alone to mean 1. */
static const struct option long_opts[] = {
    { "fasta", required_argument, NULL, O_FASTA },
    { "bam", required_argument, NULL, O_BAM },
    { "bam_fof", required_argument, NULL, O_BAMFOF },
    { "bam-fof", required_argument, NULL, O_BAMFOF },
    { "vcf", required_argument, NULL, O_VCF },
    { "maf", required_argument, NULL, O_MAF },
    { "output", required_argument, NULL, O_OUTPUT },
    { "omaf", no_argument, NULL, O_OMAF },
    { "format", required_argument, NULL, O_FORMAT },
    { "vcf-fields", required_argument, NULL, O_VCF_FIELDS },
    { "output-type", required_argument, NULL, O_OUTPUT_TYPE },
    { "write-index", optional_argument, NULL, O_WRITE_INDEX },
    { "thread", required_argument, NULL, O_THREADS },
    { "threads", required_argument, NULL, O_THREADS },
    { "maq", required_argument, NULL, O_MAQ },
    { "min-mapq", required_argument, NULL, O_MAQ },
    { "baq", required_argument, NULL, O_BAQ },
    { "min-baseq", required_argument, NULL, O_BAQ },
    { "filter_duplicate", required_argument, NULL, O_FDUP },
    { "filter-duplicate", optional_argument, NULL, O_FDUP },
    { "filter_improper_pair", required_argument, NULL, O_FIMPROPER },
    { "filter-improper-pair", optional_argument, NULL, O_FIMPROPER },
    { "filter_qc_failed", required_argument, NULL, O_FQC },
    { "filter-qc-failed", optional_argument, NULL, O_FQC },
    { "filter_indel", required_argument, NULL, O_FINDEL },
    { "filter-indel", optional_argument, NULL, O_FINDEL },
    { "filter_non_primary", required_argument, NULL, O_FNONPRIMARY },
    { "filter-non-primary", optional_argument, NULL, O_FNONPRIMARY },
    { "positive_count", required_argument, NULL, O_POSITIVE },
    { "positive-count", optional_argument, NULL, O_POSITIVE },
    { "negative_count", required_argument, NULL, O_NEGATIVE },
    { "negative-count", optional_argument, NULL, O_NEGATIVE },
    { "fragment_count", required_argument, NULL, O_FRAGMENT },
    { "fragment-count", optional_argument, NULL, O_FRAGMENT },
    { "fragment_fractional_weight", no_argument, NULL, O_FRACTIONAL },
    { "fragment-fractional-weight", no_argument, NULL, O_FRACTIONAL },
    { "suppress_warning", required_argument, NULL, O_SUPPRESS },
    { "suppress-warning", required_argument, NULL, O_SUPPRESS },
    { "max_block_size", required_argument, NULL, O_BLOCK_SIZE },
    { "max-block-size", required_argument, NULL, O_BLOCK_SIZE },
    { "max_block_dist", required_argument, NULL, O_BLOCK_DIST },
    { "max-block-dist", required_argument, NULL, O_BLOCK_DIST },
    { "generic_counting", no_argument, NULL, O_GENERIC },
    { "generic-counting", no_argument, NULL, O_GENERIC },
    { "model", required_argument, NULL, O_MODEL },
    { "help", no_argument, NULL, O_HELP },
    { "version", no_argument, NULL, O_VERSION },
    { "quiet", no_argument, NULL, O_QUIET },
    { "regions", required_argument, NULL, O_REGIONS },
    { "regions-file", required_argument, NULL, O_REGIONS_FILE },
    { "keep-going", no_argument, NULL, O_KEEP_GOING },
    { NULL, 0, NULL, 0 }
};

int gbcms_parse_int(const char *s, const char *opt, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*s == 0 || *end != 0 || errno == ERANGE || v < lo || v > hi) {
        gbcms_log(GBCMS_LOG_ERROR, "--%s takes a whole number from %ld to %ld, not '%s'",
                  opt, lo, hi, s);
        return -1;
    }
    *out = (int)v;
    return 0;
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* "scheme://..." (https://, s3://, file://) is a URL, never NAME:PATH. */
static int is_url(const char *s)
{
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");
    return n > 0 && isalpha((unsigned char)s[0]) && strncmp(s + n, "://", 3) == 0;
}

/* NAME:PATH, or PATH when the argument is a URL, names a file or has no ':'.
 * Returns GBCMS_CLI_RUN, GBCMS_CLI_USAGE (logged) or GBCMS_CLI_DATA (out
 * of memory, logged). */
static int add_bam_arg(gbcms_opts_t *o, const char *arg)
{
    const char *colon = strchr(arg, ':');
    if (!*arg) {
        gbcms_log(GBCMS_LOG_ERROR, "--bam: empty path");
        return GBCMS_CLI_USAGE;
    }
    if (is_url(arg) || is_file(arg) || !colon) return gbcms_opts_add_bam(o, NULL, arg) < 0 ? GBCMS_CLI_DATA : GBCMS_CLI_RUN;
    if (colon == arg || colon[1] == 0) {
        gbcms_log(GBCMS_LOG_ERROR, "--bam '%s': expected [NAME:]PATH", arg);
        return GBCMS_CLI_USAGE;
    }
    char *name = strndup(arg, (size_t)(colon - arg));
    int ret = name ? gbcms_opts_add_bam(o, name, colon + 1) : gbcms_oom("reading the command line");
    free(name);
    return ret < 0 ? GBCMS_CLI_DATA : GBCMS_CLI_RUN;
}

/* A file of BAMs: one per line, "PATH", "NAME<TAB>PATH" or "NAME:PATH".
 * Read like every other text input: any line end, no NUL bytes. */
static int read_bam_fof(gbcms_opts_t *o, const char *fof)
{
    gbcms_lines_t lr;
    if (gbcms_lines_open_plain(&lr, fof, "the BAM list") < 0) return GBCMS_CLI_DATA;
    char *line;
    size_t len;
    int ret = 0, r;
    while (ret == 0 && (r = gbcms_lines_next(&lr, &line, &len)) > 0) {
        while (len > 0 && line[len - 1] == ' ') line[--len] = 0;
        if (len == 0 || line[0] == '#') continue;
        char *tab = strchr(line, '\t');
        if (tab) {
            *tab = 0;
            if (!*line || !tab[1] || strchr(tab + 1, '\t')) {
                gbcms_log(GBCMS_LOG_ERROR, "%s:%ld: expected NAME<TAB>PATH or PATH", fof, lr.line);
                ret = GBCMS_CLI_DATA;
            } else if (gbcms_opts_add_bam(o, line, tab + 1) < 0) {   /* out of memory, logged */
                ret = GBCMS_CLI_DATA;
            }
        } else if ((ret = add_bam_arg(o, line)) != GBCMS_CLI_RUN) {
            if (ret == GBCMS_CLI_USAGE) gbcms_log(GBCMS_LOG_ERROR, "%s:%ld: bad BAM entry '%s'", fof, lr.line, line);
            ret = GBCMS_CLI_DATA;
        }
    }
    if (r < 0) ret = GBCMS_CLI_DATA;
    if (gbcms_lines_close(&lr) < 0 && ret == 0) ret = GBCMS_CLI_DATA;
    return ret;
}

/* A 0|1 switch: GBCMS spelling always has the value; a modern spelling may
 * be bare (1), carry "=V", or be followed by a lone 0 or 1. */
static int switch_value(int argc, char **argv, const char *name, int *out)
{
    const char *v = optarg;
    if (!v) {
        if (optind < argc && (strcmp(argv[optind], "0") == 0 || strcmp(argv[optind], "1") == 0))
            v = argv[optind++];
        else { *out = 1; return 0; }
    }
    return gbcms_parse_int(v, name, 0, 1, out);
}

static int set_format(gbcms_opts_t *o, const char *s)
{
    static const struct { const char *name; gbcms_format_t f; } fmts[] = {
        { "vcf", GBCMS_FORMAT_VCF }, { "fillout", GBCMS_FORMAT_FILLOUT },
        { "maf", GBCMS_FORMAT_MAF }, { "tsv", GBCMS_FORMAT_TSV } };
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++)
        if (strcmp(s, fmts[i].name) == 0) { o->format = fmts[i].f; return 0; }
    gbcms_log(GBCMS_LOG_ERROR, "--format takes vcf, fillout, maf or tsv, not '%s'", s);
    return -1;
}

/* The command line for provenance lines; NULL when out of memory. */
static char *join_args(int argc, char **argv)
{
    kstring_t ks = { 0, 0, NULL };
    for (int i = 0; i < argc; i++)
        if ((i && kputc(' ', &ks) < 0) || kputs(argv[i], &ks) < 0) {
            free(ks.s);
            return NULL;
        }
    return ks.s ? ks.s : strdup("");
}

static int set_string(char **dst, const char *s)
{
    free(*dst);
    return (*dst = strdup(s)) ? 0 : gbcms_oom("reading the command line");
}

int gbcms_cli_parse(int argc, char **argv, gbcms_opts_t *o)
{
    int c, idx = -1, seen_vcf = 0, seen_maf = 0, v;
    int ret = GBCMS_CLI_RUN;
    if (!(o->command_line = join_args(argc, argv))) {
        gbcms_oom("reading the command line");
        return GBCMS_CLI_DATA;
    }
    optind = 1;
    opterr = 0;
    /* '+': stop at the first non-option, so the paths after --bam stay in
     * order and are taken here rather than permuted to the end. */
    while (ret == GBCMS_CLI_RUN && (c = getopt_long(argc, argv, "+:f:o:O:t:hqr:R:", long_opts, &idx)) != -1) {
        const char *name = (c == '?' || c == ':') ? NULL : (idx >= 0 ? long_opts[idx].name : NULL);
        if (idx < 0 && c != '?' && c != ':' && c < 256) {
            /* short option: find its long name for messages */
            for (int i = 0; long_opts[i].name; i++)
                if (long_opts[i].val == c) { name = long_opts[i].name; break; }
        }
        idx = -1;
        switch (c) {
        case O_FASTA: if (set_string(&o->fasta, optarg)) ret = GBCMS_CLI_DATA; break;
        case O_OUTPUT: if (set_string(&o->output, optarg)) ret = GBCMS_CLI_DATA; break;
        case O_REGIONS: if (set_string(&o->regions, optarg)) ret = GBCMS_CLI_DATA; break;
        case O_REGIONS_FILE: if (set_string(&o->regions_file, optarg)) ret = GBCMS_CLI_DATA; break;
        case O_BAM:
            if ((ret = add_bam_arg(o, optarg)) != GBCMS_CLI_RUN) break;
            while (optind < argc && argv[optind][0] != '-' && ret == GBCMS_CLI_RUN)
                ret = add_bam_arg(o, argv[optind++]);
            break;
        case O_BAMFOF:
            ret = read_bam_fof(o, optarg);
            if (ret == GBCMS_CLI_RUN && gbcms_opts_add_bam_fof(o, optarg) < 0) ret = GBCMS_CLI_USAGE;
            break;
        case O_VCF: case O_MAF:
            if (c == O_VCF) seen_vcf = 1; else seen_maf = 1;
            if (gbcms_opts_add_variant_file(o, optarg) < 0) ret = GBCMS_CLI_DATA;
            break;
        case O_OMAF: o->format = GBCMS_FORMAT_MAF; break;
        case O_FORMAT: if (set_format(o, optarg)) ret = GBCMS_CLI_USAGE; break;
        case O_OUTPUT_TYPE:
            if (strlen(optarg) == 1 && strchr("vzbu", optarg[0])) {
                o->output_type = optarg[0];
            } else {
                gbcms_log(GBCMS_LOG_ERROR, "--output-type takes v, z, b or u, not '%s'", optarg);
                ret = GBCMS_CLI_USAGE;
            }
            break;
        case O_WRITE_INDEX:
            if (!optarg) o->write_index = GBCMS_INDEX_AUTO;
            else if (strcmp(optarg, "tbi") == 0) o->write_index = GBCMS_INDEX_TBI;
            else if (strcmp(optarg, "csi") == 0) o->write_index = GBCMS_INDEX_CSI;
            else {
                gbcms_log(GBCMS_LOG_ERROR, "--write-index takes tbi or csi, not '%s'", optarg);
                ret = GBCMS_CLI_USAGE;
            }
            break;
        case O_VCF_FIELDS:
            if (strcmp(optarg, "gbcms") == 0 || strcmp(optarg, "standard") == 0) {
                o->vcf_standard = optarg[0] == 's';
            } else {
                gbcms_log(GBCMS_LOG_ERROR, "--vcf-fields takes gbcms or standard, not '%s'", optarg);
                ret = GBCMS_CLI_USAGE;
            }
            break;
        case O_THREADS: if (gbcms_parse_int(optarg, name, 0, 4096, &o->threads)) ret = GBCMS_CLI_USAGE; break;
        case O_MAQ: if (gbcms_parse_int(optarg, name, 0, 255, &o->min_mapq)) ret = GBCMS_CLI_USAGE; break;
        case O_BAQ: if (gbcms_parse_int(optarg, name, 0, 255, &o->min_baseq)) ret = GBCMS_CLI_USAGE; break;
        case O_SUPPRESS: if (gbcms_parse_int(optarg, name, 0, INT_MAX, &o->suppress_warning)) ret = GBCMS_CLI_USAGE; break;
        case O_BLOCK_SIZE: if (gbcms_parse_int(optarg, name, 1, INT_MAX, &o->max_block_size)) ret = GBCMS_CLI_USAGE; break;
        case O_BLOCK_DIST: if (gbcms_parse_int(optarg, name, 1, INT_MAX, &o->max_block_dist)) ret = GBCMS_CLI_USAGE; break;
        case O_FDUP: case O_FIMPROPER: case O_FQC: case O_FINDEL: case O_FNONPRIMARY:
        case O_POSITIVE: case O_NEGATIVE: case O_FRAGMENT:
            if (switch_value(argc, argv, name, &v) < 0) { ret = GBCMS_CLI_USAGE; break; }
            if (c == O_FDUP) o->filter_duplicate = v;
            else if (c == O_FIMPROPER) o->filter_improper_pair = v;
            else if (c == O_FQC) o->filter_qc_failed = v;
            else if (c == O_FINDEL) o->filter_indel = v;
            else if (c == O_FNONPRIMARY) o->filter_non_primary = v;
            else if (c == O_POSITIVE) o->positive_count = v;
            else if (c == O_NEGATIVE) o->negative_count = v;
            else o->fragment_count = v;
            break;
        case O_FRACTIONAL: o->fragment_fractional_weight = 1; break;
        case O_GENERIC: o->generic_counting = 1; break;
        case O_MODEL:
            if (strcmp(optarg, "gbcms") == 0) o->model = GBCMS_MODEL_GBCMS;
            else if (strcmp(optarg, "realign") == 0) o->model = GBCMS_MODEL_REALIGN;
            else {
                gbcms_log(GBCMS_LOG_ERROR, "--model takes gbcms or realign, not '%s'", optarg);
                ret = GBCMS_CLI_USAGE;
            }
            break;
        case O_QUIET: o->quiet = 1; break;
        case O_KEEP_GOING: o->keep_going = 1; break;
        case O_HELP: gbcms_cli_help(stdout); return GBCMS_CLI_DONE;
        case O_VERSION: gbcms_cli_version(stdout); return GBCMS_CLI_DONE;
        case ':':
            gbcms_log(GBCMS_LOG_ERROR, "option '%s' needs a value", argv[optind - 1]);
            ret = GBCMS_CLI_USAGE;
            break;
        default:
            gbcms_log(GBCMS_LOG_ERROR, "unknown option '%s'", argv[optind - 1]);
            ret = GBCMS_CLI_USAGE;
            break;
        }
    }
    if (ret != GBCMS_CLI_RUN) return ret;
    if (optind < argc) {
        gbcms_log(GBCMS_LOG_ERROR, "unexpected argument '%s'", argv[optind]);
        return GBCMS_CLI_USAGE;
    }
    if (seen_vcf && seen_maf) {
        gbcms_log(GBCMS_LOG_ERROR, "--vcf and --maf cannot be mixed in one run");
        return GBCMS_CLI_USAGE;
    }
    o->input_is_maf = seen_maf;
    return GBCMS_CLI_RUN;
}

void gbcms_cli_help(FILE *fp)
{
    gbcms_opts_t d;
    gbcms_opts_init(&d);
    fprintf(fp,
"Usage: gbcms count [options] (--vcf FILE | --maf FILE)... --bam [NAME:]PATH... [-o OUT]\n"
"\n"
"Counts, for every variant and every BAM/CRAM, the reads and fragments that\n"
"support the reference and the alternate allele.\n"
"\n"
"Input:\n"
"  --vcf FILE               variants: VCF, bgzipped VCF or BCF (repeatable)\n"
"  --maf FILE               variants: MAF, plain or gzipped (repeatable; needs --fasta)\n"
"  --bam [NAME:]PATH...     one or more BAM/CRAM files; NAME defaults to the SM of\n"
"                           the first @RG, else the file name without extension\n"
"  --bam_fof, --bam-fof F   file listing BAMs: PATH, NAME<TAB>PATH or NAME:PATH a line\n"
"  -f, --fasta FILE         indexed reference; optional for VCF input, required for\n"
"                           MAF input and CRAM\n"
"  -r, --regions CHR[:BEG-END],...\n"
"                           count only the sites whose POS is in these regions [all]\n"
"  -R, --regions-file FILE  the same from a file: CHR, CHR POS or CHR BEG END a line\n"
"                           (1-based), or BED (0-based) when named *.bed[.gz] [all]\n"
"Output:\n"
"  -o, --output FILE        output file [standard output]\n"
"  -O, --output-type v|z|b|u\n"
"                           text, BGZF text, BCF, uncompressed BCF [from the\n"
"                           name: .bcf BCF, .gz/.bgz BGZF, else text]\n"
"  --write-index[=tbi|csi]  index the output beside it (FILE.tbi for BGZF VCF,\n"
"                           FILE.csi for BCF) [off]\n"
"  --format FMT             vcf, fillout, maf or tsv [vcf for VCF input, fillout for MAF]\n"
"  --omaf                   same as --format maf\n"
"  --vcf-fields gbcms|standard\n"
"                           VCF FORMAT: GBCMS's, or DP, AD/ADF/ADR (Number=R),\n"
"                           VAF (Number=A), FRAGDP/FRAGAD [gbcms]\n"
"  --positive_count 0|1     fillout/MAF: strand + counts DPP/RDP/ADP [%d]\n"
"  --negative_count 0|1     fillout/MAF: strand - counts DPN/RDN/ADN [%d]\n"
"  --fragment_count 0|1     fragment counts DPF/RDF/ADF [%d]\n"
"  --fragment_fractional_weight\n"
"                           a fragment whose reads disagree adds 0.5 to RDF and ADF [off]\n"
"Reads:\n"
"  --maq, --min-mapq N      minimum mapping quality [%d]\n"
"  --baq, --min-baseq N     minimum base quality at the deciding base [%d]\n"
"  --filter_duplicate 0|1   drop reads flagged duplicate (0x400) [%d]\n"
"  --filter_improper_pair 0|1\n"
"                           drop reads not flagged proper pair (0x2) [%d]\n"
"  --filter_qc_failed 0|1   drop reads flagged QC-fail (0x200) [%d]\n"
"  --filter_indel 0|1       drop reads with an I or D in the CIGAR [%d]\n"
"  --filter_non_primary 0|1 drop secondary (0x100) and supplementary (0x800) reads [%d]\n"
"  --generic_counting       compare each read's whole allele over the variant [off]\n"
"  --model gbcms|realign    counting rules: GBCMS's, or realign: indels and complex\n"
"                           events by their region on the reference, reads that\n"
"                           need it realigned to both haplotypes (needs --fasta) [gbcms]\n"
"Running:\n"
"  -t, --threads, --thread N\n"
"                           worker threads in total, 0 = all CPUs [%d]\n"
"  --max_block_size N       most variants in one block [%d]\n"
"  --max_block_dist N       longest span of one block in bp [%d]\n"
"  --suppress_warning N     print at most N warnings of each kind [%d]\n"
"  --keep-going             a BAM that cannot be read costs only its sample: one line\n"
"                           each, its cells missing (. or NA), exit status 3 [off]\n"
"  -q, --quiet              print errors only\n"
"  -h, --help               this help\n"
"  --version                versions of gbcms and htslib\n"
"\n"
"Switches also take the modern spelling (--fragment-count, --filter-duplicate=0, ...);\n"
"a modern switch given alone means 1.\n"
"\n"
"Counters: DP (reads), RD (reads with REF), AD (reads with ALT), VF = AD/DP,\n"
"DPP/RDP/ADP on the + strand, DPN/RDN/ADN on the - strand, DPF/RDF/ADF fragments.\n"
"VCF output: FORMAT DP:RD:AD:VF:DPP:DPN:RDP:RDN:ADP:ADN[:DPF:RDF:ADF], one column per\n"
"sample (--vcf-fields standard: DP:AD:ADF:ADR:VAF[:FRAGDP:FRAGAD]).  TSV output:\n"
"one row per variant and sample, one column per counter.\n"
"\n"
"Exit status: 0 success, 1 data or runtime error, 2 usage error, 3 written with\n"
"samples missing (--keep-going).\n",
        d.positive_count, d.negative_count, d.fragment_count, d.min_mapq, d.min_baseq,
        d.filter_duplicate, d.filter_improper_pair, d.filter_qc_failed, d.filter_indel,
        d.filter_non_primary, d.threads, d.max_block_size, d.max_block_dist,
        d.suppress_warning);
}

void gbcms_cli_version(FILE *fp)
{
    fprintf(fp, "gbcms %s%s%s\n", GBCMS_VERSION, GBCMS_GIT_DESCRIBE[0] ? "-" : "", GBCMS_GIT_DESCRIBE);
    fprintf(fp, "htslib %s%s\n", hts_version(),
            (hts_features() & HTS_FEATURE_LIBDEFLATE) ? " (libdeflate)" : "");
}
