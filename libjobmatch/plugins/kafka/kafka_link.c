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

jm__kafka_link *jm__kafka_link_get(const char *name)
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

void jm__kafka_link_put(jm__kafka_link *l)
{
    if (!l)
        return;
    pthread_mutex_lock(&lock);
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
