/* tests/test_integration.c - workfront.h against the Workfront test server.

   One server (tests/server/wfserver.py, started by tests/harness.h, with
   --tasks 2500) serves the whole file; each test's setup resets it
   (/__test/reset: switches, counters, sessions, data).  Tests that make
   sense on both transports run twice, as NAME/http and NAME/https.
   Every test asserts values the server really sent (names byte for byte,
   IDs, counts, statuses, error classes, the server's connection and
   request counters), so each can fail.

   Build and run from the repository root (make test does this):
     cc -std=c99 -g -O1 -fsanitize=address,undefined -I. tests/test_integration.c \
        -o build/test_integration -lcmocka -lmbedtls -lmbedx509 -lmbedcrypto
     ./build/test_integration
   Environment: WF_REPO_ROOT (repository root), WFH_SERVER_VERBOSE=1 (server
   logs on stderr), CMOCKA_TEST_ABORT, and cmocka's own filters
   (CMOCKA_TEST_FILTER is not in 1.1.5: pass test names as arguments instead,
   e.g. ./build/test_integration tls_wrong_host idle_close/https). */
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "harness.h"

/* ------------------------------------------------- server constants (wfconst.py) */
#define FIRST_PROJECT_ID  "4c78821c0000d6fa8d5e52f07a1d54d0"
#define AWKWARD_TASK_ID   "4c78821c0000d6fa8d5e52f07a1d54d1"
#define CONTROL_TASK_ID   "4c78821c0000d6fa8d5e52f07a1d54d2"
#define CJK_TASK_ID       "4c78821c0000d6fa8d5e52f07a1d54d3"
#define EMOJI_TASK_ID     "4c78821c0000d6fa8d5e52f07a1d54d4"
#define RTL_TASK_ID       "4c78821c0000d6fa8d5e52f07a1d54d5"
#define SEPARATOR_TASK_ID "4c78821c0000d6fa8d5e52f07a1d54d6"
#define AWKWARD_ISSUE_ID  "4c78821c0000d6fa8d5e52f07a1d54d7"
#define ZOE_USERNAME      "zoe.obrien@test.example"
#define ZOE_USER_ID       "6b2c3d4e00000b22c1c1d1d1e1e1f1f2"

/* Byte-exact UTF-8 of the server's awkward strings (generated from wfconst.py). */
#define AWKWARD_TASK_NAME "Quote \" Backslash \\ Slash / Tab \t Emoji \xF0\x9F\x9A\x80 CJK \xE6\x97\xA5\xE6\x9C\xAC"
#define CONTROL_TASK_NAME "Control \x01 and \x1F, newline\nand CR\r end"
#define CJK_TASK_NAME "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xAE\xE3\x82\xBF\xE3\x82\xB9\xE3\x82\xAF"
#define EMOJI_TASK_NAME "Launch \xF0\x9F\x9A\x80 and astronaut \xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x9A\x80"
#define RTL_TASK_NAME "\xD9\x85\xD9\x87\xD9\x85\xD8\xA9 \xD8\xA8\xD8\xA7\xD9\x84\xD8\xB9\xD8\xB1\xD8\xA8\xD9\x8A\xD8\xA9 \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D"
#define SEPARATOR_TASK_NAME "Line\xE2\x80\xA8Separator\xE2\x80\xA9Paragraph"
#define AWKWARD_TASK_DESCRIPTION "{\"not\":\"json\"} </script> \\u0041 literal, \"quoted\", back\\slash, tab\t, NUL-free \x07 bell, \xC3\xA9\xC3\xA8 \xF0\x9F\x98\x80"
#define AWKWARD_ISSUE_NAME "Issue with \"quotes\" & <html> / slashes \\ and \xF0\x9F\x92\xA5"
#define ZOE_PASSWORD "p@ss w0rd&=+%#?/:$ \xE6\x97\xA5\xE6\x9C\xAC\xF0\x9F\x9A\x80"
#define ZOE_NAME "Zo\xC3\xAB O'Brien-\xC5\x81ukasiewicz"

#define AUTH_CLASS "com.attask.common.AuthenticationException"

/* ------------------------------------------------------------------ fixture */

static long long g_ctl_conns;    /* connections one stats call itself costs */
static long long g_ctl_reqs;     /* requests one stats call itself costs */

static const int k_http = WFH_HTTP, k_https = WFH_HTTPS;

/* g_srv, g_ctl and the per-test clients and queries: tests/harness.h */
static struct fixture {
    int which;                   /* WFH_HTTP or WFH_HTTPS for this run */
} F;

/* ------------------------------------------------------------ assert helpers */

static bool is_id(wf_json v) {
    char buf[64];
    size_t i;
    if (wf_json_type_of(v) != WF_JSON_STRING) return false;
    js(v, buf, sizeof buf);
    if (strlen(buf) != 32) return false;
    for (i = 0; i < 32; i++)
        if (!((buf[i] >= '0' && buf[i] <= '9') || (buf[i] >= 'a' && buf[i] <= 'f'))) return false;
    return true;
}

/* ------------------------------------------------------- clients and queries */

/* A client on this run's transport (or on `which`) with an API key or none. */
static wf_client *client_on(int which, const char *api_key) {
    wf_client_desc d;
    wfh_desc(&g_srv, which, &d);
    d.api_key = api_key;
    return client_desc(&d);
}
static wf_client *client(const char *api_key) { return client_on(F.which, api_key); }

/* ------------------------------------------------------------- server control */

static wfh_stats stats(void) {
    wfh_stats st;
    wf_result r = wfh_get_stats(g_ctl, &st);
    if (r != WF_OK) { print_error("stats: %s\n", wf_client_error(g_ctl)->text); fail(); }
    if (st.connections < 0 || st.requests < 0) { print_error("stats lack connections/requests\n"); fail(); }
    return st;
}

/* Connections the test client made between two stats snapshots, not
   counting the second stats call's own. */
static long long conns_between(const wfh_stats *a, const wfh_stats *b) { return b->connections - a->connections - g_ctl_conns; }
static long long reqs_between(const wfh_stats *a, const wfh_stats *b) { return b->requests - a->requests - g_ctl_reqs; }

/* ----------------------------------------------------------- setup/teardown */

static int group_setup(void **state) {
    wfh_stats a, b;
    /* 2500 tasks: enough for a 2000-object page, and /__test/reset (which
       regenerates the data) stays fast */
    static const char *const args[] = { "--tasks", "2500", NULL };
    if (wfh_group_start(args) != 0) return -1;
    /* what one stats call costs on the server's counters: stats calls are
       made by the control client, one fresh connection each */
    if (wfh_ctl(g_ctl, "reset", NULL) != WF_OK || wfh_get_stats(g_ctl, &a) != WF_OK || wfh_get_stats(g_ctl, &b) != WF_OK) {
        wfh_group_stop();
        return -1;
    }
    g_ctl_conns = b.connections - a.connections;
    g_ctl_reqs = b.requests - a.requests;
    (void)state;
    return 0;
}

static int group_teardown(void **state) {
    (void)state;
    wfh_group_stop();
    return 0;
}

static int setup(void **state) {
    F.which = *state ? *(const int *)*state : WFH_HTTP;
    return wfh_fixture_setup_reset(state);
}

/* teardown: wfh_fixture_teardown (the next setup resets the server) */

/* ===================================================================== tests */

/* Login, search with fields and $$LIMIT, get by ID, logout; afterwards the
   client has no session and the old session is dead on the server. */
static void test_login_search_get_logout(void **state) {
    wf_client *c = client(NULL);
    wf_query *q = query();
    wf_json data, t;
    char id[64], name[512], sid[256], buf[512];
    size_t i;
    (void)state;

    OK(wf_login(c, WFH_ADMIN_USERNAME, WFH_ADMIN_PASSWORD), c);
    assert_non_null(wf_session_id(c));
    assert_true(strlen(wf_session_id(c)) >= 8);
    assert_non_null(wf_user_id(c));
    assert_string_equal(wf_user_id(c), WFH_ADMIN_USER_ID);
    snprintf(sid, sizeof sid, "%s", wf_session_id(c));
    {   /* the login answer (it holds the session ID) does not linger */
        size_t blen = 0, k, sl = strlen(sid);
        const char *body = wf_last_body(c, &blen);
        for (k = 0; body && k + sl <= blen; k++) assert_false(memcmp(body + k, sid, sl) == 0);
    }

    OK(wf_query_fields(q, "name,status,projectID,assignedTo:name"), NULL);
    OK(wf_query_limit(q, 0, 5), NULL);
    OK(wf_search(c, "task", q, &data), c);
    assert_int_equal(wf_last_status(c), 200);
    assert_int_equal(wf_json_type_of(data), WF_JSON_ARRAY);
    assert_int_equal(wf_json_len(data), 5);
    for (i = 0; i < 5; i++) {
        wf_json o = wf_json_at(data, i);
        assert_int_equal(wf_json_type_of(o), WF_JSON_OBJECT);
        assert_true(is_id(wf_json_get(o, "ID")));
        assert_int_equal(wf_json_type_of(wf_json_get(o, "name")), WF_JSON_STRING);
        assert_int_equal(wf_json_type_of(wf_json_get(o, "status")), WF_JSON_STRING);
        assert_true(is_id(wf_json_get(o, "projectID")));
        assert_true(wf_json_eq(wf_json_get(o, "objCode"), "TASK"));
        /* the nested reference is there: null when unassigned, else with a name */
        {
            wf_json at = wf_json_get(o, "assignedTo");
            assert_true(wf_json_ok(at));
            if (!wf_json_is_null(at)) assert_int_equal(wf_json_type_of(wf_json_path(o, "assignedTo:name")), WF_JSON_STRING);
        }
    }
    t = wf_json_at(data, 2);
    js(wf_json_get(t, "ID"), id, sizeof id);
    js(wf_json_get(t, "name"), name, sizeof name);
    assert_int_equal(strlen(id), 32);

    OK(wf_get(c, "task", id, "name,status", &data), c);
    assert_int_equal(wf_json_type_of(data), WF_JSON_OBJECT);
    assert_string_equal(js(wf_json_get(data, "ID"), buf, sizeof buf), id);
    assert_string_equal(js(wf_json_get(data, "name"), buf, sizeof buf), name);

    OK(wf_logout(c), c);
    assert_null(wf_session_id(c));
    assert_null(wf_user_id(c));

    /* no session any more: the server says 401 */
    CHECK(WF_ERR_AUTH, wf_get(c, "task", id, "name", &data), c);
    assert_int_equal(wf_client_error(c)->http_status, 401);
    assert_false(wf_json_ok(data));

    /* and the old session ID was really ended on the server */
    OK(wf_set_session_id(c, sid), c);
    CHECK(WF_ERR_AUTH, wf_get(c, "task", id, "name", &data), c);
    assert_int_equal(wf_client_error(c)->http_status, 401);
    assert_string_equal(wf_client_error(c)->wf_class, AUTH_CLASS);
    assert_null(strstr(wf_client_error(c)->text, sid)); /* never a secret in the error */
}

