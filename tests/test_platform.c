/* tests/test_platform.c - the platform section and what rests on it.

   Built twice (make platform):
   - build/test_platform: the default POSIX build.  The header's own integer
     formatter against the C library's, checked doubles, the file primitives
     (private temp-then-rename writes, 64-bit sizes of a sparse file above
     2 GiB) and an upload of such a file whose Content-Length is checked
     without sending the bytes.
   - build/test_platform_hooks (-DWFT_HOOKS): WF_NO_SOCKETS with every hook
     replaced by the test's own (clock, sleep, wall time, entropy, double
     formatting), driven through an in-memory transport. */
/* system headers come first here, so the feature macros workfront.h would set */
#define _POSIX_C_SOURCE 200809L
#define _FILE_OFFSET_BITS 64
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>

#ifdef WFT_HOOKS
#  include <stdint.h>
#  include <stddef.h>
static uint64_t wft_now_ms(void);
static void wft_sleep_ms(int ms);
static long long wft_time_s(void);
static int wft_entropy(void *data, unsigned char *out, size_t len, size_t *olen);
static int wft_format_double(char *buf, size_t cap, double v);
#  define WF_NO_SOCKETS
#  define WF_NOW_MS() wft_now_ms()
#  define WF_SLEEP_MS(ms) wft_sleep_ms(ms)
#  define WF_TIME_S() wft_time_s()
#  define WF_ENTROPY_SOURCE wft_entropy
#  define WF_FORMAT_DOUBLE(buf, cap, v) wft_format_double(buf, cap, v)
#endif

#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"
#include "harness.h" /* WFH_RUN */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

/* ------------------------------------------------------------ shared */

static bool has(const char *hay, const char *needle) { return hay && strstr(hay, needle) != NULL; }

/* An in-memory transport: every connection answers the next scripted
   response, then ends the stream; what was sent is kept. */
typedef struct wft_wire {
    const char *responses[8];
    int nresp, conn;            /* conn: connections made so far */
    size_t at;                  /* read position in the current response */
    char sent[8192];
    size_t sent_len;
    long long sent_total;       /* every byte accepted, head and body */
    bool fail_after_head;       /* refuse body bytes once the head is complete */
} wft_wire;

static wf_result wire_connect(void *user, const char *host, int port, int timeout_ms, wf_error *err) {
    wft_wire *w = (wft_wire *)user;
    (void)host; (void)port; (void)timeout_ms;
    if (w->conn >= w->nresp) return wf__fail(err, WF_ERR_CONNECT, "no scripted response left");
    w->conn++;
    w->at = 0;
    return WF_OK;
}

static long wire_send(void *user, const unsigned char *buf, size_t len, int timeout_ms, wf_error *err) {
    wft_wire *w = (wft_wire *)user;
    size_t k = len < sizeof w->sent - 1 - w->sent_len ? len : sizeof w->sent - 1 - w->sent_len;
    (void)timeout_ms; (void)err;
    if (w->fail_after_head && strstr(w->sent, "\r\n\r\n")) return -(long)WF_ERR_IO;
    memcpy(w->sent + w->sent_len, buf, k);
    w->sent_len += k;
    w->sent[w->sent_len] = 0;
    w->sent_total += (long long)len;
    return (long)len;
}

static long wire_recv(void *user, unsigned char *buf, size_t cap, int timeout_ms, wf_error *err) {
    wft_wire *w = (wft_wire *)user;
    const char *r = w->responses[w->conn - 1];
    size_t n = strlen(r) - w->at;
    (void)err;
    if (timeout_ms == 0 && n == 0) return -(long)WF_ERR_TIMEOUT;
    if (n > cap) n = cap;
    memcpy(buf, r + w->at, n);
    w->at += n;
    return (long)n; /* 0 at the end: the server closed */
}

static void wire_close(void *user) { (void)user; }

static wf_client *wire_client(wft_wire *w, const char *url) {
    static wf_transport tr;
    wf_client_desc d;
    wf_client *c = NULL;
    wf_error e;
    tr.connect = wire_connect;
    tr.send = wire_send;
    tr.recv = wire_recv;
    tr.close = wire_close;
    tr.user = w;
    memset(&d, 0, sizeof d);
    d.url = url;
    d.api_key = "k";
    d.transport = &tr;
    d.no_env_proxy = true;
    if (wf_client_create(&d, &c, &e) != WF_OK) fail_msg("wf_client_create: %s", e.text);
    return c;
}

#define RESP_OK "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nConnection: close\r\n\r\n{\"data\":[]}"

#ifndef WFT_HOOKS
/* ------------------------------------------------- default build only */

