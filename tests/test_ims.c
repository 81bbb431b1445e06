/* tests/test_ims.c - OAuth Server-to-Server through Adobe IMS and the token
   cache, against the test server's /ims/token/v3 over real sockets, HTTP
   and HTTPS.

   The token is fetched once and sent as Authorization: Bearer with
   x-gw-ims-org-id; a wrong secret, client ID or scope is refused the way
   IMS answers (HTTP 400 invalid_client / invalid_scope) and reported as an
   authentication failure without the secret; a token that dies mid-walk
   (session_max_requests) is renewed once and the walk completes; a token
   close to expires_in is renewed before the call; the token cache is
   written 0600 and atomically, reused by the next client, refused when
   others may read it, ignored when it belongs to other credentials or is
   damaged; no secret or token reaches the logger.

   One server (2,500 tasks) serves the whole file; each test resets it.
     make ims   (or: make build/test_ims && ./build/test_ims [NAME...]) */
#define _POSIX_C_SOURCE 200809L
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <strings.h>
#include <sys/stat.h>

#include "harness.h"

/* tests/server/wfconst.py */
#define IMS_CLIENT_ID     "test-ims-client"
#define IMS_CLIENT_SECRET "test-ims-secret-p@ss/w0rd+="
#define IMS_SCOPES        "openid,AdobeID,additional_info.projectedProductContext"
#define IMS_ORG           "TESTORG@AdobeOrg"
#define CLIENT_ID         "test-client"
#define CLIENT_SECRET     "test-client-secret"
#define AUTH_CODE         "test-auth-code"
#define NTASKS            2500

static char g_dir[256];

static void ctl(const char *what) {
    if (wfh_ctl(g_ctl, what, NULL) != WF_OK) { print_error("control %s failed\n", what); fail(); }
}

static long long stat_of(const char *key) {
    wf_json d;
    if (wfh_ctl(g_ctl, "stats", &d) != WF_OK) { print_error("stats failed\n"); fail(); }
    return jint(wf_json_get(d, key));
}

/* A description of an OAuth Server-to-Server client of listener `which`,
   its IMS on the same server. */
static void ims_desc(int which, wf_client_desc *d) {
    wfh_desc(&g_srv, which, d);
    d->timeout_ms = 15000;
    d->retry_base_ms = 20;
    d->ims_client_id = IMS_CLIENT_ID;
    d->ims_client_secret = IMS_CLIENT_SECRET;
    d->ims_scopes = IMS_SCOPES;
    d->ims_org = IMS_ORG;
    d->ims_url = g_srv.url[which];
}

/* clients are tracked: an assertion that ends a test early leaks nothing */
static wf_client *make(const wf_client_desc *d) { return client_desc(d); }

static void path_in_dir(char *out, size_t cap, const char *name) { snprintf(out, cap, "%s/%s", g_dir, name); }

