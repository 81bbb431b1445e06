/* fuzz_json: wf_doc_parse on arbitrary bytes; when the text is accepted,
   every view of it is walked and cross-checked:
     - iteration (first/next/value) against index access (wf_json_at) and
       member lookup by the unescaped key (wf_json_get, wf_json_eq,
       wf_json_path);
     - wf_json_str at several buffer sizes: same full length, truncation at
       a character boundary, output valid UTF-8 and a prefix of the full
       string;
     - typed accessors agree with wf_json_type_of;
     - wf_json_raw lies inside the text;
     - wf_json_write (compact and indented) gives JSON that parses again,
       and writing that again gives the same bytes (a fixpoint);
     - wf_envelope with a few HTTP statuses.
   Input: the JSON text itself (no prefix). */
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"
#include "fuzz_common.h"

#define MAX_DEPTH 64   /* walk depth; deeper values are still parsed and written */

static const char *g_text;
static size_t g_len;

static void check_str(wf_json v) {
    size_t full = 0, n2 = 0, caps[5], i;
    char *buf;
    wf_result r = wf_json_str(v, NULL, 0, &full);
    FZ_CHECK(r == WF_ERR_TRUNCATED, "measuring a string gave %d", r);
    buf = (char *)malloc(full + 1);
    r = wf_json_str(v, buf, full + 1, &n2);
    FZ_CHECK(r == WF_OK && n2 == full, "decode: r %d, %zu vs %zu", r, n2, full);
    FZ_CHECK(buf[full] == 0, "not terminated");
    FZ_CHECK(fz_utf8_ok(buf, full), "decoded string is not UTF-8");
    /* the view's own comparison agrees with the decoded bytes */
    if (!memchr(buf, 0, full)) FZ_CHECK(wf_json_eq(v, buf), "wf_json_eq differs from wf_json_str");
    caps[0] = 1; caps[1] = 2; caps[2] = full / 2 + 1; caps[3] = full; caps[4] = full > 3 ? full - 3 : 1;
    for (i = 0; i < 5; i++) {
        size_t cap = caps[i] ? caps[i] : 1, got = 0, k;
        char *small = (char *)malloc(cap);
        r = wf_json_str(v, small, cap, &got);
        FZ_CHECK(got == full, "length with cap %zu: %zu vs %zu", cap, got, full);
        if (full < cap) {
            FZ_CHECK(r == WF_OK && memcmp(small, buf, full + 1) == 0, "fits but differs");
        } else {
            FZ_CHECK(r == WF_ERR_TRUNCATED, "cap %zu for %zu bytes: r %d", cap, full, r);
            k = strnlen(small, cap);
            FZ_CHECK(k < cap, "truncated output not terminated");
            FZ_CHECK(memcmp(small, buf, k) == 0, "truncated output is not a prefix");
            /* cut at a character boundary: the prefix is valid UTF-8, unless
               an embedded U+0000 ended it early (then it is shorter still) */
            FZ_CHECK(fz_utf8_ok(small, k), "truncated output splits a character");
            FZ_CHECK(k + 4 > cap - 1 || memchr(buf, 0, cap) != NULL, "cut %zu bytes short of cap %zu", cap - 1 - k, cap);
        }
        free(small);
    }
    free(buf);
}

static void check_scalar(wf_json v, wf_json_type t) {
    long long i;
    double d;
    bool b;
    wf_result ri = wf_json_int(v, &i), rn = wf_json_num(v, &d), rb = wf_json_bool(v, &b);
    FZ_CHECK((t == WF_JSON_BOOL) == (rb == WF_OK), "bool accessor vs type");
    FZ_CHECK(t == WF_JSON_NUMBER || (ri == WF_ERR_TYPE && rn == WF_ERR_TYPE), "number accessors on a non-number");
    if (t == WF_JSON_NUMBER) {
        FZ_CHECK(rn == WF_OK || rn == WF_ERR_RANGE, "wf_json_num: %d", rn);
        if (ri == WF_OK && rn == WF_OK) {
            /* an integer answer must be the number's value */
            FZ_CHECK((double)i == d || (d > 9.0e15 || d < -9.0e15), "int %lld vs num %.17g", i, d);
        }
    }
    FZ_CHECK(wf_json_is_null(v) == (t == WF_JSON_NULL), "is_null vs type");
    FZ_CHECK(wf_json_len(v) == 0, "scalar with a length");
    FZ_CHECK(!wf_json_ok(wf_json_first(v)), "scalar with children");
}

