#!/usr/bin/env python3
"""bench/run.py - the driver of `make bench` (Python 3 stdlib only).

Installs what the comparison clients need (as root: Debian's
libcurl4-openssl-dev and libcjson-dev; npm workfront-api into
bench/node_modules), builds the C clients, starts the bundled test server
(and stops it by PID), runs workloads P1/P2/P3 with the three clients --
workfront.h (bench/wf_bench.c), the official JS client (bench/js_bench.js)
and libcurl + cJSON (bench/curl_bench.c) -- and writes bench/RESULTS.md.

Each client runs as its own process; its CPU time and peak RSS come from
wait4() on that process alone.  Connections and TLS handshakes come from the
server's /__test/stats counters (reset before each run).  Bytes on the wire
and the process-wide malloc peak come from one extra, instrumented run with an
LD_PRELOAD probe (bench/shim.c), so the timed runs carry no probe at all.

workfront.h runs twice over HTTPS: linked with Debian's packaged mbedTLS (2.28
on bookworm, as `make wf` builds it; the reference row) and with the trimmed
mbedTLS 3.6 that the static builds use (build/static-mbedtls, made by
`make static`'s rule when missing; the "wf36" client).

Environment: BENCH_RUNS (timed runs per cell, default 3), BENCH_CLIENTS (default
"wf,wf36,curl,js"; a quick run can leave clients out), CC (default cc).
"""

import datetime
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
WORK = os.path.join(BENCH, ".work")
LOGS = os.path.join(WORK, "logs")
RESULTS = os.path.join(BENCH, "RESULTS.md")
RUNS = max(1, int(os.environ.get("BENCH_RUNS", "3")))
CC = os.environ.get("CC") or "cc"
CLIENT_TIMEOUT = 180
P3_SECONDS = "1.0"
API = "/attask/api/v22.0"
USER, PASSWORD = "admin@test.example", "s3cret-Pa55"

CLIENT_NAMES = {"wf": "workfront.h", "wf36": "workfront.h, mbedTLS 3.6", "curl": "libcurl + cJSON",
                "js": "workfront-api (Node)"}
CLIENTS = ["wf", "wf36", "curl", "js"]
ONLY = [c.strip() for c in os.environ.get("BENCH_CLIENTS", "wf,wf36,curl,js").split(",") if c.strip()]
# the static builds' mbedTLS 3.6 (mk/dist.mk builds it; wf36 runs only over HTTPS)
MB36 = os.path.join(ROOT, "build", "static-mbedtls")

skipped = []        # (what, why)
problems = []       # things that went wrong and the reader must know
current_child = None
T_START = time.monotonic()


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return f.read().split()[0]
    except OSError:
        return "?"


LOAD = [loadavg()]
NODE_START = {}   # CPU and RSS of `node -e "require('workfront-api')"` alone


def log(msg):
    sys.stderr.write("bench: %s\n" % msg)
    sys.stderr.flush()


def sh(argv, timeout=600, env=None, cwd=None):
    """Runs argv; returns (rc, combined output).  rc is None on a timeout."""
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout,
                           env=env, cwd=cwd or ROOT)
        return p.returncode, p.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        return None, (e.output or b"").decode("utf-8", "replace") + "\n(timed out after %ss)" % timeout
    except OSError as e:
        return 127, str(e)


def last_line(text):
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1] if lines else ""


# ---------------------------------------------------------------------------
# Installing what the comparison clients need
# ---------------------------------------------------------------------------

def ensure_debian():
    """libcurl4-openssl-dev and libcjson-dev for the baseline client."""
    need = []
    if not os.path.exists("/usr/include/x86_64-linux-gnu/curl/curl.h") and not os.path.exists("/usr/include/curl/curl.h"):
        need.append("libcurl4-openssl-dev")
    if not os.path.exists("/usr/include/cjson/cJSON.h"):
        need.append("libcjson-dev")
    if not need:
        return True
    if os.geteuid() != 0:
        skipped.append(("libcurl + cJSON client", "not root, so `apt-get install %s` was not tried" % " ".join(need)))
        return False
    if not shutil.which("apt-get"):
        skipped.append(("libcurl + cJSON client", "no apt-get to install %s" % " ".join(need)))
        return False
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    log("installing %s" % " ".join(need))
    rc, out = sh(["apt-get", "update", "-qq"], timeout=300, env=env)
    if rc != 0:
        log("apt-get update failed: %s" % last_line(out))
    rc, out = sh(["apt-get", "install", "-y", "-qq", "--no-install-recommends"] + need, timeout=600, env=env)
    if rc != 0:
        skipped.append(("libcurl + cJSON client", "apt-get install %s failed: %s" % (" ".join(need), last_line(out))))
        return False
    return True


def wanted_js_version():
    with open(os.path.join(BENCH, "package.json")) as f:
        return json.load(f)["dependencies"]["workfront-api"]


def installed_js_version():
    try:
        with open(os.path.join(BENCH, "node_modules", "workfront-api", "package.json")) as f:
            return json.load(f).get("version")
    except (OSError, ValueError):
        return None


