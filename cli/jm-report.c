/* jm-report: analytics of applications, jobs and candidates as a terminal report, JSON or an
 * HTML page, once or live (--watch). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

static const char usage_text[] =
    "Usage: jm-report [OPTIONS] [FILE...]\n"
    "Report on applications, jobs and candidates read as NDJSON (or CSV for files ending in\n"
    ".csv) from the files or standard input, e.g. the output of jm-match --passthrough.\n"
    "Prints a terminal report unless --json is given.\n"
    "\n"
    "      --json               print the report as one JSON document (docs/report-schema.md)\n"
    "      --html FILE          also write the report as a self-contained HTML page to FILE\n"
    "      --watch SECONDS      keep reading (follow files as they grow) and render again every\n"
    "                           SECONDS: the terminal redraws in place, the page reloads itself,\n"
    "                           --json prints one document per line\n"
    "      --audit              add the bias audit by candidate gender\n"
    "      --audit-by FIELD     audit by this candidate field too (repeatable; implies --audit)\n"
    "      --width N            terminal report width (default: the terminal's, else 80)\n"
    "      --color WHEN         colour the terminal report: auto (default), always or never;\n"
    "                           NO_COLOR in the environment means never\n"
    "      --dedup-window N     distinct application ids remembered exactly (default 65536)\n"
    "      --format FMT         read inputs as ndjson or csv, whatever their names\n"
    "      --errors FILE        append rejected records, unchanged, to FILE\n"
    "      --strict             stop at the first rejected record (exit 1)\n"
    "      --max-record-bytes N reject longer lines or records (default 1048576)\n"
    "  -h, --help               show this help and exit\n"
    "  -V, --version            show versions and exit\n"
    "\n"
    "Exit status: 0 success, 1 a rejected record under --strict, 2 usage error,\n"
    "3 input/output failure. See jm-report(1).\n";

typedef struct run {
    jm_report *rep;
    jm_record *scratch;
    jm_cli_rejects rejects;
    /* output */
    int json, watch_s, color, width_set;
    unsigned width;
    const char *html;
    int tty;
    unsigned long renders;
} run;

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static int on_reject(void *ctx, const jm_error *err, const char *raw, size_t raw_len)
{
    run *r = ctx;
    jm_report_count_reject(r->rep); /* the report shows them */
    return jm_cli_reject(&r->rejects, err, raw, raw_len);
}

static int on_reject_part(void *ctx, const char *part, size_t len)
{
    return jm_cli_reject_part(&((run *)ctx)->rejects, part, len);
}

/* An NDJSON line, framed by the reader: the fast scanner reads applications in jm-match's
 * shape, anything else is parsed. */
static int on_line(void *ctx, jm_reader *rd, const char *text, size_t len, unsigned long line)
{
    (void)line;
    run *r = ctx;
    jm_error err = {0};
    int rc = jm_report_add_ndjson(r->rep, text, len, r->scratch, &err);
    if (rc == 0 || rc == JM_EDUP)
        return 0;
    if (rc == JM_ENOMEM)
        return rc;
    if (!err.text[0])
        snprintf(err.text, sizeof err.text, "%s", jm_strerror(rc));
    err.code = rc;
    return jm_reader_reject(rd, &err);
}

/* A CSV record. */
static int on_record(void *ctx, jm_record **rec, const char *raw, size_t raw_len,
                     unsigned long line)
{
    (void)raw;
    (void)raw_len;
    (void)line;
    run *r = ctx;
    int rc = jm_report_add(r->rep, *rec);
    return rc == JM_ENOMEM ? rc : 0;
}

static unsigned terminal_width(void)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *c = jm_cli_env("COLUMNS");
    long v = c ? strtol(c, NULL, 10) : 0;
    return v > 0 ? (unsigned)v : 80;
}

/* Writes the page whole (outfile.h): a reader never sees a half-written page. */
static void write_html(run *r, int64_t now)
{
    jm_buf b = {0};
    if (jm_report_write_html(r->rep, now, r->watch_s > 0 ? (unsigned)r->watch_s : 0, &b)) {
        jm_cli_error("out of memory");
        exit(EXIT_IO);
    }
    jm_cli_sink o;
    jm_cli_sink_open_as(&o, r->html, JM_CLI_WRITE_WHOLE, 0);
    jm_cli_sink_put(&o, JM_KIND_NONE, b.data, b.len, 0);
    jm_cli_sink_close(&o);
    jm_buf_free(&b);
}

