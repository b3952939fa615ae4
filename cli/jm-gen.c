/* jm-gen: writes a synthetic, reproducible stream of job posts and candidates (NDJSON or CSV). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "kafka_cli.h"
#include "plugin_cli.h"

static const char usage_text[] =
    "Usage: jm-gen [OPTIONS]\n"
    "Write synthetic job posts and candidates that follow the reference vocabulary, one record\n"
    "per line. The same seed gives the same bytes on every run and machine.\n"
    "\n"
    "  -n N                   N candidates and N jobs, a candidate then a job (0: endless;\n"
    "                         default 1000)\n"
    "      --jobs N           N job posts (with --candidates instead of -n)\n"
    "      --candidates N     N candidates\n"
    "      --seed N           seed of every random choice (default 0)\n"
    "      --per-day N        N job posts and N candidates a simulated day (from 0.001 to\n"
    "                         43,200,000; default 200, or closer when a run would span more\n"
    "                         than four years)\n"
    "      --span DURATION    the whole run covers DURATION of simulated time (e.g. 30d)\n"
    "      --start TIME       when the market's clock starts, ISO-8601 or 'now'\n"
    "                         (default 2025-01-01T00:00:00Z)\n"
    "      --end TIME         end the run at TIME (ISO-8601 or 'now'), not after it\n"
    "      --rate R           write R records a real second at a steady pace (default: full\n"
    "                         speed); with --start now, event times are the wall clock\n"
    "      --speed X          with --rate: replay the market X times as fast as real time\n"
    "      --wall-clock       stamp events with the time they are made (not reproducible)\n"
    "      --format FMT       ndjson (default) or csv (one table with a type column)\n"
    "  -o, --output FILE      write to FILE instead of standard output\n"
    "      --csv-dir DIR      write DIR/job_posts.csv and DIR/candidate_profiles.csv in the\n"
    "                         reference export's columns\n"
    "      --late-fraction F  share of records stamped 5-60 minutes behind the clock [0, 1)\n"
    "      --bad-fraction F   share of lines that are malformed on purpose [0, 1)\n"
    "      --truth FILE       write the answer key: one JSON line per late or bad line\n"
    "      --to NAME[:K=V,...]\n"
    "                         also send every line, one message each, to plugin NAME's sink\n"
    "                         with options K=V (see jm-gen(1) and --version for plugins)\n"
    "      --pg[=CONNINFO]    also store the job posts and candidates in PostgreSQL (tables\n"
    "                         job_posts and candidate_info; a re-run adds nothing). CONNINFO:\n"
    "                         a libpq connection string or postgresql:// URI, as --pg=CONNINFO\n"
    "                         or the next argument; else libpq's PG* variables and ~/.pgpass,\n"
    "                         then POSTGRES_HOST, _PORT, _DB, _USER, _PASSWORD (environment or\n"
    "                         ./.env). See docs/POSTGRESQL.md\n"
    "      --kafka            also produce every record to Kafka, one message each: candidates\n"
    "                         to candidate_info, job posts to job_posts, keyed by their ids,\n"
    "                         with the idempotent producer (acks=all); SIGINT and SIGTERM end\n"
    "                         the run, delivered. See docs/KAFKA.md\n"
    "  -b, --brokers LIST     with --kafka: the bootstrap brokers HOST:PORT,... (default\n"
    "                         KAFKA_BOOTSTRAP_SERVERS, else localhost:9092)\n"
    "      --topic-candidates TOPIC\n"
    "                         the candidates' topic (default TOPIC_CANDIDATES, else\n"
    "                         candidate_info)\n"
    "      --topic-jobs TOPIC the job posts' topic (default TOPIC_JOBS, else job_posts)\n"
    "      --topic-applications TOPIC\n"
    "                         the applications' topic, created with the others (default\n"
    "                         TOPIC_APPLICATIONS, else job_applications)\n"
    "      --partitions N     create the topics that are missing with N partitions (1-100000;\n"
    "                         default: the broker's num.partitions)\n"
    "      --transactional-id ID\n"
    "                         produce in Kafka transactions with this id, committed every\n"
    "                         second and at the end\n"
    "  -X KEY=VALUE           a librdkafka property, as kcat's -X (TLS, SASL, linger.ms...),\n"
    "                         or a Kafka module option; repeatable\n"
    "      --threads N        generate on N threads (1 or 2; default: 2 when the machine has\n"
    "                         2 cores or more); the output is the same whatever N is\n"
    "  -h, --help             show this help and exit\n"
    "  -V, --version          show versions and exit\n"
    "\n"
    "Progress is shown on standard error when it is a terminal.\n"
    "Exit status: 0 success, 2 usage error, 3 output failure. See jm-gen(1).\n";

enum {
    OPT_JOBS = 256,
    OPT_CANDIDATES,
    OPT_SEED,
    OPT_RATE,
    OPT_FORMAT,
    OPT_CSV_DIR,
    OPT_LATE,
    OPT_BAD,
    OPT_TRUTH,
    OPT_START,
    OPT_END,
    OPT_PER_DAY,
    OPT_SPAN,
    OPT_SPEED,
    OPT_WALL,
    OPT_THREADS,
    OPT_TO,
    OPT_PG,
    OPT_KAFKA
};

static const struct option options[] = {
    {"jobs", required_argument, NULL, OPT_JOBS},
    {"candidates", required_argument, NULL, OPT_CANDIDATES},
    {"seed", required_argument, NULL, OPT_SEED},
    {"rate", required_argument, NULL, OPT_RATE},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"output", required_argument, NULL, 'o'},
    {"csv-dir", required_argument, NULL, OPT_CSV_DIR},
    {"late-fraction", required_argument, NULL, OPT_LATE},
    {"bad-fraction", required_argument, NULL, OPT_BAD},
    {"truth", required_argument, NULL, OPT_TRUTH},
    {"start", required_argument, NULL, OPT_START},
    {"end", required_argument, NULL, OPT_END},
    {"per-day", required_argument, NULL, OPT_PER_DAY},
    {"span", required_argument, NULL, OPT_SPAN},
    {"speed", required_argument, NULL, OPT_SPEED},
    {"wall-clock", no_argument, NULL, OPT_WALL},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"to", required_argument, NULL, OPT_TO},
    {"pg", optional_argument, NULL, OPT_PG},
    {"kafka", no_argument, NULL, OPT_KAFKA},
    JM_CLI_KAFKA_LONG_OPTIONS,
    JM_CLI_KAFKA_TXN_OPTION,
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* ---- the output: one sink, or for --csv-dir a sink that routes each kind to its own file ---- */

