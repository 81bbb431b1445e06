#!/usr/bin/env python3
"""Workfront-compatible test server for workfront.h (Python 3.11, stdlib only).

    python3 tests/server/wfserver.py [--certs DIR] [--info FILE]
                                     [--host 127.0.0.1] [--tasks N] [--quiet]
                                     [--tls-only 1.2|1.3]

Start-up protocol (the C tests and the Makefile depend on it): four listeners
on free loopback ports -- plain HTTP, HTTPS (valid certificate), HTTPS with a
certificate for the wrong host, HTTPS with an expired certificate -- and,
once all of them listen, these lines on stdout (and, with --info, in FILE,
written to FILE.tmp and renamed):

    HTTP_PORT=<n>
    HTTPS_PORT=<n>
    WRONGHOST_PORT=<n>
    EXPIRED_PORT=<n>
    CA=<absolute path of ca.pem>
    READY

The HTTPS listeners accept TLS 1.2 and TLS 1.3; --tls-only 1.3 makes them
refuse anything but TLS 1.3 (a client without TLS 1.3 gets a protocol_version
alert, as from a server that requires 1.3), --tls-only 1.2 anything but TLS
1.2.  Both keep session resumption (1.2: session IDs and tickets; 1.3:
NewSessionTicket).  The statistics count full and resumed handshakes and the
negotiated versions (tls_versions).

Runs until SIGTERM/SIGINT, then exits with status 0.  Certificates live in
--certs (default ./build/certs) and are generated with openssl only when a
file is missing (see wfcerts.py).

Fixed credentials and named objects (defined in wfconst.py, re-exported here):

    admin               admin@test.example / s3cret-Pa55
                        API key adminapikey0123456789abcdef0000
                        user ID 4c76ed7a0000054c172b2c2d9f7f81c3
    jane                jane.doe@test.example / Jane-Pa55
    zoe                 zoe.obrien@test.example / "p@ss w0rd&=+%#?/:$ 日本🚀"
    other users         user01..user17@test.example / user-Pa55
    OAuth2 client       test-client / test-client-secret, code test-auth-code
    JWT                 iss "test-customer", sub = a user ID, RS256 with
                        <certs>/jwt.key (other.key is the wrong key)
    IMS                 Authorization: Bearer test-ims-token,
                        x-gw-ims-org-id: TESTORG@AdobeOrg
    First Project       4c78821c0000d6fa8d5e52f07a1d54d0
    awkward task        4c78821c0000d6fa8d5e52f07a1d54d1, named
                        'Quote " Backslash \\ Slash / Tab \\t Emoji 🚀 CJK 日本'
    (more in wfconst.py and README.md)

Test controls (no authentication; under "/__test/..." and under any API
base, "/attask/api/<v>/__test/...").  They are never subject to the wire
switches and are not counted in the statistics:

    config?k=v&...   set switches, answer the whole configuration
    reset            switches, counters, sessions, uploads and data back to start
    stats[?reset=1]  counters (see Stats.snapshot)
    upload/<handle>  size and sha256 of an upload
    content/<versionID>  size and sha256 of a document version's bytes
    expire           expire every session and access token now
The probes below need no authentication either, but are treated like API
calls (counted, shaped by the wire switches):
    echo             the request as the server parsed it (method, params, headers)
    error?status=&class=&message=   an error envelope

Switches (config keys; all off by default, see CONFIG_DEFAULTS):
    chunked=1 tiny=N close=1 close_delimited=1 delay_ms=N idle_close_ms=N
    send_100=1 error_status=N errors_200=1 force_status=N force_body=...
    force_ctype=... count=K retry_after=... truncate=1 garbage=1 gzip=1
    stall=accept|body trickle_ms=N max_uri=N for_next=K cut_download=1 stall_download=1
    session_ttl=S session_max_requests=N token_ttl=S max_concurrent=N
    ims_token=... ims_token_ttl=S paging=ignore_first|ignore frozen_now=DATE
"""

