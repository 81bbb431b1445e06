/* tests/test_auth.c - auth and sessions against the test server.

   RS256 JWTs signed by the library (accepted by the server's openssl
   check; one signed with another key refused), the JWT exchange, OAuth2
   code and refresh grants, Adobe IMS headers, renewal after expiry (once,
   and the original call succeeds), the renew callback, bounded request
   counts when renewal fails, TRACE logs of every auth mode free of
   secrets, secrets wiped when the client is destroyed, and every
   allocation going through the client's allocator.

   One server (2,500 tasks) serves the whole file; each test resets it.
   Build and run from the repository root:
     make itests        (or: make build/test_auth && ./build/test_auth)
   Optional arguments run only the tests whose names contain one of them. */

/* The default allocator is counted, to see allocations that bypass
   desc.allocator (WF_MALLOC must be defined before the implementation). */
#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdlib.h>
static long long g_default_allocs;
static void *test_default_malloc(size_t n) { g_default_allocs++; return malloc(n); }
#define WF_MALLOC(n) test_default_malloc(n)
#define WF_FREE(p) free(p)

#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"

#include <stdarg.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <strings.h>

#include "harness.h"

/* ------------------------------------------------- server constants (wfconst.py) */
#define AWKWARD_TASK_ID   "4c78821c0000d6fa8d5e52f07a1d54d1"
#define AWKWARD_TASK_NAME "Quote \" Backslash \\ Slash / Tab \t Emoji \xF0\x9F\x9A\x80 CJK \xE6\x97\xA5\xE6\x9C\xAC"
#define CLIENT_ID         "test-client"
#define CLIENT_SECRET     "test-client-secret"
#define AUTH_CODE         "test-auth-code"
#define CUSTOMER_ID       "test-customer"
#define IMS_TOKEN         "test-ims-token"
#define IMS_ORG           "TESTORG@AdobeOrg"
#define TOKEN_PATH        "/integrations/oauth2/api/v1/token"
#define JWT_PATH          "/integrations/oauth2/api/v1/jwt/exchange"
#define BOGUS_SESSION     "0123456789abcdef0123456789abcdef"

/* ------------------------------------------------------------------ fixture */

/* g_srv, g_ctl, client_desc(), drop_client(), config(), stats_doc(), jint():
   tests/harness.h */
static char g_key_path[WFH_PATH + 32], g_other_key_path[WFH_PATH + 32];
static char g_pub_path[WFH_PATH + 32], g_other_pub_path[WFH_PATH + 32];

/* A description for the listener with a short retry policy. */
static void desc_on(int which, wf_client_desc *d) {
    wfh_desc(&g_srv, which, d);
    d->timeout_ms = 15000;
    d->retry_base_ms = 20;
}

static void ctl(const char *what) {
    if (wfh_ctl(g_ctl, what, NULL) != WF_OK) { print_error("control %s failed\n", what); fail(); }
}

/* Counters since the last stats_reset(). */
typedef struct counts { long long requests, get, post, put, token, jwt, logins_total, tokens_issued; } counts;

static void stats_reset(void) { ctl("stats?reset=1"); }

static counts take_counts(void) {
    counts k;
    wf_json d = stats_doc(), r;
    char path[256];
    memset(&k, 0, sizeof k);
    k.requests = jint(wf_json_get(d, "requests"));
    k.get = jint(wf_json_path(d, "requests_by_method:GET"));
    k.post = jint(wf_json_path(d, "requests_by_method:POST"));
    k.put = jint(wf_json_path(d, "requests_by_method:PUT"));
    if (k.get < 0) k.get = 0;
    if (k.post < 0) k.post = 0;
    if (k.put < 0) k.put = 0;
    k.logins_total = jint(wf_json_get(d, "logins"));
    k.tokens_issued = jint(wf_json_get(d, "tokens_issued"));
    for (r = wf_json_first(wf_json_get(d, "recent_requests")); wf_json_ok(r); r = wf_json_next(r)) {
        js(wf_json_get(r, "path"), path, sizeof path);
        if (strcmp(path, TOKEN_PATH) == 0) k.token++;
        if (strcmp(path, JWT_PATH) == 0) k.jwt++;
    }
    return k;
}

static void print_counts(const char *what, const counts *k) {
    print_message("%s: %lld requests (GET %lld, POST %lld, PUT %lld), token endpoint %lld, JWT exchange %lld\n", what,
                  k->requests, k->get, k->post, k->put, k->token, k->jwt);
}

static char *read_text(const char *path) {
    char *t = wfh_read_file(path, NULL);
    if (!t) print_error("cannot read %s\n", path);
    return t;
}

/* ----------------------------------------------------------- setup/teardown */

static int group_setup(void **state) {
    static const char *const args[] = { "--tasks", "2500", NULL };
    (void)state;
    if (wfh_group_start(args) != 0) return -1;
    wfh_cert_path(&g_srv, "jwt.key", g_key_path, sizeof g_key_path);
    wfh_cert_path(&g_srv, "other.key", g_other_key_path, sizeof g_other_key_path);
    wfh_cert_path(&g_srv, "jwt.pub", g_pub_path, sizeof g_pub_path);
    wfh_cert_path(&g_srv, "other.pub", g_other_pub_path, sizeof g_other_pub_path);
    return 0;
}

static int group_teardown(void **state) {
    (void)state;
    wfh_group_stop();
    return 0;
}

/* per test: wfh_fixture_setup_reset, wfh_fixture_teardown */

/* ----------------------------------------------- raw HTTP for the endpoints
   A minimal POST over plain TCP, to hand the server JWTs the client would
   never send (expired, wrong key, wrong issuer). */
