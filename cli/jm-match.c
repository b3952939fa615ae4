/* jm-match: matches candidates to jobs from NDJSON or CSV and writes applications as NDJSON. */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "kafka_cli.h"
#include "plugin_cli.h"
#include "read_ahead.h"
#include "source_loop.h"

static const char usage_text[] =
    "Usage: jm-match [OPTIONS] [FILE...]\n"
    "Match candidates to jobs. Reads job posts and candidates (NDJSON, or CSV for files ending\n"
    "in .csv) from the files or standard input, in any order, and writes one application per\n"
    "line as NDJSON.\n"
    "\n"
    "  -o, --output FILE        write applications to FILE instead of standard output\n"
    "      --pg[=CONNINFO]      also upsert the applications into PostgreSQL (see below)\n"
    "      --to NAME[:K=V,...]  also send the applications to plugin NAME's sink\n"
    "      --from-pg[=CONNINFO] read job posts and candidates from PostgreSQL's tables, in\n"
    "                           event-time order, instead of files\n"
    "      --follow             with --from-pg: then keep reading rows as they are stored,\n"
    "                           until SIGINT or SIGTERM (exit 0)\n"
    "      --from NAME[:K=V,...] read records from plugin NAME's source instead of files\n"
    "      --kafka              read from Kafka instead of files: candidates (candidate_info)\n"
    "                           as consumer group --group, every job post (job_posts) in\n"
    "                           every instance; produce the applications to job_applications\n"
    "                           keyed by candidate_id, besides the outputs above. Runs until\n"
    "                           SIGINT or SIGTERM (exit 0). See docs/KAFKA.md\n"
    "      --group NAME         with --kafka: the consumer group the instances "
    "share\n" JM_CLI_KAFKA_HELP "      --transactional-id ID\n"
    "                           consume, match and produce in Kafka transactions with this id\n"
    "                           (one per instance, the same after a restart): a read_committed\n"
    "                           reader sees each application once\n"
    "  -X KEY=VALUE             a librdkafka property, as kcat's -X (TLS, SASL, linger.ms...),\n"
    "                           or a Kafka module option; repeatable\n"
    "      --format FMT         read inputs as ndjson or csv, whatever their names\n"
    "      --min-score N        emit pairs scoring at least N (0-100; default 30)\n"
    "      --weights LIST       component weights summing to 100, e.g. category=30,skills=30,\n"
    "                           experience=20,seniority=10,salary=10 (the default)\n"
    "      --seed N             seed of the status draws (default 0)\n"
    "      --top K              apply a candidate only to the K best jobs seen so far\n"
    "      --state-ttl DUR      drop records this far behind the watermark (default 7d; 0 keeps "
    "all)\n"
    "      --lateness DUR       allowed lateness behind the newest event (default 2m)\n"
    "      --expire-jobs        drop a job from state once its deadline has passed\n"
    "      --max-future DUR     reject a timestamp more than DUR ahead of the clock and of the\n"
    "                           newest event time so far (default 1d; 0: no bound)\n"
    "      --max-state N        hold at most N records; the oldest leave first (default: no\n"
    "                           bound)\n"
    "      --passthrough        copy every input record to the output too\n"
    "      --errors FILE        append rejected records, unchanged, to FILE\n"
    "      --strict             stop at the first rejected record (exit 1)\n"
    "      --max-record-bytes N reject longer lines or records (default 1048576)\n"
    "      --threads N          read, score and write on N threads (1-256; default: the\n"
    "                           processors online); the output is the same for any N\n"
    "      --stats              print the counters as one JSON line on standard error\n"
    "  -h, --help               show this help and exit\n"
    "  -V, --version            show versions and exit\n"
    "\n"
    "Progress is shown on standard error when it is a terminal.\n"
    "\n"
    "CONNINFO is a libpq connection string (host=db dbname=jobs) or a postgresql:// URI, given\n"
    "as --pg=CONNINFO or as the next argument; without it, and for what it leaves out, libpq's\n"
    "PG* variables and ~/.pgpass, then POSTGRES_HOST, _PORT, _DB, _USER, _PASSWORD (from the\n"
    "environment or ./.env). A source is committed only once the outputs hold what came of it.\n"
    "See docs/POSTGRESQL.md.\n"
    "\n"
    "DUR is a number with a unit: ms, s, m, h or d (seconds when none).\n"
    "Exit status: 0 success, 1 a rejected record under --strict, 2 usage error,\n"
    "3 input/output failure. See jm-match(1).\n";

