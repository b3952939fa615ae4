/* The synthetic data generator: job posts and candidates that follow the reference vocabulary's
 * tables, from a seeded PRNG, on a simulated clock; with late records and bad lines on demand. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jobmatch/error.h>
#include <jobmatch/gen.h>
#include <jobmatch/writer.h>

#include "csv_write.h"
#include "error_internal.h"
#include "gen_internal.h"
#include "record_internal.h"
#include "versioned.h"

/* Independent PRNG streams, so that turning one feature on leaves the others' draws alone: the
 * good records are the same whatever the late and bad fractions are. The clock, late and bad
 * decisions are drawn in order, a few draws a line; the costly part, each record's content, comes
 * from a stream of its block of BLOCK_RECORDS good records (and each bad line's from a stream of
 * its line number), so blocks can be made on any thread in any order and give the same bytes. */
enum { STREAM_CONTENT = 1, STREAM_LATE = 2, STREAM_BAD = 3, STREAM_CLOCK = 4, STREAM_BAD_LINE = 5 };

/* Good records per content block, and so per unit of work handed to a thread: part of what the
 * bytes of a seed are. 512 records are about half a megabyte of output, enough to make the
 * hand-over between threads cheap. */
enum { BLOCK_RECORDS = 512 };

/* One planned line: what the sequential draws decided, then (once made) where it ends. */
typedef struct gline {
    jm_kind kind;
    int bad;          /* planned: nonzero for a bad line; made: its jm_gen_bad */
    int64_t event_ms; /* a good line's event time (late ones set back), a bad line's clock */
    int64_t late_ms;
    uint64_t line; /* a bad line's number, which seeds its content */
    size_t end;    /* made: where the line ends in its block's data */
    char id[JM_UUID_BUF];
} gline;

/* A unit of work: the lines up to and including one content block's last good record. */
struct jm_gen_block {
    gline *lines;
    size_t n, cap;
    jm_buf data;
    jm__rng content; /* planned: at the unit's first record; made: after its last */
    int records;     /* good records in the unit */
    int rc;
    jm__grec last; /* the unit's last good record */
    jm__grec scratch;
};

enum {
    POSTED_BEFORE_MAX_S = 6 * 3600, /* a post's date is up to 6 hours before its event */
    DEADLINE_DAYS_MIN = 5,          /* issue 3: the deadline is 5 to 30 days after posting */
    DEADLINE_DAYS_MAX = 30,
    /* Years since graduation: the top of the years band, plus 0-2 years of study, search or time
     * out, as in the reference export (its "4-6 years" graduated 6 to 8 years before its date). */
    GRAD_GAP_MAX = 2,
    OPEN_BAND_TOP = 2,          /* an open band's top: "10+ years" counts as 10-12 */
    BIRTH_BEFORE_GRAD_MIN = 21, /* "about 22 years before graduation" */
    BIRTH_BEFORE_GRAD_MAX = 23,
    RAISE_PCT_MIN = 5, /* expected salary: 5-20% above the current one */
    RAISE_PCT_MAX = 20
};

struct jm_gen {
    jm_gen_options o;
    jm__rng content, late, bad, clock;
    uint64_t records;  /* good records planned so far: the content block is records / BLOCK */
    uint64_t lines;    /* lines planned so far: a bad line's content is seeded by its number */
    int64_t clock_ms;  /* the event time of the last good record, late ones aside */
    uint64_t slot_us;  /* where the next record's slot starts, from start_ms */
    uint64_t step_us;  /* the pace: one record a slot of this many microseconds */
    uint64_t limit_us; /* from start_ms to the clock's last reading, TIME_MAX_MS */
    uint32_t late_thr; /* a draw below this (of 2^32) makes a late record */
    uint32_t bad_thr;
    jm__gen_texts texts;
    jm__grec last; /* the last good record emitted */
    int have_last;
    int64_t last_late_ms;
    int64_t newest_ms; /* the newest event time handed out, late ones aside */
    int any_out;
    jm__grec scratch;
};

static uint64_t splitmix_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

void jm__rng_seed(jm__rng *r, uint64_t seed, uint64_t stream)
{
    /* splitmix64 over (seed, stream): distinct, well-mixed states for each stream. */
    uint64_t x = seed ^ (stream * 0x9E3779B97F4A7C15u);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix_mix(x += 0x9E3779B97F4A7C15u);
}

void jm__rng_seed_at(jm__rng *r, uint64_t seed, uint64_t stream, uint64_t index)
{
    /* splitmix64 from a key that mixes all three: neighbouring indices start far apart. */
    uint64_t x = splitmix_mix(splitmix_mix(seed ^ (stream * 0x9E3779B97F4A7C15u)) + index);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix_mix(x += 0x9E3779B97F4A7C15u);
}

/* 9999-12-31T23:59:59.999Z: the last time a four-digit year can say; the clock stops there. */
#define TIME_MAX_MS INT64_C(253402300799999)
#define TIME_MIN_MS INT64_C(-62167219200000) /* 0000-01-01T00:00:00Z */
/* A pace within one record a millisecond and one a thousand days. */
#define STEP_MIN_US 1000.0
#define STEP_MAX_US 86400e9

void jm_gen_options_init(jm_gen_options *o)
{
    memset(o, 0, sizeof *o);
    o->struct_size = sizeof *o;
    o->start_ms = JM_GEN_DEFAULT_START_MS;
    o->per_day = JM_GEN_DEFAULT_PER_DAY;
    o->late_min_ms = 5 * 60 * 1000;
    o->late_max_ms = 60 * 60 * 1000;
    o->format = JM_GEN_NDJSON;
    o->threads = 1;
}

