/* fuzz_client: the whole client over an in-memory transport whose "server"
   answers with the fuzz input.  One API call (or a short sequence) per
   input: search, get, login + search, create with updates, bulk edit,
   count, pager, object load/save, batch, delete, API key, OAuth2 refresh,
   streamed upload.  Checks, whatever the server sends:
     - no crash, no leak (libFuzzer's leak check), no undefined behaviour;
     - a failure fills the error record (result and text);
     - secrets given to the client (API key, password, client secret)
       never reach the error text or the log lines, unless the server
       itself sent them back;
     - wf_search_each (the streaming parser) hands over exactly the objects
       wf_search (the buffered one) finds in the same answer, or both fail;
     - every request the client writes is well formed: a request line,
       header lines with only the names the library sends and no CR, LF or
       other control bytes inside, a Content-Length that matches the body
       (a header injected through a value taken from a response shows up
       here).
   Input: byte 0 = operation, byte 1 = transport behaviour (bits 0-5: bytes
   per recv, 0 = all; bit 6: renewal credentials; bit 7: idle connections
   look closed), then the bytes the server sends, shared by all connections. */
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"
#include "fuzz_common.h"
#include <strings.h>

#define API_KEY   "apikey-SECRET-0001"
#define PASSWORD  "password-SECRET-0002"
#define CLIENT_SECRET "clientsecret-SECRET-0003"
#define REFRESH   "refresh-SECRET-0004"

typedef struct srv {
    const uint8_t *d;
    size_t n, pos;
    size_t step;
    bool idle_closed;
    int connects;
    fz_buf sent;
    const uint8_t *input;
    size_t input_n;
} srv;

static wf_result t_connect(void *u, const char *host, int port, int t, wf_error *e) {
    srv *s = (srv *)u;
    (void)host; (void)port; (void)t; (void)e;
    s->connects++;
    return s->connects > 16 ? WF_ERR_CONNECT : WF_OK;
}
static long t_send(void *u, const unsigned char *b, size_t n, int t, wf_error *e) {
    srv *s = (srv *)u;
    (void)t; (void)e;
    fz_buf_add(&s->sent, (const char *)b, n);
    return (long)n;
}
static long t_recv(void *u, unsigned char *b, size_t cap, int t, wf_error *e) {
    srv *s = (srv *)u;
    size_t n = s->n - s->pos;
    (void)e;
    if (t == 0) return s->idle_closed ? 0 : -(long)WF_ERR_TIMEOUT; /* the idle probe */
    if (n == 0) return 0;
    if (n > cap) n = cap;
    if (s->step && n > s->step) n = s->step;
    memcpy(b, s->d + s->pos, n);
    s->pos += n;
    return (long)n;
}
static void t_close(void *u) { (void)u; }

static srv *g_srv;

static bool in_input(const char *secret) {
    size_t n = strlen(secret), i;
    for (i = 0; i + n <= g_srv->input_n; i++)
        if (memcmp(g_srv->input + i, secret, n) == 0) return true;
    return false;
}

static void check_secrets(const char *text, const char *where) {
    static const char *const secrets[] = { API_KEY, PASSWORD, CLIENT_SECRET, REFRESH, NULL };
    int i;
    for (i = 0; secrets[i]; i++)
        if (strstr(text, secrets[i])) FZ_CHECK(in_input(secrets[i]), "%s holds the secret %s: %s", where, secrets[i], text);
}

static void logger(void *user, wf_log_level level, const char *line) {
    (void)user; (void)level;
    check_secrets(line, "a log line");
}