typedef struct target {
    jm_cli_sink out;
    jm_sink *sink;           /* out's, until a tee takes it */
    const char *name;        /* for messages and the answer key */
    unsigned long long line; /* lines written so far */
} target;

typedef struct by_kind {
    target *job, *cand;
} by_kind;

static int by_kind_write(void *state, const jm_sink_msg *msg)
{
    by_kind *b = state;
    return jm_sink_write(msg->kind == JM_KIND_JOB_POST ? b->job->sink : b->cand->sink, msg);
}

static int by_kind_flush(void *state)
{
    by_kind *b = state;
    int rc = jm_sink_flush(b->job->sink);
    int rc2 = jm_sink_flush(b->cand->sink);
    return rc ? rc : rc2;
}

/* A main output, written whole (or in place, for a run with no end). */
static void open_target(target *t, const char *path, jm_cli_write how)
{
    jm_cli_sink_open_as(&t->out, path, how, 1);
    t->sink = t->out.sink;
    t->name = t->out.name;
}

static char *join_path(const char *dir, const char *file)
{
    size_t n = strlen(dir) + strlen(file) + 2;
    char *p = malloc(n);
    if (!p) {
        jm_cli_error("out of memory");
        exit(EXIT_IO);
    }
    snprintf(p, n, "%s/%s", dir, file);
    return p;
}

static _Noreturn void fail_write(target *t, int err_no)
{
    jm_cli_sink_failed(&t->out, JM_EIO, err_no);
}

/* ---- the answer key ---------------------------------------------------------------------------
 */

typedef struct truth {
    int on;
    jm_cli_sink out;
    jm_buf line;
    unsigned long long bad[JM_GEN_BAD_COUNT], late, records;
} truth;

