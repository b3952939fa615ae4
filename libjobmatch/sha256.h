/* SHA-256 (FIPS 180-4), for the hashes of the HTML report's inline script and style sheet in its
 * Content-Security-Policy. */
#ifndef JM_SHA256_H
#define JM_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* The SHA-256 digest of len bytes at data, into out. */
void jm__sha256(const void *data, size_t len, uint8_t out[32]);

#endif
