/* Error names and descriptions, and filling a jm_error. */
#include <stdarg.h>
#include <stdio.h>

#include <jobmatch/error.h>

#include "error_internal.h"

static const struct {
    int code;
    const char *name;
    const char *text;
} errors[] = {
    {JM_OK, "JM_OK", "success"},
    {JM_ENOMEM, "JM_ENOMEM", "out of memory"},
    {JM_EINVAL, "JM_EINVAL", "invalid argument"},
    {JM_ESYNTAX, "JM_ESYNTAX", "malformed input"},
    {JM_ETYPE, "JM_ETYPE", "field of the wrong type"},
    {JM_EKIND, "JM_EKIND", "unknown record type"},
    {JM_ENOID, "JM_ENOID", "missing id"},
    {JM_ETOOLONG, "JM_ETOOLONG", "record too long"},
    {JM_EUTF8, "JM_EUTF8", "invalid UTF-8"},
    {JM_EIO, "JM_EIO", "input/output error"},
    {JM_EDUP, "JM_EDUP", "duplicate id"},
    {JM_EVALUE, "JM_EVALUE", "invalid value"},
    {JM_ECALLBACK, "JM_ECALLBACK", "stopped by a callback"},
    {JM_EPLUGIN, "JM_EPLUGIN", "plugin cannot be used"},
};

const char *jm_strerror(int code)
{
    for (unsigned i = 0; i < sizeof errors / sizeof errors[0]; i++)
        if (errors[i].code == code)
            return errors[i].text;
    return "unknown error";
}

const char *jm_err_name(int code)
{
    for (unsigned i = 0; i < sizeof errors / sizeof errors[0]; i++)
        if (errors[i].code == code)
            return errors[i].name;
    return "JM_E?";
}

int jm__error_set(jm_error *err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    err->line = err->column = 0;
    err->source[0] = '\0';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
    return code;
}