static int append(jm_buf *b, const char *s, size_t n)
{
    if (jm_buf_reserve(b, n))
        return JM_ENOMEM;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    return 0;
}

/* Writes the report to out, which stays open for the next render. */
static void render(run *r, jm_cli_sink *out)
{
    int64_t now = jm_cli_now_ms();
    jm_buf b = {0};
    int rc;
    if (r->json) {
        rc = jm_report_write_json(r->rep, now, &b);
    } else {
        unsigned width = r->width_set ? r->width : terminal_width();
        unsigned flags = (r->color ? JM_REPORT_COLOR : 0) | (r->watch_s ? JM_REPORT_COMPACT : 0);
        /* Redraw in place: home, clear, then the report. */
        rc = 0;
        if (r->watch_s && r->tty)
            rc = append(&b, "\033[H\033[2J", 7);
        else if (r->watch_s && r->renders)
            rc = append(&b, "\n", 1);
        if (rc == 0)
            rc = jm_report_write_text(r->rep, now, width, flags, &b);
    }
    if (rc) {
        jm_cli_error("out of memory");
        exit(EXIT_IO);
    }
    jm_cli_sink_put(out, JM_KIND_NONE, b.data, b.len, 0);
    jm_cli_sink_flush(out);
    jm_buf_free(&b);
    if (r->html)
        write_html(r, now);
    r->renders++;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads as data arrives and renders every watch_s seconds. Files are followed as they grow;
 * a pipe's end ends its input. Stops on a signal or when no input can bring more. */
static void run_watch(run *r, jm_cli_inputs *in, jm_cli_sink *out)
{
    int64_t next = mono_ms();
    for (;;) {
        int got_any;
        int open_inputs = jm_cli_inputs_follow(in, next * 1000000, &got_any);
        if (open_inputs < 0) {
            if (open_inputs == JM_ENOMEM) {
                jm_cli_error("out of memory");
                exit(EXIT_IO);
            }
            return; /* stopped under --strict */
        }
        int64_t now = mono_ms();
        if (now >= next) {
            render(r, out);
            next = now + (int64_t)r->watch_s * 1000;
        }
        if (stop_signal || !open_inputs) {
            if (r->renders == 0 || !open_inputs || got_any)
                render(r, out);
            return;
        }
        if (!got_any) {
            int64_t wait = next - mono_ms();
            if (wait > 200)
                wait = 200; /* files give no wake-up, so look again soon */
            if (wait > 0) {
                struct timespec ts = {(time_t)(wait / 1000), (long)(wait % 1000) * 1000000L};
                nanosleep(&ts, NULL);
            }
        }
    }
}

enum {
    OPT_JSON = 256,
    OPT_HTML,
    OPT_WATCH,
    OPT_AUDIT,
    OPT_AUDIT_BY,
    OPT_WIDTH,
    OPT_COLOR,
    OPT_DEDUP,
    OPT_FORMAT,
    OPT_ERRORS,
    OPT_STRICT,
    OPT_MAX_RECORD
};

static const struct option options[] = {
    {"json", no_argument, NULL, OPT_JSON},
    {"html", required_argument, NULL, OPT_HTML},
    {"watch", required_argument, NULL, OPT_WATCH},
    {"audit", no_argument, NULL, OPT_AUDIT},
    {"audit-by", required_argument, NULL, OPT_AUDIT_BY},
    {"width", required_argument, NULL, OPT_WIDTH},
    {"color", required_argument, NULL, OPT_COLOR},
    {"dedup-window", required_argument, NULL, OPT_DEDUP},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"errors", required_argument, NULL, OPT_ERRORS},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"max-record-bytes", required_argument, NULL, OPT_MAX_RECORD},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

