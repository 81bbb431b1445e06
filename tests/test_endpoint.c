/* tests/test_endpoint.c - any endpoint (wf_request_ex), event subscriptions
   and document download against the Workfront test server, over HTTP and
   HTTPS; plus the response parser's header capture and body sink, fed one
   byte at a time.

   The 20 MiB download runs with a counting allocator on the client: over
   HTTP its peak of live heap bytes, for the whole call, must stay at or
   below 64 KB, whatever the file size.  Over HTTPS the client's heap also
   holds the TLS contexts (sizeof(wf__tls): 40 KB with Debian's mbedTLS)
   and, while the connection is set up, the system CA bundle; the test
   checks that the rest stays within 64 KB while the file streams, and that
   streaming adds at most a read buffer.  mbedTLS's own record buffers come
   from its platform allocator, outside the client's.

   Build and run from the root:  make endpoint  (or ./build/test_endpoint NAME...) */
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "harness.h"

#define SUBS "/attask/eventsubscription/api/v1/subscriptions"
#define BIG_SIZE (20u << 20)        /* the seeded 20 MiB version (wfconst.py BIG_DOC_SIZE) */
#define HEAP_LIMIT (64 * 1024)
#define SUB_OK "{\"objCode\":\"TASK\",\"eventType\":\"UPDATE\",\"url\":\"https://hooks.example.com/wf\",\"authToken\":\"tok\"}"

/* ------------------------------------------------------------------ helpers */

static wf_client *client_on(int which) {
    wf_client_desc d;
    wfh_desc(&g_srv, which, &d);
    d.api_key = WFH_ADMIN_API_KEY;
    d.timeout_ms = 60000;
    return client_desc(&d);
}

static long long requests_seen(void) { return jint(wf_json_get(stats_doc(), "requests")); }
static void stats_reset(void) { assert_int_equal(wfh_ctl(g_ctl, "stats?reset=1", NULL), WF_OK); }

/* The spec.pdf document: its ID, current (20 MiB) and first version IDs. */
typedef struct doc_ids { char doc[40], cur[40], old[40]; } doc_ids;

static void find_doc(wf_client *c, doc_ids *ids) {
    wf_query *q = query();
    wf_json data, d, v;
    size_t i;
    wf_query_add(q, "name", "spec.pdf");
    wf_query_fields(q, "ID,currentVersionID,versions:ID,versions:version");
    OK(wf_search(c, "document", q, &data), c);
    assert_int_equal(wf_json_len(data), 1);
    d = wf_json_at(data, 0);
    OK(wf_json_str(wf_json_get(d, "ID"), ids->doc, sizeof ids->doc, NULL), c);
    OK(wf_json_str(wf_json_get(d, "currentVersionID"), ids->cur, sizeof ids->cur, NULL), c);
    ids->old[0] = 0;
    for (i = 0; i < wf_json_len(wf_json_get(d, "versions")); i++) {
        v = wf_json_at(wf_json_get(d, "versions"), i);
        if (wf_json_eq(wf_json_get(v, "version"), "v1.0"))
            OK(wf_json_str(wf_json_get(v, "ID"), ids->old, sizeof ids->old, NULL), c);
    }
    assert_true(ids->old[0] != 0);
}

/* What the server says a version's bytes are: size and SHA-256 (hex). */
static void content_of(const char *vid, long long *size, char hex[65]) {
    char what[96];
    wf_json d;
    snprintf(what, sizeof what, "content/%s", vid);
    assert_int_equal(wfh_ctl(g_ctl, what, &d), WF_OK);
    *size = jint(wf_json_get(d, "size"));
    assert_int_equal(wf_json_str(wf_json_get(d, "sha256"), hex, 65, NULL), WF_OK);
}

/* A sink hashing what it gets; it may refuse after `refuse_after` bytes. */
typedef struct hash_sink {
    mbedtls_sha256_context sha;
    uint64_t got;
    size_t largest;
    uint64_t refuse_after;       /* 0: never */
    char name[256];
    uint64_t announced;
    int starts;
    wfh_counting *k;             /* the client's heap: measured from the start of the file */
    long long live_at_start;
} hash_sink;

