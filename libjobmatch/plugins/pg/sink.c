/* The PostgreSQL sink: records in batches, each copied into the staging tables and merged in
 * one transaction (sql/schema.sql), one batch in flight while the next fills; after a lost
 * connection, the batches not known committed are sent again on a new one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jobmatch/reader.h>

#include "copy_text.h"
#include "pg_internal.h"

typedef struct batch {
    jm_buf rows[JM_PG_KINDS]; /* COPY text of each kind */
    size_t records;
} batch;

typedef struct pg_sink {
    jm__pg_conn c;
    size_t batch_size;
    int schema_auto;             /* load sql/schema.sql into a database that lacks it */
    batch cur;                   /* filling */
    batch pending;               /* sent; its commit not yet seen */
    unsigned long pending_epoch; /* the connection pending was sent on */
    unsigned long long committed, rejected;
    jm_buf columns[JM_PG_KINDS];
    jm_record *scratch; /* a line parsed here when the host gave no record */
    int failed;         /* after a fatal error every call fails */
} pg_sink;

static int sink_option(void *ctx, const char *key, const char *value, jm_error *err)
{
    pg_sink *s = ctx;
    if (strcmp(key, "batch") == 0) {
        char *end;
        unsigned long n = strtoul(value, &end, 10);
        if (end == value || *end || n < 1 || n > 1000000) {
            jm__pg_say(err, JM_EINVAL, "batch: not a number of records from 1 to 1000000: '%.64s'",
                       value);
            return JM_EINVAL;
        }
        s->batch_size = n;
        return 0;
    }
    if (strcmp(key, "schema") == 0) {
        if (strcmp(value, "auto") && strcmp(value, "no")) {
            jm__pg_say(err, JM_EINVAL, "schema: 'auto' or 'no', not '%.64s'", value);
            return JM_EINVAL;
        }
        s->schema_auto = strcmp(value, "auto") == 0;
        return 0;
    }
    return 1;
}

/* A one-value query's text, or NULL with err filled. Free with PQclear(*res). */
static const char *query_value(jm__pg_conn *c, const char *sql, PGresult **res, int *transient,
                               jm_error *err)
{
    *res = PQexec(c->conn, sql);
    if (PQresultStatus(*res) != PGRES_TUPLES_OK || PQntuples(*res) != 1) {
        *transient = jm__pg_transient(c->conn, *res);
        jm__pg_fail(err, JM_EIO, c, "the server refused a query", *res);
        PQclear(*res);
        *res = NULL;
        return NULL;
    }
    return PQgetvalue(*res, 0, 0);
}

/* Makes the schema and this session's staging tables ready on a new connection. */
static int prepare(pg_sink *s, int *transient, jm_error *err)
{
    PGresult *res;
    const char *v = query_value(&s->c,
                                "SELECT CASE WHEN to_regproc('jobmatch_schema_version') IS NULL "
                                "THEN '0' ELSE '?' END",
                                &res, transient, err);
    if (!v)
        return JM_EIO;
    int version = 0;
    if (*v == '?') {
        PQclear(res);
        if (!(v = query_value(&s->c, "SELECT jobmatch_schema_version()", &res, transient, err)))
            return JM_EIO;
        version = atoi(v);
    }
    PQclear(res);
    if (version < JM_PG_SCHEMA_VERSION) {
        if (!s->schema_auto) {
            *transient = 0;
            jm__pg_say(err, JM_EIO,
                       "%s lacks libjobmatch's schema (version %d, found %d): load sql/schema.sql "
                       "or leave out schema=no",
                       s->c.where, JM_PG_SCHEMA_VERSION, version);
            return JM_EIO;
        }
        /* One loader at a time: CREATE OR REPLACE is not safe against itself. */
        int rc = jm__pg_exec(&s->c, "BEGIN; SELECT pg_advisory_xact_lock(x'6a6d736368'::bigint)",
                             transient, err);
        if (rc == 0)
            rc = jm__pg_exec(&s->c, jm__pg_schema_sql, transient, err);
        if (rc == 0)
            rc = jm__pg_exec(&s->c, "COMMIT", transient, err);
        if (rc) {
            char what[2 * sizeof err->text];
            snprintf(what, sizeof what, "loading sql/schema.sql: %s", err->text);
            jm__pg_set_text(err, what);
            return rc;
        }
    }
    return jm__pg_exec(&s->c, "SELECT jobmatch_stage()", transient, err);
}