import argparse
import collections
import contextlib
import gzip
import hashlib
import os
import re
import signal
import socket
import ssl
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import wfcerts  # noqa: E402
from wfconst import *  # noqa: E402,F401,F403
from wfdata import Store  # noqa: E402
from wferrors import ApiError, encode  # noqa: E402
from wfhttp import (Conn, Response, BadRequest, ClientGone, IdleTimeout,  # noqa: E402
                    KEEPALIVE_TIMEOUT, REASONS, read_request, wait_for_close, write_response)
import wfapi  # noqa: E402
import wfdata  # noqa: E402

# ---------------------------------------------------------------------------
# Configuration switches
# ---------------------------------------------------------------------------

CONFIG_DEFAULTS = {
    # wire switches (shape how responses travel; never applied to /__test controls)
    "chunked": 0,          # Transfer-Encoding: chunked with extensions and a trailer
    "tiny": 0,             # write head and body in pieces of N bytes
    "close": 0,            # Connection: close, close after each response
    "close_delimited": 0,  # no Content-Length/chunked: the body ends at close
    "delay_ms": 0,         # wait before answering (inside the concurrency window)
    "idle_close_ms": 0,    # close an idle keep-alive connection silently after N ms
    "send_100": 0,         # an interim "HTTP/1.1 100 Continue" before the response
    "truncate": 0,         # send half the body (Content-Length says all), then close
    "garbage": 0,          # an HTML page with status 200 instead of the answer
    "gzip": 0,             # gzip the body, Content-Encoding: gzip, asked or not
    "stall": "",           # "accept": read the request, never answer;
                           # "body": send the head, then nothing
    "trickle_ms": 0,       # send the response one byte every N ms
    "for_next": 0,         # >0: the wire switches above last for the next K API
                           # responses only, then switch themselves off
    # forced responses (replace the next `count` API responses; the request is
    # not executed -- like a gateway or the throttle answering first)
    "force_status": 0,
    "force_body": "",      # default: a Workfront envelope for 4xx, an HTML gateway page for 5xx
    "force_ctype": "",
    "count": 0,            # how many responses to force (1 when force_status is set without it)
    "retry_after": "",     # Retry-After header value on forced responses
    # API behaviour
    "error_status": 0,     # every non-authentication error envelope (and /__test/error) with this status
    "errors_200": 0,       # every error envelope with HTTP 200
    "max_uri": MAX_URI,    # request targets longer than this get the CDN's 414
    "session_ttl": 0,      # sessions and access tokens expire S seconds after issue
    "session_max_requests": 0,  # ... or after N authenticated requests (IMS token too)
    "token_ttl": DEFAULT_TOKEN_TTL,  # lifetime (and expires_in) of new OAuth2/JWT access tokens
    "max_concurrent": 0,   # >0: more in-flight requests per user get 429
    "ims_token": IMS_TOKEN,  # the Bearer token IMS accepts (change it to simulate rotation)
    "ims_token_ttl": DEFAULT_IMS_TOKEN_TTL,  # lifetime (and expires_in) of /ims/token/v3 tokens
    "cut_download": 0,     # document downloads: half the file (Content-Length says all), then close
    "stall_download": 0,   # document downloads: the head, then nothing (the client waits)
    "paging": "",          # searches "ignore_first": $$FIRST ignored (the first page again);
                           # "ignore": $$FIRST and $$LIMIT ignored (every match, every time)
    "frozen_now": "",      # a date text: every write stamps entryDate/lastUpdateDate with it
}
WIRE_KEYS = ("chunked", "tiny", "close", "close_delimited", "delay_ms", "idle_close_ms", "send_100",
             "truncate", "garbage", "gzip", "stall", "trickle_ms")
STALL_VALUES = ("", "none", "accept", "body")

CONTROL_RE = re.compile(r"^/(?:attask/(?:api-unsupported|api/[^/]+)/)?__test/(.+?)/?$")
PROBES = ("echo", "error")

GARBAGE_HTML = (b"<!DOCTYPE html>\n<html><head><title>Service Maintenance</title></head>"
                b"<body><h1>We'll be back soon</h1><p>The site is undergoing maintenance.</p>"
                b"</body></html>\n")
