/* tests/harness.h - start/stop the Workfront test server for C tests.

   Header-only; include it after workfront.h (with or without
   WORKFRONT_IMPLEMENTATION) in a test file:

       wfh_server srv;
       if (wfh_server_start(&srv) != 0) ...        // tests/server/wfserver.py
       wf_client *c;
       wfh_client(&srv, WFH_HTTPS, WFH_ADMIN_API_KEY, &c);
       ...
       wfh_server_stop(&srv);

   How the server is found and started
   -----------------------------------
   The repository root is $WF_REPO_ROOT, else the current directory (make test
   runs from the root).  The server is `$PYTHON (default python3)
   ROOT/tests/server/wfserver.py --certs ROOT/build/certs --info TMP/info
   --quiet [args]` (TMP from mkdtemp), run as a child process with stdout
   on /dev/null and stderr inherited; it writes KEY=value lines and a final
   READY line to the info file (atomically).  wfh_server_start waits up to
   $WFH_START_TIMEOUT seconds (default 20) for READY, reads HTTP_PORT,
   HTTPS_PORT, WRONGHOST_PORT, EXPIRED_PORT and CA (any other KEY=value line
   is available through wfh_info()) and removes TMP again at once.
   wfh_server_start_args() appends arguments (e.g. --tasks 2500);
   $WFH_SERVER_ARGS (space separated) is appended as well, and
   $WFH_SERVER_VERBOSE=1 drops --quiet so the server logs to stderr.

   Stopping
   --------
   wfh_server_stop sends SIGTERM, waits up to 3 s, then SIGKILL, and reaps
   the child.  The server is also stopped when the test process ends some
   other way: an atexit handler, SIGABRT/SIGINT/SIGTERM/SIGHUP handlers, and
   (Linux) PR_SET_PDEATHSIG in the child, which covers _exit() paths such as
   a sanitizer report and SIGKILL.  (cmocka itself turns SIGSEGV and friends
   in a test into a failure and still runs the group teardown.)  The guards
   follow the most recently started server: start one at a time.

   Control endpoints
   -----------------
   The server's /__test/ endpoints need no authentication, are never shaped
   by the wire switches and are left out of the statistics (a connection
   whose first request is a control is not counted).  Use a separate
   control client (wfh_control_client); wfh_ctl() drops its connection after
   each call, so control traffic never shares a connection with anything.
*/
#ifndef WF_TEST_HARNESS_H
#define WF_TEST_HARNESS_H

#include "workfront.h"

/* Windows (make cross runs the unit tests under wine) gets the assertions,
   the counting allocator and the runner, but nothing that starts the server
   (fork, signals, sockets): there, the CLI tests talk to it. */
#if defined(_WIN32) && !defined(WFH_NO_SERVER)
#  define WFH_NO_SERVER
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifndef WFH_NO_SERVER
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#ifdef __linux__
#  include <sys/prctl.h>
#endif
#endif /* WFH_NO_SERVER */

#if defined(__GNUC__) || defined(__clang__)
#  define WFH_UNUSED __attribute__((unused))
#else
#  define WFH_UNUSED
#endif
#define WFH_FN static WFH_UNUSED

/* Credentials and fixed values of the test server (tests/server/wfconst.py). */
#define WFH_ADMIN_USERNAME "admin@test.example"
#define WFH_ADMIN_PASSWORD "s3cret-Pa55"
#define WFH_ADMIN_API_KEY  "adminapikey0123456789abcdef0000"
#define WFH_ADMIN_USER_ID  "4c76ed7a0000054c172b2c2d9f7f81c3"

enum { WFH_HTTP = 0, WFH_HTTPS = 1, WFH_WRONGHOST = 2, WFH_EXPIRED = 3 };

#ifndef WFH_NO_SERVER

#define WFH_PATH 1024
#define WFH_MAX_INFO 48

typedef struct wfh_server {
    pid_t pid;
    int http_port, https_port, wronghost_port, expired_port;
    char root[WFH_PATH / 2];  /* repository root (absolute) */
    char certs[WFH_PATH / 2 + 32]; /* ROOT/build/certs */
    char ca[WFH_PATH];        /* the test CA (from the CA= line) */
    char tmpdir[64];          /* mkdtemp directory holding the info file */
    char info_path[96];
    char url[4][64];          /* base URLs by WFH_HTTP .. WFH_EXPIRED */
    int ninfo;
    char info_key[WFH_MAX_INFO][64];
    char info_val[WFH_MAX_INFO][WFH_PATH];
} wfh_server;