/* --threads: past the processors a machine has, threads only take turns. */
enum { MAX_THREADS = 256 };

typedef struct run {
    jm_matcher *matcher;
    jm_cli_sink out;
    jm_cli_rejects rejects;
    int passthrough;
    uint64_t read, applications_in;
    int64_t read_time_ms;
    jm_cli_progress progress;
    jm_format format;       /* of the input being read */
    jm_buf csv_line;        /* a CSV row written as NDJSON, for --passthrough */
    jm_reader *reader;      /* of the input being read */
    const char *max_future; /* --max-future as given, for messages */
} run;

/* A block of whole application lines, in output order. */
static int on_applications(void *ctx, const char *ndjson, size_t len)
{
    run *r = ctx;
    jm_cli_sink_put(&r->out, JM_KIND_APPLICATION, ndjson, len, JM_SINK_MSG_LINES);
    return 0;
}

static int on_record(void *ctx, jm_record **rec, const char *raw, size_t raw_len,
                     unsigned long line)
{
    (void)line;
    run *r = ctx;
    r->read++;
    if (r->passthrough) {
        /* NDJSON passes through unchanged; CSV rows are written as NDJSON. */
        if (r->format == JM_FORMAT_NDJSON) {
            jm_cli_sink_put_line(&r->out, *rec, raw, raw_len);
        } else {
            r->csv_line.len = 0;
            if (jm_write_ndjson(*rec, &r->csv_line))
                return JM_ENOMEM;
            jm_cli_sink_put_record(&r->out, *rec, r->csv_line.data, r->csv_line.len);
        }
    }
    if (jm_record_kind(*rec) == JM_KIND_APPLICATION) {
        r->applications_in++;
        return 0; /* the reader keeps it */
    }
    /* The matcher takes the record, whatever it returns: *rec is NULL after the call. */
    int64_t ts = jm_record_integer(*rec, JM_FIELD_TIMESTAMP);
    int rc = jm_matcher_add_take(r->matcher, rec, r->read_time_ms);
    if (rc == JM_EDUP || rc == JM_EKIND || rc == JM_ENOID)
        return 0; /* counted by the matcher */
    if (rc == JM_EVALUE) {
        jm_error err = {.code = rc};
        char t[JM_TIME_BUF];
        jm_time_format(ts, t);
        snprintf(err.text, sizeof err.text,
                 "timestamp %s is more than %s ahead of the clock and of the newest event time "
                 "(--max-future)",
                 t, r->max_future);
        return jm_cli_reject_record(r->reader, &err);
    }
    return rc;
}

static int on_reject(void *ctx, const jm_error *err, const char *raw, size_t raw_len)
{
    return jm_cli_reject(&((run *)ctx)->rejects, err, raw, raw_len);
}

static int on_reject_part(void *ctx, const char *part, size_t len)
{
    return jm_cli_reject_part(&((run *)ctx)->rejects, part, len);
}

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static void show_progress(run *r);

/* Before a source is committed: everything that came of its messages is durable. */
static void checkpoint(void *ctx)
{
    run *r = ctx;
    jm_cli_sink_sync(&r->out);
    jm_cli_rejects_sync(&r->rejects);
    r->read_time_ms = jm_cli_now_ms();
    if (jm_cli_progress_tick(&r->progress))
        show_progress(r);
}

/* Reads the plugin source in until it ends or a signal asks to stop; 0 or a callback's code. */
static int read_source(run *r, jm_cli_plugin_in *in, jm_cli_input_ops *ops)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_signal; /* no SA_RESTART: a wait ends at once */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    ops->stop = &stop_signal;
    r->read_time_ms = jm_cli_now_ms();
    jm_cli_source_loop *l = jm_cli_source_loop_new(in->source, in->option, ops, checkpoint, 1);
    int rc = jm_cli_source_loop_run(l, -1, NULL);
    jm_cli_source_loop_end(l);
    return rc;
}

static void show_progress(run *r)
{
    jm_matcher_stats st = {.struct_size = sizeof st};
    jm_matcher_get_stats(r->matcher, &st);
    double secs = jm_cli_progress_seconds(&r->progress);
    fprintf(stderr, "\rjm-match: %" PRIu64 " records, %" PRIu64 " applications, %.0f records/s  ",
            r->read, st.applications, secs > 0 ? (double)r->read / secs : 0.0);
}

