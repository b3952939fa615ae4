/* The CSV writer's column tables, shared with the generator's direct writer. */
#ifndef JM_CSV_WRITE_H
#define JM_CSV_WRITE_H

#include <stddef.h>

#include <jobmatch/record.h>
#include <jobmatch/writer.h>

/* What a column holds besides one plain field. */
enum {
    JM__COL_FIELD = 0,    /* the field as is */
    JM__COL_TYPE = 1,     /* the kind's name */
    JM__COL_SALARY = 2,   /* the reference's single "salary": salary_max, the offer */
    JM__COL_LOCATION = 3, /* "City, Country" */
    JM__COL_PYFLOAT = 4   /* a number written as Python writes a float: "3.0" */
};

typedef struct jm__csv_col {
    const char *name;
    jm_field field;
    unsigned char special; /* JM__COL_* */
    unsigned char kinds;   /* bit k: filled in rows of kind k */
} jm__csv_col;

/* The columns of layout (for JM_CSV_REFERENCE, of kind), or NULL with *n = 0. */
const jm__csv_col *jm__csv_columns(jm_csv_layout layout, jm_kind kind, size_t *n);

/* Appends the cells' text forms (no separators). Each reserves its own room; 0 or JM_ENOMEM. */
/* A time as "YYYY-MM-DD hh:mm:ss" (".mmm" when not whole seconds). */
int jm__csv_put_time(jm_buf *out, int64_t ms);
/* A number: shortest round-trip text; py_float adds ".0" to a whole value. */
int jm__csv_put_number(jm_buf *out, double v, int py_float);

#endif
