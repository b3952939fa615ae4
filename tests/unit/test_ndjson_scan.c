/* Checks the fast NDJSON scanner (ndjson_scan.c) against the general parser: the lines jm-gen,
 * jm-match and the reference pipeline write are read by the scanner itself, to the same record
 * the general parser makes, and so are lines whose keys come in another order, with white space,
 * long strings and escapes across 64-byte blocks; the unusual ones are left to the general
 * parser, whose reject and reason jm_parse_ndjson() then gives; a line left over leaves the
 * record alone when it is not good JSON. The block index (ndjson_index.c) finds the same stop
 * bytes every way it has (portable, SSE2, AVX2), and the scanner reads alike on each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ndjson_index.h"
#include "ndjson_scan.h"
#include "record_internal.h"
#include "testutil.h"

/* The record as bytes, with the plain-string bits writers rely on. */
static void expect_same(const jm_record *a, const jm_record *b, const char *line)
{
    jm_buf x = {0}, y = {0};
    ck_assert_int_eq(jm_write_ndjson(a, &x), 0);
    ck_assert_int_eq(jm_write_ndjson(b, &y), 0);
    ck_assert_msg(x.len == y.len && memcmp(x.data, y.data, x.len) == 0, "differs: %s", line);
    ck_assert_msg(a->present == b->present && a->plain == b->plain, "bits differ: %s", line);
    jm_buf_free(&x);
    jm_buf_free(&y);
}

/* The scanner reads line itself, to the general parser's record. */
static void expect_scanned(const char *line)
{
    jm_record *fast = jm_record_new(JM_KIND_NONE, NULL), *general = jm_record_new(0, NULL);
    jm_error err = {0};
    ck_assert_msg(jm__ndjson_scan(line, strlen(line), fast) == 0, "left over: %s", line);
    ck_assert_msg(jm__ndjson_parse_general(line, strlen(line), general, &err) == 0, "%s: %s", line,
                  err.text);
    expect_same(fast, general, line);
    jm_record_free(fast);
    jm_record_free(general);
}

/* The scanner leaves line to the general parser, and jm_parse_ndjson() answers as that does. */
static void expect_left(const char *line, size_t len)
{
    jm_record *fast = jm_record_new(JM_KIND_NONE, NULL), *general = jm_record_new(0, NULL);
    jm_error ef = {0}, eg = {0};
    ck_assert_msg(jm__ndjson_scan(line, len, fast) == JM__SCAN_FALLBACK, "scanned: %s", line);
    int rg = jm__ndjson_parse_general(line, len, general, &eg);
    ck_assert_int_eq(jm_parse_ndjson(line, len, fast, &ef), rg);
    ck_assert_int_eq(ef.code, eg.code);
    ck_assert_uint_eq(ef.column, eg.column);
    ck_assert_str_eq(ef.text, eg.text);
    if (rg == 0)
        expect_same(fast, general, line);
    jm_record_free(fast);
    jm_record_free(general);
}

#define LEFT(s) expect_left((s), sizeof(s) - 1)

/* Every line jm-gen writes, and what jm-match writes from them. */
static void generated_lines(unsigned seed)
{
    jm_gen_options o;
    jm_gen_options_init(&o);
    o.seed = seed;
    jm_gen *g = jm_gen_new(&o, NULL);
    ck_assert_ptr_nonnull(g);
    jm_buf lines = {0};
    for (int i = 0; i < 400; i++)
        ck_assert_int_eq(jm_gen_emit(g, i % 2 ? JM_KIND_JOB_POST : JM_KIND_CANDIDATE, &lines, NULL),
                         0);
    for (char *p = lines.data, *end = lines.data + lines.len, *nl; p < end; p = nl + 1) {
        nl = memchr(p, '\n', (size_t)(end - p));
        *nl = '\0';
        expect_scanned(p);
    }
    jm_buf_free(&lines);
    jm_gen_free(g);
    expect_scanned("{\"type\":\"application\",\"application_id\":\"a\",\"candidate_id\":\"c\","
                   "\"post_id\":\"p\",\"job_family\":\"Data\",\"compatibility_score\":71,"
                   "\"components\":{\"category\":30,\"skills\":8.571429,\"experience\":20,"
                   "\"seniority\":2.5,\"salary\":10},\"status\":\"Applied\",\"match_reason\":"
                   "\"Same category; Salary expectations met\",\"application_method\":\"Email\","
                   "\"application_date\":\"2025-01-03T19:16:17Z\",\"timestamp\":"
                   "\"2025-01-01T00:10:54.416Z\"}");
}