def ensure_npm():
    """npm workfront-api into bench/node_modules (git-ignored)."""
    if not shutil.which("node"):
        skipped.append(("workfront-api (Node) client", "no `node` on this machine"))
        return False
    want = wanted_js_version()
    npm = shutil.which("npm")
    reach = "npm not found"
    if npm:
        rc, out = sh([npm, "ping", "--loglevel=error"], timeout=60, cwd=BENCH)
        reach = "reachable" if rc == 0 else "not reachable (%s)" % (last_line(out) or "npm ping failed")
    log("npm registry: %s" % reach)
    if installed_js_version() == want:
        return True
    if not npm or not reach.startswith("reachable"):
        skipped.append(("workfront-api (Node) client", "npm registry %s; workfront-api@%s not installed" % (reach, want)))
        return False
    log("npm install workfront-api@%s into bench/node_modules" % want)
    rc, out = sh([npm, "install", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"],
                 timeout=600, cwd=BENCH)
    if rc != 0 or installed_js_version() != want:
        skipped.append(("workfront-api (Node) client", "npm install failed: %s" % last_line(out)))
        return False
    return True


# ---------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------

def build():
    """Returns {client: argv prefix} for the clients that could be built."""
    exe = {}
    tls = ["-lmbedtls", "-lmbedx509", "-lmbedcrypto"]
    rc, out = sh([CC, "-std=c99", "-O2", "-Wall", "bench/runner.c", "-o", os.path.join(WORK, "runner")])
    if rc != 0:
        raise RuntimeError("bench/runner.c did not build:\n" + out)
    rc, out = sh([CC, "-std=c99", "-O2", "-g", "-Wall", "-Wextra", "-I", ROOT, "bench/wf_bench.c",
                  "-o", os.path.join(WORK, "wf_bench")] + tls)
    if rc != 0:
        problems.append("bench/wf_bench.c did not build:\n\n```\n%s\n```" % out.strip()[-2000:])
    else:
        exe["wf"] = [os.path.join(WORK, "wf_bench")]
    if "wf36" in ONLY:
        # the library as make static builds it (-Os, mk/mbedtls36-config.h), built niced when missing
        rc, out = sh(["nice", os.environ.get("MAKE", "make"), "-s", "--no-print-directory", "CC=" + CC,
                      "build/static-mbedtls/.stamp"], timeout=1800, cwd=ROOT)
        inc, lib = ["-I", os.path.join(MB36, "include")], ["-L", os.path.join(MB36, "lib")]
        if rc == 0:
            rc, out = sh([CC, "-std=c99", "-O2", "-g", "-Wall", "-Wextra"] + inc + ["-I", ROOT, "bench/wf_bench.c",
                          "-o", os.path.join(WORK, "wf_bench36")] + lib + tls)
        if rc != 0:
            skipped.append(("workfront.h with mbedTLS 3.6", "did not build: %s" % last_line(out)))
        else:
            exe["wf36"] = [os.path.join(WORK, "wf_bench36")]
            rc, out = sh([CC, "-std=c99", "-O2"] + inc + ["bench/cipher_speed.c", "-o",
                          os.path.join(WORK, "cipher_speed36")] + lib + ["-lmbedcrypto"])
            if rc != 0:
                log("cipher_speed (3.6) did not build: %s" % last_line(out))
    else:
        skipped.append(("workfront.h with mbedTLS 3.6", "left out by BENCH_CLIENTS"))
    if have_curl:
        rc, out = sh([CC, "-std=c99", "-O2", "-g", "-Wall", "-Wextra", "bench/curl_bench.c",
                      "-o", os.path.join(WORK, "curl_bench"), "-lcurl", "-lcjson"])
        if rc != 0:
            skipped.append(("libcurl + cJSON client", "bench/curl_bench.c did not build: %s" % last_line(out)))
        else:
            exe["curl"] = [os.path.join(WORK, "curl_bench")]
    if have_js:
        exe["js"] = [shutil.which("node"), os.path.join(BENCH, "js_bench.js")]
    rc, out = sh([CC, "-O2", "-shared", "-fPIC", "-DSHIM_HEAP", "bench/shim.c", "-o",
                  os.path.join(WORK, "libbenchshim.so"), "-ldl"])
    if rc != 0:
        skipped.append(("bytes read and malloc peak", "the LD_PRELOAD probe did not build: %s" % last_line(out)))
    rc, out = sh([CC, "-std=c99", "-O2", "bench/cipher_speed.c", "-o", os.path.join(WORK, "cipher_speed"),
                  "-lmbedcrypto"])
    if rc != 0:
        log("cipher_speed did not build: %s" % last_line(out))
    return exe


def static_size():
    """Stripped size of a statically linked wf (cc -static -Os examples/wf.c)."""
    res = {}
    tls = ["-lmbedtls", "-lmbedx509", "-lmbedcrypto"]
    variants = [("plain", "cc -static -Os examples/wf.c -lmbedtls -lmbedx509 -lmbedcrypto; strip", []),
                ("gc", "... plus -ffunction-sections -fdata-sections -Wl,--gc-sections",
                 ["-ffunction-sections", "-fdata-sections", "-Wl,--gc-sections"])]
    for key, desc, extra in variants:
        out_bin = os.path.join(WORK, "wf-static-" + key)
        rc, out = sh([CC, "-static", "-Os", "-std=c99", "-I", ROOT] + extra +
                     ["examples/wf.c", "-o", out_bin] + tls)
        if rc != 0:
            errs = [ln for ln in out.splitlines() if "error" in ln or "undefined reference" in ln][:8]
            rcd, _ = sh([CC, "-std=c99", "-O2", "-I", ROOT, "examples/wf.c", "-o", out_bin + "-dyn"] + tls)
            why = ("examples/wf.c did not compile at all at bench time (a dynamic build fails too), so this is "
                   "not a static-linking problem" if rcd != 0 else
                   "the dynamic build works, so static linking itself failed")
            res[key] = {"desc": desc, "error": "\n".join(errs) or out.strip()[-1500:], "why": why}
            continue
        warn = [ln.split("warning: ", 1)[1] for ln in out.splitlines() if "warning: " in ln]
        stripped = out_bin + ".stripped"
        sh(["strip", "-o", stripped, out_bin])
        rcv, ver = sh([stripped, "version"])
        res[key] = {"desc": desc, "unstripped": os.path.getsize(out_bin), "bytes": os.path.getsize(stripped),
                    "warnings": warn, "runs": rcv == 0, "version": ver.strip().splitlines()[0] if ver.strip() else ""}
    return res


# ---------------------------------------------------------------------------
# The test server
# ---------------------------------------------------------------------------

class Server:
    def __init__(self):
        self.proc = None
        self.info = {}

    def start(self):
        info = os.path.join(WORK, "server.info")
        if os.path.exists(info):
            os.remove(info)
        self.log = open(os.path.join(LOGS, "server.log"), "w")
        self.proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests", "server", "wfserver.py"),
                                      "--certs", os.path.join(WORK, "certs"), "--info", info, "--quiet"],
                                     stdout=self.log, stderr=self.log, cwd=ROOT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("the test server exited (status %s); see %s" % (self.proc.returncode, self.log.name))
            try:
                with open(info) as f:
                    text = f.read()
                if "READY" in text:
                    for ln in text.splitlines():
                        if "=" in ln:
                            k, v = ln.split("=", 1)
                            self.info[k] = v
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("the test server did not get ready within 60 s")

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    @property
    def http(self):
        return "http://127.0.0.1:%s" % self.info["HTTP_PORT"]

    @property
    def https(self):
        return "https://127.0.0.1:%s" % self.info["HTTPS_PORT"]

    @property
    def ca(self):
        return self.info["CA"]


NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def api(server, path, data=None, headers=None):
    req = urllib.request.Request(server.http + API + path, data=data, headers=headers or {})
    with NO_PROXY.open(req, timeout=60) as r:
        return r.read()


def stats(server, reset):
    return json.loads(api(server, "/__test/stats" + ("?reset=1" if reset else "")))["data"]


def prepare_data(server):
    """The stored search response for P3 and the task P2 reads."""
    body = api(server, "/login", data=("username=%s&password=%s" % (USER, PASSWORD)).encode())
    sid = json.loads(body)["data"]["sessionID"]
    raw = api(server, "/task/search?fields=*&$$LIMIT=2000", headers={"SessionID": sid})
    path = os.path.join(WORK, "search-2000.json")
    with open(path, "wb") as f:
        f.write(raw)
    rows = json.loads(raw)["data"]
    api(server, "/logout", data=b"", headers={"SessionID": sid})
    return path, len(raw), len(rows), rows[0]["ID"], json_tokens(json.loads(raw))


# ---------------------------------------------------------------------------
# Running one client
# ---------------------------------------------------------------------------

def run_client(tag, argv, env_extra=None, instrument=False):
    """Runs one client process under bench/runner.c, which forks it, waits
    for it with wait4() and reports that process's wall time, CPU time
    (user + sys) and peak RSS."""
    global current_child
    env = dict(os.environ)
    for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy", "LD_PRELOAD"):
        env.pop(k, None)
    env.update(env_extra or {})
    shim_out = os.path.join(WORK, "shim-%s.json" % tag)
    if instrument:
        if os.path.exists(shim_out):
            os.remove(shim_out)
        env["BENCH_PRELOAD"] = os.path.join(WORK, "libbenchshim.so")
        env["BENCH_SHIM_OUT"] = shim_out
    out_path = os.path.join(LOGS, tag + ".out")
    err_path = os.path.join(LOGS, tag + ".err")
    res_path = os.path.join(LOGS, tag + ".rusage")
    if os.path.exists(res_path):
        os.remove(res_path)
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        p = subprocess.Popen([os.path.join(WORK, "runner"), res_path] + argv, stdout=out, stderr=err, env=env, cwd=WORK)
        current_child = p
        try:
            p.wait(timeout=CLIENT_TIMEOUT)
        except subprocess.TimeoutExpired:
            p.terminate()      # the runner kills its client and reports
            p.wait()
        finally:
            current_child = None
    try:
        with open(res_path) as f:
            ru = json.load(f)
    except (OSError, ValueError):
        ru = {"wall": None, "user": None, "sys": None, "maxrss_kb": None, "pid": None, "status": p.returncode}
    res = {"wall": ru["wall"], "user": ru["user"], "sys": ru["sys"],
           "cpu": ru["user"] + ru["sys"] if ru["user"] is not None else None,
           "rss_kb": ru["maxrss_kb"], "rc": ru["status"]}
    with open(out_path, "rb") as f:
        text = f.read().decode("utf-8", "replace").strip()
    try:
        res["out"] = json.loads(text.splitlines()[-1]) if text else None
    except ValueError:
        res["out"] = None
    if res["rc"] != 0 or res["out"] is None:
        with open(err_path, "rb") as f:
            res["error"] = "exit %s: %s" % (res["rc"], last_line(f.read().decode("utf-8", "replace")) or "no output")
    if instrument:
        try:
            with open(shim_out) as f:
                lines = [json.loads(ln) for ln in f if ln.strip()]
            mine = [ln for ln in lines if ln.get("pid") == ru.get("pid")] or lines
            res["shim"] = mine[0] if mine else None
        except (OSError, ValueError):
            res["shim"] = None
    return res