static void hs_init(hash_sink *h) {
    memset(h, 0, sizeof *h);
    mbedtls_sha256_init(&h->sha);
#if MBEDTLS_VERSION_MAJOR >= 3
    mbedtls_sha256_starts(&h->sha, 0);
#else
    mbedtls_sha256_starts_ret(&h->sha, 0);
#endif
}

static void hs_hex(hash_sink *h, char hex[65]) {
    unsigned char md[32];
    int i;
#if MBEDTLS_VERSION_MAJOR >= 3
    mbedtls_sha256_finish(&h->sha, md);
#else
    mbedtls_sha256_finish_ret(&h->sha, md);
#endif
    mbedtls_sha256_free(&h->sha);
    for (i = 0; i < 32; i++) sprintf(hex + 2 * i, "%02x", md[i]);
}

static bool hs_sink(void *user, const char *data, size_t len) {
    hash_sink *h = (hash_sink *)user;
    if (h->refuse_after && h->got >= h->refuse_after) return false;
#if MBEDTLS_VERSION_MAJOR >= 3
    mbedtls_sha256_update(&h->sha, (const unsigned char *)data, len);
#else
    mbedtls_sha256_update_ret(&h->sha, (const unsigned char *)data, len);
#endif
    h->got += len;
    if (len > h->largest) h->largest = len;
    return true;
}

static bool hs_start(void *user, const char *file_name, uint64_t size) {
    hash_sink *h = (hash_sink *)user;
    snprintf(h->name, sizeof h->name, "%s", file_name);
    h->announced = size;
    h->starts++;
    if (h->k) {
        h->live_at_start = h->k->bytes_live;
        h->k->peak = h->k->bytes_live;
    }
    return true;
}

/* ---------------------------------------------------------- download: heap */

static void download_big(int which) {
    wfh_counting k;
    wf_client_desc d;
    wf_client *c, *plain = client_on(WFH_HTTP);
    wf_download_desc dd;
    hash_sink h;
    doc_ids ids;
    uint64_t size = 0;
    long long want_size;
    char want[65], got[65];

    find_doc(plain, &ids);
    content_of(ids.cur, &want_size, want);
    assert_int_equal(want_size, BIG_SIZE);

    wfh_desc(&g_srv, which, &d);
    d.api_key = WFH_ADMIN_API_KEY;
    d.timeout_ms = 120000;
    d.allocator = wfh_counting_allocator(&k);
    c = client_desc(&d);
    hs_init(&h);
    memset(&dd, 0, sizeof dd);
    /* the whole call first: connection, the document's metadata, the file */
    dd.document_id = ids.doc;
    dd.on_start = hs_start;
    dd.sink = hs_sink;
    dd.user = &h;
    dd.size = &size;
    OK(wf_download(c, &dd), c);
    hs_hex(&h, got);
    assert_int_equal(size, BIG_SIZE);
    assert_int_equal(h.got, BIG_SIZE);
    assert_string_equal(got, want);
    assert_string_equal(h.name, "spec-v2.pdf");
    assert_int_equal(h.announced, BIG_SIZE);
    assert_int_equal(h.starts, 1);
    assert_true(h.largest <= 16384);
    print_message("download of %u bytes over %s: client heap peak %lld bytes in %lld allocations\n", BIG_SIZE,
                  which == WFH_HTTP ? "HTTP" : "HTTPS", k.peak, k.allocs);
    /* over HTTPS the whole-call peak also holds the system CA bundle, read
       once while the connection is set up, and mbedTLS's contexts */
    if (which == WFH_HTTP) assert_true(k.peak <= HEAP_LIMIT);
    assert_int_equal(k.bad_frees, 0);
    /* then a second download on the same client, measured from the first byte
       of the file: the connection (over HTTPS with its TLS state, set up when
       the CA bundle was loaded) is already there */
    hs_init(&h);
    h.k = &k;
    OK(wf_download(c, &dd), c);
    hs_hex(&h, got);
    assert_string_equal(got, want);
    print_message("  second download: live %lld bytes at the first byte, peak %lld while streaming\n",
                  h.live_at_start, k.peak);
    if (which == WFH_HTTP) assert_true(k.peak <= HEAP_LIMIT);
#ifndef WF_NO_TLS
    /* HTTPS: everything but the TLS contexts (38 KB of them Debian's entropy
       context) fits the same 64 KB */
    else assert_true(k.peak - (long long)sizeof(wf__tls) <= HEAP_LIMIT);
#endif
    assert_true(k.peak - h.live_at_start <= 2 * 16384); /* at most a read buffer's worth more */
    drop_client(c);
    assert_int_equal(k.live, 0);
    assert_int_equal(k.bad_frees, 0);
}