/* A session ID handed to a second client works there (SessionID header). */
static void test_session_id_reuse(void **state) {
    wf_client *a = client(NULL), *b;
    wf_client_desc d;
    wf_json data;
    char buf[128];
    (void)state;
    OK(wf_login(a, WFH_ADMIN_USERNAME, WFH_ADMIN_PASSWORD), a);
    wfh_desc(&g_srv, F.which, &d);
    d.session_id = wf_session_id(a);
    b = client_desc(&d);
    OK(wf_get(b, "task", AWKWARD_TASK_ID, "name", &data), b);
    assert_string_equal(js(wf_json_get(data, "ID"), buf, sizeof buf), AWKWARD_TASK_ID);
    OK(wf_logout(a), a);
    CHECK(WF_ERR_AUTH, wf_get(b, "task", AWKWARD_TASK_ID, "name", &data), b);
}

/* apiKey header; a wrong key and no credentials at all are 401s. */
static void test_api_key(void **state) {
    wf_client *c = client(WFH_ADMIN_API_KEY), *bad = client("wrongkey0123456789abcdef00000000"), *none = client(NULL);
    wf_json data;
    const wf_error *e;
    (void)state;
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    JSTR(wf_json_get(data, "name"), AWKWARD_TASK_NAME);
    assert_null(wf_session_id(c));

    CHECK(WF_ERR_AUTH, wf_get(bad, "task", AWKWARD_TASK_ID, "name", &data), bad);
    e = wf_client_error(bad);
    assert_int_equal(e->http_status, 401);
    assert_string_equal(e->wf_class, AUTH_CLASS);
    assert_true(strstr(e->text, "wrongkey") == NULL); /* never a secret in the error text */

    CHECK(WF_ERR_AUTH, wf_get(none, "task", AWKWARD_TASK_ID, "name", &data), none);
    assert_int_equal(wf_client_error(none)->http_status, 401);
}

/* A wrong password is WF_ERR_AUTH with HTTP 401 and the envelope copied. */
static void test_wrong_password(void **state) {
    wf_client *c = client(NULL);
    const wf_error *e;
    (void)state;
    CHECK(WF_ERR_AUTH, wf_login(c, WFH_ADMIN_USERNAME, "Wrong-Secret-42"), c);
    e = wf_client_error(c);
    assert_int_equal(e->result, WF_ERR_AUTH);
    assert_int_equal(e->http_status, 401);
    assert_string_equal(e->wf_class, AUTH_CLASS);
    assert_true(e->message[0] != 0);
    assert_true(e->has_code);
    ICONTAINS(e->text, "401");
    assert_true(strstr(e->text, "Wrong-Secret-42") == NULL);
    assert_null(wf_session_id(c));
    assert_null(wf_user_id(c));
    /* an unknown user is refused the same way */
    CHECK(WF_ERR_AUTH, wf_login(c, "nobody@test.example", WFH_ADMIN_PASSWORD), c);
    assert_int_equal(wf_client_error(c)->http_status, 401);
}

/* A password full of characters that mean something in a form body. */
static void test_login_awkward_password(void **state) {
    wf_client *c = client(NULL);
    wf_json data;
    (void)state;
    OK(wf_login(c, ZOE_USERNAME, ZOE_PASSWORD), c);
    assert_string_equal(wf_user_id(c), ZOE_USER_ID);
    OK(wf_get(c, "user", ZOE_USER_ID, "name,username", &data), c);
    JSTR(wf_json_get(data, "name"), ZOE_NAME);
    JSTR(wf_json_get(data, "username"), ZOE_USERNAME);
    OK(wf_logout(c), c);
    /* one byte off is refused */
    CHECK(WF_ERR_AUTH, wf_login(c, ZOE_USERNAME, "p@ss w0rd&=+%#?/:$ \xE6\x97\xA5\xE6\x9C\xAC"), c);
}

/* Awkward strings come back byte-exact: \" \\ \/ \t \n \r \u0001, CJK, RTL,
   U+2028/9 and surrogate pairs (the server escapes every non-ASCII char). */
static void test_awkward_strings(void **state) {
    static const struct { const char *id, *name; } tasks[] = {
        { AWKWARD_TASK_ID, AWKWARD_TASK_NAME }, { CONTROL_TASK_ID, CONTROL_TASK_NAME },
        { CJK_TASK_ID, CJK_TASK_NAME },         { EMOJI_TASK_ID, EMOJI_TASK_NAME },
        { RTL_TASK_ID, RTL_TASK_NAME },         { SEPARATOR_TASK_ID, SEPARATOR_TASK_NAME },
    };
    wf_client *c = client(WFH_ADMIN_API_KEY);
    wf_json data;
    size_t i, rawlen;
    const char *raw;
    char small[8];
    size_t need = 0;
    (void)state;
    for (i = 0; i < sizeof tasks / sizeof tasks[0]; i++) {
        OK(wf_get(c, "task", tasks[i].id, "name,description", &data), c);
        JSTR(wf_json_get(data, "ID"), tasks[i].id);
        JSTR(wf_json_get(data, "name"), tasks[i].name);
    }
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name,description,projectID,DE:Custom Text", &data), c);
    JSTR(wf_json_get(data, "description"), AWKWARD_TASK_DESCRIPTION);
    JSTR(wf_json_get(data, "projectID"), FIRST_PROJECT_ID);
    JSTR(wf_json_get(data, "DE:Custom Text"), AWKWARD_TASK_NAME); /* a key with a space and a colon */
    /* it really was escaped on the wire: \/ and a surrogate pair */
    raw = wf_json_raw(wf_json_get(data, "name"), &rawlen);
    assert_non_null(raw);
    {
        char tmp[512];
        snprintf(tmp, sizeof tmp, "%.*s", (int)rawlen, raw);
        ICONTAINS(tmp, "\\/");
        ICONTAINS(tmp, "\\ud83d\\ude80");
        ICONTAINS(tmp, "\\t");
    }
    /* a too-small buffer says how much is needed */
    CHECK(WF_ERR_TRUNCATED, wf_json_str(wf_json_get(data, "name"), small, sizeof small, &need), NULL);
    assert_int_equal(need, strlen(AWKWARD_TASK_NAME));
    assert_int_equal(strlen(small), sizeof small - 1);

    OK(wf_get(c, "optask", AWKWARD_ISSUE_ID, "name", &data), c);
    JSTR(wf_json_get(data, "name"), AWKWARD_ISSUE_NAME);
    OK(wf_get(c, "user", ZOE_USER_ID, "name", &data), c);
    JSTR(wf_json_get(data, "name"), ZOE_NAME);
}

/* Filter values with every awkward byte reach the server intact: an exact
   (name_Mod=eq) search finds exactly the one object. */