/* A fraction in [0, 1) as a threshold on 32-bit draws: one multiplication, done once. */
static uint32_t threshold(double f)
{
    return (uint32_t)(f * 4294967296.0);
}

JM__VERSIONED(jm_gen_options, per_day);
JM__VERSIONED(jm_gen_info, id);
#define GEN_OPTIONS_V1 JM__SIZE_TO(jm_gen_options, clock_ctx)
#define GEN_INFO_V1 JM__SIZE_TO(jm_gen_info, id)

/* Why o cannot make a generator, or NULL when it can. */
/* A replay at speed/rate seconds a record, rather than a pace in records a day. */
static int replaying(const jm_gen_options *o)
{
    return o->rate > 0 && o->speed > 0;
}

static const char *options_problem(const jm_gen_options *o)
{
    if (!(o->rate >= 0))
        return "rate must be 0 or above";
    if (!(o->speed >= 0))
        return "speed must be 0 or above";
    if (!replaying(o) && !(o->per_day > 0))
        return "per_day must be above 0";
    double step = replaying(o) ? 1e6 * o->speed / o->rate : 86400e6 / o->per_day;
    if (!(step >= STEP_MIN_US && step <= STEP_MAX_US))
        return "the pace is out of range: one record a millisecond to one in 1,000 days";
    if (o->start_ms < TIME_MIN_MS || o->start_ms > TIME_MAX_MS)
        return "start_ms is outside years 0000-9999";
    if (!(o->late_fraction >= 0 && o->late_fraction < 1))
        return "late_fraction must be in [0, 1)";
    if (!(o->bad_fraction >= 0 && o->bad_fraction < 1))
        return "bad_fraction must be in [0, 1)";
    if (o->late_min_ms < 0 || o->late_max_ms < o->late_min_ms ||
        o->late_max_ms - o->late_min_ms > UINT32_MAX - 1)
        return "late_min_ms and late_max_ms must make a range from 0 up, under 49 days wide";
    if (o->format != JM_GEN_NDJSON && o->format != JM_GEN_CSV && o->format != JM_GEN_CSV_BY_KIND)
        return "format is not a jm_gen_format";
    if (o->threads > 2)
        return "threads must be 1 or 2";
    return NULL;
}

jm_gen *jm_gen_new(const jm_gen_options *opts, jm_error *err)
{
    jm_gen_options o;
    jm_gen_options_init(&o);
    if (opts) {
        if (jm__versioned_in(&o, sizeof o, opts, GEN_OPTIONS_V1)) {
            jm__error_set(err, JM_EINVAL,
                          "jm_gen_options.struct_size %zu is below the first version's %zu",
                          opts->struct_size, (size_t)GEN_OPTIONS_V1);
            return NULL;
        }
    }
    const char *problem = options_problem(&o);
    if (problem) {
        jm__error_set(err, JM_EINVAL, "%s", problem);
        return NULL;
    }
    /* The slot of one record, in microseconds: a replay's speed/rate, else a day / per_day. */
    double step = replaying(&o) ? 1e6 * o.speed / o.rate : 86400e6 / o.per_day;
    jm_gen *g = calloc(1, sizeof *g);
    if (!g) {
        jm__error_set(err, JM_ENOMEM, "out of memory");
        return NULL;
    }
    g->o = o;
    jm__rng_seed(&g->late, o.seed, STREAM_LATE);
    jm__rng_seed(&g->bad, o.seed, STREAM_BAD);
    jm__rng_seed(&g->clock, o.seed, STREAM_CLOCK);
    g->clock_ms = o.start_ms;
    g->step_us = (uint64_t)step; /* down: n records never outlast n exact slots */
    g->limit_us = (uint64_t)(TIME_MAX_MS - o.start_ms) * 1000u;
    g->late_thr = threshold(o.late_fraction);
    g->bad_thr = threshold(o.bad_fraction);
    jm__gen_texts_init(&g->texts);
    return g;
}

void jm_gen_free(jm_gen *g)
{
    if (!g)
        return;
    free(g);
}

int64_t jm_gen_clock(const jm_gen *g)
{
    return g->clock_ms;
}

/* ---- drawing from the vocabulary ------------------------------------------------------------ */

static uint32_t between(jm__rng *r, uint32_t lo, uint32_t hi)
{
    return lo + jm__rng_below(r, hi - lo + 1);
}

static uint16_t pick(jm__rng *r, jm__vrange range)
{
    return jm__vidx[range.off + jm__rng_below(r, range.n)];
}

