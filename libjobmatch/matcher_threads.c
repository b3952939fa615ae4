/* The matcher's thread pool: helper threads that take chunks of one job with the caller's
 * thread, each chunk once, and hand the job back when every chunk has run. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <jobmatch/error.h>

#include "matcher_threads.h"

/* A job's chunks are cut into one run per lane, lane i the i-th of them, so that from one scan
 * to the next each thread reads the same held records and finds them in its own cache. A lane
 * takes its run's chunks from the front; one that has finished its own takes the back half of
 * what another lane has left as its new run, so that nobody waits long for a lane that is slow
 * or asleep, and each lane's chunks stay in few runs of consecutive chunks (the matcher hands
 * on their output a run at a time). Each run is one 64-bit word on a cache line of its own, so
 * that claiming a chunk is one compare-and-swap, and the job's number in it keeps a claim from
 * taking another job's chunk. */
enum { EPOCH_SHIFT = 48, NEXT_SHIFT = 24, CACHE_LINE = 64 };
#define FIELD_MASK ((UINT64_C(1) << NEXT_SHIFT) - 1)
#define MAX_ROUND ((size_t)FIELD_MASK) /* chunks one word can count; larger jobs run in rounds */

/* Hand-overs spin for a while before they sleep: a scan lasts about a tenth of a millisecond and
 * the caller's work between two scans (the next record read and prepared, the output handed on)
 * 10 to 40 microseconds, while a sleep and wake-up costs as much as a scan, and a helper that
 * wakes late leaves the scan to the others. The time is counted, not pause instructions, whose
 * length differs tenfold from one processor to the next. With more threads than processors a
 * spinning thread only keeps a working one off its processor, so then nobody spins. */
enum { SPIN_NS = 50000, SPIN_CHECK = 16 /* pauses between looks at the clock */ };

typedef struct helper {
    struct jm__pool *pool;
    pthread_t thread;
    unsigned lane;
} helper;

typedef struct run {
    _Alignas(CACHE_LINE) _Atomic uint64_t word; /* epoch, next chunk, end */
} run;

struct jm__pool {
    unsigned lanes, nhelpers;
    int spin; /* whether hand-overs spin before they sleep */
    helper *helpers;
    run *runs; /* one per lane */
    /* The job's work, written before its runs are published and read only by a thread that has
     * claimed one of its chunks. */
    jm__chunk_fn fn;
    void *ctx;
    size_t base;                                 /* the first chunk of this round */
    size_t n;                                    /* its number of chunks */
    _Alignas(CACHE_LINE) _Atomic uint64_t epoch; /* of the job being run: a new one wakes helpers */
    _Alignas(CACHE_LINE) atomic_size_t completed;
    atomic_int rc; /* the first failure */
    atomic_int quit;
    atomic_uint sleepers;
    atomic_int caller_sleeping;
    pthread_mutex_t mu;
    pthread_cond_t wake, done;
};

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* A spin of up to SPIN_NS: for (spinner s = spin_start(p); waiting && spin_on(&s);) */
typedef struct spinner {
    uint64_t until;
    unsigned i;
    int on;
} spinner;

static spinner spin_start(const jm__pool *p)
{
    return (spinner){p->spin ? now_ns() + SPIN_NS : 0, 0, p->spin};
}

static int spin_on(spinner *s)
{
    if (!s->on)
        return 0;
    cpu_relax();
    if (++s->i % SPIN_CHECK == 0 && now_ns() >= s->until)
        s->on = 0;
    return 1;
}

/* Claims the first chunk of job epoch left in run r. */
static int claim(run *r, uint64_t epoch, size_t *chunk)
{
    uint64_t w = atomic_load(&r->word), next;
    do {
        next = (w >> NEXT_SHIFT) & FIELD_MASK;
        if (w >> EPOCH_SHIFT != epoch || next >= (w & FIELD_MASK))
            return 0;
    } while (!atomic_compare_exchange_weak(&r->word, &w, w + (UINT64_C(1) << NEXT_SHIFT)));
    *chunk = next;
    return 1;
}

/* Moves the back half of what is left of job epoch in run from (the last chunk when one is
 * left) to run to, which is empty and which only its lane fills. */
static int steal(run *from, run *to, uint64_t epoch)
{
    uint64_t w = atomic_load(&from->word), next, end, mid;
    do {
        next = (w >> NEXT_SHIFT) & FIELD_MASK;
        end = w & FIELD_MASK;
        if (w >> EPOCH_SHIFT != epoch || next >= end)
            return 0;
        mid = next + (end - next) / 2;
    } while (!atomic_compare_exchange_weak(&from->word, &w, (w & ~FIELD_MASK) | mid));
    atomic_store(&to->word, epoch << EPOCH_SHIFT | mid << NEXT_SHIFT | end);
    return 1;
}