def node_baseline(exe):
    """What Node costs before the first request: start-up plus loading workfront-api."""
    if "js" not in exe:
        return
    mod = os.path.join(BENCH, "node_modules", "workfront-api")
    runs = [run_client("node-start-%d" % i, [exe["js"][0], "-e",
                                             "require(%s); process.stdout.write('{}\\n')" % json.dumps(mod)])
            for i in range(RUNS)]
    ok = [r for r in runs if r["rc"] == 0 and r["cpu"] is not None]
    if ok:
        NODE_START["cpu"] = med([r["cpu"] for r in ok])
        NODE_START["rss"] = med([r["rss_kb"] for r in ok]) / 1024.0


def client_argv(client, exe, wl, server, p3_file, task_id):
    mode, proto = wl["mode"], wl.get("proto")
    env = {}
    if mode == "p3":
        args = ["p3", p3_file, P3_SECONDS]
    else:
        url = server.https if proto == "https" else server.http
        ca = server.ca if proto == "https" else ""
        args = [mode, url, ca] + ([task_id] if mode == "p2" else [])
        if client == "js" and ca:
            env["NODE_EXTRA_CA_CERTS"] = ca
    return exe[client] + args, env


WORKLOADS = [
    {"id": "P1-http", "mode": "p1", "proto": "http",
     "title": "P1 over HTTP: login, 20 searches of 2000 tasks with fields=* (ID and name of each read), count, report, logout"},
    {"id": "P1-https", "mode": "p1", "proto": "https", "title": "P1 over HTTPS (TLS verified against the test CA)"},
    {"id": "P2-http", "mode": "p2", "proto": "http",
     "title": "P2 over HTTP: 200 small GETs of one task on one keep-alive connection (API key)"},
    {"id": "P2-https", "mode": "p2", "proto": "https", "title": "P2 over HTTPS"},
    {"id": "P3", "mode": "p3", "proto": None,
     "title": "P3: parse-only throughput of a stored search response (2000 tasks, fields=*)"},
]

CHECK_KEYS = ("objects", "name_bytes", "id_sum", "count", "report_groups")


def run_all(server, exe, p3_file, task_id):
    results = {}
    for wl in WORKLOADS:
        # the TLS library changes nothing over plain HTTP or in the parser
        clients = [c for c in CLIENTS if c in exe and (c != "wf36" or wl.get("proto") == "https")]
        cell = {c: {"runs": [], "inst": None} for c in clients}
        for r in range(RUNS):
            order = clients[r % len(clients):] + clients[:r % len(clients)]  # rotate who goes first
            for c in order:
                argv, env = client_argv(c, exe, wl, server, p3_file, task_id)
                if wl["mode"] != "p3":
                    stats(server, reset=True)
                res = run_client("%s-%s-%d" % (wl["id"], c, r + 1), argv, env)
                if wl["mode"] != "p3":
                    res["stats"] = stats(server, reset=False)
                cell[c]["runs"].append(res)
                log("%-8s %-4s run %d: wall %.3f s, cpu %.3f s, rss %.1f MB%s" % (
                    wl["id"], c, r + 1, res["wall"] or 0, res["cpu"] or 0, (res["rss_kb"] or 0) / 1024.0,
                    ("  ERROR " + res["error"]) if res.get("error") else ""))
        if os.path.exists(os.path.join(WORK, "libbenchshim.so")):
            for c in clients:
                argv, env = client_argv(c, exe, wl, server, p3_file, task_id)
                res = run_client("%s-%s-probe" % (wl["id"], c), argv, env, instrument=True)
                cell[c]["inst"] = res
        # every client must have read the same objects
        ref = None
        for c in clients:
            outs = [x["out"] for x in cell[c]["runs"] if x.get("out")]
            if not outs:
                continue
            got = {k: outs[0].get(k) for k in CHECK_KEYS if k in outs[0]}
            if ref is None:
                ref = (c, got)
            elif any(ref[1].get(k) != v for k, v in got.items() if k in ref[1]):
                problems.append("%s: %s read %s but %s read %s" % (wl["id"], CLIENT_NAMES[c], got,
                                                                    CLIENT_NAMES[ref[0]], ref[1]))
        results[wl["id"]] = cell
    return results


# ---------------------------------------------------------------------------
# Profiles, machine, report
# ---------------------------------------------------------------------------

def perf_profile(tag, argv):
    """Flat profile (by library and by symbol) with perf, else callgrind."""
    data = os.path.join(WORK, "perf-%s.data" % tag)
    if shutil.which("perf"):
        for old in (data, data + ".old"):
            if os.path.exists(old):
                os.remove(old)
        rc, out = sh(["perf", "record", "-q", "-F", "4999", "-o", data, "--"] + argv, timeout=120, cwd=WORK)
        if rc == 0:
            prof = {"tool": "perf record -F 4999 -- wf_bench %s" % tag.replace("-", " ")}
            for key, sort in (("dso", "dso"), ("sym", "dso,sym")):
                rc2, rep = sh(["perf", "report", "-i", data, "--no-children", "--sort", sort, "--stdio",
                               "--percent-limit", "0.8"], timeout=120, cwd=WORK)
                rows = []
                for ln in rep.splitlines():
                    m = re.match(r"\s*([\d.]+)%\s+(.*)$", ln)
                    if m and not ln.lstrip().startswith("#"):
                        rows.append((float(m.group(1)), re.sub(r"\s+", " ", m.group(2)).strip()))
                prof[key] = rows[:14]
            if prof.get("sym"):
                return prof
        log("perf failed (%s); trying callgrind" % last_line(out))
    if shutil.which("valgrind"):
        cg = os.path.join(WORK, "callgrind-%s.out" % tag)
        rc, out = sh(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + cg] + argv, timeout=300, cwd=WORK)
        if rc == 0 and shutil.which("callgrind_annotate"):
            rc2, rep = sh(["callgrind_annotate", cg], timeout=60)
            rows = []
            for ln in rep.splitlines():
                m = re.match(r"\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(\S.*)$", ln)
                if m:
                    rows.append((float(m.group(2)), m.group(3).strip()))
            return {"tool": "valgrind --tool=callgrind -- wf_bench %s (instructions)" % tag.replace("-", " "),
                    "sym": rows[:14], "dso": []}
    return None