static void test_query_roundtrip(void **state) {
    static const struct { const char *obj, *id, *name; } cases[] = {
        { "task", AWKWARD_TASK_ID, AWKWARD_TASK_NAME },   /* " \ / tab emoji CJK */
        { "task", CONTROL_TASK_ID, CONTROL_TASK_NAME },   /* \x01 \x1f \n \r */
        { "task", EMOJI_TASK_ID, EMOJI_TASK_NAME },       /* ZWJ sequence */
        { "task", SEPARATOR_TASK_ID, SEPARATOR_TASK_NAME },
        { "optask", AWKWARD_ISSUE_ID, AWKWARD_ISSUE_NAME }, /* & < > */
        { "user", ZOE_USER_ID, ZOE_NAME },                /* ' and Latin */
    };
    wf_client *c = client(WFH_ADMIN_API_KEY);
    wf_query *q = query();
    wf_json data;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wf_query_reset(q);
        if (i % 2) { /* by hand and with the filter builder */
            OK(wf_query_add(q, "name", cases[i].name), NULL);
            OK(wf_query_add(q, "name_Mod", "eq"), NULL);
        } else {
            OK(wf_query_filter(q, "name", WF_MOD_EQ, cases[i].name), NULL);
        }
        OK(wf_query_fields(q, "name"), NULL);
        OK(wf_search(c, cases[i].obj, q, &data), c);
        if (wf_json_len(data) != 1) print_error("case %zu (%s): %zu results\n", i, cases[i].obj, wf_json_len(data));
        assert_int_equal(wf_json_len(data), 1);
        JSTR(wf_json_get(wf_json_at(data, 0), "ID"), cases[i].id);
        JSTR(wf_json_get(wf_json_at(data, 0), "name"), cases[i].name);
    }
    /* & = + % # ? / : $ and spaces: "contains" of a value the server holds */
    wf_query_reset(q);
    OK(wf_query_add(q, "name", "\" & <html> / slashes \\"), NULL);
    OK(wf_query_add(q, "name_Mod", "contains"), NULL);
    OK(wf_search(c, "optask", q, &data), c);
    assert_int_equal(wf_json_len(data), 1);
    JSTR(wf_json_get(wf_json_at(data, 0), "ID"), AWKWARD_ISSUE_ID);
    /* ... and one it does not: every special character matters, so no hit */
    wf_query_reset(q);
    OK(wf_query_add(q, "name", "&=+%#?/:$ x"), NULL);
    OK(wf_query_add(q, "name_Mod", "contains"), NULL);
    OK(wf_search(c, "task", q, &data), c);
    assert_int_equal(wf_json_type_of(data), WF_JSON_ARRAY);
    assert_int_equal(wf_json_len(data), 0);
    /* a password with & = + % # ? / : $ space CJK emoji in the query string
       (Workfront reads login parameters from the URL too): the server only
       answers with a session when every byte arrived as sent */
    wf_query_reset(q);
    OK(wf_query_add(q, "username", ZOE_USERNAME), NULL);
    OK(wf_query_add(q, "password", ZOE_PASSWORD), NULL);
    OK(wf_request(c, "POST", "login", q, NULL, &data), c);
    JSTR(wf_json_get(data, "userID"), ZOE_USER_ID);
    assert_true(wf_json_ok(wf_json_get(data, "sessionID")));
    /* ... and in the form body */
    {
        wf_client *z = client(NULL);
        OK(wf_login(z, ZOE_USERNAME, ZOE_PASSWORD), z);
        assert_string_equal(wf_user_id(z), ZOE_USER_ID);
    }
}

/* The server's echo probe shows the request as it was parsed: every key
   and value the query builder encoded arrives byte-exact, in order. */
static const char *const k_echo_pairs[][2] = {
    { "name", AWKWARD_TASK_NAME },
    { "v", "&=+%#?/:$ x y ~*@,;!'()[]" },
    { "DE:Field Name", "a b+c" },
    { "OR:1:name", CJK_TASK_NAME },
    { "$$LIMIT", "5" },
    { "emoji", EMOJI_TASK_NAME },
    { "empty", "" },
    { "ctl", CONTROL_TASK_NAME },
    { "k&=?#%+ \xE6\x97\xA5", "v" },
    { "fields", "name,assignedTo:name" },
    { "rtl", RTL_TASK_NAME },
    { "sep", SEPARATOR_TASK_NAME },
};
#define N_ECHO (sizeof k_echo_pairs / sizeof k_echo_pairs[0])

/* The value of header `name` in the echo's [[name, value], ...] list. */
static const char *echo_header(wf_json echo, const char *name, char *buf, size_t cap) {
    wf_json h;
    char k[128];
    for (h = wf_json_first(wf_json_get(echo, "headers")); wf_json_ok(h); h = wf_json_next(h)) {
        js(wf_json_at(h, 0), k, sizeof k);
        if (strlen(k) == strlen(name) && wfh_icontains(k, name)) return js(wf_json_at(h, 1), buf, cap);
    }
    return NULL;
}

static void check_echo_params(wf_json echo, size_t extra) {
    wf_json params = wf_json_get(echo, "params");
    size_t i;
    assert_int_equal(wf_json_type_of(params), WF_JSON_ARRAY);
    if (wf_json_len(params) != N_ECHO + extra) print_error("%zu params\n", wf_json_len(params));
    assert_int_equal(wf_json_len(params), N_ECHO + extra);
    for (i = 0; i < N_ECHO; i++) {
        JSTR(wf_json_at(wf_json_at(params, i), 0), k_echo_pairs[i][0]);
        JSTR(wf_json_at(wf_json_at(params, i), 1), k_echo_pairs[i][1]);
    }
}

static void test_echo_request(void **state) {
    wf_client *c = client(WFH_ADMIN_API_KEY);
    wf_query *q = query(), *form = query();
    wf_json data;
    wf_body body;
    char buf[256], host[64];
    size_t i;
    (void)state;
    for (i = 0; i < N_ECHO; i++) OK(wf_query_add(q, k_echo_pairs[i][0], k_echo_pairs[i][1]), NULL);

    /* in the query string of a GET */
    OK(wf_request(c, "GET", "__test/echo", q, NULL, &data), c);
    JSTR(wf_json_get(data, "method"), "GET");
    ICONTAINS(js(wf_json_get(data, "path"), buf, sizeof buf), "/attask/api/v22.0/__test/echo");
    check_echo_params(data, 0);
    /* the headers the facts ask for */
    snprintf(host, sizeof host, "127.0.0.1:%d", F.which == WFH_HTTPS ? g_srv.https_port : g_srv.http_port);
    assert_non_null(echo_header(data, "Host", buf, sizeof buf));
    assert_string_equal(buf, host);
    assert_non_null(echo_header(data, "Accept-Encoding", buf, sizeof buf));
    assert_string_equal(buf, "identity");
    assert_non_null(echo_header(data, "X-Requested-With", buf, sizeof buf));
    assert_string_equal(buf, "XMLHttpRequest");
    assert_non_null(echo_header(data, "User-Agent", buf, sizeof buf));
    ICONTAINS(buf, "workfront.h/");
    assert_non_null(echo_header(data, "apiKey", buf, sizeof buf)); /* the server redacts the value */
    assert_null(echo_header(data, "SessionID", buf, sizeof buf));

    /* in a form body */
    for (i = 0; i < N_ECHO; i++) OK(wf_query_add(form, k_echo_pairs[i][0], k_echo_pairs[i][1]), NULL);
    memset(&body, 0, sizeof body); /* content_type NULL: form */
    body.data = wf_query_str(form);
    body.len = strlen(wf_query_str(form));
    OK(wf_request(c, "POST", "__test/echo", NULL, &body, &data), c);
    JSTR(wf_json_get(data, "method"), "POST");
    check_echo_params(data, 0);
    {
        long long n = -1;
        OK(wf_json_int(wf_json_get(data, "body_bytes"), &n), NULL);
        assert_int_equal(n, (long long)body.len);
    }
    assert_non_null(echo_header(data, "Content-Type", buf, sizeof buf));
    ICONTAINS(buf, "application/x-www-form-urlencoded");

    /* too long for a URL: POST with method=GET, the same parameters */
    {
        char *big = (char *)malloc(9001);
        memset(big, 'x', 9000);
        memcpy(big, "\xE6\x97\xA5 &=", 6);
        big[9000] = 0;
        OK(wf_query_add(q, "big", big), NULL);
        OK(wf_request(c, "GET", "__test/echo", q, NULL, &data), c);
        JSTR(wf_json_get(data, "method"), "POST");
        JSTR(wf_json_get(data, "effective_method"), "GET");
        check_echo_params(data, 2);
        JSTR(wf_json_at(wf_json_at(wf_json_get(data, "params"), N_ECHO), 1), big);
        JSTR(wf_json_at(wf_json_at(wf_json_get(data, "params"), N_ECHO + 1), 0), "method");
        JSTR(wf_json_at(wf_json_at(wf_json_get(data, "params"), N_ECHO + 1), 1), "GET");
        assert_true(strlen(js(wf_json_get(data, "query"), buf, sizeof buf)) == 0);
        free(big);
    }
}

/* The ways to name the server all reach the API path they should: a full
   API base, an API version ("15.0", "unsupported"), and a url_template. */
static void check_echo_path(wf_client_desc *d, const char *expect_path) {
    wf_client *c = client_desc(d);
    wf_json data;
    char buf[256];
    OK(wf_request(c, "GET", "__test/echo", NULL, NULL, &data), c);
    assert_string_equal(js(wf_json_get(data, "path"), buf, sizeof buf), expect_path);
    drop_client(c);
}

