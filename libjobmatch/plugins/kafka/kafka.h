/* The Kafka module's internal interfaces: options, topics, the producer sink, the sources, the
 * commit marks and the link that lets one pipeline's sink and source share a transaction. */
#ifndef JM_KAFKA_H
#define JM_KAFKA_H

#include <stdint.h>

#include <librdkafka/rdkafka.h>

#include <jobmatch/plugin.h>

/* The three topics, by role; the reference pipeline's names are the defaults. */
enum { KF_CANDIDATES, KF_JOBS, KF_APPLICATIONS, KF_NTOPICS };

/* Defaults of the options below. */
#define KF_DEFAULT_BROKERS "localhost:9092"
#define KF_DEFAULT_TIMEOUT_MS 30000
#define KF_DEFAULT_TTL_MS (7LL * 24 * 3600 * 1000)
#define KF_DEFAULT_LATENESS_MS (2LL * 60 * 1000)

/* What a constructor was given (docs/KAFKA.md lists every key). */
typedef struct jm__kafka_opts {
    char *brokers;
    char *topic[KF_NTOPICS];
    int partitions;  /* for topics created here; -1: the broker's default */
    int replication; /* likewise */
    char *group;     /* the candidates' consumer group (a jm-match source) */
    char *transactional_id;
    char *link;           /* pairs a sink and a source of one pipeline */
    int report;           /* source: all three topics, for jm-report */
    int follow;           /* report source: wait for more at the end */
    int64_t state_ttl_ms; /* the matcher's, to know how far back to rebuild; 0: everything */
    int64_t lateness_ms;
    int timeout_ms; /* bound of every wait for the cluster */
    char **props;   /* librdkafka properties, key and value alternating */
    size_t nprops;
    char **topic_config; /* configs of the topics created here, key and value alternating */
    size_t ntopic_config;
} jm__kafka_opts;

/* Fills o from the options (and the environment) for a sink (for_source 0) or a source. 0, or
 * JM_EINVAL / JM_ENOMEM with err filled. Free with jm__kafka_opts_free() in any case. */
int jm__kafka_opts_parse(jm__kafka_opts *o, const jm_plugin_option *options, size_t noptions,
                         int for_source, jm_error *err);
void jm__kafka_opts_free(jm__kafka_opts *o);

/* A librdkafka configuration for a producer (producer nonzero) or a consumer: the brokers, the
 * module's defaults, then every pass-through property of o (so the user's win). NULL with err
 * filled. */
rd_kafka_conf_t *jm__kafka_conf(const jm__kafka_opts *o, int producer, jm_error *err);
/* Sets one property; 0, or JM_EINVAL with librdkafka's reason in err. */
int jm__kafka_conf_set(rd_kafka_conf_t *conf, const char *key, const char *value, jm_error *err);

/* Monotonic milliseconds, for deadlines. */
int64_t jm__kafka_now_ms(void);

