/* bench/curl_bench.c - the libcurl + cJSON baseline of `make bench`: what a
   straightforward hand-written Workfront client in C looks like.  One CURL
   easy handle for the whole run (keep-alive, TLS session cache), the response
   collected in a growing buffer, cJSON for the JSON, TLS verified against the
   test CA.  Same command line and output as wf_bench.c. */
#define _POSIX_C_SOURCE 200809L
#include <curl/curl.h>
#include <cjson/cJSON.h>
#include "bench_common.h"

typedef struct buf { char *p; size_t len, cap; } buf;

static size_t on_data(char *d, size_t size, size_t n, void *user) {
    buf *b = (buf *)user;
    size_t add = size * n;
    if (b->len + add + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 16384;
        char *p;
        while (cap < b->len + add + 1) cap *= 2;
        p = (char *)realloc(b->p, cap);
        if (!p) return 0;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, d, add);
    b->len += add;
    b->p[b->len] = 0;
    return add;
}

typedef struct client {
    CURL *h;
    struct curl_slist *hdrs;
    char base[512];
    buf body;
    size_t max_body;
} client;

static int client_init(client *c, const char *url, const char *ca) {
    memset(c, 0, sizeof *c);
    snprintf(c->base, sizeof c->base, "%s%s", url, BENCH_API);
    c->h = curl_easy_init();
    if (!c->h) return -1;
    curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c->h, CURLOPT_WRITEDATA, &c->body);
    curl_easy_setopt(c->h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c->h, CURLOPT_TIMEOUT, 60L);
    if (ca && *ca) curl_easy_setopt(c->h, CURLOPT_CAINFO, ca);
    return 0;
}

static void client_header(client *c, const char *h) {
    c->hdrs = curl_slist_append(c->hdrs, h);
    curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, c->hdrs);
}

/* One request; returns the envelope's "data" (owned by *root) or NULL. */
static cJSON *call(client *c, const char *path, const char *post, cJSON **root) {
    char url[2048];
    long status = 0;
    CURLcode rc;
    cJSON *data;
    snprintf(url, sizeof url, "%s/%s", c->base, path);
    curl_easy_setopt(c->h, CURLOPT_URL, url);
    if (post) curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, post);
    else curl_easy_setopt(c->h, CURLOPT_HTTPGET, 1L);
    c->body.len = 0;
    rc = curl_easy_perform(c->h);
    if (rc != CURLE_OK) {
        fprintf(stderr, "curl_bench: %s: %s\n", path, curl_easy_strerror(rc));
        return NULL;
    }
    curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &status);
    if (c->body.len > c->max_body) c->max_body = c->body.len;
    *root = cJSON_ParseWithLength(c->body.p, c->body.len);
    if (!*root) {
        fprintf(stderr, "curl_bench: %s: HTTP %ld, not JSON\n", path, status);
        return NULL;
    }
    data = cJSON_GetObjectItemCaseSensitive(*root, "data");
    if (!data) {
        cJSON *e = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(*root, "error"), "message");
        fprintf(stderr, "curl_bench: %s: HTTP %ld: %s\n", path, status, cJSON_IsString(e) ? e->valuestring : "no data");
        cJSON_Delete(*root);
        *root = NULL;
    }
    return data;
}

static void take(bench_sums *s, const cJSON *t) {
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(t, "ID");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(t, "name");
    const char *i = cJSON_IsString(id) ? id->valuestring : "";
    const char *n = cJSON_IsString(name) ? name->valuestring : "";
    bench_take(s, i, strlen(i), strlen(n));
}

static int p1(const char *url, const char *ca) {
    client c;
    cJSON *root = NULL, *data, *t, *sid;
    bench_sums s = {0, 0, 0};
    char *u, *p, form[512], hdr[256], path[256];
    long long count = -1;
    int i, groups = 0;
    if (client_init(&c, url, ca)) return 1;
    u = curl_easy_escape(c.h, BENCH_USER, 0);
    p = curl_easy_escape(c.h, BENCH_PASS, 0);
    snprintf(form, sizeof form, "username=%s&password=%s", u, p);
    curl_free(u);
    curl_free(p);
    if (!(data = call(&c, "login", form, &root))) return 1;
    sid = cJSON_GetObjectItemCaseSensitive(data, "sessionID");
    if (!cJSON_IsString(sid)) return 1;
    snprintf(hdr, sizeof hdr, "SessionID: %s", sid->valuestring);
    cJSON_Delete(root);
    client_header(&c, hdr);
    for (i = 0; i < P1_SEARCHES; i++) {
        snprintf(path, sizeof path, "task/search?fields=*&$$FIRST=%d&$$LIMIT=%d", (i % P1_PAGES) * P1_PAGE, P1_PAGE);
        if (!(data = call(&c, path, NULL, &root))) return 1;
        cJSON_ArrayForEach(t, data) take(&s, t);
        cJSON_Delete(root);
    }
    if (!(data = call(&c, "task/count", NULL, &root))) return 1;
    t = cJSON_GetObjectItemCaseSensitive(data, "count");
    if (cJSON_IsNumber(t)) count = (long long)t->valuedouble;
    cJSON_Delete(root);
    if (!(data = call(&c, "task/report?status_GroupBy=true&workRequired_AggFunc=sum", NULL, &root))) return 1;
    groups = cJSON_GetArraySize(data);
    cJSON_Delete(root);
    if (!(data = call(&c, "logout", "", &root))) return 1;
    cJSON_Delete(root);
    printf("{\"client\":\"curl\",\"workload\":\"p1\",");
    bench_print_sums(&s);
    printf(",\"count\":%lld,\"report_groups\":%d,\"max_body\":%zu}\n", count, groups, c.max_body);
    curl_slist_free_all(c.hdrs);
    curl_easy_cleanup(c.h);
    free(c.body.p);
    return 0;
}

