/* The PostgreSQL source: job posts and candidates (and applications, when asked) read from
 * their tables as NDJSON records, first all of them in event-time order from one snapshot,
 * then, with follow, every row stored or changed later, by jm_seq (sql/schema.sql, woken by
 * NOTIFY jobmatch). Tables are read with the columns they have: a database made by the
 * reference pipeline reads unchanged. */
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "copy_text.h"
#include "pg_internal.h"

#define FETCH_ROWS 2000

typedef struct table {
    int k; /* kind index (copy_text.h) */
    jm_kind kind;
    char name[64];  /* quoted */
    char plain[64]; /* for origins */
    int has_seq, has_ts;
} table;

typedef struct pg_source {
    jm__pg_conn c;
    int follow;
    int want[JM_PG_KINDS];
    int poll_ms;
    table tables[JM_PG_KINDS];
    int ntables;
    enum { START, SNAPSHOT, FOLLOW, ENDED } phase;
    long long snapshot_max;           /* the highest jm_seq in the snapshot */
    long long last_seq;               /* the highest jm_seq delivered after it */
    unsigned long long snapshot_rows; /* rows of the snapshot delivered */
    PGresult *res;                    /* the rows being delivered */
    int row, nrows;
} pg_source;

static int parse_bool(const char *v, int *out)
{
    if (!strcmp(v, "1") || !strcmp(v, "yes") || !strcmp(v, "true") || !*v)
        *out = 1;
    else if (!strcmp(v, "0") || !strcmp(v, "no") || !strcmp(v, "false"))
        *out = 0;
    else
        return -1;
    return 0;
}

static int source_option(void *ctx, const char *key, const char *value, jm_error *err)
{
    pg_source *s = ctx;
    if (strcmp(key, "follow") == 0) {
        if (parse_bool(value, &s->follow)) {
            jm__pg_say(err, JM_EINVAL, "follow: 1 or 0, not '%.64s'", value);
            return JM_EINVAL;
        }
        return 0;
    }
    if (strcmp(key, "poll") == 0) {
        char *end;
        long ms = strtol(value, &end, 10);
        if (end == value || *end || ms < 1 || ms > 3600000) {
            jm__pg_say(err, JM_EINVAL, "poll: milliseconds from 1 to 3600000, not '%.64s'", value);
            return JM_EINVAL;
        }
        s->poll_ms = (int)ms;
        return 0;
    }
    if (strcmp(key, "kinds") == 0) {
        memset(s->want, 0, sizeof s->want);
        for (const char *p = value; *p;) {
            size_t n = strcspn(p, "+ ");
            char name[32];
            snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), p);
            int k = jm__pg_kind_index(jm_kind_from_name(name));
            if (k < 0) {
                jm__pg_say(err, JM_EINVAL,
                           "kinds: job_post, candidate or application joined by '+', not '%.64s'",
                           value);
                return JM_EINVAL;
            }
            s->want[k] = 1;
            p += n;
            p += *p != '\0';
        }
        return 0;
    }
    return 1;
}

static void source_clear_rows(pg_source *s)
{
    PQclear(s->res);
    s->res = NULL;
    s->row = s->nrows = 0;
}

/* Finds kind k's table and the columns that matter. 0 (t->name empty when there is none), or
 * JM_EIO with err filled. */
static int find_table(pg_source *s, int k, table *t, jm_error *err)
{
    static const char *const names[JM_PG_KINDS][2] = {
        {"job_posts", NULL}, {"candidate_info", "candidates"}, {"applications", NULL}};
    memset(t, 0, sizeof *t);
    t->k = k;
    t->kind = k == 0 ? JM_KIND_JOB_POST : k == 1 ? JM_KIND_CANDIDATE : JM_KIND_APPLICATION;
    for (int i = 0; i < 2 && names[k][i]; i++) {
        const char *param[1] = {names[k][i]};
        PGresult *res = PQexecParams(s->c.conn,
                                     "SELECT a.attname FROM pg_attribute a WHERE a.attrelid = "
                                     "to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped",
                                     1, NULL, param, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            jm__pg_fail(err, JM_EIO, &s->c, "reading the catalog failed", res);
            PQclear(res);
            return JM_EIO;
        }
        for (int r = 0; r < PQntuples(res); r++) {
            const char *col = PQgetvalue(res, r, 0);
            t->has_seq |= strcmp(col, "jm_seq") == 0;
            t->has_ts |= strcmp(col, "timestamp") == 0;
        }
        int found = PQntuples(res) > 0;
        PQclear(res);
        if (found) {
            snprintf(t->plain, sizeof t->plain, "%s", names[k][i]);
            snprintf(t->name, sizeof t->name, "\"%s\"", names[k][i]);
            return 0;
        }
    }
    return 0;
}

