/* The generator's compiled vocabulary (libjobmatch/vocab_data.c, made by build-aux/vocab2c.py). */
#ifndef JM_VOCAB_H
#define JM_VOCAB_H

#include <stdint.h>

/* One vocabulary string in the three encodings the generator writes. */
typedef struct jm__vstr {
    const char *s;    /* UTF-8 text */
    const char *json; /* JSON string literal, quotes included, as jm_write_json_string() */
    const char *csv;  /* CSV cell, quoted when it must be */
    const char *py;   /* Python repr for a list cell, with CSV quotes doubled */
    uint16_t len, json_len, csv_len, py_len;
    uint8_t py_special; /* the repr holds a comma, a quote or a newline: the cell needs quotes */
} jm__vstr;

/* A slice of jm__vidx (string indices) or of another table. */
typedef struct jm__vrange {
    uint16_t off, n;
} jm__vrange;

typedef struct jm__vyears {
    uint16_t s;        /* "3-5 years" */
    uint8_t min_years; /* its first integer */
} jm__vyears;

/* A seniority level: a key of seed-vocab.json "salary_ranges_per_year". */
typedef struct jm__vlevel {
    uint16_t name;
    int32_t salary_lo, salary_hi; /* salary_ranges_per_year */
    jm__vrange years;             /* into jm__vyears_tab: experience_years[level_to_years] */
    jm__vrange employment;        /* into jm__vidx: employment_rules of its keyword */
    uint8_t has_rule;             /* 0: no keyword names it, so every employment type */
} jm__vlevel;

typedef struct jm__vtitle {
    uint16_t s;
    int8_t level; /* the level its matching keyword names, or -1: the category's levels */
} jm__vtitle;

typedef struct jm__vcategory {
    uint16_t name;
    jm__vrange titles;          /* into jm__vtitles */
    jm__vrange skills;          /* into jm__vidx: jobs_skills */
    jm__vrange certs;           /* into jm__vidx: job_certifications */
    jm__vrange levels;          /* into jm__vcat_levels: category_to_experience */
    uint8_t n_skills;           /* num_skills_needed */
    uint8_t cert_min, cert_max; /* num_certifications_needed */
} jm__vcategory;

typedef struct jm__vcity {
    uint16_t city, country;
    jm__vrange languages; /* into jm__vidx: country_languages */
} jm__vcity;

typedef struct jm__vregion {
    uint16_t name;
    jm__vrange cities; /* into jm__vcities */
} jm__vregion;

#define JM__VLEVELS 22
#define JM__VCATS 20
#define JM__VREGIONS 6
#define JM__VINDUSTRIES 50
#define JM__VEDU 8

typedef struct jm__vindustry {
    uint16_t name;
    uint16_t region_weights[JM__VREGIONS]; /* vocab-weights.json industry_regions */
} jm__vindustry;

typedef struct jm__vedu_group {
    uint16_t max_age;
    uint16_t weights[JM__VEDU]; /* vocab-weights.json education_by_age */
} jm__vedu_group;

typedef struct jm__vprev {
    uint8_t min_years, lo, hi; /* vocab-weights.json previous_companies_by_years */
} jm__vprev;

typedef struct jm__vlists {
    jm__vrange companies, industries, platforms, apply_methods, work_modes, employment_types,
        education_levels, male_names, female_names, nationalities;
    uint16_t male, female;
} jm__vlists;

extern const char jm__vblob[]; /* every encoding, padded: 16-byte copies may overrun a string */
extern const jm__vstr jm__vs[];
extern const unsigned jm__vs_count;
extern const uint16_t jm__vidx[];
extern const jm__vyears jm__vyears_tab[];
extern const jm__vlevel jm__vlevels[JM__VLEVELS];
extern const jm__vtitle jm__vtitles[];
extern const uint8_t jm__vcat_levels[];
extern const jm__vcategory jm__vcats[JM__VCATS];
extern const jm__vcity jm__vcities[];
extern const jm__vregion jm__vregions[JM__VREGIONS];
extern const jm__vindustry jm__vindustries[];
extern const jm__vedu_group jm__vedu_groups[];
extern const unsigned jm__vedu_group_count;
extern const jm__vprev jm__vprev_rows[];
extern const unsigned jm__vprev_count;
extern const uint8_t jm__vgpa[]; /* GPA in tenths */
extern const unsigned jm__vgpa_count;
extern const jm__vlists jm__vl;

#endif
