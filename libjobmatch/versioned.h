/* The one rule for versioned public structs (docs/ABI.md), as the library applies it: a struct
 * begins with size_t struct_size, gains fields only at its end, and the library reads or writes
 * only the part a caller's struct_size covers. Every versioned struct goes through these. */
#ifndef JM_VERSIONED_H
#define JM_VERSIONED_H

#include <stddef.h>
#include <string.h>

#include <jobmatch/error.h>

/* Where member of type ends: the struct_size a caller's struct must reach for member to be
 * read or written. A version's size is JM__SIZE_TO of its last member. */
#define JM__SIZE_TO(type, member) (offsetof(type, member) + sizeof(((type *)0)->member))

/* Checks at compile time that type, whose last member is last, ends without tail padding: so a
 * member appended later never lies in an older caller's padding, which JM__SIZE_TO would count
 * as covered. Pad with a named reserved member instead. */
#define JM__VERSIONED(type, last)                                    \
    _Static_assert(sizeof(type) == JM__SIZE_TO(type, last),          \
                   #type " must end without padding (docs/ABI.md)"); \
    _Static_assert(offsetof(type, struct_size) == 0, #type " must begin with struct_size")

/* Whether the caller's struct *p (of type) covers member, for reading it in place. */
#define JM__COVERS(p, type, member) ((p)->struct_size >= JM__SIZE_TO(type, member))

/* A caller's struct_size (its first member). */
static inline size_t jm__struct_size(const void *p)
{
    size_t n;
    memcpy(&n, p, sizeof n);
    return n;
}

/* Reads a caller's versioned struct src into dst, a whole struct of dst_size bytes that holds
 * the defaults: the part of src its struct_size covers is copied over them, the rest stays, and
 * dst keeps its own struct_size. JM_EINVAL, dst untouched, when src is smaller than min_size,
 * the size of the struct's first version. */
static inline int jm__versioned_in(void *dst, size_t dst_size, const void *src, size_t min_size)
{
    size_t n = jm__struct_size(src);
    if (n < min_size)
        return JM_EINVAL;
    if (n > dst_size)
        n = dst_size; /* a newer caller: its fields past ours are not ours to read */
    memcpy((char *)dst + sizeof(size_t), (const char *)src + sizeof(size_t), n - sizeof(size_t));
    return 0;
}

/* Writes a whole struct src of src_size bytes, filled by the library, into a caller's versioned
 * struct dst: only the part dst's struct_size covers, and never struct_size itself (fields the
 * library does not know stay as the caller set them). JM_EINVAL, dst untouched, when dst is
 * smaller than min_size. */
static inline int jm__versioned_out(void *dst, const void *src, size_t src_size, size_t min_size)
{
    size_t n = jm__struct_size(dst);
    if (n < min_size)
        return JM_EINVAL;
    if (n > src_size)
        n = src_size;
    memcpy((char *)dst + sizeof(size_t), (const char *)src + sizeof(size_t), n - sizeof(size_t));
    return 0;
}

#endif