static void before_read(void *ctx)
{
    run *r = ctx;
    /* Whatever is matched reaches the reader before we wait for more input. */
    jm_cli_sink_flush(&r->out);
    jm_cli_rejects_flush(&r->rejects);
    r->read_time_ms = jm_cli_now_ms();
    if (jm_cli_progress_tick(&r->progress))
        show_progress(r);
}

enum {
    OPT_FORMAT = 256,
    OPT_MIN_SCORE,
    OPT_WEIGHTS,
    OPT_SEED,
    OPT_TOP,
    OPT_TTL,
    OPT_LATENESS,
    OPT_EXPIRE,
    OPT_MAX_FUTURE,
    OPT_MAX_STATE,
    OPT_PASSTHROUGH,
    OPT_ERRORS,
    OPT_STRICT,
    OPT_MAX_RECORD,
    OPT_STATS,
    OPT_THREADS,
    OPT_PG,
    OPT_TO,
    OPT_FROM_PG,
    OPT_FOLLOW,
    OPT_FROM,
    OPT_KAFKA
};

static const struct option options[] = {
    {"output", required_argument, NULL, 'o'},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"min-score", required_argument, NULL, OPT_MIN_SCORE},
    {"weights", required_argument, NULL, OPT_WEIGHTS},
    {"seed", required_argument, NULL, OPT_SEED},
    {"top", required_argument, NULL, OPT_TOP},
    {"state-ttl", required_argument, NULL, OPT_TTL},
    {"lateness", required_argument, NULL, OPT_LATENESS},
    {"expire-jobs", no_argument, NULL, OPT_EXPIRE},
    {"max-future", required_argument, NULL, OPT_MAX_FUTURE},
    {"max-state", required_argument, NULL, OPT_MAX_STATE},
    {"passthrough", no_argument, NULL, OPT_PASSTHROUGH},
    {"errors", required_argument, NULL, OPT_ERRORS},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"max-record-bytes", required_argument, NULL, OPT_MAX_RECORD},
    {"stats", no_argument, NULL, OPT_STATS},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"pg", optional_argument, NULL, OPT_PG},
    {"to", required_argument, NULL, OPT_TO},
    {"from-pg", optional_argument, NULL, OPT_FROM_PG},
    {"follow", no_argument, NULL, OPT_FOLLOW},
    {"from", required_argument, NULL, OPT_FROM},
    {"kafka", no_argument, NULL, OPT_KAFKA},
    JM_CLI_KAFKA_LONG_OPTIONS,
    JM_CLI_KAFKA_TXN_OPTION,
    JM_CLI_KAFKA_GROUP_OPTION,
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* --weights over the defaults. Their sum must be 100: a score is clamped to 100 (SPEC
 * "Scoring"), so weights summing to 500 would make every joined pair score alike. */
static void parse_weights(const char *spec, jm_weights *w)
{
    jm_error err;
    if (jm_weights_parse_err(spec, w, &err))
        jm_cli_usage("--weights: '%s': %s", spec, err.text);
    double sum = 0;
    char now[256];
    size_t n = 0;
    for (int c = 0; c < JM_COMPONENT_COUNT; c++) {
        sum += w->weight[c];
        int k = snprintf(now + n, sizeof now - n, "%s%s=%g", c ? "," : "", jm_component_name(c),
                         w->weight[c]);
        if (k > 0 && (size_t)k < sizeof now - n)
            n += (size_t)k;
    }
    if (fabs(sum - 100) > 1e-9)
        jm_cli_usage("--weights: '%s': the weights sum to %g, not 100 (%s)", spec, sum, now);
}