/* An index drawn with the given relative weights. */
static unsigned weighted(jm__rng *r, const uint16_t *w, unsigned n)
{
    uint32_t total = 0;
    for (unsigned i = 0; i < n; i++)
        total += w[i];
    uint32_t x = jm__rng_below(r, total);
    for (unsigned i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}

/* Appends k distinct strings of range, in random order, to list f of rec; skip (a position in
 * range, or JM__NONE) is never chosen. A position, not a string: no scan of the range to find it.
 */
static void sample(jm__rng *r, jm__vrange range, unsigned k, uint16_t skip, jm__grec *rec,
                   jm_field f, unsigned *used)
{
    unsigned off = *used, n = range.n;
    const uint16_t *src = jm__vidx + range.off;
    if (k > n)
        k = n;
    if (n <= 64 && skip == JM__NONE) {
        /* A partial Fisher-Yates shuffle: exactly k draws. */
        uint16_t pool[64];
        memcpy(pool, src, n * sizeof *pool);
        for (unsigned i = 0; i < k; i++) {
            uint32_t j = i + jm__rng_below(r, n - i);
            uint16_t t = pool[j];
            pool[j] = pool[i];
            pool[i] = t;
            rec->items[off + i] = t;
        }
    } else {
        /* Few picks from many: draw again on a repeat. */
        uint64_t seen[8] = {0}; /* ranges hold at most 512 strings (vocab2c checks) */
        if (skip != JM__NONE) {
            seen[skip >> 6] |= 1ull << (skip & 63);
            if (k + 1 > n)
                k = n - 1u;
        }
        for (unsigned i = 0; i < k; i++) {
            uint32_t j;
            do
                j = jm__rng_below(r, n);
            while ((seen[j >> 6] >> (j & 63)) & 1u);
            seen[j >> 6] |= 1ull << (j & 63);
            rec->items[off + i] = src[j];
        }
    }
    rec->list_off[f] = (uint8_t)off;
    rec->list_n[f] = (uint8_t)k;
    rec->present |= 1ull << f;
    *used = off + k;
}

static void set_str(jm__grec *rec, jm_field f, uint16_t s)
{
    rec->str[f] = s;
    rec->present |= 1ull << f;
}

static void set_num(jm__grec *rec, jm_field f, int64_t v)
{
    rec->num[f] = v;
    rec->present |= 1ull << f;
}

static void make_uuid(jm__rng *r, char *out)
{
    static const char hex[] = "0123456789abcdef";
    uint8_t b[16];
    uint64_t a = jm__rng_next(r), c = jm__rng_next(r);
    for (int i = 0; i < 8; i++) {
        b[i] = (uint8_t)(a >> (8 * i));
        b[8 + i] = (uint8_t)(c >> (8 * i));
    }
    b[6] = (uint8_t)((b[6] & 0x0F) | 0x40); /* version 4: random */
    b[8] = (uint8_t)((b[8] & 0x3F) | 0x80); /* RFC 4122 variant */
    char *p = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[b[i] >> 4];
        *p++ = hex[b[i] & 15];
    }
    *p = '\0';
}

