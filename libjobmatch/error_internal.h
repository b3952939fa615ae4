/* Filling a caller's jm_error from inside the library. */
#ifndef JM_ERROR_INTERNAL_H
#define JM_ERROR_INTERNAL_H

#include <jobmatch/error.h>

/* Sets err (may be NULL) to code and the formatted text, with no source and no position, and
 * returns code: for constructors and calls that fail before any input is read. */
int jm__error_set(jm_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The same for a constructor: `return jm__fail(err, code, text);` gives its NULL. */
static inline void *jm__fail(jm_error *err, int code, const char *text)
{
    jm__error_set(err, code, "%s", text);
    return NULL;
}

#endif