static void walk(wf_json v, int depth) {
    wf_json_type t = wf_json_type_of(v);
    size_t rl = 0;
    const char *raw = wf_json_raw(v, &rl);
    FZ_CHECK(wf_json_ok(v) && t != WF_JSON_NONE, "walked into a missing view");
    FZ_CHECK(raw >= g_text && raw + rl <= g_text + g_len && rl > 0, "raw text outside the document");
    if (depth > MAX_DEPTH) return;
    if (t == WF_JSON_STRING) { check_str(v); return; }
    if (t != WF_JSON_OBJECT && t != WF_JSON_ARRAY) { check_scalar(v, t); return; }
    {
        size_t n = wf_json_len(v), i = 0;
        wf_json c;
        for (c = wf_json_first(v); wf_json_ok(c); c = wf_json_next(c), i++) {
            FZ_CHECK(i < n, "iteration runs past the length %zu", n);
            if (t == WF_JSON_ARRAY) {
                wf_json a = wf_json_at(v, i);
                FZ_CHECK(a.tok == c.tok, "at(%zu) differs from iteration", i);
                walk(c, depth + 1);
            } else {
                wf_json val = wf_json_value(c), got;
                size_t kl = 0;
                char *key;
                FZ_CHECK(wf_json_type_of(c) == WF_JSON_STRING, "object key is not a string");
                FZ_CHECK(wf_json_ok(val), "key without a value");
                wf_json_str(c, NULL, 0, &kl);
                key = (char *)malloc(kl + 1);
                FZ_CHECK(wf_json_str(c, key, kl + 1, NULL) == WF_OK, "key decode");
                if (!memchr(key, 0, kl)) {
                    /* lookup finds this member or an earlier one with the same key */
                    got = wf_json_get(v, key);
                    FZ_CHECK(wf_json_ok(got), "wf_json_get misses the key \"%.60s\" (%zu bytes)", key, kl);
                    FZ_CHECK(got.tok <= val.tok, "wf_json_get found a later member");
                    if (!strchr(key, ':') && kl) {
                        wf_json viapath = wf_json_path(v, key);
                        FZ_CHECK(viapath.tok == got.tok, "wf_json_path(\"%.60s\") differs from wf_json_get", key);
                    }
                }
                free(key);
                walk(c, depth + 1);
                walk(val, depth + 1);
            }
        }
        FZ_CHECK(i == n, "iteration gave %zu of %zu", i, n);
        FZ_CHECK(!wf_json_ok(wf_json_at(v, n)), "at(len) is a value");
    }
}

static void check_write(const wf_doc *d, int indent) {
    fz_buf out1 = { 0 }, out2 = { 0 };
    wf_doc *d2 = NULL;
    wf_result r = wf_json_write(wf_doc_root(d), indent, fz_sink, &out1);
    if (r == WF_ERR_RANGE) { fz_buf_free(&out1); return; } /* nesting above the writer's limit */
    FZ_CHECK(r == WF_OK, "write failed: %d", r);
    FZ_CHECK(fz_utf8_ok(out1.p, out1.len), "writer produced invalid UTF-8");
    r = wf_doc_parse(out1.p, out1.len, NULL, &d2);
    FZ_CHECK(r == WF_OK, "written JSON does not parse (%d): %.200s", r, out1.p);
    FZ_CHECK(wf_json_type_of(wf_doc_root(d2)) == wf_json_type_of(wf_doc_root(d)), "root type changed");
    FZ_CHECK(wf_json_len(wf_doc_root(d2)) == wf_json_len(wf_doc_root(d)), "root length changed");
    r = wf_json_write(wf_doc_root(d2), indent, fz_sink, &out2);
    FZ_CHECK(r == WF_OK, "rewrite failed: %d", r);
    FZ_CHECK(out1.len == out2.len && memcmp(out1.p, out2.p, out1.len) == 0, "write is not a fixpoint:\n%.300s\n%.300s", out1.p, out2.p);
    wf_doc_free(d2);
    fz_buf_free(&out1);
    fz_buf_free(&out2);
}

static void check_envelope(const wf_doc *d) {
    static const int statuses[] = { 200, 401, 429, 500 };
    size_t i;
    for (i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        wf_error e;
        wf_json data;
        wf_result r;
        memset(&e, 0, sizeof e);
        r = wf_envelope(d, statuses[i], &data, &e);
        FZ_CHECK(e.http_status == statuses[i], "status not recorded");
        if (r == WF_OK) {
            FZ_CHECK(statuses[i] < 300 && wf_json_ok(data), "OK without data");
            FZ_CHECK(data.tok == wf_json_get(wf_doc_root(d), "data").tok, "data is not the data member");
        } else {
            FZ_CHECK(!wf_json_ok(data), "data on failure");
            FZ_CHECK(e.result == r && e.text[0], "error record not filled");
            FZ_CHECK(r == WF_ERR_API || r == WF_ERR_AUTH || r == WF_ERR_THROTTLED || r == WF_ERR_RESPONSE, "envelope result %d", r);
        }
        FZ_CHECK(strlen(e.text) < sizeof e.text && strlen(e.message) < sizeof e.message && strlen(e.wf_class) < sizeof e.wf_class,
                 "unterminated error field");
        FZ_CHECK(fz_utf8_ok(e.message, strlen(e.message)), "error message cut inside a character");
    }
    /* NULL error record and NULL data are allowed */
    (void)wf_envelope(d, 200, NULL, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    wf_doc *d = NULL;
    wf_result r;
    g_text = (const char *)data;
    g_len = size;
    r = wf_doc_parse((const char *)data, size, NULL, &d);
    if (r != WF_OK) {
        FZ_CHECK(d == NULL, "doc on failure");
        FZ_CHECK(r == WF_ERR_JSON || r == WF_ERR_TOO_LARGE, "parse result %d", r);
        return 0;
    }
    FZ_CHECK(fz_utf8_ok((const char *)data, size) , "accepted invalid UTF-8");
    walk(wf_doc_root(d), 0);
    check_write(d, 0);
    check_write(d, 2);
    check_envelope(d);
    wf_doc_free(d);
    return 0;
}
