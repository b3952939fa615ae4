/* A bit index of a line's 64-byte blocks for the NDJSON scanner: one bit for each byte a run of
 * plain string text stops at (a quote, a backslash, a control character, a byte from 0x80), so
 * that the end of a string is a shift and a count of trailing zeros away. */
#ifndef JM_NDJSON_INDEX_H
#define JM_NDJSON_INDEX_H

#include <stddef.h>
#include <stdint.h>

enum { JM__INDEX_BLOCKS = 64 }; /* blocks indexed at a time: 4 KiB of the line */

typedef struct jm__index {
    const char *line;
    size_t len;
    const char *win;                  /* the first byte indexed (a block's first) */
    size_t win_len;                   /* bytes indexed from win on: whole blocks */
    uint64_t stops[JM__INDEX_BLOCKS]; /* bit j of stops[i]: win[64 * i + j] stops a plain run
                                       * (past the line's end: every bit) */
} jm__index;

/* The ways the stop bits of 64 bytes are found. */
typedef enum jm__index_way { JM__INDEX_PORTABLE, JM__INDEX_SSE2, JM__INDEX_AVX2 } jm__index_way;

/* The stop bits of the 64 bytes at p (bit i for p[i]), found one way: portable C on 8-byte
 * words, SSE2, or AVX2. jm__index_stops_with() of a way the machine lacks is the portable one. */
uint64_t jm__index_stops_with(jm__index_way way, const char *p);
/* Nonzero when this build on this machine can take way. */
int jm__index_can(jm__index_way way);
/* The way the index takes, in every thread: the widest the machine has, or the one
 * JM_SCAN_INDEX names (portable, sse2 or avx2) when the machine has it, chosen at the first
 * block indexed; or from then on the one a test forces (0, or -1 for one the machine lacks). */
jm__index_way jm__index_way_in_use(void);
int jm__index_force(jm__index_way way);

/* Sets ix up for line[0..len); nothing is indexed until a string end is looked for. */
static inline void jm__index_init(jm__index *ix, const char *line, size_t len)
{
    ix->line = ix->win = line;
    ix->len = len;
    ix->win_len = 0;
}

/* Indexes the blocks of ix's line from the one that holds byte pos (< ix->len) on, as many as
 * ix holds. */
void jm__index_fill(jm__index *ix, size_t pos);

/* The first byte at or after q (in ix's line, or its end) that stops a plain run, or the line's
 * end when none does. */
static inline const char *jm__index_next(jm__index *ix, const char *q)
{
    for (;;) {
        size_t at = (size_t)(q - ix->win); /* huge when q is before the window */
        if (at >= ix->win_len) {
            size_t pos = (size_t)(q - ix->line);
            if (pos >= ix->len)
                return ix->line + ix->len;
            jm__index_fill(ix, pos);
            at = (size_t)(q - ix->win);
        }
        uint64_t bits = ix->stops[at >> 6] >> (at & 63);
        if (bits)
            return q + __builtin_ctzll(bits);
        q += 64 - (at & 63);
    }
}

#endif