/* Takes chunks of job epoch, its own run's first, then the other lanes', until none is left. */
static void work(jm__pool *p, unsigned lane, uint64_t epoch)
{
    run *mine = &p->runs[lane];
    for (;;) {
        size_t c;
        if (!claim(mine, epoch, &c)) {
            int got = 0;
            for (unsigned k = 1; !got && k < p->lanes; k++)
                got = steal(&p->runs[(lane + k) % p->lanes], mine, epoch);
            if (!got)
                return;
            continue;
        }
        /* The claim synchronises with the job's publication: fn, ctx, base and n are this
         * job's. */
        size_t n = p->n;
        if (!atomic_load(&p->rc)) {
            int rc = p->fn(p->ctx, lane, p->base + c);
            int none = 0;
            if (rc)
                atomic_compare_exchange_strong(&p->rc, &none, rc);
        }
        if (atomic_fetch_add(&p->completed, 1) + 1 == n && atomic_load(&p->caller_sleeping)) {
            pthread_mutex_lock(&p->mu);
            pthread_cond_signal(&p->done);
            pthread_mutex_unlock(&p->mu);
        }
    }
}

static void *helper_main(void *arg)
{
    helper *h = arg;
    jm__pool *p = h->pool;
    uint64_t seen = 0;
    for (;;) {
        for (spinner s = spin_start(p);
             atomic_load(&p->epoch) == seen && !atomic_load(&p->quit) && spin_on(&s);)
            ;
        if (atomic_load(&p->epoch) == seen && !atomic_load(&p->quit)) {
            pthread_mutex_lock(&p->mu);
            atomic_fetch_add(&p->sleepers, 1);
            while (atomic_load(&p->epoch) == seen && !atomic_load(&p->quit))
                pthread_cond_wait(&p->wake, &p->mu);
            atomic_fetch_sub(&p->sleepers, 1);
            pthread_mutex_unlock(&p->mu);
        }
        if (atomic_load(&p->quit))
            return NULL;
        seen = atomic_load(&p->epoch);
        work(p, h->lane, seen);
    }
}

jm__pool *jm__pool_new(unsigned threads)
{
    if (threads < 1)
        threads = 1;
    if (threads > JM__POOL_MAX_THREADS)
        threads = JM__POOL_MAX_THREADS;
    jm__pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->lanes = threads;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    p->spin = cpus >= (long)threads;
    p->helpers = calloc(threads, sizeof *p->helpers);
    p->runs = aligned_alloc(CACHE_LINE, threads * sizeof *p->runs); /* a multiple of it */
    if (!p->helpers || !p->runs) {
        free(p->helpers);
        free(p->runs);
        free(p);
        return NULL;
    }
    for (unsigned i = 0; i < threads; i++)
        atomic_init(&p->runs[i].word, 0);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->done, NULL);
    for (unsigned i = 0; i + 1 < threads; i++) {
        helper *h = &p->helpers[p->nhelpers];
        h->pool = p;
        h->lane = p->nhelpers + 1;
        if (pthread_create(&h->thread, NULL, helper_main, h) != 0)
            break;
        p->nhelpers++;
    }
    if (!p->nhelpers && threads > 1) {
        jm__pool_free(p);
        return NULL;
    }
    p->lanes = p->nhelpers + 1;
    return p;
}

void jm__pool_free(jm__pool *p)
{
    if (!p)
        return;
    atomic_store(&p->quit, 1);
    pthread_mutex_lock(&p->mu);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < p->nhelpers; i++)
        pthread_join(p->helpers[i].thread, NULL);
    pthread_cond_destroy(&p->done);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->mu);
    free(p->helpers);
    free(p->runs);
    free(p);
}

unsigned jm__pool_lanes(const jm__pool *p)
{
    return p->lanes;
}

/* One round: at most MAX_ROUND chunks from base. */
static void run_round(jm__pool *p, size_t base, size_t n)
{
    p->base = base;
    p->n = n;
    atomic_store(&p->completed, 0);
    uint64_t epoch = (atomic_load(&p->epoch) + 1) & 0xFFFF;
    for (unsigned i = 0; i < p->lanes; i++) {
        uint64_t from = (uint64_t)n * i / p->lanes, to = (uint64_t)n * (i + 1) / p->lanes;
        atomic_store(&p->runs[i].word, epoch << EPOCH_SHIFT | from << NEXT_SHIFT | to);
    }
    atomic_store(&p->epoch, epoch);
    if (atomic_load(&p->sleepers)) {
        pthread_mutex_lock(&p->mu);
        pthread_cond_broadcast(&p->wake);
        pthread_mutex_unlock(&p->mu);
    }
    work(p, 0, epoch);
    for (spinner s = spin_start(p); atomic_load(&p->completed) != n && spin_on(&s);)
        ;
    if (atomic_load(&p->completed) != n) {
        pthread_mutex_lock(&p->mu);
        atomic_store(&p->caller_sleeping, 1);
        while (atomic_load(&p->completed) != n)
            pthread_cond_wait(&p->done, &p->mu);
        atomic_store(&p->caller_sleeping, 0);
        pthread_mutex_unlock(&p->mu);
    }
}

int jm__pool_run(jm__pool *p, size_t nchunks, jm__chunk_fn fn, void *ctx)
{
    p->fn = fn;
    p->ctx = ctx;
    atomic_store(&p->rc, 0);
    for (size_t base = 0; base < nchunks && !atomic_load(&p->rc); base += MAX_ROUND)
        run_round(p, base, nchunks - base < MAX_ROUND ? nchunks - base : MAX_ROUND);
    return atomic_load(&p->rc);
}