def machine():
    m = {}
    try:
        with open("/proc/cpuinfo") as f:
            names = [ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")]
        m["cpu"] = names[0] if names else platform.processor()
    except OSError:
        m["cpu"] = platform.processor() or "unknown"
    m["cores"] = os.cpu_count()
    try:
        with open("/proc/meminfo") as f:
            kb = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1))
        m["memory"] = "%.1f GiB" % (kb / 1048576.0)
    except (OSError, AttributeError):
        m["memory"] = "unknown"
    osname = platform.system()
    try:
        with open("/etc/os-release") as f:
            osname = re.search(r'PRETTY_NAME="?([^"\n]*)', f.read()).group(1)
    except (OSError, AttributeError):
        pass
    m["os"] = "%s, Linux %s" % (osname, platform.release())
    rc, out = sh([CC, "--version"])
    m["cc"] = out.splitlines()[0].strip() if rc == 0 and out else CC
    rc, out = sh(["node", "--version"])
    m["node"] = out.strip() if rc == 0 else "not installed"
    m["python"] = platform.python_version()
    m["workfront_api"] = installed_js_version() or "not installed"
    wfb = os.path.join(WORK, "wf_bench")
    if os.path.exists(wfb):
        rc, out = sh([wfb, "version"])
        try:
            v = json.loads(out)
            m["wf"], m["mbedtls"] = v["wf"], v["tls"]
        except ValueError:
            pass
    cb = os.path.join(WORK, "curl_bench")
    if os.path.exists(cb):
        rc, out = sh([cb, "version"])
        try:
            v = json.loads(out)
            m["curl"], m["cjson"] = v["curl"], v["cjson"]
        except ValueError:
            pass
    rc, out = sh(["openssl", "version"])
    m["openssl"] = out.strip() if rc == 0 else "?"
    return m


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarize(results):
    """Medians per workload and client."""
    s = {}
    for wid, cell in results.items():
        s[wid] = {}
        for c, d in cell.items():
            ok = [r for r in d["runs"] if r.get("out") and r["rc"] == 0]
            row = {"n": len(ok), "failed": len(d["runs"]) - len(ok),
                   "errors": sorted({r.get("error") for r in d["runs"] if r.get("error")})}
            if ok:
                row["wall"] = med([r["wall"] for r in ok])
                row["cpu"] = med([r["cpu"] for r in ok])
                row["user"] = med([r["user"] for r in ok])
                row["sys"] = med([r["sys"] for r in ok])
                row["cpu_min"], row["cpu_max"] = min(r["cpu"] for r in ok), max(r["cpu"] for r in ok)
                row["rss"] = med([r["rss_kb"] for r in ok]) / 1024.0
                if "stats" in ok[0]:
                    row["conns"] = [r["stats"]["connections"] for r in ok]
                    row["full"] = [r["stats"]["tls_full_handshakes"] for r in ok]
                    row["resumed"] = [r["stats"]["tls_resumed_handshakes"] for r in ok]
                    row["requests"] = [r["stats"]["requests"] for r in ok]
                out = ok[0]["out"]
                for k in ("lib_heap_peak", "lib_peak_blocks", "max_body", "tls", "bytes", "objects"):
                    if k in out:
                        row[k] = out[k]
                for k in ("mbps", "mbps_parse", "mbps_wall", "mbps_parse_wall"):
                    if k in out:
                        row[k] = med([r["out"].get(k) for r in ok])
            inst = d.get("inst")
            if inst and inst.get("shim"):
                row["net_in"] = inst["shim"].get("net_in")
                row["net_out"] = inst["shim"].get("net_out")
                row["heap"] = inst["shim"].get("heap_peak")
                row["heap_allocs"] = inst["shim"].get("heap_allocs")
            s[wid][c] = row
    return s


def fmt_ratio(v, ref, digits=2):
    if v is None:
        return "–"
    if digits is None:   # sizes: enough digits for small values
        digits = 1 if v >= 10 else 2 if v >= 1 else 3
    if ref in (None, 0) or v is ref:
        return ("%." + str(digits) + "f") % v
    ratio = v / ref
    return ("%." + str(digits) + "f (%s×)") % (v, ("%.0f" if ratio >= 100 else "%.1f") % ratio)


def one(vals):
    """Server counters over the runs: one number when they agree."""
    if not vals:
        return "–"
    return str(vals[0]) if len(set(vals)) == 1 else "/".join(str(v) for v in vals)


def mb(n):
    return None if n is None else n / 1e6


