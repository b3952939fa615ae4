/* Reading ahead on other threads: one thread reads the inputs and frames their records, workers
 * parse NDJSON lines in batches, and the caller's thread hands records and rejects on to the
 * tool in input order, as jm_cli_read_inputs() does on one thread. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "read_ahead.h"

typedef enum ev_kind {
    EV_BEGIN,  /* an input starts: input */
    EV_HINT,   /* what its first bytes look like: input */
    EV_LINE,   /* an NDJSON line, for a worker to parse into EV_RECORD or EV_REJECT */
    EV_RECORD, /* rec, its text and line */
    EV_REJECT, /* err, the text (has_text) */
    EV_PART,   /* a piece of an over-long record's text */
    EV_END,    /* the input's end */
    EV_FAIL,   /* the input cannot be read: the text says why (exit 3, as on one thread) */
    EV_ERROR   /* code: stop with it */
} ev_kind;

typedef struct event {
    ev_kind kind;
    int has_text, input, code;
    unsigned long line;
    size_t off, len; /* the text, in the batch's */
    jm_record *rec;
    jm_error *err;
} event;

/* What one read of an input gave. Batches are handed on in the order they were read. */
typedef enum { FILLING, SEALED, PARSING, READY } batch_state;
typedef struct batch {
    struct batch *next;
    batch_state state;
    event *ev;
    size_t nev, cap;
    jm_buf text;
    const char *source; /* the input's name, for its lines' rejects */
} batch;

typedef struct input_info {
    const char *name;
    jm_format format;
    const char *hint;
} input_info;

typedef struct ahead {
    const jm_cli_input_ops *ops;
    char **paths;
    int npaths;
    input_info *inputs;
    pthread_mutex_t mu;
    pthread_cond_t space, work, ready;
    batch *head, *tail, *spare; /* in flight, in order; and batches to reuse */
    unsigned inflight, max_inflight;
    int done; /* the reading thread has handed on its last batch */
    atomic_int stop;
    batch *cur; /* the reading thread's */
    pthread_t reader;
    pthread_t *workers;
    unsigned nworkers;
    char fail[1100]; /* an input that cannot be read: the message */
} ahead;

/* The record being handed on, for jm_cli_reject_record(). */
typedef struct delivering {
    const jm_cli_input_ops *ops;
    const event *ev;
    const batch *b;
    int rejected;
} delivering;
static _Thread_local delivering *now_delivering;

enum { READ_SIZE = 1 << 18, FAILED = 1 /* no JM_E code: those are negative */ };

/* ---- batches -------------------------------------------------------------------------------- */

static void batch_clear(batch *b)
{
    for (size_t i = 0; i < b->nev; i++) {
        jm_record_free(b->ev[i].rec);
        free(b->ev[i].err);
    }
    b->nev = 0;
    b->text.len = 0;
}

static void batch_free(batch *b)
{
    batch_clear(b);
    free(b->ev);
    jm_buf_free(&b->text);
    free(b);
}

static void out_of_memory(void)
{
    jm_cli_error("out of memory");
    exit(EXIT_IO);
}

/* A new event of kind in the reading thread's batch, with a copy of text when text is set. */
static event *add_event(ahead *a, ev_kind kind, const char *text, size_t len)
{
    batch *b = a->cur;
    if (b->nev == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        event *ev = realloc(b->ev, cap * sizeof *ev);
        if (!ev)
            out_of_memory();
        b->ev = ev;
        b->cap = cap;
    }
    event *e = &b->ev[b->nev++];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    if (text) {
        e->has_text = 1;
        e->off = b->text.len;
        e->len = len;
        if (jm_buf_reserve(&b->text, len))
            out_of_memory();
        if (len)
            memcpy(b->text.data + b->text.len, text, len);
        b->text.len += len;
    }
    return e;
}

/* Hands the reading thread's batch on (it waits while too many are in flight) and starts the
 * next. */
