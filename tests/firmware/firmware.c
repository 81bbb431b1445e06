/* tests/firmware/firmware.c - the firmware test image (Cortex-M4,
 * qemu-system-arm -M mps2-an386, semihosting output).
 *
 * Runs tests/firmware/scenario.h - create, get, edit, search, a paged
 * search, a 100-task search, delete - through an in-memory transport that
 * replays what tests/firmware/record.c recorded from the bundled test server
 * at build time (recording.h).  Every byte the library sends must equal the
 * recorded request; answers are handed out in 1460-byte segments (one TCP
 * segment, as lwIP delivers them).  Every check of the scenario runs here
 * again; any failure, a request that differs from the recording, an
 * exchange left over, or memory still allocated after wf_client_destroy
 * makes the image exit non-zero.
 *
 * Built with FW_TLS (and mbedTLS for the target) it is the TLS image: the
 * same scenario (http://, TLS linked but idle), then an https client whose
 * first request must produce a TLS ClientHello from the entropy hook
 * (WF_ENTROPY_SOURCE) and a clear error when that source fails.
 *
 * Prints "FW name=value" lines that make cross collects for the README's
 * platform table.
 */
#include "wf_port.h"
#include "workfront.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(FW_TLS)
#  include <mbedtls/platform.h>
#  include <mbedtls/platform_time.h>
#  include <psa/crypto.h>
#endif