static void truth_put(truth *t, const char *s)
{
    size_t n = strlen(s);
    if (jm_buf_reserve(&t->line, n) == 0) {
        memcpy(t->line.data + t->line.len, s, n);
        t->line.len += n;
    }
}

static void truth_note(truth *t, const target *where, const jm_gen_info *info)
{
    char num[64];
    t->line.len = 0;
    truth_put(t, "{\"file\":");
    jm_write_json_string(where->name, strlen(where->name), &t->line);
    snprintf(num, sizeof num, ",\"line\":%llu,\"type\":\"", where->line);
    truth_put(t, num);
    truth_put(t, jm_kind_name(info->kind));
    if (info->bad) {
        truth_put(t, "\",\"fault\":\"bad\",\"how\":\"");
        truth_put(t, jm_gen_bad_name(info->bad));
        truth_put(t, "\"");
    } else {
        char when[JM_TIME_BUF];
        jm_time_format(info->event_ms, when);
        snprintf(num, sizeof num, "\",\"fault\":\"late\",\"behind_ms\":%lld,\"timestamp\":\"",
                 (long long)info->late_ms);
        truth_put(t, num);
        truth_put(t, when);
        truth_put(t, "\"");
    }
    if (info->id[0]) {
        truth_put(t, ",\"id\":\"");
        truth_put(t, info->id);
        truth_put(t, "\"");
    }
    truth_put(t, "}\n");
    jm_cli_sink_put(&t->out, JM_KIND_NONE, t->line.data, t->line.len, 0);
}

static void truth_summary(truth *t, unsigned long long lines)
{
    char s[512];
    unsigned long long bad = 0;
    for (int i = 1; i < JM_GEN_BAD_COUNT; i++)
        bad += t->bad[i];
    int n = snprintf(s, sizeof s,
                     "{\"summary\":{\"lines\":%llu,\"records\":%llu,\"late\":%llu,"
                     "\"bad\":%llu,\"bad_by_how\":{",
                     lines, t->records, t->late, bad);
    for (int i = 1; i < JM_GEN_BAD_COUNT && n > 0 && (size_t)n < sizeof s; i++)
        n += snprintf(s + n, sizeof s - (size_t)n, "%s\"%s\":%llu", i > 1 ? "," : "",
                      jm_gen_bad_name(i), t->bad[i]);
    if (n > 0 && (size_t)n < sizeof s - 4) {
        memcpy(s + n, "}}}\n", 4);
        jm_cli_sink_put(&t->out, JM_KIND_NONE, s, (size_t)n + 4, 0);
    }
}

/* ---- pacing and progress ----------------------------------------------------------------------
 */

/* Set by SIGINT or SIGTERM when the run produces to Kafka: it ends as if it were done, with
 * everything delivered (a run into files alone is killed, leaving its files as they were). */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static void sleep_until(int64_t due_ns)
{
    struct timespec ts = {.tv_sec = (time_t)(due_ns / 1000000000),
                          .tv_nsec = (long)(due_ns % 1000000000)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR && !stop_signal)
        ;
}

/* A transaction of the Kafka sink is committed this often, so a read_committed reader of a
 * long run sees its records as they come. */
#define KAFKA_COMMIT_NS 1000000000LL

/* Where lines go and what has been counted: shared by the line-at-a-time and the block loops. */
typedef struct out_state {
    jm_sink *sink;
    int csv_dir;
    int per_line; /* one message per line: --csv-dir, or a plugin sink */
    target *main_t, *job_t, *cand_t;
    truth *tr;
    jm_record *rec; /* for a sink that wants records (line at a time only) */
    jm_gen *gen;
    unsigned long long lines;
    jm_cli_progress progress; /* on stderr when it is a terminal */
    int64_t started;
    target *failed; /* the output that failed */
    int failed_errno;
    jm_cli_plugin_out *kafka_txn; /* the Kafka sink when it is transactional, else NULL */
    int64_t kafka_commit_ns;      /* when its transaction is committed next */
} out_state;

/* Commits the Kafka sink's transaction when it is due (its delivery call does). */
static void kafka_tick(out_state *o)
{
    if (!o->kafka_txn || jm_cli_mono_ns() < o->kafka_commit_ns)
        return;
    if (jm_sink_sync(o->kafka_txn->sink)) {
        jm_cli_error("%s: %s: delivery failed", o->kafka_txn->option,
                     jm_plugin_name(o->kafka_txn->plugin));
        exit(EXIT_IO);
    }
    o->kafka_commit_ns = jm_cli_mono_ns() + KAFKA_COMMIT_NS;
}