/* Every request written is a well-formed HTTP/1.1 request. */
static void check_requests(const fz_buf *b) {
    static const char *const names[] = { "Host", "User-Agent", "Accept", "Accept-Encoding", "X-Requested-With", "SessionID",
                                         "apiKey", "Authorization", "x-gw-ims-org-id", "Content-Type", "Content-Length", NULL };
    size_t pos = 0;
    while (pos < b->len) {
        const char *req = b->p + pos, *end = NULL, *line, *eol;
        size_t left = b->len - pos, i, hl;
        long long clen = 0;
        for (i = 0; i + 3 < left; i++)
            if (memcmp(req + i, "\r\n\r\n", 4) == 0) { end = req + i; break; }
        FZ_CHECK(end != NULL, "request without an end of head: %.200s", req);
        hl = (size_t)(end - req) + 2;
        for (i = 0; i < hl; i++) {
            unsigned char ch = (unsigned char)req[i];
            if (ch == '\r') FZ_CHECK(req[i + 1] == '\n', "bare CR in the request head");
            else if (ch == '\n') FZ_CHECK(i > 0 && req[i - 1] == '\r', "bare LF in the request head");
            else FZ_CHECK(ch >= 0x20 && ch != 0x7f, "control byte 0x%02x in the request head", ch);
        }
        eol = strstr(req, "\r\n");
        FZ_CHECK(eol && eol >= req + 9 && memcmp(eol - 9, " HTTP/1.1", 9) == 0, "bad request line: %.100s", req);
        for (line = eol + 2; line < end + 2; line = eol + 2) {
            const char *colon;
            size_t nl;
            int k;
            eol = strstr(line, "\r\n");
            colon = (const char *)memchr(line, ':', (size_t)(eol - line));
            FZ_CHECK(colon && colon[1] == ' ', "header line without \": \": %.*s", (int)(eol - line), line);
            nl = (size_t)(colon - line);
            for (k = 0; names[k]; k++) if (strlen(names[k]) == nl && strncasecmp(line, names[k], nl) == 0) break;
            FZ_CHECK(names[k] != NULL, "unexpected header (injected?): %.*s", (int)(eol - line), line);
            if (nl == 14 && strncasecmp(line, "Content-Length", 14) == 0) clen = atoll(colon + 2);
        }
        FZ_CHECK(clen >= 0 && (size_t)clen <= left - hl - 2, "Content-Length %lld but %zu bytes follow", clen, left - hl - 2);
        pos += hl + 2 + (size_t)clen;
    }
}

static bool on_obj(void *user, size_t i, wf_json o) { (void)i; (void)o; return ++*(int *)user < 50; }

/* wf_search_each's callback: the objects, written compactly, one a line */
static bool collect(void *user, wf_json o) {
    fz_buf *b = (fz_buf *)user;
    wf_result r = wf_json_write(o, 0, fz_sink, b);
    FZ_CHECK(r == WF_OK || r == WF_ERR_RANGE, "writing a streamed object: %d", r);
    fz_buf_add(b, "\n", 1);
    return true;
}

static wf_client *make_client(srv *s, wf_transport *tr, uint8_t op, uint8_t beh);

/* The same answer read streamed and buffered. */
static wf_result streamed_vs_buffered(wf_client *c, srv *s, uint8_t beh) {
    fz_buf got = { 0 }, want = { 0 };
    long long count = -1;
    wf_result rs, rb;
    srv s2;
    wf_transport tr2;
    wf_client *c2;
    wf_json data, o;
    rs = wf_search_each(c, "task", NULL, collect, &got, &count);
    FZ_CHECK(count >= 0, "count not set");
    /* a second client reads the same bytes buffered */
    memset(&s2, 0, sizeof s2);
    s2.d = s->d; s2.n = s->n; s2.step = s->step; s2.idle_closed = s->idle_closed;
    s2.input = s->input; s2.input_n = s->input_n;
    c2 = make_client(&s2, &tr2, 0, beh);
    rb = wf_search(c2, "task", NULL, &data);
    if (rb == WF_OK && wf_json_type_of(data) == WF_JSON_ARRAY) {
        for (o = wf_json_first(data); wf_json_ok(o); o = wf_json_next(o)) {
            wf_result r = wf_json_write(o, 0, fz_sink, &want);
            FZ_CHECK(r == WF_OK || r == WF_ERR_RANGE, "writing a buffered object: %d", r);
            fz_buf_add(&want, "\n", 1);
        }
        FZ_CHECK(rs == WF_OK, "streamed search failed (%s) where the buffered one read %zu bytes of objects: %s",
                 wf_result_str(rs), want.len, wf_client_error(c)->text);
        FZ_CHECK(got.len == want.len && (got.len == 0 || memcmp(got.p, want.p, got.len) == 0),
                 "streamed objects differ from buffered ones:\n%.300s\n---\n%.300s", got.p ? got.p : "", want.p ? want.p : "");
    } else if (rs == WF_OK) {
        /* accepted streamed, refused buffered: only a data array that is not one */
        FZ_CHECK(rb != WF_OK || wf_json_type_of(data) != WF_JSON_ARRAY, "unreachable");
        FZ_CHECK(rb == WF_OK, "streamed search succeeded (%lld objects) where the buffered one failed: %s", count,
                 wf_client_error(c2)->text);
    }
    wf_client_destroy(c2);
    check_requests(&s2.sent);
    fz_buf_free(&s2.sent);
    fz_buf_free(&got);
    fz_buf_free(&want);
    return rs;
}
static bool on_pobj(void *user, wf_json o) { (void)o; return ++*(int *)user < 50; }

