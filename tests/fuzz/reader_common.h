/* Shared by the reader harnesses: feed the input whole and in chunks chosen by its first byte,
 * and require the same records and rejects either way (chunking never changes a result). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jobmatch/jobmatch.h>

typedef struct fuzz_seen {
    jm_buf text; /* every record as NDJSON and every reject's code, line and raw bytes */
} fuzz_seen;

static void fuzz_put(jm_buf *b, const void *s, size_t n)
{
    if (!n)
        return;
    if (jm_buf_reserve(b, n))
        abort();
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

static int fuzz_on_record(void *ctx, jm_record **rec, const char *raw, size_t raw_len,
                          unsigned long line)
{
    fuzz_seen *s = ctx;
    if (jm_write_ndjson(*rec, &s->text))
        abort();
    fuzz_put(&s->text, &line, sizeof line);
    fuzz_put(&s->text, raw, raw_len);
    return 0;
}

static int fuzz_on_reject(void *ctx, const jm_error *err, const char *raw, size_t raw_len)
{
    fuzz_seen *s = ctx;
    if (err->code >= 0 || err->text[0] == '\0' || (raw == NULL) != (err->code == JM_ETOOLONG))
        abort();
    fuzz_put(&s->text, "!", 1);
    fuzz_put(&s->text, &err->code, sizeof err->code);
    fuzz_put(&s->text, &err->line, sizeof err->line);
    fuzz_put(&s->text, raw, raw_len);
    return 0;
}

/* The text of an over-long record, in pieces that depend on the chunking; joined they do not. */
static int fuzz_on_part(void *ctx, const char *part, size_t len)
{
    fuzz_put(&((fuzz_seen *)ctx)->text, part, len);
    return 0;
}

static void fuzz_read(jm_format fmt, const uint8_t *data, size_t size, size_t max, unsigned seed,
                      fuzz_seen *out)
{
    jm_reader *r = jm_reader_new(fmt, "fuzz", max, fuzz_on_record, fuzz_on_reject, out, NULL);
    if (!r)
        abort();
    jm_reader_set_reject_part(r, fuzz_on_part);
    size_t at = 0;
    while (at < size) {
        size_t n = size - at;
        if (seed) {
            seed = seed * 1103515245u + 12345u;
            size_t want = (seed >> 16) % 17 + 1;
            if (want < n)
                n = want;
        }
        if (jm_reader_feed(r, data + at, n))
            abort();
        at += n;
    }
    if (jm_reader_finish(r))
        abort();
    jm_reader_free(r);
}

static int fuzz_reader_run(jm_format fmt, const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned seed = data[0] | 1u;
    size_t max = data[0] & 0x80 ? 64 : 0; /* a small limit or the default */
    data++;
    size--;
    fuzz_seen whole = {{0}}, chunked = {{0}};
    fuzz_read(fmt, data, size, max, 0, &whole);
    fuzz_read(fmt, data, size, max, seed, &chunked);
    if (whole.text.len != chunked.text.len ||
        (whole.text.len && memcmp(whole.text.data, chunked.text.data, whole.text.len)))
        abort();
    jm_buf_free(&whole.text);
    jm_buf_free(&chunked.text);
    /* The same bytes as one whole record, as from a queue. */
    fuzz_seen one = {{0}};
    jm_reader *r = jm_reader_new(fmt, "fuzz", max, fuzz_on_record, fuzz_on_reject, &one, NULL);
    if (!r)
        abort();
    jm_reader_set_reject_part(r, fuzz_on_part);
    if (jm_reader_feed_record(r, data, size, "fuzz:topic/0@1") ||
        jm_reader_records(r) + jm_reader_rejects(r) > 1)
        abort();
    jm_reader_free(r);
    jm_buf_free(&one.text);
    return 0;
}
