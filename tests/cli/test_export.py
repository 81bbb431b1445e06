#!/usr/bin/env python3
"""tests/cli/test_export.py - wf's export paths against the test server.

Pass-through JSON/NDJSON (compared with the server's own answer), --csv
(parsed back with Python's csv module, awkward strings included) and
`wf sync` (first run, exactly the changed objects, equal timestamps across
a page boundary, an interrupted run leaves the state file alone, deletions
from journal entries).  Starts its own test server (10,000 tasks: sync pages
past 2000) and stops it by PID.

    WF=build/wf-san python3 tests/cli/test_export.py [NAME-FILTER]
Prints `export-test: N passed, M failed`.
"""

import csv
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "server"))
from wfconst import ADMIN_API_KEY  # noqa: E402

WF = os.environ.get("WF") or os.path.join(ROOT, "build", "wf")
B = os.environ.get("B") or os.path.join(ROOT, "build")
API = "/attask/api/v22.0"
AWKWARD = ["4c78821c0000d6fa8d5e52f07a1d54d1", "4c78821c0000d6fa8d5e52f07a1d54d2",
           "4c78821c0000d6fa8d5e52f07a1d54d3", "4c78821c0000d6fa8d5e52f07a1d54d4",
           "4c78821c0000d6fa8d5e52f07a1d54d5", "4c78821c0000d6fa8d5e52f07a1d54d6"]
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Server:
    def __init__(self, tmp):
        self.info = os.path.join(tmp, "server.info")
        self.log = open(os.path.join(tmp, "server.log"), "w")
        self.proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests", "server", "wfserver.py"),
                                      "--certs", os.path.join(B, "certs"), "--info", self.info, "--quiet"],
                                     stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("the test server exited")
            if os.path.exists(self.info) and "READY" in open(self.info).read():
                break
            time.sleep(0.05)
        else:
            raise RuntimeError("the test server did not start")
        kv = dict(ln.split("=", 1) for ln in open(self.info).read().split() if "=" in ln)
        self.url = "http://127.0.0.1:%s" % kv["HTTP_PORT"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def api(self, path, data=None):
        req = urllib.request.Request(self.url + API + path, data=data, headers={"apiKey": ADMIN_API_KEY})
        with NO_PROXY.open(req, timeout=60) as r:
            return json.loads(r.read())["data"]

    def ctl(self, what):
        with NO_PROXY.open(self.url + "/__test/" + what, timeout=60) as r:
            return r.read()


SRV = None
TMP = None


def wf(*args, stdout=None, check=True):
    env = dict(os.environ, WF_URL=SRV.url, WF_API_KEY=ADMIN_API_KEY)
    for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy",
              "WF_SESSION_ID", "WF_TOKEN", "WF_BEARER", "WF_USERNAME", "WF_PASSWORD", "WF_DOMAIN"):
        env.pop(k, None)
    p = subprocess.run([WF, "-q"] + list(args), env=env, stdout=stdout or subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300)
    if check and p.returncode != 0:
        raise AssertionError("wf %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr.decode(errors="replace")))
    return p


def ndjson(data):
    return [json.loads(ln) for ln in data.decode("utf-8").splitlines() if ln.strip()]


def eq(a, b, what):
    if a != b:
        raise AssertionError("%s: %r != %r" % (what, a, b))


# ------------------------------------------------------------ pass-through

def test_ndjson_is_the_servers_data():
    got = ndjson(wf("search", "task", "fields=*", "--all", "--ndjson").stdout)
    want = SRV.api("/task/search?fields=*&ID_Sort=asc&$$LIMIT=2000")
    eq(len(got), SRV.api("/task/count")["count"], "objects of --all")
    eq(got[:2000], want, "the first page, object by object")
    eq(len({o["ID"] for o in got}), len(got), "distinct IDs")


def test_json_keeps_awkward_strings():
    ids = ",".join(AWKWARD)
    out = wf("get", "task", ids, "--fields", "name,description").stdout
    eq(json.loads(out), SRV.api("/task?id=%s&fields=name,description" % ids), "get of the awkward tasks")
    eq(out.count(b"\n"), 1, "compact: one line")


def test_invalid_utf8_still_fails():
    # a lone surrogate in the answer is malformed JSON for wf: exit 5
    SRV.ctl("config?force_status=200&force_ctype=application/json&force_body=" +
            urllib.request.quote('{"data":[{"name":"\\ud800"}]}'))
    p = wf("search", "task", "--ndjson", check=False)
    SRV.ctl("reset")
    eq(p.returncode, 5, "exit status for a lone surrogate")


# --------------------------------------------------------------------- CSV

def csv_rows(data):
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def cell(v):
    if v is None:
        return ""
    if isinstance(v, (dict, list)):
        return v  # compared after json.loads
    if isinstance(v, bool):
        return "true" if v else "false"
    return v if isinstance(v, str) else json.dumps(v)


def check_csv(rows, cols, objects):
    eq(rows[0], cols, "header row")
    eq(len(rows) - 1, len(objects), "rows")
    for row, o in zip(rows[1:], objects):
        for c, text in zip(cols, row):
            v = o
            for seg in ([c] if c in o or c.startswith("DE:") else c.split(":")):
                v = v.get(seg) if isinstance(v, dict) else v
            want = cell(v)
            got = json.loads(text) if isinstance(want, (dict, list)) else text
            if isinstance(want, str) and isinstance(v, (int, float)) and not isinstance(v, bool):
                got, want = float(text), float(v)
            eq(got, want, "%s of %s" % (c, o.get("ID")))


def test_csv_awkward_strings_parse_back():
    cols = ["ID", "name", "description", "assignedTo:name", "project:name", "percentComplete", "assignments"]
    ids = ",".join(AWKWARD)
    out = wf("get", "task", ids, "--fields", ",".join(cols), "--csv").stdout
    want = SRV.api("/task?id=%s&fields=%s" % (ids, ",".join(cols)))
    check_csv(csv_rows(out), cols, want)
    if b"\r\n" not in out:
        raise AssertionError("records end in CRLF (RFC 4180)")


def test_csv_quotes_commas_spaces_newlines():
    name = '  lead, "quoted" ,\r\nsecond line\ttab  '
    proj = SRV.api("/proj/search?$$LIMIT=1")[0]["ID"]
    created = ndjson(wf("create", "task", "name=" + name, "projectID=" + proj, "--ndjson").stdout)[0]
    rows = csv_rows(wf("get", "task", created["ID"], "--fields", "name,DE:Custom Text", "--csv").stdout)
    eq(rows, [["name", "DE:Custom Text"], [name, ""]], "a name that needs every kind of quoting")


def test_csv_all_streams_every_object():
    out = wf("search", "task", "--all", "--csv", "--fields", "ID,name,status,project:name").stdout
    rows = csv_rows(out)
    eq(len(rows) - 1, SRV.api("/task/count")["count"], "rows of --all")
    want = SRV.api("/task/search?fields=ID,name,status,project:name&ID_Sort=asc&$$LIMIT=2000")
    check_csv(rows[:2001], ["ID", "name", "status", "project:name"], want)


def test_csv_first_objects_keys_without_fields():
    rows = csv_rows(wf("search", "task", "fields=*", "--limit", "3", "--csv").stdout)
    want = SRV.api("/task/search?fields=*&$$LIMIT=3")
    check_csv(rows, list(want[0].keys()), want)


def test_csv_usage_errors():
    eq(wf("count", "task", "--csv", check=False).returncode, 2, "--csv on count")
    eq(wf("search", "task", "--csv", "--ndjson", check=False).returncode, 2, "--csv with --ndjson")


# -------------------------------------------------------------------- sync

def sync(state, *extra, check=True, stdout=None):
    return wf("sync", "task", "--state", state, *extra, check=check, stdout=stdout)


def state_path(name):
    return os.path.join(TMP, name)


def test_sync_first_run_pages_past_2000_then_nothing():
    st = state_path("first.state")
    got = ndjson(sync(st, "--fields", "name").stdout)
    eq(len(got), SRV.api("/task/count")["count"], "first run: every task")
    eq(len({o["ID"] for o in got}), len(got), "no object twice")
    keys = [(o["lastUpdateDate"], o["ID"]) for o in got]
    saved = json.load(open(st))
    eq(saved["wf_sync"], 1, "state version")
    eq((saved["lastUpdateDate"], saved["ID"]), keys[-1], "the watermark is the last object printed")
    eq(sync(st).stdout, b"", "second run without changes")
    eq([f for f in os.listdir(TMP) if ".tmp." in f], [], "no temporary state files left")


def test_sync_three_edits_exactly_those():
    st = state_path("three.state")
    sync(st)
    ids = [o["ID"] for o in SRV.api("/task/search?$$LIMIT=3&$$FIRST=5000&ID_Sort=asc")]
    for i, oid in enumerate(ids):
        wf("edit", "task", oid, "description=edited %d" % i)
    got = ndjson(sync(st, "--fields", "description").stdout)
    eq(sorted(o["ID"] for o in got), sorted(ids), "the three edited objects")
    eq(sync(st).stdout, b"", "and nothing after them")


def test_sync_equal_timestamps_across_a_page_boundary():
    st = state_path("equal.state")
    sync(st)
    rows = SRV.api("/task/search?$$LIMIT=2000&$$FIRST=1000&ID_Sort=asc") + \
        SRV.api("/task/search?$$LIMIT=500&$$FIRST=3000&ID_Sort=asc")
    ids = [o["ID"] for o in rows]
    SRV.ctl("config?frozen_now=" + urllib.request.quote("2030-01-01T10:00:00:000-0600"))
    try:
        for k in range(0, len(ids), 100):
            updates = json.dumps([{"ID": i, "description": "same second"} for i in ids[k:k + 100]])
            wf("edit", "task", "--json", updates)
    finally:
        SRV.ctl("config?frozen_now=")
    got = ndjson(sync(st).stdout)
    eq(len(got), len(ids), "2500 objects of one timestamp: all of them")
    eq([o["ID"] for o in got], sorted(ids), "once each, in ID order, across the page at 2000")
    eq({o["lastUpdateDate"] for o in got}, {"2030-01-01T10:00:00:000-0600"}, "one timestamp")
    eq(sync(st).stdout, b"", "nothing after them")


def test_sync_interrupted_leaves_state_unchanged():
    st = state_path("cut.state")
    sync(st)
    ids = [o["ID"] for o in SRV.api("/task/search?$$LIMIT=3&$$FIRST=7000&ID_Sort=asc")]
    for oid in ids:
        wf("edit", "task", oid, "priority=4")
    before = open(st, "rb").read()
    # the server cuts the answer short
    SRV.ctl("config?truncate=1&for_next=1")
    p = sync(st, "--retries", "0", check=False)
    SRV.ctl("config?truncate=0&for_next=0")
    if p.returncode == 0:
        raise AssertionError("a truncated answer must fail the run")
    eq(open(st, "rb").read(), before, "state after a failed run")
    # the output cannot be written
    with open("/dev/full", "wb") as full:
        p = sync(st, stdout=full, check=False)
    eq(p.returncode, 3, "exit status when stdout is full")
    eq(open(st, "rb").read(), before, "state after a failed write")
    # the reader goes away after one line (a first run is long enough to notice)
    fresh = state_path("cut-first.state")
    env = dict(os.environ, WF_URL=SRV.url, WF_API_KEY=ADMIN_API_KEY)
    subprocess.run(["sh", "-c", '"$0" -q sync task --state "$1" | head -n 1 >/dev/null', WF, fresh],
                   env=env, timeout=300)
    eq(os.path.exists(fresh), False, "no state file after a cut first run")
    # the next run repeats the same window
    got = ndjson(sync(st).stdout)
    eq(sorted(o["ID"] for o in got), sorted(ids), "the same window again")


def test_sync_csv():
    st = state_path("csv.state")
    rows = csv_rows(sync(st, "--csv", "--fields", "ID,name").stdout)
    eq(rows[0], ["ID", "name"], "header")
    eq(len(rows) - 1, SRV.api("/task/count")["count"], "rows")
    oid = rows[1][0]
    wf("edit", "task", oid, "name=Renamed, \"really\"")
    eq(csv_rows(sync(st, "--csv", "--fields", "ID,name").stdout), [["ID", "name"], [oid, 'Renamed, "really"']],
       "the changed object as a row")


def test_sync_deletes_from_the_journal():
    st = state_path("deletes.state")
    sync(st, "--deletes")
    saved = json.load(open(st))
    if "deletes" not in saved:
        raise AssertionError("the state keeps a deletions watermark")
    rows = SRV.api("/task/search?$$LIMIT=2&$$FIRST=9000&ID_Sort=asc&numberOfChildren=0")
    ids = [o["ID"] for o in rows]
    for oid in ids:
        wf("delete", "task", oid, "--force")
    got = ndjson(sync(st, "--deletes").stdout)
    dels = [o for o in got if "deleted" in o]
    eq(sorted(o["deleted"] for o in dels), sorted(ids), "a line per deleted task")
    eq({o["objCode"] for o in dels}, {"TASK"}, "objCode of the deletions")
    eq(ndjson(sync(st, "--deletes").stdout), [], "nothing the next time")


def test_sync_usage_errors():
    eq(wf("sync", "task", check=False).returncode, 2, "sync without --state")
    st = state_path("other.state")
    with open(st, "w") as f:
        f.write('{"wf_sync":1,"objCode":"proj","lastUpdateDate":null,"ID":null}\n')
    eq(sync(st, check=False).returncode, 2, "a state file of another object type")
    with open(st, "w") as f:
        f.write('{"wf_sync":99,"objCode":"task"}\n')
    eq(sync(st, check=False).returncode, 2, "a state file of another version")
    eq(sync(state_path("x.state"), "--csv", "--deletes", check=False).returncode, 2, "--csv with --deletes")
    eq(sync(state_path("x.state"), "--sort", "name", check=False).returncode, 2, "--sort on sync")


def main():
    global SRV, TMP
    only = sys.argv[1] if len(sys.argv) > 1 else ""
    tests = [(n, f) for n, f in sorted(globals().items()) if n.startswith("test_") and only in n]
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        TMP = tmp
        SRV = Server(tmp)
        try:
            for name, fn in tests:
                SRV.ctl("reset")
                try:
                    fn()
                    passed += 1
                    print("ok   - %s" % name)
                except Exception:
                    failed += 1
                    print("FAIL - %s" % name)
                    traceback.print_exc(file=sys.stdout)
                sys.stdout.flush()
        finally:
            SRV.stop()
    print("export-test: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