/* The header's formatter must agree with glibc's printf on everything the
   header asks of it (wf__vsnprintf is what error texts and logs use). */
static void test_format_integers_like_printf(void **state) {
    char a[128], b[128];
    (void)state;
#define SAME(...) do { int na = wf__snprintf(a, sizeof a, __VA_ARGS__), nb = snprintf(b, sizeof b, __VA_ARGS__); \
        assert_string_equal(a, b); assert_int_equal(na, nb); } while (0)
    SAME("%d %d %d", INT_MIN, 0, INT_MAX);
    SAME("%i|%u|%u", -7, 0u, UINT_MAX);
    SAME("%lld %lld %lld", LLONG_MIN, 0LL, LLONG_MAX);
    SAME("%ld %lu", LONG_MIN, ULONG_MAX);
    SAME("%zu %zu", (size_t)0, (size_t)-1);
    SAME("%x %X %04x %08x", 0xbeefu, 0xbeefu, 0x7u, 0xdeadbeefu);
    SAME("[%5d] [%-5d] [%05d] [%05d] [%.3d]", 42, 42, 42, -42, 7);
    SAME("[%*d] [%-*d]", 6, 12, 6, 12);
    SAME("[%s] [%.3s] [%.*s] [%10s] [%-10s]", "workfront", "workfront", 4, "workfront", "wf", "wf");
    SAME("%c%c%% 100%%", 'o', 'k');
    SAME("-0x%04x", 0x7780u);
    SAME("%.200s port %d: %s", "host.example", 443, "Connection refused");
#undef SAME
    /* truncation: the full length is returned, the output always ends */
    assert_int_equal(wf__snprintf(a, 5, "%s", "hello world"), 11);
    assert_string_equal(a, "hell");
    assert_int_equal(wf__snprintf(a, 1, "%lld", 123LL), 3);
    assert_string_equal(a, "");
}

/* Integers in queries and JSON never go through the C library's printf
   (newlib-nano printed "ld" for %lld and reported success). */
static void test_integers_in_queries_and_json(void **state) {
    wf_query q;
    wf_updates u;
    const char *js;
    (void)state;
    memset(&q, 0, sizeof q);
    assert_int_equal(wf_query_add_int(&q, "a", LLONG_MIN), WF_OK);
    assert_int_equal(wf_query_add_int(&q, "b", LLONG_MAX), WF_OK);
    assert_int_equal(wf_query_add_int(&q, "c", 0), WF_OK);
    assert_string_equal(wf_query_str(&q), "a=-9223372036854775808&b=9223372036854775807&c=0");
    wf_query_free(&q);
    memset(&u, 0, sizeof u);
    wf_updates_set_int(&u, "min", LLONG_MIN);
    wf_updates_set_int(&u, "max", LLONG_MAX);
    wf_updates_set_int(&u, "neg", -42);
    js = wf_updates_json(&u, NULL);
    assert_non_null(js);
    assert_string_equal(js, "{\"min\":-9223372036854775808,\"max\":9223372036854775807,\"neg\":-42}");
    wf_updates_free(&u);
}

/* Doubles go out as the shortest text that reads back the same. */
static void test_doubles_round_trip(void **state) {
    static const double v[] = { 0.1, -0.0, 1e300, -1e-300, 5e-324, 123456789.0, 0.5, 2.0 / 3.0 };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        char t[48];
        size_t n = wf__fmt_double(t, sizeof t, v[i]);
        assert_true(n > 0);
        assert_true(strtod(t, NULL) == v[i]);
    }
    {
        char t[48];
        double zero = 0.0;
        assert_int_equal(wf__fmt_double(t, sizeof t, zero / zero), 0); /* NaN has no JSON form */
        assert_int_equal(wf__fmt_double(t, 4, 0.1), 0);               /* does not fit: refused, not cut */
    }
}

static char g_dir[256];

static void path_in(char *out, size_t cap, const char *name) { snprintf(out, cap, "%s/%s", g_dir, name); }

static int count_entries(void) {
    DIR *d = opendir(g_dir);
    struct dirent *e;
    int n = 0;
    if (!d) return -1;
    while ((e = readdir(d)) != NULL) if (e->d_name[0] != '.') n++;
    closedir(d);
    return n;
}