/* The UTC calendar year of a time. */
static int64_t year_of(int64_t ms)
{
    char t[JM_TIME_BUF];
    jm_time_format(ms, t);
    return (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
}

/* A title of category c and the level it implies: its keyword's, else one the category allows. */
static void title_and_level(jm__rng *r, const jm__vcategory *c, uint16_t *title, unsigned *level)
{
    const jm__vtitle *t = &jm__vtitles[c->titles.off + jm__rng_below(r, c->titles.n)];
    *title = t->s;
    *level = t->level >= 0 ? (unsigned)t->level
                           : jm__vcat_levels[c->levels.off + jm__rng_below(r, c->levels.n)];
}

static const jm__vyears *years_of(jm__rng *r, const jm__vlevel *l)
{
    return &jm__vyears_tab[l->years.off + jm__rng_below(r, l->years.n)];
}

static void make_job(jm__rng *r, int64_t ts, jm__grec *rec)
{
    rec->kind = JM_KIND_JOB_POST;
    rec->present = 0;
    unsigned used = 0;
    make_uuid(r, rec->id);
    rec->present |= 1ull << JM_FIELD_POST_ID;

    const jm__vcategory *c = &jm__vcats[jm__rng_below(r, JM__VCATS)];
    uint16_t title;
    unsigned level;
    title_and_level(r, c, &title, &level);
    const jm__vlevel *l = &jm__vlevels[level];
    set_str(rec, JM_FIELD_JOB_CATEGORY, c->name);
    set_str(rec, JM_FIELD_JOB_TITLE, title);
    set_str(rec, JM_FIELD_EXPERIENCE_LEVEL, l->name);
    set_str(rec, JM_FIELD_YEARS_EXPERIENCE, years_of(r, l)->s);
    set_str(rec, JM_FIELD_EMPLOYMENT_TYPE,
            pick(r, l->has_rule ? l->employment : jm__vl.employment_types));

    /* The range sits inside the level's band: a lower bound in its bottom half, an upper bound a
     * quarter to a half of the band above it; both whole hundreds. */
    uint32_t width = (uint32_t)(l->salary_hi - l->salary_lo);
    uint32_t smin = (uint32_t)l->salary_lo + jm__rng_below(r, width / 2 + 1);
    uint32_t smax = smin + width / 4 + jm__rng_below(r, width / 4 + 1);
    if (smax > (uint32_t)l->salary_hi)
        smax = (uint32_t)l->salary_hi;
    smin -= smin % 100;
    smax -= smax % 100;
    set_num(rec, JM_FIELD_SALARY_MIN, smin);
    set_num(rec, JM_FIELD_SALARY_MAX, smax);

    const jm__vindustry *ind = &jm__vindustries[jm__rng_below(r, JM__VINDUSTRIES)];
    set_str(rec, JM_FIELD_INDUSTRY, ind->name);
    const jm__vregion *reg = &jm__vregions[weighted(r, ind->region_weights, JM__VREGIONS)];
    const jm__vcity *city = &jm__vcities[reg->cities.off + jm__rng_below(r, reg->cities.n)];
    set_str(rec, JM_FIELD_LOCATION_CITY, city->city);
    set_str(rec, JM_FIELD_LOCATION_COUNTRY, city->country);
    set_str(rec, JM_FIELD_LANGUAGE, pick(r, city->languages));

    set_str(rec, JM_FIELD_COMPANY, pick(r, jm__vl.companies));
    set_str(rec, JM_FIELD_WORK_MODE, pick(r, jm__vl.work_modes));
    set_str(rec, JM_FIELD_APPLICATION_METHOD, pick(r, jm__vl.apply_methods));
    set_str(rec, JM_FIELD_PLATFORM, pick(r, jm__vl.platforms));

    sample(r, c->skills, c->n_skills, JM__NONE, rec, JM_FIELD_REQUIRED_SKILLS, &used);
    sample(r, c->certs, between(r, c->cert_min, c->cert_max), JM__NONE, rec,
           JM_FIELD_CERTIFICATIONS, &used);

    int64_t posted = (ts / 1000 - jm__rng_below(r, POSTED_BEFORE_MAX_S + 1)) * 1000;
    set_num(rec, JM_FIELD_POSTED_DATE, posted);
    set_num(rec, JM_FIELD_DEADLINE_DATE,
            posted + (int64_t)between(r, DEADLINE_DAYS_MIN, DEADLINE_DAYS_MAX) * 86400000);
    set_num(rec, JM_FIELD_TIMESTAMP, ts);
}

/* The top of a years band ("4-6 years": 6; "10+ years": 10 + OPEN_BAND_TOP; "0 years": 0),
 * read from its text, whose first integer the table holds as min_years. */
static unsigned years_top(const jm__vyears *y)
{
    const char *s = jm__vs[y->s].s;
    while (*s >= '0' && *s <= '9')
        s++;
    if (*s == '+')
        return y->min_years + OPEN_BAND_TOP;
    if (*s != '-')
        return y->min_years;
    unsigned top = 0;
    while (*++s >= '0' && *s <= '9')
        top = top * 10 + (unsigned)(*s - '0');
    return top;
}

static void make_candidate(jm__rng *r, int64_t ts, jm__grec *rec)
{
    rec->kind = JM_KIND_CANDIDATE;
    rec->present = 0;
    unsigned used = 0;
    make_uuid(r, rec->id);
    rec->present |= 1ull << JM_FIELD_CANDIDATE_ID;

    int female = (int)jm__rng_below(r, 2);
    set_str(rec, JM_FIELD_GENDER, female ? jm__vl.female : jm__vl.male);
    set_str(rec, JM_FIELD_FULL_NAME, pick(r, female ? jm__vl.female_names : jm__vl.male_names));
    set_str(rec, JM_FIELD_NATIONALITY, pick(r, jm__vl.nationalities));
    const jm__vregion *reg = &jm__vregions[jm__rng_below(r, JM__VREGIONS)];
    const jm__vcity *city = &jm__vcities[reg->cities.off + jm__rng_below(r, reg->cities.n)];
    set_str(rec, JM_FIELD_LOCATION_CITY, city->city);
    set_str(rec, JM_FIELD_LOCATION_COUNTRY, city->country);

    const jm__vcategory *c = &jm__vcats[jm__rng_below(r, JM__VCATS)];
    uint16_t title;
    unsigned level;
    title_and_level(r, c, &title, &level);
    const jm__vlevel *l = &jm__vlevels[level];
    const jm__vyears *y = years_of(r, l);
    set_str(rec, JM_FIELD_JOB_CATEGORY, c->name);
    set_str(rec, JM_FIELD_CURRENT_TITLE, title);
    set_str(rec, JM_FIELD_EXPERIENCE_LEVEL, l->name);
    set_str(rec, JM_FIELD_YEARS_EXPERIENCE, y->s);

    /* Career backwards from the record's own date: experience, then graduation, then birth. */
    int64_t year = year_of(ts);
    int64_t grad = year - years_top(y) - jm__rng_below(r, GRAD_GAP_MAX + 1);
    int64_t birth = grad - between(r, BIRTH_BEFORE_GRAD_MIN, BIRTH_BEFORE_GRAD_MAX);
    set_num(rec, JM_FIELD_GRADUATION_YEAR, grad);
    set_num(rec, JM_FIELD_BIRTH_YEAR, birth);
    int64_t age = year - birth;
    const jm__vedu_group *eg = &jm__vedu_groups[jm__vedu_group_count - 1];
    for (unsigned i = 0; i < jm__vedu_group_count; i++)
        if (age <= jm__vedu_groups[i].max_age) {
            eg = &jm__vedu_groups[i];
            break;
        }
    unsigned edu = weighted(r, eg->weights, JM__VEDU);
    set_str(rec, JM_FIELD_EDUCATION_LEVEL, jm__vidx[jm__vl.education_levels.off + edu]);
    rec->gpa_tenths = jm__vgpa[jm__rng_below(r, jm__vgpa_count)];
    rec->present |= 1ull << JM_FIELD_GPA;

    uint16_t company_at = (uint16_t)jm__rng_below(r, jm__vl.companies.n);
    set_str(rec, JM_FIELD_CURRENT_COMPANY, jm__vidx[jm__vl.companies.off + company_at]);
    const jm__vprev *pr = &jm__vprev_rows[0];
    for (unsigned i = 0; i < jm__vprev_count; i++)
        if (jm__vprev_rows[i].min_years <= y->min_years)
            pr = &jm__vprev_rows[i];
    unsigned nprev = between(r, pr->lo, pr->hi);
    sample(r, jm__vl.companies, nprev, company_at, rec, JM_FIELD_PREVIOUS_COMPANIES, &used);
    sample(r, jm__vl.industries, nprev, JM__NONE, rec, JM_FIELD_PREVIOUS_INDUSTRIES, &used);
    sample(r, c->skills, c->n_skills, JM__NONE, rec, JM_FIELD_SKILLS, &used);
    sample(r, c->certs, between(r, c->cert_min, c->cert_max), JM__NONE, rec,
           JM_FIELD_CERTIFICATIONS, &used);

    int64_t current = between(r, (uint32_t)l->salary_lo, (uint32_t)l->salary_hi);
    set_num(rec, JM_FIELD_CURRENT_SALARY, current);
    set_num(rec, JM_FIELD_EXPECTED_SALARY,
            current + current * between(r, RAISE_PCT_MIN, RAISE_PCT_MAX) / 100);
    set_num(rec, JM_FIELD_TIMESTAMP, ts);
}

/* The simulated clock's next reading: a uniform point of the next record's slot, so that n records
 * span n slots exactly and never run backwards. It stops at TIME_MAX_MS. */
static int64_t clock_step(jm_gen *g)
{
    if (g->slot_us >= g->limit_us)
        return TIME_MAX_MS;
    uint64_t at = g->slot_us + jm__rng_next(&g->clock) % g->step_us;
    g->slot_us += g->step_us;
    return at >= g->limit_us ? TIME_MAX_MS : g->o.start_ms + (int64_t)(at / 1000);
}

/* Plans the next good record: the clock steps (or the caller's clock is read), the late stream
 * decides whether its time is set back. Sequential draws only; the content comes later from the
 * record's block stream. */
static void plan_good(jm_gen *g, jm_kind kind, gline *pl)
{
    int64_t now = g->o.clock ? g->o.clock(g->o.clock_ctx) : clock_step(g);
    g->clock_ms = now;
    uint32_t draw = (uint32_t)(jm__rng_next(&g->late) >> 32);
    int64_t behind = g->o.late_min_ms +
                     jm__rng_below(&g->late, (uint32_t)(g->o.late_max_ms - g->o.late_min_ms + 1));
    int64_t late_ms = draw < g->late_thr ? behind : 0;
    /* Late means behind the newest event already out, as a consumer's watermark sees it: behind
     * the clock alone would not be late when records are far apart (a slow pace). */
    if (!g->any_out) {
        g->newest_ms = now;
        g->any_out = 1;
    }
    pl->kind = kind;
    pl->bad = 0;
    pl->event_ms = late_ms ? g->newest_ms - late_ms : now;
    pl->late_ms = late_ms;
    if (!late_ms && now > g->newest_ms)
        g->newest_ms = now;
    g->records++;
    g->lines++;
}

/* Plans the next line: the bad stream decides whether it is a bad one. */
static void plan_line(jm_gen *g, jm_kind kind, gline *pl)
{
    /* Drawn for every line, so where bad lines fall depends on the seed alone. */
    uint32_t draw = (uint32_t)(jm__rng_next(&g->bad) >> 32);
    if (draw < g->bad_thr) {
        pl->kind = kind;
        pl->bad = 1;
        pl->event_ms = g->clock_ms;
        pl->late_ms = 0;
        pl->line = g->lines++;
        return;
    }
    plan_good(g, kind, pl);
}

/* The content stream for a good record about to be made, when it starts a block. */
static void block_start(const jm_gen *g, uint64_t record, jm__rng *content)
{
    if (record % BLOCK_RECORDS == 0)
        jm__rng_seed_at(content, g->o.seed, STREAM_CONTENT, record / BLOCK_RECORDS);
}

static void make_good(jm__rng *content, const gline *pl, jm__grec *rec)
{
    if (pl->kind == JM_KIND_JOB_POST)
        make_job(content, pl->event_ms, rec);
    else
        make_candidate(content, pl->event_ms, rec);
}

static int to_record(const jm__grec *rec, jm_record *out)
{
    jm_record_reset(out, rec->kind);
    int rc = 0;
    for (int f = 0; rc == 0 && f < JM_FIELD_COUNT; f++) {
        if (!((rec->present >> f) & 1u))
            continue;
        if (f == JM_FIELD_POST_ID || f == JM_FIELD_CANDIDATE_ID) {
            rc = jm_record_set_string(out, f, rec->id, 36);
            continue;
        }
        switch (jm__fields[f].type) {
        case JM_TYPE_STRING:
            rc = jm_record_set_string(out, f, jm__vs[rec->str[f]].s, jm__vs[rec->str[f]].len);
            break;
        case JM_TYPE_NUMBER:
            rc = jm_record_set_number(
                out, f, f == JM_FIELD_GPA ? (double)rec->gpa_tenths / 10 : (double)rec->num[f]);
            break;
        case JM_TYPE_INTEGER:
        case JM_TYPE_TIME: rc = jm_record_set_integer(out, f, rec->num[f]); break;
        case JM_TYPE_LIST:
            rc = jm_record_list_clear(out, f);
            for (unsigned i = 0; rc == 0 && i < rec->list_n[f]; i++) {
                const jm__vstr *v = &jm__vs[rec->items[rec->list_off[f] + i]];
                rc = jm_record_list_append(out, f, v->s, v->len);
            }
            break;
        }
    }
    return rc;
}

int jm_gen_next(jm_gen *g, jm_kind kind, jm_record *out)
{
    if (kind != JM_KIND_JOB_POST && kind != JM_KIND_CANDIDATE)
        return JM_EINVAL;
    gline pl;
    plan_good(g, kind, &pl);
    block_start(g, g->records - 1, &g->content);
    make_good(&g->content, &pl, &g->scratch);
    return to_record(&g->scratch, out);
}

int jm_gen_last_record(const jm_gen *g, jm_record *out)
{
    if (!g->have_last)
        return JM_EINVAL;
    return to_record(&g->last, out);
}

const char *jm_gen_bad_name(int bad)
{
    static const char *const names[JM_GEN_BAD_COUNT] = {"good",        "malformed",    "wrong_type",
                                                        "missing_id",  "invalid_utf8", "truncated",
                                                        "unknown_type"};
    return bad >= 0 && bad < JM_GEN_BAD_COUNT ? names[bad] : "unknown";
}

static size_t write_line(const jm_gen *g, const jm__grec *rec, unsigned badw, char *out)
{
    if (g->o.format == JM_GEN_NDJSON)
        return jm__gen_write_ndjson(&g->texts, rec, badw, out);
    return jm__gen_write_csv(
        &g->texts, rec, g->o.format == JM_GEN_CSV ? JM_CSV_MIXED : JM_CSV_REFERENCE, badw, out);
}

/* Where the n-th (1-based) cell of a CSV line starts; the line's own quotes are respected. */
static size_t csv_cell_start(const char *s, size_t len, unsigned n)
{
    int quoted = 0;
    unsigned cell = 1;
    for (size_t i = 0; i < len; i++) {
        if (cell == n)
            return i;
        if (s[i] == '"')
            quoted = !quoted;
        else if (s[i] == ',' && !quoted)
            cell++;
    }
    return len;
}

/* Makes bad line pl into s (JM__GEN_LINE_MAX bytes) from a record of the line's own stream, at
 * the clock of its turn, using rec as scratch; sets pl->bad to how it is bad and pl->id. */
static size_t make_bad(const jm_gen *g, gline *pl, jm__grec *rec, char *s)
{
    jm__rng line_rng, *r = &line_rng;
    jm_kind kind = pl->kind;
    jm__rng_seed_at(r, g->o.seed, STREAM_BAD_LINE, pl->line);
    if (kind == JM_KIND_JOB_POST)
        make_job(r, pl->event_ms, rec);
    else
        make_candidate(r, pl->event_ms, rec);
    int csv = g->o.format != JM_GEN_NDJSON;
    unsigned kinds =
        g->o.format == JM_GEN_CSV_BY_KIND ? JM_GEN_BAD_UNKNOWN_TYPE - 1 : JM_GEN_BAD_UNKNOWN_TYPE;
    int bad = 1 + (int)jm__rng_below(r, kinds);
    unsigned badw = 0;
    switch (bad) {
    case JM_GEN_BAD_TYPE:
        badw = csv || jm__rng_below(r, 2) ? JM__BADW_TEXT_NUMBER : JM__BADW_ID_NUMBER;
        break;
    case JM_GEN_BAD_MISSING_ID: badw = JM__BADW_NO_ID; break;
    case JM_GEN_BAD_UNKNOWN_TYPE: badw = JM__BADW_UNKNOWN_TYPE; break;
    default: break;
    }
    size_t len = write_line(g, rec, badw, s) - 1; /* without its newline, for now */
    s[len] = '\0';
    switch (bad) {
    case JM_GEN_BAD_SYNTAX:
        if (csv) {
            /* A quoted word inside the unquoted id cell: quotes stay balanced, so the reader
             * rejects this row alone. */
            memmove(s + 11, s + 8, len - 8);
            memcpy(s + 8, "\"x\"", 3);
            len += 3;
        } else {
            /* A doubled comma after the type. */
            char *comma = memchr(s, ',', len);
            size_t at = (size_t)(comma - s);
            memmove(s + at + 1, s + at, len - at);
            len++;
        }
        break;
    case JM_GEN_BAD_UTF8: {
        /* A byte that is never UTF-8, inside the second cell or the first string after the id. */
        size_t at;
        if (csv) {
            at = csv_cell_start(s, len, g->o.format == JM_GEN_CSV ? 3 : 2);
        } else {
            const char *key = kind == JM_KIND_JOB_POST ? "\"company\":\"" : "\"full_name\":\"";
            const char *k = strstr(s, key);
            at = k ? (size_t)(k - s) + strlen(key) : len / 2;
        }
        memmove(s + at + 1, s + at, len - at);
        s[at] = (char)0xFF;
        len++;
        break;
    }
    case JM_GEN_BAD_TRUNCATED:
        if (csv) {
            size_t ncols;
            jm__csv_columns(g->o.format == JM_GEN_CSV ? JM_CSV_MIXED : JM_CSV_REFERENCE, kind,
                            &ncols);
            /* Whole cells only: a cut inside quotes would run on into the next line. */
            size_t at = csv_cell_start(s, len, 2 + jm__rng_below(r, (uint32_t)ncols - 2));
            len = at - 1;
        } else {
            len = 1 + jm__rng_below(r, (uint32_t)len - 2);
        }
        break;
    default: break;
    }
    s[len++] = '\n';
    pl->bad = bad;
    if (badw & JM__BADW_NO_ID)
        memset(pl->id, 0, sizeof pl->id); /* whole, so an info's bytes are all defined */
    else
        memcpy(pl->id, rec->id, 37);
    return len;
}

/* Makes planned line pl into out (JM__GEN_LINE_MAX bytes): a good record from content into rec,
 * or a bad line with scratch. Returns its length. */
static size_t make_line(const jm_gen *g, jm__rng *content, gline *pl, jm__grec *rec,
                        jm__grec *scratch, char *out)
{
    if (pl->bad)
        return make_bad(g, pl, scratch, out);
    make_good(content, pl, rec);
    memcpy(pl->id, rec->id, 37);
    return write_line(g, rec, 0, out);
}

/* Fills the caller's info (checked already) as far as its struct_size covers. */
static void line_info(const gline *pl, jm_gen_info *info)
{
    jm_gen_info full = {
        .struct_size = sizeof full,
        .kind = pl->kind,
        .bad = pl->bad,
        .late_ms = pl->late_ms,
        .event_ms = pl->event_ms,
    };
    memcpy(full.id, pl->id, sizeof pl->id);
    jm__versioned_out(info, &full, sizeof full, GEN_INFO_V1);
}

int jm_gen_emit(jm_gen *g, jm_kind kind, jm_buf *out, jm_gen_info *info)
{
    if ((kind != JM_KIND_JOB_POST && kind != JM_KIND_CANDIDATE) ||
        (info && info->struct_size < GEN_INFO_V1))
        return JM_EINVAL;
    if (jm_buf_reserve(out, JM__GEN_LINE_MAX))
        return JM_ENOMEM;
    gline pl;
    plan_line(g, kind, &pl);
    if (!pl.bad)
        block_start(g, g->records - 1, &g->content);
    out->len += make_line(g, &g->content, &pl, &g->last, &g->scratch, out->data + out->len);
    if (!pl.bad)
        g->have_last = 1;
    if (info)
        line_info(&pl, info);
    return 0;
}

int jm_gen_csv_header(const jm_gen *g, jm_kind kind, jm_buf *out)
{
    if (g->o.format == JM_GEN_CSV)
        return jm_write_csv_header(JM_CSV_MIXED, kind, out);
    if (g->o.format == JM_GEN_CSV_BY_KIND)
        return jm_write_csv_header(JM_CSV_REFERENCE, kind, out);
    return JM_EINVAL;
}

/* ---- blocks on two threads ------------------------------------------------------------------ */

size_t jm_gen_block_lines(const jm_gen_block *b)
{
    return b->n;
}

const char *jm_gen_block_line(const jm_gen_block *b, size_t i, size_t *len, jm_gen_info *info)
{
    if (i >= b->n || (info && info->struct_size < GEN_INFO_V1))
        return NULL;
    size_t start = i ? b->lines[i - 1].end : 0;
    *len = b->lines[i].end - start;
    if (info)
        line_info(&b->lines[i], info);
    return b->data.data + start;
}

const char *jm_gen_block_data(const jm_gen_block *b, size_t *len)
{
    *len = b->data.len;
    return b->data.data;
}

/* What is left of a run: counts of each kind (JM_GEN_ENDLESS never runs down) and whose turn. */
typedef struct left {
    uint64_t cands, jobs;
    int cand_turn;
} left;

/* Plans the next unit into b: lines up to the end of the current content block, or of the run.
 * Returns 0, or JM_ENOMEM. */
static int plan_unit(jm_gen *g, left *l, jm_gen_block *b)
{
    b->n = 0;
    b->records = 0;
    b->rc = 0;
    if (g->records % BLOCK_RECORDS)
        b->content = g->content; /* a block jm_gen_emit() began */
    else
        jm__rng_seed_at(&b->content, g->o.seed, STREAM_CONTENT, g->records / BLOCK_RECORDS);
    while (l->cands || l->jobs) {
        if (b->n == b->cap) {
            size_t cap = b->cap ? b->cap * 2 : BLOCK_RECORDS + BLOCK_RECORDS / 4;
            gline *p = realloc(b->lines, cap * sizeof *p);
            if (!p)
                return JM_ENOMEM;
            b->lines = p;
            b->cap = cap;
        }
        jm_kind kind =
            l->cands && (l->cand_turn || !l->jobs) ? JM_KIND_CANDIDATE : JM_KIND_JOB_POST;
        gline *pl = &b->lines[b->n++];
        plan_line(g, kind, pl);
        if (pl->bad)
            continue;
        uint64_t *n = kind == JM_KIND_CANDIDATE ? &l->cands : &l->jobs;
        if (*n != JM_GEN_ENDLESS)
            (*n)--;
        l->cand_turn = !l->cand_turn;
        b->records++;
        if (g->records % BLOCK_RECORDS == 0)
            break;
    }
    return 0;
}

/* Makes the planned lines of b into its data. Touches only b and g's options and texts, so it
 * runs on either thread while the other plans or hands on. */
static void make_unit(const jm_gen *g, jm_gen_block *b)
{
    b->data.len = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (jm_buf_reserve(&b->data, JM__GEN_LINE_MAX)) {
            b->rc = JM_ENOMEM;
            return;
        }
        b->data.len += make_line(g, &b->content, &b->lines[i], &b->last, &b->scratch,
                                 b->data.data + b->data.len);
        b->lines[i].end = b->data.len;
    }
}

