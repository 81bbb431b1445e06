"""The Workfront API proper: routing, authentication, reads, writes, batch,
upload and the OAuth2 / JWT / IMS endpoints.

Api.handle(req, cfg) turns one HTTP request into a wfhttp.Response.  The wire
switches (chunked, tiny, stalls ...) are applied later by wfserver.py; the
switches that change API behaviour (session expiry, error statuses,
concurrency limit, IMS token) arrive here in cfg.
"""

import base64
import hashlib
import json
import math
import os
import re
import secrets
import subprocess
import tempfile
import time
import urllib.parse

import wfims
import wfquery as Q
from wfconst import *  # noqa: F401,F403
from wfdata import SCHEMA, TABLES, objcode_for, parse_date, fmt_date, now_text, copy_row
from wferrors import ApiError, encode
from wfhttp import Response

API_RE = re.compile(r"^/attask/(?:api-unsupported|api/([^/]+))(/.*)?$")
VERSION_RE = re.compile(r"^(v?\d+(\.\d+)?|unsupported|internal|asp)$", re.I)
HEX32 = re.compile(r"^[0-9a-f]{32}$")
OAUTH_PREFIX = "/integrations/oauth2/api/v1/"
# Beside the REST API (Adobe's "Event Subscription API" page): not in the data
# envelope, System Administrators only.
SUBS_PATH = "/attask/eventsubscription/api/v1/subscriptions"
SUBS_EVENTS = ("CREATE", "UPDATE", "DELETE", "SHARE")
# Where a document's bytes are served; the API hands it out as downloadURL.
DOWNLOAD_PATH = "/document/download"
KEEP_UPLOAD = 8 << 20          # uploads up to this size are kept for download


def parse_qs(text):
    """Ordered (key, value) list; '+' is a space and %XX is UTF-8, like a
    servlet container; repeated keys are kept (in filters use them)."""
    out = []
    for part in (text or "").split("&"):
        if not part:
            continue
        k, _, v = part.partition("=")
        out.append((urllib.parse.unquote_plus(k), urllib.parse.unquote_plus(v)))
    return out


def first(params, key, default=None):
    for k, v in params:
        if k == key:
            return v
    return default


def truthy(v):
    return v is not None and str(v).strip().lower() in ("true", "1", "yes")


def data(obj, status=200):
    return status, {"data": obj}


class Session:
    def __init__(self, user_id, kind, ttl=None):
        self.user_id = user_id
        self.kind = kind            # "session" (login), "oauth" (access token)
        self.created = time.monotonic()
        self.uses = 0
        self.ttl = ttl              # own lifetime (access tokens), seconds


class Ctx:
    """What a handler needs to know about the request it serves."""

    def __init__(self, version, cfg, req=None):
        self.version = version
        self.cfg = cfg
        self.req = req
        self.user = None
        self.delayed = False


# ---------------------------------------------------------------------------
# Lenient JSON for updates=.  Workfront's own examples use JavaScript object
# syntax ({name: "x", accessorID: 'abc'}), so when strict JSON fails we accept
# unquoted keys and single-quoted strings.  Raw control characters inside
# strings are still refused.
# ---------------------------------------------------------------------------

_TOKEN = re.compile(r"""\s*(?:(?P<p>[{}\[\]:,])|(?P<s>"(?:[^"\\\x00-\x1f]|\\.)*")|(?P<q>'(?:[^'\\\x00-\x1f]|\\.)*')|"""
                    r"""(?P<n>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(?P<w>[A-Za-z_$][\w$:.\- ]*?(?=\s*[:,}\]])))""", re.S)


def lenient_json(text):
    try:
        return json.loads(text)
    except ValueError:
        pass
    toks = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError("unexpected character at %d" % pos)
        pos = m.end()
        kind = m.lastgroup
        val = m.group(kind)
        if kind == "q":
            val = json.loads('"' + val[1:-1].replace('\\\'', "'").replace('"', '\\"') + '"')
            kind = "s"
        elif kind == "s":
            val = json.loads(val)
        elif kind == "n":
            val = json.loads(val)
        elif kind == "w":
            val = {"true": True, "false": False, "null": None}.get(val.strip(), val.strip())
            kind = "s" if isinstance(val, str) else "lit"
        toks.append((kind, val))
        while pos < len(text) and text[pos].isspace():
            pos += 1
    it = iter(toks + [("end", None)])
    cur = [next(it)]

    def take():
        t = cur[0]
        cur[0] = next(it)
        return t

    def value():
        kind, val = take()
        if kind == "p" and val == "{":
            obj = {}
            if cur[0] == ("p", "}"):
                take()
                return obj
            while True:
                k, key = take()
                if k != "s" or take() != ("p", ":"):
                    raise ValueError("bad object")
                obj[key] = value()
                k, sep = take()
                if sep == "}":
                    return obj
                if sep != ",":
                    raise ValueError("bad object")
        if kind == "p" and val == "[":
            arr = []
            if cur[0] == ("p", "]"):
                take()
                return arr
            while True:
                arr.append(value())
                k, sep = take()
                if sep == "]":
                    return arr
                if sep != ",":
                    raise ValueError("bad array")
        if kind in ("s", "n", "lit"):
            return val
        raise ValueError("unexpected token")
    result = value()
    if cur[0][0] != "end":
        raise ValueError("trailing data")
    return result


# ---------------------------------------------------------------------------
# Streaming multipart/form-data parser (for /upload): never holds more than
# one read plus a delimiter's length of the body in memory.
# ---------------------------------------------------------------------------

class Multipart:
    def __init__(self, body, boundary):
        self.body = body
        self.delim = b"\r\n--" + boundary
        self.buf = bytearray(b"\r\n")   # so a body starting with --boundary matches too

    def _fill(self):
        chunk = self.body.read(1 << 16)
        if not chunk:
            raise ApiError("validation", "Malformed multipart body (ended early)")
        self.buf += chunk

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line = bytes(self.buf[:i])
                del self.buf[:i + 2]
                return line
            if len(self.buf) > 16384:
                raise ApiError("validation", "Malformed multipart body (header line too long)")
            self._fill()

    def _data(self):
        keep = len(self.delim) - 1
        while True:
            i = self.buf.find(self.delim)
            if i >= 0:
                if i:
                    yield bytes(self.buf[:i])
                del self.buf[:i + len(self.delim)]
                return
            if len(self.buf) > keep:
                yield bytes(self.buf[:-keep])
                del self.buf[:-keep]
            self._fill()

    def parts(self):
        for _ in self._data():          # preamble
            pass
        while True:
            while len(self.buf) < 2:
                self._fill()
            if self.buf[:2] == b"--":    # close delimiter: drain the epilogue
                while self.body.read():
                    pass
                return
            self._line()                 # transport padding + CRLF
            headers = {}
            while True:
                line = self._line()
                if not line:
                    break
                k, _, v = line.decode("utf-8", "replace").partition(":")
                headers[k.strip().lower()] = v.strip()
            yield headers, self._data()


def _disposition(value):
    params = {}
    for m in re.finditer(r';\s*([\w*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))', value or ""):
        params[m.group(1).lower()] = m.group(2) if m.group(2) is not None else m.group(3).strip()
    if "filename*" in params and "''" in params["filename*"]:
        params["filename"] = urllib.parse.unquote(params["filename*"].split("''", 1)[1])
    return params


# ---------------------------------------------------------------------------
# The API
# ---------------------------------------------------------------------------

