/* A string interner: each distinct text gets a dense id from 0, found through a jm__strmap. */
#include <stdlib.h>
#include <string.h>

#include "intern.h"
#include "strmap.h"

struct jm__intern {
    jm__strmap ids; /* text -> id */
    char **texts;
    size_t *lens;
    size_t count, texts_cap;
};

static const char *text_of(const void *ctx, uint64_t id, size_t *len)
{
    const jm__intern *in = ctx;
    *len = in->lens[id];
    return in->texts[id];
}

jm__intern *jm__intern_new(void)
{
    jm__intern *in = calloc(1, sizeof *in);
    if (!in)
        return NULL;
    jm__strmap_init(&in->ids, 128);
    if (jm__strmap_reserve(&in->ids)) {
        free(in);
        return NULL;
    }
    return in;
}

void jm__intern_free(jm__intern *in)
{
    if (!in)
        return;
    for (size_t i = 0; i < in->count; i++)
        free(in->texts[i]);
    free(in->texts);
    free(in->lens);
    jm__strmap_free(&in->ids);
    free(in);
}

int32_t jm__intern_id(jm__intern *in, const char *s, size_t len)
{
    uint64_t h = jm__strmap_hash(s, len);
    if (jm__strmap_reserve(&in->ids))
        return -1;
    jm__strmap_slot *sl = jm__strmap_find(&in->ids, h, s, len, text_of, in);
    if (sl->hash)
        return (int32_t)sl->value;
    if (in->count == in->texts_cap) {
        size_t cap = in->texts_cap ? in->texts_cap * 2 : 64;
        char **texts = realloc(in->texts, cap * sizeof *texts);
        if (!texts)
            return -1;
        in->texts = texts;
        size_t *lens = realloc(in->lens, cap * sizeof *lens);
        if (!lens)
            return -1;
        in->lens = lens;
        in->texts_cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, s, len);
    copy[len] = '\0';
    int32_t id = (int32_t)in->count;
    in->texts[id] = copy;
    in->lens[id] = len;
    in->count++;
    jm__strmap_fill(&in->ids, sl, h, (uint64_t)id);
    return id;
}
