/* Clocks the harnesses pick from their header bytes: the epoch, dates around the sample data and
 * the ends of the calendar the time parser accepts. */
#ifndef FUZZ_CLOCKS_H
#define FUZZ_CLOCKS_H

#include <stdint.h>

static const int64_t fuzz_clocks[8] = {
    0,
    1735689600000,   /* 2025-01-01 */
    1764547200000,   /* 2025-12-01 */
    1767225599999,   /* 2025-12-31T23:59:59.999 */
    253402300799999, /* 9999-12-31T23:59:59.999 */
    -62135596800000, /* 0001-01-01 */
    -1,
    4102444800000, /* 2100-01-01 */
};

#endif
