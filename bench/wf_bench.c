/* bench/wf_bench.c - the workfront.h client of `make bench`.

     wf_bench p1 URL [CA]          login, 20 x search task fields=* $$LIMIT=2000
                                   (each result's ID and name read), count,
                                   report, logout
     wf_bench p2 URL [CA] TASKID   200 x GET task/TASKID on one keep-alive
                                   connection (API key)
     wf_bench p3 FILE [SECONDS]    parse-only throughput of a stored search
                                   response: wf_doc_parse + wf_envelope + views

   Prints one JSON line.  Every allocation of the library goes through the
   counting allocator in desc.allocator, so "lib_heap_peak" is exactly the
   library's own peak (mbedTLS allocates through calloc directly and is not in
   it: the driver's instrumented run counts the whole process). */
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"
#include "bench_common.h"

/* ---------------------------------------------------------- counting heap */
typedef struct heap_stats {
    size_t cur, peak, allocs;
    size_t peak_top[4]; /* the largest live blocks when the peak was reached */
} heap_stats;

#define LIVE_MAX 4096
static struct { void *p; size_t n; } live[LIVE_MAX];
static size_t nlive;

static void heap_note_peak(heap_stats *h) {
    size_t i, j;
    memset(h->peak_top, 0, sizeof h->peak_top);
    for (i = 0; i < nlive; i++) {
        size_t n = live[i].n;
        for (j = 0; j < 4; j++) {
            if (n > h->peak_top[j]) {
                memmove(&h->peak_top[j + 1], &h->peak_top[j], (3 - j) * sizeof h->peak_top[0]);
                h->peak_top[j] = n;
                break;
            }
        }
    }
}

static void *count_alloc(size_t n, void *user) {
    heap_stats *h = (heap_stats *)user;
    size_t *p = (size_t *)malloc(n + 16);
    if (!p) return NULL;
    p[0] = n;
    h->cur += n;
    h->allocs++;
    if (nlive < LIVE_MAX) { live[nlive].p = p; live[nlive].n = n; nlive++; }
    if (h->cur > h->peak) { h->peak = h->cur; heap_note_peak(h); }
    return (char *)p + 16;
}

static void count_free(void *ptr, void *user) {
    heap_stats *h = (heap_stats *)user;
    size_t *p, i;
    if (!ptr) return;
    p = (size_t *)((char *)ptr - 16);
    h->cur -= p[0];
    for (i = nlive; i-- > 0;)
        if (live[i].p == p) { live[i] = live[--nlive]; break; }
    free(p);
}

static heap_stats heap;

static wf_allocator counting(void) {
    wf_allocator a;
    a.alloc_fn = count_alloc;
    a.free_fn = count_free;
    a.user_data = &heap;
    return a;
}

static int die(wf_client *c, const char *what) {
    fprintf(stderr, "wf_bench: %s: %s\n", what, c ? wf_client_error(c)->text : "failed");
    return 1;
}

/* The trace line "* TLS <version>, <suite>" says what was negotiated. */
static char tls_info[160];
static void on_log(void *user, wf_log_level level, const char *line) {
    (void)user;
    (void)level;
    if (strncmp(line, "* TLS ", 6) == 0 && !tls_info[0]) snprintf(tls_info, sizeof tls_info, "%s", line + 6);
}

static wf_client *make_client(const char *url, const char *ca, const char *api_key) {
    wf_client_desc d;
    wf_client *c = NULL;
    wf_error err;
    memset(&d, 0, sizeof d);
    d.url = url;
    d.allocator = counting();
    d.no_env_proxy = true;
    d.api_key = api_key;
    d.logger.fn = on_log;
    d.logger.level = WF_LOG_TRACE;
    if (ca && *ca) { d.ca_file = ca; d.no_system_ca = true; }
    if (wf_client_create(&d, &c, &err) != WF_OK) {
        fprintf(stderr, "wf_bench: client: %s\n", err.text);
        return NULL;
    }
    return c;
}

static void take(bench_sums *s, wf_json t) {
    char id[64], name[4096];
    size_t il = 0, nl = 0;
    wf_json_str(wf_json_get(t, "ID"), id, sizeof id, &il);
    wf_json_str(wf_json_get(t, "name"), name, sizeof name, &nl);
    bench_take(s, id, il, nl);
}

static bool take_cb(void *user, wf_json t) {
    take((bench_sums *)user, t);
    return true;
}

static void print_heap(void) {
    printf("\"tls\":\"%s\",", tls_info);
    printf("\"lib_heap_peak\":%zu,\"lib_allocs\":%zu,\"lib_peak_blocks\":[%zu,%zu,%zu,%zu]", heap.peak, heap.allocs,
           heap.peak_top[0], heap.peak_top[1], heap.peak_top[2], heap.peak_top[3]);
}