static void test_download_20mb_heap_http(void **st) { (void)st; download_big(WFH_HTTP); }
static void test_download_20mb_heap_https(void **st) { (void)st; download_big(WFH_HTTPS); }

/* ------------------------------------------------------- download: the rest */

static void test_download_version(void **st) {
    wf_client *c = client_on(WFH_HTTPS);
    wf_download_desc dd;
    hash_sink h;
    doc_ids ids;
    long long want_size;
    char want[65], got[65];
    (void)st;
    find_doc(c, &ids);
    content_of(ids.old, &want_size, want);
    hs_init(&h);
    memset(&dd, 0, sizeof dd);
    dd.document_id = ids.doc;
    dd.version_id = ids.old;
    dd.on_start = hs_start;
    dd.sink = hs_sink;
    dd.user = &h;
    OK(wf_download(c, &dd), c);
    hs_hex(&h, got);
    assert_string_equal(h.name, "spec.pdf");
    assert_int_equal((long long)h.got, want_size);
    assert_string_equal(got, want);
}

static void test_download_cut_mid_body(void **st) {
    wf_client *c = client_on(WFH_HTTP);
    wf_download_desc dd;
    hash_sink h;
    doc_ids ids;
    char hex[65];
    (void)st;
    find_doc(c, &ids);
    config("cut_download=1");
    stats_reset();
    hs_init(&h);
    memset(&dd, 0, sizeof dd);
    dd.document_id = ids.doc;
    dd.sink = hs_sink;
    dd.user = &h;
    CHECK(WF_ERR_HTTP, wf_download(c, &dd), c);
    hs_hex(&h, hex);
    config("cut_download=0");
    CONTAINS(wf_client_error(c)->text, "before the whole body arrived");
    assert_true(h.got > 0 && h.got < BIG_SIZE);
    /* bytes reached the sink: never sent again (the resolution GET + one download) */
    assert_int_equal(wf_client_error(c)->attempts, 1);
    assert_int_equal(requests_seen(), 2);
}

static void test_download_sink_refuses(void **st) {
    wf_client *c = client_on(WFH_HTTP);
    wf_download_desc dd;
    hash_sink h;
    doc_ids ids;
    char hex[65];
    (void)st;
    find_doc(c, &ids);
    hs_init(&h);
    h.refuse_after = 100000;
    memset(&dd, 0, sizeof dd);
    dd.document_id = ids.doc;
    dd.sink = hs_sink;
    dd.user = &h;
    CHECK(WF_ERR_FILE, wf_download(c, &dd), c);
    hs_hex(&h, hex);
    CONTAINS(wf_client_error(c)->text, "refused");
    /* the client is usable afterwards (the cut connection was dropped) */
    h.refuse_after = 0;
    hs_init(&h);
    dd.version_id = ids.old;
    OK(wf_download(c, &dd), c);
    hs_hex(&h, hex);
}

