/* Helpers shared by the Check suites: test data paths, files, records from NDJSON text. */
#ifndef JM_TESTUTIL_H
#define JM_TESTUTIL_H

#include <check.h>
#include <stddef.h>

#include <jobmatch/jobmatch.h>

/* The path of a file under tests/data (a static buffer, overwritten by the next call). */
const char *jm_test_data(const char *name);
/* The whole file, NUL-terminated; *len gets its size. Fails the test when unreadable. */
char *jm_test_read_file(const char *path, size_t *len);
/* A record parsed from one NDJSON line; fails the test on a parse error. Free with
 * jm_record_free(). */
jm_record *jm_test_record(const char *json);
/* Bytes the C library's allocator has handed out (in use and mapped), for bounds on what a call
 * allocates. Under ASan, whose allocator keeps its own books, it stays 0: a bound then holds
 * trivially, and the plain build checks it. */
size_t jm_test_heap_bytes(void);
/* A jm_ndjson_fn that appends the text to the jm_buf ctx, NUL-terminated; fails the test when
 * out of memory. */
int jm_test_collect_ndjson(void *ctx, const char *data, size_t len);
/* Runs suite s and returns the process exit status (0 when every test passed). */
int jm_test_run(Suite *s);

#endif