static int p1(const char *url, const char *ca) {
    wf_client *c = make_client(url, ca, NULL);
    wf_allocator a = counting();
    wf_query q;
    wf_json data, t;
    bench_sums s = {0, 0, 0};
    long long count = -1;
    size_t groups = 0, max_body = 0;
    int i;
    if (!c) return 1;
    memset(&q, 0, sizeof q);
    q.allocator = a;
    if (wf_login(c, BENCH_USER, BENCH_PASS) != WF_OK) return die(c, "login");
    for (i = 0; i < P1_SEARCHES; i++) {
        size_t blen = 0;
        wf_query_reset(&q);
        wf_query_fields(&q, "*");
        wf_query_limit(&q, (long)(i % P1_PAGES) * P1_PAGE, P1_PAGE);
        /* streamed: each task is read as its bytes arrive, no page is held */
        if (wf_search_each(c, "task", &q, take_cb, &s, NULL) != WF_OK) return die(c, "search");
        (void)blen;
    }
    if (wf_count(c, "task", NULL, &count) != WF_OK) return die(c, "count");
    wf_query_reset(&q);
    wf_query_group_by(&q, "status");
    wf_query_agg(&q, "workRequired", "sum");
    if (wf_report(c, "task", &q, &data) != WF_OK) return die(c, "report");
    groups = wf_json_len(data);
    if (wf_logout(c) != WF_OK) return die(c, "logout");
    wf_query_free(&q);
    wf_client_destroy(c);
    printf("{\"client\":\"wf\",\"workload\":\"p1\",");
    bench_print_sums(&s);
    printf(",\"count\":%lld,\"report_groups\":%zu,\"max_body\":%zu,", count, groups, max_body);
    print_heap();
    printf("}\n");
    return 0;
}

static int p2(const char *url, const char *ca, const char *id) {
    wf_client *c = make_client(url, ca, BENCH_API_KEY);
    wf_json data;
    bench_sums s = {0, 0, 0};
    int i;
    if (!c) return 1;
    for (i = 0; i < P2_GETS; i++) {
        if (wf_get(c, "task", id, NULL, &data) != WF_OK) return die(c, "get");
        take(&s, data);
    }
    wf_client_destroy(c);
    printf("{\"client\":\"wf\",\"workload\":\"p2\",");
    bench_print_sums(&s);
    printf(",");
    print_heap();
    printf("}\n");
    return 0;
}

static int p3(const char *file, double seconds) {
    size_t len = 0;
    char *text = bench_load(file, &len);
    wf_allocator a = counting();
    bench_sums s = {0, 0, 0};
    long iters = 0, iters_parse = 0;
    double t0, c0, el, cel, el_parse, cel_parse;
    if (!text) { fprintf(stderr, "wf_bench: cannot read %s\n", file); return 1; }
    /* parse + envelope + views (ID and name of every object) */
    t0 = bench_now();
    c0 = bench_cpu();
    do {
        wf_doc *d = NULL;
        wf_json data, t;
        wf_error err;
        if (wf_doc_parse(text, len, &a, &d) != WF_OK || wf_envelope(d, 200, &data, &err) != WF_OK) {
            fprintf(stderr, "wf_bench: parse failed\n");
            return 1;
        }
        if (iters == 0)
            for (t = wf_json_first(data); wf_json_ok(t); t = wf_json_next(t)) take(&s, t);
        else
            for (t = wf_json_first(data); wf_json_ok(t); t = wf_json_next(t)) {
                bench_sums x = {0, 0, 0};
                take(&x, t);
            }
        wf_doc_free(d);
        iters++;
        el = bench_now() - t0;
        cel = bench_cpu() - c0;
    } while (cel < seconds || iters < 5);
    /* parse + envelope only */
    t0 = bench_now();
    c0 = bench_cpu();
    do {
        wf_doc *d = NULL;
        wf_json data;
        wf_error err;
        if (wf_doc_parse(text, len, &a, &d) != WF_OK || wf_envelope(d, 200, &data, &err) != WF_OK) return 1;
        wf_doc_free(d);
        iters_parse++;
        el_parse = bench_now() - t0;
        cel_parse = bench_cpu() - c0;
    } while (cel_parse < seconds / 2 || iters_parse < 5);
    printf("{\"client\":\"wf\",\"workload\":\"p3\",");
    bench_print_sums(&s);
    printf(",\"bytes\":%zu,\"iters\":%ld,\"mbps\":%.1f,\"mbps_parse\":%.1f,\"mbps_wall\":%.1f,\"mbps_parse_wall\":%.1f,",
           len, iters, len * (double)iters / cel / 1e6, len * (double)iters_parse / cel_parse / 1e6,
           len * (double)iters / el / 1e6, len * (double)iters_parse / el_parse / 1e6);
    print_heap();
    printf("}\n");
    free(text);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "version") == 0) {
        printf("{\"wf\":\"%s\",\"tls\":\"%s\"}\n", wf_version(), wf_tls_version());
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "p1") == 0) return p1(argv[2], argc > 3 ? argv[3] : NULL);
    if (argc >= 5 && strcmp(argv[1], "p2") == 0) return p2(argv[2], argv[3], argv[4]);
    if (argc >= 3 && strcmp(argv[1], "p3") == 0) return p3(argv[2], argc > 3 ? atof(argv[3]) : 1.0);
    fprintf(stderr, "usage: wf_bench p1 URL [CA] | p2 URL CA|'' TASKID | p3 FILE [SECONDS]\n");
    return 2;
}
