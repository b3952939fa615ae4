/* The PostgreSQL module's connection: settings from options, the environment and ./.env;
 * connecting and reconnecting with a bounded backoff; one-line messages without the password. */
#define _GNU_SOURCE /* program_invocation_short_name */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pg_internal.h"

static int param_set(jm__pg_conn *c, const char *key, const char *val)
{
    for (size_t i = 0; i < c->nparams; i++) {
        if (strcmp(c->keys[i], key) == 0) {
            char *v = strdup(val);
            if (!v)
                return JM_ENOMEM;
            free(c->vals[i]);
            c->vals[i] = v;
            return 0;
        }
    }
    if (c->nparams + 1 >= c->capparams) {
        size_t cap = c->capparams ? 2 * c->capparams : 16;
        char **k = realloc(c->keys, cap * sizeof *k);
        if (!k)
            return JM_ENOMEM;
        c->keys = k;
        char **v = realloc(c->vals, cap * sizeof *v);
        if (!v)
            return JM_ENOMEM;
        c->vals = v;
        c->capparams = cap;
    }
    char *k = strdup(key), *v = strdup(val);
    if (!k || !v) {
        free(k);
        free(v);
        return JM_ENOMEM;
    }
    c->keys[c->nparams] = k;
    c->vals[c->nparams] = v;
    c->nparams++;
    c->keys[c->nparams] = NULL;
    c->vals[c->nparams] = NULL;
    return 0;
}

static const char *nonempty_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* The reference pipeline's variables, and the libpq keyword and PG* variable each stands for. */
static const struct {
    const char *var, *keyword, *pgvar;
} reference_vars[] = {
    {"POSTGRES_HOST", "host", "PGHOST"},
    {"POSTGRES_PORT", "port", "PGPORT"},
    {"POSTGRES_DB", "dbname", "PGDATABASE"},
    {"POSTGRES_USER", "user", "PGUSER"},
    {"POSTGRES_PASSWORD", "password", "PGPASSWORD"},
};
#define NREFERENCE_VARS (sizeof reference_vars / sizeof reference_vars[0])

/* One value of ./.env as python-dotenv reads it: "KEY=VALUE" lines, "export " allowed, '#'
 * comments, quotes around the value removed. Fills vals[i] (owned) for the variables above. */
static int read_dotenv(char *vals[NREFERENCE_VARS])
{
    FILE *f = fopen(".env", "r");
    if (!f)
        return 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncmp(p, "export ", 7) == 0)
            p += 7;
        char *eq = strchr(p, '=');
        if (!eq || *p == '#')
            continue;
        char *kend = eq;
        while (kend > p && (kend[-1] == ' ' || kend[-1] == '\t'))
            kend--;
        char *v = eq + 1, *vend = line + n;
        while (*v == ' ' || *v == '\t')
            v++;
        while (vend > v &&
               (vend[-1] == '\n' || vend[-1] == '\r' || vend[-1] == ' ' || vend[-1] == '\t'))
            vend--;
        if (vend - v >= 2 && (*v == '"' || *v == '\'') && vend[-1] == *v) {
            v++;
            vend--;
        } else {
            /* an unquoted value ends at " #" */
            for (char *h = v; h < vend; h++)
                if (*h == '#' && h > v && (h[-1] == ' ' || h[-1] == '\t')) {
                    vend = h;
                    while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
                        vend--;
                    break;
                }
        }
        for (size_t i = 0; i < NREFERENCE_VARS; i++) {
            if ((size_t)(kend - p) == strlen(reference_vars[i].var) &&
                memcmp(p, reference_vars[i].var, (size_t)(kend - p)) == 0) {
                char *copy = strndup(v, (size_t)(vend - v));
                if (!copy) {
                    rc = JM_ENOMEM;
                    break;
                }
                free(vals[i]);
                vals[i] = copy;
            }
        }
    }
    free(line);
    fclose(f);
    return rc;
}

