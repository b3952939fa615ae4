/* Error codes and the error report filled by parsers. */
#ifndef JOBMATCH_ERROR_H
#define JOBMATCH_ERROR_H

#include <stdint.h>

#include "export.h"

JM_BEGIN_DECLS

/* Fallible calls return 0 or one of these negative codes. */
typedef enum jm_errno {
    JM_OK = 0,
    JM_ENOMEM = -1,     /* out of memory */
    JM_EINVAL = -2,     /* invalid argument or option value */
    JM_ESYNTAX = -3,    /* malformed input: JSON or CSV */
    JM_ETYPE = -4,      /* a field holds the wrong JSON type */
    JM_EKIND = -5,      /* unknown or unrecognisable record type */
    JM_ENOID = -6,      /* the record's id is missing or empty */
    JM_ETOOLONG = -7,   /* the line or record is longer than the limit */
    JM_EUTF8 = -8,      /* invalid UTF-8 */
    JM_EIO = -9,        /* read or write failure */
    JM_EDUP = -10,      /* a record with this id is already held */
    JM_EVALUE = -11,    /* a field's value is out of range or unparsable */
    JM_ECALLBACK = -12, /* a callback asked to stop */
    JM_EPLUGIN = -13    /* a plugin could not be loaded or is incompatible */
} jm_errno;

/* A short English description of code, e.g. "malformed input". Never NULL. */
JM_EXTERN const char *jm_strerror(int code);
/* The code's name, e.g. "JM_ESYNTAX". Never NULL. */
JM_EXTERN const char *jm_err_name(int code);

/* What went wrong and where. Filled by readers and by constructors (a trailing jm_error *err,
 * which may be NULL); caller-allocated. A plain value (docs/ABI.md): its layout never changes. */
#define JM_ERROR_SOURCE_BUF 256
#define JM_ERROR_TEXT_BUF 256
typedef struct jm_error {
    int code;                         /* a jm_errno value */
    uint64_t line;                    /* 1-based line in source, 0 if unknown */
    uint64_t column;                  /* 1-based byte column, 0 if unknown */
    char source[JM_ERROR_SOURCE_BUF]; /* file name or "<stdin>", "" when none; truncated to fit */
    char text[JM_ERROR_TEXT_BUF];     /* one line of explanation, no trailing newline */
} jm_error;

JM_END_DECLS

#endif
