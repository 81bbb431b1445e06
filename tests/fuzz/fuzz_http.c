/* fuzz_http: the incremental HTTP/1.1 response parser (status line, headers,
   Content-Length, chunked with extensions and trailers, close-delimited
   bodies, 1xx, HEAD/204/304), fed the same bytes three ways:
     - whole,
     - in two pieces split at a point derived from the first input byte,
     - one byte at a time,
     - in pieces of pseudo-random sizes (1..31 bytes, seeded by the input),
   and the four results must agree exactly (result code, status, framing,
   headers kept, body bytes, where the response ended).  After a complete
   response the rest of the input is parsed as the next response on the
   same parser object (as a kept-alive connection reuses the body buffer).

   Input: byte 0 = flags (bit 0: HEAD request, bits 1-2: body limit,
   all 8 bits: the split point), bytes 1.. = what the server sent. */
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"
#include "fuzz_common.h"

#define MAX_RESPONSES 4

typedef struct outcome {
    int rc[MAX_RESPONSES];
    size_t end[MAX_RESPONSES];   /* input offset where each response ended */
    int status[MAX_RESPONSES], minor[MAX_RESPONSES];
    bool keep_alive[MAX_RESPONSES], chunked[MAX_RESPONSES];
    char ctype[MAX_RESPONSES][96], cenc[MAX_RESPONSES][48], retry[MAX_RESPONSES][64];
    char error[MAX_RESPONSES][96];
    fz_buf body[MAX_RESPONSES];
    int count;
} outcome;

static wf__http g_parser; /* ~8 KB line buffer: not on the stack three times */

/* mode 0: whole; mode 1: split at `split`; mode 2: byte at a time;
   mode 3: random pieces (split is the seed) */
static void run(const char *d, size_t n, bool head, size_t max_body, int mode, size_t split, outcome *o) {
    wf__http *p = &g_parser;
    size_t off = 0;
    uint32_t rng = (uint32_t)split * 2654435761u + (uint32_t)n;
    int k;
    memset(o, 0, sizeof *o);
    memset(p, 0, sizeof *p);
    for (k = 0; k < MAX_RESPONSES; k++) {
        int rc = WF__HTTP_MORE;
        wf__http_begin(p, NULL, max_body, head);
        while (off < n && rc == WF__HTTP_MORE) {
            size_t take = n - off, used = 0;
            if (mode == 1 && off < split) take = split - off;
            if (mode == 2) take = 1;
            if (mode == 3) {
                size_t piece;
                rng = rng * 1103515245u + 12345u;
                piece = 1 + (rng >> 16) % 31;
                if (piece < take) take = piece;
            }
            rc = wf__http_feed(p, d + off, take, &used);
            FZ_CHECK(used <= take, "used %zu > take %zu", used, take);
            if (rc == WF__HTTP_MORE) FZ_CHECK(used == take, "MORE but only %zu of %zu used", used, take);
            off += used;
        }
        if (rc == WF__HTTP_MORE) rc = wf__http_eof(p);
        o->rc[k] = rc;
        o->end[k] = off;
        o->status[k] = p->status;
        o->minor[k] = p->minor;
        o->keep_alive[k] = p->keep_alive;
        o->chunked[k] = p->chunked;
        memcpy(o->ctype[k], p->content_type, sizeof o->ctype[k]);
        memcpy(o->cenc[k], p->content_encoding, sizeof o->cenc[k]);
        memcpy(o->retry[k], p->retry_after, sizeof o->retry[k]);
        if (rc < 0) memcpy(o->error[k], p->error, sizeof o->error[k]);
        fz_buf_add(&o->body[k], p->body.p ? p->body.p : "", p->body.len);
        o->count = k + 1;
        /* invariants of one result */
        FZ_CHECK(p->body.len <= max_body, "body %zu above the limit %zu", p->body.len, max_body);
        if (p->body.p) FZ_CHECK(p->body.p[p->body.len] == 0, "body not NUL-terminated");
        FZ_CHECK(rc == WF__HTTP_DONE || rc < 0, "final rc %d", rc);
        if (rc == WF__HTTP_DONE) {
            FZ_CHECK(p->status >= 100 && p->status <= 999, "DONE with status %d", p->status);
            FZ_CHECK(p->status >= 200 || p->status == 101, "DONE on an interim %d", p->status);
            if (head || p->status == 204 || p->status == 304) FZ_CHECK(p->body.len == 0, "body on a bodiless answer");
            else if (p->has_length && !p->te_seen) FZ_CHECK(p->body.len == p->length, "Content-Length %llu, body %zu",
                                                            (unsigned long long)p->length, p->body.len);
            FZ_CHECK(strlen(p->content_type) < sizeof p->content_type, "content type");
        } else {
            FZ_CHECK(p->error[0] != 0, "error %d without a reason", rc);
        }
        if (rc != WF__HTTP_DONE || off >= n) break;
    }
    wf__buf_free(NULL, &p->body);
}