class Api:
    def __init__(self, state):
        self.state = state

    @property
    def store(self):
        return self.state.store

    # -- entry point --------------------------------------------------------

    def handle(self, req, cfg):
        ctx = Ctx("unsupported", cfg, req)
        try:
            resp = self._handle(req, ctx)
        except ApiError as e:
            resp = self._error_response(e, cfg)
        self._delay(ctx)
        return resp

    @staticmethod
    def _delay(ctx):
        """delay_ms, once per request: inside the per-user in-flight window
        for authenticated calls (so max_concurrent sees slow requests
        overlap), otherwise just before answering."""
        if not ctx.delayed:
            ctx.delayed = True
            ms = int(ctx.cfg.get("delay_ms") or 0)
            if ms > 0:
                time.sleep(ms / 1000.0)

    def _handle(self, req, ctx):
        path = req.path
        if path.startswith(OAUTH_PREFIX):
            return self._oauth(req, path[len(OAUTH_PREFIX):], ctx.cfg)
        if path == wfims.TOKEN_PATH:
            return wfims.token(self, req, ctx.cfg)
        if path == SUBS_PATH or path.startswith(SUBS_PATH + "/"):
            return self._subscriptions(req, path[len(SUBS_PATH):], ctx)
        if path == DOWNLOAD_PATH:
            return self._download(req, ctx)
        m = API_RE.match(path)
        if not m:
            raise ApiError("nopath", "No API resource at %s" % path)
        ctx.version = m.group(1) or "unsupported"
        if not VERSION_RE.match(ctx.version):
            raise ApiError("nopath", "Unknown API version %s" % ctx.version)
        segs = [s for s in (m.group(2) or "").split("/") if s]
        if segs[:1] == ["upload"]:
            req.effective_method = "POST"
            return self._json_response(*self._upload(req, ctx))
        params = self._params(req)
        method = (first(params, "method") or req.method).upper()
        req.effective_method = method
        if method == "HEAD":
            method = "GET"
        if method not in ("GET", "POST", "PUT", "DELETE"):
            raise ApiError("method", "Unsupported method %s" % method)
        return self._json_response(*self._serve(method, segs, params, ctx))

    def _json_response(self, status, payload):
        return Response(status, encode(payload))

    def _error_response(self, e, cfg):
        return Response(e.http_status(cfg), encode(e.envelope()), e.headers)

    def _params(self, req):
        # The head was decoded as latin-1; raw (unencoded) UTF-8 bytes in the
        # query come back as UTF-8 here, percent-escapes are decoded by parse_qs.
        params = parse_qs(req.query.encode("latin-1").decode("utf-8", "replace"))
        ctype = (req.header("content-type") or "").lower()
        if req.method in ("POST", "PUT") and ctype.startswith("application/x-www-form-urlencoded"):
            body = req.body.read_all(MAX_FORM_BODY)
            if body is None:
                raise ApiError("too_large", "Request body larger than %d bytes" % MAX_FORM_BODY)
            params += parse_qs(body.decode("utf-8", "replace"))
        return params

    # -- authentication -------------------------------------------------------

    def authenticate(self, ctx, params):
        """Find the user behind the request or raise 401.

        Sources in order: SessionID header, sessionID parameter, apiKey header,
        apiKey parameter, Authorization: Bearer (IMS token or OAuth access
        token).  The first one present decides; an invalid one is a 401 even
        if a later one would be valid.
        """
        req, cfg = ctx.req, ctx.cfg
        hdr = req.header if req is not None else (lambda name: None)
        sid = hdr("sessionid") or first(params, "sessionID")
        key = None if sid else (hdr("apikey") or first(params, "apiKey"))
        bearer = None
        if not sid and not key:
            auth = hdr("authorization") or ""
            if auth[:7].lower() == "bearer ":
                bearer = auth[7:].strip()
        st = self.state
        with st.lock:
            if sid:
                user = self._session_user(sid, cfg)
            elif key:
                user = next((u for u in self.store.rows("USER") if u.get("_apiKey") == key), None)
                if user is None:
                    raise ApiError("auth", "Invalid API key")
            elif bearer:
                if bearer == (cfg.get("ims_token") or IMS_TOKEN):
                    org = hdr("x-gw-ims-org-id")
                    if not org:
                        raise ApiError("ims_org", "Missing x-gw-ims-org-id header for IMS token")
                    if org != IMS_ORG:
                        raise ApiError("auth", "IMS token not valid for organization %s" % org)
                    self._count_ims(cfg)
                    user = self.store.get("USER", ADMIN_USER_ID)
                else:
                    user = wfims.bearer_user(self, bearer, hdr("x-gw-ims-org-id"), cfg)
                    if user is None:
                        user = self._session_user(bearer, cfg)
            else:
                raise ApiError("auth", "You are not currently logged in")
            if user is None:
                raise ApiError("auth", "The user of this session no longer exists")
        ctx.user = user
        return user

    def _session_user(self, sid, cfg):
        st = self.state
        s = st.sessions.get(sid)
        if s is None:
            raise ApiError("auth", "You are not currently logged in (invalid or expired session)")
        age = time.monotonic() - s.created
        ttl = int(cfg.get("session_ttl") or 0)
        maxreq = int(cfg.get("session_max_requests") or 0)
        if (ttl and age > ttl) or (s.ttl and age > s.ttl) or (maxreq and s.uses >= maxreq):
            del st.sessions[sid]
            raise ApiError("auth", "Your session has expired, please log in again")
        s.uses += 1
        return self.store.get("USER", s.user_id)

    def _count_ims(self, cfg):
        # session_max_requests applies to the IMS token as well: after N uses it
        # is refused until the test sets a new ims_token (or resets).
        maxreq = int(cfg.get("session_max_requests") or 0)
        st = self.state
        st.ims_uses += 1
        if maxreq and st.ims_uses > maxreq:
            raise ApiError("auth", "IMS access token expired")

    def new_session(self, user_id, kind="session", ttl=None):
        sid = secrets.token_hex(16)
        self.state.sessions[sid] = Session(user_id, kind, ttl)
        return sid

    # -- routing ------------------------------------------------------------

    def _serve(self, method, segs, params, ctx):
        """-> (status, payload)."""
        if not segs:
            raise ApiError("nopath", "No API resource given")
        head = segs[0].lower()
        if head == "login":
            return self._login(params, ctx)
        if head == "logout":
            return self._logout(params, ctx)
        # api-key actions authenticate with username/password themselves
        if objcode_for(segs[0]) == "USER" and len(segs) == 1 and first(params, "action") in \
                ("getApiKey", "generateApiKey", "clearApiKey") and first(params, "username") is not None:
            with self.state.lock:
                return self._apikey_action(first(params, "action"), params, None)
        self.authenticate(ctx, params)
        with self.state.inflight(ctx.user["ID"], ctx.cfg):
            self._delay(ctx)
            with self.state.lock:
                if head == "batch":
                    return self._batch(method, params, ctx)
                return self.route(method, segs, params, ctx)

    def route(self, method, segs, params, ctx):
        """Dispatch an authenticated request; holds the data lock.

        Writes run inside a journal so a failing write leaves nothing behind.
        """
        if method == "GET":
            return self._route(method, segs, params, ctx)
        store = self.store
        prev = store.begin()
        try:
            result = self._route(method, segs, params, ctx)
        except BaseException:
            store.rollback(prev)
            raise
        store.commit(prev)
        return result

    def _route(self, method, segs, params, ctx):
        if segs[0].lower() == "metadata" and len(segs) == 1:
            self._need(method, "GET")
            return data(self._metadata_all())
        code = objcode_for(segs[0])
        if code is None:
            raise ApiError("nopath", "Unknown object code %s" % segs[0], attributes=[segs[0]])
        t = SCHEMA[code]
        action = first(params, "action")
        if len(segs) == 1:
            ids = self._ids(params, ctx)
            if method == "GET":
                if not ids:
                    raise ApiError("bad_param", "An ID is required (use %s/search to search)" % segs[0],
                                   attributes=["id"])
                return self._get(code, ids, params, ctx)
            if method == "POST":
                if action:
                    return self._action_multi(code, ids, action, params, ctx)
                return self._create(code, params, ctx)
            if method == "PUT":
                if action:
                    return self._action_multi(code, ids, action, params, ctx)
                if ids:
                    return self._edit(code, ids, params, ctx)
                return self._bulk_edit(code, params, ctx)
            return self._delete(code, ids, params, ctx)
        sub = segs[1]
        if sub in ("search", "count", "report", "metadata") or sub in t.queries:
            if len(segs) > 2 or (code == "WORK" and sub not in t.queries + ["metadata"]):
                raise ApiError("nopath", "No API resource at %s" % "/".join(segs))
            self._need(method, "GET")
            if sub == "search":
                return self._search(code, params, ctx)
            if sub == "count":
                return self._count(code, params, ctx)
            if sub == "report":
                return self._report(code, params, ctx)
            if sub == "metadata":
                return data(self._metadata(code))
            return self._named_query(code, sub, params, ctx)
        if code in ("WORK", "ACSRUL"):
            raise ApiError("nopath", "No API resource at %s" % "/".join(segs))
        oid = self._special_id(sub.lower() if HEX32.match(sub.lower()) else sub, ctx)
        if len(segs) == 3:
            if method not in ("PUT", "POST"):
                raise ApiError("method", "Actions need PUT (or POST), not %s" % method)
            return self._action(code, oid, segs[2], params, ctx)
        if len(segs) > 3:
            raise ApiError("nopath", "No API resource at %s" % "/".join(segs))
        if method == "GET":
            return self._get(code, [oid], params, ctx, single=True)
        if method == "PUT":
            if action:
                return self._action(code, oid, action, params, ctx)
            return self._edit(code, [oid], params, ctx)
        if method == "DELETE":
            return self._delete(code, [oid], params, ctx)
        if action:
            return self._action(code, oid, action, params, ctx)
        raise ApiError("method", "POST creates objects: use POST /%s without an ID, or PUT to edit"
                       % segs[0])

    @staticmethod
    def _need(method, wanted):
        if method != wanted:
            raise ApiError("method", "This resource needs %s, not %s" % (wanted, method))

    @staticmethod
    def _special_id(oid, ctx):
        """$$USER stands for the caller's own user ID (the official
        workfront-api client reads GET /user/$$USER in its end-to-end test)."""
        if oid.upper() == "$$USER" and ctx.user is not None:
            return ctx.user["ID"]
        return oid

    def _ids(self, params, ctx=None):
        raw = first(params, "id")
        if not raw:
            return []
        # The basics page's own example writes "?id=X?force=true"; be as lenient.
        raw = raw.split("?")[0]
        return [self._special_id(i.strip().lower() if HEX32.match(i.strip().lower()) else i.strip(), ctx)
                for i in raw.split(",") if i.strip()]

    # -- login / logout / api keys -----------------------------------------------

    def _check_password(self, params):
        username = first(params, "username") or ""
        password = first(params, "password")
        user = next((u for u in self.store.rows("USER")
                     if u["username"].lower() == username.lower()), None)
        if user is None or password is None or user["_password"] != password or not user["isActive"]:
            raise ApiError("login", "Invalid username or password", attributes=["username"])
        return user

    def _login(self, params, ctx):
        with self.state.lock:
            user = self._check_password(params)
            sid = self.new_session(user["ID"])
            self.store.tables["USER"][user["ID"]]["lastLoginDate"] = now_text()
            self.state.logins += 1
        return data({"sessionID": sid, "userID": user["ID"], "isAdmin": user["isAdmin"],
                     "locale": "en_US", "timeZone": "America/Denver",
                     "timeZoneName": "Mountain Standard Time", "iso3Country": "USA",
                     "iso3Language": "eng", "currencySymbol": "$",
                     "versionInformation": {"currentAPIVersion": "22.0", "minimumAPIVersion": "15.0",
                                            "currentVersion": "2025.4", "buildNumber": "wfserver"}})

    def _logout(self, params, ctx):
        sid = ctx.req.header("sessionid") if ctx.req is not None else None
        sid = sid or first(params, "sessionID")
        with self.state.lock:
            if not sid or sid not in self.state.sessions:
                raise ApiError("auth", "You are not currently logged in")
            del self.state.sessions[sid]
        return data({"success": True})

    def _apikey_action(self, action, params, user):
        if user is None:
            user = self._check_password(params)
        row = self.store.tables["USER"][user["ID"]]
        if action == "getApiKey":
            if not row.get("_apiKey"):
                row["_apiKey"] = secrets.token_hex(16)
            return data({"result": row["_apiKey"]})
        if action == "generateApiKey":
            row["_apiKey"] = secrets.token_hex(16)
            return data({"result": row["_apiKey"]})
        row["_apiKey"] = None
        return data({"success": True})

    # -- reads ----------------------------------------------------------------

    def _get(self, code, ids, params, ctx, single=False):
        tree = Q.parse_fields(code, first(params, "fields"), ctx.version)
        rows = []
        for oid in ids:
            row = self.store.get(code, oid)
            if row is None:
                raise ApiError("notfound", "%s with ID %s not found" % (SCHEMA[code].label, oid),
                               attributes=[oid])
            rows.append(Q.project(self.store, code, row, tree))
        # /OBJ/ID and /OBJ?id=ID (one ID) give the object; several IDs an array.
        if single or len(rows) == 1:
            return data(rows[0])
        if truthy(first(params, "map")):
            return data({r["ID"]: r for r in rows})
        return data(rows)

    def _select(self, code, params, ctx, rows=None):
        groups = Q.build_filters(code, params, ctx.version)
        src = self.store.rows(code) if rows is None else rows
        return [r for r in src if Q.matches(self.store, code, r, groups)]

    def _search(self, code, params, ctx, rows=None):
        tree = Q.parse_fields(code, first(params, "fields"), ctx.version)
        sort = Q.parse_sort(code, params, ctx.version)
        start, limit = Q.parse_paging(params)
        hits = self._select(code, params, ctx, rows)
        if sort:
            hits = Q.sort_rows(self.store, code, list(hits), sort)
        # a server that does not page: the same first page every time, or everything
        paging = ctx.cfg.get("paging") or ""
        if paging == "ignore_first":
            start = 0
        elif paging == "ignore":
            start, limit = 0, len(hits)
        page = [Q.project(self.store, code, r, tree) for r in hits[start:start + limit]]
        if truthy(first(params, "map")):
            return data({r["ID"]: r for r in page})
        return data(page)

    def _count(self, code, params, ctx):
        return data({"count": len(self._select(code, params, ctx))})

    def _report(self, code, params, ctx):
        groups, aggs = Q.parse_report(code, params, ctx.version)
        hits = self._select(code, params, ctx)
        return data(Q.report(self.store, code, hits, groups, aggs, truthy(first(params, "$$ROLLUP"))))

    def _named_query(self, code, name, params, ctx):
        """Named queries (all take the usual filters, fields, sort, paging):
        /work/myWork        tasks and issues assigned to the caller, not complete
        /task/myTasks       tasks assigned to the caller, not complete
        /optask/myRequests  issues the caller entered
        """
        uid = ctx.user["ID"]
        st = self.store
        if name == "myWork":
            rows = [r for c in ("TASK", "OPTASK") for r in st.children(c, "assignedToID", uid)
                    if not str(r.get("status", "")).startswith(("CPL", "CLS"))]
            rows.sort(key=lambda r: r["ID"])
        elif name == "myTasks":
            rows = [r for r in st.children("TASK", "assignedToID", uid)
                    if not str(r.get("status", "")).startswith("CPL")]
        else:
            rows = list(st.children("OPTASK", "enteredByID", uid))
        return self._search(code, params, ctx, rows)

    # -- metadata ---------------------------------------------------------------

    def _metadata_all(self):
        return {"objects": {code: {"objCode": code, "name": t.label, "label": t.label,
                                   "aliases": list(t.aliases)} for code, t in SCHEMA.items()},
                "apiVersions": ["15.0", "16.0", "17.0", "18.0", "19.0", "20.0", "21.0", "22.0",
                                "unsupported"]}

    def _metadata(self, code):
        t = SCHEMA[code]
        ftypes = {"string": "string", "int": "int", "double": "double", "date": "dateTime",
                  "bool": "boolean", "enum": "string", "id": "string"}
        fields = {}
        for name, ftype in t.fields.items():
            flags = ["FILTERABLE", "SORTABLE", "GROUPABLE"]
            if name in t.readonly:
                flags.append("READ_ONLY")
            if name in t.required:
                flags.append("REQUIRED")
            if ftype == "id":
                flags.append("ID")
            f = {"label": re.sub(r"(?<!^)(?=[A-Z])", " ", name).title().replace("I D", "ID"),
                 "fieldType": ftypes[ftype], "flags": flags}
            if name in t.enums:
                f["enumType"] = code + "." + name
                f["enumValues"] = list(t.enums[name])
            fields[name] = f
        return {
            "objCode": code, "name": t.label, "label": t.label, "aliases": list(t.aliases),
            "fields": fields,
            "references": {n: {"objCode": tgt, "label": n, "referenceField": idf}
                           for n, (tgt, idf) in t.refs.items()},
            "collections": {n: {"objCode": tgt, "label": n, "foreignKey": fk,
                                "privatelyOwned": fk is None or (code, n) == ("TASK", "assignments")}
                            for n, (tgt, fk) in t.colls.items()},
            "custom": {n: {"fieldType": ft} for n, ft in t.params.items()},
            "actions": {a: {"label": a, "arguments": _ACTION_ARGS.get(a, [])} for a in t.actions},
            "queries": {q: {"label": q} for q in t.queries},
            "search": sorted(Q.MODIFIERS),
            "defaultFields": list(t.defaults),
            "limits": {"defaultLimit": DEFAULT_LIMIT, "maxLimit": MAX_LIMIT,
                       "maxFieldDepth": MAX_FIELD_DEPTH, "maxBulk": MAX_BULK},
        }

    # -- writes -----------------------------------------------------------------

    def _updates(self, params):
        raw = first(params, "updates")
        if raw is None:
            return None
        try:
            return lenient_json(raw)
        except ValueError as e:
            raise ApiError("bad_param", "Invalid JSON in updates: %s" % e, attributes=["updates"])

    def _field_params(self, code, params, ctx, skip=()):
        """Plain field=value parameters of a create/edit, in order."""
        t = SCHEMA[code]
        out = {}
        for k, v in params:
            if k in Q.RESERVED or k.startswith("$$") or k in skip:
                continue
            if k in t.fields or k.startswith("DE:") or k in t.colls or k in t.refs:
                out[k] = v
            else:
                raise Q.bad_field(code, k, ctx.version)
        return out

    def _coerce(self, code, name, value, ctx):
        t = SCHEMA[code]
        ftype = t.params.get(name, "string") if name.startswith("DE:") else t.fields[name]

        def bad(why):
            return ApiError("validation", "Invalid value for %s.%s: %s" % (t.label, name, why),
                            attributes=[name])
        if value is None or (value == "" and ftype not in ("string", "list")):
            if name in t.required:
                raise ApiError("validation", "%s is required for %s" % (name, t.label), attributes=[name])
            return None
        if ftype in ("string", "enum", "id"):
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, (int, float)):
                value = json.dumps(value)
            elif not isinstance(value, str):
                raise bad("expected a string")
            if ftype == "enum" and name in t.enums and value not in t.enums[name]:
                raise bad("'%s' is not one of %s" % (value, ", ".join(t.enums[name])))
            if ftype == "id":
                value = value.lower() if HEX32.match(value.lower()) else value
                target = next((tg for (tg, idf) in t.refs.values() if idf == name), None)
                if target and self.store.get(target, value) is None:
                    raise ApiError("validation", "%s with ID %s does not exist (%s)"
                                   % (SCHEMA[target].label, value, name), attributes=[name])
            return value
        if ftype in ("int", "double"):
            try:
                if isinstance(value, bool) or isinstance(value, (list, dict)):
                    raise ValueError
                if ftype == "double":
                    num = float(value)
                    if not math.isfinite(num):
                        raise ValueError
                elif isinstance(value, float):
                    if not value.is_integer():
                        raise ValueError
                    num = int(value)
                else:
                    num = int(value)
            except (TypeError, ValueError, OverflowError):
                raise bad("'%s' is not a number" % (value,))
            return num
        if ftype == "bool":
            if isinstance(value, bool):
                return value
            if str(value).lower() in ("true", "1"):
                return True
            if str(value).lower() in ("false", "0"):
                return False
            raise bad("'%s' is not a boolean" % (value,))
        if ftype == "date":
            dt = parse_date(value) if isinstance(value, str) else None
            if dt is None:
                raise bad("'%s' is not a date" % (value,))
            return fmt_date(dt)
        if ftype == "list":
            if isinstance(value, str):
                return [value]
            if isinstance(value, list) and all(isinstance(x, str) for x in value):
                return list(value)
            raise bad("expected a list of strings")
        return value

    def _apply(self, code, row, values, ctx, creating):
        """Set values (a dict from updates= or field parameters) on row (a copy).

        Returns the privately owned collections to write afterwards.
        """
        t = SCHEMA[code]
        owned = {}
        for name, value in values.items():
            if name in ("ID", "objCode"):
                continue
            if name.startswith("DE:"):
                row.setdefault("_params", {})[name] = self._coerce(code, name, value, ctx)
            elif name == "parameterValues" and isinstance(value, dict):
                for k, v in value.items():
                    if not k.startswith("DE:"):
                        raise Q.bad_field(code, k, ctx.version)
                    row.setdefault("_params", {})[k] = self._coerce(code, k, v, ctx)
            elif name in t.fields:
                if name in t.readonly and not (creating and name in ("projectID", "taskID", "opTaskID")):
                    raise ApiError("validation", "%s.%s is read-only" % (t.label, name), attributes=[name])
                row[name] = self._coerce(code, name, value, ctx)
            elif name in t.colls and (code, name) in (("TASK", "assignments"), ("PROJ", "accessRules")):
                if not isinstance(value, list):
                    value = [] if value in (None, "") else None
                if value is None or not all(isinstance(x, dict) for x in value):
                    raise ApiError("validation", "%s must be a list of objects" % name, attributes=[name])
                owned[name] = value
            elif name == "currentVersion" and code == "DOCU":
                owned[name] = value
            elif name in t.colls or name in t.refs:
                raise ApiError("validation", "%s.%s cannot be set here" % (t.label, name), attributes=[name])
            else:
                raise Q.bad_field(code, name, ctx.version)
        for name in t.required:
            if row.get(name) in (None, ""):
                raise ApiError("validation", "%s is required for %s" % (name, t.label), attributes=[name])
        return owned

    def _write_owned(self, code, row, owned, ctx):
        st = self.store
        if "assignments" in owned:
            for a in list(st.children("ASSGN", "taskID", row["ID"])):
                st.delete("ASSGN", a["ID"])
            first_user = None
            for spec in owned["assignments"]:
                a = _blank("ASSGN")
                a.update({"ID": st.new_id(), "taskID": row["ID"], "projectID": row.get("projectID"),
                          "status": "A", "assignmentPercent": 100.0})
                self._apply("ASSGN", a, {k: v for k, v in spec.items() if k != "taskID"}, ctx, True)
                st.insert("ASSGN", a)
                first_user = first_user or a.get("assignedToID")
            st.update("TASK", row["ID"], {"assignedToID": first_user})
        if "accessRules" in owned:
            rules = []
            for spec in owned["accessRules"]:
                rule = _blank("ACSRUL")
                rule["ID"] = st.new_id()
                rule["ancestorID"] = row["ID"]
                self._apply("ACSRUL", rule, spec, ctx, True)
                rules.append(rule)
            st.update("PROJ", row["ID"], {"_accessRules": rules})
        if "currentVersion" in owned:
            self._document_version(row, owned["currentVersion"])

    def _create_row(self, code, values, ctx, source=None):
        st = self.store
        t = SCHEMA[code]
        if code in ("WORK", "ACSRUL", "DOCV"):
            raise ApiError("method", "%s objects cannot be created directly" % t.label)
        row = copy_row(source) if source else _blank(code)
        row["ID"] = st.new_id()
        row["objCode"] = code
        now = now_text()
        for f in ("entryDate", "lastUpdateDate"):
            if f in t.fields:
                row[f] = now
        if source is None:
            row.update(_DEFAULTS.get(code, {}))
            if "enteredByID" in t.fields:
                row["enteredByID"] = ctx.user["ID"]
            if code in ("PROJ", "DOCU", "HOUR") and "ownerID" in t.fields:
                row["ownerID"] = ctx.user["ID"]
        if code == "DOCU":
            values = dict(values)
            handle = values.pop("handle", None)
            if not handle or handle not in self.state.uploads:
                raise ApiError("validation", "Unknown or missing upload handle", attributes=["handle"])
            row["handle"] = handle
        owned = self._apply(code, row, values, ctx, True)
        if code == "TASK":
            row["taskNumber"] = st.next_number("TASK#" + row["projectID"])
            row["referenceNumber"] = st.next_number("TASK.ref")
            row["wbs"] = str(row["taskNumber"])
            row["numberOfChildren"] = 0
            row["lastUpdatedByID"] = ctx.user["ID"]
        elif code in ("PROJ", "OPTASK"):
            row["referenceNumber"] = st.next_number(code + ".ref")
        elif code == "USER":
            row["name"] = ("%s %s" % (row.get("firstName") or "", row.get("lastName") or "")).strip()
            row.setdefault("_password", None)
            row["_apiKey"] = None
            if any(u["username"].lower() == row["username"].lower() for u in st.rows("USER")):
                raise ApiError("validation", "Username %s is already taken" % row["username"],
                               attributes=["username"])
        elif code == "DOCU":
            self._document_target(row)
        if code == "PROJ":
            row["_accessRules"] = [dict(r) for r in row.get("_accessRules", [])] if source else []
        st.insert(code, row)
        self._write_owned(code, row, owned, ctx)
        if code == "TASK" and row.get("assignedToID") and "assignments" not in owned and source is None:
            self._write_owned(code, row, {"assignments": [{"assignedToID": row["assignedToID"]}]}, ctx)
        if code == "TASK" and row.get("parentID"):
            self._recount(row["parentID"])
        if code == "DOCU" and "currentVersion" not in owned:
            self._document_version(row, {"version": "v1.0", "fileName": row["name"]})
        return st.get(code, row["ID"])

    def _create(self, code, params, ctx):
        updates = self._updates(params)
        tree = Q.parse_fields(code, first(params, "fields"), ctx.version)
        if isinstance(updates, list):                       # bulk create
            self._bulk_check(updates)
            rows = [self._create_row(code, self._merge(u, {}), ctx) for u in updates]
            return data([Q.project(self.store, code, r, tree) for r in rows])
        values = self._merge(updates, self._field_params(code, params, ctx, skip=("copySourceID",)))
        src_id = first(params, "copySourceID")
        if src_id:
            source = self.store.get(code, src_id.lower())
            if source is None:
                raise ApiError("notfound", "%s with ID %s not found (copySourceID)" % (SCHEMA[code].label, src_id),
                               attributes=["copySourceID"])
            if not SCHEMA[code].copyable:
                raise ApiError("bad_param", "%s objects cannot be copied" % SCHEMA[code].label)
            row = self._copy(code, source, values, ctx)
        else:
            row = self._create_row(code, values, ctx)
        return data(Q.project(self.store, code, row, tree))

    def _copy(self, code, source, values, ctx):
        st = self.store
        row = self._create_row(code, values, ctx, source=source)
        if code == "TASK":
            for a in list(st.children("ASSGN", "taskID", source["ID"])):
                st.insert("ASSGN", dict(a, ID=st.new_id(), taskID=row["ID"], projectID=row["projectID"]))
        if code == "PROJ":
            # A project copy brings its tasks (new IDs, parent links remapped).
            mapping = {}
            tasks = list(st.children("TASK", "projectID", source["ID"]))
            for task in tasks:
                new = copy_row(task)
                new["ID"] = mapping[task["ID"]] = st.new_id()
                new["projectID"] = row["ID"]
                new["entryDate"] = new["lastUpdateDate"] = now_text()
                st.insert("TASK", new)
            for task in tasks:
                if task.get("parentID") in mapping:
                    st.update("TASK", mapping[task["ID"]], {"parentID": mapping[task["parentID"]]})
                elif task.get("parentID"):
                    st.update("TASK", mapping[task["ID"]], {"parentID": None})
            st.counters["TASK#" + row["ID"]] = max([t["taskNumber"] for t in tasks] or [0])
        return st.get(code, row["ID"])

    @staticmethod
    def _merge(updates, fields):
        if updates is not None and not isinstance(updates, dict):
            raise ApiError("bad_param", "updates must be a JSON object (or an array for bulk)",
                           attributes=["updates"])
        merged = dict(updates or {})
        merged.update(fields)
        return merged

    @staticmethod
    def _bulk_check(updates):
        if len(updates) > MAX_BULK:
            raise ApiError("bulk_limit", "Bulk requests are limited to %d objects, got %d"
                           % (MAX_BULK, len(updates)), attributes=["updates"])
        if not all(isinstance(u, dict) for u in updates):
            raise ApiError("bad_param", "Bulk updates must be an array of objects", attributes=["updates"])

    def _edit_row(self, code, oid, values, ctx):
        st = self.store
        t = SCHEMA[code]
        if code in ("WORK", "ACSRUL"):
            raise ApiError("method", "%s objects cannot be edited directly" % t.label)
        old = st.get(code, oid)
        if old is None:
            raise ApiError("notfound", "%s with ID %s not found" % (t.label, oid), attributes=[oid])
        row = copy_row(old)
        if code == "DOCU":
            values = {k: v for k, v in values.items() if k != "handle"}
        owned = self._apply(code, row, values, ctx, False)
        if "lastUpdateDate" in t.fields:
            row["lastUpdateDate"] = now_text()
        if "lastUpdatedByID" in t.fields:
            row["lastUpdatedByID"] = ctx.user["ID"]
        if code == "USER":
            row["name"] = ("%s %s" % (row.get("firstName") or "", row.get("lastName") or "")).strip()
        if code == "TASK":
            if row.get("parentID") == oid:
                raise ApiError("validation", "A task cannot be its own parent", attributes=["parentID"])
        if code == "TASK" and row.get("projectID") != old.get("projectID"):
            self._move(oid, row["projectID"], ctx, row)
        else:
            st.update(code, oid, row)
        if code == "TASK" and "assignedToID" in values and "assignments" not in owned:
            owned["assignments"] = [{"assignedToID": row["assignedToID"]}] if row["assignedToID"] else []
        self._write_owned(code, st.get(code, oid), owned, ctx)
        if code == "TASK" and old.get("parentID") != row.get("parentID"):
            for p in (old.get("parentID"), row.get("parentID")):
                if p:
                    self._recount(p)
        return st.get(code, oid)

    def _edit(self, code, ids, params, ctx):
        """PUT /OBJ/ID or /OBJ?id=a[,b]: the same values on each object."""
        updates = self._updates(params)
        if isinstance(updates, list):
            raise ApiError("bad_param", "Bulk updates go to /%s without an ID" % code.lower(),
                           attributes=["updates"])
        values = self._merge(updates, self._field_params(code, params, ctx))
        tree = Q.parse_fields(code, first(params, "fields"), ctx.version)
        out = [Q.project(self.store, code, self._edit_row(code, i, values, ctx), tree) for i in ids]
        return data(out[0] if len(out) == 1 else out)

    def _bulk_edit(self, code, params, ctx):
        """PUT /OBJ?updates=[{ID:..},...]: all or nothing, at most 100 objects."""
        updates = self._updates(params)
        if not isinstance(updates, list):
            raise ApiError("bad_param", "PUT /%s needs an ID, id= or an updates array" % code.lower(),
                           attributes=["id"])
        self._bulk_check(updates)
        tree = Q.parse_fields(code, first(params, "fields"), ctx.version)
        out = []
        for u in updates:
            oid = u.get("ID")
            if not isinstance(oid, str):
                raise ApiError("validation", "Every object of a bulk edit needs an ID", attributes=["ID"])
            out.append(Q.project(self.store, code, self._edit_row(code, oid.lower(), u, ctx), tree))
        return data(out)

    def _recount(self, parent_id):
        if self.store.get("TASK", parent_id) is not None:
            self.store.update("TASK", parent_id,
                              {"numberOfChildren": len(self.store.children("TASK", "parentID", parent_id))})

    # -- delete -----------------------------------------------------------------

    def _dependants(self, code, oid):
        st = self.store
        if code == "PROJ":
            return (st.children("TASK", "projectID", oid) + st.children("OPTASK", "projectID", oid)
                    + st.children("HOUR", "projectID", oid))
        if code == "TASK":
            return st.children("TASK", "parentID", oid)
        return []

    def _delete_row(self, code, oid, force):
        st = self.store
        t = SCHEMA[code]
        row = st.get(code, oid) if code in TABLES else None
        if row is None:
            raise ApiError("notfound", "%s with ID %s not found" % (t.label, oid), attributes=[oid])
        if code == "USER" and oid == ADMIN_USER_ID:
            raise ApiError("validation", "The administrator cannot be deleted")
        deps = self._dependants(code, oid)
        if deps and not force:
            raise ApiError("conflict", "Cannot delete %s %s: it has %d dependent object(s); "
                           "use force=true to delete them too" % (t.label, oid, len(deps)),
                           attributes=["force"])
        for d in list(deps):
            if st.get(d["objCode"], d["ID"]) is not None:
                self._delete_row(d["objCode"], d["ID"], True)
        if code == "TASK":
            for a in list(st.children("ASSGN", "taskID", oid)):
                st.delete("ASSGN", a["ID"])
            for h in list(st.children("HOUR", "taskID", oid)):
                st.update("HOUR", h["ID"], {"taskID": None})
        doc_fk = {"PROJ": "projectID", "TASK": "taskID", "OPTASK": "opTaskID"}.get(code)
        if doc_fk:
            for doc in list(st.children("DOCU", doc_fk, oid)):
                self._delete_row("DOCU", doc["ID"], True)
        if code == "DOCU":
            for v in list(st.children("DOCV", "documentID", oid)):
                st.delete("DOCV", v["ID"])
        st.delete(code, oid)
        if code != "JRNLE":
            parent = {"TASK": "PROJ", "OPTASK": "PROJ", "HOUR": "PROJ"}.get(code)
            st.insert("JRNLE", {"ID": st.new_id(), "objCode": "JRNLE", "changeType": "D", "subObjCode": code,
                                "subObjID": oid, "objObjCode": parent or code,
                                "objID": (row.get("projectID") if parent else oid) or oid,
                                "entryDate": now_text(), "aux2": row.get("name")})
        if code == "TASK" and row.get("parentID"):
            self._recount(row["parentID"])

    def _delete(self, code, ids, params, ctx):
        if not ids:
            raise ApiError("bad_param", "DELETE needs an ID", attributes=["id"])
        force = truthy(first(params, "force")) or "force=true" in (first(params, "id") or "")
        for oid in ids:
            self._delete_row(code, oid, force)
        return data({"success": True})

    # -- actions ----------------------------------------------------------------

    def _action_multi(self, code, ids, action, params, ctx):
        if code == "USER" and action in ("getApiKey", "generateApiKey", "clearApiKey") and not ids:
            return self._apikey_action(action, params, ctx.user)
        if not ids:
            raise ApiError("bad_param", "Action %s needs an object ID" % action, attributes=["id"])
        result = None
        for oid in ids:
            result = self._action(code, oid, action, params, ctx)
        return result

    def _action(self, code, oid, action, params, ctx):
        """Actions.  Void ones answer {"data":{"success":true}}, the api-key
        ones {"data":{"result":"<key>"}}."""
        st = self.store
        t = SCHEMA[code]
        row = st.get(code, oid) if code in TABLES else None
        if row is None:
            raise ApiError("notfound", "%s with ID %s not found" % (t.label, oid), attributes=[oid])
        if action not in t.actions:
            raise ApiError("bad_param", "Unknown action %s for %s" % (action, t.label), attributes=["action"])
        arg = lambda k: first(params, k)  # noqa: E731
        if action == "move":
            pid = (arg("projectID") or "").lower()
            if not pid:
                raise ApiError("validation", "move needs projectID", attributes=["projectID"])
            if st.get("PROJ", pid) is None:
                raise ApiError("validation", "Project with ID %s does not exist" % pid, attributes=["projectID"])
            self._move(oid, pid, ctx)
        elif action in ("markDone", "markNotDone"):
            done = action == "markDone"
            if code == "TASK":
                st.update(code, oid, {"status": "CPL" if done else "INP",
                                      "percentComplete": 100.0 if done else row["percentComplete"],
                                      "lastUpdateDate": now_text()})
            else:
                st.update(code, oid, {"status": "CLS" if done else "INP", "lastUpdateDate": now_text()})
        elif action == "share":
            acc = arg("accessorID")
            if not acc:
                raise ApiError("validation", "share needs accessorID", attributes=["accessorID"])
            acc_code = (arg("accessorObjCode") or "USER").upper()
            if acc_code == "USER" and st.get("USER", acc.lower()) is None:
                raise ApiError("validation", "User with ID %s does not exist" % acc, attributes=["accessorID"])
            rules = [r for r in row.get("_accessRules", []) if r["accessorID"] != acc]
            rules.append({"ID": st.new_id(), "objCode": "ACSRUL", "accessorID": acc,
                          "accessorObjCode": acc_code, "coreAction": (arg("coreAction") or "VIEW").upper(),
                          "forbiddenActions": None, "secondaryActions": None, "ancestorID": oid})
            st.update(code, oid, {"_accessRules": rules})
        elif action == "unshare":
            acc = arg("accessorID")
            st.update(code, oid, {"_accessRules": [r for r in row.get("_accessRules", [])
                                                   if r["accessorID"] != acc]})
        elif action in ("getApiKey", "generateApiKey", "clearApiKey"):
            if oid != ctx.user["ID"] and not ctx.user["isAdmin"]:
                raise ApiError("forbidden", "Only an administrator can manage other users' API keys")
            return self._apikey_action(action, params, row)
        # calculateTimeline, calculateFinance, approvals ...: nothing to do here.
        return data({"success": True})

    def _move(self, oid, pid, ctx, row=None):
        """Move a task (and its subtasks) to project pid."""
        st = self.store
        task = row or copy_row(st.get("TASK", oid))
        old_parent = st.get("TASK", oid).get("parentID")
        task["projectID"] = pid
        task["taskNumber"] = st.next_number("TASK#" + pid)
        task["wbs"] = str(task["taskNumber"])
        task["lastUpdateDate"] = now_text()
        if task.get("parentID") and (st.get("TASK", task["parentID"]) or {}).get("projectID") != pid:
            task["parentID"] = None
        st.update("TASK", oid, task)
        for a in list(st.children("ASSGN", "taskID", oid)):
            st.update("ASSGN", a["ID"], {"projectID": pid})
        for child in list(st.children("TASK", "parentID", oid)):
            if child["projectID"] != pid:
                self._move(child["ID"], pid, ctx)
        if old_parent and old_parent != task.get("parentID"):
            self._recount(old_parent)
        return st.get("TASK", oid)

    # -- documents ----------------------------------------------------------------

    def _document_target(self, row):
        code = objcode_for(row.get("docObjCode") or "")
        if code not in ("PROJ", "TASK", "OPTASK", "USER"):
            raise ApiError("validation", "docObjCode must be PROJ, TASK, OPTASK or USER",
                           attributes=["docObjCode"])
        row["docObjCode"] = code
        oid = (row.get("objID") or "").lower()
        if self.store.get(code, oid) is None:
            raise ApiError("validation", "%s with ID %s does not exist (objID)" % (SCHEMA[code].label, oid),
                           attributes=["objID"])
        row["objID"] = oid
        row["projectID"] = oid if code == "PROJ" else None
        row["taskID"] = oid if code == "TASK" else None
        row["opTaskID"] = oid if code == "OPTASK" else None

    def _document_version(self, row, spec):
        if not isinstance(spec, dict):
            raise ApiError("validation", "currentVersion must be an object", attributes=["currentVersion"])
        st = self.store
        up = self.state.uploads.get(row.get("handle")) or {}
        vid = st.new_id()
        st.insert("DOCV", {"ID": vid, "objCode": "DOCV", "documentID": row["ID"],
                           "version": str(spec.get("version") or "v1.0"),
                           "fileName": str(spec.get("fileName") or row.get("name")),
                           "fileSize": up.get("size"), "handle": row.get("handle"),
                           "fileHash": up.get("sha256"), "entryDate": now_text(),
                           "downloadURL": "%s?ID=%s&versionID=%s" % (DOWNLOAD_PATH, row["ID"], vid)})
        st.update("DOCU", row["ID"], {"currentVersionID": vid,
                                      "downloadURL": "%s?ID=%s" % (DOWNLOAD_PATH, row["ID"])})

    def _download(self, req, ctx):
        """GET /document/download?ID=<doc>[&versionID=<ver>]: the file itself,
        with the API's credentials.  Seeded versions have generated content
        (fixed per version); uploaded ones give back what was uploaded."""
        params = parse_qs(req.query)
        if req.method not in ("GET", "HEAD"):
            raise ApiError("method", "download needs GET")
        req.effective_method = req.method
        self.authenticate(ctx, params)
        with self.state.lock:
            st = self.store
            doc = st.get("DOCU", (first(params, "ID") or "").lower())
            if doc is None:
                raise ApiError("notfound", "No document with ID %s" % first(params, "ID"))
            vid = (first(params, "versionID") or doc.get("currentVersionID") or "").lower()
            ver = st.get("DOCV", vid)
            if ver is None or ver.get("documentID") != doc["ID"]:
                raise ApiError("notfound", "No version %s of document %s" % (vid, doc["ID"]))
            up = self.state.uploads.get(ver.get("handle")) if ver.get("fileHash") else None
        if up is not None:
            body = up.get("_content")
            if body is None:
                raise ApiError("notfound", "The test server keeps uploads of at most %d bytes" % KEEP_UPLOAD)
        else:
            body = version_content(ver)
        name = ver.get("fileName") or "file"
        disp = "attachment; filename*=UTF-8''%s" % urllib.parse.quote(name, safe="")
        resp = Response(200, body, [("Content-Disposition", disp)], content_type="application/octet-stream")
        resp.cut = bool(ctx.cfg.get("cut_download"))
        resp.stall = bool(ctx.cfg.get("stall_download"))
        return resp

    # -- event subscriptions -------------------------------------------------------

    def _subscriptions(self, req, rest, ctx):
        """The Event Subscription API as Adobe documents it: POST (JSON body)
        -> 201 + Location, no body; GET with page/limit -> {"subscriptions",
        "meta"}; GET /<id>; DELETE /<id> -> 200, no body.  401 without
        credentials, 403 for a user who is not a System Administrator.
        Errors are small JSON objects, not the API's envelope."""
        def fail(status, msg):
            return Response(status, json.dumps({"message": msg}).encode())
        params = parse_qs(req.query)
        req.effective_method = req.method
        try:
            user = self.authenticate(ctx, params)
        except ApiError as e:
            return fail(401, e.message)
        if not user.get("isAdmin"):
            return fail(403, "The user does not have administrator access")
        sid = rest.strip("/")
        subs = self.state.subscriptions
        if req.method == "POST" and not sid:
            ctype = (req.header("content-type") or "").lower()
            if not ctype.startswith("application/json"):
                return fail(400, "Content-Type must be application/json")
            raw = req.body.read_all(1 << 20)
            try:
                body = json.loads(raw.decode("utf-8")) if raw is not None else None
            except (UnicodeDecodeError, ValueError):
                body = None
            if not isinstance(body, dict):
                return fail(400, "The body must be a subscription resource (a JSON object)")
            for k in ("objCode", "eventType", "url", "authToken"):
                if not isinstance(body.get(k), str) or not body.get(k):
                    return fail(400, "%s is required" % k)
            if body["eventType"] not in SUBS_EVENTS:
                return fail(400, "Unknown eventType %s" % body["eventType"])
            u = urllib.parse.urlsplit(body["url"])
            if u.scheme not in ("http", "https") or not u.netloc:
                return fail(400, "The URL field of the subscription resource is invalid")
            new_id = "%08x-%04x-%04x-%04x-%012x" % tuple(secrets.randbits(b) for b in (32, 16, 16, 16, 48))
            row = {"id": new_id, "customerId": CUSTOMER_ID_FOR_SUBS, "objId": body.get("objId"),
                   "objCode": body["objCode"], "url": body["url"], "eventType": body["eventType"],
                   "authToken": body["authToken"], "version": "v2"}
            for k in ("filters", "filterConnector", "base64Encoding"):
                if k in body:
                    row[k] = body[k]
            with self.state.lock:
                subs[new_id] = row
            scheme = "http" if getattr(req, "listener", "http") == "http" else "https"
            host = req.header("host") or "localhost"
            return Response(201, b"", [("Location", "%s://%s%s/%s" % (scheme, host, SUBS_PATH, new_id))],
                            content_type=None)
        if req.method == "GET" and not sid:
            try:
                page = int(first(params, "page") or 1)
                limit = int(first(params, "limit") or 100)
            except ValueError:
                return fail(400, "page and limit must be numbers")
            if page < 1 or limit < 1 or limit > 1000:
                return fail(400, "page must be 1 or more and limit between 1 and 1000")
            with self.state.lock:
                rows = list(subs.values())
            part = rows[(page - 1) * limit: page * limit]
            meta = {"page": page, "page_count": max(1, -(-len(rows) // limit)), "limit": limit,
                    "total_count": len(rows)}
            return Response(200, json.dumps({"subscriptions": part, "meta": meta}).encode())
        if sid and "/" not in sid and req.method in ("GET", "DELETE"):
            with self.state.lock:
                row = subs.get(sid)
                if row is not None and req.method == "DELETE":
                    del subs[sid]
            if row is None:
                return fail(404, "No event subscription with ID %s" % sid)
            if req.method == "DELETE":
                return Response(200, b"", content_type=None)
            return Response(200, json.dumps(row).encode())
        return fail(405 if not sid or "/" not in sid else 404, "%s is not supported here" % req.method)

    # -- batch --------------------------------------------------------------------

    def _batch(self, method, params, ctx):
        """POST /batch with repeated uri= (each '/task/search?x=y', method= inside
        for writes, with or without the /attask/api/<v> prefix).

        Non-atomic: {"data":[<envelope of item 1>, ...]}, each {"data":..} or
        {"error":..}; items after a failure still run.  atomic=true: every
        item runs in one journal; the first failure rolls all of them back
        and its error envelope is the answer; success is {"data":{"success":true}}
        (the basics page: "Atomic batch operations can only return success: true
        or an error").  concurrent=true is accepted and ignored.
        """
        uris = [v for k, v in params if k == "uri"]
        if not uris:
            raise ApiError("bad_param", "batch needs at least one uri parameter", attributes=["uri"])
        if len(uris) > MAX_BATCH:
            raise ApiError("bulk_limit", "A batch is limited to %d requests, got %d" % (MAX_BATCH, len(uris)),
                           attributes=["uri"])
        atomic = truthy(first(params, "atomic"))
        store = self.store
        outer = store.begin() if atomic else None
        results = []
        try:
            for uri in uris:
                path, _, query = uri.partition("?")
                sub = parse_qs(query)
                m = API_RE.match(path)
                segs = [s for s in ((m.group(2) or "") if m else path).split("/") if s]
                sub_method = (first(sub, "method") or "GET").upper()
                try:
                    if not segs or segs[0].lower() in ("batch", "login", "logout", "upload", "__test"):
                        raise ApiError("bad_param", "%s cannot be used inside a batch" % uri, attributes=["uri"])
                    if sub_method not in ("GET", "POST", "PUT", "DELETE"):
                        raise ApiError("method", "Unsupported method %s in batch item" % sub_method)
                    status, payload = self.route(sub_method, segs, sub, ctx)
                    results.append(payload)
                except ApiError as e:
                    if atomic:
                        raise
                    results.append(e.envelope())
        except BaseException:
            if atomic:
                store.rollback(outer)
            raise
        if atomic:
            store.commit(outer)
            return data({"success": True})
        return data(results)

    # -- upload -------------------------------------------------------------------

    def _upload(self, req, ctx):
        params = parse_qs(req.query)
        method = (first(params, "method") or req.method).upper()
        if method != "POST":
            raise ApiError("method", "upload needs POST")
        self.authenticate(ctx, params)
        ctype = req.header("content-type") or ""
        m = re.search(r'boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))', ctype, re.I)
        if not ctype.lower().startswith("multipart/form-data") or not m:
            raise ApiError("validation", "upload needs a multipart/form-data body with a boundary")
        length = req.header("content-length")
        if length and length.isdigit() and int(length) > MAX_UPLOAD:
            raise ApiError("too_large", "Upload larger than %d bytes" % MAX_UPLOAD)
        boundary = (m.group(1) or m.group(2)).encode("latin-1")
        found = None
        for headers, chunks in Multipart(req.body, boundary).parts():
            disp = _disposition(headers.get("content-disposition"))
            if disp.get("name") == "uploadedFile" and found is None:
                h = hashlib.sha256()
                size = 0
                kept = []
                for chunk in chunks:
                    h.update(chunk)
                    size += len(chunk)
                    if size <= KEEP_UPLOAD:
                        kept.append(bytes(chunk))
                    if req.body.consumed > MAX_UPLOAD:
                        raise ApiError("too_large", "Upload larger than %d bytes" % MAX_UPLOAD)
                found = {"size": size, "sha256": h.hexdigest(), "fileName": disp.get("filename"),
                         "contentType": headers.get("content-type"),
                         "_content": b"".join(kept) if size <= KEEP_UPLOAD else None}
            else:
                for _ in chunks:
                    pass
        if found is None:
            raise ApiError("validation", "No part named uploadedFile in the upload", attributes=["uploadedFile"])
        handle = secrets.token_hex(16)
        with self.state.lock:
            self.state.uploads[handle] = found
            self.state.upload_count += 1
        return data({"handle": handle})

    # -- OAuth2 / JWT (bodies are NOT in the data envelope) ---------------------------

    def _oauth(self, req, sub, cfg):
        """POST /integrations/oauth2/api/v1/token and .../jwt/exchange.

        Success is a bare JSON object, as Workfront documents for its token
        endpoint ("Get OAuth2 tokens": access_token, refresh_token, expires_in);
        we add token_type.  Errors follow RFC 6749 section 5.2:
        {"error":"invalid_grant","error_description":"..."} with 400, or 401
        for a bad client.  The access token works in the SessionID header (and
        as a Bearer token).
        """
        params = self._params(req)

        def fail(status, err, desc):
            return Response(status, encode({"error": err, "error_description": desc}))
        if req.method != "POST":
            return fail(405, "invalid_request", "Use POST")
        if first(params, "client_id") != OAUTH_CLIENT_ID or first(params, "client_secret") != OAUTH_CLIENT_SECRET:
            return fail(401, "invalid_client", "Unknown client or wrong client secret")
        ttl = int(cfg.get("token_ttl") or DEFAULT_TOKEN_TTL)
        st = self.state
        if sub == "token":
            grant = first(params, "grant_type")
            with st.lock:
                if grant == "authorization_code":
                    if first(params, "code") != OAUTH_AUTH_CODE:
                        return fail(400, "invalid_grant", "Invalid or expired authorization code")
                    user_id = ADMIN_USER_ID
                elif grant == "refresh_token":
                    user_id = st.refresh_tokens.get(first(params, "refresh_token") or "")
                    if user_id is None:
                        return fail(400, "invalid_grant", "Invalid refresh token")
                else:
                    return fail(400, "unsupported_grant_type", "grant_type must be authorization_code "
                                "or refresh_token")
                return self._tokens(user_id, ttl)
        if sub == "jwt/exchange":
            token = first(params, "jwt_token") or ""
            ok, why, claims = self._verify_jwt(token)
            if not ok:
                return fail(400, "invalid_grant", why)
            with st.lock:
                return self._tokens(claims["sub"], ttl)
        return Response(404, encode(ApiError("nopath", "No OAuth2 endpoint %s" % sub).envelope()))

    def _tokens(self, user_id, ttl):
        st = self.state
        access = self.new_session(user_id, "oauth", ttl)
        refresh = secrets.token_hex(24)
        st.refresh_tokens[refresh] = user_id
        st.token_count += 1
        return Response(200, encode({"access_token": access, "refresh_token": refresh,
                                     "expires_in": ttl, "token_type": "Bearer"}))

    def _verify_jwt(self, token):
        """RS256 check against certs/jwt.pub with `openssl dgst -verify` (the
        standard library has no RSA), then alg, iss, sub and exp."""
        parts = token.split(".")
        if len(parts) != 3:
            return False, "jwt_token is not a JWS compact serialization", None

        def b64(s):
            return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
        try:
            header = json.loads(b64(parts[0]))
            claims = json.loads(b64(parts[1]))
            sig = b64(parts[2])
        except (ValueError, TypeError):
            return False, "jwt_token is not valid base64url JSON", None
        if not isinstance(header, dict) or header.get("alg") != "RS256":
            return False, "JWT alg must be RS256", None
        pub = self.state.certs.get("jwt.pub")
        fd, sigfile = tempfile.mkstemp(prefix="wfjwt-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(sig)
            r = subprocess.run(["openssl", "dgst", "-sha256", "-verify", pub, "-signature", sigfile],
                               input=(parts[0] + "." + parts[1]).encode("ascii", "replace"),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        finally:
            os.unlink(sigfile)
        if r.returncode != 0:
            return False, "JWT signature verification failed", None
        if not isinstance(claims, dict):
            return False, "JWT claims must be an object", None
        if claims.get("iss") != JWT_CUSTOMER_ID:
            return False, "JWT iss does not match the customer ID", None
        exp = claims.get("exp")
        if not isinstance(exp, (int, float)) or isinstance(exp, bool) or exp <= time.time():
            return False, "JWT is expired (or has no numeric exp)", None
        with self.state.lock:
            if self.store.get("USER", str(claims.get("sub"))) is None:
                return False, "JWT sub is not a user ID", None
        return True, "", claims


_ACTION_ARGS = {"move": ["projectID"], "share": ["accessorID", "accessorObjCode", "coreAction"],
                "unshare": ["accessorID"], "getApiKey": ["username", "password"],
                "generateApiKey": ["username", "password"], "clearApiKey": ["username", "password"]}

_DEFAULTS = {
    "TASK": {"status": "NEW", "priority": 2, "percentComplete": 0.0, "workRequired": 0.0,
             "actualWork": 0.0, "durationMinutes": 480, "duration": 1.0, "durationType": "A",
             "durationUnit": "D", "plannedCost": 0.0, "actualCost": 0.0, "progressStatus": "ON",
             "taskConstraint": "ASAP", "isCritical": False, "isReady": True,
             "isDurationLocked": False, "trackingMode": "AUTO"},
    "PROJ": {"status": "PLN", "priority": 2, "percentComplete": 0.0, "condition": "ON", "currency": "USD"},
    "OPTASK": {"status": "NEW", "priority": 2, "severity": 3, "percentComplete": 0.0, "opTaskType": "ISU"},
    "USER": {"isAdmin": False, "isActive": True, "timeZone": "America/Denver", "locale": "en_US"},
    "HOUR": {"status": "SUB"},
    "ASSGN": {"status": "A", "assignmentPercent": 100.0},
}


def version_content(ver):
    """The generated bytes of a seeded document version: fixed per version ID."""
    import random
    size = int(ver.get("fileSize") or 0)
    return random.Random("content:" + ver["ID"]).randbytes(size)


def _blank(code):
    row = {f: None for f in SCHEMA[code].fields}
    row["objCode"] = code
    if SCHEMA[code].params:
        row["_params"] = {}
    return row
