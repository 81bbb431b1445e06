"""A small HTTP/1.1 server core written for testing a client.

http.server cannot do what the tests need (chunk extensions and trailers,
responses written a few bytes at a time, stalls, truncation, silent idle
closes, streaming a 100 MB multipart body), so requests are parsed and
responses written here by hand, one thread per connection.
"""

import socket
import ssl
import time
import urllib.parse

REQUEST_TIMEOUT = 30.0         # once a request has started arriving
KEEPALIVE_TIMEOUT = 120.0      # idle keep-alive connection, unless idle_close_ms
MAX_LINE = 1 << 20             # request line (longer -> 414 and close)
MAX_HEADER_LINE = 64 << 10
MAX_HEADERS = 200

REASONS = {100: "Continue", 200: "OK", 201: "Created", 204: "No Content", 304: "Not Modified",
           400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 408: "Request Timeout", 411: "Length Required",
           413: "Payload Too Large", 414: "Request-URI Too Long", 431: "Request Header Fields Too Large", 422: "Unprocessable Entity",
           429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
           503: "Service Unavailable", 504: "Gateway Timeout"}


class ClientGone(Exception):
    """The peer closed or reset the connection, or a read timed out."""


class IdleTimeout(Exception):
    """A keep-alive connection saw no new request in time."""


