/* Unit tests: the pure parts of workfront.h fed bytes directly (HTTP parser,
   chunked decoder, JSON tokens/views/unescape, envelope, URL and query
   builders), plus the whole client over an in-memory transport. */
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"
#include "harness.h" /* WFH_RUN */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* ------------------------------------------------------------ HTTP parser */

typedef struct expect {
    const char *raw;
    bool head;
    int rc;             /* final result: DONE or an error */
    int status;
    const char *body;
    bool keep_alive;
    bool eof_after;     /* feed end-of-stream after the bytes */
} expect;

static const expect http_cases[] = {
    { "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: application/json\r\n\r\nhello", false, WF__HTTP_DONE, 200, "hello", true, false },
    { "HTTP/1.1 200 OK\r\ncontent-LENGTH:   3  \r\n\r\nabc", false, WF__HTTP_DONE, 200, "abc", true, false },
    { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1;q=\"x\"\r\nhello\r\n1\r\n \r\n6\r\nworld!\r\n0\r\nX-Trailer: yes\r\nAnother: 1\r\n\r\n",
      false, WF__HTTP_DONE, 200, "hello world!", true, false },
    { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n", false, WF__HTTP_DONE, 200, "0123456789", true, false },
    { "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 99\r\n\r\n2\r\nok\r\n0\r\n\r\n", false, WF__HTTP_DONE, 200, "ok", true, false },
    { "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end", false, WF__HTTP_DONE, 200, "until the end", false, true },
    { "HTTP/1.0 200 OK\r\n\r\nold", false, WF__HTTP_DONE, 200, "old", false, true },
    { "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nka", false, WF__HTTP_DONE, 200, "ka", true, false },
    { "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\nX: y\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}", false, WF__HTTP_DONE, 201, "{}", true, false },
    { "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", false, WF__HTTP_DONE, 204, "", true, false },
    { "HTTP/1.1 304 Not Modified\r\n\r\n", false, WF__HTTP_DONE, 304, "", true, false },
    { "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", true, WF__HTTP_DONE, 200, "", true, false },
    { "HTTP/1.1 200 OK\nContent-Length: 2\n\nlf", false, WF__HTTP_DONE, 200, "lf", true, false },
    { "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false, WF__HTTP_DONE, 200, "", true, false },
    /* errors */
    { "HTTP/2 200 OK\r\n\r\n", false, WF__HTTP_ERR_SYNTAX, 0, NULL, false, false },
    { "<html>hello</html>\r\n", false, WF__HTTP_ERR_SYNTAX, 0, NULL, false, false },
    { "HTTP/1.1 2x0 OK\r\n\r\n", false, WF__HTTP_ERR_SYNTAX, 0, NULL, false, false },
    { "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", false, WF__HTTP_ERR_SYNTAX, 200, NULL, false, false },
    { "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", false, WF__HTTP_ERR_SYNTAX, 200, NULL, false, false },
    { "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", false, WF__HTTP_ERR_SYNTAX, 200, NULL, false, false },
    { "HTTP/1.1 200 OK\r\nBadHeaderNoColon\r\n\r\n", false, WF__HTTP_ERR_SYNTAX, 200, NULL, false, false },
    { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false, WF__HTTP_ERR_SYNTAX, 200, NULL, false, false },
    { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXX\r\n", false, WF__HTTP_ERR_SYNTAX, 200, NULL, false, false },
    { "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", false, WF__HTTP_ERR_TRUNCATED, 200, NULL, false, true },
    { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", false, WF__HTTP_ERR_TRUNCATED, 200, NULL, false, true },
    { "HTTP/1.1 200 OK\r\nContent-Le", false, WF__HTTP_ERR_TRUNCATED, 200, NULL, false, true },
    { "HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n", false, WF__HTTP_ERR_TOO_LARGE, 200, NULL, false, false },
    { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n", false, WF__HTTP_ERR_TOO_LARGE, 200, NULL, false, false },
    { "HTTP/1.1 200 OK\r\n\r\n", false, WF__HTTP_MORE, 200, NULL, false, false }, /* close-delimited, still open */
};

#define MAX_BODY 1024

/* Feeds raw in pieces: split==0 whole, split>0 two pieces at that offset,
   split<0 one byte at a time.  Returns the final rc. */
static int feed(wf__http *p, const expect *x, long split) {
    size_t n = strlen(x->raw), off = 0, used;
    int rc = WF__HTTP_MORE;
    wf__http_begin(p, NULL, MAX_BODY, x->head);
    while (off < n && rc == WF__HTTP_MORE) {
        size_t take = split == 0 ? n - off : split < 0 ? 1 : (off < (size_t)split ? (size_t)split - off : n - off);
        rc = wf__http_feed(p, x->raw + off, take, &used);
        assert_true(used <= take);
        if (rc == WF__HTTP_MORE) assert_int_equal(used, take);
        off += used;
    }
    if (rc == WF__HTTP_MORE && x->eof_after) rc = wf__http_eof(p);
    return rc;
}

static void check_case(const expect *x, long split) {
    wf__http p;
    int rc;
    memset(&p, 0, sizeof p);
    rc = feed(&p, x, split);
    if (rc != x->rc) fail_msg("case %.40s split %ld: rc %d, want %d (%s)", x->raw, split, rc, x->rc, p.error);
    if (x->status) assert_int_equal(p.status, x->status);
    if (x->body) {
        assert_int_equal(p.body.len, strlen(x->body));
        if (p.body.len) assert_memory_equal(p.body.p, x->body, p.body.len);
        assert_int_equal(p.keep_alive, x->keep_alive);
    }
    wf__buf_free(NULL, &p.body);
}

static void test_http_whole(void **st) {
    size_t i;
    (void)st;
    for (i = 0; i < sizeof http_cases / sizeof http_cases[0]; i++) check_case(&http_cases[i], 0);
}

static void test_http_every_split(void **st) {
    size_t i;
    (void)st;
    for (i = 0; i < sizeof http_cases / sizeof http_cases[0]; i++) {
        long s, n = (long)strlen(http_cases[i].raw);
        for (s = 1; s < n; s++) check_case(&http_cases[i], s);
    }
}

static void test_http_byte_at_a_time(void **st) {
    size_t i;
    (void)st;
    for (i = 0; i < sizeof http_cases / sizeof http_cases[0]; i++) check_case(&http_cases[i], -1);
}

static void test_http_headers_and_leftover(void **st) {
    wf__http p;
    size_t used = 0;
    const char *two = "HTTP/1.1 429 Too Many\r\nRetry-After: 7\r\nContent-Encoding: gzip\r\nContent-Type: text/html\r\n"
                      "Content-Length: 2\r\n\r\nabHTTP/1.1 200 OK\r\n";
    (void)st;
    memset(&p, 0, sizeof p);
    wf__http_begin(&p, NULL, MAX_BODY, false);
    assert_int_equal(wf__http_feed(&p, two, strlen(two), &used), WF__HTTP_DONE);
    assert_int_equal(used, strstr(two, "abH") - two + 2); /* stops right after the body */
    assert_string_equal(p.retry_after, "7");
    assert_string_equal(p.content_encoding, "gzip");
    assert_string_equal(p.content_type, "text/html");
    assert_int_equal(p.status, 429);
    wf__buf_free(NULL, &p.body);
}

static void test_http_huge_head_refused(void **st) {
    wf__http p;
    char line[200];
    int i, rc = WF__HTTP_MORE;
    size_t used;
    (void)st;
    memset(&p, 0, sizeof p);
    wf__http_begin(&p, NULL, MAX_BODY, false);
    rc = wf__http_feed(&p, "HTTP/1.1 200 OK\r\n", 17, &used);
    memset(line, 'a', sizeof line);
    memcpy(line, "X-Big: ", 7);
    line[sizeof line - 2] = '\r';
    line[sizeof line - 1] = '\n';
    for (i = 0; i < 1000 && rc == WF__HTTP_MORE; i++) rc = wf__http_feed(&p, line, sizeof line, &used);
    assert_int_equal(rc, WF__HTTP_ERR_TOO_LARGE);
    wf__buf_free(NULL, &p.body);
}

/* ------------------------------------------------------------------ JSON */

static wf_result parse(const char *s, wf_doc **d) { return wf_doc_parse(s, strlen(s), NULL, d); }

static void test_json_rejects_what_jsmn_lets_through(void **st) {
    static const char *bad[] = {
        "{\"a\" \"b\"}", "{\"a\":1,}", "[1,]", "[,1]", "[1 2]", "{\"a\":tru}", "{\"a\":1.2.3}", "{\"a\":-}",
        "{\"a\":1}{\"b\":2}", "{\"a\":\"x\x01y\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\\ud83d\"}", "{\"a\":\"\\ude00\"}",
        "{\"a\":\"\\ud83d\\u0041\"}", "{\"a\":\"\\u12\"}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":1e}",
        "{\"a\":", "{\"a\":\"abc", "[", "", "   ", "{\"a\":1} x", "x{\"a\":1}", "{\"a\"::1}", "{1:2}",
        "{\"a\":\"\xff\"}", "{\"a\":\"\xc0\xaf\"}", "{\"a\":\"\xed\xa0\x80\"}", "{\"a\":nul}", "{\"a\":truex}", "[\"a\",,\"b\"]",
        "{\"a\":1 \"b\":2}", "{,\"a\":1}", NULL
    };
    int i;
    (void)st;
    for (i = 0; bad[i]; i++) {
        wf_doc *d = NULL;
        wf_result r = parse(bad[i], &d);
        if (r == WF_OK) fail_msg("accepted invalid JSON: %s", bad[i]);
        assert_null(d);
    }
}

static void test_json_accepts_valid(void **st) {
    static const char *good[] = {
        "{}", "[]", " {\"a\" : [1, -2.5e+3, 0, true, false, null, \"x\"] } \n", "[[[[]]]]", "\"str\"", "{\"\":\"\"}",
        "{\"a\":{\"b\":{\"c\":[{\"d\":1}]}}}", "[0.0,-0,1E5,1e-5]", "42", " true ", "null", "-1.5e3", "{\"e\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0000\"}", NULL
    };
    int i;
    (void)st;
    for (i = 0; good[i]; i++) {
        wf_doc *d = NULL;
        wf_result r = parse(good[i], &d);
        if (r != WF_OK) fail_msg("refused valid JSON: %s", good[i]);
        wf_doc_free(d);
    }
}

/* The word-at-a-time scan (wf__plain8) must see every byte it may not skip,
   at every offset inside and across the 8-byte words, in both places it
   runs: string validation and the streaming element scanner. */
static void test_json_word_scan(void **st) {
    int b, k, len;
    (void)st;
    for (len = 1; len <= 24; len++)
        for (k = 0; k < len; k++)
            for (b = 1; b < 256; b++) {
                char s[32];
                long r;
                bool bad = b < 0x20 || b == '\\' || b >= 0x80;
                memset(s, 'a', sizeof s);
                s[k] = (char)b;
                r = wf__unescape(s, (size_t)len, NULL, 0);
                if ((r < 0) != bad) fail_msg("byte 0x%02x at %d of %d: %ld", b, k, len, r);
            }
}

static void test_json_unescape(void **st) {
    wf_doc *d = NULL;
    char buf[64];
    size_t n;
    const char *s = "{\"emoji\":\"\\ud83d\\ude80\",\"cjk\":\"\\u65e5\\u672c\",\"mix\":\"a\\/b\\\"c\\\\d\\n\",\"raw\":\"\xe6\x97\xa5\",\"nul\":\"a\\u0000b\"}";
    (void)st;
    assert_int_equal(parse(s, &d), WF_OK);
    assert_int_equal(wf_json_str(wf_json_get(wf_doc_root(d), "emoji"), buf, sizeof buf, &n), WF_OK);
    assert_string_equal(buf, "\xf0\x9f\x9a\x80");
    assert_int_equal(n, 4);
    wf_json_str(wf_json_get(wf_doc_root(d), "cjk"), buf, sizeof buf, NULL);
    assert_string_equal(buf, "\xe6\x97\xa5\xe6\x9c\xac");
    wf_json_str(wf_json_get(wf_doc_root(d), "mix"), buf, sizeof buf, NULL);
    assert_string_equal(buf, "a/b\"c\\d\n");
    wf_json_str(wf_json_get(wf_doc_root(d), "raw"), buf, sizeof buf, NULL);
    assert_string_equal(buf, "\xe6\x97\xa5");
    assert_int_equal(wf_json_str(wf_json_get(wf_doc_root(d), "nul"), buf, sizeof buf, &n), WF_OK);
    assert_int_equal(n, 3);
    assert_memory_equal(buf, "a\0b", 3);
    /* too small: truncated at a character boundary, full length reported */
    assert_int_equal(wf_json_str(wf_json_get(wf_doc_root(d), "cjk"), buf, 5, &n), WF_ERR_TRUNCATED);
    assert_int_equal(n, 6);
    assert_string_equal(buf, "\xe6\x97\xa5");
    assert_int_equal(wf_json_str(wf_json_get(wf_doc_root(d), "missing"), buf, sizeof buf, NULL), WF_ERR_NOT_FOUND);
    assert_true(wf_json_eq(wf_json_get(wf_doc_root(d), "emoji"), "\xf0\x9f\x9a\x80"));
    wf_doc_free(d);
}

static void test_json_views(void **st) {
    wf_doc *d = NULL;
    wf_json r, v;
    long long i;
    double x;
    bool b;
    size_t n;
    char buf[64];
    const char *s = "{\"data\":[{\"ID\":\"a1\",\"assignedTo\":{\"name\":\"Ann\",\"ID\":\"u1\"},\"n\":42,\"big\":9223372036854775807,"
                    "\"f\":2.5,\"e\":3e2,\"t\":true,\"z\":null,\"DE:Field: x\":\"cf\",\"tasks\":[{\"name\":\"t0\"},{\"name\":\"t1\"}]},"
                    "{\"ID\":\"a2\"}],\"k\\u0041y\":1}";
    (void)st;
    assert_int_equal(parse(s, &d), WF_OK);
    r = wf_doc_root(d);
    assert_int_equal(wf_json_type_of(r), WF_JSON_OBJECT);
    assert_int_equal(wf_json_len(r), 2);
    v = wf_json_get(r, "data");
    assert_int_equal(wf_json_type_of(v), WF_JSON_ARRAY);
    assert_int_equal(wf_json_len(v), 2);
    assert_true(wf_json_eq(wf_json_get(wf_json_at(v, 1), "ID"), "a2"));
    assert_false(wf_json_ok(wf_json_at(v, 2)));
    assert_true(wf_json_eq(wf_json_path(r, "data:0:assignedTo:name"), "Ann"));
    assert_true(wf_json_eq(wf_json_path(wf_json_at(v, 0), "tasks:1:name"), "t1"));
    assert_true(wf_json_eq(wf_json_path(wf_json_at(v, 0), "DE:Field: x"), "cf"));
    assert_false(wf_json_ok(wf_json_path(r, "data:0:nope:name")));
    assert_int_equal(wf_json_int(wf_json_path(r, "data:0:n"), &i), WF_OK);
    assert_int_equal(i, 42);
    assert_int_equal(wf_json_int(wf_json_path(r, "data:0:big"), &i), WF_OK);
    assert_true(i == 9223372036854775807LL);
    assert_int_equal(wf_json_int(wf_json_path(r, "data:0:f"), &i), WF_ERR_TYPE);
    assert_int_equal(wf_json_int(wf_json_path(r, "data:0:e"), &i), WF_OK);
    assert_int_equal(i, 300);
    assert_int_equal(wf_json_num(wf_json_path(r, "data:0:f"), &x), WF_OK);
    assert_true(x == 2.5);
    assert_int_equal(wf_json_bool(wf_json_path(r, "data:0:t"), &b), WF_OK);
    assert_true(b);
    assert_true(wf_json_is_null(wf_json_path(r, "data:0:z")));
    assert_int_equal(wf_json_int(wf_json_path(r, "data:0:ID"), &i), WF_ERR_TYPE);
    assert_int_equal(wf_json_int(wf_json_path(r, "data:0:missing"), &i), WF_ERR_NOT_FOUND);
    assert_int_equal(wf_json_get(r, "kAy").tok > 0, 1); /* escaped key matches its decoded form */
    {
        const char *raw = wf_json_raw(wf_json_path(r, "data:0:assignedTo"), &n);
        assert_int_equal(n, strlen("{\"name\":\"Ann\",\"ID\":\"u1\"}"));
        assert_memory_equal(raw, "{\"name\":\"Ann\",\"ID\":\"u1\"}", n);
    }
    /* iteration: keys of an object and their values, in order */
    {
        wf_json k = wf_json_first(wf_json_path(r, "data:0:assignedTo"));
        wf_json_str(k, buf, sizeof buf, NULL);
        assert_string_equal(buf, "name");
        assert_true(wf_json_eq(wf_json_value(k), "Ann"));
        k = wf_json_next(k);
        assert_true(wf_json_eq(k, "ID"));
        assert_false(wf_json_ok(wf_json_next(k)));
    }
    /* missing views chain safely */
    assert_false(wf_json_ok(wf_json_get(wf_json_get(wf_json_at(r, 3), "x"), "y")));
    assert_int_equal(wf_json_len(wf_json_get(r, "nothing")), 0);
    wf_doc_free(d);
}

static void test_json_long_escaped_key(void **st) {
    /* a 600-byte key written with escapes still matches its decoded form */
    wf__buf b, key;
    wf_doc *d = NULL;
    int i;
    (void)st;
    memset(&b, 0, sizeof b);
    memset(&key, 0, sizeof key);
    wf__buf_adds(NULL, &b, "{\"");
    for (i = 0; i < 300; i++) { wf__buf_adds(NULL, &b, "\\u0041b"); wf__buf_adds(NULL, &key, "Ab"); }
    wf__buf_adds(NULL, &b, "\":7}");
    assert_int_equal(wf_doc_parse(b.p, b.len, NULL, &d), WF_OK);
    assert_true(wf_json_ok(wf_json_get(wf_doc_root(d), key.p)));
    key.p[599] = 'c';
    assert_false(wf_json_ok(wf_json_get(wf_doc_root(d), key.p)));
    wf_doc_free(d);
    wf__buf_free(NULL, &b);
    wf__buf_free(NULL, &key);
}

static bool sink_buf(void *user, const char *data, size_t len) {
    wf__buf *b = (wf__buf *)user;
    return wf__buf_add(NULL, b, data, len);
}

static void test_json_write_roundtrip(void **st) {
    wf_doc *d = NULL, *d2 = NULL;
    wf__buf out;
    const char *s = "{\"a\":\"q\\\"b\\\\s\\/\\u0001\\ud83d\\ude80\\u2028\",\"n\":[1,2.5,true,null,{}],\"e\":[]}";
    (void)st;
    memset(&out, 0, sizeof out);
    assert_int_equal(parse(s, &d), WF_OK);
    assert_int_equal(wf_json_write(wf_doc_root(d), 0, sink_buf, &out), WF_OK);
    assert_string_equal(out.p, "{\"a\":\"q\\\"b\\\\s/\\u0001\xf0\x9f\x9a\x80\\u2028\",\"n\":[1,2.5,true,null,{}],\"e\":[]}");
    assert_int_equal(wf_doc_parse(out.p, out.len, NULL, &d2), WF_OK);
    out.len = 0;
    assert_int_equal(wf_json_write(wf_doc_root(d), 2, sink_buf, &out), WF_OK);
    assert_non_null(strstr(out.p, "\n  \"n\": [\n    1,"));
    wf_doc_free(d);
    wf_doc_free(d2);
    wf__buf_free(NULL, &out);
}

static void test_json_token_growth(void **st) {
    /* far more tokens than the first guess: jsmn resumes in a larger array */
    wf__buf b;
    wf_doc *d = NULL;
    int i;
    long long v;
    (void)st;
    memset(&b, 0, sizeof b);
    wf__buf_adds(NULL, &b, "[");
    for (i = 0; i < 100000; i++) wf__buf_adds(NULL, &b, i ? ",0" : "0");
    wf__buf_adds(NULL, &b, ",7]");
    assert_int_equal(wf_doc_parse(b.p, b.len, NULL, &d), WF_OK);
    assert_int_equal(wf_json_len(wf_doc_root(d)), 100001);
    assert_int_equal(wf_json_int(wf_json_at(wf_doc_root(d), 100000), &v), WF_OK);
    assert_int_equal(v, 7);
    wf_doc_free(d);
    wf__buf_free(NULL, &b);
}

/* -------------------------------------------------------------- envelope */

static void test_envelope(void **st) {
    wf_doc *d = NULL;
    wf_json data;
    wf_error e;
    (void)st;
    memset(&e, 0, sizeof e);
    assert_int_equal(parse("{\"data\":{\"count\":3}}", &d), WF_OK);
    assert_int_equal(wf_envelope(d, 200, &data, &e), WF_OK);
    assert_int_equal(wf_json_type_of(data), WF_JSON_OBJECT);
    wf_doc_free(d);

    assert_int_equal(parse("{\"error\":{\"class\":\"java.lang.IllegalArgumentException\",\"message\":\"limit \\u003e 2000\",\"code\":12,"
                           "\"title\":\"T\",\"msgKey\":\"K\"}}", &d), WF_OK);
    assert_int_equal(wf_envelope(d, 200, &data, &e), WF_ERR_API);
    assert_false(wf_json_ok(data));
    assert_int_equal(e.http_status, 200);
    assert_string_equal(e.wf_class, "java.lang.IllegalArgumentException");
    assert_string_equal(e.message, "limit > 2000");
    assert_string_equal(e.title, "T");
    assert_string_equal(e.msg_key, "K");
    assert_true(e.has_code);
    assert_int_equal(e.code, 12);
    assert_non_null(strstr(e.text, "IllegalArgumentException"));
    wf_doc_free(d);

    memset(&e, 0, sizeof e);
    assert_int_equal(parse("{\"error\":{\"class\":\"com.attask.common.AuthenticationException\",\"message\":\"You are not currently logged in\"}}", &d), WF_OK);
    assert_int_equal(wf_envelope(d, 200, &data, &e), WF_ERR_AUTH);
    wf_doc_free(d);

    memset(&e, 0, sizeof e);
    assert_int_equal(parse("{\"error\":\"plain text error\"}", &d), WF_OK);
    assert_int_equal(wf_envelope(d, 500, &data, &e), WF_ERR_API);
    assert_string_equal(e.message, "plain text error");
    wf_doc_free(d);

    assert_int_equal(parse("{\"something\":1}", &d), WF_OK);
    assert_int_equal(wf_envelope(d, 200, &data, &e), WF_ERR_RESPONSE);
    wf_doc_free(d);
    assert_int_equal(parse("[1]", &d), WF_OK);
    assert_int_equal(wf_envelope(d, 200, &data, &e), WF_ERR_RESPONSE);
    wf_doc_free(d);
}

/* ------------------------------------------------------- URL and query */

static void base_of(const char *url, const char *domain, const char *tpl, const char *ver, const char *want) {
    wf_client_desc desc;
    wf_client *c = NULL;
    wf_error e;
    memset(&desc, 0, sizeof desc);
    desc.url = url;
    desc.domain = domain;
    desc.url_template = tpl;
    desc.api_version = ver;
    desc.no_system_ca = true;
    desc.ca_pem = "not a pem";
    if (!want) {
        assert_int_not_equal(wf_client_create(&desc, &c, &e), WF_OK);
        assert_null(c);
        assert_true(e.text[0] != 0);
        return;
    }
    desc.ca_pem = NULL;
    desc.no_system_ca = false;
    if (wf_client_create(&desc, &c, &e) != WF_OK) fail_msg("create failed: %s", e.text);
    assert_string_equal(wf_client_api_base(c), want);
    wf_client_destroy(c);
}

static void test_base_urls(void **st) {
    (void)st;
    base_of("https://acme.my.workfront.com", NULL, NULL, NULL, "https://acme.my.workfront.com/attask/api/v22.0");
    base_of("http://127.0.0.1:8080/", NULL, NULL, "15.0", "http://127.0.0.1:8080/attask/api/v15.0");
    base_of("http://[::1]:8080", NULL, NULL, "v19.0", "http://[::1]:8080/attask/api/v19.0");
    base_of("http://127.0.0.1:8080", NULL, NULL, "unsupported", "http://127.0.0.1:8080/attask/api-unsupported");
    base_of("https://x.example/attask/api/v9.0", NULL, NULL, NULL, "https://x.example/attask/api/v9.0");
    /* a bare name: the host Adobe's "Domain format for Adobe Workfront API calls" gives today */
    base_of(NULL, "acme", NULL, NULL, "https://acme.my.workfront.adobe.com/attask/api/v22.0");
    base_of(NULL, "acme", "adobe", NULL, "https://acme.my.workfront.adobe.com/attask/api/v22.0");
    base_of(NULL, "acme", "my", NULL, "https://acme.my.workfront.com/attask/api/v22.0");
    base_of(NULL, "acme.my.workfront.adobe.com", NULL, NULL, "https://acme.my.workfront.adobe.com/attask/api/v22.0");
    /* one rule for "unsupported": /attask/api-unsupported through url and templates alike */
    base_of(NULL, "acme", "ondemand", "unsupported", "https://acme.attask-ondemand.com/attask/api-unsupported");
    base_of(NULL, "acme", NULL, "unsupported", "https://acme.my.workfront.adobe.com/attask/api-unsupported");
    base_of(NULL, "acme", "{protocol}://{domain}.x.example/attask/api/{api_version}", "unsupported",
            "https://acme.x.example/attask/api-unsupported");
    /* ... and the other form stays reachable: a full base is taken as is */
    base_of("https://acme.x.example/attask/api/unsupported", NULL, NULL, "unsupported",
            "https://acme.x.example/attask/api/unsupported");
    /* python-workfront's sandbox moved to preview.workfront.com */
    base_of(NULL, "acme", "sandbox", "v4.0", "https://acme.preview.workfront.com/attask/api/v4.0");
    base_of(NULL, "acme", "{protocol}://{domain}.preview.workfront.com/attask/api/{api_version}", "22.0",
            "https://acme.preview.workfront.com/attask/api/v22.0");
    base_of(NULL, "acme", "no-such-preset", NULL, NULL);
    base_of("ftp://x", NULL, NULL, NULL, NULL);
    base_of("https://user:pw@x.example", NULL, NULL, NULL, NULL);
    base_of("https://x.example:99999", NULL, NULL, NULL, NULL);
    base_of("https://x.example/?q=1", NULL, NULL, NULL, NULL);
    base_of(NULL, "bad domain", NULL, NULL, NULL);
    base_of(NULL, NULL, NULL, NULL, NULL);
    base_of("https://x.example", NULL, NULL, "v1/../../x", NULL);
    /* an https client whose only CA is not a certificate */
    base_of("https://x.example", NULL, NULL, NULL, "https://x.example/attask/api/v22.0");
}

static void test_query_encoding(void **st) {
    wf_query q;
    char enc[64];
    (void)st;
    memset(&q, 0, sizeof q);
    assert_int_equal(wf_query_add(&q, "name", "a b&c=d+e%f#g?h/i:j$k,l*m@n~o"), WF_OK);
    assert_int_equal(wf_query_add(&q, "OR:1:DE:Field Name", "\xe6\x97\xa5\xf0\x9f\x9a\x80"), WF_OK);
    assert_int_equal(wf_query_parse_arg(&q, "$$LIMIT=5=x"), WF_OK);
    assert_string_equal(wf_query_str(&q), "name=a%20b%26c%3Dd%2Be%25f%23g%3Fh/i:j$k,l*m@n~o"
                                          "&OR:1:DE:Field%20Name=%E6%97%A5%F0%9F%9A%80&$$LIMIT=5%3Dx");
    assert_int_equal(wf_url_encode("a b", 3, enc, sizeof enc), 5);
    assert_string_equal(enc, "a%20b");
    assert_int_equal(wf_url_encode("a b", 3, enc, 3), 5); /* reports the needed length */
    wf_query_free(&q);
}

static void test_query_refusals(void **st) {
    wf_query q;
    char small[16];
    (void)st;
    memset(&q, 0, sizeof q);
    assert_int_equal(wf_query_limit(&q, 0, 2001), WF_ERR_RANGE);
    assert_non_null(strstr(q.error, "2000"));
    /* the first failure sticks */
    assert_int_equal(wf_query_add(&q, "a", "b"), WF_ERR_RANGE);
    wf_query_reset(&q);
    assert_int_equal(wf_query_limit(&q, 4000, 2000), WF_OK);
    assert_string_equal(wf_query_str(&q), "$$FIRST=4000&$$LIMIT=2000");
    wf_query_reset(&q);
    assert_int_equal(wf_query_add(&q, "", "x"), WF_ERR_INVALID);
    wf_query_reset(&q);
    assert_int_equal(wf_query_fields(&q, "name,,ID"), WF_ERR_INVALID);
    wf_query_reset(&q);
    assert_int_equal(wf_query_parse_arg(&q, "novalue"), WF_ERR_INVALID);
    wf_query_free(&q);
    wf_query_init_buf(&q, small, sizeof small);
    assert_int_equal(wf_query_add(&q, "k", "v"), WF_OK);
    assert_int_equal(wf_query_add(&q, "longer", "value"), WF_ERR_TRUNCATED);
    assert_string_equal(small, "k=v");
    wf_query_free(&q);
}

static void test_query_builders(void **st) {
    wf_query q;
    static const char *const vals[] = { "NEW", "IN PROGRESS", "a&b" };
    wf_mod m;
    int i;
    (void)st;
    memset(&q, 0, sizeof q);
    assert_int_equal(wf_query_filter(&q, "name", WF_MOD_CICONTAINS, "plan & do"), WF_OK);
    assert_int_equal(wf_query_filter(&q, "description", WF_MOD_ISNULL, NULL), WF_OK);
    assert_int_equal(wf_query_range(&q, "priority", WF_MOD_BETWEEN, "1", "3"), WF_OK);
    assert_int_equal(wf_query_in(&q, "status", WF_MOD_IN, vals, 3), WF_OK);
    assert_int_equal(wf_query_or_group(&q, 1), WF_OK);
    assert_int_equal(wf_query_filter(&q, "assignedTo:name", WF_MOD_EQ, "Ann"), WF_OK);
    assert_int_equal(wf_query_sort(&q, "name", WF_SORT_CIASC), WF_OK); /* not in the OR group */
    assert_int_equal(wf_query_or_group(&q, 2), WF_OK);
    assert_int_equal(wf_query_filter(&q, "DE:Budget Code", WF_MOD_LIKE, "B%"), WF_OK);
    assert_int_equal(wf_query_or_group(&q, 0), WF_OK);
    assert_int_equal(wf_query_sort(&q, "entryDate", WF_SORT_DESC), WF_OK);
    assert_int_equal(wf_query_map(&q), WF_OK);
    assert_string_equal(wf_query_str(&q),
        "name=plan%20%26%20do&name_Mod=cicontains&description_Mod=isnull&priority=1&priority_Range=3&priority_Mod=between"
        "&status=NEW&status=IN%20PROGRESS&status=a%26b&status_Mod=in&OR:1:assignedTo:name=Ann&OR:1:assignedTo:name_Mod=eq"
        "&name_Sort=ciasc&OR:2:DE:Budget%20Code=B%25&OR:2:DE:Budget%20Code_Mod=like&entryDate_2_Sort=desc&map=true");
    wf_query_reset(&q);
    assert_int_equal(wf_query_group_by(&q, "project:name"), WF_OK);
    assert_int_equal(wf_query_group_by(&q, "status"), WF_OK);
    assert_int_equal(wf_query_agg(&q, "hours", "sum"), WF_OK);
    assert_int_equal(wf_query_rollup(&q), WF_OK);
    assert_string_equal(wf_query_str(&q), "project:name_GroupBy=true&status_2_GroupBy=true&hours_AggFunc=sum&$$ROLLUP=true");
    /* group keys are counted, not found in the text: a filter on a field
       whose name ends in GroupBy does not shift the numbering */
    wf_query_reset(&q);
    assert_int_equal(wf_query_add(&q, "DE:noGroupBy", "x"), WF_OK);
    assert_int_equal(wf_query_group_by(&q, "status"), WF_OK);
    assert_string_equal(wf_query_str(&q), "DE:noGroupBy=x&status_GroupBy=true");
    /* refusals: clear errors, sticky */
    wf_query_reset(&q);
    assert_int_equal(wf_query_filter(&q, "name", WF_MOD_BETWEEN, "a"), WF_ERR_INVALID);
    wf_query_reset(&q);
    assert_int_equal(wf_query_filter(&q, "name", WF_MOD_ISNULL, "x"), WF_ERR_INVALID);
    wf_query_reset(&q);
    assert_int_equal(wf_query_filter(&q, "", WF_MOD_EQ, "x"), WF_ERR_INVALID);
    wf_query_reset(&q);
    assert_int_equal(wf_query_filter(&q, "a::b", WF_MOD_EQ, "x"), WF_ERR_INVALID);
    wf_query_reset(&q);
    assert_int_equal(wf_query_filter(&q, "name", (wf_mod)999, "x"), WF_ERR_INVALID);
    wf_query_reset(&q);
    assert_int_equal(wf_query_in(&q, "status", WF_MOD_IN, vals, 0), WF_ERR_INVALID);
    wf_query_reset(&q);
    assert_int_equal(wf_query_filters_json(&q, "{\"name\":\"x\",}"), WF_ERR_INVALID);
    wf_query_reset(&q);
    assert_int_equal(wf_query_filters_json(&q, "{\"name\":\"x\",\"name_Mod\":\"contains\"}"), WF_OK);
    assert_string_equal(wf_query_str(&q), "filters=%7B%22name%22:%22x%22,%22name_Mod%22:%22contains%22%7D");
    wf_query_reset(&q);
    assert_int_equal(wf_query_agg(&q, "hours", "median"), WF_ERR_INVALID);
    for (i = 0; i < (int)WF_MOD_COUNT; i++) {
        assert_true(wf_mod_parse(wf_mod_name((wf_mod)i), &m));
        assert_int_equal(m, i);
    }
    assert_false(wf_mod_parse("equals", &m));
    wf_query_free(&q);
}

static void test_updates_writer(void **st) {
    wf_updates u;
    char ctl[40], small[24];
    const char *json;
    size_t n, i;
    wf_doc *d = NULL;
    char back[64];
    (void)st;
    memset(&u, 0, sizeof u);
    for (i = 0; i < 31; i++) ctl[i] = (char)(i + 1);
    ctl[31] = 0;
    assert_int_equal(wf_updates_set_str(&u, "name", "q\"b\\s/\xe2\x80\xa8\xe2\x80\xa9\xe6\x97\xa5\xf0\x9f\x9a\x80"), WF_OK);
    assert_int_equal(wf_updates_set_str(&u, "ctl", ctl), WF_OK);
    assert_int_equal(wf_updates_set_int(&u, "n", -42), WF_OK);
    assert_int_equal(wf_updates_key(&u, "d"), WF_OK);
    assert_int_equal(wf_updates_double(&u, 0.1), WF_OK);
    assert_int_equal(wf_updates_key(&u, "dec"), WF_OK);
    assert_int_equal(wf_updates_decimal(&u, "12345678901234567890.123"), WF_OK);
    assert_int_equal(wf_updates_set_bool(&u, "b", true), WF_OK);
    assert_int_equal(wf_updates_set_null(&u, "z"), WF_OK);
    assert_int_equal(wf_updates_key(&u, "assignments"), WF_OK);
    assert_int_equal(wf_updates_begin_array(&u), WF_OK);
    assert_int_equal(wf_updates_begin_object(&u), WF_OK);
    assert_int_equal(wf_updates_set_str(&u, "assignedToID", "u1"), WF_OK);
    assert_int_equal(wf_updates_end_object(&u), WF_OK);
    assert_int_equal(wf_updates_raw(&u, "{\"roleID\":\"r1\"}", 15), WF_OK);
    assert_int_equal(wf_updates_end_array(&u), WF_OK);
    json = wf_updates_json(&u, &n);
    assert_non_null(json);
    assert_non_null(strstr(json, "\"name\":\"q\\\"b\\\\s/\\u2028\\u2029\xe6\x97\xa5\xf0\x9f\x9a\x80\""));
    assert_non_null(strstr(json, "\\u0001\\u0002"));
    assert_non_null(strstr(json, "\\n\\u000b\\u000c\\r"));
    assert_non_null(strstr(json, "\"d\":0.10000000000000001,\"dec\":12345678901234567890.123,\"b\":true,\"z\":null"));
    assert_non_null(strstr(json, "\"assignments\":[{\"assignedToID\":\"u1\"},{\"roleID\":\"r1\"}]}"));
    /* it parses back to the same strings */
    assert_int_equal(wf_doc_parse(json, n, NULL, &d), WF_OK);
    assert_int_equal(wf_json_str(wf_json_get(wf_doc_root(d), "ctl"), back, sizeof back, &n), WF_OK);
    assert_string_equal(back, ctl);
    wf_doc_free(d);
    /* refusals */
    wf_updates_reset(&u);
    assert_int_equal(wf_updates_set_str(&u, "bad", "\xff\xfe"), WF_ERR_INVALID);
    assert_non_null(strstr(u.error, "UTF-8"));
    assert_null(wf_updates_json(&u, NULL));
    wf_updates_reset(&u);
    assert_int_equal(wf_updates_string(&u, "top"), WF_OK);
    assert_int_equal(wf_updates_string(&u, "second"), WF_ERR_INVALID);
    wf_updates_reset(&u);
    assert_int_equal(wf_updates_begin_object(&u), WF_OK);
    assert_int_equal(wf_updates_int(&u, 1), WF_ERR_INVALID);   /* value without key */
    wf_updates_reset(&u);
    assert_int_equal(wf_updates_begin_array(&u), WF_OK);
    assert_int_equal(wf_updates_end_object(&u), WF_ERR_INVALID);
    wf_updates_reset(&u);
    assert_int_equal(wf_updates_begin_array(&u), WF_OK);
    assert_null(wf_updates_json(&u, NULL));                   /* still open */
    wf_updates_reset(&u);
    assert_int_equal(wf_updates_double(&u, 1.0 / 0.0), WF_ERR_RANGE);
    wf_updates_reset(&u);
    assert_int_equal(wf_updates_decimal(&u, "1e"), WF_ERR_INVALID);
    wf_updates_reset(&u);
    assert_int_equal(wf_updates_raw(&u, "{\"a\":1,}", 8), WF_ERR_INVALID);
    wf_updates_free(&u);
    /* a fixed buffer reports overflow and keeps a terminated prefix */
    wf_updates_init_buf(&u, small, sizeof small);
    assert_int_equal(wf_updates_set_str(&u, "name", "a long value that does not fit"), WF_ERR_TRUNCATED);
    assert_true(strlen(small) < sizeof small);
    wf_updates_free(&u);
}

static void test_redaction(void **st) {
    wf__buf b;
    const char *q = "username=ann&password=hunter2&apiKey=abc&fields=name&sessionID=s1&client_secret=cs";
    (void)st;
    memset(&b, 0, sizeof b);
    assert_true(wf__redact_query(NULL, &b, q, strlen(q)));
    assert_string_equal(b.p, "username=ann&password=<redacted>&apiKey=<redacted>&fields=name&sessionID=<redacted>&client_secret=<redacted>");
    wf__buf_free(NULL, &b);
}

/* ------------------------------------------------ client over memory */

/* A transport that answers from canned bytes, one byte per recv, and
   records what was sent. */
typedef struct mem_tr {
    const char *reply[4];
    int nreply, connects, conn_idx;
    size_t pos;
    bool step1;
    wf__buf sent;
} mem_tr;

static wf_result mem_connect(void *u, const char *host, int port, int t, wf_error *e) {
    mem_tr *m = (mem_tr *)u;
    (void)host; (void)port; (void)t; (void)e;
    m->connects++;
    m->pos = 0;
    return WF_OK;
}
static long mem_send(void *u, const unsigned char *b, size_t n, int t, wf_error *e) {
    mem_tr *m = (mem_tr *)u;
    (void)t; (void)e;
    wf__buf_add(NULL, &m->sent, b, n);
    return (long)n;
}
static long mem_recv(void *u, unsigned char *b, size_t cap, int t, wf_error *e) {
    mem_tr *m = (mem_tr *)u;
    const char *r = m->conn_idx < m->nreply ? m->reply[m->conn_idx] : "";
    size_t n = strlen(r) - m->pos;
    (void)e;
    if (t == 0) return -(long)WF_ERR_TIMEOUT; /* idle probe: still open */
    if (n == 0) return 0;
    if (m->step1 || n > cap) n = m->step1 ? 1 : cap;
    memcpy(b, r + m->pos, n);
    m->pos += n;
    return (long)n;
}
static void mem_close(void *u) { mem_tr *m = (mem_tr *)u; m->conn_idx++; m->pos = 0; }

static wf_client *mem_client_r(mem_tr *m, const wf_transport *tr, int retries) {
    wf_client_desc desc;
    wf_client *c = NULL;
    memset(&desc, 0, sizeof desc);
    desc.url = "http://wf.test";
    desc.transport = tr;
    desc.api_key = "SECRETKEY123";
    desc.max_retries = retries;
    desc.retry_base_ms = 10;
    assert_int_equal(wf_client_create(&desc, &c, NULL), WF_OK);
    (void)m;
    return c;
}

static wf_client *mem_client(mem_tr *m, const wf_transport *tr) { return mem_client_r(m, tr, -1); }

static void mem_setup(mem_tr *m, wf_transport *tr) {
    memset(m, 0, sizeof *m);
    m->step1 = true;
    tr->connect = mem_connect;
    tr->send = mem_send;
    tr->recv = mem_recv;
    tr->close = mem_close;
    tr->user = m;
}

static void test_client_over_memory(void **st) {
    mem_tr m;
    wf_transport tr;
    wf_client *c;
    wf_json data;
    (void)st;
    mem_setup(&m, &tr);
    m.reply[0] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "10\r\n{\"data\":[{\"name\"\r\nC;x=y\r\n:\"\\u65e5\"}]}\r\n0\r\nT: 1\r\n\r\n";
    m.nreply = 1;
    c = mem_client(&m, &tr);
    assert_int_equal(wf_search(c, "task", NULL, &data), WF_OK);
    assert_true(wf_json_eq(wf_json_path(data, "0:name"), "\xe6\x97\xa5"));
    assert_non_null(strstr(m.sent.p, "GET /attask/api/v22.0/task/search HTTP/1.1\r\n"));
    assert_non_null(strstr(m.sent.p, "\r\nHost: wf.test\r\n"));
    assert_non_null(strstr(m.sent.p, "\r\napiKey: SECRETKEY123\r\n"));
    assert_non_null(strstr(m.sent.p, "\r\nAccept-Encoding: identity\r\n"));
    wf_client_destroy(c);
    wf__buf_free(NULL, &m.sent);
}

static void expect_failure(const char *reply, wf_result want, int status, const char *in_text) {
    mem_tr m;
    wf_transport tr;
    wf_client *c;
    wf_json data;
    wf_result r;
    mem_setup(&m, &tr);
    m.reply[0] = reply;
    m.nreply = 1;
    c = mem_client(&m, &tr);
    r = wf_get(c, "task", "0123456789abcdef0123456789abcdef", NULL, &data);
    if (r != want) fail_msg("reply %.40s: got %s, want %s (%s)", reply, wf_result_str(r), wf_result_str(want), wf_client_error(c)->text);
    assert_int_equal(wf_client_error(c)->http_status, status);
    if (in_text) {
        char text[sizeof wf_client_error(c)->text];
        snprintf(text, sizeof text, "%s", wf_client_error(c)->text);
        if (!strstr(text, in_text)) fail_msg("error text \"%s\" lacks \"%s\"", text, in_text);
    }
    assert_null(strstr(wf_client_error(c)->text, "SECRETKEY123"));
    assert_false(wf_json_ok(data));
    wf_client_destroy(c);
    wf__buf_free(NULL, &m.sent);
}

static void test_client_failures(void **st) {
    (void)st;
    expect_failure("HTTP/1.1 200 OK\r\nContent-Length: 35\r\n\r\n{\"error\":{\"class\":\"X\",\"message\":1}}", WF_ERR_API, 200, "X");
    expect_failure("HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: 19\r\n\r\n<html>oops</html>\r\n",
                   WF_ERR_RESPONSE, 502, "<html>oops</html>");
    expect_failure("HTTP/1.1 200 OK\r\nContent-Length: 30\r\n\r\n{\"data\":{\"name\":\"cut", WF_ERR_HTTP, 200, "{\"data\":{\"name\":\"cut");
    expect_failure("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"data\":{\"name\":\"cut", WF_ERR_JSON, 200, "truncated");
    expect_failure("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n", WF_ERR_AUTH, 401, "401");
    expect_failure("HTTP/1.1 429 Too Many\r\nContent-Length: 4\r\n\r\nbusy", WF_ERR_THROTTLED, 429, "429");
    /* throttling whatever the body: an error envelope with 503 or 429, a data envelope */
    expect_failure("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 57\r\n\r\n{\"error\":{\"class\":\"X.Unavailable\",\"message\":\"try later\"}}",
                   WF_ERR_THROTTLED, 503, "try later");
    expect_failure("HTTP/1.1 429 Too Many\r\nContent-Length: 28\r\n\r\n{\"error\":{\"message\":\"slow\"}}", WF_ERR_THROTTLED, 429, "slow");
    expect_failure("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 11\r\n\r\n{\"data\":{}}", WF_ERR_THROTTLED, 503, "503");
    expect_failure("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\n\x1f\x8b\x08\x01", WF_ERR_ENCODING, 200, "gzip");
    expect_failure("", WF_ERR_CLOSED, 0, "without answering");
    expect_failure("SSH-2.0-OpenSSH\r\n", WF_ERR_HTTP, 0, "malformed");
    expect_failure("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", WF_ERR_RESPONSE, 200, "neither");
}

static void test_reused_connection_retry(void **st) {
    /* the server closed the kept-alive connection: a GET goes again on a new one */
    mem_tr m;
    wf_transport tr;
    wf_client *c;
    wf_json data;
    (void)st;
    mem_setup(&m, &tr);
    m.reply[0] = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{\"data\":1}\n";
    m.reply[1] = "";  /* the reused connection answers nothing */
    m.reply[2] = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{\"data\":2}";
    m.nreply = 3;
    c = mem_client(&m, &tr);
    assert_int_equal(wf_request(c, "GET", "task/count", NULL, NULL, &data), WF_OK);
    /* make the connection look reused: the first reply kept it alive */
    m.conn_idx = 1; m.pos = 0;
    assert_int_equal(wf_request(c, "GET", "task/count", NULL, NULL, &data), WF_OK);
    assert_true(wf_json_raw(data, NULL)[0] == '2');
    assert_int_equal(m.connects, 2);
    assert_int_equal(wf_client_error(c)->attempts, 2);
    wf_client_destroy(c);
    wf__buf_free(NULL, &m.sent);
}

static void test_write_not_replayed(void **st) {
    /* same situation with a POST: the request was accepted, so no replay */
    mem_tr m;
    wf_transport tr;
    wf_client *c;
    wf_json data;
    (void)st;
    mem_setup(&m, &tr);
    m.reply[0] = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{\"data\":1}";
    m.reply[1] = "";
    m.reply[2] = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{\"data\":2}";
    m.nreply = 3;
    c = mem_client(&m, &tr);
    assert_int_equal(wf_request(c, "GET", "task/count", NULL, NULL, &data), WF_OK);
    m.conn_idx = 1; m.pos = 0;
    assert_int_equal(wf_request(c, "POST", "task", NULL, NULL, &data), WF_ERR_CLOSED);
    assert_int_equal(m.connects, 1);
    assert_int_equal(wf_client_error(c)->attempts, 1);
    wf_client_destroy(c);
    wf__buf_free(NULL, &m.sent);
}

static void test_long_uri_fallback(void **st) {
    mem_tr m;
    wf_transport tr;
    wf_client *c;
    wf_json data;
    wf_query q;
    char *big = (char *)malloc(12001);
    (void)st;
    memset(big, 'x', 12000);
    big[12000] = 0;
    mem_setup(&m, &tr);
    m.step1 = false;
    m.reply[0] = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{\"data\":[]}";
    m.nreply = 1;
    c = mem_client(&m, &tr);
    memset(&q, 0, sizeof q);
    wf_query_add(&q, "name", big);
    assert_int_equal(wf_search(c, "task", &q, &data), WF_OK);
    assert_true(strncmp(m.sent.p, "POST /attask/api/v22.0/task/search HTTP/1.1\r\n", 45) == 0);
    assert_non_null(strstr(m.sent.p, "Content-Type: application/x-www-form-urlencoded\r\n"));
    assert_non_null(strstr(m.sent.p, "&method=GET"));
    assert_non_null(strstr(m.sent.p, "\r\n\r\nname=xxxx"));
    wf_query_free(&q);
    free(big);
    wf_client_destroy(c);
    wf__buf_free(NULL, &m.sent);
}

static void test_retry_throttled(void **st) {
    mem_tr m;
    wf_transport tr;
    wf_client *c;
    wf_json data;
    (void)st;
    /* 429 (Retry-After in seconds), 503 (as an HTTP date in the past), then success */
    mem_setup(&m, &tr);
    m.step1 = false;
    m.reply[0] = "HTTP/1.1 429 Too Many\r\nRetry-After: 0\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
    m.reply[1] = "HTTP/1.1 503 Busy\r\nRetry-After: Sun, 06 Nov 1994 08:49:37 GMT\r\nConnection: close\r\nContent-Length: 4\r\n\r\nbusy";
    m.reply[2] = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{\"data\":3}";
    m.nreply = 3;
    c = mem_client_r(&m, &tr, 3);
    assert_int_equal(wf_request(c, "GET", "task/count", NULL, NULL, &data), WF_OK);
    assert_int_equal(wf_client_error(c)->attempts, 3);
    assert_int_equal(m.connects, 3);
    wf_client_destroy(c);
    wf__buf_free(NULL, &m.sent);
    /* a write is never replayed on 429 */
    mem_setup(&m, &tr);
    m.step1 = false;
    m.reply[0] = "HTTP/1.1 429 Too Many\r\nRetry-After: 0\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
    m.reply[1] = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{\"data\":3}";
    m.nreply = 2;
    c = mem_client_r(&m, &tr, 3);
    assert_int_equal(wf_request(c, "POST", "task", NULL, NULL, &data), WF_ERR_THROTTLED);
    assert_int_equal(wf_client_error(c)->attempts, 1);
    assert_int_equal(wf_client_error(c)->http_status, 429);
    wf_client_destroy(c);
    wf__buf_free(NULL, &m.sent);
    /* retries are bounded: always 429 */
    mem_setup(&m, &tr);
    m.step1 = false;
    m.reply[0] = m.reply[1] = m.reply[2] = m.reply[3] = "HTTP/1.1 429 Too Many\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
    m.nreply = 4;
    c = mem_client_r(&m, &tr, 2);
    assert_int_equal(wf_request(c, "GET", "task/count", NULL, NULL, &data), WF_ERR_THROTTLED);
    assert_int_equal(wf_client_error(c)->attempts, 3);
    wf_client_destroy(c);
    wf__buf_free(NULL, &m.sent);
    assert_true(wf__retry_after_ms("120") == 120000);
    assert_true(wf__retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT") == 0);
    assert_true(wf__retry_after_ms("Fri, 01 Jan 2100 00:00:00 GMT") == 86400000LL);
    assert_true(wf__retry_after_ms("soon") == -1);
}

static void test_no_proxy_rules(void **st) {
    (void)st;
    assert_true(wf__no_proxy("localhost,.example.com", "api.example.com"));
    assert_true(wf__no_proxy("example.com", "example.com"));
    assert_true(wf__no_proxy("example.com", "a.example.com"));
    assert_false(wf__no_proxy("example.com", "badexample.com"));
    assert_true(wf__no_proxy("*", "anything"));
    assert_false(wf__no_proxy("", "x.example"));
    assert_true(wf__no_proxy(" 127.0.0.1 , other", "127.0.0.1"));
}

typedef struct seen_objs { int n; char names[8][32]; int stop_at; } seen_objs;

static bool on_obj(void *u, wf_json o) {
    seen_objs *so = (seen_objs *)u;
    if (so->n < 8) {
        if (wf_json_type_of(o) == WF_JSON_OBJECT) wf_json_str(wf_json_get(o, "name"), so->names[so->n], 32, NULL);
        else { size_t n; const char *raw = wf_json_raw(o, &n); snprintf(so->names[so->n], 32, "%.*s", (int)n, raw); }
    }
    so->n++;
    return so->n != so->stop_at;
}

static wf_result stream_reply(const char *reply, bool step1, seen_objs *so, long long *count, wf_client **out, mem_tr *m) {
    wf_transport tr;
    wf_client *c;
    wf_result r;
    mem_setup(m, &tr);
    m->step1 = step1;
    m->reply[0] = reply;
    m->nreply = 1;
    c = mem_client(m, &tr);
    r = wf_search_each(c, "task", NULL, on_obj, so, count);
    *out = c;
    return r;
}

static void test_search_streaming(void **st) {
    static const char *body = "{ \"data\" : [ {\"name\":\"a]b\\\"}\",\"x\":[1,{\"y\":\"}\"}]} ,\n"
                              "{\"name\":\"\\u65e5\"},{\"name\":\"third\"} ] }\n";
    char reply[512];
    int pass;
    (void)st;
    snprintf(reply, sizeof reply, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n%s", strlen(body), body);
    for (pass = 0; pass < 2; pass++) {
        seen_objs so;
        long long count = 0;
        mem_tr m;
        wf_client *c;
        memset(&so, 0, sizeof so);
        assert_int_equal(stream_reply(reply, pass == 0, &so, &count, &c, &m), WF_OK);
        assert_int_equal(count, 3);
        assert_string_equal(so.names[0], "a]b\"}");
        assert_string_equal(so.names[1], "\xe6\x97\xa5");
        assert_string_equal(so.names[2], "third");
        /* memory stayed at about one object, not the whole body */
        assert_true(wf_last_body(c, NULL) != NULL);
        wf_client_destroy(c);
        wf__buf_free(NULL, &m.sent);
    }
}

static void test_search_streaming_edges(void **st) {
    seen_objs so;
    long long count;
    mem_tr m;
    wf_client *c;
    (void)st;
    /* stop early: the callback says enough */
    memset(&so, 0, sizeof so);
    so.stop_at = 2;
    assert_int_equal(stream_reply("HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n{\"data\":[{\"name\":\"1\"},{\"name\":\"2\"},{}]}", true,
                                  &so, &count, &c, &m), WF_OK);
    assert_int_equal(count, 2);
    wf_client_destroy(c); wf__buf_free(NULL, &m.sent);
    /* an error envelope with HTTP 200 is reported, nothing handed over */
    memset(&so, 0, sizeof so);
    assert_int_equal(stream_reply("HTTP/1.1 200 OK\r\nContent-Length: 45\r\n\r\n{\"error\":{\"class\":\"X\",\"message\":\"bad field\"}}",
                                  true, &so, &count, &c, &m), WF_ERR_API);
    assert_int_equal(so.n, 0);
    assert_string_equal(wf_client_error(c)->message, "bad field");
    wf_client_destroy(c); wf__buf_free(NULL, &m.sent);
    /* empty array; primitives as elements */
    memset(&so, 0, sizeof so);
    assert_int_equal(stream_reply("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{\"data\":[]}", true, &so, &count, &c, &m), WF_OK);
    assert_int_equal(count, 0);
    wf_client_destroy(c); wf__buf_free(NULL, &m.sent);
    memset(&so, 0, sizeof so);
    assert_int_equal(stream_reply("HTTP/1.1 200 OK\r\nContent-Length: 25\r\n\r\n{\"data\":[1, \"s\" ,null,2]}", true, &so, &count, &c, &m), WF_OK);
    assert_int_equal(count, 4);
    assert_string_equal(so.names[0], "1");
    assert_string_equal(so.names[1], "\"s\"");
    assert_string_equal(so.names[3], "2");
    wf_client_destroy(c); wf__buf_free(NULL, &m.sent);
    /* truncated (connection closed) and malformed answers */
    memset(&so, 0, sizeof so);
    assert_int_equal(stream_reply("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"data\":[{\"name\":\"1\"},{\"na", true, &so, &count, &c, &m),
                     WF_ERR_JSON);
    assert_int_equal(count, 1);
    wf_client_destroy(c); wf__buf_free(NULL, &m.sent);
    memset(&so, 0, sizeof so);
    assert_int_equal(stream_reply("HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n{\"data\":[{},{},]}", true, &so, &count, &c, &m), WF_ERR_JSON);
    wf_client_destroy(c); wf__buf_free(NULL, &m.sent);
    memset(&so, 0, sizeof so);
    assert_int_equal(stream_reply("HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n{\"data\":[{\"a\":tru}]}", true, &so, &count, &c, &m), WF_ERR_JSON);
    wf_client_destroy(c); wf__buf_free(NULL, &m.sent);
    memset(&so, 0, sizeof so);
    assert_int_equal(stream_reply("HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\n{\"data\":[{}]}xx", true, &so, &count, &c, &m), WF_ERR_JSON);
    wf_client_destroy(c); wf__buf_free(NULL, &m.sent);
    /* a data object (map=true) falls back and is handed over as a whole */
    memset(&so, 0, sizeof so);
    assert_int_equal(stream_reply("HTTP/1.1 200 OK\r\nContent-Length: 18\r\n\r\n{\"data\":{\"k\":\"v\"}}", true, &so, &count, &c, &m), WF_ERR_RESPONSE);
    wf_client_destroy(c); wf__buf_free(NULL, &m.sent);
}

/* The streaming scanner skips string bodies a word at a time too: a quote,
   backslash or bracket in a name, at any offset, must neither end the
   object early nor late. */
static void test_search_streaming_word_scan(void **st) {
    static const char *const special[] = { "\\\"", "\\\\", "}", "]", "{", "[", ",", " " };
    static const char decoded[] = { '"', '\\', '}', ']', '{', '[', ',', ' ' };
    int len, k, sp, step;
    (void)st;
    for (len = 1; len <= 20; len++)
        for (k = 0; k < len; k++)
            for (sp = 0; sp < 8; sp++)
                for (step = 0; step < 2; step++) {
                    char name[64], want[32], body[160], reply[256];
                    seen_objs so;
                    long long count = 0;
                    mem_tr m;
                    wf_client *c;
                    memset(want, 'a', (size_t)len);
                    want[len] = 0;
                    want[k] = decoded[sp];
                    snprintf(name, sizeof name, "%.*s%s%.*s", k, want, special[sp], len - k - 1, want + k + 1);
                    snprintf(body, sizeof body, "{\"data\":[{\"name\":\"%s\",\"x\":[1]},{\"name\":\"z\"}]}", name);
                    snprintf(reply, sizeof reply, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n%s", strlen(body), body);
                    memset(&so, 0, sizeof so);
                    assert_int_equal(stream_reply(reply, step == 1, &so, &count, &c, &m), WF_OK);
                    assert_int_equal(count, 2);
                    assert_string_equal(so.names[0], want);
                    assert_string_equal(so.names[1], "z");
                    wf_client_destroy(c);
                    wf__buf_free(NULL, &m.sent);
                }
}

/* Streamed answers are tokenised by jsmn resuming over the bytes: what jsmn
   lets through (a stray ':' after an element, a key at array level, a
   missing comma) must still fail, fed whole and byte by byte. */
static void test_search_streaming_refuses(void **st) {
    static const char *const bodies[] = {
        "{\"data\":[{\"a\":1}:2]}",
        "{\"data\":[\"a\":1]}",
        "{\"data\":[{\"a\":1} {\"b\":2}]}",
        "{\"data\":[{\"a\":1},,{\"b\":2}]}",
        "{\"data\":[{\"a\" \"b\"}]}",
        "{\"data\":[{\"a\":\"\\ud800\"}]}",
        "{\"data\":[{\"a\":\"x\ty\"}]}",
        "{\"data\":[{\"a\":1}],\"more\":2}",
        "{\"data\":[{\"a\":1}]}{\"b\":2}",
    };
    size_t i;
    int step;
    (void)st;
    for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
        for (step = 0; step < 2; step++) {
            char reply[256];
            seen_objs so;
            long long count = 0;
            mem_tr m;
            wf_client *c;
            wf_result r;
            snprintf(reply, sizeof reply, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n%s", strlen(bodies[i]), bodies[i]);
            memset(&so, 0, sizeof so);
            r = stream_reply(reply, step == 1, &so, &count, &c, &m);
            if (r != WF_ERR_JSON) print_error("body %zu (%s), step %d: %s\n", i, bodies[i], step, wf_result_str(r));
            assert_int_equal(r, WF_ERR_JSON);
            wf_client_destroy(c);
            wf__buf_free(NULL, &m.sent);
        }
}

/* wf_json_write_raw: the source's own tokens, whitespace dropped, escapes kept. */
static void test_json_write_raw(void **st) {
    wf_doc *d = NULL;
    wf__buf out;
    const char *compact = "{\"a\":\"q\\\"b\\/\\u00e9\",\"n\":[1,2.5e3,true,null,{}]}";
    const char *spaced = " { \"a\" : \"q\\\"b\\/\\u00e9\" ,\n \"n\" :[ 1 , 2.5e3,true , null,{ } ] } ";
    (void)st;
    memset(&out, 0, sizeof out);
    assert_int_equal(parse(compact, &d), WF_OK);
    assert_int_equal(wf_json_write_raw(wf_doc_root(d), 0, sink_buf, &out), WF_OK);
    assert_string_equal(out.p, compact);
    wf_doc_free(d);
    out.len = 0;
    assert_int_equal(parse(spaced, &d), WF_OK);
    assert_int_equal(wf_json_write_raw(wf_doc_root(d), 0, sink_buf, &out), WF_OK);
    assert_string_equal(out.p, compact);
    out.len = 0;
    assert_int_equal(wf_json_write_raw(wf_json_get(wf_doc_root(d), "n"), 0, sink_buf, &out), WF_OK);
    assert_string_equal(out.p, "[1,2.5e3,true,null,{}]");
    out.len = 0;
    assert_int_equal(wf_json_write_raw(wf_doc_root(d), 2, sink_buf, &out), WF_OK);
    assert_string_equal(out.p, "{\n  \"a\": \"q\\\"b\\/\\u00e9\",\n  \"n\": [\n    1,\n    2.5e3,\n    true,\n    null,\n    {}\n  ]\n}");
    wf_doc_free(d);
    wf__buf_free(NULL, &out);
}

static void test_invalid_query_sends_nothing(void **st) {
    mem_tr m;
    wf_transport tr;
    wf_client *c;
    wf_json data;
    wf_query q;
    (void)st;
    mem_setup(&m, &tr);
    c = mem_client(&m, &tr);
    memset(&q, 0, sizeof q);
    wf_query_limit(&q, 0, 5000);
    assert_int_equal(wf_search(c, "task", &q, &data), WF_ERR_INVALID);
    assert_non_null(strstr(wf_client_error(c)->text, "2000"));
    assert_int_equal(m.connects, 0);
    assert_int_equal(m.sent.len, 0);
    wf_query_free(&q);
    wf_client_destroy(c);
}

static void log_collect(void *u, wf_log_level l, const char *line) {
    (void)l;
    wf__buf_adds(NULL, (wf__buf *)u, line);
    wf__buf_adds(NULL, (wf__buf *)u, "\n");
}

static void test_trace_is_redacted(void **st) {
    mem_tr m;
    wf_transport tr;
    wf_client_desc desc;
    wf_client *c = NULL;
    wf__buf log;
    (void)st;
    memset(&log, 0, sizeof log);
    mem_setup(&m, &tr);
    m.reply[0] = "HTTP/1.1 200 OK\r\nContent-Length: 51\r\n\r\n{\"data\":{\"sessionID\":\"SESS-XYZ-1\",\"userID\":\"u1\"}}\n\n";
    m.reply[1] = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{\"data\":[]}";
    m.nreply = 2;
    memset(&desc, 0, sizeof desc);
    desc.url = "http://wf.test";
    desc.transport = &tr;
    desc.api_key = "SECRETKEY123";
    desc.logger.fn = log_collect;
    desc.logger.user_data = &log;
    desc.logger.level = WF_LOG_TRACE;
    assert_int_equal(wf_client_create(&desc, &c, NULL), WF_OK);
    assert_int_equal(wf_login(c, "ann@example.com", "hunter2-PW"), WF_OK);
    assert_string_equal(wf_session_id(c), "SESS-XYZ-1");
    assert_string_equal(wf_user_id(c), "u1");
    m.conn_idx = 1; m.pos = 0; /* next reply on the same connection */
    {
        wf_query q;
        memset(&q, 0, sizeof q);
        wf_query_add(&q, "apiKey", "SECRETKEY123");
        wf_query_add(&q, "sessionID", "SESS-XYZ-1");
        wf_search(c, "task", &q, NULL);
        wf_query_free(&q);
    }
    assert_non_null(log.p);
    assert_null(strstr(log.p, "SECRETKEY123"));
    assert_null(strstr(log.p, "hunter2-PW"));
    assert_null(strstr(log.p, "SESS-XYZ-1"));
    assert_non_null(strstr(log.p, "<redacted>"));
    assert_non_null(strstr(log.p, "username=ann@example.com"));
    /* the password went in the body, never in the request line */
    assert_non_null(strstr(m.sent.p, "POST /attask/api/v22.0/login HTTP/1.1\r\n"));
    wf_client_destroy(c);
    wf__buf_free(NULL, &m.sent);
    wf__buf_free(NULL, &log);
}

/* Inputs the fuzz targets found (tests/fuzz/corpus/regression/), as unit
   tests of the parsers involved. */
static void test_fuzz_regressions(void **st) {
    wf_doc *d = NULL;
    long long i = 0;
    char enc[8];
    (void)st;
    /* fuzz_json/int-float-cast-overflow: an integral double out of range */
    assert_int_equal(wf_doc_parse("[1e300,-1e300,1e3,1e999]", 24, NULL, &d), WF_OK);
    assert_int_equal(wf_json_int(wf_json_at(wf_doc_root(d), 0), &i), WF_ERR_RANGE);
    assert_int_equal(wf_json_int(wf_json_at(wf_doc_root(d), 1), &i), WF_ERR_RANGE);
    assert_int_equal(wf_json_int(wf_json_at(wf_doc_root(d), 2), &i), WF_OK);
    assert_true(i == 1000);
    assert_int_equal(wf_json_int(wf_json_at(wf_doc_root(d), 3), &i), WF_ERR_RANGE);
    wf_doc_free(d);
    /* fuzz_query/url-encode-gap: a truncated encoding is a prefix, no hole */
    memset(enc, '#', sizeof enc);
    assert_int_equal(wf_url_encode("0\x9a", 2, enc, 3), 4);
    assert_string_equal(enc, "0");
    assert_int_equal(wf_url_encode("\x9a" "ab", 3, enc, 3), 5);
    assert_string_equal(enc, "");
    assert_int_equal(wf_url_encode("\x9a" "ab", 3, enc, 5), 5);
    assert_string_equal(enc, "%9Aa");
    /* fuzz_updates/json-after-failed-close: no room for the implicit '}' */
    {
        char small[9];
        wf_updates u;
        wf_updates_init_buf(&u, small, sizeof small);
        assert_int_equal(wf_updates_set_int(&u, "2\"", 0), WF_OK); /* {"2\"":0 */
        assert_null(wf_updates_json(&u, NULL));
        assert_int_equal(u.result, WF_ERR_TRUNCATED);
        assert_null(wf_updates_json(&u, NULL));
    }
    /* fuzz_url: a base URL path goes into request lines as it is */
    base_of("http://wf.example/x HTTP/1.1\r\nX-Injected: yes\r\nX-Rest:", NULL, NULL, NULL, NULL);
    base_of(NULL, "acme", "{protocol}://{domain}.preview.workfront.com/att15.\xda\xd0pi/{api_version}", NULL, NULL);
    base_of("http://[a@b]/", NULL, NULL, NULL, NULL);
    /* fuzz_url/attask-trailing-slash: ".../attask/" is not doubled */
    base_of("http://[::1]/attask/", NULL, NULL, "v19.0", "http://[::1]/attask/api/v19.0");
    base_of("https://x.example/attask", NULL, NULL, NULL, "https://x.example/attask/api/v22.0");
    /* fuzz_url/password-in-error-text: userinfo is not repeated in the error */
    {
        wf_client_desc desc;
        wf_client *c = NULL;
        wf_error e;
        memset(&desc, 0, sizeof desc);
        desc.url = "ftp://user:s3cret-pw@files.example.com";
        assert_int_equal(wf_client_create(&desc, &c, &e), WF_ERR_URL);
        assert_null(strstr(e.text, "s3cret-pw"));
        assert_non_null(strstr(e.text, "ftp://***@files.example.com"));
        desc.url = "http://us\x01r:s3cret-pw@files.example.com";
        assert_int_not_equal(wf_client_create(&desc, &c, &e), WF_OK);
        assert_null(strstr(e.text, "s3cret-pw"));
        /* fuzz_url/proxy-at-in-path: an '@' after the proxy's host is no userinfo */
        memset(&desc, 0, sizeof desc);
        desc.url = "http://wf.test";
        desc.no_env_proxy = true;
        desc.proxy = "ohttp/:/user:secret@proxy.example:3128";
        assert_int_equal(wf_client_create(&desc, &c, &e), WF_OK);
        assert_null(c->conn.proxy_auth);
        wf_client_destroy(c);
        desc.proxy = "http://user:p@ss@proxy.example:3128/";
        assert_int_equal(wf_client_create(&desc, &c, &e), WF_OK);
        assert_non_null(c->conn.proxy_auth);
        assert_string_equal(c->conn.proxy.host, "proxy.example");
        wf_client_destroy(c);
    }
    /* fuzz_client/login-sessionid-crlf: a sessionID that would inject a header */
    {
        mem_tr m;
        wf_transport tr;
        wf_client *c;
        mem_setup(&m, &tr);
        m.reply[0] = "HTTP/1.1 200 OK\r\nContent-Length: 55\r\n\r\n"
                     "{\"data\":{\"userID\":\"u1\",\"sessionID\":\"abc\\r\\nX-Evil: 1\"}}";
        m.nreply = 1;
        c = mem_client(&m, &tr);
        assert_int_equal(wf_login(c, "ann", "pw"), WF_ERR_RESPONSE);
        assert_null(wf_session_id(c));
        wf_client_destroy(c);
        wf__buf_free(NULL, &m.sent);
    }
}

int main(int argc, char **argv) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_http_whole),
        cmocka_unit_test(test_fuzz_regressions),
        cmocka_unit_test(test_http_every_split),
        cmocka_unit_test(test_http_byte_at_a_time),
        cmocka_unit_test(test_http_headers_and_leftover),
        cmocka_unit_test(test_http_huge_head_refused),
        cmocka_unit_test(test_json_rejects_what_jsmn_lets_through),
        cmocka_unit_test(test_json_accepts_valid),
        cmocka_unit_test(test_json_word_scan),
        cmocka_unit_test(test_json_unescape),
        cmocka_unit_test(test_json_views),
        cmocka_unit_test(test_json_long_escaped_key),
        cmocka_unit_test(test_json_write_roundtrip),
        cmocka_unit_test(test_json_token_growth),
        cmocka_unit_test(test_envelope),
        cmocka_unit_test(test_base_urls),
        cmocka_unit_test(test_query_encoding),
        cmocka_unit_test(test_query_refusals),
        cmocka_unit_test(test_query_builders),
        cmocka_unit_test(test_updates_writer),
        cmocka_unit_test(test_redaction),
        cmocka_unit_test(test_client_over_memory),
        cmocka_unit_test(test_client_failures),
        cmocka_unit_test(test_reused_connection_retry),
        cmocka_unit_test(test_write_not_replayed),
        cmocka_unit_test(test_long_uri_fallback),
        cmocka_unit_test(test_retry_throttled),
        cmocka_unit_test(test_no_proxy_rules),
        cmocka_unit_test(test_search_streaming),
        cmocka_unit_test(test_search_streaming_edges),
        cmocka_unit_test(test_search_streaming_word_scan),
        cmocka_unit_test(test_search_streaming_refuses),
        cmocka_unit_test(test_json_write_raw),
        cmocka_unit_test(test_invalid_query_sends_nothing),
        cmocka_unit_test(test_trace_is_redacted),
    };
    return WFH_RUN("unit", tests, NULL, NULL, argc, argv);
}
