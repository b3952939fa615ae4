/* Scoring alone, for build-aux/bench-score.sh: the bare bitset Jaccard kernel beside the
 * library's whole per-pair score, over the same pairs in the same order.
 *
 *   bench_score JOBS CANDIDATES [ROUNDS]
 *
 * Both files (CSV or NDJSON, told by the name) are read and every record prepared as the
 * matcher prepares it. The pairs are every candidate against every job it joins (a shared
 * family), in file order. The kernel is what a query engine with skills as bit words computes:
 * for each pair, the AND and OR of two fixed-width bit sets, popcounts and one division. The
 * second kernel is the same over the matcher's own bit sets (only the words both sets span, the
 * union from the sizes). The score is jm__score_prepared(), the function the matcher calls for
 * each joined pair (all five components, the weighted sum, the family). Each is timed ROUNDS
 * times (default 5), alternating, best kept; prints pairs a second of each and the score's
 * against the faster kernel. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jobmatch/jobmatch.h>

#include "../../libjobmatch/intern.h"
#include "../../libjobmatch/score_internal.h"

typedef struct loaded {
    jm_record **rec;
    size_t n, cap;
} loaded;

static int keep(void *ctx, jm_record **rec, const char *raw, size_t raw_len, unsigned long line)
{
    (void)raw;
    (void)raw_len;
    (void)line;
    loaded *l = ctx;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 1024;
        jm_record **grown = realloc(l->rec, cap * sizeof *grown);
        if (!grown)
            return JM_ENOMEM;
        l->rec = grown;
        l->cap = cap;
    }
    l->rec[l->n++] = *rec;
    *rec = NULL;
    return 0;
}

static int skip(void *ctx, const jm_error *err, const char *raw, size_t raw_len)
{
    (void)ctx;
    (void)raw;
    (void)raw_len;
    fprintf(stderr, "bench_score: %s\n", err->text);
    return 0;
}

static int load(const char *path, loaded *l)
{
    size_t len = strlen(path);
    jm_format format =
        len > 4 && strcmp(path + len - 4, ".csv") == 0 ? JM_FORMAT_CSV : JM_FORMAT_NDJSON;
    FILE *f = fopen(path, "rb");
    jm_reader *r = f ? jm_reader_new(format, path, 0, keep, skip, l, NULL) : NULL;
    if (!r) {
        fprintf(stderr, "bench_score: cannot read %s\n", path);
        return -1;
    }
    static char buf[1 << 16];
    size_t got;
    int rc = 0;
    while (!rc && (got = fread(buf, 1, sizeof buf, f)) > 0)
        rc = jm_reader_feed(r, buf, got);
    if (!rc)
        rc = jm_reader_finish(r);
    jm_reader_free(r);
    fclose(f);
    return rc;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The largest skill id of n prepared records plus one, or at_least (ids are dense from 0). */
static uint32_t id_bound(const jm__prepared *p, size_t n, uint32_t at_least)
{
    for (size_t i = 0; i < n; i++)
        if (p[i].nskills && p[i].skills[p[i].nskills - 1] >= at_least)
            at_least = p[i].skills[p[i].nskills - 1] + 1;
    return at_least;
}

/* The kernel's bit sets: each record's skills over one fixed width, as one table of words. */
static uint64_t *fixed_width_sets(const jm__prepared *p, size_t n, size_t words)
{
    uint64_t *bits = calloc(n * words, sizeof *bits);
    for (size_t i = 0; bits && i < n; i++)
        for (uint32_t k = 0; k < p[i].nskills; k++)
            bits[i * words + p[i].skills[k] / 64] |= 1ull << (p[i].skills[k] % 64);
    return bits;
}

/* Built with the popcnt instruction where the CPU has it, as the library's own set intersection. */
#if defined(__x86_64__)
#define WITH_POPCNT __attribute__((target_clones("popcnt", "default")))
#else
#define WITH_POPCNT
#endif

/* The bare kernel: two fixed-width bit sets a pair, AND and OR, popcounts, one division. */
WITH_POPCNT static double kernel_fixed(const uint64_t *bc, const uint64_t *bj, size_t words,
                                       const uint32_t (*pairs)[2], size_t npairs)
{
    double sum = 0;
    for (size_t i = 0; i < npairs; i++) {
        const uint64_t *a = bc + pairs[i][0] * words, *b = bj + pairs[i][1] * words;
        unsigned inter = 0, uni = 0;
        for (size_t k = 0; k < words; k++) {
            inter += (unsigned)__builtin_popcountll(a[k] & b[k]);
            uni += (unsigned)__builtin_popcountll(a[k] | b[k]);
        }
        sum += uni ? (double)inter / uni : 0.0;
    }
    return sum;
}

