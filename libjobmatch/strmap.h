/* The library's one hash map: a string (or a 64-bit fingerprint standing for one) to a 64-bit
 * value, a small integer or a pointer. Open addressing with linear probing at most half full,
 * backward-shift deletion, keys borrowed from whoever owns the values. */
#ifndef JM_STRMAP_H
#define JM_STRMAP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

/* A slot: hash 0 is empty (jm__strmap_hash() never gives 0). */
typedef struct jm__strmap_slot {
    uint64_t hash;
    uint64_t value;
} jm__strmap_slot;

/* The key of the entry holding value and its length in *len, compared when hashes match. The
 * map keeps no keys: whoever owns the values does. A fingerprint map passes NULL instead: its
 * 64-bit hash is the key itself. Lookups take the function as an argument, so that a static
 * one is inlined into them. */
typedef const char *(*jm__strmap_key_fn)(const void *ctx, uint64_t value, size_t *len);

typedef struct jm__strmap {
    jm__strmap_slot *slots; /* NULL until the first jm__strmap_reserve() */
    size_t mask, count;
    size_t min_slots;
} jm__strmap;

/* XXH3 of s[0..len), never 0. Inline: most lookups hash a short id. */
static inline uint64_t jm__strmap_hash(const char *s, size_t len)
{
    uint64_t h = XXH3_64bits(s, len);
    return h ? h : 1;
}

/* An empty map that will hold entries without growing until there are more than entries;
 * nothing is allocated yet. */
void jm__strmap_init(jm__strmap *m, size_t entries);
/* Frees the slots (not the keys or values). Accepts a map never reserved. */
void jm__strmap_free(jm__strmap *m);
/* Doubles the slots (or makes the first ones). 0, or JM_ENOMEM. */
int jm__strmap_grow(jm__strmap *m);
/* Makes room for one more entry, so that the slot jm__strmap_find() gives next may be filled.
 * 0, or JM_ENOMEM. */
static inline int jm__strmap_reserve(jm__strmap *m)
{
    return m->slots && (m->count + 1) * 2 <= m->mask + 1 ? 0 : jm__strmap_grow(m);
}

/* The slot holding (hash, s[0..len)), or the empty slot where it would go (hash 0); key and
 * key_ctx tell keys apart (NULL: a fingerprint map, s unread). The map must have slots
 * (jm__strmap_reserve() once). */
static inline jm__strmap_slot *jm__strmap_find(const jm__strmap *m, uint64_t hash, const char *s,
                                               size_t len, jm__strmap_key_fn key,
                                               const void *key_ctx)
{
    for (size_t i = (size_t)hash & m->mask;; i = (i + 1) & m->mask) {
        jm__strmap_slot *sl = &m->slots[i];
        if (!sl->hash)
            return sl;
        if (sl->hash == hash) {
            if (!key)
                return sl;
            size_t klen;
            const char *k = key(key_ctx, sl->value, &klen);
            if (klen == len && memcmp(k, s, len) == 0)
                return sl;
        }
    }
}

/* Fills the empty slot jm__strmap_find() gave (after jm__strmap_reserve()). */
static inline void jm__strmap_fill(jm__strmap *m, jm__strmap_slot *sl, uint64_t hash,
                                   uint64_t value)
{
    sl->hash = hash;
    sl->value = value;
    m->count++;
}

/* 1 and the value in *value when (hash, s) is held, else 0. Any map, reserved or not. */
static inline int jm__strmap_get(const jm__strmap *m, uint64_t hash, const char *s, size_t len,
                                 jm__strmap_key_fn key, const void *key_ctx, uint64_t *value)
{
    if (!m->slots)
        return 0;
    const jm__strmap_slot *sl = jm__strmap_find(m, hash, s, len, key, key_ctx);
    if (!sl->hash)
        return 0;
    *value = sl->value;
    return 1;
}

/* The same for a fingerprint map. */
static inline jm__strmap_slot *jm__strmap_find_fp(const jm__strmap *m, uint64_t fp)
{
    return jm__strmap_find(m, fp, NULL, 0, NULL, NULL);
}
static inline int jm__strmap_get_fp(const jm__strmap *m, uint64_t fp, uint64_t *value)
{
    return jm__strmap_get(m, fp, NULL, 0, NULL, NULL, value);
}

/* Empties the held slot sl (from jm__strmap_find()), moving later entries of its run back.
 * Inline: the distinct-id window of the report removes one id per application. */
static inline void jm__strmap_remove(jm__strmap *m, jm__strmap_slot *sl)
{
    size_t i = (size_t)(sl - m->slots);
    m->count--;
    /* Backward shift: an entry later in the run moves into the hole unless its home slot lies
     * cyclically in (hole, entry]. */
    for (size_t j = (i + 1) & m->mask; m->slots[j].hash; j = (j + 1) & m->mask) {
        size_t home = (size_t)m->slots[j].hash & m->mask;
        if (((j - home) & m->mask) >= ((j - i) & m->mask)) {
            m->slots[i] = m->slots[j];
            i = j;
        }
    }
    m->slots[i].hash = 0;
    m->slots[i].value = 0;
}

#endif