static int raw_post(const char *path, const char *form, char *resp, size_t cap) {
    struct sockaddr_in sa;
    char head[512];
    size_t got = 0;
    int fd, status = -1, hl;
    resp[0] = 0;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)g_srv.http_port);
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) { close(fd); return -1; }
    hl = snprintf(head, sizeof head,
                  "POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                  "Content-Length: %zu\r\nConnection: close\r\n\r\n", path, g_srv.http_port, strlen(form));
    if (send(fd, head, (size_t)hl, MSG_NOSIGNAL) != hl || send(fd, form, strlen(form), MSG_NOSIGNAL) != (ssize_t)strlen(form)) {
        close(fd);
        return -1;
    }
    for (;;) {
        struct pollfd p;
        ssize_t n;
        p.fd = fd;
        p.events = POLLIN;
        if (poll(&p, 1, 10000) <= 0) break;
        n = recv(fd, resp + got, cap - 1 - got, 0);
        if (n <= 0) break;
        got += (size_t)n;
        if (got + 1 >= cap) break;
    }
    resp[got] = 0;
    close(fd);
    if (strncmp(resp, "HTTP/1.", 7) == 0) status = atoi(resp + 9);
    {   /* keep only the body */
        char *b = strstr(resp, "\r\n\r\n");
        if (b) memmove(resp, b + 4, strlen(b + 4) + 1);
    }
    return status;
}

/* ----------------------------------------------------- base64url and JWTs */

static size_t b64url_decode(const char *s, size_t n, unsigned char *out, size_t cap) {
    char tmp[2048];
    size_t i, olen = 0;
    if (n + 4 > sizeof tmp) return 0;
    for (i = 0; i < n; i++) tmp[i] = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i];
    while (i % 4) tmp[i++] = '=';
    if (mbedtls_base64_decode(out, cap, &olen, (const unsigned char *)tmp, i) != 0) return 0;
    return olen;
}

/* Verifies an RS256 JWT against a PEM public key file with mbedTLS. */
static int verify_rs256(const char *jwt, const char *pub_path) {
    mbedtls_pk_context pk;
    unsigned char hash[32], sig[512];
    const char *dot2 = strrchr(jwt, '.');
    size_t siglen;
    int rc;
    if (!dot2) return -1;
    siglen = b64url_decode(dot2 + 1, strlen(dot2 + 1), sig, sizeof sig);
    if (!siglen) return -1;
#if MBEDTLS_VERSION_MAJOR >= 3
    mbedtls_sha256((const unsigned char *)jwt, (size_t)(dot2 - jwt), hash, 0);
#else
    mbedtls_sha256_ret((const unsigned char *)jwt, (size_t)(dot2 - jwt), hash, 0);
#endif
    mbedtls_pk_init(&pk);
    rc = mbedtls_pk_parse_public_keyfile(&pk, pub_path);
    if (rc == 0) rc = mbedtls_pk_verify(&pk, MBEDTLS_MD_SHA256, hash, sizeof hash, sig, siglen);
    mbedtls_pk_free(&pk);
    return rc;
}

static void sign(const char *key_path, const char *iss, const char *sub, long long iat, long long exp, char *out, size_t cap) {
    char *pem = read_text(key_path);
    wf_error err;
    wf_result r;
    assert_non_null(pem);
    r = wf_jwt_sign(pem, 0, iss, sub, iat, exp, out, cap, &err);
    free(pem);
    if (r != WF_OK) print_error("wf_jwt_sign: %s\n", err.text);
    assert_int_equal(r, WF_OK);
}

static int exchange_raw(const char *jwt, char *resp, size_t cap) {
    char form[4096];
    snprintf(form, sizeof form, "client_id=" CLIENT_ID "&client_secret=" CLIENT_SECRET "&jwt_token=%s", jwt);
    return raw_post(JWT_PATH, form, resp, cap);
}

/* ------------------------------------------------------------ the logger */

typedef struct tracebuf { char *p; size_t len, cap; long lines; } tracebuf;
static tracebuf g_trace;

static void trace_add(const char *s) {
    size_t n = strlen(s);
    if (g_trace.len + n + 2 > g_trace.cap) {
        size_t nc = g_trace.cap ? g_trace.cap * 2 : 65536;
        char *nb;
        while (nc < g_trace.len + n + 2) nc *= 2;
        nb = (char *)realloc(g_trace.p, nc);
        if (!nb) return;
        g_trace.p = nb;
        g_trace.cap = nc;
    }
    memcpy(g_trace.p + g_trace.len, s, n);
    g_trace.len += n;
    g_trace.p[g_trace.len++] = '\n';
    g_trace.p[g_trace.len] = 0;
}

static void on_log(void *user, wf_log_level level, const char *line) {
    (void)user;
    (void)level;
    g_trace.lines++;
    trace_add(line);
}

static void trace_clear(void) { g_trace.len = 0; g_trace.lines = 0; if (g_trace.p) g_trace.p[0] = 0; }

/* A client on HTTPS that logs everything at TRACE into g_trace. */
static void traced_desc(wf_client_desc *d) {
    desc_on(WFH_HTTPS, d);
    d->logger.fn = on_log;
    d->logger.level = WF_LOG_TRACE;
}

/* The secrets to look for. */
#define MAX_SECRETS 64
static struct secrets { char s[MAX_SECRETS][128]; int window[MAX_SECRETS]; int n; } S;

/* window 0: the whole secret must not appear; N: no N-byte piece of it. */
static void secret(const char *s, int window) {
    if (!s || !*s || S.n >= MAX_SECRETS) return;
    snprintf(S.s[S.n], sizeof S.s[0], "%s", s);
    S.window[S.n++] = window;
}

static bool leaks(const char *hay, char *which, size_t cap) {
    int i;
    for (i = 0; i < S.n; i++) {
        size_t n = strlen(S.s[i]), w = S.window[i] ? (size_t)S.window[i] : n, off;
        if (w > n) w = n;
        for (off = 0; off + w <= n; off++) {
            char piece[128];
            memcpy(piece, S.s[i] + off, w);
            piece[w] = 0;
            if (strstr(hay, piece)) {
                snprintf(which, cap, "%s (piece \"%s\")", S.s[i], piece);
                return true;
            }
        }
    }
    return false;
}

/* ===================================================================== tests */

/* wf_jwt_sign: header and claims as documented, a signature mbedTLS and the
   server verify with jwt.pub; one made with other.key is refused, and so
   are an expired JWT and a wrong issuer. */
