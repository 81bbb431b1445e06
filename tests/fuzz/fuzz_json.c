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
     - wf_envelope with a few HTTP statuses;
     - wf_json_write_string of every decoded string parses back to it;
     - wf_json_path("i") on an array is wf_json_at(i);
     - acceptance is differential: wf_doc_parse accepts exactly the texts
       a small independent RFC 8259 validator below accepts (strict UTF-8,
       no lone surrogates), and wf_doc_parse_ex says why when it refuses.
   Input: the JSON text itself (no prefix). */
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"
#include "fuzz_common.h"

#define MAX_DEPTH 64   /* walk depth; deeper values are still parsed and written */

static const char *g_text;
static size_t g_len;

/* ---- reference validator: RFC 8259, written from the grammar, shares no
   code with the library */
typedef struct ref { const unsigned char *p, *e; int depth; } ref;

static void ref_ws(ref *r) { while (r->p < r->e && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')) r->p++; }

static int ref_hex4(ref *r) {
    int v = 0, i;
    if (r->e - r->p < 4) return -1;
    for (i = 0; i < 4; i++) {
        unsigned char c = *r->p++;
        v <<= 4;
        if (c >= '0' && c <= '9') v |= c - '0';
        else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
        else return -1;
    }
    return v;
}

static bool ref_string(ref *r) {
    r->p++; /* the opening quote */
    while (r->p < r->e) {
        unsigned char c = *r->p;
        if (c == '"') { r->p++; return true; }
        if (c < 0x20) return false;
        if (c == '\\') {
            r->p++;
            if (r->p >= r->e) return false;
            c = *r->p++;
            if (c == 'u') {
                int u = ref_hex4(r);
                if (u < 0) return false;
                if (u >= 0xDC00 && u <= 0xDFFF) return false;         /* lone low surrogate */
                if (u >= 0xD800 && u <= 0xDBFF) {
                    int l;
                    if (r->e - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u') return false;
                    r->p += 2;
                    l = ref_hex4(r);
                    if (l < 0xDC00 || l > 0xDFFF) return false;
                }
            } else if (!strchr("\"\\/bfnrt", c) || c == 0) {
                return false;
            }
            continue;
        }
        if (c < 0x80) { r->p++; continue; }
        {
            /* one UTF-8 sequence: no overlongs, no surrogates, <= U+10FFFF */
            int n, i;
            unsigned long cp;
            if (c >= 0xC2 && c <= 0xDF) { n = 1; cp = c & 0x1F; }
            else if (c >= 0xE0 && c <= 0xEF) { n = 2; cp = c & 0x0F; }
            else if (c >= 0xF0 && c <= 0xF4) { n = 3; cp = c & 0x07; }
            else return false;
            if (r->e - r->p < n + 1) return false;
            for (i = 1; i <= n; i++) {
                if ((r->p[i] & 0xC0) != 0x80) return false;
                cp = cp << 6 | (r->p[i] & 0x3F);
            }
            if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
            r->p += n + 1;
        }
    }
    return false;
}

static bool ref_digits(ref *r) {
    const unsigned char *s = r->p;
    while (r->p < r->e && *r->p >= '0' && *r->p <= '9') r->p++;
    return r->p > s;
}

static bool ref_number(ref *r) {
    if (r->p < r->e && *r->p == '-') r->p++;
    if (r->p < r->e && *r->p == '0') r->p++;
    else if (!(r->p < r->e && *r->p >= '1' && *r->p <= '9') || !ref_digits(r)) return false;
    if (r->p < r->e && *r->p == '.') { r->p++; if (!ref_digits(r)) return false; }
    if (r->p < r->e && (*r->p == 'e' || *r->p == 'E')) {
        r->p++;
        if (r->p < r->e && (*r->p == '+' || *r->p == '-')) r->p++;
        if (!ref_digits(r)) return false;
    }
    return true;
}

static bool ref_lit(ref *r, const char *w) {
    size_t n = strlen(w);
    if ((size_t)(r->e - r->p) < n || memcmp(r->p, w, n) != 0) return false;
    r->p += n;
    return true;
}

static bool ref_value(ref *r) {
    bool ok;
    ref_ws(r);
    if (r->p >= r->e) return false;
    switch (*r->p) {
    case '"': return ref_string(r);
    case 't': return ref_lit(r, "true");
    case 'f': return ref_lit(r, "false");
    case 'n': return ref_lit(r, "null");
    case '[': case '{': {
        bool obj = *r->p == '{';
        if (++r->depth > 20000) return false;
        r->p++;
        ref_ws(r);
        if (r->p < r->e && *r->p == (obj ? '}' : ']')) { r->p++; r->depth--; return true; }
        for (;;) {
            if (obj) {
                ref_ws(r);
                if (r->p >= r->e || *r->p != '"' || !ref_string(r)) return false;
                ref_ws(r);
                if (r->p >= r->e || *r->p++ != ':') return false;
            }
            if (!ref_value(r)) return false;
            ref_ws(r);
            if (r->p >= r->e) return false;
            if (*r->p == ',') { r->p++; continue; }
            if (*r->p != (obj ? '}' : ']')) return false;
            r->p++;
            r->depth--;
            return true;
        }
    }
    default:
        ok = ref_number(r);
        return ok;
    }
}

static bool ref_valid(const uint8_t *d, size_t n) {
    ref r;
    r.p = d; r.e = d + n; r.depth = 0;
    if (!ref_value(&r)) return false;
    ref_ws(&r);
    return r.p == r.e;
}

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
    {
        /* the string writer's literal parses back to the same bytes */
        fz_buf lit = { 0 };
        wf_doc *d2 = NULL;
        size_t n3 = 0;
        char *back;
        FZ_CHECK(wf_json_write_string(buf, full, fz_sink, &lit) == WF_OK, "wf_json_write_string refused a decoded string");
        FZ_CHECK(wf_doc_parse(lit.p, lit.len, NULL, &d2) == WF_OK, "written string literal does not parse: %.200s", lit.p);
        wf_json_str(wf_doc_root(d2), NULL, 0, &n3);
        back = (char *)malloc(n3 + 1);
        wf_json_str(wf_doc_root(d2), back, n3 + 1, NULL);
        FZ_CHECK(n3 == full && memcmp(back, buf, full) == 0, "string literal does not round-trip");
        free(back);
        wf_doc_free(d2);
        fz_buf_free(&lit);
    }
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
                if (i < 8) {
                    char idx[24];
                    snprintf(idx, sizeof idx, "%zu", i);
                    FZ_CHECK(wf_json_path(v, idx).tok == c.tok, "path(\"%s\") differs from at(%zu)", idx, i);
                }
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
        wf_error e;
        wf_doc *d2 = NULL;
        FZ_CHECK(d == NULL, "doc on failure");
        FZ_CHECK(r == WF_ERR_JSON || r == WF_ERR_TOO_LARGE, "parse result %d", r);
        FZ_CHECK(r != WF_ERR_JSON || !ref_valid(data, size), "valid JSON refused: %.200s", (const char *)data);
        FZ_CHECK(wf_doc_parse_ex((const char *)data, size, NULL, &d2, &e) == r && d2 == NULL, "parse_ex differs");
        FZ_CHECK(e.result == r && e.text[0] && strlen(e.text) < sizeof e.text, "parse_ex without a reason");
        return 0;
    }
    FZ_CHECK(ref_valid(data, size), "invalid JSON accepted");
    FZ_CHECK(fz_utf8_ok((const char *)data, size) , "accepted invalid UTF-8");
    walk(wf_doc_root(d), 0);
    check_write(d, 0);
    check_write(d, 2);
    check_envelope(d);
    wf_doc_free(d);
    return 0;
}