static void print_progress(out_state *o)
{
    double secs = jm_cli_progress_seconds(&o->progress);
    fprintf(stderr, "\rjm-gen: %llu records, %.0f/s  ", o->lines,
            secs > 0 ? (double)o->lines / secs : 0.0);
}

static void show_progress(out_state *o)
{
    if (jm_cli_progress_tick(&o->progress))
        print_progress(o);
}

/* Notes one line in the counts and the answer key, t's line count already taken. */
static void note_line(out_state *o, const target *t, const jm_gen_info *info)
{
    truth *tr = o->tr;
    o->lines++;
    if (info->bad) {
        tr->bad[info->bad]++;
    } else {
        tr->records++;
        if (info->late_ms)
            tr->late++;
    }
    if (tr->on && (info->bad || info->late_ms))
        truth_note(tr, t, info);
}

/* Writes one line to its target. 0, or -1 with o->failed set. */
static int put_line(out_state *o, const char *data, size_t len, const jm_gen_info *info)
{
    jm_sink_msg m = {.struct_size = sizeof(jm_sink_msg),
                     .kind = info->kind,
                     .id = info->id[0] ? info->id : NULL,
                     .data = data,
                     .len = len,
                     .timestamp_ms = info->event_ms};
    if (info->bad)
        m.flags |= JM_SINK_MSG_BAD;
    if (info->late_ms)
        m.flags |= JM_SINK_MSG_LATE;
    if (o->rec && !info->bad && jm_gen_last_record(o->gen, o->rec) == 0)
        m.record = o->rec;
    target *t = o->csv_dir ? (info->kind == JM_KIND_JOB_POST ? o->job_t : o->cand_t) : o->main_t;
    if (jm_sink_write(o->sink, &m)) {
        o->failed_errno = errno;
        o->failed = t;
        return -1;
    }
    t->line++;
    note_line(o, t, info);
    return 0;
}

/* jm_gen_run()'s callback. A file sink appends bytes, so a block goes to one file as a single
 * message, written straight from the block; the answer key and --csv-dir go line by line. */
static int on_block(void *ctx, const jm_gen_block *b)
{
    out_state *o = ctx;
    size_t n = jm_gen_block_lines(b), len;
    jm_gen_info info = {.struct_size = sizeof info};
    if (o->per_line) {
        for (size_t i = 0; i < n; i++) {
            if (stop_signal)
                return 1;
            const char *line = jm_gen_block_line(b, i, &len, &info);
            if (put_line(o, line, len, &info))
                return 1;
        }
        kafka_tick(o);
    } else {
        const char *data = jm_gen_block_data(b, &len);
        jm_sink_msg m = {.struct_size = sizeof(jm_sink_msg),
                         .data = data,
                         .len = len,
                         .flags = JM_SINK_MSG_LINES};
        if (jm_sink_write(o->sink, &m)) {
            o->failed_errno = errno;
            o->failed = o->main_t;
            return 1;
        }
        if (o->tr->on) {
            for (size_t i = 0; i < n; i++) {
                jm_gen_block_line(b, i, &len, &info);
                o->main_t->line++;
                note_line(o, o->main_t, &info);
            }
        } else {
            o->main_t->line += n;
            o->lines += n;
        }
    }
    show_progress(o);
    return 0;
}

static int64_t wall_clock(void *ctx)
{
    (void)ctx;
    return jm_cli_now_ms();
}

/* An ISO-8601 time or 'now' for option. Sets *now when it was 'now'. */
static int64_t time_option(const char *option, const char *text, int *now)
{
    int64_t ms;
    *now = strcmp(text, "now") == 0;
    if (*now)
        return jm_cli_now_ms();
    if (jm_time_parse(text, strlen(text), &ms))
        jm_cli_usage("%s: '%s' is not a valid ISO-8601 time (years 0000-9999) or 'now'", option,
                     text);
    return ms;
}

