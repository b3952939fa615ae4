/* A growable byte buffer: what writers, generators and renderers append to (buf.c). */
#ifndef JOBMATCH_BUF_H
#define JOBMATCH_BUF_H

#include <stddef.h>

#include "export.h"

JM_BEGIN_DECLS

/* A plain value (docs/ABI.md): its layout never changes. Zero-initialise it; data holds len
 * bytes of cap, owned by the buffer; free with jm_buf_free(). */
typedef struct jm_buf {
    char *data;
    size_t len;
    size_t cap;
} jm_buf;

/* Frees b's memory and empties it. Accepts NULL. */
JM_EXTERN void jm_buf_free(jm_buf *b);
/* Makes room for extra more bytes. 0 or JM_ENOMEM. */
JM_EXTERN int jm_buf_reserve(jm_buf *b, size_t extra);

JM_END_DECLS

#endif