static void same(const outcome *a, const outcome *b, const char *what) {
    int k;
    FZ_CHECK(a->count == b->count, "%s: %d responses vs %d", what, a->count, b->count);
    for (k = 0; k < a->count; k++) {
        FZ_CHECK(a->rc[k] == b->rc[k], "%s: response %d rc %d vs %d (%s | %s)", what, k, a->rc[k], b->rc[k], a->error[k], b->error[k]);
        FZ_CHECK(a->status[k] == b->status[k], "%s: response %d status %d vs %d", what, k, a->status[k], b->status[k]);
        FZ_CHECK(strcmp(a->error[k], b->error[k]) == 0, "%s: response %d error \"%s\" vs \"%s\"", what, k, a->error[k], b->error[k]);
        if (a->rc[k] < 0) continue; /* what an error leaves behind is unspecified */
        FZ_CHECK(a->end[k] == b->end[k], "%s: response %d ends at %zu vs %zu", what, k, a->end[k], b->end[k]);
        FZ_CHECK(a->minor[k] == b->minor[k], "%s: minor", what);
        FZ_CHECK(a->keep_alive[k] == b->keep_alive[k], "%s: response %d keep-alive %d vs %d", what, k, a->keep_alive[k], b->keep_alive[k]);
        FZ_CHECK(a->chunked[k] == b->chunked[k], "%s: chunked", what);
        FZ_CHECK(strcmp(a->ctype[k], b->ctype[k]) == 0, "%s: content type", what);
        FZ_CHECK(strcmp(a->cenc[k], b->cenc[k]) == 0, "%s: content encoding", what);
        FZ_CHECK(strcmp(a->retry[k], b->retry[k]) == 0, "%s: retry-after", what);
        FZ_CHECK(a->body[k].len == b->body[k].len && (a->body[k].len == 0 || memcmp(a->body[k].p, b->body[k].p, a->body[k].len) == 0),
                 "%s: response %d bodies differ (%zu vs %zu bytes)", what, k, a->body[k].len, b->body[k].len);
    }
}

static void outcome_free(outcome *o) {
    int k;
    for (k = 0; k < MAX_RESPONSES; k++) fz_buf_free(&o->body[k]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const size_t limits[4] = { 64 * 1024 * 1024, 4096, 64, 0 };
    static outcome whole, split, bytes, pieces;
    uint8_t flags;
    const char *d;
    size_t n, at;
    bool head;
    if (size < 1) return 0;
    flags = data[0];
    d = (const char *)data + 1;
    n = size - 1;
    head = flags & 1;
    at = n ? (size_t)flags * n / 256 : 0;
    run(d, n, head, limits[(flags >> 1) & 3], 0, 0, &whole);
    run(d, n, head, limits[(flags >> 1) & 3], 1, at, &split);
    run(d, n, head, limits[(flags >> 1) & 3], 2, 0, &bytes);
    run(d, n, head, limits[(flags >> 1) & 3], 3, size, &pieces);
    same(&whole, &split, "whole vs split");
    same(&whole, &bytes, "whole vs byte-at-a-time");
    same(&whole, &pieces, "whole vs random pieces");
    outcome_free(&pieces);
    outcome_free(&whole);
    outcome_free(&split);
    outcome_free(&bytes);
    return 0;
}