static void test_jwt_sign_and_verify(void **state) {
    char jwt[4096], other[4096], resp[4096], part[1024], tok[128];
    unsigned char dec[1024];
    long long now = (long long)time(NULL);
    const char *d1, *d2;
    size_t n;
    wf_doc *doc = NULL;
    int st;
    (void)state;
    sign(g_key_path, CUSTOMER_ID, WFH_ADMIN_USER_ID, now, now + 300, jwt, sizeof jwt);
    d1 = strchr(jwt, '.');
    d2 = strrchr(jwt, '.');
    assert_true(d1 && d2 && d1 < d2);
    assert_null(strpbrk(jwt, "=+/ \n"));   /* base64url without padding */
    /* header */
    n = b64url_decode(jwt, (size_t)(d1 - jwt), dec, sizeof dec - 1);
    assert_true(n > 0);
    dec[n] = 0;
    OK(wf_doc_parse((const char *)dec, n, NULL, &doc), NULL);
    JSTR(wf_json_get(wf_doc_root(doc), "alg"), "RS256");
    wf_doc_free(doc);
    /* claims */
    n = b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), dec, sizeof dec - 1);
    assert_true(n > 0);
    dec[n] = 0;
    snprintf(part, sizeof part, "%s", (const char *)dec);
    OK(wf_doc_parse(part, n, NULL, &doc), NULL);
    JSTR(wf_json_get(wf_doc_root(doc), "iss"), CUSTOMER_ID);
    JSTR(wf_json_get(wf_doc_root(doc), "sub"), WFH_ADMIN_USER_ID);
    assert_int_equal(jint(wf_json_get(wf_doc_root(doc), "iat")), now);
    assert_int_equal(jint(wf_json_get(wf_doc_root(doc), "exp")), now + 300);
    wf_doc_free(doc);
    /* the signature, checked by mbedTLS with the public keys */
    assert_int_equal(verify_rs256(jwt, g_pub_path), 0);
    assert_int_not_equal(verify_rs256(jwt, g_other_pub_path), 0);

    /* the server accepts it and the token works */
    st = exchange_raw(jwt, resp, sizeof resp);
    if (st != 200) print_error("exchange: HTTP %d %s\n", st, resp);
    assert_int_equal(st, 200);
    OK(wf_doc_parse(resp, strlen(resp), NULL, &doc), NULL);
    js(wf_json_get(wf_doc_root(doc), "access_token"), tok, sizeof tok);
    wf_doc_free(doc);
    assert_true(strlen(tok) >= 16);
    {
        wf_client_desc d;
        wf_client *c;
        wf_json data;
        desc_on(WFH_HTTP, &d);
        d.session_id = tok;
        c = client_desc(&d);
        OK(wf_get(c, "user", WFH_ADMIN_USER_ID, "name", &data), c);
        JSTR(wf_json_get(data, "name"), "Admin User");
    }

    /* signed with the other key: refused */
    sign(g_other_key_path, CUSTOMER_ID, WFH_ADMIN_USER_ID, now, now + 300, other, sizeof other);
    assert_int_not_equal(verify_rs256(other, g_pub_path), 0);
    st = exchange_raw(other, resp, sizeof resp);
    assert_int_equal(st, 400);
    CONTAINS(resp, "invalid_grant");
    CONTAINS(resp, "signature");
    /* expired, and a wrong issuer: refused */
    sign(g_key_path, CUSTOMER_ID, WFH_ADMIN_USER_ID, now - 600, now - 10, other, sizeof other);
    assert_int_equal(verify_rs256(other, g_pub_path), 0);
    st = exchange_raw(other, resp, sizeof resp);
    assert_int_equal(st, 400);
    CONTAINS(resp, "expired");
    sign(g_key_path, "another-customer", WFH_ADMIN_USER_ID, now, now + 300, other, sizeof other);
    st = exchange_raw(other, resp, sizeof resp);
    assert_int_equal(st, 400);
    CONTAINS(resp, "iss");

    /* bad input to the signer */
    {
        wf_error err;
        char small[64];
        char *pem = read_text(g_key_path);
        assert_non_null(pem);
        CHECK(WF_ERR_INVALID, wf_jwt_sign("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n", 0, CUSTOMER_ID,
                                          WFH_ADMIN_USER_ID, now, now + 60, jwt, sizeof jwt, &err), NULL);
        assert_string_equal(jwt, "");
        CHECK(WF_ERR_TRUNCATED, wf_jwt_sign(pem, 0, CUSTOMER_ID, WFH_ADMIN_USER_ID, now, now + 60, small, sizeof small, &err), NULL);
        CHECK(WF_ERR_INVALID, wf_jwt_sign(pem, 0, "", WFH_ADMIN_USER_ID, now, now + 60, jwt, sizeof jwt, &err), NULL);
        /* a key given with its length, not NUL-terminated at that length */
        {
            size_t kl = strlen(pem);
            char *copy = (char *)malloc(kl + 16);
            assert_non_null(copy);
            memcpy(copy, pem, kl);
            memcpy(copy + kl, "GARBAGE-TAIL", 13);
            CHECK(WF_OK, wf_jwt_sign(copy, kl, CUSTOMER_ID, WFH_ADMIN_USER_ID, now, now + 60, jwt, sizeof jwt, &err), NULL);
            assert_int_equal(verify_rs256(jwt, g_pub_path), 0);
            free(copy);
        }
        free(pem);
    }
}

/* The client's own exchange: jwt_key_file + client, customer and user IDs. */
static void test_jwt_exchange(void **state) {
    wf_client_desc d;
    wf_client *c, *bad;
    wf_json data, last;
    counts k;
    char target[256];
    (void)state;
    desc_on(WFH_HTTPS, &d);
    d.client_id = CLIENT_ID;
    d.client_secret = CLIENT_SECRET;
    d.jwt_key_file = g_key_path;
    d.customer_id = CUSTOMER_ID;
    d.jwt_user_id = WFH_ADMIN_USER_ID;
    c = client_desc(&d);
    stats_reset();
    OK(wf_jwt_exchange(c), c);
    k = take_counts();
    assert_int_equal(k.requests, 1);
    assert_int_equal(k.jwt, 1);
    last = wf_json_get(stats_doc(), "last_request");
    JSTR(wf_json_get(last, "method"), "POST");
    js(wf_json_get(last, "target"), target, sizeof target);
    assert_string_equal(target, JWT_PATH);           /* everything in the body */
    assert_non_null(wf_session_id(c));
    assert_non_null(wf_refresh_token(c));
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    JSTR(wf_json_get(data, "name"), AWKWARD_TASK_NAME);

    /* the same with other.key: refused, no session */
    d.jwt_key_file = g_other_key_path;
    bad = client_desc(&d);
    CHECK(WF_ERR_AUTH, wf_jwt_exchange(bad), bad);
    CONTAINS(wf_client_error(bad)->text, "signature");
    assert_null(wf_session_id(bad));
    /* missing pieces: refused before sending */
    d.jwt_key_file = g_key_path;
    d.customer_id = NULL;
    bad = client_desc(&d);
    stats_reset();
    CHECK(WF_ERR_INVALID, wf_jwt_exchange(bad), bad);
    d.customer_id = CUSTOMER_ID;
    d.jwt_key_file = "/nonexistent/jwt.key";
    {
        wf_client *none = NULL;
        wf_error err;
        CHECK(WF_ERR_FILE, wf_client_create(&d, &none, &err), NULL);
        assert_null(none);
        CONTAINS(err.text, "/nonexistent/jwt.key");
    }
    k = take_counts();
    assert_int_equal(k.requests, 0);
}

