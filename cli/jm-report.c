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
#include "kafka_cli.h"
#include "plugin_cli.h"
#include "source_loop.h"

static const char usage_text[] =
    "Usage: jm-report [OPTIONS] [FILE...]\n"
    "Report on applications, jobs and candidates read as NDJSON (or CSV for files ending in\n"
    ".csv) from the files or standard input, e.g. the output of jm-match --passthrough.\n"
    "Prints a terminal report unless --json is given.\n"
    "\n"
    "      --json               print the report as one JSON document (docs/report-schema.md)\n"
    "      --html FILE          also write the report as a self-contained HTML page to FILE (with\n"
    "                           filters); '-' writes the page to standard output instead of the\n"
    "                           terminal report\n"
    "      --watch DURATION     keep reading (follow files as they grow) and render again every\n"
    "                           DURATION (5s, 500ms, 2m; a bare number is seconds; 100ms to 1d):\n"
    "                           the terminal report redraws in place on the alternate screen, the\n"
    "                           page reloads itself until the input ends, --json prints one\n"
    "                           document per line\n"
    "      --audit              add the bias audit by candidate gender, and by gender and\n"
    "                           education level together (intersectional)\n"
    "      --audit-by FIELD     audit by this candidate field too, or by two as FIELD+FIELD\n"
    "                           (repeatable; implies --audit)\n"
    "      --audit-min-share PCT  leave groups under PCT% of the audited applications out of\n"
    "                           the impact ratios (default 2, as NYC Local Law 144 allows)\n"
    "      --width N            terminal report width (60-240; default: the terminal's, else\n"
    "                           COLUMNS, else 80)\n"
    "      --color WHEN         colour the terminal report: auto (default), always or never;\n"
    "                           NO_COLOR in the environment means never\n"
    "      --dedup-window N     distinct application ids remembered exactly (default 65536,\n"
    "                           at most 16777216)\n"
    "      --format FMT         read inputs as ndjson or csv, whatever their names\n"
    "      --errors FILE        append rejected records, unchanged, to FILE\n"
    "      --strict             stop at the first rejected record (exit 1)\n"
    "      --max-record-bytes N reject longer lines or records (default 1048576)\n"
    "      --from-pg[=CONNINFO] read job posts, candidates and applications from PostgreSQL's\n"
    "                           tables instead of files; with --watch, follow rows as they\n"
    "                           are stored\n"
    "      --from NAME[:K=V,...] read records from plugin NAME's source instead of files\n"
    "      --from-kafka         read the three Kafka topics from their beginning instead of\n"
    "                           files (read_committed); with --watch, follow them. See\n"
    "                           docs/KAFKA.md\n" JM_CLI_KAFKA_HELP
    "  -X KEY=VALUE             a librdkafka property, as kcat's -X (TLS, SASL...), or a\n"
    "                           Kafka module option; repeatable\n"
    "  -h, --help               show this help and exit\n"
    "  -V, --version            show versions and exit\n"
    "\n"
    "CONNINFO is a libpq connection string (host=db dbname=jobs) or a postgresql:// URI, given\n"
    "as --from-pg=CONNINFO or as the next argument; without it, and for what it leaves out,\n"
    "libpq's PG* variables and ~/.pgpass, then POSTGRES_HOST, _PORT, _DB, _USER, _PASSWORD\n"
    "(from the environment or ./.env). See docs/POSTGRESQL.md.\n"
    "\n"
    "Exit status: 0 success, 1 a rejected record under --strict, 2 usage error,\n"
    "3 input/output failure. See jm-report(1).\n";