static void test_download_bad_input(void **st) {
    wf_client *c = client_on(WFH_HTTP);
    wf_download_desc dd;
    hash_sink h;
    doc_ids ids;
    char hex[65];
    (void)st;
    find_doc(c, &ids);
    hs_init(&h);
    memset(&dd, 0, sizeof dd);
    dd.sink = hs_sink;
    dd.user = &h;
    CHECK(WF_ERR_INVALID, wf_download(c, &dd), c);         /* no document */
    dd.document_id = "00000000000000000000000000000000";
    CHECK(WF_ERR_API, wf_download(c, &dd), c);             /* unknown document: the API's 404 */
    /* a version of another document is refused before any byte */
    {
        wf_query *q = query();
        wf_json data;
        char other[40];
        wf_query_add(q, "name", "budget 2024.xlsx");
        wf_query_fields(q, "ID");
        OK(wf_search(c, "document", q, &data), c);
        OK(wf_json_str(wf_json_get(wf_json_at(data, 0), "ID"), other, sizeof other, NULL), c);
        dd.document_id = other;
        dd.version_id = ids.old;
        CHECK(WF_ERR_INVALID, wf_download(c, &dd), c);
        CONTAINS(wf_client_error(c)->text, "belongs to document");
    }
    assert_int_equal(h.got, 0);
    hs_hex(&h, hex);
}

/* --------------------------------------------------------- subscriptions */

static void subscriptions_on(int which) {
    wf_client *c = client_on(which);
    wf_subscription_desc s;
    char id[64], id2[64];
    wf_json data;
    memset(&s, 0, sizeof s);
    s.obj_code = "PROJ";
    s.event_type = "CREATE";
    s.url = "https://hooks.example.com/wf";
    s.auth_token = "tok \"quoted\"";
    s.filters_json = "[{\"fieldName\":\"name\",\"fieldValue\":\"x\",\"comparison\":\"contains\"}]";
    s.filter_connector = "OR";
    s.base64_encoding = true;
    OK(wf_subscription_create(c, &s, id, sizeof id), c);
    assert_int_equal(wf_last_status(c), 201);
    assert_int_equal(strlen(id), 36);
    OK(wf_subscription_create_json(c, SUB_OK, 0, id2, sizeof id2), c);
    OK(wf_subscription_get(c, id, &data), c);
    JSTR(wf_json_get(data, "id"), id);
    JSTR(wf_json_get(data, "authToken"), "tok \"quoted\"");
    JSTR(wf_json_get(data, "filterConnector"), "OR");
    assert_true(wf_json_type_of(wf_json_get(data, "filters")) == WF_JSON_ARRAY);
    OK(wf_subscription_list(c, 0, 0, &data), c);
    assert_int_equal(jint(wf_json_path(data, "meta:total_count")), 2);
    assert_int_equal(jint(wf_json_path(data, "meta:limit")), 100);
    OK(wf_subscription_list(c, 2, 1, &data), c);
    assert_int_equal(wf_json_len(wf_json_get(data, "subscriptions")), 1);
    assert_int_equal(jint(wf_json_path(data, "meta:page")), 2);
    OK(wf_subscription_delete(c, id), c);
    assert_int_equal(wf_last_status(c), 200);
    CHECK(WF_ERR_API, wf_subscription_get(c, id, &data), c);
    assert_int_equal(wf_client_error(c)->http_status, 404);
    CHECK(WF_ERR_API, wf_subscription_delete(c, id), c);
    OK(wf_subscription_delete(c, id2), c);
}

static void test_subscriptions_http(void **st) { (void)st; subscriptions_on(WFH_HTTP); }
static void test_subscriptions_https(void **st) { (void)st; subscriptions_on(WFH_HTTPS); }

static void test_subscriptions_admin_only(void **st) {
    wf_client_desc d;
    wf_client *c;
    wf_json data;
    (void)st;
    wfh_desc(&g_srv, WFH_HTTPS, &d);
    c = client_desc(&d);
    OK(wf_login(c, "user01@test.example", "user-Pa55"), c);
    CHECK(WF_ERR_AUTH, wf_subscription_list(c, 0, 0, &data), c);
    assert_int_equal(wf_client_error(c)->http_status, 403);
    CONTAINS(wf_client_error(c)->text, "administrator");
    CHECK(WF_ERR_AUTH, wf_subscription_create_json(c, SUB_OK, 0, NULL, 0), c);
}