/* OAuth2: the authorization code grant, the refresh grant, and errors. */
static void test_oauth2_code(void **state) {
    wf_client_desc d;
    wf_client *c, *bad;
    wf_json data, last;
    char at1[128], rt1[128], target[256];
    counts k;
    (void)state;
    desc_on(WFH_HTTPS, &d);
    d.client_id = CLIENT_ID;
    d.client_secret = CLIENT_SECRET;
    c = client_desc(&d);
    stats_reset();
    OK(wf_oauth2_code(c, AUTH_CODE, "https://app.example/cb"), c);
    k = take_counts();
    assert_int_equal(k.token, 1);
    assert_int_equal(k.requests, 1);
    last = wf_json_get(stats_doc(), "last_request");
    js(wf_json_get(last, "target"), target, sizeof target);
    assert_string_equal(target, TOKEN_PATH);
    assert_non_null(wf_session_id(c));
    assert_non_null(wf_refresh_token(c));
    snprintf(at1, sizeof at1, "%s", wf_session_id(c) ? wf_session_id(c) : "");
    snprintf(rt1, sizeof rt1, "%s", wf_refresh_token(c) ? wf_refresh_token(c) : "");
    assert_string_not_equal(at1, rt1);
    /* the access token goes in the SessionID header */
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    JSTR(wf_json_get(data, "name"), AWKWARD_TASK_NAME);
    {
        wf_json h;
        bool seen = false;
        char name[64], val[64];
        for (h = wf_json_first(wf_json_path(stats_doc(), "last_request:headers")); wf_json_ok(h); h = wf_json_next(h)) {
            js(wf_json_at(h, 0), name, sizeof name);
            if (strcasecmp(name, "sessionid") == 0) { seen = true; JSTR(wf_json_at(h, 1), "<redacted>"); }
            assert_true(strcasecmp(name, "apikey") != 0);
            (void)val;
        }
        assert_true(seen);
    }
    /* refresh: a new access token (and refresh token) */
    OK(wf_oauth2_refresh(c), c);
    assert_string_not_equal(wf_session_id(c), at1);
    assert_non_null(wf_refresh_token(c));
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);

    /* a wrong code, a wrong secret */
    bad = client_desc(&d);
    CHECK(WF_ERR_AUTH, wf_oauth2_code(bad, "not-the-code", NULL), bad);
    assert_string_equal(wf_client_error(bad)->wf_class, "invalid_grant");
    assert_int_equal(wf_client_error(bad)->http_status, 400);
    assert_null(wf_session_id(bad));
    d.client_secret = "wrong-secret";
    bad = client_desc(&d);
    CHECK(WF_ERR_AUTH, wf_oauth2_code(bad, AUTH_CODE, NULL), bad);
    assert_int_equal(wf_client_error(bad)->http_status, 401);
    assert_string_equal(wf_client_error(bad)->wf_class, "invalid_client");
    assert_null(strstr(wf_client_error(bad)->text, "wrong-secret"));
    /* no client id: refused before sending */
    d.client_id = NULL;
    d.client_secret = CLIENT_SECRET;
    bad = client_desc(&d);
    stats_reset();
    CHECK(WF_ERR_INVALID, wf_oauth2_code(bad, AUTH_CODE, NULL), bad);
    CHECK(WF_ERR_INVALID, wf_oauth2_refresh(bad), bad);
    k = take_counts();
    assert_int_equal(k.requests, 0);
}

/* After expiry the client renews once and the original call succeeds:
   OAuth2 refresh (after /__test/expire and after token_ttl), and a write. */
static void test_refresh_after_expiry(void **state) {
    wf_client_desc d;
    wf_client *c;
    wf_json data;
    char at[128];
    counts k;
    wf_updates u;
    (void)state;
    desc_on(WFH_HTTP, &d);
    d.client_id = CLIENT_ID;
    d.client_secret = CLIENT_SECRET;
    c = client_desc(&d);
    OK(wf_oauth2_code(c, AUTH_CODE, NULL), c);
    snprintf(at, sizeof at, "%s", wf_session_id(c) ? wf_session_id(c) : "");
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);

    /* every session and access token ends now */
    ctl("expire");
    stats_reset();
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    JSTR(wf_json_get(data, "name"), AWKWARD_TASK_NAME);
    k = take_counts();
    print_counts("after expire", &k);
    assert_int_equal(k.token, 1);      /* renewed once */
    assert_int_equal(k.get, 2);        /* the 401, then the repeat */
    assert_int_equal(k.requests, 3);
    assert_string_not_equal(wf_session_id(c), at);
    /* and the next call needs no renewal */
    stats_reset();
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    k = take_counts();
    assert_int_equal(k.requests, 1);

    /* a write after expiry: renewed, executed once */
    ctl("expire");
    stats_reset();
    memset(&u, 0, sizeof u);
    OK(wf_updates_set_str(&u, "description", "written after renewal"), NULL);
    OK(wf_edit(c, "task", AWKWARD_TASK_ID, NULL, &u, &data), c);
    wf_updates_free(&u);
    k = take_counts();
    assert_int_equal(k.put, 2);        /* the rejected one (not executed) and the repeat */
    assert_int_equal(k.token, 1);
    assert_int_equal(k.requests, 3);
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "description", &data), c);
    JSTR(wf_json_get(data, "description"), "written after renewal");

    /* tokens that expire by themselves (token_ttl) */
    config("token_ttl=1");
    OK(wf_oauth2_refresh(c), c);
    wfh_sleep_ms(1300);
    stats_reset();
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    k = take_counts();
    print_counts("after token_ttl", &k);
    assert_int_equal(k.token, 1);
    assert_int_equal(k.requests, 3);
}