static void test_base_urls(void **state) {
    wf_client_desc d;
    char url[128], tpl[160];
    const char *proto = F.which == WFH_HTTPS ? "https" : "http";
    int port = F.which == WFH_HTTPS ? g_srv.https_port : g_srv.http_port;
    (void)state;
    wfh_desc(&g_srv, F.which, &d);
    check_echo_path(&d, "/attask/api/v22.0/__test/echo");           /* the default version */
    wfh_desc(&g_srv, F.which, &d);
    d.api_version = "15.0";
    check_echo_path(&d, "/attask/api/v15.0/__test/echo");
    wfh_desc(&g_srv, F.which, &d);
    d.api_version = "unsupported";
    check_echo_path(&d, "/attask/api-unsupported/__test/echo");
    wfh_desc(&g_srv, F.which, &d);
    snprintf(url, sizeof url, "%s://127.0.0.1:%d/attask/api/v19.0/", proto, port); /* full base */
    d.url = url;
    check_echo_path(&d, "/attask/api/v19.0/__test/echo");
    wfh_desc(&g_srv, F.which, &d);
    snprintf(tpl, sizeof tpl, "{protocol}://{domain}:%d/attask/api/{api_version}", port);
    d.url = NULL;
    d.domain = "localhost";
    d.url_template = tpl;
    d.protocol = proto;
    d.api_version = "v21.0";
    check_echo_path(&d, "/attask/api/v21.0/__test/echo");
    /* and a real call through the template */
    {
        wf_client *c;
        wf_json data;
        d.api_key = WFH_ADMIN_API_KEY;
        c = client_desc(&d);
        OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
        JSTR(wf_json_get(data, "name"), AWKWARD_TASK_NAME);
    }
}

/* The logger sees every request and answer at TRACE level and never a
   secret: no API key, password or session ID in any line. */
typedef struct log_sink { char *text; size_t len, cap; int lines; } log_sink;

static void log_collect(void *user, wf_log_level level, const char *line) {
    log_sink *k = (log_sink *)user;
    size_t n = strlen(line);
    (void)level;
    if (k->len + n + 2 > k->cap) {
        size_t cap = (k->cap ? k->cap * 2 : 4096) + n;
        char *p = (char *)realloc(k->text, cap);
        if (!p) return;
        k->text = p;
        k->cap = cap;
    }
    memcpy(k->text + k->len, line, n);
    k->len += n;
    k->text[k->len++] = '\n';
    k->text[k->len] = 0;
    k->lines++;
}

static void test_trace_redaction(void **state) {
    static log_sink sink;
    wf_client_desc d;
    wf_client *c;
    wf_query *q = query();
    wf_json data;
    char sid[128];
    (void)state;
    memset(&sink, 0, sizeof sink);
    wfh_desc(&g_srv, F.which, &d);
    d.api_key = WFH_ADMIN_API_KEY;
    d.logger.fn = log_collect;
    d.logger.user_data = &sink;
    d.logger.level = WF_LOG_TRACE;
    c = client_desc(&d);
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    OK(wf_login(c, ZOE_USERNAME, ZOE_PASSWORD), c);
    snprintf(sid, sizeof sid, "%s", wf_session_id(c));
    OK(wf_get(c, "task", CJK_TASK_ID, "name", &data), c);
    /* secrets as query parameters too (sent as the caller asked, logged redacted) */
    OK(wf_query_add(q, "apiKey", WFH_ADMIN_API_KEY), NULL);
    OK(wf_query_add(q, "sessionID", sid), NULL);
    OK(wf_query_add(q, "password", "Hunter2-Secret"), NULL);
    OK(wf_request(c, "GET", "__test/echo", q, NULL, &data), c);
    CHECK(WF_ERR_AUTH, wf_login(c, WFH_ADMIN_USERNAME, "Wrong-Secret-42"), c);
    drop_client(c);
    assert_true(sink.lines >= 10); /* the trace really ran */
    assert_non_null(sink.text);
    ICONTAINS(sink.text, "__test/echo");
    ICONTAINS(sink.text, "apiKey");
    if (strstr(sink.text, WFH_ADMIN_API_KEY) || strstr(sink.text, sid) || strstr(sink.text, "Hunter2-Secret") ||
        strstr(sink.text, "Wrong-Secret-42") || strstr(sink.text, "w0rd")) {
        print_error("a secret reached the logger:\n%s\n", sink.text);
        free(sink.text);
        fail();
    }
    free(sink.text);
}

/* An error envelope with HTTP 200 is an error, with everything copied. */
static void test_error_envelope_200(void **state) {
    wf_client *c = client(WFH_ADMIN_API_KEY);
    wf_query *q = query();
    wf_json data;
    const wf_error *e;
    (void)state;
    OK(wf_query_fields(q, "name,noSuchFieldXyz"), NULL);
    OK(wf_query_limit(q, 0, 3), NULL);
    CHECK(WF_ERR_API, wf_search(c, "task", q, &data), c);
    assert_false(wf_json_ok(data));
    e = wf_client_error(c);
    assert_int_equal(e->http_status, 200);
    assert_string_equal(e->wf_class, "com.attask.common.InvalidParameterException");
    ICONTAINS(e->message, "noSuchFieldXyz");
    assert_true(e->msg_key[0] != 0);
    assert_true(e->has_code);
    ICONTAINS(e->text, "InvalidParameterException");

    /* $$LIMIT above 2000 (sent raw: the builder itself refuses it) */
    wf_query_reset(q);
    OK(wf_query_add(q, "$$LIMIT", "2001"), NULL);
    CHECK(WF_ERR_API, wf_search(c, "task", q, &data), c);
    assert_int_equal(wf_client_error(c)->http_status, 200);
    ICONTAINS(wf_client_error(c)->wf_class, "IllegalArgumentException");

    /* the same client keeps working */
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    JSTR(wf_json_get(data, "name"), AWKWARD_TASK_NAME);
}

/* Not found: 404 with an envelope, and the same with errors_200=1. */
static void test_not_found(void **state) {
    wf_client *c = client(WFH_ADMIN_API_KEY);
    wf_json data;
    const wf_error *e;
    (void)state;
    CHECK(WF_ERR_API, wf_get(c, "task", "ffffffffffffffffffffffffffffffff", "name", &data), c);
    e = wf_client_error(c);
    assert_int_equal(e->http_status, 404);
    assert_string_equal(e->wf_class, "com.attask.common.NotFoundException");
    config("errors_200=1");
    CHECK(WF_ERR_API, wf_get(c, "task", "ffffffffffffffffffffffffffffffff", "name", &data), c);
    e = wf_client_error(c);
    assert_int_equal(e->http_status, 200);
    assert_string_equal(e->wf_class, "com.attask.common.NotFoundException");
    /* error_status=500: the envelope decides what the error is, the status is kept */
    config("errors_200=0&error_status=500");
    CHECK(WF_ERR_API, wf_get(c, "task", "ffffffffffffffffffffffffffffffff", "name", &data), c);
    assert_int_equal(wf_client_error(c)->http_status, 500);
    assert_string_equal(wf_client_error(c)->wf_class, "com.attask.common.NotFoundException");
    config("error_status=0&errors_200=1");
    /* errors_200 also hides authentication failures behind 200 */
    {
        wf_client *bad = client("wrongkey0123456789abcdef00000000");
        CHECK(WF_ERR_AUTH, wf_get(bad, "task", AWKWARD_TASK_ID, "name", &data), bad);
        assert_int_equal(wf_client_error(bad)->http_status, 200);
        assert_string_equal(wf_client_error(bad)->wf_class, AUTH_CLASS);
    }
}

/* A gateway's HTML page with an error status: WF_ERR_RESPONSE with the
   status and an excerpt; then the client carries on. */
