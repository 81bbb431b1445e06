/* tests/firmware/record.c - records the firmware test's exchanges.
 *
 *   record URL OUT.h      e.g. record http://127.0.0.1:41234 build/cross/firmware/recording.h
 *
 * Runs tests/firmware/scenario.h on the host against the bundled test server
 * (tests/server/wfserver.py) through a transport that wraps TCP sockets and
 * keeps every byte sent and received, connection by connection.  When every
 * check of the scenario passes, it writes OUT.h: the URL, and the
 * request/response pairs as C arrays, which the firmware image replays
 * (tests/firmware/firmware.c).  `make cross` runs it at build time, so the
 * recording always matches the current header and server.
 * Exits 0 on success, 1 when a check failed or the server misbehaved.
 */
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#if defined(__GNUC__)
static void fw_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
static void fw_note(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("record: ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
}

/* The client's allocations go through this counter, as on the target. */
static size_t heap_in_use, heap_peak;
static void *count_alloc(size_t n, void *user) {
    size_t *p = (size_t *)malloc(n + sizeof(size_t) * 2);
    (void)user;
    if (!p) return NULL;
    p[0] = n;
    heap_in_use += n;
    if (heap_in_use > heap_peak) heap_peak = heap_in_use;
    return p + 2;
}
static void count_free(void *ptr, void *user) {
    size_t *p;
    (void)user;
    if (!ptr) return;
    p = (size_t *)ptr - 2;
    heap_in_use -= p[0];
    free(p);
}
static size_t fw_heap_peak(void) { return heap_peak; }

#include "scenario.h"

/* ------------------------------------------------------------- recording */
typedef struct exchange { int conn, eof; size_t req_off, req_len, resp_off, resp_len; } exchange;
typedef struct recorder {
    int fd, conn, nconn;
    unsigned char *bytes; size_t len, cap;
    exchange *ex; size_t nex, excap;
    int failed;
} recorder;

static int grow(void **p, size_t *cap, size_t need, size_t elem) {
    size_t ncap = *cap ? *cap : 256;
    void *np;
    if (need <= *cap) return 1;
    while (ncap < need) ncap *= 2;
    if (!(np = realloc(*p, ncap * elem))) return 0;
    *p = np;
    *cap = ncap;
    return 1;
}

static int put_bytes(recorder *r, const unsigned char *b, size_t n) {
    if (!grow((void **)&r->bytes, &r->cap, r->len + n, 1)) return 0;
    memcpy(r->bytes + r->len, b, n);
    r->len += n;
    return 1;
}

/* The exchange that bytes of this direction belong to: a request after any
   response bytes (or after the peer closed) opens the next exchange. */
static exchange *current(recorder *r, int request) {
    exchange *e = r->nex ? &r->ex[r->nex - 1] : NULL;
    if (e && e->conn == r->conn && !(request && (e->resp_len || e->eof))) return e;
    if (!request && e && e->conn == r->conn) return e;
    if (!grow((void **)&r->ex, &r->excap, r->nex + 1, sizeof *r->ex)) return NULL;
    e = &r->ex[r->nex++];
    memset(e, 0, sizeof *e);
    e->conn = r->conn;
    e->req_off = e->resp_off = r->len;
    return e;
}

static int wait_for(int fd, short events, int timeout_ms) {
    struct pollfd p;
    int rc;
    p.fd = fd;
    p.events = events;
    p.revents = 0;
    do { rc = poll(&p, 1, timeout_ms); } while (rc < 0 && errno == EINTR);
    return rc;
}

static wf_result rec_connect(void *user, const char *host, int port, int timeout_ms, wf_error *err) {
    recorder *r = (recorder *)user;
    struct addrinfo hints, *res = NULL, *ai;
    char service[16];
    (void)timeout_ms;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(service, sizeof service, "%d", port);
    if (getaddrinfo(host, service, &hints, &res) != 0) {
        snprintf(err->text, sizeof err->text, "record: cannot resolve %s", host);
        return WF_ERR_DNS;
    }
    r->fd = -1;
    for (ai = res; ai && r->fd < 0; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) r->fd = fd;
        else close(fd);
    }
    freeaddrinfo(res);
    if (r->fd < 0) {
        snprintf(err->text, sizeof err->text, "record: cannot connect to %s port %d", host, port);
        return WF_ERR_CONNECT;
    }
    r->conn = ++r->nconn;
    return WF_OK;
}

static long rec_send(void *user, const unsigned char *buf, size_t len, int timeout_ms, wf_error *err) {
    recorder *r = (recorder *)user;
    exchange *e;
    ssize_t n;
    int w = wait_for(r->fd, POLLOUT, timeout_ms);
    if (w == 0) return -(long)WF_ERR_TIMEOUT;
    n = w < 0 ? -1 : send(r->fd, buf, len, MSG_NOSIGNAL);
    if (n < 0) { snprintf(err->text, sizeof err->text, "record: send: %s", strerror(errno)); return -(long)WF_ERR_IO; }
    if (!(e = current(r, 1)) || !put_bytes(r, buf, (size_t)n)) { r->failed = 1; return -(long)WF_ERR_NOMEM; }
    if (e->req_len == 0) e->req_off = r->len - (size_t)n;
    e->req_len += (size_t)n;
    return (long)n;
}