/* The same over the matcher's own sets: only the words both sets span, the union from the sizes. */
WITH_POPCNT static double kernel_window(const jm__prepared *pc, const jm__prepared *pj,
                                        const uint32_t (*pairs)[2], size_t npairs)
{
    double sum = 0;
    for (size_t i = 0; i < npairs; i++) {
        const jm__prepared *a = &pc[pairs[i][0]], *b = &pj[pairs[i][1]];
        uint32_t from = a->word0 > b->word0 ? a->word0 : b->word0;
        uint32_t a_end = a->word0 + a->nwords, b_end = b->word0 + b->nwords;
        uint32_t to = a_end < b_end ? a_end : b_end;
        unsigned inter = 0;
        for (uint32_t k = from; k < to; k++)
            inter += (unsigned)__builtin_popcountll(a->skill_bits[k - a->word0] &
                                                    b->skill_bits[k - b->word0]);
        unsigned uni = a->nskills + b->nskills - inter;
        sum += uni ? (double)inter / uni : 0.0;
    }
    return sum;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_score JOBS CANDIDATES [ROUNDS]\n");
        return 2;
    }
    int rounds = argc > 3 ? atoi(argv[3]) : 5;
    loaded jobs = {0}, cands = {0};
    if (load(argv[1], &jobs) || load(argv[2], &cands))
        return 1;
    jm__intern *skills = jm__intern_new(), *categories = jm__intern_new();
    jm__prepared *pj = calloc(jobs.n, sizeof *pj), *pc = calloc(cands.n, sizeof *pc);
    if (!skills || !categories || !pj || !pc)
        return 1;
    for (size_t i = 0; i < jobs.n; i++)
        if (jm__prepare(jobs.rec[i], skills, categories, &pj[i]))
            return 1;
    for (size_t i = 0; i < cands.n; i++)
        if (jm__prepare(cands.rec[i], skills, categories, &pc[i]))
            return 1;
    for (size_t i = 0; i < jobs.n + cands.n; i++)
        if (!(i < jobs.n ? pj[i] : pc[i - jobs.n]).skill_bits) {
            fprintf(stderr, "bench_score: a record's skills are not a bit set (ids too spread)\n");
            return 1;
        }

    uint32_t distinct = id_bound(pc, cands.n, id_bound(pj, jobs.n, 0));
    size_t words = distinct / 64 + 1;
    uint64_t *bj = fixed_width_sets(pj, jobs.n, words), *bc = fixed_width_sets(pc, cands.n, words);
    if (!bj || !bc)
        return 1;

    size_t npairs = 0, cap = 1 << 20;
    uint32_t(*pairs)[2] = malloc(cap * sizeof *pairs);
    for (size_t c = 0; c < cands.n; c++)
        for (size_t j = 0; j < jobs.n; j++) {
            if (!jm__joined(&pc[c], &pj[j]))
                continue;
            if (npairs == cap && !(pairs = realloc(pairs, (cap *= 2) * sizeof *pairs)))
                return 1;
            pairs[npairs][0] = (uint32_t)c;
            pairs[npairs][1] = (uint32_t)j;
            npairs++;
        }

    jm_weights w;
    jm_weights_default(&w);
    double best_kernel = 1e9, best_window = 1e9, best_score = 1e9, kernel_sum = 0;
    long long score_sum = 0;
    for (int round = 0; round < rounds; round++) {
        double t0 = now();
        double sum = kernel_fixed(bc, bj, words, pairs, npairs);
        double t1 = now();
        double sum_window = kernel_window(pc, pj, pairs, npairs);
        double t1w = now();
        long long scores = 0;
        for (size_t i = 0; i < npairs; i++) {
            jm_score s;
            jm__score_prepared(&pc[pairs[i][0]], &pj[pairs[i][1]], &w, &s);
            scores += s.score;
        }
        double t2 = now();
        if (t1 - t0 < best_kernel)
            best_kernel = t1 - t0;
        if (t1w - t1 < best_window)
            best_window = t1w - t1;
        if (t2 - t1w < best_score)
            best_score = t2 - t1w;
        if (sum_window != sum)
            abort(); /* the two kernels count the same skills */
        kernel_sum = sum;
        score_sum = scores;
    }
    printf("pairs %zu (%zu jobs x %zu candidates, joined), %zu skills in %zu words\n", npairs,
           jobs.n, cands.n, (size_t)distinct, words);
    printf("kernel %.6f s %.0f pairs/s (Jaccard sum %.3f)\n", best_kernel, npairs / best_kernel,
           kernel_sum);
    printf("kernel-window %.6f s %.0f pairs/s\n", best_window, npairs / best_window);
    printf("score %.6f s %.0f pairs/s (score sum %lld)\n", best_score, npairs / best_score,
           score_sum);
    double fastest = best_kernel < best_window ? best_kernel : best_window;
    printf("ratio score/kernel %.3f (against the faster kernel)\n", fastest / best_score);

    for (size_t i = 0; i < jobs.n; i++) {
        jm__prepared_release(&pj[i]);
        jm_record_free(jobs.rec[i]);
    }
    for (size_t i = 0; i < cands.n; i++) {
        jm__prepared_release(&pc[i]);
        jm_record_free(cands.rec[i]);
    }
    free(jobs.rec);
    free(cands.rec);
    free(pj);
    free(pc);
    free(bj);
    free(bc);
    free(pairs);
    jm__intern_free(skills);
    jm__intern_free(categories);
    return 0;
}
