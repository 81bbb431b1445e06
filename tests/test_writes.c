/* tests/test_writes.c - writes against the Workfront test server.

   Create/edit/delete round trips of awkward strings, bulk edits in chunks
   of at most 100, atomic and non-atomic batches, a 20 MB streamed upload
   (SHA-256 checked by the server, peak heap by a counting allocator), no
   silent replays of writes that failed mid-response, copy/move/share,
   actions, delete with and without force, API keys and the object model.

   What went over the wire is checked two ways: the server's statistics
   (/__test/stats: requests_by_method, last_request) and, where the request
   body matters, a capturing transport (desc.transport) that records the
   bytes the client sent.

   One server (2,500 tasks) serves the whole file and is reset before each
   test.  Build and run from the repository root:
     make itests        (or: make build/test_writes && ./build/test_writes)
   Optional arguments run only the tests whose names contain one of them. */
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"

#include <stdarg.h>
#include <stddef.h>
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
#define FIRST_PROJECT_ID   "4c78821c0000d6fa8d5e52f07a1d54d0"
#define SECOND_PROJECT_ID  "4c78821c0000d6fa8d5e52f07a1d54d9"
#define AWKWARD_TASK_ID    "4c78821c0000d6fa8d5e52f07a1d54d1"
#define CJK_TASK_ID        "4c78821c0000d6fa8d5e52f07a1d54d3"
#define JANE_USER_ID       "5a1b2c3d00000a11b0b0c0c0d0d0e0e1"
#define NO_SUCH_ID         "ffffffffffffffffffffffffffffffff"
#define AWKWARD_TASK_NAME  "Quote \" Backslash \\ Slash / Tab \t Emoji \xF0\x9F\x9A\x80 CJK \xE6\x97\xA5\xE6\x9C\xAC"
#define AWKWARD_TASK_DESCRIPTION "{\"not\":\"json\"} </script> \\u0041 literal, \"quoted\", back\\slash, tab\t, NUL-free \x07 bell, \xC3\xA9\xC3\xA8 \xF0\x9F\x98\x80"
#define DE_TEXT            "DE:Custom Text"

/* Strings full of what a JSON writer or a form encoder can get wrong. */
#define S_QUOTES  "Quotes \"double\" 'single' \\backslash\\ \\\" \\u0041 tab\t nl\n cr\r\n ctl\x01\x02\x1b\x1f del\x7f " \
                  "CJK \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E emoji \xF0\x9F\x9A\x80\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x9A\x80 " \
                  "ls\xE2\x80\xA8ps\xE2\x80\xA9 end"
#define S_JSONISH "{\"a\":[1,\"\\u0041\"],\"b\":null}\n</script><!-- %s %n %25 &=+#?/:$ -->\\n\\\\"
#define S_UNICODE "\xC3\xBCn\xC3\xAF\x63\xC3\xB6\x64\xC3\xA9 \xE2\x80\xA6 \xC2\xAB\xC2\xBB \xE2\x80\x94 \xE2\x88\x91 " \
                  "\xF0\x9D\x84\x9E \xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7 \xEF\xBB\xBF bom"

/* ------------------------------------------------------------------ fixture */

/* g_srv, g_ctl, client_desc(), drop_client(), query(), updates(), track(),
   config(), stats_doc(), jint(): tests/harness.h */
static struct fixture {
    char tmpfile[64];
} F;

static wf_client *client_key(const char *api_key) {
    wf_client_desc d;
    wfh_desc(&g_srv, WFH_HTTP, &d);
    d.api_key = api_key;
    d.timeout_ms = 30000;
    return client_desc(&d);
}
static wf_client *client(void) { return client_key(WFH_ADMIN_API_KEY); }

static long long stat_ll(const char *path) {
    long long n = 0;
    if (wf_json_int(wf_json_path(stats_doc(), path), &n) != WF_OK) n = 0;
    return n;
}

typedef struct methods { long long get, post, put, del, all; } methods;
static methods by_method(void) {
    methods m;
    wf_json d = stats_doc();
    m.get = jint(wf_json_path(d, "requests_by_method:GET"));
    m.post = jint(wf_json_path(d, "requests_by_method:POST"));
    m.put = jint(wf_json_path(d, "requests_by_method:PUT"));
    m.del = jint(wf_json_path(d, "requests_by_method:DELETE"));
    m.all = jint(wf_json_get(d, "requests"));
    if (m.get < 0) m.get = 0;
    if (m.post < 0) m.post = 0;
    if (m.put < 0) m.put = 0;
    if (m.del < 0) m.del = 0;
    return m;
}

/* ----------------------------------------------------------- setup/teardown */

static int group_setup(void **state) {
    static const char *const args[] = { "--tasks", "2500", NULL };
    (void)state;
    return wfh_group_start(args);
}

static int group_teardown(void **state) {
    (void)state;
    wfh_group_stop();
    return 0;
}

static int setup(void **state) {
    memset(&F, 0, sizeof F);
    return wfh_fixture_setup_reset(state);
}

static int teardown(void **state) {
    if (F.tmpfile[0]) unlink(F.tmpfile);
    F.tmpfile[0] = 0;
    return wfh_fixture_teardown(state);
}

/* ------------------------------------------------- a capturing transport
   Plain TCP (http:// only) that keeps a copy of the first `limit` bytes the
   client sends, so a test can look at the exact request bodies. */

typedef struct cap_tr {
    int fd;
    char *buf;
    size_t len, cap, limit;
    unsigned long long total;
} cap_tr;

static wf_result cap_connect(void *user, const char *host, int port, int timeout_ms, wf_error *err) {
    cap_tr *t = (cap_tr *)user;
    struct sockaddr_in sa;
    int fd;
    (void)timeout_ms;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) return WF_ERR_DNS;
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) { err->sys_errno = errno; return WF_ERR_CONNECT; }
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) { err->sys_errno = errno; close(fd); return WF_ERR_CONNECT; }
    t->fd = fd;
    return WF_OK;
}

static int cap_wait(int fd, short ev, int timeout_ms) {
    struct pollfd p;
    int r;
    p.fd = fd;
    p.events = ev;
    p.revents = 0;
    do { r = poll(&p, 1, timeout_ms); } while (r < 0 && errno == EINTR);
    return r;
}

static long cap_send(void *user, const unsigned char *buf, size_t len, int timeout_ms, wf_error *err) {
    cap_tr *t = (cap_tr *)user;
    ssize_t n;
    if (cap_wait(t->fd, POLLOUT, timeout_ms) <= 0) return -(long)WF_ERR_TIMEOUT;
    n = send(t->fd, buf, len, MSG_NOSIGNAL);
    if (n < 0) { err->sys_errno = errno; return -(long)WF_ERR_IO; }
    if (t->len < t->limit) {
        size_t k = (size_t)n < t->limit - t->len ? (size_t)n : t->limit - t->len;
        if (t->len + k + 1 > t->cap) {
            size_t nc = t->cap ? t->cap : 4096;
            char *nb;
            while (nc < t->len + k + 1) nc *= 2;
            nb = (char *)realloc(t->buf, nc);
            if (!nb) return -(long)WF_ERR_NOMEM;
            t->buf = nb;
            t->cap = nc;
        }
        memcpy(t->buf + t->len, buf, k);
        t->len += k;
        t->buf[t->len] = 0;
    }
    t->total += (unsigned long long)n;
    return (long)n;
}