START_TEST(generated_lines_scanned)
{
    generated_lines(11);
}
END_TEST

/* The reference pipeline's messages: no type, its field names, Python's ", " and ": " and its
 * \u escapes for every non-ASCII letter. */
START_TEST(reference_messages_scanned)
{
    expect_scanned(
        "{\"post_id\": \"20fb0ddc\", \"category\": \"DevOps / Infrastructure / Cloud\", "
        "\"post_date\": \"2025-11-16 16:33:10\", \"deadline\": \"2025-12-03 16:33:10\", "
        "\"skills_needed\": [\"Virtualization (VMware, Hyper-V)\", \"Kubernetes\"], "
        "\"city\": \"Philadelphia\", \"country\": \"USA\", \"detailed_experience_level\": "
        "\"Engineer\", \"salary\": 95356, \"years_experience\": \"4-6 years\"}");
    expect_scanned(
        "{\"candidate_id\": \"87bb4c8e\", \"name\": \"Zo\\u00eb \\ud83d\\ude00\", "
        "\"date_of_birth\": 1995, \"location\": \"Los Angeles, USA\", \"gpa\": 2.3, "
        "\"education_level\": \"Bachelor\\u2019s Degree\", \"seniority\": \"Engineer\", "
        "\"experience_range\": \"5-8 years\", \"skills\": [\"Machine \\\"Learning\\\"\", "
        "\"a\\\\b\", \"tab\\there\"], \"certifications\": [], \"current_salary\": "
        "127680, \"extra\": {\"nested\": [1, true, null]}}");
    /* A location with no comma is the city; one with spaces around its parts is trimmed. */
    expect_scanned("{\"candidate_id\":\"c\",\"location\":\"Lima\"}");
    expect_scanned("{\"candidate_id\":\"c\",\"location\":\" Paris ,\\u0020France \"}");
    expect_scanned("{\"candidate_id\":\"c\",\"gpa\":-0,\"current_salary\":1.5e3,"
                   "\"expected_salary\":null,\"birth_year\":1.995E3}");
}
END_TEST

/* What the scanner does not read the way the general parser does is left to it. */
START_TEST(unusual_lines_left)
{
    LEFT("{\"post_id\":\"a\",\"post_id\":\"b\"}");                         /* the last one wins */
    LEFT("{\"post_id\":\"a\",\"category\":\"x\",\"job_category\":\"y\"}"); /* alias and name */
    LEFT("{\"type\":\"job_post\",\"type\":\"candidate\",\"post_id\":\"a\"}");
    LEFT("{\"POST_ID\":\"a\",\"candidate_id\":\"c\"}"); /* the kind test ignores case */
    LEFT("\xEF\xBB\xBF{\"post_id\":\"a\"}");            /* a BOM the general parser skips */
    LEFT("{\"post_id\":\n\"a\"}");
    LEFT("{\"post\\u005fid\":\"a\"}"); /* an escaped key */
    LEFT("{\"post_id\":\"a\\u0000b\"}");
    LEFT("{\"post_id\":\"a\\ud800\"}");
    LEFT("{\"post_id\":\"a\",\"salary\":1e400}");
    LEFT("{\"post_id\":\"a\",\"salary\":1234567890123456789}");
    LEFT("{\"post_id\":\"a\",\"salary\":012}");
    LEFT("{\"post_id\":\"a\",\"salary\":\"12\"}");
    LEFT("{\"post_id\":\"a\",\"company\":\"\x01\"}");
    LEFT("{\"post_id\":\"a\",\"company\":\"\xC3\x28\"}");
    LEFT("{\"post_id\":\"\"}");
    LEFT("{\"company\":\"x\"}");
    LEFT("{}");
    LEFT("{\"post_id\":\"a\"} x");
    LEFT("{\"post_id\":\"a\"");
    LEFT("{\"type\":\"application\",\"application_id\":\"a\",\"candidate_id\":\"c\","
         "\"post_id\":\"p\",\"components\":{\"skills\":null,\"skills\":5}}");
    LEFT("{\"candidate_id\":\"c\",\"birth_year\":1995.5}");
    LEFT("{\"candidate_id\":\"c\",\"timestamp\":\"2025-02-30T00:00:00Z\"}");
}
END_TEST