URI_TOO_LONG_HTML = (b"<HTML><HEAD>\n<TITLE>Request-URI Too Long</TITLE>\n</HEAD><BODY>\n"
                     b"<H1>Request-URI Too Long</H1>\nThe requested URL's length exceeds the capacity\n"
                     b"limit for this server.<P>\n</BODY>\n</HTML>\n")
GATEWAY_HTML = (b"<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1>"
                b"</center>\r\n<hr><center>gateway</center>\r\n</body>\r\n</html>\r\n")

SECRET_HEADERS = {"sessionid", "apikey", "authorization", "cookie", "proxy-authorization"}
SECRET_PARAMS = {"sessionID", "apiKey", "password", "client_secret", "jwt_token", "refresh_token",
                 "access_token", "code"}

QUIET = False


def control_name(path):
    """'config' for /__test/config (under any API base too), else None."""
    m = CONTROL_RE.match(path)
    return m.group(1) if m else None


def is_harness(path):
    """A test control proper (not a probe): traffic of the test harness."""
    name = control_name(path)
    return name is not None and name not in PROBES


def log(msg):
    if not QUIET:
        sys.stderr.write("wfserver: %s\n" % msg)
        sys.stderr.flush()


def redact_target(target):
    path, sep, query = target.partition("?")
    if not sep:
        return target
    parts = []
    for p in query.split("&"):
        k, eq, v = p.partition("=")
        parts.append(k + eq + ("<redacted>" if eq and wfapi.urllib.parse.unquote_plus(k) in SECRET_PARAMS
                               else v))
    return path + "?" + "&".join(parts)


def redact_headers(headers):
    return [[k, "<redacted>" if k.lower() in SECRET_HEADERS else v] for k, v in headers]


# ---------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------