static long cap_recv(void *user, unsigned char *buf, size_t cap, int timeout_ms, wf_error *err) {
    cap_tr *t = (cap_tr *)user;
    ssize_t n;
    int w = cap_wait(t->fd, POLLIN, timeout_ms);
    if (w == 0) return -(long)WF_ERR_TIMEOUT;
    if (w < 0) { err->sys_errno = errno; return -(long)WF_ERR_IO; }
    n = recv(t->fd, buf, cap, 0);
    if (n < 0) { err->sys_errno = errno; return -(long)WF_ERR_IO; }
    return (long)n;
}

static void cap_close(void *user) {
    cap_tr *t = (cap_tr *)user;
    if (t->fd >= 0) close(t->fd);
    t->fd = -1;
}

static void cap_clear(cap_tr *t) { t->len = 0; t->total = 0; if (t->buf) t->buf[0] = 0; }

static cap_tr g_cap;
static wf_transport g_cap_transport;

/* A client whose requests are captured in g_cap. */
static wf_client *capture_client(void) {
    wf_client_desc d;
    free(g_cap.buf);
    memset(&g_cap, 0, sizeof g_cap);
    g_cap.fd = -1;
    g_cap.limit = 4u << 20;
    g_cap_transport.connect = cap_connect;
    g_cap_transport.send = cap_send;
    g_cap_transport.recv = cap_recv;
    g_cap_transport.close = cap_close;
    g_cap_transport.user = &g_cap;
    wfh_desc(&g_srv, WFH_HTTP, &d);
    d.api_key = WFH_ADMIN_API_KEY;
    d.timeout_ms = 30000;
    d.transport = &g_cap_transport;
    return client_desc(&d);
}

/* One request out of the capture. */
typedef struct capreq {
    char method[16];
    char target[1024];
    const char *head;   /* into the capture */
    const char *body;
    size_t body_len;
    long long content_length;
} capreq;

static bool cap_next(const cap_tr *t, size_t *pos, capreq *r) {
    const char *s = t->buf ? t->buf + *pos : "", *end, *sp, *cl;
    size_t headlen;
    memset(r, 0, sizeof *r);
    if (!t->buf || *pos >= t->len) return false;
    end = strstr(s, "\r\n\r\n");
    if (!end) return false;
    headlen = (size_t)(end - s) + 4;
    sp = strchr(s, ' ');
    if (!sp || sp > end) return false;
    snprintf(r->method, sizeof r->method, "%.*s", (int)(sp - s), s);
    {
        const char *sp2 = strchr(sp + 1, ' ');
        snprintf(r->target, sizeof r->target, "%.*s", sp2 ? (int)(sp2 - sp - 1) : 0, sp + 1);
    }
    r->head = s;
    r->content_length = 0;
    cl = strstr(s, "\r\nContent-Length: ");
    if (cl && cl < end) r->content_length = atoll(cl + 18);
    r->body = s + headlen;
    r->body_len = (size_t)r->content_length;
    if (*pos + headlen + r->body_len > t->len) r->body_len = t->len - *pos - headlen;
    *pos += headlen + r->body_len;
    return true;
}

