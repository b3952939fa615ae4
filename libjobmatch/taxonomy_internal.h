/* What the library reads of the taxonomy beyond the public calls. */
#ifndef JM_TAXONOMY_INTERNAL_H
#define JM_TAXONOMY_INTERNAL_H

#include <stddef.h>

/* The name of family index (0 <= index < JM_FAMILY_COUNT) and its length, from a static table. */
const char *jm__family_name(int index, size_t *len);

#endif
