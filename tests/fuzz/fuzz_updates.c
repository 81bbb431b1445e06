/* fuzz_updates: the updates= JSON writer (wf_updates_*).
     - the same sequence of calls runs on a heap-backed writer and on a
       fixed buffer of a fuzzed size (exactly sized: ASan sees overflows);
       results agree until the fixed one reports WF_ERR_TRUNCATED, after
       which its text is a prefix of the heap text;
     - every string or key the writer accepts comes back unchanged when the
       literal it wrote is parsed (wf_doc_parse + wf_json_str), and the
       writer refuses exactly the strings that are not UTF-8;
     - a finished text (wf_updates_json) is valid JSON for wf_doc_parse.
   Input: byte 0 = fixed buffer size, then operations: one byte each
   (op % 16) followed by their arguments. */
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"
#include "fuzz_common.h"

/* The JSON string literal just written (after any ',' or ':'): it must
   parse and decode to exactly s[0..n). */
static void check_literal(const wf_updates *u, size_t before, const char *s, size_t n) {
    const char *lit = u->buf + before;
    size_t ll = u->len - before, got = 0;
    wf_doc *d = NULL;
    char *back;
    wf_result r;
    while (ll && (*lit == ',' || *lit == '{' || *lit == '[')) { lit++; ll--; }
    if (ll && lit[ll - 1] == ':') ll--; /* a key */
    r = wf_doc_parse(lit, ll, NULL, &d);
    FZ_CHECK(r == WF_OK, "written literal does not parse (%d): %.*s", r, (int)ll, lit);
    FZ_CHECK(wf_json_type_of(wf_doc_root(d)) == WF_JSON_STRING, "not a string literal");
    wf_json_str(wf_doc_root(d), NULL, 0, &got);
    back = (char *)malloc(got + 1);
    FZ_CHECK(wf_json_str(wf_doc_root(d), back, got + 1, NULL) == WF_OK, "decode");
    FZ_CHECK(got == n && memcmp(back, s, n) == 0, "string does not round-trip (%zu vs %zu bytes)", got, n);
    /* the writer escapes every control character and U+2028/U+2029 */
    {
        size_t i;
        for (i = 0; i < ll; i++) FZ_CHECK((unsigned char)lit[i] >= 0x20 && lit[i] != 0x7f, "raw control character written");
        for (i = 0; i + 2 < ll; i++)
            FZ_CHECK(!((unsigned char)lit[i] == 0xe2 && (unsigned char)lit[i + 1] == 0x80 && ((unsigned char)lit[i + 2] & 0xfe) == 0xa8),
                     "raw U+2028/2029 written");
    }
    free(back);
    wf_doc_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_in in = { data, size };
    wf_updates h, f;
    size_t cap = (size_t)fz_u8(&in) * 2 + 1;
    char *fixed = (char *)malloc(cap);
    int ops = 0;
    memset(&h, 0, sizeof h);
    wf_updates_init_buf(&f, fixed, cap);
    while (in.n && ops++ < 96) {
        uint8_t op = fz_u8(&in) % 16;
        char *s = NULL, *k = NULL;
        size_t sl = 0, kl = 0, before = h.len;
        wf_result rh = WF_OK, rf = WF_OK, hb = h.result;
        switch (op) {
        case 0: rh = wf_updates_begin_object(&h); rf = wf_updates_begin_object(&f); break;
        case 1: rh = wf_updates_end_object(&h); rf = wf_updates_end_object(&f); break;
        case 2: rh = wf_updates_begin_array(&h); rf = wf_updates_begin_array(&f); break;
        case 3: rh = wf_updates_end_array(&h); rf = wf_updates_end_array(&f); break;
        case 4:
            k = fz_str(&in, 200, &kl);
            rh = wf_updates_key(&h, k);
            rf = wf_updates_key(&f, k);
            if (rh == WF_OK) check_literal(&h, before, k, kl);
            if (hb == WF_OK && kl && rh == WF_ERR_INVALID && !fz_utf8_ok(k, kl)) { /* refused for its bytes */ }
            break;
        case 5:
            s = fz_str(&in, 300, &sl);
            rh = wf_updates_string(&h, s);
            rf = wf_updates_string(&f, s);
            if (rh == WF_OK) check_literal(&h, before, s, sl);
            break;
        case 6: /* may hold NULs: written as \u0000 */
            s = fz_bytes(&in, 255, &sl);
            rh = wf_updates_stringn(&h, s, sl);
            rf = wf_updates_stringn(&f, s, sl);
            if (rh == WF_OK) check_literal(&h, before, s, sl);
            if (hb == WF_OK && rh == WF_OK) FZ_CHECK(fz_utf8_ok(s, sl), "accepted a string that is not UTF-8");
            break;
        case 7: {
            long long v = 0;
            size_t i;
            for (i = 0; i < 8; i++) v = (long long)((unsigned long long)v << 8 | fz_u8(&in));
            rh = wf_updates_int(&h, v);
            rf = wf_updates_int(&f, v);
            break;
        }
        case 8: {
            double v;
            unsigned char b[8];
            size_t i;
            for (i = 0; i < 8; i++) b[i] = fz_u8(&in);
            memcpy(&v, b, 8);
            rh = wf_updates_double(&h, v);
            rf = wf_updates_double(&f, v);
            if (hb == WF_OK && (v != v || v - v != 0)) FZ_CHECK(rh == WF_ERR_RANGE, "NaN/inf accepted");
            break;
        }
        case 9:
            s = fz_str(&in, 60, &sl);
            rh = wf_updates_decimal(&h, s);
            rf = wf_updates_decimal(&f, s);
            break;
        case 10: {
            bool b = fz_u8(&in) & 1;
            rh = wf_updates_bool(&h, b);
            rf = wf_updates_bool(&f, b);
            break;
        }
        case 11: rh = wf_updates_null(&h); rf = wf_updates_null(&f); break;
        case 12:
            s = fz_str(&in, 200, &sl);
            rh = wf_updates_raw(&h, s, sl);
            rf = wf_updates_raw(&f, s, sl);
            break;
        case 13:
            k = fz_str(&in, 100, &kl);
            s = fz_str(&in, 100, &sl);
            rh = wf_updates_set_str(&h, k, s);
            rf = wf_updates_set_str(&f, k, s);
            break;
        case 14:
        {
            long long v;
            k = fz_str(&in, 100, &kl);
            v = (long long)(int16_t)fz_u16(&in);
            rh = wf_updates_set_int(&h, k, v);
            rf = wf_updates_set_int(&f, k, v);
            break;
        }
        default:
            k = fz_str(&in, 100, &kl);
            rh = wf_updates_set_null(&h, k);
            rf = wf_updates_set_null(&f, k);
            break;
        }
        FZ_CHECK(rh != WF_ERR_TRUNCATED && rh != WF_ERR_NOMEM, "op %d: heap writer says %d", op, rh);
        if (rf != rh) FZ_CHECK(f.result == WF_ERR_TRUNCATED, "op %d: heap %d, fixed %d", op, rh, rf);
        if (h.result) FZ_CHECK(h.error[0] != 0, "failure without a reason");
        if (h.buf) FZ_CHECK(strlen(h.buf) == h.len, "heap len %zu vs text %zu", h.len, strlen(h.buf));
        FZ_CHECK(f.len < cap && strlen(f.buf) == f.len, "fixed len %zu, cap %zu", f.len, cap);
        free(s);
        free(k);
    }
    {
        size_t hl = 0, fl = 0;
        bool fixed_ok = f.result == WF_OK;
        const char *hj = wf_updates_json(&h, &hl);
        const char *fj = wf_updates_json(&f, &fl);
        if (hj) {
            wf_doc *d = NULL;
            wf_result r = wf_doc_parse(hj, hl, NULL, &d);
            FZ_CHECK(r == WF_OK, "finished updates text is not JSON (%d): %.300s", r, hj);
            FZ_CHECK(hl == strlen(hj), "length");
            wf_doc_free(d);
            if (fixed_ok && fj) FZ_CHECK(fl == hl && memcmp(fj, hj, hl) == 0, "fixed and heap texts differ");
        }
        if (fj) FZ_CHECK(hj != NULL, "fixed finished, heap did not");
        if (f.result == WF_ERR_TRUNCATED && h.buf) FZ_CHECK(strncmp(f.buf, h.buf, f.len) == 0, "fixed text is not a prefix");
    }
    wf_updates_free(&h);
    wf_updates_free(&f);
    free(fixed);
    return 0;
}
