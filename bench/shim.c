/* bench/shim.c - LD_PRELOAD probe for the instrumented bench run.

   Counts, for the whole process, whatever the client is written in:
     - bytes read from / written to TCP sockets (AF_INET/AF_INET6), i.e. the
       wire bytes under TLS, through read/recv/recvfrom/recvmsg/readv and
       write/send/sendto/sendmsg/writev;
     - with -DSHIM_HEAP: the peak of live malloc'd bytes (malloc_usable_size),
       through malloc/calloc/realloc/free/memalign/posix_memalign/aligned_alloc.
   At exit it writes one JSON line to the file named by $BENCH_SHIM_OUT.

   It is only loaded for the extra instrumented run: the timed runs carry no
   probe at all, so the per-call fstat() here never shows in their CPU time. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static atomic_llong net_in, net_out;

static int is_inet(int fd) {
    struct stat st;
    int dom = 0;
    socklen_t l = sizeof dom;
    int e = errno, r;
    r = fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode) && getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &l) == 0 &&
        (dom == AF_INET || dom == AF_INET6);
    errno = e;
    return r;
}

#define NEXT(name) static __typeof__(name) *real_##name; if (!real_##name) real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

ssize_t read(int fd, void *b, size_t n) {
    ssize_t r;
    NEXT(read);
    r = real_read(fd, b, n);
    if (r > 0 && is_inet(fd)) atomic_fetch_add(&net_in, r);
    return r;
}
ssize_t recv(int fd, void *b, size_t n, int f) {
    ssize_t r;
    NEXT(recv);
    r = real_recv(fd, b, n, f);
    if (r > 0 && !(f & MSG_PEEK) && is_inet(fd)) atomic_fetch_add(&net_in, r);
    return r;
}
ssize_t recvfrom(int fd, void *b, size_t n, int f, struct sockaddr *a, socklen_t *al) {
    ssize_t r;
    NEXT(recvfrom);
    r = real_recvfrom(fd, b, n, f, a, al);
    if (r > 0 && !(f & MSG_PEEK) && is_inet(fd)) atomic_fetch_add(&net_in, r);
    return r;
}
ssize_t recvmsg(int fd, struct msghdr *m, int f) {
    ssize_t r;
    NEXT(recvmsg);
    r = real_recvmsg(fd, m, f);
    if (r > 0 && !(f & MSG_PEEK) && is_inet(fd)) atomic_fetch_add(&net_in, r);
    return r;
}
ssize_t readv(int fd, const struct iovec *v, int c) {
    ssize_t r;
    NEXT(readv);
    r = real_readv(fd, v, c);
    if (r > 0 && is_inet(fd)) atomic_fetch_add(&net_in, r);
    return r;
}
ssize_t write(int fd, const void *b, size_t n) {
    ssize_t r;
    NEXT(write);
    r = real_write(fd, b, n);
    if (r > 0 && is_inet(fd)) atomic_fetch_add(&net_out, r);
    return r;
}
ssize_t send(int fd, const void *b, size_t n, int f) {
    ssize_t r;
    NEXT(send);
    r = real_send(fd, b, n, f);
    if (r > 0 && is_inet(fd)) atomic_fetch_add(&net_out, r);
    return r;
}
ssize_t sendto(int fd, const void *b, size_t n, int f, const struct sockaddr *a, socklen_t al) {
    ssize_t r;
    NEXT(sendto);
    r = real_sendto(fd, b, n, f, a, al);
    if (r > 0 && is_inet(fd)) atomic_fetch_add(&net_out, r);
    return r;
}
ssize_t sendmsg(int fd, const struct msghdr *m, int f) {
    ssize_t r;
    NEXT(sendmsg);
    r = real_sendmsg(fd, m, f);
    if (r > 0 && is_inet(fd)) atomic_fetch_add(&net_out, r);
    return r;
}
ssize_t writev(int fd, const struct iovec *v, int c) {
    ssize_t r;
    NEXT(writev);
    r = real_writev(fd, v, c);
    if (r > 0 && is_inet(fd)) atomic_fetch_add(&net_out, r);
    return r;
}

#ifdef SHIM_HEAP
/* glibc's own entry points: no dlsym bootstrap problem. */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);

static atomic_llong heap_cur, heap_peak, heap_allocs;

static void heap_add(void *p) {
    long long n, cur, pk;
    if (!p) return;
    n = (long long)malloc_usable_size(p);
    cur = atomic_fetch_add(&heap_cur, n) + n;
    atomic_fetch_add(&heap_allocs, 1);
    pk = atomic_load(&heap_peak);
    while (cur > pk && !atomic_compare_exchange_weak(&heap_peak, &pk, cur)) {}
}
static void heap_sub(void *p) {
    if (p) atomic_fetch_sub(&heap_cur, (long long)malloc_usable_size(p));
}
void *malloc(size_t n) { void *p = __libc_malloc(n); heap_add(p); return p; }
void *calloc(size_t a, size_t b) { void *p = __libc_calloc(a, b); heap_add(p); return p; }
void free(void *p) { heap_sub(p); __libc_free(p); }
void *realloc(void *p, size_t n) {
    long long old = p ? (long long)malloc_usable_size(p) : 0;
    void *q = __libc_realloc(p, n);
    if (q || n == 0) {
        atomic_fetch_sub(&heap_cur, old);
        if (q) { atomic_fetch_sub(&heap_allocs, p ? 1 : 0); heap_add(q); }
    }
    return q;
}
void *memalign(size_t al, size_t n) { void *p = __libc_memalign(al, n); heap_add(p); return p; }
void *aligned_alloc(size_t al, size_t n) { return memalign(al, n); }
int posix_memalign(void **out, size_t al, size_t n) {
    void *p;
    if (al < sizeof(void *) || (al & (al - 1))) return EINVAL;
    p = memalign(al, n);
    if (!p && n) return ENOMEM;
    *out = p;
    return 0;
}
void *valloc(size_t n) { return memalign((size_t)sysconf(_SC_PAGESIZE), n); }
#endif

__attribute__((destructor)) static void shim_report(void) {
    const char *path = getenv("BENCH_SHIM_OUT");
    char line[256];
    int fd, n;
    if (!path || !*path) return;
#ifdef SHIM_HEAP
    n = snprintf(line, sizeof line, "{\"pid\":%d,\"net_in\":%lld,\"net_out\":%lld,\"heap_peak\":%lld,\"heap_allocs\":%lld}\n",
                 (int)getpid(), (long long)net_in, (long long)net_out, (long long)heap_peak, (long long)heap_allocs);
#else
    n = snprintf(line, sizeof line, "{\"pid\":%d,\"net_in\":%lld,\"net_out\":%lld}\n", (int)getpid(),
                 (long long)net_in, (long long)net_out);
#endif
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
        NEXT(write);
        if (real_write(fd, line, (size_t)n) < 0) {}
        close(fd);
    }
}