/* Appends to sql one table's rows as (k, ts, seq, doc, ord), where doc is the row as one JSON
 * record: its columns by name (the canonical field names), "type", an application's five
 * components_* columns as "components", jm_seq left out. */
static int append_select(jm_buf *sql, const table *t, const char *where)
{
    char part[2048];
    const char *doc_head =
        t->kind == JM_KIND_APPLICATION ? "jsonb_build_object('type', 'application', 'components', "
                                         "jsonb_strip_nulls(jsonb_build_object('category', "
                                         "t.components_category, 'skills', t.components_skills, "
                                         "'experience', t.components_experience, 'seniority', "
                                         "t.components_seniority, 'salary', t.components_salary)))"
        : t->kind == JM_KIND_JOB_POST  ? "jsonb_build_object('type', 'job_post')"
                                       : "jsonb_build_object('type', 'candidate')";
    const char *drop = t->kind == JM_KIND_APPLICATION
                           ? "ARRAY['jm_seq', 'components_category', 'components_skills', "
                             "'components_experience', 'components_seniority', "
                             "'components_salary']"
                           : "ARRAY['jm_seq']";
    int n = snprintf(part, sizeof part,
                     "%sSELECT %d AS k, %s AS ts, %s AS seq, (%s || (to_jsonb(t) - %s))::text AS "
                     "doc, t.ctid AS ord FROM %s t%s",
                     sql->len ? " UNION ALL " : "", t->k,
                     t->has_ts ? "t.\"timestamp\"" : "NULL::timestamptz",
                     t->has_seq ? "t.jm_seq" : "NULL::bigint", doc_head, drop, t->name, where);
    if (jm_buf_reserve(sql, (size_t)n + 1))
        return JM_ENOMEM;
    memcpy(sql->data + sql->len, part, (size_t)n + 1);
    sql->len += (size_t)n;
    return 0;
}

/* The query text: "DECLARE" for the snapshot (rows up to snapshot_max where there is jm_seq),
 * else the rows above $1 by jm_seq. */
static int build_query(const pg_source *s, int snapshot, jm_buf *out)
{
    jm_buf u = {0};
    int rc = 0;
    for (int i = 0; rc == 0 && i < s->ntables; i++) {
        char where[96] = "";
        if (snapshot && s->tables[i].has_seq)
            snprintf(where, sizeof where, " WHERE t.jm_seq <= %lld", s->snapshot_max);
        else if (!snapshot)
            snprintf(where, sizeof where, " WHERE t.jm_seq > $1::bigint");
        rc = append_select(&u, &s->tables[i], where);
    }
    const char *head = snapshot ? "DECLARE jm_snapshot NO SCROLL CURSOR FOR " : "";
    const char *tail = snapshot ? ") s ORDER BY ts NULLS LAST, seq NULLS LAST, k, ord"
                                : ") s ORDER BY seq LIMIT " JM_PG_STR(FETCH_ROWS);
    const char *cols = "SELECT k, (extract(epoch FROM ts) * 1000)::int8, seq, doc FROM (";
    if (rc == 0 && jm_buf_reserve(out, strlen(head) + strlen(cols) + u.len + strlen(tail) + 1))
        rc = JM_ENOMEM;
    if (rc == 0) {
        out->len = (size_t)sprintf(out->data, "%s%s%s%s", head, cols, u.data, tail);
    }
    jm_buf_free(&u);
    return rc;
}

/* Starts the snapshot: a repeatable-read transaction, its highest jm_seq, and the cursor,
 * moved past the rows already delivered (after a reconnection). */