static int reference_settings(jm__pg_conn *c)
{
    char *dotenv[NREFERENCE_VARS] = {0};
    int rc = read_dotenv(dotenv);
    for (size_t i = 0; rc == 0 && i < NREFERENCE_VARS; i++) {
        if (nonempty_env(reference_vars[i].pgvar))
            continue; /* the standard variable wins */
        const char *v = nonempty_env(reference_vars[i].var);
        if (!v)
            v = dotenv[i] && *dotenv[i] ? dotenv[i] : NULL;
        if (v)
            rc = param_set(c, reference_vars[i].keyword, v);
    }
    for (size_t i = 0; i < NREFERENCE_VARS; i++)
        free(dotenv[i]);
    return rc;
}

static int is_libpq_keyword(const char *key)
{
    PQconninfoOption *defs = PQconndefaults();
    int found = 0;
    for (PQconninfoOption *o = defs; o && o->keyword; o++)
        if (strcmp(o->keyword, key) == 0)
            found = 1;
    PQconninfoFree(defs);
    return found;
}

void jm__pg_say(jm_error *err, int code, const char *fmt, ...)
{
    err->code = code;
    snprintf(err->source, sizeof err->source, "%s", JM_PG_NAME);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
}

static int add_conninfo(jm__pg_conn *c, const char *conninfo, jm_error *err)
{
    char *msg = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &msg);
    if (!opts) {
        PQfreemem(msg);
        /* libpq's message quotes pieces of the string, which may hold a password */
        jm__pg_say(err, JM_EINVAL, "conninfo: not a connection string or a postgresql:// URI");
        return JM_EINVAL;
    }
    int rc = 0;
    for (PQconninfoOption *o = opts; rc == 0 && o->keyword; o++)
        if (o->val)
            rc = param_set(c, o->keyword, o->val);
    PQconninfoFree(opts);
    return rc;
}

int jm__pg_conn_init(jm__pg_conn *c, const jm_plugin_option *options, size_t noptions,
                     jm__pg_option_fn other, void *ctx, jm_error *err)
{
    memset(c, 0, sizeof *c);
    c->retry_s = 30;
    int rc = param_set(c, "fallback_application_name", "jobmatch");
    if (rc == 0 && !nonempty_env("PGCONNECT_TIMEOUT"))
        rc = param_set(c, "connect_timeout", "10");
    if (rc == 0)
        rc = reference_settings(c);
    for (size_t i = 0; rc == 0 && i < noptions; i++) {
        const char *k = options[i].key, *v = options[i].value;
        if (strcmp(k, "conninfo") == 0) {
            if ((rc = add_conninfo(c, v, err)))
                return rc;
        } else if (strcmp(k, "retry") == 0) {
            char *end;
            errno = 0;
            double s = strtod(v, &end);
            if (end == v || *end || errno || !(s >= 0 && s <= 86400)) {
                jm__pg_say(err, JM_EINVAL,
                           "retry: not a number of seconds from 0 to 86400: '%.64s'", v);
                return JM_EINVAL;
            }
            c->retry_s = s;
        } else if (strcmp(k, "client_encoding") != 0 && is_libpq_keyword(k)) {
            rc = param_set(c, k, v);
        } else {
            rc = other ? other(ctx, k, v, err) : 1;
            if (rc == 1) {
                jm__pg_say(err, JM_EINVAL, "unknown option: %.64s", k);
                return JM_EINVAL;
            }
            if (rc)
                return rc;
        }
    }
    /* Records are UTF-8 whatever the database's encoding. */
    if (rc == 0)
        rc = param_set(c, "client_encoding", "UTF8");
    for (size_t i = 0; rc == 0 && i < c->nparams; i++)
        if (strcmp(c->keys[i], "password") == 0 && *c->vals[i] &&
            !(c->password = strdup(c->vals[i])))
            rc = JM_ENOMEM;
    if (rc == JM_ENOMEM)
        jm__pg_say(err, JM_ENOMEM, "out of memory");
    return rc;
}

void jm__pg_conn_free(jm__pg_conn *c)
{
    if (c->conn)
        PQfinish(c->conn);
    for (size_t i = 0; i < c->nparams; i++) {
        free(c->keys[i]);
        free(c->vals[i]);
    }
    free(c->keys);
    free(c->vals);
    free(c->password);
    memset(c, 0, sizeof *c);
}

/* Blanks every copy of the password in s. */
static void blank_password(const jm__pg_conn *c, char *s)
{
    if (!c || !c->password || strlen(c->password) < 3)
        return;
    size_t n = strlen(c->password);
    for (char *p = strstr(s, c->password); p; p = strstr(p + n, c->password))
        memset(p, '*', n);
}