static int hexv(char ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* The decoded value of key in a form body (malloc'd), NULL when absent. */
static char *form_get(const char *body, size_t n, const char *key) {
    size_t kl = strlen(key), i = 0;
    while (i < n) {
        size_t e = i;
        while (e < n && body[e] != '&') e++;
        if (e - i > kl && memcmp(body + i, key, kl) == 0 && body[i + kl] == '=') {
            const char *v = body + i + kl + 1;
            size_t vl = e - i - kl - 1, o = 0, j;
            char *out = (char *)malloc(vl + 1);
            if (!out) return NULL;
            for (j = 0; j < vl; j++) {
                if (v[j] == '%' && j + 2 < vl + 1 && hexv(v[j + 1]) >= 0 && hexv(v[j + 2]) >= 0) {
                    out[o++] = (char)(hexv(v[j + 1]) * 16 + hexv(v[j + 2]));
                    j += 2;
                } else out[o++] = v[j] == '+' ? ' ' : v[j];
            }
            out[o] = 0;
            return out;
        }
        i = e + 1;
    }
    return NULL;
}

/* ------------------------------------------------------------- helpers */

/* How many tasks are named exactly `name`. */
static long long tasks_named(wf_client *c, const char *name) {
    wf_query q;
    long long n = -1;
    memset(&q, 0, sizeof q);
    wf_query_filter(&q, "name", WF_MOD_EQ, name);
    if (wf_count(c, "task", &q, &n) != WF_OK) {
        print_error("count: %s\n", wf_client_error(c)->text);
        n = -1;
    }
    wf_query_free(&q);
    return n;
}

static void expect_gone(wf_client *c, const char *obj, const char *id) {
    wf_json data;
    wf_result r = wf_get(c, obj, id, NULL, &data);
    if (r == WF_OK || wf_client_error(c)->http_status != 404) {
        print_error("%s %s still there (%s, HTTP %d)\n", obj, id, wf_result_str(r), wf_client_error(c)->http_status);
        fail();
    }
}

/* Creates a task in First Project named `name`; its ID into id. */
static void make_task(wf_client *c, const char *name, const char *parent, char id[33]) {
    wf_updates u;
    wf_json data;
    memset(&u, 0, sizeof u);
    OK(wf_updates_set_str(&u, "name", name), NULL);
    OK(wf_updates_set_str(&u, "projectID", FIRST_PROJECT_ID), NULL);
    if (parent) OK(wf_updates_set_str(&u, "parentID", parent), NULL);
    if (wf_create(c, "task", NULL, &u, &data) != WF_OK) {
        print_error("create %s: %s\n", name, wf_client_error(c)->text);
        wf_updates_free(&u);
        fail();
    }
    wf_updates_free(&u);
    js(wf_json_get(data, "ID"), id, 33);
    assert_int_equal(strlen(id), 32);
}

/* ===================================================================== tests */

/* Create / edit / delete: what is stored equals, byte for byte, what was
   sent -- through the updates= JSON writer and through plain form fields. */
static void test_roundtrip_strings(void **state) {
    wf_client *c = client();
    wf_updates *u = updates();
    wf_query *params = query();
    wf_json data;
    char id[33];
    methods a, b;
    (void)state;
    OK(wf_updates_set_str(u, "name", S_QUOTES), NULL);
    OK(wf_updates_set_str(u, "description", S_JSONISH), NULL);
    OK(wf_updates_set_str(u, DE_TEXT, S_UNICODE), NULL);
    OK(wf_updates_set_str(u, "projectID", FIRST_PROJECT_ID), NULL);
    OK(wf_updates_set_int(u, "priority", 3), NULL);
    OK(wf_updates_key(u, "percentComplete"), NULL);
    OK(wf_updates_decimal(u, "12.5"), NULL);
    OK(wf_updates_set_bool(u, "isCritical", true), NULL);
    OK(wf_updates_set_null(u, "extRefID"), NULL);
    OK(wf_updates_key(u, "assignments"), NULL);       /* a nested collection */
    OK(wf_updates_begin_array(u), NULL);
    OK(wf_updates_begin_object(u), NULL);
    OK(wf_updates_set_str(u, "assignedToID", JANE_USER_ID), NULL);
    OK(wf_updates_end_object(u), NULL);
    OK(wf_updates_end_array(u), NULL);
    OK(wf_create(c, "task", NULL, u, &data), c);
    JSTR(wf_json_get(data, "name"), S_QUOTES);
    js(wf_json_get(data, "ID"), id, sizeof id);
    assert_int_equal(strlen(id), 32);

    OK(wf_get(c, "task", id, "name,description,priority,percentComplete,isCritical,extRefID,assignments:assignedToID," DE_TEXT, &data), c);
    JSTR(wf_json_get(data, "name"), S_QUOTES);
    JSTR(wf_json_get(data, "description"), S_JSONISH);
    JSTR(wf_json_get(data, DE_TEXT), S_UNICODE);
    assert_int_equal(jint(wf_json_get(data, "priority")), 3);
    {
        double pc = 0;
        bool crit = false;
        OK(wf_json_num(wf_json_get(data, "percentComplete"), &pc), NULL);
        assert_true(pc == 12.5);
        OK(wf_json_bool(wf_json_get(data, "isCritical"), &crit), NULL);
        assert_true(crit);
    }
    assert_true(wf_json_is_null(wf_json_get(data, "extRefID")));
    JSTR(wf_json_path(data, "assignments:0:assignedToID"), JANE_USER_ID);

    /* edit through updates=: the strings swap places */
    wf_updates_reset(u);
    OK(wf_updates_set_str(u, "name", S_UNICODE), NULL);
    OK(wf_updates_set_str(u, "description", S_QUOTES), NULL);
    OK(wf_updates_set_str(u, DE_TEXT, S_JSONISH), NULL);
    OK(wf_edit(c, "task", id, NULL, u, &data), c);
    OK(wf_get(c, "task", id, "name,description," DE_TEXT, &data), c);
    JSTR(wf_json_get(data, "name"), S_UNICODE);
    JSTR(wf_json_get(data, "description"), S_QUOTES);
    JSTR(wf_json_get(data, DE_TEXT), S_JSONISH);

    /* edit through plain field parameters (percent-encoded form fields) */
    OK(wf_query_add(params, "name", S_JSONISH), NULL);
    OK(wf_query_add(params, "description", S_UNICODE), NULL);
    OK(wf_query_add(params, DE_TEXT, S_QUOTES), NULL);
    OK(wf_edit(c, "task", id, params, NULL, &data), c);
    OK(wf_get(c, "task", id, "name,description," DE_TEXT, &data), c);
    JSTR(wf_json_get(data, "name"), S_JSONISH);
    JSTR(wf_json_get(data, "description"), S_UNICODE);
    JSTR(wf_json_get(data, DE_TEXT), S_QUOTES);
    /* and found again by an exact search on the stored value */
    assert_int_equal(tasks_named(c, S_JSONISH), 1);

    /* create with field parameters only */
    wf_query_reset(params);
    OK(wf_query_add(params, "name", S_QUOTES " (params)"), NULL);
    OK(wf_query_add(params, "projectID", FIRST_PROJECT_ID), NULL);
    OK(wf_create(c, "task", params, NULL, &data), c);
    JSTR(wf_json_get(data, "name"), S_QUOTES " (params)");

    /* invalid UTF-8 is refused by the writer; nothing is sent */
    a = by_method();
    wf_updates_reset(u);
    CHECK(WF_ERR_INVALID, wf_updates_set_str(u, "name", "bad \xC3\x28 utf-8"), NULL);
    CHECK(WF_ERR_INVALID, wf_updates_set_str(u, "name", "overlong \xC0\xAF"), NULL); /* the first failure sticks */
    CHECK(WF_ERR_INVALID, wf_edit(c, "task", id, NULL, u, &data), c);
    CONTAINS(wf_client_error(c)->text, "nothing sent");
    b = by_method();
    assert_int_equal(b.all, a.all);

    /* delete: gone */
    a = by_method();
    OK(wf_delete(c, "task", id, false), c);
    b = by_method();
    assert_int_equal(b.del - a.del, 1);
    expect_gone(c, "task", id);
}

/* 250 objects in one wf_bulk_edit: 3 PUT requests of at most 100 objects,
   results in input order, every object changed; a failing chunk stops the
   rest and is named. */
typedef struct bulk_seen { size_t n; bool in_order; char (*ids)[33]; } bulk_seen;

static bool on_bulk(void *user, size_t index, wf_json o) {
    bulk_seen *s = (bulk_seen *)user;
    char desc[64], want[64];
    if (index != s->n) s->in_order = false;
    snprintf(want, sizeof want, "bulk #%zu \xE2\x9C\x93 \"q\"", index);
    if (!wf_json_eq(wf_json_get(o, "ID"), s->ids[index]) || !wf_json_eq(wf_json_get(o, "description"), want)) {
        print_error("bulk result %zu: ID %s, description %s\n", index, s->ids[index], js(wf_json_get(o, "description"), desc, sizeof desc));
        s->in_order = false;
    }
    s->n++;
    return true;
}

static void test_bulk_edit(void **state) {
    wf_client *c = capture_client();
    wf_query *q = query();
    wf_updates *u = updates();
    wf_json data, t;
    char (*ids)[33] = NULL;
    size_t i, n = 0, done = 0, pos = 0, nreq = 0, sizes[8];
    const char *json;
    wf_bulk_desc bd;
    bulk_seen seen;
    methods a, b;
    capreq rq;
    (void)state;
    OK(wf_query_fields(q, "ID"), NULL);
    OK(wf_query_limit(q, 100, 250), NULL);
    OK(wf_search(c, "task", q, &data), c);
    assert_int_equal(wf_json_len(data), 250);
    ids = (char (*)[33])calloc(250, sizeof *ids);
    assert_non_null(ids);
    for (t = wf_json_first(data); wf_json_ok(t); t = wf_json_next(t)) js(wf_json_get(t, "ID"), ids[n++], 33);

    OK(wf_updates_begin_array(u), NULL);
    for (i = 0; i < 250; i++) {
        char desc[64];
        snprintf(desc, sizeof desc, "bulk #%zu \xE2\x9C\x93 \"q\"", i);
        OK(wf_updates_begin_object(u), NULL);
        OK(wf_updates_set_str(u, "ID", ids[i]), NULL);
        OK(wf_updates_set_str(u, "description", desc), NULL);
        OK(wf_updates_end_object(u), NULL);
    }
    OK(wf_updates_end_array(u), NULL);
    json = wf_updates_json(u, NULL);
    assert_non_null(json);

    memset(&bd, 0, sizeof bd);
    bd.obj = "task";
    bd.updates = json;
    bd.on_result = on_bulk;
    seen.n = 0;
    seen.in_order = true;
    seen.ids = ids;
    bd.user = &seen;
    {
        wf_query *fields = query();
        OK(wf_query_fields(fields, "description"), NULL);
        bd.params = fields;
    }
    a = by_method();
    cap_clear(&g_cap);
    OK(wf_bulk_edit(c, &bd, &done), c);
    b = by_method();
    assert_int_equal(done, 250);
    assert_int_equal(seen.n, 250);
    assert_true(seen.in_order);
    assert_int_equal(b.put - a.put, 3);
    assert_int_equal(b.all - a.all, 3);
    /* on the wire: three PUT /task requests, each an updates= array of <= 100 */
    while (cap_next(&g_cap, &pos, &rq)) {
        char *upd = form_get(rq.body, rq.body_len, "updates");
        wf_doc *doc = NULL;
        assert_string_equal(rq.method, "PUT");
        assert_non_null(strstr(rq.target, "/task"));
        assert_non_null(upd);
        OK(wf_doc_parse(upd, strlen(upd), NULL, &doc), NULL);
        assert_int_equal(wf_json_type_of(wf_doc_root(doc)), WF_JSON_ARRAY);
        assert_true(nreq < 8);
        sizes[nreq++] = wf_json_len(wf_doc_root(doc));
        wf_doc_free(doc);
        free(upd);
    }
    assert_int_equal(nreq, 3);
    print_message("bulk: chunks of %zu, %zu, %zu objects\n", sizes[0], sizes[1], sizes[2]);
    for (i = 0; i < nreq; i++) assert_true(sizes[i] <= 100);
    assert_int_equal(sizes[0] + sizes[1] + sizes[2], 250);

    /* every object changed: read them back */
    wf_query_reset(q);
    OK(wf_query_filter(q, "description", WF_MOD_LIKE, "bulk #%"), NULL);
    OK(wf_query_fields(q, "description"), NULL);
    OK(wf_query_limit(q, 0, 2000), NULL);
    OK(wf_search(c, "task", q, &data), c);
    assert_int_equal(wf_json_len(data), 250);
    for (t = wf_json_first(data); wf_json_ok(t); t = wf_json_next(t)) {
        char tid[64], want[64];
        js(wf_json_get(t, "ID"), tid, sizeof tid);
        for (i = 0; i < 250 && strcmp(ids[i], tid) != 0; i++) {}
        assert_true(i < 250);
        snprintf(want, sizeof want, "bulk #%zu \xE2\x9C\x93 \"q\"", i);
        JSTR(wf_json_get(t, "description"), want);
    }

    /* a failing second chunk: it changes nothing, the third is not sent */
    wf_updates_reset(u);
    OK(wf_updates_begin_array(u), NULL);
    for (i = 0; i < 250; i++) {
        char desc[64];
        snprintf(desc, sizeof desc, "again #%zu", i);
        OK(wf_updates_begin_object(u), NULL);
        OK(wf_updates_set_str(u, "ID", i == 150 ? NO_SUCH_ID : ids[i]), NULL);
        OK(wf_updates_set_str(u, "description", desc), NULL);
        OK(wf_updates_end_object(u), NULL);
    }
    OK(wf_updates_end_array(u), NULL);
    bd.updates = wf_updates_json(u, NULL);
    bd.on_result = NULL;
    bd.params = NULL;
    a = by_method();
    assert_int_not_equal(wf_bulk_edit(c, &bd, &done), WF_OK);
    b = by_method();
    CONTAINS(wf_client_error(c)->text, "chunk 2 of 3");
    assert_int_equal(done, 100);
    assert_int_equal(b.put - a.put, 2);
    OK(wf_get(c, "task", ids[99], "description", &data), c);
    JSTR(wf_json_get(data, "description"), "again #99");
    OK(wf_get(c, "task", ids[100], "description", &data), c);
    JSTR(wf_json_get(data, "description"), "bulk #100 \xE2\x9C\x93 \"q\"");   /* chunk 2: all or nothing */
    OK(wf_get(c, "task", ids[249], "description", &data), c);
    JSTR(wf_json_get(data, "description"), "bulk #249 \xE2\x9C\x93 \"q\"");   /* chunk 3: never sent */
    free(ids);
}

/* Batches: writes inside travel with their method; an atomic batch with one
   failing item changes nothing; a non-atomic one reports per item. */
static void test_batch(void **state) {
    wf_client *c = client();
    wf_query *q = query();
    wf_batch b;
    wf_json data, item;
    methods m0, m1;
    char id[64];
    (void)state;
    memset(&b, 0, sizeof b);
#define ADD_ITEMS()                                                                         \
    do {                                                                                    \
        wf_query_reset(q);                                                                  \
        OK(wf_query_add(q, "name", "Batched \xF0\x9F\x9A\x80 & =?"), NULL);                 \
        OK(wf_batch_add(&b, "PUT", "task/" AWKWARD_TASK_ID, q), NULL);                      \
        wf_query_reset(q);                                                                  \
        OK(wf_query_add(q, "name", "Batch-created"), NULL);                                 \
        OK(wf_query_add(q, "projectID", FIRST_PROJECT_ID), NULL);                           \
        OK(wf_batch_add(&b, "POST", "task", q), NULL);                                      \
        wf_query_reset(q);                                                                  \
        OK(wf_query_add(q, "name", "never"), NULL);                                         \
        OK(wf_batch_add(&b, "PUT", "task/" NO_SUCH_ID, q), NULL);                           \
    } while (0)
    ADD_ITEMS();
    assert_int_equal(b.count, 3);
    CONTAINS(wf_query_str(&b.form), "method%3DPUT");
    CONTAINS(wf_query_str(&b.form), "method%3DPOST");

    m0 = by_method();
    assert_int_not_equal(wf_batch_run(c, &b, true, &data), WF_OK);
    m1 = by_method();
    assert_int_equal(m1.all - m0.all, 1);     /* one POST /batch */
    assert_int_equal(m1.post - m0.post, 1);
    CONTAINS(wf_client_error(c)->message, NO_SUCH_ID);
    /* nothing changed */
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    JSTR(wf_json_get(data, "name"), AWKWARD_TASK_NAME);
    assert_int_equal(tasks_named(c, "Batch-created"), 0);

    /* the same, not atomic: per-item results, the good items applied */
    OK(wf_batch_run(c, &b, false, &data), c);
    assert_int_equal(wf_json_type_of(data), WF_JSON_ARRAY);
    assert_int_equal(wf_json_len(data), 3);
    JSTR(wf_json_path(data, "0:data:name"), "Batched \xF0\x9F\x9A\x80 & =?");
    js(wf_json_path(data, "1:data:ID"), id, sizeof id);
    assert_int_equal(strlen(id), 32);
    item = wf_json_at(data, 2);
    assert_true(wf_json_ok(wf_json_get(item, "error")));
    assert_false(wf_json_ok(wf_json_get(item, "data")));
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    JSTR(wf_json_get(data, "name"), "Batched \xF0\x9F\x9A\x80 & =?");
    assert_int_equal(tasks_named(c, "Batch-created"), 1);
    wf_batch_free(&b);

    /* an atomic batch that succeeds: {"success":true} and both applied */
    memset(&b, 0, sizeof b);
    wf_query_reset(q);
    OK(wf_query_add(q, "description", "atomic one"), NULL);
    OK(wf_batch_add(&b, "PUT", "task/" AWKWARD_TASK_ID, q), NULL);
    OK(wf_batch_add(&b, "PUT", "task/" CJK_TASK_ID, q), NULL);
    OK(wf_batch_add(&b, "GET", "task/" CJK_TASK_ID, NULL), NULL);
    OK(wf_batch_run(c, &b, true, &data), c);
    {
        bool ok = false;
        OK(wf_json_bool(wf_json_get(data, "success"), &ok), NULL);
        assert_true(ok);
    }
    OK(wf_get(c, "task", CJK_TASK_ID, "description", &data), c);
    JSTR(wf_json_get(data, "description"), "atomic one");
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "description", &data), c);
    JSTR(wf_json_get(data, "description"), "atomic one");
    wf_batch_free(&b);
    CHECK(WF_ERR_INVALID, wf_batch_run(c, &b, true, &data), c); /* empty */
#undef ADD_ITEMS
}