/* The writers' lines changed where the scanner expects something: keys out of the writers'
 * order, missing, unknown or of another kind's order, the kind not first, white space in every
 * place, times in other layouts: still read by the scanner itself, to the same record. */
START_TEST(unexpected_keys_scanned)
{
    /* The job's keys in another order, one left out, one unknown, one an alias. */
    expect_scanned("{\"type\":\"job_post\",\"company\":\"Acme\",\"post_id\":\"p1\","
                   "\"extra\":[1,{\"a\":null}],\"job_category\":\"Data\",\"salary_max\":5,"
                   "\"salary_min\":4,\"skills_needed\":[\"SQL\"],\"timestamp\":"
                   "\"2025-01-01T00:00:00Z\"}");
    /* A candidate written in the job's order where the kinds share fields, and a job's key a
     * candidate lacks (ignored). */
    expect_scanned("{\"type\":\"candidate\",\"candidate_id\":\"c1\",\"job_category\":\"Data\","
                   "\"location_country\":\"Peru\",\"location_city\":\"Lima\",\"certifications\":"
                   "[],\"experience_level\":\"Senior\",\"years_experience\":\"4-6 years\","
                   "\"company\":\"Acme\",\"timestamp\":\"2025-01-01T00:00:00.5Z\"}");
    /* Keys after the writers' last one. */
    expect_scanned("{\"type\":\"candidate\",\"candidate_id\":\"c\",\"timestamp\":"
                   "\"2025-01-01T00:00:00Z\",\"full_name\":\"Ana\",\"skills\":[\"a\"]}");
    expect_scanned("{\"type\":\"job_post\",\"post_id\":\"p\",\"deadline_date\":"
                   "\"2025-01-01T00:00:00Z\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"company\":"
                   "\"Acme\",\"industry\":\"Retail\"}");
    /* The kind last, and a type null (told by the ids). */
    expect_scanned("{\"post_id\":\"p\",\"company\":\"Acme\",\"type\":\"job_post\"}");
    expect_scanned("{\"type\":null,\"candidate_id\":\"c\",\"full_name\":\"Ana\"}");
    /* A field the writers put next, but null or of another type than it expects. */
    expect_scanned("{\"type\":\"candidate\",\"candidate_id\":\"c\",\"full_name\":null,"
                   "\"gender\":null,\"birth_year\":null,\"skills\":null}");
    /* White space in every place the general parser takes it. */
    expect_scanned(" \t{ \"type\" :\t\"candidate\" , \"candidate_id\" : \"c\" ,\"skills\": [ \"a\" "
                   ", \"b\",\"c\" ] , \"gpa\" : 2.5 , \"previous_companies\" : [ ] , "
                   "\"timestamp\" : \"2025-01-01T00:00:00Z\" } \t\r");
    expect_scanned("{\"type\":\"candidate\", \"candidate_id\":\"c\",\"full_name\" :\"A\","
                   "\"gender\": \"f\",\"birth_year\":1990 ,\"gpa\":3.25\t}");
    /* Times in the other layouts jm_time_parse() reads. */
    expect_scanned("{\"type\":\"job_post\",\"post_id\":\"p\",\"posted_date\":\"2025-11-16 "
                   "16:33:10\",\"deadline_date\":\"2025-11-16T18:33:10+02:00\",\"timestamp\":"
                   "\"2025-11-16t16:33:10.123456z\"}");
    /* Numbers the word at a time reads and those it leaves to the digit loop. */
    expect_scanned("{\"type\":\"candidate\",\"candidate_id\":\"c\",\"birth_year\":1,"
                   "\"graduation_year\":1234567,\"current_salary\":12345678,\"expected_salary\":"
                   "123456789012345,\"gpa\":0}");
    expect_scanned("{\"type\":\"candidate\",\"candidate_id\":\"c\",\"current_salary\":7}");
}
END_TEST

