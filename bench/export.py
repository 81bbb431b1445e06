#!/usr/bin/env python3
"""bench/export.py - workload P4 of `make bench`: exporting every task.

    wf search task 'fields=*' --all --ndjson > file

against the bundled test server holding BENCH_P4_TASKS tasks (default
20,000), side by side with the official JS client writing NDJSON
(bench/js_export.js) and with what a shell user would pick instead,
`curl | jq -c '.data[]'` once per page of 2000.  Each runs as one process
tree under bench/runner.c (wait4: CPU = user + system of the tree, peak RSS
of its largest process), output to a file on disk, BENCH_RUNS times
(median).  Then one run of wf under `valgrind --tool=callgrind` on the same
command: instructions executed per byte written (target: <= 25).

BENCH_WF_BASE=<git revision> also builds and times wf from that revision
(workfront.h and examples/wf.c of it), for a before/after figure.

The results replace the P4 section of bench/RESULTS.md (appended when
there is none); bench/run.py writes the rest of that file.
"""

import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as R  # noqa: E402  (the driver of P1-P3: installs, runner, client runs)

TASKS = int(os.environ.get("BENCH_P4_TASKS", "20000"))
BASE = os.environ.get("BENCH_WF_BASE", "")
BEGIN, END = "<!-- P4 begin -->", "<!-- P4 end -->"
TARGET_IPB = 25.0


def log(msg):
    R.log("P4: " + msg)


def build_wf(name, header_dir):
    out = os.path.join(R.WORK, name)
    rc, text = R.sh([R.CC, "-std=c99", "-O2", "-g", "-I", header_dir, os.path.join(header_dir, "examples", "wf.c"),
                     "-o", out, "-lmbedtls", "-lmbedx509", "-lmbedcrypto"])
    if rc != 0:
        raise RuntimeError("%s did not build:\n%s" % (name, text[-2000:]))
    return out