static int p2(const char *url, const char *ca, const char *id) {
    client c;
    cJSON *root = NULL, *data;
    bench_sums s = {0, 0, 0};
    char path[128];
    int i;
    if (client_init(&c, url, ca)) return 1;
    client_header(&c, "apiKey: " BENCH_API_KEY);
    snprintf(path, sizeof path, "task/%s", id);
    for (i = 0; i < P2_GETS; i++) {
        if (!(data = call(&c, path, NULL, &root))) return 1;
        take(&s, data);
        cJSON_Delete(root);
    }
    printf("{\"client\":\"curl\",\"workload\":\"p2\",");
    bench_print_sums(&s);
    printf("}\n");
    curl_slist_free_all(c.hdrs);
    curl_easy_cleanup(c.h);
    free(c.body.p);
    return 0;
}

static int p3(const char *file, double seconds) {
    size_t len = 0;
    char *text = bench_load(file, &len);
    bench_sums s = {0, 0, 0};
    long iters = 0, iters_parse = 0;
    double t0, c0, el, cel, el_parse, cel_parse;
    if (!text) { fprintf(stderr, "curl_bench: cannot read %s\n", file); return 1; }
    t0 = bench_now();
    c0 = bench_cpu();
    do {
        cJSON *root = cJSON_ParseWithLength(text, len), *data, *t;
        if (!root || !(data = cJSON_GetObjectItemCaseSensitive(root, "data"))) {
            fprintf(stderr, "curl_bench: parse failed\n");
            return 1;
        }
        if (iters == 0) {
            cJSON_ArrayForEach(t, data) take(&s, t);
        } else {
            cJSON_ArrayForEach(t, data) {
                bench_sums x = {0, 0, 0};
                take(&x, t);
            }
        }
        cJSON_Delete(root);
        iters++;
        el = bench_now() - t0;
        cel = bench_cpu() - c0;
    } while (cel < seconds || iters < 5);
    t0 = bench_now();
    c0 = bench_cpu();
    do {
        cJSON *root = cJSON_ParseWithLength(text, len);
        if (!root) return 1;
        cJSON_Delete(root);
        iters_parse++;
        el_parse = bench_now() - t0;
        cel_parse = bench_cpu() - c0;
    } while (cel_parse < seconds / 2 || iters_parse < 5);
    printf("{\"client\":\"curl\",\"workload\":\"p3\",");
    bench_print_sums(&s);
    printf(",\"bytes\":%zu,\"iters\":%ld,\"mbps\":%.1f,\"mbps_parse\":%.1f,\"mbps_wall\":%.1f,\"mbps_parse_wall\":%.1f}\n",
           len, iters, len * (double)iters / cel / 1e6, len * (double)iters_parse / cel_parse / 1e6,
           len * (double)iters / el / 1e6, len * (double)iters_parse / el_parse / 1e6);
    free(text);
    return 0;
}

int main(int argc, char **argv) {
    int r = 2;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (argc == 2 && strcmp(argv[1], "version") == 0) {
        printf("{\"curl\":\"%s\",\"cjson\":\"%s\"}\n", curl_version(), cJSON_Version());
        r = 0;
    } else if (argc >= 3 && strcmp(argv[1], "p1") == 0) r = p1(argv[2], argc > 3 ? argv[3] : NULL);
    else if (argc >= 5 && strcmp(argv[1], "p2") == 0) r = p2(argv[2], argv[3], argv[4]);
    else if (argc >= 3 && strcmp(argv[1], "p3") == 0) r = p3(argv[2], argc > 3 ? atof(argv[3]) : 1.0);
    else fprintf(stderr, "usage: curl_bench p1 URL [CA] | p2 URL CA|'' TASKID | p3 FILE [SECONDS]\n");
    curl_global_cleanup();
    return r;
}