typedef struct run {
    jm_report *rep;
    jm_record *scratch;
    jm_cli_rejects rejects;
    jm_reader *reader; /* of the input being read */
    /* output */
    int json, color, width_set;
    int64_t watch_ms; /* 0: render once */
    int ended;        /* watch mode: no input can bring more */
    unsigned width;
    const char *html; /* "-": standard output */
    int tty, alt_screen;
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

/* A CSV record. An application the report refuses is rejected as the NDJSON path does. */
static int on_record(void *ctx, jm_record **rec, const char *raw, size_t raw_len,
                     unsigned long line)
{
    (void)raw;
    (void)raw_len;
    (void)line;
    run *r = ctx;
    int rc = jm_report_add(r->rep, *rec);
    if (rc == JM_EVALUE || rc == JM_ENOID) {
        jm_error err = {.code = rc};
        snprintf(err.text, sizeof err.text, "%s",
                 rc == JM_EVALUE ? "compatibility_score is outside 0-100"
                                 : "application without application_id or candidate_id");
        return jm_reader_reject(r->reader, &err);
    }
    return rc == JM_ENOMEM ? rc : 0;
}

/* The terminal's columns (rows when rows): its size, else COLUMNS (LINES), else 80 (24). */
static unsigned terminal_size(int rows)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && (rows ? ws.ws_row : ws.ws_col) > 0)
        return rows ? ws.ws_row : ws.ws_col;
    const char *c = jm_cli_env(rows ? "LINES" : "COLUMNS");
    long v = c ? strtol(c, NULL, 10) : 0;
    return v > 0 ? (unsigned)v : rows ? 24 : 80;
}

static int append(jm_buf *b, const char *s, size_t n)
{
    if (jm_buf_reserve(b, n))
        return JM_ENOMEM;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    return 0;
}

/* A watched report on a terminal is drawn like top's: on the alternate screen, from its top
 * left, each line clearing what an earlier frame left to its right, cut to the screen's
 * height, and the rest of the screen cleared. Appends the frame of text to b. */
static int draw_frame(jm_buf *b, const jm_buf *text)
{
    unsigned rows = terminal_size(1), line = 0;
    int rc = append(b, "\033[H", 3);
    size_t i = 0;
    while (rc == 0 && i < text->len && line + 1 < rows) {
        const char *nl = memchr(text->data + i, '\n', text->len - i);
        size_t n = nl ? (size_t)(nl - (text->data + i)) : text->len - i;
        rc = append(b, text->data + i, n);
        if (rc == 0)
            rc = append(b, "\033[K\n", 4);
        i += n + 1;
        line++;
    }
    return rc ? rc : append(b, "\033[J", 3);
}

/* Writes the page whole (outfile.h): a reader never sees a half-written page; "-" is standard
 * output. */
static void write_html(run *r, int64_t now, jm_cli_sink *out)
{
    jm_buf b = {0};
    /* The page reloads itself while more can come, and stops once the input has ended. */
    unsigned refresh = r->watch_ms && !r->ended ? (unsigned)((r->watch_ms + 999) / 1000) : 0;
    if (jm_report_write_html(r->rep, now, refresh, &b)) {
        jm_cli_error("out of memory");
        exit(EXIT_IO);
    }
    if (strcmp(r->html, "-") == 0) {
        jm_cli_sink_put(out, JM_KIND_NONE, b.data, b.len, 0);
        jm_cli_sink_flush(out);
        jm_buf_free(&b);
        return;
    }
    jm_cli_sink o;
    jm_cli_sink_open_as(&o, r->html, JM_CLI_WRITE_WHOLE, 0);
    jm_cli_sink_put(&o, JM_KIND_NONE, b.data, b.len, 0);
    jm_cli_sink_close(&o);
    jm_buf_free(&b);
}