int main(int argc, char **argv)
{
    jm_cli_start("jm-report", argv);
    run r = {0};
    const char *errors = NULL, *format = NULL, *color = "auto";
    const char *audit_by[JM_REPORT_MAX_AUDIT_FIELDS];
    int naudit = 0, audit = 0, strict = 0;
    long long dedup = 0;
    size_t max_record = 0;

    int c;
    while ((c = getopt_long(argc, argv, "hV", options, NULL)) != -1) {
        switch (c) {
        case OPT_JSON: r.json = 1; break;
        case OPT_HTML: r.html = optarg; break;
        case OPT_WATCH: r.watch_s = (int)jm_cli_integer("--watch", optarg, 1, 86400); break;
        case OPT_AUDIT: audit = 1; break;
        case OPT_AUDIT_BY:
            if (naudit == JM_REPORT_MAX_AUDIT_FIELDS)
                jm_cli_usage("--audit-by: at most %d fields", JM_REPORT_MAX_AUDIT_FIELDS);
            audit_by[naudit++] = optarg;
            audit = 1;
            break;
        case OPT_WIDTH:
            r.width = (unsigned)jm_cli_integer("--width", optarg, 60, 240);
            r.width_set = 1;
            break;
        case OPT_COLOR:
            if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never"))
                jm_cli_usage("--color: '%s' is not auto, always or never", optarg);
            color = optarg;
            break;
        case OPT_DEDUP: dedup = jm_cli_integer("--dedup-window", optarg, 1, 1LL << 32); break;
        case OPT_FORMAT:
            if (strcmp(optarg, "ndjson") && strcmp(optarg, "csv"))
                jm_cli_usage("--format: '%s' is not ndjson or csv", optarg);
            format = optarg;
            break;
        case OPT_ERRORS: errors = optarg; break;
        case OPT_STRICT: strict = 1; break;
        case OPT_MAX_RECORD:
            max_record = (size_t)jm_cli_integer("--max-record-bytes", optarg, 16, 1LL << 40);
            break;
        case 'h': fputs(usage_text, stdout); return 0;
        case 'V': jm_cli_version(); return 0;
        default: fprintf(stderr, "Try '%s --help'\n", jm_cli_tool); return EXIT_USAGE;
        }
    }

    jm_error err;
    r.rep = jm_report_new(&err);
    r.scratch = r.rep ? jm_record_new(JM_KIND_NONE, &err) : NULL;
    if (!r.rep || !r.scratch) {
        jm_cli_error("%s", err.text);
        return EXIT_IO;
    }
    if (dedup && jm_report_set_dedup_window(r.rep, (size_t)dedup))
        jm_cli_usage("--dedup-window: '%lld' is not valid", dedup);
    /* Gender is always audited first; --audit-by adds fields. */
    if (audit && jm_report_audit_by(r.rep, "gender"))
        jm_cli_usage("--audit: cannot audit by gender");
    for (int i = 0; i < naudit; i++) {
        if (jm_field_lookup(JM_KIND_CANDIDATE, audit_by[i], strlen(audit_by[i])) == JM_FIELD_GENDER)
            continue;
        if (jm_report_audit_by(r.rep, audit_by[i]))
            jm_cli_usage("--audit-by: '%s' is not a candidate text or whole-number field",
                         audit_by[i]);
    }
    r.tty = isatty(STDOUT_FILENO);
    const char *term = jm_cli_env("TERM");
    r.color = strcmp(color, "always") == 0 ||
              (strcmp(color, "auto") == 0 && r.tty && !jm_cli_env("NO_COLOR") &&
               !(term && strcmp(term, "dumb") == 0));
    if (jm_cli_env("NO_COLOR"))
        r.color = 0; /* never with NO_COLOR, whatever --color says */
    jm_cli_named files[] = {{"standard output", "-"}, {"--html", r.html}, {"--errors", errors}};
    jm_cli_check_files(files, 3, argv + optind, argc - optind);
    jm_cli_rejects_open(&r.rejects, errors, strict);
    if (r.watch_s) {
        struct sigaction sa = {0};
        sa.sa_handler = on_signal;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
    }

    jm_cli_input_ops ops = {
        .on_record = on_record,
        .on_reject = on_reject,
        .on_reject_part = on_reject_part,
        .rejects = &r.rejects,
        .on_line = on_line,
        .ctx = &r,
        .format_option = format,
        .max_record_bytes = max_record,
        .stop = &stop_signal,
    };
    jm_cli_sink out;
    jm_cli_sink_open(&out, NULL);
    int rc = 0;
    if (r.watch_s) {
        jm_cli_inputs *in = jm_cli_inputs_open(argv + optind, argc - optind, &ops);
        run_watch(&r, in, &out);
        jm_cli_inputs_close(in);
    } else {
        rc = jm_cli_read_inputs(argv + optind, argc - optind, &ops);
        if (rc == 0)
            render(&r, &out);
    }
    jm_cli_sink_close(&out);
    jm_cli_rejects_close(&r.rejects);
    if (rc == JM_ENOMEM) {
        jm_cli_error("out of memory");
        return EXIT_IO;
    }
    jm_report_free(r.rep);
    jm_record_free(r.scratch);
    return r.rejects.failed_strict ? EXIT_BAD_RECORDS : 0;
}