typedef struct upl { size_t left; } upl;
static long upl_read(void *user, void *buf, size_t cap) {
    upl *u = (upl *)user;
    size_t n = u->left < cap ? u->left : cap;
    memset(buf, 'x', n);
    u->left -= n;
    return (long)n;
}

static wf_result run_op(wf_client *c, int op, srv *s, uint8_t beh) {
    wf_json data;
    wf_result r = WF_OK;
    switch (op) {
    case 0: {
        wf_query q;
        memset(&q, 0, sizeof q);
        wf_query_fields(&q, "name,assignedTo:name");
        wf_query_filter(&q, "status", WF_MOD_IN, "CUR");
        r = wf_search(c, "task", &q, &data);
        if (r == WF_OK) { size_t n = 0; wf_json_str(wf_json_path(data, "0:name"), NULL, 0, &n); }
        wf_query_free(&q);
        break;
    }
    case 1: r = wf_get(c, "task", "5c1a2b3c4d5e6f708192a3b4c5d6e7f8", "name,DE:Budget Code", &data); break;
    case 2:
        r = wf_login(c, "ann@example.com", PASSWORD);
        if (r == WF_OK) r = wf_search(c, "task", NULL, &data);
        if (r == WF_OK && wf_session_id(c)) r = wf_logout(c);
        break;
    case 3: {
        wf_updates u;
        memset(&u, 0, sizeof u);
        wf_updates_set_str(&u, "name", "Plan \"Q3\" \xe6\x97\xa5");
        wf_updates_set_int(&u, "priority", 2);
        r = wf_create(c, "task", NULL, &u, &data);
        wf_updates_free(&u);
        break;
    }
    case 4: {
        wf_bulk_desc b;
        size_t done = 0;
        int seen = 0;
        memset(&b, 0, sizeof b);
        b.obj = "task";
        b.updates = "[{\"ID\":\"a1\",\"name\":\"x\"},{\"ID\":\"a2\",\"name\":\"y\"},{\"ID\":\"a3\",\"name\":\"z\"}]";
        b.chunk_size = 2;
        b.on_result = on_obj;
        b.user = &seen;
        r = wf_bulk_edit(c, &b, &done);
        FZ_CHECK(done <= 3 && (r != WF_OK || done == 3), "bulk done %zu with %d", done, r);
        break;
    }
    case 5: {
        long long n = -1;
        r = wf_count(c, "task", NULL, &n);
        if (r != WF_OK) FZ_CHECK(n == 0, "count %lld on failure", n);
        break;
    }
    case 6: {
        wf_pager_desc p;
        long long total = 0;
        int seen = 0;
        memset(&p, 0, sizeof p);
        p.obj = "task";
        p.page_size = 2;
        p.on_object = on_pobj;
        p.user = &seen;
        r = wf_pager_run(c, &p, &total);
        break;
    }
    case 7: {
        wf_object *o = NULL;
        r = wf_object_load(c, "task", "5c1a2b3c4d5e6f708192a3b4c5d6e7f8", "name,status", &o);
        if (r == WF_OK) {
            wf_object_set_str(o, "name", "renamed");
            wf_object_set_json(o, "priority", "3");
            r = wf_object_save(o);
            wf_object_free(o);
        } else {
            FZ_CHECK(o == NULL, "object on failure");
        }
        break;
    }
    case 8: {
        wf_batch b;
        wf_query q;
        memset(&b, 0, sizeof b);
        memset(&q, 0, sizeof q);
        wf_query_add(&q, "fields", "name");
        wf_batch_add(&b, "GET", "task/search", &q);
        wf_batch_add(&b, "PUT", "task/a1", NULL);
        r = wf_batch_run(c, &b, true, &data);
        wf_batch_free(&b);
        wf_query_free(&q);
        break;
    }
    case 9:
        r = wf_delete(c, "task", "5c1a2b3c4d5e6f708192a3b4c5d6e7f8", true);
        if (r == WF_OK || r == WF_ERR_RESPONSE) r = wf_request(c, "HEAD", "task/search", NULL, NULL, NULL);
        break;
    case 10: {
        char key[64];
        r = wf_api_key(c, WF_API_KEY_GET, "ann@example.com", PASSWORD, key, sizeof key);
        if (r == WF_OK) FZ_CHECK(strlen(key) < sizeof key, "key");
        break;
    }
    case 11:
        r = wf_oauth2_refresh(c);
        if (r == WF_OK) r = wf_search(c, "task", NULL, &data);
        break;
    case 12: return streamed_vs_buffered(c, s, beh);
    default: {
        wf_upload_desc u;
        upl src;
        char handle[64];
        memset(&u, 0, sizeof u);
        src.left = 3000;
        u.read = upl_read;
        u.user = &src;
        u.size = 3000;
        u.obj_code = "TASK";
        u.obj_id = "5c1a2b3c4d5e6f708192a3b4c5d6e7f8";
        r = wf_upload(c, &u, handle, &data);
        if (r == WF_OK) FZ_CHECK(memchr(handle, 0, 64) != NULL, "handle not terminated");
        break;
    }
    }
    return r;
}