/* ------------------------------------------------------------- upload */

/* SHA-256 (mbedTLS) as lower-case hex. */
typedef struct sha_ctx { mbedtls_sha256_context ctx; } sha_ctx;
static void sha_start(sha_ctx *s) {
    mbedtls_sha256_init(&s->ctx);
#if MBEDTLS_VERSION_MAJOR >= 3
    mbedtls_sha256_starts(&s->ctx, 0);
#else
    mbedtls_sha256_starts_ret(&s->ctx, 0);
#endif
}
static void sha_update(sha_ctx *s, const unsigned char *d, size_t n) {
#if MBEDTLS_VERSION_MAJOR >= 3
    mbedtls_sha256_update(&s->ctx, d, n);
#else
    mbedtls_sha256_update_ret(&s->ctx, d, n);
#endif
}
static void sha_hex(sha_ctx *s, char out[65]) {
    unsigned char h[32];
    int i;
#if MBEDTLS_VERSION_MAJOR >= 3
    mbedtls_sha256_finish(&s->ctx, h);
#else
    mbedtls_sha256_finish_ret(&s->ctx, h);
#endif
    mbedtls_sha256_free(&s->ctx);
    for (i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", h[i]);
}

typedef struct progress { uint64_t last, total; long calls; bool monotonic; } progress;
static void on_progress(void *user, uint64_t sent, uint64_t total) {
    progress *p = (progress *)user;
    if (sent < p->last) p->monotonic = false;
    p->last = sent;
    p->total = total;
    p->calls++;
}

#define UPLOAD_SIZE (20u << 20)

static void test_upload_20mb(void **state) {
    static wfh_counting k; /* static: the fixture frees the client after this frame is gone */
    wf_client_desc d;
    wf_client *c;
    wf_upload_desc ud;
    char handle[64], sha[65], what[128];
    wf_json up, last, hdr;
    sha_ctx s;
    progress pr;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    unsigned char *chunk;
    size_t done = 0;
    int fd;
    FILE *f;
    long long cl = -1;
    (void)state;
    /* 20 MiB of pseudo-random bytes in a temporary file, hashed as written */
    snprintf(F.tmpfile, sizeof F.tmpfile, "/tmp/wf-upload-XXXXXX");
    fd = mkstemp(F.tmpfile);
    assert_true(fd >= 0);
    f = fdopen(fd, "wb");
    assert_non_null(f);
    chunk = (unsigned char *)malloc(1 << 16);
    assert_non_null(chunk);
    sha_start(&s);
    while (done < UPLOAD_SIZE) {
        size_t i;
        for (i = 0; i < (1u << 16); i += 8) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            memcpy(chunk + i, &x, 8);
        }
        sha_update(&s, chunk, 1 << 16);
        assert_int_equal(fwrite(chunk, 1, 1 << 16, f), 1 << 16);
        done += 1 << 16;
    }
    free(chunk);
    assert_int_equal(fclose(f), 0);
    sha_hex(&s, sha);

    wfh_desc(&g_srv, WFH_HTTP, &d);
    d.api_key = WFH_ADMIN_API_KEY;
    d.timeout_ms = 60000;
    d.allocator = wfh_counting_allocator(&k);
    c = client_desc(&d);
    memset(&ud, 0, sizeof ud);
    memset(&pr, 0, sizeof pr);
    pr.monotonic = true;
    ud.file = F.tmpfile;
    ud.file_name = "big \xF0\x9F\x9A\x80.bin";
    ud.progress = on_progress;
    ud.user = &pr;
    OK(wf_upload(c, &ud, handle, NULL), c);
    print_message("upload: 20 MiB, client peak heap %lld bytes (limit 1048576), %lld allocations\n", k.peak, k.allocs);
    assert_true(k.peak < 1024 * 1024);
    assert_true(strlen(handle) > 0);
    assert_true(pr.monotonic);
    assert_true(pr.last == UPLOAD_SIZE && pr.total == UPLOAD_SIZE);

    /* what the server received: size, SHA-256, framing */
    last = wf_json_get(stats_doc(), "last_request");
    JSTR(wf_json_get(last, "method"), "POST");
    CONTAINS(js(wf_json_get(last, "path"), what, sizeof what), "/upload");
    CONTAINS(js(wf_json_get(last, "content_type"), what, sizeof what), "multipart/form-data; boundary=");
    for (hdr = wf_json_first(wf_json_get(last, "headers")); wf_json_ok(hdr); hdr = wf_json_next(hdr)) {
        char name[64], val[64];
        js(wf_json_at(hdr, 0), name, sizeof name);
        if (strcasecmp(name, "content-length") == 0) cl = atoll(js(wf_json_at(hdr, 1), val, sizeof val));
        assert_true(strcasecmp(name, "transfer-encoding") != 0); /* length known up front */
    }
    assert_true(cl > (long long)UPLOAD_SIZE && cl < (long long)UPLOAD_SIZE + 1024);
    assert_int_equal(jint(wf_json_get(last, "body_bytes")), cl);
    snprintf(what, sizeof what, "upload/%s", handle);
    OK(wfh_ctl(g_ctl, what, &up), g_ctl);
    assert_int_equal(jint(wf_json_get(up, "size")), (long long)UPLOAD_SIZE);
    JSTR(wf_json_get(up, "sha256"), sha);
    JSTR(wf_json_get(up, "fileName"), "big \xF0\x9F\x9A\x80.bin");

    drop_client(c);
    assert_int_equal(k.live, 0);
    assert_int_equal(k.bad_frees, 0);
}

