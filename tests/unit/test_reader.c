/* Checks the streaming reader against the bad-input catalogue of SPEC "Bad input and failure":
 * every bad line is rejected with the right code and line, every good neighbour comes through
 * unchanged, whatever the chunking of the input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

typedef struct seen {
    jm_buf out; /* good records as NDJSON, then " @line\n" */
    jm_buf rej; /* rejects: "code line source|raw\n" */
    unsigned long nrec, nrej;
    int stop_after; /* on_record returns JM_ECALLBACK after this many, if > 0 */
    int take;       /* on_record keeps the record */
    jm_record *kept[64];
} seen;

static void put(jm_buf *b, const char *s, size_t n)
{
    ck_assert_int_eq(jm_buf_reserve(b, n + 1), 0);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static int on_rec(void *ctx, jm_record *rec, const char *raw, size_t raw_len, unsigned long line)
{
    seen *s = ctx;
    s->nrec++;
    ck_assert_int_eq(jm_write_ndjson(rec, &s->out), 0);
    char tmp[64];
    int n = snprintf(tmp, sizeof tmp, "@%lu raw=%zu\n", line, raw_len);
    put(&s->out, tmp, (size_t)n);
    (void)raw;
    if (s->stop_after && (int)s->nrec >= s->stop_after)
        return JM_ECALLBACK;
    if (s->take && s->nrec <= 64) {
        s->kept[s->nrec - 1] = rec;
        return JM_RECORD_TAKEN;
    }
    return 0;
}

static int on_rej(void *ctx, const jm_error *err, const char *raw, size_t raw_len)
{
    seen *s = ctx;
    s->nrej++;
    char tmp[400];
    int n = snprintf(tmp, sizeof tmp, "%s %lu %s|", jm_err_name(err->code), err->line, err->source);
    put(&s->rej, tmp, (size_t)n);
    put(&s->rej, raw, raw_len);
    put(&s->rej, "\n", 1);
    ck_assert_msg(err->text[0] != '\0', "a reject without a reason");
    ck_assert_msg(strchr(err->text, '\n') == NULL, "a reason of more than one line");
    return 0;
}

/* Feeds text in chunks of chunk bytes (0: all at once) to a fresh reader. */
static void run(jm_format fmt, const char *text, size_t len, size_t chunk, size_t max, seen *s)
{
    memset(s, 0, sizeof *s);
    jm_reader *r = jm_reader_new(fmt, "in.ndjson", max, on_rec, on_rej, s);
    ck_assert_ptr_nonnull(r);
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

/* A callback's negative code stops the feed and comes back; JM_RECORD_TAKEN hands the record
 * over and the reader goes on with a fresh one. */
START_TEST(callbacks_stop_and_take)
{
    const char *text = GOOD_JOB1 "\n" GOOD_CAND1 "\n" GOOD_JOB2 "\n";
    seen s;
    memset(&s, 0, sizeof s);
    s.stop_after = 1;
    jm_reader *r = jm_reader_new(JM_FORMAT_NDJSON, NULL, 0, on_rec, on_rej, &s);
    ck_assert_int_eq(jm_reader_feed(r, text, strlen(text)), JM_ECALLBACK);
    ck_assert_uint_eq(s.nrec, 1);
    jm_reader_free(r);
    done(&s);

    memset(&s, 0, sizeof s);
    s.take = 1;
    r = jm_reader_new(JM_FORMAT_NDJSON, "x", 0, on_rec, NULL, &s);
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
    r = jm_reader_new(JM_FORMAT_NDJSON, "x", 0, NULL, NULL, NULL);
    ck_assert_int_eq(jm_reader_feed(r, text, strlen(text)), 0);
    ck_assert_int_eq(jm_reader_feed(r, "{bad\n", 5), 0);
    ck_assert_int_eq(jm_reader_finish(r), 0);
    ck_assert_uint_eq(jm_reader_records(r), 3);
    ck_assert_uint_eq(jm_reader_rejects(r), 1);
    ck_assert_uint_eq(jm_reader_lines(r), 4);
    jm_reader_free(r);
    ck_assert_ptr_null(jm_reader_new((jm_format)7, "x", 0, NULL, NULL, NULL));
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
    tcase_add_test(tc, parse_errors_have_codes);
    suite_add_tcase(s, tc);
    return jm_test_run(s);
}
