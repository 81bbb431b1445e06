/* Allocation-failure injection: every allocation the library makes goes
   through the allocator hooks (wf_client_desc.allocator, wf_query.allocator,
   wf_updates.allocator, wf_doc_parse's allocator), so a counting allocator
   can fail the Nth one.  Each scenario runs once without failures (the
   reference), then again for N = 1, 2, ... until a run makes fewer than N
   allocations.  Every run in which an allocation failed must
     - return an error that says so (WF_ERR_NOMEM, or another result whose
       error text says "out of memory"), or WF_OK with exactly the
       reference's results, having sent exactly the reference's requests
       (a failure the library could route around);
     - never crash (built with ASan+UBSan);
     - leave no allocation behind once everything is destroyed.
   Two injection modes: only the Nth allocation fails, and every allocation
   from the Nth on fails (as when memory stays exhausted).

   The "server" is an in-memory transport with canned answers; the JWT
   scenario signs with a fresh RSA key from `openssl genpkey`.

   `make alloc-fail` builds it like the unit tests (ASan+UBSan) and runs it;
   `make valgrind` runs a plain build under memcheck as well, which also
   catches uninitialised reads on the error paths:
     cc -std=c99 -g -O1 -fsanitize=address,undefined -Wall -Wextra -I. \
        tests/test_alloc_fail.c -o build/test_alloc_fail \
        -lcmocka -lmbedtls -lmbedx509 -lmbedcrypto
   ALLOC_FAIL_VERBOSE=1 prints every failing run's result and text. */
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"
#include "harness.h" /* WFH_RUN */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

/* ------------------------------------------------------------- allocator */

typedef struct fa {
    long count;      /* allocations asked for */
    long fail_at;    /* 0: never fail */
    bool sticky;     /* fail every allocation from fail_at on */
    long failed;     /* allocations refused */
    long live;       /* allocations not yet freed */
} fa;

static void *fa_alloc(size_t n, void *user) {
    fa *f = (fa *)user;
    void *p;
    f->count++;
    if (f->fail_at && (f->count == f->fail_at || (f->sticky && f->count > f->fail_at))) {
        f->failed++;
        return NULL;
    }
    p = malloc(n);
    if (p) f->live++;
    return p;
}

static void fa_free(void *p, void *user) {
    fa *f = (fa *)user;
    if (!p) return;
    f->live--;
    free(p);
}

static wf_allocator fa_allocator(fa *f) {
    wf_allocator a;
    a.alloc_fn = fa_alloc;
    a.free_fn = fa_free;
    a.user_data = f;
    return a;
}

/* ------------------------------------------------- in-memory "server" */

/* Each connection gets the next canned stream; recv hands out one byte at a
   time, so every response ends exactly where a read ends and a kept-alive
   connection stays usable.  What the client sends is hashed (FNV-1a): a run
   that routes around a failure must send what the reference sent (a query
   parameter silently dropped would not show in the canned answers). */
typedef struct mem {
    const char *const *conns;
    int nconns, idx;
    size_t pos;
    bool open;
    uint64_t sent_hash;
    size_t sent;
    bool random_bytes; /* the requests hold random bytes: compare lengths only */
} mem;

static wf_result m_connect(void *u, const char *h, int port, int t, wf_error *e) {
    mem *m = (mem *)u;
    (void)h; (void)port; (void)t; (void)e;
    m->idx++;
    m->pos = 0;
    m->open = true;
    return WF_OK;
}
static long m_send(void *u, const unsigned char *b, size_t n, int t, wf_error *e) {
    mem *m = (mem *)u;
    size_t i;
    (void)t; (void)e;
    if (!m->sent) m->sent_hash = 14695981039346656037u;
    for (i = 0; i < n; i++) m->sent_hash = (m->sent_hash ^ b[i]) * 1099511628211u;
    m->sent += n;
    return (long)n;
}
static long m_recv(void *u, unsigned char *b, size_t cap, int t, wf_error *e) {
    mem *m = (mem *)u;
    const char *s = m->idx >= 1 && m->idx <= m->nconns ? m->conns[m->idx - 1] : "";
    (void)cap; (void)e;
    if (t == 0) return -(long)WF_ERR_TIMEOUT; /* idle probe: still open */
    if (!s[m->pos]) return 0;
    b[0] = (unsigned char)s[m->pos++];
    return 1;
}
static void m_close(void *u) { ((mem *)u)->open = false; }


/* A response with the right Content-Length, built at start-up. */
static char *response_status(const char *status, const char *body, bool close) {
    size_t n = strlen(body) + 200;
    char *r = (char *)malloc(n);
    snprintf(r, n, "HTTP/1.1 %s\r\nContent-Type: application/json\r\n%sContent-Length: %zu\r\n\r\n%s", status,
             close ? "Connection: close\r\n" : "", strlen(body), body);
    return r;
}
static char *response(const char *body, bool close) { return response_status("200 OK", body, close); }

