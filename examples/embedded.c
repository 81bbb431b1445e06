/* examples/embedded.c - workfront.h as a device uses it: memory from a fixed
 * arena, the network through its own transport, no files.
 *
 *   WF_URL=https://127.0.0.1:8443 WF_API_KEY=... WF_CA_PEM="$(cat ca.pem)" ./embedded
 *
 * 1. Memory: every allocation of the client goes to desc.allocator, here a
 *    first-fit arena in a static array (no malloc).  mbedTLS allocates on its
 *    own; when it is built with MBEDTLS_PLATFORM_MEMORY (the musl build of
 *    `make static-musl` is) the same arena serves it too.
 * 2. Network: desc.transport replaces the built-in TCP code.  This one wraps
 *    POSIX sockets to show the contract; on a device it would call lwIP, a
 *    modem's AT socket API, etc.  TLS runs on top of it unchanged.
 * 3. Trust: the CA certificate is PEM text in memory (desc.ca_pem) and the
 *    system bundle is not read (desc.no_system_ca).  On a device the PEM
 *    would be a const array in flash; here it comes from WF_CA_PEM.
 *
 * 4. Platform: here POSIX.  On an RTOS or bare metal the same program is
 *    compiled with the platform macros (WF_NO_SOCKETS, WF_NO_FILES,
 *    WF_NOW_MS, WF_SLEEP_MS, WF_TIME_S, WF_ENTROPY_SOURCE: README,
 *    "Porting"); tests/firmware/ is its bare-metal twin, which make cross
 *    runs on a Cortex-M4 under qemu.
 *
 * Prints three users, then the arena's peak use and the bytes moved.
 * Build: cc -std=c99 embedded.c $(pkg-config --cflags --libs workfront)
 */
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#if defined(MBEDTLS_PLATFORM_MEMORY)
#  include <mbedtls/platform.h>
#endif

/* ------------------------------------------------------------------ arena
   Blocks are [16-byte header | payload], payload sizes rounded to 16.
   Free blocks are merged with the free blocks after them when searched. */
#define ARENA_SIZE (512u * 1024u)
#define HDR 16u
typedef struct { size_t size, used; } block;  /* size includes the header */
static union { unsigned char bytes[ARENA_SIZE]; long double ld; void *p; long long ll; } arena_mem;
static size_t arena_in_use, arena_peak, arena_fails;

static void *arena_alloc(size_t n, void *user) {
    unsigned char *p = arena_mem.bytes, *end = p + ARENA_SIZE;
    (void)user;
    if (((block *)p)->size == 0) { ((block *)p)->size = ARENA_SIZE; ((block *)p)->used = 0; }
    if (n > ARENA_SIZE) { arena_fails++; return NULL; }
    n = (n + 15u) & ~(size_t)15u;
    for (; p < end; p += ((block *)p)->size) {
        block *b = (block *)p;
        if (b->used) continue;
        while (p + b->size < end && !((block *)(p + b->size))->used) b->size += ((block *)(p + b->size))->size;
        if (b->size < HDR + n) continue;
        if (b->size >= 2 * HDR + n + 16) {  /* split off the rest */
            block *rest = (block *)(p + HDR + n);
            rest->size = b->size - HDR - n;
            rest->used = 0;
            b->size = HDR + n;
        }
        b->used = 1;
        arena_in_use += b->size;
        if (arena_in_use > arena_peak) arena_peak = arena_in_use;
        return p + HDR;
    }
    arena_fails++;
    return NULL;  /* the library reports WF_ERR_NOMEM */
}

static void arena_free(void *ptr, void *user) {
    block *b;
    (void)user;
    if (!ptr) return;
    b = (block *)((unsigned char *)ptr - HDR);
    b->used = 0;
    arena_in_use -= b->size;
}

#if defined(MBEDTLS_PLATFORM_MEMORY)
static void *arena_calloc(size_t n, size_t size) {  /* mbedTLS wants calloc */
    void *p = size && n > (size_t)-1 / size ? NULL : arena_alloc(n * size, NULL);
    if (p) memset(p, 0, n * size);
    return p;
}
static void arena_release(void *ptr) { arena_free(ptr, NULL); }
#endif

/* -------------------------------------------------------------- transport
   The contract (see wf_transport in workfront.h): send/recv return a byte
   count (recv: 0 = end of stream) or a negated wf_result; a timeout of 0 ms
   means "do not wait".  The error record gets a readable text. */
typedef struct { int fd; unsigned long long sent, received; } sock_transport;

static int wait_for(int fd, short events, int timeout_ms) {
    struct pollfd p;
    int r;
    p.fd = fd;
    p.events = events;
    p.revents = 0;
    do { r = poll(&p, 1, timeout_ms); } while (r < 0 && errno == EINTR);
    return r;  /* > 0 ready, 0 timed out, < 0 error */
}