/* A streamed upload from a callback, followed by the document. */
typedef struct gen { uint64_t left, x; sha_ctx s; } gen;
static long gen_read(void *user, void *buf, size_t cap) {
    gen *g = (gen *)user;
    size_t n = cap < g->left ? cap : (size_t)g->left, i;
    unsigned char *b = (unsigned char *)buf;
    for (i = 0; i < n; i++) { g->x = g->x * 6364136223846793005ull + 1; b[i] = (unsigned char)(g->x >> 56); }
    sha_update(&g->s, b, n);
    g->left -= n;
    return (long)n;
}

static void test_upload_document(void **state) {
    wf_client *c = client();
    wf_upload_desc ud;
    gen g;
    char handle[64], sha[65], docid[64], what[128];
    wf_json doc, up;
    (void)state;
    memset(&g, 0, sizeof g);
    g.left = 300001;
    g.x = 42;
    sha_start(&g.s);
    memset(&ud, 0, sizeof ud);
    ud.read = gen_read;
    ud.user = &g;
    ud.size = 300001;
    ud.file_name = "report \"Q1\"\r\n.txt";   /* quotes and line breaks cannot end the header early */
    ud.doc_name = "Rapport \xC3\xA9t\xC3\xA9 \xF0\x9F\x93\x84";
    ud.obj_code = "TASK";
    ud.obj_id = AWKWARD_TASK_ID;
    ud.version = "v2.1";
    OK(wf_upload(c, &ud, handle, &doc), c);
    sha_hex(&g.s, sha);
    assert_int_equal(g.left, 0);
    snprintf(what, sizeof what, "upload/%s", handle);
    OK(wfh_ctl(g_ctl, what, &up), g_ctl);
    assert_int_equal(jint(wf_json_get(up, "size")), 300001);
    JSTR(wf_json_get(up, "sha256"), sha);
    js(wf_json_get(doc, "ID"), docid, sizeof docid);
    assert_int_equal(strlen(docid), 32);
    OK(wf_get(c, "document", docid, "name,handle,docObjCode,objID,currentVersion:version,currentVersion:fileSize", &doc), c);
    JSTR(wf_json_get(doc, "name"), "Rapport \xC3\xA9t\xC3\xA9 \xF0\x9F\x93\x84");
    JSTR(wf_json_get(doc, "handle"), handle);
    JSTR(wf_json_get(doc, "docObjCode"), "TASK");
    JSTR(wf_json_get(doc, "objID"), AWKWARD_TASK_ID);
    JSTR(wf_json_path(doc, "currentVersion:version"), "v2.1");
    assert_int_equal(jint(wf_json_path(doc, "currentVersion:fileSize")), 300001);
    /* a missing file: a clear error, nothing sent */
    {
        long long before = stat_ll("requests");
        memset(&ud, 0, sizeof ud);
        ud.file = "/nonexistent/dir/file.bin";
        CHECK(WF_ERR_FILE, wf_upload(c, &ud, handle, NULL), c);
        CONTAINS(wf_client_error(c)->text, "/nonexistent/dir/file.bin");
        assert_int_equal(stat_ll("requests"), before);
    }
}

