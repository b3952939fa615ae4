/* The job taxonomy of seed-vocab.json (job_family_groups), compiled in, and the ordinal
 * scales scoring reads: seniority ranks and years of experience. */
#include <stdint.h>
#include <string.h>

#include <jobmatch/taxonomy.h>

#include "taxonomy_internal.h"
#include "text.h"

static const char *const categories[JM_CATEGORY_COUNT] = {
    "Leadership / Executive",
    "Management & Senior Technical",
    "Data & Analytics",
    "Security & Compliance",
    "Software Development & Web / Mobile",
    "DevOps / Infrastructure / Cloud",
    "Quality Assurance / Testing",
    "Emerging / Specialized Tech",
    "Product / UX / UI / Design",
    "Support / Ops / Other Tech Roles",
    "Junior / Entry Level Titles",
    "Misc / Cross-cutting Titles",
    "Accounting & Finance",
    "Business Development / Strategy",
    "Consulting",
    "Human Resources",
    "Marketing / Advertising / PR",
    "Real Estate / Property",
    "Sales / Client Services",
    "Support / Helpdesk / Customer Service",
};

/* With their lengths, so that writers need not count per pair. */
#define FAMILY(name)          \
    {                         \
        name, sizeof name - 1 \
    }
static const struct {
    const char *name;
    size_t len;
} families[JM_FAMILY_COUNT] = {
    FAMILY("Executive & Senior Leadership"), FAMILY("Core Engineering & Development"),
    FAMILY("Data, AI & Analytics"),          FAMILY("Security, Compliance & Infrastructure"),
    FAMILY("Quality Engineering & Testing"), FAMILY("Product, Design & UX"),
    FAMILY("Business, Strategy & Growth"),   FAMILY("Finance, Consulting & Professional Services"),
    FAMILY("Human Resources & Talent"),      FAMILY("Sales, Customer Success & Support"),
    FAMILY("Marketing & Communications"),    FAMILY("IT Operations & Technical Support"),
    FAMILY("Entry-Level & Junior Roles"),    FAMILY("Real Estate & Property Management"),
};

/* Bit i set: the category belongs to family i. */
static const uint32_t category_families[JM_CATEGORY_COUNT] = {
    1u << 0,                                /* Leadership / Executive */
    1u << 0,                                /* Management & Senior Technical */
    1u << 2,                                /* Data & Analytics */
    1u << 3,                                /* Security & Compliance */
    1u << 1 | 1u << 4 | 1u << 5 | 1u << 12, /* Software Development & Web / Mobile */
    1u << 1 | 1u << 3 | 1u << 11,           /* DevOps / Infrastructure / Cloud */
    1u << 4 | 1u << 12,                     /* Quality Assurance / Testing */
    1u << 1 | 1u << 2,                      /* Emerging / Specialized Tech */
    1u << 0 | 1u << 5 | 1u << 10,           /* Product / UX / UI / Design */
    1u << 3 | 1u << 9 | 1u << 11,           /* Support / Ops / Other Tech Roles */
    1u << 12,                               /* Junior / Entry Level Titles */
    1u << 1 | 1u << 4,                      /* Misc / Cross-cutting Titles */
    1u << 7 | 1u << 13,                     /* Accounting & Finance */
    1u << 6 | 1u << 9,                      /* Business Development / Strategy */
    1u << 6 | 1u << 7 | 1u << 8,            /* Consulting */
    1u << 8,                                /* Human Resources */
    1u << 6 | 1u << 10,                     /* Marketing / Advertising / PR */
    1u << 7 | 1u << 13,                     /* Real Estate / Property */
    1u << 9,                                /* Sales / Client Services */
    1u << 9 | 1u << 11,                     /* Support / Helpdesk / Customer Service */
};

const char *jm_category_name(int index)
{
    return index >= 0 && index < JM_CATEGORY_COUNT ? categories[index] : NULL;
}

const char *jm_family_name(int index)
{
    return index >= 0 && index < JM_FAMILY_COUNT ? families[index].name : NULL;
}

const char *jm__family_name(int index, size_t *len)
{
    *len = families[index].len;
    return families[index].name;
}

int jm_category_index(const char *category, size_t len)
{
    for (int i = 0; i < JM_CATEGORY_COUNT; i++)
        if (jm__same_text(category, len, categories[i], strlen(categories[i])))
            return i;
    return -1;
}

uint32_t jm_category_families(int index)
{
    return index >= 0 && index < JM_CATEGORY_COUNT ? category_families[index] : 0;
}

/* SPEC "Scoring", seniority. */
static const struct {
    const char *level;
    int rank;
} seniority[] = {
    {"Internship", 1},
    {"Entry Level", 2},
    {"Junior", 3},
    {"Associate", 4},
    {"Representative", 4},
    {"Coordinator", 4},
    {"Administrator", 4},
    {"Analyst", 4},
    {"Mid Level", 5},
    {"Specialist", 5},
    {"Engineer", 5},
    {"Consultant", 5},
    {"Senior", 6},
    {"Staff", 7},
    {"Lead", 7},
    {"Architect", 7},
    {"Manager", 8},
    {"Principal", 8},
    {"Head", 9},
    {"Director", 9},
    {"Director/VP", 9},
    {"Vice President", 10},
    {"C-Level Executive (CXO)", 11},
};

int jm_seniority_rank(const char *level, size_t len)
{
    for (unsigned i = 0; i < sizeof seniority / sizeof seniority[0]; i++)
        if (jm__same_text(level, len, seniority[i].level, strlen(seniority[i].level)))
            return seniority[i].rank;
    return 0;
}

int jm_years_min(const char *years, size_t len)
{
    size_t i = 0;
    while (i < len && (years[i] < '0' || years[i] > '9'))
        i++;
    if (i == len)
        return -1;
    long v = 0;
    while (i < len && years[i] >= '0' && years[i] <= '9' && v < 1000000)
        v = v * 10 + (years[i++] - '0');
    return (int)v;
}
