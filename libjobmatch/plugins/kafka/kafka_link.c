/* Links: a sink and a source made with the same link=NAME find each other here, so the source
 * can filter what the sink produces and the sink's transactions can carry the source's offsets. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "kafka.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
/* Few links live at once (one per pipeline): a short list. */
static jm__kafka_link **links;
static size_t nlinks;

static jm__kafka_link *link_get(const char *name)
{
    pthread_mutex_lock(&lock);
    jm__kafka_link *l = NULL;
    for (size_t i = 0; i < nlinks && !l; i++)
        if (strcmp(links[i]->name, name) == 0)
            l = links[i];
    if (l) {
        l->refs++;
    } else {
        jm__kafka_link **grown = realloc(links, (nlinks + 1) * sizeof *grown);
        if (grown) {
            links = grown;
            if ((l = calloc(1, sizeof *l)) && (l->name = strdup(name))) {
                l->refs = 1;
                links[nlinks++] = l;
            } else {
                free(l);
                l = NULL;
            }
        }
    }
    pthread_mutex_unlock(&lock);
    return l;
}

/* Takes the link's sink (as_sink) or source place for s or m, when it is free. */
static jm__kafka_link *join(const char *name, jm__kafka_sink *s, jm__kafka_match *m, jm_error *err)
{
    jm__kafka_link *l = link_get(name);
    if (!l) {
        jm__kafka_fail(err, JM_ENOMEM, "kafka", "out of memory");
        return NULL;
    }
    pthread_mutex_lock(&lock);
    int taken = s ? l->sink != NULL : l->match != NULL;
    if (!taken && s)
        l->sink = s;
    else if (!taken)
        l->match = m;
    pthread_mutex_unlock(&lock);
    if (taken) {
        jm__kafka_fail(err, JM_EINVAL, "kafka", "link=%s has a %s already", name,
                       s ? "sink" : "source");
        jm__kafka_link_leave(l, NULL);
        return NULL;
    }
    return l;
}

jm__kafka_link *jm__kafka_link_join_sink(const char *name, jm__kafka_sink *s, jm_error *err)
{
    return join(name, s, NULL, err);
}

jm__kafka_link *jm__kafka_link_join_match(const char *name, jm__kafka_match *m, jm_error *err)
{
    return join(name, NULL, m, err);
}

void jm__kafka_link_leave(jm__kafka_link *l, const void *self)
{
    if (!l)
        return;
    pthread_mutex_lock(&lock);
    if (self && (const void *)l->sink == self)
        l->sink = NULL;
    if (self && (const void *)l->match == self)
        l->match = NULL;
    if (--l->refs == 0) {
        for (size_t i = 0; i < nlinks; i++)
            if (links[i] == l) {
                links[i] = links[--nlinks];
                break;
            }
        if (nlinks == 0) {
            free(links);
            links = NULL;
        }
        free(l->name);
        free(l);
    }
    pthread_mutex_unlock(&lock);
}