/* A write whose answer breaks off (truncate=1), that is never answered
   (stall=accept) or that meets a 503: reported, and sent exactly once --
   the server executed the truncated ones exactly once. */
static void test_write_fails_mid_response(void **state) {
    wf_client_desc d;
    wf_client *c;
    wf_updates *u = updates();
    wf_json data;
    methods a, b;
    wf_result r;
    char id[33];
    (void)state;
    wfh_desc(&g_srv, WFH_HTTP, &d);
    d.api_key = WFH_ADMIN_API_KEY;
    d.timeout_ms = 2000;
    d.retry_base_ms = 20;
    d.retry_max_ms = 50;
    c = client_desc(&d);
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c); /* a keep-alive connection to reuse */

    /* POST: create */
    OK(wf_updates_set_str(u, "name", "Created once"), NULL);
    OK(wf_updates_set_str(u, "projectID", FIRST_PROJECT_ID), NULL);
    config("truncate=1&for_next=1");
    a = by_method();
    r = wf_create(c, "task", NULL, u, &data);
    b = by_method();
    assert_int_not_equal(r, WF_OK);
    assert_false(wf_json_ok(data));
    assert_int_equal(wf_client_error(c)->attempts, 1);
    assert_int_equal(b.post - a.post, 1);
    assert_int_equal(b.all - a.all, 1);
    assert_int_equal(tasks_named(c, "Created once"), 1);   /* executed once, not twice */

    /* PUT: edit */
    wf_updates_reset(u);
    OK(wf_updates_set_str(u, "description", "edited once"), NULL);
    config("truncate=1&for_next=1");
    a = by_method();
    assert_int_not_equal(wf_edit(c, "task", AWKWARD_TASK_ID, NULL, u, &data), WF_OK);
    b = by_method();
    assert_int_equal(wf_client_error(c)->attempts, 1);
    assert_int_equal(b.put - a.put, 1);
    assert_int_equal(b.all - a.all, 1);
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "description", &data), c);
    JSTR(wf_json_get(data, "description"), "edited once");

    /* DELETE */
    make_task(c, "Deleted once", NULL, id);
    config("truncate=1&for_next=1");
    a = by_method();
    assert_int_not_equal(wf_delete(c, "task", id, false), WF_OK);
    b = by_method();
    assert_int_equal(b.del - a.del, 1);
    assert_int_equal(b.all - a.all, 1);
    expect_gone(c, "task", id);

    /* never answered: a timeout, not a second attempt */
    wf_updates_reset(u);
    OK(wf_updates_set_str(u, "name", "Stalled"), NULL);
    OK(wf_updates_set_str(u, "projectID", FIRST_PROJECT_ID), NULL);
    config("stall=accept");
    a = by_method();
    CHECK(WF_ERR_TIMEOUT, wf_create(c, "task", NULL, u, &data), c);
    b = by_method();
    config("stall=none");
    assert_int_equal(b.post - a.post, 1);
    assert_int_equal(wf_client_error(c)->attempts, 1);

    /* a 503 from the gateway: a GET is retried, a POST is not */
    config("force_status=503&count=1");
    a = by_method();
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name", &data), c);
    b = by_method();
    assert_int_equal(b.get - a.get, 2);
    config("force_status=503&count=1");
    a = by_method();
    r = wf_create(c, "task", NULL, u, &data);
    b = by_method();
    assert_int_not_equal(r, WF_OK);
    assert_int_equal(wf_client_error(c)->http_status, 503);
    assert_int_equal(b.post - a.post, 1);
    assert_int_equal(b.all - a.all, 1);
    assert_int_equal(tasks_named(c, "Stalled"), 0);
}

/* Copy, move, share/unshare and actions. */
static void test_copy_move_share_actions(void **state) {
    wf_client *c = client();
    wf_query *params = query();
    wf_json data, rule;
    char id[64];
    bool found;
    (void)state;
    /* copy: new ID, the source's values, the given name */
    OK(wf_query_add(params, "name", "Copy \xF0\x9F\x9A\x80 of the awkward task"), NULL);
    OK(wf_copy(c, "task", AWKWARD_TASK_ID, params, NULL, &data), c);
    js(wf_json_get(data, "ID"), id, sizeof id);
    assert_int_equal(strlen(id), 32);
    assert_string_not_equal(id, AWKWARD_TASK_ID);
    OK(wf_get(c, "task", id, "name,description,projectID,priority", &data), c);
    JSTR(wf_json_get(data, "name"), "Copy \xF0\x9F\x9A\x80 of the awkward task");
    JSTR(wf_json_get(data, "description"), AWKWARD_TASK_DESCRIPTION);
    JSTR(wf_json_get(data, "projectID"), FIRST_PROJECT_ID);
    assert_int_equal(jint(wf_json_get(data, "priority")), 4);
    CHECK(WF_ERR_API, wf_copy(c, "task", NO_SUCH_ID, NULL, NULL, &data), c);

    /* move to the second project */
    OK(wf_move(c, "task", id, SECOND_PROJECT_ID, &data), c);
    OK(wf_get(c, "task", id, "projectID,project:name", &data), c);
    JSTR(wf_json_get(data, "projectID"), SECOND_PROJECT_ID);
    JSTR(wf_json_path(data, "project:name"), "Second Project");
    CHECK(WF_ERR_INVALID, wf_move(c, "task", id, "not an id!", &data), c);

    /* share with Jane (VIEW, then EDIT replaces it), unshare */
    OK(wf_share(c, "project", FIRST_PROJECT_ID, JANE_USER_ID, "USER", "VIEW", &data), c);
    OK(wf_share(c, "project", FIRST_PROJECT_ID, JANE_USER_ID, NULL, "EDIT", &data), c);
    OK(wf_get(c, "project", FIRST_PROJECT_ID, "accessRules:*", &data), c);
    found = false;
    for (rule = wf_json_first(wf_json_get(data, "accessRules")); wf_json_ok(rule); rule = wf_json_next(rule)) {
        if (!wf_json_eq(wf_json_get(rule, "accessorID"), JANE_USER_ID)) continue;
        assert_false(found);   /* one rule per accessor */
        found = true;
        JSTR(wf_json_get(rule, "coreAction"), "EDIT");
        JSTR(wf_json_get(rule, "accessorObjCode"), "USER");
    }
    assert_true(found);
    wf_query_reset(params);
    OK(wf_query_add(params, "accessorID", JANE_USER_ID), NULL);
    OK(wf_action(c, "project", FIRST_PROJECT_ID, "unshare", params, &data), c);
    OK(wf_get(c, "project", FIRST_PROJECT_ID, "accessRules:*", &data), c);
    for (rule = wf_json_first(wf_json_get(data, "accessRules")); wf_json_ok(rule); rule = wf_json_next(rule))
        assert_false(wf_json_eq(wf_json_get(rule, "accessorID"), JANE_USER_ID));

    /* actions: /OBJ/ID/ACTION and ?action= */
    OK(wf_action(c, "task", id, "markDone", NULL, &data), c);
    {
        bool ok = false;
        OK(wf_json_bool(wf_json_get(data, "success"), &ok), NULL);
        assert_true(ok);
    }
    OK(wf_get(c, "task", id, "status,percentComplete", &data), c);
    JSTR(wf_json_get(data, "status"), "CPL");
    OK(wf_action_param(c, NULL, "task", id, "markNotDone", NULL, &data), c);
    OK(wf_get(c, "task", id, "status", &data), c);
    JSTR(wf_json_get(data, "status"), "INP");
    OK(wf_action_param(c, "POST", "project", FIRST_PROJECT_ID, "calculateTimeline", NULL, &data), c);
    CHECK(WF_ERR_API, wf_action(c, "task", id, "noSuchAction", NULL, &data), c);
    CHECK(WF_ERR_INVALID, wf_action(c, "task", id, "bad/action", NULL, &data), c);
}