def write_results(s, mach, static, prof, cipher, p3_info, elapsed):
    L = []
    add = L.append
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    add("# workfront.h benchmarks")
    add("")
    add("Generated by `make bench` (`bench/run.py`) on %s; the whole run took %.0f s. "
        "Do not edit by hand: run `make bench` again." % (now, elapsed))
    add("")
    add("## Machine")
    add("")
    add("| | |")
    add("|---|---|")
    add("| CPU | %s |" % mach.get("cpu"))
    add("| cores | %s |" % mach.get("cores"))
    add("| memory | %s |" % mach.get("memory"))
    add("| OS | %s |" % mach.get("os"))
    add("| compiler | %s (`-O2`) |" % mach.get("cc"))
    add("| workfront.h | %s, %s |" % (mach.get("wf", "?"), mach.get("mbedtls", "?")))
    add("| Node | %s, npm workfront-api %s |" % (mach.get("node"), mach.get("workfront_api")))
    add("| libcurl | %s; cJSON %s |" % (mach.get("curl", "not built"), mach.get("cjson", "–")))
    add("| OpenSSL | %s |" % mach.get("openssl"))
    add("| Python (test server) | %s |" % mach.get("python"))
    add("| load average (1 min) at start / end | %s / %s |" % (LOAD[0], loadavg()))
    add("")
    add("All three clients talk to the bundled test server (`tests/server/wfserver.py`) on 127.0.0.1, "
        "which runs on the same %s cores: wall times include the server's work, CPU times do not. "
        "Figures are medians of %d run(s); `(n×)` is the ratio to workfront.h (above 1: more than workfront.h)."
        % (mach.get("cores"), RUNS))
    add("")
    if max(float(LOAD[0]), float(loadavg())) > 0.7:
        add("**Other work was running on this machine during the bench** (load average above). CPU times and "
            "the P3 rates (per CPU second) hold up under load; wall times and wall-clock rates do not, so "
            "read them with care or run `make bench` again on an idle machine.")
        add("")

    names = CLIENT_NAMES
    for wl in WORKLOADS:
        wid = wl["id"]
        cell = s.get(wid, {})
        if not cell:
            continue
        ref = cell.get("wf", {})
        add("## " + wl["title"])
        add("")
        if wl["mode"] == "p3":
            add("Stored response: %.2f MB, %d tasks. Each client parses it in a loop for %s s of CPU (parse + "
                "walk: read every task's ID and name), then %.1f s of parse only (workfront.h: `wf_doc_parse` + "
                "`wf_envelope`; cJSON: `cJSON_ParseWithLength` + `cJSON_Delete`; Node: `JSON.parse`). "
                "Throughput is bytes per second of the process's CPU time (Node: all its threads, so V8's "
                "garbage collection counts), which other load on the machine does not change much; the wall-clock "
                "figure is beside it. MB = 10^6 bytes." % (p3_info[1] / 1e6, p3_info[2], P3_SECONDS,
                                                           float(P3_SECONDS) / 2))
            add("")
            add("| client | parse + walk MB/s | parse only MB/s | parse only MB/s (wall clock) | process CPU s | "
                "peak RSS MB | malloc peak MB |")
            add("|---|---|---|---|---|---|---|")
            for c in CLIENTS:
                r = cell.get(c)
                if not r or not r.get("n"):
                    continue
                isref = c == "wf"
                add("| %s | %s | %s | %s | %s | %s | %s |" % (
                    names[c], fmt_ratio(r.get("mbps"), None if isref else ref.get("mbps"), 0),
                    fmt_ratio(r.get("mbps_parse"), None if isref else ref.get("mbps_parse"), 0),
                    fmt_ratio(r.get("mbps_parse_wall"), None if isref else ref.get("mbps_parse_wall"), 0),
                    "%.2f" % r["cpu"], fmt_ratio(r["rss"], None if isref else ref.get("rss"), 1),
                    fmt_ratio(mb(r.get("heap")), None if isref else mb(ref.get("heap")), None)))
            add("")
            continue
        add("| client | wall s | client CPU s (user+sys) | peak RSS MB | malloc peak MB | TCP connections | "
            "TLS full / resumed | requests | bytes read MB | bytes sent KB |")
        add("|---|---|---|---|---|---|---|---|---|---|")
        for c in CLIENTS:
            r = cell.get(c)
            if not r:
                continue
            if not r.get("n"):
                add("| %s | failed: %s | | | | | | | | |" % (names[c], "; ".join(r["errors"])[:200]))
                continue
            isref = c == "wf"
            tls = "%s / %s" % (one(r.get("full")), one(r.get("resumed"))) if wl["proto"] == "https" else "–"
            add("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                names[c],
                fmt_ratio(r["wall"], None if isref else ref.get("wall"), 3),
                fmt_ratio(r["cpu"], None if isref else ref.get("cpu"), 3),
                fmt_ratio(r["rss"], None if isref else ref.get("rss"), 1),
                fmt_ratio(mb(r.get("heap")), None if isref else mb(ref.get("heap")), None),
                one(r.get("conns")), tls, one(r.get("requests")),
                fmt_ratio(mb(r.get("net_in")), None if isref else mb(ref.get("net_in")), None),
                "%.1f" % (r["net_out"] / 1e3) if r.get("net_out") is not None else "–"))
        add("")
        spread = ["%s %.3f–%.3f" % (names[c], cell[c]["cpu_min"], cell[c]["cpu_max"])
                  for c in CLIENTS if cell.get(c, {}).get("n")]
        if spread and RUNS > 1:
            add("Client CPU over the %d runs (min–max, s): %s." % (RUNS, "; ".join(spread)))
            add("")
        if wl["mode"] == "p1" and wl["proto"] == "http" and ref.get("max_body"):
            add("Each search page is %.2f MB of JSON (the performance targets assume about 1.5 MB per 2000 tasks with "
                "`fields=*`; the test server's 44-field task rows give more, so they are rich enough as they are)."
                % (ref["max_body"] / 1e6))
            add("")
        if ref.get("lib_heap_peak") is not None:
            add("workfront.h's own allocations (counting allocator in `desc.allocator`) peaked at %.2f MB%s%s." % (
                ref["lib_heap_peak"] / 1e6,
                "; largest search body %.2f MB" % (ref["max_body"] / 1e6) if ref.get("max_body") else "",
                "; TLS: %s" % ref["tls"] if ref.get("tls") else ""))
            add("")
        r36 = cell.get("wf36", {})
        if r36.get("n") and ref.get("cpu"):
            add("workfront.h with mbedTLS 3.6 (%s; the library as `make static` builds it, `-Os`, "
                "`mk/mbedtls36-config.h`) used %.3f s of client CPU against %.3f s with %s (%.2f×)%s." % (
                    CIPHER36.get("mbedtls", "3.6") if CIPHER36 else "3.6", r36["cpu"], ref["cpu"],
                    MACH_TLS or "Debian's mbedTLS", r36["cpu"] / ref["cpu"],
                    "; TLS: %s" % r36["tls"] if r36.get("tls") else ""))
            add("")
    # ---- targets
    add("## Performance targets")
    add("")
    # wf_bench streams P1 (one object in memory), so it never sees a whole
    # page body; the stored P3 response is one such page, byte for byte.
    for wid in ("P1-http", "P1-https"):
        if s.get(wid, {}).get("wf") and not get(s, wid, "wf", "max_body"):
            s[wid]["wf"]["max_body"] = p3_info[1]
    targets, notes = evaluate(s, prof, cipher, p3_info[4] if len(p3_info) > 4 else None)
    add("| target | measured | |")
    add("|---|---|---|")
    for t in targets:
        add("| %s | %s | %s |" % t)
    add("")
    if notes:
        add("### Why the missed targets are missed, and what would close them")
        add("")
        for n in notes:
            add(n)
            add("")
    # ---- observations
    obs = observations(s)
    if obs:
        add("## Observations")
        add("")
        for o in obs:
            add("- " + o)
        add("")
    # ---- static size
    add("## Size of a static `wf`")
    add("")
    for key in ("plain", "gc"):
        v = static.get(key)
        if not v:
            continue
        if "error" in v:
            add("- `%s`: failed — %s:\n\n```\n%s\n```" % (v["desc"], v["why"], v["error"]))
            continue
        add("- `%s`: **%.0f KB** stripped (%.0f KB before strip)%s." % (
            v["desc"], v["bytes"] / 1024.0, v["unstripped"] / 1024.0,
            "" if v["runs"] else "; the binary did not run"))
    plain = static.get("plain", {})
    if plain.get("warnings"):
        add("")
        add("The link warns: \"%s\" — glibc's resolver still loads NSS modules at run time; "
            "with an IP address or /etc/hosts entries the binary runs anywhere, and a musl build "
            "(not done here) would avoid it." % plain["warnings"][0].strip())
    add("")
    sizes = os.path.join(ROOT, "build", "static", "SIZES")
    if os.path.exists(sizes):
        add("From the last `make static` / `make static-musl` (`build/static/SIZES`, stripped, trimmed mbedTLS 3.6):")
        add("")
        with open(sizes) as f:
            for ln in f.read().splitlines():
                add("    " + ln.strip())
        add("")
        add("The musl build with mbedTLS 2.28.3 (before the move to 3.6, same flags) was 305,136 bytes; the "
            "README's \"Static builds\" section says where the 3.6 build's extra bytes go.")
        add("")
    # ---- skipped / problems
    add("## Skipped or failed")
    add("")
    if not skipped and not problems:
        add("Nothing: every client and measurement ran.")
    for what, why in skipped:
        add("- **%s** skipped: %s" % (what, why))
    for p in problems:
        add("- %s" % p)
    for wid, cell in s.items():
        for c, r in cell.items():
            if r.get("failed"):
                add("- %s, %s: %d of %d runs failed (%s)" % (wid, names[c], r["failed"], r["failed"] + r["n"],
                                                          "; ".join(r["errors"])[:300]))
    add("")
    # ---- method
    add("## Method")
    add("")
    add("- Each client is its own process (`bench/wf_bench.c`, `bench/curl_bench.c`, `bench/js_bench.js`); the "
        "driver starts it and collects its CPU time (user + sys) and peak RSS with `wait4()` on that process "
        "alone (`bench/runner.c` forks it, so the driver's own memory is not in its peak RSS). Wall time is "
        "from fork to exit, so Node's start-up counts, as it would for a real tool.")
    add("- TCP connections, TLS handshakes (full / resumed) and requests are the server's `/__test/stats` "
        "counters, reset before each run.")
    add("- Bytes read/sent and the malloc peak come from one extra run per client and workload with an "
        "`LD_PRELOAD` probe (`bench/shim.c`): bytes through read/recv/… on TCP sockets (the wire bytes, TLS "
        "records included) and the peak of live `malloc` bytes (`malloc_usable_size`). The timed runs carry no "
        "probe. Node's malloc peak leaves out the V8 JavaScript heap, which V8 maps itself; its peak RSS is "
        "the comparable figure there.")
    add("- workfront.h is configured with the test CA only (`ca_file`, `no_system_ca`); libcurl gets the same "
        "CA as `CURLOPT_CAINFO`; Node gets it through `NODE_EXTRA_CA_CERTS` (on top of its built-in roots). "
        "The JS client is `workfront-api` as published (its `NodeApi` class, `login`, `search`, `count`, "
        "`report`, `logout`, `get`); on Node ≥ 18 it uses Node's built-in `fetch` (undici), which keeps the "
        "connection alive.")
    add("- `workfront.h, mbedTLS 3.6` is the same `bench/wf_bench.c` linked with the trimmed mbedTLS 3.6 of "
        "`make static`/`make static-musl` (`build/static-mbedtls`: `mk/mbedtls36-config.h`, `-Os`, Debian's "
        "newest 3.6 source); it runs the HTTPS workloads only and negotiates TLS 1.3 with the test server, "
        "where Debian's 2.28 speaks TLS 1.2. Both use AES-256-GCM.")
    nice = os.nice(0)
    if nice > 0:
        add("- The whole bench ran under `nice` %d (the machine is shared with other work), so wall times "
            "stretch when other processes run; CPU times do not." % nice)
    add("- P1 walks `$$FIRST` = 0, 2000, … 8000 four times (the server holds 10,000 tasks). The three "
        "clients' object counts, name byte totals and ID checksums are compared; a mismatch is listed above.")
    add("")
    # ---- README paragraph
    add("## Benchmarks (summary for the README)")
    add("")
    add(readme_paragraph(s, mach, static, p3_info))
    add("")
    with open(RESULTS, "w") as f:
        f.write("\n".join(L))


def get(s, wid, c, k):
    return s.get(wid, {}).get(c, {}).get(k)