static int dir_setup(void **state) {
    const char *tmp = getenv("TMPDIR");
    (void)state;
    snprintf(g_dir, sizeof g_dir, "%s/wf-platform-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    return mkdtemp(g_dir) ? 0 : -1;
}

static int dir_teardown(void **state) {
    DIR *d = opendir(g_dir);
    struct dirent *e;
    char p[600];
    (void)state;
    if (d) {
        while ((e = readdir(d)) != NULL)
            if (e->d_name[0] != '.') { snprintf(p, sizeof p, "%s/%s", g_dir, e->d_name); unlink(p); }
        closedir(d);
    }
    rmdir(g_dir);
    return 0;
}

/* Private files: created 0600 under a temporary name, renamed over the
   target only when complete; a write that is abandoned leaves nothing. */
static void test_file_private_write(void **state) {
    wf_allocator a;
    wf__file f;
    wf_error e;
    char path[300], *text = NULL;
    size_t len = 0;
    struct stat st;
    (void)state;
    memset(&a, 0, sizeof a);
    path_in(path, sizeof path, "cache.json");
    assert_int_equal(wf__file_create_temp(&a, &f, path, "the token cache", &e), WF_OK);
    assert_int_equal(stat(f.tmp, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(path, &st), -1); /* nothing under the real name yet */
    assert_int_equal(wf__file_write(&f, "{\"v\":1}", 7, &e), WF_OK);
    assert_int_equal(wf__file_commit(&a, &f, &e), WF_OK);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(count_entries(), 1);
    assert_int_equal(wf__file_read_all(&a, path, 1024, "the token cache", &text, &len, &e), WF_OK);
    assert_string_equal(text, "{\"v\":1}");
    assert_int_equal(len, 7);
    free(text);
    /* replaced whole, or not at all */
    assert_int_equal(wf__file_create_temp(&a, &f, path, "the token cache", &e), WF_OK);
    assert_int_equal(wf__file_write(&f, "{\"v\":2", 6, &e), WF_OK);
    wf__file_close(&a, &f); /* abandoned */
    assert_int_equal(count_entries(), 1);
    assert_int_equal(wf__file_read_all(&a, path, 1024, "", &text, &len, &e), WF_OK);
    assert_string_equal(text, "{\"v\":1}");
    free(text);
    assert_int_equal(wf__file_create_temp(&a, &f, path, "", &e), WF_OK);
    assert_int_equal(wf__file_write(&f, "{\"v\":2}", 7, &e), WF_OK);
    assert_int_equal(wf__file_commit(&a, &f, &e), WF_OK);
    assert_int_equal(wf__file_read_all(&a, path, 1024, "", &text, &len, &e), WF_OK);
    assert_string_equal(text, "{\"v\":2}");
    free(text);
    /* limits and errors say what and where */
    assert_int_equal(wf__file_read_all(&a, path, 3, "the token cache", &text, &len, &e), WF_ERR_FILE);
    assert_true(has(e.text, "the token cache") && has(e.text, "larger than"));
    path_in(path, sizeof path, "missing.pem");
    assert_int_equal(wf__file_read_all(&a, path, 1024, "the JWT key", &text, &len, &e), WF_ERR_FILE);
    assert_true(has(e.text, "cannot read the JWT key") && has(e.text, "missing.pem") && has(e.text, "No such file"));
    assert_int_equal(e.sys_errno, ENOENT);
    path_in(path, sizeof path, "no-such-dir/cache.json");
    assert_int_equal(wf__file_create_temp(&a, &f, path, "the token cache", &e), WF_ERR_FILE);
    assert_true(has(e.text, "cannot create the token cache"));
    assert_int_equal(wf__file_remove(path, &e), WF_OK); /* absent: nothing to do */
}

/* Makes a sparse file of size bytes; false when the file system cannot. */
static bool make_sparse(const char *path, long long size) {
    FILE *f = fopen(path, "wb");
    bool ok;
    if (!f) return false;
    ok = ftruncate(fileno(f), (off_t)size) == 0;
    fclose(f);
    return ok;
}

/* 64-bit sizes: a file above 2 GiB (and above 4 GiB) is sized exactly. */
static void test_file_size_above_2gib(void **state) {
    static const long long sizes[] = { 2147483648LL + 5, 4294967296LL + 3 };
    char path[300];
    size_t i;
    (void)state;
    path_in(path, sizeof path, "big.bin");
    for (i = 0; i < 2; i++) {
        wf__file f;
        wf_error e;
        uint64_t size = 0;
        if (!make_sparse(path, sizes[i])) skip();
        assert_int_equal(wf__file_open_read(&f, path, "", &e), WF_OK);
        assert_int_equal(wf__file_size(&f, &size, path, &e), WF_OK);
        assert_true(size == (uint64_t)sizes[i]);
        wf__file_close(NULL, &f);
    }
    unlink(path);
}

/* An upload of a 3 GiB file announces all of it: the head is checked and
   the body refused after it, so nothing like 3 GiB is sent. */
static void test_upload_above_2gib_content_length(void **state) {
    const long long size = 3221225472LL + 7;
    wft_wire w;
    wf_client *c;
    wf_upload_desc d;
    char path[300];
    const char *cl;
    long long n;
    (void)state;
    path_in(path, sizeof path, "big-upload.bin");
    if (!make_sparse(path, size)) skip();
    memset(&w, 0, sizeof w);
    w.responses[0] = RESP_OK;
    w.nresp = 1;
    w.fail_after_head = true;
    c = wire_client(&w, "http://wf.test");
    memset(&d, 0, sizeof d);
    d.file = path;
    assert_int_not_equal(wf_upload(c, &d, NULL, NULL), WF_OK); /* the body was refused */
    cl = strstr(w.sent, "Content-Length: ");
    assert_non_null(cl);
    n = atoll(cl + 16);
    assert_true(n > size && n < size + 1024); /* the file plus the multipart framing */
    assert_true(w.sent_total < 1 << 20);
    wf_client_destroy(c);
    unlink(path);
}

int main(int argc, char **argv) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_integers_like_printf),
        cmocka_unit_test(test_integers_in_queries_and_json),
        cmocka_unit_test(test_doubles_round_trip),
        cmocka_unit_test(test_file_private_write),
        cmocka_unit_test(test_file_size_above_2gib),
        cmocka_unit_test(test_upload_above_2gib_content_length),
    };
    return WFH_RUN("platform", tests, dir_setup, dir_teardown, argc, argv);
}