/* ------------------------------------------------------------ small utils */

WFH_FN void wfh_log(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("[harness] ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

WFH_FN long long wfh_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

WFH_FN void wfh_sleep_ms(long ms) {
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

/* Reads a whole file into a malloc'd NUL-terminated buffer (NULL on error). */
WFH_FN char *wfh_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;
    if (!f) return NULL;
    for (;;) {
        size_t got;
        if (cap - n < 4096) {
            char *nb = (char *)realloc(buf, cap ? cap * 2 : 8192);
            if (!nb) { free(buf); fclose(f); return NULL; }
            buf = nb;
            cap = cap ? cap * 2 : 8192;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) break;
    }
    fclose(f);
    buf[n] = 0;
    if (len) *len = n;
    return buf;
}

/* ----------------------------------------------- the child and its guards */

static volatile pid_t wfh__child = 0;
static bool wfh__guards_installed = false;
static char wfh__child_tmpdir[64]; /* the running server's info directory */
static char wfh__child_files[2][96]; /* its info file and info.tmp, for the signal handler */

static void wfh__remove_tmpdir(const char *dir) {
    char path[128];
    if (strncmp(dir, "/tmp/wfh-", 9) != 0) return;
    snprintf(path, sizeof path, "%s/info", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/info.tmp", dir);
    unlink(path);
    rmdir(dir);
}

/* atexit: a test process that ends without wfh_server_stop */
static void wfh__kill_child(void) {
    pid_t p = wfh__child;
    if (p > 0) {
        kill(p, SIGKILL);
        (void)waitpid(p, NULL, 0);
        wfh__child = 0;
    }
    if (wfh__child_tmpdir[0]) wfh__remove_tmpdir(wfh__child_tmpdir);
    wfh__child_tmpdir[0] = 0;
}

static void wfh__on_signal(int sig) {
    pid_t p = wfh__child;
    /* only async-signal-safe calls here */
    if (p > 0) kill(p, SIGKILL);
    if (wfh__child_tmpdir[0]) {
        unlink(wfh__child_files[0]);
        unlink(wfh__child_files[1]);
        rmdir(wfh__child_tmpdir);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void wfh__install_guards(void) {
    static const int sigs[] = { SIGABRT, SIGINT, SIGTERM, SIGHUP };
    size_t i;
    if (wfh__guards_installed) return;
    wfh__guards_installed = true;
    atexit(wfh__kill_child);
    for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = wfh__on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
}

/* -------------------------------------------------------------- info file */

WFH_FN const char *wfh_info(const wfh_server *s, const char *key) {
    int i;
    for (i = 0; i < s->ninfo; i++)
        if (strcmp(s->info_key[i], key) == 0) return s->info_val[i];
    return NULL;
}

/* Parses the info text; returns true once it holds a READY line. */
static bool wfh__parse_info(wfh_server *s, const char *text) {
    const char *p = text;
    bool ready = false;
    s->ninfo = 0;
    while (*p) {
        const char *nl = strchr(p, '\n'), *eq;
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n && p[n - 1] == '\r') n--;
        if (n == 5 && memcmp(p, "READY", 5) == 0) ready = true;
        eq = (const char *)memchr(p, '=', n);
        if (eq && s->ninfo < WFH_MAX_INFO) {
            size_t kl = (size_t)(eq - p), vl = n - kl - 1;
            if (kl < sizeof s->info_key[0] && vl < sizeof s->info_val[0]) {
                memcpy(s->info_key[s->ninfo], p, kl);
                s->info_key[s->ninfo][kl] = 0;
                memcpy(s->info_val[s->ninfo], eq + 1, vl);
                s->info_val[s->ninfo][vl] = 0;
                s->ninfo++;
            }
        }
        if (!nl) break;
        p = nl + 1;
    }
    return ready;
}

static int wfh__port(const wfh_server *s, const char *key) {
    const char *v = wfh_info(s, key);
    return v ? atoi(v) : 0;
}

/* ------------------------------------------------------------ start / stop */

WFH_FN void wfh_server_stop(wfh_server *s) {
    if (s->pid > 0) {
        long long until = wfh_now_ms() + 3000;
        int status;
        pid_t r = 0;
        kill(s->pid, SIGTERM);
        while (wfh_now_ms() < until) {
            r = waitpid(s->pid, &status, WNOHANG);
            if (r == s->pid || (r < 0 && errno == ECHILD)) break;
            wfh_sleep_ms(20);
        }
        if (r != s->pid && !(r < 0 && errno == ECHILD)) {
            wfh_log("server pid %d ignored SIGTERM for 3 s; sending SIGKILL", (int)s->pid);
            kill(s->pid, SIGKILL);
            (void)waitpid(s->pid, &status, 0);
        }
        if (wfh__child == s->pid) wfh__child = 0;
        s->pid = 0;
    }
    if (s->tmpdir[0]) wfh__remove_tmpdir(s->tmpdir);
    if (strcmp(wfh__child_tmpdir, s->tmpdir) == 0) wfh__child_tmpdir[0] = 0;
    s->info_path[0] = 0;
    s->tmpdir[0] = 0;
}

/* Starts the server with extra command-line arguments (a NULL-terminated
   list, or NULL), e.g. {"--tasks", "2500", NULL}; 0 on success, -1 (with a
   message on stderr) on failure. */
WFH_FN int wfh_server_start_args(wfh_server *s, const char *const *args) {
    const char *root = getenv("WF_REPO_ROOT"), *py = getenv("PYTHON"), *extra = getenv("WFH_SERVER_ARGS");
    const char *verbose = getenv("WFH_SERVER_VERBOSE"), *tmo = getenv("WFH_START_TIMEOUT");
    char script[WFH_PATH], extra_copy[1024];
    char *argv[40];
    int argc = 0, timeout_s = tmo && atoi(tmo) > 0 ? atoi(tmo) : 20;
    long long until;
    struct stat st;
    pid_t pid;

    memset(s, 0, sizeof *s);
    wfh__install_guards();
    if (!root || !*root) root = ".";
    if (!py || !*py) py = "python3";
    if (root[0] == '/') {
        snprintf(s->root, sizeof s->root, "%s", root);
    } else {
        char cwd[WFH_PATH / 2 - 64];
        if (!getcwd(cwd, sizeof cwd)) { wfh_log("getcwd: %s", strerror(errno)); return -1; }
        if (strcmp(root, ".") == 0) snprintf(s->root, sizeof s->root, "%s", cwd);
        else snprintf(s->root, sizeof s->root, "%s/%.60s", cwd, root);
    }
    snprintf(script, sizeof script, "%s/tests/server/wfserver.py", s->root);
    if (stat(script, &st) != 0) {
        wfh_log("test server not found at %s (run from the repo root or set WF_REPO_ROOT)", script);
        return -1;
    }
    snprintf(s->certs, sizeof s->certs, "%s/build/certs", s->root);
    {   /* build/ and build/certs may not exist yet */
        char b[WFH_PATH];
        snprintf(b, sizeof b, "%s/build", s->root);
        (void)mkdir(b, 0755);
        (void)mkdir(s->certs, 0755);
    }
    snprintf(s->tmpdir, sizeof s->tmpdir, "/tmp/wfh-XXXXXX");
    if (!mkdtemp(s->tmpdir)) { wfh_log("mkdtemp: %s", strerror(errno)); s->tmpdir[0] = 0; return -1; }
    snprintf(s->info_path, sizeof s->info_path, "%s/info", s->tmpdir);

    argv[argc++] = (char *)py;
    argv[argc++] = script;
    argv[argc++] = (char *)"--certs";
    argv[argc++] = s->certs;
    argv[argc++] = (char *)"--info";
    argv[argc++] = s->info_path;
    if (!(verbose && *verbose == '1')) argv[argc++] = (char *)"--quiet";
    while (args && *args && argc < 30) argv[argc++] = (char *)*args++;
    if (extra && *extra) {
        char *tok;
        snprintf(extra_copy, sizeof extra_copy, "%s", extra);
        for (tok = strtok(extra_copy, " "); tok && argc < 38; tok = strtok(NULL, " ")) argv[argc++] = tok;
    }
    argv[argc] = NULL;

    fflush(NULL);
    pid = fork();
    if (pid < 0) { wfh_log("fork: %s", strerror(errno)); wfh_server_stop(s); return -1; }
    if (pid == 0) {
        int devnull;
#ifdef __linux__
        /* die with the test process, whatever way it ends */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
        /* the ports come through the info file; keep stdout quiet */
        devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) { dup2(devnull, 0); dup2(devnull, 1); close(devnull); }
        execvp(argv[0], argv);
        fprintf(stderr, "[harness] cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    s->pid = pid;
    wfh__child = pid;
    snprintf(wfh__child_tmpdir, sizeof wfh__child_tmpdir, "%s", s->tmpdir);
    snprintf(wfh__child_files[0], sizeof wfh__child_files[0], "%s/info", s->tmpdir);
    snprintf(wfh__child_files[1], sizeof wfh__child_files[1], "%s/info.tmp", s->tmpdir);

    until = wfh_now_ms() + (long long)timeout_s * 1000;
    for (;;) {
        int status;
        char *text;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            wfh_log("test server exited during start-up (%s %d)", WIFEXITED(status) ? "status" : "signal",
                    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
            s->pid = 0;
            wfh__child = 0;
            wfh_server_stop(s);
            return -1;
        }
        text = wfh_read_file(s->info_path, NULL);
        if (text) {
            bool ready = wfh__parse_info(s, text);
            free(text);
            if (ready) break;
        }
        if (wfh_now_ms() > until) {
            wfh_log("test server gave no READY within %d s", timeout_s);
            wfh_server_stop(s);
            return -1;
        }
        wfh_sleep_ms(25);
    }
    /* the info file has done its job: remove it now, so nothing is left
       behind even when the test process dies by _exit (sanitizers) */
    wfh__remove_tmpdir(s->tmpdir);
    wfh__child_tmpdir[0] = 0;
    s->tmpdir[0] = 0;
    s->info_path[0] = 0;
    s->http_port = wfh__port(s, "HTTP_PORT");
    s->https_port = wfh__port(s, "HTTPS_PORT");
    s->wronghost_port = wfh__port(s, "WRONGHOST_PORT");
    s->expired_port = wfh__port(s, "EXPIRED_PORT");
    if (wfh_info(s, "CA")) snprintf(s->ca, sizeof s->ca, "%s", wfh_info(s, "CA"));
    else snprintf(s->ca, sizeof s->ca, "%s/ca.pem", s->certs);
    if (!s->http_port || !s->https_port) {
        wfh_log("info file lacks HTTP_PORT/HTTPS_PORT");
        wfh_server_stop(s);
        return -1;
    }
    snprintf(s->url[WFH_HTTP], sizeof s->url[0], "http://127.0.0.1:%d", s->http_port);
    snprintf(s->url[WFH_HTTPS], sizeof s->url[0], "https://127.0.0.1:%d", s->https_port);
    snprintf(s->url[WFH_WRONGHOST], sizeof s->url[0], "https://127.0.0.1:%d", s->wronghost_port);
    snprintf(s->url[WFH_EXPIRED], sizeof s->url[0], "https://127.0.0.1:%d", s->expired_port);
    return 0;
}

WFH_FN int wfh_server_start(wfh_server *s) { return wfh_server_start_args(s, NULL); }

/* Path of a file in the certs directory ("othca.pem"). */
WFH_FN const char *wfh_cert_path(const wfh_server *s, const char *name, char *buf, size_t cap) {
    snprintf(buf, cap, "%s/%s", s->certs, name);
    return buf;
}

/* --------------------------------------------------------------- clients */

/* A description for the given listener (WFH_HTTP ...), trusting the test CA
   for https, with a 10 s timeout so a broken test cannot hang for a minute. */
WFH_FN void wfh_desc(const wfh_server *s, int which, wf_client_desc *d) {
    memset(d, 0, sizeof *d);
    d->url = s->url[which];
    if (which != WFH_HTTP) d->ca_file = s->ca;
    d->timeout_ms = 10000;
}

/* A client for the listener with an API key (NULL: none). */
WFH_FN wf_result wfh_client(const wfh_server *s, int which, const char *api_key, wf_client **out) {
    wf_client_desc d;
    wf_error err;
    wf_result r;
    wfh_desc(s, which, &d);
    d.api_key = api_key;
    r = wf_client_create(&d, out, &err);
    if (r != WF_OK) wfh_log("wf_client_create(%s): %s", d.url, err.text);
    return r;
}

/* The control client: plain HTTP, no auth. */
WFH_FN wf_result wfh_control_client(const wfh_server *s, wf_client **out) {
    return wfh_client(s, WFH_HTTP, NULL, out);
}

/* GET __test/<what>, e.g. "reset" or "config?chunked=1&tiny=1" (the query
   is sent as written: percent-encode values yourself).  The control
   client's connection is dropped afterwards.  *data (optional) is valid
   until the next call on ctl. */
WFH_FN wf_result wfh_ctl(wf_client *ctl, const char *what, wf_json *data) {
    char path[2048];
    wf_result r;
    snprintf(path, sizeof path, "__test/%s", what);
    r = wf_request(ctl, "GET", path, NULL, NULL, data);
    if (r != WF_OK) wfh_log("control %s: %s", what, wf_client_error(ctl)->text);
    wf_client_close_connection(ctl);
    return r;
}

/* printf-style wfh_ctl for config switches: wfh_config(ctl, "delay_ms=%d", 900). */
WFH_FN wf_result wfh_config(wf_client *ctl, const char *fmt, ...) {
    char what[1900];
    int n;
    va_list ap;
    memcpy(what, "config?", 7);
    va_start(ap, fmt);
    n = vsnprintf(what + 7, sizeof what - 7, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof what - 7) return WF_ERR_INVALID;
    return wfh_ctl(ctl, what, NULL);
}

typedef struct wfh_stats {
    long long connections, requests, tls_full, tls_resumed, writes, idle_closes;
    char last_method[16];     /* last_request.method (on the wire), when reported */
    char last_effective[16];  /* last_request.effective_method (method= override) */
    char last_path[256];
    long long last_target_len;/* last_request.target_length, -1 when not reported */
    long long last_body_len;  /* last_request.body_bytes, -1 when not reported */
    long long logins;         /* successful /login calls, -1 when not reported */
    bool has_last;
} wfh_stats;

static long long wfh__int(wf_json v, const char *key) {
    long long n = -1;
    if (wf_json_int(wf_json_get(v, key), &n) != WF_OK) n = -1;
    return n;
}

/* GET __test/stats into *st. */
WFH_FN wf_result wfh_get_stats(wf_client *ctl, wfh_stats *st) {
    wf_json d, last;
    wf_result r;
    memset(st, 0, sizeof *st);
    st->last_body_len = st->last_target_len = -1;
    r = wfh_ctl(ctl, "stats", &d);
    if (r != WF_OK) return r;
    st->connections = wfh__int(d, "connections");
    st->requests = wfh__int(d, "requests");
    st->tls_full = wfh__int(d, "tls_full_handshakes");
    st->tls_resumed = wfh__int(d, "tls_resumed_handshakes");
    st->logins = wfh__int(d, "logins");
    st->writes = wfh__int(d, "writes");
    st->idle_closes = wfh__int(d, "idle_closes");
    last = wf_json_get(d, "last_request");
    if (wf_json_type_of(last) == WF_JSON_OBJECT) {
        st->has_last = true;
        wf_json_str(wf_json_get(last, "method"), st->last_method, sizeof st->last_method, NULL);
        wf_json_str(wf_json_get(last, "path"), st->last_path, sizeof st->last_path, NULL);
        wf_json_str(wf_json_get(last, "effective_method"), st->last_effective, sizeof st->last_effective, NULL);
        st->last_body_len = wfh__int(last, "body_bytes");
        st->last_target_len = wfh__int(last, "target_length");
    }
    return WF_OK;
}

/* ----------------------------------------------- sockets the server lacks */

/* A loopback listener that never accepts (the kernel still completes TCP
   handshakes up to the backlog): for "connected, but nobody answers" and,
   with its backlog filled (wfh_fill_backlog), for connect timeouts.
   Returns the fd (close it when done) and the port, or -1. */
WFH_FN int wfh_listen_silent(int backlog, int *port) {
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, backlog) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &sl) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(sa.sin_port);
    return fd;
}

/* Opens n non-blocking connections to port (fds into out[]) so that the
   listener's accept queue is full and the next SYN goes unanswered. */
WFH_FN void wfh_fill_backlog(int port, int *out, int n) {
    int i;
    for (i = 0; i < n; i++) {
        struct sockaddr_in sa;
        out[i] = socket(AF_INET, SOCK_STREAM, 0);
        if (out[i] < 0) continue;
        memset(&sa, 0, sizeof sa);
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sa.sin_port = htons((unsigned short)port);
        (void)fcntl(out[i], F_SETFL, O_NONBLOCK);
        (void)connect(out[i], (struct sockaddr *)&sa, sizeof sa);
    }
    wfh_sleep_ms(50);
}

/* A loopback port with nothing listening (connection refused). */
WFH_FN int wfh_closed_port(void) {
    int port = 0, fd = wfh_listen_silent(1, &port);
    if (fd < 0) return 0;
    close(fd);
    return port;
}

#endif /* WFH_NO_SERVER */

/* ------------------------------------------------------------ assertions
   For the cmocka suites: print_error and _fail report like cmocka's own. */
#include <setjmp.h>
#include <stdarg.h>
#include <cmocka.h>

WFH_FN void wfh_check_result(wf_result expect, wf_result got, const wf_client *c, const char *what,
                             const char *file, int line) {
    if (got == expect) return;
    print_error("%s:%d: %s\n    expected %s, got %s (%s)\n", file, line, what, wf_result_str(expect),
                wf_result_str(got), c ? wf_client_error(c)->text : "no client");
    _fail(file, line);
}
#define CHECK(expect, call, c) wfh_check_result((expect), (call), (c), #call, __FILE__, __LINE__)
#define OK(call, c) CHECK(WF_OK, call, c)

WFH_FN bool wfh_icontains(const char *hay, const char *needle) {
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i;
        for (i = 0; i < n && hay[i]; i++) {
            char a = hay[i], b = needle[i];
            if (a >= 'A' && a <= 'Z') a = (char)(a + 32);
            if (b >= 'A' && b <= 'Z') b = (char)(b + 32);
            if (a != b) break;
        }
        if (i == n) return true;
    }
    return false;
}

WFH_FN void wfh_check_contains(const char *hay, const char *needle, bool icase, const char *what,
                               const char *file, int line) {
    if (hay && (icase ? wfh_icontains(hay, needle) : strstr(hay, needle) != NULL)) return;
    print_error("%s:%d: %s = \"%s\" does not contain \"%s\"%s\n", file, line, what, hay ? hay : "(null)", needle,
                icase ? " (ignoring case)" : "");
    _fail(file, line);
}
#define CONTAINS(hay, needle) wfh_check_contains((hay), (needle), false, #hay, __FILE__, __LINE__)
#define ICONTAINS(hay, needle) wfh_check_contains((hay), (needle), true, #hay, __FILE__, __LINE__)

/* A JSON string value, unescaped; "" when it is not a string. */
WFH_FN const char *js(wf_json v, char *buf, size_t cap) {
    if (wf_json_str(v, buf, cap, NULL) != WF_OK) buf[0] = 0;
    return buf;
}

WFH_FN void wfh_hexdump(const char *label, const char *s, size_t n) {
    size_t i;
    print_error("    %s (%lu bytes):", label, (unsigned long)n);
    for (i = 0; i < n && i < 200; i++) print_error(" %02x", (unsigned char)s[i]);
    print_error("%s\n", n > 200 ? " ..." : "");
}

/* Byte-exact comparison of a JSON string value with expected UTF-8. */
WFH_FN void wfh_check_jstr(wf_json v, const char *expect, const char *what, const char *file, int line) {
    size_t n = 0, el = strlen(expect);
    wf_result r = wf_json_str(v, NULL, 0, &n);
    char *buf = (char *)malloc(n + 1);
    bool same;
    assert_non_null(buf);
    buf[0] = 0;
    if (r == WF_OK || r == WF_ERR_TRUNCATED) r = wf_json_str(v, buf, n + 1, &n);
    same = r == WF_OK && n == el && memcmp(buf, expect, n) == 0;
    if (!same) {
        print_error("%s:%d: %s: wf_json_str -> %s\n", file, line, what, wf_result_str(r));
        if (r == WF_OK) wfh_hexdump("got", buf, n);
        wfh_hexdump("expected", expect, el);
    }
    free(buf);
    if (!same) _fail(file, line);
}
#define JSTR(v, expect) wfh_check_jstr((v), (expect), #v, __FILE__, __LINE__)

#ifndef WFH_NO_SERVER
/* -------------------------------------------------- fixtures of the suites
   What every cmocka suite against the test server shares.  The names are
   short (like the assertion macros above) because each test uses them.

   The server and its control client:
       static int group_setup(void **st)    { return wfh_group_start(args); }
       static int group_teardown(void **st) { wfh_group_stop(); return 0; }
   start g_srv (with extra server arguments, or NULL) and g_ctl (plain HTTP,
   no auth), and stop both.

   Per test, everything a test makes through these is freed by teardown,
   also when an assertion ends the test early:
       client_desc(&d)   wf_client_create that must succeed, tracked
       drop_client(c)    destroys a tracked client now (untrack_client: only
                         forget it, the test destroys it itself)
       track_client(c)   tracks a client made some other way
       query(), updates()  zeroed builders, freed at teardown
       track(o)          a wf_object, freed at teardown (before the clients)
   wfh_fixture_setup / wfh_fixture_teardown are cmocka setup and teardown
   functions doing just that; wfh_fixture_setup_reset also resets the server
   (/__test/reset).  A suite with more to do per test calls them from its own.

   Server control that fails the test when the server refuses:
       config("chunked=1&tiny=%d", 1)    /__test/config?...
       stats_doc()                       /__test/stats (valid until the next
                                         control call); jint(v): an integer
                                         or -1

   wfh_counting: an allocator (wfh_counting_allocator) that counts
   allocations, frees, live blocks and bytes, the peak of live bytes and
   frees of blocks it never handed out.

   The runner: WFH_RUN("name", tests, group_setup, group_teardown, argc, argv)
   runs the tests whose names contain one of the arguments (all without
   arguments) through cmocka_run_group_tests_name, and exits 2 when no test
   matches. */

#define WFH_MAX_CLIENTS 16
#define WFH_MAX_QUERIES 8
#define WFH_MAX_UPDATES 4
#define WFH_MAX_OBJECTS 4

static WFH_UNUSED wfh_server g_srv;
static WFH_UNUSED wf_client *g_ctl;

static WFH_UNUSED struct wfh_fixture {
    wf_client *clients[WFH_MAX_CLIENTS];
    int nclients;
    wf_query queries[WFH_MAX_QUERIES];
    int nqueries;
    wf_updates updates[WFH_MAX_UPDATES];
    int nupdates;
    wf_object *objects[WFH_MAX_OBJECTS];
    int nobjects;
} wfh_F;

WFH_FN int wfh_group_start(const char *const *server_args) {
    if (wfh_server_start_args(&g_srv, server_args) != 0) return -1;
    if (wfh_control_client(&g_srv, &g_ctl) != WF_OK) {
        wfh_server_stop(&g_srv);
        return -1;
    }
    return 0;
}

WFH_FN void wfh_group_stop(void) {
    if (g_ctl) wf_client_destroy(g_ctl);
    g_ctl = NULL;
    wfh_server_stop(&g_srv);
}

WFH_FN wf_client *track_client(wf_client *c) {
    assert_true(wfh_F.nclients < WFH_MAX_CLIENTS);
    wfh_F.clients[wfh_F.nclients++] = c;
    return c;
}

WFH_FN wf_client *client_desc(const wf_client_desc *d) {
    wf_client *c = NULL;
    wf_error err;
    wf_result r;
    assert_true(wfh_F.nclients < WFH_MAX_CLIENTS);
    r = wf_client_create(d, &c, &err);
    if (r != WF_OK) print_error("wf_client_create(%s): %s\n", d->url ? d->url : "?", err.text);
    assert_int_equal(r, WF_OK);
    return track_client(c);
}

WFH_FN void untrack_client(wf_client *c) {
    int i;
    for (i = 0; i < wfh_F.nclients; i++)
        if (wfh_F.clients[i] == c) {
            wfh_F.clients[i] = wfh_F.clients[--wfh_F.nclients];
            break;
        }
}

WFH_FN void drop_client(wf_client *c) {
    untrack_client(c);
    wf_client_destroy(c);
}

WFH_FN wf_query *query(void) {
    wf_query *q;
    assert_true(wfh_F.nqueries < WFH_MAX_QUERIES);
    q = &wfh_F.queries[wfh_F.nqueries++];
    memset(q, 0, sizeof *q);
    return q;
}

WFH_FN wf_updates *updates(void) {
    wf_updates *u;
    assert_true(wfh_F.nupdates < WFH_MAX_UPDATES);
    u = &wfh_F.updates[wfh_F.nupdates++];
    memset(u, 0, sizeof *u);
    return u;
}

WFH_FN wf_object *track(wf_object *o) {
    assert_true(wfh_F.nobjects < WFH_MAX_OBJECTS);
    wfh_F.objects[wfh_F.nobjects++] = o;
    return o;
}

WFH_FN int wfh_fixture_setup(void **state) {
    (void)state;
    memset(&wfh_F, 0, sizeof wfh_F);
    return 0;
}

WFH_FN int wfh_fixture_setup_reset(void **state) {
    wfh_fixture_setup(state);
    return wfh_ctl(g_ctl, "reset", NULL) == WF_OK ? 0 : -1;
}

WFH_FN int wfh_fixture_teardown(void **state) {
    int i;
    (void)state;
    for (i = 0; i < wfh_F.nobjects; i++) wf_object_free(wfh_F.objects[i]); /* before their clients */
    for (i = 0; i < wfh_F.nclients; i++) wf_client_destroy(wfh_F.clients[i]);
    for (i = 0; i < wfh_F.nqueries; i++) wf_query_free(&wfh_F.queries[i]);
    for (i = 0; i < wfh_F.nupdates; i++) wf_updates_free(&wfh_F.updates[i]);
    memset(&wfh_F, 0, sizeof wfh_F);
    return 0;
}

WFH_FN void config(const char *fmt, ...) {
    char what[1900];
    va_list ap;
    memcpy(what, "config?", 7);
    va_start(ap, fmt);
    vsnprintf(what + 7, sizeof what - 7, fmt, ap);
    va_end(ap);
    if (wfh_ctl(g_ctl, what, NULL) != WF_OK) {
        print_error("server switch %s failed: %s\n", what, wf_client_error(g_ctl)->text);
        fail();
    }
}

WFH_FN wf_json stats_doc(void) {
    wf_json d;
    if (wfh_ctl(g_ctl, "stats", &d) != WF_OK) {
        print_error("stats: %s\n", wf_client_error(g_ctl)->text);
        fail();
    }
    return d;
}

WFH_FN long long jint(wf_json v) {
    long long n = -1;
    if (wf_json_int(v, &n) != WF_OK) n = -1;
    return n;
}

#endif /* WFH_NO_SERVER */

/* ------------------------------------------------------- counting allocator */

typedef struct wfh_counting {
    long long allocs, frees, live, bytes_live, peak, bad_frees;
} wfh_counting;

#define WFH_CNT_MAGIC 0x5746616c6c6f63ULL
/* the union keeps the block after the header aligned for any type */
typedef union wfh__cnt_hdr {
    struct { unsigned long long magic; size_t size; } h;
    long double ld;
    void *vp;
    long long ll;
} wfh__cnt_hdr;

WFH_FN void *wfh_cnt_alloc(size_t n, void *user) {
    wfh_counting *k = (wfh_counting *)user;
    wfh__cnt_hdr *h = (wfh__cnt_hdr *)malloc(sizeof *h + n);
    if (!h) return NULL;
    h->h.magic = WFH_CNT_MAGIC;
    h->h.size = n;
    k->allocs++;
    k->live++;
    k->bytes_live += (long long)n;
    if (k->bytes_live > k->peak) k->peak = k->bytes_live;
    return h + 1;
}

WFH_FN void wfh_cnt_free(void *p, void *user) {
    wfh_counting *k = (wfh_counting *)user;
    wfh__cnt_hdr *h;
    if (!p) return;
    h = (wfh__cnt_hdr *)p - 1;
    if (h->h.magic != WFH_CNT_MAGIC) {
        k->bad_frees++;
        return;
    }
    h->h.magic = 0;
    k->frees++;
    k->live--;
    k->bytes_live -= (long long)h->h.size;
    free(h);
}

/* An allocator counting into *k (zeroed here). */
WFH_FN wf_allocator wfh_counting_allocator(wfh_counting *k) {
    wf_allocator a;
    memset(k, 0, sizeof *k);
    memset(&a, 0, sizeof a);
    a.alloc_fn = wfh_cnt_alloc;
    a.free_fn = wfh_cnt_free;
    a.user_data = k;
    return a;
}

/* ------------------------------------------------------------------ runner */

/* Runs the tests whose names contain one of argv[1..] (all of them without
   arguments) as one cmocka group. */
WFH_FN int wfh_run(const char *name, const struct CMUnitTest *all, size_t nall, CMFixtureFunction group_setup,
                   CMFixtureFunction group_teardown, int argc, char **argv) {
    size_t i, n = 0;
    int j;
    for (i = 0; i < nall; i++) {
        bool want = argc < 2;
        for (j = 1; j < argc && !want; j++) want = strstr(all[i].name, argv[j]) != NULL;
        if (want) n++;
    }
    if (n == 0) {
        fprintf(stderr, "%s: no test name contains any of the arguments\n", name);
        return 2;
    }
    {
        struct CMUnitTest sel[n]; /* C99 VLA: cmocka's macro takes the count from sizeof */
        size_t k = 0;
        for (i = 0; i < nall; i++) {
            bool want = argc < 2;
            for (j = 1; j < argc && !want; j++) want = strstr(all[i].name, argv[j]) != NULL;
            if (want) sel[k++] = all[i];
        }
        return cmocka_run_group_tests_name(name, sel, group_setup, group_teardown);
    }
}
#define WFH_RUN(name, tests, group_setup, group_teardown, argc, argv) \
    wfh_run((name), (tests), sizeof(tests) / sizeof((tests)[0]), (group_setup), (group_teardown), (argc), (argv))

#endif /* WF_TEST_HARNESS_H */