static void batch_clear(batch *b)
{
    for (int k = 0; k < JM_PG_KINDS; k++)
        b->rows[k].len = 0;
    b->records = 0;
}

static void batch_free(batch *b)
{
    for (int k = 0; k < JM_PG_KINDS; k++)
        jm_buf_free(&b->rows[k]);
}

/* Copies b into the staging tables in a new transaction and sends the merge and the commit
 * without waiting for them. */
static int batch_send(pg_sink *s, const batch *b, int *transient, jm_error *err)
{
    PGconn *conn = s->c.conn;
    int rc = jm__pg_exec(&s->c, "BEGIN", transient, err);
    char merge[256] = "SELECT 0";
    size_t mlen = strlen(merge);
    static const char *const kinds[JM_PG_KINDS] = {"job_post", "candidate", "application"};
    for (int k = 0; rc == 0 && k < JM_PG_KINDS; k++) {
        if (!b->rows[k].len)
            continue;
        mlen +=
            (size_t)snprintf(merge + mlen, sizeof merge - mlen, ", jobmatch_merge('%s')", kinds[k]);
        char sql[1024];
        snprintf(sql, sizeof sql, "COPY pg_temp.%s (%.*s) FROM STDIN", jm__pg_stage_table(k),
                 (int)s->columns[k].len, s->columns[k].data);
        PGresult *res = PQexec(conn, sql);
        if (PQresultStatus(res) != PGRES_COPY_IN) {
            *transient = jm__pg_transient(conn, res);
            jm__pg_fail(err, JM_EIO, &s->c, "COPY refused", res);
            PQclear(res);
            return JM_EIO;
        }
        PQclear(res);
        const jm_buf *rows = &b->rows[k];
        /* in pieces: PQputCopyData takes an int length */
        for (size_t at = 0; at < rows->len;) {
            size_t n = rows->len - at < (1u << 20) ? rows->len - at : (1u << 20);
            if (PQputCopyData(conn, rows->data + at, (int)n) != 1)
                break;
            at += n;
        }
        PQputCopyEnd(conn, NULL);
        while ((res = PQgetResult(conn))) {
            if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0) {
                *transient = jm__pg_transient(conn, res);
                jm__pg_fail(err, JM_EIO, &s->c, "COPY failed", res);
                rc = JM_EIO;
            }
            PQclear(res);
        }
        if (rc == 0 && PQstatus(conn) != CONNECTION_OK) {
            *transient = 1;
            jm__pg_fail(err, JM_EIO, &s->c, "COPY failed", NULL);
            rc = JM_EIO;
        }
    }
    if (rc)
        return rc;
    snprintf(merge + mlen, sizeof merge - mlen, "; COMMIT");
    if (!PQsendQuery(conn, merge)) {
        *transient = jm__pg_transient(conn, NULL);
        jm__pg_fail(err, JM_EIO, &s->c, "sending the merge failed", NULL);
        return JM_EIO;
    }
    return 0;
}