static void test_html_body(void **state) {
    wf_client *c = client(WFH_ADMIN_API_KEY);
    wf_json data;
    const wf_error *e;
    (void)state;
    config("force_status=502&force_body=%s&count=1", "%3Chtml%3E%3Cbody%3EBad%20Gateway%3C%2Fbody%3E%3C%2Fhtml%3E");
    CHECK(WF_ERR_RESPONSE, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    e = wf_client_error(c);
    assert_int_equal(e->http_status, 502);
    ICONTAINS(e->excerpt, "<html><body>Bad Gateway");
    ICONTAINS(e->text, "502");
    /* count=1: the next answer is normal again */
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    JSTR(wf_json_get(data, "name"), AWKWARD_TASK_NAME);

    /* HTML with 200 is no better */
    config("force_status=200&force_body=%s&count=1", "%3C%21DOCTYPE%20html%3E%3Chtml%3Emaintenance%3C%2Fhtml%3E");
    CHECK(WF_ERR_RESPONSE, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    assert_int_equal(wf_client_error(c)->http_status, 200);
    ICONTAINS(wf_client_error(c)->excerpt, "<!DOCTYPE html>");

    /* a body that starts like JSON and is not: WF_ERR_JSON */
    config("force_status=200&force_body=%s&count=1", "%7B%22data%22%3A%5B1%2C2");
    CHECK(WF_ERR_JSON, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    assert_int_equal(wf_client_error(c)->http_status, 200);
    ICONTAINS(wf_client_error(c)->excerpt, "{\"data\":[1,2");

    /* the CDN's 414 page for a long request target (threshold lowered; the
       server reads max_uri when it starts waiting for a request, so the
       switch needs a new connection) */
    config("max_uri=2000");
    wf_client_close_connection(c);
    {
        wf_query *q = query();
        char v[3000];
        memset(v, 'a', sizeof v - 1);
        v[sizeof v - 1] = 0;
        OK(wf_query_add(q, "name", v), NULL);
        CHECK(WF_ERR_RESPONSE, wf_search(c, "task", q, &data), c);
        assert_int_equal(wf_client_error(c)->http_status, 414);
        ICONTAINS(wf_client_error(c)->excerpt, "Request-URI Too Long");
    }
    config("max_uri=8892");

    /* a 401 with an HTML page is still an authentication failure */
    config("force_status=401&force_body=%s&count=1", "%3Chtml%3Elogin%3C%2Fhtml%3E");
    CHECK(WF_ERR_AUTH, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    assert_int_equal(wf_client_error(c)->http_status, 401);
}

/* Answers without a body (HEAD, 204, 304) keep the connection in step:
   the next request on the same connection reads its own answer. */
static void test_no_body_answers(void **state) {
    wf_client *c = client(WFH_ADMIN_API_KEY);
    wf_json data;
    wfh_stats a, b;
    size_t len = 1;
    (void)state;
    OK(wf_get(c, "task", CJK_TASK_ID, "name", &data), c); /* opens the connection */
    a = stats();
    /* HEAD: the head announces a Content-Length, no body follows */
    OK(wf_request(c, "HEAD", "task/" AWKWARD_TASK_ID, NULL, NULL, &data), c);
    assert_int_equal(wf_last_status(c), 200);
    assert_false(wf_json_ok(data));
    (void)wf_last_body(c, &len);
    assert_int_equal(len, 0);
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    JSTR(wf_json_get(data, "name"), AWKWARD_TASK_NAME);
    /* 204 and 304: no body and no length */
    config("force_status=204");
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    assert_int_equal(wf_last_status(c), 204);
    assert_false(wf_json_ok(data));
    OK(wf_get(c, "task", EMOJI_TASK_ID, "name", &data), c);
    JSTR(wf_json_get(data, "name"), EMOJI_TASK_NAME);
    config("force_status=304");
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    assert_int_equal(wf_last_status(c), 304);
    OK(wf_get(c, "task", RTL_TASK_ID, "name", &data), c);
    JSTR(wf_json_get(data, "name"), RTL_TASK_NAME);
    b = stats();
    assert_int_equal(conns_between(&a, &b), 0); /* all on the first connection */
    assert_int_equal(reqs_between(&a, &b), 6);
}

/* Bodies that look like JSON and are not: the client's validator, not
   jsmn's leniency, decides.  Each is WF_ERR_JSON with status and excerpt. */
static void test_invalid_json(void **state) {
    static const struct { const char *enc, *why; } bodies[] = {
        { "%7B%22data%22%3A%7B%22name%22%3A%22%5Cud83d%22%7D%7D", "lone high surrogate" },
        { "%7B%22data%22%3A%7B%22name%22%3A%22%5Cude80x%22%7D%7D", "lone low surrogate" },
        { "%7B%22data%22%3A%7B%22name%22%3A%22%5Cq%22%7D%7D", "invalid escape \\q" },
        { "%7B%22data%22%3A%7B%22name%22%3A%22a%01b%22%7D%7D", "raw control character" },
        { "%7B%22data%22%3Atru%7D", "truncated literal" },
        { "%7B%22data%22%3A1.2.3%7D", "bad number" },
        { "%7B%22data%22%3A1%7D%7B%22data%22%3A2%7D", "two top-level values" },
        { "%7B%22data%22%20%22x%22%7D", "missing colon" },
        { "%7B%22data%22%3A%5B1%2C%5D%7D", "trailing comma" },
    };
    wf_client *c = client(WFH_ADMIN_API_KEY);
    wf_json data;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        wf_result r;
        config("force_status=200&force_body=%s&force_ctype=application%%2Fjson", bodies[i].enc);
        r = wf_get(c, "task", AWKWARD_TASK_ID, "name", &data);
        if (r != WF_ERR_JSON) {
            print_error("%s: %s (%s)\n", bodies[i].why, wf_result_str(r), wf_client_error(c)->text);
            fail();
        }
        assert_int_equal(wf_client_error(c)->http_status, 200);
        assert_true(wf_client_error(c)->excerpt[0] == '{');
        assert_false(wf_json_ok(data));
    }
    /* and a valid one with every escape decodes */
    config("force_status=200&force_body=%s", "%7B%22data%22%3A%7B%22s%22%3A%22%5C%22%5C%5C%5C%2F%5Cb%5Cf%5Cn%5Cr%5Ct%5Cu00e9%5Cud83d%5Cude80%22%7D%7D");
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    JSTR(wf_json_get(data, "s"), "\"\\/\b\f\n\r\t\xC3\xA9\xF0\x9F\x9A\x80");
}

/* garbage=1: an HTML maintenance page with status 200 instead of JSON. */
static void test_garbage(void **state) {
    wf_client *c = client(WFH_ADMIN_API_KEY);
    wf_json data;
    const wf_error *e;
    (void)state;
    config("garbage=1");
    CHECK(WF_ERR_RESPONSE, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    e = wf_client_error(c);
    assert_int_equal(e->result, WF_ERR_RESPONSE);
    assert_int_equal(e->http_status, 200);
    assert_false(wf_json_ok(data));
    ICONTAINS(e->excerpt, "<!DOCTYPE html> <html><head><title>Service Maintenance");
    assert_true(strlen(e->excerpt) < sizeof e->excerpt);
    ICONTAINS(e->text, "text/html");
    ICONTAINS(e->text, "200");
    config("garbage=0");
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    JSTR(wf_json_get(data, "name"), AWKWARD_TASK_NAME);
}

/* truncate=1: the connection ends in the middle of the body. */
static void test_truncated(void **state) {
    wf_client *c = client(WFH_ADMIN_API_KEY);
    wf_query *q = query();
    wf_json data;
    const wf_error *e;
    (void)state;
    OK(wf_query_fields(q, "name,description"), NULL);
    OK(wf_query_limit(q, 0, 20), NULL);
    config("truncate=1");
    CHECK(WF_ERR_HTTP, wf_search(c, "task", q, &data), c);
    e = wf_client_error(c);
    assert_int_equal(e->http_status, 200);
    ICONTAINS(e->excerpt, "{\"data\":[");
    ICONTAINS(e->text, "closed");
    assert_false(wf_json_ok(data));
    /* chunked and truncated */
    config("chunked=1");
    CHECK(WF_ERR_HTTP, wf_search(c, "task", q, &data), c);
    assert_int_equal(wf_client_error(c)->http_status, 200);
    ICONTAINS(wf_client_error(c)->text, "chunked");
    config("truncate=0&chunked=0");
    OK(wf_search(c, "task", q, &data), c);
    assert_int_equal(wf_json_len(data), 20);
}

/* gzip=1: a compressed body although identity was asked for. */
static void test_gzip(void **state) {
    wf_client *c = client(WFH_ADMIN_API_KEY);
    wf_json data;
    (void)state;
    config("gzip=1");
    CHECK(WF_ERR_ENCODING, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    assert_int_equal(wf_client_error(c)->http_status, 200);
    ICONTAINS(wf_client_error(c)->text, "gzip");
    config("gzip=0");
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
}

/* Fetches the same two answers (a search and the awkward task) under a
   switch and compares the raw bodies with the plain ones. */
static char *g_base_search, *g_base_get;
static size_t g_base_search_len, g_base_get_len;

static void fetch_pair(wf_client *c, char **s, size_t *sl, char **g, size_t *gl) {
    wf_query q;
    wf_json data;
    const char *b;
    memset(&q, 0, sizeof q);
    OK(wf_query_fields(&q, "name,description,status"), NULL);
    OK(wf_query_limit(&q, 0, 15), NULL);
    OK(wf_query_add(&q, "ID_Sort", "asc"), NULL);
    {
        wf_result r = wf_search(c, "task", &q, &data);
        wf_query_free(&q);
        OK(r, c);
    }
    assert_int_equal(wf_json_len(data), 15);
    b = wf_last_body(c, sl);
    *s = (char *)malloc(*sl + 1);
    memcpy(*s, b, *sl + 1);
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name,description", &data), c);
    JSTR(wf_json_get(data, "name"), AWKWARD_TASK_NAME);
    JSTR(wf_json_get(data, "description"), AWKWARD_TASK_DESCRIPTION);
    b = wf_last_body(c, gl);
    *g = (char *)malloc(*gl + 1);
    memcpy(*g, b, *gl + 1);
}

static void check_same_as_plain(wf_client *c, const char *switches) {
    char *s = NULL, *g = NULL;
    size_t sl = 0, gl = 0;
    wfh_stats a, b;
    long long writes;
    config("%s", switches);
    a = stats();
    fetch_pair(c, &s, &sl, &g, &gl);
    b = stats();
    config("chunked=0&tiny=0&send_100=0&close=0&close_delimited=0");
    /* the switch really cut the answers into pieces */
    writes = b.writes - a.writes;
    if (b.writes >= 0 && strstr(switches, "tiny=1") && writes < (long long)(sl + gl)) {
        print_error("tiny=1 but only %lld writes for %zu bytes\n", writes, sl + gl);
        free(s);
        free(g);
        fail();
    }
    if (sl != g_base_search_len || memcmp(s, g_base_search, sl) != 0 || gl != g_base_get_len || memcmp(g, g_base_get, gl) != 0) {
        print_error("with %s the bodies differ: search %zu vs %zu bytes, get %zu vs %zu bytes\n", switches, sl,
                    g_base_search_len, gl, g_base_get_len);
        free(s);
        free(g);
        fail();
    }
    free(s);
    free(g);
}

static void test_framing_equivalence(void **state) {
    wf_client *c = client(WFH_ADMIN_API_KEY);
    (void)state;
    fetch_pair(c, &g_base_search, &g_base_search_len, &g_base_get, &g_base_get_len);
    assert_true(g_base_search_len > 1000);
    check_same_as_plain(c, "chunked=1");
    check_same_as_plain(c, "tiny=1");
    check_same_as_plain(c, "tiny=3&chunked=1");
    check_same_as_plain(c, "send_100=1");
    check_same_as_plain(c, "send_100=1&chunked=1&tiny=2");
    check_same_as_plain(c, "close=1");
    check_same_as_plain(c, "close_delimited=1");
    check_same_as_plain(c, "close_delimited=1&tiny=5");
    free(g_base_search);
    free(g_base_get);
    g_base_search = g_base_get = NULL;
}

/* 100 Continue before the real answer is skipped, also on a login POST. */
static void test_send_100(void **state) {
    wf_client *c = client(NULL);
    wf_json data;
    (void)state;
    config("send_100=1");
    OK(wf_login(c, WFH_ADMIN_USERNAME, WFH_ADMIN_PASSWORD), c);
    assert_int_equal(wf_last_status(c), 200);
    assert_string_equal(wf_user_id(c), WFH_ADMIN_USER_ID);
    OK(wf_get(c, "task", EMOJI_TASK_ID, "name", &data), c);
    assert_int_equal(wf_last_status(c), 200);
    JSTR(wf_json_get(data, "name"), EMOJI_TASK_NAME);
    /* an error answer after a 100 keeps its real status */
    CHECK(WF_ERR_API, wf_get(c, "task", "ffffffffffffffffffffffffffffffff", "name", &data), c);
    assert_int_equal(wf_client_error(c)->http_status, 404);
}

/* A large answer: 2000 tasks with every field (several MB). */
static void test_big_search(void **state) {
    wf_client *c = client(WFH_ADMIN_API_KEY);
    wf_query *q = query();
    wf_json data, t;
    size_t n = 0, len = 0;
    (void)state;
    OK(wf_query_fields(q, "*"), NULL);
    OK(wf_query_limit(q, 0, 2000), NULL);
    config("chunked=1");
    OK(wf_search(c, "task", q, &data), c);
    assert_int_equal(wf_json_len(data), 2000);
    for (t = wf_json_first(data); wf_json_ok(t); t = wf_json_next(t)) {
        assert_true(is_id(wf_json_get(t, "ID")));
        n++;
    }
    assert_int_equal(n, 2000);
    (void)wf_last_body(c, &len);
    assert_true(len > 1000000);
}

/* ----------------------------------------------------------------- TLS */

static wf_client *tls_client(int which, const char *ca_file, bool no_system_ca, wf_result expect) {
    wf_client_desc d;
    wf_client *c;
    wf_json data;
    wfh_desc(&g_srv, which, &d);
    d.api_key = WFH_ADMIN_API_KEY;
    d.ca_file = ca_file;
    d.no_system_ca = no_system_ca;
    c = client_desc(&d);
    CHECK(expect, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    return c;
}

static void test_tls_ok(void **state) {
    wf_client_desc d;
    wf_client *c;
    wf_json data;
    char *pem;
    size_t n;
    (void)state;
    /* only the test CA, from a file */
    tls_client(WFH_HTTPS, g_srv.ca, true, WF_OK);
    /* only the test CA, from memory */
    pem = wfh_read_file(g_srv.ca, &n);
    assert_non_null(pem);
    wfh_desc(&g_srv, WFH_HTTPS, &d);
    d.api_key = WFH_ADMIN_API_KEY;
    d.ca_file = NULL;
    d.ca_pem = pem;
    d.ca_pem_len = n;
    d.no_system_ca = true;
    c = client_desc(&d);
    free(pem);
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    JSTR(wf_json_get(data, "name"), AWKWARD_TASK_NAME);
    /* by host name: the certificate names localhost too */
    {
        char url[64];
        snprintf(url, sizeof url, "https://localhost:%d", g_srv.https_port);
        wfh_desc(&g_srv, WFH_HTTPS, &d);
        d.url = url;
        d.api_key = WFH_ADMIN_API_KEY;
        c = client_desc(&d);
        OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    }
}

static void test_tls_wrong_host(void **state) {
    wf_client *c;
    const wf_error *e;
    (void)state;
    assert_true(g_srv.wronghost_port > 0);
    c = tls_client(WFH_WRONGHOST, g_srv.ca, true, WF_ERR_CERT);
    e = wf_client_error(c);
    assert_true(e->cert_flags != 0);
    assert_true((e->cert_flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) != 0);
    assert_true((e->cert_flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) == 0);
    ICONTAINS(e->cert_text, "Common Name");
    ICONTAINS(e->text, "expected CN");
    assert_int_equal(e->http_status, 0);
    assert_true(e->tls_code != 0);
    /* the failure sticks: trying again gives the same answer */
    {
        wf_json data;
        CHECK(WF_ERR_CERT, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    }
}

static void test_tls_expired(void **state) {
    wf_client *c;
    const wf_error *e;
    (void)state;
    assert_true(g_srv.expired_port > 0);
    c = tls_client(WFH_EXPIRED, g_srv.ca, true, WF_ERR_CERT);
    e = wf_client_error(c);
    assert_true((e->cert_flags & MBEDTLS_X509_BADCERT_EXPIRED) != 0);
    assert_true((e->cert_flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) == 0);
    ICONTAINS(e->cert_text, "expired");
    ICONTAINS(e->text, "expired");
}

static void test_tls_untrusted(void **state) {
    wf_client *c;
    const wf_error *e;
    char oth[WFH_PATH + 16];
    FILE *f;
    (void)state;
    /* another CA only */
    wfh_cert_path(&g_srv, "othca.pem", oth, sizeof oth);
    f = fopen(oth, "r");
    assert_non_null(f); /* the server's README promises it */
    fclose(f);
    c = tls_client(WFH_HTTPS, oth, true, WF_ERR_CERT);
    e = wf_client_error(c);
    assert_true((e->cert_flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) != 0);
    ICONTAINS(e->text, "not trusted");
    ICONTAINS(e->cert_text, "not correctly signed");
    /* the system bundle only (the default) */
    c = tls_client(WFH_HTTPS, NULL, false, WF_ERR_CERT);
    e = wf_client_error(c);
    assert_true((e->cert_flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) != 0);
    ICONTAINS(e->text, "not trusted");
}

/* Wrong protocol on a port: fails quickly with a clear error, no crash. */
static void test_protocol_mismatch(void **state) {
    wf_client_desc d;
    wf_client *c;
    wf_json data;
    wf_result r;
    char url[64];
    long long t0;
    (void)state;
    /* https:// to the plain HTTP port: the handshake meets an HTTP answer */
    wfh_desc(&g_srv, WFH_HTTPS, &d);
    snprintf(url, sizeof url, "https://127.0.0.1:%d", g_srv.http_port);
    d.url = url;
    d.timeout_ms = 3000;
    c = client_desc(&d);
    t0 = wfh_now_ms();
    r = wf_get(c, "task", AWKWARD_TASK_ID, "name", &data);
    if (r != WF_ERR_TLS && r != WF_ERR_CLOSED && r != WF_ERR_IO) {
        print_error("https to http port: %s (%s)\n", wf_result_str(r), wf_client_error(c)->text);
        fail();
    }
    assert_true(wfh_now_ms() - t0 < 2500);
    /* http:// to the TLS port: the server never sends an HTTP status line */
    wfh_desc(&g_srv, WFH_HTTP, &d);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", g_srv.https_port);
    d.url = url;
    d.timeout_ms = 3000;
    c = client_desc(&d);
    r = wf_get(c, "task", AWKWARD_TASK_ID, "name", &data);
    if (r != WF_ERR_HTTP && r != WF_ERR_CLOSED && r != WF_ERR_IO && r != WF_ERR_TIMEOUT) {
        print_error("http to https port: %s (%s)\n", wf_result_str(r), wf_client_error(c)->text);
        fail();
    }
}

/* What the test server cannot do (a connect that never completes, a peer
   that accepts and stays silent, a refused port) comes from the harness's
   own sockets. */
static wf_client *plain_client(const char *url, int timeout_ms, int max_retries) {
    wf_client_desc d;
    wfh_desc(&g_srv, WFH_HTTPS, &d); /* the CA, harmless for http */
    d.url = url;
    d.api_key = WFH_ADMIN_API_KEY;
    d.timeout_ms = timeout_ms;
    d.max_retries = max_retries;
    return client_desc(&d);
}

static void test_connect_errors(void **state) {
    char url[64];
    wf_client *c;
    wf_json data;
    long long t0, dt;
    int port, fd, i, fill[8];
    (void)state;
    /* refused: WF_ERR_CONNECT with errno, quickly */
    port = wfh_closed_port();
    assert_true(port > 0);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    c = plain_client(url, 3000, -1);
    t0 = wfh_now_ms();
    CHECK(WF_ERR_CONNECT, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    assert_true(wfh_now_ms() - t0 < 1000);
    assert_int_equal(wf_client_error(c)->sys_errno, ECONNREFUSED);
    ICONTAINS(wf_client_error(c)->text, "refused");
    /* ... and with the default retries it still ends within the timeout */
    c = plain_client(url, 1500, 0);
    t0 = wfh_now_ms();
    CHECK(WF_ERR_CONNECT, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    assert_true(wfh_now_ms() - t0 < 2500);

    /* accepted by the kernel, never answered: plain and TLS */
    fd = wfh_listen_silent(8, &port);
    assert_true(fd >= 0);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    c = plain_client(url, 300, 0);
    t0 = wfh_now_ms();
    CHECK(WF_ERR_TIMEOUT, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    dt = wfh_now_ms() - t0;
    snprintf(url, sizeof url, "https://127.0.0.1:%d", port);
    c = plain_client(url, 300, 0);
    CHECK(WF_ERR_TIMEOUT, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    ICONTAINS(wf_client_error(c)->text, "handshake");
    close(fd);
    assert_true(dt < 1200);

    /* a full accept queue: the SYN goes unanswered, the connect times out */
    fd = wfh_listen_silent(0, &port);
    assert_true(fd >= 0);
    wfh_fill_backlog(port, fill, 8);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    {
        wf_client_desc d;
        wfh_desc(&g_srv, WFH_HTTP, &d);
        d.url = url;
        d.timeout_ms = 5000;
        d.connect_timeout_ms = 300;
        d.max_retries = -1;
        c = client_desc(&d);
    }
    t0 = wfh_now_ms();
    CHECK(WF_ERR_TIMEOUT, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    dt = wfh_now_ms() - t0;
    ICONTAINS(wf_client_error(c)->text, "connect");
    for (i = 0; i < 8; i++) if (fill[i] >= 0) close(fill[i]);
    close(fd);
    if (dt > 1500) { print_error("connect timeout of 300 ms took %lld ms\n", dt); fail(); }
}

/* ------------------------------------------------------------ connections */

/* Ten sequential requests on one client use one connection; with close=1
   each uses a new one and still succeeds. */
static void test_connection_reuse(void **state) {
    wf_client *c = client(WFH_ADMIN_API_KEY);
    wf_json data;
    wfh_stats a, b;
    int i;
    (void)state;
    a = stats();
    for (i = 0; i < 10; i++) {
        OK(wf_get(c, "task", i % 2 ? AWKWARD_TASK_ID : CJK_TASK_ID, "name", &data), c);
        JSTR(wf_json_get(data, "name"), i % 2 ? AWKWARD_TASK_NAME : CJK_TASK_NAME);
    }
    b = stats();
    assert_int_equal(conns_between(&a, &b), 1);
    assert_int_equal(reqs_between(&a, &b), 10);
    if (F.which == WFH_HTTPS && b.tls_full >= 0) assert_int_equal(b.tls_full + b.tls_resumed - a.tls_full - a.tls_resumed, 1);

    config("close=1");
    a = stats();
    for (i = 0; i < 10; i++) {
        OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
        JSTR(wf_json_get(data, "name"), AWKWARD_TASK_NAME);
    }
    b = stats();
    /* the first of them still rides the open keep-alive connection */
    assert_int_equal(conns_between(&a, &b), 9);
    assert_int_equal(reqs_between(&a, &b), 10);
    if (F.which == WFH_HTTPS && b.tls_full >= 0) assert_int_equal(b.tls_full + b.tls_resumed - a.tls_full - a.tls_resumed, 9);
    /* nothing is left open for the next request to trip over */
    a = stats();
    OK(wf_get(c, "task", CJK_TASK_ID, "name", &data), c);
    b = stats();
    assert_int_equal(conns_between(&a, &b), 1);
}

/* Error answers with a complete body leave the keep-alive connection
   usable: a mix of answers travels on one connection. */
static void test_errors_keep_connection(void **state) {
    wf_client *c = client(WFH_ADMIN_API_KEY);
    wf_query *q = query();
    wf_json data;
    wfh_stats a, b;
    (void)state;
    a = stats();
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    CHECK(WF_ERR_API, wf_get(c, "task", "ffffffffffffffffffffffffffffffff", "name", &data), c);
    assert_int_equal(wf_client_error(c)->http_status, 404);
    OK(wf_query_fields(q, "bogusField"), NULL);
    CHECK(WF_ERR_API, wf_search(c, "task", q, &data), c);
    assert_int_equal(wf_client_error(c)->http_status, 200);
    OK(wf_set_api_key(c, "not-a-valid-key"), c);
    CHECK(WF_ERR_AUTH, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    OK(wf_set_api_key(c, WFH_ADMIN_API_KEY), c);
    config("force_status=502");
    CHECK(WF_ERR_RESPONSE, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    assert_int_equal(wf_client_error(c)->http_status, 502);
    OK(wf_get(c, "task", CJK_TASK_ID, "name", &data), c);
    JSTR(wf_json_get(data, "name"), CJK_TASK_NAME);
    b = stats();
    assert_int_equal(reqs_between(&a, &b), 6);
    assert_int_equal(conns_between(&a, &b), 1);
}

/* Later HTTPS connections of one client resume the TLS session. */
static void test_tls_resumption(void **state) {
    wf_client *c = client(WFH_ADMIN_API_KEY);
    wf_json data;
    wfh_stats a, b;
    int i;
    (void)state;
    assert_true(stats().tls_resumed >= 0);
    config("close=1");
    a = stats();
    for (i = 0; i < 4; i++) OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    b = stats();
    assert_int_equal(b.tls_full + b.tls_resumed - a.tls_full - a.tls_resumed, 4);
    if (b.tls_resumed - a.tls_resumed < 3)
        print_error("full handshakes %lld, resumed %lld\n", b.tls_full - a.tls_full, b.tls_resumed - a.tls_resumed);
    assert_true(b.tls_full - a.tls_full <= 1);
    assert_true(b.tls_resumed - a.tls_resumed >= 3);
}

/* The server closes an idle keep-alive connection: the next request
   notices and succeeds on a new connection. */
static void test_idle_close(void **state) {
    wf_client *c = client(WFH_ADMIN_API_KEY);
    wf_json data;
    wfh_stats a, b;
    (void)state;
    config("idle_close_ms=200");
    a = stats();
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    wfh_sleep_ms(600);
    OK(wf_get(c, "task", CJK_TASK_ID, "name", &data), c);
    JSTR(wf_json_get(data, "name"), CJK_TASK_NAME);
    assert_true(wf_client_error(c)->attempts <= 2);
    b = stats();
    assert_int_equal(conns_between(&a, &b), 2);
    assert_int_equal(reqs_between(&a, &b), 2);
    /* and a third time, to be sure the state is clean */
    wfh_sleep_ms(400);
    OK(wf_get(c, "task", EMOJI_TASK_ID, "name", &data), c);
    JSTR(wf_json_get(data, "name"), EMOJI_TASK_NAME);
}

/* Writes are never sent twice.  The server has no switch that drops a
   request without any answer, so two neighbours of that case are checked:
   (1) a POST on a reused keep-alive connection whose answer breaks off
   (truncate=1) is reported, not re-sent; (2) a POST after the server closed
   the idle connection goes out once, on a new connection, and succeeds. */
static void test_no_replay(void **state) {
    wf_client *c = client(WFH_ADMIN_API_KEY);
    wf_json data;
    wfh_stats a, b;
    (void)state;
    /* (1) a keep-alive connection, then a POST whose answer breaks off */
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    config("truncate=1");
    a = stats();
    CHECK(WF_ERR_HTTP, wf_login(c, WFH_ADMIN_USERNAME, WFH_ADMIN_PASSWORD), c);
    b = stats();
    assert_int_equal(reqs_between(&a, &b), 1);
    assert_int_equal(conns_between(&a, &b), 0);
    if (b.logins >= 0) assert_int_equal(b.logins - a.logins, 1);
    assert_int_equal(wf_client_error(c)->attempts, 1);
    assert_null(wf_session_id(c));

    /* (2) idle close, then a POST: sent once, on a new connection */
    config("truncate=0&idle_close_ms=200");
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    wfh_sleep_ms(600);
    a = stats();
    OK(wf_login(c, WFH_ADMIN_USERNAME, WFH_ADMIN_PASSWORD), c);
    b = stats();
    assert_int_equal(reqs_between(&a, &b), 1);
    assert_int_equal(conns_between(&a, &b), 1);
    if (b.logins >= 0) assert_int_equal(b.logins - a.logins, 1);
    assert_non_null(wf_session_id(c));
}

/* A client with a short timeout against a slow server. */
static wf_client *short_client(int timeout_ms) {
    wf_client_desc d;
    wfh_desc(&g_srv, F.which, &d);
    d.api_key = WFH_ADMIN_API_KEY;
    d.timeout_ms = timeout_ms;
    return client_desc(&d);
}

static void expect_timeout(wf_client *c, long max_ms) {
    wf_json data;
    long long t0 = wfh_now_ms(), dt;
    CHECK(WF_ERR_TIMEOUT, wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    dt = wfh_now_ms() - t0;
    if (dt > max_ms) { print_error("timed out after %lld ms, expected < %ld\n", dt, max_ms); fail(); }
    assert_false(wf_json_ok(data));
}

static void test_timeout(void **state) {
    wf_client *c = short_client(300);
    wf_json data;
    (void)state;
    config("delay_ms=2000");
    expect_timeout(c, 1200);
    ICONTAINS(wf_client_error(c)->text, "time");
    config("delay_ms=0");
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c); /* usable afterwards */
    JSTR(wf_json_get(data, "name"), AWKWARD_TASK_NAME);
}

static void test_stall(void **state) {
    wf_client *c = short_client(300);
    wf_json data;
    (void)state;
    /* the head arrives, the body never does */
    config("stall=body");
    expect_timeout(c, 1200);
    /* the server accepts and says nothing (for TLS: no handshake) */
    config("stall=accept");
    wf_client_close_connection(c);
    expect_timeout(c, 1200);
    /* bytes keep coming, too slowly: the whole-request deadline wins */
    config("stall=none&trickle_ms=20");
    expect_timeout(c, 1200);
    config("trickle_ms=0");
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
}

/* max_response_bytes caps what is read, Content-Length and chunked alike. */
static void test_too_large(void **state) {
    wf_client_desc d;
    wf_client *c;
    wf_query *q = query();
    wf_json data;
    (void)state;
    wfh_desc(&g_srv, F.which, &d);
    d.api_key = WFH_ADMIN_API_KEY;
    d.max_response_bytes = 1000;
    c = client_desc(&d);
    OK(wf_query_fields(q, "name,description"), NULL);
    OK(wf_query_limit(q, 0, 100), NULL);
    CHECK(WF_ERR_TOO_LARGE, wf_search(c, "task", q, &data), c);
    assert_false(wf_json_ok(data));
    ICONTAINS(wf_client_error(c)->text, "1000");
    /* a small answer is still fine */
    OK(wf_get(c, "task", CJK_TASK_ID, "name", &data), c);
    JSTR(wf_json_get(data, "name"), CJK_TASK_NAME);
    config("chunked=1");
    CHECK(WF_ERR_TOO_LARGE, wf_search(c, "task", q, &data), c);
    OK(wf_get(c, "task", CJK_TASK_ID, "name", &data), c);
    JSTR(wf_json_get(data, "name"), CJK_TASK_NAME);
}

/* A ~12 KB filter goes out as POST with method=GET and works. */
static void test_long_uri(void **state) {
    wf_client *c = client(WFH_ADMIN_API_KEY);
    wf_query *q = query();
    wf_json data;
    wfh_stats st;
    char *big;
    int i;
    (void)state;
    /* one value of 12 000 characters (that no name contains) */
    big = (char *)malloc(12001);
    for (i = 0; i < 12000; i++) big[i] = (char)('a' + i % 26);
    big[12000] = 0;
    OK(wf_query_add(q, "name", big), NULL);
    free(big);
    OK(wf_query_add(q, "name_Mod", "notcontains"), NULL);
    OK(wf_query_fields(q, "name"), NULL);
    OK(wf_query_limit(q, 0, 3), NULL);
    assert_true(strlen(wf_query_str(q)) > 12000);
    OK(wf_search(c, "task", q, &data), c);
    assert_int_equal(wf_json_len(data), 3);
    assert_true(is_id(wf_json_get(wf_json_at(data, 0), "ID")));
    st = stats();
    assert_true(st.has_last);
    assert_string_equal(st.last_method, "POST");
    assert_string_equal(st.last_effective, "GET");
    ICONTAINS(st.last_path, "/task/search");
    assert_true(st.last_target_len < 8192);
    assert_true(st.last_body_len > 12000);
    /* a short query is still a GET */
    {
        wf_json d2;
        OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &d2), c);
        st = stats();
        assert_string_equal(st.last_method, "GET");
        assert_string_equal(st.last_effective, "GET");
    }

    /* many values: ID_Mod=in with the awkward task hidden among 350 others */
    wf_query_reset(q);
    for (i = 0; i < 350; i++) {
        char id[40];
        snprintf(id, sizeof id, "%032x", 0xabc000 + i);
        OK(wf_query_add(q, "ID", id), NULL);
        if (i == 200) OK(wf_query_add(q, "ID", AWKWARD_TASK_ID), NULL);
    }
    OK(wf_query_add(q, "ID_Mod", "in"), NULL);
    OK(wf_query_fields(q, "name"), NULL);
    assert_true(strlen(wf_query_str(q)) > 12000);
    OK(wf_search(c, "task", q, &data), c);
    assert_int_equal(wf_json_len(data), 1);
    JSTR(wf_json_get(wf_json_at(data, 0), "name"), AWKWARD_TASK_NAME);
}

/* wf_get with two IDs: one request, an array of both. */
static void test_get_two_ids(void **state) {
    wf_client *c = client(WFH_ADMIN_API_KEY);
    wf_json data, t;
    bool seen_awk = false, seen_cjk = false;
    char id[64];
    wfh_stats a, b;
    (void)state;
    a = stats();
    OK(wf_get(c, "task", AWKWARD_TASK_ID "," CJK_TASK_ID, "name", &data), c);
    b = stats();
    assert_int_equal(reqs_between(&a, &b), 1);
    assert_int_equal(wf_json_type_of(data), WF_JSON_ARRAY);
    assert_int_equal(wf_json_len(data), 2);
    for (t = wf_json_first(data); wf_json_ok(t); t = wf_json_next(t)) {
        js(wf_json_get(t, "ID"), id, sizeof id);
        if (strcmp(id, AWKWARD_TASK_ID) == 0) { seen_awk = true; JSTR(wf_json_get(t, "name"), AWKWARD_TASK_NAME); }
        if (strcmp(id, CJK_TASK_ID) == 0) { seen_cjk = true; JSTR(wf_json_get(t, "name"), CJK_TASK_NAME); }
    }
    assert_true(seen_awk);
    assert_true(seen_cjk);
}

/* Every byte allocated through the client's allocator is given back. */
static void test_allocator(void **state) {
    wfh_counting k;
    wf_client_desc d;
    wf_client *c = NULL;
    wf_error err;
    wf_query q;
    wf_json data;
    (void)state;
    wfh_desc(&g_srv, F.which, &d);
    d.allocator = wfh_counting_allocator(&k);
    OK(wf_client_create(&d, &c, &err), NULL);
    assert_true(k.allocs > 0);
    track_client(c); /* destroyed in teardown if an assert fails */

    memset(&q, 0, sizeof q);
    q.allocator = d.allocator;
    OK(wf_login(c, WFH_ADMIN_USERNAME, WFH_ADMIN_PASSWORD), c);
    OK(wf_query_fields(&q, "name,description"), NULL);
    OK(wf_query_limit(&q, 0, 50), NULL);
    config("chunked=1");
    OK(wf_search(c, "task", &q, &data), c);
    assert_int_equal(wf_json_len(data), 50);
    wf_query_free(&q);
    OK(wf_get(c, "task", AWKWARD_TASK_ID "," CJK_TASK_ID, "name", &data), c);
    CHECK(WF_ERR_API, wf_get(c, "task", "ffffffffffffffffffffffffffffffff", "name", &data), c);
    OK(wf_logout(c), c);
    assert_true(k.live > 0);

    drop_client(c);
    if (k.live != 0 || k.bytes_live != 0 || k.bad_frees != 0)
        print_error("allocs %lld frees %lld live %lld bytes %lld bad %lld\n", k.allocs, k.frees, k.live, k.bytes_live, k.bad_frees);
    assert_int_equal(k.live, 0);
    assert_int_equal(k.bytes_live, 0);
    assert_int_equal(k.bad_frees, 0);
    assert_int_equal(k.allocs, k.frees);

    /* a failing create gives back everything too */
    memset(&k, 0, sizeof k);
    d.url = "ftp://nope";
    CHECK(WF_ERR_URL, wf_client_create(&d, &c, &err), NULL);
    assert_null(c);
    assert_int_equal(k.live, 0);
}

/* ======================================================================= */

#define BOTH(name) { #name "/http", test_##name, setup, wfh_fixture_teardown, (void *)&k_http }, \
                   { #name "/https", test_##name, setup, wfh_fixture_teardown, (void *)&k_https }
#define HTTP(name) { #name, test_##name, setup, wfh_fixture_teardown, (void *)&k_http }
#define HTTPS(name) { #name, test_##name, setup, wfh_fixture_teardown, (void *)&k_https }

int main(int argc, char **argv) {
    static const struct CMUnitTest all[] = {
        BOTH(login_search_get_logout),
        HTTP(session_id_reuse),
        BOTH(api_key),
        BOTH(wrong_password),
        HTTP(login_awkward_password),
        BOTH(awkward_strings),
        BOTH(query_roundtrip),
        BOTH(echo_request),
        BOTH(base_urls),
        BOTH(trace_redaction),
        HTTP(error_envelope_200),
        HTTP(not_found),
        BOTH(html_body),
        BOTH(garbage),
        BOTH(truncated),
        BOTH(gzip),
        BOTH(framing_equivalence),
        BOTH(no_body_answers),
        HTTP(invalid_json),
        BOTH(send_100),
        HTTPS(big_search),
        HTTPS(tls_ok),
        HTTPS(tls_wrong_host),
        HTTPS(tls_expired),
        HTTPS(tls_untrusted),
        HTTP(protocol_mismatch),
        HTTP(connect_errors),
        BOTH(connection_reuse),
        BOTH(errors_keep_connection),
        HTTPS(tls_resumption),
        BOTH(idle_close),
        BOTH(no_replay),
        BOTH(timeout),
        BOTH(stall),
        BOTH(too_large),
        BOTH(long_uri),
        BOTH(get_two_ids),
        BOTH(allocator),
    };
    /* optional arguments: run only the tests whose names contain one of them */
    return WFH_RUN("integration", all, group_setup, group_teardown, argc, argv);
}