static int start_snapshot(pg_source *s, int *transient, jm_error *err)
{
    int rc = jm__pg_exec(&s->c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", transient, err);
    if (rc)
        return rc;
    if (s->phase == START) {
        char q[512];
        size_t n = (size_t)snprintf(q, sizeof q, "SELECT greatest(0");
        for (int i = 0; i < s->ntables; i++)
            if (s->tables[i].has_seq)
                n += (size_t)snprintf(q + n, sizeof q - n, ", (SELECT max(jm_seq) FROM %s)",
                                      s->tables[i].name);
        snprintf(q + n, sizeof q - n, ")");
        PGresult *res = PQexec(s->c.conn, q);
        if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
            *transient = jm__pg_transient(s->c.conn, res);
            jm__pg_fail(err, JM_EIO, &s->c, "reading the tables failed", res);
            PQclear(res);
            return JM_EIO;
        }
        s->snapshot_max = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
        PQclear(res);
    }
    jm_buf q = {0};
    if (build_query(s, 1, &q))
        return JM_ENOMEM;
    rc = jm__pg_exec(&s->c, q.data, transient, err);
    jm_buf_free(&q);
    if (rc == 0 && s->snapshot_rows) {
        char move[64];
        snprintf(move, sizeof move, "MOVE FORWARD %llu IN jm_snapshot", s->snapshot_rows);
        rc = jm__pg_exec(&s->c, move, transient, err);
    }
    if (rc == 0)
        s->phase = SNAPSHOT;
    return rc;
}

/* Fetches the next rows into s->res: from the snapshot's cursor, or those above last_seq. */
static int fetch(pg_source *s, int *transient, jm_error *err)
{
    source_clear_rows(s);
    if (s->phase == SNAPSHOT) {
        s->res = PQexec(s->c.conn, "FETCH " JM_PG_STR(FETCH_ROWS) " FROM jm_snapshot");
    } else {
        jm_buf q = {0};
        if (build_query(s, 0, &q))
            return JM_ENOMEM;
        char last[32];
        snprintf(last, sizeof last, "%lld", s->last_seq);
        const char *param[1] = {last};
        s->res = PQexecParams(s->c.conn, q.data, 1, NULL, param, NULL, NULL, 0);
        jm_buf_free(&q);
    }
    if (PQresultStatus(s->res) != PGRES_TUPLES_OK) {
        *transient = jm__pg_transient(s->c.conn, s->res);
        jm__pg_fail(err, JM_EIO, &s->c, "reading the tables failed", s->res);
        source_clear_rows(s);
        return JM_EIO;
    }
    s->nrows = PQntuples(s->res);
    if (s->nrows == 0 && s->phase == SNAPSHOT) {
        source_clear_rows(s);
        int rc = jm__pg_exec(&s->c, "CLOSE jm_snapshot; COMMIT", transient, err);
        if (rc)
            return rc;
        s->last_seq = s->snapshot_max;
        s->phase = s->follow ? FOLLOW : ENDED;
    }
    return 0;
}

/* Waits up to ms for a NOTIFY (or the socket to close). */
static void wait_notify(pg_source *s, int ms)
{
    struct pollfd p = {.fd = PQsocket(s->c.conn), .events = POLLIN};
    if (p.fd >= 0 && poll(&p, 1, ms) > 0)
        PQconsumeInput(s->c.conn);
    PGnotify *n;
    while ((n = PQnotifies(s->c.conn)))
        PQfreemem(n);
}

static int deliver(pg_source *s, jm_source_msg *msg)
{
    int r = s->row++;
    int k = atoi(PQgetvalue(s->res, r, 0));
    const table *t = NULL;
    for (int i = 0; i < s->ntables; i++)
        if (s->tables[i].k == k)
            t = &s->tables[i];
    const char *seq = PQgetvalue(s->res, r, 2);
    if (s->phase == SNAPSHOT)
        s->snapshot_rows++;
    else
        s->last_seq = strtoll(seq, NULL, 10);
#define HAS(field) (msg->struct_size >= offsetof(jm_source_msg, field) + sizeof msg->field)
    msg->data = PQgetvalue(s->res, r, 3);
    msg->len = (size_t)PQgetlength(s->res, r, 3);
    if (HAS(kind))
        msg->kind = t ? t->kind : JM_KIND_NONE;
    if (HAS(timestamp_ms))
        msg->timestamp_ms =
            PQgetisnull(s->res, r, 1) ? 0 : strtoll(PQgetvalue(s->res, r, 1), NULL, 10);
    if (HAS(key_len)) {
        msg->key = NULL;
        msg->key_len = 0;
    }
    if (HAS(origin)) {
        if (*seq)
            snprintf(msg->origin, sizeof msg->origin, "pg:%s@%s", t ? t->plain : "?", seq);
        else
            snprintf(msg->origin, sizeof msg->origin, "pg:%s#%llu", t ? t->plain : "?",
                     s->snapshot_rows);
    }
#undef HAS
    return 0;
}

