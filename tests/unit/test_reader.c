/* Checks the streaming reader against the bad-input catalogue of SPEC "Bad input and failure":
 * every bad line is rejected with the right code and line, every good neighbour comes through
 * unchanged, whatever the chunking of the input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

typedef struct seen {
    jm_buf out;  /* good records as NDJSON, then " @line\n" */
    jm_buf rej;  /* rejects: "code line source|raw\n" */
    jm_buf part; /* the text of an over-long reject so far, handed on in pieces */
    unsigned long nrec, nrej, nparts;
    int stop_after; /* on_record returns JM_ECALLBACK after this many, if > 0 */
    int take;       /* on_record keeps the record (up to 64), whether or not it stops */
    jm_record *kept[64];
} seen;

static void put(jm_buf *b, const char *s, size_t n)
{
    ck_assert_int_eq(jm_buf_reserve(b, n + 1), 0);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static int on_rec(void *ctx, jm_record **rec, const char *raw, size_t raw_len, unsigned long line)
{
    seen *s = ctx;
    s->nrec++;
    ck_assert_ptr_nonnull(*rec);
    ck_assert_int_eq(jm_write_ndjson(*rec, &s->out), 0);
    char tmp[64];
    int n = snprintf(tmp, sizeof tmp, "@%lu raw=%zu\n", line, raw_len);
    put(&s->out, tmp, (size_t)n);
    (void)raw;
    if (s->take && s->nrec <= 64) {
        s->kept[s->nrec - 1] = *rec;
        *rec = NULL;
    }
    if (s->stop_after && (int)s->nrec >= s->stop_after)
        return JM_ECALLBACK;
    return 0;
}

static int on_rej(void *ctx, const jm_error *err, const char *raw, size_t raw_len)
{
    seen *s = ctx;
    s->nrej++;
    char tmp[400];
    int n = snprintf(tmp, sizeof tmp, "%s %lu %s|", jm_err_name(err->code), err->line, err->source);
    put(&s->rej, tmp, (size_t)n);
    /* An over-long record is the one reject whose text came before, in pieces. */
    ck_assert_msg((raw == NULL) == (err->code == JM_ETOOLONG), "raw of a %s reject",
                  jm_err_name(err->code));
    if (raw)
        put(&s->rej, raw, raw_len);
    else if (s->part.len)
        put(&s->rej, s->part.data, s->part.len);
    s->part.len = 0;
    put(&s->rej, "\n", 1);
    ck_assert_msg(err->text[0] != '\0', "a reject without a reason");
    ck_assert_msg(strchr(err->text, '\n') == NULL, "a reason of more than one line");
    return 0;
}

static int on_part(void *ctx, const char *part, size_t len)
{
    seen *s = ctx;
    ck_assert_uint_gt(len, 0);
    s->nparts++;
    put(&s->part, part, len);
    return 0;
}

/* A fresh reader of source "in.ndjson" into s, which is cleared. */
static jm_reader *new_reader(jm_format fmt, size_t max, seen *s)
{
    memset(s, 0, sizeof *s);
    jm_reader *r = jm_reader_new(fmt, "in.ndjson", max, on_rec, on_rej, s, NULL);
    ck_assert_ptr_nonnull(r);
    jm_reader_set_reject_part(r, on_part);
    return r;
}

/* Feeds text in chunks of chunk bytes (0: all at once) to a fresh reader. */
static void run(jm_format fmt, const char *text, size_t len, size_t chunk, size_t max, seen *s)
{
    jm_reader *r = new_reader(fmt, max, s);
    if (!chunk)
        chunk = len ? len : 1;
    for (size_t at = 0; at < len; at += chunk)
        ck_assert_int_eq(jm_reader_feed(r, text + at, len - at < chunk ? len - at : chunk), 0);
    ck_assert_int_eq(jm_reader_finish(r), 0);
    ck_assert_uint_eq(jm_reader_records(r), s->nrec);
    ck_assert_uint_eq(jm_reader_rejects(r), s->nrej);
    jm_reader_free(r);
}

static void done(seen *s)
{
    jm_buf_free(&s->out);
    jm_buf_free(&s->rej);
    jm_buf_free(&s->part);
}

#define GOOD_JOB1 \
    "{\"type\":\"job_post\",\"post_id\":\"J1\",\"company\":\"Acme, Inc.\",\"salary_max\":5000}"
#define GOOD_CAND1 \
    "{\"candidate_id\":\"C1\",\"name\":\"Zo\xc3\xab\",\"skills\":[\"Python\",\"SQL\"]}"
#define GOOD_CAND2 "{\"type\":\"candidate\",\"candidate_id\":\"C2\",\"gpa\":3.5}"
#define GOOD_JOB2 "{\"post_id\":\"J2\",\"job_category\":\"Consulting\"}"
#define GOOD_APP                                                                               \
    "{\"type\":\"application\",\"application_id\":\"A1\",\"candidate_id\":\"C1\",\"post_id\":" \
    "\"J1\"}"
#define LONG_PREFIX "{\"type\":\"job_post\",\"post_id\":\"JL\",\"company\":\""

/* The catalogue, one item a line; the expected rejects follow in want_rejects. */
static char *catalogue(size_t *len)
{
    jm_buf b = {0};
    char longline[400];
    memset(longline, 0, sizeof longline);
    strcpy(longline, LONG_PREFIX);
    size_t n = strlen(longline);
    memset(longline + n, 'x', 300 - n - 2); /* 300 bytes: over the 256 limit used below */
    strcpy(longline + 298, "\"}");
    const char *lines[] = {
        "\xEF\xBB\xBF" GOOD_JOB1,                              /* 1: BOM, then good */
        "{\"type\":\"job_post\",\"post_id\":\"JT\",\"comp",    /* 2: truncated */
        GOOD_CAND1,                                            /* 3 */
        "{not json}",                                          /* 4: malformed */
        "{\"type\":\"candidate\",\"candidate_id\":\"C\xff\"}", /* 5: invalid UTF-8 */
        "{\"type\":\"job_post\",\"post_id\":5}",               /* 6: id not a string */
        "{\"type\":\"candidate\",\"candidate_id\":\"C9\",\"skills\":[\"a\",1]}", /* 7 */
        "{\"type\":\"recruiter\",\"post_id\":\"R1\"}",    /* 8: unknown type */
        "{\"type\":\"job_post\",\"company\":\"NoId\"}",   /* 9: missing id */
        "{\"type\":\"candidate\",\"candidate_id\":\"\"}", /* 10: empty id */
        "",                                               /* 11: blank */
        "  \t ",                                          /* 12: blank */
        GOOD_CAND2 "\r",                                  /* 13: CRLF */
        longline,                                         /* 14: over-long */
        "[\"an\",\"array\"]",                             /* 15: not an object */
        "{\"type\":\"job_post\",\"post_id\":\"JX\"} {}",  /* 16: text after */
        "{\"type\":\"job_post\",\"post_id\":\"JS\",\"salary_max\":\"lots\"}", /* 17 */
        "{\"post_id\":\"P\",\"candidate_id\":\"C\"}", /* 18: type unrecognisable */
        "{\"type\":\"candidate\",\"candidate_id\":\"C8\",\"skills\":\"Python\"}",   /* 19 */
        "{\"type\":\"job_post\",\"post_id\":\"JD\",\"posted_date\":\"yesterday\"}", /* 20 */
        "{\"type\":\"candidate\",\"candidate_id\":\"C7\",\"birth_year\":1990.5}",   /* 21 */
        "{\"type\":\"candidate\",\"candidate_id\":\"\xed\xa0\x80\"}", /* 22: UTF-16 surrogate */
        "{\"type\":\"candidate\",\"candidate_id\":\"\xc0\xaf\"}",     /* 23: overlong encoding */
        GOOD_APP,                                                     /* 24 */
        "{\"type\":5,\"post_id\":\"J5\"}",                            /* 25 */
        GOOD_JOB2,                                                    /* 26: no newline after */
    };
    for (unsigned i = 0; i < sizeof lines / sizeof *lines; i++) {
        put(&b, lines[i], strlen(lines[i]));
        if (i + 1 < sizeof lines / sizeof *lines)
            put(&b, "\n", 1);
    }
    *len = b.len;
    return b.data;
}

static const struct {
    const char *code;
    unsigned long line;
} want_rejects[] = {
    {"JM_ESYNTAX", 2},   {"JM_ESYNTAX", 4},  {"JM_EUTF8", 5},    {"JM_ETYPE", 6},
    {"JM_ETYPE", 7},     {"JM_EKIND", 8},    {"JM_ENOID", 9},    {"JM_ENOID", 10},
    {"JM_ETOOLONG", 14}, {"JM_ESYNTAX", 15}, {"JM_ESYNTAX", 16}, {"JM_ETYPE", 17},
    {"JM_EKIND", 18},    {"JM_ETYPE", 19},   {"JM_EVALUE", 20},  {"JM_ETYPE", 21},
    {"JM_EUTF8", 22},    {"JM_EUTF8", 23},   {"JM_ETYPE", 25},
};

/* The good records, each as it parses alone: nothing lost or altered by its neighbours. */
static void expect_good(const seen *s)
{
    static const struct {
        const char *json;
        unsigned long line;
    } good[] = {{GOOD_JOB1, 1}, {GOOD_CAND1, 3}, {GOOD_CAND2, 13}, {GOOD_APP, 24}, {GOOD_JOB2, 26}};
    jm_buf want = {0};
    for (unsigned i = 0; i < sizeof good / sizeof *good; i++) {
        jm_record *r = jm_test_record(good[i].json);
        ck_assert_int_eq(jm_write_ndjson(r, &want), 0);
        char tmp[64];
        int n = snprintf(tmp, sizeof tmp, "@%lu raw=%zu\n", good[i].line, strlen(good[i].json));
        put(&want, tmp, (size_t)n);
        jm_record_free(r);
    }
    ck_assert_str_eq(s->out.data, want.data);
    jm_buf_free(&want);
}

static void expect_rejects(const seen *s, const char *text)
{
    ck_assert_uint_eq(s->nrej, sizeof want_rejects / sizeof *want_rejects);
    /* Each reject: code, line, source, and the raw line unchanged (without its newline). */
    const char *p = s->rej.data;
    for (unsigned i = 0; i < sizeof want_rejects / sizeof *want_rejects; i++) {
        char head[128];
        snprintf(head, sizeof head, "%s %lu in.ndjson|", want_rejects[i].code,
                 want_rejects[i].line);
        ck_assert_msg(strncmp(p, head, strlen(head)) == 0, "reject %u: want '%s', got '%.60s'", i,
                      head, p);
        p += strlen(head);
        /* The raw text is line want_rejects[i].line of the input. */
        const char *l = text;
        for (unsigned long k = 1; k < want_rejects[i].line; k++)
            l = strchr(l, '\n') + 1;
        size_t ll = strcspn(l, "\n");
        ck_assert_msg(strncmp(p, l, ll) == 0 && p[ll] == '\n', "raw of reject %u altered", i);
        p += ll + 1;
    }
    ck_assert_int_eq(*p, '\0');
}

START_TEST(catalogue_whole)
{
    size_t len;
    char *text = catalogue(&len);
    seen s;
    run(JM_FORMAT_NDJSON, text, len, 0, 256, &s);
    expect_good(&s);
    expect_rejects(&s, text);
    done(&s);
    free(text);
}
END_TEST

/* The same result in chunks of 1, 2, 3, 5, 7, 64 bytes (SPEC: a stream may arrive any way). */
START_TEST(catalogue_chunked)
{
    size_t len;
    char *text = catalogue(&len);
    seen whole;
    run(JM_FORMAT_NDJSON, text, len, 0, 256, &whole);
    size_t sizes[] = {1, 2, 3, 5, 7, 64};
    for (unsigned i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        seen s;
        run(JM_FORMAT_NDJSON, text, len, sizes[i], 256, &s);
        ck_assert_msg(strcmp(s.out.data, whole.out.data) == 0, "records differ at chunk %zu",
                      sizes[i]);
        ck_assert_msg(strcmp(s.rej.data, whole.rej.data) == 0, "rejects differ at chunk %zu",
                      sizes[i]);
        done(&s);
    }
    done(&whole);
    free(text);
}
END_TEST

/* The limit: a line of exactly max bytes is read, one byte more is rejected; a CR of a CRLF
 * ending does not count. The default limit is 1 MiB. */
START_TEST(line_limit_edges)
{
    char line[300];
    strcpy(line, LONG_PREFIX);
    size_t n = strlen(line);
    memset(line + n, 'y', 100 - n - 2);
    strcpy(line + 98, "\"}"); /* 100 bytes */
    char text[400];
    snprintf(text, sizeof text, "%s\r\n%s\n", line, line);
    seen s;
    run(JM_FORMAT_NDJSON, text, strlen(text), 0, 100, &s);
    ck_assert_uint_eq(s.nrec, 2);
    ck_assert_uint_eq(s.nrej, 0);
    done(&s);
    run(JM_FORMAT_NDJSON, text, strlen(text), 1, 99, &s);
    ck_assert_uint_eq(s.nrec, 0);
    ck_assert_uint_eq(s.nrej, 2);
    ck_assert_msg(strncmp(s.rej.data, "JM_ETOOLONG 1 in.ndjson|{", 25) == 0, "%s", s.rej.data);
    ck_assert_ptr_nonnull(strstr(s.rej.data, "\nJM_ETOOLONG 2 in.ndjson|{"));
    done(&s);
}
END_TEST

START_TEST(default_limit_one_mib)
{
    ck_assert_uint_eq(JM_DEFAULT_MAX_RECORD_BYTES, 1u << 20);
    size_t big = (1u << 20) + 1;
    char *text = malloc(big + 200);
    size_t n = (size_t)sprintf(text, LONG_PREFIX);
    memset(text + n, 'z', big - n - 2);
    memcpy(text + big - 2, "\"}", 2);
    size_t len = big;
    len += (size_t)sprintf(text + len, "\n" GOOD_JOB2 "\n");
    seen s;
    run(JM_FORMAT_NDJSON, text, len, 4096, 0, &s);
    ck_assert_uint_eq(s.nrej, 1);
    ck_assert_uint_eq(s.nrec, 1);
    ck_assert_ptr_nonnull(strstr(s.out.data, "\"J2\""));
    ck_assert_ptr_nonnull(strstr(s.out.data, "@2 "));
    done(&s);
    /* One byte shorter (exactly 1 MiB) is accepted. */
    memmove(text + 60, text + 61, len - 61);
    run(JM_FORMAT_NDJSON, text, len - 1, 4096, 0, &s);
    ck_assert_uint_eq(s.nrej, 0);
    ck_assert_uint_eq(s.nrec, 2);
    done(&s);
    free(text);
}
END_TEST

/* Line endings: CRLF everywhere, no final newline, an empty input, only blank lines. */
START_TEST(line_endings_and_blank_input)
{
    const char *text = GOOD_JOB1 "\r\n\r\n" GOOD_CAND2 "\r\n";
    seen s;
    run(JM_FORMAT_NDJSON, text, strlen(text), 0, 0, &s);
    ck_assert_uint_eq(s.nrec, 2);
    ck_assert_uint_eq(s.nrej, 0);
    ck_assert_ptr_nonnull(strstr(s.out.data, "@3 "));
    done(&s);
    run(JM_FORMAT_NDJSON, "", 0, 0, 0, &s);
    ck_assert_uint_eq(s.nrec + s.nrej, 0);
    done(&s);
    run(JM_FORMAT_NDJSON, "\n\n  \n\r\n", 6, 1, 0, &s);
    ck_assert_uint_eq(s.nrec + s.nrej, 0);
    done(&s);
    /* A BOM alone, and a BOM split over chunks. */
    run(JM_FORMAT_NDJSON, "\xEF\xBB\xBF", 3, 0, 0, &s);
    ck_assert_uint_eq(s.nrec + s.nrej, 0);
    done(&s);
    text = "\xEF\xBB\xBF" GOOD_JOB2;
    run(JM_FORMAT_NDJSON, text, strlen(text), 1, 0, &s);
    ck_assert_uint_eq(s.nrec, 1);
    ck_assert_uint_eq(s.nrej, 0);
    done(&s);
    /* Bytes that only start like a BOM are data: the line is rejected whole, not cut. */
    text = "\xEF\xBB{}\n" GOOD_JOB2;
    for (size_t chunk = 0; chunk < 4; chunk++) {
        run(JM_FORMAT_NDJSON, text, strlen(text), chunk, 0, &s);
        ck_assert_uint_eq(s.nrec, 1);
        ck_assert_str_eq(s.rej.data, "JM_EUTF8 1 in.ndjson|\xEF\xBB{}\n");
        done(&s);
    }
    run(JM_FORMAT_NDJSON, "\xEF\xBB", 2, 1, 0, &s);
    ck_assert_str_eq(s.rej.data, "JM_EUTF8 1 in.ndjson|\xEF\xBB\n");
    done(&s);
}
END_TEST

/* `cat jobs.csv cands.csv`: a repeated header line starts a new table, whatever the chunking;
 * a row that only looks like names, without a key column, is data. */
START_TEST(csv_repeated_header_starts_a_table)
{
    const char *text = "post_id,job_category\nJ1,Consulting\n"
                       "candidate_id,job_category,current_title\nC1,Consulting,engineer\n"
                       "post_id,job_category\nJ2,Consulting\n"
                       "type,candidate_id,job_category\ncandidate,C2,x\nfoo,bar_baz,qux\n";
    for (size_t chunk = 0; chunk < 5; chunk++) {
        seen s;
        run(JM_FORMAT_CSV, text, strlen(text), chunk, 0, &s);
        ck_assert_uint_eq(s.nrec, 4);
        ck_assert_uint_eq(s.nrej, 1);
        ck_assert_ptr_nonnull(strstr(s.out.data, "{\"type\":\"job_post\",\"post_id\":\"J1\""));
        ck_assert_ptr_nonnull(strstr(s.out.data, "\"candidate_id\":\"C1\""));
        ck_assert_ptr_nonnull(strstr(s.out.data, "{\"type\":\"job_post\",\"post_id\":\"J2\""));
        ck_assert_ptr_nonnull(strstr(s.out.data, "\"candidate_id\":\"C2\""));
        /* The last row is data of the typed table: an unknown type. */
        ck_assert_str_eq(s.rej.data, "JM_EKIND 9 in.ndjson|foo,bar_baz,qux\n");
        done(&s);
    }
}
END_TEST

/* A callback's negative code stops the feed and comes back; setting *rec to NULL hands the
 * record over and the reader goes on with a fresh one. The two are independent. */
START_TEST(callbacks_stop_and_take)
{
    const char *text = GOOD_JOB1 "\n" GOOD_CAND1 "\n" GOOD_JOB2 "\n";
    seen s;
    for (int take = 0; take < 2; take++) {
        memset(&s, 0, sizeof s);
        s.stop_after = 2;
        s.take = take;
        jm_reader *r = jm_reader_new(JM_FORMAT_NDJSON, NULL, 0, on_rec, on_rej, &s, NULL);
        ck_assert_int_eq(jm_reader_feed(r, text, strlen(text)), JM_ECALLBACK);
        ck_assert_uint_eq(s.nrec, 2);
        ck_assert_uint_eq(jm_reader_records(r), 2);
        jm_reader_free(r);
        if (take) {
            ck_assert_str_eq(jm_record_id(s.kept[1]), "C1"); /* taken and stopped: ours */
            jm_record_free(s.kept[0]);
            jm_record_free(s.kept[1]);
        }
        done(&s);
    }

    memset(&s, 0, sizeof s);
    s.take = 1;
    jm_reader *r = jm_reader_new(JM_FORMAT_NDJSON, "x", 0, on_rec, NULL, &s, NULL);
    ck_assert_int_eq(jm_reader_feed(r, text, strlen(text)), 0);
    ck_assert_int_eq(jm_reader_finish(r), 0);
    jm_reader_free(r);
    ck_assert_uint_eq(s.nrec, 3);
    ck_assert_str_eq(jm_record_id(s.kept[0]), "J1");
    ck_assert_str_eq(jm_record_id(s.kept[1]), "C1");
    ck_assert_str_eq(jm_record_id(s.kept[2]), "J2");
    ck_assert_str_eq(jm_record_string(s.kept[0], JM_FIELD_COMPANY), "Acme, Inc.");
    for (int i = 0; i < 3; i++)
        jm_record_free(s.kept[i]);
    done(&s);

    /* No callbacks at all: counted only. */
    r = jm_reader_new(JM_FORMAT_NDJSON, "x", 0, NULL, NULL, NULL, NULL);
    ck_assert_int_eq(jm_reader_feed(r, text, strlen(text)), 0);
    ck_assert_int_eq(jm_reader_feed(r, "{bad\n", 5), 0);
    ck_assert_int_eq(jm_reader_finish(r), 0);
    ck_assert_uint_eq(jm_reader_records(r), 3);
    ck_assert_uint_eq(jm_reader_rejects(r), 1);
    ck_assert_uint_eq(jm_reader_lines(r), 4);
    jm_reader_free(r);
    jm_error err;
    ck_assert_ptr_null(jm_reader_new((jm_format)7, "x", 0, NULL, NULL, NULL, &err));
    ck_assert_int_eq(err.code, JM_EINVAL);
    ck_assert(err.text[0] != '\0' && !strchr(err.text, '\n'));
    ck_assert_ptr_null(jm_reader_new((jm_format)0, "x", 0, NULL, NULL, NULL, NULL));
}
END_TEST

/* Past the limit the reader holds nothing of the record: every byte fed so far has been handed
 * on (a CR at the end of a feed only until the next byte), and the pieces joined are the line
 * without its line ending. The reject comes once the line ends, and the next line is read. */
START_TEST(overlong_handed_on_as_it_arrives)
{
    seen s;
    jm_reader *r = new_reader(JM_FORMAT_NDJSON, 100, &s);
    jm_buf want = {0};
    const char *head = "{\"type\":\"job_post\",\"post_id\":\"JL\",\"company\":\"";
    ck_assert_int_eq(jm_reader_feed(r, head, strlen(head)), 0);
    put(&want, head, strlen(head));
    ck_assert_uint_eq(s.part.len, 0); /* under the limit: held */
    char chunk[10];
    for (int i = 0; i < 1000; i++) {
        memset(chunk, 'a' + i % 26, sizeof chunk);
        if (i == 500)
            chunk[9] = '\r'; /* a CR inside the line is text */
        ck_assert_int_eq(jm_reader_feed(r, chunk, sizeof chunk), 0);
        put(&want, chunk, sizeof chunk);
        size_t fed = want.len;
        if (fed > 101)
            ck_assert_uint_eq(s.part.len + (chunk[9] == '\r'), fed);
        else
            ck_assert_uint_eq(s.part.len, 0);
    }
    ck_assert_uint_eq(s.nrej, 0); /* not yet: the line has not ended */
    ck_assert_int_eq(jm_reader_feed(r, "\"}\r", 3), 0);
    put(&want, "\"}", 2);
    ck_assert_int_eq(jm_reader_feed(r, "\n" GOOD_JOB2 "\n", strlen(GOOD_JOB2) + 2), 0);
    ck_assert_uint_eq(s.nrej, 1);
    ck_assert_uint_eq(s.nrec, 1);
    char expect[64];
    snprintf(expect, sizeof expect, "JM_ETOOLONG 1 in.ndjson|");
    ck_assert_int_eq(strncmp(s.rej.data, expect, strlen(expect)), 0);
    ck_assert_uint_eq(s.rej.len, strlen(expect) + want.len + 1);
    ck_assert_int_eq(memcmp(s.rej.data + strlen(expect), want.data, want.len), 0);
    ck_assert_ptr_nonnull(strstr(s.out.data, "@2 "));

    /* One that the input ends in, without a newline. */
    s.rej.len = 0;
    for (int i = 0; i < 30; i++)
        ck_assert_int_eq(jm_reader_feed(r, "0123456789", 10), 0);
    ck_assert_uint_eq(s.part.len, 300);
    ck_assert_int_eq(jm_reader_finish(r), 0);
    ck_assert_uint_eq(s.nrej, 2);
    ck_assert_ptr_nonnull(strstr(s.rej.data, "JM_ETOOLONG 3 in.ndjson|0123456789"));
    ck_assert_uint_eq(jm_reader_lines(r), 3);
    jm_reader_free(r);
    jm_buf_free(&want);
    done(&s);

    /* Without a part callback the text is dropped, the reject still comes. */
    memset(&s, 0, sizeof s);
    r = jm_reader_new(JM_FORMAT_NDJSON, "in.ndjson", 16, on_rec, on_rej, &s, NULL);
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(jm_reader_feed(r, "0123456789", 10), 0);
    ck_assert_int_eq(jm_reader_feed(r, "\n", 1), 0);
    ck_assert_str_eq(s.rej.data, "JM_ETOOLONG 1 in.ndjson|\n");
    jm_reader_free(r);
    done(&s);
}
END_TEST

/* A whole record from a queue or a table: the rules of a line, the origin in place of file and
 * line. */
START_TEST(whole_records)
{
    seen s;
    jm_reader *r = new_reader(JM_FORMAT_NDJSON, 100, &s);
    const char *origin = "kafka:job_posts/2@1234";
    /* A record, one with its newline, one with CRLF and a BOM. */
    ck_assert_int_eq(jm_reader_feed_record(r, GOOD_JOB2, strlen(GOOD_JOB2), origin), 0);
    ck_assert_int_eq(jm_reader_feed_record(r, GOOD_CAND2 "\n", strlen(GOOD_CAND2) + 1, origin), 0);
    const char *bommed = "\xEF\xBB\xBF" GOOD_APP "\r\n";
    ck_assert_int_eq(jm_reader_feed_record(r, bommed, strlen(bommed), origin), 0);
    ck_assert_uint_eq(s.nrec, 3);
    char at[64];
    snprintf(at, sizeof at, "\"Consulting\"}\n@0 raw=%zu\n", strlen(GOOD_JOB2));
    ck_assert_ptr_nonnull(strstr(s.out.data, at));
    snprintf(at, sizeof at, "\"gpa\":3.5}\n@0 raw=%zu\n", strlen(GOOD_CAND2));
    ck_assert_ptr_nonnull(strstr(s.out.data, at));
    snprintf(at, sizeof at, "\n@0 raw=%zu\n", strlen(GOOD_APP));
    ck_assert_ptr_nonnull(strstr(s.out.data, at));
    /* Blank records are skipped. */
    ck_assert_int_eq(jm_reader_feed_record(r, " \t\r\n", 4, origin), 0);
    ck_assert_int_eq(jm_reader_feed_record(r, "", 0, origin), 0);
    ck_assert_uint_eq(s.nrec + s.nrej, 3);
    /* Bad ones are rejected as a line would be, naming the origin. */
    ck_assert_int_eq(jm_reader_feed_record(r, "{not json}", 10, origin), 0);
    ck_assert_int_eq(jm_reader_feed_record(r, "{\"post_id\":5}", 13, "pg:job_posts#7"), 0);
    /* Two lines in one message are not one record. */
    const char *two = GOOD_JOB2 "\n" GOOD_JOB2;
    ck_assert_int_eq(jm_reader_feed_record(r, two, strlen(two), origin), 0);
    /* The limit holds; the text goes out through the part callback. */
    char big[150];
    memset(big, 'x', sizeof big);
    ck_assert_int_eq(jm_reader_feed_record(r, big, sizeof big, origin), 0);
    ck_assert_uint_eq(s.nrej, 4);
    char want[1024];
    snprintf(want, sizeof want,
             "JM_ESYNTAX 0 %s|{not json}\nJM_ETYPE 0 pg:job_posts#7|{\"post_id\":5}\n"
             "JM_ESYNTAX 0 %s|%s\nJM_ETOOLONG 0 %s|%.150s\n",
             origin, origin, two, origin, big);
    ck_assert_str_eq(s.rej.data, want);
    ck_assert_uint_eq(jm_reader_records(r), 3);
    ck_assert_uint_eq(jm_reader_rejects(r), 4);
    ck_assert_uint_eq(jm_reader_lines(r), 0);
    /* NULL origin: the reader's source. */
    s.rej.len = 0;
    ck_assert_int_eq(jm_reader_feed_record(r, "[]", 2, NULL), 0);
    ck_assert_str_eq(s.rej.data, "JM_ESYNTAX 0 in.ndjson|[]\n");
    jm_reader_free(r);
    done(&s);

    /* CSV: the first record is the header; a quoted line break is data, an unquoted one is a
     * second record. A half line fed before is left alone. */
    memset(&s, 0, sizeof s);
    r = jm_reader_new(JM_FORMAT_CSV, "rows.csv", 0, on_rec, on_rej, &s, NULL);
    ck_assert_int_eq(jm_reader_feed(r, "post_id,company\nP1,", 19), 0);
    ck_assert_int_eq(jm_reader_feed_record(r, "P2,\"two\nlines\"\n", 15, "pg:jobs#2"), 0);
    ck_assert_int_eq(jm_reader_feed_record(r, "P3,a\nP4,b", 9, "pg:jobs#3"), 0);
    ck_assert_int_eq(jm_reader_feed(r, "one\n", 4), 0);
    ck_assert_int_eq(jm_reader_finish(r), 0);
    ck_assert_uint_eq(s.nrec, 2);
    ck_assert_ptr_nonnull(
        strstr(s.out.data, "\"post_id\":\"P2\",\"company\":\"two\\nlines\"}\n@0 "));
    ck_assert_ptr_nonnull(strstr(s.out.data, "\"post_id\":\"P1\",\"company\":\"one\"}\n@2 "));
    ck_assert_str_eq(s.rej.data, "JM_ESYNTAX 0 pg:jobs#3|P3,a\nP4,b\n");
    jm_reader_free(r);
    done(&s);
    /* A CSV reader fed only whole records takes its header from the first. */
    memset(&s, 0, sizeof s);
    r = jm_reader_new(JM_FORMAT_CSV, "rows.csv", 0, on_rec, on_rej, &s, NULL);
    ck_assert_int_eq(jm_reader_feed_record(r, "candidate_id,name", 17, "q@0"), 0);
    ck_assert_int_eq(jm_reader_feed_record(r, "C1,Ann", 6, "q@1"), 0);
    ck_assert_uint_eq(s.nrec, 1);
    ck_assert_ptr_nonnull(strstr(s.out.data, "\"candidate_id\":\"C1\",\"full_name\":\"Ann\""));
    jm_reader_free(r);
    done(&s);
}
END_TEST

/* Raw-line mode: framed lines go to the line callback, after the reader's rules; the callback
 * rejects through the reader's reject path. */
typedef struct lines_seen {
    seen s;
    jm_buf lines;
    int stop_at; /* stop (JM_ECALLBACK) at this line callback, if > 0 */
    int calls;
} lines_seen;

static int on_raw_line(void *ctx, jm_reader *r, const char *text, size_t len, unsigned long line)
{
    lines_seen *l = ctx;
    l->calls++;
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%lu:", line);
    put(&l->lines, tmp, (size_t)n);
    put(&l->lines, text, len);
    put(&l->lines, "\n", 1);
    if (l->stop_at && l->calls == l->stop_at)
        return JM_ECALLBACK;
    if (text[0] != '{') {
        jm_error err = {.code = JM_ESYNTAX};
        snprintf(err.text, sizeof err.text, "not an object");
        int rc = jm_reader_reject(r, &err);
        ck_assert_int_eq(jm_reader_reject(r, &err), JM_EINVAL); /* once per line */
        return rc;
    }
    return 0;
}

START_TEST(raw_lines)
{
    lines_seen l;
    memset(&l, 0, sizeof l);
    jm_reader *r = jm_reader_new(JM_FORMAT_NDJSON, "in.ndjson", 20, on_rec, on_rej, &l.s, NULL);
    /* The line callback's ctx is the reader's: lines_seen begins with its seen. */
    ck_assert_int_eq(jm_reader_set_line_fn(r, on_raw_line), 0);
    jm_error err = {.code = JM_ESYNTAX};
    ck_assert_int_eq(jm_reader_reject(r, &err), JM_EINVAL); /* outside a line callback */
    const char *text =
        "\xEF\xBB\xBF{\"a\":1}\r\n\n  \nnot json\n{\"this line\":\"is too long\"}\n{}";
    for (size_t i = 0; i < strlen(text); i++)
        ck_assert_int_eq(jm_reader_feed(r, text + i, 1), 0);
    ck_assert_int_eq(jm_reader_finish(r), 0);
    ck_assert_str_eq(l.lines.data, "1:{\"a\":1}\n4:not json\n6:{}\n");
    ck_assert_uint_eq(l.s.nrec, 0); /* on_record is not called in raw-line mode */
    ck_assert_str_eq(l.s.rej.data, "JM_ESYNTAX 4 in.ndjson|not json\nJM_ETOOLONG 5 in.ndjson|\n");
    ck_assert_uint_eq(jm_reader_records(r), 2);
    ck_assert_uint_eq(jm_reader_rejects(r), 2);
    /* A whole record goes the same way. */
    ck_assert_int_eq(jm_reader_feed_record(r, "oops", 4, "q@9"), 0);
    ck_assert_ptr_nonnull(strstr(l.s.rej.data, "JM_ESYNTAX 0 q@9|oops\n"));
    /* Stopping from the line callback. */
    l.stop_at = l.calls + 1;
    ck_assert_int_eq(jm_reader_feed(r, "{}\n{}\n", 6), JM_ECALLBACK);
    jm_reader_free(r);
    done(&l.s);
    jm_buf_free(&l.lines);
    /* CSV has no raw-line mode. */
    r = jm_reader_new(JM_FORMAT_CSV, "x.csv", 0, NULL, NULL, NULL, NULL);
    ck_assert_int_eq(jm_reader_set_line_fn(r, on_raw_line), JM_EINVAL);
    jm_reader_free(r);
}
END_TEST

/* The parser alone: the error names a column for malformed JSON and the code in a field. */
START_TEST(parse_errors_have_codes)
{
    jm_record *r = jm_record_new(JM_KIND_NONE, NULL);
    jm_error err;
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(jm_parse_ndjson("{\"post_id\":", 11, r, &err), JM_ESYNTAX);
    ck_assert_int_eq(err.code, JM_ESYNTAX);
    ck_assert_uint_gt(err.column, 0);
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(jm_parse_ndjson("{\"post_id\":\"x\"}   garbage", 25, r, &err), JM_ESYNTAX);
    ck_assert_uint_eq(err.column, 19); /* 15-byte object, 3 spaces */
    ck_assert_int_eq(jm_parse_ndjson("{\"post_id\":\"x\"}  \t", 18, r, &err), 0);
    /* len is honoured: a valid object followed by bytes outside len. */
    ck_assert_int_eq(jm_parse_ndjson("{\"post_id\":\"x\"}\n{", 15, r, &err), 0);
    ck_assert_str_eq(jm_record_id(r), "x");
    /* An embedded NUL is not the end of the line. */
    ck_assert_int_ne(jm_parse_ndjson("{\"post_id\":\"x\"}\0zz", 18, r, &err), 0);
    ck_assert_str_eq(jm_strerror(JM_ETOOLONG), jm_strerror(JM_ETOOLONG));
    ck_assert_str_eq(jm_err_name(JM_EUTF8), "JM_EUTF8");
    jm_record_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("reader");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, catalogue_whole);
    tcase_add_test(tc, catalogue_chunked);
    tcase_add_test(tc, line_limit_edges);
    tcase_add_test(tc, default_limit_one_mib);
    tcase_add_test(tc, line_endings_and_blank_input);
    tcase_add_test(tc, callbacks_stop_and_take);
    tcase_add_test(tc, overlong_handed_on_as_it_arrives);
    tcase_add_test(tc, whole_records);
    tcase_add_test(tc, raw_lines);
    tcase_add_test(tc, parse_errors_have_codes);
    tcase_add_test(tc, csv_repeated_header_starts_a_table);
    suite_add_tcase(s, tc);
    return jm_test_run(s);
}
