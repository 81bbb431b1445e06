/* fuzz_url: wf_client_create with fuzzed url / domain / url_template /
   protocol / api_version / proxy strings (no network I/O happens), then
   wf_client_destroy; plus the NO_PROXY matcher.
     - a failure leaves *out NULL and fills the error record;
     - a success gives an http(s) base URL whose host and path can go into
       a request line as they are (no spaces, control or non-ASCII bytes);
     - the base URL is a fixpoint: a client made from it has the same base;
     - user:password given in a URL never shows up in the error text;
     - a proxy URL without userinfo gets no Proxy-Authorization.
   https clients trust one small in-memory CA (no system bundle), so TLS
   set-up stays cheap.
   Input: byte 0 = which fields are set (bit 0 url, 1 domain, 2 template,
   3 protocol, 4 api_version, 5 proxy, 6 NO_PROXY check), then the fields
   in that order, NUL-separated: url, domain, template, protocol,
   api_version, proxy, no_proxy list, host. */
#define WORKFRONT_IMPLEMENTATION
#include "workfront.h"
#include "fuzz_common.h"
#include <strings.h>

static const char k_ca[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBejCCASGgAwIBAgIUDz1FnNTG/ucaZKtwDSjAAchLp6MwCgYIKoZIzj0EAwIw\n"
    "EjEQMA4GA1UEAwwHZnV6eiBDQTAgFw0yNjExMjMxMjIyMDdaGA8yMTI2MTAzMDEy\n"
    "MjIwN1owEjEQMA4GA1UEAwwHZnV6eiBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEH\n"
    "A0IABJdPQfxzVAtVLMVMN2XrNmmKlaISoSQ55o8oaBxPRS3xh2NhHyYiMDChxQ/y\n"
    "YaFGH9izqdnzFG9MLLlTHKoZcrujUzBRMB0GA1UdDgQWBBReC2AUdssVKGfEa0S0\n"
    "1QOZvFLymTAfBgNVHSMEGDAWgBReC2AUdssVKGfEa0S01QOZvFLymTAPBgNVHRMB\n"
    "Af8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCIQCPqJL7Vq6OZUkrXryAuSWcwPaL\n"
    "1B3kad9U9Fkurk7NJAIfKrLu8jnU4mm1TIcnKQesrjNHxuYqwWwbwmD1Ay6Hgw==\n"
    "-----END CERTIFICATE-----\n";

static void base_desc(wf_client_desc *d) {
    memset(d, 0, sizeof *d);
    d->no_system_ca = true;
    d->ca_pem = k_ca;
    d->no_env_proxy = true;
}

/* The password of "scheme://user:password@host...", if it is long enough
   to be recognisable and appears nowhere else in the input. */
static bool secret_of(const char *url, const uint8_t *all, size_t all_n, char *out, size_t cap) {
    const char *a = strstr(url, "://"), *end, *at = NULL, *colon, *s;
    size_t n, i, hits = 0;
    if (!a) return false;
    a += 3;
    for (end = a; *end && *end != '/' && *end != '?' && *end != '#'; end++) {}
    for (s = a; s < end; s++) if (*s == '@') at = s;
    if (!at) return false;
    colon = (const char *)memchr(a, ':', (size_t)(at - a));
    if (!colon) return false;
    n = (size_t)(at - colon - 1);
    if (n < 6 || n >= cap) return false;
    memcpy(out, colon + 1, n);
    out[n] = 0;
    for (i = 0; i + n <= all_n; i++) if (memcmp(all + i, out, n) == 0) hits++;
    return hits == 1;
}

static bool has_at_in_authority(const char *url) {
    const char *a = strstr(url, "://"), *s;
    a = a ? a + 3 : url;
    for (s = a; *s && *s != '/' && *s != '?' && *s != '#'; s++) if (*s == '@') return true;
    return false;
}

static void check_no_proxy(const char *list, const char *host) {
    bool r = wf__no_proxy(list, host);
    size_t hl = strlen(host);
    const char *s = list;
    /* an entry equal to the host, or "*", always matches */
    while (*s) {
        const char *e;
        while (*s == ',' || *s == ' ') s++;
        for (e = s; *e && *e != ',' && *e != ' '; e++) {}
        if (hl && host[0] != '.' && (size_t)(e - s) == hl && strncasecmp(s, host, hl) == 0) FZ_CHECK(r, "NO_PROXY \"%s\" does not match %s", list, host);
        if (e - s == 1 && *s == '*') FZ_CHECK(r, "NO_PROXY * does not match");
        s = e;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_in in = { data, size };
    uint8_t flags = fz_u8(&in);
    char *f[8];
    size_t fl[8];
    int i;
    wf_client_desc d;
    wf_client *c = NULL;
    wf_error err;
    wf_result r;
    char secret[256];
    for (i = 0; i < 8; i++) f[i] = fz_str(&in, 400, &fl[i]);
    base_desc(&d);
    if (flags & 1) d.url = f[0];
    if (flags & 2) d.domain = f[1];
    if (flags & 4) d.url_template = f[2];
    if (flags & 8) d.protocol = f[3];
    if (flags & 16) d.api_version = f[4];
    if (flags & 32) d.proxy = f[5];
    memset(&err, 0x5a, sizeof err);
    r = wf_client_create(&d, &c, &err);
    if (r != WF_OK) {
        FZ_CHECK(c == NULL, "client on failure");
        FZ_CHECK(err.result == r && err.text[0] && strlen(err.text) < sizeof err.text, "error record not filled (%d)", r);
    } else {
        const char *base = wf_client_api_base(c);
        const char *p;
        FZ_CHECK(c != NULL && base != NULL, "no client");
        FZ_CHECK(strncmp(base, "http://", 7) == 0 || strncmp(base, "https://", 8) == 0, "base \"%s\"", base);
        FZ_CHECK(c->url.host[0] && c->url.port >= 1 && c->url.port <= 65535, "host/port");
        FZ_CHECK(c->url.path >= base && c->url.path <= base + strlen(base), "path outside the base");
        for (p = base; *p; p++)
            FZ_CHECK((unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f, "base URL byte 0x%02x would go raw into the request line: \"%s\"",
                     (unsigned char)*p, base);
        FZ_CHECK(strlen(c->host_header) < sizeof c->host_header - 1, "host header cut");
        if (c->conn.proxy_auth) FZ_CHECK(d.proxy && has_at_in_authority(d.proxy), "Proxy-Authorization from \"%s\"", d.proxy);
        /* a url that names the API path is used as it is, less trailing
           slashes; any other gets /attask/api/<version> (once) */
        if (d.url && *d.url) {
            size_t ul = strlen(d.url);
            char *t;
            while (ul && d.url[ul - 1] == '/') ul--;
            t = (char *)malloc(ul + 1);
            memcpy(t, d.url, ul);
            t[ul] = 0;
            if (strstr(t, "/attask/"))
                FZ_CHECK(strlen(base) == ul && memcmp(base, d.url, ul) == 0, "url \"%s\" became \"%s\"", d.url, base);
            else
                FZ_CHECK(strstr(base, "/attask/") && !strstr(strstr(base, "/attask/") + 1, "/attask"), "url \"%s\" became \"%s\"", d.url, base);
            free(t);
        }
        /* a domain with a built-in template names the host; a template of
           the caller's may put {domain} anywhere */
        if (!(d.url && *d.url) && d.domain) {
            const char *t = d.url_template;
            if (!t || !*t || !strcmp(t, "ondemand") || !strcmp(t, "sandbox") || !strcmp(t, "my"))
                FZ_CHECK(strstr(c->url.host, d.domain) == c->url.host, "domain \"%s\" does not start the host \"%s\"", d.domain, c->url.host);
            else if (strstr(t, "{domain}"))
                FZ_CHECK(strstr(base, d.domain) != NULL, "domain \"%s\" not in \"%s\"", d.domain, base);
        }
        /* fixpoint: the base URL itself gives the same base */
        if (strstr(base, "/attask/")) {
            wf_client_desc d2;
            wf_client *c2 = NULL;
            wf_error e2;
            base_desc(&d2);
            d2.url = base;
            d2.api_version = d.api_version;
            FZ_CHECK(wf_client_create(&d2, &c2, &e2) == WF_OK, "base \"%s\" refused: %s", base, e2.text);
            FZ_CHECK(strcmp(wf_client_api_base(c2), base) == 0, "base \"%s\" became \"%s\"", base, wf_client_api_base(c2));
            wf_client_destroy(c2);
        }
        wf_client_destroy(c);
    }
    if (r != WF_OK) {
        if ((flags & 1) && secret_of(f[0], data, size, secret, sizeof secret))
            FZ_CHECK(!strstr(err.text, secret), "the URL's password is in the error text: %s", err.text);
        if ((flags & 32) && secret_of(f[5], data, size, secret, sizeof secret))
            FZ_CHECK(!strstr(err.text, secret), "the proxy password is in the error text: %s", err.text);
    }
    if (flags & 64) check_no_proxy(f[6], f[7]);
    for (i = 0; i < 8; i++) free(f[i]);
    return 0;
}