/* Makes s one line: each run of line breaks and tabs becomes one space; no trailing space. */
static void one_line(char *s)
{
    char *w = s;
    for (const char *r = s; *r;) {
        if (*r == '\n' || *r == '\r' || *r == '\t') {
            while (*r == '\n' || *r == '\r' || *r == '\t' || *r == ' ')
                r++;
            if (*r && w > s)
                *w++ = ' ';
        } else {
            *w++ = *r++;
        }
    }
    while (w > s && w[-1] == ' ')
        w--;
    *w = '\0';
}

static void set_where(jm__pg_conn *c)
{
    const char *host = PQhost(c->conn), *port = PQport(c->conn), *db = PQdb(c->conn),
               *user = PQuser(c->conn);
    snprintf(c->where, sizeof c->where, "%s:%s/%s as %s", host && *host ? host : "localhost",
             port && *port ? port : "5432", db ? db : "?", user ? user : "?");
}

void jm__pg_fail(jm_error *err, int code, const jm__pg_conn *c, const char *what,
                 const PGresult *res)
{
    const char *msg = NULL;
    if (res)
        msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    if (!msg && res)
        msg = PQresultErrorMessage(res);
    if ((!msg || !*msg) && c && c->conn)
        msg = PQerrorMessage(c->conn);
    if (!msg || !*msg)
        msg = "no message";
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    jm__pg_say(err, code, "%s: %s%s%s%s", what, msg, state ? " (SQLSTATE " : "", state ? state : "",
               state ? ")" : "");
    one_line(err->text);
    blank_password(c, err->text);
}

void jm__pg_set_text(jm_error *err, const char *s)
{
    size_t n = strlen(s);
    if (n >= sizeof err->text)
        n = sizeof err->text - 1;
    memcpy(err->text, s, n);
    err->text[n] = '\0';
}

void jm__pg_report(const jm_error *err)
{
    fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, JM_PG_NAME, err->text);
}

static void ignore_notice(void *ctx, const char *message)
{
    (void)ctx;
    (void)message;
}

int jm__pg_connect(jm__pg_conn *c, jm_error *err)
{
    if (c->conn)
        PQfinish(c->conn);
    c->conn = PQconnectdbParams((const char *const *)c->keys, (const char *const *)c->vals, 0);
    if (!c->conn) {
        jm__pg_say(err, JM_ENOMEM, "out of memory");
        return JM_ENOMEM;
    }
    /* the server's notices and warnings are not the tools' to print */
    PQsetNoticeProcessor(c->conn, ignore_notice, NULL);
    set_where(c);
    if (PQstatus(c->conn) != CONNECTION_OK) {
        char what[300];
        snprintf(what, sizeof what, "cannot connect to %s", c->where);
        jm__pg_fail(err, JM_EIO, c, what, NULL);
        PQfinish(c->conn);
        c->conn = NULL;
        return JM_EIO;
    }
    c->epoch++;
    return 0;
}

double jm__pg_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int jm__pg_reconnect(jm__pg_conn *c, double deadline, jm_error *err)
{
    double pause = 0.1;
    for (;;) {
        int rc = jm__pg_connect(c, err);
        if (rc != JM_EIO)
            return rc;
        double left = deadline - jm__pg_now();
        if (left <= 0)
            return JM_EIO;
        double s = fmin(pause, left);
        struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
        while (nanosleep(&ts, &ts) && errno == EINTR)
            ;
        pause = fmin(pause * 2, 2.0);
    }
}

int jm__pg_transient(const PGconn *conn, const PGresult *res)
{
    if (!conn || PQstatus(conn) == CONNECTION_BAD)
        return 1;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (!state)
        return 0;
    return strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
           strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0 ||
           strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
           strcmp(state, "53300") == 0;
}

int jm__pg_exec(jm__pg_conn *c, const char *sql, int *transient, jm_error *err)
{
    PGresult *res = PQexec(c->conn, sql);
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        PQclear(res);
        *transient = 0;
        return 0;
    }
    *transient = jm__pg_transient(c->conn, res);
    jm__pg_fail(err, JM_EIO, c, "the server refused a command", res);
    PQclear(res);
    return JM_EIO;
}
