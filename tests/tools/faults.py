#!/usr/bin/env python3
"""Network faults for the hardening tests (stdlib only).

Listens on loopback and prints, one per line, then READY:
  PROXY_PORT=n      an HTTP CONNECT proxy (tunnels bytes both ways)
  AUTHPROXY_PORT=n  the same, requiring Proxy-Authorization: Basic (user:secret)
  BLACKHOLE_PORT=n  a listener whose accept queue is full: connects hang (SYNs dropped)
A plain GET to a proxy port answers {"data":{"tunnels":N,"refused":M,"last_target":...}}
so tests can see what went through.  Stops on SIGTERM.
"""
import base64
import json
import os
import signal
import socket
import sys
import threading

PROXY_USER, PROXY_PASS = "proxyuser", "proxy-secret"
stats = {"tunnels": 0, "refused": 0, "last_target": ""}
lock = threading.Lock()


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def read_head(conn):
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = conn.recv(1)  # byte-wise: whatever follows the head belongs to the tunnel
        if not chunk:
            return None
        buf += chunk
        if len(buf) > 16384:
            return None
    return buf.decode("latin-1")


def handle(conn, need_auth):
    try:
        head = read_head(conn)
        if head is None:
            conn.close()
            return
        lines = head.split("\r\n")
        method, target, _ = (lines[0].split(" ") + ["", "", ""])[:3]
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        if method != "CONNECT":
            with lock:
                body = json.dumps({"data": dict(stats)}).encode()
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                         b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            conn.close()
            return
        if need_auth:
            want = "Basic " + base64.b64encode(f"{PROXY_USER}:{PROXY_PASS}".encode()).decode()
            if headers.get("proxy-authorization") != want:
                with lock:
                    stats["refused"] += 1
                conn.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"t\"\r\n"
                             b"Content-Length: 0\r\nConnection: close\r\n\r\n")
                conn.close()
                return
        host, _, port = target.rpartition(":")
        try:
            up = socket.create_connection((host.strip("[]"), int(port)), timeout=5)
            up.settimeout(None)
        except (OSError, ValueError):
            conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            conn.close()
            return
        with lock:
            stats["tunnels"] += 1
            stats["last_target"] = target
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        threading.Thread(target=pump, args=(up, conn), daemon=True).start()
        pump(conn, up)
    except OSError:
        pass


def serve(listener, need_auth):
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=handle, args=(conn, need_auth), daemon=True).start()


def main():
    host = "127.0.0.1"
    out = []
    for name, auth in (("PROXY_PORT", False), ("AUTHPROXY_PORT", True)):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, 0))
        s.listen(64)
        threading.Thread(target=serve, args=(s, auth), daemon=True).start()
        out.append(f"{name}={s.getsockname()[1]}")
    # a listener that never accepts, its queue filled by our own connections
    hole = socket.socket()
    hole.bind((host, 0))
    hole.listen(0)
    port = hole.getsockname()[1]
    fillers = []
    for _ in range(4):
        f = socket.socket()
        f.setblocking(False)
        try:
            f.connect((host, port))
        except (BlockingIOError, OSError):
            pass
        fillers.append(f)
    out.append(f"BLACKHOLE_PORT={port}")
    out.append("READY")
    try:
        sys.stdout.write("\n".join(out) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        pass
    # the reader may close the pipe once it has READY: nothing more goes there
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    stop.wait()
    sys.exit(0)


if __name__ == "__main__":
    main()
