/* fuzz_query: the query builder (wf_query_*) and the percent-encoder.
     - wf_url_encode: decoding its output gives the input back; only safe
       characters and %XX appear; with a small buffer the output is a
       terminated prefix of the full encoding and the return value is
       still the full length (snprintf style); nothing is written beyond cap.
     - the builder runs the same sequence of calls on a heap-backed query
       and on a fixed buffer of a fuzzed size (exactly sized allocation, so
       ASan sees any overflow): the fixed one gives the same results until
       it reports WF_ERR_TRUNCATED, its text is then a prefix of the heap
       text, and len always matches the text.
     - each successful add/filter appends text that decodes back to the
       names and values given (add, add_int, parse_arg, fields, filter,
       range, in, sort keys numbered, group-by, aggregates).
   Input: byte 0 = fixed buffer size, then operations: one byte each
   (op % 16) followed by its arguments (NUL-terminated strings, bytes). */
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"
#include "fuzz_common.h"

static int hexv(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1; /* the encoder writes upper-case hex only */
}

/* Percent-decodes s[0..n) into a fresh buffer; aborts on anything the
   encoder must never produce. */
static char *decode(const char *s, size_t n, size_t *out_len) {
    char *o = (char *)malloc(n + 1);
    size_t i, k = 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            int a, b;
            FZ_CHECK(i + 2 < n, "escape cut short in \"%.*s\"", (int)n, s);
            a = hexv(s[i + 1]);
            b = hexv(s[i + 2]);
            FZ_CHECK(a >= 0 && b >= 0, "bad escape in \"%.*s\"", (int)n, s);
            o[k++] = (char)(a * 16 + b);
            i += 2;
        } else {
            FZ_CHECK(wf__query_safe(c), "unencoded byte 0x%02x in \"%.*s\"", c, (int)n, s);
            o[k++] = (char)c;
        }
    }
    o[k] = 0;
    *out_len = k;
    return o;
}

static void check_encode(const char *src, size_t n) {
    size_t need = wf_url_encode(src, n, NULL, 0), back = 0, caps[6], i;
    char *full = (char *)malloc(need + 1), *dec;
    FZ_CHECK(wf_url_encode(src, n, full, need + 1) == need, "length changed");
    FZ_CHECK(strlen(full) == need, "full output %zu bytes, said %zu", strlen(full), need);
    dec = decode(full, need, &back);
    FZ_CHECK(back == n && memcmp(dec, src, n) == 0, "encode/decode does not round-trip");
    free(dec);
    caps[0] = 0; caps[1] = 1; caps[2] = 2; caps[3] = need / 2 + 1; caps[4] = need; caps[5] = need > 2 ? need - 2 : 3;
    for (i = 0; i < 6; i++) {
        size_t cap = caps[i], k;
        char *dst = (char *)malloc(cap ? cap : 1);
        memset(dst, '#', cap ? cap : 1); /* '#' is never output: it marks bytes left unwritten */
        FZ_CHECK(wf_url_encode(src, n, dst, cap) == need, "cap %zu: wrong length", cap);
        if (cap) {
            FZ_CHECK(memchr(dst, 0, cap) != NULL, "cap %zu: not terminated", cap);
            k = strlen(dst);
            FZ_CHECK(!memchr(dst, '#', k), "cap %zu: unwritten bytes inside the output \"%s\" (full \"%s\")", cap, dst, full);
            FZ_CHECK(memcmp(dst, full, k) == 0, "cap %zu: not a prefix", cap);
        }
        free(dst);
    }
    free(full);
}

/* The text appended by one successful call: after the separator. */
static const char *appended(const wf_query *q, size_t before, size_t *n) {
    const char *s = wf_query_str(q) + before;
    *n = q->len - before;
    if (before && *n) { s++; (*n)--; }
    return s;
}

