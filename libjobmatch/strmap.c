/* The library's one hash map (strmap.h): making and growing its slots; lookups, filling and
 * removal are inline in the header. */
#define _DEFAULT_SOURCE /* madvise */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <jobmatch/error.h>

#include "strmap.h"

void jm__strmap_init(jm__strmap *m, size_t entries)
{
    memset(m, 0, sizeof *m);
    size_t n = 16;
    while (n / 2 < entries)
        n *= 2;
    m->min_slots = n;
}

/* Zeroed slots. Lookups land anywhere in a table, so a large one asks for huge pages: one TLB
 * entry per 2 MiB instead of per 4 KiB. */
static jm__strmap_slot *slots_alloc(size_t n)
{
    const size_t huge = (size_t)2 << 20;
    size_t bytes = n * sizeof(jm__strmap_slot);
    if (bytes < huge)
        return calloc(n, sizeof(jm__strmap_slot));
    void *p = aligned_alloc(huge, bytes); /* n is a power of two: bytes is a multiple of huge */
    if (!p)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE); /* a hint: no huge pages is fine */
#endif
    memset(p, 0, bytes);
    return p;
}

void jm__strmap_free(jm__strmap *m)
{
    free(m->slots);
    m->slots = NULL;
    m->mask = m->count = 0;
}

int jm__strmap_grow(jm__strmap *m)
{
    size_t n = m->slots ? (m->mask + 1) * 2 : m->min_slots;
    jm__strmap_slot *slots = slots_alloc(n);
    if (!slots)
        return JM_ENOMEM;
    /* Entries move by their hash alone: keys are distinct already. */
    for (size_t i = 0; m->slots && i <= m->mask; i++) {
        if (!m->slots[i].hash)
            continue;
        size_t j = (size_t)m->slots[i].hash & (n - 1);
        while (slots[j].hash)
            j = (j + 1) & (n - 1);
        slots[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = slots;
    m->mask = n - 1;
    return 0;
}