static const char k_ca[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBejCCASGgAwIBAgIUDz1FnNTG/ucaZKtwDSjAAchLp6MwCgYIKoZIzj0EAwIw\n"
    "EjEQMA4GA1UEAwwHZnV6eiBDQTAgFw0yNjExMjMxMjIyMDdaGA8yMTI2MTAzMDEy\n"
    "MjIwN1owEjEQMA4GA1UEAwwHZnV6eiBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEH\n"
    "A0IABJdPQfxzVAtVLMVMN2XrNmmKlaISoSQ55o8oaBxPRS3xh2NhHyYiMDChxQ/y\n"
    "YaFGH9izqdnzFG9MLLlTHKoZcrujUzBRMB0GA1UdDgQWBBReC2AUdssVKGfEa0S0\n"
    "1QOZvFLymTAfBgNVHSMEGDAWgBReC2AUdssVKGfEa0S01QOZvFLymTAPBgNVHRMB\n"
    "Af8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCIQCPqJL7Vq6OZUkrXryAuSWcwPaL\n"
    "1B3kad9U9Fkurk7NJAIfKrLu8jnU4mm1TIcnKQesrjNHxuYqwWwbwmD1Ay6Hgw==\n"
    "-----END CERTIFICATE-----\n";

/* ---------------------------------------------------- result recording */

/* nomem: the test's own writing of a value ran out of memory (wf_json_write
   allocates through the document's allocator for long strings) */
typedef struct out { char s[8192]; size_t n; bool nomem; } out;

static void out_add(out *o, const char *fmt, ...) {
    va_list ap;
    int k;
    if (o->n >= sizeof o->s) return;
    va_start(ap, fmt);
    k = vsnprintf(o->s + o->n, sizeof o->s - o->n, fmt, ap);
    va_end(ap);
    if (k > 0) o->n += (size_t)k;
    if (o->n >= sizeof o->s) o->n = sizeof o->s - 1;
}

static bool out_sink(void *user, const char *d, size_t n) {
    out *o = (out *)user;
    if (o->n + n >= sizeof o->s) return false;
    memcpy(o->s + o->n, d, n);
    o->n += n;
    o->s[o->n] = 0;
    return true;
}

/* Writes v; WF_ERR_NOMEM when the writer could not allocate (long strings). */
static wf_result out_json(out *o, wf_json v) {
    wf_result r = wf_json_write(v, 0, out_sink, o);
    out_add(o, "\n");
    if (r == WF_ERR_NOMEM) o->nomem = true;
    return r == WF_ERR_NOMEM ? r : WF_OK;
}

/* A scenario: runs with allocator f over server m, writes what it got into
   o, returns the result; *err_text receives the client's error text. */
typedef wf_result (*scenario)(fa *f, mem *m, out *o, char *err_text, size_t cap);

/* How a client authenticates: an API key; an OAuth2 client holding a
   refresh token (renews itself when a call is rejected); an IMS bearer
   token with its organisation; server-to-server JWT (key: k_jwt_key). */
enum { AUTH_KEY, AUTH_REFRESH, AUTH_BEARER, AUTH_JWT };
static char *k_jwt_key;
static char k_long_iss[301]; /* longer than the claims buffer's first 256 bytes */
static wf_client *client_ex(fa *f, mem *m, wf_transport *tr, wf_result *r, char *err_text, size_t cap, int auth) {
    wf_client_desc d;
    wf_client *c = NULL;
    wf_error e;
    memset(&d, 0, sizeof d);
    switch (auth) {
    case AUTH_KEY: d.api_key = "apikey0123"; break;
    case AUTH_REFRESH:
        d.session_id = "oldaccesstoken0123";
        d.refresh_token = "refreshtoken0123";
        d.client_id = "cid";
        d.client_secret = "csecret";
        break;
    case AUTH_BEARER:
        d.bearer = "imsbearertoken0123";
        d.ims_org = "ORG0123@AdobeOrg";
        break;
    default:
        d.jwt_key_pem = k_jwt_key;
        d.customer_id = k_long_iss;
        d.jwt_user_id = "user0123";
        d.client_id = "cid";
        d.client_secret = "csecret";
        break;
    }
    tr->connect = m_connect;
    tr->send = m_send;
    tr->recv = m_recv;
    tr->close = m_close;
    tr->user = m;
    d.url = "http://wf.test";
    d.transport = tr;
    d.max_retries = -1;
    d.allocator = fa_allocator(f);
    *r = wf_client_create(&d, &c, &e);
    if (*r) snprintf(err_text, cap, "%s", e.text);
    return c;
}

static wf_client *client(fa *f, mem *m, wf_transport *tr, wf_result *r, char *err_text, size_t cap) {
    return client_ex(f, m, tr, r, err_text, cap, AUTH_KEY);
}

static void take_error(wf_client *c, wf_result r, char *err_text, size_t cap) {
    if (r != WF_OK) {
        snprintf(err_text, cap, "%s", wf_client_error(c)->text);
        assert_int_equal(wf_client_error(c)->result, r);
    }
}

/* ------------------------------------------------------------ scenarios */

static wf_result sc_create(fa *f, mem *m, out *o, char *err_text, size_t cap) {
    wf_client_desc d;
    wf_client *c = NULL;
    wf_error e;
    wf_result r;
    (void)m;
    memset(&d, 0, sizeof d);
    d.url = "https://wf.example:8443/";
    d.api_key = "apikey0123";
    d.username = "ann@example.com";
    d.password = "pw";
    d.client_id = "cid";
    d.client_secret = "csecret";
    d.proxy = "http://puser:ppass@proxy.example:3128";
    d.user_agent = "test-agent/1";
    d.no_system_ca = true;
    d.ca_pem = k_ca;
    d.allocator = fa_allocator(f);
    r = wf_client_create(&d, &c, &e);
    if (r) {
        assert_null(c);
        assert_int_equal(e.result, r);
        snprintf(err_text, cap, "%s", e.text);
        return r;
    }
    out_add(o, "%s proxy %s:%d auth %s ua %s", wf_client_api_base(c), c->conn.proxy.host, c->conn.proxy.port,
            c->conn.proxy_auth ? c->conn.proxy_auth : "-", c->user_agent);
    wf_client_destroy(c);
    return r;
}

static const char *k_search_conns[1];
static wf_result sc_search(fa *f, mem *m, out *o, char *err_text, size_t cap) {
    wf_transport tr;
    wf_result r;
    wf_client *c;
    wf_query q;
    wf_json data;
    m->conns = k_search_conns;
    m->nconns = 1;
    memset(&data, 0, sizeof data); /* a WF_OK that sets no view shows as other results */
    c = client(f, m, &tr, &r, err_text, cap);
    if (!c) return r;
    memset(&q, 0, sizeof q);
    q.allocator = fa_allocator(f);
    wf_query_fields(&q, "name,assignedTo:name");
    wf_query_filter(&q, "status", WF_MOD_IN, "CUR");
    wf_query_limit(&q, 0, 10);
    r = wf_search(c, "task", &q, &data);
    take_error(c, r, err_text, cap);
    if (r == WF_OK) {
        char name[64];
        out_json(o, data);
        wf_json_str(wf_json_path(data, "0:assignedTo:name"), name, sizeof name, NULL);
        out_add(o, "%s", name);
    }
    wf_query_free(&q);
    wf_client_destroy(c);
    return r;
}

static const char *k_login_conns[1];
static wf_result sc_login(fa *f, mem *m, out *o, char *err_text, size_t cap) {
    wf_transport tr;
    wf_result r;
    wf_client *c;
    wf_json data;
    m->conns = k_login_conns;
    m->nconns = 1;
    memset(&data, 0, sizeof data); /* a WF_OK that sets no view shows as other results */
    c = client(f, m, &tr, &r, err_text, cap);
    if (!c) return r;
    r = wf_login(c, "ann@example.com", "pa&ss=word");
    if (r == WF_OK) {
        out_add(o, "session %s user %s\n", wf_session_id(c) ? wf_session_id(c) : "(none)", wf_user_id(c) ? wf_user_id(c) : "(none)");
        r = wf_search(c, "task", NULL, &data);     /* on the same connection */
        if (r == WF_OK) out_json(o, data);
    }
    if (r == WF_OK) r = wf_logout(c);
    take_error(c, r, err_text, cap);
    wf_client_destroy(c);
    return r;
}

static const char *k_create_conns[1];
static wf_result sc_create_updates(fa *f, mem *m, out *o, char *err_text, size_t cap) {
    wf_transport tr;
    wf_result r;
    wf_client *c;
    wf_updates u;
    wf_query params;
    wf_json data;
    m->conns = k_create_conns;
    m->nconns = 1;
    memset(&data, 0, sizeof data); /* a WF_OK that sets no view shows as other results */
    c = client(f, m, &tr, &r, err_text, cap);
    if (!c) return r;
    memset(&u, 0, sizeof u);
    u.allocator = fa_allocator(f);
    memset(&params, 0, sizeof params);
    params.allocator = fa_allocator(f);
    wf_query_fields(&params, "name,priority");
    wf_updates_set_str(&u, "name", "Plan \"Q3\" \xe6\x97\xa5");
    wf_updates_set_int(&u, "priority", 2);
    wf_updates_key(&u, "assignments");
    wf_updates_begin_array(&u);
    wf_updates_begin_object(&u);
    wf_updates_set_str(&u, "assignedToID", "u1");
    wf_updates_end_object(&u);
    wf_updates_raw(&u, "{\"roleID\":\"r1\"}", 15);
    wf_updates_end_array(&u);
    r = wf_create(c, "task", &params, &u, &data);
    take_error(c, r, err_text, cap);
    if (r == WF_OK) out_json(o, data);
    wf_updates_free(&u);
    wf_query_free(&params);
    wf_client_destroy(c);
    return r;
}

static bool bulk_result(void *user, size_t i, wf_json obj) {
    out *o = (out *)user;
    out_add(o, "%zu:", i);
    out_json(o, obj);
    return true;
}

static const char *k_bulk_conns[2];
static wf_result sc_bulk(fa *f, mem *m, out *o, char *err_text, size_t cap) {
    wf_transport tr;
    wf_result r;
    wf_client *c;
    wf_bulk_desc b;
    size_t done = 0;
    m->conns = k_bulk_conns;
    m->nconns = 2;
    c = client(f, m, &tr, &r, err_text, cap);
    if (!c) return r;
    memset(&b, 0, sizeof b);
    b.obj = "task";
    b.updates = "[{\"ID\":\"a1\",\"name\":\"x\"},{\"ID\":\"a2\",\"name\":\"y\"},{\"ID\":\"a3\",\"name\":\"z\"}]";
    b.chunk_size = 2;
    b.on_result = bulk_result;
    b.user = o;
    r = wf_bulk_edit(c, &b, &done);
    take_error(c, r, err_text, cap);
    out_add(o, "done %zu", done);
    wf_client_destroy(c);
    return r;
}

static bool pager_object(void *user, wf_json obj) {
    out_json((out *)user, obj);
    return true;
}

static const char *k_pager_conns[1];
static wf_result sc_pager(fa *f, mem *m, out *o, char *err_text, size_t cap) {
    wf_transport tr;
    wf_result r;
    wf_client *c;
    wf_pager_desc p;
    wf_query q;
    long long total = 0;
    m->conns = k_pager_conns;
    m->nconns = 1;
    c = client(f, m, &tr, &r, err_text, cap);
    if (!c) return r;
    memset(&q, 0, sizeof q);
    q.allocator = fa_allocator(f);
    wf_query_fields(&q, "name");
    memset(&p, 0, sizeof p);
    p.obj = "task";
    p.query = &q;
    p.page_size = 2;
    p.on_object = pager_object;
    p.user = o;
    r = wf_pager_run(c, &p, &total);
    take_error(c, r, err_text, cap);
    out_add(o, "total %lld", total);
    wf_query_free(&q);
    wf_client_destroy(c);
    return r;
}

static const char *k_object_conns[1];
static wf_result sc_object(fa *f, mem *m, out *o, char *err_text, size_t cap) {
    wf_transport tr;
    wf_result r;
    wf_client *c;
    wf_object *obj = NULL;
    m->conns = k_object_conns;
    m->nconns = 1;
    c = client(f, m, &tr, &r, err_text, cap);
    if (!c) return r;
    r = wf_object_load(c, "task", "5c1a2b3c4d5e6f708192a3b4c5d6e7f8", "name,priority", &obj);
    if (r == WF_OK) {
        if ((r = wf_object_set_str(obj, "name", "renamed")) == WF_OK && (r = wf_object_set_json(obj, "priority", "{\"v\":3}")) == WF_OK)
            r = wf_object_save(obj);
        if (r == WF_OK) {
            out_add(o, "%s ", wf_object_id(obj));
            out_json(o, wf_object_get(obj, "name"));
        }
        wf_object_free(obj);
    } else {
        assert_null(obj);
    }
    take_error(c, r, err_text, cap);
    wf_client_destroy(c);
    return r;
}

static const char *k_doc_text;
static wf_result sc_doc(fa *f, mem *m, out *o, char *err_text, size_t cap) {
    wf_doc *d = NULL;
    wf_allocator a = fa_allocator(f);
    wf_result r;
    (void)m;
    r = wf_doc_parse(k_doc_text, strlen(k_doc_text), &a, &d);
    if (r) {
        assert_null(d);
        snprintf(err_text, cap, "%s", r == WF_ERR_NOMEM ? "out of memory" : wf_result_str(r));
        return r;
    }
    /* the writer allocates (through the doc's allocator) for long strings */
    r = out_json(o, wf_doc_root(d));
    if (r) snprintf(err_text, cap, "out of memory writing the document");
    wf_doc_free(d);
    return r;
}

static bool each_object(void *user, wf_json obj) {
    return out_json((out *)user, obj) == WF_OK;
}

static const char *k_stream_conns[1];
static wf_result sc_search_each(fa *f, mem *m, out *o, char *err_text, size_t cap) {
    wf_transport tr;
    wf_result r;
    wf_client *c;
    wf_query q;
    long long n = 0;
    m->conns = k_stream_conns;
    m->nconns = 1;
    c = client(f, m, &tr, &r, err_text, cap);
    if (!c) return r;
    memset(&q, 0, sizeof q);
    q.allocator = fa_allocator(f);
    wf_query_fields(&q, "name");
    r = wf_search_each(c, "task", &q, each_object, o, &n);
    take_error(c, r, err_text, cap);
    out_add(o, "count %lld", n);
    wf_query_free(&q);
    wf_client_destroy(c);
    return r;
}

static const char *k_count_conns[1];
static wf_result sc_count(fa *f, mem *m, out *o, char *err_text, size_t cap) {
    wf_transport tr;
    wf_result r;
    wf_client *c;
    long long n = -1;
    m->conns = k_count_conns;
    m->nconns = 1;
    c = client(f, m, &tr, &r, err_text, cap);
    if (!c) return r;
    r = wf_count(c, "task", NULL, &n);
    take_error(c, r, err_text, cap);
    if (r == WF_OK) out_add(o, "count %lld", n);
    wf_client_destroy(c);
    return r;
}

/* rejected (401), renewed with the refresh token, repeated */
static const char *k_renew_conns[1];
static wf_result sc_renew(fa *f, mem *m, out *o, char *err_text, size_t cap) {
    wf_transport tr;
    wf_result r;
    wf_client *c;
    wf_json data;
    memset(&data, 0, sizeof data); /* a WF_OK that sets no view shows as other results */
    m->conns = k_renew_conns;
    m->nconns = 1;
    c = client_ex(f, m, &tr, &r, err_text, cap, AUTH_REFRESH);
    if (!c) return r;
    r = wf_search(c, "task", NULL, &data);
    take_error(c, r, err_text, cap);
    if (r == WF_OK) {
        out_json(o, data);
        out_add(o, "session %s refresh %s", wf_session_id(c) ? wf_session_id(c) : "(none)",
                wf_refresh_token(c) ? wf_refresh_token(c) : "(none)");
    }
    wf_client_destroy(c);
    return r;
}

static const char *k_bearer_conns[1];
static wf_result sc_bearer(fa *f, mem *m, out *o, char *err_text, size_t cap) {
    wf_transport tr;
    wf_result r;
    wf_client *c;
    wf_json data;
    memset(&data, 0, sizeof data); /* a WF_OK that sets no view shows as other results */
    m->conns = k_bearer_conns;
    m->nconns = 1;
    c = client_ex(f, m, &tr, &r, err_text, cap, AUTH_BEARER);
    if (!c) return r;
    r = wf_get(c, "task", "0123456789abcdef0123456789abcdef,fedcba9876543210fedcba9876543210", "name", &data);
    take_error(c, r, err_text, cap);
    if (r == WF_OK) out_json(o, data);
    wf_client_destroy(c);
    return r;
}

/* a signed JWT exchanged for an access token, then a call with it */
static const char *k_jwt_conns[1];
static wf_result sc_jwt(fa *f, mem *m, out *o, char *err_text, size_t cap) {
    wf_transport tr;
    wf_result r;
    wf_client *c;
    wf_json data;
    memset(&data, 0, sizeof data); /* a WF_OK that sets no view shows as other results */
    m->conns = k_jwt_conns;
    m->nconns = 1;
    m->random_bytes = true; /* the JWT's iat/exp are the current time */
    c = client_ex(f, m, &tr, &r, err_text, cap, AUTH_JWT);
    if (!c) return r;
    r = wf_jwt_exchange(c);
    if (r == WF_OK) r = wf_search(c, "task", NULL, &data);
    take_error(c, r, err_text, cap);
    if (r == WF_OK) {
        out_json(o, data);
        out_add(o, "session %s", wf_session_id(c) ? wf_session_id(c) : "(none)");
    }
    wf_client_destroy(c);
    return r;
}

/* a query too long for a request line: sent as POST with method=GET */
static const char *k_long_conns[1];
static wf_result sc_long_uri(fa *f, mem *m, out *o, char *err_text, size_t cap) {
    wf_transport tr;
    wf_result r;
    wf_client *c;
    wf_query q;
    wf_json data;
    static const char *ids[400];
    static char idtext[400][33];
    int i;
    memset(&data, 0, sizeof data); /* a WF_OK that sets no view shows as other results */
    m->conns = k_long_conns;
    m->nconns = 1;
    c = client(f, m, &tr, &r, err_text, cap);
    if (!c) return r;
    for (i = 0; i < 400; i++) {
        snprintf(idtext[i], sizeof idtext[i], "%032x", i * 7919);
        ids[i] = idtext[i];
    }
    memset(&q, 0, sizeof q);
    q.allocator = fa_allocator(f);
    wf_query_fields(&q, "name");
    wf_query_in(&q, "ID", WF_MOD_IN, ids, 400); /* 400 x ~40 bytes */
    r = wf_search(c, "task", &q, &data);
    take_error(c, r, err_text, cap);
    if (r == WF_OK) out_json(o, data);
    wf_query_free(&q);
    wf_client_destroy(c);
    return r;
}

/* API key actions, then an OAuth2 authorization code exchange */
static const char *k_keys_conns[1];
static wf_result sc_keys(fa *f, mem *m, out *o, char *err_text, size_t cap) {
    wf_transport tr;
    wf_result r;
    wf_client *c;
    char key[64];
    m->conns = k_keys_conns;
    m->nconns = 1;
    c = client_ex(f, m, &tr, &r, err_text, cap, AUTH_REFRESH);
    if (!c) return r;
    r = wf_api_key(c, WF_API_KEY_GET, "ann@example.com", "pa&ss=word", key, sizeof key);
    if (r == WF_OK) out_add(o, "key %s\n", key);
    if (r == WF_OK) r = wf_api_key(c, WF_API_KEY_CLEAR, "ann@example.com", "pa&ss=word", NULL, 0);
    if (r == WF_OK) r = wf_oauth2_code(c, "authcode0123", "https://app.example/cb?x=1&y=2");
    if (r == WF_OK)
        out_add(o, "session %s refresh %s", wf_session_id(c) ? wf_session_id(c) : "(none)",
                wf_refresh_token(c) ? wf_refresh_token(c) : "(none)");
    take_error(c, r, err_text, cap);
    wf_client_destroy(c);
    return r;
}

static const char *k_batch_conns[1];
static wf_result sc_batch(fa *f, mem *m, out *o, char *err_text, size_t cap) {
    wf_transport tr;
    wf_result r;
    wf_client *c;
    wf_batch b;
    wf_query q;
    wf_json data;
    memset(&data, 0, sizeof data); /* a WF_OK that sets no view shows as other results */
    m->conns = k_batch_conns;
    m->nconns = 1;
    c = client(f, m, &tr, &r, err_text, cap);
    if (!c) return r;
    memset(&b, 0, sizeof b);
    b.form.allocator = fa_allocator(f);
    memset(&q, 0, sizeof q);
    q.allocator = fa_allocator(f);
    wf_query_fields(&q, "name");
    wf_query_filter(&q, "name", WF_MOD_CICONTAINS, "plan & \"Q3\"");
    wf_batch_add(&b, "GET", "task/search", &q);
    wf_query_reset(&q);
    wf_query_add(&q, "updates", "{\"name\":\"x\"}");
    wf_batch_add(&b, "PUT", "task/a1", &q);
    r = wf_batch_run(c, &b, true, &data);
    take_error(c, r, err_text, cap);
    if (r == WF_OK) out_json(o, data);
    wf_query_free(&q);
    wf_batch_free(&b);
    wf_client_destroy(c);
    return r;
}

typedef struct src { const char *p; size_t n, pos; } src;
static long src_read(void *user, void *buf, size_t cap) {
    src *s = (src *)user;
    size_t k = s->n - s->pos < cap ? s->n - s->pos : cap;
    memcpy(buf, s->p + s->pos, k);
    s->pos += k;
    return (long)k;
}

static const char *k_upload_conns[1];
static wf_result sc_upload(fa *f, mem *m, out *o, char *err_text, size_t cap) {
    wf_transport tr;
    wf_result r;
    wf_client *c;
    wf_upload_desc d;
    src in;
    char handle[64];
    wf_json data;
    memset(&data, 0, sizeof data); /* a WF_OK that sets no view shows as other results */
    m->conns = k_upload_conns;
    m->nconns = 1;
    m->random_bytes = true; /* the multipart boundary */
    c = client(f, m, &tr, &r, err_text, cap);
    if (!c) return r;
    in.p = "file contents\r\n--not a boundary--\r\n";
    in.n = strlen(in.p);
    in.pos = 0;
    memset(&d, 0, sizeof d);
    d.read = src_read;
    d.user = &in;
    d.size = in.n;
    d.file_name = "notes \"v2\".txt";
    d.obj_code = "TASK";
    d.obj_id = "5c1a2b3c4d5e6f708192a3b4c5d6e7f8";
    r = wf_upload(c, &d, handle, &data);
    take_error(c, r, err_text, cap);
    if (r == WF_OK) {
        out_add(o, "handle %s ", handle);
        out_json(o, data);
    }
    wf_client_destroy(c);
    return r;
}

/* Beyond the API base on one kept-alive connection: a document's metadata,
   its file streamed to a sink, then an event subscription answered 201 +
   Location with no body. */
static const char *k_endpoint_conns[1];
static bool endpoint_sink(void *user, const char *data, size_t len) {
    out_add((out *)user, "%.*s", (int)len, data);
    return true;
}
static bool endpoint_start(void *user, const char *name, uint64_t size) {
    out_add((out *)user, "[%s %llu] ", name, (unsigned long long)size);
    return true;
}
static wf_result sc_endpoint(fa *f, mem *m, out *o, char *err_text, size_t cap) {
    wf_transport tr;
    wf_result r;
    wf_client *c;
    wf_download_desc d;
    char id[64];
    const char *loc;
    size_t n = 0;
    m->conns = k_endpoint_conns;
    m->nconns = 1;
    c = client(f, m, &tr, &r, err_text, cap);
    if (!c) return r;
    memset(&d, 0, sizeof d);
    d.document_id = "5c1a2b3c4d5e6f708192a3b4c5d6e7f8";
    d.on_start = endpoint_start;
    d.sink = endpoint_sink;
    d.user = o;
    r = wf_download(c, &d);
    if (r == WF_OK)
        r = wf_subscription_create_json(c, "{\"objCode\":\"TASK\",\"eventType\":\"UPDATE\",\"url\":\"https://h.example/x\",\"authToken\":\"t\"}", 0, id, sizeof id);
    take_error(c, r, err_text, cap);
    if (r == WF_OK) {
        loc = wf_last_header(c, "Location", &n);
        out_add(o, " id %s location %.*s", id, (int)n, loc ? loc : "");
    }
    wf_client_destroy(c);
    return r;
}

/* ------------------------------------------------------------- the loop */

static bool verbose(void) {
    const char *v = getenv("ALLOC_FAIL_VERBOSE");
    return v && *v && *v != '0';
}

static void run_all(const char *name, scenario sc) {
    static out ref, got;
    char ref_err[768], err[768];
    mem m;
    fa f;
    wf_result r0, r;
    long n, allocs;
    uint64_t ref_hash;
    size_t ref_sent;
    int mode, nomem_runs = 0, ok_runs = 0, other_runs = 0;
    /* reference run */
    memset(&f, 0, sizeof f);
    memset(&m, 0, sizeof m);
    memset(&ref, 0, sizeof ref);
    ref_err[0] = 0;
    r0 = sc(&f, &m, &ref, ref_err, sizeof ref_err);
    if (r0 != WF_OK || ref.nomem) fail_msg("%s: the reference run failed: %s (%s)", name, wf_result_str(r0), ref_err);
    assert_int_equal(f.live, 0);
    ref_hash = m.random_bytes ? 0 : m.sent_hash;
    ref_sent = m.sent;
    allocs = f.count;
    assert_true(allocs > 0);
    for (mode = 0; mode < 2; mode++) {
        for (n = 1;; n++) {
            memset(&f, 0, sizeof f);
            memset(&m, 0, sizeof m);
            memset(&got, 0, sizeof got);
            err[0] = 0;
            f.fail_at = n;
            f.sticky = mode == 1;
            if (verbose()) print_message("%s: run failing #%ld%s\n", name, n, mode ? "+" : "");
            r = sc(&f, &m, &got, err, sizeof err);
            if (m.random_bytes) m.sent_hash = 0;
            if (r == WF_OK && got.nomem) {
                /* the library's answer was fine; writing it out ran out of memory, and said so */
                r = WF_ERR_NOMEM;
                snprintf(err, sizeof err, "out of memory writing the results");
            }
            if (f.live != 0)
                fail_msg("%s: allocation %ld failed%s: %ld allocation(s) leaked (result %s: %s)", name, n,
                         mode ? " (and all after)" : "", f.live, wf_result_str(r), err);
            if (f.failed == 0) {
                /* no allocation was refused: the run is the reference again */
                assert_int_equal(r, WF_OK);
                assert_string_equal(got.s, ref.s);
                assert_int_equal(m.sent, ref_sent);
                assert_true(m.sent_hash == ref_hash);
                break;
            }
            if (verbose())
                print_message("%s: fail #%ld%s -> %s: %s\n", name, n, mode ? "+" : "", wf_result_str(r), r ? err : "(ok)");
            if (r == WF_OK) {
                /* routed around the failure: the results must be the reference's */
                if (strcmp(got.s, ref.s) != 0)
                    fail_msg("%s: allocation %ld failed%s, WF_OK with other results:\n%s\n--- reference:\n%s", name, n,
                             mode ? " (and all after)" : "", got.s, ref.s);
                if (m.sent != ref_sent || m.sent_hash != ref_hash)
                    fail_msg("%s: allocation %ld failed%s, WF_OK but sent other requests (%zu bytes, the reference %zu)", name, n,
                             mode ? " (and all after)" : "", m.sent, ref_sent);
                ok_runs++;
            } else if (r == WF_ERR_NOMEM) {
                nomem_runs++;
            } else {
                /* another result is acceptable only when its text says why */
                if (!strstr(err, "out of memory"))
                    fail_msg("%s: allocation %ld failed%s, reported as %s: \"%s\" (no mention of memory)", name, n,
                             mode ? " (and all after)" : "", wf_result_str(r), err);
                other_runs++;
            }
            if (n > allocs + 64) fail_msg("%s: more allocations than the reference run (%ld)", name, allocs);
        }
    }
    print_message("%s: %ld allocations; failing runs: %d WF_ERR_NOMEM, %d other result saying \"out of memory\", %d WF_OK with the same results\n",
                  name, allocs, nomem_runs, other_runs, ok_runs);
}

static void test_client_create(void **st) { (void)st; run_all("client create", sc_create); }
static void test_search(void **st) { (void)st; run_all("search", sc_search); }
static void test_login(void **st) { (void)st; run_all("login, search, logout", sc_login); }
static void test_create_with_updates(void **st) { (void)st; run_all("create with updates", sc_create_updates); }
static void test_bulk_edit(void **st) { (void)st; run_all("bulk edit", sc_bulk); }
static void test_pager(void **st) { (void)st; run_all("pager", sc_pager); }
static void test_object(void **st) { (void)st; run_all("object load/save", sc_object); }
static void test_doc_parse(void **st) { (void)st; run_all("doc parse", sc_doc); }
static void test_search_each(void **st) { (void)st; run_all("streaming search", sc_search_each); }
static void test_count(void **st) { (void)st; run_all("count", sc_count); }
static void test_renew(void **st) { (void)st; run_all("401, refresh-token renewal, repeat", sc_renew); }
static void test_bearer(void **st) { (void)st; run_all("IMS bearer, get of two IDs", sc_bearer); }
static void test_jwt(void **st) { (void)st; run_all("JWT exchange, search", sc_jwt); }
static void test_long_uri(void **st) { (void)st; run_all("long URI sent as POST method=GET", sc_long_uri); }
static void test_keys(void **st) { (void)st; run_all("API key get/clear, OAuth2 code", sc_keys); }
static void test_batch(void **st) { (void)st; run_all("batch", sc_batch); }
static void test_upload(void **st) { (void)st; run_all("upload and document", sc_upload); }
static void test_endpoint(void **st) { (void)st; run_all("download, then a subscription (201 + Location)", sc_endpoint); }

/* A fresh RSA key for the JWT scenario (openssl is a build dependency);
   no key, no run. */
static char *new_rsa_key(void) {
    FILE *p = popen("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null", "r");
    char *k = (char *)calloc(1, 8192);
    size_t n = 0, got;
    if (!p || !k) { fprintf(stderr, "alloc-fail: cannot run openssl\n"); exit(1); }
    while (n + 1 < 8192 && (got = fread(k + n, 1, 8192 - 1 - n, p)) > 0) n += got;
    if (pclose(p) != 0 || !strstr(k, "PRIVATE KEY-----")) { fprintf(stderr, "alloc-fail: openssl genpkey failed\n"); exit(1); }
    return k;
}

int main(int argc, char **argv) {
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_create),
        cmocka_unit_test(test_search),
        cmocka_unit_test(test_login),
        cmocka_unit_test(test_create_with_updates),
        cmocka_unit_test(test_bulk_edit),
        cmocka_unit_test(test_pager),
        cmocka_unit_test(test_object),
        cmocka_unit_test(test_doc_parse),
        cmocka_unit_test(test_search_each),
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_renew),
        cmocka_unit_test(test_bearer),
        cmocka_unit_test(test_jwt),
        cmocka_unit_test(test_long_uri),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_batch),
        cmocka_unit_test(test_upload),
        cmocka_unit_test(test_endpoint),
    };
    char *doc, *p;
    int i, rc;
    const char *task = "{\"ID\":\"5c1a2b3c4d5e6f708192a3b4c5d6e7f8\",\"name\":\"Plan \\\"Q3\\\" \\u65e5\",\"priority\":2}";
    char body[1024];
    /* the canned answers */
    snprintf(body, sizeof body, "{\"data\":[%s,{\"ID\":\"t2\",\"name\":\"x\",\"assignedTo\":{\"name\":\"\\u00c5sa\"}}]}", task);
    k_search_conns[0] = response(body, false);
    {
        static const char file[] = "%PDF-1.4 file bytes\r\n";
        char *a = response("{\"data\":{\"ID\":\"5c1a2b3c4d5e6f708192a3b4c5d6e7f8\",\"downloadURL\":\"/document/download?ID=5c1a2b3c4d5e6f708192a3b4c5d6e7f8\","
                           "\"currentVersion\":{\"fileName\":\"spec.pdf\",\"fileSize\":21}}}", false);
        size_t n = strlen(a) + 600;
        char *all = (char *)malloc(n);
        snprintf(all, n, "%sHTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %zu\r\n\r\n%s"
                 "HTTP/1.1 201 Created\r\nLocation: https://h/attask/eventsubscription/api/v1/subscriptions/750a636c-5628-48f5\r\n"
                 "Content-Length: 0\r\n\r\n", a, strlen(file), file);
        free(a);
        k_endpoint_conns[0] = all;
    }
    {
        /* login, then a search and a logout on the same kept-alive connection */
        char *a = response("{\"data\":{\"sessionID\":\"sess0123456789\",\"userID\":\"user0123\"}}", false);
        char *b = response("{\"data\":[{\"ID\":\"t1\"}]}", false);
        char *c = response("{\"data\":{\"success\":true}}", false);
        char *all = (char *)malloc(strlen(a) + strlen(b) + strlen(c) + 1);
        sprintf(all, "%s%s%s", a, b, c);
        free(a); free(b); free(c);
        k_login_conns[0] = all;
    }
    snprintf(body, sizeof body, "{\"data\":%s}", task);
    k_create_conns[0] = response(body, false);
    k_bulk_conns[0] = response("{\"data\":[{\"ID\":\"a1\",\"name\":\"x\"},{\"ID\":\"a2\",\"name\":\"y\"}]}", true);
    k_bulk_conns[1] = response("{\"data\":[{\"ID\":\"a3\",\"name\":\"z\"}]}", true);
    {
        char *a = response("{\"data\":[{\"ID\":\"p1\",\"name\":\"one\"},{\"ID\":\"p2\",\"name\":\"two\"}]}", false);
        char *b = response("{\"data\":[{\"ID\":\"p3\",\"name\":\"three\"}]}", false);
        char *all = (char *)malloc(strlen(a) + strlen(b) + 1);
        sprintf(all, "%s%s", a, b);
        free(a); free(b);
        k_pager_conns[0] = all;
    }
    {
        char *a, *b, *all;
        snprintf(body, sizeof body, "{\"data\":%s}", task);
        a = response(body, false);
        b = response("{\"data\":{\"ID\":\"5c1a2b3c4d5e6f708192a3b4c5d6e7f8\",\"name\":\"renamed\",\"priority\":{\"v\":3}}}", false);
        all = (char *)malloc(strlen(a) + strlen(b) + 1);
        sprintf(all, "%s%s", a, b);
        free(a); free(b);
        k_object_conns[0] = all;
    }
    /* a document with more tokens than the first guess (the array grows),
       escapes and a string longer than the writer's stack buffer */
    doc = (char *)malloc(8192);
    p = doc;
    p += sprintf(p, "{\"long\":\"");
    for (i = 0; i < 300; i++) *p++ = (char)('a' + i % 26);
    p += sprintf(p, "\\u00e9\",\"n\":[");
    for (i = 0; i < 600; i++) p += sprintf(p, i ? ",%d" : "%d", i % 10);
    p += sprintf(p, "],\"e\":\"\\ud83d\\ude80\"}");
    k_doc_text = doc;
    /* a page streamed object by object, with a string long enough to
       cross the scanner's word-at-a-time skipping */
    {
        char big[601], sbody[2048];
        memset(big, 'x', 600);
        big[600] = 0;
        snprintf(sbody, sizeof sbody, "{\"data\":[{\"ID\":\"s1\",\"name\":\"%s\"},{\"ID\":\"s2\",\"name\":\"\\u00e9t\\u00e9\"},%s]}", big, task);
        k_stream_conns[0] = response(sbody, false);
    }
    k_count_conns[0] = response("{\"data\":{\"count\":42}}", false);
    {
        char *a = response_status("401 Unauthorized",
                                  "{\"error\":{\"class\":\"com.attask.common.AuthenticationException\",\"message\":\"expired token\"}}", false);
        char *b = response("{\"access_token\":\"newaccesstoken0123\",\"refresh_token\":\"newrefresh0123\",\"token_type\":\"bearer\"}", false);
        char *c = response("{\"data\":[{\"ID\":\"t1\",\"name\":\"after renewal\"}]}", false);
        char *all = (char *)malloc(strlen(a) + strlen(b) + strlen(c) + 1);
        sprintf(all, "%s%s%s", a, b, c);
        free(a); free(b); free(c);
        k_renew_conns[0] = all;
    }
    k_bearer_conns[0] = response("{\"data\":[{\"ID\":\"t1\",\"name\":\"one\"},{\"ID\":\"t2\",\"name\":\"two\"}]}", false);
    {
        char *a = response("{\"access_token\":\"jwtaccesstoken0123\",\"token_type\":\"bearer\",\"expires_in\":3600}", false);
        char *b = response("{\"data\":[{\"ID\":\"t1\",\"name\":\"with the JWT token\"}]}", false);
        char *all = (char *)malloc(strlen(a) + strlen(b) + 1);
        sprintf(all, "%s%s", a, b);
        free(a); free(b);
        k_jwt_conns[0] = all;
    }
    k_long_conns[0] = response("{\"data\":[{\"ID\":\"00000000000000000000000000000000\",\"name\":\"first\"}]}", false);
    {
        char *a = response("{\"data\":{\"result\":\"0123456789abcdef0123456789abcdef\"}}", false);
        char *b = response("{\"data\":{}}", false);
        char *d = response("{\"access_token\":\"codeaccesstoken0123\",\"refresh_token\":\"coderefresh0123\"}", false);
        char *all = (char *)malloc(strlen(a) + strlen(b) + strlen(d) + 1);
        sprintf(all, "%s%s%s", a, b, d);
        free(a); free(b); free(d);
        k_keys_conns[0] = all;
    }
    k_jwt_key = new_rsa_key();
    memset(k_long_iss, 'c', sizeof k_long_iss - 1);
    k_batch_conns[0] = response("{\"data\":[{\"data\":[{\"ID\":\"t1\",\"name\":\"plan & \\\"Q3\\\"\"}]},{\"data\":{\"ID\":\"a1\",\"name\":\"x\"}}]}", false);
    {
        char *a = response("{\"data\":{\"handle\":\"0123456789abcdef0123456789abcdef\"}}", false);
        char *b = response("{\"data\":{\"ID\":\"d1\",\"name\":\"notes _v2_.txt\",\"objCode\":\"DOCU\"}}", false);
        char *all = (char *)malloc(strlen(a) + strlen(b) + 1);
        sprintf(all, "%s%s", a, b);
        free(a); free(b);
        k_upload_conns[0] = all;
    }
    rc = WFH_RUN("alloc-fail", tests, NULL, NULL, argc, argv);
    free(doc);
    free((void *)k_search_conns[0]);
    free((void *)k_login_conns[0]);
    free((void *)k_create_conns[0]);
    free((void *)k_bulk_conns[0]);
    free((void *)k_bulk_conns[1]);
    free((void *)k_pager_conns[0]);
    free((void *)k_object_conns[0]);
    free((void *)k_stream_conns[0]);
    free((void *)k_count_conns[0]);
    free((void *)k_renew_conns[0]);
    free((void *)k_batch_conns[0]);
    free((void *)k_bearer_conns[0]);
    free((void *)k_jwt_conns[0]);
    free(k_jwt_key);
    free((void *)k_long_conns[0]);
    free((void *)k_keys_conns[0]);
    free((void *)k_upload_conns[0]);
    free((void *)k_endpoint_conns[0]);
    return rc;
}