/* The time model's options, checked together once all are read. */
typedef struct pace {
    double per_day;     /* --per-day: of each kind; 0 when not given */
    int64_t span_ms;    /* --span; 0 when not given */
    int64_t start_ms;   /* --start */
    int64_t end_ms;     /* --end */
    int start, end;     /* given */
    int start_now;      /* --start now */
    double rate, speed; /* --rate, --speed; 0 when not given */
    int wall;           /* --wall-clock */
} pace;

/* 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: the times jm-gen can write. */
#define FIRST_TIME_MS INT64_C(-62167219200000)
#define LAST_TIME_MS INT64_C(253402300799999)

/* Sets go's clock from p for a run of records (0: endless): a live market on the wall clock, a
 * replay at --speed, or a simulated pace from --per-day, --span or the default, which keeps a run
 * within JM_GEN_DEFAULT_SPAN_MAX_MS. */
static void set_pace(const pace *p, uint64_t records, jm_gen_options *go)
{
    if (p->per_day > 0 && p->span_ms > 0)
        jm_cli_usage("--per-day does not go with --span");
    if (p->start && p->end)
        jm_cli_usage("--start does not go with --end");
    if (p->speed > 0 && !(p->rate > 0))
        jm_cli_usage("--speed needs --rate: it is simulated time per real time");
    if (p->speed > 0 && (p->per_day > 0 || p->span_ms > 0))
        jm_cli_usage("--speed does not go with --per-day or --span");
    if (p->speed > 0 && (p->wall || p->start_now))
        jm_cli_usage("--speed does not go with --wall-clock or --start now: a live market keeps "
                     "to the wall clock");
    if (!records && (p->span_ms > 0 || p->end))
        jm_cli_usage("%s needs a run of known size (-n, --jobs or --candidates above 0)",
                     p->span_ms > 0 ? "--span" : "--end");
    if (p->end && p->wall)
        jm_cli_usage("--end does not go with --wall-clock");
    if (p->start)
        go->start_ms = p->start_ms;
    if (p->wall || (p->start_now && p->rate > 0)) {
        /* Live: every event is stamped with the wall clock's reading as it is made. */
        go->clock = wall_clock;
        return;
    }
    if (p->speed > 0) {
        go->rate = p->rate;
        go->speed = p->speed;
    } else if (p->per_day > 0) {
        go->per_day = 2 * p->per_day;
    } else if (p->span_ms > 0) {
        go->per_day = (double)records * 86400000.0 / (double)p->span_ms;
    } else if (records && (double)records * 86400000.0 / JM_GEN_DEFAULT_PER_DAY >
                              (double)JM_GEN_DEFAULT_SPAN_MAX_MS) {
        go->per_day = (double)records * 86400000.0 / (double)JM_GEN_DEFAULT_SPAN_MAX_MS;
    }
    if (!records)
        return;
    /* The run spans records slots of a day / per_day (or speed / rate seconds) at most. */
    double slot_ms = p->speed > 0 ? 1000.0 * p->speed / p->rate : 86400000.0 / go->per_day;
    double span = ceil((double)records * slot_ms);
    if (p->end && (double)p->end_ms - span < (double)FIRST_TIME_MS)
        jm_cli_usage("the run would start before 0000-01-01");
    if (p->end)
        go->start_ms = p->end_ms - (int64_t)span;
    if ((double)go->start_ms + span > (double)LAST_TIME_MS)
        jm_cli_usage("the run would end after 9999-12-31");
}