/* Takes the unit's end state into g, so that jm_gen_emit() and later runs go on from it. */
static void unit_done(jm_gen *g, const jm_gen_block *b)
{
    if (!b->records)
        return;
    g->content = b->content;
    g->last = b->last;
    g->have_last = 1;
}

enum { SLOTS = 4 }; /* units planned ahead: enough that neither thread waits for the other */
enum { SLOT_FREE, SLOT_READY, SLOT_BUSY, SLOT_DONE };

typedef struct run {
    const jm_gen *g;
    jm_gen_block slot[SLOTS];
    uint64_t unit[SLOTS]; /* the unit number a slot holds */
    int state[SLOTS];     /* under mu */
    int quit;             /* under mu */
    int helper_waiting;   /* under mu: the helper sleeps on wake */
    int caller_waiting;   /* under mu: the caller sleeps on done */
    pthread_mutex_t mu;
    pthread_cond_t wake, done;
} run;

/* The READY slot of the lowest unit, or -1; under mu. Lowest first, so the unit to hand on next
 * is never left waiting behind later ones. */
static int ready_slot(const run *r)
{
    int best = -1;
    for (int i = 0; i < SLOTS; i++)
        if (r->state[i] == SLOT_READY && (best < 0 || r->unit[i] < r->unit[best]))
            best = i;
    return best;
}