static void test_subscriptions_refused_before_sending(void **st) {
    static const struct { const char *json, *why; } bad[] = {
        { "{\"objCode\":\"TASK\",\"eventType\":\"TOUCH\",\"url\":\"https://h/x\",\"authToken\":\"t\"}", "unknown eventType" },
        { "{\"objCode\":\"TASK\",\"eventType\":\"UPDATE\",\"url\":\"http://h/x\",\"authToken\":\"t\"}", "https://" },
        { "{\"objCode\":\"TASK\",\"eventType\":\"UPDATE\",\"url\":\"https://\",\"authToken\":\"t\"}", "https://" },
        { "{\"objCode\":\"TASK\",\"eventType\":\"UPDATE\",\"url\":\"https://h/x\"}", "authToken is required" },
        { "{\"objCode\":\"TASK\",\"eventType\":\"UPDATE\",\"url\":\"https://h/x\",\"authToken\":\"\"}", "authToken is required" },
        { "{\"objCode\":\"TA SK\",\"eventType\":\"UPDATE\",\"url\":\"https://h/x\",\"authToken\":\"t\"}", "objCode" },
        { "{\"objCode\":\"TASK\",\"eventType\":\"UPDATE\",\"url\":\"https://h/x\",\"authToken\":\"t\",\"objId\":5}", "objId" },
        { "{\"objCode\":\"TASK\",\"eventType\":\"UPDATE\",\"url\":\"https://h/x\",\"authToken\":\"t\",\"filters\":{}}", "array" },
        { "{\"objCode\":\"TASK\",\"eventType\":\"UPDATE\",\"url\":\"https://h/x\",\"authToken\":\"t\",\"filters\":[{\"fieldValue\":1}]}", "fieldName" },
        { "{\"objCode\":\"TASK\",\"eventType\":\"UPDATE\",\"url\":\"https://h/x\",\"authToken\":\"t\",\"base64Encoding\":\"yes\"}", "base64Encoding" },
        { "{\"objCode\":\"TASK\",\"eventType\":\"UPDATE\",\"url\":\"https://h/x\",\"authToken\":\"t\",\"filterConnector\":\"and\"}", "filterConnector" },
        { "[]", "JSON object" },
        { "{\"objCode\":", "JSON" },
    };
    char many[4096], *p;
    const char *g = "{\"type\":\"group\",\"filters\":[{\"fieldName\":\"a\",\"fieldValue\":\"1\"}]}";
    const char *f = "{\"fieldName\":\"a\",\"fieldValue\":\"1\"}";
    wf_client *c = client_on(WFH_HTTP);
    wf_error e;
    size_t i;
    int n;
    (void)st;
    stats_reset();
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(WF_ERR_INVALID, wf_subscription_create_json(c, bad[i].json, 0, NULL, 0), c);
        CONTAINS(wf_client_error(c)->text, bad[i].why);
        CONTAINS(wf_client_error(c)->text, "nothing sent");
        assert_int_equal(wf_subscription_validate(bad[i].json, 0, &e), WF_ERR_INVALID);
        CONTAINS(e.text, bad[i].why);
    }
    /* 11 groups: one too many; 10 groups of 5 are fine (validated only) */
    p = many + sprintf(many, "{\"objCode\":\"TASK\",\"eventType\":\"UPDATE\",\"url\":\"https://h/x\",\"authToken\":\"t\",\"filters\":[");
    for (n = 0; n < 11; n++) p += sprintf(p, "%s%s", n ? "," : "", g);
    sprintf(p, "]}");
    CHECK(WF_ERR_INVALID, wf_subscription_create_json(c, many, 0, NULL, 0), c);
    CONTAINS(wf_client_error(c)->text, "more than 10 filter groups");
    p = many + sprintf(many, "{\"objCode\":\"TASK\",\"eventType\":\"UPDATE\",\"url\":\"https://h/x\",\"authToken\":\"t\",\"filters\":[{\"filters\":[");
    for (n = 0; n < 6; n++) p += sprintf(p, "%s%s", n ? "," : "", f);
    sprintf(p, "]}]}");
    CHECK(WF_ERR_INVALID, wf_subscription_create_json(c, many, 0, NULL, 0), c);
    CONTAINS(wf_client_error(c)->text, "has 6 filters");
    p = many + sprintf(many, "{\"objCode\":\"TASK\",\"eventType\":\"SHARE\",\"url\":\"https://h/x\",\"authToken\":\"t\",\"filters\":[");
    for (n = 0; n < 10; n++) p += sprintf(p, "%s{\"type\":\"group\",\"filters\":[%s,%s,%s,%s,%s]}", n ? "," : "", f, f, f, f, f);
    sprintf(p, "]}");
    assert_int_equal(wf_subscription_validate(many, 0, &e), WF_OK);
    CHECK(WF_ERR_INVALID, wf_subscription_get(c, "../../task", NULL), c);
    CHECK(WF_ERR_INVALID, wf_subscription_list(c, 0, 1001, NULL), c);
    assert_int_equal(requests_seen(), 0);
}