static long rec_recv(void *user, unsigned char *buf, size_t cap, int timeout_ms, wf_error *err) {
    recorder *r = (recorder *)user;
    exchange *e;
    ssize_t n;
    int w = wait_for(r->fd, POLLIN, timeout_ms);
    if (w == 0) return -(long)WF_ERR_TIMEOUT;
    n = w < 0 ? -1 : recv(r->fd, buf, cap, 0);
    if (n < 0) { snprintf(err->text, sizeof err->text, "record: recv: %s", strerror(errno)); return -(long)WF_ERR_IO; }
    if (!(e = current(r, 0))) { r->failed = 1; return -(long)WF_ERR_NOMEM; }
    if (n == 0) { e->eof = 1; return 0; }
    if (e->resp_len == 0) e->resp_off = r->len;
    if (!put_bytes(r, buf, (size_t)n)) { r->failed = 1; return -(long)WF_ERR_NOMEM; }
    e->resp_len += (size_t)n;
    return (long)n;
}

static void rec_close(void *user) {
    recorder *r = (recorder *)user;
    if (r->fd >= 0) close(r->fd);
    r->fd = -1;
    r->conn = 0;
}

static int write_header(const recorder *r, const char *url, const char *path) {
    FILE *f = fopen(path, "w");
    size_t i;
    if (!f) { perror(path); return 0; }
    fprintf(f, "/* Recorded by tests/firmware/record.c from tests/server/wfserver.py:\n"
               "   %lu exchanges on %d connections, %lu bytes.  Generated; do not edit. */\n",
            (unsigned long)r->nex, r->nconn, (unsigned long)r->len);
    fprintf(f, "#define FW_REC_URL \"%s\"\n#define FW_REC_COUNT %lu\n", url, (unsigned long)r->nex);
    fprintf(f, "static const unsigned char fw_rec_bytes[%lu] = {", (unsigned long)(r->len ? r->len : 1));
    for (i = 0; i < r->len; i++) fprintf(f, "%s%u,", i % 24 ? "" : "\n", r->bytes[i]);
    if (!r->len) fputs("0", f);
    fputs("\n};\nstatic const fw_rec_exchange fw_rec[FW_REC_COUNT] = {\n", f);
    for (i = 0; i < r->nex; i++)
        fprintf(f, "    { %d, %d, %lu, %lu, %lu, %lu },\n", r->ex[i].conn, r->ex[i].eof,
                (unsigned long)r->ex[i].req_off, (unsigned long)r->ex[i].req_len,
                (unsigned long)r->ex[i].resp_off, (unsigned long)r->ex[i].resp_len);
    fputs("};\n", f);
    if (fclose(f) != 0) { perror(path); return 0; }
    return 1;
}

int main(int argc, char **argv) {
    recorder rec;
    wf_transport tr;
    wf_client_desc desc;
    wf_client *c = NULL;
    wf_error err;
    int failed;
    char tmp[1024];
    if (argc != 3) { fprintf(stderr, "usage: record URL OUT.h\n"); return 2; }
    memset(&rec, 0, sizeof rec);
    rec.fd = -1;
    memset(&desc, 0, sizeof desc);
    tr.connect = rec_connect;
    tr.send = rec_send;
    tr.recv = rec_recv;
    tr.close = rec_close;
    tr.user = &rec;
    desc.url = argv[1];
    desc.api_key = FW_API_KEY;
    desc.transport = &tr;
    desc.no_env_proxy = true;
    desc.max_retries = -1;     /* a retry would record a different sequence */
    desc.allocator.alloc_fn = count_alloc;
    desc.allocator.free_fn = count_free;
    if (wf_client_create(&desc, &c, &err) != WF_OK) { fprintf(stderr, "record: %s\n", err.text); return 1; }
    failed = fw_scenario(c);
    wf_client_destroy(c);
    if (failed || rec.failed) {
        fprintf(stderr, "record: %d checks failed against the live server; nothing written\n", failed);
        return 1;
    }
    if (heap_in_use != 0) { fprintf(stderr, "record: %lu bytes still allocated after destroy\n", (unsigned long)heap_in_use); return 1; }
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[2]);
    if (!write_header(&rec, argv[1], tmp) || rename(tmp, argv[2]) != 0) return 1;
    printf("record: %lu exchanges on %d connections (%lu bytes) -> %s\n",
           (unsigned long)rec.nex, rec.nconn, (unsigned long)rec.len, argv[2]);
    free(rec.bytes);
    free(rec.ex);
    return 0;
}
