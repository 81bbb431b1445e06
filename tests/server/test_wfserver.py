#!/usr/bin/env python3
"""Self-check of the Workfront test server (stdlib unittest).

    python3 tests/server/test_wfserver.py [-v]

Starts wfserver.py as a subprocess (certificates cached in
$WFSERVER_TEST_CERTS or <tmp>/wfserver-test-certs), reads the READY
protocol, exercises the API over HTTP and HTTPS and stops it by PID.
"""

import base64
import hashlib
import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from wfconst import *  # noqa: E402,F401,F403
from wfserver import CONFIG_DEFAULTS, WIRE_KEYS  # noqa: E402

SRV = {}          # filled by setUpModule
BASE = "/attask/api/v22.0"
KEY = {"apiKey": ADMIN_API_KEY}


def setUpModule():
    certs = os.environ.get("WFSERVER_TEST_CERTS") or os.path.join(tempfile.gettempdir(), "wfserver-test-certs")
    info = tempfile.NamedTemporaryFile(prefix="wfinfo-", delete=False).name
    os.unlink(info)
    quiet = [] if os.environ.get("WFSERVER_TEST_VERBOSE") else ["--quiet"]
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "wfserver.py"), "--certs", certs,
                             "--info", info] + quiet,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("server exited: %s" % proc.stderr.read())
        lines.append(line.strip())
        if line.strip() == "READY":
            break
    kv = dict(l.split("=", 1) for l in lines if "=" in l)
    SRV.update(proc=proc, info=info, lines=lines, certs=certs, ca=kv["CA"],
               http=int(kv["HTTP_PORT"]), https=int(kv["HTTPS_PORT"]),
               wronghost=int(kv["WRONGHOST_PORT"]), expired=int(kv["EXPIRED_PORT"]))


def tearDownModule():
    proc = SRV["proc"]
    os.kill(proc.pid, signal.SIGTERM)
    rc = proc.wait(10)
    err = proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
    if os.environ.get("WFSERVER_TEST_VERBOSE"):
        sys.stderr.write("--- server stderr ---\n%s---\n" % err)
    if os.path.exists(SRV["info"]):
        os.unlink(SRV["info"])
    assert rc == 0, "server exit status %r, stderr: %s" % (rc, err)
    assert "Traceback" not in err, err


def tls_ctx():
    ctx = ssl.create_default_context(cafile=SRV["ca"])
    return ctx


def conn(kind="http", timeout=20):
    if kind == "http":
        return http.client.HTTPConnection("127.0.0.1", SRV["http"], timeout=timeout)
    return http.client.HTTPSConnection("127.0.0.1", SRV[kind], timeout=timeout, context=tls_ctx())


def qs(params):
    if isinstance(params, dict):
        params = list(params.items())
    return urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


def call(method, path, params=None, form=None, headers=None, kind="http", c=None, auth=True):
    """-> (status, headers dict (lower-case names), decoded JSON or raw bytes)."""
    hdrs = dict(KEY) if auth else {}
    hdrs.update(headers or {})
    target = path if path.startswith("/") else BASE + "/" + path   # "task/search" is relative to BASE
    if params:
        target += "?" + qs(params)
    body = None
    if form is not None:
        body = qs(form).encode()
        hdrs["Content-Type"] = "application/x-www-form-urlencoded"
    own = c is None
    c = c or conn(kind)
    try:
        c.request(method, target, body=body, headers=hdrs)
        r = c.getresponse()
        raw = r.read()
        h = {k.lower(): v for k, v in r.getheaders()}
        try:
            out = json.loads(raw) if raw else None
        except ValueError:
            out = raw
        return r.status, h, out
    finally:
        if own:
            c.close()


def control(name, **params):
    st, _, body = call("GET", "/__test/" + name, params, auth=False)
    assert st == 200, (name, st, body)
    return body["data"]


def stats():
    return control("stats")


def raw_get(target):
    """Body bytes exactly as they came over the wire."""
    c = conn()
    try:
        c.request("GET", target, headers=KEY)
        return c.getresponse().read()
    finally:
        c.close()


def raw_exchange(port, request, read_until_close=True, timeout=5, tls=False):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    if tls:
        s = tls_ctx().wrap_socket(s, server_hostname="localhost")
    s.sendall(request)
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            if not read_until_close and b"\r\n\r\n" in data:
                break
    except socket.timeout:
        pass
    s.close()
    return data


class Base(unittest.TestCase):
    def tearDown(self):
        defaults = {k: CONFIG_DEFAULTS[k] for k in WIRE_KEYS + ("force_status", "count", "errors_200",
                                                                "error_status", "session_ttl",
                                                                "session_max_requests", "max_concurrent",
                                                                "ims_token", "for_next", "max_uri",
                                                                "retry_after", "force_body", "token_ttl")}
        control("config", **defaults)

    def ok(self, method, path, params=None, **kw):
        st, h, body = call(method, path, params, **kw)
        self.assertEqual(st, 200, body)
        self.assertIn("data", body, body)
        return body["data"]

    def err(self, status, method, path, params=None, **kw):
        st, h, body = call(method, path, params, **kw)
        self.assertEqual(st, status, body)
        self.assertIn("error", body, body)
        return body["error"]


# ---------------------------------------------------------------------------
# Phase 1: protocol, auth, reads
# ---------------------------------------------------------------------------

class StartupTest(Base):
    def test_protocol_lines_and_info_file(self):
        names = [l.split("=")[0] for l in SRV["lines"]]
        self.assertEqual(names, ["HTTP_PORT", "HTTPS_PORT", "WRONGHOST_PORT", "EXPIRED_PORT", "CA", "READY"])
        with open(SRV["info"]) as f:
            self.assertEqual(f.read().split(), SRV["lines"])
        self.assertTrue(os.path.isabs(SRV["ca"]))
        for f in ("ca.key", "server.pem", "wronghost.pem", "expired.pem", "othca.pem", "jwt.key", "jwt.pub",
                  "other.key"):
            self.assertTrue(os.path.exists(os.path.join(SRV["certs"], f)), f)

    def test_tls_listeners(self):
        st, _, body = call("GET", "task/count", kind="https")
        self.assertEqual(st, 200)
        for kind, why in (("wronghost", "match"), ("expired", "expired")):
            with self.assertRaises(ssl.SSLCertVerificationError) as cm:
                call("GET", "task/count", kind=kind)
            self.assertIn(why, str(cm.exception).lower())
        # the other CA trusts nothing we serve
        ctx = ssl.create_default_context(cafile=os.path.join(SRV["certs"], "othca.pem"))
        c = http.client.HTTPSConnection("127.0.0.1", SRV["https"], context=ctx, timeout=5)
        with self.assertRaises(ssl.SSLCertVerificationError):
            c.request("GET", "/__test/stats")

    def test_tls_resumption_counted(self):
        control("stats", reset=1)
        ctx = tls_ctx()
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", SRV["https"])), server_hostname="localhost")
        sess = s.session
        s.close()
        s2 = ctx.wrap_socket(socket.create_connection(("127.0.0.1", SRV["https"])), server_hostname="localhost",
                             session=sess)
        self.assertTrue(s2.session_reused)
        s2.close()
        time.sleep(0.2)
        st = stats()
        self.assertEqual(st["tls_full_handshakes"], 1)
        self.assertEqual(st["tls_resumed_handshakes"], 1)