def build_base():
    """wf of another revision, from `git show REV:path` into .work/base/."""
    d = os.path.join(R.WORK, "base")
    os.makedirs(os.path.join(d, "examples"), exist_ok=True)
    for path in ("workfront.h", "examples/wf.c"):
        p = subprocess.run(["git", "-C", R.ROOT, "show", "%s:%s" % (BASE, path)], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        if p.returncode != 0:
            raise RuntimeError("git show %s:%s: %s" % (BASE, path, p.stderr.decode(errors="replace")))
        with open(os.path.join(d, path), "wb") as f:
            f.write(p.stdout)
    if os.path.exists("/usr/include/jsmn.h") and not os.path.exists(os.path.join(d, "jsmn.h")):
        shutil.copy("/usr/include/jsmn.h", os.path.join(d, "jsmn.h"))
    return build_wf("wf-base", d)


class Server(R.Server):
    """run.py's test server, with TASKS tasks."""

    def start(self):
        info = os.path.join(R.WORK, "server-p4.info")
        if os.path.exists(info):
            os.remove(info)
        self.log = open(os.path.join(R.LOGS, "server-p4.log"), "w")
        self.proc = subprocess.Popen([sys.executable, os.path.join(R.ROOT, "tests", "server", "wfserver.py"),
                                      "--certs", os.path.join(R.WORK, "certs"), "--info", info, "--quiet",
                                      "--tasks", str(TASKS)], stdout=self.log, stderr=self.log, cwd=R.ROOT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("the test server exited; see %s" % self.log.name)
            if os.path.exists(info) and "READY" in open(info).read():
                self.info = dict(ln.split("=", 1) for ln in open(info).read().split() if "=" in ln)
                return
            time.sleep(0.05)
        raise RuntimeError("the test server did not get ready")


def timed(tag, argv, env):
    """One run under the runner; the output file's size and line count."""
    res = R.run_client(tag, argv, env)
    out = os.path.join(R.LOGS, tag + ".out")
    size = os.path.getsize(out)
    with open(out, "rb") as f:
        lines = sum(1 for _ in f)
    res["bytes"], res["lines"] = size, lines
    return res


def callgrind(wf, env):
    if not shutil.which("valgrind"):
        return None, "valgrind is not installed"
    out = os.path.join(R.WORK, "p4-callgrind.ndjson")
    cg = os.path.join(R.WORK, "p4-callgrind.out")
    e = dict(os.environ, **env)
    with open(out, "wb") as f:
        p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + cg, wf, "-q", "search", "task",
                            "fields=*", "--all", "--ndjson"], stdout=f, stderr=subprocess.PIPE, env=e, timeout=1800)
    m = re.search(rb"Collected\s*:\s*(\d+)", p.stderr)
    if p.returncode != 0 or not m:
        return None, "callgrind run failed: %s" % p.stderr.decode(errors="replace")[-300:]
    ir, size = int(m.group(1)), os.path.getsize(out)
    top = []
    if shutil.which("callgrind_annotate"):
        a = subprocess.run(["callgrind_annotate", cg], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        for ln in a.stdout.decode(errors="replace").splitlines():
            mm = re.match(r"\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(\S+)", ln)
            if mm and "PROGRAM TOTALS" not in ln and len(top) < 6:
                top.append((mm.group(2), re.sub(r"^.*?:", "", mm.group(3)) or mm.group(3)))
    return {"ir": ir, "bytes": size, "ipb": ir / size, "top": top}, None


def write_section(rows, cg, cg_why, tasks_bytes, base_cg):
    out = [BEGIN, "## P4: export every task as NDJSON", ""]
    out.append("`wf search task 'fields=*' --all --ndjson > file` against the test server holding %d tasks "
               "(%.1f MB of NDJSON), HTTP on loopback, output to a file; each client as one process tree under "
               "bench/runner.c (CPU = user + system of the tree from wait4, peak RSS of its largest process), "
               "median of %d runs. The JS client (workfront-api, bench/js_export.js) and the shell pipeline "
               "(`curl | jq -c '.data[]'` per page of 2000) write the same objects, one line each. Wall time is "
               "mostly the Python test server producing the pages; CPU is the client's own."
               % (TASKS, tasks_bytes / 1e6, R.RUNS))
    out.append("")
    out.append("| client | CPU s | wall s | peak RSS MB | lines | MB written |")
    out.append("|---|---:|---:|---:|---:|---:|")
    for name, res in rows:
        ok = [r for r in res if r.get("cpu") is not None and r["rc"] == 0]
        if not ok:
            out.append("| %s | failed: %s | | | | |" % (name, (res[0].get("error") or "?") if res else "not run"))
            continue
        out.append("| %s | %.3f | %.3f | %.1f | %d | %.1f |" % (
            name, statistics.median(r["cpu"] for r in ok), statistics.median(r["wall"] for r in ok),
            statistics.median(r["rss_kb"] for r in ok) / 1024.0, ok[0]["lines"], ok[0]["bytes"] / 1e6))
    out.append("")
    if cg:
        out.append("**Instructions per byte (callgrind).** `valgrind --tool=callgrind wf search task 'fields=*' "
                   "--all --ndjson`: %s instructions for %s bytes written = **%.1f instructions per byte** "
                   "(target <= %.0f: %s)." % ("{:,}".format(cg["ir"]), "{:,}".format(cg["bytes"]), cg["ipb"],
                                              TARGET_IPB, "met" if cg["ipb"] <= TARGET_IPB else "NOT met"))
        if cg["top"]:
            out.append("Largest shares: " + ", ".join("%s %s%%" % (fn, pct) for pct, fn in cg["top"]) + ".")
        if base_cg:
            out.append("The same command with wf at revision %s: %s instructions, %.1f per byte (%.1fx as many)."
                       % (BASE, "{:,}".format(base_cg["ir"]), base_cg["ipb"], base_cg["ir"] / cg["ir"]))
    else:
        out.append("Instructions per byte: not measured (%s)." % cg_why)
    out.append(END)
    text = open(R.RESULTS).read() if os.path.exists(R.RESULTS) else "# Benchmark results\n"
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + "\n".join(out) + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(out) + "\n"
    with open(R.RESULTS, "w") as f:
        f.write(text)


def main():
    os.makedirs(R.LOGS, exist_ok=True)
    rc, text = R.sh([R.CC, "-std=c99", "-O2", "-Wall", "bench/runner.c", "-o", os.path.join(R.WORK, "runner")])
    if rc != 0:
        raise RuntimeError("bench/runner.c did not build:\n" + text)
    wf = build_wf("wf-p4", R.ROOT)
    base = build_base() if BASE else None
    have_js = R.ensure_npm()
    server = Server()

    def on_signal(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_signal)
    try:
        server.start()
        url = server.http
        env = {"WF_URL": url, "WF_API_KEY": "adminapikey0123456789abcdef0000"}
        pages = (TASKS + 1999) // 2000
        api = url + R.API + "/task/search?fields=*&ID_Sort=asc&%24%24LIMIT=2000&%24%24FIRST="
        shell = ('for first in $(seq 0 2000 %d); do curl -s -H "apiKey: $WF_API_KEY" "%s$first" '
                 '| jq -c ".data[]" || exit 1; done' % ((pages - 1) * 2000, api))
        clients = [("workfront.h (wf)", [wf, "-q", "search", "task", "fields=*", "--all", "--ndjson"])]
        if base:
            clients.append(("wf at revision %s" % BASE, [base, "-q", "search", "task", "fields=*", "--all", "--ndjson"]))
        if have_js:
            clients.append(("workfront-api (Node)", [shutil.which("node"), os.path.join(R.BENCH, "js_export.js"),
                                                     url, str(pages)]))
        if shutil.which("curl") and shutil.which("jq"):
            clients.append(("`curl \\| jq -c '.data[]'`", ["/bin/sh", "-c", shell]))
        rows = []
        for name, argv in clients:
            res = []
            for i in range(R.RUNS):
                r = timed("P4-%d-%d" % (len(rows), i + 1), argv, env)
                log("%-24s run %d: cpu %.3f s, wall %.3f s, rss %.1f MB, %d lines" % (
                    name, i + 1, r["cpu"] or 0, r["wall"] or 0, (r["rss_kb"] or 0) / 1024.0, r["lines"]))
                res.append(r)
            rows.append((name, res))
        log("callgrind (one run, slow)")
        cg, why = callgrind(wf, env)
        base_cg = callgrind(base, env)[0] if base and cg else None
        tasks_bytes = rows[0][1][0]["bytes"] if rows and rows[0][1] else 0
        write_section(rows, cg, why, tasks_bytes, base_cg)
        if cg:
            log("%.1f instructions per byte" % cg["ipb"])
    finally:
        server.stop()
    log("results in %s" % R.RESULTS)


if __name__ == "__main__":
    main()