/* Renewal by logging in again (username/password), by the JWT exchange, and
   with sessions that expire after one request each. */
static void test_renew_login_and_jwt(void **state) {
    wf_client_desc d;
    wf_client *c;
    wf_json data;
    counts k;
    long long logins0;
    int i;
    (void)state;
    desc_on(WFH_HTTP, &d);
    d.username = WFH_ADMIN_USERNAME;
    d.password = WFH_ADMIN_PASSWORD;
    c = client_desc(&d);
    logins0 = take_counts().logins_total;
    stats_reset();
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);   /* no session yet: 401, login, repeat */
    k = take_counts();
    assert_int_equal(k.requests, 3);
    assert_int_equal(k.logins_total - logins0, 1);
    assert_non_null(wf_session_id(c));
    ctl("expire");
    stats_reset();
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    k = take_counts();
    assert_int_equal(k.requests, 3);
    assert_int_equal(k.logins_total - logins0, 2);

    /* sessions good for one request: each call renews exactly once */
    config("session_max_requests=1");
    stats_reset();
    for (i = 0; i < 3; i++) OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    k = take_counts();
    assert_int_equal(k.logins_total - logins0, 2 + 3);
    assert_true(k.requests <= 9);
    config("session_max_requests=0");

    /* a JWT client without a token yet: the exchange, then the call */
    desc_on(WFH_HTTPS, &d);
    d.client_id = CLIENT_ID;
    d.client_secret = CLIENT_SECRET;
    d.jwt_key_file = g_key_path;
    d.customer_id = CUSTOMER_ID;
    d.jwt_user_id = WFH_ADMIN_USER_ID;
    c = client_desc(&d);
    stats_reset();
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    JSTR(wf_json_get(data, "name"), AWKWARD_TASK_NAME);
    k = take_counts();
    print_counts("JWT renewal", &k);
    assert_int_equal(k.jwt, 1);
    assert_int_equal(k.requests, 3);
    /* expired again: renewed once more (with the refresh token it now holds) */
    ctl("expire");
    stats_reset();
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    k = take_counts();
    assert_int_equal(k.jwt + k.token, 1);
    assert_int_equal(k.requests, 3);
}

/* The renew callback: called once, the call then succeeds; it also serves
   IMS token rotation. */
typedef struct renew_ctx { int calls; int mode; } renew_ctx;
static wf_result renew_cb(void *user, wf_client *c) {
    renew_ctx *r = (renew_ctx *)user;
    r->calls++;
    switch (r->mode) {
    case 0: return wf_login(c, WFH_ADMIN_USERNAME, WFH_ADMIN_PASSWORD);
    case 1: return wf_set_bearer(c, "rotated-ims-token", IMS_ORG);
    case 2: return wf_set_session_id(c, BOGUS_SESSION);  /* "renews" with something useless */
    default: return WF_ERR_AUTH;                          /* cannot renew */
    }
}

static void test_renew_callback(void **state) {
    wf_client_desc d;
    wf_client *c;
    wf_json data;
    renew_ctx r;
    counts k;
    (void)state;
    memset(&r, 0, sizeof r);
    desc_on(WFH_HTTP, &d);
    d.session_id = BOGUS_SESSION;
    d.username = WFH_ADMIN_USERNAME;   /* the callback wins over username/password */
    d.password = "not-the-password";
    d.renew = renew_cb;
    d.renew_user = &r;
    c = client_desc(&d);
    stats_reset();
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    JSTR(wf_json_get(data, "name"), AWKWARD_TASK_NAME);
    k = take_counts();
    assert_int_equal(r.calls, 1);
    assert_int_equal(k.requests, 3);   /* 401, the callback's login, the repeat */
    assert_string_not_equal(wf_session_id(c), BOGUS_SESSION);
    /* a valid session needs no callback */
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    assert_int_equal(r.calls, 1);

    /* IMS: the token rotates on the server; the callback supplies the new one */
    memset(&r, 0, sizeof r);
    r.mode = 1;
    desc_on(WFH_HTTPS, &d);
    d.bearer = IMS_TOKEN;
    d.ims_org = IMS_ORG;
    d.renew = renew_cb;
    d.renew_user = &r;
    c = client_desc(&d);
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    assert_int_equal(r.calls, 0);
    config("ims_token=rotated-ims-token");
    stats_reset();
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    k = take_counts();
    assert_int_equal(r.calls, 1);
    assert_int_equal(k.requests, 2);
}

/* Adobe IMS: Authorization: Bearer plus x-gw-ims-org-id (the server shows
   the headers it got, with the token redacted). */
