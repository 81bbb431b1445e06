/* tests/fuzz/fuzz_common.h - shared bits of the libFuzzer targets.

   Each target includes the implementation (the parser, JSON and builder
   functions are static) and this file.  Build one target with

       clang -g -O1 -fsanitize=fuzzer,address,undefined -I. \
             tests/fuzz/fuzz_http.c -o build/fuzz/fuzz_http \
             -lmbedtls -lmbedx509 -lmbedcrypto

   (mk/fuzz.mk does it).  A failed check aborts, so libFuzzer keeps the
   input as a crash file. */
#ifndef WF_FUZZ_COMMON_H
#define WF_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stddef.h>

#define FZ_FN static __attribute__((unused))

#define FZ_CHECK(cond, ...)                                                          \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "\nFUZZ CHECK FAILED %s:%d: %s\n  ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                            \
            fprintf(stderr, "\n");                                                   \
            abort();                                                                 \
        }                                                                            \
    } while (0)

/* A cursor over the fuzz input, in the spirit of FuzzedDataProvider. */
typedef struct fz_in {
    const uint8_t *p;
    size_t n;
} fz_in;

FZ_FN uint8_t fz_u8(fz_in *in) {
    uint8_t v;
    if (!in->n) return 0;
    v = *in->p++;
    in->n--;
    return v;
}

FZ_FN unsigned fz_u16(fz_in *in) {
    unsigned a = fz_u8(in);
    return a | ((unsigned)fz_u8(in) << 8);
}

/* A NUL-free string of at most max bytes, malloc'd with exactly len+1
   bytes (so ASan sees any over-read).  The string ends at a NUL byte in the
   input or after max bytes, whichever comes first. */
FZ_FN char *fz_str(fz_in *in, size_t max, size_t *len_out) {
    size_t n = 0;
    char *s;
    while (n < in->n && n < max && in->p[n] != 0) n++;
    s = (char *)malloc(n + 1);
    if (!s) abort();
    memcpy(s, in->p, n);
    s[n] = 0;
    in->p += n;
    in->n -= n;
    if (in->n && *in->p == 0) { in->p++; in->n--; } /* the separator */
    if (len_out) *len_out = n;
    return s;
}

/* length-prefixed bytes (may hold NULs); exactly sized allocation */
FZ_FN char *fz_bytes(fz_in *in, size_t max, size_t *len_out) {
    size_t n = fz_u8(in);
    char *s;
    if (n > max) n = max;
    if (n > in->n) n = in->n;
    s = (char *)malloc(n ? n : 1);
    if (!s) abort();
    memcpy(s, in->p, n);
    in->p += n;
    in->n -= n;
    *len_out = n;
    return s;
}

/* A growable output buffer for sinks. */
typedef struct fz_buf { char *p; size_t len, cap; } fz_buf;

FZ_FN void fz_buf_add(fz_buf *b, const char *d, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + n + 1) cap *= 2;
        b->p = (char *)realloc(b->p, cap);
        if (!b->p) abort();
        b->cap = cap;
    }
    memcpy(b->p + b->len, d, n);
    b->len += n;
    b->p[b->len] = 0;
}

FZ_FN bool fz_sink(void *user, const char *d, size_t n) {
    fz_buf_add((fz_buf *)user, d, n);
    return true;
}

FZ_FN void fz_buf_free(fz_buf *b) { free(b->p); b->p = NULL; b->len = b->cap = 0; }

/* Is s[0..n) valid UTF-8 (the library's definition: no surrogates, no overlongs)? */
FZ_FN bool fz_utf8_ok(const char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        size_t k = wf__utf8_len((const unsigned char *)s + i, n - i);
        if (!k) return false;
        i += k;
    }
    return true;
}

#endif