class BadRequest(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class Conn:
    """A socket with a read buffer and a write counter."""

    def __init__(self, sock, on_write=None):
        self.sock = sock
        self.buf = bytearray()
        self.on_write = on_write
        self.tls = isinstance(sock, ssl.SSLSocket)
        self.quiet = False        # True while answering a test-control request

    def fill(self):
        try:
            data = self.sock.recv(65536)
        except (socket.timeout, ssl.SSLError, OSError) as e:
            if isinstance(e, socket.timeout):
                raise
            raise ClientGone(str(e))
        if not data:
            return False
        self.buf += data
        return True

    def readline(self, limit):
        """One CRLF (or LF) terminated line without the terminator; None on EOF."""
        start = 0
        while True:
            i = self.buf.find(b"\n", start)
            if i >= 0:
                line = bytes(self.buf[:i])
                del self.buf[:i + 1]
                return line[:-1] if line.endswith(b"\r") else line
            if len(self.buf) > limit:
                raise BadRequest(414 if limit == MAX_LINE else 431, "line too long")
            start = len(self.buf)
            if not self.fill():
                if self.buf:
                    raise ClientGone("EOF inside a line")
                return None

    def read(self, n):
        """Up to n bytes (at least one), b'' on EOF."""
        if not self.buf and not self.fill():
            return b""
        data = bytes(self.buf[:n])
        del self.buf[:n]
        return data

    def send(self, data):
        if self.on_write and not self.quiet:
            self.on_write()
        try:
            self.sock.sendall(data)
        except (socket.timeout, ssl.SSLError, OSError) as e:
            raise ClientGone(str(e))


class Body:
    """Request body reader: Content-Length or chunked, with 100-continue.

    The 100 Continue interim response goes out on the first read, so a
    handler that answers without reading (401 on an upload) never asks the
    client to send a body it does not want.
    """

    def __init__(self, conn, length, chunked, expect_continue):
        self.conn = conn
        self.left = length or 0          # bytes left in the body / current chunk
        self.chunked = chunked
        self.done = not chunked and not length
        self.expect_continue = expect_continue
        self.consumed = 0
        self.trailers = []

    def _continue(self):
        if self.expect_continue:
            self.expect_continue = False
            self.conn.send(b"HTTP/1.1 100 Continue\r\n\r\n")

    def read(self, n=65536):
        if self.done:
            return b""
        self._continue()
        if self.chunked and self.left == 0:
            line = self.conn.readline(MAX_HEADER_LINE)
            if line is None:
                raise ClientGone("EOF in chunked body")
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                raise BadRequest(400, "bad chunk size")
            if size == 0:
                while True:
                    t = self.conn.readline(MAX_HEADER_LINE)
                    if not t:
                        break
                    self.trailers.append(t)
                self.done = True
                return b""
            self.left = size
        data = self.conn.read(min(n, self.left))
        if not data:
            raise ClientGone("EOF in body")
        self.left -= len(data)
        self.consumed += len(data)
        if self.left == 0:
            if self.chunked:
                if self.conn.readline(MAX_HEADER_LINE) != b"":
                    raise BadRequest(400, "missing CRLF after chunk")
            else:
                self.done = True
        return data

    def read_all(self, cap):
        """Whole body; None when it is longer than cap."""
        parts, total = [], 0
        while True:
            data = self.read()
            if not data:
                return b"".join(parts)
            total += len(data)
            if total > cap:
                return None
            parts.append(data)

    def drain(self, cap=1 << 20):
        """Discard the rest of the body; False if more than cap was left."""
        if self.done:
            return True
        if self.expect_continue:
            return False      # the client has not sent it: just close afterwards
        total = 0
        while True:
            data = self.read()
            if not data:
                return True
            total += len(data)
            if total > cap:
                return False


class Request:
    def __init__(self, method, target, version, headers):
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers          # list of (name, value) as received
        path, _, query = target.partition("?")
        self.raw_path = path
        self.path = urllib.parse.unquote(path)
        self.query = query
        self.body = None
        self.listener = None
        self.too_long = False

    def header(self, name, default=None):
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return default

    @property
    def keep_alive(self):
        conn = (self.header("connection") or "").lower()
        if self.version == "HTTP/1.0":
            return "keep-alive" in conn
        return "close" not in conn


def read_request(conn, idle_timeout, max_uri):
    """Next request head, or None when the client closed the connection.

    Raises IdleTimeout when nothing arrives within idle_timeout seconds.
    """
    conn.sock.settimeout(idle_timeout)
    try:
        while True:
            # RFC 9112 2.2: ignore empty lines before a request line.
            while conn.buf[:1] in (b"\r", b"\n"):
                del conn.buf[:1]
            if conn.buf:
                break
            if not conn.fill():
                return None
    except socket.timeout:
        raise IdleTimeout()
    conn.sock.settimeout(REQUEST_TIMEOUT)
    try:
        line = conn.readline(MAX_LINE)
        if line is None:
            return None
        parts = line.split(b" ")
        if len(parts) != 3 or not parts[2].startswith(b"HTTP/1."):
            raise BadRequest(400, "bad request line")
        method = parts[0].decode("latin-1")
        target = parts[1].decode("latin-1")
        version = parts[2].decode("latin-1")
        headers = []
        while True:
            h = conn.readline(MAX_HEADER_LINE)
            if h is None:
                raise ClientGone("EOF in headers")
            if not h:
                break
            if len(headers) >= MAX_HEADERS:
                raise BadRequest(431, "too many headers")
            name, sep, value = h.partition(b":")
            if not sep or not name.strip() or name != name.strip():
                raise BadRequest(400, "bad header line")
            headers.append((name.decode("latin-1"), value.strip().decode("latin-1")))
    except socket.timeout:
        raise ClientGone("timeout reading request head")
    req = Request(method, target, version, headers)
    req.too_long = len(parts[1]) > max_uri
    te = (req.header("transfer-encoding") or "").lower()
    cl = req.header("content-length")
    length = 0
    if cl is not None and "chunked" not in te:
        try:
            length = int(cl)
            if length < 0:
                raise ValueError
        except ValueError:
            raise BadRequest(400, "bad Content-Length")
    expect = (req.header("expect") or "").lower() == "100-continue" and version == "HTTP/1.1"
    req.body = Body(conn, length, "chunked" in te, expect and (length > 0 or "chunked" in te))
    return req


# ---------------------------------------------------------------------------
# Responses
# ---------------------------------------------------------------------------

# Chunk sizes for chunked responses: odd sizes so chunk boundaries land
# everywhere, including inside \uXXXX escapes and multi-part tokens.
_CHUNK_SIZES = [1, 7, 300, 4096, 13, 2, 8192, 511, 65536, 3]


def chunk_body(body):
    """Chunked framing with chunk extensions, mixed-case hex and a trailer."""
    out = []
    pos = 0
    i = 0
    while pos < len(body):
        n = min(_CHUNK_SIZES[i % len(_CHUNK_SIZES)], len(body) - pos)
        size = ("%x" if i % 2 == 0 else "%X") % n
        ext = ["", ";ext=1", ';name="quoted;value"', ";a=b;c"][i % 4]
        out.append(("%s%s\r\n" % (size, ext)).encode("ascii"))
        out.append(body[pos:pos + n])
        out.append(b"\r\n")
        pos += n
        i += 1
    out.append(b"0;last=1\r\nX-Trailer: done\r\n\r\n")
    return b"".join(out)


class Response:
    def __init__(self, status, body=b"", headers=None, content_type="application/json;charset=UTF-8"):
        self.status = status
        self.body = body
        self.headers = list(headers or [])
        if content_type and not any(k.lower() == "content-type" for k, _ in self.headers):
            self.headers.insert(0, ("Content-Type", content_type))
        self.close = False


def wait_for_close(conn, stop, limit=None):
    """Stall: keep the connection open until the client goes, the server
    stops or limit seconds pass.  Anything the client sends is discarded."""
    deadline = None if limit is None else time.monotonic() + limit
    conn.sock.settimeout(0.25)
    while not stop.is_set():
        if deadline is not None and time.monotonic() > deadline:
            return
        try:
            if not conn.sock.recv(65536):
                return
        except socket.timeout:
            continue
        except (ssl.SSLError, OSError):
            return


def write_response(conn, req, resp, opts, stop):
    """Send resp on conn, shaped by the wire switches in opts.

    Returns False when the connection must be closed afterwards.
    opts keys: chunked, close_delimited, close, tiny, trickle_ms, send_100,
    truncate, stall_body.
    """
    head_only = req is not None and req.method == "HEAD"
    no_body = head_only or resp.status in (204, 304) or 100 <= resp.status < 200
    http10 = req is None or req.version == "HTTP/1.0"
    keep = (req is not None and req.keep_alive and not resp.close and not opts.get("close")
            and not opts.get("close_delimited"))
    body = b"" if no_body else resp.body
    headers = [("Date", time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())),
               ("Server", "wfserver")] + resp.headers
    if resp.status in (204, 304):
        framed = b""
    elif opts.get("chunked") and not http10:
        headers += [("Transfer-Encoding", "chunked"), ("Trailer", "X-Trailer")]
        framed = chunk_body(resp.body)
    elif opts.get("close_delimited"):
        framed = resp.body
    else:
        headers.append(("Content-Length", str(len(resp.body))))
        framed = resp.body
    if head_only:
        framed = b""
    if keep:
        if http10:
            headers.append(("Connection", "keep-alive"))
    else:
        headers.append(("Connection", "close"))
    head = ("HTTP/1.1 %d %s\r\n" % (resp.status, REASONS.get(resp.status, "Unknown"))
            + "".join("%s: %s\r\n" % kv for kv in headers) + "\r\n").encode("latin-1")

    if opts.get("send_100") and not http10:
        conn.send(b"HTTP/1.1 100 Continue\r\n\r\n")
    if opts.get("stall_body"):
        conn.send(head)
        wait_for_close(conn, stop)
        return False
    data = head + framed
    cut = None
    if opts.get("truncate") and framed:
        cut = len(head) + max(1, len(framed) // 2)
        data = data[:cut]
    trickle = int(opts.get("trickle_ms") or 0)
    tiny = int(opts.get("tiny") or 0)
    if trickle > 0:
        for i in range(len(data)):
            if stop.is_set():
                return False
            conn.send(data[i:i + 1])
            time.sleep(trickle / 1000.0)
    elif tiny > 0:
        # (TCP_NODELAY is set on every accepted socket, so pieces are not coalesced)
        for n, i in enumerate(range(0, len(data), tiny)):
            conn.send(data[i:i + tiny])
            if n % 8 == 7:
                time.sleep(0.001)     # let the pieces leave as separate segments
    else:
        conn.send(data)
    if cut is not None:
        return None        # caller closes abruptly (no TLS close_notify)
    return keep