class Stats:
    """Counters the tests read through /__test/stats.

    Connections and TLS handshakes are counted when accepted; a connection
    whose first request is a test control is taken back out, so that the
    test harness talking to the server does not disturb the figures.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.open_connections = 0
        self.reset()

    def reset(self):
        with self.lock:
            self.connections = 0
            self.by_listener = collections.Counter()
            self.requests = 0
            self.by_method = collections.Counter()
            self.by_effective = collections.Counter()
            self.requests_by_listener = collections.Counter()
            self.tls_full = 0
            self.tls_resumed = 0
            self.tls_failed = 0
            self.tls_versions = collections.Counter()
            self.writes = 0
            self.forced = 0
            self.idle_closes = 0
            self.last_request = None
            self.recent = collections.deque(maxlen=50)

    def connection(self, listener, delta=1):
        with self.lock:
            self.connections += delta
            self.by_listener[listener] += delta

    def handshake(self, resumed, delta=1, version=None):
        with self.lock:
            if resumed:
                self.tls_resumed += delta
            else:
                self.tls_full += delta
            if version:
                self.tls_versions[version] += delta

    def add(self, name, n=1):
        with self.lock:
            setattr(self, name, getattr(self, name) + n)

    def request(self, req):
        with self.lock:
            self.requests += 1
            self.by_method[req.method] += 1
            self.requests_by_listener[req.listener] += 1

    def finish(self, req, status):
        eff = getattr(req, "effective_method", None) or req.method
        entry = {"method": req.method, "effective_method": eff, "path": req.path,
                 "target": redact_target(req.target), "target_length": len(req.target),
                 "version": req.version, "listener": req.listener, "status": status,
                 "headers": redact_headers(req.headers),
                 "body_bytes": req.body.consumed if req.body else 0,
                 "content_type": req.header("content-type")}
        with self.lock:
            self.by_effective[eff] += 1
            self.last_request = entry
            self.recent.append({k: entry[k] for k in ("method", "effective_method", "path", "status",
                                                      "listener", "target_length", "body_bytes")})

    def snapshot(self):
        with self.lock:
            return {"connections": self.connections,
                    "connections_by_listener": dict(self.by_listener),
                    "open_connections": self.open_connections,
                    "requests": self.requests,
                    "requests_by_method": dict(self.by_method),
                    "requests_by_effective_method": dict(self.by_effective),
                    "requests_by_listener": dict(self.requests_by_listener),
                    "tls_full_handshakes": self.tls_full,
                    "tls_resumed_handshakes": self.tls_resumed,
                    "tls_failed_handshakes": self.tls_failed,
                    "tls_versions": dict(self.tls_versions),
                    "writes": self.writes,
                    "forced_responses": self.forced,
                    "idle_closes": self.idle_closes,
                    "last_request": self.last_request,
                    "recent_requests": list(self.recent)}


# ---------------------------------------------------------------------------
# Server state
# ---------------------------------------------------------------------------

class State:
    def __init__(self, ntasks, certs):
        self.ntasks = ntasks
        self.certs = certs
        self.stop = threading.Event()
        self.lock = threading.RLock()          # data, sessions, uploads
        self.config_lock = threading.Lock()
        self.stats = Stats()
        self.api = wfapi.Api(self)
        self._inflight = collections.Counter()
        self._inflight_lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.store = Store(self.ntasks)
            self.sessions = {}
            self.refresh_tokens = {}
            self.uploads = {}
            self.subscriptions = {}
            self.ims_uses = 0
            self.ims_tokens = {}          # issued by /ims/token/v3 (wfims.py)
            self.ims_tokens_issued = 0
            self.ims_token_uses = 0
            self.logins = 0
            self.upload_count = 0
            self.token_count = 0
        with self.config_lock:
            self.config = dict(CONFIG_DEFAULTS)
            wfdata.FROZEN_NOW = None
        self.stats.reset()

    # -- configuration --

    def set_config(self, params):
        with self.config_lock:
            new = dict(self.config)
            for k, v in params:
                if k not in CONFIG_DEFAULTS:
                    raise ApiError("bad_param", "Unknown test switch %s" % k, attributes=[k], status=400)
                if isinstance(CONFIG_DEFAULTS[k], int):
                    try:
                        new[k] = int(v) if v.strip() else 0
                    except ValueError:
                        raise ApiError("bad_param", "Switch %s needs an integer" % k, attributes=[k], status=400)
                else:
                    new[k] = v
            if new["stall"] not in STALL_VALUES:
                raise ApiError("bad_param", "stall must be accept or body", attributes=["stall"], status=400)
            if new["paging"] not in ("", "ignore_first", "ignore"):
                raise ApiError("bad_param", "paging must be ignore_first or ignore", attributes=["paging"], status=400)
            if new["stall"] == "none":
                new["stall"] = ""
            keys = {k for k, _ in params}
            if "force_status" in keys and "count" not in keys:
                new["count"] = 1 if new["force_status"] else 0
            self.config = new
            wfdata.FROZEN_NOW = new["frozen_now"] or None
            return dict(new)

    def take_config(self):
        """Configuration for one API request; counts down for_next and count."""
        with self.config_lock:
            cfg = dict(self.config)
            cfg["_forced"] = bool(cfg["force_status"] and cfg["count"] > 0)
            if cfg["_forced"]:
                self.config["count"] -= 1
                if self.config["count"] <= 0:
                    self.config["force_status"] = 0
            if cfg["for_next"] > 0:
                self.config["for_next"] -= 1
                if self.config["for_next"] == 0:
                    for k in WIRE_KEYS:
                        self.config[k] = CONFIG_DEFAULTS[k]
            return cfg

    def peek_config(self):
        with self.config_lock:
            return dict(self.config)

    @contextlib.contextmanager
    def inflight(self, user_id, cfg):
        """Count requests in progress per user; over max_concurrent -> 429
        (Workfront: "about 10 concurrent requests per user")."""
        limit = int(cfg.get("max_concurrent") or 0)
        with self._inflight_lock:
            if limit and self._inflight[user_id] >= limit:
                raise ApiError("throttle", "Too many concurrent API requests")
            self._inflight[user_id] += 1
        try:
            yield
        finally:
            with self._inflight_lock:
                self._inflight[user_id] -= 1

    # -- one request --

    def handle(self, conn, req):
        """Answer one request; returns True (keep), False (close) or None
        (close abruptly, without a TLS close_notify)."""
        name = control_name(req.path)
        if name is not None and name not in PROBES:
            conn.quiet = True
            try:
                resp = self.control(name, req)
            except ApiError as e:
                resp = Response(e.http_status(), encode(e.envelope()))
            if not req.body.drain():
                resp.close = True
            return write_response(conn, req, resp, {}, self.stop)
        conn.quiet = False
        cfg = self.take_config()
        self.stats.request(req)
        if req.too_long:
            # The CDN in front of Workfront refuses long targets: HTML, not JSON.
            resp = Response(414, URI_TOO_LONG_HTML, content_type="text/html")
            if not req.body.drain():
                resp.close = True
            self.stats.finish(req, 414)
            return write_response(conn, req, resp, {}, self.stop)
        if cfg["stall"] == "accept":
            self.stats.finish(req, 0)
            wait_for_close(conn, self.stop)
            return False
        if cfg["delay_ms"] and (cfg["_forced"] or name in PROBES):
            # (the API applies delay_ms itself, inside its per-user in-flight window)
            time.sleep(cfg["delay_ms"] / 1000.0)
        if cfg["_forced"]:
            resp = self.forced_response(cfg)
            self.stats.add("forced")
        else:
            try:
                if name == "echo":
                    resp = self.echo(req, cfg)
                elif name == "error":
                    resp = self.test_error(req, cfg)
                else:
                    resp = self.api.handle(req, cfg)
            except (ClientGone, BadRequest, IdleTimeout, OSError):
                raise
            except Exception as e:   # a bug here: answer 500 and say so once
                log("internal error on %s %s: %s: %s" % (req.method, req.path, type(e).__name__, e))
                resp = Response(500, encode(ApiError("internal", "Internal server error: %s" % type(e).__name__)
                                            .envelope()))
        if not req.body.drain():
            resp.close = True
        self.stats.finish(req, resp.status)
        if cfg["garbage"]:
            close, resp = resp.close, Response(200, GARBAGE_HTML, content_type="text/html; charset=iso-8859-1")
            resp.close = close
        if cfg["gzip"] and resp.body:
            resp.body = gzip.compress(resp.body, mtime=0)
            resp.headers.append(("Content-Encoding", "gzip"))
        opts = {k: cfg[k] for k in ("chunked", "close_delimited", "close", "tiny", "trickle_ms",
                                   "send_100", "truncate")}
        opts["stall_body"] = cfg["stall"] == "body"
        if getattr(resp, "cut", False):
            opts["truncate"] = 1
        if getattr(resp, "stall", False):
            opts["stall_body"] = True
        return write_response(conn, req, resp, opts, self.stop)

    def forced_response(self, cfg):
        status = int(cfg["force_status"])
        reason = {429: "Too Many Requests", 502: "Bad Gateway", 503: "Service Unavailable",
                  504: "Gateway Timeout"}.get(status, "Error")
        body = cfg["force_body"]
        if body:
            body = body.encode("utf-8")
            ctype = cfg["force_ctype"] or ("text/html" if body.lstrip().startswith(b"<") else
                                           "application/json;charset=UTF-8")
        elif status >= 500:
            body = GATEWAY_HTML % (status, reason.encode(), status, reason.encode())
            ctype = cfg["force_ctype"] or "text/html"
        else:
            kind = "throttle" if status == 429 else "auth" if status == 401 else "bad_param"
            msg = "Too many concurrent API requests" if status == 429 else "Forced error %d" % status
            body = encode(ApiError(kind, msg).envelope())
            ctype = cfg["force_ctype"] or "application/json;charset=UTF-8"
        headers = [("Retry-After", cfg["retry_after"])] if cfg["retry_after"] else []
        return Response(status, body, headers, content_type=ctype)

    def echo(self, req, cfg):
        params = self.api._params(req)
        req.effective_method = (wfapi.first(params, "method") or req.method).upper()
        return Response(200, encode({"data": {
            "method": req.method, "effective_method": req.effective_method, "path": req.path,
            "raw_path": req.raw_path, "query": req.query, "version": req.version,
            "params": [[k, v] for k, v in params], "headers": redact_headers(req.headers),
            "body_bytes": req.body.consumed}}))

    def test_error(self, req, cfg):
        params = wfapi.parse_qs(req.query)
        e = ApiError("internal", wfapi.first(params, "message", "Test error"))
        status = int(cfg.get("error_status") or wfapi.first(params, "status", "500"))
        if cfg.get("errors_200"):
            status = 200
        env = e.envelope()
        env["error"]["class"] = wfapi.first(params, "class", "com.attask.common.TestException")
        return Response(status, encode(env))

    def control(self, name, req):
        params = self.api._params(req)
        if name == "config":
            return Response(200, encode({"data": self.set_config(params)}))
        if name == "reset":
            self.reset()
            return Response(200, encode({"data": self.peek_config()}))
        if name == "stats":
            snap = self.stats.snapshot()
            with self.lock:
                snap.update({"sessions": len(self.sessions), "logins": self.logins,
                             "uploads": self.upload_count, "tokens_issued": self.token_count,
                             "ims_tokens_issued": self.ims_tokens_issued,
                             "ims_token_uses": self.ims_token_uses})
            if wfapi.truthy(wfapi.first(params, "reset")):
                self.stats.reset()
            return Response(200, encode({"data": snap}))
        if name.startswith("content/"):
            # the size and SHA-256 of a document version's bytes, as downloaded
            with self.lock:
                ver = self.store.get("DOCV", name[8:].lower())
                up = self.uploads.get(ver.get("handle")) if ver and ver.get("fileHash") else None
            if ver is None:
                raise ApiError("notfound", "No document version %s" % name[8:])
            body = (up or {}).get("_content") if up else wfapi.version_content(ver)
            if body is None:
                raise ApiError("notfound", "Content of version %s not kept" % name[8:])
            return Response(200, encode({"data": {"size": len(body), "sha256": hashlib.sha256(body).hexdigest()}}))
        if name.startswith("upload/"):
            with self.lock:
                up = self.uploads.get(name[7:])
            if up is None:
                raise ApiError("notfound", "No upload with handle %s" % name[7:])
            return Response(200, encode({"data": {k: v for k, v in up.items() if not k.startswith("_")}}))
        if name == "expire":
            with self.lock:
                n = len(self.sessions) + len(self.ims_tokens)
                self.sessions.clear()
                self.ims_tokens.clear()
            return Response(200, encode({"data": {"expired": n}}))
        raise ApiError("nopath", "Unknown test control %s" % name)


# ---------------------------------------------------------------------------
# Listeners and connections
# ---------------------------------------------------------------------------

class Listener:
    def __init__(self, name, host, ctx):
        self.name = name
        self.ctx = ctx
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(128)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]


TLS_VERSIONS = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}


def tls_context(certs, stem, only=None):
    """only: "1.2" or "1.3" to accept that TLS version alone (--tls-only)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if only:
        ctx.minimum_version = ctx.maximum_version = TLS_VERSIONS[only]
    ctx.load_cert_chain(certs[stem + ".pem"], certs[stem + ".key"])
    # Resumption: OpenSSL keeps a server-side session cache and issues
    # session tickets (TLS 1.2) / NewSessionTicket messages (TLS 1.3) by
    # default; the context lives as long as the server, so do the ticket keys.
    ctx.num_tickets = 2
    return ctx


