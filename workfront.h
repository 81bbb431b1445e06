/* workfront.h - a single-header C client for the Adobe Workfront REST API.
   Home: the workfront.h repository (README.md, docs/, examples/, tests/);
   there is no separate website.  MIT licence, see end of file.

   WHAT IT IS
   ==========
   A complete Workfront client in one file: a small HTTP/1.1 client over
   mbedTLS (certificates verified by default), a jsmn-based reader for the
   {"data":...} / {"error":...} envelope with typed views, query-string
   builders and login/session handling.  No runtime, no globals, no threads
   of its own: it is meant for firmware, static builds and single-binary
   tools where Python or Node are not an option.

   BUILD
   =====
   In exactly one C or C++ file:

       #define WORKFRONT_IMPLEMENTATION
       #include "workfront.h"

   Elsewhere include it without the define.  The implementation needs
   jsmn.h beside workfront.h or on the include path (Debian: libjsmn-dev, or
   github.com/zserge/jsmn; WF_JSMN_H names another file) and mbedTLS 2.28 or 3.x
   (Debian: libmbedtls-dev); link with

       cc app.c -lmbedtls -lmbedx509 -lmbedcrypto

   A trimmed mbedTLS build needs: a TLS 1.2 client (and 1.3 with 3.x:
   mbedTLS 2.28 cannot reach a server that requires TLS 1.3), X.509
   parsing and verification, ctr_drbg + entropy, base64, and
   MBEDTLS_ERROR_C (or MBEDTLS_ERROR_STRERROR_DUMMY) for mbedtls_strerror;
   pk parsing, RSA signing and SHA-256 for server-to-server JWTs.
   mk/mbedtls36-config.h is such a configuration for mbedTLS 3.6.

   EXAMPLE
   =======
       #define WORKFRONT_IMPLEMENTATION
       #include "workfront.h"
       #include <stdio.h>
       #include <stdlib.h>

       int main(void) {
           wf_client_desc desc = {0};           // zero = documented default
           desc.domain = "acme";                // https://acme.my.workfront.adobe.com
           desc.api_key = getenv("WF_API_KEY");
           wf_client *c = NULL;
           if (wf_client_create(&desc, &c, NULL) != WF_OK) return 1;

           wf_query q = {0};                    // zero = empty, heap-backed
           wf_query_add(&q, "status", "CUR");
           wf_query_add(&q, "fields", "name,assignedTo:name");
           wf_json tasks;
           if (wf_search(c, "task", &q, &tasks) == WF_OK) {
               for (wf_json t = wf_json_first(tasks); wf_json_ok(t); t = wf_json_next(t)) {
                   char name[256];
                   wf_json_str(wf_json_get(t, "name"), name, sizeof name, NULL);
                   printf("%s\n", name);
               }
           } else {
               fprintf(stderr, "%s\n", wf_client_error(c)->text);
           }
           wf_query_free(&q);
           wf_client_destroy(c);
           return 0;
       }

   CONFIGURATION MACROS (define before including the implementation)
   ====================
   WF_API                  storage class of public functions (default: extern)
   WORKFRONT_STATIC        make every public function static (one TU only)
   WF_MALLOC(n)/WF_FREE(p) the default allocator (default: malloc/free);
                           per client, wf_client_desc.allocator overrides it
   WF_ASSERT(x)            internal assertions (default: assert)
   WF_NO_TLS               build without mbedTLS: plain http:// only
   WF_DEFAULT_API_VERSION  the API version used when none is given ("v22.0")
   WF_DEFAULT_CA_FILE      the one system CA bundle to trust (default: Windows'
                           ROOT store, or the first bundle found among
                           /etc/ssl/certs/ca-certificates.crt (Debian, Ubuntu,
                           Alpine), /etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem
                           and /etc/pki/tls/certs/ca-bundle.crt (Fedora, RHEL),
                           /etc/ssl/ca-bundle.pem (openSUSE), /etc/ssl/cert.pem
                           (macOS, FreeBSD, OpenBSD), /usr/local/etc/ssl/cert.pem
                           and /usr/local/share/certs/ca-root-nss.crt (FreeBSD))
   WF_JSMN_H               the jsmn header to include (default "jsmn.h": beside
                           workfront.h first, then the include path)
   WF_IO_BUFFER_SIZE       bytes of one transport read (default 16384, at least
                           1024); a streamed search holds about this much body
                           and its tokens at a time: devices shrink it

   PORTING
   =======
   Everything that touches the operating system sits in one section of the
   implementation ("platform"), behind the macros below, all of one kind:
   define one before including the implementation to replace the default.
   POSIX systems (Linux, macOS, the BSDs) and Windows need none; a target
   with neither (an RTOS, bare metal) stops the build with an #error that
   names the macro it still needs.
   WF_NOW_MS()             monotonic milliseconds, never going back
                           (default: clock_gettime(CLOCK_MONOTONIC); GetTickCount64)
   WF_SLEEP_MS(ms)         block the caller for ms milliseconds, between retries
                           (default: nanosleep; Sleep)
   WF_TIME_S()             seconds since 1970, or 0 when unknown (default:
                           time(NULL)); for JWT claims and Retry-After dates
   WF_NO_SOCKETS           no built-in TCP: no socket header or code at all;
                           wf_client_desc.transport is then required
   WF_NO_FILES             no file access: ca_file, jwt_key_file and uploads
                           by path answer WF_ERR_UNSUPPORTED; ca_pem,
                           jwt_key_pem and upload read callbacks remain
   WF_NO_SYSTEM_CA         no system CA store: trust only ca_file / ca_pem
   WF_ENTROPY_SOURCE       the name of a strong entropy function for TLS,
                           int fn(void *data, unsigned char *out, size_t len, size_t *olen)
                           (mbedTLS's entropy-source signature), added with
                           mbedtls_entropy_add_source as a strong source;
                           needed when mbedTLS has no platform entropy
                           (MBEDTLS_NO_PLATFORM_ENTROPY).  TLS never runs on
                           a weak generator: without a strong source,
                           wf_client_create fails for https:// URLs.
   WF_FORMAT_DOUBLE(buf, cap, v)  a double as text, like the default
                           snprintf(buf, cap, "%.17g", v); the result is
                           checked (it must read back as v), so a C library
                           without float formatting gives WF_ERR_UNSUPPORTED,
                           never a wrong number.  newlib-nano: link with
                           -u _printf_float.
   Integers are formatted and parsed by the header itself (no %lld or %zu
   from the C library).  Windows: link with -lws2_32 -lcrypt32 (and mbedTLS's
   -lbcrypt); https:// trusts the Windows ROOT store without a CA file.

   MEMORY
   ======
   Every allocation the library makes goes through the client's allocator
   (alloc_fn/free_fn/user_data, sokol style).  mbedTLS allocates internally
   through its own platform hooks (mbedtls_platform_set_calloc_free, present
   when mbedTLS is built with MBEDTLS_PLATFORM_MEMORY - Debian's is not),
   which are process-global and therefore left to the application.
   A wf_json view points into the client's last response: it stays valid
   until the next request on the same client.  Copy out what you keep.
   Response bodies are capped (desc.max_response_bytes, 64 MB by default).

   THREADS
   =======
   No globals.  A client is used by one thread at a time; use one client per
   thread for parallel work.  Independent clients never share state.

   ERRORS
   ======
   Every call returns a wf_result (WF_OK is 0).  The details of the last
   failure live in one record per client, wf_client_error(c): HTTP status,
   Workfront's error class/message/title/msgKey/code, the mbedTLS error code
   and its text, certificate verification flags in words, errno, the number
   of attempts, and a one-line description in .text.  Workfront often sends
   errors with HTTP 200; the envelope, not the status, decides.
   Secrets (API keys, session IDs, passwords, tokens) never appear in error
   text or in the lines handed to the logger.

   RETRIES AND REPLAYS
   ===================
   A write (POST, PUT, DELETE) is sent again only when it provably never
   reached the server: the connection could not be made, or a reused idle
   connection failed before a single byte of the request was accepted.
   Idempotent requests (GET, HEAD, and POST with method=GET) that fail on a
   reused keep-alive connection before any byte of the response arrived are
   retried once on a fresh connection.  Throttled (429, 503) or lost
   idempotent requests are retried up to desc.max_retries times with
   exponential backoff and jitter, honouring Retry-After, never past
   desc.timeout_ms; a throttled write is reported (WF_ERR_THROTTLED), not
   re-sent.  wf_client_error(c)->attempts says how many were made.
*/
#ifndef WORKFRONT_H
#define WORKFRONT_H

/* The implementation needs POSIX (getaddrinfo, poll, clock_gettime).  Feature
   macros only work before the first system header, so they are set here; a
   file that includes system headers before this one must compile with
   -D_POSIX_C_SOURCE=200809L (or _DEFAULT_SOURCE) and, on 32-bit systems,
   -D_FILE_OFFSET_BITS=64 itself. */
#if defined(WORKFRONT_IMPLEMENTATION) && !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE) && !defined(_DEFAULT_SOURCE) && !defined(_XOPEN_SOURCE)
#  define _POSIX_C_SOURCE 200809L
#endif
#if defined(WORKFRONT_IMPLEMENTATION) && !defined(_FILE_OFFSET_BITS)
#  define _FILE_OFFSET_BITS 64 /* uploads of 2 GiB and more on 32-bit systems */
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define WF_VERSION_STRING "0.1.0"

#ifndef WF_API
#  ifdef WORKFRONT_STATIC
#    define WF_API static
#  else
#    define WF_API extern
#  endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ results
   One list; the enum, wf_result_str() and the CLI's exit codes derive from it. */
#define WF_RESULT_LIST(X)                                                      \
    X(OK,          "ok")                                                       \
    X(ERR_INVALID, "invalid argument")                                         \
    X(ERR_NOMEM,   "out of memory")                                            \
    X(ERR_URL,     "invalid URL")                                              \
    X(ERR_DNS,     "host name lookup failed")                                  \
    X(ERR_CONNECT, "connection failed")                                        \
    X(ERR_TIMEOUT, "timed out")                                                \
    X(ERR_IO,      "network I/O error")                                        \
    X(ERR_CLOSED,  "connection closed by peer")                                \
    X(ERR_TLS,     "TLS error")                                                \
    X(ERR_CERT,    "certificate verification failed")                          \
    X(ERR_HTTP,    "malformed HTTP response")                                  \
    X(ERR_TOO_LARGE, "response too large")                                     \
    X(ERR_ENCODING, "unsupported content encoding")                            \
    X(ERR_JSON,    "malformed JSON")                                           \
    X(ERR_RESPONSE, "unexpected response")                                     \
    X(ERR_API,     "Workfront API error")                                      \
    X(ERR_AUTH,    "authentication failed")                                    \
    X(ERR_THROTTLED, "throttled by the server")                                \
    X(ERR_TYPE,    "JSON value has another type")                              \
    X(ERR_RANGE,   "value out of range")                                       \
    X(ERR_TRUNCATED, "output buffer too small")                                \
    X(ERR_NOT_FOUND, "no such value")                                          \
    X(ERR_FILE,    "file error")                                               \
    X(ERR_UNSUPPORTED, "not supported in this build")

typedef enum wf_result {
#define WF__RESULT_ENUM(name, text) WF_##name,
    WF_RESULT_LIST(WF__RESULT_ENUM)
#undef WF__RESULT_ENUM
    WF_RESULT_COUNT
} wf_result;

WF_API const char *wf_result_str(wf_result r);
WF_API const char *wf_version(void);      /* "0.1.0" */
WF_API const char *wf_tls_version(void);  /* "Mbed TLS 2.28.3" or "none" */
/* The TLS versions this build can speak: "TLS 1.3, TLS 1.2" (mbedTLS 3.x
   built with TLS 1.3), "TLS 1.2" (mbedTLS 2.28 has no TLS 1.3 client), or
   "none" (WF_NO_TLS). */
WF_API const char *wf_tls_protocols(void);

/* ---------------------------------------------------------------- allocator */
typedef struct wf_allocator {
    void *(*alloc_fn)(size_t size, void *user_data); /* NULL: WF_MALLOC */
    void (*free_fn)(void *ptr, void *user_data);     /* NULL: WF_FREE   */
    void *user_data;
} wf_allocator;

/* ------------------------------------------------------------------- logger
   Receives one line at a time, already redacted; never a secret. */
typedef enum wf_log_level { WF_LOG_ERROR = 0, WF_LOG_INFO = 1, WF_LOG_TRACE = 2 } wf_log_level;
typedef struct wf_logger {
    void (*fn)(void *user_data, wf_log_level level, const char *line);
    void *user_data;
    wf_log_level level; /* lines above this level are not produced (0: errors only) */
} wf_logger;

/* ------------------------------------------------------------- error record */
typedef struct wf_error {
    wf_result result;       /* what the last call returned */
    int http_status;        /* last HTTP status seen, 0 if none */
    char wf_class[128];     /* Workfront error class, e.g. com.attask.common.AuthenticationException */
    char message[512];      /* Workfront error message (UTF-8) */
    char title[128];
    char msg_key[128];
    long long code;         /* Workfront error code, when has_code */
    bool has_code;
    int tls_code;           /* mbedTLS error code (negative), 0 if none */
    char tls_text[128];     /* mbedtls_strerror() of tls_code */
    uint32_t cert_flags;    /* mbedTLS X.509 verification flags, 0 if none */
    char cert_text[256];    /* the flags in words */
    int sys_errno;          /* errno of a failed system call, 0 if none */
    int attempts;           /* how many times the request was sent */
    char excerpt[96];       /* start of a body that was not the expected JSON */
    char text[768];         /* everything above as one readable line */
} wf_error;

/* ---------------------------------------------------------------- transport
   The byte stream under HTTP (and under TLS for https URLs).  The built-in
   one is TCP; tests and embedded systems supply their own.  Return values:
   send/recv give the byte count (recv: 0 = orderly end of stream), or a
   negated wf_result (-WF_ERR_TIMEOUT, -WF_ERR_IO, ...).  A timeout of 0 ms
   means "do not wait": recv answers -WF_ERR_TIMEOUT when nothing is ready.
   Fill err->sys_errno and friends when it helps the user. */
typedef struct wf_transport {
    wf_result (*connect)(void *user, const char *host, int port, int timeout_ms, wf_error *err);
    long (*send)(void *user, const unsigned char *buf, size_t len, int timeout_ms, wf_error *err);
    long (*recv)(void *user, unsigned char *buf, size_t cap, int timeout_ms, wf_error *err);
    void (*close)(void *user);
    void *user;
} wf_transport;

/* ------------------------------------------------------------------- client */
typedef struct wf_client wf_client;

/* Host templates; desc.url_template takes these presets by name.
   "adobe": the host Adobe's page "Domain format for Adobe Workfront API calls"
            (experienceleague.adobe.com, .../locate-domain-for-api) documents
            today, <domain>.my.workfront.adobe.com (orgs on the Adobe Unified
            Shell, experience.adobe.com); the default for desc.domain.
   "my":    <domain>.my.workfront.com, the page's earlier second row (orgs not
            on the Unified Shell).
   "ondemand", "sandbox": python-workfront's templates; its sandbox moved to
            <domain>.preview.workfront.com ("Changed Workfront Sandbox URL so
            it now works again").
   In a template, api_version "unsupported" turns ".../api/{api_version}"
   into ".../api-unsupported" (see desc.api_version). */
#define WF_TEMPLATE_ADOBE    "{protocol}://{domain}.my.workfront.adobe.com/attask/api/{api_version}"
#define WF_TEMPLATE_MY       "{protocol}://{domain}.my.workfront.com/attask/api/{api_version}"
#define WF_TEMPLATE_ONDEMAND "{protocol}://{domain}.attask-ondemand.com/attask/api/{api_version}"
#define WF_TEMPLATE_SANDBOX  "{protocol}://{domain}.preview.workfront.com/attask/api/{api_version}"

typedef struct wf_client_desc {
    /* Where: one of url, domain (+ optional url_template). */
    const char *url;          /* "https://acme.my.workfront.adobe.com", "http://127.0.0.1:8080",
                                 or a full API base ".../attask/api/v22.0" (taken as is) */
    const char *domain;       /* "acme" -> https://acme.my.workfront.adobe.com; a name with a
                                 dot is a whole host name */
    const char *url_template; /* with {protocol} {domain} {api_version}; or a preset name:
                                 "adobe" (default), "my", "ondemand", "sandbox" */
    const char *protocol;     /* for templates; default "https" */
    const char *api_version;  /* "22.0", "v22.0", "unsupported"; default WF_DEFAULT_API_VERSION.
                                 "unsupported" is Workfront's unversioned API at
                                 /attask/api-unsupported, with url and with templates alike
                                 (as Adobe's docs and the official JS client have it); to reach
                                 /attask/api/unsupported give it as a full url or in a template */
    /* Authentication: at most one of api_key / session_id is needed. */
    const char *api_key;      /* sent as the apiKey header */
    const char *session_id;   /* sent as the SessionID header (also an OAuth2 access token) */
    const char *bearer;       /* Adobe IMS access token: Authorization: Bearer ... */
    const char *ims_org;      /* Adobe IMS organisation: x-gw-ims-org-id */
    /* OAuth Server-to-Server (an Adobe Developer Console credential): the
       client POSTs grant_type=client_credentials to {ims_url}/ims/token/v3
       before its first call, sends the token as Authorization: Bearer (with
       x-gw-ims-org-id when ims_org is set), fetches a new one ahead of
       expires_in (within 5 minutes of it, or half its lifetime when that is
       shorter) and once when a call is answered 401. */
    const char *ims_client_id;
    const char *ims_client_secret;
    const char *ims_scopes;   /* comma list from the credential's page, e.g.
                                 "openid,AdobeID,additional_info.projectedProductContext" */
    const char *ims_url;      /* default "https://ims-na1.adobelogin.com" (scheme, host, port) */
    /* Keeps the access token the client obtains (IMS, OAuth2 code or
       refresh, JWT exchange) in this file between runs while it is valid.
       Created mode 0600 and replaced atomically; a file that group or others
       may read or write, or that another user owns, is refused
       (WF_ERR_FILE).  A token cached for other credentials is ignored. */
    const char *token_cache;
    /* Renewal: when a call fails for authentication and one of these is
       held, the client renews once and repeats the call (a rejected call was
       not executed, so this is safe for writes). */
    const char *username, *password;     /* log in again */
    const char *client_id, *client_secret; /* the OAuth2 client (refresh and JWT) */
    const char *refresh_token;           /* OAuth2 refresh-token grant */
    const char *jwt_key_file;            /* server-to-server: RSA private key (PEM) */
    const char *jwt_key_pem;             /* ... or in memory */
    size_t jwt_key_pem_len;              /* 0: strlen */
    const char *customer_id;             /* JWT iss */
    const char *jwt_user_id;             /* JWT sub */
    int jwt_ttl_s;                       /* JWT lifetime, default 300 s */
    wf_result (*renew)(void *user, wf_client *c); /* caller renews (e.g. wf_set_session_id) */
    void *renew_user;
    /* TLS: the system bundle is always trusted unless no_system_ca is set. */
    const char *ca_file;      /* extra CA bundle (PEM file) */
    const char *ca_pem;       /* extra CA bundle in memory (PEM text) */
    size_t ca_pem_len;        /* 0: strlen(ca_pem) */
    bool no_system_ca;        /* trust only ca_file/ca_pem */
    /* Limits. 0 = default. */
    int timeout_ms;           /* whole request, default 60000 */
    int connect_timeout_ms;   /* default min(10000, timeout_ms) */
    int read_timeout_ms;      /* longest silence while reading, default min(30000, timeout_ms) */
    size_t max_response_bytes;/* default 64 MB */
    int max_retries;          /* retries of idempotent requests on 429/503/connection loss;
                                 0 = default 3, negative = none */
    int retry_base_ms;        /* first backoff step, default 500 (doubles, with jitter) */
    int retry_max_ms;         /* longest single wait, default 30000 */
    /* HTTPS proxy (CONNECT): "http://[user:pass@]host:port".  NULL: the
       HTTPS_PROXY/https_proxy environment variables, minus NO_PROXY/no_proxy. */
    const char *proxy;
    bool no_env_proxy;        /* ignore the proxy environment variables */
    const char *user_agent;   /* default "workfront.h/<version>" */
    wf_allocator allocator;
    wf_logger logger;
    const wf_transport *transport; /* NULL: TCP (required when built with WF_NO_SOCKETS) */
} wf_client_desc;

/* Creates a client.  On failure *out is NULL and, if err is given, it says why. */
WF_API wf_result wf_client_create(const wf_client_desc *desc, wf_client **out, wf_error *err);
WF_API void wf_client_destroy(wf_client *c);
WF_API const wf_error *wf_client_error(const wf_client *c);
WF_API const char *wf_client_api_base(const wf_client *c); /* "https://h/attask/api/v22.0" */
WF_API void wf_client_close_connection(wf_client *c);      /* drop the keep-alive connection */

/* Authentication state. */
WF_API wf_result wf_set_api_key(wf_client *c, const char *api_key);       /* NULL clears */
WF_API wf_result wf_set_session_id(wf_client *c, const char *session_id); /* NULL clears */
WF_API const char *wf_session_id(const wf_client *c); /* NULL when none */
WF_API const char *wf_user_id(const wf_client *c);    /* after wf_login, else NULL */
/* ------------------------------------------------------------------- auth
   Workfront OAuth2 (authorization code, refresh token), server-to-server
   JWT and Adobe IMS.  Tokens land in the client; the access token is sent
   in the SessionID header.  Secrets are wiped when replaced or destroyed. */
WF_API wf_result wf_set_bearer(wf_client *c, const char *token, const char *ims_org);
/* Fetches an OAuth Server-to-Server token now (desc.ims_*); the client
   also does this by itself when it needs one. */
WF_API wf_result wf_ims_token(wf_client *c);
/* When the access token the client holds expires (Unix time, seconds):
   0 when its answer gave no expires_in, -1 when the client obtained none
   (or it came from desc).  *from_cache (optional): it was read from
   desc.token_cache rather than fetched in this process. */
WF_API long long wf_token_expiry(const wf_client *c, bool *from_cache);
WF_API wf_result wf_oauth2_code(wf_client *c, const char *code, const char *redirect_uri);
WF_API wf_result wf_oauth2_refresh(wf_client *c);
WF_API wf_result wf_jwt_exchange(wf_client *c);
WF_API const char *wf_refresh_token(const wf_client *c); /* NULL when none */
/* Signs an RS256 JWT {iss, sub, iat, exp} with a PEM RSA key into out
   (NUL-terminated).  Pure: no client needed. */
WF_API wf_result wf_jwt_sign(const char *key_pem, size_t key_len, const char *iss, const char *sub,
                             long long iat, long long exp, char *out, size_t cap, wf_error *err);


/* ---------------------------------------------------------------- JSON views
   A wf_doc is the token index of one JSON text (which it does not own).
   A wf_json is a cheap view: a document and a token.  Views of missing
   values are "not ok" and every accessor treats them as such, so chains
   like wf_json_get(wf_json_get(v, "a"), "b") need no checks in between. */
typedef struct wf_doc wf_doc;
typedef struct wf_json { const wf_doc *doc; int tok; } wf_json;
typedef enum wf_json_type {
    WF_JSON_NONE = 0, WF_JSON_OBJECT, WF_JSON_ARRAY, WF_JSON_STRING,
    WF_JSON_NUMBER, WF_JSON_BOOL, WF_JSON_NULL
} wf_json_type;

/* Parses and validates (strict RFC 8259: one value, legal escapes, no raw
   control characters, real literals and numbers).  text must outlive the doc. */
WF_API wf_result wf_doc_parse(const char *text, size_t len, const wf_allocator *a, wf_doc **out);
/* The same, saying what is wrong and where in err->text (err may be NULL). */
WF_API wf_result wf_doc_parse_ex(const char *text, size_t len, const wf_allocator *a, wf_doc **out, wf_error *err);
WF_API void wf_doc_free(wf_doc *d);
WF_API wf_json wf_doc_root(const wf_doc *d);
/* Splits a Workfront envelope: WF_OK with *data = the "data" member, or
   WF_ERR_API / WF_ERR_AUTH with the error fields copied into err. */
WF_API wf_result wf_envelope(const wf_doc *d, int http_status, wf_json *data, wf_error *err);

WF_API bool wf_json_ok(wf_json v);
WF_API wf_json_type wf_json_type_of(wf_json v);
WF_API size_t wf_json_len(wf_json v);                    /* members / elements / 0 */
WF_API wf_json wf_json_get(wf_json obj, const char *key);/* member by (unescaped) key */
WF_API wf_json wf_json_at(wf_json arr, size_t i);        /* element i */
WF_API wf_json wf_json_path(wf_json v, const char *path);/* "assignedTo:name", "tasks:0:name";
                                                            a segment "DE:..." takes the rest */
/* Iteration: elements of an array, or the keys of an object (wf_json_value
   gives a key's value).  Each step is O(1). */
WF_API wf_json wf_json_first(wf_json container);
WF_API wf_json wf_json_next(wf_json v);
WF_API wf_json wf_json_value(wf_json key);
/* Unescaped UTF-8 (\uXXXX and surrogate pairs decoded), NUL-terminated.
   *len (optional) gets the full length even when the buffer is too small. */
WF_API wf_result wf_json_str(wf_json v, char *buf, size_t cap, size_t *len);
WF_API bool wf_json_eq(wf_json v, const char *s);        /* string equals s */
WF_API wf_result wf_json_int(wf_json v, long long *out);
WF_API wf_result wf_json_num(wf_json v, double *out);
WF_API wf_result wf_json_bool(wf_json v, bool *out);
WF_API bool wf_json_is_null(wf_json v);
WF_API const char *wf_json_raw(wf_json v, size_t *len);  /* exact source text (strings: with quotes) */

/* Writes v as JSON (re-escaped; output is plain UTF-8 with control
   characters escaped).  indent 0 = compact.  The sink returns false to abort. */
typedef bool (*wf_sink)(void *user, const char *data, size_t len);
WF_API wf_result wf_json_write(wf_json v, int indent, wf_sink sink, void *user);
/* Writes v as it came: strings and numbers exactly as the source spelled
   them (its escapes kept; the document was validated when it was loaded),
   whitespace between tokens dropped, or laid out anew with indent > 0.  A
   value whose source text holds no such whitespace (Workfront's answers)
   goes to the sink in one piece when indent is 0. */
WF_API wf_result wf_json_write_raw(wf_json v, int indent, wf_sink sink, void *user);
/* Writes s (UTF-8, validated) as a JSON string literal with quotes. */
WF_API wf_result wf_json_write_string(const char *s, size_t len, wf_sink sink, void *user);

/* -------------------------------------------------------------------- dates
   Workfront writes dates as "2017-03-08T17:00:00:000+0400": milliseconds
   after a colon and an offset without one (the API basics page).  The API
   also returns ISO 8601 forms, which are read too: "2017-03-08T17:00:00.000+04:00",
   "...Z", fewer or more fraction digits, no seconds, "+04", a space for
   the "T", a bare date "2017-03-08".  A text without an offset is UTC. */
typedef struct wf_time {
    int64_t ms;        /* UTC milliseconds since 1970-01-01T00:00:00Z */
    int offset_min;    /* the offset written, minutes east of UTC: "+0400" is 240 */
} wf_time;
/* Parses len bytes of s (no NUL needed); WF_ERR_INVALID when it is not a
   date of the forms above (or not a real calendar date). */
WF_API wf_result wf_time_parse(const char *s, size_t len, wf_time *out);
/* A JSON string holding such a date; WF_ERR_TYPE when v is not a string. */
WF_API wf_result wf_json_time(wf_json v, wf_time *out);
/* Writes t in Workfront's form, in the local time of t.offset_min
   (-1439..1439): "2017-03-08T17:00:00:000+0400" and a NUL, 29 bytes.
   Returns the length, or 0 when cap is too small or t is out of range
   (years 0000-9999). */
WF_API size_t wf_time_format(wf_time t, char *buf, size_t cap);

/* -------------------------------------------------------------------- query
   Percent-encoded key=value pairs.  Zero-initialise and use; or give it a
   fixed buffer with wf_query_init_buf (no allocation at all).  The first
   failure sticks (q->result, q->error) and makes every later call and the
   request using it fail without sending anything. */
typedef struct wf_query {
    char *buf;
    size_t len, cap;
    bool fixed;              /* buf belongs to the caller */
    int or_group;            /* filters go to OR:n: when > 0 (wf_query_or_group) */
    int nsort;               /* sort keys added so far */
    int ngroup;              /* group-by keys added so far */
    wf_result result;        /* first failure, WF_OK if none */
    char error[128];         /* what was wrong with it */
    wf_allocator allocator;
} wf_query;

WF_API void wf_query_init_buf(wf_query *q, char *buf, size_t cap);
WF_API void wf_query_free(wf_query *q);
WF_API void wf_query_reset(wf_query *q);                 /* empty again, keeps the buffer */
WF_API wf_result wf_query_add(wf_query *q, const char *key, const char *value);
WF_API wf_result wf_query_addn(wf_query *q, const char *key, size_t klen, const char *value, size_t vlen);
WF_API wf_result wf_query_add_int(wf_query *q, const char *key, long long value);
WF_API wf_result wf_query_add_raw(wf_query *q, const char *encoded); /* "k=v&k2=v2", already encoded */
WF_API wf_result wf_query_parse_arg(wf_query *q, const char *arg);    /* "name=value" (unencoded) */
WF_API wf_result wf_query_fields(wf_query *q, const char *fields);   /* fields=a,b:c */
WF_API wf_result wf_query_limit(wf_query *q, long first, long limit);/* $$FIRST (if > 0), $$LIMIT (1..2000; 0 = unset) */
WF_API const char *wf_query_str(const wf_query *q);                  /* "" when empty */
/* Search modifiers (Workfront's "_Mod" values).  The list follows the API
   basics page and Workfront's filter-modifier reference. */
#define WF_MOD_LIST(X) \
    X(EQ, "eq") X(NE, "ne") X(GTE, "gte") X(GT, "gt") X(LTE, "lte") X(LT, "lt") \
    X(CONTAINS, "contains") X(NOTCONTAINS, "notcontains") X(CICONTAINS, "cicontains") X(CINOTCONTAINS, "cinotcontains") \
    X(LIKE, "like") X(NOTLIKE, "notlike") X(CILIKE, "cilike") X(CINOTLIKE, "cinotlike") \
    X(CIEQ, "cieq") X(CINE, "cine") \
    X(BETWEEN, "between") X(NOTBETWEEN, "notbetween") X(CIBETWEEN, "cibetween") X(CINOTBETWEEN, "cinotbetween") \
    X(IN, "in") X(NOTIN, "notin") X(CIIN, "ciin") X(CINOTIN, "cinotin") \
    X(ISNULL, "isnull") X(NOTNULL, "notnull") X(ISBLANK, "isblank") X(NOTBLANK, "notblank") \
    X(CICONTAINSALL, "cicontainsall") X(CICONTAINSANY, "cicontainsany") \
    X(CINOTCONTAINSALL, "cinotcontainsall") X(CINOTCONTAINSANY, "cinotcontainsany") \
    X(BITWISEAND, "bitwiseand") X(BITWISEOR, "bitwiseor") X(BITWISENAND, "bitwisenand") X(BITWISENOR, "bitwisenor")

typedef enum wf_mod {
#define WF__MOD_ENUM(name, text) WF_MOD_##name,
    WF_MOD_LIST(WF__MOD_ENUM)
#undef WF__MOD_ENUM
    WF_MOD_COUNT
} wf_mod;

typedef enum wf_sort { WF_SORT_ASC, WF_SORT_DESC, WF_SORT_CIASC, WF_SORT_CIDESC } wf_sort;

WF_API const char *wf_mod_name(wf_mod m);                 /* "cicontains", NULL if out of range */
WF_API bool wf_mod_parse(const char *name, wf_mod *out);  /* "cicontains" -> WF_MOD_CICONTAINS */
/* field=value&field_Mod=mod.  isnull/notnull/isblank/notblank take no value
   (pass NULL); between/in take several values: use the calls below. */
WF_API wf_result wf_query_filter(wf_query *q, const char *field, wf_mod mod, const char *value);
/* field=lo&field_Range=hi&field_Mod=between|notbetween|cibetween|cinotbetween */
WF_API wf_result wf_query_range(wf_query *q, const char *field, wf_mod mod, const char *lo, const char *hi);
/* field=v1&field=v2...&field_Mod=in|notin|... (repeated parameters) */
WF_API wf_result wf_query_in(wf_query *q, const char *field, wf_mod mod, const char *const *values, size_t n);
/* Filters added after this go to OR group n ("OR:n:field"); 0 returns to the
   plain (AND) filters. */
WF_API wf_result wf_query_or_group(wf_query *q, int n);
WF_API wf_result wf_query_filters_json(wf_query *q, const char *json); /* filters={...}, validated */
WF_API wf_result wf_query_sort(wf_query *q, const char *field, wf_sort dir); /* field_Sort, then _2_Sort ... */
WF_API wf_result wf_query_map(wf_query *q);                                /* map=true */
WF_API wf_result wf_query_group_by(wf_query *q, const char *field);       /* field_GroupBy=true, then _2_GroupBy */
WF_API wf_result wf_query_agg(wf_query *q, const char *field, const char *func); /* field_AggFunc=sum|avg|min|max|count */
WF_API wf_result wf_query_rollup(wf_query *q);                             /* $$ROLLUP=true */

/* Percent-encodes src into dst (RFC 3986; keeps unreserved and : $ , / @ *). */
WF_API size_t wf_url_encode(const char *src, size_t len, char *dst, size_t cap);

/* ------------------------------------------------------------------ requests
   Zero-initialise a wf_body: a NULL read means "data holds the bytes". */
typedef struct wf_body {
    const char *content_type;  /* default application/x-www-form-urlencoded */
    const void *data;          /* the bytes, or NULL when streamed through read */
    size_t len;                /* always known up front: it is the Content-Length */
    /* Streamed bodies: called until len bytes came; returns bytes written
       to buf (> 0), or < 0 to abort the request. */
    long (*read)(void *user, void *buf, size_t cap);
    void *user;
} wf_body;

/* The call under every other one.  path is relative to the API base
   ("task/search", "/task/ID"; may carry its own "?k=v").  query may be NULL,
   body may be NULL.  On WF_OK, *data (optional) is the envelope's data. */
WF_API wf_result wf_request(wf_client *c, const char *method, const char *path,
                            const wf_query *query, const wf_body *body, wf_json *data);
/* Any endpoint: the API's own paths, or anything else on the same host
   (event subscriptions, document downloads).  Zero-initialise; give exactly
   one of path and url. */
typedef struct wf_request_desc {
    const char *method;          /* default "GET" */
    const char *path;            /* relative to the API base, as for wf_request */
    const char *url;             /* "/attask/eventsubscription/api/v1/subscriptions" (from the
                                    host root) or a full URL on the client's own scheme, host
                                    and port; any other host is refused before sending */
    const wf_query *query;       /* may be NULL */
    const wf_body *body;         /* may be NULL; e.g. content_type "application/json" */
    const char *const *headers;  /* extra "Name: value" lines (they replace the defaults of
                                    the same name; Host, Content-Length and other framing
                                    headers are refused) */
    size_t header_count;
    bool raw;                    /* the answer need not be an envelope: on 2xx *data is the
                                    whole JSON document, or none for bytes (wf_last_body)
                                    and empty answers (201, 204) */
    wf_sink sink;                /* a 2xx body is streamed here, never kept (implies raw);
                                    returning false aborts with WF_ERR_FILE.  Error answers
                                    are read as usual. */
    void *sink_user;
} wf_request_desc;
WF_API wf_result wf_request_ex(wf_client *c, const wf_request_desc *d, wf_json *data);
/* Would wf_request_ex accept this url (host root, or same scheme, host and
   port)?  Sends nothing; the error record says why not. */
WF_API wf_result wf_check_url(wf_client *c, const char *url);
/* A header of the last response (first of that name, case-insensitive): a
   pointer to its value, *len bytes, not NUL-terminated; NULL if absent. */
WF_API const char *wf_last_header(const wf_client *c, const char *name, size_t *len);
/* The last response's status line and headers as received, CRLF-ended. */
WF_API const char *wf_last_head(const wf_client *c, size_t *len);
/* The last response body as received (valid until the next request). */
WF_API const char *wf_last_body(const wf_client *c, size_t *len);
WF_API int wf_last_status(const wf_client *c);

WF_API wf_result wf_get(wf_client *c, const char *obj, const char *id, const char *fields, wf_json *data);
WF_API wf_result wf_search(wf_client *c, const char *obj, const wf_query *q, wf_json *data);
WF_API wf_result wf_login(wf_client *c, const char *username, const char *password);
WF_API wf_result wf_logout(wf_client *c);

/* A search whose objects are handed to on_object one at a time as the
   bytes arrive: memory stays at one object whatever the page size.  An
   error answer is reported as by wf_search.  on_object returning false
   stops early (WF_OK).  *count (optional): objects handed over. */
WF_API wf_result wf_search_each(wf_client *c, const char *obj, const wf_query *q,
                                bool (*on_object)(void *user, wf_json object), void *user, long long *count);
WF_API wf_result wf_count(wf_client *c, const char *obj, const wf_query *q, long long *count);
WF_API wf_result wf_report(wf_client *c, const char *obj, const wf_query *q, wf_json *data);
WF_API wf_result wf_named_query(wf_client *c, const char *obj, const char *name, const wf_query *q, wf_json *data);
WF_API wf_result wf_metadata(wf_client *c, const char *obj /* NULL: global */, wf_json *data);

/* The key of an incremental walk.  All zero: from the beginning. */
typedef struct wf_watermark {
    char date[48];             /* the field's value as the server wrote it, e.g. 2026-05-18T17:00:00:000-0600 */
    char id[48];               /* the ID of the last object handed over at that date */
} wf_watermark;

/* Walks a whole search, page by page ($$FIRST/$$LIMIT, ID order unless the
   query sorts).  With on_object alone, objects are streamed and memory stays
   at one object; with on_page, at one page.  A callback returning false
   stops the walk (WF_OK). */
typedef struct wf_pager_desc {
    const char *obj;                                   /* "task" */
    const wf_query *query;                             /* filters, fields; no $$FIRST/$$LIMIT */
    int page_size;                                     /* 1..2000, default 2000 */
    bool (*on_object)(void *user, wf_json object);     /* per object, or NULL */
    bool (*on_page)(void *user, wf_json page, long long first); /* per page, or NULL */
    void *user;
    /* Incremental walks: with since set, only objects created or changed
       after the watermark *since come, in (lastUpdateDate, ID) order, and
       *since moves past each object on_object accepts (on_object only; the
       query may not sort, its fields must include the watermark field).
       Pages are asked for by that key, not by $$FIRST: objects changed
       during the walk are neither skipped nor repeated (they come again
       later, changed), and equal timestamps across a page boundary are
       told apart by ID.  Keep *since only once what was handed over is
       safe: the next walk starts after it. */
    wf_watermark *since;
    const char *since_field;                           /* default "lastUpdateDate" */
} wf_pager_desc;

WF_API wf_result wf_pager_run(wf_client *c, const wf_pager_desc *desc, long long *total);

/* ------------------------------------------------------------------ writes
   wf_updates is a small JSON writer for the updates= parameter.  Zero-
   initialise it (or wf_updates_init_buf for a fixed buffer); a key given
   first opens the top-level object implicitly and wf_updates_json closes it.
   Strings must be UTF-8; control characters, '"', '\\', U+2028 and U+2029
   are escaped.  The first failure sticks, like wf_query. */
typedef struct wf_updates {
    char *buf;
    size_t len, cap;
    bool fixed;
    int depth;                 /* open containers */
    uint32_t is_object;        /* bit per depth: 1 object, 0 array */
    uint32_t has_items;        /* bit per depth: a comma is due */
    bool want_value;           /* a key was written */
    bool implicit;             /* top-level object opened by a key */
    wf_result result;
    char error[128];
    wf_allocator allocator;
} wf_updates;

WF_API void wf_updates_init_buf(wf_updates *u, char *buf, size_t cap);
WF_API void wf_updates_free(wf_updates *u);
WF_API void wf_updates_reset(wf_updates *u);
WF_API wf_result wf_updates_begin_object(wf_updates *u);
WF_API wf_result wf_updates_end_object(wf_updates *u);
WF_API wf_result wf_updates_begin_array(wf_updates *u);
WF_API wf_result wf_updates_end_array(wf_updates *u);
WF_API wf_result wf_updates_key(wf_updates *u, const char *key);
WF_API wf_result wf_updates_string(wf_updates *u, const char *s);
WF_API wf_result wf_updates_stringn(wf_updates *u, const char *s, size_t n);
WF_API wf_result wf_updates_int(wf_updates *u, long long v);
WF_API wf_result wf_updates_double(wf_updates *u, double v);           /* finite only */
WF_API wf_result wf_updates_decimal(wf_updates *u, const char *number); /* exact text, e.g. "12345.6789" */
WF_API wf_result wf_updates_bool(wf_updates *u, bool v);
WF_API wf_result wf_updates_null(wf_updates *u);
WF_API wf_result wf_updates_raw(wf_updates *u, const char *json, size_t n); /* validated JSON value */
/* key + value in one call */
WF_API wf_result wf_updates_set_str(wf_updates *u, const char *key, const char *v);
WF_API wf_result wf_updates_set_int(wf_updates *u, const char *key, long long v);
WF_API wf_result wf_updates_set_bool(wf_updates *u, const char *key, bool v);
WF_API wf_result wf_updates_set_null(wf_updates *u, const char *key);
/* A date as Workfront writes it (wf_time_format), as a value or key + value */
WF_API wf_result wf_updates_time(wf_updates *u, wf_time t);
WF_API wf_result wf_updates_set_time(wf_updates *u, const char *key, wf_time t);
/* The finished JSON text (closes an implicit top-level object); NULL when
   containers are still open or a call failed. */
WF_API const char *wf_updates_json(wf_updates *u, size_t *len);

/* POST /OBJ with params and/or updates (either may be NULL). */
WF_API wf_result wf_create(wf_client *c, const char *obj, const wf_query *params, wf_updates *updates, wf_json *data);
/* POST /OBJ?copySourceID=ID */
WF_API wf_result wf_copy(wf_client *c, const char *obj, const char *source_id, const wf_query *params, wf_updates *updates, wf_json *data);
/* PUT /OBJ/ID */
WF_API wf_result wf_edit(wf_client *c, const char *obj, const char *id, const wf_query *params, wf_updates *updates, wf_json *data);
/* DELETE /OBJ/ID[?force=true] */
WF_API wf_result wf_delete(wf_client *c, const char *obj, const char *id, bool force);
/* PUT /OBJ/ID/ACTION (id NULL: PUT /OBJ/ACTION) */
WF_API wf_result wf_action(wf_client *c, const char *obj, const char *id, const char *action, const wf_query *params, wf_json *data);
/* METHOD /OBJ[/ID]?action=ACTION (method NULL: PUT) */
WF_API wf_result wf_action_param(wf_client *c, const char *method, const char *obj, const char *id, const char *action,
                                 const wf_query *params, wf_json *data);
WF_API wf_result wf_move(wf_client *c, const char *obj, const char *id, const char *project_id, wf_json *data);
WF_API wf_result wf_share(wf_client *c, const char *obj, const char *id, const char *accessor_id,
                          const char *accessor_obj_code, const char *core_action, wf_json *data);

/* Bulk edit (or create) of a JSON array of objects, sent in requests of at
   most 100 objects (Workfront's limit).  Results arrive in input order.
   On failure the error text names the chunk and its objects; *done counts
   objects whose chunk succeeded. */
typedef struct wf_bulk_desc {
    const char *obj;
    const char *updates;       /* JSON array text: [{"ID":"...","name":"..."}, ...] */
    size_t updates_len;        /* 0: strlen */
    bool create;               /* POST new objects instead of PUT edits */
    int chunk_size;            /* 1..100, default 100 */
    const wf_query *params;    /* extra parameters for every request (e.g. fields) */
    bool (*on_result)(void *user, size_t index, wf_json object); /* false stops */
    void *user;
} wf_bulk_desc;
WF_API wf_result wf_bulk_edit(wf_client *c, const wf_bulk_desc *desc, size_t *done);

/* POST /batch: one uri= per call; writes carry their method inside the uri
   (method=PUT...), which is what makes writes in a batch work. */
typedef struct wf_batch { wf_query form; int count; } wf_batch;
WF_API wf_result wf_batch_add(wf_batch *b, const char *method, const char *path, const wf_query *q);
WF_API wf_result wf_batch_run(wf_client *c, wf_batch *b, bool atomic, wf_json *data);
WF_API void wf_batch_free(wf_batch *b);

/* Upload a file (streamed, never loaded whole) and create the document. */
typedef struct wf_upload_desc {
    const char *file;          /* path; or NULL and read/size below */
    long (*read)(void *user, void *buf, size_t cap);
    void *user;
    uint64_t size;             /* bytes read will give (required with read) */
    const char *file_name;     /* name shown in Workfront; default: basename of file */
    const char *doc_name;      /* document name; default: file_name */
    const char *obj_code;      /* "PROJ", "TASK", "OPTASK" ... */
    const char *obj_id;        /* the object the document belongs to */
    const char *version;       /* default "v1.0" */
    void (*progress)(void *user, uint64_t sent, uint64_t total);
} wf_upload_desc;
/* *handle (optional, 64 bytes) gets the upload handle; data: the document. */
WF_API wf_result wf_upload(wf_client *c, const wf_upload_desc *desc, char handle[64], wf_json *data);

typedef enum wf_api_key_op { WF_API_KEY_GET, WF_API_KEY_GENERATE, WF_API_KEY_CLEAR } wf_api_key_op;
/* PUT /user?action=getApiKey|generateApiKey|clearApiKey with username and
   password; key (may be NULL for clear) receives the key. */
WF_API wf_result wf_api_key(wf_client *c, wf_api_key_op op, const char *username, const char *password,
                            char *key, size_t key_cap);

/* ------------------------------------------------------ event subscriptions
   /attask/eventsubscription/api/v1/subscriptions (System Administrators
   only; answers are not in the data envelope).  Bad input -- an unknown
   eventType, a url that is not https://, more than 10 filter groups or more
   than 5 filters in a group, a missing field -- is refused before sending. */
typedef struct wf_subscription_desc {
    const char *obj_code;         /* "TASK", "PROJ", ... (required) */
    const char *event_type;       /* CREATE, UPDATE, DELETE or SHARE (required) */
    const char *url;              /* https:// endpoint the events go to (required) */
    const char *auth_token;       /* sent to url with each event (required) */
    const char *obj_id;           /* one object only; NULL: every object of obj_code */
    const char *filters_json;     /* the "filters" array as JSON text, or NULL */
    const char *filter_connector; /* "AND" (default) or "OR", or NULL */
    bool base64_encoding;         /* newState/oldState base64-encoded */
} wf_subscription_desc;
/* id (optional) gets the new subscription's ID, from the 201's Location. */
WF_API wf_result wf_subscription_create(wf_client *c, const wf_subscription_desc *s, char *id, size_t id_cap);
/* Checks a subscription (JSON object, len 0: strlen) as create does, without
   a client or a request: err->text says what is wrong. */
WF_API wf_result wf_subscription_validate(const char *json, size_t len, wf_error *err);
/* The same from a ready JSON object (len 0: strlen), validated the same way. */
WF_API wf_result wf_subscription_create_json(wf_client *c, const char *json, size_t len, char *id, size_t id_cap);
/* {"subscriptions":[...],"meta":{...}}; page and limit 0 = the server's defaults (1, 100; limit at most 1000). */
WF_API wf_result wf_subscription_list(wf_client *c, int page, int limit, wf_json *data);
WF_API wf_result wf_subscription_get(wf_client *c, const char *id, wf_json *data);
WF_API wf_result wf_subscription_delete(wf_client *c, const char *id);

/* -------------------------------------------------------- document download
   Streams a document's current version (or version_id) to sink, in pieces
   of at most 16 KB: memory does not grow with the file.  The file's address
   is the downloadURL the API gives for the document (or version).  A sink
   returning false stops the transfer (WF_ERR_FILE).  Nothing is retried once
   a byte reached the sink. */
typedef struct wf_download_desc {
    const char *document_id;
    const char *version_id;       /* NULL: the current version */
    /* called once the file is known, before any byte of it: the version's
       file name (may be "") and size (0 if unknown); false cancels */
    bool (*on_start)(void *user, const char *file_name, uint64_t size);
    wf_sink sink;
    void *user;
    uint64_t *size;               /* optional: bytes received */
} wf_download_desc;
WF_API wf_result wf_download(wf_client *c, const wf_download_desc *d);

/* ------------------------------------------------------------ object model
   python-workfront's Object: load an object, set fields, save sends only
   the changed ones (or creates the object when it has no ID). */
typedef struct wf_object wf_object;
WF_API wf_result wf_object_new(wf_client *c, const char *obj, wf_object **out);
WF_API wf_result wf_object_load(wf_client *c, const char *obj, const char *id, const char *fields, wf_object **out);
WF_API void wf_object_free(wf_object *o);
WF_API const char *wf_object_id(const wf_object *o);          /* NULL before the first save */
WF_API wf_json wf_object_get(const wf_object *o, const char *field); /* loaded value (not pending changes) */
WF_API wf_result wf_object_set_str(wf_object *o, const char *field, const char *v);
WF_API wf_result wf_object_set_int(wf_object *o, const char *field, long long v);
WF_API wf_result wf_object_set_bool(wf_object *o, const char *field, bool v);
WF_API wf_result wf_object_set_null(wf_object *o, const char *field);
WF_API wf_result wf_object_set_json(wf_object *o, const char *field, const char *json);
WF_API size_t wf_object_changes(const wf_object *o);
WF_API wf_result wf_object_save(wf_object *o);               /* create or PUT the changes; reloads */
WF_API wf_result wf_object_reload(wf_object *o, const char *fields);
WF_API wf_result wf_object_delete(wf_object *o, bool force);
WF_API wf_result wf_object_action(wf_object *o, const char *action, const wf_query *params, wf_json *data);

#ifdef __cplusplus
} /* extern "C" */
#endif
#endif /* WORKFRONT_H */

/* ========================================================================== */
/*                              IMPLEMENTATION                                */
/* ========================================================================== */
#ifdef WORKFRONT_IMPLEMENTATION
#ifndef WORKFRONT_IMPLEMENTATION_DONE
#define WORKFRONT_IMPLEMENTATION_DONE

/* CONTENTS
   The implementation reads top-down: each section uses only those above it.
   Search for ">> name" to jump to a section.

   base         util & buffers . errors . redaction . url & percent-encoding
   codecs       http/1.1: response parser . json: tokens, validation, views .
                json: writer . envelope & errors . query builder .
                dates . json: updates writer
   platform     platform: clock, sleep, sockets, files, entropy, CA store
                (the only code that touches the OS; hooks under PORTING)
   transport    transport: connection state . transport: tls .
                transport: proxy . transport: connection
   client       client . client: token cache . client: lifecycle . streaming . http/1.1: requests
   API          api calls . pager . writes . upload . any endpoint (event
                subscriptions, document download) . object model . auth
*/

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#if defined(__SSE2__)
#include <emmintrin.h> /* the plain-text scan of answers, 16 bytes a step */
#endif

#ifndef WF_MALLOC
#  define WF_MALLOC(n) malloc(n)
#  define WF_FREE(p) free(p)
#endif
#ifndef WF_ASSERT
#  include <assert.h>
#  define WF_ASSERT(x) assert(x)
#endif
#ifndef WF_DEFAULT_API_VERSION
#  define WF_DEFAULT_API_VERSION "v22.0"
#endif

/* jsmn stays private to this translation unit. */
#ifndef JSMN_STATIC
#  define JSMN_STATIC
#endif
#ifndef JSMN_STRICT
#  define JSMN_STRICT
#endif
#ifndef JSMN_PARENT_LINKS
#  define JSMN_PARENT_LINKS
#endif
/* "jsmn.h" so that a copy beside workfront.h is found without -I; WF_JSMN_H
   points elsewhere, e.g. -DWF_JSMN_H='"third_party/jsmn/jsmn.h"'. */
#ifdef WF_JSMN_H
#  include WF_JSMN_H
#else
#  include "jsmn.h"
#endif

#ifndef WF_NO_TLS
#  include <mbedtls/version.h>
#  include <mbedtls/ssl.h>
#  include <mbedtls/net_sockets.h>
#  include <mbedtls/entropy.h>
#  include <mbedtls/ctr_drbg.h>
#  include <mbedtls/x509_crt.h>
#  include <mbedtls/error.h>
#  include <mbedtls/platform_util.h>
#  include <mbedtls/pk.h>
#  include <mbedtls/sha256.h>
#  include <mbedtls/base64.h>
#  if MBEDTLS_VERSION_MAJOR >= 3
#    include <psa/crypto.h>
#  endif
#endif

/* The header formats with its own wf__vsnprintf (C99 conversions); on
   mingw, "printf" would mean msvcrt's rules and flag %zu and %lld falsely. */
#if defined(__MINGW32__) && defined(__GNUC__) && !defined(__clang__)
#  define WF__PRINTF(a, b) __attribute__((format(gnu_printf, a, b)))
#elif defined(__GNUC__) || defined(__clang__)
#  define WF__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#  define WF__PRINTF(a, b)
#endif
#if defined(__GNUC__) || defined(__clang__)
#  define WF__MAYBE_UNUSED __attribute__((unused)) /* primitives not every configuration calls */
#else
#  define WF__MAYBE_UNUSED
#endif

/* >> util & buffers ======================================================== */

static void *wf__alloc(const wf_allocator *a, size_t n) {
    if (n == 0) n = 1;
    return a && a->alloc_fn ? a->alloc_fn(n, a->user_data) : WF_MALLOC(n);
}

static void wf__free(const wf_allocator *a, void *p) {
    if (!p) return;
    if (a && a->free_fn) a->free_fn(p, a->user_data); else WF_FREE(p);
}

static char *wf__strdup(const wf_allocator *a, const char *s) {
    size_t n;
    char *d;
    if (!s) return NULL;
    n = strlen(s);
    d = (char *)wf__alloc(a, n + 1);
    if (d) memcpy(d, s, n + 1);
    return d;
}

/* Wipes memory that held a secret in a way the compiler keeps. */
static void wf__zero(void *p, size_t n) {
#ifndef WF_NO_TLS
    mbedtls_platform_zeroize(p, n);
#else
    volatile unsigned char *v = (volatile unsigned char *)p;
    while (n--) *v++ = 0;
#endif
}

/* Frees a string that may hold a secret, wiping it first. */
static void wf__free_secret(const wf_allocator *a, char *s) {
    if (!s) return;
    wf__zero(s, strlen(s));
    wf__free(a, s);
}

/* A growable byte buffer, always NUL-terminated when p != NULL. */
typedef struct wf__buf { char *p; size_t len, cap; } wf__buf;

static bool wf__buf_reserve(const wf_allocator *a, wf__buf *b, size_t extra) {
    size_t need, cap;
    char *p;
    if (extra > (size_t)-1 / 2 - b->len) return false;
    need = b->len + extra + 1;
    if (need <= b->cap) return true;
    /* an empty buffer has nothing to keep: release it before the new one */
    if (b->len == 0) { wf__free(a, b->p); b->p = NULL; b->cap = 0; }
    cap = b->cap ? b->cap : 256;
    while (cap < need) cap *= 2;
    p = (char *)wf__alloc(a, cap);
    if (!p) return false;
    if (b->p) memcpy(p, b->p, b->len);
    p[b->len] = 0;
    wf__free(a, b->p);
    b->p = p;
    b->cap = cap;
    return true;
}

/* The same without rounding up: for a size known in advance (Content-Length). */
static bool wf__buf_reserve_exact(const wf_allocator *a, wf__buf *b, size_t extra) {
    char *p;
    if (extra > (size_t)-1 / 2 - b->len) return false;
    if (b->len + extra + 1 <= b->cap) return true;
    if (b->len == 0) { wf__free(a, b->p); b->p = NULL; b->cap = 0; }
    p = (char *)wf__alloc(a, b->len + extra + 1);
    if (!p) return false;
    if (b->p) memcpy(p, b->p, b->len);
    p[b->len] = 0;
    wf__free(a, b->p);
    b->p = p;
    b->cap = b->len + extra + 1;
    return true;
}

static bool wf__buf_add(const wf_allocator *a, wf__buf *b, const void *d, size_t n) {
    if (!wf__buf_reserve(a, b, n)) return false;
    if (n) memcpy(b->p + b->len, d, n);
    b->len += n;
    b->p[b->len] = 0;
    return true;
}

static bool wf__buf_adds(const wf_allocator *a, wf__buf *b, const char *s) {
    return wf__buf_add(a, b, s, strlen(s));
}

static void wf__buf_free(const wf_allocator *a, wf__buf *b) {
    wf__free(a, b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

static char wf__lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }

static bool wf__ieq(const char *a, size_t alen, const char *b) {
    size_t i;
    for (i = 0; i < alen; i++)
        if (!b[i] || wf__lower(a[i]) != wf__lower(b[i])) return false;
    return b[alen] == 0;
}

/* Case-insensitive substring test, for error classes and header values. */
static bool wf__icontains(const char *hay, const char *needle) {
    size_t n = strlen(needle), i;
    for (; *hay; hay++) {
        for (i = 0; i < n && hay[i] && wf__lower(hay[i]) == wf__lower(needle[i]); i++) {}
        if (i == n) return true;
    }
    return false;
}

static void wf__copy(char *dst, size_t cap, const char *src, size_t n) {
    if (!cap) return;
    if (n >= cap) n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

/* Formatting without the C library's printf: small C libraries (newlib-nano,
   some RTOS libcs) lack %lld and %zu and would print garbage, and Windows'
   msvcrt disagrees on both.  This covers what the header uses: %d %i %u %x
   %X %c %s %% with flags '-' and '0', width and precision (numbers or '*'),
   and the lengths h, l, ll, z.  Doubles never come here: wf__fmt_double. */
static size_t wf__utoa(char *out, uint64_t v, unsigned base, bool upper) {
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char t[24];
    size_t n = 0, i;
    do { t[n++] = digits[v % base]; v /= base; } while (v);
    for (i = 0; i < n; i++) out[i] = t[n - 1 - i];
    out[n] = 0;
    return n;
}

/* A signed 64-bit integer in decimal; out needs 21 bytes.  Answers the length. */
static size_t wf__itoa(char *out, int64_t v) {
    if (v < 0) { out[0] = '-'; return 1 + wf__utoa(out + 1, (uint64_t)0 - (uint64_t)v, 10, false); }
    return wf__utoa(out, (uint64_t)v, 10, false);
}

static int wf__vsnprintf(char *out, size_t cap, const char *fmt, va_list ap) {
    size_t o = 0;
#define WF__PUT(ch) do { if (o + 1 < cap) out[o] = (ch); o++; } while (0)
    while (*fmt) {
        bool left = false, zero = false;
        int width = 0, prec = -1, lng = 0;
        char num[24];
        const char *s;
        size_t n, i, pad;
        bool neg = false;
        if (*fmt != '%') { WF__PUT(*fmt); fmt++; continue; }
        fmt++;
        for (;; fmt++) {
            if (*fmt == '-') left = true;
            else if (*fmt == '0') zero = true;
            else break;
        }
        if (*fmt == '*') { width = va_arg(ap, int); fmt++; if (width < 0) { left = true; width = -width; } }
        else while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
        if (*fmt == '.') {
            fmt++;
            prec = 0;
            if (*fmt == '*') { prec = va_arg(ap, int); fmt++; }
            else while (*fmt >= '0' && *fmt <= '9') prec = prec * 10 + (*fmt++ - '0');
        }
        if (*fmt == 'h') { fmt++; if (*fmt == 'h') fmt++; }
        else if (*fmt == 'l') { lng = 1; fmt++; if (*fmt == 'l') { lng = 2; fmt++; } }
        else if (*fmt == 'z') { lng = 3; fmt++; }
        switch (*fmt) {
        case 'd': case 'i': {
            int64_t v = lng == 2 ? (int64_t)va_arg(ap, long long) : lng == 1 ? (int64_t)va_arg(ap, long)
                      : lng == 3 ? (int64_t)va_arg(ap, ptrdiff_t) : (int64_t)va_arg(ap, int);
            neg = v < 0;
            n = wf__utoa(num, neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, 10, false);
            s = num;
            break;
        }
        case 'u': case 'x': case 'X': {
            uint64_t v = lng == 2 ? (uint64_t)va_arg(ap, unsigned long long) : lng == 1 ? (uint64_t)va_arg(ap, unsigned long)
                       : lng == 3 ? (uint64_t)va_arg(ap, size_t) : (uint64_t)va_arg(ap, unsigned);
            n = wf__utoa(num, v, *fmt == 'u' ? 10u : 16u, *fmt == 'X');
            s = num;
            break;
        }
        case 'c':
            num[0] = (char)va_arg(ap, int);
            s = num;
            n = 1;
            prec = -1;
            break;
        case 's':
            s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            for (n = 0; (prec < 0 || n < (size_t)prec) && s[n]; n++) {}
            prec = -1;
            zero = false;
            break;
        case '%':
            WF__PUT('%');
            fmt++;
            continue;
        default: /* not a conversion this formatter knows: show it, never guess */
            WF__PUT('%');
            continue;
        }
        fmt++;
        /* precision of an integer: at least that many digits */
        i = prec >= 0 && (size_t)prec > n ? (size_t)prec - n : 0;
        pad = (size_t)width > n + i + neg ? (size_t)width - n - i - neg : 0;
        if (!left && !zero) while (pad) { WF__PUT(' '); pad--; }
        if (neg) WF__PUT('-');
        if (!left && zero) while (pad) { WF__PUT('0'); pad--; }
        while (i--) WF__PUT('0');
        for (i = 0; i < n; i++) WF__PUT(s[i]);
        while (pad) { WF__PUT(' '); pad--; }
    }
    if (cap) out[o < cap ? o : cap - 1] = 0;
#undef WF__PUT
    return o > 0x7fffffff ? 0x7fffffff : (int)o;
}

static int wf__snprintf(char *out, size_t cap, const char *fmt, ...) WF__PRINTF(3, 4);
static int wf__snprintf(char *out, size_t cap, const char *fmt, ...) {
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = wf__vsnprintf(out, cap, fmt, ap);
    va_end(ap);
    return n;
}


/* >> errors ================================================================ */

static const char *const wf__result_text[] = {
#define WF__RESULT_TEXT(name, text) text,
    WF_RESULT_LIST(WF__RESULT_TEXT)
#undef WF__RESULT_TEXT
};

WF_API const char *wf_result_str(wf_result r) {
    if ((unsigned)r >= (unsigned)WF_RESULT_COUNT) return "unknown result"; /* enums may be one unsigned byte (ARM EABI) */
    return wf__result_text[r];
}

WF_API const char *wf_version(void) { return WF_VERSION_STRING; }

WF_API const char *wf_tls_version(void) {
#ifdef WF_NO_TLS
    return "none";
#else
    return "Mbed TLS " MBEDTLS_VERSION_STRING;
#endif
}

WF_API const char *wf_tls_protocols(void) {
#if defined(WF_NO_TLS)
    return "none";
#elif defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_PROTO_TLS1_2)
    return "TLS 1.3, TLS 1.2";
#elif defined(MBEDTLS_SSL_PROTO_TLS1_3)
    return "TLS 1.3";
#else
    return "TLS 1.2"; /* the client refuses anything older */
#endif
}

static void wf__err_clear(wf_error *e) {
    memset(e, 0, sizeof *e);
}

/* Sets the result and the one-line text; the text must never hold a secret. */
static wf_result wf__fail(wf_error *e, wf_result r, const char *fmt, ...) WF__PRINTF(3, 4);
static wf_result wf__fail(wf_error *e, wf_result r, const char *fmt, ...) {
    va_list ap;
    e->result = r;
    va_start(ap, fmt);
    wf__vsnprintf(e->text, sizeof e->text, fmt, ap);
    va_end(ap);
    return r;
}

/* Hands one line to the logger when its level wants it; callers never pass a secret. */
static void wf__logf(const wf_logger *log, wf_log_level lvl, const char *fmt, ...) WF__PRINTF(3, 4);
static void wf__logf(const wf_logger *log, wf_log_level lvl, const char *fmt, ...) {
    char line[1024];
    va_list ap;
    if (!log->fn || lvl > log->level) return;
    va_start(ap, fmt);
    wf__vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    log->fn(log->user_data, lvl, line);
}

/* A printable excerpt of a body that should have been JSON. */
static void wf__excerpt(char *dst, size_t cap, const char *src, size_t n) {
    size_t i, o = 0;
    for (i = 0; i < n && o + 1 < cap; i++) {
        unsigned char ch = (unsigned char)src[i];
        if (ch == '\r' || ch == '\n' || ch == '\t') ch = ' ';
        if (o && ch == ' ' && dst[o - 1] == ' ') continue;
        dst[o++] = (ch < 0x20 || ch == 0x7f) ? '.' : (char)ch;
    }
    /* never cut a UTF-8 sequence in half */
    while (o > 0 && ((unsigned char)dst[o - 1] & 0xC0) == 0x80) o--;
    if (o > 0 && ((unsigned char)dst[o - 1] & 0xC0) == 0xC0) o--;
    dst[o] = 0;
}

/* >> redaction ============================================================= */

/* Names whose values are secrets, in headers, query strings and form bodies. */
static bool wf__is_secret_name(const char *name, size_t n) {
    static const char *const names[] = {
        "apikey", "sessionid", "password", "authorization", "cookie", "set-cookie",
        "client_secret", "jwt_token", "refresh_token", "access_token", "code",
        "token", "proxy-authorization", "x-api-key", NULL
    };
    int i;
    for (i = 0; names[i]; i++)
        if (wf__ieq(name, n, names[i])) return true;
    return false;
}

/* Copies a query string or form body, replacing secret values. */
static bool wf__redact_query(const wf_allocator *a, wf__buf *out, const char *q, size_t n) {
    size_t i = 0;
    while (i < n) {
        size_t k = i, eq, end;
        while (k < n && q[k] != '&') k++;
        end = k;
        for (eq = i; eq < end && q[eq] != '='; eq++) {}
        if (eq < end && wf__is_secret_name(q + i, eq - i)) {
            if (!wf__buf_add(a, out, q + i, eq - i + 1) || !wf__buf_adds(a, out, "<redacted>")) return false;
        } else if (!wf__buf_add(a, out, q + i, end - i)) {
            return false;
        }
        if (end < n && !wf__buf_add(a, out, "&", 1)) return false;
        i = end + 1;
    }
    return true;
}

/* >> url & percent-encoding ================================================ */

static bool wf__unreserved(unsigned char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '.' || ch == '_' || ch == '~';
}

/* Query keys and values keep a few sub-delimiters literal because Workfront
   names use them ("OR:1:name", "$$LIMIT", "fields=a,b", "*") and readable
   traces matter; everything that has a meaning in a query (& = + # % ?) and
   all non-ASCII bytes are encoded. */
static bool wf__query_safe(unsigned char ch) {
    return wf__unreserved(ch) || ch == ':' || ch == '$' || ch == ',' || ch == '/' || ch == '@' || ch == '*';
}

WF_API size_t wf_url_encode(const char *src, size_t len, char *dst, size_t cap) {
    static const char hex[] = "0123456789ABCDEF";
    size_t i, o = 0, w = 0; /* w: bytes written, a prefix that stops at the first unit that does not fit */
    for (i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)src[i];
        if (wf__query_safe(ch)) {
            if (dst && w == o && o + 1 < cap) dst[w++] = (char)ch;
            o++;
        } else {
            if (dst && w == o && o + 3 < cap) {
                dst[w] = '%';
                dst[w + 1] = hex[ch >> 4];
                dst[w + 2] = hex[ch & 15];
                w += 3;
            }
            o += 3;
        }
    }
    if (dst && cap) dst[w] = 0;
    return o; /* the full encoded length, like snprintf */
}

typedef struct wf__url {
    bool tls;
    char host[256]; /* without brackets for IPv6 literals */
    int port;
    const char *path; /* points into the parsed string: "" or "/..." */
} wf__url;

/* The '@' that ends "user:password@" in the authority starting at a (the
   last one before the path: passwords may hold '@'), or NULL. */
static const char *wf__userinfo_at(const char *a) {
    const char *at = NULL;
    size_t alen = strcspn(a, "/?#"), i;
    for (i = 0; i < alen; i++) if (a[i] == '@') at = a + i;
    return at;
}

/* The URL for an error text: at most 200 bytes, with any userinfo
   ("user:password@") before the host replaced by "***@". */
static const char *wf__url_shown(const char *s, char *out, size_t cap) {
    const char *a = strstr(s, "://"), *at;
    size_t pre;
    a = a ? a + 3 : s;
    at = wf__userinfo_at(a);
    if (!at) { wf__snprintf(out, cap, "%.200s", s); return out; }
    pre = (size_t)(a - s);
    wf__snprintf(out, cap, "%.*s***%.180s", (int)(pre < 20 ? pre : 20), s, at);
    return out;
}

/* Parses "http[s]://host[:port][/path]".  No userinfo: credentials in URLs
   end up in logs. */
static wf_result wf__url_parse(const char *s, wf__url *u, wf_error *e) {
    const char *p, *h, *hend;
    size_t hl;
    char shown[256];
    memset(u, 0, sizeof *u);
    if (!s || !*s) return wf__fail(e, WF_ERR_URL, "empty URL");
    if (strncmp(s, "https://", 8) == 0) { u->tls = true; p = s + 8; u->port = 443; }
    else if (strncmp(s, "http://", 7) == 0) { p = s + 7; u->port = 80; }
    else return wf__fail(e, WF_ERR_URL, "URL must start with http:// or https://: \"%s\"", wf__url_shown(s, shown, sizeof shown));
    if (*p == '[') {
        h = p + 1;
        hend = strchr(h, ']');
        if (!hend) return wf__fail(e, WF_ERR_URL, "unterminated IPv6 address in URL");
        p = hend + 1;
    } else {
        h = p;
        while (*p && *p != ':' && *p != '/' && *p != '?' && *p != '#') {
            if (*p == '@') return wf__fail(e, WF_ERR_URL, "user credentials in a URL are not supported (they would leak into logs)");
            p++;
        }
        hend = p;
    }
    hl = (size_t)(hend - h);
    if (hl == 0 || hl >= sizeof u->host) return wf__fail(e, WF_ERR_URL, "URL has no valid host: \"%s\"", wf__url_shown(s, shown, sizeof shown));
    memcpy(u->host, h, hl);
    u->host[hl] = 0;
    {
        size_t i;
        for (i = 0; i < hl; i++) {
            unsigned char ch = (unsigned char)u->host[i];
            if (ch <= ' ' || ch >= 0x7f || ch == '/' || ch == '\\' || ch == '%' || ch == '@')
                return wf__fail(e, WF_ERR_URL, "URL host contains an invalid character: \"%s\"", wf__url_shown(s, shown, sizeof shown));
        }
    }
    if (*p == ':') {
        long port = 0;
        p++;
        if (*p < '0' || *p > '9') return wf__fail(e, WF_ERR_URL, "URL port is not a number");
        while (*p >= '0' && *p <= '9') {
            port = port * 10 + (*p++ - '0');
            if (port > 65535) break;
        }
        if (port < 1 || port > 65535) return wf__fail(e, WF_ERR_URL, "URL port out of range (1-65535)");
        u->port = (int)port;
    }
    if (*p && *p != '/') return wf__fail(e, WF_ERR_URL, "unexpected \"%c\" after the host in URL", *p);
    if (strchr(p, '?') || strchr(p, '#')) return wf__fail(e, WF_ERR_URL, "a base URL cannot carry a query or fragment");
    {
        /* the path goes into request lines as it is: no spaces, controls or raw non-ASCII */
        const char *q;
        for (q = p; *q; q++)
            if ((unsigned char)*q <= ' ' || (unsigned char)*q >= 0x7f)
                return wf__fail(e, WF_ERR_URL, "URL path contains a space, control or non-ASCII byte (percent-encode it)");
    }
    u->path = p;
    return WF_OK;
}

/* "22.0" -> "v22.0"; "v15.0", "unsupported" and other plain tokens as given. */
static wf_result wf__api_version(const char *v, char *out, size_t cap, wf_error *e) {
    size_t i, n;
    if (!v || !*v) v = WF_DEFAULT_API_VERSION;
    n = strlen(v);
    for (i = 0; i < n; i++) {
        char ch = v[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '.' || ch == '-' || ch == '_'))
            return wf__fail(e, WF_ERR_INVALID, "invalid API version \"%.40s\"", v);
    }
    if (n + 2 > cap) return wf__fail(e, WF_ERR_INVALID, "API version too long");
    if (v[0] >= '0' && v[0] <= '9') wf__snprintf(out, cap, "v%s", v);
    else wf__snprintf(out, cap, "%s", v);
    return WF_OK;
}

/* Builds the API base URL from the desc: url, or domain (+ template). */
static wf_result wf__base_url(const wf_client_desc *d, const wf_allocator *a, char **out, wf_error *e) {
    char ver[64];
    wf__buf b;
    memset(&b, 0, sizeof b);
    wf_result r = wf__api_version(d->api_version, ver, sizeof ver, e);
    const char *tpl = d->url_template;
    *out = NULL;
    if (r) return r;
    if (d->url && *d->url) {
        size_t n = strlen(d->url);
        while (n > 0 && d->url[n - 1] == '/') n--;
        if (!wf__buf_add(a, &b, d->url, n)) goto nomem;
        /* ".../attask" or ".../attask/" (the slash trimmed above): the API path follows */
        if (b.len >= 7 && memcmp(b.p + b.len - 7, "/attask", 7) == 0 && !strstr(b.p, "/attask/")) b.p[b.len -= 7] = 0;
        if (!strstr(b.p, "/attask/")) {
            /* up to and excluding /attask: the API path is ours to add */
            if (strcmp(ver, "unsupported") == 0) { if (!wf__buf_adds(a, &b, "/attask/api-unsupported")) goto nomem; }
            else if (!wf__buf_adds(a, &b, "/attask/api/") || !wf__buf_adds(a, &b, ver)) goto nomem;
        }
    } else if (d->domain && *d->domain) {
        const char *s;
        for (s = d->domain; *s; s++)
            if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '.'))
                return wf__fail(e, WF_ERR_URL, "invalid Workfront domain \"%.100s\" (letters, digits, '-' and '.')", d->domain);
        if (!tpl || !*tpl) tpl = strchr(d->domain, '.') ? "{protocol}://{domain}/attask/api/{api_version}" : WF_TEMPLATE_ADOBE;
        else if (strcmp(tpl, "adobe") == 0) tpl = WF_TEMPLATE_ADOBE;
        else if (strcmp(tpl, "my") == 0) tpl = WF_TEMPLATE_MY;
        else if (strcmp(tpl, "ondemand") == 0) tpl = WF_TEMPLATE_ONDEMAND;
        else if (strcmp(tpl, "sandbox") == 0) tpl = WF_TEMPLATE_SANDBOX;
        else if (!strstr(tpl, "://"))
            return wf__fail(e, WF_ERR_URL, "unknown URL template \"%.60s\" (presets: adobe, my, ondemand, sandbox)", tpl);
        for (s = tpl; *s; ) {
            /* one rule with url and templates: "unsupported" is /attask/api-unsupported */
            if (strcmp(ver, "unsupported") == 0 && strncmp(s, "/api/{api_version}", 18) == 0) {
                if (!wf__buf_adds(a, &b, "/api-unsupported")) goto nomem;
                s += 18;
                continue;
            }
            if (strncmp(s, "{protocol}", 10) == 0) {
                const char *proto = d->protocol && *d->protocol ? d->protocol : "https";
                if (strcmp(proto, "http") != 0 && strcmp(proto, "https") != 0)
                    { wf__buf_free(a, &b); return wf__fail(e, WF_ERR_URL, "protocol must be http or https"); }
                if (!wf__buf_adds(a, &b, proto)) goto nomem;
                s += 10;
            } else if (strncmp(s, "{domain}", 8) == 0) {
                if (!wf__buf_adds(a, &b, d->domain)) goto nomem;
                s += 8;
            } else if (strncmp(s, "{api_version}", 13) == 0) {
                if (!wf__buf_adds(a, &b, ver)) goto nomem;
                s += 13;
            } else {
                if (!wf__buf_add(a, &b, s, 1)) goto nomem;
                s++;
            }
        }
        while (b.len > 0 && b.p[b.len - 1] == '/') b.p[--b.len] = 0;
    } else {
        return wf__fail(e, WF_ERR_URL, "no Workfront URL: set url or domain");
    }
    *out = b.p;
    return WF_OK;
nomem:
    wf__buf_free(a, &b);
    return wf__fail(e, WF_ERR_NOMEM, "out of memory building the base URL");
}

/* >> http/1.1: response parser ============================================= */

/* A pure, incremental parser: feed it any split of the bytes and it gives
   the same answer.  The body goes into a buffer capped at max_body. */
enum {
    WF__HTTP_MORE = 0,          /* needs more bytes */
    WF__HTTP_DONE = 1,          /* one complete response */
    WF__HTTP_ERR_SYNTAX = -1,
    WF__HTTP_ERR_TOO_LARGE = -2,
    WF__HTTP_ERR_NOMEM = -3,
    WF__HTTP_ERR_TRUNCATED = -4, /* end of stream inside the response */
    WF__HTTP_ERR_SINK = -5       /* the body sink refused the bytes */
};

enum {
    WF__HS_STATUS, WF__HS_HEADER, WF__HS_BODY_LEN, WF__HS_BODY_CLOSE,
    WF__HS_CHUNK_SIZE, WF__HS_CHUNK_DATA, WF__HS_CHUNK_END, WF__HS_TRAILER, WF__HS_DONE
};

#define WF__HTTP_LINE_MAX 8192
#define WF__HTTP_HEAD_MAX (64 * 1024)

typedef struct wf__http {
    const wf_allocator *a;
    size_t max_body;
    bool head_request;         /* response to HEAD: no body whatever the headers say */
    bool no_reserve;           /* streamed body: do not size the buffer from Content-Length */
    /* A 2xx body (identity-coded) goes to sink instead of the buffer, so a
       download of any size needs no more memory than one read. */
    bool (*sink)(void *user, const char *data, size_t len);
    void *sink_user;
    bool sinking;              /* this response's body goes to the sink */
    uint64_t sunk;             /* bytes handed to the sink */
    /* results */
    int state;
    int status;
    int minor;                 /* HTTP/1.minor */
    bool chunked, has_length, keep_alive;
    uint64_t length, remaining;
    char content_type[96];
    char content_encoding[48];
    char retry_after[64];
    char error[96];            /* what was wrong, for the error record */
    wf__buf body;
    bool keep_head;            /* fill head (the client reads Location and friends from it) */
    wf__buf head;              /* status line and header lines as received, CRLF-ended */
    /* line assembly */
    char line[WF__HTTP_LINE_MAX];
    size_t line_len;
    size_t head_bytes;
    bool conn_close_hdr, conn_keepalive_hdr, te_seen;
} wf__http;

static void wf__http_begin(wf__http *p, const wf_allocator *a, size_t max_body, bool head_request) {
    /* no_reserve, keep_head and sink are the caller's to set after begin */
    wf__buf body = p->body, head = p->head; /* the buffers are reused across responses */
    memset(p, 0, sizeof *p);
    p->body = body;
    p->body.len = 0;
    if (p->body.p) p->body.p[0] = 0;
    p->head = head;
    p->head.len = 0;
    if (p->head.p) p->head.p[0] = 0;
    p->a = a;
    p->max_body = max_body;
    p->head_request = head_request;
}

static int wf__http_err(wf__http *p, int code, const char *why) {
    wf__copy(p->error, sizeof p->error, why, strlen(why));
    return code;
}

static bool wf__is_ows(char ch) { return ch == ' ' || ch == '\t'; }

static int wf__http_status_line(wf__http *p, const char *s, size_t n) {
    int st = 0, i;
    if (n < 12 || memcmp(s, "HTTP/1.", 7) != 0 || (s[7] != '0' && s[7] != '1') || s[8] != ' ')
        return wf__http_err(p, WF__HTTP_ERR_SYNTAX, "not an HTTP/1.x status line");
    for (i = 9; i < 12; i++) {
        if (s[i] < '0' || s[i] > '9') return wf__http_err(p, WF__HTTP_ERR_SYNTAX, "bad status code");
        st = st * 10 + (s[i] - '0');
    }
    if (st < 100 || (n > 12 && s[12] != ' ')) return wf__http_err(p, WF__HTTP_ERR_SYNTAX, "bad status code");
    p->status = st;
    p->minor = s[7] - '0';
    return WF__HTTP_MORE;
}

static bool wf__parse_u64(const char *s, size_t n, int base, uint64_t *out) {
    uint64_t v = 0;
    size_t i;
    if (n == 0) return false;
    for (i = 0; i < n; i++) {
        int d;
        char ch = s[i];
        if (ch >= '0' && ch <= '9') d = ch - '0';
        else if (base == 16 && ch >= 'a' && ch <= 'f') d = ch - 'a' + 10;
        else if (base == 16 && ch >= 'A' && ch <= 'F') d = ch - 'A' + 10;
        else return false;
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base) return false;
        v = v * (uint64_t)base + (uint64_t)d;
    }
    *out = v;
    return true;
}

static int wf__http_header(wf__http *p, const char *s, size_t n) {
    const char *colon = (const char *)memchr(s, ':', n), *v, *end = s + n;
    size_t nl, vl;
    if (wf__is_ows(s[0])) return WF__HTTP_MORE; /* obsolete line folding: nothing we read continues */
    if (!colon || colon == s) return wf__http_err(p, WF__HTTP_ERR_SYNTAX, "malformed header line");
    nl = (size_t)(colon - s);
    if (wf__is_ows(s[nl - 1])) return wf__http_err(p, WF__HTTP_ERR_SYNTAX, "space before colon in header");
    v = colon + 1;
    while (v < end && wf__is_ows(*v)) v++;
    while (end > v && wf__is_ows(end[-1])) end--;
    vl = (size_t)(end - v);
    if (wf__ieq(s, nl, "content-length")) {
        uint64_t len;
        if (!wf__parse_u64(v, vl, 10, &len)) return wf__http_err(p, WF__HTTP_ERR_SYNTAX, "invalid Content-Length");
        if (p->has_length && len != p->length) return wf__http_err(p, WF__HTTP_ERR_SYNTAX, "conflicting Content-Length headers");
        p->has_length = true;
        p->length = len;
    } else if (wf__ieq(s, nl, "transfer-encoding")) {
        /* chunked must be the last coding; anything else is read to the end */
        size_t k = vl;
        while (k > 0 && (wf__is_ows(v[k - 1]) || v[k - 1] == ',')) k--;
        p->te_seen = true;
        p->chunked = k >= 7 && wf__ieq(v + k - 7, 7, "chunked") && (k == 7 || v[k - 8] == ',' || wf__is_ows(v[k - 8]));
    } else if (wf__ieq(s, nl, "connection")) {
        char tmp[128];
        wf__copy(tmp, sizeof tmp, v, vl);
        if (wf__icontains(tmp, "close")) p->conn_close_hdr = true;
        if (wf__icontains(tmp, "keep-alive")) p->conn_keepalive_hdr = true;
    } else if (wf__ieq(s, nl, "content-type")) {
        wf__copy(p->content_type, sizeof p->content_type, v, vl);
    } else if (wf__ieq(s, nl, "content-encoding")) {
        wf__copy(p->content_encoding, sizeof p->content_encoding, v, vl);
    } else if (wf__ieq(s, nl, "retry-after")) {
        wf__copy(p->retry_after, sizeof p->retry_after, v, vl);
    }
    return WF__HTTP_MORE;
}

/* Called at the empty line ending the head: decides how the body is framed. */
static int wf__http_head_done(wf__http *p) {
    p->keep_alive = p->minor >= 1 ? !p->conn_close_hdr : p->conn_keepalive_hdr && !p->conn_close_hdr;
    if (p->status >= 100 && p->status < 200 && p->status != 101) {
        /* interim response (100 Continue, 103 Early Hints): the real one follows */
        const wf_allocator *a = p->a;
        bool no_reserve = p->no_reserve, keep_head = p->keep_head;
        bool (*sink)(void *, const char *, size_t) = p->sink;
        void *sink_user = p->sink_user;
        wf__http_begin(p, a, p->max_body, p->head_request);
        p->no_reserve = no_reserve;
        p->keep_head = keep_head;
        p->sink = sink;
        p->sink_user = sink_user;
        return WF__HTTP_MORE;
    }
    if (p->head_request || p->status == 204 || p->status == 304) {
        p->state = WF__HS_DONE;
        return WF__HTTP_DONE;
    }
    /* an encoded body could not be decoded on the way: it stays buffered and is refused */
    p->sinking = p->sink && p->status >= 200 && p->status <= 299 &&
                 (!p->content_encoding[0] || wf__ieq(p->content_encoding, strlen(p->content_encoding), "identity"));
    if (p->te_seen) {
        p->has_length = false; /* Transfer-Encoding overrides Content-Length (RFC 9112 6.3) */
        if (p->chunked) { p->state = WF__HS_CHUNK_SIZE; return WF__HTTP_MORE; }
        p->keep_alive = false;
        p->state = WF__HS_BODY_CLOSE;
        return WF__HTTP_MORE;
    }
    if (p->has_length) {
        if (p->length > p->max_body && !p->sinking) return wf__http_err(p, WF__HTTP_ERR_TOO_LARGE, "Content-Length above the response limit");
        if (!p->no_reserve && !p->sinking && !wf__buf_reserve_exact(p->a, &p->body, (size_t)p->length))
            return wf__http_err(p, WF__HTTP_ERR_NOMEM, "out of memory");
        p->remaining = p->length;
        if (p->length == 0) { p->state = WF__HS_DONE; return WF__HTTP_DONE; }
        p->state = WF__HS_BODY_LEN;
        return WF__HTTP_MORE;
    }
    p->keep_alive = false; /* the end of the connection ends the body */
    p->state = WF__HS_BODY_CLOSE;
    return WF__HTTP_MORE;
}

static int wf__http_body_bytes(wf__http *p, const char *d, size_t n) {
    if (p->sinking) {
        if (n && !p->sink(p->sink_user, d, n)) return wf__http_err(p, WF__HTTP_ERR_SINK, "the body sink refused the data");
        p->sunk += n;
        return WF__HTTP_MORE;
    }
    if (n > p->max_body - p->body.len) return wf__http_err(p, WF__HTTP_ERR_TOO_LARGE, "body above the response limit");
    if (!wf__buf_add(p->a, &p->body, d, n)) return wf__http_err(p, WF__HTTP_ERR_NOMEM, "out of memory");
    return WF__HTTP_MORE;
}

/* Body bytes can be received straight into the body buffer, without the
   copy through the client's read buffer: how many may come now (at most
   cap), or 0 when the parser must see them (head, chunk sizes) or the
   buffer cannot grow (the parser then reports it). */
static size_t wf__http_direct_room(wf__http *p, size_t cap) {
    size_t want;
    if (p->sinking) return 0; /* a sunk body never goes into the buffer */
    if (p->state == WF__HS_BODY_LEN || p->state == WF__HS_CHUNK_DATA) want = p->remaining < cap ? (size_t)p->remaining : cap;
    else if (p->state == WF__HS_BODY_CLOSE) want = cap;
    else return 0;
    if (want == 0 || want > p->max_body - p->body.len || !wf__buf_reserve(p->a, &p->body, want)) return 0;
    return want;
}

/* n bytes arrived at the end of the body buffer (after wf__http_direct_room). */
static int wf__http_direct_done(wf__http *p, size_t n) {
    p->body.len += n;
    p->body.p[p->body.len] = 0;
    if (p->state == WF__HS_BODY_CLOSE) return WF__HTTP_MORE;
    p->remaining -= n;
    if (p->remaining > 0) return WF__HTTP_MORE;
    if (p->state == WF__HS_BODY_LEN) { p->state = WF__HS_DONE; return WF__HTTP_DONE; }
    p->state = WF__HS_CHUNK_END;
    return WF__HTTP_MORE;
}

/* Handles one complete line (without its CR LF) in the line-oriented states. */
static int wf__http_line(wf__http *p, const char *s, size_t n) {
    switch (p->state) {
    case WF__HS_STATUS:
        if (n == 0 && p->status == 0) return WF__HTTP_MORE; /* tolerate a stray CRLF before the status */
        p->state = WF__HS_HEADER;
        if (p->keep_head && (!wf__buf_add(p->a, &p->head, s, n) || !wf__buf_add(p->a, &p->head, "\r\n", 2)))
            return wf__http_err(p, WF__HTTP_ERR_NOMEM, "out of memory");
        return wf__http_status_line(p, s, n);
    case WF__HS_HEADER:
        if (n == 0) return wf__http_head_done(p);
        /* kept for callers that read other headers (Location, ETag, ...) */
        if (p->keep_head && !wf__is_ows(s[0]) && (!wf__buf_add(p->a, &p->head, s, n) || !wf__buf_add(p->a, &p->head, "\r\n", 2)))
            return wf__http_err(p, WF__HTTP_ERR_NOMEM, "out of memory");
        return wf__http_header(p, s, n);
    case WF__HS_CHUNK_SIZE: {
        size_t k = 0;
        uint64_t size;
        while (k < n && s[k] != ';' && !wf__is_ows(s[k])) k++; /* extensions are ignored */
        if (!wf__parse_u64(s, k, 16, &size)) return wf__http_err(p, WF__HTTP_ERR_SYNTAX, "invalid chunk size");
        if (size == 0) { p->state = WF__HS_TRAILER; return WF__HTTP_MORE; }
        if (!p->sinking && size > p->max_body - p->body.len) return wf__http_err(p, WF__HTTP_ERR_TOO_LARGE, "body above the response limit");
        p->remaining = size;
        p->state = WF__HS_CHUNK_DATA;
        return WF__HTTP_MORE;
    }
    case WF__HS_CHUNK_END:
        if (n != 0) return wf__http_err(p, WF__HTTP_ERR_SYNTAX, "chunk not followed by CRLF");
        p->state = WF__HS_CHUNK_SIZE;
        return WF__HTTP_MORE;
    case WF__HS_TRAILER:
        if (n == 0) { p->state = WF__HS_DONE; return WF__HTTP_DONE; }
        return WF__HTTP_MORE; /* trailer fields carry nothing we need */
    default:
        return wf__http_err(p, WF__HTTP_ERR_SYNTAX, "parser state error");
    }
}

static int wf__http_feed(wf__http *p, const char *d, size_t n, size_t *consumed) {
    size_t i = 0;
    int rc = WF__HTTP_MORE;
    while (i < n && rc == WF__HTTP_MORE) {
        if (p->state == WF__HS_DONE) { rc = WF__HTTP_DONE; break; }
        if (p->state == WF__HS_BODY_LEN || p->state == WF__HS_CHUNK_DATA) {
            size_t take = n - i;
            if ((uint64_t)take > p->remaining) take = (size_t)p->remaining;
            rc = wf__http_body_bytes(p, d + i, take);
            i += take;
            p->remaining -= take;
            if (rc == WF__HTTP_MORE && p->remaining == 0) {
                if (p->state == WF__HS_BODY_LEN) { p->state = WF__HS_DONE; rc = WF__HTTP_DONE; }
                else p->state = WF__HS_CHUNK_END;
            }
        } else if (p->state == WF__HS_BODY_CLOSE) {
            rc = wf__http_body_bytes(p, d + i, n - i);
            i = n;
        } else {
            /* line-oriented: copy up to LF; bare LF is accepted as a line end */
            const char *lf = (const char *)memchr(d + i, '\n', n - i);
            size_t take = lf ? (size_t)(lf - (d + i)) + 1 : n - i;
            size_t linelen;
            if (p->state == WF__HS_STATUS || p->state == WF__HS_HEADER || p->state == WF__HS_TRAILER) {
                p->head_bytes += take;
                if (p->head_bytes > WF__HTTP_HEAD_MAX) return wf__http_err(p, WF__HTTP_ERR_TOO_LARGE, "response head above 64 KB");
            }
            if (p->line_len + take > sizeof p->line) return wf__http_err(p, WF__HTTP_ERR_TOO_LARGE, "header line above 8 KB");
            memcpy(p->line + p->line_len, d + i, take);
            p->line_len += take;
            i += take;
            if (!lf) break;
            linelen = p->line_len - 1;
            if (linelen > 0 && p->line[linelen - 1] == '\r') linelen--;
            p->line_len = 0;
            rc = wf__http_line(p, p->line, linelen);
        }
    }
    if (consumed) *consumed = i;
    return rc;
}

/* The value of the first header called name in the response head (trimmed,
   not NUL-terminated at len), or NULL. */
static const char *wf__http_header_value(const wf__http *p, const char *name, size_t *len) {
    const char *s = p->head.p, *end = s ? s + p->head.len : NULL;
    bool first = true;
    while (s && s < end) {
        const char *eol = strstr(s, "\r\n"), *colon;
        if (!eol) break;
        colon = first ? NULL : (const char *)memchr(s, ':', (size_t)(eol - s));
        first = false;
        if (colon && wf__ieq(s, (size_t)(colon - s), name)) {
            const char *v = colon + 1, *ve = eol;
            while (v < ve && wf__is_ows(*v)) v++;
            while (ve > v && wf__is_ows(ve[-1])) ve--;
            if (len) *len = (size_t)(ve - v);
            return v;
        }
        s = eol + 2;
    }
    if (len) *len = 0;
    return NULL;
}

/* The stream ended: complete only for a close-delimited body. */
static int wf__http_eof(wf__http *p) {
    if (p->state == WF__HS_DONE) return WF__HTTP_DONE;
    if (p->state == WF__HS_BODY_CLOSE) { p->state = WF__HS_DONE; return WF__HTTP_DONE; }
    return wf__http_err(p, WF__HTTP_ERR_TRUNCATED, p->state == WF__HS_BODY_LEN ? "connection closed before the whole body arrived"
                                                   : p->state >= WF__HS_CHUNK_SIZE ? "connection closed inside a chunked body"
                                                   : "connection closed inside the response head");
}

/* >> json: tokens, validation, views ======================================= */

struct wf_doc {
    const char *text;
    size_t len;
    jsmntok_t *tok;
    int *next;        /* next[i]: index just past token i's subtree (O(1) sibling steps) */
    int ntok, cap;
    int next_cap;     /* next[] outlives a load: streaming loads one object after another */
    bool compact;     /* no whitespace between the root's tokens: its text can be copied whole */
    bool borrowed;    /* tok is a streamed element's, lent for one callback: never freed here */
    int pbase;        /* parent links count from this index (a lent element's place in its array) */
    jsmntok_t *owned_tok; /* while lent: the document's own array, and its capacity */
    int owned_cap;
    size_t lo;        /* the root's text starts at or after text + lo */
    wf_allocator a;
    bool own;         /* allocated by wf_doc_parse (else embedded in a client) */
};

static bool wf__json_ws(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }

/* Outer extent of a token: strings include their quotes. */
static size_t wf__tok_begin(const jsmntok_t *t) { return (size_t)t->start - (t->type == JSMN_STRING); }
static size_t wf__tok_end(const jsmntok_t *t) { return (size_t)t->end + (t->type == JSMN_STRING); }

static int wf__hexval(char ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

static long wf__hex4(const char *s) {
    int a = wf__hexval(s[0]), b = wf__hexval(s[1]), c = wf__hexval(s[2]), d = wf__hexval(s[3]);
    if ((a | b | c | d) < 0) return -1;
    return (long)((a << 12) | (b << 8) | (c << 4) | d);
}

/* Length of a valid UTF-8 sequence at s (n bytes available), 0 if invalid. */
static size_t wf__utf8_len(const unsigned char *s, size_t n) {
    unsigned char c = s[0];
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
        if (c == 0xE0 && s[1] < 0xA0) return 0;  /* overlong */
        if (c == 0xED && s[1] >= 0xA0) return 0; /* UTF-16 surrogates */
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80) return 0;
        if (c == 0xF0 && s[1] < 0x90) return 0;
        if (c == 0xF4 && s[1] >= 0x90) return 0;
        return 4;
    }
    return 0;
}

/* True when the 8 bytes at p are all printable ASCII other than '\\' and
   '"': the bytes a string scan skips.  Workfront escapes every non-ASCII
   character, so nearly all of an answer's bytes go through here, a word at
   a time.  Borrows between lanes only ever raise a flag (they start at a
   byte that is itself flagged), so a word that passes is exact. */
static bool wf__plain8(const char *p) {
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t x;
    memcpy(&x, p, 8);
    return (((x - ones * 0x20) | ((x ^ (ones * '\\')) - ones) | ((x ^ (ones * '"')) - ones) | x) & highs) == 0;
}

/* Decodes a string body (between quotes).  out may be NULL to validate or
   measure only.  Returns the decoded length, or -1 for an invalid escape,
   a lone surrogate, a raw control character or invalid UTF-8. */
static long wf__unescape(const char *s, size_t n, char *out, size_t cap) {
    size_t i = 0, o = 0;
#define WF__PUT(ch) do { if (out && o < cap) out[o] = (char)(ch); o++; } while (0)
    while (i < n) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\\') {
            long cp;
            if (i + 1 >= n) return -1;
            switch (s[i + 1]) {
            case '"': WF__PUT('"'); i += 2; continue;
            case '\\': WF__PUT('\\'); i += 2; continue;
            case '/': WF__PUT('/'); i += 2; continue;
            case 'b': WF__PUT('\b'); i += 2; continue;
            case 'f': WF__PUT('\f'); i += 2; continue;
            case 'n': WF__PUT('\n'); i += 2; continue;
            case 'r': WF__PUT('\r'); i += 2; continue;
            case 't': WF__PUT('\t'); i += 2; continue;
            case 'u': break;
            default: return -1;
            }
            if (i + 6 > n || (cp = wf__hex4(s + i + 2)) < 0) return -1;
            i += 6;
            if (cp >= 0xDC00 && cp <= 0xDFFF) return -1; /* low surrogate without a high one */
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                long lo;
                if (i + 6 > n || s[i] != '\\' || s[i + 1] != 'u' || (lo = wf__hex4(s + i + 2)) < 0 || lo < 0xDC00 || lo > 0xDFFF)
                    return -1; /* high surrogate without a low one */
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                i += 6;
            }
            if (cp < 0x80) { WF__PUT(cp); }
            else if (cp < 0x800) { WF__PUT(0xC0 | (cp >> 6)); WF__PUT(0x80 | (cp & 0x3F)); }
            else if (cp < 0x10000) { WF__PUT(0xE0 | (cp >> 12)); WF__PUT(0x80 | ((cp >> 6) & 0x3F)); WF__PUT(0x80 | (cp & 0x3F)); }
            else { WF__PUT(0xF0 | (cp >> 18)); WF__PUT(0x80 | ((cp >> 12) & 0x3F)); WF__PUT(0x80 | ((cp >> 6) & 0x3F)); WF__PUT(0x80 | (cp & 0x3F)); }
        } else if (ch < 0x20) {
            return -1;
        } else if (ch < 0x80) {
            /* fast path over plain ASCII */
            size_t j = i;
            while (j + 8 <= n && wf__plain8(s + j)) j += 8;
            while (j < n && (unsigned char)s[j] >= 0x20 && (unsigned char)s[j] < 0x80 && s[j] != '\\') j++;
            if (out) {
                size_t k = j - i;
                if (o < cap) memcpy(out + o, s + i, k <= cap - o ? k : cap - o);
            }
            o += j - i;
            i = j;
        } else {
            size_t k = wf__utf8_len((const unsigned char *)s + i, n - i), m;
            if (!k) return -1;
            for (m = 0; m < k; m++) WF__PUT(s[i + m]);
            i += k;
        }
    }
#undef WF__PUT
    return (long)o;
}

static bool wf__number_ok(const char *s, size_t n) {
    const char *p = s, *e = s + n, *d;
#define WF__DIGIT(ch) ((unsigned)((ch) - '0') < 10u)
    if (p < e && *p == '-') p++;
    if (p >= e) return false;
    if (*p == '0') p++;
    else if (WF__DIGIT(*p)) { do p++; while (p < e && WF__DIGIT(*p)); }
    else return false;
    if (p < e && *p == '.') {
        d = ++p;
        while (p < e && WF__DIGIT(*p)) p++;
        if (p == d) return false;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < e && (*p == '+' || *p == '-')) p++;
        d = p;
        while (p < e && WF__DIGIT(*p)) p++;
        if (p == d) return false;
    }
#undef WF__DIGIT
    return p == e;
}

/* A double as the shortest JSON number that reads back the same, through
   WF_FORMAT_DOUBLE (default: the C library's snprintf "%.17g").  Checked:
   a C library without float formatting (newlib-nano without
   -u _printf_float) prints nothing or a bare "g"; that is an error, never
   a wrong number in a request.  Answers the length, or 0 on failure. */
#ifndef WF_FORMAT_DOUBLE
#  define WF_FORMAT_DOUBLE(buf, cap, v) snprintf(buf, cap, "%.17g", v)
#endif
static size_t wf__fmt_double(char *out, size_t cap, double v) {
    char tmp[48];
    int n, i;
    double back;
    char *end = NULL;
    if (cap < 2 || v != v || v > 1.7976931348623157e308 || v < -1.7976931348623157e308) return 0;
    memset(tmp, 0, sizeof tmp);
    n = WF_FORMAT_DOUBLE(tmp, sizeof tmp, v);
    /* n is only compared, never used as an index: newlib-nano without
       float support returns a meaningless count, and gcc -Os may load
       tmp[n] before the range checks that would guard it */
    if (n <= 0 || (size_t)n >= sizeof tmp || (size_t)n >= cap || strlen(tmp) != (size_t)n) return 0;
    for (i = 0; i < n; i++) {
        if (tmp[i] == ',') tmp[i] = '.'; /* a locale's decimal comma */
        if (!((tmp[i] >= '0' && tmp[i] <= '9') || tmp[i] == '-' || tmp[i] == '+' || tmp[i] == '.' || tmp[i] == 'e' || tmp[i] == 'E'))
            return 0;
    }
    if (!wf__number_ok(tmp, (size_t)n)) return 0;
    back = strtod(tmp, &end);
    if (end != tmp + n || back != v) {
        /* a locale that reads a decimal comma: compare on its terms */
        bool same = false;
        char *dot = strchr(tmp, '.');
        if (dot) {
            *dot = ',';
            back = strtod(tmp, &end);
            same = end == tmp + n && back == v;
            *dot = '.';
        }
        if (!same) return 0;
    }
    memcpy(out, tmp, (size_t)n + 1);
    return (size_t)n;
}

/* Checks the text between tokens: only whitespace and exactly the
   separator the grammar expects (jsmn alone accepts {"a" "b"}, [1,] ...). */
static bool wf__gap_ok(const char *t, size_t from, size_t to, char sep) {
    bool seen = sep == 0;
    for (; from < to; from++) {
        char ch = t[from];
        if (wf__json_ws(ch)) continue;
        if (!seen && ch == sep) { seen = true; continue; }
        return false;
    }
    return seen;
}

/* wf__plain8 for the first k (< 8) bytes at p only; the bytes after them
   must be readable.  The mask is built in memory order, so this holds on
   any byte order (a borrow only ever raises flags, never hides one). */
static bool wf__plain8_first(const char *p, size_t k) {
    static const unsigned char ff[16] = { 255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0 };
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t x, m;
    memcpy(&x, p, 8);
    memcpy(&m, ff + 8 - k, 8);
    return ((((x - ones * 0x20) | ((x ^ (ones * '\\')) - ones) | ((x ^ (ones * '"')) - ones) | x) & highs) & m) == 0;
}

/* A string body is valid when it is plain printable ASCII (checked a word
   at a time; limit is the end of the readable text); anything else goes
   through the full decoder. */
static bool wf__str_ok(const char *s, size_t n, const char *limit) {
    size_t i = 0;
    while (i + 8 <= n && wf__plain8(s + i)) i += 8;
    if (i + 8 > n && (size_t)(limit - (s + i)) >= 8 && wf__plain8_first(s + i, n - i)) return true;
    for (; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch >= 0x80 || ch == '\\' || ch == '"') return wf__unescape(s + i, n - i, NULL, 0) >= 0;
    }
    return true;
}

/* True when text[0..n) holds no control character, no byte above 0x7F and
   no \\u escape: then every string in it is valid as jsmn tokenised it
   (jsmn checks the other escapes), so the strings need no check one by one.
   Workfront's answers are such text but for their \\u escapes of
   non-ASCII characters. */
static bool wf__text_plain(const char *t, size_t n) {
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    size_t i = 0;
#if defined(__SSE2__)
    /* 16 bytes a step: a signed byte below 0x20 is a control character or
       one above 0x7F; plus the backslashes (x86-64 always has SSE2) */
    {
        const __m128i lim = _mm_set1_epi8(0x20), bs = _mm_set1_epi8('\\');
        while (i + 64 <= n) {
            __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
            __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(t + i + 16));
            __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(t + i + 32));
            __m128i d = _mm_loadu_si128((const __m128i *)(const void *)(t + i + 48));
            __m128i f = _mm_or_si128(_mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(a, lim), _mm_cmpeq_epi8(a, bs)),
                                                  _mm_or_si128(_mm_cmplt_epi8(b, lim), _mm_cmpeq_epi8(b, bs))),
                                     _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(c, lim), _mm_cmpeq_epi8(c, bs)),
                                                  _mm_or_si128(_mm_cmplt_epi8(d, lim), _mm_cmpeq_epi8(d, bs))));
            if (_mm_movemask_epi8(f)) break; /* the word loop below looks closer */
            i += 64;
        }
    }
#endif
    while (i < n) {
        if (i + 32 <= n) {
            uint64_t a, b, c, d;
            memcpy(&a, t + i, 8); memcpy(&b, t + i + 8, 8); memcpy(&c, t + i + 16, 8); memcpy(&d, t + i + 24, 8);
            if (((((a - ones * 0x20) | ((a ^ (ones * '\\')) - ones) | a) | ((b - ones * 0x20) | ((b ^ (ones * '\\')) - ones) | b) |
                  ((c - ones * 0x20) | ((c ^ (ones * '\\')) - ones) | c) | ((d - ones * 0x20) | ((d ^ (ones * '\\')) - ones) | d)) & highs) == 0) {
                i += 32;
                continue;
            }
        }
        if (i + 8 <= n) {
            uint64_t a;
            memcpy(&a, t + i, 8);
            if ((((a - ones * 0x20) | ((a ^ (ones * '\\')) - ones) | a) & highs) == 0) { i += 8; continue; }
        }
        {
            /* a flagged word (or the tail): byte by byte up to the word's end */
            size_t end = i + 8 < n ? i + 8 : n;
            for (; i < end; i++) {
                unsigned char ch = (unsigned char)t[i];
                if (ch < 0x20 || ch >= 0x80) return false;
                if (ch == '\\') {
                    if (i + 1 >= n || t[i + 1] == 'u') return false;
                    i++; /* the escaped character is no escape itself */
                }
            }
        }
    }
    return true;
}

/* wf__gap_ok, first trying the gap a compact text has: the separator alone. */
static bool wf__gap_fast(const char *t, bool *compact, size_t from, size_t to, char sep) {
    if (to - from == (sep != 0) && (sep == 0 || t[from] == sep)) return true;
    *compact = false;
    return wf__gap_ok(t, from, to, sep);
}

static bool wf__literal_ok(const char *s, size_t n) {
    switch (s[0]) {
    case 'n': return n == 4 && memcmp(s, "null", 4) == 0;
    case 't': return n == 4 && memcmp(s, "true", 4) == 0;
    case 'f': return n == 5 && memcmp(s, "false", 5) == 0;
    default: return wf__number_ok(s, n);
    }
}

static wf_result wf__doc_validate(wf_doc *d, wf_error *e) {
    /* locals, not d's fields: the compiler need not reload them after each store */
    const char *t = d->text;
    const jsmntok_t *tk = d->tok;
    int *nx = d->next;
    int i, ntok = d->ntok;
    bool plain = wf__text_plain(t + d->lo, d->len - d->lo), compact = true;
    {
        /* next[]: one reverse pass, since a subtree is contiguous after its
           root.  Every token must lie inside the root's text: jsmn links a
           token after a stray ':' to the one before it even past a closed
           value. */
        int base = d->pbase, end = (int)d->len;
        for (i = ntok - 1; i > 0; i--) {
            int ni = nx[i] > i + 1 ? nx[i] : i + 1, p = tk[i].parent - base;
            if (tk[i].end < 0 || tk[i].end > end) return wf__fail(e, WF_ERR_JSON, "invalid JSON near offset %d", tk[i].start);
            nx[i] = ni;
            if (p >= 0 && nx[p] < ni) nx[p] = ni;
        }
        if (nx[0] < 1) nx[0] = 1;
    }
    if (nx[0] != ntok) return wf__fail(e, WF_ERR_JSON, "more than one JSON value in the body");
    if (!wf__gap_ok(t, d->lo, wf__tok_begin(&tk[0]), 0) || !wf__gap_ok(t, wf__tok_end(&tk[0]), d->len, 0))
        return wf__fail(e, WF_ERR_JSON, "unexpected text around the JSON value");
    for (i = 0; i < ntok; i++) {
        const jsmntok_t *k = &tk[i];
        if (k->type == JSMN_STRING) {
            if (!plain && !wf__str_ok(t + k->start, (size_t)(k->end - k->start), t + d->len))
                return wf__fail(e, WF_ERR_JSON, "invalid string at offset %d (bad escape, lone surrogate, control character or invalid UTF-8)", k->start);
        } else if (k->type == JSMN_PRIMITIVE) {
            if (!wf__literal_ok(t + k->start, (size_t)(k->end - k->start)))
                return wf__fail(e, WF_ERR_JSON, "invalid literal at offset %d", k->start);
        } else {
            bool obj = k->type == JSMN_OBJECT;
            size_t pos = (size_t)k->start + 1;
            int c = i + 1, count = 0;
            while (count < k->size) {
                const jsmntok_t *ct = &tk[c];
                if (!wf__gap_fast(t, &compact, pos, wf__tok_begin(ct), count ? ',' : 0))
                    return wf__fail(e, WF_ERR_JSON, "misplaced separator near offset %zu", pos);
                if (obj) {
                    const jsmntok_t *vt = ct + 1;
                    if (ct->type != JSMN_STRING || ct->size != 1 || c + 1 >= ntok)
                        return wf__fail(e, WF_ERR_JSON, "object member without a value at offset %d", ct->start);
                    if (!wf__gap_fast(t, &compact, (size_t)ct->end + 1, wf__tok_begin(vt), ':'))
                        return wf__fail(e, WF_ERR_JSON, "expected ':' at offset %zu", wf__tok_end(ct));
                    pos = wf__tok_end(vt);
                } else {
                    pos = wf__tok_end(ct);
                }
                c = nx[c];
                count++;
            }
            if (!wf__gap_fast(t, &compact, pos, (size_t)k->end - 1, 0))
                return wf__fail(e, WF_ERR_JSON, "unexpected text before offset %d", k->end - 1);
        }
    }
    d->compact = compact;
    return WF_OK;
}

/* Takes lent tokens back: the document owns its own array again. */
static void wf__doc_unlend(wf_doc *d) {
    if (!d->borrowed) return;
    d->tok = d->owned_tok;
    d->cap = d->owned_cap;
    d->owned_tok = NULL;
    d->owned_cap = 0;
    d->borrowed = false;
    d->ntok = 0;
    d->pbase = 0;
    d->lo = 0;
}

/* Tokenises text into d (reusing its arrays) and validates it. */
static wf_result wf__doc_load(wf_doc *d, const char *text, size_t len, wf_error *e) {
    jsmn_parser jp;
    int r;
    wf__doc_unlend(d); /* a request made inside a streamed callback */
    d->text = text;
    d->len = len;
    d->lo = 0;
    d->pbase = 0;
    d->ntok = 0;
    if (len > 0x7fffffff) return wf__fail(e, WF_ERR_TOO_LARGE, "JSON text above 2 GB");
    jsmn_init(&jp);
    {
        /* about one token per 12 bytes in Workfront answers; grows below if
           not.  A reused array too small for the guess is replaced before
           parsing, so the old one is never copied and live beside the new. */
        size_t guess = len / 12 + 16;
        if (guess > 1u << 20) guess = 1u << 20;
        if ((size_t)d->cap < guess) {
            wf__free(&d->a, d->tok);
            d->tok = (jsmntok_t *)wf__alloc(&d->a, guess * sizeof *d->tok);
            d->cap = d->tok ? (int)guess : 0;
            if (!d->tok) return wf__fail(e, WF_ERR_NOMEM, "out of memory for JSON tokens");
        }
    }
    {
        /* jsmn's strict mode wants a delimiter after a top-level primitive
           ("42", "true"): such a text is one token, checked here */
        size_t b = 0, e2 = len;
        while (b < len && wf__json_ws(text[b])) b++;
        while (e2 > b && wf__json_ws(text[e2 - 1])) e2--;
        if (b < e2 && text[b] != '{' && text[b] != '[' && text[b] != '"') {
            bool ok = (e2 - b == 4 && memcmp(text + b, "true", 4) == 0) || (e2 - b == 5 && memcmp(text + b, "false", 5) == 0) ||
                      (e2 - b == 4 && memcmp(text + b, "null", 4) == 0) || wf__number_ok(text + b, e2 - b);
            if (!ok) return wf__fail(e, WF_ERR_JSON, "invalid JSON at offset %zu", b);
            d->tok[0].type = JSMN_PRIMITIVE;
            d->tok[0].start = (int)b;
            d->tok[0].end = (int)e2;
            d->tok[0].size = 0;
            d->tok[0].parent = -1;
            r = 1;
            goto tokens_done;
        }
    }
    for (;;) {
        jsmntok_t *bigger;
        size_t ncap;
        r = jsmn_parse(&jp, text, len, d->tok, (unsigned)d->cap);
        if (r != JSMN_ERROR_NOMEM) break;
        /* jsmn resumes where it stopped when given a larger array */
        ncap = (size_t)d->cap * 2;
        if (ncap > 0x7fffffff / sizeof *d->tok) return wf__fail(e, WF_ERR_TOO_LARGE, "too many JSON tokens");
        bigger = (jsmntok_t *)wf__alloc(&d->a, ncap * sizeof *bigger);
        if (!bigger) return wf__fail(e, WF_ERR_NOMEM, "out of memory for JSON tokens");
        memcpy(bigger, d->tok, (size_t)d->cap * sizeof *bigger);
        wf__free(&d->a, d->tok);
        d->tok = bigger;
        d->cap = (int)ncap;
    }
    if (r == JSMN_ERROR_PART || (r == 0 && jp.toksuper != -1))
        return wf__fail(e, WF_ERR_JSON, "truncated JSON (ends after %zu bytes)", len);
    if (r == JSMN_ERROR_INVAL) return wf__fail(e, WF_ERR_JSON, "invalid JSON at offset %u", jp.pos);
    if (r < 0) return wf__fail(e, WF_ERR_JSON, "invalid JSON");
    if (r == 0) return wf__fail(e, WF_ERR_JSON, "empty body where JSON was expected");
tokens_done:
    d->ntok = r;
    if (d->next_cap < r) {
        wf__free(&d->a, d->next);
        d->next_cap = 0;
        d->next = (int *)wf__alloc(&d->a, (size_t)r * sizeof *d->next);
        if (!d->next) { d->ntok = 0; return wf__fail(e, WF_ERR_NOMEM, "out of memory for JSON tokens"); }
        d->next_cap = r;
    }
    memset(d->next, 0, (size_t)r * sizeof *d->next);
    {
        wf_result vr = wf__doc_validate(d, e);
        if (vr) d->ntok = 0;
        return vr;
    }
}

/* Lends d one value tokenised elsewhere (a streamed element), for one
   callback: t[0..n) are its tokens, offsets into b, parent links counted
   in the array they live in (t[0] is at index base there).  Validates it
   like wf__doc_load.  The caller takes the tokens back (wf__doc_unlend). */
static wf_result wf__doc_lend(wf_doc *d, const char *b, jsmntok_t *t, int n, int base, wf_error *e) {
    size_t off = wf__tok_begin(&t[0]), end = wf__tok_end(&t[0]);
    d->ntok = 0;
    if (d->next_cap < n) {
        wf__free(&d->a, d->next);
        d->next_cap = 0;
        if (!(d->next = (int *)wf__alloc(&d->a, (size_t)n * sizeof *d->next))) return wf__fail(e, WF_ERR_NOMEM, "out of memory for JSON tokens");
        d->next_cap = n;
    }
    if (t[0].type != JSMN_OBJECT && t[0].type != JSMN_ARRAY && (t[0].size != 0 || n != 1))
        return wf__fail(e, WF_ERR_JSON, "invalid JSON near offset %d", t[0].start);
    d->owned_tok = d->borrowed ? d->owned_tok : d->tok;
    d->owned_cap = d->borrowed ? d->owned_cap : d->cap;
    d->borrowed = true;
    d->tok = t;
    d->cap = n;
    d->pbase = base;
    d->text = b;
    d->lo = off;
    d->len = end;
    d->ntok = n;
    memset(d->next, 0, (size_t)n * sizeof *d->next);
    {
        wf_result vr = wf__doc_validate(d, e);
        if (vr) d->ntok = 0;
        return vr;
    }
}

static void wf__doc_release(wf_doc *d) {
    wf__doc_unlend(d);
    wf__free(&d->a, d->tok);
    wf__free(&d->a, d->next);
    d->tok = NULL;
    d->next = NULL;
    d->ntok = d->cap = d->next_cap = 0;
}

WF_API wf_result wf_doc_parse_ex(const char *text, size_t len, const wf_allocator *a, wf_doc **out, wf_error *err) {
    wf_error scratch;
    wf_doc *d;
    wf_result r;
    if (!err) err = &scratch;
    wf__err_clear(err);
    if (!out || (!text && len)) return wf__fail(err, WF_ERR_INVALID, "no output or no text");
    *out = NULL;
    d = (wf_doc *)wf__alloc(a, sizeof *d);
    if (!d) return wf__fail(err, WF_ERR_NOMEM, "out of memory");
    memset(d, 0, sizeof *d);
    if (a) d->a = *a;
    d->own = true;
    r = wf__doc_load(d, text ? text : "", len, err);
    if (r) { wf_doc_free(d); return r; }
    *out = d;
    return WF_OK;
}

WF_API wf_result wf_doc_parse(const char *text, size_t len, const wf_allocator *a, wf_doc **out) {
    return wf_doc_parse_ex(text, len, a, out, NULL);
}

WF_API void wf_doc_free(wf_doc *d) {
    wf_allocator a;
    if (!d) return;
    a = d->a;
    wf__doc_release(d);
    if (d->own) wf__free(&a, d);
}

WF_API wf_json wf_doc_root(const wf_doc *d) {
    wf_json v;
    v.doc = d;
    v.tok = d && d->ntok > 0 ? 0 : -1;
    return v;
}

static wf_json wf__none(void) { wf_json v; v.doc = NULL; v.tok = -1; return v; }
static wf_json wf__view(const wf_doc *d, int i) { wf_json v; v.doc = d; v.tok = i; return v; }

WF_API bool wf_json_ok(wf_json v) { return v.doc && v.tok >= 0 && v.tok < v.doc->ntok; }

static const jsmntok_t *wf__tok(wf_json v) { return wf_json_ok(v) ? &v.doc->tok[v.tok] : NULL; }

WF_API wf_json_type wf_json_type_of(wf_json v) {
    const jsmntok_t *t = wf__tok(v);
    char c;
    if (!t) return WF_JSON_NONE;
    switch (t->type) {
    case JSMN_OBJECT: return WF_JSON_OBJECT;
    case JSMN_ARRAY: return WF_JSON_ARRAY;
    case JSMN_STRING: return WF_JSON_STRING;
    case JSMN_PRIMITIVE:
        c = v.doc->text[t->start];
        return c == 't' || c == 'f' ? WF_JSON_BOOL : c == 'n' ? WF_JSON_NULL : WF_JSON_NUMBER;
    default: return WF_JSON_NONE;
    }
}

WF_API size_t wf_json_len(wf_json v) {
    const jsmntok_t *t = wf__tok(v);
    return t && (t->type == JSMN_OBJECT || t->type == JSMN_ARRAY) ? (size_t)t->size : 0;
}

WF_API wf_json wf_json_first(wf_json v) {
    const jsmntok_t *t = wf__tok(v);
    if (!t || (t->type != JSMN_OBJECT && t->type != JSMN_ARRAY) || t->size == 0) return wf__none();
    return wf__view(v.doc, v.tok + 1);
}

WF_API wf_json wf_json_next(wf_json v) {
    const jsmntok_t *t = wf__tok(v);
    int n;
    if (!t || t->parent < 0) return wf__none();
    n = v.doc->next[v.tok];
    if (n >= v.doc->ntok || v.doc->tok[n].parent != t->parent) return wf__none();
    return wf__view(v.doc, n);
}

WF_API wf_json wf_json_value(wf_json key) {
    const jsmntok_t *t = wf__tok(key);
    if (!t || t->type != JSMN_STRING || t->size != 1) return wf__none();
    return wf__view(key.doc, key.tok + 1);
}

/* Compares a string token with s[0..n) after unescaping; copies only keys
   that hold escapes (rare in Workfront names). */
static bool wf__tok_eq(const wf_doc *d, const jsmntok_t *t, const char *s, size_t n) {
    const char *raw = d->text + t->start;
    size_t rl = (size_t)(t->end - t->start);
    char small[256], *tmp = small;
    long ul;
    bool eq;
    if (!memchr(raw, '\\', rl)) return rl == n && memcmp(raw, s, n) == 0;
    if (rl < n) return false; /* an escape never makes a text longer */
    if (n >= sizeof small && !(tmp = (char *)wf__alloc(&d->a, n + 1))) return false;
    ul = wf__unescape(raw, rl, tmp, n + 1);
    eq = ul == (long)n && memcmp(tmp, s, n) == 0;
    if (tmp != small) wf__free(&d->a, tmp);
    return eq;
}

static wf_json wf__get(wf_json obj, const char *key, size_t kl) {
    const jsmntok_t *t = wf__tok(obj);
    int i, c;
    if (!t || t->type != JSMN_OBJECT) return wf__none();
    for (i = 0, c = obj.tok + 1; i < t->size; i++, c = obj.doc->next[c])
        if (wf__tok_eq(obj.doc, &obj.doc->tok[c], key, kl)) return wf__view(obj.doc, c + 1);
    return wf__none();
}

WF_API wf_json wf_json_get(wf_json obj, const char *key) {
    return key ? wf__get(obj, key, strlen(key)) : wf__none();
}

WF_API wf_json wf_json_at(wf_json arr, size_t idx) {
    const jsmntok_t *t = wf__tok(arr);
    int c;
    size_t i;
    if (!t || t->type != JSMN_ARRAY || idx >= (size_t)t->size) return wf__none();
    for (i = 0, c = arr.tok + 1; i < idx; i++) c = arr.doc->next[c];
    return wf__view(arr.doc, c);
}

WF_API wf_json wf_json_path(wf_json v, const char *path) {
    const char *s = path;
    if (!path) return wf__none();
    while (wf_json_ok(v) && *s) {
        const char *colon;
        size_t n;
        /* custom fields are named "DE:Name" and may contain ':' themselves */
        if (strncmp(s, "DE:", 3) == 0) colon = s + strlen(s);
        else { colon = strchr(s, ':'); if (!colon) colon = s + strlen(s); }
        n = (size_t)(colon - s);
        if (wf_json_type_of(v) == WF_JSON_ARRAY) {
            uint64_t idx;
            if (!wf__parse_u64(s, n, 10, &idx)) return wf__none();
            v = wf_json_at(v, (size_t)idx);
        } else {
            v = wf__get(v, s, n);
        }
        s = *colon ? colon + 1 : colon;
    }
    return v;
}

WF_API wf_result wf_json_str(wf_json v, char *buf, size_t cap, size_t *len) {
    const jsmntok_t *t = wf__tok(v);
    long n;
    if (len) *len = 0;
    if (buf && cap) buf[0] = 0;
    if (!t) return WF_ERR_NOT_FOUND;
    if (t->type != JSMN_STRING) return WF_ERR_TYPE;
    n = wf__unescape(v.doc->text + t->start, (size_t)(t->end - t->start), buf, cap);
    if (n < 0) return WF_ERR_JSON;
    if (len) *len = (size_t)n;
    if (!buf || (size_t)n >= cap) {
        if (buf && cap) {
            /* keep what fits, cut at a character boundary */
            size_t k = cap - 1;
            while (k > 0 && ((unsigned char)buf[k] & 0xC0) == 0x80) k--;
            buf[k] = 0;
        }
        return WF_ERR_TRUNCATED;
    }
    buf[n] = 0;
    return WF_OK;
}

WF_API bool wf_json_eq(wf_json v, const char *s) {
    const jsmntok_t *t = wf__tok(v);
    return t && s && t->type == JSMN_STRING && wf__tok_eq(v.doc, t, s, strlen(s));
}

WF_API wf_result wf_json_num(wf_json v, double *out) {
    const jsmntok_t *t = wf__tok(v);
    char tmp[64];
    size_t n;
    if (!t) return WF_ERR_NOT_FOUND;
    if (wf_json_type_of(v) != WF_JSON_NUMBER) return WF_ERR_TYPE;
    n = (size_t)(t->end - t->start);
    if (n >= sizeof tmp) return WF_ERR_RANGE;
    memcpy(tmp, v.doc->text + t->start, n);
    tmp[n] = 0;
    *out = strtod(tmp, NULL);
    return WF_OK;
}

WF_API wf_result wf_json_int(wf_json v, long long *out) {
    const jsmntok_t *t = wf__tok(v);
    const char *s;
    size_t n, i = 0;
    unsigned long long acc = 0;
    bool neg;
    if (!t) return WF_ERR_NOT_FOUND;
    if (wf_json_type_of(v) != WF_JSON_NUMBER) return WF_ERR_TYPE;
    s = v.doc->text + t->start;
    n = (size_t)(t->end - t->start);
    neg = s[0] == '-';
    if (neg) i++;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        if (acc > (9223372036854775808ull - (unsigned)(s[i] - '0')) / 10) return WF_ERR_RANGE;
        acc = acc * 10 + (unsigned)(s[i] - '0');
    }
    if (i < n) {
        /* 3.0 or 1e3 are integers too; 2.5 is not */
        double d;
        if (wf_json_num(v, &d) || d != d) return WF_ERR_TYPE;
        /* range first: casting 1e300 to long long is undefined */
        if (d > 9.2e18 || d < -9.2e18) return WF_ERR_RANGE;
        if (d != (double)(long long)d) return WF_ERR_TYPE;
        *out = (long long)d;
        return WF_OK;
    }
    if (!neg && acc > 9223372036854775807ull) return WF_ERR_RANGE;
    *out = neg ? (long long)(0 - acc) : (long long)acc;
    return WF_OK;
}

WF_API wf_result wf_json_bool(wf_json v, bool *out) {
    const jsmntok_t *t = wf__tok(v);
    if (!t) return WF_ERR_NOT_FOUND;
    if (wf_json_type_of(v) != WF_JSON_BOOL) return WF_ERR_TYPE;
    *out = v.doc->text[t->start] == 't';
    return WF_OK;
}

WF_API bool wf_json_is_null(wf_json v) { return wf_json_type_of(v) == WF_JSON_NULL; }

WF_API const char *wf_json_raw(wf_json v, size_t *len) {
    const jsmntok_t *t = wf__tok(v);
    if (!t) { if (len) *len = 0; return NULL; }
    if (len) *len = wf__tok_end(t) - wf__tok_begin(t);
    return v.doc->text + wf__tok_begin(t);
}

/* >> json: writer ========================================================== */

WF_API wf_result wf_json_write_string(const char *s, size_t n, wf_sink sink, void *user) {
    static const char hex[] = "0123456789abcdef";
    size_t i = 0, run = 0;
    if (!sink(user, "\"", 1)) return WF_ERR_IO;
    while (i < n) {
        unsigned char ch = (unsigned char)s[i];
        char esc[8];
        size_t el = 0, k = 1;
        if (ch == '"' || ch == '\\') { esc[0] = '\\'; esc[1] = (char)ch; el = 2; }
        else if (ch == '\n') { memcpy(esc, "\\n", 2); el = 2; }
        else if (ch == '\r') { memcpy(esc, "\\r", 2); el = 2; }
        else if (ch == '\t') { memcpy(esc, "\\t", 2); el = 2; }
        else if (ch < 0x20 || ch == 0x7f) {
            memcpy(esc, "\\u00", 4); esc[4] = hex[ch >> 4]; esc[5] = hex[ch & 15]; el = 6;
        } else if (ch >= 0x80) {
            k = wf__utf8_len((const unsigned char *)s + i, n - i);
            if (!k) return WF_ERR_INVALID; /* not UTF-8: refuse rather than emit garbage */
            /* U+2028/U+2029 break JavaScript string literals */
            if (k == 3 && ch == 0xE2 && (unsigned char)s[i + 1] == 0x80 && ((unsigned char)s[i + 2] & 0xFE) == 0xA8) {
                memcpy(esc, (unsigned char)s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6); el = 6;
            }
        }
        if (el) {
            if ((run && !sink(user, s + i - run, run)) || !sink(user, esc, el)) return WF_ERR_IO;
            run = 0;
            i += k;
        } else {
            run += k;
            i += k;
        }
    }
    if ((run && !sink(user, s + n - run, run)) || !sink(user, "\"", 1)) return WF_ERR_IO;
    return WF_OK;
}

static wf_result wf__write(wf_json v, int indent, int depth, bool raw, wf_sink sink, void *user) {
    static const char spaces[] = "                                ";
    const jsmntok_t *t = wf__tok(v);
    wf_result r;
    if (!t) return WF_ERR_NOT_FOUND;
    if (depth > 512) return WF_ERR_RANGE;
    if (t->type == JSMN_PRIMITIVE) {
        return sink(user, v.doc->text + t->start, (size_t)(t->end - t->start)) ? WF_OK : WF_ERR_IO;
    }
    if (t->type == JSMN_STRING && raw) {
        return sink(user, v.doc->text + wf__tok_begin(t), wf__tok_end(t) - wf__tok_begin(t)) ? WF_OK : WF_ERR_IO;
    } else if (t->type == JSMN_STRING) {
        /* decode then re-encode: the output is plain UTF-8, whatever the input escaped */
        char small[256];
        char *tmp = small;
        long n = wf__unescape(v.doc->text + t->start, (size_t)(t->end - t->start), NULL, 0);
        if (n < 0) return WF_ERR_JSON;
        if ((size_t)n > sizeof small) {
            tmp = (char *)wf__alloc(&v.doc->a, (size_t)n);
            if (!tmp) return WF_ERR_NOMEM;
        }
        wf__unescape(v.doc->text + t->start, (size_t)(t->end - t->start), tmp, (size_t)n);
        r = wf_json_write_string(tmp, (size_t)n, sink, user);
        if (tmp != small) wf__free(&v.doc->a, tmp);
        return r;
    } else {
        bool obj = t->type == JSMN_OBJECT;
        wf_json c;
        int i = 0;
        if (!sink(user, obj ? "{" : "[", 1)) return WF_ERR_IO;
        for (c = wf_json_first(v); wf_json_ok(c); c = wf_json_next(c), i++) {
            if (i && !sink(user, ",", 1)) return WF_ERR_IO;
            if (indent > 0) {
                int sp = indent * (depth + 1);
                if (!sink(user, "\n", 1)) return WF_ERR_IO;
                while (sp > 0) {
                    int k = sp > 32 ? 32 : sp;
                    if (!sink(user, spaces, (size_t)k)) return WF_ERR_IO;
                    sp -= k;
                }
            }
            if ((r = wf__write(c, indent, depth + 1, raw, sink, user)) != WF_OK) return r;
            if (obj) {
                if (!sink(user, indent > 0 ? ": " : ":", indent > 0 ? 2u : 1u)) return WF_ERR_IO;
                if ((r = wf__write(wf_json_value(c), indent, depth + 1, raw, sink, user)) != WF_OK) return r;
            }
        }
        if (indent > 0 && i > 0) {
            int sp = indent * depth;
            if (!sink(user, "\n", 1)) return WF_ERR_IO;
            while (sp > 0) {
                int k = sp > 32 ? 32 : sp;
                if (!sink(user, spaces, (size_t)k)) return WF_ERR_IO;
                sp -= k;
            }
        }
        return sink(user, obj ? "}" : "]", 1) ? WF_OK : WF_ERR_IO;
    }
}

WF_API wf_result wf_json_write(wf_json v, int indent, wf_sink sink, void *user) {
    if (!sink) return WF_ERR_INVALID;
    return wf__write(v, indent, 0, false, sink, user);
}

WF_API wf_result wf_json_write_raw(wf_json v, int indent, wf_sink sink, void *user) {
    if (!sink) return WF_ERR_INVALID;
    if (indent <= 0 && wf_json_ok(v) && v.doc->compact) {
        size_t n;
        const char *text = wf_json_raw(v, &n);
        return sink(user, text, n) ? WF_OK : WF_ERR_IO;
    }
    return wf__write(v, indent, 0, true, sink, user);
}

/* >> envelope & errors ===================================================== */

static void wf__json_copy(wf_json v, char *dst, size_t cap) {
    size_t n;
    if (!cap) return;
    dst[0] = 0;
    if (wf_json_type_of(v) == WF_JSON_STRING) { wf_json_str(v, dst, cap, NULL); return; }
    if (wf_json_ok(v) && !wf_json_is_null(v)) {
        const char *raw = wf_json_raw(v, &n);
        wf__copy(dst, cap, raw, n);
    }
}

/* An authentication failure is a 401, or an error class or message that
   names one (Workfront also answers expired sessions with HTTP 200/500). */
static bool wf__is_auth_error(const wf_error *e) {
    return e->http_status == 401 || wf__icontains(e->wf_class, "Authentication") ||
           wf__icontains(e->wf_class, "NotLoggedIn") || wf__icontains(e->wf_class, "InvalidSession") ||
           wf__icontains(e->message, "not currently logged in");
}

/* The statuses a throttled request gets back. */
static bool wf__throttle_status(int http_status) { return http_status == 429 || http_status == 503; }

WF_API wf_result wf_envelope(const wf_doc *d, int http_status, wf_json *data, wf_error *e) {
    wf_json root = wf_doc_root(d), err, dv;
    wf_error scratch;
    if (!e) { wf__err_clear(&scratch); e = &scratch; }
    if (data) *data = wf__none();
    e->http_status = http_status;
    if (wf_json_type_of(root) != WF_JSON_OBJECT)
        return wf__fail(e, WF_ERR_RESPONSE, "HTTP %d: JSON body is not an object", http_status);
    err = wf_json_get(root, "error");
    if (wf_json_ok(err) && !wf_json_is_null(err)) {
        if (wf_json_type_of(err) == WF_JSON_OBJECT) {
            long long code;
            wf__json_copy(wf_json_get(err, "class"), e->wf_class, sizeof e->wf_class);
            wf__json_copy(wf_json_get(err, "message"), e->message, sizeof e->message);
            wf__json_copy(wf_json_get(err, "title"), e->title, sizeof e->title);
            wf__json_copy(wf_json_get(err, "msgKey"), e->msg_key, sizeof e->msg_key);
            if (wf_json_int(wf_json_get(err, "code"), &code) == WF_OK) { e->code = code; e->has_code = true; }
        } else {
            wf__json_copy(err, e->message, sizeof e->message);
        }
        if (!e->message[0] && e->title[0]) wf__copy(e->message, sizeof e->message, e->title, strlen(e->title));
        /* 429 and 503 are throttling whatever the envelope says: Workfront
           answers 429 above about 10 concurrent requests per user, 503
           under load */
        return wf__fail(e, wf__is_auth_error(e) ? WF_ERR_AUTH : wf__throttle_status(http_status) ? WF_ERR_THROTTLED : WF_ERR_API,
                        "HTTP %d: %s%s%s", http_status, e->wf_class[0] ? e->wf_class : "error",
                        e->message[0] ? ": " : "", e->message);
    }
    dv = wf_json_get(root, "data");
    if (!wf_json_ok(dv))
        return wf__fail(e, WF_ERR_RESPONSE, "HTTP %d: JSON body has neither \"data\" nor \"error\"", http_status);
    if (http_status >= 300) {
        /* data with an error status: trust the status, not the body */
        if (http_status == 401) return wf__fail(e, WF_ERR_AUTH, "HTTP 401 without an error envelope");
        if (wf__throttle_status(http_status)) return wf__fail(e, WF_ERR_THROTTLED, "HTTP %d with a data envelope", http_status);
        return wf__fail(e, WF_ERR_RESPONSE, "HTTP %d with a data envelope", http_status);
    }
    if (data) *data = dv;
    return WF_OK;
}

/* >> query builder ========================================================= */

/* What a call makes of a builder (query, updates, batch) that refused its
   input: out of memory stays out of memory, anything else is invalid. */
static wf_result wf__refused(wf_result builder_result) {
    return builder_result == WF_ERR_NOMEM ? WF_ERR_NOMEM : WF_ERR_INVALID;
}

static wf_result wf__query_fail(wf_query *q, wf_result r, const char *why) {
    if (q->result == WF_OK) {
        q->result = r;
        wf__copy(q->error, sizeof q->error, why, strlen(why));
    }
    return q->result;
}

/* Room for extra more bytes (and the NUL) in a caller-visible text buffer
   (wf_query, wf_updates); a fixed one never grows. */
static bool wf__text_grow(const wf_allocator *a, char **buf, size_t len, size_t *cap, bool fixed, size_t extra) {
    wf__buf b;
    if (len + extra + 1 <= *cap) return true;
    if (fixed) return false;
    b.p = *buf; b.len = len; b.cap = *cap;
    if (!wf__buf_reserve(a, &b, extra)) return false;
    *buf = b.p;
    *cap = b.cap;
    return true;
}

static bool wf__query_grow(wf_query *q, size_t extra) {
    return wf__text_grow(&q->allocator, &q->buf, q->len, &q->cap, q->fixed, extra);
}

WF_API void wf_query_init_buf(wf_query *q, char *buf, size_t cap) {
    memset(q, 0, sizeof *q);
    q->buf = buf;
    q->cap = cap;
    q->fixed = true;
    if (buf && cap) buf[0] = 0;
}

WF_API void wf_query_free(wf_query *q) {
    if (!q) return;
    if (!q->fixed) wf__free(&q->allocator, q->buf);
    q->buf = NULL;
    q->len = q->cap = 0;
    q->result = WF_OK;
    q->error[0] = 0;
}

WF_API void wf_query_reset(wf_query *q) {
    q->len = 0;
    if (q->buf && q->cap) q->buf[0] = 0;
    q->or_group = q->nsort = q->ngroup = 0;
    q->result = WF_OK;
    q->error[0] = 0;
}

WF_API wf_result wf_query_addn(wf_query *q, const char *key, size_t kl, const char *val, size_t vl) {
    size_t ek, ev;
    if (!q) return WF_ERR_INVALID;
    if (q->result) return q->result;
    if (!key || kl == 0) return wf__query_fail(q, WF_ERR_INVALID, "empty parameter name");
    if (!val && vl) return wf__query_fail(q, WF_ERR_INVALID, "NULL parameter value");
    if (memchr(key, 0, kl) || (val && memchr(val, 0, vl))) return wf__query_fail(q, WF_ERR_INVALID, "NUL byte in a parameter");
    ek = wf_url_encode(key, kl, NULL, 0);
    ev = val ? wf_url_encode(val, vl, NULL, 0) : 0;
    if (!wf__query_grow(q, ek + ev + 2))
        return wf__query_fail(q, q->fixed ? WF_ERR_TRUNCATED : WF_ERR_NOMEM, q->fixed ? "query buffer full" : "out of memory");
    if (q->len) q->buf[q->len++] = '&';
    wf_url_encode(key, kl, q->buf + q->len, ek + 1);
    q->len += ek;
    q->buf[q->len++] = '=';
    if (val) wf_url_encode(val, vl, q->buf + q->len, ev + 1);
    q->len += ev;
    q->buf[q->len] = 0;
    return WF_OK;
}

WF_API wf_result wf_query_add(wf_query *q, const char *key, const char *value) {
    return wf_query_addn(q, key, key ? strlen(key) : 0, value ? value : "", value ? strlen(value) : 0);
}

WF_API wf_result wf_query_add_int(wf_query *q, const char *key, long long value) {
    char tmp[24];
    wf__itoa(tmp, (int64_t)value);
    return wf_query_add(q, key, tmp);
}

WF_API wf_result wf_query_add_raw(wf_query *q, const char *enc) {
    size_t n, i;
    if (!q || !enc) return WF_ERR_INVALID;
    if (q->result) return q->result;
    n = strlen(enc);
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)enc[i];
        if (ch <= ' ' || ch >= 0x7f || ch == '#')
            return wf__query_fail(q, WF_ERR_INVALID, "raw query text must be percent-encoded ASCII");
    }
    if (!n) return WF_OK;
    if (!wf__query_grow(q, n + 1))
        return wf__query_fail(q, q->fixed ? WF_ERR_TRUNCATED : WF_ERR_NOMEM, q->fixed ? "query buffer full" : "out of memory");
    if (q->len) q->buf[q->len++] = '&';
    memcpy(q->buf + q->len, enc, n + 1);
    q->len += n;
    return WF_OK;
}

WF_API wf_result wf_query_parse_arg(wf_query *q, const char *arg) {
    const char *eq;
    if (!q || !arg) return WF_ERR_INVALID;
    if (q->result) return q->result;
    /* the first '=' splits: values may contain '=', names never do */
    eq = strchr(arg, '=');
    if (!eq) return wf__query_fail(q, WF_ERR_INVALID, "parameter must look like name=value");
    return wf_query_addn(q, arg, (size_t)(eq - arg), eq + 1, strlen(eq + 1));
}

WF_API wf_result wf_query_fields(wf_query *q, const char *fields) {
    const char *s;
    if (!q) return WF_ERR_INVALID;
    if (!fields || !*fields) return wf__query_fail(q, WF_ERR_INVALID, "empty fields list");
    /* "a,,b" or a trailing comma names an empty field: Workfront rejects it late */
    for (s = fields; *s; s++)
        if (*s == ',' && (s == fields || s[1] == ',' || s[1] == 0))
            return wf__query_fail(q, WF_ERR_INVALID, "empty field name in fields list");
    return wf_query_add(q, "fields", fields);
}

WF_API wf_result wf_query_limit(wf_query *q, long first, long limit) {
    if (!q) return WF_ERR_INVALID;
    if (first < 0) return wf__query_fail(q, WF_ERR_RANGE, "$$FIRST must be 0 or more");
    if (limit < 0 || limit > 2000) return wf__query_fail(q, WF_ERR_RANGE, "$$LIMIT must be between 1 and 2000 (Workfront's maximum)");
    if (first > 0 && wf_query_add_int(q, "$$FIRST", first)) return q->result;
    return limit ? wf_query_add_int(q, "$$LIMIT", limit) : q->result;
}

WF_API const char *wf_query_str(const wf_query *q) {
    return q && q->buf && q->len ? q->buf : "";
}

static const char *const wf__mod_names[] = {
#define WF__MOD_TEXT(name, text) text,
    WF_MOD_LIST(WF__MOD_TEXT)
#undef WF__MOD_TEXT
};

WF_API const char *wf_mod_name(wf_mod m) {
    return (unsigned)m < (unsigned)WF_MOD_COUNT ? wf__mod_names[m] : NULL;
}

WF_API bool wf_mod_parse(const char *name, wf_mod *out) {
    int i;
    for (i = 0; name && i < (int)WF_MOD_COUNT; i++)
        if (strcmp(name, wf__mod_names[i]) == 0) { if (out) *out = (wf_mod)i; return true; }
    return false;
}

/* Field names are Workfront names: "name", "assignedTo:name", "DE:Custom
   Field", "OR:1:x" is built by us.  Reject what can only be a mistake. */
static wf_result wf__field_ok(wf_query *q, const char *f) {
    const char *s;
    if (!f || !*f) return wf__query_fail(q, WF_ERR_INVALID, "empty field name");
    if (f[0] == ':' || f[strlen(f) - 1] == ':' || strstr(f, "::")) return wf__query_fail(q, WF_ERR_INVALID, "field name has an empty part");
    for (s = f; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == '&' || *s == '=' || *s == '#')
            return wf__query_fail(q, WF_ERR_INVALID, "field name contains a character Workfront cannot name");
    return WF_OK;
}

/* Adds [OR:n:]field[suffix]=value. */
static wf_result wf__qadd(wf_query *q, const char *field, const char *suffix, const char *value) {
    char key[512];
    int n;
    if (q->or_group > 0) n = wf__snprintf(key, sizeof key, "OR:%d:%s%s", q->or_group, field, suffix);
    else n = wf__snprintf(key, sizeof key, "%s%s", field, suffix);
    if (n < 0 || (size_t)n >= sizeof key) return wf__query_fail(q, WF_ERR_INVALID, "field name too long");
    return wf_query_add(q, key, value);
}

static bool wf__mod_takes_no_value(wf_mod m) {
    return m == WF_MOD_ISNULL || m == WF_MOD_NOTNULL || m == WF_MOD_ISBLANK || m == WF_MOD_NOTBLANK;
}
static bool wf__mod_is_range(wf_mod m) {
    return m == WF_MOD_BETWEEN || m == WF_MOD_NOTBETWEEN || m == WF_MOD_CIBETWEEN || m == WF_MOD_CINOTBETWEEN;
}
static bool wf__mod_is_in(wf_mod m) {
    return m == WF_MOD_IN || m == WF_MOD_NOTIN || m == WF_MOD_CIIN || m == WF_MOD_CINOTIN ||
           m == WF_MOD_CICONTAINSALL || m == WF_MOD_CICONTAINSANY || m == WF_MOD_CINOTCONTAINSALL ||
           m == WF_MOD_CINOTCONTAINSANY;
}

WF_API wf_result wf_query_filter(wf_query *q, const char *field, wf_mod mod, const char *value) {
    if (!q) return WF_ERR_INVALID;
    if (q->result) return q->result;
    if (wf__field_ok(q, field)) return q->result;
    if (!wf_mod_name(mod)) return wf__query_fail(q, WF_ERR_INVALID, "unknown search modifier");
    if (wf__mod_is_range(mod)) return wf__query_fail(q, WF_ERR_INVALID, "between modifiers need two values: use wf_query_range");
    if (wf__mod_takes_no_value(mod)) {
        if (value && *value) return wf__query_fail(q, WF_ERR_INVALID, "isnull/notnull/isblank/notblank take no value");
    } else {
        if (!value) return wf__query_fail(q, WF_ERR_INVALID, "filter needs a value");
        if (wf__qadd(q, field, "", value)) return q->result;
    }
    return wf__qadd(q, field, "_Mod", wf_mod_name(mod));
}

WF_API wf_result wf_query_range(wf_query *q, const char *field, wf_mod mod, const char *lo, const char *hi) {
    if (!q) return WF_ERR_INVALID;
    if (q->result) return q->result;
    if (wf__field_ok(q, field)) return q->result;
    if (!wf__mod_is_range(mod)) return wf__query_fail(q, WF_ERR_INVALID, "wf_query_range needs a between modifier");
    if (!lo || !hi) return wf__query_fail(q, WF_ERR_INVALID, "between needs a lower and an upper value");
    if (wf__qadd(q, field, "", lo) || wf__qadd(q, field, "_Range", hi)) return q->result;
    return wf__qadd(q, field, "_Mod", wf_mod_name(mod));
}

WF_API wf_result wf_query_in(wf_query *q, const char *field, wf_mod mod, const char *const *values, size_t n) {
    size_t i;
    if (!q) return WF_ERR_INVALID;
    if (q->result) return q->result;
    if (wf__field_ok(q, field)) return q->result;
    if (!wf__mod_is_in(mod)) return wf__query_fail(q, WF_ERR_INVALID, "wf_query_in needs an in/notin or (not)containsall/any modifier");
    if (!values || n == 0) return wf__query_fail(q, WF_ERR_INVALID, "in needs at least one value");
    for (i = 0; i < n; i++) {
        if (!values[i]) return wf__query_fail(q, WF_ERR_INVALID, "NULL value in an in list");
        if (wf__qadd(q, field, "", values[i])) return q->result;
    }
    return wf__qadd(q, field, "_Mod", wf_mod_name(mod));
}

WF_API wf_result wf_query_or_group(wf_query *q, int n) {
    if (!q) return WF_ERR_INVALID;
    if (n < 0) return wf__query_fail(q, WF_ERR_RANGE, "OR group must be 0 (none) or positive");
    q->or_group = n;
    return q->result;
}

WF_API wf_result wf_query_filters_json(wf_query *q, const char *json) {
    wf_doc *d = NULL;
    wf_result r;
    if (!q) return WF_ERR_INVALID;
    if (q->result) return q->result;
    if (!json) return wf__query_fail(q, WF_ERR_INVALID, "filters needs a JSON object");
    r = wf_doc_parse(json, strlen(json), &q->allocator, &d);
    if (r == WF_OK && wf_json_type_of(wf_doc_root(d)) != WF_JSON_OBJECT) r = WF_ERR_TYPE;
    wf_doc_free(d);
    if (r == WF_ERR_NOMEM) return wf__query_fail(q, r, "out of memory");
    if (r) return wf__query_fail(q, WF_ERR_INVALID, "filters must be a valid JSON object");
    return wf_query_add(q, "filters", json);
}

WF_API wf_result wf_query_sort(wf_query *q, const char *field, wf_sort dir) {
    static const char *const dirs[] = { "asc", "desc", "ciasc", "cidesc" };
    char suffix[24];
    if (!q) return WF_ERR_INVALID;
    if (q->result) return q->result;
    if (wf__field_ok(q, field)) return q->result;
    if ((unsigned)dir > (unsigned)WF_SORT_CIDESC) return wf__query_fail(q, WF_ERR_INVALID, "unknown sort direction");
    /* the first key is field_Sort, later ones field_2_Sort, field_3_Sort ... */
    if (q->nsort == 0) wf__snprintf(suffix, sizeof suffix, "_Sort");
    else wf__snprintf(suffix, sizeof suffix, "_%d_Sort", q->nsort + 1);
    {
        int g = q->or_group; /* a sort key never belongs to an OR group */
        q->or_group = 0;
        wf__qadd(q, field, suffix, dirs[dir]);
        q->or_group = g;
        if (q->result) return q->result;
    }
    q->nsort++;
    return WF_OK;
}

WF_API wf_result wf_query_map(wf_query *q) { return wf_query_add(q, "map", "true"); }
WF_API wf_result wf_query_rollup(wf_query *q) { return wf_query_add(q, "$$ROLLUP", "true"); }

WF_API wf_result wf_query_group_by(wf_query *q, const char *field) {
    char key[512];
    int n;
    wf_result r;
    if (!q) return WF_ERR_INVALID;
    if (q->result) return q->result;
    if (wf__field_ok(q, field)) return q->result;
    /* counted like sort keys: a filter on a field named like "xGroupBy" is no grouping */
    if (q->ngroup == 0) n = wf__snprintf(key, sizeof key, "%s_GroupBy", field);
    else n = wf__snprintf(key, sizeof key, "%s_%d_GroupBy", field, q->ngroup + 1);
    if (n < 0 || (size_t)n >= sizeof key) return wf__query_fail(q, WF_ERR_INVALID, "field name too long");
    if ((r = wf_query_add(q, key, "true")) == WF_OK) q->ngroup++;
    return r;
}

WF_API wf_result wf_query_agg(wf_query *q, const char *field, const char *func) {
    static const char *const funcs[] = { "sum", "avg", "min", "max", "count", "SUM", "AVG", "MIN", "MAX", "COUNT", NULL };
    int i;
    char key[512];
    if (!q) return WF_ERR_INVALID;
    if (q->result) return q->result;
    if (wf__field_ok(q, field)) return q->result;
    for (i = 0; funcs[i] && (!func || strcmp(func, funcs[i]) != 0); i++) {}
    if (!funcs[i]) return wf__query_fail(q, WF_ERR_INVALID, "aggregate must be sum, avg, min, max or count");
    if ((size_t)wf__snprintf(key, sizeof key, "%s_AggFunc", field) >= sizeof key) return wf__query_fail(q, WF_ERR_INVALID, "field name too long");
    return wf_query_add(q, key, func);
}

/* >> dates ================================================================= */

/* Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard
   Hinnant's civil calendar algorithms; no timegm() in C99 or POSIX). */
static int64_t wf__days_from_civil(int64_t y, int m, int d) {
    int64_t era, yoe, doy;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static void wf__civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
    int64_t era, doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* n decimal digits at s[*i] (all must be there) */
static bool wf__digits(const char *s, size_t len, size_t *i, int n, int *out) {
    int v = 0, k;
    for (k = 0; k < n; k++) {
        if (*i >= len || s[*i] < '0' || s[*i] > '9') return false;
        v = v * 10 + (s[(*i)++] - '0');
    }
    *out = v;
    return true;
}

WF_API wf_result wf_time_parse(const char *s, size_t len, wf_time *out) {
    static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    size_t i = 0;
    int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0, off = 0, oh, om = 0, dim;
    bool leap;
    if (!out) return WF_ERR_INVALID;
    out->ms = 0;
    out->offset_min = 0;
    if (!s) return WF_ERR_INVALID;
    if (!wf__digits(s, len, &i, 4, &y) || i >= len || s[i++] != '-' || !wf__digits(s, len, &i, 2, &mo) ||
        i >= len || s[i++] != '-' || !wf__digits(s, len, &i, 2, &d))
        return WF_ERR_INVALID;
    if (i < len) {
        if (s[i] != 'T' && s[i] != ' ') return WF_ERR_INVALID;
        i++;
        if (!wf__digits(s, len, &i, 2, &h) || i >= len || s[i++] != ':' || !wf__digits(s, len, &i, 2, &mi))
            return WF_ERR_INVALID;
        if (i < len && s[i] == ':') {
            i++;
            if (!wf__digits(s, len, &i, 2, &sec)) return WF_ERR_INVALID;
            /* Workfront's ":000", ISO's ".000" (or ",000"): 1 to 9 digits, milliseconds kept */
            if (i < len && (s[i] == ':' || s[i] == '.' || s[i] == ',')) {
                int k = 0;
                i++;
                for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, k++) {
                    if (k < 3) ms = ms * 10 + (s[i] - '0');
                    if (k >= 9) return WF_ERR_INVALID;
                }
                if (k == 0) return WF_ERR_INVALID;
                for (; k < 3; k++) ms *= 10;
            }
        }
        if (i < len) {
            char sign = s[i++];
            if (sign == 'Z' || sign == 'z') {
                if (i != len) return WF_ERR_INVALID;
            } else if (sign == '+' || sign == '-') {
                if (!wf__digits(s, len, &i, 2, &oh)) return WF_ERR_INVALID;
                if (i < len && s[i] == ':') i++;
                if (i < len && !wf__digits(s, len, &i, 2, &om)) return WF_ERR_INVALID;
                if (i != len || oh > 23 || om > 59) return WF_ERR_INVALID;
                off = (oh * 60 + om) * (sign == '-' ? -1 : 1);
            } else {
                return WF_ERR_INVALID;
            }
        }
    }
    leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12) return WF_ERR_INVALID;
    dim = mdays[mo - 1] + (mo == 2 && leap);
    if (d < 1 || d > dim || h > 23 || mi > 59 || sec > 59) return WF_ERR_INVALID;
    out->ms = ((wf__days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + sec) - (int64_t)off * 60) * 1000 + ms;
    out->offset_min = off;
    return WF_OK;
}

WF_API wf_result wf_json_time(wf_json v, wf_time *out) {
    char buf[64];
    size_t n = 0;
    wf_result r;
    if (out) { out->ms = 0; out->offset_min = 0; }
    if (!out) return WF_ERR_INVALID;
    if (wf_json_type_of(v) != WF_JSON_STRING) return WF_ERR_TYPE;
    r = wf_json_str(v, buf, sizeof buf, &n);
    if (r != WF_OK) return WF_ERR_INVALID; /* longer than any date */
    return wf_time_parse(buf, n, out);
}

WF_API size_t wf_time_format(wf_time t, char *buf, size_t cap) {
    int64_t local, days, secs, y;
    int m, d, off = t.offset_min, a;
    if (buf && cap) buf[0] = 0;
    if (!buf || cap < 29 || off < -1439 || off > 1439) return 0;
    /* year 0000 to 9999 in local time, checked before any arithmetic can overflow */
    if (t.ms < -62167219200000LL - 86400000LL || t.ms > 253402300799999LL + 86400000LL) return 0;
    local = t.ms + (int64_t)off * 60000;
    days = local >= 0 ? local / 86400000 : -((-local + 86399999) / 86400000);
    secs = local - days * 86400000; /* milliseconds into the day, 0..86399999 */
    wf__civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999) return 0;
    a = off < 0 ? -off : off;
    wf__snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d:%03d%c%02d%02d", (int)y, m, d, (int)(secs / 3600000),
             (int)(secs / 60000 % 60), (int)(secs / 1000 % 60), (int)(secs % 1000), off < 0 ? '-' : '+', a / 60, a % 60);
    return 28;
}

/* >> json: updates writer ================================================== */

static wf_result wf__upd_fail(wf_updates *u, wf_result r, const char *why) {
    if (u->result == WF_OK) {
        u->result = r;
        wf__copy(u->error, sizeof u->error, why, strlen(why));
    }
    return u->result;
}

static bool wf__upd_put(void *user, const char *d, size_t n) {
    wf_updates *u = (wf_updates *)user;
    if (!wf__text_grow(&u->allocator, &u->buf, u->len, &u->cap, u->fixed, n)) {
        wf__upd_fail(u, u->fixed ? WF_ERR_TRUNCATED : WF_ERR_NOMEM, u->fixed ? "updates buffer full" : "out of memory");
        return false;
    }
    memcpy(u->buf + u->len, d, n);
    u->len += n;
    u->buf[u->len] = 0;
    return true;
}

/* Writes the separator a new value needs, and checks the value is allowed here. */
static wf_result wf__upd_value_start(wf_updates *u) {
    if (u->result) return u->result;
    if (u->depth == 0) {
        if (u->len) return wf__upd_fail(u, WF_ERR_INVALID, "more than one top-level value");
        return WF_OK;
    }
    if (u->is_object & (1u << (u->depth - 1))) {
        if (!u->want_value) return wf__upd_fail(u, WF_ERR_INVALID, "object member needs a key first");
        u->want_value = false;
        return WF_OK;
    }
    if ((u->has_items & (1u << (u->depth - 1))) && !wf__upd_put(u, ",", 1)) return u->result;
    u->has_items |= 1u << (u->depth - 1);
    return WF_OK;
}

WF_API void wf_updates_init_buf(wf_updates *u, char *buf, size_t cap) {
    memset(u, 0, sizeof *u);
    u->buf = buf;
    u->cap = cap;
    u->fixed = true;
    if (buf && cap) buf[0] = 0;
}

WF_API void wf_updates_free(wf_updates *u) {
    if (!u) return;
    if (!u->fixed) wf__free(&u->allocator, u->buf);
    u->buf = NULL;
    u->len = u->cap = 0;
    wf_updates_reset(u);
}

WF_API void wf_updates_reset(wf_updates *u) {
    u->len = 0;
    if (u->buf && u->cap) u->buf[0] = 0;
    u->depth = 0;
    u->is_object = u->has_items = 0;
    u->want_value = u->implicit = false;
    u->result = WF_OK;
    u->error[0] = 0;
}

static wf_result wf__upd_open(wf_updates *u, bool obj) {
    if (!u) return WF_ERR_INVALID;
    if (wf__upd_value_start(u)) return u->result;
    if (u->depth >= 32) return wf__upd_fail(u, WF_ERR_RANGE, "nesting deeper than 32");
    if (!wf__upd_put(u, obj ? "{" : "[", 1)) return u->result;
    if (obj) u->is_object |= 1u << u->depth; else u->is_object &= ~(1u << u->depth);
    u->has_items &= ~(1u << u->depth);
    u->depth++;
    return WF_OK;
}

static wf_result wf__upd_close(wf_updates *u, bool obj) {
    if (!u) return WF_ERR_INVALID;
    if (u->result) return u->result;
    if (u->depth == 0 || ((u->is_object >> (u->depth - 1)) & 1u) != (obj ? 1u : 0u))
        return wf__upd_fail(u, WF_ERR_INVALID, obj ? "end_object without a matching begin_object" : "end_array without a matching begin_array");
    if (u->want_value) return wf__upd_fail(u, WF_ERR_INVALID, "key without a value");
    if (!wf__upd_put(u, obj ? "}" : "]", 1)) return u->result; /* still open: nothing half-closed */
    u->depth--;
    return WF_OK;
}

WF_API wf_result wf_updates_begin_object(wf_updates *u) { return wf__upd_open(u, true); }
WF_API wf_result wf_updates_end_object(wf_updates *u) { return wf__upd_close(u, true); }
WF_API wf_result wf_updates_begin_array(wf_updates *u) { return wf__upd_open(u, false); }
WF_API wf_result wf_updates_end_array(wf_updates *u) { return wf__upd_close(u, false); }

WF_API wf_result wf_updates_key(wf_updates *u, const char *key) {
    wf_result r;
    if (!u) return WF_ERR_INVALID;
    if (u->result) return u->result;
    if (u->depth == 0 && u->len == 0) {
        if (wf__upd_open(u, true)) return u->result;
        u->implicit = true;
    }
    if (u->depth == 0 || !(u->is_object & (1u << (u->depth - 1))) || u->want_value)
        return wf__upd_fail(u, WF_ERR_INVALID, "a key belongs directly inside an object");
    if (!key || !*key) return wf__upd_fail(u, WF_ERR_INVALID, "empty key");
    if ((u->has_items & (1u << (u->depth - 1))) && !wf__upd_put(u, ",", 1)) return u->result;
    u->has_items |= 1u << (u->depth - 1);
    r = wf_json_write_string(key, strlen(key), wf__upd_put, u);
    if (r == WF_ERR_INVALID) return wf__upd_fail(u, r, "key is not valid UTF-8");
    if (r || !wf__upd_put(u, ":", 1)) return wf__upd_fail(u, WF_ERR_NOMEM, "out of memory");
    u->want_value = true;
    return WF_OK;
}

WF_API wf_result wf_updates_stringn(wf_updates *u, const char *s, size_t n) {
    wf_result r;
    if (!u) return WF_ERR_INVALID;
    if (!s && n) return wf__upd_fail(u, WF_ERR_INVALID, "NULL string");
    if (wf__upd_value_start(u)) return u->result;
    r = wf_json_write_string(s ? s : "", n, wf__upd_put, u);
    if (r == WF_ERR_INVALID) return wf__upd_fail(u, r, "string is not valid UTF-8");
    return u->result ? u->result : r ? wf__upd_fail(u, r, "write failed") : WF_OK;
}

WF_API wf_result wf_updates_string(wf_updates *u, const char *s) {
    if (!s) return u ? wf__upd_fail(u, WF_ERR_INVALID, "NULL string (use wf_updates_null)") : WF_ERR_INVALID;
    return wf_updates_stringn(u, s, strlen(s));
}

static wf_result wf__upd_lit(wf_updates *u, const char *lit, size_t n) {
    if (!u) return WF_ERR_INVALID;
    if (wf__upd_value_start(u)) return u->result;
    wf__upd_put(u, lit, n);
    return u->result;
}

WF_API wf_result wf_updates_int(wf_updates *u, long long v) {
    char t[24];
    return wf__upd_lit(u, t, wf__itoa(t, (int64_t)v));
}

WF_API wf_result wf_updates_double(wf_updates *u, double v) {
    char t[40];
    size_t n;
    if (!u) return WF_ERR_INVALID;
    if (v != v || v > 1.7976931348623157e308 || v < -1.7976931348623157e308)
        return wf__upd_fail(u, WF_ERR_RANGE, "NaN and infinity have no JSON form");
    n = wf__fmt_double(t, sizeof t, v);
    if (n == 0) /* the C library cannot format doubles: an error, never a wrong number */
        return wf__upd_fail(u, WF_ERR_UNSUPPORTED, "cannot format a double: the C library's snprintf has no %g (newlib-nano: link with -u _printf_float)");
    return wf__upd_lit(u, t, n);
}

WF_API wf_result wf_updates_decimal(wf_updates *u, const char *num) {
    if (!u) return WF_ERR_INVALID;
    if (!num || !wf__number_ok(num, strlen(num))) return wf__upd_fail(u, WF_ERR_INVALID, "not a JSON number");
    return wf__upd_lit(u, num, strlen(num));
}

WF_API wf_result wf_updates_bool(wf_updates *u, bool v) { return wf__upd_lit(u, v ? "true" : "false", v ? 4u : 5u); }
WF_API wf_result wf_updates_null(wf_updates *u) { return wf__upd_lit(u, "null", 4); }

WF_API wf_result wf_updates_raw(wf_updates *u, const char *json, size_t n) {
    wf_doc *d = NULL;
    wf_result r;
    if (!u) return WF_ERR_INVALID;
    if (u->result) return u->result;
    if (!json) return wf__upd_fail(u, WF_ERR_INVALID, "NULL JSON");
    r = wf_doc_parse(json, n, &u->allocator, &d);
    wf_doc_free(d);
    if (r) return r == WF_ERR_NOMEM ? wf__upd_fail(u, r, "out of memory") : wf__upd_fail(u, WF_ERR_INVALID, "raw value is not valid JSON");
    return wf__upd_lit(u, json, n);
}

WF_API wf_result wf_updates_set_str(wf_updates *u, const char *k, const char *v) {
    return wf_updates_key(u, k) ? u->result : v ? wf_updates_string(u, v) : wf_updates_null(u);
}
WF_API wf_result wf_updates_set_int(wf_updates *u, const char *k, long long v) { return wf_updates_key(u, k) ? u->result : wf_updates_int(u, v); }
WF_API wf_result wf_updates_set_bool(wf_updates *u, const char *k, bool v) { return wf_updates_key(u, k) ? u->result : wf_updates_bool(u, v); }
WF_API wf_result wf_updates_set_null(wf_updates *u, const char *k) { return wf_updates_key(u, k) ? u->result : wf_updates_null(u); }

WF_API wf_result wf_updates_time(wf_updates *u, wf_time t) {
    char buf[32];
    if (!u) return WF_ERR_INVALID;
    if (!wf_time_format(t, buf, sizeof buf))
        return wf__upd_fail(u, WF_ERR_RANGE, "date out of range (years 0000-9999, offset within +-23:59)");
    return wf_updates_string(u, buf);
}

WF_API wf_result wf_updates_set_time(wf_updates *u, const char *k, wf_time t) {
    return wf_updates_key(u, k) ? u->result : wf_updates_time(u, t);
}

WF_API const char *wf_updates_json(wf_updates *u, size_t *len) {
    if (len) *len = 0;
    if (!u || u->result) return NULL;
    if (u->implicit && u->depth == 1) {
        if (wf_updates_end_object(u) != WF_OK) return NULL; /* e.g. no room for the '}' */
        u->implicit = false;
    }
    if (u->depth != 0 || u->len == 0) {
        wf__upd_fail(u, WF_ERR_INVALID, u->len ? "containers still open" : "nothing written");
        return NULL;
    }
    if (len) *len = u->len;
    return u->buf;
}

/* >> platform: clock, sleep, sockets, files, entropy, CA store ============= */

/* Everything that touches the operating system is here and only here: the
   sections below call wf__now_ms, wf__sleep_ms, wf__time_s, wf__tcp_*,
   wf__file_*, wf__entropy_setup, wf__random and wf__system_ca.  Each piece
   is a hook macro listed under PORTING in the doc block, with POSIX and
   Win32 defaults; a target with neither stops here with an #error naming
   the macro to define. */

#if defined(_WIN32)
#  define WF__WIN32 1
#  if defined(_WIN32_WINNT) && _WIN32_WINNT < 0x0600
#    error "workfront.h needs _WIN32_WINNT >= 0x0600 (Vista: WSAPoll, GetTickCount64)"
#  endif
#  ifndef _WIN32_WINNT
#    define _WIN32_WINNT 0x0600
#  endif
#  ifndef WF_NO_SOCKETS
#    include <winsock2.h> /* before windows.h, which would pull in winsock 1 */
#    include <ws2tcpip.h>
#  endif
#  include <windows.h>
#  include <wincrypt.h>
#  include <io.h>
#  include <fcntl.h>
#  include <sys/stat.h>
#  include <time.h>
#elif defined(__unix__) || defined(__unix) || (defined(__APPLE__) && defined(__MACH__))
#  define WF__POSIX 1
#  include <time.h>
#  include <fcntl.h>
#  include <unistd.h>
#  include <sys/types.h>
#  include <sys/stat.h>
#  ifndef WF_NO_SOCKETS
#    include <poll.h>
#    include <netdb.h>
#    include <sys/socket.h>
#    include <netinet/in.h>
#    include <netinet/tcp.h>
#  endif
#endif

/* -- clock and sleep ------------------------------------------------------ */

#ifndef WF_NOW_MS
#  if defined(WF__WIN32)
#    define WF_NOW_MS() ((uint64_t)GetTickCount64())
#  elif defined(WF__POSIX)
static uint64_t wf__posix_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}
#    define WF_NOW_MS() wf__posix_now_ms()
#  else
#    error "workfront.h: no monotonic clock known for this target: define WF_NOW_MS() (milliseconds, never going back)"
#  endif
#endif

#ifndef WF_SLEEP_MS
#  if defined(WF__WIN32)
#    define WF_SLEEP_MS(ms) Sleep((DWORD)(ms))
#  elif defined(WF__POSIX)
static void wf__posix_sleep_ms(int ms) {
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}
#    define WF_SLEEP_MS(ms) wf__posix_sleep_ms(ms)
#  else
#    error "workfront.h: no sleep known for this target: define WF_SLEEP_MS(ms) (block the calling task for ms milliseconds)"
#  endif
#endif

/* Wall-clock seconds since 1970, for JWT claims and Retry-After dates; a
   target without a real-time clock may answer 0 (JWTs are then refused). */
#ifndef WF_TIME_S
#  if defined(WF__WIN32) || defined(WF__POSIX)
#    define WF_TIME_S() ((long long)time(NULL))
#  else
#    error "workfront.h: no wall clock known for this target: define WF_TIME_S() (seconds since 1970, or 0 when unknown)"
#  endif
#endif

static uint64_t wf__now_ms(void) { return (uint64_t)(WF_NOW_MS()); }
static void wf__sleep_ms(int ms) { if (ms > 0) WF_SLEEP_MS(ms); }
static long long wf__time_s(void) {
    long long t = (long long)(WF_TIME_S());
    return t > 0 ? t : 0;
}

/* -- system error texts ---------------------------------------------------- */

#if defined(WF__WIN32)
/* Winsock and Win32 errors have no strerror(): FormatMessage, as UTF-8. */
WF__MAYBE_UNUSED static const char *wf__win32_text(unsigned long code, char *buf, size_t cap) {
    wchar_t w[256];
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, (DWORD)code, 0, w,
                             (DWORD)(sizeof w / sizeof w[0]), NULL);
    int k;
    while (n > 0 && (w[n - 1] == L'\r' || w[n - 1] == L'\n' || w[n - 1] == L' ' || w[n - 1] == L'.')) n--;
    k = n ? WideCharToMultiByte(CP_UTF8, 0, w, (int)n, buf, (int)cap - 1, NULL, NULL) : 0;
    if (k <= 0) wf__snprintf(buf, cap, "Windows error %lu", code);
    else buf[k] = 0;
    return buf;
}
#endif

/* -- sockets --------------------------------------------------------------- */

/* The built-in transport: TCP through the system's sockets.  Sockets are
   non-blocking so that connect, send and recv each wait with a timeout;
   mbedtls_net_* is avoided because it can raise SIGPIPE and has no connect
   timeout.  WF_NO_SOCKETS leaves all of it out (desc.transport is then
   required). */
#ifndef WF_NO_SOCKETS
#  if defined(WF__WIN32)
typedef SOCKET wf__sockfd;
#    define WF__NO_SOCKET INVALID_SOCKET
#    define WF__EINTR WSAEINTR
#    define WF__WOULDBLOCK(err) ((err) == WSAEWOULDBLOCK)
#    define WF__EINPROGRESS WSAEWOULDBLOCK /* what a non-blocking connect() answers */
#    define WF__ECONNRESET WSAECONNRESET
#    define WF__SEND_FLAGS 0
static int wf__sock_errno(void) { return WSAGetLastError(); }
static void wf__sock_close(wf__sockfd fd) { closesocket(fd); }
static int wf__sock_poll(wf__sockfd fd, short events, int timeout_ms) {
    WSAPOLLFD p;
    p.fd = fd;
    p.events = events;
    p.revents = 0;
    return WSAPoll(&p, 1, timeout_ms); /* >0 ready, 0 timeout, <0 error */
}
static const char *wf__sock_text(int code, char *buf, size_t cap) { return wf__win32_text((unsigned long)code, buf, cap); }
#  elif defined(WF__POSIX)
typedef int wf__sockfd;
#    define WF__NO_SOCKET (-1)
#    define WF__EINTR EINTR
#    define WF__WOULDBLOCK(err) ((err) == EAGAIN || (err) == EWOULDBLOCK)
#    define WF__EINPROGRESS EINPROGRESS
#    define WF__ECONNRESET ECONNRESET
#    ifdef MSG_NOSIGNAL
#      define WF__SEND_FLAGS MSG_NOSIGNAL
#    elif defined(SO_NOSIGPIPE)
#      define WF__SEND_FLAGS 0 /* macOS and older BSDs: SO_NOSIGPIPE is set on the socket */
#    else
#      error "workfront.h: neither MSG_NOSIGNAL nor SO_NOSIGPIPE: a closed peer would raise SIGPIPE; define WF_NO_SOCKETS and pass a transport"
#    endif
static int wf__sock_errno(void) { return errno; }
static void wf__sock_close(wf__sockfd fd) { close(fd); }
static int wf__sock_poll(wf__sockfd fd, short events, int timeout_ms) {
    struct pollfd p;
    int r;
    p.fd = fd;
    p.events = events;
    p.revents = 0;
    do { r = poll(&p, 1, timeout_ms); } while (r < 0 && errno == EINTR);
    return r; /* >0 ready, 0 timeout, <0 error */
}
static const char *wf__sock_text(int code, char *buf, size_t cap) {
    wf__snprintf(buf, cap, "%s", strerror(code));
    return buf;
}
#  else
#    error "workfront.h: no socket API known for this target: define WF_NO_SOCKETS and pass wf_client_desc.transport"
#  endif

typedef struct wf__tcp { wf__sockfd fd; bool started; } wf__tcp;

/* Waits until a non-blocking connect() has finished; 0 timeout, <0 error. */
static int wf__sock_wait_connected(wf__sockfd fd, int timeout_ms) {
#  if defined(WF__WIN32)
    /* select, not WSAPoll: WSAPoll did not report a refused connection
       before Windows 10 2004, it waited for the whole timeout instead */
    fd_set w, x;
    struct timeval tv, *tvp = NULL;
    FD_ZERO(&w);
    FD_ZERO(&x);
    FD_SET(fd, &w);
    FD_SET(fd, &x);
    if (timeout_ms >= 0) { tv.tv_sec = timeout_ms / 1000; tv.tv_usec = (timeout_ms % 1000) * 1000; tvp = &tv; }
    return select(0, NULL, &w, &x, tvp);
#  else
    return wf__sock_poll(fd, POLLOUT, timeout_ms);
#  endif
}

static wf_result wf__tcp_connect(void *user, const char *host, int port, int timeout_ms, wf_error *e) {
    wf__tcp *t = (wf__tcp *)user;
    struct addrinfo hints, *res = NULL, *ai;
    char portstr[16], why[160];
    int rc, last = 0;
    bool timed_out = false;
    uint64_t deadline = wf__now_ms() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0);
    t->fd = WF__NO_SOCKET;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC; /* IPv4 and IPv6, in the resolver's order */
    hints.ai_socktype = SOCK_STREAM;
    wf__snprintf(portstr, sizeof portstr, "%d", port);
    rc = getaddrinfo(host, portstr, &hints, &res);
    if (rc != 0) {
#  if defined(WF__WIN32)
        e->sys_errno = rc;
        return wf__fail(e, WF_ERR_DNS, "cannot resolve host %.200s: %s", host, wf__sock_text(rc, why, sizeof why));
#  else
        e->sys_errno = rc == EAI_SYSTEM ? errno : 0;
        return wf__fail(e, WF_ERR_DNS, "cannot resolve host %.200s: %s", host, gai_strerror(rc));
#  endif
    }
    for (ai = res; ai; ai = ai->ai_next) {
        wf__sockfd fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        int one = 1, soerr = 0;
        socklen_t sl = (socklen_t)sizeof soerr;
        int64_t left;
        if (fd == WF__NO_SOCKET) { last = wf__sock_errno(); continue; }
#  if defined(WF__WIN32)
        {
            u_long nb = 1;
            if (ioctlsocket(fd, FIONBIO, &nb) != 0) { last = wf__sock_errno(); wf__sock_close(fd); continue; }
        }
#  else
        (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
        if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK) < 0) { last = errno; close(fd); continue; }
#    ifdef SO_NOSIGPIPE
        (void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#    endif
#  endif
        if (connect(fd, ai->ai_addr, (socklen_t)ai->ai_addrlen) != 0) {
            int ce = wf__sock_errno();
            if (ce != WF__EINPROGRESS) { last = ce; wf__sock_close(fd); continue; }
            left = (int64_t)(deadline - wf__now_ms());
            if (timeout_ms <= 0) left = -1;
            else if (left < 0) left = 0;
            rc = wf__sock_wait_connected(fd, (int)left);
            if (rc == 0) { timed_out = true; wf__sock_close(fd); break; }
            if (rc < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, (char *)&soerr, &sl) != 0 || soerr != 0) {
                last = soerr ? soerr : wf__sock_errno();
                wf__sock_close(fd);
                continue;
            }
        }
        /* requests are small writes followed by a read: no Nagle delay */
        (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, (socklen_t)sizeof one);
        t->fd = fd;
        break;
    }
    freeaddrinfo(res);
    if (t->fd != WF__NO_SOCKET) return WF_OK;
    if (timed_out)
        return wf__fail(e, WF_ERR_TIMEOUT, "connecting to %.200s port %d timed out after %d ms", host, port, timeout_ms);
    e->sys_errno = last;
    return wf__fail(e, WF_ERR_CONNECT, "cannot connect to %.200s port %d: %s", host, port, wf__sock_text(last, why, sizeof why));
}

static long wf__tcp_send(void *user, const unsigned char *buf, size_t len, int timeout_ms, wf_error *e) {
    wf__tcp *t = (wf__tcp *)user;
    char why[160];
    int err;
    if (len > 1u << 30) len = 1u << 30; /* Winsock counts in int */
    for (;;) {
        long n = (long)send(t->fd, (const char *)buf, (int)len, WF__SEND_FLAGS);
        if (n >= 0) return n;
        err = wf__sock_errno();
        if (err == WF__EINTR) continue;
        if (WF__WOULDBLOCK(err)) {
            int rc = wf__sock_poll(t->fd, POLLOUT, timeout_ms);
            if (rc == 0) { wf__fail(e, WF_ERR_TIMEOUT, "sending timed out after %d ms", timeout_ms); return -(long)WF_ERR_TIMEOUT; }
            if (rc > 0) continue;
            err = wf__sock_errno();
        }
        e->sys_errno = err;
        wf__fail(e, WF_ERR_IO, "send failed: %s", wf__sock_text(err, why, sizeof why));
        return -(long)WF_ERR_IO;
    }
}

static long wf__tcp_recv(void *user, unsigned char *buf, size_t cap, int timeout_ms, wf_error *e) {
    wf__tcp *t = (wf__tcp *)user;
    char why[160];
    int err;
    if (cap > 1u << 30) cap = 1u << 30;
    for (;;) {
        long n = (long)recv(t->fd, (char *)buf, (int)cap, 0);
        if (n >= 0) return n;
        err = wf__sock_errno();
        if (err == WF__EINTR) continue;
        if (WF__WOULDBLOCK(err)) {
            int rc = timeout_ms == 0 ? 0 : wf__sock_poll(t->fd, POLLIN, timeout_ms);
            if (rc == 0) { e->result = WF_ERR_TIMEOUT; return -(long)WF_ERR_TIMEOUT; }
            if (rc > 0) continue;
            err = wf__sock_errno();
        }
        e->sys_errno = err;
        if (err == WF__ECONNRESET) { wf__fail(e, WF_ERR_CLOSED, "connection reset by peer"); return -(long)WF_ERR_CLOSED; }
        wf__fail(e, WF_ERR_IO, "receive failed: %s", wf__sock_text(err, why, sizeof why));
        return -(long)WF_ERR_IO;
    }
}

static void wf__tcp_close(void *user) {
    wf__tcp *t = (wf__tcp *)user;
    if (t->fd != WF__NO_SOCKET) wf__sock_close(t->fd);
    t->fd = WF__NO_SOCKET;
}

/* Fills *tr with the built-in TCP transport over *t.  Winsock is started per
   client (Windows counts WSAStartup calls, so clients stay independent). */
static wf_result wf__tcp_transport(wf__tcp *t, wf_transport *tr, wf_error *e) {
    (void)e;
    t->fd = WF__NO_SOCKET;
    t->started = false;
#  if defined(WF__WIN32)
    {
        WSADATA wsa;
        char why[160];
        int rc = WSAStartup(MAKEWORD(2, 2), &wsa);
        if (rc != 0) {
            e->sys_errno = rc;
            return wf__fail(e, WF_ERR_CONNECT, "WSAStartup failed: %s", wf__sock_text(rc, why, sizeof why));
        }
    }
#  endif
    t->started = true;
    tr->connect = wf__tcp_connect;
    tr->send = wf__tcp_send;
    tr->recv = wf__tcp_recv;
    tr->close = wf__tcp_close;
    tr->user = t;
    return WF_OK;
}

static void wf__tcp_release(wf__tcp *t) {
    if (!t->started) return;
    wf__tcp_close(t);
#  if defined(WF__WIN32)
    WSACleanup();
#  endif
    t->started = false;
}
#else /* WF_NO_SOCKETS */
typedef struct wf__tcp { bool started; } wf__tcp;

static wf_result wf__tcp_transport(wf__tcp *t, wf_transport *tr, wf_error *e) {
    (void)t;
    (void)tr;
    return wf__fail(e, WF_ERR_INVALID, "this build has no sockets (WF_NO_SOCKETS): wf_client_desc.transport is required");
}

static void wf__tcp_release(wf__tcp *t) { (void)t; }
#endif /* WF_NO_SOCKETS */

/* -- files ----------------------------------------------------------------- */

/* The few file operations the library needs: read a file (CA bundle, JWT
   key, token cache, upload) with 64-bit sizes, and write one privately
   (mode 0600) through a temporary name that is renamed over the target only
   when complete, so a reader never sees half a file.  WF_NO_FILES leaves
   them out: every file-based option then answers WF_ERR_UNSUPPORTED and
   the in-memory alternatives (ca_pem, jwt_key_pem, upload read callback)
   remain. */
typedef struct wf__file {
    void *f;       /* FILE *, or NULL */
    const char *name; /* for error texts */
    char *tmp;     /* wf__file_create_temp: the temporary name (allocated) */
    char *target;  /* ... and the name it becomes at commit (allocated) */
} wf__file;

#ifdef WF_NO_FILES
static wf_result wf__file_none(wf_error *e, const char *what, const char *path) {
    return wf__fail(e, WF_ERR_UNSUPPORTED, "cannot use %s%s%.300s: this build has no file access (WF_NO_FILES)", what,
                    *what ? " " : "", path);
}
static wf_result wf__file_open_read(wf__file *f, const char *path, const char *what, wf_error *e) {
    memset(f, 0, sizeof *f);
    return wf__file_none(e, what, path);
}
static wf_result wf__file_size(wf__file *f, uint64_t *size, const char *path, wf_error *e) {
    (void)f;
    *size = 0;
    return wf__file_none(e, "", path);
}
static wf_result wf__file_read(wf__file *f, void *buf, size_t cap, size_t *got, wf_error *e) {
    (void)f;
    (void)buf;
    (void)cap;
    *got = 0;
    return wf__file_none(e, "", "");
}
WF__MAYBE_UNUSED static wf_result wf__file_write(wf__file *f, const void *buf, size_t n, wf_error *e) {
    (void)f;
    (void)buf;
    (void)n;
    return wf__file_none(e, "", "");
}
WF__MAYBE_UNUSED static wf_result wf__file_create_temp(const wf_allocator *a, wf__file *f, const char *path, const char *what, wf_error *e) {
    (void)a;
    memset(f, 0, sizeof *f);
    return wf__file_none(e, what, path);
}
WF__MAYBE_UNUSED static wf_result wf__file_commit(const wf_allocator *a, wf__file *f, wf_error *e) {
    (void)a;
    (void)f;
    return wf__file_none(e, "", "");
}
static void wf__file_close(const wf_allocator *a, wf__file *f) {
    (void)a;
    memset(f, 0, sizeof *f);
}
WF__MAYBE_UNUSED static wf_result wf__file_remove(const char *path, wf_error *e) { return wf__file_none(e, "", path); }
#else
#  if defined(WF__POSIX)
/* 2 GiB and larger files need a 64-bit off_t: -D_FILE_OFFSET_BITS=64 on
   32-bit systems (set above unless a system header came first). */
typedef char wf__define_FILE_OFFSET_BITS_64_before_any_system_header[sizeof(off_t) >= 8 ? 1 : -1];
#    define WF__SEEK(f, off, wh) fseeko((FILE *)(f), (off_t)(off), wh)
#    define WF__TELL(f) ((int64_t)ftello((FILE *)(f)))
#    define WF__FOPEN(path, mode) fopen(path, mode)
#    define WF__REMOVE(path) remove(path)
#  elif defined(WF__WIN32)
#    define WF__SEEK(f, off, wh) _fseeki64((FILE *)(f), (__int64)(off), wh)
#    define WF__TELL(f) ((int64_t)_ftelli64((FILE *)(f)))
/* File names are UTF-8 (as wf's arguments are): Windows takes them through
   its wide-character API, where the narrow one would use the ANSI code page. */
static bool wf__win32_wpath(const char *path, wchar_t *w, int cap) {
    if (MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path, -1, w, cap) > 0) return true;
    errno = GetLastError() == ERROR_INSUFFICIENT_BUFFER ? ENAMETOOLONG : EINVAL;
    return false;
}
static FILE *wf__win32_fopen(const char *path, const wchar_t *mode) {
    wchar_t w[1024];
    return wf__win32_wpath(path, w, 1024) ? _wfopen(w, mode) : NULL;
}
static int wf__win32_remove(const char *path) {
    wchar_t w[1024];
    return wf__win32_wpath(path, w, 1024) ? _wremove(w) : -1;
}
#    define WF__FOPEN(path, mode) wf__win32_fopen(path, L##mode)
#    define WF__REMOVE(path) wf__win32_remove(path)
#  else
#    define WF__SEEK(f, off, wh) fseek((FILE *)(f), (long)(off), wh)
#    define WF__TELL(f) ((int64_t)ftell((FILE *)(f)))
#    define WF__FOPEN(path, mode) fopen(path, mode)
#    define WF__REMOVE(path) remove(path)
#  endif

/* "cannot <verb> <what> <path>: <reason>", with errno kept in the record. */
static wf_result wf__file_fail(wf_error *e, int code, const char *verb, const char *what, const char *path) {
    e->sys_errno = code;
    return wf__fail(e, WF_ERR_FILE, "cannot %s %s%s%.300s: %s", verb, what, *what ? " " : "", path ? path : "",
                    code ? strerror(code) : "unknown error");
}

static wf_result wf__file_open_read(wf__file *f, const char *path, const char *what, wf_error *e) {
    memset(f, 0, sizeof *f);
    errno = 0;
    if (!path || !*path) return wf__fail(e, WF_ERR_INVALID, "no file name given for %s", *what ? what : "a file");
    f->name = path;
    f->f = WF__FOPEN(path, "rb");
    if (!f->f) return wf__file_fail(e, errno, "read", what, path);
    return WF_OK;
}

/* The size of an open file, 64-bit everywhere; leaves the position at 0. */
static wf_result wf__file_size(wf__file *f, uint64_t *size, const char *path, wf_error *e) {
    int64_t n;
    *size = 0;
    errno = 0;
    if (WF__SEEK(f->f, 0, SEEK_END) != 0 || (n = WF__TELL(f->f)) < 0 || WF__SEEK(f->f, 0, SEEK_SET) != 0)
        return wf__file_fail(e, errno, "find the size of", "", path);
    *size = (uint64_t)n;
    return WF_OK;
}

/* Reads up to cap bytes; *got 0 means the end of the file. */
static wf_result wf__file_read(wf__file *f, void *buf, size_t cap, size_t *got, wf_error *e) {
    errno = 0;
    *got = fread(buf, 1, cap, (FILE *)f->f);
    if (*got == 0 && ferror((FILE *)f->f)) return wf__file_fail(e, errno ? errno : EIO, "read", "", f->name);
    return WF_OK;
}

WF__MAYBE_UNUSED static wf_result wf__file_write(wf__file *f, const void *buf, size_t n, wf_error *e) {
    errno = 0;
    if (n && fwrite(buf, 1, n, (FILE *)f->f) != n) return wf__file_fail(e, errno ? errno : EIO, "write", "", f->name);
    return WF_OK;
}

/* Creates path.tmp-XXXXXXXX, new, writable by the owner only; commit renames it over path. */
WF__MAYBE_UNUSED static wf_result wf__file_create_temp(const wf_allocator *a, wf__file *f, const char *path, const char *what, wf_error *e) {
    size_t n;
    int attempt;
    memset(f, 0, sizeof *f);
    if (!path || !*path) return wf__fail(e, WF_ERR_INVALID, "no file name given for %s", *what ? what : "a file");
    n = strlen(path);
    f->target = wf__strdup(a, path);
    f->tmp = (char *)wf__alloc(a, n + 16);
    if (!f->target || !f->tmp) {
        wf__free(a, f->target);
        wf__free(a, f->tmp);
        memset(f, 0, sizeof *f);
        return wf__fail(e, WF_ERR_NOMEM, "out of memory");
    }
    for (attempt = 0; attempt < 100; attempt++) {
        /* the name only has to be new; O_EXCL makes sure it is */
        uint64_t r = wf__now_ms() * 6364136223846793005ull + (uint64_t)(uintptr_t)f->tmp + (uint64_t)attempt * 1442695040888963407ull;
#  if defined(WF__POSIX) || defined(WF__WIN32)
        int fd;
#  endif
        wf__snprintf(f->tmp, n + 16, "%s.tmp-%08x", path, (unsigned)(r >> 32));
        errno = 0;
#  if defined(WF__POSIX)
        fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0 && !(f->f = fdopen(fd, "wb"))) { int k = errno; close(fd); WF__REMOVE(f->tmp); errno = k; }
#  elif defined(WF__WIN32)
        {
            wchar_t w[1024];
            fd = wf__win32_wpath(f->tmp, w, 1024) ? _wopen(w, _O_WRONLY | _O_CREAT | _O_EXCL | _O_BINARY | _O_NOINHERIT, _S_IREAD | _S_IWRITE) : -1;
        }
        if (fd >= 0 && !(f->f = _fdopen(fd, "wb"))) { int k = errno; _close(fd); WF__REMOVE(f->tmp); errno = k; }
#  else
        errno = ENOSYS; /* no portable way to create a private file */
#  endif
        if (f->f) { f->name = f->tmp; return WF_OK; }
        if (errno != EEXIST) break;
    }
    {
        int k = errno;
        wf_result r = wf__file_fail(e, k, "create", what, f->tmp);
        wf__free(a, f->target);
        wf__free(a, f->tmp);
        memset(f, 0, sizeof *f);
        return r;
    }
}

/* Flushes the temporary file to disk and renames it over its target. */
WF__MAYBE_UNUSED static wf_result wf__file_commit(const wf_allocator *a, wf__file *f, wf_error *e) {
    wf_result r = WF_OK;
    FILE *fp = (FILE *)f->f;
    int bad;
    errno = 0;
    bad = fflush(fp) != 0;
#  if defined(WF__POSIX)
    if (!bad) bad = fsync(fileno(fp)) != 0;
#  elif defined(WF__WIN32)
    if (!bad) bad = _commit(_fileno(fp)) != 0;
#  endif
    if (bad) r = wf__file_fail(e, errno ? errno : EIO, "write", "", f->tmp);
    if (fclose(fp) != 0 && r == WF_OK) r = wf__file_fail(e, errno ? errno : EIO, "write", "", f->tmp);
    f->f = NULL;
    if (r == WF_OK) {
#  if defined(WF__WIN32)
        wchar_t wt[1024], wf[1024];
        if (!wf__win32_wpath(f->tmp, wt, 1024) || !wf__win32_wpath(f->target, wf, 1024)) {
            r = wf__file_fail(e, errno, "replace", "", f->target);
        } else if (!MoveFileExW(wt, wf, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
            char why[160];
            e->sys_errno = (int)GetLastError();
            r = wf__fail(e, WF_ERR_FILE, "cannot replace %.300s: %s", f->target, wf__win32_text(GetLastError(), why, sizeof why));
        }
#  else
        if (rename(f->tmp, f->target) != 0) r = wf__file_fail(e, errno, "replace", "", f->target);
#  endif
    }
    if (r != WF_OK) WF__REMOVE(f->tmp);
    wf__free(a, f->tmp);
    wf__free(a, f->target);
    memset(f, 0, sizeof *f);
    return r;
}

/* Closes a file; a temporary one that was not committed is removed. */
static void wf__file_close(const wf_allocator *a, wf__file *f) {
    if (f->f) fclose((FILE *)f->f);
    if (f->tmp) WF__REMOVE(f->tmp);
    wf__free(a, f->tmp);
    wf__free(a, f->target);
    memset(f, 0, sizeof *f);
}

WF__MAYBE_UNUSED static wf_result wf__file_remove(const char *path, wf_error *e) {
    errno = 0;
    if (WF__REMOVE(path) != 0 && errno != ENOENT) return wf__file_fail(e, errno, "remove", "", path);
    return WF_OK;
}
#endif /* WF_NO_FILES */

/* A whole (small) file into memory, NUL-terminated: keys, CA bundles, caches. */
static wf_result wf__file_read_all(const wf_allocator *a, const char *path, size_t max, const char *what, char **out,
                                   size_t *len, wf_error *e) {
    wf__file f;
    uint64_t size = 0;
    size_t got = 0, n;
    char *p = NULL;
    wf_result r;
    *out = NULL;
    if (len) *len = 0;
    if ((r = wf__file_open_read(&f, path, what, e)) != WF_OK) return r;
    if ((r = wf__file_size(&f, &size, path, e)) != WF_OK) goto done;
    if (size > (uint64_t)max) {
        r = wf__fail(e, WF_ERR_FILE, "%s%s%.300s is larger than %u KB", what, *what ? " " : "", path, (unsigned)(max >> 10));
        goto done;
    }
    p = (char *)wf__alloc(a, (size_t)size + 1);
    if (!p) { r = wf__fail(e, WF_ERR_NOMEM, "out of memory"); goto done; }
    while (got < (size_t)size) {
        if ((r = wf__file_read(&f, p + got, (size_t)size - got, &n, e)) != WF_OK) goto done;
        if (n == 0) break; /* shrank while reading: keep what was there */
        got += n;
    }
    p[got] = 0;
    *out = p;
    p = NULL;
    if (len) *len = got;
done:
    wf__free(a, p);
    wf__file_close(a, &f);
    return r;
}

/* A secret's file (the token cache), read whole only when nobody else can
   read or change it: a regular file of this user, no group or other
   permission bits (POSIX; on Windows the file's ACL is left to the user).
   A missing file is not an error: *out stays NULL. */
static wf_result wf__file_read_private(const wf_allocator *a, const char *path, size_t max, const char *what, char **out,
                                       size_t *len, wf_error *e) {
    *out = NULL;
    *len = 0;
#if defined(WF__POSIX) && !defined(WF_NO_FILES)
    {
        struct stat st;
        errno = 0;
        if (stat(path, &st) != 0) {
            if (errno == ENOENT) return WF_OK;
            return wf__file_fail(e, errno, "read", what, path);
        }
        if (!S_ISREG(st.st_mode)) return wf__fail(e, WF_ERR_FILE, "%s %.300s is not a regular file", what, path);
        if (st.st_uid != geteuid())
            return wf__fail(e, WF_ERR_FILE, "refusing %s %.300s: it belongs to another user", what, path);
        if ((st.st_mode & 077) != 0)
            return wf__fail(e, WF_ERR_FILE, "refusing %s %.300s: group or others may access it (mode 0%d%d%d); chmod 600 it",
                            what, path, (int)(st.st_mode >> 6) & 7, (int)(st.st_mode >> 3) & 7, (int)st.st_mode & 7);
    }
#elif !defined(WF_NO_FILES)
    {
        wf__file f;
        if (wf__file_open_read(&f, path, what, e) != WF_OK) {
            if (e->sys_errno == ENOENT) { wf__err_clear(e); return WF_OK; }
            return e->result;
        }
        wf__file_close(a, &f);
    }
#endif
    /* (the checks above look at the path, the read below opens it again: a
       file swapped in between must still be ours to read, and the cache
       directory is the user's own) */
    return wf__file_read_all(a, path, max, what, out, len, e);
}

/* Replaces path with len bytes of data, mode 0600, atomically. */
static wf_result wf__file_write_private(const wf_allocator *a, const char *path, const char *data, size_t len, const char *what,
                                        wf_error *e) {
    wf__file f;
    wf_result r = wf__file_create_temp(a, &f, path, what, e);
    if (r) return r;
    if ((r = wf__file_write(&f, data, len, e)) != WF_OK) { wf__file_close(a, &f); return r; }
    return wf__file_commit(a, &f, e);
}

/* -- entropy ---------------------------------------------------------------- */

/* TLS needs a strong entropy source.  mbedTLS brings the platform's
   (getrandom, /dev/urandom, BCryptGenRandom) unless it was built with
   MBEDTLS_NO_PLATFORM_ENTROPY; WF_ENTROPY_SOURCE names one more, e.g. a
   hardware RNG:  int fn(void *data, unsigned char *out, size_t len, size_t *olen).
   Without any, wf_client_create fails for https:// URLs: never a weak RNG. */
#ifndef WF_NO_TLS
#  if defined(MBEDTLS_NO_PLATFORM_ENTROPY) && !defined(WF_ENTROPY_SOURCE) && !defined(MBEDTLS_ENTROPY_HARDWARE_ALT) && \
      !defined(MBEDTLS_ENTROPY_NV_SEED)
#    error "workfront.h: this mbedTLS has no entropy source (MBEDTLS_NO_PLATFORM_ENTROPY): define WF_ENTROPY_SOURCE (a hardware RNG) or build with WF_NO_TLS"
#  endif
#  ifdef WF_ENTROPY_SOURCE
int WF_ENTROPY_SOURCE(void *data, unsigned char *out, size_t len, size_t *olen);
#  endif

static wf_result wf__entropy_setup(mbedtls_entropy_context *ctx, wf_error *e) {
    (void)e;
    mbedtls_entropy_init(ctx);
#  ifdef WF_ENTROPY_SOURCE
    {
        int rc = mbedtls_entropy_add_source(ctx, WF_ENTROPY_SOURCE, NULL, 32, MBEDTLS_ENTROPY_SOURCE_STRONG);
        if (rc) {
            e->tls_code = rc;
            return wf__fail(e, WF_ERR_TLS, "cannot add the entropy source WF_ENTROPY_SOURCE (-0x%04x)", (unsigned)-rc);
        }
    }
#  endif
    return WF_OK;
}

/* Says why a random generator could not be seeded, in terms a porter can act on. */
static wf_result wf__entropy_fail(wf_error *e, int rc) {
    e->tls_code = rc;
    if (rc == MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED || rc == MBEDTLS_ERR_ENTROPY_NO_STRONG_SOURCE)
        return wf__fail(e, WF_ERR_TLS, "no strong entropy source for TLS: define WF_ENTROPY_SOURCE (a hardware RNG) or use an mbedTLS with platform entropy (-0x%04x)",
                        (unsigned)-rc);
    return wf__fail(e, WF_ERR_TLS, "the entropy source failed, TLS cannot run without one (-0x%04x)", (unsigned)-rc);
}
#endif

/* Bytes that only have to differ between calls (multipart boundaries). */
static void wf__random(unsigned char *out, size_t n) {
    uint64_t t = wf__now_ms() ^ (uint64_t)(uintptr_t)out ^ ((uint64_t)wf__time_s() << 20);
    size_t i;
#ifndef WF_NO_TLS
    {
        mbedtls_entropy_context ec;
        wf_error scratch;
        bool ok = wf__entropy_setup(&ec, &scratch) == WF_OK && mbedtls_entropy_func(&ec, out, n) == 0;
        mbedtls_entropy_free(&ec);
        if (ok) return;
    }
#endif
    for (i = 0; i < n; i++) { t = t * 6364136223846793005ull + 1442695040888963407ull; out[i] = (unsigned char)(t >> 56); }
}

/* -- system CA store -------------------------------------------------------- */

/* Adds the system's trusted roots to chain; answers how many certificates
   were added and, in where, what was tried.  WF_DEFAULT_CA_FILE names one
   bundle; otherwise Windows' ROOT store, or the first bundle found among
   the usual places.  WF_NO_SYSTEM_CA: none (firmware: pass ca_pem). */
#ifndef WF_NO_TLS
static int wf__system_ca(const wf_allocator *a, mbedtls_x509_crt *chain, char *where, size_t cap) {
    int before = 0, after = 0;
    const mbedtls_x509_crt *k;
    for (k = chain; k && k->version; k = k->next) before++;
#  if defined(WF_NO_SYSTEM_CA)
    (void)a;
    wf__snprintf(where, cap, "this build has no system CA store (WF_NO_SYSTEM_CA)");
#  elif defined(WF__WIN32) && !defined(WF_DEFAULT_CA_FILE)
    {
        HCERTSTORE store = CertOpenSystemStoreW(0, L"ROOT");
        PCCERT_CONTEXT cc = NULL;
        (void)a;
        wf__snprintf(where, cap, "the Windows ROOT certificate store is empty or unreadable");
        if (store) {
            while ((cc = CertEnumCertificatesInStore(store, cc)) != NULL)
                if (cc->dwCertEncodingType & X509_ASN_ENCODING)
                    (void)mbedtls_x509_crt_parse_der(chain, cc->pbCertEncoded, cc->cbCertEncoded); /* skip what mbedTLS cannot parse */
            CertCloseStore(store, 0);
        }
    }
#  else
    {
#    ifdef WF_DEFAULT_CA_FILE
        static const char *const paths[] = { WF_DEFAULT_CA_FILE, NULL };
#    else
        static const char *const paths[] = {
            "/etc/ssl/certs/ca-certificates.crt",                /* Debian, Ubuntu, Alpine, Arch, Gentoo */
            "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", /* Fedora, RHEL, CentOS */
            "/etc/pki/tls/certs/ca-bundle.crt",                  /* older Fedora and RHEL */
            "/etc/ssl/ca-bundle.pem",                            /* openSUSE */
            "/etc/ssl/cert.pem",                                 /* macOS, FreeBSD, OpenBSD, Alpine */
            "/usr/local/etc/ssl/cert.pem",                       /* FreeBSD ports */
            "/usr/local/share/certs/ca-root-nss.crt",            /* FreeBSD ca_root_nss */
            NULL
        };
#    endif
        int i;
        wf__snprintf(where, cap, "no system CA bundle found (looked for %s%s)", paths[0], paths[1] ? " and the other usual places" : "");
        for (i = 0; paths[i]; i++) {
            char *pem = NULL;
            size_t n = 0;
            wf_error scratch;
            if (wf__file_read_all(a, paths[i], (size_t)16 << 20, "", &pem, &n, &scratch) != WF_OK) continue;
            (void)mbedtls_x509_crt_parse(chain, (const unsigned char *)pem, n + 1); /* >0: some were skipped */
            wf__free(a, pem);
            for (k = chain, after = 0; k && k->version; k = k->next) after++;
            if (after > before) break;
            wf__snprintf(where, cap, "the system CA bundle %.300s holds no usable certificate", paths[i]);
        }
    }
#  endif
    for (k = chain, after = 0; k && k->version; k = k->next) after++;
    return after - before;
}
#endif

/* >> transport: connection state ========================================== */

/* What the transport layer (TLS, proxy, connection) works on: the byte
   stream, the TLS state, the proxy, the timeouts, and pointers to the
   owner's error record, logger and allocator.  The client embeds one; the
   transport never sees the client. */
#ifndef WF_NO_TLS
typedef struct wf__tls {
    bool conf_ready, ssl_ready, have_session;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_x509_crt ca;
    mbedtls_ssl_config conf;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_session session; /* for resumption on the next connection */
} wf__tls;
#endif

typedef struct wf__conn {
    wf_transport tr;           /* the byte stream: built-in TCP or the caller's */
    wf__tcp tcp;               /* the built-in transport's state */
    bool open, reusable;
    const wf__url *origin;     /* the server: host, port, tls */
    const char *user_agent;    /* sent in CONNECT */
    wf__url proxy;             /* proxy.host[0] == 0: direct */
    char *proxy_auth;          /* "Basic ..." header value, a secret */
    int timeout_ms, connect_timeout_ms, read_timeout_ms;
    uint64_t deadline;         /* of the request in flight */
    wf_result io_result;       /* transport failure seen under TLS */
    wf_error *err;             /* the owner's error record */
    const wf_logger *log;
    const wf_allocator *a;
#ifndef WF_NO_TLS
    wf__tls *tls;
#endif
} wf__conn;

/* Time left for the request in flight, capped by the idle-read timeout. */
static int wf__io_timeout(const wf__conn *k, bool reading) {
    uint64_t now = wf__now_ms();
    int64_t left = k->deadline > now ? (int64_t)(k->deadline - now) : 0;
    int cap = reading ? k->read_timeout_ms : k->timeout_ms;
    return left < cap ? (int)left : cap;
}

/* >> transport: tls ======================================================== */
#ifndef WF_NO_TLS

static void wf__tls_text(wf_error *e, int rc) {
    e->tls_code = rc;
    mbedtls_strerror(rc, e->tls_text, sizeof e->tls_text);
}

static int wf__bio_send(void *ctx, const unsigned char *buf, size_t len) {
    wf__conn *k = (wf__conn *)ctx;
    long n = k->tr.send(k->tr.user, buf, len, wf__io_timeout(k, false), k->err);
    if (n > 0) return (int)n;
    k->io_result = n == 0 ? WF_ERR_IO : (wf_result)-n;
    return k->io_result == WF_ERR_TIMEOUT ? MBEDTLS_ERR_SSL_TIMEOUT : MBEDTLS_ERR_NET_SEND_FAILED;
}

static int wf__bio_recv(void *ctx, unsigned char *buf, size_t len) {
    wf__conn *k = (wf__conn *)ctx;
    long n = k->tr.recv(k->tr.user, buf, len, wf__io_timeout(k, true), k->err);
    if (n >= 0) return (int)n; /* 0: end of stream, mbedTLS reports it */
    k->io_result = (wf_result)-n;
    return k->io_result == WF_ERR_TIMEOUT ? MBEDTLS_ERR_SSL_TIMEOUT : MBEDTLS_ERR_NET_RECV_FAILED;
}

/* The trusted roots: the system's (see wf__system_ca), then ca_file, then ca_pem. */
static wf_result wf__tls_load_ca(wf__conn *k, const wf_client_desc *d) {
    wf__tls *t = k->tls;
    int rc;
    bool any = false;
    char where[400];
    where[0] = 0;
    if (!d->no_system_ca) any = wf__system_ca(k->a, &t->ca, where, sizeof where) > 0;
    if (d->ca_file && *d->ca_file) {
        char *pem = NULL;
        size_t n = 0;
        wf_result r = wf__file_read_all(k->a, d->ca_file, (size_t)64 << 20, "CA file", &pem, &n, k->err);
        if (r) return r;
        rc = mbedtls_x509_crt_parse(&t->ca, (const unsigned char *)pem, n + 1); /* the NUL counted: PEM */
        wf__free(k->a, pem);
        if (rc < 0) {
            wf__tls_text(k->err, rc);
            return wf__fail(k->err, WF_ERR_FILE, "CA file %.300s holds no usable PEM certificate: %s", d->ca_file, k->err->tls_text);
        }
        any = any || t->ca.version != 0;
    }
    if (d->ca_pem) {
        size_t n = d->ca_pem_len ? d->ca_pem_len : strlen(d->ca_pem);
        unsigned char *z = (unsigned char *)wf__alloc(k->a, n + 1); /* mbedTLS wants the NUL counted */
        if (!z) return wf__fail(k->err, WF_ERR_NOMEM, "out of memory");
        memcpy(z, d->ca_pem, n);
        z[n] = 0;
        rc = mbedtls_x509_crt_parse(&t->ca, z, n + 1);
        wf__free(k->a, z);
        if (rc < 0) {
            wf__tls_text(k->err, rc);
            return wf__fail(k->err, WF_ERR_INVALID, "ca_pem holds no usable PEM certificate: %s", k->err->tls_text);
        }
        any = true;
    }
    if (!any && d->no_system_ca)
        return wf__fail(k->err, WF_ERR_INVALID, "no trusted CA certificates: no_system_ca is set and neither ca_file nor ca_pem was given");
    if (!any)
        return wf__fail(k->err, WF_ERR_FILE, "no trusted CA certificates: %s, and no CA file was given "
                        "(install ca-certificates or pass a CA bundle)", where);
    return WF_OK;
}

static wf_result wf__tls_init(wf__conn *k, const wf_client_desc *d) {
    static const char pers[] = "workfront.h";
    wf__tls *t = (wf__tls *)wf__alloc(k->a, sizeof *t);
    int rc;
    wf_result r;
    if (!t) return wf__fail(k->err, WF_ERR_NOMEM, "out of memory");
    memset(t, 0, sizeof *t);
    k->tls = t;
    r = wf__entropy_setup(&t->entropy, k->err);
    mbedtls_ctr_drbg_init(&t->drbg);
    mbedtls_x509_crt_init(&t->ca);
    mbedtls_ssl_config_init(&t->conf);
    mbedtls_ssl_init(&t->ssl);
    mbedtls_ssl_session_init(&t->session);
    t->conf_ready = true;
    if (r) return r;
#if MBEDTLS_VERSION_MAJOR >= 3
    if (psa_crypto_init() != PSA_SUCCESS) return wf__fail(k->err, WF_ERR_TLS, "psa_crypto_init failed");
#endif
    rc = mbedtls_ctr_drbg_seed(&t->drbg, mbedtls_entropy_func, &t->entropy, (const unsigned char *)pers, sizeof pers - 1);
    if (rc) { wf__tls_text(k->err, rc); return wf__entropy_fail(k->err, rc); }
    if ((r = wf__tls_load_ca(k, d)) != WF_OK) return r;
    rc = mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    if (rc) { wf__tls_text(k->err, rc); return wf__fail(k->err, WF_ERR_TLS, "TLS configuration: %s", k->err->tls_text); }
    mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&t->conf, &t->ca, NULL);
    mbedtls_ssl_conf_rng(&t->conf, mbedtls_ctr_drbg_random, &t->drbg);
#if MBEDTLS_VERSION_MAJOR >= 3
    mbedtls_ssl_conf_min_tls_version(&t->conf, MBEDTLS_SSL_VERSION_TLS1_2);
#  if defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED)
    /* TLS 1.3 tickets arrive after the handshake; 3.6.1+ drops them unless asked */
    mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(&t->conf, MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
#  endif
#else
    mbedtls_ssl_conf_min_version(&t->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
#endif
    return WF_OK;
}

static void wf__tls_free(wf__conn *k) {
    wf__tls *t = k->tls;
    if (!t) return;
    if (t->conf_ready) {
        mbedtls_ssl_session_free(&t->session);
        mbedtls_ssl_free(&t->ssl);
        mbedtls_ssl_config_free(&t->conf);
        mbedtls_x509_crt_free(&t->ca);
        mbedtls_ctr_drbg_free(&t->drbg);
        mbedtls_entropy_free(&t->entropy);
    }
    wf__free(k->a, t);
    k->tls = NULL;
}

/* Turns a failed mbedTLS call into the error record. */
static wf_result wf__tls_fail(wf__conn *k, int rc, const char *what) {
    wf__tls *t = k->tls;
    if (k->io_result) {
        wf_result r = k->io_result;
        if (r == WF_ERR_TIMEOUT) return wf__fail(k->err, r, "%s: timed out", what);
        return wf__fail(k->err, r, "%s: %s", what, k->err->text[0] ? k->err->text : wf_result_str(r));
    }
    wf__tls_text(k->err, rc);
    if (rc == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
        char info[512], *s;
        k->err->cert_flags = mbedtls_ssl_get_verify_result(&t->ssl);
        mbedtls_x509_crt_verify_info(info, sizeof info, "", k->err->cert_flags);
        for (s = info; *s; s++) if (*s == '\n') *s = s[1] ? ';' : 0;
        wf__copy(k->err->cert_text, sizeof k->err->cert_text, info, strlen(info));
        return wf__fail(k->err, WF_ERR_CERT, "certificate of %.200s %s: %s", k->origin->host,
                        (k->err->cert_flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) ? "not trusted" : "rejected", k->err->cert_text);
    }
    if (rc == MBEDTLS_ERR_SSL_CONN_EOF || rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
        return wf__fail(k->err, WF_ERR_CLOSED, "%s: connection closed by %.200s", what, k->origin->host);
#if !defined(MBEDTLS_SSL_PROTO_TLS1_3)
    if (rc == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) {
        /* Without a TLS 1.3 client, a server that requires 1.3 answers the
           ClientHello with a protocol_version alert, which mbedTLS reports
           only as "a fatal alert": say what it means and what fixes it.
           mbedTLS has no getter for the alert; its description is the
           second byte of the alert record still in in_msg (2.28: a public
           field, 3.x: MBEDTLS_PRIVATE). */
#  if MBEDTLS_VERSION_MAJOR >= 3
#    define WF__SSL_FIELD(f) MBEDTLS_PRIVATE(f)
#  else
#    define WF__SSL_FIELD(f) f
#  endif
        const mbedtls_ssl_context *s = &t->ssl;
        if (s->WF__SSL_FIELD(in_msg) && s->WF__SSL_FIELD(in_msgtype) == MBEDTLS_SSL_MSG_ALERT &&
            s->WF__SSL_FIELD(in_msglen) >= 2 &&
            s->WF__SSL_FIELD(in_msg)[1] == MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION)
            return wf__fail(k->err, WF_ERR_TLS, "%s: %.200s requires a TLS version this build lacks: it speaks TLS 1.2 only "
#  if MBEDTLS_VERSION_MAJOR >= 3
                            "(Mbed TLS %s built without MBEDTLS_SSL_PROTO_TLS1_3); rebuild mbedTLS with TLS 1.3 "
#  else
                            "(Mbed TLS %s has no TLS 1.3 client); build against mbedTLS 3.6 with TLS 1.3 "
                            "(MBEDTLS_SSL_PROTO_TLS1_3) "
#  endif
                            "(protocol_version alert, -0x%04x)",
                            what, k->origin->host, MBEDTLS_VERSION_STRING, (unsigned)-rc);
#  undef WF__SSL_FIELD
    }
#endif
    return wf__fail(k->err, WF_ERR_TLS, "%s: %s (-0x%04x)", what, k->err->tls_text, (unsigned)-rc);
}

/* Keeps the connection's session (TLS 1.3: its latest ticket) for resuming
   the next connection. */
static void wf__tls_keep_session(wf__tls *t) {
    mbedtls_ssl_session_free(&t->session);
    mbedtls_ssl_session_init(&t->session);
    t->have_session = mbedtls_ssl_get_session(&t->ssl, &t->session) == 0;
}

static wf_result wf__tls_handshake(wf__conn *k) {
    wf__tls *t = k->tls;
    int rc;
    if (!t->ssl_ready) {
        if ((rc = mbedtls_ssl_setup(&t->ssl, &t->conf)) != 0) return wf__tls_fail(k, rc, "TLS setup");
        t->ssl_ready = true;
    } else if ((rc = mbedtls_ssl_session_reset(&t->ssl)) != 0) {
        return wf__tls_fail(k, rc, "TLS reset");
    }
    /* always set: without it mbedTLS 2.28 skips the certificate name check */
    if ((rc = mbedtls_ssl_set_hostname(&t->ssl, k->origin->host)) != 0) return wf__tls_fail(k, rc, "TLS host name");
    mbedtls_ssl_set_bio(&t->ssl, k, wf__bio_send, wf__bio_recv, NULL);
    if (t->have_session) (void)mbedtls_ssl_set_session(&t->ssl, &t->session);
    k->io_result = WF_OK;
    while ((rc = mbedtls_ssl_handshake(&t->ssl)) != 0)
        if (rc != MBEDTLS_ERR_SSL_WANT_READ && rc != MBEDTLS_ERR_SSL_WANT_WRITE) return wf__tls_fail(k, rc, "TLS handshake");
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    if (mbedtls_ssl_get_version_number(&t->ssl) == MBEDTLS_SSL_VERSION_TLS1_3) {
        /* the session is the ticket the server sends next (wf__conn_read
           keeps it); a used ticket is not offered again */
        mbedtls_ssl_session_free(&t->session);
        mbedtls_ssl_session_init(&t->session);
        t->have_session = false;
    } else
#endif
    wf__tls_keep_session(t);
    wf__logf(k->log, WF_LOG_TRACE, "* TLS %s, %s", mbedtls_ssl_get_version(&t->ssl), mbedtls_ssl_get_ciphersuite(&t->ssl));
    return WF_OK;
}
#endif /* WF_NO_TLS */

/* >> transport: proxy ===================================================== */

/* NO_PROXY: comma/space list of hosts, ".suffix" or "suffix" domains, "*". */
static bool wf__no_proxy(const char *list, const char *host) {
    const char *s = list;
    size_t hl = strlen(host);
    while (s && *s) {
        const char *e;
        size_t n;
        while (*s == ',' || *s == ' ') s++;
        for (e = s; *e && *e != ',' && *e != ' '; e++) {}
        n = (size_t)(e - s);
        if (n == 1 && *s == '*') return true;
        if (n && *s == '.') { s++; n--; }
        if (n && n <= hl) {
            /* the tail of host equals s[0..n) at a label boundary */
            size_t i;
            bool eq = true;
            for (i = 0; i < n && eq; i++) eq = wf__lower(host[hl - n + i]) == wf__lower(s[i]);
            if (eq && (n == hl || host[hl - n - 1] == '.')) return true;
        }
        s = e;
    }
    return false;
}

static wf_result wf__proxy_setup(wf__conn *k, const wf_client_desc *d) {
    const char *p = d->proxy, *at;
    char *copy, *slashes;
    wf_result r;
    if (!p || !*p) {
        const char *np;
        if (d->no_env_proxy) return WF_OK;
        p = k->origin->tls ? getenv("HTTPS_PROXY") : getenv("HTTP_PROXY");
        if (!p || !*p) p = k->origin->tls ? getenv("https_proxy") : getenv("http_proxy");
        if (!p || !*p) return WF_OK;
        np = getenv("NO_PROXY");
        if (!np || !*np) np = getenv("no_proxy");
        if (np && wf__no_proxy(np, k->origin->host)) return WF_OK;
    }
    copy = wf__strdup(k->a, strstr(p, "://") ? p : "");
    if (!strstr(p, "://")) {
        /* "host:port" without a scheme is common in environment variables */
        size_t n = strlen(p);
        wf__free(k->a, copy);
        copy = (char *)wf__alloc(k->a, n + 8);
        if (copy) { memcpy(copy, "http://", 7); memcpy(copy + 7, p, n + 1); }
    }
    if (!copy) return wf__fail(k->err, WF_ERR_NOMEM, "out of memory");
    /* user:password@ belongs to the proxy, not to a logged URL */
    slashes = strstr(copy, "://") + 3;
    at = wf__userinfo_at(slashes);
    if (at) {
#ifdef WF_NO_TLS
        wf__free_secret(k->a, copy);
        return wf__fail(k->err, WF_ERR_UNSUPPORTED, "proxy authentication needs mbedTLS's base64 (WF_NO_TLS build)");
#else
        size_t ul = (size_t)(at - slashes), olen = 0;
        char *hv = (char *)wf__alloc(k->a, 6 + (ul * 4) / 3 + 8);
        if (!hv) { wf__free_secret(k->a, copy); return wf__fail(k->err, WF_ERR_NOMEM, "out of memory"); }
        memcpy(hv, "Basic ", 6);
        mbedtls_base64_encode((unsigned char *)hv + 6, (ul * 4) / 3 + 8, &olen, (const unsigned char *)slashes, ul);
        hv[6 + olen] = 0;
        k->proxy_auth = hv;
        memmove(slashes, at + 1, strlen(at + 1) + 1);
#endif
    }
    if (strncmp(copy, "http://", 7) != 0) {
        wf__free_secret(k->a, copy);
        return wf__fail(k->err, WF_ERR_URL, "proxy must be an http:// URL (CONNECT tunnel)");
    }
    r = wf__url_parse(copy, &k->proxy, k->err);
    k->proxy.path = "";
    if (r == WF_OK && strcmp(k->proxy.host, "") != 0 && k->proxy.port == 80 && !memchr(slashes, ':', strcspn(slashes, "/?#"))) k->proxy.port = 3128;
    wf__free_secret(k->a, copy);
    if (r) k->proxy.host[0] = 0;
    return r;
}

/* CONNECT host:port through the proxy; the tunnel then carries TLS. */
static wf_result wf__proxy_tunnel(wf__conn *k) {
    char req[700];
    unsigned char b;
    size_t used = 0;
    int rc, n;
    wf_result r = WF_OK;
    wf__http http, *p = &http;
    n = wf__snprintf(req, sizeof req, "CONNECT %s:%d HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: %s\r\n%s%s%s\r\n",
                 k->origin->host, k->origin->port, k->origin->host, k->origin->port, k->user_agent,
                 k->proxy_auth ? "Proxy-Authorization: " : "", k->proxy_auth ? k->proxy_auth : "", k->proxy_auth ? "\r\n" : "");
    if (n < 0 || (size_t)n >= sizeof req) return wf__fail(k->err, WF_ERR_INVALID, "host name too long for CONNECT");
    wf__logf(k->log, WF_LOG_TRACE, "> CONNECT %s:%d HTTP/1.1%s", k->origin->host, k->origin->port, k->proxy_auth ? " (Proxy-Authorization: <redacted>)" : "");
    while (used < (size_t)n) {
        long m = k->tr.send(k->tr.user, (const unsigned char *)req + used, (size_t)n - used, wf__io_timeout(k, false), k->err);
        if (m <= 0) { wf__zero(req, sizeof req); return m < 0 ? (wf_result)-m : WF_ERR_IO; }
        used += (size_t)m;
    }
    wf__zero(req, sizeof req);
    memset(&http, 0, sizeof http);
    wf__http_begin(p, k->a, 4096, true); /* a 2xx answer to CONNECT has no body */
    for (;;) {
        long m = k->tr.recv(k->tr.user, &b, 1, wf__io_timeout(k, true), k->err); /* byte-wise: TLS follows */
        if (m <= 0) {
            r = wf__fail(k->err, m == 0 ? WF_ERR_CLOSED : (wf_result)-m, "proxy %.200s closed or failed during CONNECT", k->proxy.host);
            goto done;
        }
        rc = wf__http_feed(p, (const char *)&b, 1, &used);
        if (rc < 0) { r = wf__fail(k->err, WF_ERR_CONNECT, "proxy %.200s answered CONNECT with a malformed response", k->proxy.host); goto done; }
        if (rc == WF__HTTP_DONE) break;
    }
    if (p->status < 200 || p->status > 299) {
        r = wf__fail(k->err, WF_ERR_CONNECT, "proxy %.200s refused CONNECT to %.200s:%d: HTTP %d%s", k->proxy.host, k->origin->host,
                     k->origin->port, p->status, p->status == 407 ? " (proxy authentication required)" : "");
        goto done;
    }
    wf__logf(k->log, WF_LOG_TRACE, "* tunnel through %s:%d established", k->proxy.host, k->proxy.port);
done:
    wf__buf_free(k->a, &p->body);
    return r;
}

/* >> transport: connection ================================================ */

static void wf__conn_close(wf__conn *k) {
    if (k->open) k->tr.close(k->tr.user);
    k->open = false;
    k->reusable = false;
}

/* Sets up the byte stream (the caller's transport, or TCP), TLS for https
   origins, and the proxy; origin, err, log and a must be set first. */
static wf_result wf__conn_init(wf__conn *k, const wf_client_desc *d) {
    wf_result r;
    if (d->transport) k->tr = *d->transport;
    else if ((r = wf__tcp_transport(&k->tcp, &k->tr, k->err)) != WF_OK) return r;
    if (!k->tr.connect || !k->tr.send || !k->tr.recv || !k->tr.close)
        return wf__fail(k->err, WF_ERR_INVALID, "transport needs connect, send, recv and close");
    if ((r = wf__proxy_setup(k, d)) != WF_OK) return r;
    if (k->origin->tls) {
#ifdef WF_NO_TLS
        return wf__fail(k->err, WF_ERR_UNSUPPORTED, "https:// URL but this build has no TLS (WF_NO_TLS)");
#else
        if ((r = wf__tls_init(k, d)) != WF_OK) return r;
#endif
    }
    return WF_OK;
}

static void wf__conn_free(wf__conn *k) {
    wf__conn_close(k);
#ifndef WF_NO_TLS
    wf__tls_free(k);
#endif
    wf__tcp_release(&k->tcp);
    wf__free_secret(k->a, k->proxy_auth);
    k->proxy_auth = NULL;
}

static wf_result wf__conn_open(wf__conn *k) {
    wf_result r;
    int left = wf__io_timeout(k, false);
    if (left > k->connect_timeout_ms) left = k->connect_timeout_ms;
    if (k->proxy.host[0]) {
        r = k->tr.connect(k->tr.user, k->proxy.host, k->proxy.port, left, k->err);
        if (r) { k->err->result = r; return r; }
        k->open = true;
        if ((r = wf__proxy_tunnel(k)) != WF_OK) { wf__conn_close(k); return r; }
    } else {
        r = k->tr.connect(k->tr.user, k->origin->host, k->origin->port, left, k->err);
        if (r) { k->err->result = r; return r; }
        k->open = true;
    }
    wf__logf(k->log, WF_LOG_TRACE, "* connected to %s port %d", k->origin->host, k->origin->port);
#ifndef WF_NO_TLS
    if (k->origin->tls && (r = wf__tls_handshake(k)) != WF_OK) { wf__conn_close(k); return r; }
#endif
    return WF_OK;
}

static long wf__conn_write(wf__conn *k, const unsigned char *buf, size_t len) {
#ifndef WF_NO_TLS
    if (k->origin->tls) {
        int rc;
        k->io_result = WF_OK;
        do { rc = mbedtls_ssl_write(&k->tls->ssl, buf, len); } while (rc == MBEDTLS_ERR_SSL_WANT_WRITE || rc == MBEDTLS_ERR_SSL_WANT_READ);
        if (rc >= 0) return rc;
        return -(long)wf__tls_fail(k, rc, "TLS write");
    }
#endif
    return k->tr.send(k->tr.user, buf, len, wf__io_timeout(k, false), k->err);
}

static long wf__conn_read(wf__conn *k, unsigned char *buf, size_t cap) {
#ifndef WF_NO_TLS
    if (k->origin->tls) {
        int rc;
        k->io_result = WF_OK;
        for (;;) {
            rc = mbedtls_ssl_read(&k->tls->ssl, buf, cap);
            if (rc >= 0) return rc;
            if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
#ifdef MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET
            if (rc == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) { wf__tls_keep_session(k->tls); continue; } /* TLS 1.3 */
#endif
            if (rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || rc == MBEDTLS_ERR_SSL_CONN_EOF) return 0;
            if (k->io_result == WF_ERR_CLOSED) return 0;
            return -(long)wf__tls_fail(k, rc, "TLS read");
        }
    }
#endif
    {
        long n = k->tr.recv(k->tr.user, buf, cap, wf__io_timeout(k, true), k->err);
        if (n == -(long)WF_ERR_CLOSED) return 0;
        return n;
    }
}

/* An idle keep-alive connection the server has closed (or that has bytes
   pending, which HTTP never sends unasked) must not carry the next request. */
static bool wf__conn_alive(wf__conn *k) {
    unsigned char b;
    wf_error scratch;
    long n;
    wf__err_clear(&scratch);
    n = k->tr.recv(k->tr.user, &b, 1, 0, &scratch);
    return n == -(long)WF_ERR_TIMEOUT;
}


/* >> client ================================================================ */

/* The client's read buffer: the most one transport read brings.  A
   streamed search holds about this much body and its tokens at a time, so
   small devices shrink it (WF_IO_BUFFER_SIZE; more reads, less memory). */
#ifndef WF_IO_BUFFER_SIZE
#  define WF_IO_BUFFER_SIZE 16384
#endif
#if WF_IO_BUFFER_SIZE < 1024 || WF_IO_BUFFER_SIZE > 1048576
#  error "workfront.h: WF_IO_BUFFER_SIZE must be between 1024 and 1048576 bytes"
#endif
#define WF__RBUF (WF_IO_BUFFER_SIZE)

struct wf_client {
    wf_allocator a;
    wf_logger log;
    wf_error err;
    char *api_base;            /* "https://host:port/attask/api/v22.0" */
    wf__url url;               /* parsed api_base; url.path points into api_base */
    char host_header[300];
    char *api_key, *session_id, *user_id, *user_agent;
    char *bearer, *ims_org, *username, *password, *client_id, *client_secret;
    char *refresh_token, *jwt_pem, *customer_id, *jwt_sub;
    int jwt_ttl_s;
    /* OAuth Server-to-Server: its own client talks to IMS (another host) */
    struct wf_client *ims;
    char *ims_client_id, *ims_client_secret, *ims_scopes;
    long long token_expires;   /* Unix time; 0 unknown; -1 no token obtained */
    long long token_lifetime;  /* expires_in of that token, seconds */
    bool token_from_cache;
    char *token_cache;         /* path, or NULL */
    wf_result (*renew)(void *user, wf_client *c);
    void *renew_user;
    bool renewing;             /* inside a renewal: never renew again */
    int max_retries, retry_base_ms, retry_max_ms;
    uint64_t rng;              /* backoff jitter only; nothing secret depends on it */
    size_t max_response;
    wf__conn conn;             /* transport, TLS, proxy, timeouts */
    /* per request */
    const wf_body *stream;     /* body pulled through read() after the head */
    const char *const *xh;     /* the caller's extra headers ("Name: value") */
    size_t nxh;
    bool (*sink)(void *user, const char *data, size_t len); /* 2xx body goes here */
    void *sink_user;
    struct wf__sx *sx;         /* streamed search in progress, or NULL */
    wf__buf target, req, scratch;
    wf__http http;
    wf_doc doc;
    unsigned char *rbuf;
};

static void wf__log(wf_client *c, wf_log_level lvl, const char *fmt, ...) WF__PRINTF(3, 4);
static void wf__log(wf_client *c, wf_log_level lvl, const char *fmt, ...) {
    char line[1024];
    va_list ap;
    if (!c->log.fn || lvl > c->log.level) return;
    va_start(ap, fmt);
    wf__vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    c->log.fn(c->log.user_data, lvl, line);
}

/* >> client: token cache =================================================== */

/* Whom a cached token belongs to: the token endpoint's host and every
   credential that shaped it, so a cache file shared by mistake between
   two configurations is ignored instead of sending one's token to the
   other.  Empty when the client obtains no tokens. */
static bool wf__cache_id(const wf_client *c, wf__buf *b) {
    const wf_allocator *a = &c->a;
    const char *parts[5];
    int i, n = 0;
    if (c->ims) {
        if (!wf__buf_adds(a, b, "ims ") || !wf__buf_adds(a, b, c->ims->url.tls ? "https://" : "http://") ||
            !wf__buf_adds(a, b, c->ims->host_header))
            return false;
        parts[n++] = c->ims_client_id;
        parts[n++] = c->ims_scopes;
        parts[n++] = c->ims_org;
    } else if (c->client_id) {
        if (!wf__buf_adds(a, b, "workfront ") || !wf__buf_adds(a, b, c->url.tls ? "https://" : "http://") ||
            !wf__buf_adds(a, b, c->host_header))
            return false;
        parts[n++] = c->client_id;
        parts[n++] = c->customer_id;
        parts[n++] = c->jwt_sub;
    }
    for (i = 0; i < n; i++)
        if (!wf__buf_add(a, b, " ", 1) || !wf__buf_adds(a, b, parts[i] ? parts[i] : "-")) return false;
    return true;
}

/* Renew when the token is within 5 minutes of expiring, or past half its
   lifetime when that is shorter (tokens that live minutes, not hours). */
static bool wf__token_due(const wf_client *c) {
    long long margin = c->token_lifetime >= 600 || c->token_lifetime <= 0 ? 300 : c->token_lifetime / 2;
    long long now = wf__time_s();
    if (c->token_expires <= 0 || now == 0) return false; /* none, no expiry given, or no clock: only a 401 says */
    return now >= c->token_expires - margin;
}

typedef struct wf__bufsink { const wf_allocator *a; wf__buf *b; } wf__bufsink;
static bool wf__bufsink_fn(void *user, const char *d, size_t n) {
    wf__bufsink *s = (wf__bufsink *)user;
    return wf__buf_add(s->a, s->b, d, n);
}

/* {"for":..,"kind":"bearer"|"session","access_token":..,"expires_at":..,"expires_in":..} */
static wf_result wf__cache_save(wf_client *c) {
    const wf_allocator *a = &c->a;
    wf__buf id, out;
    wf__bufsink sk;
    wf_result r = WF_OK;
    const char *tok = c->ims ? c->bearer : c->session_id;
    char num[64];
    if (!c->token_cache || !tok) return WF_OK;
    memset(&id, 0, sizeof id);
    memset(&out, 0, sizeof out);
    sk.a = a;
    sk.b = &out;
    if (!wf__cache_id(c, &id) || !id.len) { r = id.len ? WF_ERR_NOMEM : WF_OK; goto done; }
    if (!wf__buf_adds(a, &out, "{\"for\":") || wf_json_write_string(id.p, id.len, wf__bufsink_fn, &sk) != WF_OK ||
        !wf__buf_adds(a, &out, c->ims ? ",\"kind\":\"bearer\",\"access_token\":" : ",\"kind\":\"session\",\"access_token\":") ||
        wf_json_write_string(tok, strlen(tok), wf__bufsink_fn, &sk) != WF_OK) { r = WF_ERR_NOMEM; goto done; }
    wf__snprintf(num, sizeof num, ",\"expires_at\":%lld,\"expires_in\":%lld}\n", c->token_expires > 0 ? c->token_expires : 0,
             c->token_lifetime);
    if (!wf__buf_adds(a, &out, num)) { r = WF_ERR_NOMEM; goto done; }
    r = wf__file_write_private(a, c->token_cache, out.p, out.len, "token cache", &c->err);
    if (r == WF_OK) wf__log(c, WF_LOG_INFO, "* access token kept in %s", c->token_cache);
done:
    if (r == WF_ERR_NOMEM) wf__fail(&c->err, r, "out of memory writing the token cache");
    else if (r) {
        char msg[sizeof c->err.text + 64];
        wf__snprintf(msg, sizeof msg, "token cache: %s", c->err.text);
        wf__copy(c->err.text, sizeof c->err.text, msg, strlen(msg));
    }
    if (out.p) memset(out.p, 0, out.cap); /* it held the token */
    wf__buf_free(a, &out);
    wf__buf_free(a, &id);
    return r;
}

/* A session ID or token from an answer, copied into a fresh allocation
   (*out); *out is NULL when it is missing or holds a control byte (it is
   sent back as a header value: a CR/LF in it would inject headers).
   WF_ERR_NOMEM (recorded) when the copy cannot be allocated. */
static wf_result wf__json_dup(wf_client *c, wf_json v, char **out) {
    size_t n, i;
    char *s;
    *out = NULL;
    if (wf_json_type_of(v) != WF_JSON_STRING) return WF_OK;
    wf_json_str(v, NULL, 0, &n);
    s = (char *)wf__alloc(&c->a, n + 1);
    if (!s) return wf__fail(&c->err, WF_ERR_NOMEM, "out of memory");
    wf_json_str(v, s, n + 1, NULL);
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) { wf__free_secret(&c->a, s); return WF_OK; }
    *out = s;
    return WF_OK;
}

/* Takes a still-valid token for these credentials from the cache file. */
static wf_result wf__cache_load(wf_client *c) {
    const wf_allocator *a = &c->a;
    wf__buf id;
    char *text = NULL, *tok = NULL;
    size_t len = 0;
    wf_doc doc;
    wf_json root;
    long long at = 0, in = 0;
    wf_result r;
    memset(&id, 0, sizeof id);
    memset(&doc, 0, sizeof doc);
    doc.a = *a;
    if (!wf__cache_id(c, &id)) { wf__buf_free(a, &id); return wf__fail(&c->err, WF_ERR_NOMEM, "out of memory"); }
    if (!id.len)
        return wf__fail(&c->err, WF_ERR_INVALID, "token_cache needs credentials that obtain a token "
                        "(ims_client_id, or client_id with a refresh token, JWT key or authorization code)");
    r = wf__file_read_private(a, c->token_cache, 65536, "token cache", &text, &len, &c->err);
    if (r) {
        char msg[sizeof c->err.text + 64];
        wf__snprintf(msg, sizeof msg, "token cache: %s", c->err.text);
        wf__copy(c->err.text, sizeof c->err.text, msg, strlen(msg));
        goto done;
    }
    if (!text) goto done; /* no file yet */
    /* a damaged or foreign file is not an error: it is replaced by the next token */
    if (wf__doc_load(&doc, text, len, &c->err) != WF_OK) {
        wf__err_clear(&c->err);
        wf__log(c, WF_LOG_INFO, "* token cache %s is not valid JSON; ignoring it", c->token_cache);
        goto done;
    }
    root = wf_doc_root(&doc);
    if (!wf_json_eq(wf_json_get(root, "for"), id.p) ||
        !wf_json_eq(wf_json_get(root, "kind"), c->ims ? "bearer" : "session") ||
        wf_json_int(wf_json_get(root, "expires_at"), &at) != WF_OK || wf_json_int(wf_json_get(root, "expires_in"), &in) != WF_OK ||
        wf_json_type_of(wf_json_get(root, "access_token")) != WF_JSON_STRING) {
        wf__log(c, WF_LOG_INFO, "* token cache %s holds no token for these credentials; ignoring it", c->token_cache);
        goto done;
    }
    if ((r = wf__json_dup(c, wf_json_get(root, "access_token"), &tok)) != WF_OK) goto done;
    if (!tok) goto done;
    c->token_expires = at;
    c->token_lifetime = in;
    if (at > 0 && wf__token_due(c)) {
        c->token_expires = -1;
        c->token_lifetime = 0;
        wf__log(c, WF_LOG_INFO, "* the token in %s has expired or is about to", c->token_cache);
        goto done;
    }
    if (c->ims) { wf__free_secret(a, c->bearer); c->bearer = tok; }
    else { wf__free_secret(a, c->session_id); c->session_id = tok; }
    tok = NULL;
    c->token_from_cache = true;
    wf__log(c, WF_LOG_INFO, "* access token from %s", c->token_cache);
done:
    wf__free_secret(a, tok);
    if (text) { memset(text, 0, len); wf__free(a, text); }
    wf__doc_release(&doc);
    wf__buf_free(a, &id);
    return r;
}

/* >> client: lifecycle ===================================================== */

static wf_result wf__set_secret(wf_client *c, char **slot, const char *v);
static wf_result wf__ims_setup(wf_client *c, const wf_client_desc *d);

/* Keeps the JWT key PEM (wiped at destroy); parsed when signing. */
static wf_result wf__load_jwt_key(wf_client *c, const wf_client_desc *d) {
    char *pem;
    if (d->jwt_key_pem) {
        size_t kl = d->jwt_key_pem_len ? d->jwt_key_pem_len : strlen(d->jwt_key_pem);
        pem = (char *)wf__alloc(&c->a, kl + 1);
        if (!pem) return wf__fail(&c->err, WF_ERR_NOMEM, "out of memory");
        memcpy(pem, d->jwt_key_pem, kl);
        pem[kl] = 0;
        c->jwt_pem = pem;
        return WF_OK;
    }
    if (!d->jwt_key_file || !*d->jwt_key_file) return WF_OK;
    return wf__file_read_all(&c->a, d->jwt_key_file, (size_t)1 << 20, "the JWT key", &c->jwt_pem, NULL, &c->err);
}

WF_API wf_result wf_client_create(const wf_client_desc *d, wf_client **out, wf_error *err) {
    wf_client *c;
    wf_result r = WF_OK;
    const wf_allocator *a;
    if (err) wf__err_clear(err);
    if (!out) return WF_ERR_INVALID;
    *out = NULL;
    if (!d) {
        if (err) wf__fail(err, WF_ERR_INVALID, "no client description");
        return WF_ERR_INVALID;
    }
    a = &d->allocator;
    if ((a->alloc_fn == NULL) != (a->free_fn == NULL)) {
        if (err) wf__fail(err, WF_ERR_INVALID, "allocator needs both alloc_fn and free_fn");
        return WF_ERR_INVALID;
    }
    c = (wf_client *)wf__alloc(a, sizeof *c);
    if (!c) {
        if (err) wf__fail(err, WF_ERR_NOMEM, "out of memory");
        return WF_ERR_NOMEM;
    }
    memset(c, 0, sizeof *c);
    c->a = *a;
    c->doc.a = *a;
    c->log = d->logger;
    c->conn.err = &c->err;
    c->conn.log = &c->log;
    c->conn.a = &c->a;
    c->conn.origin = &c->url;
    c->conn.timeout_ms = d->timeout_ms > 0 ? d->timeout_ms : 60000;
    c->conn.connect_timeout_ms = d->connect_timeout_ms > 0 ? d->connect_timeout_ms : (c->conn.timeout_ms < 10000 ? c->conn.timeout_ms : 10000);
    c->conn.read_timeout_ms = d->read_timeout_ms > 0 ? d->read_timeout_ms : (c->conn.timeout_ms < 30000 ? c->conn.timeout_ms : 30000);
    c->max_response = d->max_response_bytes ? d->max_response_bytes : (size_t)64 << 20;
    c->max_retries = d->max_retries < 0 ? 0 : d->max_retries ? d->max_retries : 3;
    c->retry_base_ms = d->retry_base_ms > 0 ? d->retry_base_ms : 500;
    c->retry_max_ms = d->retry_max_ms > 0 ? d->retry_max_ms : 30000;
    c->rng = wf__now_ms() ^ ((uint64_t)(uintptr_t)c << 16) ^ 0x9E3779B97F4A7C15ull;
    if ((r = wf__base_url(d, a, &c->api_base, &c->err)) != WF_OK) goto fail;
    if ((r = wf__url_parse(c->api_base, &c->url, &c->err)) != WF_OK) goto fail;
    if (strchr(c->url.host, ':'))
        wf__snprintf(c->host_header, sizeof c->host_header, "[%s]", c->url.host);
    else
        wf__snprintf(c->host_header, sizeof c->host_header, "%s", c->url.host);
    if (c->url.port != (c->url.tls ? 443 : 80)) {
        size_t hl = strlen(c->host_header);
        wf__snprintf(c->host_header + hl, sizeof c->host_header - hl, ":%d", c->url.port);
    }
    c->user_agent = wf__strdup(a, d->user_agent && *d->user_agent ? d->user_agent : "workfront.h/" WF_VERSION_STRING);
    c->rbuf = (unsigned char *)wf__alloc(a, WF__RBUF);
    if (!c->user_agent || !c->rbuf) { r = wf__fail(&c->err, WF_ERR_NOMEM, "out of memory"); goto fail; }
    if ((d->api_key && (r = wf_set_api_key(c, d->api_key)) != WF_OK) ||
        (d->session_id && (r = wf_set_session_id(c, d->session_id)) != WF_OK) ||
        (r = wf__set_secret(c, &c->bearer, d->bearer)) != WF_OK || (r = wf__set_secret(c, &c->ims_org, d->ims_org)) != WF_OK ||
        (r = wf__set_secret(c, &c->username, d->username)) != WF_OK || (r = wf__set_secret(c, &c->password, d->password)) != WF_OK ||
        (r = wf__set_secret(c, &c->client_id, d->client_id)) != WF_OK ||
        (r = wf__set_secret(c, &c->client_secret, d->client_secret)) != WF_OK ||
        (r = wf__set_secret(c, &c->refresh_token, d->refresh_token)) != WF_OK ||
        (r = wf__set_secret(c, &c->customer_id, d->customer_id)) != WF_OK ||
        (r = wf__set_secret(c, &c->jwt_sub, d->jwt_user_id)) != WF_OK)
        goto fail;
    if (d->password && !d->username) { r = wf__fail(&c->err, WF_ERR_INVALID, "password given without a username"); goto fail; }
    if ((r = wf__load_jwt_key(c, d)) != WF_OK) goto fail;
    c->jwt_ttl_s = d->jwt_ttl_s > 0 ? d->jwt_ttl_s : 300;
    c->renew = d->renew;
    c->renew_user = d->renew_user;
    c->conn.user_agent = c->user_agent;
    if ((r = wf__conn_init(&c->conn, d)) != WF_OK) goto fail;
    c->token_expires = -1;
    if ((r = wf__ims_setup(c, d)) != WF_OK) goto fail;
    if (d->token_cache && *d->token_cache) {
        if (!(c->token_cache = wf__strdup(a, d->token_cache))) { r = wf__fail(&c->err, WF_ERR_NOMEM, "out of memory"); goto fail; }
        if ((r = wf__cache_load(c)) != WF_OK) goto fail;
    }
    *out = c;
    return WF_OK;
fail:
    if (err) *err = c->err;
    wf_client_destroy(c);
    return r;
}

WF_API void wf_client_destroy(wf_client *c) {
    wf_allocator a;
    if (!c) return;
    a = c->a;
    wf__conn_free(&c->conn);
    wf__free_secret(&a, c->api_key);
    wf__free_secret(&a, c->session_id);
    wf__free_secret(&a, c->bearer);
    wf__free_secret(&a, c->ims_org);
    wf__free_secret(&a, c->username);
    wf__free_secret(&a, c->password);
    wf__free_secret(&a, c->client_id);
    wf__free_secret(&a, c->client_secret);
    wf__free_secret(&a, c->refresh_token);
    wf__free_secret(&a, c->jwt_pem);
    wf__free_secret(&a, c->customer_id);
    wf__free_secret(&a, c->jwt_sub);
    wf__free_secret(&a, c->ims_client_id);
    wf__free_secret(&a, c->ims_client_secret);
    wf__free_secret(&a, c->ims_scopes);
    wf__free(&a, c->token_cache);
    wf_client_destroy(c->ims);
    wf__free(&a, c->user_id);
    wf__free(&a, c->user_agent);
    wf__free(&a, c->api_base);
    wf__free(&a, c->rbuf);
    wf__buf_free(&a, &c->target);
    /* request and body buffers may have carried passwords and tokens */
    if (c->req.p) memset(c->req.p, 0, c->req.cap);
    wf__buf_free(&a, &c->req);
    wf__buf_free(&a, &c->scratch);
    wf__buf_free(&a, &c->http.body);
    wf__buf_free(&a, &c->http.head);
    wf__doc_release(&c->doc);
    wf__free(&a, c);
}

/* OAuth Server-to-Server: IMS is another host, so it gets a client of its
   own (same allocator, transport, TLS trust, proxy, timeouts and logger;
   no credentials) that carries only the token requests. */
static wf_result wf__ims_setup(wf_client *c, const wf_client_desc *d) {
    wf_client_desc sub;
    wf_error e;
    wf_result r;
    bool any = (d->ims_client_id && *d->ims_client_id) || (d->ims_client_secret && *d->ims_client_secret) ||
               (d->ims_scopes && *d->ims_scopes);
    if (!any) return WF_OK;
    if (!d->ims_client_id || !*d->ims_client_id || !d->ims_client_secret || !*d->ims_client_secret ||
        !d->ims_scopes || !*d->ims_scopes)
        return wf__fail(&c->err, WF_ERR_INVALID, "OAuth Server-to-Server needs ims_client_id, ims_client_secret and ims_scopes");
    if ((r = wf__set_secret(c, &c->ims_client_id, d->ims_client_id)) != WF_OK ||
        (r = wf__set_secret(c, &c->ims_client_secret, d->ims_client_secret)) != WF_OK ||
        (r = wf__set_secret(c, &c->ims_scopes, d->ims_scopes)) != WF_OK)
        return r;
    sub = *d;
    sub.url = d->ims_url && *d->ims_url ? d->ims_url : "https://ims-na1.adobelogin.com";
    sub.domain = sub.url_template = sub.protocol = sub.api_version = NULL;
    sub.api_key = sub.session_id = sub.bearer = sub.ims_org = NULL;
    sub.username = sub.password = sub.client_id = sub.client_secret = sub.refresh_token = NULL;
    sub.jwt_key_file = sub.jwt_key_pem = sub.customer_id = sub.jwt_user_id = NULL;
    sub.renew = NULL;
    sub.ims_client_id = sub.ims_client_secret = sub.ims_scopes = sub.ims_url = NULL;
    sub.token_cache = NULL;
    memset(&e, 0, sizeof e);
    r = wf_client_create(&sub, &c->ims, &e);
    if (r) {
        c->err = e;
        {
            char msg[sizeof c->err.text + 64];
            wf__snprintf(msg, sizeof msg, "IMS URL: %s", e.text);
            wf__copy(c->err.text, sizeof c->err.text, msg, strlen(msg));
        }
    }
    return r;
}

WF_API const wf_error *wf_client_error(const wf_client *c) { return c ? &c->err : NULL; }
WF_API const char *wf_client_api_base(const wf_client *c) { return c ? c->api_base : NULL; }
WF_API void wf_client_close_connection(wf_client *c) { if (c) wf__conn_close(&c->conn); }

static wf_result wf__set_secret(wf_client *c, char **slot, const char *v) {
    char *n = NULL;
    const char *s;
    if (v && *v) {
        /* a header value cannot carry CR/LF: refuse rather than inject headers */
        for (s = v; *s; s++)
            if ((unsigned char)*s < 0x20 || *s == 0x7f)
                return wf__fail(&c->err, WF_ERR_INVALID, "credential contains a control character");
        if (!(n = wf__strdup(&c->a, v))) return wf__fail(&c->err, WF_ERR_NOMEM, "out of memory");
    }
    wf__free_secret(&c->a, *slot);
    *slot = n;
    return WF_OK;
}

WF_API wf_result wf_set_api_key(wf_client *c, const char *k) { return c ? wf__set_secret(c, &c->api_key, k) : WF_ERR_INVALID; }
WF_API wf_result wf_set_session_id(wf_client *c, const char *s) { return c ? wf__set_secret(c, &c->session_id, s) : WF_ERR_INVALID; }
WF_API const char *wf_session_id(const wf_client *c) { return c ? c->session_id : NULL; }
WF_API const char *wf_user_id(const wf_client *c) { return c ? c->user_id : NULL; }
WF_API const char *wf_last_body(const wf_client *c, size_t *len) {
    if (len) *len = c && c->http.body.p ? c->http.body.len : 0;
    return c && c->http.body.p ? c->http.body.p : "";
}
WF_API int wf_last_status(const wf_client *c) { return c ? c->http.status : 0; }

/* >> streaming: search results one object at a time ====================== */

/* A search answer is {"data":[obj,obj,...]}.  When a caller wants objects
   one by one, jsmn tokenises the body as the bytes arrive (it resumes where
   it stopped; a token cut by the end of the bytes is tokenised again when
   the rest comes).  Each element of the array, once closed, is validated
   and handed over, then its bytes and tokens are dropped, so memory stays
   at one object whatever the page size, and every byte is tokenised once.
   Anything else (an error envelope, a non-2xx status, an encoded body)
   falls back to the buffered path. */
enum { WF__SX_PREFIX, WF__SX_ELEMENTS, WF__SX_AFTER, WF__SX_FALLBACK, WF__SX_STOPPED };

typedef struct wf__sx {
    bool (*on_object)(void *user, wf_json object);
    void *user;
    int phase;
    size_t done;               /* end of the last element handed over, in the body buffer */
    bool first;                /* no element yet */
    jsmn_parser jp;            /* tokens 0..2: the envelope object, "data", the array */
    jsmntok_t *tok;
    int cap;
    wf_allocator a;
    long long count;           /* objects handed over */
} wf__sx;

static void wf__sx_begin(wf__sx *x) {
    x->phase = WF__SX_PREFIX;
    x->done = 0;
    x->first = true;
    x->count = 0;
}

/* Matches {"data":[ at the start: its length, 0 need more, -1 no. */
static long wf__sx_prefix(const char *b, size_t n) {
    static const char *const want[] = { "{", "\"data\"", ":", "[" };
    size_t i = 0;
    int k;
    for (k = 0; k < 4; k++) {
        size_t wl = strlen(want[k]);
        while (i < n && wf__json_ws(b[i])) i++;
        if (n - i < wl) return memcmp(b + i, want[k], n - i) == 0 ? 0 : -1;
        if (memcmp(b + i, want[k], wl) != 0) return -1;
        i += wl;
    }
    return (long)i;
}

/* Hands over the element whose tokens are x->tok[i..j); false stops the
   stream (error or caller). */
static bool wf__sx_emit(wf_client *c, wf__sx *x, int i, int j) {
    wf_result r = wf__doc_lend(&c->doc, c->http.body.p, x->tok + i, j - i, i, &c->err);
    bool go;
    if (r) {
        wf__doc_unlend(&c->doc);
        char why[256];
        wf__copy(why, sizeof why, c->err.text, strlen(c->err.text));
        wf__fail(&c->err, r, "object %lld of the answer: %s", x->count, why);
        return false;
    }
    x->count++;
    go = x->on_object(x->user, wf_doc_root(&c->doc));
    wf__doc_unlend(&c->doc);
    if (!go) x->phase = WF__SX_STOPPED;
    return true;
}

/* Drops the body's first keep bytes and the handed-over tokens 3..i: the
   tokens of an element still open move down to 3 with their offsets and
   links rebased. */
static void wf__sx_drop(wf_client *c, wf__sx *x, size_t keep, int i) {
    wf__http *p = &c->http;
    int nt = x->jp.toknext, k, shift = i - 3;
    for (k = 0; k < 3; k++)
        if (x->tok[k].end >= 0) x->tok[k].end = x->tok[k].end >= (int)keep ? x->tok[k].end - (int)keep : 0;
    for (k = i; k < nt; k++) {
        jsmntok_t t = x->tok[k];
        t.start -= (int)keep;
        if (t.end >= 0) t.end -= (int)keep;
        if (t.parent >= i) t.parent -= shift;
        x->tok[k - shift] = t;
    }
    x->jp.toknext = (unsigned)(nt - shift);
    if (x->jp.toksuper >= i) x->jp.toksuper -= shift;
    x->jp.pos -= (unsigned)keep;
    x->done -= keep;
    if (keep) {
        memmove(p->body.p, p->body.p + keep, p->body.len - keep);
        p->body.len -= keep;
        p->body.p[p->body.len] = 0;
    }
}

/* Consumes what the body buffer holds; WF_OK to go on (also once stopped). */
static wf_result wf__sx_step(wf_client *c) {
    wf__sx *x = c->sx;
    wf__http *p = &c->http;
    const char *b = p->body.p;
    size_t n = p->body.len, keep;
    int r, i, nt;
    if (x->phase == WF__SX_FALLBACK || x->phase == WF__SX_STOPPED) return WF_OK;
    if (x->phase == WF__SX_PREFIX) {
        long m;
        if (p->status < 200 || p->status > 299 || (p->content_encoding[0] && !wf__ieq(p->content_encoding, strlen(p->content_encoding), "identity"))) {
            x->phase = WF__SX_FALLBACK;
            return WF_OK;
        }
        m = n ? wf__sx_prefix(b, n) : 0;
        if (m < 0) { x->phase = WF__SX_FALLBACK; return WF_OK; }
        if (m == 0) return WF_OK;
        if (!x->tok) {
            x->cap = WF__RBUF / 16; /* about one token per 16 bytes; grows to what one read holds */
            if (!(x->tok = (jsmntok_t *)wf__alloc(&x->a, (size_t)x->cap * sizeof *x->tok)))
                return wf__fail(&c->err, WF_ERR_NOMEM, "out of memory for JSON tokens");
        }
        jsmn_init(&x->jp);
        if (jsmn_parse(&x->jp, b, (size_t)m, x->tok, (unsigned)x->cap) != JSMN_ERROR_PART || x->jp.toknext != 3)
            return wf__fail(&c->err, WF_ERR_JSON, "unexpected start of the answer");
        x->done = (size_t)m;
        x->phase = WF__SX_ELEMENTS;
    }
    if (x->phase == WF__SX_ELEMENTS) {
        for (;;) {
            jsmntok_t *bigger;
            size_t ncap;
            r = jsmn_parse(&x->jp, b, n, x->tok, (unsigned)x->cap);
            if (r != JSMN_ERROR_NOMEM) break;
            ncap = (size_t)x->cap * 2; /* jsmn resumes where it stopped */
            if (ncap > 0x7fffffff / sizeof *x->tok) return wf__fail(&c->err, WF_ERR_TOO_LARGE, "too many JSON tokens in one object");
            if (!(bigger = (jsmntok_t *)wf__alloc(&x->a, ncap * sizeof *bigger))) return wf__fail(&c->err, WF_ERR_NOMEM, "out of memory for JSON tokens");
            memcpy(bigger, x->tok, (size_t)x->cap * sizeof *bigger);
            wf__free(&x->a, x->tok);
            x->tok = bigger;
            x->cap = (int)ncap;
        }
        if (r == JSMN_ERROR_INVAL)
            return wf__fail(&c->err, WF_ERR_JSON, x->tok[0].end >= 0 ? "unexpected text after the answer" :
                            "invalid JSON in object %lld of the answer", x->count);
        if (x->jp.pos < n && memchr(b + x->jp.pos, 0, n - x->jp.pos))
            return wf__fail(&c->err, WF_ERR_JSON, "NUL byte in object %lld of the answer", x->count);
        nt = (int)x->jp.toknext;
        for (i = 3; i < nt && x->phase != WF__SX_STOPPED; ) {
            const jsmntok_t *t = &x->tok[i];
            int j;
            if (t->parent != 2) return wf__fail(&c->err, WF_ERR_JSON, "unexpected text after the answer's data array");
            if (t->end < 0) break; /* still open */
            for (j = i + 1; j < nt && x->tok[j].parent >= i; j++) ;
            if (!wf__gap_ok(b, x->done, wf__tok_begin(t), x->first ? 0 : ','))
                return wf__fail(&c->err, WF_ERR_JSON, x->first ? "unexpected text before the answer's first object" :
                                "expected ',' or ']' between objects of the answer");
            if (!wf__sx_emit(c, x, i, j) && x->phase != WF__SX_STOPPED) return c->err.result;
            x->first = false;
            x->done = wf__tok_end(&x->tok[i]);
            i = j;
        }
        if (x->phase == WF__SX_STOPPED) return WF_OK;
        if (x->tok[0].end >= 0) {
            /* the whole answer is in: ] and } with whitespace around them only */
            if (!wf__gap_ok(b, x->done, (size_t)x->tok[2].end - 1, 0))
                return wf__fail(&c->err, WF_ERR_JSON, x->first ? "unexpected text in the answer's array" : "trailing comma in the answer's array");
            if (!wf__gap_ok(b, (size_t)x->tok[2].end, (size_t)x->tok[0].end - 1, 0))
                return wf__fail(&c->err, WF_ERR_JSON, "unexpected text after the answer's data array");
            x->done = (size_t)x->tok[0].end;
            x->phase = WF__SX_AFTER;
        }
        /* keep the gap after the last element: the next one's comma is in it */
        keep = x->done;
        wf__sx_drop(c, x, keep, i);
    }
    if (x->phase == WF__SX_AFTER) {
        size_t k;
        b = p->body.p;
        n = p->body.len;
        for (k = x->done; k < n; k++) if (!wf__json_ws(b[k])) return wf__fail(&c->err, WF_ERR_JSON, "unexpected text after the answer");
        p->body.len = 0;
        p->body.p[0] = 0;
        x->done = 0;
    }
    return WF_OK;
}

/* At the end of the response: was the streamed answer whole? */
static wf_result wf__sx_finish(wf_client *c) {
    wf__sx *x = c->sx;
    if (x->phase == WF__SX_FALLBACK || x->phase == WF__SX_STOPPED || x->phase == WF__SX_AFTER) return WF_OK;
    wf__excerpt(c->err.excerpt, sizeof c->err.excerpt, c->http.body.p ? c->http.body.p : "", c->http.body.len);
    return wf__fail(&c->err, WF_ERR_JSON, "HTTP %d: truncated JSON (the answer's array is not closed after %lld objects)",
                    c->http.status, x->count);
}

/* >> http/1.1: requests ==================================================== */

#define WF__URI_MAX 8192 /* Workfront's CDN refuses request targets above 8892 bytes */

/* Appends a path, encoding what a path may not hold; a '?' starts the
   caller's own query, which is passed on with only unsafe bytes encoded. */
static bool wf__add_path(const wf_allocator *a, wf__buf *b, const char *path, bool *has_query) {
    static const char hex[] = "0123456789ABCDEF";
    bool in_query = false;
    const unsigned char *s;
    for (s = (const unsigned char *)path; *s; s++) {
        unsigned char ch = *s;
        bool keep;
        if (ch == '?' && !in_query) { in_query = true; keep = true; }
        else if (in_query) keep = ch > ' ' && ch < 0x7f && ch != '#';
        else keep = wf__unreserved(ch) || strchr("/!$&'()*+,;=:@", ch) != NULL ||
                    (ch == '%' && wf__hexval((char)s[1]) >= 0 && wf__hexval((char)s[2]) >= 0);
        if (keep) { if (!wf__buf_add(a, b, s, 1)) return false; }
        else {
            char enc[3];
            enc[0] = '%'; enc[1] = hex[ch >> 4]; enc[2] = hex[ch & 15];
            if (!wf__buf_add(a, b, enc, 3)) return false;
        }
    }
    *has_query = in_query;
    return true;
}

static bool wf__hdr(wf_client *c, const char *name, const char *value) {
    wf__buf *b = &c->req;
    if (!wf__buf_adds(&c->a, b, name) || !wf__buf_add(&c->a, b, ": ", 2) || !wf__buf_adds(&c->a, b, value) ||
        !wf__buf_add(&c->a, b, "\r\n", 2))
        return false;
    if (c->log.fn && c->log.level >= WF_LOG_TRACE)
        wf__log(c, WF_LOG_TRACE, "> %s: %s", name, wf__is_secret_name(name, strlen(name)) ? "<redacted>" : value);
    return true;
}

/* Sends c->req on the open connection; *sent counts bytes accepted. */
static wf_result wf__send_all(wf_client *c, size_t *sent) {
    const wf_body *b = c->stream;
    size_t streamed = 0;
    *sent = 0;
    while (*sent < c->req.len) {
        long n = wf__conn_write(&c->conn, (const unsigned char *)c->req.p + *sent, c->req.len - *sent);
        if (n < 0) return (wf_result)-n;
        if (n == 0) return wf__fail(&c->err, WF_ERR_IO, "connection accepted no bytes");
        *sent += (size_t)n;
    }
    /* a streamed body goes through the read buffer, never all in memory */
    while (b && streamed < b->len) {
        size_t want = b->len - streamed < WF__RBUF ? b->len - streamed : WF__RBUF, off = 0;
        long got = b->read(b->user, c->rbuf, want);
        if (got <= 0 || (size_t)got > want)
            return wf__fail(&c->err, got < 0 ? WF_ERR_FILE : WF_ERR_INVALID, "body source %s after %zu of %zu bytes",
                            got < 0 ? "failed" : got == 0 ? "ended early" : "overran", streamed, b->len);
        while (off < (size_t)got) {
            long n = wf__conn_write(&c->conn, c->rbuf + off, (size_t)got - off);
            if (n < 0) return (wf_result)-n;
            if (n == 0) return wf__fail(&c->err, WF_ERR_IO, "connection accepted no bytes");
            off += (size_t)n;
            *sent += (size_t)n;
        }
        streamed += (size_t)got;
    }
    return WF_OK;
}

static wf_result wf__http_fail(wf_client *c, int rc) {
    wf__http *p = &c->http;
    c->err.http_status = p->status;
    wf__excerpt(c->err.excerpt, sizeof c->err.excerpt, p->body.p ? p->body.p : "", p->body.len);
    switch (rc) {
    case WF__HTTP_ERR_TOO_LARGE:
        return wf__fail(&c->err, WF_ERR_TOO_LARGE, "%s (limit %zu bytes)", p->error, c->max_response);
    case WF__HTTP_ERR_NOMEM: return wf__fail(&c->err, WF_ERR_NOMEM, "out of memory reading the response");
    case WF__HTTP_ERR_SINK:
        return wf__fail(&c->err, WF_ERR_FILE, "HTTP %d: the receiver of the body refused it after %llu bytes", p->status,
                        (unsigned long long)p->sunk);
    case WF__HTTP_ERR_TRUNCATED:
        if (p->status)
            return wf__fail(&c->err, WF_ERR_HTTP, "HTTP %d: %s after %llu body bytes%s%s%s", p->status, p->error,
                            (unsigned long long)(p->sinking ? p->sunk : (uint64_t)p->body.len),
                            c->err.excerpt[0] ? ": \"" : "", c->err.excerpt, c->err.excerpt[0] ? "\"" : "");
        return wf__fail(&c->err, WF_ERR_HTTP, "%s", p->error);
    default: return wf__fail(&c->err, WF_ERR_HTTP, "malformed HTTP response: %s", p->error);
    }
}

/* Reads one response; *got counts response bytes received. */
static wf_result wf__read_response(wf_client *c, bool head, size_t *got) {
    wf__http *p = &c->http;
    wf__http_begin(p, &c->a, c->max_response, head);
    p->no_reserve = c->sx != NULL;
    p->keep_head = true;
    p->sink = c->sink;
    p->sink_user = c->sink_user;
    if (c->sx) wf__sx_begin(c->sx);
    *got = 0;
    for (;;) {
        size_t used = 0;
        int rc;
        /* streamed: a read's worth of tokens at a time keeps memory at one object */
        size_t direct = wf__http_direct_room(p, p->no_reserve ? WF__RBUF : 4 * WF__RBUF);
        long n = direct ? wf__conn_read(&c->conn, (unsigned char *)p->body.p + p->body.len, direct)
                        : wf__conn_read(&c->conn, c->rbuf, WF__RBUF);
        if (n < 0) {
            wf_result r = (wf_result)-n;
            if (r == WF_ERR_TIMEOUT)
                return wf__fail(&c->err, r, "no answer from %.200s within the timeout (%s)", c->url.host,
                                *got ? "response incomplete" : "nothing received");
            return c->err.result == r ? r : wf__fail(&c->err, r, "%s", wf_result_str(r));
        }
        if (n == 0) {
            if (*got == 0) return wf__fail(&c->err, WF_ERR_CLOSED, "%.200s closed the connection without answering", c->url.host);
            rc = wf__http_eof(p);
            if (rc != WF__HTTP_DONE) return wf__http_fail(c, rc);
            c->conn.reusable = false;
            if (c->sx) { wf_result sr = wf__sx_step(c); return sr ? sr : wf__sx_finish(c); }
            return WF_OK;
        }
        *got += (size_t)n;
        if (direct) {
            used = (size_t)n;
            rc = wf__http_direct_done(p, (size_t)n);
        } else {
            rc = wf__http_feed(p, (const char *)c->rbuf, (size_t)n, &used);
        }
        if (rc < 0) return wf__http_fail(c, rc);
        if (c->sx && p->state > WF__HS_HEADER) {
            wf_result sr = wf__sx_step(c);
            if (sr) { c->conn.reusable = false; return sr; }
            if (c->sx->phase == WF__SX_STOPPED) { c->conn.reusable = false; return WF_OK; } /* the caller has enough */
            if (rc == WF__HTTP_DONE && (sr = wf__sx_finish(c)) != WF_OK) { c->conn.reusable = false; return sr; }
        }
        if (rc == WF__HTTP_DONE) {
            /* bytes after the response mean the stream is out of step */
            c->conn.reusable = p->keep_alive && used == (size_t)n;
            return WF_OK;
        }
    }
}

static bool wf__idempotent(const char *method) {
    return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 || strcmp(method, "OPTIONS") == 0;
}

/* Sends c->req and reads the answer, with the one retry HTTP allows. */
static wf_result wf__exchange(wf_client *c, bool idempotent, bool head) {
    int attempt;
    for (attempt = 0;; attempt++) {
        bool reused = false;
        size_t sent = 0, got = 0;
        wf_result r;
        if (c->conn.open && c->conn.reusable && wf__conn_alive(&c->conn)) reused = true;
        else wf__conn_close(&c->conn);
        if (!c->conn.open && (r = wf__conn_open(&c->conn)) != WF_OK) return r;
        c->err.attempts++;
        r = wf__send_all(c, &sent);
        if (r == WF_OK) r = wf__read_response(c, head, &got);
        if (r == WF_OK) {
            if (!c->conn.reusable) wf__conn_close(&c->conn);
            return WF_OK;
        }
        wf__conn_close(&c->conn);
        /* A reused connection the server dropped while idle: the request did
           not reach it if nothing was accepted, and an idempotent one may be
           repeated when nothing came back. */
        if (reused && attempt == 0 && got == 0 && r != WF_ERR_TIMEOUT && (idempotent || sent == 0)) {
            wf__log(c, WF_LOG_INFO, "* reused connection failed (%s); retrying on a new one", wf_result_str(r));
            c->err.sys_errno = 0;
            c->err.text[0] = 0;
            continue;
        }
        return r;
    }
}

/* WF__RAW: the answer need not be an envelope (any JSON, bytes, or nothing) */
enum { WF__ABSOLUTE = 1, WF__NO_RENEW = 2, WF__NO_ENVELOPE = 4, WF__RAW = 8 };

typedef struct wf__req {
    const char *method;
    const char *path;          /* relative to the API base, or to the host with WF__ABSOLUTE */
    const wf_query *query;
    const wf_body *body;
    int flags;
    const char *const *headers; /* extra "Name: value" lines, or NULL */
    size_t nheaders;
    bool (*sink)(void *user, const char *data, size_t len);
    void *sink_user;
} wf__req;

/* Headers the library frames itself: a caller may not set them. */
static bool wf__reserved_header(const char *name, size_t n) {
    return wf__ieq(name, n, "host") || wf__ieq(name, n, "content-length") || wf__ieq(name, n, "transfer-encoding") ||
           wf__ieq(name, n, "connection") || wf__ieq(name, n, "expect") || wf__ieq(name, n, "upgrade") ||
           wf__ieq(name, n, "te") || wf__ieq(name, n, "trailer");
}

/* Checks one caller header "Name: value": a token name, a value without
   CR, LF or NUL.  *nlen gets the name's length. */
static bool wf__header_ok(const char *h, size_t *nlen) {
    size_t i = 0;
    while (h[i] && h[i] != ':') {
        unsigned char ch = (unsigned char)h[i];
        if (ch <= ' ' || ch >= 0x7f || strchr("\"(),/;<=>?@[\\]{}", ch)) return false;
        i++;
    }
    if (i == 0 || h[i] != ':') return false;
    *nlen = i;
    for (i++; h[i]; i++) if (h[i] == '\r' || h[i] == '\n') return false;
    return true;
}

/* The caller's header called name, or NULL: it replaces the library's default. */
static const char *wf__user_header(const wf_client *c, const char *name) {
    size_t i, n;
    for (i = 0; i < c->nxh; i++)
        if (wf__header_ok(c->xh[i], &n) && wf__ieq(c->xh[i], n, name)) return c->xh[i] + n + 1;
    return NULL;
}

/* Builds the request target (c->target) and head+body (c->req). */
static wf_result wf__build(wf_client *c, const wf__req *q, const char **method_out, bool *idempotent) {
    const wf_allocator *a = &c->a;
    const char *method = q->method;
    const char *qs = wf_query_str(q->query);
    const wf_body *body = q->body;
    const char *path = q->path;
    wf_body form;
    bool has_q = false, fallback = false;
    char num[32];
    c->target.len = 0;
    c->req.len = 0;
    c->scratch.len = 0;
    c->stream = NULL;
    if (!(q->flags & WF__ABSOLUTE) && !wf__buf_adds(a, &c->target, c->url.path)) goto nomem;
    if (!wf__buf_add(a, &c->target, "/", 1)) goto nomem;
    while (*path == '/') path++;
    if (!wf__add_path(a, &c->target, path, &has_q)) goto nomem;
    if (*qs && (!wf__buf_add(a, &c->target, has_q ? "&" : "?", 1) || !wf__buf_adds(a, &c->target, qs))) goto nomem;
    *idempotent = wf__idempotent(method);
    if (c->target.len > WF__URI_MAX && strcmp(method, "GET") == 0 && !body) {
        /* Too long for the CDN: the same call as POST with method=GET and
           the parameters in a form body (Workfront's documented override). */
        size_t cut = ((q->flags & WF__ABSOLUTE) ? 0 : strlen(c->url.path)) + 1 + strlen(path);
        const char *params = c->target.p + cut + 1;
        if (!has_q && !*qs) goto toolong;
        if (!wf__buf_adds(a, &c->scratch, params) || !wf__buf_adds(a, &c->scratch, "&method=GET")) goto nomem;
        c->target.len = cut;
        c->target.p[cut] = 0;
        method = "POST";
        memset(&form, 0, sizeof form);
        form.content_type = "application/x-www-form-urlencoded";
        form.data = c->scratch.p;
        form.len = c->scratch.len;
        body = &form;
        fallback = true;
    }
    if (c->target.len > WF__URI_MAX) goto toolong;
    *method_out = method;
    if (!wf__buf_adds(a, &c->req, method) || !wf__buf_add(a, &c->req, " ", 1) ||
        !wf__buf_add(a, &c->req, c->target.p, c->target.len) || !wf__buf_add(a, &c->req, " HTTP/1.1\r\n", 11))
        goto nomem;
    if (c->log.fn && c->log.level >= WF_LOG_TRACE) {
        wf__buf red;
    memset(&red, 0, sizeof red);
        const char *qm = strchr(c->target.p, '?');
        bool ok = wf__buf_add(a, &red, c->target.p, qm ? (size_t)(qm - c->target.p) + 1 : c->target.len) &&
                  (!qm || wf__redact_query(a, &red, qm + 1, strlen(qm + 1)));
        wf__log(c, WF_LOG_TRACE, "> %s %s HTTP/1.1%s", method, ok ? red.p : "(target)", fallback ? " (long URI sent as POST method=GET)" : "");
        wf__buf_free(a, &red);
    }
    if (!wf__hdr(c, "Host", c->host_header) ||
        (!wf__user_header(c, "User-Agent") && !wf__hdr(c, "User-Agent", c->user_agent)) ||
        (!wf__user_header(c, "Accept") && !wf__hdr(c, "Accept", "application/json")) ||
        (!wf__user_header(c, "Accept-Encoding") && !wf__hdr(c, "Accept-Encoding", "identity")) ||
        (!wf__user_header(c, "X-Requested-With") && !wf__hdr(c, "X-Requested-With", "XMLHttpRequest")))
        goto nomem;
    if (c->session_id && !wf__hdr(c, "SessionID", c->session_id)) goto nomem;
    if (c->api_key && !wf__hdr(c, "apiKey", c->api_key)) goto nomem;
    if (c->bearer) {
        size_t bl = strlen(c->bearer);
        char *v = (char *)wf__alloc(a, bl + 8);
        bool ok;
        if (!v) goto nomem;
        memcpy(v, "Bearer ", 7);
        memcpy(v + 7, c->bearer, bl + 1);
        ok = wf__hdr(c, "Authorization", v);
        wf__free_secret(a, v);
        if (!ok) goto nomem;
    }
    if (c->ims_org && !wf__hdr(c, "x-gw-ims-org-id", c->ims_org)) goto nomem;
    {
        size_t i, n;
        for (i = 0; i < c->nxh; i++) {
            const char *h = c->xh[i], *v;
            char name[128];
            wf__header_ok(h, &n); /* checked in wf__request */
            wf__copy(name, sizeof name, h, n);
            for (v = h + n + 1; wf__is_ows(*v); v++) {}
            if (!wf__hdr(c, name, v)) goto nomem;
        }
    }
    if (body || strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0) {
        wf__snprintf(num, sizeof num, "%zu", body ? body->len : (size_t)0);
        if (body && !wf__user_header(c, "Content-Type") &&
            !wf__hdr(c, "Content-Type", body->content_type ? body->content_type : "application/x-www-form-urlencoded")) goto nomem;
        if (!wf__hdr(c, "Content-Length", num)) goto nomem;
    }
    if (!wf__buf_add(a, &c->req, "\r\n", 2)) goto nomem;
    if (body && body->len && body->read) {
        c->stream = body;
        wf__log(c, WF_LOG_TRACE, "> (%zu bytes streamed)", body->len);
    } else if (body && body->len) {
        if (!body->data) return wf__fail(&c->err, WF_ERR_INVALID, "body without data");
        if (!wf__buf_add(a, &c->req, body->data, body->len)) goto nomem;
        if (c->log.fn && c->log.level >= WF_LOG_TRACE) {
            const char *ct = body->content_type ? body->content_type : "application/x-www-form-urlencoded";
            if (strncmp(ct, "application/x-www-form-urlencoded", 33) == 0 && body->len <= 4096) {
                wf__buf red;
    memset(&red, 0, sizeof red);
                if (wf__redact_query(a, &red, (const char *)body->data, body->len))
                    wf__log(c, WF_LOG_TRACE, "> %s", red.p ? red.p : "");
                wf__buf_free(a, &red);
            } else {
                wf__log(c, WF_LOG_TRACE, "> (%zu bytes of %s)", body->len, ct);
            }
        }
    }
    if (fallback) *idempotent = true;
    return WF_OK;
toolong:
    return wf__fail(&c->err, WF_ERR_INVALID, "request target of %zu bytes is above the %d-byte limit", c->target.len, WF__URI_MAX);
nomem:
    return wf__fail(&c->err, WF_ERR_NOMEM, "out of memory building the request");
}

/* An answer outside the envelope (event subscriptions, downloads, any
   endpoint): 2xx is success with JSON, bytes or nothing; otherwise the
   status decides, with the server's message when it sent one. */
static wf_result wf__interpret_raw(wf_client *c, bool head, wf_json *data) {
    wf__http *p = &c->http;
    int st = p->status;
    size_t i = 0;
    bool json;
    wf_result r, fr;
    char msg[300];
    if (p->content_encoding[0] && !wf__ieq(p->content_encoding, strlen(p->content_encoding), "identity"))
        return wf__fail(&c->err, WF_ERR_ENCODING, "HTTP %d: body sent with Content-Encoding: %s although identity was requested",
                        st, p->content_encoding);
    while (i < p->body.len && wf__json_ws(p->body.p[i])) i++;
    json = !head && i < p->body.len && (p->body.p[i] == '{' || p->body.p[i] == '[' || wf__icontains(p->content_type, "json"));
    msg[0] = 0;
    if (json) {
        r = wf__doc_load(&c->doc, p->body.p, p->body.len, &c->err);
        if (r == WF_ERR_NOMEM) return r;
        if (r == WF_OK) {
            wf_json root = wf_doc_root(&c->doc), err = wf_json_get(root, "error");
            /* a Workfront error envelope keeps its meaning here too */
            if (wf_json_type_of(err) == WF_JSON_OBJECT) return wf_envelope(&c->doc, st, data, &c->err);
            if (st >= 200 && st <= 299) {
                if (data) *data = root;
                return WF_OK;
            }
            wf__json_copy(wf_json_get(root, "message"), msg, sizeof msg);
            if (!msg[0]) wf__json_copy(err, msg, sizeof msg);
            if (!msg[0]) wf__json_copy(wf_json_get(root, "error_description"), msg, sizeof msg);
        } else if (st >= 200 && st <= 299) {
            char why[256];
            wf__copy(why, sizeof why, c->err.text, strlen(c->err.text));
            wf__excerpt(c->err.excerpt, sizeof c->err.excerpt, p->body.p, p->body.len);
            return wf__fail(&c->err, WF_ERR_JSON, "HTTP %d: %s: \"%s\"", st, why, c->err.excerpt);
        }
    }
    if (st >= 200 && st <= 299) return WF_OK; /* bytes (wf_last_body) or nothing */
    if (!msg[0] && p->body.len) {
        wf__excerpt(c->err.excerpt, sizeof c->err.excerpt, p->body.p, p->body.len);
        wf__copy(msg, sizeof msg, c->err.excerpt, strlen(c->err.excerpt));
    }
    fr = st == 401 || st == 403 ? WF_ERR_AUTH : st == 429 || st == 503 ? WF_ERR_THROTTLED
       : st >= 400 && st < 500 ? WF_ERR_API : WF_ERR_RESPONSE;
    if (st >= 300 && st < 400) {
        size_t ll;
        const char *loc = wf__http_header_value(p, "location", &ll);
        return wf__fail(&c->err, WF_ERR_RESPONSE, "HTTP %d: redirect%s%.*s not followed", st, loc ? " to " : "",
                        loc ? (int)(ll > 200 ? 200 : ll) : 0, loc ? loc : "");
    }
    if (fr == WF_ERR_API) wf__copy(c->err.message, sizeof c->err.message, msg, strlen(msg));
    return wf__fail(&c->err, fr, "HTTP %d%s%s", st, msg[0] ? ": " : "", msg);
}

/* Turns the body of a finished exchange into data or an error. */
static wf_result wf__interpret(wf_client *c, bool head, int flags, wf_json *data) {
    wf__http *p = &c->http;
    int st = p->status;
    wf_result r;
    c->err.http_status = st;
    if (c->sx && c->sx->phase != WF__SX_FALLBACK) return WF_OK; /* objects went to the callback */
    if (p->sinking) return WF_OK;                                /* the body went to the sink */
    if (flags & WF__RAW) return wf__interpret_raw(c, head, data);
    if (p->content_encoding[0] && !wf__ieq(p->content_encoding, strlen(p->content_encoding), "identity"))
        return wf__fail(&c->err, WF_ERR_ENCODING, "HTTP %d: body sent with Content-Encoding: %s although identity was requested",
                        st, p->content_encoding);
    if (p->body.len == 0) {
        if (head || st == 204 || st == 304) return st < 400 ? WF_OK : wf__fail(&c->err, WF_ERR_RESPONSE, "HTTP %d", st);
        if (st == 401) return wf__fail(&c->err, WF_ERR_AUTH, "HTTP 401 with an empty body");
        if (wf__throttle_status(st)) return wf__fail(&c->err, WF_ERR_THROTTLED, "HTTP %d with an empty body", st);
        return wf__fail(&c->err, WF_ERR_RESPONSE, "HTTP %d with an empty body where JSON was expected", st);
    }
    r = wf__doc_load(&c->doc, p->body.p, p->body.len, &c->err);
    if (r) {
        char why[256];
        size_t i = 0;
        bool looks_json;
        while (i < p->body.len && wf__json_ws(p->body.p[i])) i++;
        looks_json = i < p->body.len && (p->body.p[i] == '{' || p->body.p[i] == '[');
        wf__copy(why, sizeof why, c->err.text, strlen(c->err.text));
        wf__excerpt(c->err.excerpt, sizeof c->err.excerpt, p->body.p, p->body.len);
        if (r == WF_ERR_NOMEM || r == WF_ERR_TOO_LARGE) return r;
        r = st == 401 ? WF_ERR_AUTH : wf__throttle_status(st) ? WF_ERR_THROTTLED : looks_json ? WF_ERR_JSON : WF_ERR_RESPONSE;
        if (looks_json)
            return wf__fail(&c->err, r, "HTTP %d: %s: \"%s\"", st, why, c->err.excerpt);
        return wf__fail(&c->err, r, "HTTP %d: body is not JSON%s%s%s: \"%s\"", st, p->content_type[0] ? " (Content-Type: " : "",
                        p->content_type, p->content_type[0] ? ")" : "", c->err.excerpt);
    }
    if (flags & WF__NO_ENVELOPE) {
        /* OAuth2 endpoints answer {"access_token":...} or {"error":"invalid_grant",...} */
        wf_json root = wf_doc_root(&c->doc), err = wf_json_get(root, "error");
        if (wf_json_type_of(err) == WF_JSON_STRING || st >= 400) {
            wf__json_copy(err, c->err.wf_class, sizeof c->err.wf_class);
            wf__json_copy(wf_json_get(root, "error_description"), c->err.message, sizeof c->err.message);
            if (wf_json_type_of(err) == WF_JSON_OBJECT) return wf_envelope(&c->doc, st, data, &c->err);
            return wf__fail(&c->err, (st == 400 || st == 401 || st == 403) ? WF_ERR_AUTH : wf__throttle_status(st) ? WF_ERR_THROTTLED : WF_ERR_API,
                            "HTTP %d: %s%s%s", st,
                            c->err.wf_class[0] ? c->err.wf_class : "error", c->err.message[0] ? ": " : "", c->err.message);
        }
        if (wf_json_type_of(wf_json_get(root, "data")) == WF_JSON_OBJECT) root = wf_json_get(root, "data");
        if (data) *data = root;
        return WF_OK;
    }
    return wf_envelope(&c->doc, st, data, &c->err);
}

static bool wf__can_renew(const wf_client *c);
static wf_result wf__renew(wf_client *c);
static wf_result wf__token_before(wf_client *c);

/* Retry-After: delta-seconds or an HTTP-date (RFC 9110 10.2.3); -1 if absent. */
static long long wf__retry_after_ms(const char *v) {
    static const char *const months = "JanFebMarAprMayJunJulAugSepOctNovDec";
    uint64_t secs, day, year, hh, mm, ss;
    int mon;
    char mname[4];
    long long y, m, days, when, now;
    size_t n;
    if (!v || !*v) return -1;
    n = strlen(v);
    if (wf__parse_u64(v, n, 10, &secs)) return secs > 86400 ? 86400000LL : (long long)secs * 1000;
    /* IMF-fixdate, fixed columns: "Sun, 06 Nov 1994 08:49:37 GMT" */
    if (n != 29 || v[3] != ',' || v[4] != ' ' || v[7] != ' ' || v[11] != ' ' || v[16] != ' ' || v[19] != ':' ||
        v[22] != ':' || memcmp(v + 25, " GMT", 4) != 0 || !wf__parse_u64(v + 5, 2, 10, &day) ||
        !wf__parse_u64(v + 12, 4, 10, &year) || !wf__parse_u64(v + 17, 2, 10, &hh) || !wf__parse_u64(v + 20, 2, 10, &mm) ||
        !wf__parse_u64(v + 23, 2, 10, &ss) || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60)
        return -1;
    memcpy(mname, v + 8, 3);
    mname[3] = 0;
    {
        const char *f = strstr(months, mname);
        if (!f || (f - months) % 3) return -1;
        mon = (int)(f - months) / 3 + 1;
    }
    if ((now = wf__time_s()) == 0) return -1; /* no wall clock: back off as usual */
    /* days from civil (proleptic Gregorian), no timegm() in POSIX */
    y = (long long)year - (mon <= 2);
    m = mon <= 2 ? mon + 9 : mon - 3;
    days = 365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + (long long)day - 1 - 719468;
    when = days * 86400 + (long long)(hh * 3600 + mm * 60 + ss);
    when -= now;
    return when <= 0 ? 0 : when > 86400 ? 86400000LL : when * 1000;
}

/* How long to wait before retrying, or -1 when the failure is final. */
static int wf__retry_wait(wf_client *c, wf_result r, bool idempotent, int retries) {
    long long wait, left;
    uint64_t x;
    bool throttled = r == WF_ERR_THROTTLED; /* every 429/503 answer is reported as such */
    bool lost = r == WF_ERR_CLOSED || r == WF_ERR_IO;
    /* a connection never made carried no request: safe for writes too */
    if (r == WF_ERR_CONNECT) { /* fall through to the backoff */ }
    else if (!idempotent || !(throttled || lost)) return -1;
    wait = throttled ? wf__retry_after_ms(c->http.retry_after) : -1;
    if (wait < 0) {
        /* exponential backoff with full jitter */
        long long cap = (long long)c->retry_base_ms << (retries < 16 ? retries : 16);
        if (cap > c->retry_max_ms) cap = c->retry_max_ms;
        x = c->rng;
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        c->rng = x;
        wait = cap / 2 + (long long)(x % (uint64_t)(cap / 2 + 1));
    } else if (wait > c->retry_max_ms) {
        return -1; /* the server asks for longer than we may wait */
    }
    left = (long long)c->conn.deadline - (long long)wf__now_ms();
    if (wait >= left) return -1; /* bounded by the request timeout */
    return (int)wait;
}

static wf_result wf__request(wf_client *c, const wf__req *rq, wf_json *data) {
    const char *method = rq->method;
    bool idempotent = false, head;
    int retries;
    wf_result r;
    size_t i;
    if (data) *data = wf__none();
    if (!c) return WF_ERR_INVALID;
    wf__err_clear(&c->err);
    c->doc.ntok = 0;
    if (!method || !*method || strlen(method) > 16)
        return wf__fail(&c->err, WF_ERR_INVALID, "invalid HTTP method");
    for (i = 0; method[i]; i++)
        if (method[i] < 'A' || method[i] > 'Z') return wf__fail(&c->err, WF_ERR_INVALID, "HTTP method must be upper-case letters");
    if (!rq->path) return wf__fail(&c->err, WF_ERR_INVALID, "no path");
    if (rq->query && rq->query->result)
        return wf__fail(&c->err, wf__refused(rq->query->result),
                        "invalid query, nothing sent: %s", rq->query->error);
    for (i = 0; i < rq->nheaders; i++) {
        size_t n = 0;
        if (!rq->headers[i] || !wf__header_ok(rq->headers[i], &n) || n >= 128)
            return wf__fail(&c->err, WF_ERR_INVALID, "invalid header \"%.60s\" (expected \"Name: value\" on one line), nothing sent",
                            rq->headers[i] ? rq->headers[i] : "(null)");
        if (wf__reserved_header(rq->headers[i], n))
            return wf__fail(&c->err, WF_ERR_INVALID, "header %.*s is set by the library, nothing sent", (int)n, rq->headers[i]);
    }
    if (!(rq->flags & WF__NO_RENEW) && (r = wf__token_before(c)) != WF_OK) return r;
    /* after any token fetch: that request has its own */
    c->xh = rq->headers;
    c->nxh = rq->headers ? rq->nheaders : 0;
    c->sink = rq->sink;
    c->sink_user = rq->sink_user;
    c->conn.deadline = wf__now_ms() + (uint64_t)c->conn.timeout_ms;
    r = wf__build(c, rq, &method, &idempotent);
    c->xh = NULL; /* the head is built: the caller's strings are not needed again */
    c->nxh = 0;
    if (r != WF_OK) { c->sink = NULL; return r; }
    head = strcmp(method, "HEAD") == 0;
    for (retries = 0;; retries++) {
        int wait;
        r = wf__exchange(c, idempotent, head);
        if (r == WF_OK) {
            wf__log(c, WF_LOG_TRACE, "< HTTP/1.%d %d (%zu bytes%s%s)", c->http.minor, c->http.status, c->http.body.len,
                    c->http.content_type[0] ? ", " : "", c->http.content_type);
            r = wf__interpret(c, head, rq->flags, data);
        }
        if (r == WF_OK || retries >= c->max_retries || (c->sx && c->sx->count > 0) || c->http.sunk > 0 ||
            (wait = wf__retry_wait(c, r, idempotent, retries)) < 0)
            break; /* objects already handed over must not be handed over twice */
        wf__log(c, WF_LOG_INFO, "* %s; retry %d of %d in %d ms", c->err.text, retries + 1, c->max_retries, wait);
        wf__sleep_ms(wait);
        {
            int attempts = c->err.attempts;
            wf__err_clear(&c->err);
            c->err.attempts = attempts;
        }
    }
    c->sink = NULL;
    c->sink_user = NULL;
    if (r == WF_ERR_AUTH && !c->renewing && !(rq->flags & WF__NO_RENEW) && !(rq->body && rq->body->read) && wf__can_renew(c)) {
        /* rejected, so not executed: renew once and repeat, never loop */
        wf_error first = c->err;
        wf_result rr;
        wf__log(c, WF_LOG_INFO, "* authentication rejected (HTTP %d); renewing credentials", first.http_status);
        c->renewing = true;
        rr = wf__renew(c);
        if (rr == WF_OK) r = wf__request(c, rq, data);
        c->renewing = false;
        if (rr == WF_OK) return r;
        {
            char msg[sizeof c->err.text + 64];
            wf__snprintf(msg, sizeof msg, "renewing credentials failed: %s", c->err.text);
            wf__copy(c->err.text, sizeof c->err.text, msg, strlen(msg));
        }
        /* out of memory is not a credentials problem */
        return c->err.result = rr == WF_ERR_NOMEM ? WF_ERR_NOMEM : WF_ERR_AUTH;
    }
    if (r) {
        /* say which call failed; the path holds IDs, never secrets */
        char msg[sizeof c->err.text + 256];
        const char *qm = strchr(rq->path, '?');
        int pl = qm ? (int)(qm - rq->path) : (int)strlen(rq->path);
        wf__snprintf(msg, sizeof msg, "%s %.*s: %s", rq->method, pl > 200 ? 200 : pl, rq->path, c->err.text);
        wf__copy(c->err.text, sizeof c->err.text, msg, strlen(msg));
        c->err.result = r;
        wf__log(c, WF_LOG_ERROR, "%s", c->err.text);
    }
    return r;
}

WF_API wf_result wf_request(wf_client *c, const char *method, const char *path, const wf_query *query,
                            const wf_body *body, wf_json *data) {
    wf__req rq;
    memset(&rq, 0, sizeof rq);
    rq.method = method;
    rq.path = path;
    rq.query = query;
    rq.body = body;
    return wf__request(c, &rq, data);
}

/* Resolves a wf_request_desc url: "/from/the/host/root", or a full URL whose
   scheme, host and port are the client's own (credentials are never sent to
   another host).  *path gets what goes after the host. */
static wf_result wf__same_origin(wf_client *c, const char *url, const char **path) {
    const char *a, *rest;
    char origin[300];
    wf__url u;
    wf_error e;
    if (url[0] == '/') { *path = url; return WF_OK; }
    a = strstr(url, "://");
    if (!a) return wf__fail(&c->err, WF_ERR_INVALID, "\"%.100s\" is neither a path from the host root (\"/...\") nor a URL, nothing sent", url);
    rest = a + 3 + strcspn(a + 3, "/?#");
    if (wf__userinfo_at(a + 3))
        return wf__fail(&c->err, WF_ERR_INVALID, "user credentials in a URL are not supported (the client's own credentials are used), nothing sent");
    if ((size_t)(rest - url) >= sizeof origin) return wf__fail(&c->err, WF_ERR_INVALID, "URL host too long, nothing sent");
    memcpy(origin, url, (size_t)(rest - url));
    origin[rest - url] = 0;
    wf__err_clear(&e);
    if (wf__url_parse(origin, &u, &e) != WF_OK) return wf__fail(&c->err, WF_ERR_INVALID, "%s, nothing sent", e.text);
    if (u.tls != c->url.tls || u.port != c->url.port || strlen(u.host) != strlen(c->url.host) ||
        !wf__ieq(u.host, strlen(u.host), c->url.host)) {
        char shown[256];
        return wf__fail(&c->err, WF_ERR_INVALID, "%s is not the configured %s://%s; nothing sent (credentials go only to the configured host)",
                        wf__url_shown(origin, shown, sizeof shown), c->url.tls ? "https" : "http", c->host_header);
    }
    if (*rest == '#') rest = "";
    *path = *rest ? rest : "/";
    return WF_OK;
}

WF_API wf_result wf_request_ex(wf_client *c, const wf_request_desc *d, wf_json *data) {
    wf__req rq;
    if (data) *data = wf__none();
    if (!c) return WF_ERR_INVALID;
    if (!d) { wf__err_clear(&c->err); return wf__fail(&c->err, WF_ERR_INVALID, "no request description"); }
    memset(&rq, 0, sizeof rq);
    rq.method = d->method ? d->method : "GET";
    rq.query = d->query;
    rq.body = d->body;
    rq.headers = d->headers;
    rq.nheaders = d->header_count;
    rq.sink = d->sink;
    rq.sink_user = d->sink_user;
    rq.flags = d->raw || d->sink ? WF__RAW : 0;
    if ((d->path != NULL) == (d->url != NULL)) {
        wf__err_clear(&c->err);
        return wf__fail(&c->err, WF_ERR_INVALID, "give exactly one of path (API-relative) and url (host root or same-origin URL)");
    }
    if (d->header_count && !d->headers) {
        wf__err_clear(&c->err);
        return wf__fail(&c->err, WF_ERR_INVALID, "header_count without headers");
    }
    if (d->url) {
        wf__err_clear(&c->err);
        if (wf__same_origin(c, d->url, &rq.path) != WF_OK) return c->err.result;
        rq.flags |= WF__ABSOLUTE;
    } else {
        rq.path = d->path;
    }
    return wf__request(c, &rq, data);
}

WF_API wf_result wf_check_url(wf_client *c, const char *url) {
    const char *path;
    if (!c) return WF_ERR_INVALID;
    wf__err_clear(&c->err);
    if (!url) return wf__fail(&c->err, WF_ERR_INVALID, "no URL");
    return wf__same_origin(c, url, &path);
}

WF_API const char *wf_last_header(const wf_client *c, const char *name, size_t *len) {
    if (len) *len = 0;
    if (!c || !name) return NULL;
    return wf__http_header_value(&c->http, name, len);
}

WF_API const char *wf_last_head(const wf_client *c, size_t *len) {
    if (len) *len = c && c->http.head.p ? c->http.head.len : 0;
    return c && c->http.head.p ? c->http.head.p : "";
}

/* A form POST for the auth endpoints: no renewal (they are the renewal). */
static wf_result wf__auth_post(wf_client *c, const char *path, int flags, wf_query *form, wf_json *data) {
    wf__req rq;
    wf_body body;
    wf_result r;
    if (form->result) {
        wf__err_clear(&c->err);
        return wf__fail(&c->err, form->result, "cannot build the request: %s", form->error);
    }
    memset(&body, 0, sizeof body);
    memset(&rq, 0, sizeof rq);
    body.content_type = "application/x-www-form-urlencoded";
    body.data = form->buf ? form->buf : "";
    body.len = form->len;
    rq.method = "POST";
    rq.path = path;
    rq.query = NULL;
    rq.body = &body;
    rq.flags = flags | WF__NO_RENEW;
    r = wf__request(c, &rq, data);
    if (form->buf) memset(form->buf, 0, form->cap); /* it held passwords or secrets */
    return r;
}

/* >> call prologue ========================================================= */

/* Every public call that talks to the server starts in wf__begin: it needs
   a client, clears the error record, validates what the call names on the
   server (object code, object IDs, action or query name) here and nowhere
   else, and builds the path "OBJ[/ID][/TAIL]" in a growable buffer, so no
   name is ever cut short and nothing half-checked is sent. */

#define WF__NAME_MAX 64   /* longest object code, action or query name accepted */

enum {
    WF__CALL_OBJ = 1,       /* an object code is required */
    WF__CALL_ID = 2,        /* an object ID is required */
    WF__CALL_ID_OPT = 4,    /* an object ID may be given (NULL: none) */
    WF__CALL_ID_LIST = 8    /* "a,b,c": several IDs; the path holds the ID only when one is given */
};

/* Object codes, action names and named queries: letters, digits, '_'. */
static wf_result wf__check_name(wf_client *c, const char *what, const char *s) {
    size_t i;
    if (!s || !*s) return wf__fail(&c->err, WF_ERR_INVALID, "no %s given", what);
    for (i = 0; s[i]; i++) {
        char ch = s[i];
        if (i >= WF__NAME_MAX)
            return wf__fail(&c->err, WF_ERR_INVALID, "invalid %s \"%.20s...\" (longer than %d characters)", what, s, WF__NAME_MAX);
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_'))
            return wf__fail(&c->err, WF_ERR_INVALID, "invalid %s \"%.*s\" (letters, digits and '_' only)", what,
                            (int)(strlen(s) > WF__NAME_MAX ? WF__NAME_MAX : strlen(s)), s);
    }
    return WF_OK;
}

/* One object ID of n bytes: 32 hexadecimal digits (every Workfront object
   ID), or a special ID: "$$" and a name, e.g. $$USER for the caller's own
   user (the official workfront-api client's end-to-end test reads
   GET /user/$$USER).  An ID too long to be one is not echoed. */
static wf_result wf__check_id(wf_client *c, const char *id, size_t n) {
    size_t i;
    if (n == 0) return wf__fail(&c->err, WF_ERR_INVALID, "no object ID given");
    if (n >= 2 && id[0] == '$' && id[1] == '$') {
        for (i = 2; i < n; i++) {
            char ch = id[i];
            if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_')) break;
        }
        if (n > 2 && i == n && n <= WF__NAME_MAX) return WF_OK;
    } else if (n == 32) {
        for (i = 0; i < n && wf__hexval(id[i]) >= 0; i++) {}
        if (i == n) return WF_OK;
    }
    if (n > WF__NAME_MAX)
        return wf__fail(&c->err, WF_ERR_INVALID, "invalid object ID of %zu characters (expected 32 hexadecimal digits, or a special ID such as $$USER)", n);
    return wf__fail(&c->err, WF_ERR_INVALID, "invalid object ID \"%.*s\" (expected 32 hexadecimal digits, or a special ID such as $$USER)", (int)n, id);
}

/* Appends one validated ID to a path: a special ID's "$$" percent-encoded. */
static bool wf__add_id(const wf_allocator *a, wf__buf *b, const char *id, size_t n) {
    if (n >= 2 && id[0] == '$') return wf__buf_adds(a, b, "%24%24") && wf__buf_add(a, b, id + 2, n - 2);
    return wf__buf_add(a, b, id, n);
}

/* The prologue: WF_OK with *path (if given) holding "OBJ[/ID][/TAIL]" for
   the caller to free, or the failure recorded and nothing to free.  tail is
   a fixed word ("search"), or a caller's name checked as tail_what. */
static wf_result wf__begin(wf_client *c, wf__buf *path, int flags, const char *obj, const char *id,
                           const char *tail, const char *tail_what) {
    bool one_id = false;
    if (path) memset(path, 0, sizeof *path);
    if (!c) return WF_ERR_INVALID;
    wf__err_clear(&c->err);
    if ((flags & WF__CALL_OBJ) && wf__check_name(c, "object code", obj)) return c->err.result;
    if (id || (flags & WF__CALL_ID)) {
        const char *s = id ? id : "";
        if (!(flags & (WF__CALL_ID | WF__CALL_ID_OPT))) return wf__fail(&c->err, WF_ERR_INVALID, "this call takes no object ID");
        if ((flags & WF__CALL_ID_LIST) && strchr(s, ',')) {
            for (;;) {
                size_t n = strcspn(s, ",");
                if (wf__check_id(c, s, n)) return c->err.result;
                if (!s[n]) break;
                s += n + 1;
            }
        } else {
            if (wf__check_id(c, s, strlen(s))) return c->err.result;
            one_id = true;
        }
    }
    if (tail_what && wf__check_name(c, tail_what, tail)) return c->err.result;
    if (!path) return WF_OK;
    if ((obj && !wf__buf_adds(&c->a, path, obj)) ||
        (one_id && (!wf__buf_add(&c->a, path, "/", 1) || !wf__add_id(&c->a, path, id, strlen(id)))) ||
        (tail && (!wf__buf_add(&c->a, path, "/", 1) || !wf__buf_adds(&c->a, path, tail)))) {
        wf__buf_free(&c->a, path);
        return wf__fail(&c->err, WF_ERR_NOMEM, "out of memory building the request path");
    }
    WF_ASSERT(path->p != NULL); /* every call names an object or a fixed word */
    return WF_OK;
}

/* >> api calls ============================================================= */

WF_API wf_result wf_get(wf_client *c, const char *obj, const char *id, const char *fields, wf_json *data) {
    wf_query q;
    wf__buf path;
    wf_result r;
    if (data) *data = wf__none();
    if ((r = wf__begin(c, &path, WF__CALL_OBJ | WF__CALL_ID | WF__CALL_ID_LIST, obj, id, NULL, NULL)) != WF_OK) return r;
    memset(&q, 0, sizeof q);
    q.allocator = c->a;
    if (fields && *fields) wf_query_fields(&q, fields);
    if (strchr(id, ',')) wf_query_add(&q, "id", id); /* several IDs: one request, GET /OBJ?id=a,b */
    r = wf_request(c, "GET", path.p, &q, NULL, data);
    wf_query_free(&q);
    wf__buf_free(&c->a, &path);
    return r;
}

/* GET /OBJ/TAIL: the reads that differ only in their last path segment. */
static wf_result wf__read(wf_client *c, const char *obj, const char *tail, const char *tail_what, const wf_query *q, wf_json *data) {
    wf__buf path;
    wf_result r;
    if (data) *data = wf__none();
    if ((r = wf__begin(c, &path, WF__CALL_OBJ, obj, NULL, tail, tail_what)) != WF_OK) return r;
    r = wf_request(c, "GET", path.p, q, NULL, data);
    wf__buf_free(&c->a, &path);
    return r;
}

WF_API wf_result wf_search(wf_client *c, const char *obj, const wf_query *q, wf_json *data) {
    return wf__read(c, obj, "search", NULL, q, data);
}

/* Runs a GET whose data array is streamed to on_object. */
static wf_result wf__get_each(wf_client *c, const char *path, const wf_query *q,
                              bool (*on_object)(void *user, wf_json object), void *user, long long *count) {
    wf__sx x;
    wf_json data;
    wf_result r;
    memset(&x, 0, sizeof x);
    x.on_object = on_object;
    x.user = user;
    x.a = c->a;
    c->sx = &x;
    r = wf_request(c, "GET", path, q, NULL, &data);
    c->sx = NULL;
    wf__free(&x.a, x.tok);
    if (count) *count = x.count;
    if (r == WF_OK && x.phase == WF__SX_FALLBACK) {
        /* a 2xx answer that was not {"data":[...]}: hand over what it holds */
        wf_json o;
        if (wf_json_type_of(data) != WF_JSON_ARRAY) return wf__fail(&c->err, WF_ERR_RESPONSE, "search answer is not an array");
        for (o = wf_json_first(data); wf_json_ok(o); o = wf_json_next(o)) {
            x.count++;
            if (!on_object(user, o)) break;
        }
        if (count) *count = x.count;
    }
    return r;
}

WF_API wf_result wf_search_each(wf_client *c, const char *obj, const wf_query *q,
                                bool (*on_object)(void *user, wf_json object), void *user, long long *count) {
    wf__buf path;
    wf_result r;
    if (count) *count = 0;
    if ((r = wf__begin(c, &path, WF__CALL_OBJ, obj, NULL, "search", NULL)) != WF_OK) return r;
    if (!on_object) r = wf__fail(&c->err, WF_ERR_INVALID, "wf_search_each needs a callback");
    else r = wf__get_each(c, path.p, q, on_object, user, count);
    wf__buf_free(&c->a, &path);
    return r;
}

WF_API wf_result wf_count(wf_client *c, const char *obj, const wf_query *q, long long *count) {
    wf_json data;
    wf_result r;
    if (count) *count = 0;
    if ((r = wf__read(c, obj, "count", NULL, q, &data)) != WF_OK) return r;
    if (wf_json_int(wf_json_get(data, "count"), count) != WF_OK)
        return wf__fail(&c->err, WF_ERR_RESPONSE, "GET %s/count: answer has no integer \"count\"", obj);
    return WF_OK;
}

WF_API wf_result wf_report(wf_client *c, const char *obj, const wf_query *q, wf_json *data) {
    return wf__read(c, obj, "report", NULL, q, data);
}

WF_API wf_result wf_named_query(wf_client *c, const char *obj, const char *name, const wf_query *q, wf_json *data) {
    return wf__read(c, obj, name, "query name", q, data);
}

WF_API wf_result wf_metadata(wf_client *c, const char *obj, wf_json *data) {
    if (c && (!obj || !*obj)) return wf_request(c, "GET", "metadata", NULL, NULL, data); /* the global one */
    return wf__read(c, obj, "metadata", NULL, NULL, data);
}

/* >> pager ================================================================= */

static bool wf__query_has_key(const char *qs, const char *key) {
    size_t kl = strlen(key);
    const char *s = qs;
    while (*s) {
        if (strncmp(s, key, kl) == 0 && s[kl] == '=') return true;
        s = strchr(s, '&');
        if (!s) break;
        s++;
    }
    return false;
}

/* Object IDs compare as lower-case hex (Workfront's ID order). */
static int wf__id_cmp(const char *a, const char *b) {
    if (strcmp(a, b) == 0) return 0;
    for (; *a && wf__lower(*a) == wf__lower(*b); a++, b++) {}
    return (unsigned char)wf__lower(*a) - (unsigned char)wf__lower(*b);
}

/* A server that ignores $$FIRST or $$LIMIT would page forever (a full page
   every time), so every page is checked, in constant memory: it may hold
   at most $$LIMIT objects, and it must bring something new.  In ID order
   (the pager's default) an object is new when its ID is above every ID of
   the pages before; those at or below were handed over already and are
   skipped.  With the caller's own sort, a page that starts with the same
   object as the page before is the same page again. */
typedef struct wf__pager_state {
    wf_client *c;
    const wf_pager_desc *d;
    bool stop, id_order;
    int size;
    long long first;           /* $$FIRST of this page */
    long long n, fresh;        /* objects of this page; of those, new ones */
    char prev_max[65], page_max[65];     /* highest ID before this page; on it */
    char prev_first[65], page_first[65]; /* first ID of the page before; of this one */
    int fault;                 /* WF__PAGER_*: the walk must stop, the server does not page */
} wf__pager_state;

enum { WF__PAGER_FINE = 0, WF__PAGER_OVERSIZE, WF__PAGER_REPEAT };

static void wf__pager_page_begin(wf__pager_state *ps, long long first) {
    ps->first = first;
    ps->n = ps->fresh = 0;
    ps->page_first[0] = ps->page_max[0] = 0;
}

/* 1: hand the object over, 0: skip it (seen before), -1: stop (ps->fault). */
static int wf__pager_check(wf__pager_state *ps, wf_json o) {
    char id[65];
    size_t rl = 0;
    const char *raw = wf_json_raw(wf_json_get(o, "ID"), &rl);
    bool has_id;
    /* IDs are plain hex: their source text needs no decoding (the common case, no copy of the decoder) */
    if (raw && rl >= 2 && rl - 2 < sizeof id && raw[0] == '"' && !memchr(raw, '\\', rl)) {
        memcpy(id, raw + 1, rl - 2);
        id[rl - 2] = 0;
        has_id = id[0] != 0;
    } else {
        has_id = wf_json_str(wf_json_get(o, "ID"), id, sizeof id, NULL) == WF_OK && id[0];
    }
    if (++ps->n > ps->size) { ps->fault = WF__PAGER_OVERSIZE; return -1; }
    if (!has_id) { ps->fresh++; return 1; } /* nothing to compare */
    if (ps->n == 1) {
        memcpy(ps->page_first, id, sizeof id);
        if (!ps->id_order && ps->prev_first[0] && wf__id_cmp(id, ps->prev_first) == 0) { ps->fault = WF__PAGER_REPEAT; return -1; }
    }
    if (!ps->id_order) { ps->fresh++; return 1; }
    if (!ps->page_max[0] || wf__id_cmp(id, ps->page_max) > 0) memcpy(ps->page_max, id, sizeof id);
    if (ps->prev_max[0] && wf__id_cmp(id, ps->prev_max) <= 0) return 0;
    ps->fresh++;
    return 1;
}

/* After a page: WF_OK, or why the walk must stop (recorded). */
static wf_result wf__pager_page_end(wf__pager_state *ps) {
    if (ps->n > 0 && ps->fresh == 0 && ps->prev_max[0]) ps->fault = WF__PAGER_REPEAT;
    if (ps->fault == WF__PAGER_OVERSIZE)
        return wf__fail(&ps->c->err, WF_ERR_RESPONSE,
                        "page at $$FIRST=%lld holds more than the %d objects asked for with $$LIMIT: "
                        "the server ignores paging; stopped", ps->first, ps->size);
    if (ps->fault == WF__PAGER_REPEAT)
        return wf__fail(&ps->c->err, WF_ERR_RESPONSE,
                        "page at $$FIRST=%lld brings back objects of the previous page%s: "
                        "the server ignores $$FIRST; stopped", ps->first, ps->id_order ? "s only" : "");
    if (ps->page_max[0] && (!ps->prev_max[0] || wf__id_cmp(ps->page_max, ps->prev_max) > 0))
        memcpy(ps->prev_max, ps->page_max, sizeof ps->prev_max);
    memcpy(ps->prev_first, ps->page_first, sizeof ps->prev_first);
    return WF_OK;
}

static bool wf__pager_object(void *user, wf_json o) {
    wf__pager_state *ps = (wf__pager_state *)user;
    int k = wf__pager_check(ps, o);
    if (k < 0) return false;
    if (k > 0 && !ps->d->on_object(ps->d->user, o)) ps->stop = true;
    return !ps->stop;
}

/* The value of key in an encoded query string (first occurrence), or NULL. */
static const char *wf__query_value(const char *qs, const char *key, size_t *len) {
    size_t kl = strlen(key);
    const char *s = qs;
    while (s && *s) {
        if (strncmp(s, key, kl) == 0 && s[kl] == '=') {
            const char *v = s + kl + 1, *e = strchr(v, '&');
            *len = e ? (size_t)(e - v) : strlen(v);
            return v;
        }
        s = strchr(s, '&');
        if (s) s++;
    }
    return NULL;
}

typedef struct wf__inc_state {
    const wf_pager_desc *d;
    wf_client *c;
    wf_watermark *w;
    const char *field;
    bool eq_phase;             /* walking the IDs of one date */
    bool stop;
    wf_result r;
} wf__inc_state;

/* Hands one object of an incremental walk over and moves the watermark past it. */
static bool wf__inc_object(void *user, wf_json o) {
    wf__inc_state *st = (wf__inc_state *)user;
    wf_watermark next;
    if (wf_json_str(wf_json_get(o, st->field), next.date, sizeof next.date, NULL) != WF_OK || !next.date[0] ||
        wf_json_str(wf_json_get(o, "ID"), next.id, sizeof next.id, NULL) != WF_OK || !next.id[0]) {
        st->r = wf__fail(&st->c->err, WF_ERR_RESPONSE, "object %s without a %s and an ID to move the watermark",
                         st->eq_phase ? "of the same date" : "of the answer", st->field);
        return false;
    }
    /* within one date the IDs must rise: a server that ignored the key
       would otherwise hand the same objects over forever */
    if (st->eq_phase && strcmp(next.id, st->w->id) <= 0) {
        st->r = wf__fail(&st->c->err, WF_ERR_RESPONSE, "the server ignored the watermark (ID %s came after %s)", next.id, st->w->id);
        return false;
    }
    if (!st->d->on_object(st->d->user, o)) { st->stop = true; return false; }
    *st->w = next;
    return true;
}

/* wf_pager_run with a watermark: two kinds of page alternate.  "After"
   pages ask for field > date, sorted by (field, ID); when one is full, the
   objects that share its last date may go on past it, so "same date" pages
   (field = date, ID > id, by ID) follow until one is short. */
static wf_result wf__pager_incremental(wf_client *c, const wf_pager_desc *d, const char *path, const char *qs, int size, long long *seen) {
    wf_query q;
    wf__inc_state st;
    wf_result r = WF_OK;
    size_t fl = 0;
    const char *fv = wf__query_value(qs, "fields", &fl);
    char fsort[80], fmod[80];
    memset(&st, 0, sizeof st);
    st.d = d;
    st.c = c;
    st.w = d->since;
    st.field = d->since_field && *d->since_field ? d->since_field : "lastUpdateDate";
    if (!d->on_object || d->on_page) return wf__fail(&c->err, WF_ERR_INVALID, "an incremental walk hands over objects: on_object only");
    if (strstr(qs, "_Sort=")) return wf__fail(&c->err, WF_ERR_INVALID, "an incremental walk sorts by the watermark itself; remove the query's sort");
    if (strlen(st.field) > 60 || wf__check_name(c, "watermark field", st.field)) return wf__fail(&c->err, WF_ERR_INVALID, "invalid watermark field");
    {
        /* the walk filters on the field and on ID itself: a second filter of
           the same name would make the query ambiguous */
        char mod[80];
        wf__snprintf(mod, sizeof mod, "%s_Mod", st.field);
        if (wf__query_has_key(qs, "ID") || wf__query_has_key(qs, "ID_Mod") || wf__query_has_key(qs, st.field) ||
            wf__query_has_key(qs, mod))
            return wf__fail(&c->err, WF_ERR_INVALID, "an incremental walk filters on ID and %s itself; remove those filters", st.field);
    }
    if (fv) {
        /* the objects must carry the watermark field */
        bool found = false;
        size_t i = 0, n = strlen(st.field);
        while (i < fl && !found) {
            size_t j = i;
            while (j < fl && fv[j] != ',') j++;
            found = (j - i == 1 && fv[i] == '*') || (j - i == n && memcmp(fv + i, st.field, n) == 0);
            i = j + 1;
        }
        if (!found) return wf__fail(&c->err, WF_ERR_INVALID, "the fields of an incremental walk must include %s (or *)", st.field);
    }
    wf__snprintf(fsort, sizeof fsort, "%s_1_Sort", st.field);
    wf__snprintf(fmod, sizeof fmod, "%s_Mod", st.field);
    st.w->date[sizeof st.w->date - 1] = st.w->id[sizeof st.w->id - 1] = 0;
    st.eq_phase = st.w->date[0] && st.w->id[0];
    memset(&q, 0, sizeof q);
    q.allocator = c->a;
    for (;;) {
        long long got = 0;
        wf_watermark before = *st.w;
        wf_query_reset(&q);
        if (*qs) wf_query_add_raw(&q, qs);
        if (!fv) wf_query_add(&q, "fields", st.field);
        if (st.eq_phase) {
            wf_query_add(&q, st.field, st.w->date);
            wf_query_add(&q, fmod, "eq");
            wf_query_add(&q, "ID", st.w->id);
            wf_query_add(&q, "ID_Mod", "gt");
            wf_query_add(&q, "ID_Sort", "asc");
        } else {
            if (st.w->date[0]) {
                wf_query_add(&q, st.field, st.w->date);
                wf_query_add(&q, fmod, "gt");
            }
            wf_query_add(&q, fsort, "asc");
            wf_query_add(&q, "ID_2_Sort", "asc");
        }
        wf_query_add_int(&q, "$$LIMIT", size);
        if (q.result) { r = wf__fail(&c->err, q.result, "cannot build the page query: %s", q.error); break; }
        r = wf__get_each(c, path, &q, wf__inc_object, &st, &got);
        if (st.r) r = st.r;
        if (r != WF_OK || st.stop) break;
        *seen += got;
        wf__log(c, WF_LOG_INFO, "* %s page after %s %s: %lld objects", st.eq_phase ? "same-date" : "incremental",
                before.date[0] ? before.date : "the beginning", before.id, got);
        if (got < size) {
            if (!st.eq_phase) break;  /* a short "after" page: done */
            st.eq_phase = false;      /* the date is done: on to later ones */
            continue;
        }
        if (!strcmp(before.date, st.w->date) && !strcmp(before.id, st.w->id)) {
            r = wf__fail(&c->err, WF_ERR_RESPONSE, "the server ignored the watermark (a full page did not move it)");
            break;
        }
        st.eq_phase = true;
    }
    wf_query_free(&q);
    return r;
}

WF_API wf_result wf_pager_run(wf_client *c, const wf_pager_desc *d, long long *total) {
    wf_query q;
    const char *qs;
    wf__buf path;
    wf__pager_state ps;
    long long first = 0, seen = 0;
    wf_result r;
    bool sorted;
    if (total) *total = 0;
    if ((r = wf__begin(c, &path, WF__CALL_OBJ, d ? d->obj : NULL, NULL, "search", NULL)) != WF_OK) return r;
    memset(&q, 0, sizeof q);
    q.allocator = c->a;
    memset(&ps, 0, sizeof ps);
    ps.c = c;
    ps.d = d;
    ps.size = d->page_size ? d->page_size : 2000;
    qs = wf_query_str(d->query);
    if (!d->on_object && !d->on_page) { r = wf__fail(&c->err, WF_ERR_INVALID, "pager needs a callback"); goto done; }
    if (ps.size < 1 || ps.size > 2000) { r = wf__fail(&c->err, WF_ERR_RANGE, "page size must be 1..2000 (Workfront's $$LIMIT maximum)"); goto done; }
    if (d->query && d->query->result) {
        r = wf__fail(&c->err, wf__refused(d->query->result), "invalid query, nothing sent: %s", d->query->error);
        goto done;
    }
    if (wf__query_has_key(qs, "$$FIRST") || wf__query_has_key(qs, "$$LIMIT") || strstr(qs, "&$$FIRST=") || strstr(qs, "&$$LIMIT=")) {
        r = wf__fail(&c->err, WF_ERR_INVALID, "the pager sets $$FIRST and $$LIMIT itself; remove them from the query");
        goto done;
    }
    if (d->since) {
        r = wf__pager_incremental(c, d, path.p, qs, ps.size, &seen);
        goto done;
    }
    /* a stable order is what makes offsets safe: ID unless the caller sorts */
    sorted = strstr(qs, "_Sort=") != NULL;
    ps.id_order = !sorted;
    for (;;) {
        wf_json page, o;
        wf_query_reset(&q);
        if (*qs) wf_query_add_raw(&q, qs);
        if (!sorted) wf_query_add(&q, "ID_Sort", "asc");
        wf_query_add_int(&q, "$$FIRST", first);
        wf_query_add_int(&q, "$$LIMIT", ps.size);
        if (q.result) { r = wf__fail(&c->err, q.result, "cannot build the page query: %s", q.error); break; }
        wf__pager_page_begin(&ps, first);
        if (!d->on_page) {
            /* objects only: stream them, one object in memory at a time */
            long long before = ps.fresh;
            r = wf__get_each(c, path.p, &q, wf__pager_object, &ps, NULL);
            seen += ps.fresh - before;
            if (r != WF_OK) break;
        } else {
            char before[65];
            int k = 1;
            if ((r = wf_request(c, "GET", path.p, &q, NULL, &page)) != WF_OK) break;
            if (wf_json_type_of(page) != WF_JSON_ARRAY) { r = wf__fail(&c->err, WF_ERR_RESPONSE, "search page is not an array"); break; }
            memcpy(before, ps.prev_max, sizeof before);
            /* the whole page is checked before any of it is handed over */
            for (o = wf_json_first(page); k >= 0 && wf_json_ok(o); o = wf_json_next(o)) k = wf__pager_check(&ps, o);
            if ((r = wf__pager_page_end(&ps)) != WF_OK) break;
            if (ps.n > 0 && !d->on_page(d->user, page, first)) ps.stop = true;
            if (!d->on_object) seen += ps.fresh;
            for (o = wf_json_first(page); !ps.stop && d->on_object && wf_json_ok(o); o = wf_json_next(o)) {
                char id[65];
                if (before[0] && ps.id_order && wf_json_str(wf_json_get(o, "ID"), id, sizeof id, NULL) == WF_OK &&
                    wf__id_cmp(id, before) <= 0)
                    continue; /* handed over with an earlier page */
                seen++;
                if (!d->on_object(d->user, o)) ps.stop = true;
            }
        }
        if (!d->on_page && (r = wf__pager_page_end(&ps)) != WF_OK) break;
        wf__log(c, WF_LOG_INFO, "* page at %lld: %lld objects", first, ps.n);
        /* a short page is the last; a full one may be followed by an empty one */
        if (ps.stop || ps.n < (long long)ps.size) break;
        first += ps.n;
    }
done:
    wf_query_free(&q);
    wf__buf_free(&c->a, &path);
    if (total) *total = seen;
    return r;
}

/* >> writes ================================================================ */

/* Sends a write with every parameter in a form body: nothing long or
   personal ends up in a request line (and so in proxy logs). */
static wf_result wf__write_call(wf_client *c, const char *method, const char *path, const wf_query *params,
                                const char *k1, const char *v1, wf_updates *updates, wf_json *data) {
    wf_query form;
    wf_body body;
    wf_result r;
    memset(&form, 0, sizeof form);
    form.allocator = c->a;
    if (params && params->result) {
        wf__err_clear(&c->err);
        return wf__fail(&c->err, wf__refused(params->result),
                        "invalid parameters, nothing sent: %s", params->error);
    }
    if (params && params->len) wf_query_add_raw(&form, wf_query_str(params));
    if (k1) wf_query_add(&form, k1, v1);
    if (updates) {
        size_t n;
        const char *json = wf_updates_json(updates, &n);
        if (!json) {
            wf_query_free(&form);
            wf__err_clear(&c->err);
            return wf__fail(&c->err, wf__refused(updates->result),
                            "invalid updates, nothing sent: %s", updates->error);
        }
        wf_query_addn(&form, "updates", 7, json, n);
    }
    if (form.result) {
        /* the result and text first: wf_query_free clears them */
        wf__err_clear(&c->err);
        r = wf__fail(&c->err, form.result, "cannot build the request: %s", form.error);
        wf_query_free(&form);
        return r;
    }
    body.content_type = "application/x-www-form-urlencoded";
    body.data = form.buf ? form.buf : "";
    body.len = form.len;
    body.read = NULL;
    body.user = NULL;
    r = wf_request(c, method, path, NULL, form.len ? &body : NULL, data);
    wf_query_free(&form);
    return r;
}

WF_API wf_result wf_create(wf_client *c, const char *obj, const wf_query *params, wf_updates *updates, wf_json *data) {
    wf__buf path;
    wf_result r;
    if ((r = wf__begin(c, &path, WF__CALL_OBJ, obj, NULL, NULL, NULL)) != WF_OK) return r;
    r = wf__write_call(c, "POST", path.p, params, NULL, NULL, updates, data);
    wf__buf_free(&c->a, &path);
    return r;
}

WF_API wf_result wf_copy(wf_client *c, const char *obj, const char *src, const wf_query *params, wf_updates *updates, wf_json *data) {
    wf__buf path;
    wf_result r;
    if ((r = wf__begin(c, &path, WF__CALL_OBJ, obj, NULL, NULL, NULL)) != WF_OK) return r;
    if (wf__check_id(c, src ? src : "", src ? strlen(src) : 0) == WF_OK)
        r = wf__write_call(c, "POST", path.p, params, "copySourceID", src, updates, data);
    else
        r = c->err.result;
    wf__buf_free(&c->a, &path);
    return r;
}

WF_API wf_result wf_edit(wf_client *c, const char *obj, const char *id, const wf_query *params, wf_updates *updates, wf_json *data) {
    wf__buf path;
    wf_result r;
    if ((r = wf__begin(c, &path, WF__CALL_OBJ | WF__CALL_ID, obj, id, NULL, NULL)) != WF_OK) return r;
    r = wf__write_call(c, "PUT", path.p, params, NULL, NULL, updates, data);
    wf__buf_free(&c->a, &path);
    return r;
}

WF_API wf_result wf_delete(wf_client *c, const char *obj, const char *id, bool force) {
    wf__buf path;
    wf_result r;
    if ((r = wf__begin(c, &path, WF__CALL_OBJ | WF__CALL_ID, obj, id, NULL, NULL)) != WF_OK) return r;
    if (force && !wf__buf_adds(&c->a, &path, "?force=true")) r = wf__fail(&c->err, WF_ERR_NOMEM, "out of memory building the request path");
    else r = wf_request(c, "DELETE", path.p, NULL, NULL, NULL);
    wf__buf_free(&c->a, &path);
    return r;
}

/* PUT /OBJ[/ID]/ACTION, or with in_param METHOD /OBJ[/ID] and action=ACTION
   in the form: Workfront takes both, some actions only one of them. */
static wf_result wf__action(wf_client *c, const char *method, const char *obj, const char *id, const char *action,
                            bool in_param, const wf_query *params, wf_json *data) {
    wf__buf path;
    wf_result r;
    if (data) *data = wf__none();
    if ((r = wf__begin(c, &path, WF__CALL_OBJ | WF__CALL_ID_OPT, obj, id, in_param ? NULL : action, in_param ? NULL : "action name")) != WF_OK)
        return r;
    if (in_param && wf__check_name(c, "action name", action)) r = c->err.result;
    else if (!in_param) r = wf__write_call(c, "PUT", path.p, params, NULL, NULL, NULL, data);
    else r = wf__write_call(c, method && *method ? method : "PUT", path.p, params, "action", action, NULL, data);
    wf__buf_free(&c->a, &path);
    return r;
}

WF_API wf_result wf_action(wf_client *c, const char *obj, const char *id, const char *action, const wf_query *params, wf_json *data) {
    return wf__action(c, "PUT", obj, id, action, false, params, data);
}

WF_API wf_result wf_action_param(wf_client *c, const char *method, const char *obj, const char *id, const char *action,
                                 const wf_query *params, wf_json *data) {
    return wf__action(c, method, obj, id, action, true, params, data);
}

WF_API wf_result wf_move(wf_client *c, const char *obj, const char *id, const char *project_id, wf_json *data) {
    wf_query q;
    wf_result r;
    if ((r = wf__begin(c, NULL, WF__CALL_ID, NULL, project_id, NULL, NULL)) != WF_OK) return r;
    memset(&q, 0, sizeof q);
    q.allocator = c->a;
    wf_query_add(&q, "projectID", project_id);
    r = wf_action(c, obj, id, "move", &q, data);
    wf_query_free(&q);
    return r;
}

WF_API wf_result wf_share(wf_client *c, const char *obj, const char *id, const char *accessor_id,
                          const char *accessor_obj_code, const char *core_action, wf_json *data) {
    wf_query q;
    wf_result r;
    const char *acc_obj = accessor_obj_code && *accessor_obj_code ? accessor_obj_code : "USER";
    const char *core = core_action && *core_action ? core_action : "VIEW";
    if ((r = wf__begin(c, NULL, WF__CALL_OBJ | WF__CALL_ID, acc_obj, accessor_id, core, "core action")) != WF_OK) return r;
    memset(&q, 0, sizeof q);
    q.allocator = c->a;
    wf_query_add(&q, "accessorID", accessor_id);
    wf_query_add(&q, "accessorObjCode", acc_obj);
    wf_query_add(&q, "coreAction", core);
    r = wf_action(c, obj, id, "share", &q, data);
    wf_query_free(&q);
    return r;
}

WF_API wf_result wf_bulk_edit(wf_client *c, const wf_bulk_desc *d, size_t *done) {
    wf_doc *in = NULL;
    wf_updates chunk;
    wf_json arr, el;
    size_t total, index = 0, chunk_no = 0, nchunks, len;
    int size;
    wf_result r;
    if (done) *done = 0;
    if ((r = wf__begin(c, NULL, WF__CALL_OBJ, d ? d->obj : NULL, NULL, NULL, NULL)) != WF_OK) return r;
    if (!d->updates) return wf__fail(&c->err, WF_ERR_INVALID, "bulk edit needs a JSON array of objects");
    size = d->chunk_size ? d->chunk_size : 100;
    if (size < 1 || size > 100) return wf__fail(&c->err, WF_ERR_RANGE, "chunk size must be 1..100 (Workfront's bulk limit)");
    len = d->updates_len ? d->updates_len : strlen(d->updates);
    if ((r = wf_doc_parse(d->updates, len, &c->a, &in)) != WF_OK)
        return wf__fail(&c->err, r == WF_ERR_NOMEM ? r : WF_ERR_INVALID, "bulk updates are not valid JSON");
    arr = wf_doc_root(in);
    if (wf_json_type_of(arr) != WF_JSON_ARRAY) { wf_doc_free(in); return wf__fail(&c->err, WF_ERR_INVALID, "bulk updates must be a JSON array"); }
    total = wf_json_len(arr);
    for (el = wf_json_first(arr); wf_json_ok(el); el = wf_json_next(el)) {
        if (wf_json_type_of(el) != WF_JSON_OBJECT || (!d->create && wf_json_type_of(wf_json_get(el, "ID")) != WF_JSON_STRING)) {
            wf_doc_free(in);
            return wf__fail(&c->err, WF_ERR_INVALID, "bulk %s: every element must be an object%s", d->create ? "create" : "edit",
                            d->create ? "" : " with an \"ID\"");
        }
    }
    nchunks = (total + (size_t)size - 1) / (size_t)size;
    memset(&chunk, 0, sizeof chunk);
    chunk.allocator = c->a;
    el = wf_json_first(arr);
    while (wf_json_ok(el) && r == WF_OK) {
        size_t first = index, i;
        wf_json results, o;
        wf_updates_reset(&chunk);
        wf_updates_begin_array(&chunk);
        for (i = 0; i < (size_t)size && wf_json_ok(el); i++, el = wf_json_next(el), index++) {
            size_t rl;
            const char *raw = wf_json_raw(el, &rl);
            wf_updates_raw(&chunk, raw, rl);
        }
        wf_updates_end_array(&chunk);
        chunk_no++;
        r = wf__write_call(c, d->create ? "POST" : "PUT", d->obj, d->params, NULL, NULL, &chunk, &results);
        if (r == WF_OK && (wf_json_type_of(results) != WF_JSON_ARRAY || wf_json_len(results) != index - first))
            r = wf__fail(&c->err, WF_ERR_RESPONSE, "answer is not an array of %zu objects", index - first);
        if (r) {
            char msg[sizeof c->err.text];
            wf__snprintf(msg, sizeof msg, "bulk chunk %zu of %zu (objects %zu-%zu) failed: %.600s", chunk_no, nchunks, first, index - 1, c->err.text);
            wf__copy(c->err.text, sizeof c->err.text, msg, strlen(msg));
            break;
        }
        if (done) *done = index;
        for (o = wf_json_first(results), i = first; d->on_result && wf_json_ok(o); o = wf_json_next(o), i++)
            if (!d->on_result(d->user, i, o)) { el = wf__none(); break; }
    }
    wf_updates_free(&chunk);
    wf_doc_free(in);
    return r;
}

WF_API wf_result wf_batch_add(wf_batch *b, const char *method, const char *path, const wf_query *q) {
    wf__buf uri;
    bool has_q = false;
    wf_result r;
    if (!b) return WF_ERR_INVALID;
    if (b->form.result) return b->form.result;
    if (!path || !*path) return wf__query_fail(&b->form, WF_ERR_INVALID, "batch item needs a path");
    if (q && q->result)
        return q->result == WF_ERR_NOMEM ? wf__query_fail(&b->form, WF_ERR_NOMEM, "out of memory")
                                         : wf__query_fail(&b->form, WF_ERR_INVALID, "batch item has an invalid query");
    memset(&uri, 0, sizeof uri);
    if (*path != '/' && !wf__buf_add(&b->form.allocator, &uri, "/", 1)) goto nomem;
    if (!wf__add_path(&b->form.allocator, &uri, path, &has_q)) goto nomem;
    if (q && q->len) {
        if (!wf__buf_add(&b->form.allocator, &uri, has_q ? "&" : "?", 1) || !wf__buf_adds(&b->form.allocator, &uri, wf_query_str(q))) goto nomem;
        has_q = true;
    }
    /* every item of a batch travels inside one POST: the method must ride along */
    if (method && *method && strcmp(method, "GET") != 0) {
        if (!wf__buf_adds(&b->form.allocator, &uri, has_q ? "&method=" : "?method=") || !wf__buf_adds(&b->form.allocator, &uri, method)) goto nomem;
    }
    r = wf_query_add(&b->form, "uri", uri.p);
    wf__buf_free(&b->form.allocator, &uri);
    if (r == WF_OK) b->count++;
    return r;
nomem:
    wf__buf_free(&b->form.allocator, &uri);
    return wf__query_fail(&b->form, WF_ERR_NOMEM, "out of memory");
}

WF_API wf_result wf_batch_run(wf_client *c, wf_batch *b, bool atomic, wf_json *data) {
    wf_query params;
    wf_result r;
    if ((r = wf__begin(c, NULL, 0, NULL, NULL, NULL, NULL)) != WF_OK) return r;
    if (!b) return wf__fail(&c->err, WF_ERR_INVALID, "empty batch");
    /* a failed wf_batch_add first: it is why the batch may be empty */
    if (b->form.result)
        return wf__fail(&c->err, wf__refused(b->form.result), "invalid batch, nothing sent: %s", b->form.error);
    if (b->count == 0) return wf__fail(&c->err, WF_ERR_INVALID, "empty batch");
    memset(&params, 0, sizeof params);
    params.allocator = c->a;
    wf_query_add_raw(&params, wf_query_str(&b->form));
    if (atomic) wf_query_add(&params, "atomic", "true");
    r = wf__write_call(c, "POST", "batch", &params, NULL, NULL, NULL, data);
    wf_query_free(&params);
    return r;
}

WF_API void wf_batch_free(wf_batch *b) {
    if (!b) return;
    wf_query_free(&b->form);
    b->count = 0;
}

/* >> upload ================================================================ */

typedef struct wf__upload_src {
    const wf_upload_desc *d;
    wf__file f;               /* f.f NULL: the caller's read callback */
    wf_error *err;
    const char *pre, *post;   /* multipart framing around the file bytes */
    size_t pre_len, post_len, pos;
    uint64_t file_pos, total;
    int error;
} wf__upload_src;

static long wf__upload_read(void *user, void *buf, size_t cap) {
    wf__upload_src *s = (wf__upload_src *)user;
    unsigned char *out = (unsigned char *)buf;
    size_t o = 0;
    while (o < cap) {
        if (s->pos < s->pre_len) {
            size_t k = s->pre_len - s->pos < cap - o ? s->pre_len - s->pos : cap - o;
            memcpy(out + o, s->pre + s->pos, k);
            s->pos += k; o += k;
        } else if (s->file_pos < s->d->size) {
            uint64_t left = s->d->size - s->file_pos;
            size_t want = left < (uint64_t)(cap - o) ? (size_t)left : cap - o;
            long got;
            if (s->f.f) {
                size_t g = 0;
                if (wf__file_read(&s->f, out + o, want, &g, s->err) != WF_OK || g == 0) { s->error = s->err->sys_errno; return -1; }
                got = (long)g;
            } else {
                got = s->d->read(s->d->user, out + o, want);
                if (got <= 0 || (size_t)got > want) return -1;
            }
            s->file_pos += (uint64_t)got; o += (size_t)got;
            if (s->d->progress) s->d->progress(s->d->user, s->file_pos, s->d->size);
        } else if (s->pos - s->pre_len < s->post_len) {
            size_t at = s->pos - s->pre_len, k = s->post_len - at < cap - o ? s->post_len - at : cap - o;
            memcpy(out + o, s->post + at, k);
            s->pos += k; o += k;
        } else {
            break;
        }
    }
    return (long)o;
}

static void wf__boundary(char out[41]) {
    static const char hex[] = "0123456789abcdef";
    unsigned char rnd[16];
    int i;
    wf__random(rnd, sizeof rnd);
    memcpy(out, "wfboundary", 10);
    for (i = 0; i < 15; i++) { out[10 + 2 * i] = hex[rnd[i] >> 4]; out[11 + 2 * i] = hex[rnd[i] & 15]; }
    out[40] = 0;
}

WF_API wf_result wf_upload(wf_client *c, const wf_upload_desc *d, char handle[64], wf_json *data) {
    wf_upload_desc dd;
    wf__upload_src src;
    wf_body body;
    wf_json up;
    wf__buf pre, post, ct;
    wf_updates u;
    char boundary[41], h[64], fname_buf[256];
    const char *fname;
    wf_result r = WF_OK;
    if (handle) handle[0] = 0;
    if (data) *data = wf__none();
    /* the document names its object: checked before the file is sent */
    if ((r = wf__begin(c, NULL, d && data ? WF__CALL_OBJ | WF__CALL_ID : 0, d && data ? d->obj_code : NULL,
                       d && data ? d->obj_id : NULL, NULL, NULL)) != WF_OK)
        return r;
    if (!d || (!d->file && !d->read)) return wf__fail(&c->err, WF_ERR_INVALID, "upload needs a file or a read callback");
    dd = *d;
    memset(&src, 0, sizeof src);
    memset(&pre, 0, sizeof pre);
    memset(&post, 0, sizeof post);
    memset(&ct, 0, sizeof ct);
    memset(&u, 0, sizeof u);
    u.allocator = c->a;
    src.err = &c->err;
    if (d->file) {
        /* 64-bit sizes and offsets: files of 2 GiB and more */
        if ((r = wf__file_open_read(&src.f, d->file, "", &c->err)) != WF_OK) goto done;
        if ((r = wf__file_size(&src.f, &dd.size, d->file, &c->err)) != WF_OK) goto done;
    }
    fname = d->file_name;
    if (!fname || !*fname) {
        const char *slash = d->file ? strrchr(d->file, '/') : NULL;
        fname = d->file ? (slash ? slash + 1 : d->file) : "upload.bin";
    }
    /* a quote or line break would end the header field early */
    wf__copy(fname_buf, sizeof fname_buf, fname, strlen(fname));
    {
        char *p;
        for (p = fname_buf; *p; p++) if (*p == '"' || *p == '\r' || *p == '\n' || *p == '\\') *p = '_';
    }
    wf__boundary(boundary);
    if (!wf__buf_adds(&c->a, &pre, "--") || !wf__buf_adds(&c->a, &pre, boundary) ||
        !wf__buf_adds(&c->a, &pre, "\r\nContent-Disposition: form-data; name=\"uploadedFile\"; filename=\"") ||
        !wf__buf_adds(&c->a, &pre, fname_buf) || !wf__buf_adds(&c->a, &pre, "\"\r\nContent-Type: application/octet-stream\r\n\r\n") ||
        !wf__buf_adds(&c->a, &post, "\r\n--") || !wf__buf_adds(&c->a, &post, boundary) || !wf__buf_adds(&c->a, &post, "--\r\n") ||
        !wf__buf_adds(&c->a, &ct, "multipart/form-data; boundary=") || !wf__buf_adds(&c->a, &ct, boundary)) {
        r = wf__fail(&c->err, WF_ERR_NOMEM, "out of memory");
        goto done;
    }
    src.d = &dd;
    src.pre = pre.p; src.pre_len = pre.len;
    src.post = post.p; src.post_len = post.len;
    memset(&body, 0, sizeof body);
    body.content_type = ct.p;
    body.data = NULL;
    /* the Content-Length is a size_t: 32-bit builds send up to 4 GiB */
    if (dd.size > (uint64_t)((size_t)-1) - pre.len - post.len - 65536) {
        r = wf__fail(&c->err, WF_ERR_RANGE, "file of %llu bytes is too large for a build with a %d-bit size_t",
                     (unsigned long long)dd.size, (int)(sizeof(size_t) * 8));
        goto done;
    }
    body.len = pre.len + (size_t)dd.size + post.len; /* known up front: no chunked upload */
    body.read = wf__upload_read;
    body.user = &src;
    if ((r = wf_request(c, "POST", "upload", NULL, &body, &up)) != WF_OK) goto done;
    if (wf_json_str(wf_json_get(up, "handle"), h, sizeof h, NULL) != WF_OK) {
        r = wf__fail(&c->err, WF_ERR_RESPONSE, "upload answer has no handle");
        goto done;
    }
    if (handle) memcpy(handle, h, sizeof h);
    if (!data) goto done;
    wf_updates_set_str(&u, "name", d->doc_name && *d->doc_name ? d->doc_name : fname);
    wf_updates_set_str(&u, "handle", h);
    wf_updates_set_str(&u, "docObjCode", d->obj_code);
    wf_updates_set_str(&u, "objID", d->obj_id);
    wf_updates_key(&u, "currentVersion");
    wf_updates_begin_object(&u);
    wf_updates_set_str(&u, "version", d->version && *d->version ? d->version : "v1.0");
    wf_updates_set_str(&u, "fileName", fname);
    wf_updates_end_object(&u);
    r = wf_create(c, "document", NULL, &u, data);
done:
    wf__file_close(&c->a, &src.f);
    wf__buf_free(&c->a, &pre);
    wf__buf_free(&c->a, &post);
    wf__buf_free(&c->a, &ct);
    wf_updates_free(&u);
    return r;
}

WF_API wf_result wf_api_key(wf_client *c, wf_api_key_op op, const char *user, const char *pw, char *key, size_t cap) {
    static const char *const actions[] = { "getApiKey", "generateApiKey", "clearApiKey" };
    wf_query q;
    wf_json data;
    wf_result r;
    if (key && cap) key[0] = 0;
    if ((r = wf__begin(c, NULL, 0, NULL, NULL, NULL, NULL)) != WF_OK) return r;
    if ((unsigned)op > (unsigned)WF_API_KEY_CLEAR) return wf__fail(&c->err, WF_ERR_INVALID, "unknown API key action");
    if (!user || !*user || !pw) return wf__fail(&c->err, WF_ERR_INVALID, "API key actions need a username and a password");
    memset(&q, 0, sizeof q);
    q.allocator = c->a;
    wf_query_add(&q, "username", user);
    wf_query_add(&q, "password", pw);
    r = wf_action_param(c, "PUT", "user", NULL, actions[op], &q, &data);
    if (q.buf) memset(q.buf, 0, q.cap);
    wf_query_free(&q);
    if (r == WF_OK && op != WF_API_KEY_CLEAR && key) {
        wf_result sr = wf_json_str(wf_json_get(data, "result"), key, cap, NULL);
        if (sr) r = wf__fail(&c->err, sr == WF_ERR_TRUNCATED ? sr : WF_ERR_RESPONSE, "API key answer has no usable \"result\"");
    }
    if (c->http.body.p) memset(c->http.body.p, 0, c->http.body.len); /* it held the key */
    c->doc.ntok = 0;
    return r;
}

/* >> any endpoint: event subscriptions, document download ================ */

/* Adobe's "Event Subscription API" page (experienceleague.adobe.com/en/docs/
   workfront/using/adobe-workfront-api/event-subscriptions/event-subs-api;
   source AdobeDocs/workfront.en help/quicksilver/wf-api/general/event-subs-api.md):
   the service lives beside the REST API, answers without the data
   envelope, needs a System Administrator's session, creates with a JSON
   body answered 201 + Location and no body, lists with page/limit (limit at
   most 1000), deletes with 200 and no body. */
#define WF__SUBS_PATH "/attask/eventsubscription/api/v1/subscriptions"
#define WF__SUBS_MAX_GROUPS 10   /* filter groups per subscription */
#define WF__SUBS_MAX_IN_GROUP 5  /* filters per group */

static bool wf__subs_id_ok(const char *id) {
    size_t n = 0;
    if (!id) return false;
    for (; id[n]; n++)
        if (!((id[n] >= 'a' && id[n] <= 'z') || (id[n] >= 'A' && id[n] <= 'Z') || (id[n] >= '0' && id[n] <= '9') ||
              id[n] == '-' || id[n] == '_'))
            return false;
    return n > 0 && n <= 64;
}

/* An object code as the call prologue accepts one (letters, digits, '_';
   at most WF__NAME_MAX), checked without a client. */
static bool wf__subs_code_ok(const char *s) {
    size_t i;
    for (i = 0; s[i]; i++)
        if (i >= WF__NAME_MAX || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return i > 0;
}

/* A string member that must be present and non-empty; copied into buf. */
static bool wf__subs_str(wf_json o, const char *key, char *buf, size_t cap) {
    wf_json v = wf_json_get(o, key);
    size_t n = 0;
    if (wf_json_type_of(v) != WF_JSON_STRING) return false;
    if (wf_json_str(v, buf, cap, &n) != WF_OK) return false;
    return n > 0;
}

/* Everything the documentation lets a client check before sending. */
static wf_result wf__subs_validate(wf_error *e, wf_json root) {
    static const char *const events[] = { "CREATE", "UPDATE", "DELETE", "SHARE" };
    char buf[2048];
    wf_json f, fc, b64;
    size_t i, groups = 0;
    bool known = false;
    if (wf_json_type_of(root) != WF_JSON_OBJECT) return wf__fail(e, WF_ERR_INVALID, "a subscription is a JSON object");
    if (!wf__subs_str(root, "objCode", buf, sizeof buf) || !wf__subs_code_ok(buf))
        return wf__fail(e, WF_ERR_INVALID, "objCode is required (an object code such as TASK, PROJ, OPTASK)");
    if (!wf__subs_str(root, "eventType", buf, sizeof buf))
        return wf__fail(e, WF_ERR_INVALID, "eventType is required (CREATE, UPDATE, DELETE or SHARE)");
    for (i = 0; i < sizeof events / sizeof events[0]; i++) if (strcmp(buf, events[i]) == 0) known = true;
    if (!known) return wf__fail(e, WF_ERR_INVALID, "unknown eventType \"%.40s\" (CREATE, UPDATE, DELETE or SHARE)", buf);
    if (!wf__subs_str(root, "url", buf, sizeof buf)) return wf__fail(e, WF_ERR_INVALID, "url is required (the https:// endpoint events are sent to)");
    if (strncmp(buf, "https://", 8) != 0 || !buf[8] || buf[8] == '/')
        return wf__fail(e, WF_ERR_INVALID, "url must be an https:// URL (events carry the authToken): \"%.80s\"", buf);
    if (!wf__subs_str(root, "authToken", buf, sizeof buf)) return wf__fail(e, WF_ERR_INVALID, "authToken is required (a non-empty string)");
    f = wf_json_get(root, "objId");
    if (wf_json_ok(f) && !wf_json_is_null(f) && wf_json_type_of(f) != WF_JSON_STRING)
        return wf__fail(e, WF_ERR_INVALID, "objId must be a string");
    fc = wf_json_get(root, "filterConnector");
    if (wf_json_ok(fc) && !wf_json_eq(fc, "AND") && !wf_json_eq(fc, "OR"))
        return wf__fail(e, WF_ERR_INVALID, "filterConnector must be \"AND\" or \"OR\"");
    b64 = wf_json_get(root, "base64Encoding");
    if (wf_json_ok(b64) && wf_json_type_of(b64) != WF_JSON_BOOL && !wf_json_eq(b64, "true") && !wf_json_eq(b64, "false") &&
        !wf_json_eq(b64, "") && !wf_json_eq(b64, " "))
        return wf__fail(e, WF_ERR_INVALID, "base64Encoding must be true or false");
    f = wf_json_get(root, "filters");
    if (!wf_json_ok(f) || wf_json_is_null(f)) return WF_OK;
    if (wf_json_type_of(f) != WF_JSON_ARRAY) return wf__fail(e, WF_ERR_INVALID, "filters must be an array");
    for (i = 0; i < wf_json_len(f); i++) {
        wf_json el = wf_json_at(f, i), inner;
        if (wf_json_type_of(el) != WF_JSON_OBJECT) return wf__fail(e, WF_ERR_INVALID, "filters[%zu] must be an object", i);
        inner = wf_json_get(el, "filters");
        if (wf_json_ok(inner)) {
            /* a group: {"type":"group","connector":"OR","filters":[...]} */
            size_t k;
            if (wf_json_type_of(inner) != WF_JSON_ARRAY) return wf__fail(e, WF_ERR_INVALID, "filters[%zu].filters must be an array", i);
            if (++groups > WF__SUBS_MAX_GROUPS)
                return wf__fail(e, WF_ERR_INVALID, "more than %d filter groups (Workfront's limit)", WF__SUBS_MAX_GROUPS);
            if (wf_json_len(inner) > WF__SUBS_MAX_IN_GROUP)
                return wf__fail(e, WF_ERR_INVALID, "filter group %zu has %zu filters (Workfront's limit: %d)", i,
                                wf_json_len(inner), WF__SUBS_MAX_IN_GROUP);
            for (k = 0; k < wf_json_len(inner); k++)
                if (!wf__subs_str(wf_json_at(inner, k), "fieldName", buf, sizeof buf))
                    return wf__fail(e, WF_ERR_INVALID, "filters[%zu].filters[%zu] needs a fieldName", i, k);
        } else if (!wf__subs_str(el, "fieldName", buf, sizeof buf)) {
            return wf__fail(e, WF_ERR_INVALID, "filters[%zu] needs a fieldName", i);
        }
    }
    return WF_OK;
}

WF_API wf_result wf_subscription_validate(const char *json, size_t len, wf_error *err) {
    wf_error local;
    wf_error *e = err ? err : &local;
    wf_doc *d = NULL;
    wf_result r;
    wf__err_clear(e);
    if (!json) return wf__fail(e, WF_ERR_INVALID, "no subscription JSON");
    if (len == 0) len = strlen(json);
    r = wf_doc_parse_ex(json, len, NULL, &d, e);
    if (r != WF_OK) {
        char why[256];
        wf__copy(why, sizeof why, e->text, strlen(e->text));
        return wf__fail(e, r == WF_ERR_NOMEM ? r : WF_ERR_INVALID, "subscription JSON: %s", why);
    }
    r = wf__subs_validate(e, wf_doc_root(d));
    wf_doc_free(d);
    return r;
}

WF_API wf_result wf_subscription_create_json(wf_client *c, const char *json, size_t len, char *id, size_t id_cap) {
    wf_doc *d = NULL;
    wf_request_desc rd;
    wf_body body;
    wf_result r;
    const char *loc, *slash;
    size_t ll;
    if (id && id_cap) id[0] = 0;
    if (!c) return WF_ERR_INVALID;
    wf__err_clear(&c->err);
    if (!json) return wf__fail(&c->err, WF_ERR_INVALID, "no subscription JSON");
    if (len == 0) len = strlen(json);
    r = wf_doc_parse_ex(json, len, &c->a, &d, &c->err);
    if (r != WF_OK) {
        char why[256];
        wf__copy(why, sizeof why, c->err.text, strlen(c->err.text));
        return wf__fail(&c->err, r == WF_ERR_NOMEM ? r : WF_ERR_INVALID, "subscription JSON: %s, nothing sent", why);
    }
    r = wf__subs_validate(&c->err, wf_doc_root(d));
    wf_doc_free(d);
    if (r != WF_OK) {
        char why[sizeof c->err.text];
        wf__copy(why, sizeof why, c->err.text, strlen(c->err.text));
        return wf__fail(&c->err, r, "subscription refused, nothing sent: %s", why);
    }
    memset(&rd, 0, sizeof rd);
    memset(&body, 0, sizeof body);
    body.content_type = "application/json";
    body.data = json;
    body.len = len;
    rd.method = "POST";
    rd.url = WF__SUBS_PATH;
    rd.body = &body;
    rd.raw = true;
    if ((r = wf_request_ex(c, &rd, NULL)) != WF_OK) return r;
    /* "A response code other than 201 means the subscription was NOT created." */
    if (c->http.status != 201)
        return wf__fail(&c->err, WF_ERR_RESPONSE, "POST %s: HTTP %d where 201 Created was expected", WF__SUBS_PATH, c->http.status);
    loc = wf_last_header(c, "Location", &ll);
    while (loc && ll && loc[ll - 1] == '/') ll--;
    if (!loc || !ll)
        return wf__fail(&c->err, WF_ERR_RESPONSE, "POST %s: 201 without the Location of the new subscription", WF__SUBS_PATH);
    slash = loc + ll;
    while (slash > loc && slash[-1] != '/') slash--;
    if (id && id_cap) {
        if ((size_t)(loc + ll - slash) >= id_cap) return wf__fail(&c->err, WF_ERR_TRUNCATED, "subscription ID longer than the buffer");
        wf__copy(id, id_cap, slash, (size_t)(loc + ll - slash));
    }
    return WF_OK;
}

WF_API wf_result wf_subscription_create(wf_client *c, const wf_subscription_desc *s, char *id, size_t id_cap) {
    wf_updates u;
    const char *json;
    size_t n;
    wf_result r;
    if (id && id_cap) id[0] = 0;
    if (!c) return WF_ERR_INVALID;
    wf__err_clear(&c->err);
    if (!s) return wf__fail(&c->err, WF_ERR_INVALID, "no subscription");
    memset(&u, 0, sizeof u);
    u.allocator = c->a;
    wf_updates_set_str(&u, "objCode", s->obj_code ? s->obj_code : "");
    wf_updates_set_str(&u, "eventType", s->event_type ? s->event_type : "");
    wf_updates_set_str(&u, "url", s->url ? s->url : "");
    wf_updates_set_str(&u, "authToken", s->auth_token ? s->auth_token : "");
    if (s->obj_id) wf_updates_set_str(&u, "objId", s->obj_id);
    if (s->filters_json) { wf_updates_key(&u, "filters"); wf_updates_raw(&u, s->filters_json, strlen(s->filters_json)); }
    if (s->filter_connector) wf_updates_set_str(&u, "filterConnector", s->filter_connector);
    if (s->base64_encoding) wf_updates_set_bool(&u, "base64Encoding", true);
    json = wf_updates_json(&u, &n);
    if (!json) {
        r = wf__fail(&c->err, u.result == WF_ERR_NOMEM ? WF_ERR_NOMEM : WF_ERR_INVALID, "subscription refused, nothing sent: %s", u.error);
        wf_updates_free(&u);
        return r;
    }
    r = wf_subscription_create_json(c, json, n, id, id_cap);
    wf_updates_free(&u);
    return r;
}

WF_API wf_result wf_subscription_list(wf_client *c, int page, int limit, wf_json *data) {
    wf_request_desc rd;
    wf_query q;
    wf_result r;
    if (data) *data = wf__none();
    if (!c) return WF_ERR_INVALID;
    wf__err_clear(&c->err);
    if (page < 0 || limit < 0 || limit > 1000)
        return wf__fail(&c->err, WF_ERR_INVALID, "page must be 1 or more and limit 1..1000 (Workfront's maximum)");
    memset(&q, 0, sizeof q);
    q.allocator = c->a;
    if (page > 0) wf_query_add_int(&q, "page", page);
    if (limit > 0) wf_query_add_int(&q, "limit", limit);
    memset(&rd, 0, sizeof rd);
    rd.url = WF__SUBS_PATH;
    rd.query = &q;
    rd.raw = true;
    r = wf_request_ex(c, &rd, data);
    wf_query_free(&q);
    return r;
}

/* GET or DELETE one subscription by ID. */
static wf_result wf__subs_one(wf_client *c, const char *method, const char *id, wf_json *data) {
    char url[sizeof WF__SUBS_PATH + 80];
    wf_request_desc rd;
    if (data) *data = wf__none();
    if (!c) return WF_ERR_INVALID;
    wf__err_clear(&c->err);
    if (!wf__subs_id_ok(id))
        return wf__fail(&c->err, WF_ERR_INVALID, "invalid subscription ID (letters, digits and '-', as in the Location of create)");
    wf__snprintf(url, sizeof url, "%s/%s", WF__SUBS_PATH, id);
    memset(&rd, 0, sizeof rd);
    rd.method = method;
    rd.url = url;
    rd.raw = true;
    return wf_request_ex(c, &rd, data);
}

WF_API wf_result wf_subscription_get(wf_client *c, const char *id, wf_json *data) { return wf__subs_one(c, "GET", id, data); }
WF_API wf_result wf_subscription_delete(wf_client *c, const char *id) { return wf__subs_one(c, "DELETE", id, NULL); }

/* Document download.  The file's address comes from the API itself: the
   document's downloadURL field (the current version), or the version's
   (DOCV) downloadURL, as Adobe's API Explorer lists them; it is a path on
   the Workfront host (or a full URL on it), fetched with the client's
   credentials. */
WF_API wf_result wf_download(wf_client *c, const wf_download_desc *d) {
    char url[2048], name[512], doc_of_version[64];
    wf_json obj, v;
    wf_result r;
    uint64_t size = 0;
    const char *accept[1];
    wf_request_desc rd;
    if (!c) return WF_ERR_INVALID;
    wf__err_clear(&c->err);
    if (!d || !d->document_id || !*d->document_id || !d->sink)
        return wf__fail(&c->err, WF_ERR_INVALID, "a download needs a document ID and a sink");
    if (d->version_id && *d->version_id) {
        r = wf_get(c, "DOCV", d->version_id, "documentID,fileName,fileSize,downloadURL", &obj);
        if (r != WF_OK) return r;
        wf__json_copy(wf_json_get(obj, "documentID"), doc_of_version, sizeof doc_of_version);
        if (!wf__ieq(doc_of_version, strlen(doc_of_version), d->document_id))
            return wf__fail(&c->err, WF_ERR_INVALID, "version %.40s belongs to document %.40s, not to %.40s", d->version_id,
                            doc_of_version[0] ? doc_of_version : "(none)", d->document_id);
        v = obj;
    } else {
        r = wf_get(c, "DOCU", d->document_id, "downloadURL,currentVersion:fileName,currentVersion:fileSize", &obj);
        if (r != WF_OK) return r;
        v = wf_json_get(obj, "currentVersion");
    }
    if (wf_json_type_of(wf_json_get(obj, "downloadURL")) != WF_JSON_STRING ||
        wf_json_str(wf_json_get(obj, "downloadURL"), url, sizeof url, NULL) != WF_OK || !url[0])
        return wf__fail(&c->err, WF_ERR_RESPONSE, "the %s has no usable downloadURL", d->version_id ? "document version" : "document");
    name[0] = 0;
    wf__json_copy(wf_json_get(v, "fileName"), name, sizeof name);
    {
        long long sz = 0;
        if (wf_json_int(wf_json_get(v, "fileSize"), &sz) == WF_OK && sz > 0) size = (uint64_t)sz;
    }
    if (d->on_start && !d->on_start(d->user, name, size))
        return wf__fail(&c->err, WF_ERR_FILE, "download of %.40s stopped before it began", d->document_id);
    accept[0] = "Accept: */*"; /* a file, not JSON */
    memset(&rd, 0, sizeof rd);
    rd.url = url;
    rd.headers = accept;
    rd.header_count = 1;
    rd.sink = d->sink;
    rd.sink_user = d->user;
    r = wf_request_ex(c, &rd, NULL);
    if (r != WF_OK) return r;
    if (!c->http.sinking) return wf__fail(&c->err, WF_ERR_RESPONSE, "HTTP %d: no file in the answer", c->http.status);
    if (d->size) *d->size = c->http.sunk;
    return WF_OK;
}

/* >> object model ========================================================== */

struct wf_object {
    wf_client *c;
    char obj[65];
    char id[65];
    wf__buf text;              /* the loaded object's JSON (own copy) */
    wf_doc doc;
    wf__buf changes;           /* "key\0json\0" pairs, in order set */
    size_t nchanges;
    char *fields;              /* what load/reload asked for; save asks for it again */
};

static wf_result wf__obj_take(wf_object *o, wf_json v) {
    size_t n;
    const char *raw = wf_json_raw(v, &n);
    wf_result r;
    if (wf_json_type_of(v) != WF_JSON_OBJECT) return wf__fail(&o->c->err, WF_ERR_RESPONSE, "answer is not an object");
    o->text.len = 0;
    if (!wf__buf_add(&o->c->a, &o->text, raw, n)) return wf__fail(&o->c->err, WF_ERR_NOMEM, "out of memory");
    if ((r = wf__doc_load(&o->doc, o->text.p, o->text.len, &o->c->err)) != WF_OK) return r;
    wf_json_str(wf_json_get(wf_doc_root(&o->doc), "ID"), o->id, sizeof o->id, NULL);
    return WF_OK;
}

WF_API wf_result wf_object_new(wf_client *c, const char *obj, wf_object **out) {
    wf_object *o;
    wf_result r;
    if (!out) return WF_ERR_INVALID;
    *out = NULL;
    if ((r = wf__begin(c, NULL, WF__CALL_OBJ, obj, NULL, NULL, NULL)) != WF_OK) return r;
    o = (wf_object *)wf__alloc(&c->a, sizeof *o);
    if (!o) return wf__fail(&c->err, WF_ERR_NOMEM, "out of memory");
    memset(o, 0, sizeof *o);
    o->c = c;
    o->doc.a = c->a;
    wf__snprintf(o->obj, sizeof o->obj, "%s", obj);
    *out = o;
    return WF_OK;
}

WF_API wf_result wf_object_load(wf_client *c, const char *obj, const char *id, const char *fields, wf_object **out) {
    wf_result r;
    wf_json data;
    if ((r = wf_object_new(c, obj, out)) != WF_OK) return r;
    if (fields && *fields && !((*out)->fields = wf__strdup(&c->a, fields))) r = wf__fail(&c->err, WF_ERR_NOMEM, "out of memory");
    else if ((r = wf_get(c, obj, id, fields, &data)) == WF_OK) r = wf__obj_take(*out, data);
    if (r) { wf_object_free(*out); *out = NULL; }
    return r;
}

WF_API void wf_object_free(wf_object *o) {
    wf_allocator a;
    if (!o) return;
    a = o->c->a;
    wf__buf_free(&a, &o->text);
    wf__buf_free(&a, &o->changes);
    wf__free(&a, o->fields);
    wf__doc_release(&o->doc);
    wf__free(&a, o);
}

WF_API const char *wf_object_id(const wf_object *o) { return o && o->id[0] ? o->id : NULL; }

WF_API wf_json wf_object_get(const wf_object *o, const char *field) {
    return o ? wf_json_path(wf_doc_root(&o->doc), field) : wf__none();
}

/* Records key -> JSON; a later set of the same key replaces the earlier. */
static wf_result wf__obj_set(wf_object *o, const char *field, const char *json, size_t n) {
    wf__buf nb;
    size_t i = 0, kept = 0;
    if (!o) return WF_ERR_INVALID;
    if (!field || !*field) return wf__fail(&o->c->err, WF_ERR_INVALID, "empty field name");
    memset(&nb, 0, sizeof nb);
    while (i < o->changes.len) {
        const char *k = o->changes.p + i, *v = k + strlen(k) + 1;
        size_t next = (size_t)(v - o->changes.p) + strlen(v) + 1;
        if (strcmp(k, field) != 0) {
            if (!wf__buf_add(&o->c->a, &nb, k, next - i)) goto nomem;
            kept++;
        }
        i = next;
    }
    if (!wf__buf_add(&o->c->a, &nb, field, strlen(field) + 1) || !wf__buf_add(&o->c->a, &nb, json, n) || !wf__buf_add(&o->c->a, &nb, "", 1)) goto nomem;
    wf__buf_free(&o->c->a, &o->changes);
    o->changes = nb;
    o->nchanges = kept + 1;
    return WF_OK;
nomem:
    wf__buf_free(&o->c->a, &nb);
    return wf__fail(&o->c->err, WF_ERR_NOMEM, "out of memory");
}

static wf_result wf__obj_set_value(wf_object *o, const char *field, int kind, const char *s, long long i) {
    wf_updates u;
    const char *json;
    size_t n;
    wf_result r;
    if (!o) return WF_ERR_INVALID;
    memset(&u, 0, sizeof u);
    u.allocator = o->c->a;
    switch (kind) {
    case 0: wf_updates_string(&u, s); break;
    case 1: wf_updates_int(&u, i); break;
    case 2: wf_updates_bool(&u, i != 0); break;
    case 3: wf_updates_null(&u); break;
    default: wf_updates_raw(&u, s, s ? strlen(s) : 0); break;
    }
    json = wf_updates_json(&u, &n);
    r = json ? wf__obj_set(o, field, json, n) : wf__fail(&o->c->err, u.result, "invalid value for %.100s: %s", field, u.error);
    wf_updates_free(&u);
    return r;
}

WF_API wf_result wf_object_set_str(wf_object *o, const char *f, const char *v) { return v ? wf__obj_set_value(o, f, 0, v, 0) : wf__obj_set_value(o, f, 3, NULL, 0); }
WF_API wf_result wf_object_set_int(wf_object *o, const char *f, long long v) { return wf__obj_set_value(o, f, 1, NULL, v); }
WF_API wf_result wf_object_set_bool(wf_object *o, const char *f, bool v) { return wf__obj_set_value(o, f, 2, NULL, v); }
WF_API wf_result wf_object_set_null(wf_object *o, const char *f) { return wf__obj_set_value(o, f, 3, NULL, 0); }
WF_API wf_result wf_object_set_json(wf_object *o, const char *f, const char *json) { return wf__obj_set_value(o, f, 4, json, 0); }
WF_API size_t wf_object_changes(const wf_object *o) { return o ? o->nchanges : 0; }

WF_API wf_result wf_object_save(wf_object *o) {
    wf_query params;
    wf_updates u;
    wf_json data;
    wf_result r;
    size_t i = 0;
    if (!o) return WF_ERR_INVALID;
    wf__err_clear(&o->c->err);
    if (o->nchanges == 0 && o->id[0]) return WF_OK; /* nothing changed: nothing sent */
    memset(&u, 0, sizeof u);
    u.allocator = o->c->a;
    wf_updates_begin_object(&u);
    while (i < o->changes.len) {
        const char *k = o->changes.p + i, *v = k + strlen(k) + 1;
        wf_updates_key(&u, k);
        wf_updates_raw(&u, v, strlen(v));
        i = (size_t)(v - o->changes.p) + strlen(v) + 1;
    }
    wf_updates_end_object(&u);
    memset(&params, 0, sizeof params);
    params.allocator = o->c->a;
    if (o->fields) {
        /* the answer replaces the loaded state: ask for the loaded fields and the changed ones */
        wf__buf f;
        bool ok;
        memset(&f, 0, sizeof f);
        ok = wf__buf_adds(&o->c->a, &f, o->fields);
        for (i = 0; ok && i < o->changes.len; ) {
            const char *k = o->changes.p + i, *v = k + strlen(k) + 1;
            ok = wf__buf_adds(&o->c->a, &f, ",") && wf__buf_adds(&o->c->a, &f, k);
            i = (size_t)(v - o->changes.p) + strlen(v) + 1;
        }
        if (ok && f.p) wf_query_add(&params, "fields", f.p);
        else wf__query_fail(&params, WF_ERR_NOMEM, "out of memory");
        wf__buf_free(&o->c->a, &f);
    }
    r = o->id[0] ? wf_edit(o->c, o->obj, o->id, &params, &u, &data) : wf_create(o->c, o->obj, &params, &u, &data);
    wf_query_free(&params);
    wf_updates_free(&u);
    if (r == WF_OK && (r = wf__obj_take(o, data)) == WF_OK) {
        o->changes.len = 0;
        o->nchanges = 0;
    }
    return r;
}

WF_API wf_result wf_object_reload(wf_object *o, const char *fields) {
    wf_json data;
    wf_result r;
    if (!o) return WF_ERR_INVALID;
    if (!o->id[0]) { wf__err_clear(&o->c->err); return wf__fail(&o->c->err, WF_ERR_INVALID, "object has no ID yet"); }
    if ((r = wf_get(o->c, o->obj, o->id, fields, &data)) != WF_OK) return r;
    if (fields && *fields) {
        char *f = wf__strdup(&o->c->a, fields);
        if (!f) return wf__fail(&o->c->err, WF_ERR_NOMEM, "out of memory");
        wf__free(&o->c->a, o->fields);
        o->fields = f;
    }
    return wf__obj_take(o, data);
}

WF_API wf_result wf_object_delete(wf_object *o, bool force) {
    wf_result r;
    if (!o) return WF_ERR_INVALID;
    if (!o->id[0]) { wf__err_clear(&o->c->err); return wf__fail(&o->c->err, WF_ERR_INVALID, "object has no ID yet"); }
    r = wf_delete(o->c, o->obj, o->id, force);
    if (r == WF_OK) o->id[0] = 0;
    return r;
}

WF_API wf_result wf_object_action(wf_object *o, const char *action, const wf_query *params, wf_json *data) {
    if (!o) return WF_ERR_INVALID;
    if (!o->id[0]) { wf__err_clear(&o->c->err); return wf__fail(&o->c->err, WF_ERR_INVALID, "object has no ID yet"); }
    return wf_action(o->c, o->obj, o->id, action, params, data);
}

/* >> auth ================================================================== */

/* Wipes the body that carried a session ID or token. */
static void wf__wipe_response(wf_client *c) {
    if (c->http.body.p) memset(c->http.body.p, 0, c->http.body.len);
    c->doc.ntok = 0;
}

WF_API wf_result wf_login(wf_client *c, const char *username, const char *password) {
    wf_query form;
    wf_json data;
    wf_result r;
    char *s = NULL, *u = NULL;
    if (!c) return WF_ERR_INVALID;
    wf__err_clear(&c->err);
    if (!username || !*username || !password) return wf__fail(&c->err, WF_ERR_INVALID, "login needs a username and a password");
    memset(&form, 0, sizeof form);
    form.allocator = c->a;
    /* in the body, not the URL: request lines end up in proxy and server logs */
    wf_query_add(&form, "username", username);
    wf_query_add(&form, "password", password);
    r = wf__auth_post(c, "login", 0, &form, &data);
    wf_query_free(&form);
    if (r) goto done;
    if ((r = wf__json_dup(c, wf_json_get(data, "sessionID"), &s)) != WF_OK) goto done;
    if ((r = wf__json_dup(c, wf_json_get(data, "userID"), &u)) != WF_OK) goto done;
    if (!s) { r = wf__fail(&c->err, WF_ERR_RESPONSE, "login answer has no usable sessionID"); goto done; }
    wf__free_secret(&c->a, c->session_id);
    wf__free(&c->a, c->user_id);
    c->session_id = s;
    c->user_id = u;
    s = u = NULL;
    wf__log(c, WF_LOG_INFO, "* logged in (userID %s)", c->user_id ? c->user_id : "?");
done:
    wf__free_secret(&c->a, s);
    wf__free(&c->a, u);
    wf__wipe_response(c);
    return r;
}

WF_API wf_result wf_logout(wf_client *c) {
    wf_query form;
    wf_result r;
    if (!c) return WF_ERR_INVALID;
    if (!c->session_id) { wf__err_clear(&c->err); return wf__fail(&c->err, WF_ERR_INVALID, "not logged in"); }
    memset(&form, 0, sizeof form);
    r = wf__auth_post(c, "logout", 0, &form, NULL);
    wf_query_free(&form);
    /* the session is unusable either way; forget it */
    wf__free_secret(&c->a, c->session_id);
    wf__free(&c->a, c->user_id);
    c->session_id = c->user_id = NULL;
    return r;
}

WF_API wf_result wf_set_bearer(wf_client *c, const char *token, const char *org) {
    wf_result r;
    if (!c) return WF_ERR_INVALID;
    if ((r = wf__set_secret(c, &c->bearer, token)) != WF_OK) return r;
    return wf__set_secret(c, &c->ims_org, org);
}

WF_API const char *wf_refresh_token(const wf_client *c) { return c ? c->refresh_token : NULL; }

/* Takes access_token (+ refresh_token) from a token endpoint answer. */
static wf_result wf__take_tokens(wf_client *c, wf_json data) {
    char *at = NULL, *rt = NULL;
    wf_result r = wf__json_dup(c, wf_json_get(data, "access_token"), &at);
    if (r == WF_OK) r = wf__json_dup(c, wf_json_get(data, "refresh_token"), &rt);
    if (r) {
        wf__free_secret(&c->a, at);
        wf__free_secret(&c->a, rt);
        return r;
    }
    if (!at) {
        wf__free_secret(&c->a, rt);
        return wf__fail(&c->err, WF_ERR_RESPONSE, "token answer has no usable access_token");
    }
    wf__free_secret(&c->a, c->session_id);
    c->session_id = at;
    if (rt) { wf__free_secret(&c->a, c->refresh_token); c->refresh_token = rt; }
    {
        long long in = 0;
        if (wf_json_int(wf_json_get(data, "expires_in"), &in) != WF_OK || in < 0) in = 0;
        c->token_lifetime = in;
        c->token_expires = in > 0 && wf__time_s() ? wf__time_s() + in : 0;
        c->token_from_cache = false;
    }
    return wf__cache_save(c);
}

#define WF__TOKEN_PATH "integrations/oauth2/api/v1/token"
#define WF__JWT_PATH "integrations/oauth2/api/v1/jwt/exchange"

static wf_result wf__token_call(wf_client *c, const char *path, wf_query *form) {
    wf_json data;
    wf_result r;
    if (c->client_id) wf_query_add(form, "client_id", c->client_id);
    if (c->client_secret) wf_query_add(form, "client_secret", c->client_secret);
    r = wf__auth_post(c, path, WF__ABSOLUTE | WF__NO_ENVELOPE, form, &data);
    if (r == WF_OK) r = wf__take_tokens(c, data);
    wf__wipe_response(c);
    return r;
}

WF_API wf_result wf_oauth2_code(wf_client *c, const char *code, const char *redirect_uri) {
    wf_query form;
    wf_result r;
    if (!c) return WF_ERR_INVALID;
    wf__err_clear(&c->err);
    if (!code || !*code || !c->client_id) return wf__fail(&c->err, WF_ERR_INVALID, "OAuth2 code exchange needs a code and client_id");
    memset(&form, 0, sizeof form);
    form.allocator = c->a;
    wf_query_add(&form, "grant_type", "authorization_code");
    wf_query_add(&form, "code", code);
    if (redirect_uri) wf_query_add(&form, "redirect_uri", redirect_uri);
    r = wf__token_call(c, WF__TOKEN_PATH, &form);
    wf_query_free(&form);
    return r;
}

WF_API wf_result wf_oauth2_refresh(wf_client *c) {
    wf_query form;
    wf_result r;
    if (!c) return WF_ERR_INVALID;
    wf__err_clear(&c->err);
    if (!c->refresh_token || !c->client_id) return wf__fail(&c->err, WF_ERR_INVALID, "OAuth2 refresh needs a refresh token and client_id");
    memset(&form, 0, sizeof form);
    form.allocator = c->a;
    wf_query_add(&form, "grant_type", "refresh_token");
    wf_query_add(&form, "refresh_token", c->refresh_token);
    r = wf__token_call(c, WF__TOKEN_PATH, &form);
    wf_query_free(&form);
    return r;
}

#ifndef WF_NO_TLS
typedef struct wf__sinkbuf { const wf_allocator *a; wf__buf *b; } wf__sinkbuf;
static bool wf__sink_buf(void *user, const char *d, size_t n) {
    wf__sinkbuf *s = (wf__sinkbuf *)user;
    return wf__buf_add(s->a, s->b, d, n);
}

/* base64url without padding (RFC 7515), from mbedTLS's base64. */
static size_t wf__b64url(const unsigned char *src, size_t n, char *dst, size_t cap) {
    size_t olen = 0, i;
    if (mbedtls_base64_encode((unsigned char *)dst, cap, &olen, src, n) != 0) return 0;
    while (olen > 0 && dst[olen - 1] == '=') olen--;
    for (i = 0; i < olen; i++) dst[i] = dst[i] == '+' ? '-' : dst[i] == '/' ? '_' : dst[i];
    dst[olen] = 0;
    return olen;
}
#endif

/* The signer, allocating through a (NULL: WF_MALLOC/WF_FREE). */
static wf_result wf__jwt_sign(const wf_allocator *a, const char *key_pem, size_t key_len, const char *iss, const char *sub,
                              long long iat, long long exp, char *out, size_t cap, wf_error *err) {
    wf_error scratch;
    if (!err) err = &scratch;
    wf__err_clear(err);
    if (out && cap) out[0] = 0;
    if (!key_pem || !iss || !*iss || !sub || !*sub || !out) return wf__fail(err, WF_ERR_INVALID, "JWT needs a key, iss and sub");
#ifdef WF_NO_TLS
    (void)a; (void)key_len; (void)iat; (void)exp; (void)cap;
    return wf__fail(err, WF_ERR_UNSUPPORTED, "JWT signing needs mbedTLS (built with WF_NO_TLS)");
#else
    {
        static const char hdr[] = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
        unsigned char *pem = NULL, hash[32], *sig = NULL;
        size_t sig_len = 0, pos, need, kl = key_len ? key_len : strlen(key_pem);
        wf__buf claims;
        wf__sinkbuf sink;
        mbedtls_pk_context pk;
        mbedtls_entropy_context ent;
        mbedtls_ctr_drbg_context drbg;
        wf_result r = WF_OK;
        char num[32];
        int rc;
        memset(&claims, 0, sizeof claims);
        sink.a = a;
        sink.b = &claims;
        mbedtls_pk_init(&pk);
        mbedtls_entropy_init(&ent);
        mbedtls_ctr_drbg_init(&drbg);
#if MBEDTLS_VERSION_MAJOR >= 3
        if (psa_crypto_init() != PSA_SUCCESS) { r = wf__fail(err, WF_ERR_TLS, "psa_crypto_init failed"); goto done; }
#endif
        /* claims: the strings are written through the JSON escaper */
        if (!wf__buf_adds(a, &claims, "{\"iss\":")) goto nomem;
        r = wf_json_write_string(iss, strlen(iss), wf__sink_buf, &sink);
        if (r == WF_OK) r = wf__buf_adds(a, &claims, ",\"sub\":") ? WF_OK : WF_ERR_NOMEM;
        if (r == WF_OK) r = wf_json_write_string(sub, strlen(sub), wf__sink_buf, &sink);
        if (r == WF_ERR_INVALID) { r = wf__fail(err, WF_ERR_INVALID, "iss/sub must be UTF-8"); goto done; }
        if (r) goto nomem; /* the sink fails only when the claims buffer cannot grow */
        wf__snprintf(num, sizeof num, "%lld", iat);
        if (!wf__buf_adds(a, &claims, ",\"iat\":") || !wf__buf_adds(a, &claims, num)) goto nomem;
        wf__snprintf(num, sizeof num, "%lld", exp);
        if (!wf__buf_adds(a, &claims, ",\"exp\":") || !wf__buf_adds(a, &claims, num) || !wf__buf_adds(a, &claims, "}")) goto nomem;
        need = (sizeof hdr * 4) / 3 + 4 + (claims.len * 4) / 3 + 4 + 700;
        if (cap < need) { r = wf__fail(err, WF_ERR_TRUNCATED, "JWT buffer too small (need %zu bytes)", need); goto done; }
        pos = wf__b64url((const unsigned char *)hdr, sizeof hdr - 1, out, cap);
        out[pos++] = '.';
        pos += wf__b64url((const unsigned char *)claims.p, claims.len, out + pos, cap - pos);
        /* mbedTLS parses PEM only NUL-terminated, with the NUL counted */
        pem = (unsigned char *)wf__alloc(a, kl + 1);
        if (!pem) goto nomem;
        memcpy(pem, key_pem, kl);
        pem[kl] = 0;
        rc = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent, (const unsigned char *)"wf-jwt", 6);
        if (rc == 0) {
#if MBEDTLS_VERSION_MAJOR >= 3
            rc = mbedtls_pk_parse_key(&pk, pem, kl + 1, NULL, 0, mbedtls_ctr_drbg_random, &drbg);
#else
            rc = mbedtls_pk_parse_key(&pk, pem, kl + 1, NULL, 0);
#endif
        }
        mbedtls_platform_zeroize(pem, kl + 1);
        if (rc) { wf__tls_text(err, rc); r = wf__fail(err, WF_ERR_INVALID, "cannot use the JWT private key: %s", err->tls_text); goto done; }
        if (!mbedtls_pk_can_do(&pk, MBEDTLS_PK_RSA)) { r = wf__fail(err, WF_ERR_INVALID, "JWT key must be an RSA key (RS256)"); goto done; }
#if MBEDTLS_VERSION_MAJOR >= 3
        rc = mbedtls_sha256((const unsigned char *)out, pos, hash, 0);
#else
        rc = mbedtls_sha256_ret((const unsigned char *)out, pos, hash, 0);
#endif
        sig = (unsigned char *)wf__alloc(a, MBEDTLS_PK_SIGNATURE_MAX_SIZE);
        if (!sig) goto nomem;
        if (rc == 0) {
#if MBEDTLS_VERSION_MAJOR >= 3
            rc = mbedtls_pk_sign(&pk, MBEDTLS_MD_SHA256, hash, sizeof hash, sig, MBEDTLS_PK_SIGNATURE_MAX_SIZE, &sig_len,
                                 mbedtls_ctr_drbg_random, &drbg);
#else
            rc = mbedtls_pk_sign(&pk, MBEDTLS_MD_SHA256, hash, sizeof hash, sig, &sig_len, mbedtls_ctr_drbg_random, &drbg);
#endif
        }
        if (rc) { wf__tls_text(err, rc); r = wf__fail(err, WF_ERR_TLS, "JWT signing failed: %s", err->tls_text); goto done; }
        if (pos + 2 + (sig_len * 4) / 3 + 4 > cap) { r = wf__fail(err, WF_ERR_TRUNCATED, "JWT buffer too small"); goto done; }
        out[pos++] = '.';
        pos += wf__b64url(sig, sig_len, out + pos, cap - pos);
        goto done;
    nomem:
        r = wf__fail(err, WF_ERR_NOMEM, "out of memory");
    done:
        if (r && out && cap) out[0] = 0;
        wf__free(a, pem);
        wf__free(a, sig);
        wf__buf_free(a, &claims);
        mbedtls_pk_free(&pk);
        mbedtls_ctr_drbg_free(&drbg);
        mbedtls_entropy_free(&ent);
        return r;
    }
#endif
}

WF_API wf_result wf_jwt_sign(const char *key_pem, size_t key_len, const char *iss, const char *sub,
                             long long iat, long long exp, char *out, size_t cap, wf_error *err) {
    return wf__jwt_sign(NULL, key_pem, key_len, iss, sub, iat, exp, out, cap, err);
}

WF_API wf_result wf_jwt_exchange(wf_client *c) {
    wf_query form;
    wf_result r;
    char *jwt;
    size_t cap = 4096;
    long long now = wf__time_s();
    if (!c) return WF_ERR_INVALID;
    wf__err_clear(&c->err);
    if (!c->jwt_pem || !c->customer_id || !c->jwt_sub || !c->client_id || !c->client_secret)
        return wf__fail(&c->err, WF_ERR_INVALID, "JWT exchange needs a private key, customer ID, user ID, client ID and client secret");
    if (now == 0) return wf__fail(&c->err, WF_ERR_UNSUPPORTED, "JWT exchange needs the time of day, and WF_TIME_S() has none");
    jwt = (char *)wf__alloc(&c->a, cap);
    if (!jwt) return wf__fail(&c->err, WF_ERR_NOMEM, "out of memory");
    r = wf__jwt_sign(&c->a, c->jwt_pem, 0, c->customer_id, c->jwt_sub, now, now + c->jwt_ttl_s, jwt, cap, &c->err);
    if (r == WF_OK) {
        memset(&form, 0, sizeof form);
        form.allocator = c->a;
        wf_query_add(&form, "jwt_token", jwt);
        r = wf__token_call(c, WF__JWT_PATH, &form);
        wf_query_free(&form);
    }
    wf__free_secret(&c->a, jwt);
    return r;
}

#define WF__IMS_TOKEN_PATH "ims/token/v3"

WF_API wf_result wf_ims_token(wf_client *c) {
    wf_query form;
    wf_json data;
    wf_result r;
    char *at = NULL;
    long long in = 0;
    if (!c) return WF_ERR_INVALID;
    wf__err_clear(&c->err);
    if (!c->ims) return wf__fail(&c->err, WF_ERR_INVALID, "no OAuth Server-to-Server credential (ims_client_id, ims_client_secret, ims_scopes)");
    /* a caller's transport may be one connection for both clients */
    wf__conn_close(&c->conn);
    memset(&form, 0, sizeof form);
    form.allocator = c->a;
    /* Adobe's "OAuth Server-to-Server credential API Reference": form body
       (not the query string, which servers log) with these four fields */
    wf_query_add(&form, "grant_type", "client_credentials");
    wf_query_add(&form, "client_id", c->ims_client_id);
    wf_query_add(&form, "client_secret", c->ims_client_secret);
    wf_query_add(&form, "scope", c->ims_scopes);
    c->ims->log = c->log;
    r = wf__auth_post(c->ims, WF__IMS_TOKEN_PATH, WF__ABSOLUTE | WF__NO_ENVELOPE, &form, &data);
    wf_query_free(&form);
    if (r == WF_OK) r = wf__json_dup(c->ims, wf_json_get(data, "access_token"), &at);
    if (r == WF_OK && !at) r = wf__fail(&c->ims->err, WF_ERR_RESPONSE, "IMS answer has no usable access_token");
    if (r == WF_OK && wf_json_ok(wf_json_get(data, "token_type")) && !wf_json_eq(wf_json_get(data, "token_type"), "bearer") &&
        !wf_json_eq(wf_json_get(data, "token_type"), "Bearer"))
        r = wf__fail(&c->ims->err, WF_ERR_RESPONSE, "IMS answered a token that is not a bearer token");
    if (r == WF_OK && (wf_json_int(wf_json_get(data, "expires_in"), &in) != WF_OK || in < 0)) in = 0;
    wf__wipe_response(c->ims);
    if (r) {
        char msg[sizeof c->err.text + 64];
        wf__free_secret(&c->a, at);
        c->err = c->ims->err;
        wf__snprintf(msg, sizeof msg, "IMS token: %s", c->ims->err.text);
        wf__copy(c->err.text, sizeof c->err.text, msg, strlen(msg));
        c->err.result = r;
        return r;
    }
    wf__free_secret(&c->a, c->bearer);
    c->bearer = at;
    c->token_lifetime = in;
    c->token_expires = in > 0 && wf__time_s() ? wf__time_s() + in : 0;
    c->token_from_cache = false;
    wf__log(c, WF_LOG_INFO, "* IMS access token obtained (expires in %lld s)", in);
    return wf__cache_save(c);
}

WF_API long long wf_token_expiry(const wf_client *c, bool *from_cache) {
    if (from_cache) *from_cache = c && c->token_from_cache;
    return c ? c->token_expires : -1;
}

/* Before a call: an IMS token is fetched when there is none yet and
   renewed ahead of its expiry, so a long --all never meets the 401. */
static wf_result wf__token_before(wf_client *c) {
    if (!c->ims || c->renewing) return WF_OK;
    if (c->bearer && !wf__token_due(c)) return WF_OK;
    if (c->bearer) wf__log(c, WF_LOG_INFO, "* IMS access token expires soon; renewing it");
    return wf_ims_token(c);
}

static bool wf__can_renew(const wf_client *c) {
    return c->renew || c->ims || (c->refresh_token && c->client_id) || c->jwt_pem || (c->username && c->password);
}

static wf_result wf__renew(wf_client *c) {
    if (c->renew) {
        wf_result r = c->renew(c->renew_user, c);
        if (r) wf__fail(&c->err, r, "the renew callback failed");
        return r;
    }
    if (c->ims) return wf_ims_token(c);
    if (c->refresh_token && c->client_id) return wf_oauth2_refresh(c);
    if (c->jwt_pem) return wf_jwt_exchange(c);
    return wf_login(c, c->username, c->password);
}

#endif /* WORKFRONT_IMPLEMENTATION_DONE */
#endif /* WORKFRONT_IMPLEMENTATION */

/*
   LICENCE
   =======
   MIT License

   Copyright (c) 2026 the workfront.h authors

   Permission is hereby granted, free of charge, to any person obtaining a
   copy of this software and associated documentation files (the "Software"),
   to deal in the Software without restriction, including without limitation
   the rights to use, copy, modify, merge, publish, distribute, sublicense,
   and/or sell copies of the Software, and to permit persons to whom the
   Software is furnished to do so, subject to the following conditions:

   The above copyright notice and this permission notice shall be included in
   all copies or substantial portions of the Software.

   THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
   IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
   FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
   AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
   LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING
   FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
   DEALINGS IN THE SOFTWARE.
*/