#else /* WFT_HOOKS */
/* ---------------------------------------------------- the hooks build */

static uint64_t g_now = 1000000;   /* the fake monotonic clock */
static long long g_time = 784111777; /* Sun, 06 Nov 1994 08:49:37 GMT */
static int g_slept, g_sleeps;
static int g_entropy_mode, g_entropy_calls; /* 0: good bytes, 1: fail */
static int g_fmt_mode;             /* 0: the C library, 1.. ways to fail */

static uint64_t wft_now_ms(void) { return g_now; }
static void wft_sleep_ms(int ms) { g_slept += ms; g_sleeps++; g_now += (uint64_t)ms; }
static long long wft_time_s(void) { return g_time; }

static int wft_entropy(void *data, unsigned char *out, size_t len, size_t *olen) {
    static uint64_t x = 0x9E3779B97F4A7C15ull; /* a test stands in for a hardware RNG */
    size_t i;
    (void)data;
    g_entropy_calls++;
    if (g_entropy_mode == 1) return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
    for (i = 0; i < len; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; out[i] = (unsigned char)x; }
    *olen = len;
    return 0;
}

/* What C libraries without float formatting do, one way per mode. */
static int wft_format_double(char *buf, size_t cap, double v) {
    switch (g_fmt_mode) {
    case 1: return -1;                                   /* an error */
    case 2: buf[0] = 0; return 0;                        /* nothing (newlib-nano) */
    case 3: return snprintf(buf, cap, "g");              /* the conversion letter */
    case 4: return snprintf(buf, cap, "%.1f", v + 1.0);  /* a wrong number */
    case 5: memset(buf, '7', cap); return (int)cap + 10; /* runs past the buffer's end */
    default: return snprintf(buf, cap, "%.17g", v);
    }
}

static void test_no_sockets_needs_a_transport(void **state) {
    wf_client_desc d;
    wf_client *c = NULL;
    wf_error e;
    (void)state;
    memset(&d, 0, sizeof d);
    d.url = "http://wf.test";
    assert_int_equal(wf_client_create(&d, &c, &e), WF_ERR_INVALID);
    assert_null(c);
    assert_true(has(e.text, "WF_NO_SOCKETS") && has(e.text, "transport"));
}

/* Retry-After seconds wait through WF_SLEEP_MS, on WF_NOW_MS's clock. */
static void test_retry_waits_through_the_sleep_hook(void **state) {
    wft_wire w;
    wf_client *c;
    wf_json data;
    (void)state;
    memset(&w, 0, sizeof w);
    w.responses[0] = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    w.responses[1] = RESP_OK;
    w.nresp = 2;
    c = wire_client(&w, "http://wf.test");
    g_slept = g_sleeps = 0;
    assert_int_equal(wf_request(c, "GET", "task/search", NULL, NULL, &data), WF_OK);
    assert_int_equal(w.conn, 2);
    assert_int_equal(g_sleeps, 1);
    assert_int_equal(g_slept, 7000);
    wf_client_destroy(c);
}