/* ---------------------------------------------------- any endpoint */

static void test_request_ex_created_and_headers(void **st) {
    wf_client *c = client_on(WFH_HTTPS);
    wf_request_desc d;
    wf_body body;
    wf_json data;
    const char *loc, *head;
    size_t n, hn;
    char url[256];
    (void)st;
    memset(&d, 0, sizeof d);
    memset(&body, 0, sizeof body);
    body.content_type = "application/json";
    body.data = SUB_OK;
    body.len = strlen(SUB_OK);
    d.method = "POST";
    d.url = SUBS;
    d.body = &body;
    d.raw = true;
    OK(wf_request_ex(c, &d, &data), c);
    assert_false(wf_json_ok(data));                       /* 201 without a body */
    assert_int_equal(wf_last_status(c), 201);
    loc = wf_last_header(c, "location", &n);
    assert_non_null(loc);
    assert_true(n > 0 && n < sizeof url);
    memcpy(url, loc, n);
    url[n] = 0;
    CONTAINS(url, g_srv.url[WFH_HTTPS]);
    head = wf_last_head(c, &hn);
    assert_true(hn > 0);
    CONTAINS(head, "HTTP/1.1 201");
    assert_null(wf_last_header(c, "X-Not-There", &n));
    assert_int_equal(n, 0);
    /* the Location is a full URL on the same origin: usable as is */
    memset(&d, 0, sizeof d);
    d.url = url;
    d.raw = true;
    OK(wf_request_ex(c, &d, &data), c);
    JSTR(wf_json_get(data, "eventType"), "UPDATE");
    d.method = "DELETE";
    OK(wf_request_ex(c, &d, &data), c);
    assert_int_equal(wf_last_status(c), 200);
    assert_false(wf_json_ok(data));
    /* an API-relative path with the envelope, as before */
    memset(&d, 0, sizeof d);
    d.path = "task/count";
    OK(wf_request_ex(c, &d, &data), c);
    assert_true(jint(wf_json_get(data, "count")) > 0);
}