class AuthTest(Base):
    def test_login_logout(self):
        d = self.ok("POST", "login", form={"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD}, auth=False)
        sid = d["sessionID"]
        self.assertRegex(sid, r"^[0-9a-f]{32}$")
        self.assertEqual(d["userID"], ADMIN_USER_ID)
        self.assertEqual(self.ok("GET", "task/count", auth=False, headers={"sessionid": sid})["count"] > 0, True)
        self.ok("GET", "task/count", {"sessionID": sid}, auth=False)
        self.assertEqual(self.ok("POST", "logout", auth=False, headers={"SessionID": sid}), {"success": True})
        e = self.err(401, "GET", "task/count", auth=False, headers={"SessionID": sid})
        self.assertEqual(e["class"], "com.attask.common.AuthenticationException")

    def test_login_awkward_password_query(self):
        d = self.ok("POST", "login", {"username": ZOE_USERNAME, "password": ZOE_PASSWORD}, auth=False)
        self.assertEqual(d["userID"], ZOE_USER_ID)

    def test_bad_credentials(self):
        e = self.err(401, "POST", "login", form={"username": ADMIN_USERNAME, "password": "nope"}, auth=False)
        self.assertIn("Authentication", e["class"])
        e = self.err(401, "GET", "task/count", auth=False)
        self.assertIn("not currently logged in", e["message"])
        self.err(401, "GET", "task/count", auth=False, headers={"apiKey": "wrong"})
        self.ok("GET", "task/count", {"apiKey": ADMIN_API_KEY}, auth=False)


class EncodingTest(Base):
    def test_awkward_strings_on_the_wire(self):
        st, h, raw = call("GET", "task/" + AWKWARD_TASK_ID, {"fields": "description"})
        self.assertEqual(h["content-type"], "application/json;charset=UTF-8")
        wire = raw_get(BASE + "/task/" + AWKWARD_TASK_ID + "?fields=description")
        wire.decode("ascii")     # every non-ASCII character escaped
        self.assertIn(b"\\ud83d\\ude80", wire)
        self.assertIn(b"\\/", wire)
        self.assertNotIn(b"/", wire.replace(b"\\/", b""))
        self.assertEqual(raw["data"]["name"], AWKWARD_TASK_NAME)
        self.assertEqual(raw["data"]["description"], AWKWARD_TASK_DESCRIPTION)
        for oid, name in ((CONTROL_TASK_ID, CONTROL_TASK_NAME), (CJK_TASK_ID, CJK_TASK_NAME),
                          (EMOJI_TASK_ID, EMOJI_TASK_NAME), (RTL_TASK_ID, RTL_TASK_NAME),
                          (SEPARATOR_TASK_ID, SEPARATOR_TASK_NAME)):
            self.assertEqual(self.ok("GET", "task/" + oid)["name"], name)
        self.assertEqual(self.ok("GET", "issue/" + AWKWARD_ISSUE_ID)["name"], AWKWARD_ISSUE_NAME)

    def test_dates(self):
        d = self.ok("GET", "task/" + AWKWARD_TASK_ID, {"fields": "entryDate"})
        self.assertRegex(d["entryDate"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d:\d{3}[+-]\d{4}$")


class ReadTest(Base):
    def test_routing(self):
        for ver in ("v22.0", "v15.0", "22.0", "unsupported"):
            st, _, b = call("GET", "/attask/api/%s/TASK/count" % ver)
            self.assertEqual(st, 200, ver)
        st, _, b = call("GET", "/attask/api-unsupported/project/count")
        self.assertEqual(b["data"]["count"], 50)
        self.assertEqual(self.ok("GET", "issue/count")["count"], 500)
        self.assertEqual(self.err(404, "GET", "nosuchobj/search")["class"], "com.attask.common.NotFoundException")
        self.err(404, "GET", "task/" + "0" * 32)
        self.err(404, "GET", "/nothing/here")

    def test_get_one_and_many(self):
        d = self.ok("GET", "proj/" + FIRST_PROJECT_ID)
        self.assertEqual(d["name"], FIRST_PROJECT_NAME)
        self.assertEqual(set(d), {"ID", "name", "objCode", "percentComplete", "plannedCompletionDate",
                                  "plannedStartDate", "priority", "projectedCompletionDate", "status"})
        self.assertEqual(self.ok("GET", "project", {"id": FIRST_PROJECT_ID})["ID"], FIRST_PROJECT_ID)
        many = self.ok("GET", "project", {"id": FIRST_PROJECT_ID + "," + SECOND_PROJECT_ID})
        self.assertEqual([p["ID"] for p in many], [FIRST_PROJECT_ID, SECOND_PROJECT_ID])
        m = self.ok("GET", "project", {"id": FIRST_PROJECT_ID + "," + SECOND_PROJECT_ID, "map": "true"})
        self.assertEqual(set(m), {FIRST_PROJECT_ID, SECOND_PROJECT_ID})
        m = self.ok("GET", "task/search", {"map": "true", "$$LIMIT": 7})
        self.assertEqual(len(m), 7)
        self.assertTrue(all(k == v["ID"] for k, v in m.items()))
        self.err(404, "GET", "task/search/extra")

    def test_fields(self):
        d = self.ok("GET", "task/" + AWKWARD_TASK_ID, {"fields": "priority,plannedStartDate"})
        self.assertEqual(set(d), {"ID", "name", "objCode", "priority", "plannedStartDate"})
        d = self.ok("GET", "task/" + AWKWARD_TASK_ID, {"fields": "*"})
        self.assertIn("workRequired", d)
        self.assertNotIn("project", d)
        d = self.ok("GET", "task/" + AWKWARD_TASK_ID,
                    {"fields": "assignedTo:name,assignedTo:title,project:*,assignments:assignmentPercent,"
                               "DE:Custom Text,parameterValues,project:owner:name"})
        self.assertEqual(d["assignedTo"], {"ID": ADMIN_USER_ID, "name": ADMIN_NAME, "objCode": "USER",
                                           "title": "Operations Specialist"})
        self.assertEqual(d["project"]["name"], FIRST_PROJECT_NAME)
        self.assertIn("budget", d["project"])
        self.assertIn("name", d["project"]["owner"])
        self.assertEqual(d["assignments"][0]["assignmentPercent"], 100.0)
        self.assertEqual(d["DE:Custom Text"], AWKWARD_TASK_NAME)
        self.assertEqual(d["parameterValues"]["DE:Big Number"], 9007199254740993)
        p = self.ok("GET", "proj/" + FIRST_PROJECT_ID, {"fields": "tasks:name"})
        self.assertTrue(len(p["tasks"]) > 10 and all(set(t) == {"ID", "name", "objCode"} for t in p["tasks"]))
        deep = self.ok("GET", "task/" + DEPTH_CHAIN_IDS[5], {"fields": "parent:parent:parent:parent:name"})
        self.assertEqual(deep["parent"]["parent"]["parent"]["parent"]["name"], "Depth chain 2")
        e = self.err(200, "GET", "task/" + DEPTH_CHAIN_IDS[5], {"fields": "parent:parent:parent:parent:parent:name"})
        self.assertIn("InvalidParameter", e["class"])
        e = self.err(200, "GET", "task/search", {"fields": "name,nosuchfield"})
        self.assertIn("nosuchfield", e["message"])

    def all_tasks(self, fields):
        rows = []
        while True:
            page = self.ok("GET", "task/search", {"fields": fields, "$$FIRST": len(rows), "$$LIMIT": 2000,
                                                  "ID_Sort": "asc"})
            rows += page
            if len(page) < 2000:
                return rows

    def test_paging_all(self):
        rows = self.all_tasks("ID")
        ids = [r["ID"] for r in rows]
        self.assertEqual(len(ids), DEFAULT_TASKS)
        self.assertEqual(len(set(ids)), DEFAULT_TASKS)
        self.assertEqual(ids, sorted(ids))
        self.assertEqual(len(self.ok("GET", "task/search")), 100)
        e = self.err(200, "GET", "task/search", {"$$LIMIT": 2001})
        self.assertEqual(e["class"], "java.lang.IllegalArgumentException")
        self.assertIn("2000", e["message"])
        self.assertEqual(len(self.ok("GET", "task/search", {"$$FIRST": 9990, "$$LIMIT": 2000})), 10)

    def test_fields_star_size(self):
        body = raw_get(BASE + "/task/search?fields=*&$$LIMIT=2000")
        self.assertGreater(len(body), 1_200_000)
        self.assertEqual(len(json.loads(body)["data"]), 2000)

    def test_every_modifier(self):
        rows = self.all_tasks("priority,description,plannedStartDate,DE:Custom Text,projectID,taskNumber,"
                              "parameterValues")
        first_proj = self.ok("GET", "proj/" + FIRST_PROJECT_ID)["name"]
        import re as _re
        from wfdata import date_key
        cut = date_key("2024-03-01T00:00:00:000+0000")
        hi = date_key("2024-06-01T00:00:00:000+0000")

        def dk(r):
            return date_key(r["plannedStartDate"])
        n = lambda v: v is None  # noqa: E731
        cases = [
            ({"priority": 3}, lambda r: r["priority"] == 3),
            ({"priority": 3, "priority_Mod": "eq"}, lambda r: r["priority"] == 3),
            ({"priority": 3, "priority_Mod": "ne"}, lambda r: r["priority"] != 3),
            ({"priority": 3, "priority_Mod": "gt"}, lambda r: r["priority"] > 3),
            ({"priority": 3, "priority_Mod": "gte"}, lambda r: r["priority"] >= 3),
            ({"priority": 1, "priority_Mod": "lt"}, lambda r: r["priority"] < 1),
            ({"priority": 1, "priority_Mod": "lte"}, lambda r: r["priority"] <= 1),
            ({"priority": 1, "priority_Range": 3, "priority_Mod": "between"}, lambda r: 1 <= r["priority"] <= 3),
            ({"priority": 1, "priority_Range": 3, "priority_Mod": "notbetween"},
             lambda r: not 1 <= r["priority"] <= 3),
            ([("priority", 0), ("priority", 4), ("priority_Mod", "in")], lambda r: r["priority"] in (0, 4)),
            ([("priority", 0), ("priority", 4), ("priority_Mod", "notin")], lambda r: r["priority"] not in (0, 4)),
            ({"description_Mod": "isnull"}, lambda r: n(r["description"])),
            ({"description_Mod": "notnull"}, lambda r: not n(r["description"])),
            ({"description_Mod": "isblank"}, lambda r: r["description"] in (None, "")),
            ({"description_Mod": "notblank"}, lambda r: r["description"] not in (None, "")),
            ({"name": "the API", "name_Mod": "contains"}, lambda r: "the API" in r["name"]),
            ({"name": "the API", "name_Mod": "notcontains"}, lambda r: "the API" not in r["name"]),
            ({"name": "THE api", "name_Mod": "cicontains"}, lambda r: "the api" in r["name"].lower()),
            ({"name": "THE api", "name_Mod": "cinotcontains"}, lambda r: "the api" not in r["name"].lower()),
            ({"name": "Design%#1%", "name_Mod": "like"}, lambda r: bool(_re.match(r"^Design.*#1.*$", r["name"], _re.S))),
            ({"name": "design%", "name_Mod": "cilike"}, lambda r: r["name"].lower().startswith("design")),
            ({"name": "Design%", "name_Mod": "notlike"}, lambda r: not r["name"].startswith("Design")),
            ({"name": "design%", "name_Mod": "cinotlike"}, lambda r: not r["name"].lower().startswith("design")),
            ({"name": "depth CHAIN 3", "name_Mod": "cieq"}, lambda r: r["name"].lower() == "depth chain 3"),
            ({"name": "depth CHAIN 3", "name_Mod": "cine"}, lambda r: r["name"].lower() != "depth chain 3"),
            ({"plannedStartDate": "2024-03-01T00:00:00:000+0000", "plannedStartDate_Mod": "gte"},
             lambda r: dk(r) >= cut),
            ({"plannedStartDate": "2024-03-01", "plannedStartDate_Range": "2024-06-01",
              "plannedStartDate_Mod": "between"}, lambda r: cut <= dk(r) <= hi),
            ({"project:name": first_proj}, lambda r: r["projectID"] == FIRST_PROJECT_ID),
            ({"DE:Custom Text": "alpha"}, lambda r: r.get("DE:Custom Text") == "alpha"),
            ({"DE:Custom Text": "ALPHA", "DE:Custom Text_Mod": "cicontains"},
             lambda r: "alpha" in (r.get("DE:Custom Text") or "").lower()),
            ([("DE:Custom CheckBoxes", "first"), ("DE:Custom CheckBoxes", "third"),
              ("DE:Custom CheckBoxes_Mod", "cicontainsall")],
             lambda r: {"first", "third"} <= set(r["parameterValues"]["DE:Custom CheckBoxes"])),
            ([("DE:Custom CheckBoxes", "first"), ("DE:Custom CheckBoxes", "third"),
              ("DE:Custom CheckBoxes_Mod", "cicontainsany")],
             lambda r: bool({"first", "third"} & set(r["parameterValues"]["DE:Custom CheckBoxes"]))),
            ({"priority": 2, "priority_Mod": "bitwiseand"}, lambda r: r["priority"] & 2 == 2),
            ({"priority": 3, "priority_Mod": "bitwiseor"}, lambda r: r["priority"] & 3 != 0),
        ]
        for params, pred in cases:
            want = sum(1 for r in rows if pred(r))
            got = self.ok("GET", "task/count", params)["count"]
            self.assertEqual(got, want, params)
            self.assertGreater(want, 0, params)
        e = self.err(200, "GET", "task/search", {"name": "x", "name_Mod": "bogus"})
        self.assertIn("bogus", e["message"])
        # in takes repeated values only: a comma is part of the value
        self.assertEqual(self.ok("GET", "task/count", {"status": "NEW,INP", "status_Mod": "in"})["count"], 0)

    def test_or_groups_and_json_filters(self):
        a = self.ok("GET", "task/count", {"priority": 4})["count"]
        b = self.ok("GET", "task/count", {"priority": 0})["count"]
        both = self.ok("GET", "task/count", {"priority": 4, "OR:1:priority": 0})["count"]
        self.assertEqual(both, a + b)
        three = self.ok("GET", "task/count", [("priority", 4), ("OR:1:priority", 0), ("OR:2:name", "Depth chain%"),
                                              ("OR:2:name_Mod", "like"), ("OR:2:priority", 2)])["count"]
        c = self.ok("GET", "task/count", {"name": "Depth chain%", "name_Mod": "like", "priority": 2})["count"]
        self.assertEqual(three, a + b + c)
        j = self.ok("GET", "task/count", {"filters": json.dumps({"priority": 4, "OR:1:priority": 0})})["count"]
        self.assertEqual(j, both)
        j = self.ok("GET", "task/count", {"filters": json.dumps({"name": "the API", "name_Mod": "contains"})})
        self.assertEqual(j, self.ok("GET", "task/count", {"name": "the API", "name_Mod": "contains"}))
        # username is eaten by authentication, filters= is the way round it
        u = self.ok("GET", "user/search", {"filters": json.dumps({"username": JANE_USERNAME})})
        self.assertEqual([x["ID"] for x in u], [JANE_USER_ID])

    def test_sort(self):
        rows = self.ok("GET", "task/search", [("fields", "priority"), ("priority_1_Sort", "desc"),
                                              ("name_2_Sort", "ciasc"), ("$$LIMIT", 500)])
        keys = [(-r["priority"], r["name"].lower()) for r in rows]
        self.assertEqual(keys, sorted(keys))
        rows = self.ok("GET", "user/search", {"lastName_Sort": "desc", "fields": "lastName"})
        self.assertEqual([r["lastName"] for r in rows], sorted((r["lastName"] for r in rows), reverse=True))

    def test_count_report_metadata_named(self):
        rep = self.ok("GET", "hour/report", {"project:name_1_GroupBy": "true", "hours_AggFunc": "sum",
                                             "$$ROLLUP": "true", "projectID": FIRST_PROJECT_ID,
                                             "OR:1:projectID": SECOND_PROJECT_ID})
        self.assertEqual(rep, {"First Project": {"sum_hours": 15.0}, "Second Project": {"sum_hours": 30.0},
                               "$$ROLLUP": {"sum_hours": 45.0}})
        rep = self.ok("GET", "task/report", {"status_GroupBy": "true", "priority_2_GroupBy": "true",
                                             "workRequired_AggFunc": "max"})
        self.assertIn("max_workRequired", rep["NEW"]["3"])
        md = self.ok("GET", "metadata")
        self.assertIn("TASK", md["objects"])
        tm = self.ok("GET", "task/metadata")
        self.assertEqual(tm["objCode"], "TASK")
        self.assertEqual(tm["fields"]["plannedStartDate"]["fieldType"], "dateTime")
        self.assertIn("project", tm["references"])
        self.assertIn("assignments", tm["collections"])
        self.assertIn("move", tm["actions"])
        work = self.ok("GET", "work/myWork", {"fields": "assignedToID", "$$LIMIT": 2000})
        self.assertTrue(work and all(w["assignedToID"] == ADMIN_USER_ID for w in work))
        self.assertIn("OPTASK", {w["objCode"] for w in work})

    def test_post_method_get_equals_get(self):
        params = [("fields", "name,priority"), ("priority", 1), ("priority", 2), ("priority_Mod", "in"),
                  ("name_Sort", "asc"), ("$$LIMIT", 50)]
        st1, _, get = call("GET", "task/search", params)
        st2, _, post = call("POST", "task/search", form=params + [("method", "GET")])
        self.assertEqual((st1, get), (st2, post))
        long_value = "x" * 12000
        st, h, body = call("GET", "task/search", {"name": long_value})
        self.assertEqual(st, 414)
        self.assertTrue(h["content-type"].startswith("text/html"))
        self.assertEqual(self.ok("POST", "task/search", form={"name": long_value, "method": "get"}), [])

    def test_echo_percent_decoding(self):
        nasty = "& = + % # ? / : $ space 日本 🚀"
        d = control("echo", **{"k " + nasty: nasty})
        self.assertEqual(d["params"], [["k " + nasty, nasty]])
        st, _, b = call("GET", "/__test/echo?a=1+2&b=%2B", auth=False)
        self.assertEqual(b["data"]["params"], [["a", "1 2"], ["b", "+"]])


# ---------------------------------------------------------------------------
# Wire switches and statistics
# ---------------------------------------------------------------------------

class SwitchTest(Base):
    REQ = ("GET %s/task/count HTTP/1.1\r\nHost: x\r\napiKey: %s\r\nConnection: close\r\n\r\n"
           % (BASE, ADMIN_API_KEY)).encode()

    def test_chunked_with_extensions_and_trailer(self):
        control("config", chunked=1)
        raw = raw_exchange(SRV["http"], self.REQ)
        self.assertIn(b"Transfer-Encoding: chunked", raw)
        self.assertIn(b";ext=1\r\n", raw)
        self.assertTrue(raw.endswith(b"0;last=1\r\nX-Trailer: done\r\n\r\n"))
        st, _, b = call("GET", "task/count")          # http.client decodes it
        self.assertEqual(st, 200)

    def test_tiny_and_trickle(self):
        control("stats", reset=1)
        control("config", tiny=5)
        st, _, b = call("GET", "task/count")
        self.assertEqual(b["data"]["count"], DEFAULT_TASKS)
        self.assertGreater(stats()["writes"], 20)
        control("config", tiny=0, trickle_ms=1)
        st, _, b = call("GET", "task/count")
        self.assertEqual(b["data"]["count"], DEFAULT_TASKS)

    def test_send_100_close_delimited_gzip_garbage_truncate(self):
        control("config", send_100=1)
        raw = raw_exchange(SRV["http"], self.REQ)
        self.assertTrue(raw.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"), raw[:80])
        control("config", send_100=0, close_delimited=1)
        raw = raw_exchange(SRV["http"], self.REQ)
        self.assertNotIn(b"Content-Length", raw)
        self.assertTrue(raw.endswith(b"}}"))
        control("config", close_delimited=0, gzip=1)
        import gzip as _gz
        raw = raw_exchange(SRV["http"], self.REQ)
        head, _, body = raw.partition(b"\r\n\r\n")
        self.assertIn(b"Content-Encoding: gzip", head)
        self.assertEqual(json.loads(_gz.decompress(body))["data"]["count"], DEFAULT_TASKS)
        control("config", gzip=0, garbage=1)
        st, h, b = call("GET", "task/count")
        self.assertEqual(st, 200)
        self.assertTrue(h["content-type"].startswith("text/html"))
        control("config", garbage=0, truncate=1)
        with self.assertRaises(http.client.IncompleteRead):
            call("GET", "task/count")

    def test_force_status_and_error_statuses(self):
        control("config", force_status=429, count=2, retry_after="3")
        for _ in range(2):
            st, h, b = call("GET", "task/count")
            self.assertEqual((st, h.get("retry-after")), (429, "3"))
            self.assertIn("error", b)
        self.assertEqual(call("GET", "task/count")[0], 200)
        control("config", force_status=503)
        st, h, b = call("GET", "task/count")
        self.assertEqual(st, 503)
        self.assertIsInstance(b, bytes)             # HTML gateway page
        control("config", force_status=502, force_body="<html>bad gateway</html>")
        st, h, b = call("GET", "task/count")
        self.assertEqual((st, b), (502, b"<html>bad gateway</html>"))
        control("config", errors_200=1)
        self.assertEqual(call("GET", "task/" + "0" * 32)[0], 200)
        self.assertEqual(call("GET", "task/count", auth=False)[0], 200)
        control("config", errors_200=0, error_status=500)
        self.assertEqual(call("GET", "task/" + "0" * 32)[0], 500)
        self.assertEqual(call("GET", "task/count", auth=False)[0], 401)
        st, _, b = call("GET", BASE + "/__test/error", {"message": "boom", "class": "x.Y"}, auth=False)
        self.assertEqual((st, b["error"]["class"], b["error"]["message"]), (500, "x.Y", "boom"))

    def test_switches_over_tls(self):
        for cfg in ({"tiny": 3}, {"chunked": 1}, {"chunked": 1, "tiny": 7}, {"send_100": 1}, {"close": 1}):
            control("config", **cfg)
            st, _, b = call("GET", "task/search", {"fields": "name", "$$LIMIT": 3}, kind="https")
            self.assertEqual((st, len(b["data"])), (200, 3), cfg)
            self.tearDown()

    def test_for_next(self):
        control("config", garbage=1, for_next=1)
        self.assertIsInstance(call("GET", "task/count")[2], bytes)
        self.assertEqual(call("GET", "task/count")[2]["data"]["count"], DEFAULT_TASKS)

    def test_keepalive_close_and_idle_close(self):
        control("stats", reset=1)
        c = conn()
        for _ in range(3):
            self.assertEqual(call("GET", "task/count", c=c)[0], 200)
        c.close()
        time.sleep(0.1)
        self.assertEqual(stats()["connections"], 1)
        control("config", close=1)
        st, h, _ = call("GET", "task/count")
        self.assertEqual(h["connection"], "close")
        control("config", close=0, idle_close_ms=150)
        s = socket.create_connection(("127.0.0.1", SRV["http"]))
        s.sendall(self.REQ.replace(b"Connection: close\r\n", b""))
        time.sleep(0.05)
        first = s.recv(65536)
        self.assertIn(b"200 OK", first)
        t0 = time.time()
        self.assertEqual(s.recv(100), b"")            # closed silently, no response
        self.assertLess(time.time() - t0, 2)
        s.close()

    def test_http10_and_head(self):
        raw = raw_exchange(SRV["http"], ("GET %s/task/count HTTP/1.0\r\napiKey: %s\r\n\r\n"
                                         % (BASE, ADMIN_API_KEY)).encode())
        self.assertIn(b"Content-Length", raw)
        self.assertIn(b"Connection: close", raw)
        raw = raw_exchange(SRV["http"], ("HEAD %s/task/count HTTP/1.1\r\napiKey: %s\r\nConnection: close\r\n\r\n"
                                         % (BASE, ADMIN_API_KEY)).encode())
        self.assertTrue(raw.endswith(b"\r\n\r\n"))

    def test_stalls(self):
        for mode in ("body", "accept"):
            control("config", stall=mode)
            c = conn(timeout=0.5)
            with self.assertRaises(socket.timeout):
                c.request("GET", BASE + "/task/count", headers=KEY)
                c.getresponse().read()
            c.close()
        control("config", stall="", delay_ms=300)
        t0 = time.time()
        call("GET", "task/count")
        self.assertGreater(time.time() - t0, 0.25)

    def test_disconnects_do_not_hurt(self):
        for _ in range(5):
            s = socket.create_connection(("127.0.0.1", SRV["http"]))
            s.sendall(("GET %s/task/search?fields=*&$$LIMIT=2000 HTTP/1.1\r\napiKey: %s\r\n\r\n"
                       % (BASE, ADMIN_API_KEY)).encode())
            s.recv(100)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            s.close()
            s = socket.create_connection(("127.0.0.1", SRV["https"]))
            s.sendall(b"\x16\x03\x01garbage")
            s.close()
        raw_exchange(SRV["http"], b"NONSENSE\r\n\r\n")
        self.assertEqual(call("GET", "task/count")[0], 200)

    def test_stats_last_request_redacted(self):
        call("GET", "task/count", {"sessionID": "abc", "apiKey": ADMIN_API_KEY}, auth=False,
             headers={"X-Requested-With": "XMLHttpRequest"})
        last = stats()["last_request"]
        self.assertNotIn(ADMIN_API_KEY, json.dumps(last))
        self.assertIn(["X-Requested-With", "XMLHttpRequest"], last["headers"])
        self.assertEqual(last["path"], BASE + "/task/count")


# ---------------------------------------------------------------------------
# Phase 2: writes, batch, upload, OAuth2/JWT/IMS, expiry
# ---------------------------------------------------------------------------

AWKWARD = 'q"uote \\ back / slash\nnew\tline \x01\x1f ctl \u65e5\u672c \U0001F680 \u2028 end'


class WriteTest(Base):
    @classmethod
    def tearDownClass(cls):
        control("reset")

    def test_create_edit_delete_round_trip(self):
        d = self.ok("POST", "task", form={"name": AWKWARD, "projectID": FIRST_PROJECT_ID,
                                          "description": AWKWARD, "DE:Custom Text": AWKWARD,
                                          "fields": "description,DE:Custom Text,taskNumber"})
        tid = d["ID"]
        self.assertEqual((d["name"], d["description"], d["DE:Custom Text"]), (AWKWARD, AWKWARD, AWKWARD))
        back = self.ok("GET", "task/" + tid, {"fields": "description"})
        self.assertEqual(back["description"], AWKWARD)
        upd = {"name": AWKWARD + "2", "priority": 4, "plannedStartDate": "2025-01-02T03:04:05:000+0100",
               "DE:Custom CheckBoxes": ["first", "second"]}
        d = self.ok("PUT", "task/" + tid, {"updates": json.dumps(upd), "fields": "priority,plannedStartDate,"
                                                                               "DE:Custom CheckBoxes"})
        self.assertEqual((d["name"], d["priority"], d["plannedStartDate"]),
                         (AWKWARD + "2", 4, "2025-01-02T03:04:05:000+0100"))
        self.assertEqual(d["DE:Custom CheckBoxes"], ["first", "second"])
        d = self.ok("PUT", "task/" + tid, form={"name": "plain", "method": "PUT"})
        self.assertEqual(d["name"], "plain")
        self.assertEqual(self.ok("DELETE", "task/" + tid), {"success": True})
        self.err(404, "GET", "task/" + tid)

    def test_validation(self):
        e = self.err(422, "POST", "task", {"name": "no project"})
        self.assertIn("projectID", e["message"])
        self.err(422, "POST", "task", {"name": "x", "projectID": "0" * 32})
        self.err(422, "PUT", "task/" + AWKWARD_TASK_ID, {"priority": "high"})
        self.err(200, "PUT", "task/" + AWKWARD_TASK_ID, {"updates": json.dumps({"bogus": 1})})
        self.err(200, "PUT", "task/" + AWKWARD_TASK_ID, {"updates": "{not json"})
        # the basics page's JavaScript-ish syntax is accepted
        d = self.ok("PUT", "task/" + AWKWARD_TASK_ID, {"updates": "{priority: 3, description: 'it''s'}".replace("''", "\\'")})
        self.assertEqual(d["priority"], 3)

    def test_copy_and_bulk(self):
        c = self.ok("POST", "task", {"copySourceID": AWKWARD_TASK_ID, "name": "copy of awkward",
                                     "fields": "description,projectID"})
        self.assertEqual(c["description"], AWKWARD_TASK_DESCRIPTION)
        self.assertNotEqual(c["ID"], AWKWARD_TASK_ID)
        created = self.ok("POST", "task", form={"updates": json.dumps(
            [{"name": "bulk %d" % i, "projectID": SECOND_PROJECT_ID} for i in range(100)])})
        self.assertEqual(len(created), 100)
        edits = [{"ID": t["ID"], "name": "bulk edited %d" % i} for i, t in enumerate(created)]
        out = self.ok("PUT", "task", form={"updates": json.dumps(edits)})
        self.assertEqual([o["name"] for o in out], [e["name"] for e in edits])
        e = self.err(200, "PUT", "task", form={"updates": json.dumps(edits + [edits[0]])})
        self.assertIn("100", e["message"])
        bad = [{"ID": edits[0]["ID"], "name": "must roll back"}, {"ID": "0" * 32, "name": "x"}]
        self.err(404, "PUT", "task", form={"updates": json.dumps(bad)})
        self.assertEqual(self.ok("GET", "task/" + edits[0]["ID"])["name"], "bulk edited 0")

    def test_delete_with_dependants_move_share_actions(self):
        p = self.ok("POST", "project", {"name": "Doomed \U0001F4A3"})
        t = self.ok("POST", "task", {"name": "child", "projectID": p["ID"]})
        e = self.err(422, "DELETE", "project/" + p["ID"])
        self.assertIn("force", e["message"])
        self.ok("PUT", "task/%s/move" % t["ID"], {"projectID": SECOND_PROJECT_ID})
        self.assertEqual(self.ok("GET", "task/" + t["ID"], {"fields": "projectID"})["projectID"], SECOND_PROJECT_ID)
        self.ok("DELETE", "project/" + p["ID"])
        p = self.ok("POST", "project", {"name": "Doomed again"})
        self.ok("POST", "task", {"name": "child", "projectID": p["ID"]})
        self.ok("DELETE", "project/" + p["ID"], {"force": "true"})
        self.ok("PUT", "project/%s/share" % FIRST_PROJECT_ID,
                {"accessorID": JANE_USER_ID, "accessorObjCode": "USER", "coreAction": "VIEW"})
        d = self.ok("GET", "project/" + FIRST_PROJECT_ID, {"fields": "accessRules:*"})
        self.assertIn((JANE_USER_ID, "VIEW"), [(r["accessorID"], r["coreAction"]) for r in d["accessRules"]])
        self.assertEqual(self.ok("PUT", "project/" + FIRST_PROJECT_ID, {"action": "calculateTimeline"}),
                         {"success": True})
        self.assertEqual(self.ok("PUT", "project/%s/calculateTimeline" % FIRST_PROJECT_ID), {"success": True})
        self.err(200, "PUT", "project/%s/fly" % FIRST_PROJECT_ID)

    def test_batch(self):
        before = self.ok("GET", "task/count")["count"]
        res = self.ok("POST", "batch", form=[("uri", "/task/count"),
                                             ("uri", "/task?name=batched&projectID=%s&method=POST" % FIRST_PROJECT_ID),
                                             ("uri", "/task/" + "0" * 32)])
        self.assertEqual(res[0], {"data": {"count": before}})
        self.assertEqual(res[1]["data"]["name"], "batched")
        self.assertIn("error", res[2])
        now = self.ok("GET", "task/count")["count"]
        self.assertEqual(now, before + 1)
        e = self.err(404, "POST", "batch", form=[("atomic", "true"),
                                                 ("uri", "/task?name=a1&projectID=%s&method=POST" % FIRST_PROJECT_ID),
                                                 ("uri", "/task/%s?method=PUT&name=changed" % AWKWARD_TASK_ID),
                                                 ("uri", "/task/%s?method=DELETE" % ("0" * 32))])
        self.assertEqual(self.ok("GET", "task/count")["count"], now)
        self.assertNotEqual(self.ok("GET", "task/" + AWKWARD_TASK_ID)["name"], "changed")
        self.assertEqual(self.ok("POST", "batch", form=[("atomic", "true"), ("uri", "/task/count")]),
                         {"success": True})

    def test_upload_and_document(self):
        size = 8 * 1024 * 1024 + 17
        boundary = "----wfBoundary" + "x" * 20
        pre = ("--%s\r\nContent-Disposition: form-data; name=\"uploadedFile\"; filename=\"big file.bin\"\r\n"
               "Content-Type: application/octet-stream\r\n\r\n" % boundary).encode()
        post = ("\r\n--%s--\r\n" % boundary).encode()
        h = hashlib.sha256()

        def gen():
            yield pre
            block = bytes(range(256)) * 256 + b"\r\n--" + boundary[:-1].encode()  # near-miss delimiters
            left = size
            while left:
                part = block[:left]
                h.update(part)
                left -= len(part)
                yield part
            yield post
        c = conn()
        c.request("POST", BASE + "/upload", body=gen(), headers=dict(
            KEY, **{"Content-Type": "multipart/form-data; boundary=" + boundary,
                    "Content-Length": str(len(pre) + size + len(post))}))
        r = c.getresponse()
        body = json.loads(r.read())
        c.close()
        self.assertEqual(r.status, 200, body)
        handle = body["data"]["handle"]
        info = control("upload/" + handle)
        self.assertEqual((info["size"], info["sha256"]), (size, h.hexdigest()))
        doc = self.ok("POST", "document", {"updates": json.dumps({
            "name": "big file.bin", "handle": handle, "docObjCode": "PROJ", "objID": FIRST_PROJECT_ID,
            "currentVersion": {"version": "v1.0", "fileName": "big file.bin"}}),
            "fields": "currentVersion:*"})
        self.assertEqual(doc["currentVersion"]["fileSize"], size)
        self.err(401, "POST", "upload", auth=False)

    def test_expect_100_continue_upload(self):
        boundary = "b"
        body = (b"--b\r\nContent-Disposition: form-data; name=\"uploadedFile\"; filename=\"a\"\r\n\r\n"
                b"hello\r\n--b--\r\n")
        s = socket.create_connection(("127.0.0.1", SRV["http"]), timeout=5)
        s.sendall(("POST %s/upload HTTP/1.1\r\nHost: x\r\napiKey: %s\r\nContent-Type: multipart/form-data; "
                   "boundary=%s\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n"
                   % (BASE, ADMIN_API_KEY, boundary, len(body))).encode())
        self.assertEqual(s.recv(100), b"HTTP/1.1 100 Continue\r\n\r\n")
        s.sendall(body)
        resp = b""
        while b"}}" not in resp:
            resp += s.recv(4096)
        s.close()
        handle = json.loads(resp.partition(b"\r\n\r\n")[2])["data"]["handle"]
        self.assertEqual(control("upload/" + handle)["sha256"], hashlib.sha256(b"hello").hexdigest())

    def test_api_keys(self):
        k = self.ok("PUT", "user", {"action": "getApiKey", "username": JANE_USERNAME, "password": JANE_PASSWORD},
                    auth=False)["result"]
        self.ok("GET", "task/count", auth=False, headers={"apiKey": k})
        k2 = self.ok("GET", "user", {"action": "generateApiKey", "username": JANE_USERNAME,
                                     "password": JANE_PASSWORD, "method": "put"}, auth=False)["result"]
        self.assertNotEqual(k, k2)
        self.err(401, "GET", "task/count", auth=False, headers={"apiKey": k})
        self.ok("PUT", "user", {"action": "clearApiKey", "username": JANE_USERNAME, "password": JANE_PASSWORD},
                auth=False)
        self.err(401, "GET", "task/count", auth=False, headers={"apiKey": k2})
        self.err(401, "PUT", "user", {"action": "getApiKey", "username": JANE_USERNAME, "password": "x"}, auth=False)


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def make_jwt(keyfile, claims, alg="RS256"):
    head = b64u(json.dumps({"alg": alg, "typ": "JWT"}).encode()) + "." + b64u(json.dumps(claims).encode())
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", keyfile], input=head.encode(),
                         stdout=subprocess.PIPE, check=True).stdout
    return head + "." + b64u(sig)


class OAuthTest(Base):
    TOKEN = "/integrations/oauth2/api/v1/token"
    JWT = "/integrations/oauth2/api/v1/jwt/exchange"
    CLIENT = [("client_id", OAUTH_CLIENT_ID), ("client_secret", OAUTH_CLIENT_SECRET)]

    def test_authorization_code_and_refresh(self):
        st, _, t = call("POST", self.TOKEN, form=self.CLIENT + [("grant_type", "authorization_code"),
                                                                ("code", OAUTH_AUTH_CODE)], auth=False)
        self.assertEqual(st, 200)
        self.assertEqual(set(t), {"access_token", "refresh_token", "expires_in", "token_type"})
        self.ok("GET", "task/count", auth=False, headers={"sessionID": t["access_token"]})
        st, _, t2 = call("POST", self.TOKEN, form=self.CLIENT + [("grant_type", "refresh_token"),
                                                                 ("refresh_token", t["refresh_token"])], auth=False)
        self.assertEqual(st, 200)
        self.ok("GET", "task/count", auth=False, headers={"SessionID": t2["access_token"]})
        st, _, bad = call("POST", self.TOKEN, form=self.CLIENT + [("grant_type", "authorization_code"),
                                                                  ("code", "nope")], auth=False)
        self.assertEqual((st, bad["error"]), (400, "invalid_grant"))
        st, _, bad = call("POST", self.TOKEN, form=[("client_id", "x"), ("client_secret", "y"),
                                                    ("grant_type", "authorization_code")], auth=False)
        self.assertEqual((st, bad["error"]), (401, "invalid_client"))

    def test_token_expiry_then_refresh(self):
        control("config", token_ttl=1)
        st, _, t = call("POST", self.TOKEN, form=self.CLIENT + [("grant_type", "authorization_code"),
                                                                ("code", OAUTH_AUTH_CODE)], auth=False)
        self.assertEqual(t["expires_in"], 1)
        self.ok("GET", "task/count", auth=False, headers={"SessionID": t["access_token"]})
        time.sleep(1.1)
        self.err(401, "GET", "task/count", auth=False, headers={"SessionID": t["access_token"]})
        st, _, t2 = call("POST", self.TOKEN, form=self.CLIENT + [("grant_type", "refresh_token"),
                                                                 ("refresh_token", t["refresh_token"])], auth=False)
        self.ok("GET", "task/count", auth=False, headers={"Authorization": "Bearer " + t2["access_token"]})

    def test_jwt_exchange(self):
        key = os.path.join(SRV["certs"], "jwt.key")
        claims = {"iss": JWT_CUSTOMER_ID, "sub": ADMIN_USER_ID, "exp": int(time.time()) + 300}
        st, _, t = call("POST", self.JWT, form=self.CLIENT + [("jwt_token", make_jwt(key, claims))], auth=False)
        self.assertEqual(st, 200, t)
        self.ok("GET", "task/count", auth=False, headers={"SessionID": t["access_token"]})
        for keyfile, cl, why in ((os.path.join(SRV["certs"], "other.key"), claims, "signature"),
                                 (key, dict(claims, exp=int(time.time()) - 5), "expired"),
                                 (key, dict(claims, iss="someone"), "iss")):
            st, _, bad = call("POST", self.JWT, form=self.CLIENT + [("jwt_token", make_jwt(keyfile, cl))],
                              auth=False)
            self.assertEqual((st, bad["error"]), (400, "invalid_grant"))
            self.assertIn(why, bad["error_description"])

    def test_ims(self):
        self.ok("GET", "task/count", auth=False, headers={"Authorization": "Bearer " + IMS_TOKEN,
                                                          "x-gw-ims-org-id": IMS_ORG})
        self.err(403, "GET", "task/count", auth=False, headers={"Authorization": "Bearer " + IMS_TOKEN})
        self.err(401, "GET", "task/count", auth=False, headers={"Authorization": "Bearer wrong",
                                                                "x-gw-ims-org-id": IMS_ORG})
        control("config", ims_token="rotated")
        self.err(401, "GET", "task/count", auth=False, headers={"Authorization": "Bearer " + IMS_TOKEN,
                                                                "x-gw-ims-org-id": IMS_ORG})

    def test_expiry_switches(self):
        sid = self.ok("POST", "login", form={"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD},
                      auth=False)["sessionID"]
        control("config", session_max_requests=2)
        for _ in range(2):
            self.ok("GET", "task/count", auth=False, headers={"SessionID": sid})
        e = self.err(401, "GET", "task/count", auth=False, headers={"SessionID": sid})
        self.assertIn("expired", e["message"])
        control("config", session_max_requests=0, session_ttl=1)
        sid = self.ok("POST", "login", form={"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD},
                      auth=False)["sessionID"]
        self.ok("GET", "task/count", auth=False, headers={"SessionID": sid})
        time.sleep(1.2)
        self.err(401, "GET", "task/count", auth=False, headers={"SessionID": sid})
        control("config", session_ttl=0)
        sid = self.ok("POST", "login", form={"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD},
                      auth=False)["sessionID"]
        control("expire")
        self.err(401, "GET", "task/count", auth=False, headers={"SessionID": sid})

    def test_max_concurrent(self):
        control("config", max_concurrent=2, delay_ms=400)
        results = []

        def one():
            results.append(call("GET", "task/count")[0])
        threads = [threading.Thread(target=one) for _ in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(results), [200, 200, 429, 429, 429])


# ---------------------------------------------------------------------------
# Beyond the API base: event subscriptions, document download
# ---------------------------------------------------------------------------

SUBS_URL = "/attask/eventsubscription/api/v1/subscriptions"


def json_call(method, path, obj=None, headers=None, kind="http", auth=True):
    hdrs = dict(KEY) if auth else {}
    hdrs.update(headers or {})
    body = None
    if obj is not None:
        body = json.dumps(obj).encode()
        hdrs["Content-Type"] = "application/json"
    c = conn(kind)
    try:
        c.request(method, path, body=body, headers=hdrs)
        r = c.getresponse()
        raw = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, raw
    finally:
        c.close()


class SubscriptionTest(Base):
    SUB = {"objCode": "TASK", "eventType": "UPDATE", "url": "https://h.example/x", "authToken": "t"}

    def test_lifecycle_as_documented(self):
        for kind in ("http", "https"):
            st, h, raw = json_call("POST", SUBS_URL, self.SUB, kind=kind)
            self.assertEqual((st, raw), (201, b""))
            scheme = "http" if kind == "http" else "https"
            self.assertTrue(h["location"].startswith("%s://127.0.0.1:%d%s/" % (scheme, SRV[kind], SUBS_URL)), h)
            sid = h["location"].rsplit("/", 1)[1]
            st, _, raw = json_call("GET", "%s/%s" % (SUBS_URL, sid), kind=kind)
            self.assertEqual(st, 200)
            self.assertEqual(json.loads(raw)["eventType"], "UPDATE")
            st, _, raw = json_call("GET", SUBS_URL + "?limit=1&page=1", kind=kind)
            d = json.loads(raw)
            self.assertEqual(d["meta"]["limit"], 1)
            self.assertEqual(len(d["subscriptions"]), 1)
            st, _, raw = json_call("DELETE", "%s/%s" % (SUBS_URL, sid), kind=kind)
            self.assertEqual((st, raw), (200, b""))
            st, _, raw = json_call("GET", "%s/%s" % (SUBS_URL, sid), kind=kind)
            self.assertEqual(st, 404)
            self.assertIn("message", json.loads(raw))

    def test_refusals(self):
        st, _, _ = json_call("GET", SUBS_URL, auth=False)
        self.assertEqual(st, 401)
        sid = self.ok("POST", "login", form={"username": "user01@test.example", "password": "user-Pa55"},
                      auth=False)["sessionID"]
        st, _, raw = json_call("GET", SUBS_URL, headers={"SessionID": sid}, auth=False)
        self.assertEqual(st, 403)
        self.assertIn("administrator", json.loads(raw)["message"])
        for bad in ({"objCode": "TASK"}, dict(self.SUB, eventType="TOUCH"), dict(self.SUB, url="not a url")):
            st, _, _ = json_call("POST", SUBS_URL, bad)
            self.assertEqual(st, 400, bad)
        st, _, _ = json_call("GET", SUBS_URL + "?limit=1001")
        self.assertEqual(st, 400)


class DownloadTest(Base):
    def spec(self):
        d = self.ok("GET", "document/search", {"name": "spec.pdf", "fields": "downloadURL,versions:downloadURL,"
                                                                        "versions:fileSize,currentVersionID"})
        return d[0]

    def test_versions_and_content(self):
        doc = self.spec()
        self.assertEqual(doc["downloadURL"], "/document/download?ID=%s" % doc["ID"])
        sizes = {v["ID"]: v["fileSize"] for v in doc["versions"]}
        self.assertEqual(sizes[doc["currentVersionID"]], BIG_DOC_SIZE)
        for v in doc["versions"]:
            if v["fileSize"] == BIG_DOC_SIZE:
                continue
            st, h, raw = json_call("GET", v["downloadURL"])
            self.assertEqual(st, 200)
            self.assertEqual(h["content-type"], "application/octet-stream")
            self.assertEqual(len(raw), v["fileSize"])
            c = control("content/" + v["ID"])
            self.assertEqual(c["sha256"], hashlib.sha256(raw).hexdigest())
            self.assertEqual(raw, json_call("GET", v["downloadURL"])[2])   # the same bytes every time
        st, _, _ = json_call("GET", doc["downloadURL"], auth=False)
        self.assertEqual(st, 401)

    def test_cut_download(self):
        doc = self.spec()
        small = [v for v in doc["versions"] if v["fileSize"] != BIG_DOC_SIZE][0]
        control("config", cut_download=1)
        try:
            with self.assertRaises(http.client.IncompleteRead):
                json_call("GET", small["downloadURL"])
            self.ok("GET", "task/count")                     # API answers are whole
        finally:
            control("config", cut_download=0)


if __name__ == "__main__":
    unittest.main()
