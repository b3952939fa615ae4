/* The generator's internals: its PRNG, the compact record it builds, and the direct writers. */
#ifndef JM_GEN_INTERNAL_H
#define JM_GEN_INTERNAL_H

#include <stdint.h>

#include <jobmatch/gen.h>
#include <jobmatch/record.h>
#include <jobmatch/writer.h>

#include "vocab.h"

/* xoshiro256** seeded through splitmix64: fast, and the same numbers on every machine. */
typedef struct jm__rng {
    uint64_t s[4];
} jm__rng;

void jm__rng_seed(jm__rng *r, uint64_t seed, uint64_t stream);
/* The state for sub-stream index of stream (a block of records, a bad line). */
void jm__rng_seed_at(jm__rng *r, uint64_t seed, uint64_t stream, uint64_t index);

static inline uint64_t jm__rng_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t jm__rng_next(jm__rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = jm__rng_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = jm__rng_rotl(s[3], 45);
    return out;
}

/* Uniform in [0, n), n < 2^32, by multiply-shift (Lemire): integer arithmetic only. */
static inline uint32_t jm__rng_below(jm__rng *r, uint32_t n)
{
    return (uint32_t)(((jm__rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

#define JM__NONE 0xFFFFu
#define JM__GREC_ITEMS 96

/* A generated record as vocabulary indices and integers; written straight to NDJSON or CSV, or
 * turned into a jm_record. */
typedef struct jm__grec {
    jm_kind kind;
    uint64_t present;             /* bit f: field f is set */
    char id[37];                  /* the UUID of post_id or candidate_id */
    uint16_t str[JM_FIELD_COUNT]; /* string fields: index into jm__vs */
    int64_t num[JM_FIELD_COUNT];  /* whole numbers, integers and times */
    uint8_t gpa_tenths;           /* gpa, the one number with a fraction */
    uint8_t list_off[JM_FIELD_COUNT], list_n[JM_FIELD_COUNT];
    uint16_t items[JM__GREC_ITEMS]; /* list items: indices into jm__vs */
} jm__grec;

/* Ways the direct writers spoil a line (bad records). */
enum {
    JM__BADW_NO_ID = 1,       /* leave the id out (an empty CSV cell) */
    JM__BADW_ID_NUMBER = 2,   /* the id as a JSON number */
    JM__BADW_TEXT_NUMBER = 4, /* the first numeric field as text */
    JM__BADW_UNKNOWN_TYPE = 8 /* a type name nobody knows */
};

/* Precomputed texts the writers share, filled once by jm__gen_texts_init(). */
typedef struct jm__gen_texts {
    char key[JM_FIELD_COUNT][48]; /* ,"name": (rows of 48: 16-byte copies stay inside) */
    uint8_t key_len[JM_FIELD_COUNT];
    char gpa_json[64][8], gpa_csv[64][8]; /* by tenths, 0..63 */
    uint8_t gpa_json_len[64], gpa_csv_len[64];
} jm__gen_texts;

void jm__gen_texts_init(jm__gen_texts *t);

/* Append the record as one line (newline included). The buffer must have room reserved:
 * JM__GEN_LINE_MAX bytes. Return the new length. */
#define JM__GEN_LINE_MAX 32768 /* the longest line (vocab2c bounds it) plus 16 bytes of slack */
size_t jm__gen_write_ndjson(const jm__gen_texts *t, const jm__grec *r, unsigned badw, char *out);
size_t jm__gen_write_csv(const jm__gen_texts *t, const jm__grec *r, jm_csv_layout layout,
                         unsigned badw, char *out);

#endif