/* A line of its own with a string of n bytes (text repeated) at byte at, the rest of the
 * record around it. */
static void long_string_at(size_t at, const char *text, size_t n)
{
    const char *head = "{\"type\":\"candidate\",\"candidate_id\":\"c\",\"full_name\":\"";
    size_t lead = at > strlen(head) ? at - strlen(head) : 0, tn = strlen(text);
    char *line = malloc(strlen(head) + lead + n + 256);
    ck_assert_ptr_nonnull(line);
    char *p = line + sprintf(line, "%s", head);
    memset(p, 'x', lead);
    p += lead;
    for (size_t i = 0; i < n; i += tn)
        p += sprintf(p, "%s", text);
    sprintf(p, "\",\"skills\":[\"%s\",\"b\"],\"timestamp\":\"2025-01-01T00:00:00Z\"}", text);
    expect_scanned(line);
    free(line);
}

/* Strings across 64-byte blocks and escapes at their edges, long lines past the index's window
 * of 4 KiB, and an array read again from before the window after it moved. */
START_TEST(block_edges_scanned)
{
    const char *texts[] = {"a",        "\\\"",         "\\\\", "\\u00e9", "\\ud83d\\ude00",
                           "\xc3\xa9", "\xe2\x80\x99", "\\n"};
    for (unsigned t = 0; t < sizeof texts / sizeof *texts; t++)
        for (size_t at = 50; at < 200; at++)
            long_string_at(at, texts[t], 1 + at % 7);
    long_string_at(60, "abcdefgh", 5000);
    long_string_at(60, "\\\"", 9000);
    long_string_at(60, "\xe2\x80\x99", 20000);
    /* A list past the first window, then something that is no string: read again whole. */
    size_t n = 6000;
    char *line = malloc(n + 256);
    ck_assert_ptr_nonnull(line);
    char *p = line + sprintf(line, "{\"type\":\"job_post\",\"post_id\":\"p\",\"extra\":[\"");
    memset(p, 'y', n);
    p += n;
    sprintf(p, "\",1,true],\"company\":\"Acme\"}");
    expect_scanned(line);
    free(line);
}
END_TEST

/* The stop bytes of a 64-byte block, one at a time. */
static uint64_t stops_of(const unsigned char *b)
{
    uint64_t bits = 0;
    for (int i = 0; i < 64; i++)
        if (b[i] == '"' || b[i] == '\\' || b[i] < 0x20 || b[i] >= 0x80)
            bits |= UINT64_C(1) << i;
    return bits;
}

/* Every way the index has finds the stop bytes a byte-at-a-time look finds: every byte value
 * in every place of a block, and random blocks. */