/* Delete with dependants: an error (422) without force, everything gone with it. */
static void test_delete_force(void **state) {
    wf_client *c = client();
    wf_json data;
    char parent[33], child[33], leaf[33];
    methods a, b;
    (void)state;
    make_task(c, "Parent for delete", NULL, parent);
    make_task(c, "Child for delete", parent, child);
    make_task(c, "Leaf for delete", NULL, leaf);
    OK(wf_get(c, "task", parent, "numberOfChildren", &data), c);
    assert_int_equal(jint(wf_json_get(data, "numberOfChildren")), 1);

    a = by_method();
    CHECK(WF_ERR_API, wf_delete(c, "task", parent, false), c);
    b = by_method();
    assert_int_equal(b.del - a.del, 1);
    assert_int_equal(wf_client_error(c)->http_status, 422);
    CONTAINS(wf_client_error(c)->message, "dependent");
    OK(wf_get(c, "task", parent, NULL, &data), c);
    OK(wf_get(c, "task", child, NULL, &data), c);

    OK(wf_delete(c, "task", parent, true), c);
    expect_gone(c, "task", parent);
    expect_gone(c, "task", child);
    OK(wf_delete(c, "task", leaf, false), c);
    expect_gone(c, "task", leaf);
    CHECK(WF_ERR_API, wf_delete(c, "task", leaf, false), c);   /* already gone: 404 */
    assert_int_equal(wf_client_error(c)->http_status, 404);
    CHECK(WF_ERR_INVALID, wf_delete(c, "task", "../etc", false), c);
}

/* API keys: get, generate (the old key stops working), clear. */
static void test_api_key(void **state) {
    wf_client *c = client_key(NULL);  /* the call authenticates with username/password itself */
    wf_client *old, *fresh;
    wf_json data, last;
    char key[64], key2[64], target[512];
    size_t i;
    (void)state;
    OK(wf_api_key(c, WF_API_KEY_GET, WFH_ADMIN_USERNAME, WFH_ADMIN_PASSWORD, key, sizeof key), c);
    assert_string_equal(key, WFH_ADMIN_API_KEY);
    last = wf_json_get(stats_doc(), "last_request");
    JSTR(wf_json_get(last, "method"), "PUT");
    js(wf_json_get(last, "target"), target, sizeof target);
    CONTAINS(target, "/user");
    assert_null(strstr(target, WFH_ADMIN_PASSWORD));   /* the password travels in the body */

    OK(wf_api_key(c, WF_API_KEY_GENERATE, WFH_ADMIN_USERNAME, WFH_ADMIN_PASSWORD, key2, sizeof key2), c);
    assert_int_equal(strlen(key2), 32);
    for (i = 0; i < 32; i++) assert_non_null(strchr("0123456789abcdef", key2[i]));
    assert_string_not_equal(key2, WFH_ADMIN_API_KEY);
    old = client_key(WFH_ADMIN_API_KEY);
    CHECK(WF_ERR_AUTH, wf_get(old, "task", AWKWARD_TASK_ID, "name", &data), old);
    fresh = client_key(key2);
    OK(wf_get(fresh, "task", AWKWARD_TASK_ID, "name", &data), fresh);
    OK(wf_api_key(c, WF_API_KEY_GET, WFH_ADMIN_USERNAME, WFH_ADMIN_PASSWORD, key, sizeof key), c);
    assert_string_equal(key, key2);

    OK(wf_api_key(c, WF_API_KEY_CLEAR, WFH_ADMIN_USERNAME, WFH_ADMIN_PASSWORD, NULL, 0), c);
    wf_client_close_connection(fresh);
    CHECK(WF_ERR_AUTH, wf_get(fresh, "task", AWKWARD_TASK_ID, "name", &data), fresh);

    /* a wrong password: an error, no key */
    key[0] = 'x';
    assert_int_not_equal(wf_api_key(c, WF_API_KEY_GET, WFH_ADMIN_USERNAME, "wrong-password", key, sizeof key), WF_OK);
    assert_int_equal(key[0], 0);
    assert_null(strstr(wf_client_error(c)->text, "wrong-password"));
    CHECK(WF_ERR_INVALID, wf_api_key(c, WF_API_KEY_GET, "", WFH_ADMIN_PASSWORD, key, sizeof key), c);
}

/* Parses the updates= of one captured request; returns its member count. */
static size_t captured_updates(const capreq *rq, wf_doc **doc, char **text) {
    wf_json m;
    size_t members = 0;
    *text = form_get(rq->body, rq->body_len, "updates");
    assert_non_null(*text);
    OK(wf_doc_parse(*text, strlen(*text), NULL, doc), NULL);
    assert_int_equal(wf_json_type_of(wf_doc_root(*doc)), WF_JSON_OBJECT);
    for (m = wf_json_first(wf_doc_root(*doc)); wf_json_ok(m); m = wf_json_next(m)) members++;
    return members;
}

/* The object model: load, set, save sends only the changed fields (seen on
   the wire), nothing at all when nothing changed; actions; create; delete. */