/* Waits for the merge and commit of the batch in flight. */
static int batch_wait(pg_sink *s, int *transient, jm_error *err)
{
    PGconn *conn = s->c.conn;
    PGresult *res;
    int rc = 0, committed = 0;
    while ((res = PQgetResult(conn))) {
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_COMMAND_OK && strcmp(PQcmdStatus(res), "COMMIT") == 0)
            committed = 1;
        else if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && rc == 0) {
            *transient = jm__pg_transient(conn, res);
            jm__pg_fail(err, JM_EIO, &s->c, "the merge failed", res);
            rc = JM_EIO;
        }
        PQclear(res);
    }
    if (rc == 0 && !committed) {
        *transient = jm__pg_transient(conn, NULL);
        jm__pg_fail(err, JM_EIO, &s->c, "the batch was not committed", NULL);
        rc = JM_EIO;
    }
    return rc;
}

/* One pass: the batch in flight sent again if its connection was lost, then committed; the
 * filling batch sent; with wait_all, committed too. */
static int push_once(pg_sink *s, int wait_all, int *transient, jm_error *err)
{
    int rc;
    if (s->pending.records && s->pending_epoch != s->c.epoch) {
        if ((rc = batch_send(s, &s->pending, transient, err)))
            return rc;
        s->pending_epoch = s->c.epoch;
    }
    if (s->pending.records) {
        if ((rc = batch_wait(s, transient, err)))
            return rc;
        s->committed += s->pending.records;
        batch_clear(&s->pending);
    }
    if (s->cur.records) {
        if ((rc = batch_send(s, &s->cur, transient, err)))
            return rc;
        batch tmp = s->pending;
        s->pending = s->cur;
        s->cur = tmp;
        s->pending_epoch = s->c.epoch;
        if (wait_all)
            return push_once(s, 0, transient, err);
    }
    return 0;
}

/* Says why the sink stops, with how many records were committed, and makes it stop. */
static int fatal(pg_sink *s, jm_error *err, int lost)
{
    unsigned long long inflight = s->pending.records + s->cur.records;
    char text[2 * sizeof err->text];
    /* the counts first: the text may be cut at the end */
    if (lost)
        snprintf(text, sizeof text,
                 "%llu records committed, %llu not: lost the server, no new connection within "
                 "%g s: %s",
                 s->committed, inflight, s->c.retry_s, err->text);
    else
        snprintf(text, sizeof text, "%llu records committed, %llu not: %s", s->committed, inflight,
                 err->text);
    jm__pg_set_text(err, text);
    jm__pg_report(err);
    s->failed = 1;
    return JM_EIO;
}

/* push_once until it succeeds, connecting again after each transient failure, for at most the
 * connection's retry seconds from the first. */
static int push(pg_sink *s, int wait_all)
{
    if (s->failed)
        return JM_EIO;
    jm_error err = {0};
    double deadline = 0;
    for (;;) {
        int transient = 0;
        if (push_once(s, wait_all, &transient, &err) == 0)
            return 0;
        if (!transient)
            return fatal(s, &err, 0);
        if (!deadline)
            deadline = jm__pg_now() + s->c.retry_s;
        else if (jm__pg_now() > deadline)
            return fatal(s, &err, 1);
        if (jm__pg_reconnect(&s->c, deadline, &err))
            return fatal(s, &err, 1);
        if (prepare(s, &transient, &err) && !transient)
            return fatal(s, &err, 0);
    }
}

static void reject(pg_sink *s, const jm_sink_msg *msg, const char *why)
{
    jm_error err = {0};
    const char *kind = jm_kind_name(msg->kind);
    jm__pg_say(&err, JM_EVALUE, "%s %s: not stored: %s", *kind ? kind : "record",
               msg->id ? msg->id : "(no id)", why);
    jm__pg_report(&err);
    s->rejected++;
}

/* One record's line (msg->data and len, or one line of a JM_SINK_MSG_LINES block), with its
 * decoded record r when the host gave one. */