def evaluate(s, prof, cipher, ntok=None):
    targets, notes = [], []
    # 1. CPU on P1 <= 1/10 of JS and below curl
    for wid in ("P1-http", "P1-https"):
        wf, js, cu = get(s, wid, "wf", "cpu"), get(s, wid, "js", "cpu"), get(s, wid, "curl", "cpu")
        if wf is None:
            continue
        if js is not None:
            ok = wf <= js / 10
            targets.append(("%s: client CPU ≤ 1/10 of the JS client's" % wid,
                            "%.3f s vs %.3f s (1/%.1f)" % (wf, js, js / wf), "met" if ok else "**missed**"))
        else:
            targets.append(("%s: client CPU ≤ 1/10 of the JS client's" % wid, "JS client not run", "not measured"))
        if cu is not None:
            ok = wf < cu
            targets.append(("%s: client CPU below libcurl + cJSON" % wid, "%.3f s vs %.3f s (%.2f×)" % (wf, cu, wf / cu),
                            "met" if ok else "**missed**"))
    # 2. RSS
    for wid in ("P1-http", "P1-https"):
        rss = get(s, wid, "wf", "rss")
        if rss is not None:
            targets.append(("%s: peak RSS ≤ 5 MB" % wid, "%.1f MB" % rss, "met" if rss <= 5.0 else "**missed**"))
    # 3. handshakes
    full, res, conns = get(s, "P1-https", "wf", "full"), get(s, "P1-https", "wf", "resumed"), get(s, "P1-https", "wf", "conns")
    if full is not None:
        ok = all(f == 1 for f in full) and all(r == 0 for r in res)
        targets.append(("P1-https: one full TLS handshake in the whole run",
                        "full %s, resumed %s, TCP connections %s" % (one(full), one(res), one(conns)),
                        "met" if ok else "**missed**"))
    # 4. P3
    wfp, jsp, wfv = get(s, "P3", "wf", "mbps_parse"), get(s, "P3", "js", "mbps_parse"), get(s, "P3", "wf", "mbps")
    if wfp is not None:
        targets.append(("P3: envelope parse ≥ 400 MB/s", "%.0f MB/s per CPU second (wall clock %.0f; with the walk "
                        "over every ID and name: %.0f)" % (wfp, get(s, "P3", "wf", "mbps_parse_wall") or 0, wfv),
                        "met" if wfp >= 400 else "**missed**"))
        if jsp is not None:
            targets.append(("P3: faster than JSON.parse on the same bytes", "%.0f vs %.0f MB/s (parse + walk: %.0f vs %.0f)"
                            % (wfp, jsp, wfv, get(s, "P3", "js", "mbps")),
                            "met" if wfp > jsp else "**missed**"))

    missed = {t[0] for t in targets if "missed" in t[2]}
    if any("client CPU" in m for m in missed):
        notes.append(cpu_note(s, prof, cipher))
    if any("peak RSS" in m for m in missed):
        notes.append(rss_note(s, ntok))
    if any("TLS handshake" in m for m in missed):
        notes.append("**TLS handshakes.** workfront.h made %s TCP connection(s) with %s full and %s resumed "
                     "handshakes in P1-https: the keep-alive connection was not kept for the whole run. "
                     "Run `wf_bench p1` with a `WF_LOG_TRACE` logger to see where it reconnects."
                     % (one(conns), one(full), one(res)))
    if any(m.startswith("P3") for m in missed):
        notes.append(p3_note(s, prof))
    return targets, notes


def observations(s):
    out = []
    jc = get(s, "P2-http", "js", "conns") or get(s, "P1-http", "js", "conns")
    if jc and max(jc) > 1:
        out.append("The JS client opens %d TCP connections where one would do (and over HTTPS resumes the TLS "
                   "session on the second). This is Node's built-in `fetch` (undici), not `workfront-api`: three "
                   "sequential `await fetch(...); await r.json()` calls open two connections too — the first "
                   "socket is not yet back in the pool when the next request is dispatched." % max(jc))
    if NODE_START.get("cpu") is not None:
        out.append("Node before its first request (start-up and `require('workfront-api')`, nothing else) takes "
                   "%.3f s of CPU and %.0f MB of RSS; that is in every JS figure above, as it is in every run of a "
                   "Node tool." % (NODE_START["cpu"], NODE_START["rss"]))
    wf2, js2 = get(s, "P2-http", "wf", "cpu"), get(s, "P2-http", "js", "cpu")
    if wf2 and js2:
        js_req = js2 - NODE_START.get("cpu", 0)
        out.append("Per-request overhead (P2, HTTP, client CPU per GET): workfront.h %.0f µs, libcurl + cJSON %s µs, "
                   "Node %.0f µs%s." % (
                       wf2 / 200 * 1e6, "%.0f" % (get(s, "P2-http", "curl", "cpu") / 200 * 1e6)
                       if get(s, "P2-http", "curl", "cpu") else "–", js_req / 200 * 1e6,
                       " (its start-up taken out)" if NODE_START.get("cpu") is not None else
                       " (start-up included)"))
    return out


def prof_table(p, what):
    if not p:
        return "(no profile: neither perf nor valgrind worked here)"
    rows = p.get(what) or []
    out = ["Profile of `%s`, by %s:" % (p["tool"], "library" if what == "dso" else "function"), "",
           "| share | %s |" % ("library" if what == "dso" else "library / function"), "|---|---|"]
    for pct, name in rows[:12]:
        out.append("| %.1f%% | `%s` |" % (pct, name))
    return "\n".join(out)


def dso_share(p, pattern):
    if not p or not p.get("dso"):
        return None
    return sum(pct for pct, name in p["dso"] if re.search(pattern, name))


def cpu_note(s, prof, cipher):
    parts = ["**Client CPU on P1.**"]
    h, hs = prof.get("P1-http"), prof.get("P1-https")
    wf_h, js_h = get(s, "P1-http", "wf", "cpu"), get(s, "P1-http", "js", "cpu")
    wf_s, js_s = get(s, "P1-https", "wf", "cpu"), get(s, "P1-https", "js", "cpu")
    mbody = get(s, "P1-http", "wf", "max_body") or 0
    total_mb = 20 * mbody / 1e6
    if wf_h is not None and js_h is not None:
        p3r = get(s, "P3", "wf", "mbps_parse")
        share = None
        if h and h.get("sym"):
            share = sum(pct for pct, name in h["sym"] if re.search(r"wf__doc_load|wf__unescape|wf__gap_ok|"
                                                                   r"wf__number_ok|jsmn", name))
        parts.append("Over HTTP workfront.h uses %.3f s against Node's %.3f s (1/%.1f)%s. That is mostly "
                     "tokenizing and validating the %.0f MB of JSON: at the P3 rate (%s MB/s) the parse alone is "
                     "about %.3f s. To fit in a tenth of Node's CPU (%.3f s) the parse would have to run above "
                     "%.0f MB/s even if nothing else cost anything. The body is received straight into the "
                     "body buffer, jsmn tokenises each byte once as it arrives (resuming where it stopped), "
                     "elements are validated on jsmn's own tokens, and text without control characters, "
                     "non-ASCII bytes or \\u escapes skips the per-string check (one scan, 16 or 8 bytes a "
                     "step). What remains is jsmn's own byte-at-a-time loop (the largest share of the profile "
                     "below; jsmn is the project's tokenizer by rule), the token-level pass of "
                     "`wf__doc_validate` (separators, literals, the sibling links) and the kernel's share of "
                     "receiving 51 MB. What would get further: a tokenizer that skips string bodies a word or "
                     "SIMD vector at a time and validates as it goes, which means replacing jsmn." % (
                         wf_h, js_h, js_h / wf_h,
                         " (%.0f%% of its samples are in the JSON code)" % share if share else "",
                         total_mb, "%.0f" % p3r if p3r else "?", total_mb / p3r if p3r else 0,
                         js_h / 10, total_mb / (js_h / 10)))
    if wf_s is not None and js_s is not None:
        share = dso_share(hs, r"mbed")
        text = ("Over HTTPS workfront.h uses %.3f s against Node's %.3f s (1/%.1f)." % (wf_s, js_s, js_s / wf_s))
        if share is not None:
            text += (" %.0f%% of workfront.h's samples are inside mbedTLS (`libmbedcrypto`/`libmbedtls`): "
                     "decrypting %.0f MB of AES-GCM records." % (share, total_mb))
        if cipher:
            text += (" mbedTLS %s decrypts AES-256-GCM at %s MB/s and AES-128-GCM at %s MB/s on this machine "
                     "(`bench/cipher_speed.c`, 16 KB records, per CPU second), ChaCha20-Poly1305 at %s MB/s; OpenSSL, under "
                     "Node and libcurl, does AES-256-GCM at %s with stitched AES-NI/PCLMUL code. So the "
                     "cipher alone costs workfront.h about %.2f s here, more than the whole 1/10 budget (%.3f s): "
                     "the HTTPS target cannot be met with mbedTLS 2.28's GCM. What would help: build against an "
                     "mbedTLS with faster GCM and re-measure; offering ChaCha20-Poly1305 first "
                     "(`mbedtls_ssl_conf_ciphersuites`, %.1f× the AES-256-GCM rate in this mbedTLS) helps only "
                     "with servers that honour the client's order, and this test server, like most, picks by its "
                     "own." % (
                         cipher.get("mbedtls"), cipher.get("aes256gcm"), cipher.get("aes128gcm"),
                         cipher.get("chacha20poly1305"),
                         "%.0f MB/s (`openssl speed`)" % cipher["openssl_aes256gcm"] if cipher.get("openssl_aes256gcm")
                         else "several GB/s", total_mb / max(cipher.get("aes256gcm") or 1, 1),
                         js_s / 10, (cipher.get("chacha20poly1305") or 0) / max(cipher.get("aes256gcm") or 1, 1)))
        if CIPHER36:
            text += (" mbedTLS %s as the static builds carry it (`-Os`, `mk/mbedtls36-config.h`) decrypts the same "
                     "records at %s MB/s (AES-256-GCM), %s MB/s (AES-128-GCM) and %s MB/s (ChaCha20-Poly1305); its "
                     "P1 row is in the HTTPS table above." % (
                         CIPHER36.get("mbedtls"), CIPHER36.get("aes256gcm"), CIPHER36.get("aes128gcm"),
                         CIPHER36.get("chacha20poly1305")))
        parts.append(text)
    cu_h, cu_s = get(s, "P1-http", "curl", "cpu"), get(s, "P1-https", "curl", "cpu")
    if wf_s is not None and cu_s is not None and wf_s >= cu_s:
        parts.append("Against libcurl + cJSON over HTTPS (%.3f s vs %.3f s) the same cipher cost decides: "
                     "libcurl's OpenSSL decrypts for a fraction of the cost, which outweighs cJSON being slower "
                     "than workfront.h's parser." % (wf_s, cu_s))
    if wf_h is not None and cu_h is not None and wf_h >= cu_h:
        parts.append("Over HTTP workfront.h is not below libcurl + cJSON (%.3f s vs %.3f s)." % (wf_h, cu_h))
    parts.append(prof_table(h, "sym"))
    parts.append(prof_table(hs, "dso"))
    parts.append(prof_table(hs, "sym"))
    return "\n\n".join(parts)