static int files_in_dir(void) {
    DIR *dir = opendir(g_dir);
    struct dirent *de;
    int n = 0;
    assert_non_null(dir);
    while ((de = readdir(dir)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) n++;
    closedir(dir);
    return n;
}

static void empty_dir(void) {
    DIR *dir = opendir(g_dir);
    struct dirent *de;
    char p[512];
    assert_non_null(dir);
    while ((de = readdir(dir)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        path_in_dir(p, sizeof p, de->d_name);
        unlink(p);
    }
    closedir(dir);
}

static void write_file(const char *path, const char *text, mode_t mode) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
}

/* ------------------------------------------------------------ the tests */

/* Fetched once, then sent with the organisation on every call. */
static void test_ims_token_once(void **state) {
    int which;
    (void)state;
    for (which = WFH_HTTP; which <= WFH_HTTPS; which++) {
        wf_client_desc d;
        wf_client *c;
        long long n = 0, exp;
        bool cached = true, org = false, auth = false;
        wf_json h;
        ctl("reset");
        ims_desc(which, &d);
        c = make(&d);
        assert_int_equal(wf_token_expiry(c, NULL), -1);
        OK(wf_count(c, "task", NULL, &n), c);
        assert_int_equal(n, NTASKS);
        OK(wf_count(c, "proj", NULL, &n), c);
        OK(wf_count(c, "user", NULL, &n), c);
        assert_int_equal(stat_of("ims_tokens_issued"), 1);
        assert_int_equal(stat_of("ims_token_uses"), 3);
        exp = wf_token_expiry(c, &cached);
        assert_false(cached);
        /* expires_in 86399 */
        assert_true(exp >= (long long)time(NULL) + 86390 && exp <= (long long)time(NULL) + 86400);
        {
            wf_json st;
            assert_int_equal(wfh_ctl(g_ctl, "stats", &st), WF_OK);
            for (h = wf_json_first(wf_json_path(st, "last_request:headers")); wf_json_ok(h); h = wf_json_next(h)) {
                char name[64], val[128];
                js(wf_json_at(h, 0), name, sizeof name);
                js(wf_json_at(h, 1), val, sizeof val);
                if (strcasecmp(name, "x-gw-ims-org-id") == 0) { org = true; assert_string_equal(val, IMS_ORG); }
                if (strcasecmp(name, "authorization") == 0) auth = true;
            }
        }
        assert_true(org && auth);
        drop_client(c);
    }
}

/* Refused the way IMS refuses: HTTP 400 with an OAuth error object; an
   authentication failure for the caller, with IMS's words and no secret. */
static void test_ims_refused(void **state) {
    static const struct { const char *id, *secret, *scopes, *error, *desc; } cases[] = {
        { IMS_CLIENT_ID, "not-the-secret", IMS_SCOPES, "invalid_client", "invalid client_secret parameter" },
        { "someone-else", IMS_CLIENT_SECRET, IMS_SCOPES, "invalid_client", "invalid client_id parameter" },
        { IMS_CLIENT_ID, IMS_CLIENT_SECRET, "openid,no_such_scope", "invalid_scope", "invalid scope parameter" },
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wf_client_desc d;
        wf_client *c;
        const wf_error *e;
        long long n = 0;
        ctl("reset");
        ims_desc(i == 1 ? WFH_HTTPS : WFH_HTTP, &d);
        d.ims_client_id = cases[i].id;
        d.ims_client_secret = cases[i].secret;
        d.ims_scopes = cases[i].scopes;
        c = make(&d);
        CHECK(WF_ERR_AUTH, wf_count(c, "task", NULL, &n), c);
        e = wf_client_error(c);
        assert_int_equal(e->http_status, 400);
        assert_string_equal(e->wf_class, cases[i].error);
        CONTAINS(e->text, cases[i].desc);
        CONTAINS(e->text, "IMS token");
        assert_null(strstr(e->text, cases[i].secret));
        /* nothing reached Workfront */
        assert_int_equal(stat_of("ims_token_uses"), 0);
        drop_client(c);
    }
    /* incomplete credentials are refused at once */
    {
        wf_client_desc d;
        wf_client *c = NULL;
        wf_error e;
        ims_desc(WFH_HTTP, &d);
        d.ims_scopes = NULL;
        assert_int_equal(wf_client_create(&d, &c, &e), WF_ERR_INVALID);
        assert_null(c);
        CONTAINS(e.text, "ims_scopes");
    }
}

static bool count_obj(void *user, wf_json obj) {
    (void)obj;
    ++*(long long *)user;
    return true;
}

/* A token that dies in the middle of a walk is renewed once per death and
   the walk completes, over both listeners. */
static void test_ims_expired_mid_walk(void **state) {
    int which;
    (void)state;
    for (which = WFH_HTTP; which <= WFH_HTTPS; which++) {
        wf_client_desc d;
        wf_client *c;
        wf_pager_desc p;
        long long seen = 0, total = 0;
        ctl("reset");
        ctl("config?session_max_requests=2");
        ims_desc(which, &d);
        c = make(&d);
        memset(&p, 0, sizeof p);
        p.obj = "task";
        p.page_size = 500; /* 5 full pages and an empty one */
        p.on_object = count_obj;
        p.user = &seen;
        OK(wf_pager_run(c, &p, &total), c);
        assert_int_equal(seen, NTASKS);
        assert_int_equal(total, NTASKS);
        /* every token served 2 pages, then was refused once and replaced */
        assert_true(stat_of("ims_tokens_issued") >= 3);
        drop_client(c);
    }
}

/* A token within its renewal margin is replaced before the call: no
   request is spent on a 401. */
static void test_ims_renewed_ahead(void **state) {
    wf_client_desc d;
    wf_client *c;
    long long n = 0, before;
    wfh_stats st;
    (void)state;
    ctl("reset");
    ctl("config?ims_token_ttl=4");
    ims_desc(WFH_HTTPS, &d);
    c = make(&d);
    OK(wf_count(c, "task", NULL, &n), c);
    assert_int_equal(stat_of("ims_tokens_issued"), 1);
    /* half of a 4 s lifetime is the margin: after 2.2 s the token is due,
       although the server would still take it */
    wfh_sleep_ms(2200);
    assert_int_equal(wfh_get_stats(g_ctl, &st), WF_OK);
    before = st.requests;
    OK(wf_count(c, "task", NULL, &n), c);
    assert_int_equal(stat_of("ims_tokens_issued"), 2);
    assert_int_equal(wfh_get_stats(g_ctl, &st), WF_OK);
    assert_int_equal(st.requests - before, 2); /* the token request and the count, no 401 */
    drop_client(c);
}

/* The wrong organisation: Workfront refuses the token; the client renews
   once, is refused again and says so, after a bounded number of requests. */
static void test_ims_wrong_org(void **state) {
    wf_client_desc d;
    wf_client *c;
    long long n = 0;
    wfh_stats st;
    (void)state;
    ctl("reset");
    ims_desc(WFH_HTTP, &d);
    d.ims_org = "OTHERORG@AdobeOrg";
    c = make(&d);
    CHECK(WF_ERR_AUTH, wf_count(c, "task", NULL, &n), c);
    CONTAINS(wf_client_error(c)->text, "not valid for organization");
    assert_int_equal(wfh_get_stats(g_ctl, &st), WF_OK);
    assert_int_equal(st.requests, 4); /* token, count, token, count */
    drop_client(c);
}

/* The cache: written 0600 and atomically, read by the next run. */
static void test_token_cache(void **state) {
    char cache[512], other[512];
    wf_client_desc d;
    wf_client *c = NULL;
    wf_error e;
    struct stat sb;
    long long n = 0, exp1, exp2;
    bool cached = false;
    size_t len = 0;
    char *text;
    (void)state;
    empty_dir();
    ctl("reset");
    path_in_dir(cache, sizeof cache, "token.json");
    ims_desc(WFH_HTTPS, &d);
    d.token_cache = cache;
    c = make(&d);
    OK(wf_count(c, "task", NULL, &n), c);
    exp1 = wf_token_expiry(c, &cached);
    assert_false(cached);
    drop_client(c);
    assert_int_equal(stat(cache, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(files_in_dir(), 1); /* no temporary file left behind */
    text = wfh_read_file(cache, &len);
    assert_non_null(text);
    assert_null(strstr(text, IMS_CLIENT_SECRET));
    free(text);

    /* the next client takes it: no token request */
    c = make(&d);
    exp2 = wf_token_expiry(c, &cached);
    assert_true(cached);
    assert_int_equal(exp1, exp2);
    OK(wf_count(c, "task", NULL, &n), c);
    assert_int_equal(stat_of("ims_tokens_issued"), 1);
    drop_client(c);

    /* a cached token the server no longer takes: renewed once, cache rewritten */
    ctl("expire");
    c = make(&d);
    OK(wf_count(c, "task", NULL, &n), c);
    assert_int_equal(stat_of("ims_tokens_issued"), 2);
    drop_client(c);
    assert_int_equal(files_in_dir(), 1);

    /* other credentials (scopes) do not take this token, and replace it */
    d.ims_scopes = "openid,AdobeID";
    c = make(&d);
    assert_int_equal(wf_token_expiry(c, NULL), -1);
    OK(wf_count(c, "task", NULL, &n), c);
    assert_int_equal(stat_of("ims_tokens_issued"), 3);
    drop_client(c);
    d.ims_scopes = IMS_SCOPES;

    /* readable by others: refused, not used, not rewritten */
    assert_int_equal(chmod(cache, 0644), 0);
    c = NULL;
    assert_int_equal(wf_client_create(&d, &c, &e), WF_ERR_FILE);
    assert_null(c);
    CONTAINS(e.text, "chmod 600");
    CONTAINS(e.text, cache);
    assert_int_equal(chmod(cache, 0620), 0);
    assert_int_equal(wf_client_create(&d, &c, &e), WF_ERR_FILE);
    assert_int_equal(chmod(cache, 0600), 0);

    /* damaged, or expired: ignored and replaced */
    write_file(cache, "{\"for\":", 0600);
    c = make(&d);
    assert_int_equal(wf_token_expiry(c, NULL), -1);
    OK(wf_count(c, "task", NULL, &n), c);
    drop_client(c);
    text = wfh_read_file(cache, &len);
    assert_non_null(text);
    {
        /* the same file with expires_at in the past */
        char *at = strstr(text, "\"expires_at\":");
        wf_doc *doc = NULL;
        assert_non_null(at);
        assert_int_equal(wf_doc_parse(text, len, NULL, &doc), WF_OK);
        wf_doc_free(doc);
        snprintf(other, sizeof other, "%.*s\"expires_at\":1000000000,\"expires_in\":86399}\n", (int)(at - text), text);
        write_file(cache, other, 0600);
    }
    free(text);
    c = make(&d);
    assert_int_equal(wf_token_expiry(c, NULL), -1);
    drop_client(c);

    /* a cache without a way to obtain tokens is a mistake */
    {
        wf_client_desc plain;
        wfh_desc(&g_srv, WFH_HTTP, &plain);
        plain.api_key = WFH_ADMIN_API_KEY;
        plain.token_cache = cache;
        c = NULL;
        assert_int_equal(wf_client_create(&plain, &c, &e), WF_ERR_INVALID);
        CONTAINS(e.text, "token_cache");
    }
}

/* OAuth2 tokens go to the cache too (kind "session"): the next client
   with the same OAuth2 client uses it instead of asking again. */
static void test_token_cache_oauth2(void **state) {
    char cache[512];
    wf_client_desc d;
    wf_client *c;
    wf_json data;
    wf_json st;
    long long issued;
    bool cached = false;
    (void)state;
    empty_dir();
    ctl("reset");
    path_in_dir(cache, sizeof cache, "oauth2.json");
    wfh_desc(&g_srv, WFH_HTTP, &d);
    d.client_id = CLIENT_ID;
    d.client_secret = CLIENT_SECRET;
    d.token_cache = cache;
    c = make(&d);
    OK(wf_oauth2_code(c, AUTH_CODE, NULL), c);
    drop_client(c);
    assert_int_equal(wfh_ctl(g_ctl, "stats", &st), WF_OK);
    issued = jint(wf_json_get(st, "tokens_issued"));
    assert_int_equal(issued, 1);
    c = make(&d);
    assert_true(wf_token_expiry(c, &cached) > 0);
    assert_true(cached);
    OK(wf_get(c, "user", WFH_ADMIN_USER_ID, "name", &data), c);
    JSTR(wf_json_get(data, "name"), "Admin User");
    assert_int_equal(wfh_ctl(g_ctl, "stats", &st), WF_OK);
    assert_int_equal(jint(wf_json_get(st, "tokens_issued")), 1);
    drop_client(c);
}

/* Neither the secret nor any access token reaches the logger. */
typedef struct logbuf { char text[65536]; size_t len; } logbuf;
static void on_log(void *user, wf_log_level level, const char *line) {
    logbuf *b = (logbuf *)user;
    size_t n = strlen(line);
    (void)level;
    if (b->len + n + 2 < sizeof b->text) { memcpy(b->text + b->len, line, n); b->len += n; b->text[b->len++] = '\n'; b->text[b->len] = 0; }
}

static void test_ims_never_logged(void **state) {
    char cache[512], *text, tok[256];
    static logbuf lb;
    wf_client_desc d;
    wf_client *c;
    wf_doc *doc = NULL;
    long long n = 0;
    size_t len = 0;
    (void)state;
    empty_dir();
    ctl("reset");
    ctl("config?session_max_requests=1"); /* a 401 and a renewal on the way */
    path_in_dir(cache, sizeof cache, "t.json");
    memset(&lb, 0, sizeof lb);
    ims_desc(WFH_HTTP, &d);
    d.token_cache = cache;
    d.logger.fn = on_log;
    d.logger.user_data = &lb;
    d.logger.level = WF_LOG_TRACE;
    c = make(&d);
    OK(wf_count(c, "task", NULL, &n), c);
    OK(wf_count(c, "task", NULL, &n), c);
    drop_client(c);
    assert_true(stat_of("ims_tokens_issued") >= 2);
    CONTAINS(lb.text, "POST /ims/token/v3");
    CONTAINS(lb.text, "client_secret=<redacted>");
    assert_null(strstr(lb.text, IMS_CLIENT_SECRET));
    assert_null(strstr(lb.text, "test-ims-secret"));
    assert_null(strstr(lb.text, "Bearer"));
    assert_null(strstr(lb.text, "access_token"));
    text = wfh_read_file(cache, &len);
    assert_non_null(text);
    assert_int_equal(wf_doc_parse(text, len, NULL, &doc), WF_OK);
    js(wf_json_get(wf_doc_root(doc), "access_token"), tok, sizeof tok);
    assert_true(strlen(tok) > 10);
    assert_null(strstr(lb.text, tok));
    wf_doc_free(doc);
    free(text);
}

/* ------------------------------------------------------------------ main */
static int group_setup(void **state) {
    static const char *const args[] = { "--tasks", "2500", NULL };
    (void)state;
    snprintf(g_dir, sizeof g_dir, "%s/wfims.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(g_dir)) return -1;
    return wfh_group_start(args);
}

static int group_teardown(void **state) {
    (void)state;
    wfh_group_stop();
    empty_dir();
    rmdir(g_dir);
    return 0;
}

#define T(name) cmocka_unit_test_setup_teardown(test_##name, wfh_fixture_setup_reset, wfh_fixture_teardown)
int main(int argc, char **argv) {
    static const struct CMUnitTest all[] = {
        T(ims_token_once),
        T(ims_refused),
        T(ims_expired_mid_walk),
        T(ims_renewed_ahead),
        T(ims_wrong_org),
        T(token_cache),
        T(token_cache_oauth2),
        T(ims_never_logged),
    };
    return WFH_RUN("ims", all, group_setup, group_teardown, argc, argv);
}