int main(int argc, char **argv)
{
    jm_cli_start("jm-gen", argv);
    jm_gen_options go;
    jm_gen_options_init(&go);
    long long n = -1, jobs = -1, cands = -1, threads = 0;
    double rate = 0;
    pace p = {0};
    const char *output = NULL, *csv_dir = NULL, *truth_path = NULL, *format = NULL, *to = NULL;
    const char *pg = NULL; /* --pg's CONNINFO; NULL: the defaults */
    int want_pg = 0;
    jm_cli_kafka kafka = {.option = "--kafka"};

    int c;
    while ((c = getopt_long(argc, argv, "n:o:hV" JM_CLI_KAFKA_SHORT_OPTIONS, options, NULL)) !=
           -1) {
        if (jm_cli_kafka_option(&kafka, c, optarg))
            continue;
        switch (c) {
        case 'n': n = jm_cli_integer("-n", optarg, 0, INT64_MAX / 2); break;
        case OPT_JOBS: jobs = jm_cli_integer("--jobs", optarg, 0, INT64_MAX / 2); break;
        case OPT_CANDIDATES:
            cands = jm_cli_integer("--candidates", optarg, 0, INT64_MAX / 2);
            break;
        case OPT_SEED: go.seed = (uint64_t)jm_cli_integer("--seed", optarg, 0, INT64_MAX); break;
        case OPT_RATE: rate = jm_cli_number("--rate", optarg, 1e-3, 1e9); break;
        case OPT_FORMAT:
            if (strcmp(optarg, "ndjson") && strcmp(optarg, "csv"))
                jm_cli_usage("--format: '%s' is not ndjson or csv", optarg);
            format = optarg;
            break;
        case 'o': output = optarg; break;
        case OPT_CSV_DIR: csv_dir = optarg; break;
        case OPT_LATE:
        case OPT_BAD: {
            const char *name = c == OPT_LATE ? "--late-fraction" : "--bad-fraction";
            *(c == OPT_LATE ? &go.late_fraction : &go.bad_fraction) = jm_cli_fraction(name, optarg);
            break;
        }
        case OPT_TRUTH: truth_path = optarg; break;
        case OPT_START:
            p.start_ms = time_option("--start", optarg, &p.start_now);
            p.start = 1;
            break;
        case OPT_END: {
            int now;
            p.end_ms = time_option("--end", optarg, &now);
            p.end = 1;
            break;
        }
        case OPT_PER_DAY: p.per_day = jm_cli_number("--per-day", optarg, 1e-3, 4.32e7); break;
        case OPT_SPAN:
            p.span_ms = jm_cli_duration("--span", optarg);
            if (p.span_ms <= 0)
                jm_cli_usage("--span: '%s' must be above 0", optarg);
            break;
        case OPT_SPEED: p.speed = jm_cli_number("--speed", optarg, 1e-6, 1e9); break;
        case OPT_WALL: p.wall = 1; break;
        case OPT_THREADS: threads = jm_cli_integer("--threads", optarg, 1, 2); break;
        case OPT_TO: to = optarg; break;
        case OPT_PG:
            want_pg = 1;
            pg = jm_cli_conninfo_arg(argc, argv);
            break;
        case OPT_KAFKA: kafka.on = 1; break;
        case 'h': fputs(usage_text, stdout); return 0;
        case 'V': jm_cli_version(); return 0;
        default: fprintf(stderr, "Try '%s --help'\n", jm_cli_tool); return EXIT_USAGE;
        }
    }
    if (optind < argc)
        jm_cli_usage("unexpected argument '%s'", argv[optind]);
    jm_cli_kafka_check(&kafka, "--kafka");
    if (kafka.on && (csv_dir || (format && strcmp(format, "csv") == 0)))
        jm_cli_usage("--kafka produces NDJSON records: it does not go with %s",
                     csv_dir ? "--csv-dir" : "--format csv");
    if (n >= 0 && (jobs >= 0 || cands >= 0))
        jm_cli_usage("-n does not go with --jobs or --candidates");
    if (csv_dir && (output || format))
        jm_cli_usage("--csv-dir does not go with -o or --format");
    /* -n 0 runs until stopped; so does nothing at all past the default. */
    unsigned long long left_jobs, left_cands;
    int endless = n == 0;
    if (jobs >= 0 || cands >= 0) {
        left_jobs = jobs > 0 ? (unsigned long long)jobs : 0;
        left_cands = cands > 0 ? (unsigned long long)cands : 0;
    } else {
        left_jobs = left_cands = n > 0 ? (unsigned long long)n : 1000;
    }
    p.rate = rate;
    set_pace(&p, endless ? 0 : left_jobs + left_cands, &go);
    go.threads = threads ? (unsigned)threads : sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? 2 : 1;
    go.format = csv_dir                                ? JM_GEN_CSV_BY_KIND
                : format && strcmp(format, "csv") == 0 ? JM_GEN_CSV
                                                       : JM_GEN_NDJSON;
    jm_error gen_err;
    jm_gen *gen = jm_gen_new(&go, &gen_err);
    if (!gen) {
        if (gen_err.code == JM_EINVAL) /* what the options above leave to the library */
            jm_cli_usage("%s", gen_err.text);
        jm_cli_error("%s", gen_err.text);
        return EXIT_IO;
    }

    /* Outputs. */
    target main_t = {0}, job_t = {0}, cand_t = {0};
    jm_sink *sink;
    by_kind route = {&job_t, &cand_t};
    /* A run with no end writes its files in place as it goes; any other, whole. */
    jm_cli_write how = endless ? JM_CLI_WRITE_STREAM : JM_CLI_WRITE_WHOLE;
    char *jp = csv_dir ? join_path(csv_dir, "job_posts.csv") : NULL,
         *cp = csv_dir ? join_path(csv_dir, "candidate_profiles.csv") : NULL;
    jm_cli_named files[] = {{csv_dir  ? NULL
                             : output ? "-o"
                                      : "standard output",
                             output ? output : "-"},
                            {"--truth", truth_path},
                            {"--csv-dir", jp},
                            {"--csv-dir", cp}};
    jm_cli_check_files(files, csv_dir ? 4 : 2, NULL, -1);
    if (csv_dir) {
        if (mkdir(csv_dir, 0777) != 0 && errno != EEXIST) {
            jm_cli_error("%s: %s", csv_dir, strerror(errno));
            return EXIT_IO;
        }
        open_target(&job_t, jp, how);
        open_target(&cand_t, cp, how);
        static const jm_sink_ops route_ops = {
            .struct_size = sizeof(jm_sink_ops),
            .name = "csv-dir",
            .write = by_kind_write,
            .flush = by_kind_flush,
        };
        jm_error err;
        sink = jm_sink_new(&route_ops, &route, &err);
        if (!sink) {
            jm_cli_error("%s", err.text);
            return EXIT_IO;
        }
    } else {
        open_target(&main_t, output, how);
        sink = main_t.sink;
    }
    jm_cli_plugin_out to_out = {0};
    if (to) {
        jm_cli_plugin_open(&to_out, "--to", to);
        sink = jm_cli_plugin_tee_take(&to_out, sink);
    }
    jm_cli_plugin_out pg_out = {0};
    if (want_pg) {
        jm_plugin_option opt[1];
        size_t nopt = jm_cli_conninfo_option(opt, pg);
        jm_cli_plugin_open_with(&pg_out, "--pg", JM_CLI_PG_PLUGIN, opt, nopt);
        sink = jm_cli_plugin_tee_take(&pg_out, sink);
    }
    jm_cli_plugin_out kafka_out = {0};
    if (kafka.on) {
        jm_cli_kafka_sink_open(&kafka, &kafka_out, NULL, 0);
        sink = jm_cli_plugin_tee_take(&kafka_out, sink);
        struct sigaction sa = {0};
        sa.sa_handler = on_signal; /* no SA_RESTART: a wait ends at once */
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
    }
    /* A tee owns main_t's sink now: closing main_t only commits its file. */
    int teed = to || want_pg || kafka.on;
    if (teed)
        main_t.out.sink = NULL;
    truth tr = {0};
    if (truth_path) {
        jm_cli_sink_open_as(&tr.out, truth_path, how, 0);
        tr.on = 1;
    }
    jm_record *rec =
        (jm_sink_flags(sink) & JM_SINK_WANTS_RECORDS) ? jm_record_new(JM_KIND_NONE, NULL) : NULL;

    jm_buf buf = {0};
    /* CSV tables open with their header lines. */
    if (go.format != JM_GEN_NDJSON) {
        jm_kind kinds[2] = {JM_KIND_JOB_POST, JM_KIND_CANDIDATE};
        for (int i = 0; i < (csv_dir ? 2 : 1); i++) {
            buf.len = 0;
            if (jm_gen_csv_header(gen, kinds[i], &buf)) {
                jm_cli_error("out of memory");
                return EXIT_IO;
            }
            jm_sink_msg m = {.struct_size = sizeof(jm_sink_msg),
                             .kind = kinds[i],
                             .data = buf.data,
                             .len = buf.len,
                             .flags = JM_SINK_MSG_HEADER};
            target *t = csv_dir ? (i ? &cand_t : &job_t) : &main_t;
            if (jm_sink_write(sink, &m))
                fail_write(t, errno);
            t->line++;
        }
    }

    out_state os = {.sink = sink,
                    .csv_dir = csv_dir != NULL,
                    .per_line = csv_dir || teed,
                    .main_t = &main_t,
                    .job_t = &job_t,
                    .cand_t = &cand_t,
                    .tr = &tr,
                    .rec = rec,
                    .gen = gen,
                    .started = jm_cli_mono_ns(),
                    .kafka_txn = kafka.transactional_id ? &kafka_out : NULL,
                    .kafka_commit_ns = jm_cli_mono_ns() + KAFKA_COMMIT_NS};
    jm_cli_progress_init(&os.progress);
    double ns_per_line = rate > 0 ? 1e9 / rate : 0;
    if (ns_per_line == 0 && !rec) {
        /* Full speed: blocks of lines, made on --threads threads, the same bytes. */
        uint64_t nc = endless ? JM_GEN_ENDLESS : left_cands,
                 nj = endless ? JM_GEN_ENDLESS : left_jobs;
        int rc = jm_gen_run(gen, nc, nj, on_block, &os);
        if (rc && stop_signal && !os.failed)
            rc = 0; /* a stop asked for: the end of the run */
        if (rc && os.failed)
            fail_write(os.failed, os.failed_errno);
        if (rc) {
            jm_cli_error("out of memory");
            return EXIT_IO;
        }
        left_cands = left_jobs = 0;
        endless = 0;
    }
    /* A steady pace, or a sink that wants records: a line at a time. */
    int cand_turn = 1;
    jm_gen_info info = {.struct_size = sizeof info};
    while ((endless || left_jobs || left_cands) && !stop_signal) {
        jm_kind kind = endless ? (cand_turn ? JM_KIND_CANDIDATE : JM_KIND_JOB_POST)
                       : left_cands && (cand_turn || !left_jobs) ? JM_KIND_CANDIDATE
                                                                 : JM_KIND_JOB_POST;
        if (ns_per_line > 0) {
            /* Each line has its own due time from the start: a steady pace, no bursts. */
            int64_t due = os.started + (int64_t)((double)os.lines * ns_per_line);
            if (jm_cli_mono_ns() < due) {
                if (jm_sink_flush(sink))
                    fail_write(csv_dir ? &job_t : &main_t, errno);
                sleep_until(due);
            }
        }
        buf.len = 0;
        if (jm_gen_emit(gen, kind, &buf, &info)) {
            jm_cli_error("out of memory");
            return EXIT_IO;
        }
        if (put_line(&os, buf.data, buf.len, &info))
            fail_write(os.failed, os.failed_errno);
        if (!info.bad) {
            if (kind == JM_KIND_JOB_POST)
                left_jobs -= !endless;
            else
                left_cands -= !endless;
            cand_turn = !cand_turn;
        }
        if ((os.lines & 1023) == 0)
            show_progress(&os);
        kafka_tick(&os);
    }
    if (os.progress.shown)
        print_progress(&os);
    jm_cli_progress_end(&os.progress);
    if (tr.on) {
        truth_summary(&tr, os.lines);
        jm_cli_sink_close(&tr.out);
    }
    /* Out and on disk, then each file made what was written (the plugin's delivery waits for
     * jm_cli_plugin_close). */
    if (jm_sink_flush(sink))
        fail_write(csv_dir ? &job_t : &main_t, errno);
    if (teed && !csv_dir && jm_sink_sync(main_t.sink))
        fail_write(&main_t, errno);
    if (csv_dir || teed)
        jm_sink_free(sink); /* the route or the tee; a tee frees main_t's sink */
    if (csv_dir) {
        jm_cli_sink_close(&job_t.out);
        jm_cli_sink_close(&cand_t.out);
    } else {
        jm_cli_sink_close(&main_t.out);
    }
    jm_cli_plugin_close(&to_out);
    jm_cli_plugin_close(&pg_out);
    jm_cli_plugin_close(&kafka_out);
    jm_cli_kafka_free(&kafka);
    free(jp);
    free(cp);
    jm_record_free(rec);
    jm_buf_free(&buf);
    jm_buf_free(&tr.line);
    jm_gen_free(gen);
    return 0;
}
