/* Record ids to the partition and offset they were first read at: an open-addressing table
 * whose id strings live in large blocks. */
#include <stdlib.h>
#include <string.h>

#include "kafka.h"

typedef struct slot {
    const char *id; /* NULL: empty */
    uint64_t hash;
    kf_origin at;
} slot;

typedef struct block {
    struct block *next;
    size_t used, cap;
    char data[];
} block;

struct jm__kafka_ids {
    slot *slots;
    size_t cap, n; /* cap is a power of two */
    block *blocks;
};

enum { BLOCK_SIZE = 1 << 16 };

static uint64_t hash_of(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

jm__kafka_ids *jm__kafka_ids_new(void)
{
    jm__kafka_ids *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->cap = 1024;
    if (!(m->slots = calloc(m->cap, sizeof *m->slots))) {
        free(m);
        return NULL;
    }
    return m;
}

void jm__kafka_ids_free(jm__kafka_ids *m)
{
    if (!m)
        return;
    for (block *b = m->blocks, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(m->slots);
    free(m);
}

static slot *find(const jm__kafka_ids *m, const char *id, uint64_t h)
{
    for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        slot *s = &m->slots[i];
        if (!s->id || (s->hash == h && strcmp(s->id, id) == 0))
            return s;
    }
}

static int grow(jm__kafka_ids *m)
{
    size_t cap = m->cap * 2;
    slot *old = m->slots, *fresh = calloc(cap, sizeof *fresh);
    if (!fresh)
        return JM_ENOMEM;
    size_t oldcap = m->cap;
    m->slots = fresh;
    m->cap = cap;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].id)
            *find(m, old[i].id, old[i].hash) = old[i];
    free(old);
    return 0;
}

static const char *keep(jm__kafka_ids *m, const char *id)
{
    size_t len = strlen(id) + 1;
    block *b = m->blocks;
    if (!b || b->cap - b->used < len) {
        size_t cap = len > BLOCK_SIZE ? len : BLOCK_SIZE;
        if (!(b = malloc(sizeof *b + cap)))
            return NULL;
        b->next = m->blocks;
        b->used = 0;
        b->cap = cap;
        m->blocks = b;
    }
    char *s = b->data + b->used;
    memcpy(s, id, len);
    b->used += len;
    return s;
}

int jm__kafka_ids_note(jm__kafka_ids *m, const char *id, kf_origin at)
{
    if ((m->n + 1) * 10 > m->cap * 7 && grow(m))
        return JM_ENOMEM;
    uint64_t h = hash_of(id);
    slot *s = find(m, id, h);
    if (s->id)
        return 0;
    if (!(s->id = keep(m, id)))
        return JM_ENOMEM;
    s->hash = h;
    s->at = at;
    m->n++;
    return 0;
}

const kf_origin *jm__kafka_ids_find(const jm__kafka_ids *m, const char *id)
{
    const slot *s = find(m, id, hash_of(id));
    return s->id ? &s->at : NULL;
}