def close_socket(sock, graceful):
    """graceful: TLS close_notify / TCP FIN, then a short drain so unread
    request bytes do not turn the close into a reset."""
    try:
        if graceful:
            sock.settimeout(0.2)
            if isinstance(sock, ssl.SSLSocket):
                try:
                    sock = sock.unwrap()
                except (ssl.SSLError, OSError, ValueError):
                    pass
            try:
                sock.shutdown(socket.SHUT_WR)
                deadline = time.monotonic() + 0.2
                while time.monotonic() < deadline and sock.recv(65536):
                    pass
            except (OSError, ValueError):
                pass
    finally:
        try:
            sock.close()
        except OSError:
            pass


def serve_connection(state, lst, sock):
    stats = state.stats
    stats.connection(lst.name)
    stats.add("open_connections")
    counted_tls = None
    tls_version = None
    graceful = True
    try:
        if lst.ctx is not None:
            sock.settimeout(10)
            try:
                sock = lst.ctx.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
                sock.do_handshake()
            except (ssl.SSLError, OSError):
                stats.add("tls_failed")
                graceful = False
                return
            counted_tls = bool(sock.session_reused)
            tls_version = sock.version()
            stats.handshake(counted_tls, version=tls_version)
        conn = Conn(sock, on_write=lambda: stats.add("writes"))
        first = True
        while not state.stop.is_set():
            cfg = state.peek_config()
            idle = cfg["idle_close_ms"] / 1000.0 if cfg["idle_close_ms"] > 0 else KEEPALIVE_TIMEOUT
            try:
                req = read_request(conn, idle, cfg["max_uri"])
            except IdleTimeout:
                stats.add("idle_closes")
                return
            except BadRequest as e:
                body = ("<html><body><h1>%d %s</h1></body></html>\n"
                        % (e.status, REASONS.get(e.status, "Bad Request"))).encode()
                resp = Response(e.status, body, content_type="text/html")
                resp.close = True
                write_response(conn, None, resp, {}, state.stop)
                return
            if req is None:
                return
            req.listener = lst.name
            if first and is_harness(req.path):
                # the harness's own connection: keep it out of the figures
                stats.connection(lst.name, -1)
                if counted_tls is not None:
                    stats.handshake(counted_tls, -1, tls_version)
            first = False
            keep = state.handle(conn, req)
            if keep is None:
                graceful = False
                return
            if not keep:
                return
    except (ClientGone, BadRequest, OSError, ssl.SSLError, socket.timeout):
        graceful = False
    except Exception as e:   # never a traceback per connection; one line
        graceful = False
        log("connection error: %s: %s" % (type(e).__name__, e))
    finally:
        stats.add("open_connections", -1)
        close_socket(sock, graceful and not state.stop.is_set())