static void test_object_model(void **state) {
    wf_client *c = capture_client();
    wf_object *o = NULL, *n = NULL;
    wf_json data, root;
    capreq rq;
    size_t pos = 0, members;
    char *upd = NULL;
    wf_doc *doc = NULL;
    methods a, b;
    char target[128];
    (void)state;
    OK(wf_object_load(c, "task", AWKWARD_TASK_ID, "name,description,extRefID,status", &o), c);
    track(o);
    assert_string_equal(wf_object_id(o), AWKWARD_TASK_ID);
    JSTR(wf_object_get(o, "name"), AWKWARD_TASK_NAME);
    JSTR(wf_object_get(o, "description"), AWKWARD_TASK_DESCRIPTION);
    assert_int_equal(wf_object_changes(o), 0);

    /* nothing changed: nothing sent */
    a = by_method();
    cap_clear(&g_cap);
    OK(wf_object_save(o), c);
    b = by_method();
    assert_int_equal(b.all, a.all);
    assert_int_equal(g_cap.total, 0);

    OK(wf_object_set_str(o, "extRefID", "first"), c);
    OK(wf_object_set_str(o, "description", "changed \"desc\" \xF0\x9F\x9A\x80\n"), c);
    OK(wf_object_set_str(o, "extRefID", "EXT-\xE2\x9C\x93"), c);   /* replaces the first */
    assert_int_equal(wf_object_changes(o), 2);
    /* the loaded value is unchanged until saved */
    JSTR(wf_object_get(o, "description"), AWKWARD_TASK_DESCRIPTION);

    a = by_method();
    cap_clear(&g_cap);
    OK(wf_object_save(o), c);
    b = by_method();
    assert_int_equal(b.put - a.put, 1);
    assert_int_equal(b.all - a.all, 1);
    assert_int_equal(wf_object_changes(o), 0);
    /* on the wire: one PUT /task/ID whose updates hold exactly the two changes */
    assert_true(cap_next(&g_cap, &pos, &rq));
    assert_string_equal(rq.method, "PUT");
    snprintf(target, sizeof target, "/attask/api/v22.0/task/%s", AWKWARD_TASK_ID);
    assert_string_equal(rq.target, target);
    members = captured_updates(&rq, &doc, &upd);
    if (members != 2) print_error("updates sent: %s\n", upd);
    assert_int_equal(members, 2);
    root = wf_doc_root(doc);
    JSTR(wf_json_get(root, "extRefID"), "EXT-\xE2\x9C\x93");
    JSTR(wf_json_get(root, "description"), "changed \"desc\" \xF0\x9F\x9A\x80\n");
    assert_false(wf_json_ok(wf_json_get(root, "name")));
    wf_doc_free(doc);
    doc = NULL;
    free(upd);
    upd = NULL;
    assert_false(cap_next(&g_cap, &pos, &rq));   /* and nothing else */
    /* the server holds the change, and only it */
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "name,description,extRefID,priority", &data), c);
    JSTR(wf_json_get(data, "name"), AWKWARD_TASK_NAME);
    JSTR(wf_json_get(data, "description"), "changed \"desc\" \xF0\x9F\x9A\x80\n");
    JSTR(wf_json_get(data, "extRefID"), "EXT-\xE2\x9C\x93");
    assert_int_equal(jint(wf_json_get(data, "priority")), 4);
    JSTR(wf_object_get(o, "name"), AWKWARD_TASK_NAME);

    /* an action on the object, then reload */
    OK(wf_object_action(o, "markDone", NULL, &data), c);
    OK(wf_object_reload(o, "status"), c);
    JSTR(wf_object_get(o, "status"), "CPL");
    CHECK(WF_ERR_INVALID, wf_object_set_json(o, "priority", "{not json"), c);
    assert_int_equal(wf_object_changes(o), 0);

    /* a new object: save creates it (POST), with exactly the fields set */
    OK(wf_object_new(c, "task", &n), c);
    track(n);
    assert_null(wf_object_id(n));
    OK(wf_object_set_str(n, "name", "Object model \xE6\x97\xA5\xE6\x9C\xAC"), c);
    OK(wf_object_set_str(n, "projectID", FIRST_PROJECT_ID), c);
    OK(wf_object_set_json(n, "assignments", "[{\"assignedToID\":\"" JANE_USER_ID "\"}]"), c);
    pos = 0;
    cap_clear(&g_cap);
    OK(wf_object_save(n), c);
    assert_non_null(wf_object_id(n));
    assert_int_equal(strlen(wf_object_id(n)), 32);
    assert_true(cap_next(&g_cap, &pos, &rq));
    assert_string_equal(rq.method, "POST");
    members = captured_updates(&rq, &doc, &upd);
    assert_int_equal(members, 3);
    wf_doc_free(doc);
    doc = NULL;
    free(upd);
    upd = NULL;
    OK(wf_get(c, "task", wf_object_id(n), "name,assignments:assignedToID", &data), c);
    JSTR(wf_json_get(data, "name"), "Object model \xE6\x97\xA5\xE6\x9C\xAC");
    JSTR(wf_json_path(data, "assignments:0:assignedToID"), JANE_USER_ID);
    snprintf(target, sizeof target, "%s", wf_object_id(n));

    /* delete through the object */
    OK(wf_object_delete(n, false), c);
    assert_null(wf_object_id(n));
    expect_gone(c, "task", target);
    CHECK(WF_ERR_INVALID, wf_object_delete(n, false), c);
}

/* After a save the object shows the saved values of the fields it was
   loaded with ("save ... reloads"), not just the server's default set. */
static void test_object_state_after_save(void **state) {
    wf_client *c = client();
    wf_object *o = NULL;
    (void)state;
    OK(wf_object_load(c, "task", AWKWARD_TASK_ID, "name,description,extRefID", &o), c);
    track(o);
    OK(wf_object_set_str(o, "description", "after save"), c);
    OK(wf_object_save(o), c);
    JSTR(wf_object_get(o, "description"), "after save");
    assert_true(wf_json_ok(wf_object_get(o, "extRefID")));
}

/* Numbers, booleans and null set on an object are saved like strings. */
static void test_object_model_scalars(void **state) {
    wf_client *c = capture_client();
    wf_object *o = NULL;
    wf_json data, root;
    capreq rq;
    size_t pos = 0;
    char *upd = NULL;
    wf_doc *doc = NULL;
    bool crit = false;
    (void)state;
    OK(wf_object_load(c, "task", AWKWARD_TASK_ID, "priority,isCritical,extRefID", &o), c);
    track(o);
    OK(wf_object_set_int(o, "priority", 1), c);
    OK(wf_object_set_bool(o, "isCritical", true), c);
    OK(wf_object_set_null(o, "extRefID"), c);
    OK(wf_object_set_int(o, "priority", 0), c);
    assert_int_equal(wf_object_changes(o), 3);
    cap_clear(&g_cap);
    OK(wf_object_save(o), c);
    assert_true(cap_next(&g_cap, &pos, &rq));
    assert_int_equal(captured_updates(&rq, &doc, &upd), 3);
    root = wf_doc_root(doc);
    assert_int_equal(jint(wf_json_get(root, "priority")), 0);
    assert_true(wf_json_is_null(wf_json_get(root, "extRefID")));
    wf_doc_free(doc);
    free(upd);
    OK(wf_get(c, "task", AWKWARD_TASK_ID, "priority,isCritical,extRefID", &data), c);
    assert_int_equal(jint(wf_json_get(data, "priority")), 0);
    OK(wf_json_bool(wf_json_get(data, "isCritical"), &crit), NULL);
    assert_true(crit);
    assert_true(wf_json_is_null(wf_json_get(data, "extRefID")));
}

/* ======================================================================= */

#define T(name) { #name, test_##name, setup, teardown, NULL }

int main(int argc, char **argv) {
    static const struct CMUnitTest all[] = {
        T(roundtrip_strings),
        T(bulk_edit),
        T(batch),
        T(upload_20mb),
        T(upload_document),
        T(write_fails_mid_response),
        T(copy_move_share_actions),
        T(delete_force),
        T(api_key),
        T(object_model),
        T(object_model_scalars),
        T(object_state_after_save),
    };
    int rc = WFH_RUN("writes", all, group_setup, group_teardown, argc, argv);
    free(g_cap.buf);
    return rc;
}