static void seal(ahead *a, const char *source)
{
    batch *b = a->cur;
    pthread_mutex_lock(&a->mu);
    int lines = 0;
    for (size_t i = 0; i < b->nev && !lines; i++)
        lines = b->ev[i].kind == EV_LINE;
    if (b->nev) {
        b->state = lines ? SEALED : READY;
        b->source = source;
        b->next = NULL;
        if (a->tail)
            a->tail->next = b;
        else
            a->head = b;
        a->tail = b;
        a->inflight++;
        pthread_cond_broadcast(lines ? &a->work : &a->ready);
        while (a->inflight >= a->max_inflight && !atomic_load(&a->stop))
            pthread_cond_wait(&a->space, &a->mu);
        b = a->spare;
        if (b)
            a->spare = b->next;
    }
    pthread_mutex_unlock(&a->mu);
    if (!b && !(b = calloc(1, sizeof *b)))
        out_of_memory();
    b->state = FILLING;
    a->cur = b;
}

/* ---- the reading thread --------------------------------------------------------------------- */

static int stopped(ahead *a)
{
    return atomic_load(&a->stop) ? JM_ECALLBACK : 0;
}

static int take_record(void *ctx, jm_record **rec, const char *raw, size_t len, unsigned long line)
{
    ahead *a = ctx;
    event *e = add_event(a, EV_RECORD, raw, len);
    e->rec = *rec;
    e->line = line;
    *rec = NULL;
    return stopped(a);
}

static int take_line(void *ctx, jm_reader *r, const char *text, size_t len, unsigned long line)
{
    (void)r;
    ahead *a = ctx;
    add_event(a, EV_LINE, text, len)->line = line;
    return stopped(a);
}

static int take_reject(void *ctx, const jm_error *err, const char *raw, size_t len)
{
    ahead *a = ctx;
    event *e = add_event(a, EV_REJECT, raw, raw ? len : 0);
    if (!(e->err = malloc(sizeof *e->err)))
        out_of_memory();
    *e->err = *err;
    return stopped(a);
}

static int take_part(void *ctx, const char *part, size_t len)
{
    ahead *a = ctx;
    add_event(a, EV_PART, part, len);
    return stopped(a);
}

/* Ends the reading with a message the tool prints when it gets there, then exits 3. */
static void fail(ahead *a, const char *what, const char *why)
{
    char text[1024];
    int n = snprintf(text, sizeof text, "%s: %s", what, why);
    add_event(a, EV_FAIL, text, n < 0 ? 0 : (size_t)n < sizeof text ? (size_t)n : sizeof text - 1);
}

/* Reads input i to its end; 0, or nonzero when reading stops here. */
static int read_input(ahead *a, int i, char *buf)
{
    const jm_cli_input_ops *ops = a->ops;
    const char *path = a->npaths ? a->paths[i] : NULL;
    int is_stdin = !path || strcmp(path, "-") == 0;
    input_info *in = &a->inputs[i];
    in->name = is_stdin ? "<stdin>" : path;
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fail(a, path, strerror(errno));
        return 1;
    }
    in->format = jm_cli_format_of(is_stdin ? NULL : path, ops->format_option);
    jm_error err;
    jm_reader *r = jm_reader_new(in->format, in->name, ops->max_record_bytes, take_record,
                                 take_reject, a, &err);
    if (!r) {
        fail(a, in->name, err.text);
        return 1;
    }
    jm_reader_set_reject_part(r, take_part);
    if (in->format == JM_FORMAT_NDJSON)
        jm_reader_set_line_fn(r, take_line);
    add_event(a, EV_BEGIN, NULL, 0)->input = i;
    int rc = 0, sniffed = 0;
    for (;;) {
        ssize_t n;
        do
            n = read(fd, buf, READ_SIZE);
        while (n < 0 && errno == EINTR);
        if (n < 0) {
            int code = errno;
            fail(a, in->name, "read failed");
            a->cur->ev[a->cur->nev - 1].code = code;
            rc = 1;
            break;
        }
        if (n > 0 && !sniffed) {
            sniffed = 1;
            if ((in->hint = jm_cli_sniff(buf, (size_t)n, in->format)))
                add_event(a, EV_HINT, NULL, 0)->input = i;
        }
        rc = n > 0 ? jm_reader_feed(r, buf, (size_t)n) : jm_reader_finish(r);
        if (rc) {
            if (rc != JM_ECALLBACK)
                add_event(a, EV_ERROR, NULL, 0)->code = rc;
            break;
        }
        if (n == 0) {
            add_event(a, EV_END, NULL, 0)->input = i;
            break;
        }
        seal(a, in->name);
        if ((rc = stopped(a)))
            break;
    }
    seal(a, in->name);
    jm_reader_free(r);
    if (!is_stdin)
        close(fd);
    return rc;
}

