/* The PostgreSQL module's shared pieces: the connection with its settings and retries, messages,
 * and the sink's and source's constructors. */
#ifndef JM_PG_INTERNAL_H
#define JM_PG_INTERNAL_H

#include <stddef.h>

#include <libpq-fe.h>

#include <jobmatch/plugin.h>

/* The module's name, in messages and in its file name jm-pg.so. */
#define JM_PG_NAME "pg"

#define JM_PG_STR_(x) #x
#define JM_PG_STR(x) JM_PG_STR_(x)

/* A connection and how to make it again. */
typedef struct jm__pg_conn {
    PGconn *conn;
    /* PQconnectdbParams' keywords and values, NULL-terminated; owned. */
    char **keys, **vals;
    size_t nparams, capparams;
    char *password;      /* the password given, if any, kept out of every message */
    double retry_s;      /* how long to keep reconnecting after losing the server */
    char where[256];     /* "host:port/dbname as user", for messages */
    unsigned long epoch; /* connections made so far */
} jm__pg_conn;

/* A module option the connection does not know of: the sink's or source's. Returns 0 when it
 * took the option, 1 when it does not know the key, or JM_EINVAL / JM_ENOMEM with err filled. */
typedef int (*jm__pg_option_fn)(void *ctx, const char *key, const char *value, jm_error *err);

/* Reads the connection options and settings: libpq's defaults (PG* variables, ~/.pgpass,
 * services), then the reference pipeline's POSTGRES_HOST, _PORT, _DB, _USER and _PASSWORD from
 * the environment or ./.env (each only where its PG* twin is unset), then options in order:
 * conninfo=STRING-OR-URI, any libpq keyword (host=, port=, dbname=, user=, sslmode=, ...),
 * retry=SECONDS. Other keys go to other(ctx, ...). 0, or JM_EINVAL / JM_ENOMEM with err filled
 * (never naming a password). */
int jm__pg_conn_init(jm__pg_conn *c, const jm_plugin_option *options, size_t noptions,
                     jm__pg_option_fn other, void *ctx, jm_error *err);
/* Closes the connection and frees the settings. */
void jm__pg_conn_free(jm__pg_conn *c);
/* One connection attempt. 0, or JM_EIO with err saying where and why. */
int jm__pg_connect(jm__pg_conn *c, jm_error *err);
/* Drops the connection and connects again, with a growing pause between attempts (0.1 s
 * doubling to 2 s), until deadline (jm__pg_now() seconds). 0, or JM_EIO with err holding the
 * last reason. */
int jm__pg_reconnect(jm__pg_conn *c, double deadline, jm_error *err);
/* A monotonic clock, in seconds. */
double jm__pg_now(void);

/* Nonzero when a failed command may succeed on a new connection or on a new try: the
 * connection is gone, the server shut down or is starting, a serialization failure. */
int jm__pg_transient(const PGconn *conn, const PGresult *res);
/* Fills err with code and "what: <the server's or libpq's message>", one line, the password
 * blanked. res may be NULL: the connection's message is used. */
void jm__pg_fail(jm_error *err, int code, const jm__pg_conn *c, const char *what,
                 const PGresult *res);
/* Fills err with a formatted one-line message. */
void jm__pg_say(jm_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets err's text to s, truncated to fit. */
void jm__pg_set_text(jm_error *err, const char *s);
/* Prints err's text on stderr as "PROGRAM: pg: TEXT": the tools cannot ask a sink why it
 * failed, so the module says it. */
void jm__pg_report(const jm_error *err);

/* Runs sql (no result rows wanted). 0, or JM_EIO with err filled; *transient set. */
int jm__pg_exec(jm__pg_conn *c, const char *sql, int *transient, jm_error *err);

/* The constructors of the descriptor. */
jm_sink *jm__pg_sink_new(const jm_plugin_option *options, size_t noptions, jm_error *err);
jm_source *jm__pg_source_new(const jm_plugin_option *options, size_t noptions, jm_error *err);

/* sql/schema.sql, compiled in: the sink loads it into a database that lacks it. */
extern const char jm__pg_schema_sql[];
/* The version of sql/schema.sql the module was built with (jobmatch_schema_version()). */
#define JM_PG_SCHEMA_VERSION 3

#endif