/* Fills err (which may be NULL): code, source and a printf text. Returns code. */
int jm__kafka_fail(jm_error *err, int code, const char *source, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Waits (up to o->timeout_ms) for the cluster to answer, then makes sure each topic named in
 * which[] exists, creating the missing ones with o->partitions and o->replication through the
 * admin API and waiting until they have leaders. 0, or JM_EIO with err naming the brokers or
 * the topic. */
int jm__kafka_ensure_topics(rd_kafka_t *rk, const jm__kafka_opts *o, const int *which, size_t n,
                            jm_error *err);
/* The number of partitions of topic (after jm__kafka_ensure_topics), or a negative code. */
int jm__kafka_partition_count(rd_kafka_t *rk, const char *topic, int timeout_ms, jm_error *err);

/* ---- the top-level string fields of one NDJSON record ------------------------------------- */

/* Finds the top-level string field name in the JSON object text[0..len) and decodes it into
 * out (size outsz, NUL-terminated). 1 when found, 0 when absent, not a string, too long or the
 * text is not an object. */
int jm__kafka_json_string(const char *text, size_t len, const char *name, char *out, size_t outsz);

/* ---- ids to where they came from ----------------------------------------------------------- */

typedef struct kf_origin {
    int32_t partition;
    int64_t offset;
} kf_origin;

typedef struct jm__kafka_ids jm__kafka_ids;
jm__kafka_ids *jm__kafka_ids_new(void);
void jm__kafka_ids_free(jm__kafka_ids *m);
/* Notes id's first origin; later ones are ignored (the matcher keeps the first record of an
 * id). 0 or JM_ENOMEM. */
int jm__kafka_ids_note(jm__kafka_ids *m, const char *id, kf_origin at);
/* The first origin of id, or NULL. */
const kf_origin *jm__kafka_ids_find(const jm__kafka_ids *m, const char *id);

/* ---- commit marks: which pairs of a candidate partition are already out ------------------------
 * A candidate partition's committed offset carries, in its metadata, a list of steps (C, J):
 * every pair of a candidate below offset C with a job below offset J[q] of job partition q has
 * been produced. A new owner suppresses those and produces every other pair. */

typedef struct kf_marks {
    int njobs; /* job partitions each step knows */
    int nsteps;
    int64_t *cand; /* nsteps candidate offsets */
    int64_t *jobs; /* nsteps * njobs job offsets */
    int64_t wm_ms; /* the newest message time processed; INT64_MIN when none */
} kf_marks;

void jm__kafka_marks_init(kf_marks *m);
void jm__kafka_marks_free(kf_marks *m);
/* Parses metadata text; text that is not ours leaves m empty. 0 or JM_ENOMEM. */
int jm__kafka_marks_parse(kf_marks *m, const char *text, size_t len);
/* Adds the step (cand, jobs[0..njobs)) and drops every step it dominates. 0 or JM_ENOMEM. */
int jm__kafka_marks_add(kf_marks *m, int64_t cand, const int64_t *jobs, int njobs);
/* Nonzero when the pair (candidate at cand_offset, job at job_offset of partition job_part) is
 * covered by a step. */
int jm__kafka_marks_cover(const kf_marks *m, int64_t cand_offset, int32_t job_part,
                          int64_t job_offset);
/* The metadata text of m (malloc'd), or NULL when out of memory. */
char *jm__kafka_marks_format(const kf_marks *m);
/* The highest candidate offset of any step, or -1. */
int64_t jm__kafka_marks_top(const kf_marks *m);
int jm__kafka_marks_copy(kf_marks *dst, const kf_marks *src);

/* ---- the sink and the sources ---------------------------------------------------------------- */

typedef struct jm__kafka_sink jm__kafka_sink;
typedef struct jm__kafka_match jm__kafka_match;

/* The sink over o (taken: the sink frees it). NULL with err filled. */
jm_sink *jm__kafka_sink_new(jm__kafka_opts *o, jm_error *err);
/* A jm-match source (o->group) or a jm-report source (o->report); o is taken. */
jm_source *jm__kafka_match_new(jm__kafka_opts *o, jm_error *err);
jm_source *jm__kafka_report_new(jm__kafka_opts *o, jm_error *err);

/* Sends one application (a record's bytes, no newline) to the applications topic, keyed by its
 * candidate id, without asking the linked source. 0 or JM_EIO. */
int jm__kafka_sink_produce_application(jm__kafka_sink *s, const char *data, size_t len,
                                       const char *key, int64_t timestamp_ms);
/* Nonzero when the sink runs Kafka transactions. */
int jm__kafka_sink_transactional(const jm__kafka_sink *s);
/* Commits the sink's current transaction with offsets (of the group cgmd) sent to it; a
 * transaction is begun first when none is open. 0, or JM_EIO with err filled (the transaction is
 * aborted when it can be). */
int jm__kafka_sink_txn_commit(jm__kafka_sink *s, const rd_kafka_topic_partition_list_t *offsets,
                              const rd_kafka_consumer_group_metadata_t *cgmd, jm_error *err);

/* What the linked source says of an application on its way out. */
enum { KF_EMIT, KF_SUPPRESS, KF_HELD };
/* Decides on one application (its bytes, its candidate and job ids): KF_EMIT, KF_SUPPRESS (an
 * earlier owner produced it), or KF_HELD (its candidate's partition is elsewhere now: kept, and
 * sent when the partition comes back unless covered by the marks it comes back with). Negative:
 * JM_ENOMEM. */
int jm__kafka_match_filter(jm__kafka_match *m, const char *cand_id, const char *post_id,
                           const char *data, size_t len, int64_t timestamp_ms);

/* ---- the link: the sink and the source of one pipeline -------------------------------------- */

typedef struct jm__kafka_link {
    char *name;
    int refs;
    jm__kafka_sink *sink;   /* borrowed; NULL when none (yet) */
    jm__kafka_match *match; /* borrowed; NULL when none (yet) */
} jm__kafka_link;

/* Joins the link named name (made on first use; counted) as its sink or its source. NULL with
 * err filled when out of memory, or when the link has one already (JM_EINVAL). */
jm__kafka_link *jm__kafka_link_join_sink(const char *name, jm__kafka_sink *s, jm_error *err);
jm__kafka_link *jm__kafka_link_join_match(const char *name, jm__kafka_match *m, jm_error *err);
/* Leaves the link (the sink or source self): drops one reference. Accepts NULL. */
void jm__kafka_link_leave(jm__kafka_link *l, const void *self);

#endif