static void *reader_main(void *arg)
{
    ahead *a = arg;
    char *buf = malloc(READ_SIZE);
    if (!buf)
        out_of_memory();
    for (int i = 0; i < (a->npaths ? a->npaths : 1) && !stopped(a); i++)
        if (read_input(a, i, buf))
            break;
    seal(a, ""); /* a failure to open an input */
    free(buf);
    pthread_mutex_lock(&a->mu);
    a->done = 1;
    pthread_cond_broadcast(&a->ready);
    pthread_cond_broadcast(&a->work);
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

/* ---- the parsing workers -------------------------------------------------------------------- */

/* Parses a batch's lines as the reader would have (jm_parse_ndjson()), rejects named as it
 * names them. */
static void parse_batch(batch *b)
{
    for (size_t i = 0; i < b->nev; i++) {
        event *e = &b->ev[i];
        if (e->kind != EV_LINE)
            continue;
        jm_error err = {0};
        jm_record *rec = jm_record_new(JM_KIND_NONE, NULL);
        int rc = rec ? jm_parse_ndjson(b->text.data + e->off, e->len, rec, &err) : JM_ENOMEM;
        if (rc == 0) {
            e->kind = EV_RECORD;
            e->rec = rec;
            continue;
        }
        jm_record_free(rec);
        if (rc == JM_ENOMEM || !(e->err = malloc(sizeof *e->err))) {
            e->kind = EV_ERROR;
            e->code = JM_ENOMEM;
            continue;
        }
        e->kind = EV_REJECT;
        err.line = e->line;
        snprintf(err.source, sizeof err.source, "%s", b->source);
        *e->err = err;
    }
}

static void *worker_main(void *arg)
{
    ahead *a = arg;
    pthread_mutex_lock(&a->mu);
    for (;;) {
        batch *b = a->head;
        while (b && b->state != SEALED)
            b = b->next;
        if (!b) {
            if (a->done || atomic_load(&a->stop))
                break;
            pthread_cond_wait(&a->work, &a->mu);
            continue;
        }
        b->state = PARSING;
        pthread_mutex_unlock(&a->mu);
        parse_batch(b);
        pthread_mutex_lock(&a->mu);
        b->state = READY;
        pthread_cond_broadcast(&a->ready);
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

/* ---- handing on, on the caller's thread ----------------------------------------------------- */

/* The next batch in input order once it is ready; NULL after the last. */
static batch *next_batch(ahead *a)
{
    pthread_mutex_lock(&a->mu);
    while (!(a->head && a->head->state == READY) && !(a->done && !a->head))
        pthread_cond_wait(&a->ready, &a->mu);
    batch *b = a->head;
    if (b) {
        a->head = b->next;
        if (!a->head)
            a->tail = NULL;
        a->inflight--;
        pthread_cond_signal(&a->space);
    }
    pthread_mutex_unlock(&a->mu);
    return b;
}

static void recycle(ahead *a, batch *b)
{
    batch_clear(b);
    pthread_mutex_lock(&a->mu);
    b->next = a->spare;
    a->spare = b;
    pthread_mutex_unlock(&a->mu);
}

/* Hands on one event as the reader on one thread would have; 0 or a callback's code. */
static int deliver(ahead *a, batch *b, event *e, jm_cli_input_note *note)
{
    const jm_cli_input_ops *ops = a->ops;
    const char *text = e->has_text ? b->text.data + e->off : NULL;
    const input_info *in = &a->inputs[e->input];
    int rc = 0;
    switch (e->kind) {
    case EV_BEGIN:
        *note = (jm_cli_input_note){.name = in->name, .format = in->format};
        if (ops->rejects)
            ops->rejects->input = note;
        if (ops->current_format)
            *ops->current_format = in->format;
        if (ops->current_reader)
            *ops->current_reader = NULL;
        break;
    case EV_HINT:
        note->sniffed = 1;
        note->hint = in->hint;
        break;
    case EV_RECORD: {
        delivering d = {ops, e, b, 0};
        now_delivering = &d;
        rc = ops->on_record ? ops->on_record(ops->ctx, &e->rec, text, e->len, e->line) : 0;
        now_delivering = NULL;
        note->records += !d.rejected;
        break;
    }
    case EV_REJECT: rc = ops->on_reject ? ops->on_reject(ops->ctx, e->err, text, e->len) : 0; break;
    case EV_PART: rc = ops->on_reject_part ? ops->on_reject_part(ops->ctx, text, e->len) : 0; break;
    case EV_END:
        jm_cli_note_end(note);
        if (ops->rejects && ops->rejects->input == note)
            ops->rejects->input = NULL;
        break;
    case EV_FAIL:
        /* Said and exited on once the threads are stopped. */
        snprintf(a->fail, sizeof a->fail, "%.*s%s%s", (int)e->len, text, e->code ? ": " : "",
                 e->code ? strerror(e->code) : "");
        rc = FAILED;
        break;
    case EV_ERROR: rc = e->code; break;
    case EV_LINE: break; /* parsed before it is ready */
    }
    return rc;
}

int jm_cli_reject_record(jm_reader *current, const jm_error *err)
{
    delivering *d = now_delivering;
    if (!d)
        return jm_reader_reject(current, err);
    if (d->rejected)
        return JM_EINVAL;
    d->rejected = 1;
    jm_error e = *err;
    e.line = d->ev->line;
    snprintf(e.source, sizeof e.source, "%s", d->b->source);
    const char *text = d->ev->has_text ? d->b->text.data + d->ev->off : NULL;
    return d->ops->on_reject ? d->ops->on_reject(d->ops->ctx, &e, text, d->ev->len) : 0;
}

int jm_cli_read_ahead(char **paths, int npaths, const jm_cli_input_ops *ops, unsigned threads)
{
    ahead a = {.ops = ops, .paths = paths, .npaths = npaths};
    /* Workers parse while the caller's thread matches; the reading thread only frames. */
    a.nworkers = threads > 1 ? threads - 1 : 1;
    a.max_inflight = 2 + 2 * a.nworkers;
    a.inputs = calloc((size_t)(npaths ? npaths : 1), sizeof *a.inputs);
    a.workers = calloc(a.nworkers, sizeof *a.workers);
    a.cur = calloc(1, sizeof *a.cur);
    if (!a.inputs || !a.workers || !a.cur)
        out_of_memory();
    pthread_mutex_init(&a.mu, NULL);
    pthread_cond_init(&a.space, NULL);
    pthread_cond_init(&a.work, NULL);
    pthread_cond_init(&a.ready, NULL);
    if (pthread_create(&a.reader, NULL, reader_main, &a) != 0) {
        jm_cli_error("cannot start a thread to read with");
        exit(EXIT_IO);
    }
    unsigned started = 0;
    while (started < a.nworkers && pthread_create(&a.workers[started], NULL, worker_main, &a) == 0)
        started++;
    if (!started) {
        jm_cli_error("cannot start a thread to parse with");
        exit(EXIT_IO);
    }
    jm_cli_input_note note = {0};
    int rc = 0;
    for (batch *b; rc == 0;) {
        if (ops->before_read)
            ops->before_read(ops->ctx);
        if (!(b = next_batch(&a)))
            break;
        for (size_t i = 0; rc == 0 && i < b->nev; i++)
            rc = deliver(&a, b, &b->ev[i], &note);
        recycle(&a, b);
    }
    pthread_mutex_lock(&a.mu);
    atomic_store(&a.stop, 1);
    pthread_cond_broadcast(&a.space);
    pthread_cond_broadcast(&a.work);
    pthread_mutex_unlock(&a.mu);
    pthread_join(a.reader, NULL);
    for (unsigned i = 0; i < started; i++)
        pthread_join(a.workers[i], NULL);
    if (ops->rejects && ops->rejects->input == &note)
        ops->rejects->input = NULL;
    for (batch *b = a.head, *next; b; b = next) {
        next = b->next;
        batch_free(b);
    }
    for (batch *b = a.spare, *next; b; b = next) {
        next = b->next;
        batch_free(b);
    }
    batch_free(a.cur);
    pthread_cond_destroy(&a.ready);
    pthread_cond_destroy(&a.work);
    pthread_cond_destroy(&a.space);
    pthread_mutex_destroy(&a.mu);
    free(a.workers);
    free(a.inputs);
    if (rc == FAILED) {
        jm_cli_error("%s", a.fail);
        exit(EXIT_IO);
    }
    return rc;
}
