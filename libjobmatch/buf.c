/* The growable byte buffer that writers and renderers append to. */
#include <stdlib.h>

#include <jobmatch/buf.h>
#include <jobmatch/error.h>

void jm_buf_free(jm_buf *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int jm_buf_reserve(jm_buf *b, size_t extra)
{
    if (b->cap - b->len >= extra)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len < extra)
        cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d)
        return JM_ENOMEM;
    b->data = d;
    b->cap = cap;
    return 0;
}