def json_tokens(v):
    """Tokens jsmn makes of a JSON value: one per value, one per object key."""
    if isinstance(v, dict):
        return 1 + sum(1 + json_tokens(x) for x in v.values())
    if isinstance(v, list):
        return 1 + sum(json_tokens(x) for x in v)
    return 1


def rss_note(s, ntok):
    rh, rs = get(s, "P1-http", "wf", "rss"), get(s, "P1-https", "wf", "rss")
    lib = get(s, "P1-http", "wf", "lib_heap_peak")
    blocks = get(s, "P1-http", "wf", "lib_peak_blocks") or []
    mbody = get(s, "P1-http", "wf", "max_body") or 0
    base = get(s, "P2-http", "wf", "rss")
    cap = 1
    while cap < mbody + 1:
        cap *= 2
    txt = ["**Peak RSS on P1** is %.1f MB over HTTP and %.1f MB over HTTPS." % (rh or 0, rs or 0)]
    if lib:
        desc = []
        for b in [b for b in blocks if b]:
            if b == cap:
                desc.append("%.2f MB response body buffer (a %.2f MB body, capacity rounded up to a power of two; "
                            "only the touched %.2f MB is resident)" % (b / 1e6, mbody / 1e6, mbody / 1e6))
            elif b % 20 == 0 and b > 100000:
                desc.append("%.2f MB jsmn token array (%d tokens of 20 bytes)" % (b / 1e6, b // 20))
            else:
                desc.append("%.2f MB" % (b / 1e6))
        txt.append("The library's own heap peaks at %.2f MB; at the peak its largest blocks are: %s." % (
            lib / 1e6, "; ".join(desc)))
    if ntok and mbody:
        txt.append("A 2000-task `fields=*` page (%.2f MB) is %d JSON tokens, and each costs 24 bytes (20 for the "
                   "jsmn token with its parent link, 4 for `next[]`): the index is %.2f MB, %.1f× the body. "
                   "When a bigger body arrives the token array grows by doubling with a copy, so the old and the "
                   "new array are live together for a moment." % (mbody / 1e6, ntok, ntok * 24 / 1e6,
                                                                  ntok * 24.0 / mbody))
    proj = ""
    if ntok and mbody and base:
        proj = (" With (2)–(4) the peak would be about %.1f MB (the %.1f MB a small P2 run needs, plus the %.2f MB "
                "body, plus %d tokens of 12 bytes): still above 5 MB, so (1) is what meets the target." % (
                    base + (mbody + ntok * 12) / 1048576.0, base, mbody / 1e6, ntok))
    txt.append("What would close it: (1) a streaming search (an `on_object` callback, like `wf_pager_run`'s) that "
               "tokenizes each array element as the bytes arrive and never holds the whole body or its whole token "
               "index, which stays near the P2 footprint whatever the page size; short of that, (2) size the token "
               "array from the body length before parsing (free and allocate once, no doubling copy), (3) a "
               "compact 12-byte token without the parent link (compute `next[]` during the parse), and (4) "
               "reserve exactly Content-Length bytes for the body." + proj)
    return " ".join(txt)


def p3_note(s, prof):
    return ("**P3.** workfront.h parses at %s MB/s (parse only, per CPU second), JSON.parse at %s MB/s. The parse "
            "is jsmn's byte-at-a-time tokenizer plus a second validation pass over every token "
            "(`wf__doc_validate`: `wf__unescape` over every string, `wf__gap_ok` between tokens, `wf__number_ok`); "
            "the profile below shows the split. What would raise it: scan string bodies a word or SIMD vector at "
            "a time, validate while tokenizing (one pass), and drop the parent links from the token.\n\n%s" % (
                get(s, "P3", "wf", "mbps_parse"), get(s, "P3", "js", "mbps_parse"), prof_table(prof.get("P3"), "sym")))


def readme_paragraph(s, mach, static, p3_info):
    g = lambda wid, c, k: get(s, wid, c, k)
    bits = []
    cpu = mach.get("cpu", "this machine")
    cores = mach.get("cores")
    mbody = g("P1-http", "wf", "max_body") or p3_info[1]
    if g("P1-http", "wf", "cpu") is not None:
        t = ("On one %s (%s cores), against the bundled test server, workfront.h fetched 20 pages of 2000 tasks "
             "with `fields=*` (%.1f MB of JSON each) plus login, count, report and logout using %.2f s of client "
             "CPU over HTTP and %.2f s over HTTPS" % (cpu, cores, mbody / 1e6, g("P1-http", "wf", "cpu"),
                                                        g("P1-https", "wf", "cpu") or 0))
        comp = []
        if g("P1-http", "js", "cpu") is not None:
            comp.append("the official JavaScript client (`workfront-api` on Node %s) used %.2f s / %.2f s "
                        "(%.1f× / %.1f×)" % (mach.get("node"), g("P1-http", "js", "cpu"), g("P1-https", "js", "cpu") or 0,
                                             g("P1-http", "js", "cpu") / g("P1-http", "wf", "cpu"),
                                             (g("P1-https", "js", "cpu") or 0) / (g("P1-https", "wf", "cpu") or 1)))
        if g("P1-http", "curl", "cpu") is not None:
            comp.append("a libcurl + cJSON client %.2f s / %.2f s (%.1f× / %.1f×)" % (
                g("P1-http", "curl", "cpu"), g("P1-https", "curl", "cpu") or 0,
                g("P1-http", "curl", "cpu") / g("P1-http", "wf", "cpu"),
                (g("P1-https", "curl", "cpu") or 0) / (g("P1-https", "wf", "cpu") or 1)))
        if comp:
            t += "; " + " and ".join(comp)
        bits.append(t + ".")
        rss = ("Peak RSS was %.1f MB (HTTPS %.1f MB)" % (g("P1-http", "wf", "rss"), g("P1-https", "wf", "rss") or 0))
        o = []
        if g("P1-http", "js", "rss"):
            o.append("%.0f MB for Node" % g("P1-http", "js", "rss"))
        if g("P1-http", "curl", "rss"):
            o.append("%.0f MB for libcurl + cJSON" % g("P1-http", "curl", "rss"))
        if o:
            rss += " against " + " and ".join(o)
        full = g("P1-https", "wf", "full")
        if full:
            rss += ", and the whole HTTPS run used %s TCP connection%s and %s full TLS handshake%s" % (
                one(g("P1-https", "wf", "conns")), "" if one(g("P1-https", "wf", "conns")) == "1" else "s",
                one(full), "" if one(full) == "1" else "s")
        bits.append(rss + ".")
    if g("P2-http", "wf", "wall") is not None:
        t = "200 small GETs on one keep-alive connection took %.0f ms of client CPU (HTTPS %.0f ms)" % (
            g("P2-http", "wf", "cpu") * 1000, (g("P2-https", "wf", "cpu") or 0) * 1000)
        if g("P2-http", "js", "cpu") is not None:
            t += " against Node's %.0f ms (%.0f ms)" % (g("P2-http", "js", "cpu") * 1000, (g("P2-https", "js", "cpu") or 0) * 1000)
        bits.append(t + ".")
    if g("P3", "wf", "mbps_parse") is not None:
        t = "The envelope parser reads a stored %.1f MB search response at %.0f MB/s" % (
            p3_info[1] / 1e6, g("P3", "wf", "mbps_parse"))
        o = []
        if g("P3", "js", "mbps_parse"):
            o.append("Node's `JSON.parse` %.0f MB/s" % g("P3", "js", "mbps_parse"))
        if g("P3", "curl", "mbps_parse"):
            o.append("cJSON %.0f MB/s" % g("P3", "curl", "mbps_parse"))
        if o:
            t += " (" + ", ".join(o) + ")"
        bits.append(t + ".")
    st = static.get("plain", {})
    if st.get("bytes"):
        bits.append("A statically linked, stripped `wf` (glibc + mbedTLS) is %.0f KB." % (st["bytes"] / 1024.0))
    targets, _ = evaluate(s, {}, None)
    missed = [t[0] for t in targets if "missed" in t[2]]
    if missed:
        open_ = []
        if any("peak RSS" in m for m in missed):
            open_.append("peak RSS ≤ 5 MB on P1 (needs a streaming search: today the whole page and its token "
                         "index are held)")
        if any("1/10" in m for m in missed):
            open_.append("client CPU ≤ 1/10 of Node's on P1 (JSON tokenizing over HTTP; mbedTLS's AES-GCM "
                         "over HTTPS)")
        if any("libcurl" in m for m in missed):
            open_.append("client CPU below libcurl + cJSON on P1")
        if any("handshake" in m for m in missed):
            open_.append("one TLS handshake per HTTPS run")
        if any(m.startswith("P3") for m in missed):
            open_.append("the P3 parse rate")
        bits.append("Still short of the performance targets: %s." % "; ".join(open_))
    bits.append("Full tables, method and why: `bench/RESULTS.md` (`make bench`).")
    return " ".join(bits)


CIPHER36 = None     # cipher_speed against the static builds' mbedTLS 3.6
MACH_TLS = None     # "Mbed TLS 2.28.3": what wf_bench links


def cipher_speed(name="cipher_speed"):
    exe = os.path.join(WORK, name)
    if not os.path.exists(exe):
        return None
    rc, out = sh([exe], timeout=60)
    try:
        res = json.loads(out)
    except ValueError:
        return None
    # OpenSSL (under Node and libcurl) on the same records; `openssl speed`
    # counts CPU time unless -elapsed is given
    if shutil.which("openssl"):
        rc, out = sh(["openssl", "speed", "-evp", "aes-256-gcm", "-bytes", "16384", "-seconds", "1"], timeout=60)
        m = re.search(r"^AES-256-GCM\s+([\d.]+)k", out, re.M | re.I)
        if rc == 0 and m:
            res["openssl_aes256gcm"] = float(m.group(1)) * 1000 / 1e6
    return res


# ---------------------------------------------------------------------------

def main():
    global have_curl, have_js
    os.makedirs(LOGS, exist_ok=True)
    have_curl = have_js = False
    if "curl" in ONLY:
        have_curl = ensure_debian()
    else:
        skipped.append(("libcurl + cJSON client", "left out by BENCH_CLIENTS"))
    if "js" in ONLY:
        have_js = ensure_npm()
    else:
        skipped.append(("workfront-api (Node) client", "left out by BENCH_CLIENTS"))
    exe = build()
    if "wf" not in exe:
        log("wf_bench did not build; see %s" % RESULTS)
    log("static wf")
    static = static_size()
    server = Server()
    prof = {}

    def on_signal(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_signal)
    try:
        server.start()
        log("test server pid %d, http %s, https %s" % (server.proc.pid, server.http, server.https))
        p3 = prepare_data(server)
        p3_file, p3_len, p3_rows, task_id = p3[:4]
        log("stored search response: %d bytes, %d tasks" % (p3_len, p3_rows))
        node_baseline(exe)
        results = run_all(server, exe, p3_file, task_id)
        s = summarize(results)
        cipher = cipher_speed()
        global CIPHER36
        CIPHER36 = cipher_speed("cipher_speed36") if "wf36" in exe else None
        # profiles for the targets that are missed (the notes need them)
        targets, _ = evaluate(s, {}, cipher)
        missed = [t[0] for t in targets if "missed" in t[2]]
        if "wf" in exe and any("client CPU" in m for m in missed):
            log("profiling wf_bench p1 (http, https)")
            prof["P1-http"] = perf_profile("p1-http", exe["wf"] + ["p1", server.http])
            prof["P1-https"] = perf_profile("p1-https", exe["wf"] + ["p1", server.https, server.ca])
        if "wf" in exe and any(m.startswith("P3") for m in missed):
            log("profiling wf_bench p3")
            prof["P3"] = perf_profile("p3", exe["wf"] + ["p3", p3_file, "0.5"])
    finally:
        server.stop()
        if current_child is not None and current_child.poll() is None:
            current_child.kill()
    mach = machine()
    global MACH_TLS
    MACH_TLS = mach.get("mbedtls")
    elapsed = time.monotonic() - T_START
    write_results(s, mach, static, prof, cipher, p3, elapsed)
    log("wrote %s (%.0f s)" % (os.path.relpath(RESULTS, ROOT), elapsed))
    # the medians and ratios on the terminal too
    print("%-9s %-22s %10s %14s %14s %12s" % ("workload", "client", "wall s", "CPU s", "peak RSS MB", "P3 MB/s"))
    for wl in WORKLOADS:
        ref = s.get(wl["id"], {}).get("wf", {})
        for c in CLIENTS:
            r = s.get(wl["id"], {}).get(c)
            if not r or not r.get("n"):
                continue
            rat = lambda k: "" if c == "wf" or not ref.get(k) else " (%.1f×)" % (r[k] / ref[k])
            print("%-9s %-22s %10.3f %14s %14s %12s" % (
                wl["id"], CLIENT_NAMES[c], r["wall"], "%.3f%s" % (r["cpu"], rat("cpu")),
                "%.1f%s" % (r["rss"], rat("rss")), "%.0f" % r["mbps_parse"] if r.get("mbps_parse") else ""))
    targets, _ = evaluate(s, {}, None)
    for t in targets:
        print("target: %-55s %-60s %s" % (t[0], t[1], t[2].strip("*")))


if __name__ == "__main__":
    main()