/* Connects again after a transient failure and takes up where the reading was. */
static int resume(pg_source *s, jm_error *err)
{
    double deadline = jm__pg_now() + s->c.retry_s;
    for (;;) {
        int transient = 0;
        source_clear_rows(s);
        if (jm__pg_reconnect(&s->c, deadline, err))
            return JM_EIO;
        int rc = s->follow ? jm__pg_exec(&s->c, "LISTEN jobmatch", &transient, err) : 0;
        if (rc == 0 && (s->phase == SNAPSHOT))
            rc = start_snapshot(s, &transient, err);
        if (rc == 0)
            return 0;
        if (!transient || jm__pg_now() > deadline)
            return rc;
    }
}

static int source_next(void *state, jm_source_msg *msg, int timeout_ms, jm_error *err)
{
    pg_source *s = state;
    double deadline = timeout_ms < 0 ? -1 : jm__pg_now() + timeout_ms / 1000.0;
    for (;;) {
        if (s->row < s->nrows)
            return deliver(s, msg);
        if (s->phase == ENDED)
            return JM_SOURCE_END;
        int transient = 0, rc = 0;
        if (s->phase == START)
            rc = start_snapshot(s, &transient, err);
        if (rc == 0)
            rc = fetch(s, &transient, err);
        if (rc && transient && (rc = resume(s, err)) == 0)
            continue;
        if (rc)
            return rc;
        if (s->row < s->nrows || s->phase != FOLLOW)
            continue;
        /* following, nothing new: wait for a NOTIFY, at most poll ms, within the timeout */
        double left = deadline < 0 ? s->poll_ms : (deadline - jm__pg_now()) * 1000;
        if (left <= 0)
            return JM_SOURCE_AGAIN;
        wait_notify(s, left < s->poll_ms ? (int)left : s->poll_ms);
    }
}

static void source_destroy(void *state)
{
    pg_source *s = state;
    source_clear_rows(s);
    jm__pg_conn_free(&s->c);
    free(s);
}

jm_source *jm__pg_source_new(const jm_plugin_option *options, size_t noptions, jm_error *err)
{
    pg_source *s = calloc(1, sizeof *s);
    if (!s) {
        jm__pg_say(err, JM_ENOMEM, "out of memory");
        return NULL;
    }
    s->want[0] = s->want[1] = 1;
    s->poll_ms = 1000;
    int rc = jm__pg_conn_init(&s->c, options, noptions, source_option, s, err);
    if (rc == 0)
        rc = jm__pg_connect(&s->c, err);
    for (int k = 0; rc == 0 && k < JM_PG_KINDS; k++) {
        if (!s->want[k])
            continue;
        table *t = &s->tables[s->ntables];
        if ((rc = find_table(s, k, t, err)))
            break;
        if (!*t->name)
            continue;
        if (s->follow && !t->has_seq) {
            jm__pg_say(err, JM_EINVAL,
                       "follow: table %s in %s has no jm_seq column: load sql/schema.sql into it",
                       t->plain, s->c.where);
            rc = JM_EINVAL;
            break;
        }
        s->ntables++;
    }
    if (rc == 0 && s->ntables == 0) {
        jm__pg_say(err, JM_EIO, "%s holds no job_posts, candidate_info or applications table",
                   s->c.where);
        rc = JM_EIO;
    }
    int transient = 0;
    if (rc == 0 && s->follow)
        rc = jm__pg_exec(&s->c, "LISTEN jobmatch", &transient, err);
    if (rc) {
        source_destroy(s);
        return NULL;
    }
    static const jm_source_ops ops = {
        .struct_size = sizeof(jm_source_ops),
        .name = JM_PG_NAME,
        .next = source_next,
        .destroy = source_destroy,
    };
    jm_source *src = jm_source_new(&ops, s, err);
    return src;
}
