/* A string interner: each distinct text gets a small dense id. */
#ifndef JM_INTERN_H
#define JM_INTERN_H

#include <stddef.h>
#include <stdint.h>

typedef struct jm__intern jm__intern;

jm__intern *jm__intern_new(void);
void jm__intern_free(jm__intern *in);
/* The id of s[0..len), adding it when new; -1 when out of memory. */
int32_t jm__intern_id(jm__intern *in, const char *s, size_t len);

#endif