def accept_loop(state, lst):
    while not state.stop.is_set():
        try:
            sock, _ = lst.sock.accept()
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=serve_connection, args=(state, lst, sock), daemon=True).start()
        except socket.timeout:
            continue
        except Exception as e:   # EMFILE, a thread that cannot start ...: keep accepting
            if state.stop.is_set():
                return
            log("accept on %s: %s: %s" % (lst.name, type(e).__name__, e))
            time.sleep(0.05)


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------

def main(argv=None):
    global QUIET
    ap = argparse.ArgumentParser(description="Workfront-compatible test server")
    ap.add_argument("--certs", default=os.path.join(os.getcwd(), "build", "certs"))
    ap.add_argument("--info")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--tasks", type=int, default=DEFAULT_TASKS)
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--tls-only", choices=sorted(TLS_VERSIONS),
                    help="HTTPS listeners accept only this TLS version")
    args = ap.parse_args(argv)
    QUIET = args.quiet
    if args.tasks < 20:
        ap.error("--tasks must be at least 20 (the named test tasks need room)")

    certs = wfcerts.ensure_certs(args.certs)
    state = State(args.tasks, certs)
    listeners = [Listener("http", args.host, None),
                 Listener("https", args.host, tls_context(certs, "server", args.tls_only)),
                 Listener("wronghost", args.host, tls_context(certs, "wronghost", args.tls_only)),
                 Listener("expired", args.host, tls_context(certs, "expired", args.tls_only))]
    for lst in listeners:
        threading.Thread(target=accept_loop, args=(state, lst), daemon=True).start()

    def on_signal(signum, frame):
        state.stop.set()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    lines = ["HTTP_PORT=%d" % listeners[0].port, "HTTPS_PORT=%d" % listeners[1].port,
             "WRONGHOST_PORT=%d" % listeners[2].port, "EXPIRED_PORT=%d" % listeners[3].port,
             "CA=%s" % os.path.abspath(certs["ca.pem"]), "READY"]
    text = "\n".join(lines) + "\n"
    if args.info:
        tmp = args.info + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, args.info)
    sys.stdout.write(text)
    sys.stdout.flush()

    # Short waits: a signal handler runs between waits, not inside one.
    while not state.stop.wait(0.1):
        pass
    for lst in listeners:
        try:
            lst.sock.close()
        except OSError:
            pass
    log("stopped")
    sys.stdout.flush()
    sys.stderr.flush()
    # Daemon threads may be in the middle of a send; leave without waiting
    # for them (and without interpreter-shutdown noise).
    os._exit(0)


if __name__ == "__main__":
    main()
