/* Checks the library's hash map (strmap.h): string keys through a key function, fingerprint
 * keys, growth past the first size, and backward-shift removal keeping every other key found,
 * also when hashes collide. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "testutil.h"

enum { N = 5000 };

static char keys[N][16];

static const char *key_of(const void *ctx, uint64_t value, size_t *len)
{
    (void)ctx;
    *len = strlen(keys[value]);
    return keys[value];
}

/* s NULL: a fingerprint map. */
static jm__strmap_slot *find(jm__strmap *m, uint64_t hash, const char *s)
{
    return jm__strmap_find(m, hash, s, s ? strlen(s) : 0, s ? key_of : NULL, NULL);
}

static void put(jm__strmap *m, uint64_t hash, const char *s, uint64_t value)
{
    ck_assert_int_eq(jm__strmap_reserve(m), 0);
    jm__strmap_slot *sl = find(m, hash, s);
    ck_assert_uint_eq(sl->hash, 0);
    jm__strmap_fill(m, sl, hash, value);
}

static int get(const jm__strmap *m, uint64_t hash, const char *s, uint64_t *value)
{
    return jm__strmap_get(m, hash, s, s ? strlen(s) : 0, s ? key_of : NULL, NULL, value);
}

START_TEST(string_keys_grow_and_remove)
{
    jm__strmap m;
    jm__strmap_init(&m, 4);
    uint64_t v = 0;
    ck_assert_int_eq(get(&m, jm__strmap_hash("k0", 2), "k0", &v), 0); /* nothing allocated */
    for (int i = 0; i < N; i++) {
        snprintf(keys[i], sizeof keys[i], "k%d", i);
        put(&m, jm__strmap_hash(keys[i], strlen(keys[i])), keys[i], (uint64_t)i);
    }
    ck_assert_uint_eq(m.count, N);
    ck_assert_uint_ge(m.mask + 1, 2 * N); /* at most half full */
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(get(&m, jm__strmap_hash(keys[i], strlen(keys[i])), keys[i], &v), 1);
        ck_assert_uint_eq(v, (uint64_t)i);
    }
    ck_assert_int_eq(get(&m, jm__strmap_hash("k", 1), "k", &v), 0);
    /* Remove every third key; the rest stay found, the removed ones are gone. */
    for (int i = 0; i < N; i += 3) {
        jm__strmap_slot *sl = find(&m, jm__strmap_hash(keys[i], strlen(keys[i])), keys[i]);
        ck_assert_uint_ne(sl->hash, 0);
        jm__strmap_remove(&m, sl);
    }
    for (int i = 0; i < N; i++)
        ck_assert_int_eq(get(&m, jm__strmap_hash(keys[i], strlen(keys[i])), keys[i], &v),
                         i % 3 != 0);
    ck_assert_uint_eq(m.count, N - (N + 2) / 3);
    jm__strmap_free(&m);
}
END_TEST

/* Equal hashes for different keys: the key function tells them apart. */
START_TEST(colliding_hashes)
{
    jm__strmap m;
    jm__strmap_init(&m, 64);
    for (int i = 0; i < 40; i++) {
        snprintf(keys[i], sizeof keys[i], "same-%d", i);
        put(&m, 42, keys[i], (uint64_t)i);
    }
    uint64_t v;
    for (int i = 0; i < 40; i++) {
        ck_assert_int_eq(get(&m, 42, keys[i], &v), 1);
        ck_assert_uint_eq(v, (uint64_t)i);
    }
    /* Removing from the middle of the run shifts the later entries back: all still found. */
    for (int i = 0; i < 40; i += 2)
        jm__strmap_remove(&m, find(&m, 42, keys[i]));
    for (int i = 0; i < 40; i++)
        ck_assert_int_eq(get(&m, 42, keys[i], &v), i % 2);
    jm__strmap_free(&m);
}
END_TEST

/* A fingerprint map: the hash is the key; entries whose homes wrap around the table's end. */
START_TEST(fingerprints_wrap_around)
{
    jm__strmap m;
    jm__strmap_init(&m, 8);
    ck_assert_int_eq(jm__strmap_reserve(&m), 0);
    size_t slots = m.mask + 1;
    uint64_t fps[8];
    for (int i = 0; i < 8; i++) {
        fps[i] = (uint64_t)(slots - 2 + (size_t)(i % 3)) | ((uint64_t)(i + 1) << 40);
        put(&m, fps[i], NULL, (uint64_t)i * 10);
    }
    uint64_t v;
    for (int i = 0; i < 8; i++) {
        ck_assert_int_eq(get(&m, fps[i], NULL, &v), 1);
        ck_assert_uint_eq(v, (uint64_t)i * 10);
    }
    for (int i = 0; i < 8; i += 3)
        jm__strmap_remove(&m, find(&m, fps[i], NULL));
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(get(&m, fps[i], NULL, &v), i % 3 != 0);
    ck_assert_int_eq(get(&m, 12345, NULL, &v), 0);
    ck_assert_uint_ne(jm__strmap_hash("", 0), 0);
    jm__strmap_free(&m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("strmap");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, string_keys_grow_and_remove);
    tcase_add_test(tc, colliding_hashes);
    tcase_add_test(tc, fingerprints_wrap_around);
    suite_add_tcase(s, tc);
    return jm_test_run(s);
}