#define NOPS 14

static wf_client *make_client(srv *s, wf_transport *tr, uint8_t op, uint8_t beh) {
    wf_client_desc d;
    wf_client *c = NULL;
    tr->connect = t_connect;
    tr->send = t_send;
    tr->recv = t_recv;
    tr->close = t_close;
    tr->user = s;
    memset(&d, 0, sizeof d);
    d.url = "http://wf.test:8080";
    d.transport = tr;
    d.api_key = API_KEY;
    d.max_retries = -1;                 /* no backoff sleeps */
    d.max_response_bytes = 1 << 20;
    d.logger.fn = logger;
    d.logger.level = WF_LOG_TRACE;
    d.client_id = "client-1";
    d.client_secret = CLIENT_SECRET;
    if (beh & 64) { d.username = "ann@example.com"; d.password = PASSWORD; }
    if (op % NOPS == 11) d.refresh_token = REFRESH;
    FZ_CHECK(wf_client_create(&d, &c, NULL) == WF_OK, "create");
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    srv s;
    wf_transport tr;
    wf_client *c;
    wf_result r;
    uint8_t op, beh;
    if (size < 2) return 0;
    op = data[0];
    beh = data[1];
    memset(&s, 0, sizeof s);
    s.d = data + 2;
    s.n = size - 2;
    s.step = beh & 63;
    s.idle_closed = (beh & 128) != 0;
    s.input = data;
    s.input_n = size;
    g_srv = &s;
    c = make_client(&s, &tr, op, beh);
    r = run_op(c, op % NOPS, &s, beh);
    if (r != WF_OK) {
        const wf_error *e = wf_client_error(c);
        FZ_CHECK(e->text[0] != 0, "op %d failed (%d) without an error text", op % NOPS, r);
        FZ_CHECK(e->result == r, "op %d returned %d but the record says %d (%s)", op % NOPS, r, e->result, e->text);
        check_secrets(e->text, "the error text");
        check_secrets(e->message, "the error message");
    }
    wf_client_destroy(c);
    check_requests(&s.sent);
    fz_buf_free(&s.sent);
    return 0;
}