START_TEST(index_ways_agree)
{
    unsigned char b[64];
    unsigned seed = 7;
    ck_assert(jm__index_can(JM__INDEX_PORTABLE));
    for (int way = JM__INDEX_PORTABLE; way <= JM__INDEX_AVX2; way++) {
        if (!jm__index_can((jm__index_way)way))
            continue;
        for (int v = 0; v < 256; v++)
            for (int at = 0; at < 64; at++) {
                memset(b, at % 2 ? 'a' : '"', sizeof b);
                b[at] = (unsigned char)v;
                ck_assert_uint_eq(jm__index_stops_with((jm__index_way)way, (const char *)b),
                                  stops_of(b));
            }
        for (int k = 0; k < 20000; k++) {
            for (int i = 0; i < 64; i++) {
                seed = seed * 1103515245u + 12345u;
                /* mostly plain text, some of every kind of stop */
                unsigned r = seed >> 16;
                b[i] = (unsigned char)(r % 4 ? 'a' + r % 26 : r >> 8);
            }
            ck_assert_uint_eq(jm__index_stops_with((jm__index_way)way, (const char *)b),
                              stops_of(b));
        }
    }
}
END_TEST

/* Lines of every length up to a few blocks: from each byte, the next stop the index gives is
 * the one a byte-at-a-time look finds, or the line's end. */
static void next_stops_alike(void)
{
    char line[300];
    unsigned seed = 3;
    for (size_t len = 1; len <= sizeof line; len++) {
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = seed >> 16;
            line[i] = (char)(r % 8 ? 'a' : r % 3 ? '"' : r >> 8);
        }
        jm__index ix;
        jm__index_init(&ix, line, len);
        for (size_t from = 0; from <= len; from++) {
            size_t want = from;
            while (want < len &&
                   !(line[want] == '"' || line[want] == '\\' || (unsigned char)line[want] < 0x20 ||
                     (unsigned char)line[want] >= 0x80))
                want++;
            ck_assert_ptr_eq(jm__index_next(&ix, line + from), line + want);
        }
        /* and backwards, which indexes again */
        for (size_t from = len; from-- > 0;) {
            const char *q = jm__index_next(&ix, line + from);
            ck_assert(q >= line + from && q <= line + len);
        }
    }
}

/* The scanner's lines, and the index's searches, on each way the machine can take. */
START_TEST(every_way_reads_alike)
{
    jm__index_way widest = jm__index_way_in_use();
    for (int way = JM__INDEX_PORTABLE; way <= JM__INDEX_AVX2; way++) {
        if (jm__index_force((jm__index_way)way))
            continue;
        ck_assert_int_eq(jm__index_way_in_use(), way);
        next_stops_alike();
        generated_lines(5 + (unsigned)way);
        long_string_at(70, "\\\"", 300);
        long_string_at(60, "abcdefgh", 5000);
    }
    ck_assert_int_eq(jm__index_force(widest), 0);
    ck_assert_int_eq(jm__index_force((jm__index_way)99), -1);
}
END_TEST

/* A line that is not good JSON leaves the record as it was, as the general parser does. */
START_TEST(bad_line_leaves_record)
{
    jm_record *r = jm_test_record("{\"post_id\":\"kept\",\"company\":\"Acme\"}");
    ck_assert_int_eq(jm__ndjson_scan("{\"candidate_id\":\"c\",", 20, r), JM__SCAN_FALLBACK);
    ck_assert_int_eq(jm_record_kind(r), JM_KIND_JOB_POST);
    ck_assert_str_eq(jm_record_string(r, JM_FIELD_COMPANY), "Acme");
    jm_record_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ndjson_scan");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, generated_lines_scanned);
    tcase_add_test(tc, reference_messages_scanned);
    tcase_add_test(tc, unusual_lines_left);
    tcase_add_test(tc, bad_line_leaves_record);
    tcase_add_test(tc, unexpected_keys_scanned);
    tcase_add_test(tc, block_edges_scanned);
    tcase_add_test(tc, index_ways_agree);
    tcase_add_test(tc, every_way_reads_alike);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return jm_test_run(s);
}