static void test_request_ex_other_hosts_refused(void **st) {
    wf_client *c = client_on(WFH_HTTP);
    wf_request_desc d;
    char url[256];
    wf_json data;
    (void)st;
    stats_reset();
    memset(&d, 0, sizeof d);
    d.raw = true;
    snprintf(url, sizeof url, "http://localhost:%d" SUBS, g_srv.http_port);
    d.url = url;
    CHECK(WF_ERR_INVALID, wf_request_ex(c, &d, &data), c);
    CONTAINS(wf_client_error(c)->text, "nothing sent");
    snprintf(url, sizeof url, "http://127.0.0.1:%d" SUBS, g_srv.https_port);
    CHECK(WF_ERR_INVALID, wf_request_ex(c, &d, &data), c);
    snprintf(url, sizeof url, "https://127.0.0.1:%d" SUBS, g_srv.http_port);
    CHECK(WF_ERR_INVALID, wf_request_ex(c, &d, &data), c);
    snprintf(url, sizeof url, "http://user:pw@127.0.0.1:%d" SUBS, g_srv.http_port);
    CHECK(WF_ERR_INVALID, wf_request_ex(c, &d, &data), c);
    assert_null(strstr(wf_client_error(c)->text, ":pw"));
    d.url = "ftp://127.0.0.1/x";
    CHECK(WF_ERR_INVALID, wf_request_ex(c, &d, &data), c);
    d.url = "relative/path";
    CHECK(WF_ERR_INVALID, wf_request_ex(c, &d, &data), c);
    d.path = "task/search";                               /* both path and url */
    CHECK(WF_ERR_INVALID, wf_request_ex(c, &d, &data), c);
    snprintf(url, sizeof url, "http://127.0.0.1:%d" SUBS, g_srv.https_port);
    CHECK(WF_ERR_INVALID, wf_check_url(c, url), c);
    snprintf(url, sizeof url, "HTTP://127.0.0.1:%d/x", g_srv.http_port);
    CHECK(WF_ERR_INVALID, wf_check_url(c, url), c);      /* only lower-case http:// and https:// */
    OK(wf_check_url(c, SUBS), c);
    assert_int_equal(requests_seen(), 0);
    /* the same origin, with a query: sent */
    snprintf(url, sizeof url, "http://127.0.0.1:%d" SUBS "?limit=1", g_srv.http_port);
    d.path = NULL;
    d.url = url;
    OK(wf_request_ex(c, &d, &data), c);
    assert_int_equal(wf_json_len(wf_json_get(data, "subscriptions")), 0);
}

static void test_request_ex_extra_headers(void **st) {
    wf_client *c = client_on(WFH_HTTP);
    wf_request_desc d;
    wf_json data, hs, h;
    const char *hdrs[2] = { "X-Trace-Id: abc123", "Accept: text/plain" };
    bool trace = false, accept_plain = false, accept_json = false;
    (void)st;
    memset(&d, 0, sizeof d);
    d.url = "/__test/echo";
    d.raw = true;
    d.headers = hdrs;
    d.header_count = 2;
    OK(wf_request_ex(c, &d, &data), c);
    hs = wf_json_path(data, "data:headers");
    for (h = wf_json_first(hs); wf_json_ok(h); h = wf_json_next(h)) {
        char k[64], v[64];
        wf_json_str(wf_json_at(h, 0), k, sizeof k, NULL);
        wf_json_str(wf_json_at(h, 1), v, sizeof v, NULL);
        if (wfh_icontains(k, "x-trace-id") && strcmp(v, "abc123") == 0) trace = true;
        if (wfh_icontains(k, "accept") && strlen(k) == 6 && strcmp(v, "text/plain") == 0) accept_plain = true;
        if (wfh_icontains(k, "accept") && strlen(k) == 6 && strcmp(v, "application/json") == 0) accept_json = true;
    }
    assert_true(trace);
    assert_true(accept_plain);
    assert_false(accept_json);                            /* the caller's Accept replaced the default */
    hdrs[0] = "Host: evil.example";
    CHECK(WF_ERR_INVALID, wf_request_ex(c, &d, &data), c);
    hdrs[0] = "Content-Length: 5";
    CHECK(WF_ERR_INVALID, wf_request_ex(c, &d, &data), c);
    hdrs[0] = "X-Split: a\r\nX-Injected: b";
    CHECK(WF_ERR_INVALID, wf_request_ex(c, &d, &data), c);
    hdrs[0] = "No colon";
    CHECK(WF_ERR_INVALID, wf_request_ex(c, &d, &data), c);
}

/* ------------------------------------------------ the parser, byte by byte */

typedef struct collect { char buf[256]; size_t len; } collect;
static bool collect_sink(void *user, const char *data, size_t len) {
    collect *k = (collect *)user;
    if (k->len + len > sizeof k->buf) return false;
    memcpy(k->buf + k->len, data, len);
    k->len += len;
    return true;
}