/* Checks that seg decodes to key=value[&key=value...] as given in kv (NULL ends). */
static void expect_pairs(const char *seg, size_t n, const char *const *kv) {
    size_t i = 0, k = 0;
    while (kv[k]) {
        size_t amp = i, eq, dl;
        char *d;
        while (amp < n && seg[amp] != '&') amp++;
        for (eq = i; eq < amp && seg[eq] != '='; eq++) {}
        FZ_CHECK(eq < amp, "no '=' in \"%.*s\"", (int)(amp - i), seg + i);
        d = decode(seg + i, eq - i, &dl);
        FZ_CHECK(dl == strlen(kv[k]) && memcmp(d, kv[k], dl) == 0, "name \"%s\" decoded as \"%s\"", kv[k], d);
        free(d);
        d = decode(seg + eq + 1, amp - eq - 1, &dl);
        FZ_CHECK(dl == strlen(kv[k + 1]) && memcmp(d, kv[k + 1], dl) == 0, "value \"%s\" decoded as \"%s\"", kv[k + 1], d);
        free(d);
        k += 2;
        i = amp + 1;
    }
    FZ_CHECK(i >= n, "more text than expected: \"%.*s\"", (int)n, seg);
}

static void check_len(const wf_query *q) {
    const char *s = wf_query_str(q);
    FZ_CHECK(strlen(s) == q->len, "len %zu but text has %zu bytes", q->len, strlen(s));
    if (q->fixed) FZ_CHECK(q->cap == 0 || q->len < q->cap, "fixed query overflows");
}

#define NSTR 6