static wf_result sock_connect(void *user, const char *host, int port, int timeout_ms, wf_error *err) {
    sock_transport *t = (sock_transport *)user;
    struct addrinfo hints, *res = NULL, *ai;
    struct timeval tv;
    char service[16];
    int rc;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(service, sizeof service, "%d", port);
    if ((rc = getaddrinfo(host, service, &hints, &res)) != 0) {
        snprintf(err->text, sizeof err->text, "cannot resolve %s: %s", host, gai_strerror(rc));
        return WF_ERR_DNS;
    }
    /* Linux bounds a blocking connect() by SO_SNDTIMEO */
    tv.tv_sec = timeout_ms / 1000;
    tv.tv_usec = (timeout_ms % 1000) * 1000;
    t->fd = -1;
    for (ai = res; ai && t->fd < 0; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) continue;
        (void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) t->fd = fd;
        else { err->sys_errno = errno; close(fd); }
    }
    freeaddrinfo(res);
    if (t->fd >= 0) return WF_OK;
    snprintf(err->text, sizeof err->text, "cannot connect to %s port %d: %s", host, port, strerror(err->sys_errno));
    return err->sys_errno == EINPROGRESS || err->sys_errno == EAGAIN ? WF_ERR_TIMEOUT : WF_ERR_CONNECT;
}

static long sock_send(void *user, const unsigned char *buf, size_t len, int timeout_ms, wf_error *err) {
    sock_transport *t = (sock_transport *)user;
    ssize_t n;
    int r = wait_for(t->fd, POLLOUT, timeout_ms);
    if (r == 0) return -(long)WF_ERR_TIMEOUT;
    n = r < 0 ? -1 : send(t->fd, buf, len, MSG_NOSIGNAL);  /* no SIGPIPE on a closed peer */
    if (n < 0) {
        err->sys_errno = errno;
        snprintf(err->text, sizeof err->text, "send: %s", strerror(errno));
        return -(long)WF_ERR_IO;
    }
    t->sent += (unsigned long long)n;
    return (long)n;
}

static long sock_recv(void *user, unsigned char *buf, size_t cap, int timeout_ms, wf_error *err) {
    sock_transport *t = (sock_transport *)user;
    ssize_t n;
    int r = wait_for(t->fd, POLLIN, timeout_ms);
    if (r == 0) return -(long)WF_ERR_TIMEOUT;
    n = r < 0 ? -1 : recv(t->fd, buf, cap, 0);
    if (n < 0) {
        err->sys_errno = errno;
        snprintf(err->text, sizeof err->text, "recv: %s", strerror(errno));
        return -(long)(errno == ECONNRESET ? WF_ERR_CLOSED : WF_ERR_IO);
    }
    t->received += (unsigned long long)n;
    return (long)n;  /* 0: the peer closed the connection */
}

static void sock_close(void *user) {
    sock_transport *t = (sock_transport *)user;
    if (t->fd >= 0) close(t->fd);
    t->fd = -1;
}

/* ------------------------------------------------------------------- main */
int main(void) {
    sock_transport sock = { -1, 0, 0 };
    wf_transport tr;
    wf_client_desc desc = {0};
    wf_client *c = NULL;
    wf_error err;
    wf_query q;
    char qbuf[256];   /* a query in a caller buffer: no allocation at all */
    wf_json users, u;
    int rc = 1;

#if defined(MBEDTLS_PLATFORM_MEMORY)
    mbedtls_platform_set_calloc_free(arena_calloc, arena_release);  /* process-global */
#endif
    tr.connect = sock_connect;
    tr.send = sock_send;
    tr.recv = sock_recv;
    tr.close = sock_close;
    tr.user = &sock;

    desc.url = getenv("WF_URL");
    desc.api_key = getenv("WF_API_KEY");
    desc.ca_pem = getenv("WF_CA_PEM");   /* PEM text, not a path */
    desc.no_system_ca = true;            /* never read /etc/ssl/certs */
    desc.transport = &tr;
    desc.allocator.alloc_fn = arena_alloc;
    desc.allocator.free_fn = arena_free;
    desc.timeout_ms = 15000;
    desc.no_env_proxy = true;
    desc.max_response_bytes = 128 * 1024; /* a device knows its limits */
    if (!desc.ca_pem && desc.url && strncmp(desc.url, "https:", 6) == 0) {
        fprintf(stderr, "embedded: https needs WF_CA_PEM, the CA certificate as PEM text (no system bundle here)\n");
        return 2;
    }
    if (wf_client_create(&desc, &c, &err) != WF_OK) {
        fprintf(stderr, "embedded: %s\n", err.text);
        return 1;
    }

    wf_query_init_buf(&q, qbuf, sizeof qbuf);
    wf_query_fields(&q, "name,emailAddr");
    wf_query_limit(&q, 0, 3);
    if (wf_search(c, "user", &q, &users) != WF_OK) {
        fprintf(stderr, "embedded: %s\n", wf_client_error(c)->text);
    } else {
        for (u = wf_json_first(users); wf_json_ok(u); u = wf_json_next(u)) {
            char name[128], email[128];
            wf_json_str(wf_json_get(u, "name"), name, sizeof name, NULL);
            wf_json_str(wf_json_get(u, "emailAddr"), email, sizeof email, NULL);
            printf("%s <%s>\n", name, email);
        }
        rc = 0;
    }
    wf_client_destroy(c);
    printf("arena: peak %zu of %u bytes, %zu in use after destroy, %zu refused; transport: %llu bytes sent, %llu received\n",
           arena_peak, ARENA_SIZE, arena_in_use, arena_fails, sock.sent, sock.received);
    return rc;
}