/* Writes the report to out, which stays open for the next render. */
static void render(run *r, jm_cli_sink *out)
{
    int64_t now = jm_cli_now_ms();
    jm_buf b = {0};
    int rc;
    if (r->json) {
        rc = jm_report_write_json(r->rep, now, &b);
    } else if (r->html && strcmp(r->html, "-") == 0) {
        rc = 0; /* the page is the output */
    } else {
        unsigned width = r->width_set ? r->width : terminal_size(0);
        unsigned flags = (r->color ? JM_REPORT_COLOR : 0) | (r->watch_ms ? JM_REPORT_COMPACT : 0);
        rc = 0;
        if (r->alt_screen) {
            jm_buf text = {0};
            rc = jm_report_write_text(r->rep, now, width, flags, &text);
            if (rc == 0)
                rc = draw_frame(&b, &text);
            jm_buf_free(&text);
        } else {
            if (r->watch_ms && r->renders)
                rc = append(&b, "\n", 1);
            if (rc == 0)
                rc = jm_report_write_text(r->rep, now, width, flags, &b);
        }
    }
    if (rc) {
        jm_cli_error("out of memory");
        exit(EXIT_IO);
    }
    jm_cli_sink_put(out, JM_KIND_NONE, b.data, b.len, 0);
    jm_cli_sink_flush(out);
    jm_buf_free(&b);
    if (r->html)
        write_html(r, now, out);
    r->renders++;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads what more has come, until the monotonic clock passes until_ns: *got_any says whether
 * anything came. Returns nonzero while more may come, 0 when nothing can bring more, or the
 * negative code a callback stopped with. With whole_files, a regular file is read to its present
 * end whatever the clock says. */
typedef int (*pump_fn)(void *ctx, int64_t until_ns, int whole_files, int *got_any);

/* Files, followed as they grow; a pipe's end ends its input. */
static int pump_files(void *ctx, int64_t until_ns, int whole_files, int *got_any)
{
    int open_inputs = jm_cli_inputs_follow(ctx, until_ns, whole_files, got_any);
    if (open_inputs > 0 && !*got_any) {
        int64_t wait = until_ns / 1000000 - mono_ms();
        if (wait > 200)
            wait = 200; /* files give no wake-up, so look again soon */
        if (wait > 0) {
            struct timespec ts = {(time_t)(wait / 1000), (long)(wait % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    return open_inputs;
}

/* A plugin's source, which waits for messages itself. */
static int pump_source(void *ctx, int64_t until_ns, int whole_files, int *got_any)
{
    (void)whole_files;
    return jm_cli_source_loop_run(ctx, until_ns, got_any);
}

/* Reads as data arrives and renders every watch_ms. Stops on a signal or when nothing
 * can bring more. */
static void run_watch(run *r, pump_fn pump, void *in, jm_cli_sink *out)
{
    int64_t next = mono_ms();
    for (;;) {
        int got_any;
        /* Before the first render a file is read to its end, so that frame is complete. */
        int open_inputs = pump(in, next * 1000000, r->renders == 0, &got_any);
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
            next = now + r->watch_ms;
        }
        if (stop_signal || !open_inputs) {
            r->ended = !open_inputs;
            if (r->renders == 0 || !open_inputs || got_any)
                render(r, out);
            return;
        }
    }
}

/* Between messages of a source: the dead letters go out. Nothing is committed: a report
 * consumes nothing. */
static void source_checkpoint(void *ctx)
{
    jm_cli_rejects_flush(&((run *)ctx)->rejects);
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
    OPT_MAX_RECORD,
    OPT_AUDIT_MIN_SHARE,
    OPT_FROM_PG,
    OPT_FROM,
    OPT_FROM_KAFKA
};

static const struct option options[] = {
    {"json", no_argument, NULL, OPT_JSON},
    {"html", required_argument, NULL, OPT_HTML},
    {"watch", required_argument, NULL, OPT_WATCH},
    {"audit", no_argument, NULL, OPT_AUDIT},
    {"audit-by", required_argument, NULL, OPT_AUDIT_BY},
    {"audit-min-share", required_argument, NULL, OPT_AUDIT_MIN_SHARE},
    {"width", required_argument, NULL, OPT_WIDTH},
    {"color", required_argument, NULL, OPT_COLOR},
    {"dedup-window", required_argument, NULL, OPT_DEDUP},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"errors", required_argument, NULL, OPT_ERRORS},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"max-record-bytes", required_argument, NULL, OPT_MAX_RECORD},
    {"from-pg", optional_argument, NULL, OPT_FROM_PG},
    {"from", required_argument, NULL, OPT_FROM},
    {"from-kafka", no_argument, NULL, OPT_FROM_KAFKA},
    JM_CLI_KAFKA_LONG_OPTIONS,
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
    double min_share = -1;
    long long dedup = 0;
    size_t max_record = 0;
    /* plugins: --from-pg takes an optional CONNINFO (NULL: the defaults) */
    const char *from = NULL, *from_pg = NULL;
    int want_from_pg = 0;
    jm_cli_kafka kafka = {.option = "--from-kafka"};

    int c;
    while ((c = getopt_long(argc, argv, "hV" JM_CLI_KAFKA_SHORT_OPTIONS, options, NULL)) != -1) {
        if (jm_cli_kafka_option(&kafka, c, optarg))
            continue;
        switch (c) {
        case OPT_JSON: r.json = 1; break;
        case OPT_HTML: r.html = optarg; break;
        case OPT_WATCH:
            r.watch_ms = jm_cli_duration("--watch", optarg);
            if (r.watch_ms < 100 || r.watch_ms > 86400000)
                jm_cli_usage("--watch: '%s' is not between 100ms and 1d", optarg);
            break;
        case OPT_AUDIT: audit = 1; break;
        case OPT_AUDIT_MIN_SHARE:
            min_share = jm_cli_number("--audit-min-share", optarg, 0, 99.999) / 100;
            break;
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
        case OPT_DEDUP:
            dedup =
                jm_cli_integer("--dedup-window", optarg, 1, (long long)JM_REPORT_MAX_DEDUP_WINDOW);
            break;
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
        case OPT_FROM_PG:
            want_from_pg = 1;
            from_pg = jm_cli_conninfo_arg(argc, argv);
            break;
        case OPT_FROM: from = optarg; break;
        case OPT_FROM_KAFKA: kafka.on = 1; break;
        case 'h': fputs(usage_text, stdout); return 0;
        case 'V': jm_cli_version(); return 0;
        default: fprintf(stderr, "Try '%s --help'\n", jm_cli_tool); return EXIT_USAGE;
        }
    }
    if ((from != NULL) + want_from_pg + kafka.on > 1)
        jm_cli_usage("--from, --from-pg and --from-kafka do not go together");
    const char *source = from           ? "--from"
                         : want_from_pg ? "--from-pg"
                         : kafka.on     ? "--from-kafka"
                                        : NULL;
    if (source && optind < argc)
        jm_cli_usage("%s reads no FILE arguments ('%s')", source, argv[optind]);
    jm_cli_kafka_check(&kafka, "--from-kafka");

    jm_error err;
    r.rep = jm_report_new(&err);
    r.scratch = r.rep ? jm_record_new(JM_KIND_NONE, &err) : NULL;
    if (!r.rep || !r.scratch) {
        jm_cli_error("%s", err.text);
        return EXIT_IO;
    }
    if (r.html)
        jm_report_set_drilldown(r.rep, 1); /* the page's filter */
    if (dedup && jm_report_set_dedup_window(r.rep, (size_t)dedup))
        jm_cli_usage("--dedup-window: '%lld' is not valid", dedup);
    /* Gender is always audited first; --audit-by adds fields. */
    if (audit && (jm_report_audit_by(r.rep, "gender") ||
                  jm_report_audit_by(r.rep, "gender+education_level")))
        jm_cli_usage("--audit: cannot audit by gender");
    if (min_share >= 0)
        jm_report_set_audit_min_share(r.rep, min_share);
    if (r.json && r.html && strcmp(r.html, "-") == 0)
        jm_cli_usage("--json and --html - cannot both write to standard output");
    for (int i = 0; i < naudit; i++) {
        if (jm_field_lookup(JM_KIND_CANDIDATE, audit_by[i], strlen(audit_by[i])) ==
                JM_FIELD_GENDER ||
            strcmp(audit_by[i], "gender+education_level") == 0)
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
    /* --html - is standard output itself, the page instead of the report. */
    int html_is_stdout = r.html && strcmp(r.html, "-") == 0;
    jm_cli_named files[] = {
        {"standard output", "-"}, {"--html", html_is_stdout ? NULL : r.html}, {"--errors", errors}};
    jm_cli_check_files(files, 3, argv + optind, argc - optind);
    jm_cli_rejects_open(&r.rejects, errors, strict);
    r.alt_screen = r.watch_ms && r.tty && !r.json && !(r.html && strcmp(r.html, "-") == 0);
    if (r.watch_ms) {
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
        .current_reader = &r.reader,
    };
    jm_cli_plugin_in src = {0};
    if (from) {
        jm_cli_plugin_source_open(&src, "--from", from);
    } else if (want_from_pg) {
        jm_plugin_option opt[3];
        size_t n = jm_cli_conninfo_option(opt, from_pg);
        opt[n++] = (jm_plugin_option){"kinds", "job_post+candidate+application"};
        if (r.watch_ms)
            opt[n++] = (jm_plugin_option){"follow", "1"};
        jm_cli_plugin_source_open_with(&src, "--from-pg", JM_CLI_PG_PLUGIN, opt, n);
    } else if (kafka.on) {
        jm_plugin_option opt[2] = {{"report", "1"}, {"follow", "1"}};
        jm_cli_kafka_source_open(&kafka, &src, opt, r.watch_ms ? 2 : 1);
    }
    jm_cli_sink out;
    jm_cli_sink_open(&out, NULL);
    int rc = 0;
    if (r.alt_screen) {
        jm_cli_sink_put(&out, JM_KIND_NONE, "\033[?1049h", 8, 0);
        jm_cli_sink_flush(&out);
    }
    if (src.source) {
        jm_cli_source_loop *l =
            jm_cli_source_loop_new(src.source, src.option, &ops, source_checkpoint, 0);
        if (r.watch_ms) {
            run_watch(&r, pump_source, l, &out);
        } else {
            rc = jm_cli_source_loop_run(l, -1, NULL);
            if (rc == 0)
                render(&r, &out);
        }
        jm_cli_source_loop_end(l);
        jm_cli_plugin_source_close(&src);
    } else if (r.watch_ms) {
        jm_cli_inputs *in = jm_cli_inputs_open(argv + optind, argc - optind, &ops);
        run_watch(&r, pump_files, in, &out);
        jm_cli_inputs_close(in);
    } else {
        rc = jm_cli_read_inputs(argv + optind, argc - optind, &ops);
        if (rc == 0)
            render(&r, &out);
    }
    if (r.alt_screen) {
        /* Back to the normal screen, where the last frame is printed once more to stay. */
        jm_cli_sink_put(&out, JM_KIND_NONE, "\033[?1049l", 8, 0);
        r.alt_screen = 0;
        render(&r, &out);
    }
    jm_cli_sink_close(&out);
    jm_cli_rejects_close(&r.rejects);
    jm_cli_kafka_free(&kafka);
    /* jm-match's output alone holds applications only: say in one line what is missing. */
    uint64_t apps = jm_report_count(r.rep, JM_KIND_APPLICATION);
    uint64_t jobs = jm_report_count(r.rep, JM_KIND_JOB_POST);
    uint64_t cands = jm_report_count(r.rep, JM_KIND_CANDIDATE);
    if (apps && (!jobs || !cands))
        jm_cli_error("%llu application%s but no %s in the input, so titles, names and their "
                     "charts are empty: add them with 'jm-match --passthrough JOBS CANDIDATES | "
                     "jm-report', or 'jm-report JOBS CANDIDATES -'",
                     (unsigned long long)apps, apps == 1 ? "" : "s",
                     !jobs && !cands ? "job posts or candidates"
                     : !jobs         ? "job posts"
                                     : "candidates");
    if (rc == JM_ENOMEM) {
        jm_cli_error("out of memory");
        return EXIT_IO;
    }
    jm_report_free(r.rep);
    jm_record_free(r.scratch);
    return r.rejects.failed_strict ? EXIT_BAD_RECORDS : 0;
}
