/* The fast NDJSON record scanner (ndjson_scan.c) and the general parser it leaves lines to. */
#ifndef JM_NDJSON_SCAN_H
#define JM_NDJSON_SCAN_H

#include <stddef.h>

#include <jobmatch/error.h>
#include <jobmatch/record.h>

/* What jm__ndjson_scan() returns for a line it leaves to the general parser. */
#define JM__SCAN_FALLBACK 1

/* Reads one NDJSON line into out (reset first) when it is a plain JSON object the general
 * parser would read to a record, to the same record: 0. Otherwise JM__SCAN_FALLBACK, with out
 * untouched unless the line was good JSON (then the general parser resets it anyway). It never
 * rejects: every reject and its reason come from jm__ndjson_parse_general(). */
int jm__ndjson_scan(const char *line, size_t len, jm_record *out);

/* The general parser (cJSON): every line, every reject and reason. jm_parse_ndjson() is the
 * scanner, then this for what the scanner leaves. Same contract as jm_parse_ndjson(). */
int jm__ndjson_parse_general(const char *line, size_t len, jm_record *out, jm_error *err);

#endif