int main(int argc, char **argv)
{
    jm_cli_start("jm-match", argv);
    jm_matcher_options mo;
    jm_matcher_options_init(&mo);
    /* A day: a jump ahead of the clock of more than that is a broken clock, not a market. A
     * synthetic market that runs ahead of the clock (jm-gen's steps are hours) carries the bound
     * along; one that starts in the future needs a larger DUR or 0. */
    mo.max_future_ms = 86400000;
    run r = {.max_future = "1d"};
    const char *output = NULL, *errors = NULL, *format = NULL;
    int strict = 0;
    int stats = 0;
    /* plugins: --pg and --from-pg take an optional CONNINFO (NULL: the defaults) */
    const char *to = NULL, *from = NULL, *pg = NULL, *from_pg = NULL;
    int want_pg = 0, want_from_pg = 0, follow = 0;
    size_t max_record = 0;
    jm_cli_kafka kafka = {.option = "--kafka"};

    int c;
    while ((c = getopt_long(argc, argv, "o:hV" JM_CLI_KAFKA_SHORT_OPTIONS, options, NULL)) != -1) {
        if (jm_cli_kafka_option(&kafka, c, optarg))
            continue;
        switch (c) {
        case 'o': output = optarg; break;
        case OPT_FORMAT:
            if (strcmp(optarg, "ndjson") && strcmp(optarg, "csv"))
                jm_cli_usage("--format: '%s' is not ndjson or csv", optarg);
            format = optarg;
            break;
        case OPT_MIN_SCORE:
            mo.min_score = (int)jm_cli_integer("--min-score", optarg, 0, 100);
            break;
        case OPT_WEIGHTS: parse_weights(optarg, &mo.weights); break;
        case OPT_SEED: mo.seed = (uint64_t)jm_cli_integer("--seed", optarg, 0, INT64_MAX); break;
        case OPT_TOP: mo.top_k = (unsigned)jm_cli_integer("--top", optarg, 1, 1000000); break;
        case OPT_TTL: mo.state_ttl_ms = jm_cli_duration("--state-ttl", optarg); break;
        case OPT_LATENESS: mo.lateness_ms = jm_cli_duration("--lateness", optarg); break;
        case OPT_EXPIRE: mo.expire_jobs = 1; break;
        case OPT_MAX_FUTURE:
            mo.max_future_ms = jm_cli_duration("--max-future", optarg);
            r.max_future = optarg;
            break;
        case OPT_MAX_STATE:
            mo.max_state = (uint64_t)jm_cli_integer("--max-state", optarg, 1, INT64_MAX);
            break;
        case OPT_PASSTHROUGH: r.passthrough = 1; break;
        case OPT_ERRORS: errors = optarg; break;
        case OPT_STRICT: strict = 1; break;
        case OPT_MAX_RECORD:
            max_record = (size_t)jm_cli_integer("--max-record-bytes", optarg, 16, 1LL << 40);
            break;
        case OPT_STATS: stats = 1; break;
        case OPT_THREADS:
            mo.threads = (unsigned)jm_cli_integer("--threads", optarg, 1, MAX_THREADS);
            break;
        case OPT_PG:
            want_pg = 1;
            pg = jm_cli_conninfo_arg(argc, argv);
            break;
        case OPT_TO: to = optarg; break;
        case OPT_FROM_PG:
            want_from_pg = 1;
            from_pg = jm_cli_conninfo_arg(argc, argv);
            break;
        case OPT_FOLLOW: follow = 1; break;
        case OPT_FROM: from = optarg; break;
        case OPT_KAFKA: kafka.on = 1; break;
        case 'h': fputs(usage_text, stdout); return 0;
        case 'V': jm_cli_version(); return 0;
        default: fprintf(stderr, "Try '%s --help'\n", jm_cli_tool); return EXIT_USAGE;
        }
    }

    if ((from != NULL) + want_from_pg + kafka.on > 1)
        jm_cli_usage("--from, --from-pg and --kafka do not go together");
    const char *source = from ? "--from" : want_from_pg ? "--from-pg" : kafka.on ? "--kafka" : NULL;
    if (source && optind < argc)
        jm_cli_usage("%s reads no FILE arguments ('%s')", source, argv[optind]);
    jm_cli_kafka_check(&kafka, "--kafka");
    if (kafka.on && !kafka.group)
        jm_cli_usage("--kafka needs --group NAME: the consumer group its instances share");
    if (follow && !want_from_pg)
        jm_cli_usage("--follow goes with --from-pg (for --from, see the plugin's options)");
    if (!mo.threads) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        mo.threads = cpus < 1 ? 1 : cpus > MAX_THREADS ? MAX_THREADS : (unsigned)cpus;
    }
    jm_error err;
    r.matcher = jm_matcher_new_ndjson(&mo, on_applications, &r, &err);
    if (!r.matcher) {
        jm_cli_error("%s", err.text);
        return err.code == JM_EINVAL ? EXIT_USAGE : EXIT_IO;
    }
    jm_cli_named files[] = {{output ? "-o" : "standard output", output ? output : "-"},
                            {"--errors", errors}};
    jm_cli_check_files(files, 2, argv + optind, argc - optind);
    jm_cli_sink_open(&r.out, output);
    jm_cli_plugin_out to_out = {0}, pg_out = {0};
    if (to) {
        jm_cli_plugin_open(&to_out, "--to", to);
        r.out.sink = jm_cli_plugin_tee_take(&to_out, r.out.sink);
    }
    if (want_pg) {
        jm_plugin_option opt[1];
        size_t n = jm_cli_conninfo_option(opt, pg);
        jm_cli_plugin_open_with(&pg_out, "--pg", JM_CLI_PG_PLUGIN, opt, n);
        r.out.sink = jm_cli_plugin_tee_take(&pg_out, r.out.sink);
    }
    /* --kafka: the module's sink and source, linked (docs/KAFKA.md): the source's commit marks
     * decide which applications the sink produces after a restart or a rebalance, and with
     * --transactional-id its offsets go into the sink's transactions. The source rebuilds as far
     * back as the matcher holds records. */
    jm_cli_plugin_out kafka_out = {0};
    char link[64], ttl[32], lateness[32];
    snprintf(link, sizeof link, "jm-match.%ld", (long)getpid());
    snprintf(ttl, sizeof ttl, "%lld", (long long)mo.state_ttl_ms);
    snprintf(lateness, sizeof lateness, "%lld", (long long)mo.lateness_ms);
    if (kafka.on) {
        jm_plugin_option opt[1] = {{"link", link}};
        jm_cli_kafka_sink_open(&kafka, &kafka_out, opt, 1);
        kafka_out.only = JM_KIND_APPLICATION; /* the inputs are in their topics already */
        r.out.sink = jm_cli_plugin_tee_take(&kafka_out, r.out.sink);
    }
    jm_cli_plugin_in in = {0};
    if (kafka.on) {
        jm_plugin_option opt[3] = {
            {"link", link}, {"state_ttl_ms", ttl}, {"lateness_ms", lateness}};
        jm_cli_kafka_source_open(&kafka, &in, opt, 3);
    } else if (from) {
        jm_cli_plugin_source_open(&in, "--from", from);
    } else if (want_from_pg) {
        jm_plugin_option opt[2];
        size_t n = jm_cli_conninfo_option(opt, from_pg);
        if (follow)
            opt[n++] = (jm_plugin_option){"follow", "1"};
        jm_cli_plugin_source_open_with(&in, "--from-pg", JM_CLI_PG_PLUGIN, opt, n);
    }
    jm_cli_rejects_open(&r.rejects, errors, strict);
    jm_cli_input_ops ops = {
        .on_record = on_record,
        .on_reject = on_reject,
        .on_reject_part = on_reject_part,
        .rejects = &r.rejects,
        .before_read = before_read,
        .ctx = &r,
        .format_option = format,
        .max_record_bytes = max_record,
        .current_format = &r.format,
        .current_reader = &r.reader,
        .threads = mo.threads,
    };
    jm_cli_progress_init(&r.progress);
    int rc = in.source ? read_source(&r, &in, &ops)
                       : jm_cli_read_inputs(argv + optind, argc - optind, &ops);
    jm_cli_plugin_source_close(&in);
    if (r.progress.shown)
        show_progress(&r);
    jm_cli_progress_end(&r.progress);
    jm_cli_sink_close(&r.out);
    jm_cli_plugin_close(&to_out);
    jm_cli_plugin_close(&pg_out);
    jm_cli_plugin_close(&kafka_out);
    jm_cli_kafka_free(&kafka);
    jm_cli_rejects_close(&r.rejects);
    if (stats) {
        jm_matcher_stats st = {.struct_size = sizeof st};
        jm_matcher_get_stats(r.matcher, &st);
        fprintf(stderr,
                "{\"records_read\":%" PRIu64 ",\"rejected\":%" PRIu64 ",\"duplicates\":%" PRIu64
                ",\"pairs_scored\":%" PRIu64 ",\"pairs_skipped\":%" PRIu64
                ",\"applications\":%" PRIu64 ",\"evicted\":%" PRIu64 ",\"held_jobs\":%" PRIu64
                ",\"held_candidates\":%" PRIu64 ",\"applications_read\":%" PRIu64 "}\n",
                r.read, r.rejects.count, st.duplicates, st.pairs_scored, st.pairs_skipped,
                st.applications, st.evicted, st.held_jobs, st.held_candidates, r.applications_in);
    }
    jm_matcher_free(r.matcher);
    jm_buf_free(&r.csv_line);
    if (r.rejects.failed_strict)
        return EXIT_BAD_RECORDS;
    if (rc) {
        jm_cli_error("%s", jm_strerror(rc));
        return EXIT_IO;
    }
    return 0;
}