static int write_line(pg_sink *s, const jm_sink_msg *msg, const char *data, size_t len,
                      const jm_record *r)
{
    const char *nul = jm__pg_nul_in_json(data, len);
    if (nul) {
        reject(s, msg, nul);
        return 0;
    }
    if (!r) {
        jm_error perr = {0};
        while (len && (data[len - 1] == '\n' || data[len - 1] == '\r'))
            len--;
        if (jm_parse_ndjson(data, len, s->scratch, &perr)) {
            reject(s, msg, perr.text);
            return 0;
        }
        r = s->scratch;
    }
    const char *why = jm__pg_refused(r);
    if (why) {
        jm_sink_msg named = *msg;
        named.kind = jm_record_kind(r);
        named.id = jm_record_id(r);
        reject(s, &named, why);
        return 0;
    }
    int k = jm__pg_kind_index(jm_record_kind(r));
    if (jm__pg_copy_row(r, &s->cur.rows[k]))
        return JM_ENOMEM;
    if (++s->cur.records >= s->batch_size)
        return push(s, 0);
    return 0;
}

static int sink_write(void *state, const jm_sink_msg *msg)
{
    pg_sink *s = state;
    if (s->failed)
        return JM_EIO;
    /* CSV headers are no records; lines made bad on purpose are the producer's to count */
    if (msg->flags & (JM_SINK_MSG_HEADER | JM_SINK_MSG_BAD))
        return 0;
    if (!(msg->flags & JM_SINK_MSG_LINES))
        return write_line(s, msg, msg->data, msg->len, msg->record);
    /* several whole records, one a line (jm-match's applications): each on its own */
    for (size_t at = 0; at < msg->len;) {
        const char *nl = memchr(msg->data + at, '\n', msg->len - at);
        size_t end = nl ? (size_t)(nl - msg->data) : msg->len;
        int rc = end > at ? write_line(s, msg, msg->data + at, end - at, NULL) : 0;
        if (rc)
            return rc;
        at = end + 1;
    }
    return 0;
}

static int sink_flush(void *state)
{
    return push(state, 0);
}

static int sink_sync(void *state)
{
    return push(state, 1);
}

static void sink_destroy(void *state)
{
    pg_sink *s = state;
    push(s, 1);
    for (int k = 0; k < JM_PG_KINDS; k++)
        jm_buf_free(&s->columns[k]);
    batch_free(&s->cur);
    batch_free(&s->pending);
    jm_record_free(s->scratch);
    jm__pg_conn_free(&s->c);
    free(s);
}

jm_sink *jm__pg_sink_new(const jm_plugin_option *options, size_t noptions, jm_error *err)
{
    pg_sink *s = calloc(1, sizeof *s);
    if (!s) {
        jm__pg_say(err, JM_ENOMEM, "out of memory");
        return NULL;
    }
    s->batch_size = 10000;
    s->schema_auto = 1;
    int transient = 0;
    static const jm_kind kinds[JM_PG_KINDS] = {JM_KIND_JOB_POST, JM_KIND_CANDIDATE,
                                               JM_KIND_APPLICATION};
    int rc = jm__pg_conn_init(&s->c, options, noptions, sink_option, s, err);
    for (int k = 0; rc == 0 && k < JM_PG_KINDS; k++)
        if (jm__pg_copy_columns(kinds[k], &s->columns[k]))
            rc = JM_ENOMEM;
    if (rc == 0 && !(s->scratch = jm_record_new(JM_KIND_NONE, NULL)))
        rc = JM_ENOMEM;
    if (rc == JM_ENOMEM)
        jm__pg_say(err, JM_ENOMEM, "out of memory");
    if (rc == 0)
        rc = jm__pg_connect(&s->c, err);
    if (rc == 0)
        rc = prepare(s, &transient, err);
    if (rc) {
        s->failed = 1;
        sink_destroy(s);
        return NULL;
    }
    static const jm_sink_ops ops = {
        .struct_size = sizeof(jm_sink_ops),
        .name = JM_PG_NAME,
        .flags = JM_SINK_WANTS_RECORDS,
        .write = sink_write,
        .flush = sink_flush,
        .destroy = sink_destroy,
        .sync = sink_sync,
    };
    jm_sink *sink = jm_sink_new(&ops, s, err);
    return sink;
}