static void test_ims_headers(void **state) {
    wf_client_desc d;
    wf_client *c;
    wf_json data, h;
    char name[64], val[128];
    bool auth = false, org = false;
    (void)state;
    desc_on(WFH_HTTPS, &d);
    d.bearer = IMS_TOKEN;
    d.ims_org = IMS_ORG;
    c = client_desc(&d);
    OK(wf_get(c, "user", WFH_ADMIN_USER_ID, "name", &data), c);
    JSTR(wf_json_get(data, "name"), "Admin User");
    for (h = wf_json_first(wf_json_path(stats_doc(), "last_request:headers")); wf_json_ok(h); h = wf_json_next(h)) {
        js(wf_json_at(h, 0), name, sizeof name);
        js(wf_json_at(h, 1), val, sizeof val);
        if (strcasecmp(name, "authorization") == 0) { auth = true; assert_string_equal(val, "<redacted>"); }
        if (strcasecmp(name, "x-gw-ims-org-id") == 0) { org = true; assert_string_equal(val, IMS_ORG); }
        assert_true(strcasecmp(name, "sessionid") != 0 && strcasecmp(name, "apikey") != 0);
    }
    assert_true(auth);
    assert_true(org);

    /* set later on a plain client */
    desc_on(WFH_HTTP, &d);
    c = client_desc(&d);
    CHECK(WF_ERR_AUTH, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    OK(wf_set_bearer(c, IMS_TOKEN, IMS_ORG), c);
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    /* a wrong organisation, or none */
    OK(wf_set_bearer(c, IMS_TOKEN, "OTHERORG@AdobeOrg"), c);
    CHECK(WF_ERR_AUTH, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    OK(wf_set_bearer(c, IMS_TOKEN, NULL), c);
    assert_int_not_equal(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), WF_OK);
    CONTAINS(wf_client_error(c)->message, "x-gw-ims-org-id");
    /* a header value cannot carry a line break */
    CHECK(WF_ERR_INVALID, wf_set_bearer(c, "tok\r\nX-Evil: 1", IMS_ORG), c);
}

/* When renewal fails, or does not help, the call fails after a bounded,
   exact number of requests. */
static void test_no_renewal_loop(void **state) {
    wf_client_desc d;
    wf_client *c;
    wf_json data;
    counts k;
    renew_ctx r;
    long long logins0;
    (void)state;
    /* (a) login with a wrong password */
    desc_on(WFH_HTTP, &d);
    d.username = WFH_ADMIN_USERNAME;
    d.password = "wrong-Pa55";
    c = client_desc(&d);
    logins0 = take_counts().logins_total;
    stats_reset();
    CHECK(WF_ERR_AUTH, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    k = take_counts();
    assert_int_equal(k.requests, 2);   /* the call, the login */
    assert_int_equal(k.logins_total, logins0);
    CONTAINS(wf_client_error(c)->text, "renew");
    stats_reset();
    CHECK(WF_ERR_AUTH, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    assert_int_equal(take_counts().requests, 2);

    /* (b) an invalid refresh token */
    desc_on(WFH_HTTP, &d);
    d.session_id = BOGUS_SESSION;
    d.client_id = CLIENT_ID;
    d.client_secret = CLIENT_SECRET;
    d.refresh_token = "not-a-refresh-token";
    c = client_desc(&d);
    stats_reset();
    CHECK(WF_ERR_AUTH, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    k = take_counts();
    assert_int_equal(k.requests, 2);
    assert_int_equal(k.token, 1);

    /* (c) the JWT signed with the wrong key */
    desc_on(WFH_HTTP, &d);
    d.client_id = CLIENT_ID;
    d.client_secret = CLIENT_SECRET;
    d.jwt_key_file = g_other_key_path;
    d.customer_id = CUSTOMER_ID;
    d.jwt_user_id = WFH_ADMIN_USER_ID;
    c = client_desc(&d);
    stats_reset();
    CHECK(WF_ERR_AUTH, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    k = take_counts();
    assert_int_equal(k.requests, 2);
    assert_int_equal(k.jwt, 1);

    /* (d) a callback that "renews" with a useless session: tried once */
    memset(&r, 0, sizeof r);
    r.mode = 2;
    desc_on(WFH_HTTP, &d);
    d.session_id = BOGUS_SESSION;
    d.renew = renew_cb;
    d.renew_user = &r;
    c = client_desc(&d);
    stats_reset();
    CHECK(WF_ERR_AUTH, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    k = take_counts();
    assert_int_equal(r.calls, 1);
    assert_int_equal(k.requests, 2);

    /* (e) a callback that fails */
    memset(&r, 0, sizeof r);
    r.mode = 3;
    d.renew_user = &r;
    c = client_desc(&d);
    stats_reset();
    CHECK(WF_ERR_AUTH, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    k = take_counts();
    assert_int_equal(r.calls, 1);
    assert_int_equal(k.requests, 1);

    /* (f) a rotated IMS token and no way to renew: one request */
    config("ims_token=rotated");
    desc_on(WFH_HTTP, &d);
    d.bearer = IMS_TOKEN;
    d.ims_org = IMS_ORG;
    c = client_desc(&d);
    stats_reset();
    CHECK(WF_ERR_AUTH, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    assert_int_equal(take_counts().requests, 1);

    /* (g) every answer a 401, the renewal's login included: two requests */
    desc_on(WFH_HTTP, &d);
    d.username = WFH_ADMIN_USERNAME;
    d.password = WFH_ADMIN_PASSWORD;
    c = client_desc(&d);
    OK(wf_login(c, WFH_ADMIN_USERNAME, WFH_ADMIN_PASSWORD), c);
    config("force_status=401&count=5");
    stats_reset();
    CHECK(WF_ERR_AUTH, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    k = take_counts();
    print_counts("forced 401s", &k);
    assert_int_equal(k.requests, 2);   /* the call (401), the login (401), nothing more */
    config("force_status=0&count=0");
}

/* A TRACE log of every auth mode, and every error text, holds none of the
   secrets: API key, password, session IDs, access and refresh tokens, the
   client secret, the authorization code, the IMS token, JWTs and the
   private key. */
static void note_tokens(const wf_client *c) {
    secret(wf_session_id(c), 12);
    secret(wf_refresh_token(c), 12);
}

static void note_error(const wf_client *c) {
    trace_add(wf_client_error(c)->text);
    trace_add(wf_client_error(c)->message);
    trace_add(wf_client_error(c)->excerpt);
}

static void test_traces_without_secrets(void **state) {
    wf_client_desc d;
    wf_client *c;
    wf_json data;
    char key2[64], which[300];
    char *pem, *line;
    int modes = 0;
    (void)state;
    memset(&S, 0, sizeof S);
    trace_clear();
    secret(WFH_ADMIN_API_KEY, 12);
    secret(WFH_ADMIN_PASSWORD, 0);
    secret("wrong-Pa55-xyz", 0);
    secret(CLIENT_SECRET, 0);
    secret(AUTH_CODE, 0);
    secret(IMS_TOKEN, 0);
    secret("eyJhbGciOi", 0);   /* a JWT header, base64url */
    secret("eyJpc3Mi", 0);     /* a JWT claims part */
    pem = read_text(g_key_path);
    assert_non_null(pem);
    for (line = strtok(pem, "\n"); line; line = strtok(NULL, "\n"))
        if (strncmp(line, "-----", 5) != 0 && strlen(line) >= 24) secret(line, 20);
    free(pem);

    /* API key */
    traced_desc(&d);
    d.api_key = WFH_ADMIN_API_KEY;
    c = client_desc(&d);
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    CONTAINS(g_trace.p, "apiKey: <redacted>");
    modes++;

    /* username/password: a failed and a good login, a call, logout */
    traced_desc(&d);
    c = client_desc(&d);
    CHECK(WF_ERR_AUTH, wf_login(c, WFH_ADMIN_USERNAME, "wrong-Pa55-xyz"), c);
    note_error(c);
    OK(wf_login(c, WFH_ADMIN_USERNAME, WFH_ADMIN_PASSWORD), c);
    note_tokens(c);
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    {
        /* a session ID given to another client */
        wf_client_desc d2;
        wf_client *c2;
        traced_desc(&d2);
        d2.session_id = wf_session_id(c);
        c2 = client_desc(&d2);
        OK(wf_get(c2, "task", AWKWARD_TASK_ID, "name", &data), c2);
        /* and the long-URI fallback with it */
        {
            wf_query q;
            char big[9000];
            memset(big, 'x', sizeof big - 1);
            big[sizeof big - 1] = 0;
            memset(&q, 0, sizeof q);
            wf_query_filter(&q, "name", WF_MOD_NOTCONTAINS, big);
            wf_query_add(&q, "password", WFH_ADMIN_PASSWORD);  /* a careless caller */
            OK(wf_search(c2, "task", &q, &data), c2);
            wf_query_free(&q);
        }
    }
    OK(wf_logout(c), c);
    CHECK(WF_ERR_INVALID, wf_logout(c), c);
    CONTAINS(g_trace.p, "password=<redacted>");
    CONTAINS(g_trace.p, "SessionID: <redacted>");
    modes++;

    /* username/password held for renewal */
    traced_desc(&d);
    d.username = WFH_ADMIN_USERNAME;
    d.password = WFH_ADMIN_PASSWORD;
    c = client_desc(&d);
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    note_tokens(c);
    modes++;

    /* OAuth2: code, calls, expiry + refresh, explicit refresh, a bad code */
    traced_desc(&d);
    d.client_id = CLIENT_ID;
    d.client_secret = CLIENT_SECRET;
    c = client_desc(&d);
    OK(wf_oauth2_code(c, AUTH_CODE, NULL), c);
    note_tokens(c);
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    ctl("expire");
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    note_tokens(c);
    OK(wf_oauth2_refresh(c), c);
    note_tokens(c);
    CHECK(WF_ERR_AUTH, wf_oauth2_code(c, "wrong-code-xyz", NULL), c);
    note_error(c);
    CONTAINS(g_trace.p, "client_secret=<redacted>");
    CONTAINS(g_trace.p, "code=<redacted>");
    CONTAINS(g_trace.p, "refresh_token=<redacted>");
    modes++;

    /* JWT: the exchange on first use, then expiry */
    traced_desc(&d);
    d.client_id = CLIENT_ID;
    d.client_secret = CLIENT_SECRET;
    d.jwt_key_file = g_key_path;
    d.customer_id = CUSTOMER_ID;
    d.jwt_user_id = WFH_ADMIN_USER_ID;
    c = client_desc(&d);
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    note_tokens(c);
    OK(wf_jwt_exchange(c), c);
    note_tokens(c);
    CONTAINS(g_trace.p, "jwt_token=<redacted>");
    /* ... and with the wrong key */
    d.jwt_key_file = g_other_key_path;
    c = client_desc(&d);
    CHECK(WF_ERR_AUTH, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    note_error(c);
    modes++;

    /* IMS */
    traced_desc(&d);
    d.bearer = IMS_TOKEN;
    d.ims_org = IMS_ORG;
    c = client_desc(&d);
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    CONTAINS(g_trace.p, "Authorization: <redacted>");
    CONTAINS(g_trace.p, "x-gw-ims-org-id: " IMS_ORG);
    modes++;

    /* API key actions: the answer carries a key */
    traced_desc(&d);
    c = client_desc(&d);
    OK(wf_api_key(c, WF_API_KEY_GENERATE, WFH_ADMIN_USERNAME, WFH_ADMIN_PASSWORD, key2, sizeof key2), c);
    secret(key2, 12);
    OK(wf_api_key(c, WF_API_KEY_GET, WFH_ADMIN_USERNAME, WFH_ADMIN_PASSWORD, key2, sizeof key2), c);
    CHECK(WF_ERR_AUTH, wf_api_key(c, WF_API_KEY_GET, WFH_ADMIN_USERNAME, "wrong-Pa55-xyz", key2, sizeof key2), c);
    note_error(c);
    modes++;

    print_message("trace: %d auth modes, %ld lines, %zu bytes, %d secrets checked\n", modes, g_trace.lines, g_trace.len, S.n);
    assert_true(g_trace.lines > 100);
    if (leaks(g_trace.p, which, sizeof which)) {
        print_error("a secret is in the trace or an error text: %s\n", which);
        fail();
    }
}

/* ------------------------------------------- secrets wiped when destroyed
   A counting allocator that, while armed, looks into every block it frees
   for a secret that should have been wiped. */
typedef struct scan_alloc {
    long long live, allocs, frees, hits_armed, hits_before;
    bool armed;
    char first_hit[200];
} scan_alloc;
typedef union scan_hdr { struct { size_t size; unsigned magic; } h; long double ld; void *vp; long long ll; } scan_hdr;

static bool block_has_secret(const unsigned char *p, size_t n, char *which, size_t cap) {
    int i;
    for (i = 0; i < S.n; i++) {
        size_t sl = strlen(S.s[i]), k;
        if (sl < 8 || sl > n) continue;
        for (k = 0; k + sl <= n; k++)
            if (p[k] == (unsigned char)S.s[i][0] && memcmp(p + k, S.s[i], sl) == 0) {
                snprintf(which, cap, "%s", S.s[i]);
                return true;
            }
    }
    return false;
}

static void *scan_alloc_fn(size_t n, void *user) {
    scan_alloc *a = (scan_alloc *)user;
    scan_hdr *h = (scan_hdr *)malloc(sizeof *h + n);
    if (!h) return NULL;
    /* defined bytes: scan_free_fn reads the whole block, including capacity
       the library never wrote (valgrind would report the scan itself) */
    memset(h + 1, 0, n);
    h->h.size = n;
    h->h.magic = 0x5ca9u;
    a->live++;
    a->allocs++;
    return h + 1;
}

static void scan_free_fn(void *p, void *user) {
    scan_alloc *a = (scan_alloc *)user;
    scan_hdr *h;
    char which[128];
    if (!p) return;
    h = (scan_hdr *)p - 1;
    if (h->h.magic != 0x5ca9u) return;
    if (block_has_secret((const unsigned char *)p, h->h.size, which, sizeof which)) {
        if (a->armed) {
            if (!a->hits_armed) snprintf(a->first_hit, sizeof a->first_hit, "%zu-byte block holding %s", h->h.size, which);
            a->hits_armed++;
        } else {
            a->hits_before++;
        }
    }
    h->h.magic = 0;
    a->live--;
    a->frees++;
    free(h);
}

static void destroy_scanned(wf_client *c, scan_alloc *a, const char *mode) {
    untrack_client(c);
    a->armed = true;
    wf_client_destroy(c);
    a->armed = false;
    print_message("%s: %lld blocks freed before destroy still held a secret (not checked); destroy: %lld\n", mode,
                  a->hits_before, a->hits_armed);
    if (a->hits_armed) print_error("%s: wf_client_destroy freed a %s unwiped\n", mode, a->first_hit);
    assert_int_equal(a->hits_armed, 0);
    assert_int_equal(a->live, 0);
}

static void test_secrets_wiped_on_destroy(void **state) {
    wf_client_desc d;
    wf_client *c;
    wf_json data;
    scan_alloc a;
    char *pem, *line;
    (void)state;
    memset(&S, 0, sizeof S);
    secret(WFH_ADMIN_API_KEY, 0);
    secret(WFH_ADMIN_PASSWORD, 0);
    secret(CLIENT_SECRET, 0);
    secret(IMS_TOKEN, 0);
    pem = read_text(g_key_path);
    assert_non_null(pem);
    for (line = strtok(pem, "\n"); line; line = strtok(NULL, "\n"))
        if (strncmp(line, "-----", 5) != 0 && strlen(line) >= 24) secret(line, 0);
    free(pem);

#define SCANNED(which)                                 \
    do {                                               \
        memset(&a, 0, sizeof a);                       \
        desc_on(which, &d);                            \
        d.allocator.alloc_fn = scan_alloc_fn;          \
        d.allocator.free_fn = scan_free_fn;            \
        d.allocator.user_data = &a;                    \
    } while (0)

    SCANNED(WFH_HTTPS);
    d.api_key = WFH_ADMIN_API_KEY;
    c = client_desc(&d);
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    destroy_scanned(c, &a, "api key");

    SCANNED(WFH_HTTP);
    d.username = WFH_ADMIN_USERNAME;
    d.password = WFH_ADMIN_PASSWORD;
    c = client_desc(&d);
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    note_tokens(c);
    destroy_scanned(c, &a, "username/password");

    SCANNED(WFH_HTTP);
    d.client_id = CLIENT_ID;
    d.client_secret = CLIENT_SECRET;
    c = client_desc(&d);
    OK(wf_oauth2_code(c, AUTH_CODE, NULL), c);
    ctl("expire");
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    note_tokens(c);
    destroy_scanned(c, &a, "OAuth2");

    SCANNED(WFH_HTTP);
    d.client_id = CLIENT_ID;
    d.client_secret = CLIENT_SECRET;
    d.jwt_key_file = g_key_path;
    d.customer_id = CUSTOMER_ID;
    d.jwt_user_id = WFH_ADMIN_USER_ID;
    c = client_desc(&d);
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    note_tokens(c);
    destroy_scanned(c, &a, "JWT");

    SCANNED(WFH_HTTPS);
    d.bearer = IMS_TOKEN;
    d.ims_org = IMS_ORG;
    c = client_desc(&d);
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    destroy_scanned(c, &a, "IMS");
#undef SCANNED
}

/* Every allocation of the auth paths goes through desc.allocator ("MEMORY"
   in the header): none through the default WF_MALLOC. */
static void test_auth_allocations_use_client_allocator(void **state) {
    wf_client_desc d;
    wf_client *c;
    wf_json data;
    scan_alloc a;
    long long before, during_login, during_code, during_jwt;
    (void)state;
    memset(&S, 0, sizeof S);
    memset(&a, 0, sizeof a);
    desc_on(WFH_HTTP, &d);
    d.allocator.alloc_fn = scan_alloc_fn;
    d.allocator.free_fn = scan_free_fn;
    d.allocator.user_data = &a;
    d.client_id = CLIENT_ID;
    d.client_secret = CLIENT_SECRET;
    d.jwt_key_file = g_key_path;
    d.customer_id = CUSTOMER_ID;
    d.jwt_user_id = WFH_ADMIN_USER_ID;
    c = client_desc(&d);
    before = g_default_allocs;
    OK(wf_login(c, WFH_ADMIN_USERNAME, WFH_ADMIN_PASSWORD), c);
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    during_login = g_default_allocs - before;
    before = g_default_allocs;
    OK(wf_oauth2_code(c, AUTH_CODE, NULL), c);
    OK(wf_oauth2_refresh(c), c);
    during_code = g_default_allocs - before;
    before = g_default_allocs;
    OK(wf_jwt_exchange(c), c);
    during_jwt = g_default_allocs - before;
    print_message("default-allocator allocations: login %lld, OAuth2 %lld, JWT exchange %lld; client allocator: %lld\n",
                  during_login, during_code, during_jwt, a.allocs);
    drop_client(c);
    assert_int_equal(a.live, 0);
    assert_int_equal(during_login, 0);
    assert_int_equal(during_code, 0);
    assert_int_equal(during_jwt, 0);
}

/* ======================================================================= */

#define T(name) { #name, test_##name, wfh_fixture_setup_reset, wfh_fixture_teardown, NULL }

int main(int argc, char **argv) {
    static const struct CMUnitTest all[] = {
        T(jwt_sign_and_verify),
        T(jwt_exchange),
        T(oauth2_code),
        T(refresh_after_expiry),
        T(renew_login_and_jwt),
        T(renew_callback),
        T(ims_headers),
        T(no_renewal_loop),
        T(traces_without_secrets),
        T(secrets_wiped_on_destroy),
        T(auth_allocations_use_client_allocator),
    };
    int rc = WFH_RUN("auth", all, group_setup, group_teardown, argc, argv);
    free(g_trace.p);
    return rc;
}