static void test_parser_head_and_sink_byte_at_a_time(void **st) {
    static const char resp[] =
        "HTTP/1.1 100 Continue\r\n\r\n"
        "HTTP/1.1 200 OK\r\nLocation:  https://h/x/1  \r\nX-A: 1\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: t\r\n\r\n";
    static const char err[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 13\r\n\r\n{\"message\":1}";
    wf_allocator a;
    wfh_counting k;
    wf__http p;
    collect sunk;
    size_t i, used, n;
    int rc = WF__HTTP_MORE;
    const char *v;
    (void)st;
    a = wfh_counting_allocator(&k);
    memset(&p, 0, sizeof p);
    memset(&sunk, 0, sizeof sunk);
    wf__http_begin(&p, &a, 1000, false);
    p.keep_head = true;
    p.sink = collect_sink;
    p.sink_user = &sunk;
    for (i = 0; i < sizeof resp - 1 && rc == WF__HTTP_MORE; i++) rc = wf__http_feed(&p, resp + i, 1, &used);
    assert_int_equal(rc, WF__HTTP_DONE);
    assert_int_equal(i, sizeof resp - 1);
    assert_true(p.sinking);
    assert_int_equal(sunk.len, 11);
    assert_memory_equal(sunk.buf, "hello world", 11);
    assert_int_equal(p.body.len, 0);                      /* nothing buffered */
    v = wf__http_header_value(&p, "LOCATION", &n);
    assert_non_null(v);
    assert_int_equal(n, 13);
    assert_memory_equal(v, "https://h/x/1", 13);
    assert_null(wf__http_header_value(&p, "Continue", &n));
    assert_null(strstr(p.head.p, "100 Continue"));         /* the interim head is not kept */
    /* an error answer is buffered, not sunk, whatever the sink */
    memset(&sunk, 0, sizeof sunk);
    wf__http_begin(&p, &a, 1000, false);
    p.keep_head = true;
    p.sink = collect_sink;
    p.sink_user = &sunk;
    rc = WF__HTTP_MORE;
    for (i = 0; i < sizeof err - 1 && rc == WF__HTTP_MORE; i++) rc = wf__http_feed(&p, err + i, 1, &used);
    assert_int_equal(rc, WF__HTTP_DONE);
    assert_false(p.sinking);
    assert_int_equal(sunk.len, 0);
    assert_int_equal(p.body.len, 13);
    /* a sink that refuses ends the parse with its own code */
    wf__http_begin(&p, &a, 1000, false);
    p.keep_head = true;
    p.sink = collect_sink;
    p.sink_user = &sunk;
    sunk.len = sizeof sunk.buf;                           /* full */
    rc = wf__http_feed(&p, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", 41, &used);
    assert_int_equal(rc, WF__HTTP_ERR_SINK);
    wf__buf_free(&a, &p.body);
    wf__buf_free(&a, &p.head);
    assert_int_equal(k.live, 0);
}

/* ======================================================================= */

static int group_setup(void **state) {
    (void)state;
    if (wfh_group_start(NULL) != 0) return -1;
    return wfh_ctl(g_ctl, "reset", NULL) == WF_OK ? 0 : -1;
}

static int group_teardown(void **state) {
    (void)state;
    wfh_group_stop();
    return 0;
}

#define T(name) { #name, test_##name, wfh_fixture_setup, wfh_fixture_teardown, NULL }

int main(int argc, char **argv) {
    static const struct CMUnitTest all[] = {
        T(parser_head_and_sink_byte_at_a_time),
        T(download_20mb_heap_http),
        T(download_20mb_heap_https),
        T(download_version),
        T(download_cut_mid_body),
        T(download_sink_refuses),
        T(download_bad_input),
        T(subscriptions_http),
        T(subscriptions_https),
        T(subscriptions_admin_only),
        T(subscriptions_refused_before_sending),
        T(request_ex_created_and_headers),
        T(request_ex_other_hosts_refused),
        T(request_ex_extra_headers),
    };
    return WFH_RUN("endpoint", all, group_setup, group_teardown, argc, argv);
}