/* An HTTP-date in Retry-After is read against WF_TIME_S. */
static void test_retry_after_date_uses_the_wall_clock_hook(void **state) {
    wft_wire w;
    wf_client *c;
    wf_json data;
    (void)state;
    memset(&w, 0, sizeof w);
    w.responses[0] = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: Sun, 06 Nov 1994 08:49:42 GMT\r\n"
                     "Content-Length: 0\r\nConnection: close\r\n\r\n";
    w.responses[1] = RESP_OK;
    w.nresp = 2;
    c = wire_client(&w, "http://wf.test");
    g_slept = g_sleeps = 0;
    g_time = 784111777;
    assert_int_equal(wf_request(c, "GET", "task/search", NULL, NULL, &data), WF_OK);
    assert_int_equal(g_slept, 5000);
    wf_client_destroy(c);
}

/* Without a wall clock a JWT cannot carry true claims: refused. */
static void test_jwt_needs_the_wall_clock(void **state) {
    wft_wire w;
    wf_client *c;
    wf_client_desc d;
    wf_transport tr;
    wf_error e;
    (void)state;
    memset(&w, 0, sizeof w);
    tr.connect = wire_connect; tr.send = wire_send; tr.recv = wire_recv; tr.close = wire_close; tr.user = &w;
    memset(&d, 0, sizeof d);
    d.url = "http://wf.test";
    d.transport = &tr;
    d.no_env_proxy = true;
    d.jwt_key_pem = "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n";
    d.customer_id = "cust";
    d.jwt_user_id = "user";
    d.client_id = "id";
    d.client_secret = "secret";
    assert_int_equal(wf_client_create(&d, &c, &e), WF_OK);
    g_time = 0;
    assert_int_equal(wf_jwt_exchange(c), WF_ERR_UNSUPPORTED);
    assert_true(has(wf_client_error(c)->text, "WF_TIME_S"));
    assert_int_equal(w.conn, 0); /* nothing was sent */
    g_time = 784111777;
    wf_client_destroy(c);
}

/* A C library that cannot format doubles gives an error, at once. */
static void test_double_formatter_failures(void **state) {
    int mode;
    (void)state;
    for (mode = 0; mode <= 5; mode++) {
        wf_updates u;
        wf_result r;
        memset(&u, 0, sizeof u);
        g_fmt_mode = mode;
        r = wf_updates_key(&u, "hours") ? u.result : wf_updates_double(&u, 2.0);
        if (mode == 0) {
            assert_int_equal(r, WF_OK);
            assert_string_equal(wf_updates_json(&u, NULL), "{\"hours\":2}");
        } else {
            assert_int_equal(r, WF_ERR_UNSUPPORTED);
            assert_null(wf_updates_json(&u, NULL));
        }
        wf_updates_free(&u);
    }
    g_fmt_mode = 0;
}

/* TLS seeds from WF_ENTROPY_SOURCE; when it fails, so does the client. */
static void test_entropy_hook(void **state) {
    wft_wire w;
    wf_client_desc d;
    wf_transport tr;
    wf_client *c = NULL;
    wf_error e;
    (void)state;
    memset(&w, 0, sizeof w);
    tr.connect = wire_connect; tr.send = wire_send; tr.recv = wire_recv; tr.close = wire_close; tr.user = &w;
    memset(&d, 0, sizeof d);
    d.url = "https://wf.test";
    d.transport = &tr;
    d.no_env_proxy = true;
    d.ca_file = getenv("WFT_CA_FILE");
    if (!d.ca_file) d.ca_file = "build/certs/ca.pem";
    if (access(d.ca_file, R_OK) != 0) d.ca_file = NULL; /* then the system bundle */
    g_entropy_mode = 0;
    g_entropy_calls = 0;
    assert_int_equal(wf_client_create(&d, &c, &e), WF_OK);
    assert_true(g_entropy_calls > 0);
    wf_client_destroy(c);
    g_entropy_mode = 1;
    assert_int_not_equal(wf_client_create(&d, &c, &e), WF_OK);
    assert_null(c);
    assert_int_equal(e.result, WF_ERR_TLS);
    assert_true(has(e.text, "entropy"));
    g_entropy_mode = 0;
}

int main(int argc, char **argv) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_sockets_needs_a_transport),
        cmocka_unit_test(test_retry_waits_through_the_sleep_hook),
        cmocka_unit_test(test_retry_after_date_uses_the_wall_clock_hook),
        cmocka_unit_test(test_jwt_needs_the_wall_clock),
        cmocka_unit_test(test_double_formatter_failures),
        cmocka_unit_test(test_entropy_hook),
    };
    return WFH_RUN("platform-hooks", tests, NULL, NULL, argc, argv);
}
#endif
