#!/bin/sh
# tests/cli/test_tls.sh - `wf` against servers that accept one TLS version.
#
#   WF=build/wf-san sh tests/cli/test_tls.sh              (make tls-test)
#   WF=build/static/wf-musl WANT_TLS13=1 sh tests/cli/test_tls.sh   (make tls-ci)
#
# Starts two test servers itself (tests/server/wfserver.py --tls-only 1.3 and
# --tls-only 1.2; stopped by PID on exit) and checks, through the servers'
# own counters (/__test/stats: full and resumed handshakes, negotiated
# versions, requests):
#   TLS 1.3-only server, when `wf version` lists TLS 1.3:
#     login, search, logout (three wf runs) over TLS 1.3 with the
#     certificate verified; an untrusted CA and a wrong host name refused;
#     resumption after the server closes every connection: one wf run that
#     logs in, searches and logs out makes one full handshake, the rest are
#     resumed (NewSessionTicket).
#   TLS 1.3-only server, when it does not (mbedTLS 2.28): exit 3 with an
#     error that says the server requires a TLS version this build lacks and
#     how to get one, nothing sent.  WANT_TLS13=1 makes this case a failure
#     (the static builds must speak TLS 1.3), WANT_TLS13=0 the other one (a
#     build made without TLS 1.3 on purpose).
#   TLS 1.2-only server: the same login, search, logout over TLS 1.2 and the
#     same resumption (session ticket or ID) for every build.
# Prints one line per check and a summary; exits non-zero if any failed.
# Environment: WF, PYTHON (python3), B (build dir for the certificates),
# WANT_TLS13=1 or 0.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WF=${WF:-build/wf}
case $WF in /*) ;; *) WF=$(pwd)/$WF ;; esac
PYTHON=${PYTHON:-python3}
B=${B:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wftls.XXXXXX")
PIDS=""
PASS=0
FAIL=0

cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    PIDS=""
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

unset WF_URL WF_DOMAIN WF_URL_TEMPLATE WF_API_VERSION WF_API_KEY WF_SESSION_ID \
      WF_TOKEN WF_BEARER WF_IMS_ORG WF_USERNAME WF_PASSWORD WF_JWT_KEY \
      WF_CUSTOMER_ID WF_USER_ID WF_REFRESH_TOKEN WF_CLIENT_ID WF_CLIENT_SECRET \
      WF_CACERT WF_TIMEOUT WF_RETRIES WF_TRACE 2>/dev/null

[ -x "$WF" ] || { echo "test_tls: no wf binary at $WF" >&2; exit 1; }

ok() { PASS=$((PASS + 1)); echo "ok   - $1"; }
bad() {
    FAIL=$((FAIL + 1))
    echo "FAIL - $1"
    if [ -s "$TMP/err" ]; then echo "       stderr:"; head -n 10 "$TMP/err" | sed 's/^/       | /'; fi
    if [ -s "$TMP/out" ]; then echo "       stdout:"; head -c 400 "$TMP/out" | sed 's/^/       | /'; echo; fi
}
# t NAME WANT_RC ARGS...: runs wf, keeps out/err for the checks after it.
t() {
    name=$1 want=$2
    shift 2
    "$WF" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    rc=$?
    if [ "$rc" = "$want" ]; then ok "$name (exit $rc)"; else bad "$name: exit $rc, wanted $want"; fi
}
has() { if grep -qF -- "$3" "$TMP/$1"; then ok "$2"; else bad "$2: $1 lacks '$3'"; fi; }

# start NAME ARGS...: a server; its ports in $TMP/NAME.info
start() {
    name=$1
    shift
    mkdir -p "$B/certs"
    "$PYTHON" "$ROOT/tests/server/wfserver.py" --certs "$B/certs" --info "$TMP/$name.info" --quiet "$@" \
        >"$TMP/$name.log" 2>&1 &
    PIDS="$PIDS $!"
    i=0
    while ! grep -qx READY "$TMP/$name.info" 2>/dev/null; do
        i=$((i + 1))
        if [ $i -gt 300 ] || ! kill -0 "$!" 2>/dev/null; then
            echo "test_tls: the $name test server did not start; its log:" >&2
            cat "$TMP/$name.log" >&2
            exit 1
        fi
        sleep 0.1
    done
}
info() { sed -n "s/^$2=//p" "$TMP/$1.info" | head -n 1; }
# ctl NAME CALL: a test control call (/__test/CALL) on server NAME
ctl() {
    "$PYTHON" -c 'import sys, urllib.request
urllib.request.urlopen("http://127.0.0.1:%s/__test/%s" % (sys.argv[1], sys.argv[2])).read()' \
        "$(info "$1" HTTP_PORT)" "$2" || bad "control call $2"
}
# stats_ok NAME SERVER PY_EXPR: the server's counters `s` satisfy PY_EXPR
stats_ok() {
    if "$PYTHON" -c 'import json, sys, urllib.request
s = json.load(urllib.request.urlopen("http://127.0.0.1:%s/__test/stats" % sys.argv[1]))["data"]
if not eval(sys.argv[2]):
    sys.stderr.write("full=%s resumed=%s failed=%s versions=%s connections=%s requests=%s\n" % (
        s["tls_full_handshakes"], s["tls_resumed_handshakes"], s["tls_failed_handshakes"],
        s["tls_versions"], s["connections"], s["requests"]))
    sys.exit(1)' "$(info "$2" HTTP_PORT)" "$3" 2>"$TMP/pyerr"; then
        ok "$1"
    else
        cp "$TMP/pyerr" "$TMP/err"; : >"$TMP/out"
        bad "$1"
    fi
}

ADMIN=admin@test.example
PW=s3cret-Pa55

"$WF" version >"$TMP/version" 2>&1
if grep -q '^tls protocols: TLS 1\.3' "$TMP/version"; then HAS13=1; else HAS13=0; fi
echo "test_tls: $WF: $(grep '^tls' "$TMP/version" | tr '\n' ' ')"
case ${WANT_TLS13:-} in
    1) if [ $HAS13 = 1 ]; then ok "wf version lists TLS 1.3"; else cp "$TMP/version" "$TMP/out"; bad "wf version does not list TLS 1.3"; fi ;;
    0) if [ $HAS13 = 0 ]; then ok "wf version says there is no TLS 1.3"; else cp "$TMP/version" "$TMP/out"; bad "wf version lists TLS 1.3"; fi ;;
esac

start tls13 --tls-only 1.3
start tls12 --tls-only 1.2
CA=$(info tls13 CA)

# login, search, logout as three wf runs; then one run with the server
# closing every connection.  SERVER, VERSION (as Python's ssl names it).
session_flow() {
    srv=$1 ver=$2
    url="https://127.0.0.1:$(info "$srv" HTTPS_PORT)"
    ctl "$srv" reset
    t "$ver: wf login (certificate verified)" 0 --url "$url" --cacert "$CA" --user "$ADMIN" --password "$PW" login
    sid=$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["sessionID"])' "$TMP/out" 2>/dev/null)
    if [ -n "$sid" ]; then ok "$ver: login printed a sessionID"; else bad "$ver: login printed no sessionID"; fi
    t "$ver: wf search with the session" 0 --url "$url" --cacert "$CA" --session-id "$sid" search task --limit 3 --fields name
    n=$("$PYTHON" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' "$TMP/out" 2>/dev/null)
    if [ "$n" = 3 ]; then ok "$ver: search printed 3 tasks"; else bad "$ver: search printed '$n' tasks, wanted 3"; fi
    t "$ver: wf logout" 0 --url "$url" --cacert "$CA" --session-id "$sid" logout
    t "$ver: the session is gone after logout" 4 --url "$url" --cacert "$CA" --session-id "$sid" search task --limit 1
    stats_ok "$ver: four connections, all $ver, all verified full handshakes" "$srv" \
        "s['tls_versions'] == {'$ver': 4} and s['tls_full_handshakes'] == 4 and s['tls_failed_handshakes'] == 0"

    t "$ver: a CA that did not sign the certificate is refused" 3 --url "$url" --cacert "$B/certs/othca.pem" \
        --user "$ADMIN" --password "$PW" login
    has err "$ver: the refusal names the certificate" "certificate"
    t "$ver: a certificate for another host is refused" 3 \
        --url "https://127.0.0.1:$(info "$srv" WRONGHOST_PORT)" --cacert "$CA" --user "$ADMIN" --password "$PW" login
    has err "$ver: the refusal names the host name" "127.0.0.1"

    # Resumption: the server closes the connection after every response, so
    # login, search and logout take three connections in one wf run.
    ctl "$srv" reset
    ctl "$srv" 'config?close=1'
    t "$ver: login + search + logout in one run, server closing each connection" 0 \
        --url "$url" --cacert "$CA" --user "$ADMIN" --password "$PW" search task --limit 2 --fields name
    stats_ok "$ver: three connections: one full handshake, two resumed" "$srv" \
        "s['connections'] == 3 and s['tls_full_handshakes'] == 1 and s['tls_resumed_handshakes'] == 2 and s['tls_versions'] == {'$ver': 3} and s['requests_by_method'] == {'POST': 2, 'GET': 1}"
    ctl "$srv" reset
}

# --------------------------------------------------------- TLS 1.3 only
if [ $HAS13 = 1 ]; then
    session_flow tls13 TLSv1.3
else
    url="https://127.0.0.1:$(info tls13 HTTPS_PORT)"
    ctl tls13 reset
    t "TLS 1.3-only server, build without TLS 1.3: a TLS failure" 3 --url "$url" --cacert "$CA" \
        --user "$ADMIN" --password "$PW" login
    has err "the error says the server requires a TLS version this build lacks" \
        "requires a TLS version this build lacks"
    has err "the error names what this build speaks" "TLS 1.2 only"
    has err "the error says how to get TLS 1.3" "with TLS 1.3"
    has err "the error names the mbedTLS option" "MBEDTLS_SSL_PROTO_TLS1_3"
    has err "wf's hint names the builds with TLS 1.3" "make static-musl"
    if grep -q "fatal alert message was received" "$TMP/err"; then bad "the bare mbedTLS alert text is gone"; else ok "the bare mbedTLS alert text is gone"; fi
    stats_ok "nothing reached the TLS 1.3-only server" tls13 "s['requests'] == 0 and s['tls_full_handshakes'] == 0"
fi

# --------------------------------------------------------- TLS 1.2 only
session_flow tls12 TLSv1.2

echo "test_tls: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