/* [OR:n:]field + suffix, as the builder names a filter parameter */
static void or_key(char *out, size_t cap, int group, const char *field, const char *suffix) {
    if (group > 0) snprintf(out, cap, "OR:%d:%s%s", group, field, suffix);
    else snprintf(out, cap, "%s%s", field, suffix);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_in in = { data, size };
    wf_query h, f;
    size_t cap = (size_t)fz_u8(&in) * 2 + 1;
    char *fixed = (char *)malloc(cap);
    int ops = 0, nsort = 0;
    memset(&h, 0, sizeof h);
    wf_query_init_buf(&f, fixed, cap);
    while (in.n && ops++ < 64) {
        uint8_t op = fz_u8(&in) % 16;
        char *s[NSTR] = { 0 };
        size_t sl[NSTR] = { 0 }, before = h.len, seg_n;
        const char *seg;
        wf_result rh = WF_OK, rf = WF_OK, hbefore = h.result;
        int i;
        char num[32];
        for (i = 0; i < 2; i++) s[i] = fz_str(&in, 300, &sl[i]);
        switch (op) {
        case 0: { /* addn: the name and value given, then decoded back */
            const char *kv[3];
            rh = wf_query_addn(&h, s[0], sl[0], s[1], sl[1]);
            rf = wf_query_addn(&f, s[0], sl[0], s[1], sl[1]);
            kv[0] = s[0]; kv[1] = s[1]; kv[2] = NULL;
            if (rh == WF_OK) { seg = appended(&h, before, &seg_n); expect_pairs(seg, seg_n, kv); }
            check_encode(s[0], sl[0]);
            check_encode(s[1], sl[1]);
            break;
        }
        case 1: { /* add_int */
            long long v = (long long)(int16_t)fz_u16(&in) * (long long)(fz_u8(&in) + 1) * 1000003LL;
            const char *kv[3];
            rh = wf_query_add_int(&h, s[0], v);
            rf = wf_query_add_int(&f, s[0], v);
            snprintf(num, sizeof num, "%lld", v);
            kv[0] = s[0]; kv[1] = num; kv[2] = NULL;
            if (rh == WF_OK) { seg = appended(&h, before, &seg_n); expect_pairs(seg, seg_n, kv); }
            break;
        }
        case 2: { /* parse_arg "name=value" */
            const char *eq = strchr(s[0], '=');
            rh = wf_query_parse_arg(&h, s[0]);
            rf = wf_query_parse_arg(&f, s[0]);
            if (rh == WF_OK) {
                char *k = (char *)malloc((size_t)(eq - s[0]) + 1);
                const char *kv[3];
                memcpy(k, s[0], (size_t)(eq - s[0]));
                k[eq - s[0]] = 0;
                kv[0] = k; kv[1] = eq + 1; kv[2] = NULL;
                seg = appended(&h, before, &seg_n);
                expect_pairs(seg, seg_n, kv);
                free(k);
            }
            break;
        }
        case 3: { /* fields */
            const char *kv[3];
            rh = wf_query_fields(&h, s[0]);
            rf = wf_query_fields(&f, s[0]);
            kv[0] = "fields"; kv[1] = s[0]; kv[2] = NULL;
            if (rh == WF_OK) { seg = appended(&h, before, &seg_n); expect_pairs(seg, seg_n, kv); }
            break;
        }
        case 4: { /* limit */
            long first = (long)fz_u16(&in) - 100, limit = (long)fz_u16(&in) % 2100;
            rh = wf_query_limit(&h, first, limit);
            rf = wf_query_limit(&f, first, limit);
            /* $$LIMIT 1..2000, or 0 = not set */
            if (hbefore == WF_OK) FZ_CHECK((rh == WF_OK) == (first >= 0 && limit >= 0 && limit <= 2000), "limit %ld/%ld: %d", first, limit, rh);
            break;
        }
        case 5: { /* filter, with the OR group in force */
            wf_mod m = (wf_mod)(fz_u8(&in) % (WF_MOD_COUNT + 2));
            const char *val = (fz_u8(&in) & 1) ? NULL : s[1];
            rh = wf_query_filter(&h, s[0], m, val);
            rf = wf_query_filter(&f, s[0], m, val);
            if (rh == WF_OK) {
                char key[600], modkey[600];
                const char *kv[5];
                int k = 0;
                if (h.or_group > 0) {
                    snprintf(key, sizeof key, "OR:%d:%s", h.or_group, s[0]);
                    snprintf(modkey, sizeof modkey, "OR:%d:%s_Mod", h.or_group, s[0]);
                } else {
                    snprintf(key, sizeof key, "%s", s[0]);
                    snprintf(modkey, sizeof modkey, "%s_Mod", s[0]);
                }
                if (val && wf_mod_name(m) && strcmp(wf_mod_name(m), "isnull") && strcmp(wf_mod_name(m), "notnull") &&
                    strcmp(wf_mod_name(m), "isblank") && strcmp(wf_mod_name(m), "notblank")) { kv[k++] = key; kv[k++] = val; }
                kv[k++] = modkey; kv[k++] = wf_mod_name(m); kv[k] = NULL;
                seg = appended(&h, before, &seg_n);
                expect_pairs(seg, seg_n, kv);
            }
            break;
        }
        case 6: { /* range */
            wf_mod m = (wf_mod)(fz_u8(&in) % WF_MOD_COUNT);
            s[2] = fz_str(&in, 100, &sl[2]);
            rh = wf_query_range(&h, s[0], m, s[1], s[2]);
            rf = wf_query_range(&f, s[0], m, s[1], s[2]);
            if (rh == WF_OK) { /* field=lo&field_Range=hi&field_Mod=between */
                char k0[600], k1[600], k2[600];
                const char *kv[7];
                or_key(k0, sizeof k0, h.or_group, s[0], "");
                or_key(k1, sizeof k1, h.or_group, s[0], "_Range");
                or_key(k2, sizeof k2, h.or_group, s[0], "_Mod");
                kv[0] = k0; kv[1] = s[1]; kv[2] = k1; kv[3] = s[2]; kv[4] = k2; kv[5] = wf_mod_name(m); kv[6] = NULL;
                seg = appended(&h, before, &seg_n);
                expect_pairs(seg, seg_n, kv);
            }
            break;
        }
        case 7: { /* in */
            wf_mod m = (wf_mod)(fz_u8(&in) % WF_MOD_COUNT);
            size_t n = fz_u8(&in) % 4, k;
            const char *vals[4];
            for (k = 0; k < n; k++) { s[2 + k] = fz_str(&in, 60, &sl[2 + k]); vals[k] = s[2 + k]; }
            rh = wf_query_in(&h, s[0], m, n ? vals : NULL, n);
            rf = wf_query_in(&f, s[0], m, n ? vals : NULL, n);
            if (rh == WF_OK) { /* field=v1&field=v2...&field_Mod=in */
                char k0[600], k1[600];
                const char *kv[11];
                size_t j = 0;
                FZ_CHECK(n > 0, "in with no values accepted");
                or_key(k0, sizeof k0, h.or_group, s[0], "");
                or_key(k1, sizeof k1, h.or_group, s[0], "_Mod");
                for (k = 0; k < n; k++) { kv[j++] = k0; kv[j++] = vals[k]; }
                kv[j++] = k1; kv[j++] = wf_mod_name(m); kv[j] = NULL;
                seg = appended(&h, before, &seg_n);
                expect_pairs(seg, seg_n, kv);
            }
            break;
        }
        case 8: { /* OR group */
            int g = (int8_t)fz_u8(&in) % 5;
            rh = wf_query_or_group(&h, g);
            rf = wf_query_or_group(&f, g);
            break;
        }
        case 9: { /* sort (4 is not a direction) */
            wf_sort dir = (wf_sort)(fz_u8(&in) % 5);
            rh = wf_query_sort(&h, s[0], dir);
            rf = wf_query_sort(&f, s[0], dir);
            if (rh == WF_OK) { /* field_Sort, then field_2_Sort ...; never in an OR group */
                static const char *const dirs[] = { "asc", "desc", "ciasc", "cidesc" };
                char key[600];
                const char *kv[3];
                FZ_CHECK(dir <= WF_SORT_CIDESC, "sort direction %d accepted", (int)dir);
                if (nsort == 0) snprintf(key, sizeof key, "%s_Sort", s[0]);
                else snprintf(key, sizeof key, "%s_%d_Sort", s[0], nsort + 1);
                kv[0] = key; kv[1] = dirs[dir]; kv[2] = NULL;
                seg = appended(&h, before, &seg_n);
                expect_pairs(seg, seg_n, kv);
                nsort++;
            }
            break;
        }
        case 10: rh = wf_query_map(&h); rf = wf_query_map(&f); break;
        case 11:
            rh = wf_query_group_by(&h, s[0]);
            rf = wf_query_group_by(&f, s[0]);
            if (rh == WF_OK) { /* field_GroupBy=true or field_N_GroupBy=true */
                size_t eq, kl, vl;
                char *k, *v;
                seg = appended(&h, before, &seg_n);
                for (eq = 0; eq < seg_n && seg[eq] != '='; eq++) {}
                FZ_CHECK(eq < seg_n && !memchr(seg, '&', seg_n), "group by wrote \"%.*s\"", (int)seg_n, seg);
                k = decode(seg, eq, &kl);
                v = decode(seg + eq + 1, seg_n - eq - 1, &vl);
                FZ_CHECK(kl >= sl[0] + 8 && memcmp(k, s[0], sl[0]) == 0 && k[sl[0]] == '_' && strcmp(k + kl - 8, "_GroupBy") == 0 &&
                         strcmp(v, "true") == 0, "group by \"%s\" wrote \"%s=%s\"", s[0], k, v);
                free(k);
                free(v);
            }
            break;
        case 12:
            rh = wf_query_agg(&h, s[0], s[1]);
            rf = wf_query_agg(&f, s[0], s[1]);
            if (rh == WF_OK) {
                char key[600];
                const char *kv[3];
                snprintf(key, sizeof key, "%s_AggFunc", s[0]);
                kv[0] = key; kv[1] = s[1]; kv[2] = NULL;
                seg = appended(&h, before, &seg_n);
                expect_pairs(seg, seg_n, kv);
            }
            break;
        case 13: rh = wf_query_filters_json(&h, s[0]); rf = wf_query_filters_json(&f, s[0]); break;
        case 14: rh = wf_query_add_raw(&h, s[0]); rf = wf_query_add_raw(&f, s[0]); break;
        default: { /* the encoder alone, on bytes that may hold NULs */
            size_t bl;
            char *b = fz_bytes(&in, 255, &bl);
            check_encode(b, bl);
            free(b);
            rh = wf_query_rollup(&h);
            rf = wf_query_rollup(&f);
            break;
        }
        }
        /* the heap query and the fixed one agree until the fixed one is full */
        FZ_CHECK(rh == h.result || rh == WF_OK, "op %d: returned %d, sticky %d", op, rh, h.result);
        if (rf != rh) FZ_CHECK(rf == WF_ERR_TRUNCATED || f.result == WF_ERR_TRUNCATED, "op %d: heap %d, fixed %d", op, rh, rf);
        FZ_CHECK(rh != WF_ERR_TRUNCATED && rh != WF_ERR_NOMEM, "op %d: heap query says %d", op, rh);
        if (h.result) FZ_CHECK(h.error[0] && strlen(h.error) < sizeof h.error, "failure without a reason");
        check_len(&h);
        check_len(&f);
        for (i = 0; i < NSTR; i++) free(s[i]);
    }
    if (f.result == WF_OK) {
        FZ_CHECK(strcmp(wf_query_str(&f), wf_query_str(&h)) == 0, "fixed and heap queries differ");
    } else if (f.result == WF_ERR_TRUNCATED) {
        FZ_CHECK(strncmp(wf_query_str(&f), wf_query_str(&h), f.len) == 0, "fixed text is not a prefix of the heap text");
    }
    wf_query_free(&h);
    wf_query_free(&f);
    free(fixed);
    return 0;
}
