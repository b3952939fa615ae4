/* The layout of jm_record, shared by the modules that read and write records. */
#ifndef JM_RECORD_INTERNAL_H
#define JM_RECORD_INTERNAL_H

#include <stdint.h>

#include <jobmatch/record.h>

typedef struct jm__list {
    const char **items;
    uint32_t count;
    uint32_t cap;
} jm__list;

typedef union jm__value {
    struct {
        const char *s;
        size_t slen; /* strlen(s), kept so writers need not count */
    };
    double n;
    int64_t i;
    jm__list list;
} jm__value;

typedef struct jm__chunk jm__chunk;

struct jm_record {
    jm_kind kind;
    uint64_t present;  /* bit f set: field f holds a value */
    uint64_t plain;    /* bit f set: string field f needs no JSON escaping (writers copy it) */
    jm__chunk *chunks; /* every string and list of this record lives here */
    /* JM_FIELD_COUNT values, but for a record from jm__record_new_short(). A value is read only
     * when its present bit is set. */
    jm__value v[];
};

/* A record with room for the values of fields below nfields only, for one that never holds
 * any other (what the matcher keeps of a record it holds: held.c): setting a field from nfields
 * on is out of bounds. Nothing else differs; free it with jm_record_free(). NULL when out of
 * memory. */
jm_record *jm__record_new_short(jm_kind kind, jm_field nfields);

#define JM__HAS(r, f) (((r)->present >> (f)) & 1u)

/* size bytes of r's memory aligned to align (a power of two, at most 8), freed with r's strings
 * at reset: for readers that lay out a record's text themselves. NULL when out of memory. */
void *jm__record_alloc(jm_record *r, size_t size, size_t align);
/* Gives r a chunk of exactly bytes for what comes next, for a record whose size is known: no
 * room is left over (a chunk is otherwise at least 2 KiB). 0 or JM_ENOMEM. */
int jm__record_reserve_exact(jm_record *r, size_t bytes);

/* Copies len bytes of s into r's memory, NUL-terminated. NULL when out of memory. */
char *jm__record_strdup(jm_record *r, const char *s, size_t len);

/* Sets the city and country from "City, Country" (a candidate's "location" in the reference
 * data): split at the last comma, both parts trimmed; without a comma it is the city. 0, or
 * what jm_record_set_string() returns. */
int jm__record_set_location(jm_record *r, const char *s, size_t len);
/* Makes dst a deep copy of src. 0 or JM_ENOMEM. */
int jm__record_copy_into(jm_record *dst, const jm_record *src);

/* Checks a freshly decoded record and applies input defaults: the id must be present and not
 * empty (JM_ENOID); a candidate's expected_salary falls back to current_salary. 0 or a code,
 * with err->code and err->text set. */
struct jm_error;
int jm__record_finish(jm_record *r, struct jm_error *err);

/* Field metadata. */
typedef struct jm__field_info {
    const char *name;   /* canonical */
    const char *alias;  /* plain alias on input, or NULL */
    const char *alias2; /* a second one, or NULL */
    jm_field_type type;
    unsigned kinds;  /* bit k: belongs to kind k */
    const char *key; /* what writers put before the value: ,"name": */
    size_t key_len;
} jm__field_info;

extern const jm__field_info jm__fields[JM_FIELD_COUNT];

/* Fields in the order they are written, per kind, ending with JM_FIELD_COUNT. */
extern const jm_field jm__job_fields[];
extern const jm_field jm__candidate_fields[];
extern const jm_field jm__application_fields[];
const jm_field *jm__kind_fields(jm_kind kind);

#endif
