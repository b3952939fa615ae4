/* A string interner: open addressing over xxHash, ids dense from 0. */
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "intern.h"

typedef struct slot {
    uint64_t hash;
    int32_t id; /* -1: empty */
} slot;

struct jm__intern {
    slot *slots;
    size_t mask;
    char **texts;
    size_t *lens;
    size_t count, texts_cap;
};

jm__intern *jm__intern_new(void)
{
    jm__intern *in = calloc(1, sizeof *in);
    if (!in)
        return NULL;
    in->mask = 255;
    in->slots = malloc((in->mask + 1) * sizeof *in->slots);
    if (!in->slots) {
        free(in);
        return NULL;
    }
    for (size_t i = 0; i <= in->mask; i++)
        in->slots[i].id = -1;
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
    free(in->slots);
    free(in);
}

static size_t probe(const jm__intern *in, uint64_t h, const char *s, size_t len)
{
    size_t i = (size_t)h & in->mask;
    for (;;) {
        const slot *sl = &in->slots[i];
        if (sl->id < 0 ||
            (sl->hash == h && in->lens[sl->id] == len && memcmp(in->texts[sl->id], s, len) == 0))
            return i;
        i = (i + 1) & in->mask;
    }
}

static int grow(jm__intern *in)
{
    size_t mask = in->mask * 2 + 1;
    slot *slots = malloc((mask + 1) * sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i <= mask; i++)
        slots[i].id = -1;
    for (size_t i = 0; i <= in->mask; i++) {
        if (in->slots[i].id < 0)
            continue;
        size_t j = (size_t)in->slots[i].hash & mask;
        while (slots[j].id >= 0)
            j = (j + 1) & mask;
        slots[j] = in->slots[i];
    }
    free(in->slots);
    in->slots = slots;
    in->mask = mask;
    return 0;
}

int32_t jm__intern_find(const jm__intern *in, const char *s, size_t len)
{
    uint64_t h = XXH3_64bits(s, len);
    return in->slots[probe(in, h, s, len)].id;
}

int32_t jm__intern_id(jm__intern *in, const char *s, size_t len)
{
    uint64_t h = XXH3_64bits(s, len);
    size_t i = probe(in, h, s, len);
    if (in->slots[i].id >= 0)
        return in->slots[i].id;
    if ((in->count + 1) * 2 > in->mask) {
        if (grow(in))
            return -1;
        i = probe(in, h, s, len);
    }
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
    in->slots[i].hash = h;
    in->slots[i].id = id;
    return id;
}
