/* Filling the caller's jm_error when a constructor fails. */
#ifndef JM_ERROR_INTERNAL_H
#define JM_ERROR_INTERNAL_H

#include <stdio.h>
#include <string.h>

#include <jobmatch/error.h>

/* Sets err (when not NULL) to code and the one-line text; returns NULL, for `return
 * jm__fail(...)` from a constructor. */
static inline void *jm__fail(jm_error *err, int code, const char *text)
{
    if (err) {
        memset(err, 0, sizeof *err);
        err->code = code;
        snprintf(err->text, sizeof err->text, "%s", text);
    }
    return NULL;
}

#endif
