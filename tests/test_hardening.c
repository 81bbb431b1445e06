/* Hardening tests over real sockets: retries and backoff, TLS resumption,
   the three timeouts against stalling servers, the CONNECT proxy with
   NO_PROXY and Basic auth, unexpected encodings. */
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

static wfh_server srv;
static wf_client *ctl;
static pid_t faults_pid;
static int proxy_port, authproxy_port, blackhole_port;

/* Starts tests/tools/faults.py and reads its ports from the pipe. */
static int faults_start(void) {
    int fd[2];
    char buf[512];
    size_t n = 0;
    long long until = wfh_now_ms() + 15000;
    if (pipe(fd) != 0) return -1;
    faults_pid = fork();
    if (faults_pid < 0) return -1;
    if (faults_pid == 0) {
#ifdef __linux__
        prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
        dup2(fd[1], 1);
        close(fd[0]);
        execlp("python3", "python3", "tests/tools/faults.py", (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    while (n < sizeof buf - 1 && wfh_now_ms() < until) {
        ssize_t k = read(fd[0], buf + n, sizeof buf - 1 - n);
        if (k <= 0) break;
        n += (size_t)k;
        buf[n] = 0;
        if (strstr(buf, "READY")) break;
    }
    close(fd[0]);
    buf[n] = 0;
    if (!strstr(buf, "READY")) return -1;
    sscanf(strstr(buf, "PROXY_PORT=") + 11, "%d", &proxy_port);
    sscanf(strstr(buf, "AUTHPROXY_PORT=") + 15, "%d", &authproxy_port);
    sscanf(strstr(buf, "BLACKHOLE_PORT=") + 15, "%d", &blackhole_port);
    return proxy_port && authproxy_port && blackhole_port ? 0 : -1;
}

static void faults_stop(void) {
    if (faults_pid > 0) {
        kill(faults_pid, SIGTERM);
        waitpid(faults_pid, NULL, 0);
        faults_pid = 0;
    }
}

static int group_setup(void **st) {
    (void)st;
    if (wfh_server_start(&srv) != 0) return -1;
    if (faults_start() != 0) { wfh_server_stop(&srv); return -1; }
    return wfh_control_client(&srv, &ctl) == WF_OK ? 0 : -1;
}

static int group_teardown(void **st) {
    (void)st;
    wf_client_destroy(ctl);
    faults_stop();
    wfh_server_stop(&srv);
    return 0;
}

static int reset(void **st) {
    (void)st;
    return wfh_ctl(ctl, "reset", NULL) == WF_OK ? 0 : -1;
}

static wf_client *client(int which, void (*tweak)(wf_client_desc *)) {
    wf_client_desc d;
    wf_client *c = NULL;
    wf_error e;
    wfh_desc(&srv, which, &d);
    d.api_key = WFH_ADMIN_API_KEY;
    d.retry_base_ms = 20;
    d.no_env_proxy = true;
    if (tweak) tweak(&d);
    if (wf_client_create(&d, &c, &e) != WF_OK) fail_msg("create: %s", e.text);
    return c;
}

static wf_result one_search(wf_client *c) {
    wf_query q;
    wf_json data;
    wf_result r;
    memset(&q, 0, sizeof q);
    wf_query_fields(&q, "name");
    wf_query_limit(&q, 0, 3);
    r = wf_search(c, "task", &q, &data);
    if (r == WF_OK) assert_int_equal(wf_json_len(data), 3);
    wf_query_free(&q);
    return r;
}

/* ------------------------------------------------------------- retries */

static void test_retry_429_then_success(void **st) {
    wf_client *c = client(WFH_HTTP, NULL);
    wfh_stats a, b;
    (void)st;
    assert_int_equal(wfh_config(ctl, "force_status=429&count=2&retry_after=0"), WF_OK);
    wfh_get_stats(ctl, &a);
    if (one_search(c) != WF_OK) fail_msg("%s", wf_client_error(c)->text);
    wfh_get_stats(ctl, &b);
    assert_int_equal(wf_client_error(c)->attempts, 3);
    assert_int_equal(b.requests - a.requests, 3);
    wf_client_destroy(c);
}

static void test_retry_503_backoff_without_retry_after(void **st) {
    wf_client *c = client(WFH_HTTPS, NULL);
    (void)st;
    assert_int_equal(wfh_config(ctl, "force_status=503&count=1"), WF_OK);
    if (one_search(c) != WF_OK) fail_msg("%s", wf_client_error(c)->text);
    assert_int_equal(wf_client_error(c)->attempts, 2);
    wf_client_destroy(c);
}

static void test_write_never_replayed_on_429(void **st) {
    wf_client *c = client(WFH_HTTP, NULL);
    wfh_stats a, b;
    wf_updates u;
    wf_json data;
    (void)st;
    memset(&u, 0, sizeof u);
    wf_updates_set_str(&u, "name", "not twice");
    wf_updates_set_str(&u, "projectID", "4c78821c0000d6fa8d5e52f07a1d54d0");
    assert_int_equal(wfh_config(ctl, "force_status=429&count=1&retry_after=0"), WF_OK);
    wfh_get_stats(ctl, &a);
    assert_int_equal(wf_create(c, "task", NULL, &u, &data), WF_ERR_THROTTLED);
    wfh_get_stats(ctl, &b);
    assert_int_equal(b.requests - a.requests, 1);
    assert_int_equal(wf_client_error(c)->attempts, 1);
    assert_int_equal(wf_client_error(c)->http_status, 429);
    wf_updates_free(&u);
    wf_client_destroy(c);
}

static void tweak_short(wf_client_desc *d) { d->timeout_ms = 1500; }

static void test_retry_after_beyond_timeout_fails_fast(void **st) {
    wf_client *c = client(WFH_HTTP, tweak_short);
    long long t0;
    (void)st;
    assert_int_equal(wfh_config(ctl, "force_status=503&count=5&retry_after=120"), WF_OK);
    t0 = wfh_now_ms();
    assert_int_equal(one_search(c), WF_ERR_THROTTLED);
    assert_true(wfh_now_ms() - t0 < 1000);
    assert_int_equal(wf_client_error(c)->attempts, 1);
    wf_client_destroy(c);
}

static void tweak_no_retry(wf_client_desc *d) { d->max_retries = -1; }

static void test_retries_can_be_disabled(void **st) {
    wf_client *c = client(WFH_HTTP, tweak_no_retry);
    (void)st;
    assert_int_equal(wfh_config(ctl, "force_status=429&count=1&retry_after=0"), WF_OK);
    assert_int_equal(one_search(c), WF_ERR_THROTTLED);
    assert_int_equal(wf_client_error(c)->attempts, 1);
    wf_client_destroy(c);
}

/* ----------------------------------------------- reuse and resumption */

static void test_keepalive_one_handshake(void **st) {
    wf_client *c = client(WFH_HTTPS, NULL);
    wfh_stats a, b;
    int i;
    (void)st;
    wfh_get_stats(ctl, &a);
    for (i = 0; i < 10; i++) assert_int_equal(one_search(c), WF_OK);
    wfh_get_stats(ctl, &b);
    assert_int_equal(b.connections - a.connections, 1);
    assert_int_equal(b.tls_full - a.tls_full, 1);
    assert_int_equal(b.tls_resumed - a.tls_resumed, 0);
    wf_client_destroy(c);
}

static void test_tls_resumption_after_server_close(void **st) {
    wf_client *c = client(WFH_HTTPS, NULL);
    wfh_stats a, b;
    int i;
    (void)st;
    assert_int_equal(wfh_config(ctl, "close=1"), WF_OK);
    wfh_get_stats(ctl, &a);
    for (i = 0; i < 5; i++) assert_int_equal(one_search(c), WF_OK);
    wfh_get_stats(ctl, &b);
    assert_int_equal(b.connections - a.connections, 5);
    /* one full handshake, then resumptions */
    assert_int_equal(b.tls_full - a.tls_full, 1);
    assert_int_equal(b.tls_resumed - a.tls_resumed, 4);
    wf_client_destroy(c);
}

/* ------------------------------------------------------------ timeouts */

static void tweak_blackhole(wf_client_desc *d) {
    static char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", blackhole_port);
    d->url = url;
    d->connect_timeout_ms = 300;
    d->timeout_ms = 5000;
}

static void test_connect_timeout(void **st) {
    wf_client *c = client(WFH_HTTP, tweak_blackhole);
    long long t0 = wfh_now_ms(), dt;
    (void)st;
    assert_int_equal(one_search(c), WF_ERR_TIMEOUT);
    dt = wfh_now_ms() - t0;
    assert_true(dt >= 250 && dt < 2000);
    assert_non_null(strstr(wf_client_error(c)->text, "timed out"));
    wf_client_destroy(c);
}

static void tweak_idle(wf_client_desc *d) { d->read_timeout_ms = 300; d->timeout_ms = 5000; }

static void test_read_idle_timeout_no_answer(void **st) {
    wf_client *c = client(WFH_HTTP, tweak_idle);
    long long t0, dt;
    (void)st;
    assert_int_equal(wfh_config(ctl, "stall=accept"), WF_OK);
    t0 = wfh_now_ms();
    assert_int_equal(one_search(c), WF_ERR_TIMEOUT);
    dt = wfh_now_ms() - t0;
    assert_true(dt >= 250 && dt < 2000);
    assert_non_null(strstr(wf_client_error(c)->text, "nothing received"));
    wf_client_destroy(c);
}

static void test_read_idle_timeout_body_stalls(void **st) {
    wf_client *c = client(WFH_HTTPS, tweak_idle);
    long long t0, dt;
    (void)st;
    assert_int_equal(wfh_config(ctl, "stall=body"), WF_OK);
    t0 = wfh_now_ms();
    assert_int_equal(one_search(c), WF_ERR_TIMEOUT);
    dt = wfh_now_ms() - t0;
    assert_true(dt >= 250 && dt < 2000);
    assert_non_null(strstr(wf_client_error(c)->text, "incomplete"));
    wf_client_destroy(c);
}

static void tweak_total(wf_client_desc *d) { d->read_timeout_ms = 2000; d->timeout_ms = 800; }

static void test_total_timeout_trickle(void **st) {
    wf_client *c;
    long long t0, dt;
    (void)st;
    c = client(WFH_HTTP, tweak_total);
    /* one byte every 50 ms never trips the idle timer, only the total one */
    assert_int_equal(wfh_config(ctl, "trickle_ms=50"), WF_OK);
    t0 = wfh_now_ms();
    assert_int_equal(one_search(c), WF_ERR_TIMEOUT);
    dt = wfh_now_ms() - t0;
    assert_true(dt >= 700 && dt < 2500);
    wf_client_destroy(c);
}

/* --------------------------------------------------------------- proxy */

static long long proxy_tunnels(int port) {
    wf_client_desc d;
    wf_client *p = NULL;
    char url[64];
    wf_json data;
    long long n = -1;
    memset(&d, 0, sizeof d);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    d.url = url;
    d.no_env_proxy = true;
    if (wf_client_create(&d, &p, NULL) == WF_OK && wf_request(p, "GET", "stats", NULL, NULL, &data) == WF_OK)
        wf_json_int(wf_json_get(data, "tunnels"), &n);
    wf_client_destroy(p);
    return n;
}

static char proxy_url[128];
static void tweak_proxy(wf_client_desc *d) { d->proxy = proxy_url; }

static void collect(void *u, wf_log_level l, const char *line) {
    (void)l;
    strncat((char *)u, line, 16000 - strlen((char *)u) - 2);
    strcat((char *)u, "\n");
}
static char trace[16384];
static void tweak_proxy_trace(wf_client_desc *d) {
    d->proxy = proxy_url;
    d->logger.fn = collect;
    d->logger.user_data = trace;
    d->logger.level = WF_LOG_TRACE;
}

static void test_https_through_connect_proxy(void **st) {
    wf_client *c;
    long long before = proxy_tunnels(proxy_port);
    wfh_stats a, b;
    (void)st;
    snprintf(proxy_url, sizeof proxy_url, "http://127.0.0.1:%d", proxy_port);
    c = client(WFH_HTTPS, tweak_proxy);
    wfh_get_stats(ctl, &a);
    assert_int_equal(one_search(c), WF_OK);
    assert_int_equal(one_search(c), WF_OK);
    wfh_get_stats(ctl, &b);
    assert_int_equal(proxy_tunnels(proxy_port) - before, 1); /* one tunnel, kept alive */
    assert_int_equal(b.tls_full - a.tls_full, 1);           /* TLS end to end through it */
    wf_client_destroy(c);
}

static void test_proxy_basic_auth(void **st) {
    wf_client *c;
    (void)st;
    snprintf(proxy_url, sizeof proxy_url, "http://127.0.0.1:%d", authproxy_port);
    c = client(WFH_HTTPS, tweak_proxy);
    assert_int_equal(one_search(c), WF_ERR_CONNECT);
    assert_non_null(strstr(wf_client_error(c)->text, "407"));
    wf_client_destroy(c);
    trace[0] = 0;
    snprintf(proxy_url, sizeof proxy_url, "http://proxyuser:proxy-secret@127.0.0.1:%d", authproxy_port);
    c = client(WFH_HTTPS, tweak_proxy_trace);
    if (one_search(c) != WF_OK) fail_msg("%s", wf_client_error(c)->text);
    assert_non_null(strstr(trace, "CONNECT 127.0.0.1"));
    assert_null(strstr(trace, "proxy-secret"));
    assert_null(strstr(trace, "cHJveHl1c2VyOnByb3h5LXNlY3JldA")); /* its base64 either */
    assert_null(strstr(trace, WFH_ADMIN_API_KEY));
    wf_client_destroy(c);
}

static void tweak_env(wf_client_desc *d) { d->no_env_proxy = false; }

static void test_proxy_from_environment_and_no_proxy(void **st) {
    wf_client *c;
    long long t0;
    char env[64];
    (void)st;
    snprintf(env, sizeof env, "http://127.0.0.1:%d", proxy_port);
    setenv("HTTPS_PROXY", env, 1);
    unsetenv("NO_PROXY");
    unsetenv("no_proxy");
    t0 = proxy_tunnels(proxy_port);
    c = client(WFH_HTTPS, tweak_env);
    assert_int_equal(one_search(c), WF_OK);
    wf_client_destroy(c);
    assert_int_equal(proxy_tunnels(proxy_port) - t0, 1);
    setenv("NO_PROXY", "localhost,127.0.0.1", 1);
    t0 = proxy_tunnels(proxy_port);
    c = client(WFH_HTTPS, tweak_env);
    assert_int_equal(one_search(c), WF_OK);
    wf_client_destroy(c);
    assert_int_equal(proxy_tunnels(proxy_port) - t0, 0);
    unsetenv("HTTPS_PROXY");
    unsetenv("NO_PROXY");
}

/* ------------------------------------------------------------ encodings */

static void test_gzip_body_is_reported(void **st) {
    wf_client *c = client(WFH_HTTP, NULL);
    (void)st;
    assert_int_equal(wfh_config(ctl, "gzip=1"), WF_OK);
    assert_int_equal(one_search(c), WF_ERR_ENCODING);
    assert_non_null(strstr(wf_client_error(c)->text, "gzip"));
    wf_client_destroy(c);
}

int main(int argc, char **argv) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_retry_429_then_success, reset),
        cmocka_unit_test_setup(test_retry_503_backoff_without_retry_after, reset),
        cmocka_unit_test_setup(test_write_never_replayed_on_429, reset),
        cmocka_unit_test_setup(test_retry_after_beyond_timeout_fails_fast, reset),
        cmocka_unit_test_setup(test_retries_can_be_disabled, reset),
        cmocka_unit_test_setup(test_keepalive_one_handshake, reset),
        cmocka_unit_test_setup(test_tls_resumption_after_server_close, reset),
        cmocka_unit_test_setup(test_connect_timeout, reset),
        cmocka_unit_test_setup(test_read_idle_timeout_no_answer, reset),
        cmocka_unit_test_setup(test_read_idle_timeout_body_stalls, reset),
        cmocka_unit_test_setup(test_total_timeout_trickle, reset),
        cmocka_unit_test_setup(test_https_through_connect_proxy, reset),
        cmocka_unit_test_setup(test_proxy_basic_auth, reset),
        cmocka_unit_test_setup(test_proxy_from_environment_and_no_proxy, reset),
        cmocka_unit_test_setup(test_gzip_body_is_reported, reset),
    };
    return WFH_RUN("hardening", tests, group_setup, group_teardown, argc, argv);
}