static void *helper_main(void *arg)
{
    run *r = arg;
    pthread_mutex_lock(&r->mu);
    for (;;) {
        if (r->quit)
            break;
        int i = ready_slot(r);
        if (i < 0) {
            r->helper_waiting = 1;
            pthread_cond_wait(&r->wake, &r->mu);
            r->helper_waiting = 0;
            continue;
        }
        r->state[i] = SLOT_BUSY;
        pthread_mutex_unlock(&r->mu);
        make_unit(r->g, &r->slot[i]);
        pthread_mutex_lock(&r->mu);
        r->state[i] = SLOT_DONE;
        if (r->caller_waiting)
            pthread_cond_signal(&r->done);
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

/* The caller's side of a run on two threads: plans units ahead into free slots, hands on the
 * next unit when it is made, and otherwise makes the lowest waiting unit itself. */
static int run_two(run *r, jm_gen *g, left *l, jm_gen_block_fn on_block, void *ctx)
{
    int rc = 0;
    uint64_t planned = 0, out = 0;
    pthread_mutex_lock(&r->mu);
    for (;;) {
        /* The sequential draws: this thread only, outside the lock. */
        while ((l->cands || l->jobs) && planned - out < SLOTS) {
            int i = (int)(planned % SLOTS);
            pthread_mutex_unlock(&r->mu);
            rc = plan_unit(g, l, &r->slot[i]);
            pthread_mutex_lock(&r->mu);
            if (rc)
                goto stop;
            r->unit[i] = planned++;
            r->state[i] = SLOT_READY;
            if (r->helper_waiting)
                pthread_cond_signal(&r->wake);
        }
        if (out == planned)
            break;
        int i = (int)(out % SLOTS);
        if (r->state[i] == SLOT_DONE) {
            pthread_mutex_unlock(&r->mu);
            jm_gen_block *b = &r->slot[i];
            rc = b->rc;
            if (rc == 0) {
                unit_done(g, b);
                rc = on_block(ctx, b);
            }
            pthread_mutex_lock(&r->mu);
            if (rc)
                goto stop;
            r->state[i] = SLOT_FREE;
            out++;
            continue;
        }
        int j = ready_slot(r);
        if (j >= 0) {
            r->state[j] = SLOT_BUSY;
            pthread_mutex_unlock(&r->mu);
            make_unit(g, &r->slot[j]);
            pthread_mutex_lock(&r->mu);
            r->state[j] = SLOT_DONE;
            continue;
        }
        /* The next unit is on the helper thread and nothing else is left to make. */
        r->caller_waiting = 1;
        pthread_cond_wait(&r->done, &r->mu);
        r->caller_waiting = 0;
    }
stop:
    r->quit = 1;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->mu);
    return rc;
}

int jm_gen_run(jm_gen *g, uint64_t candidates, uint64_t jobs, jm_gen_block_fn on_block, void *ctx)
{
    if (!on_block)
        return JM_EINVAL;
    run *r = calloc(1, sizeof *r);
    if (!r)
        return JM_ENOMEM;
    r->g = g;
    left l = {candidates, jobs, 1};
    int rc = 0, threaded = 0;
    if (g->o.threads >= 2) {
        pthread_mutex_init(&r->mu, NULL);
        pthread_cond_init(&r->wake, NULL);
        pthread_cond_init(&r->done, NULL);
        pthread_t helper;
        threaded = pthread_create(&helper, NULL, helper_main, r) == 0;
        if (threaded) {
            rc = run_two(r, g, &l, on_block, ctx);
            pthread_join(helper, NULL);
        }
        pthread_cond_destroy(&r->done);
        pthread_cond_destroy(&r->wake);
        pthread_mutex_destroy(&r->mu);
    }
    /* One thread, or no helper could be started: plan, make and hand on in turn. */
    while (!threaded && rc == 0 && (l.cands || l.jobs)) {
        jm_gen_block *b = &r->slot[0];
        rc = plan_unit(g, &l, b);
        if (rc == 0) {
            make_unit(g, b);
            rc = b->rc;
        }
        if (rc == 0) {
            unit_done(g, b);
            rc = on_block(ctx, b);
        }
    }
    for (int i = 0; i < SLOTS; i++) {
        free(r->slot[i].lines);
        jm_buf_free(&r->slot[i].data);
    }
    free(r);
    return rc;
}