static void fw_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fw_note(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("firmware: ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
}

/* -------------------------------------------------------------- the heap
   The client's allocator: malloc (newlib-nano) with a size header, so the
   bytes held at once can be counted.  The figures are bytes requested. */
typedef union { size_t n; long long ll; void *p; } fw_hdr;
static size_t heap_in_use, heap_peak;
static void *count_alloc(size_t n, void *user) {
    fw_hdr *h = (fw_hdr *)malloc(sizeof *h + n);
    (void)user;
    if (!h) return NULL;
    h->n = n;
    heap_in_use += n;
    if (heap_in_use > heap_peak) heap_peak = heap_in_use;
    return h + 1;
}
static void count_free(void *ptr, void *user) {
    fw_hdr *h;
    (void)user;
    if (!ptr) return;
    h = (fw_hdr *)ptr - 1;
    heap_in_use -= h->n;
    free(h);
}
static size_t fw_heap_peak(void) { return heap_peak; }

#include "scenario.h"

/* ------------------------------------------------------- the recording */
typedef struct fw_rec_exchange {
    int conn, eof;
    unsigned long req_off, req_len, resp_off, resp_len;
} fw_rec_exchange;
#include "recording.h"

#define FW_SEGMENT 1460

typedef struct replay {
    size_t cur;          /* exchange in progress */
    unsigned long sent;  /* request bytes matched so far */
    unsigned long got;   /* response bytes handed out */
    int conn;            /* recorded connection now open, 0: none */
    int mismatches;
    unsigned long long bytes_out, bytes_in;
} replay;

static int ex_done(const replay *r) {
    const fw_rec_exchange *e = &fw_rec[r->cur];
    return r->sent == e->req_len && r->got == e->resp_len;
}

static int replay_fail(replay *r, wf_error *err, const char *what) {
    r->mismatches++;
    fw_note("FAIL replay, exchange %u: %s", (unsigned)r->cur, what);
    if (err) snprintf(err->text, sizeof err->text, "replay: %s (exchange %u)", what, (unsigned)r->cur);
    return -(int)WF_ERR_IO;
}

static wf_result replay_connect(void *user, const char *host, int port, int timeout_ms, wf_error *err) {
    replay *r = (replay *)user;
    (void)host; (void)port; (void)timeout_ms;
    if (r->cur < FW_REC_COUNT && (r->sent || r->got) && ex_done(r)) { r->cur++; r->sent = r->got = 0; }
    if (r->cur >= FW_REC_COUNT) return (wf_result)-replay_fail(r, err, "a connection beyond the recording");
    if (r->sent || r->got) return (wf_result)-replay_fail(r, err, "a new connection in the middle of an exchange");
    if (fw_rec[r->cur].conn == r->conn) return (wf_result)-replay_fail(r, err, "a new connection where the recording reused one");
    r->conn = fw_rec[r->cur].conn;
    return WF_OK;
}

static long replay_send(void *user, const unsigned char *buf, size_t len, int timeout_ms, wf_error *err) {
    replay *r = (replay *)user;
    const fw_rec_exchange *e;
    (void)timeout_ms;
    if (r->cur < FW_REC_COUNT && r->sent == fw_rec[r->cur].req_len && r->got == fw_rec[r->cur].resp_len &&
        (r->sent || r->got)) { r->cur++; r->sent = r->got = 0; }
    if (r->cur >= FW_REC_COUNT) return replay_fail(r, err, "a request beyond the recording");
    e = &fw_rec[r->cur];
    if (e->conn != r->conn) return replay_fail(r, err, "a request on a connection the recording had left");
    if (r->got) return replay_fail(r, err, "request bytes after the answer began");
    if (len > e->req_len - r->sent) return replay_fail(r, err, "a longer request than recorded");
    if (memcmp(buf, fw_rec_bytes + e->req_off + r->sent, len) != 0) {
        size_t i = 0;
        char what[160];
        while (buf[i] == fw_rec_bytes[e->req_off + r->sent + i]) i++;
        snprintf(what, sizeof what, "request differs from the recording at byte %lu ('%.24s')",
                 (unsigned long)(r->sent + i), (const char *)fw_rec_bytes + e->req_off + r->sent + i);
        return replay_fail(r, err, what);
    }
    r->sent += len;
    r->bytes_out += len;
    return (long)len;
}

static long replay_recv(void *user, unsigned char *buf, size_t cap, int timeout_ms, wf_error *err) {
    replay *r = (replay *)user;
    const fw_rec_exchange *e;
    size_t n;
    (void)timeout_ms; (void)err;
    if (r->cur >= FW_REC_COUNT) return -(long)WF_ERR_TIMEOUT;
    e = &fw_rec[r->cur];
    if (e->conn != r->conn || r->sent < e->req_len) return -(long)WF_ERR_TIMEOUT; /* nothing due yet */
    if (r->got == e->resp_len) return e->eof ? 0 : -(long)WF_ERR_TIMEOUT;
    n = e->resp_len - r->got;
    if (n > cap) n = cap;
    if (n > FW_SEGMENT) n = FW_SEGMENT;
    memcpy(buf, fw_rec_bytes + e->resp_off + r->got, n);
    r->got += n;
    r->bytes_in += n;
    return (long)n;
}

static void replay_close(void *user) { ((replay *)user)->conn = 0; }

/* ----------------------------------------------------------------- TLS */
#if defined(FW_TLS)
#include "ca_pem.h"   /* FW_CA_PEM: the test server's CA, generated at build time */

/* QEMU's AN386 model has no TRNG.  This stands in for the device's hardware
   RNG in the test image only (a real port reads its TRNG here); fw_entropy_fail
   lets the image prove that a failing source stops TLS with a clear error. */
static int fw_entropy_calls, fw_entropy_fail;
static uint32_t fw_entropy_state = 0x9e3779b9u;
int fw_entropy(void *data, unsigned char *out, size_t len, size_t *olen) {
    size_t i;
    (void)data;
    fw_entropy_calls++;
    if (fw_entropy_fail) { *olen = 0; return -1; }
    for (i = 0; i < len; i++) {
        fw_entropy_state ^= fw_entropy_state << 13;
        fw_entropy_state ^= fw_entropy_state >> 17;
        fw_entropy_state ^= fw_entropy_state << 5;
        fw_entropy_state ^= (uint32_t)fw_now_ms();
        out[i] = (unsigned char)(fw_entropy_state >> 24);
    }
    *olen = len;
    return 0;
}

/* mbedTLS's hooks on this target (mk/cross/mbedtls-cortex-m4.h): PSA's
   random generator draws from the same source (MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG),
   and its millisecond clock is the board's tick (MBEDTLS_PLATFORM_MS_TIME_ALT). */
psa_status_t mbedtls_psa_external_get_random(mbedtls_psa_external_random_context_t *context, uint8_t *output,
                                             size_t output_size, size_t *output_length) {
    (void)context;
    return fw_entropy(NULL, output, output_size, output_length) == 0 ? PSA_SUCCESS : PSA_ERROR_INSUFFICIENT_ENTROPY;
}
mbedtls_ms_time_t mbedtls_ms_time(void) { return (mbedtls_ms_time_t)fw_now_ms(); }

/* mbedTLS's own allocations, counted apart (MBEDTLS_PLATFORM_MEMORY) */
static size_t tls_in_use, tls_peak;
static void *tls_calloc(size_t n, size_t size) {
    fw_hdr *h;
    if (size && n > ((size_t)-1 - sizeof *h) / size) return NULL;
    h = (fw_hdr *)calloc(1, sizeof *h + n * size);
    if (!h) return NULL;
    h->n = n * size;
    tls_in_use += h->n;
    if (tls_in_use > tls_peak) tls_peak = tls_in_use;
    return h + 1;
}
static void tls_free(void *ptr) {
    fw_hdr *h;
    if (!ptr) return;
    h = (fw_hdr *)ptr - 1;
    tls_in_use -= h->n;
    free(h);
}

/* A transport that keeps the ClientHello and then reports the peer gone. */
typedef struct hello { unsigned char head[64]; size_t len; int connects; } hello;
static wf_result hello_connect(void *user, const char *host, int port, int timeout_ms, wf_error *err) {
    (void)host; (void)port; (void)timeout_ms; (void)err;
    ((hello *)user)->connects++;
    return WF_OK;
}
static long hello_send(void *user, const unsigned char *buf, size_t len, int timeout_ms, wf_error *err) {
    hello *h = (hello *)user;
    size_t k = len < sizeof h->head - h->len ? len : sizeof h->head - h->len;
    (void)timeout_ms; (void)err;
    memcpy(h->head + h->len, buf, k);
    h->len += k;
    return (long)len;
}
static long hello_recv(void *user, unsigned char *buf, size_t cap, int timeout_ms, wf_error *err) {
    (void)user; (void)buf; (void)cap; (void)timeout_ms; (void)err;
    return 0;  /* the peer closed the connection */
}
static void hello_close(void *user) { (void)user; }

static int fw_tls_checks(void) {
    hello h;
    wf_transport tr;
    wf_client_desc desc;
    wf_client *c = NULL;
    wf_error err;
    wf_json data;
    wf_result r;
    fw_failed = 0;
    memset(&h, 0, sizeof h);
    tr.connect = hello_connect;
    tr.send = hello_send;
    tr.recv = hello_recv;
    tr.close = hello_close;
    tr.user = &h;
    memset(&desc, 0, sizeof desc);
    desc.url = "https://127.0.0.1:8443";
    desc.api_key = FW_API_KEY;
    desc.transport = &tr;
    desc.ca_pem = FW_CA_PEM;
    desc.no_system_ca = true;
    desc.max_retries = -1;
    desc.allocator.alloc_fn = count_alloc;
    desc.allocator.free_fn = count_free;
    heap_peak = heap_in_use;
    tls_peak = tls_in_use;
    r = wf_client_create(&desc, &c, &err);
    FW_CHECK(r == WF_OK, "an https client with the CA in memory");
    if (r != WF_OK) { fw_note("  %s", err.text); return 1; }
    r = wf_get(c, "task", "4c78821c0000d6fa8d5e52f07a1d54d1", "name", &data);
    FW_CHECK(h.connects == 1 && h.len >= 6 && h.head[0] == 0x16 && h.head[1] == 0x03 && h.head[5] == 0x01,
             "the first request sends a TLS ClientHello");
    FW_CHECK(fw_entropy_calls > 0, "the entropy hook seeded the DRBG");
    FW_CHECK(r != WF_OK && r != WF_ERR_INVALID, "a peer that closes during the handshake is an error");
    fw_note("  (%s)", wf_client_error(c)->text);
    wf_client_destroy(c);
    c = NULL;
    printf("FW tls_client_heap=%lu\nFW tls_heap_peak=%lu\n", (unsigned long)heap_peak, (unsigned long)tls_peak);

    /* a failing entropy source: a clear error, never a weak RNG */
    fw_entropy_fail = 1;
    memset(&h, 0, sizeof h);
    r = wf_client_create(&desc, &c, &err);
    if (r == WF_OK) {
        r = wf_get(c, "task", "4c78821c0000d6fa8d5e52f07a1d54d1", "name", &data);
        memcpy(&err, wf_client_error(c), sizeof err);
    }
    FW_CHECK(r != WF_OK && strstr(err.text, "entropy") != NULL, "a failing entropy source is named in the error");
    FW_CHECK(h.len == 0, "no TLS byte leaves without entropy");
    fw_note("  (%s)", err.text);
    wf_client_destroy(c);
    fw_entropy_fail = 0;
    return fw_failed;
}
#endif /* FW_TLS */

/* ---------------------------------------------------------------- main */
int main(void) {
    replay rp;
    wf_transport tr;
    wf_client_desc desc;
    wf_client *c = NULL;
    wf_error err;
    wf_result r;
    int failed = 0;

#if defined(FW_TLS)
    mbedtls_platform_set_calloc_free(tls_calloc, tls_free);
#endif
    fw_note("workfront.h %s, %s, Cortex-M4 (mps2-an386), %s", wf_version(), wf_tls_version(),
            "newlib-nano");
    memset(&rp, 0, sizeof rp);
    tr.connect = replay_connect;
    tr.send = replay_send;
    tr.recv = replay_recv;
    tr.close = replay_close;
    tr.user = &rp;
    memset(&desc, 0, sizeof desc);
    desc.url = FW_REC_URL;
    desc.api_key = FW_API_KEY;
    desc.no_env_proxy = true;
    desc.max_retries = -1;
    desc.allocator.alloc_fn = count_alloc;
    desc.allocator.free_fn = count_free;

    /* without sockets, a transport is required, and the error says so */
    r = wf_client_create(&desc, &c, &err);
    FW_CHECK(r == WF_ERR_INVALID && c == NULL && strstr(err.text, "transport") != NULL,
             "no sockets: wf_client_create without desc.transport is refused");
    if (r == WF_OK) wf_client_destroy(c);

    /* newlib-nano's printf has no floating point unless linked with
       -u _printf_float (this image is not): a double must then be refused
       with WF_ERR_UNSUPPORTED, never written as garbage or looped on.  The
       integers of the scenario ($$FIRST, $$LIMIT, priority) are formatted
       by the header itself: the replay compares them byte for byte. */
    {
        wf_updates u;
        char ubuf[64];
        const char *json;
        wf_updates_init_buf(&u, ubuf, sizeof ubuf);
        wf_updates_key(&u, "n");
        r = wf_updates_double(&u, 0.5);
        json = wf_updates_json(&u, NULL);
        FW_CHECK(r == WF_ERR_UNSUPPORTED && json == NULL, "a double without float printf: WF_ERR_UNSUPPORTED");
        wf_updates_init_buf(&u, ubuf, sizeof ubuf);
        wf_updates_set_int(&u, "n", -9007199254740993LL);
        json = wf_updates_json(&u, NULL);
        FW_CHECK(json && strcmp(json, "{\"n\":-9007199254740993}") == 0, "a 64-bit integer without %lld");
        failed += fw_failed;
        fw_failed = 0;
    }

    desc.transport = &tr;
    heap_in_use = heap_peak = 0;
    r = wf_client_create(&desc, &c, &err);
    if (r != WF_OK) {
        fw_note("FAIL wf_client_create: %s", err.text);
        fw_exit(1);
    }
    failed += fw_scenario(c);
    wf_client_destroy(c);
    if (!(rp.cur + 1 == FW_REC_COUNT && ex_done(&rp))) {
        fw_note("FAIL replay: stopped at exchange %u of %u", (unsigned)rp.cur + 1, (unsigned)FW_REC_COUNT);
        failed++;
    }
    if (rp.mismatches) failed++;
    if (heap_in_use != 0) {
        fw_note("FAIL %lu bytes still allocated after wf_client_destroy", (unsigned long)heap_in_use);
        failed++;
    }
    fw_note("replayed %u exchanges: %lu bytes sent, %lu received", (unsigned)FW_REC_COUNT,
            (unsigned long)rp.bytes_out, (unsigned long)rp.bytes_in);
#if defined(FW_TLS)
    failed += fw_tls_checks();
    if (tls_in_use != 0) {
        fw_note("FAIL mbedTLS holds %lu bytes after wf_client_destroy", (unsigned long)tls_in_use);
        failed++;
    }
#endif
    printf("FW heap_stream=%lu\nFW heap_page=%lu\nFW stack_peak=%lu\nFW failed=%d\n", (unsigned long)fw_heap_stream,
           (unsigned long)fw_heap_page, (unsigned long)fw_stack_peak(), failed);
    fw_note("%s", failed ? "FAILED" : "all checks passed");
    return failed ? 1 : 0;
}
