/* bench/bench_common.h - what the two C bench clients share: the workload
   constants (the same as in js_bench.js), a clock, file loading and the
   per-object check that makes every client read each result's ID and name. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_USER "admin@test.example"
#define BENCH_PASS "s3cret-Pa55"
#define BENCH_API_KEY "adminapikey0123456789abcdef0000"
#define BENCH_API "/attask/api/v22.0"
#define P1_SEARCHES 20
#define P1_PAGE 2000
#define P1_PAGES 5 /* $$FIRST walks 0, 2000, ... 8000, then starts over */
#define P2_GETS 200

/* Sums every client computes the same way, so the driver can check that all
   three read the same objects: object count, UTF-8 bytes of all names, and
   the sum of the last four hex digits of every ID. */
typedef struct bench_sums {
    long long objects, name_bytes, id_sum;
} bench_sums;

static void bench_take(bench_sums *s, const char *id, size_t id_len, size_t name_len) {
    unsigned v = 0;
    size_t i;
    s->objects++;
    s->name_bytes += (long long)name_len;
    if (id_len >= 4) {
        for (i = id_len - 4; i < id_len; i++) {
            char ch = id[i];
            v = v * 16 + (unsigned)(ch >= 'a' ? ch - 'a' + 10 : ch >= 'A' ? ch - 'A' + 10 : ch - '0');
        }
    }
    s->id_sum += v;
}

static double bench_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU time of this (single-threaded) process: throughput figures use it, so
   that other load on the machine does not show up as a slower parser. */
static double bench_cpu(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *bench_load(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = (char *)malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) { fclose(f); free(buf); return NULL; }
    buf[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void bench_print_sums(const bench_sums *s) {
    printf("\"objects\":%lld,\"name_bytes\":%lld,\"id_sum\":%lld", s->objects, s->name_bytes, s->id_sum);
}

#endif
