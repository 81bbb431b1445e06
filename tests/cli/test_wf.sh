#!/bin/sh
# tests/cli/test_wf.sh - end-to-end tests of the `wf` CLI against the test server.
#
#   WF=build/wf-san sh tests/cli/test_wf.sh      (make test does this)
#
# Starts tests/server/wfserver.py itself (stopped by PID on exit), runs wf,
# and checks exit codes, stdout and stderr against shared/cli.md.  Prints one
# line per check, a summary line, and exits non-zero if any check failed.
#
# Environment: WF (the binary, default build/wf), PYTHON (default python3),
# B (build directory for the cached certificates, default build),
# WF_TEST_VERBOSE=1 (show wf's stderr for passing checks too).
# $HTTP and $HTTPS are option lists, split on purpose; $$LIMIT is literal:
# shellcheck disable=SC2086,SC2016
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WF=${WF:-build/wf}
case $WF in /*) ;; *) WF=$(pwd)/$WF ;; esac
PYTHON=${PYTHON:-python3}
B=${B:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac

TMP=$(mktemp -d "${TMPDIR:-/tmp}/wfcli.XXXXXX")
SERVER_PID=
PASS=0
FAIL=0

cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
        SERVER_PID=
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# The credential variables of the caller's shell must not leak into the tests.
unset WF_URL WF_DOMAIN WF_URL_TEMPLATE WF_API_VERSION WF_API_KEY WF_SESSION_ID \
      WF_TOKEN WF_BEARER WF_IMS_ORG WF_USERNAME WF_PASSWORD WF_JWT_KEY \
      WF_CUSTOMER_ID WF_USER_ID WF_REFRESH_TOKEN WF_CLIENT_ID WF_CLIENT_SECRET \
      WF_CACERT WF_TIMEOUT WF_RETRIES WF_TRACE 2>/dev/null

if [ ! -x "$WF" ]; then
    echo "test_wf: no wf binary at $WF (build it first, e.g. make build/wf)" >&2
    exit 1
fi

# ------------------------------------------------------------- the server
mkdir -p "$B/certs"
"$PYTHON" "$ROOT/tests/server/wfserver.py" --certs "$B/certs" --info "$TMP/info" --quiet \
    >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
i=0
while ! grep -qx READY "$TMP/info" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 300 ] || ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "test_wf: the test server did not start; its log:" >&2
        cat "$TMP/server.log" >&2
        exit 1
    fi
    sleep 0.1
done
info() { sed -n "s/^$1=//p" "$TMP/info" | head -n 1; }
HTTP_PORT=$(info HTTP_PORT)
HTTPS_PORT=$(info HTTPS_PORT)
WRONGHOST_PORT=$(info WRONGHOST_PORT)
EXPIRED_PORT=$(info EXPIRED_PORT)
CA=$(info CA)
[ -n "$CA" ] || CA=$B/certs/ca.pem

# Fixed values of the server (tests/server/wfconst.py).
ADMIN=admin@test.example
PW=s3cret-Pa55
API_KEY=adminapikey0123456789abcdef0000
ADMIN_ID=4c76ed7a0000054c172b2c2d9f7f81c3
AWKWARD_ID=4c78821c0000d6fa8d5e52f07a1d54d1
CJK_ID=4c78821c0000d6fa8d5e52f07a1d54d3

HTTPS="--url https://127.0.0.1:$HTTPS_PORT --cacert $CA"
HTTP="--url http://127.0.0.1:$HTTP_PORT"

# ---------------------------------------------------------------- helpers
# t NAME WANT_RC ARGS...: runs wf; out/err/rc are kept for the checks after it.
# tx NAME WANT_RC COMMAND...: the same for any command (env VAR=x "$WF" ...).
t() {
    NAME=$1
    WANT=$2
    shift 2
    tx "$NAME" "$WANT" "$WF" "$@"
}
tx() {
    NAME=$1
    WANT=$2
    shift 2
    "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
    RC=$?
    if [ "$RC" = "$WANT" ]; then
        ok "$NAME (exit $RC)"
    else
        bad "$NAME: exit $RC, wanted $WANT"
    fi
}

ok() {
    PASS=$((PASS + 1))
    echo "ok   - $1"
    if [ "${WF_TEST_VERBOSE:-0}" = 1 ] && [ -s "$TMP/err" ]; then sed 's/^/       | /' "$TMP/err"; fi
}

bad() {
    FAIL=$((FAIL + 1))
    echo "FAIL - $1"
    if [ -s "$TMP/err" ]; then echo "       stderr:"; head -n 20 "$TMP/err" | sed 's/^/       | /'; fi
    if [ -s "$TMP/out" ]; then echo "       stdout:"; head -c 600 "$TMP/out" | sed 's/^/       | /'; echo; fi
}

# json_ok NAME PY_EXPR: stdout is one JSON document `d` for which PY_EXPR holds.
json_ok() {
    if "$PYTHON" -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$TMP/out" "$2" 2>"$TMP/pyerr"; then
        ok "$1"
    else
        cat "$TMP/pyerr" >>"$TMP/err"
        bad "$1: stdout fails: $2"
    fi
}

# lines_ok NAME PY_EXPR: every stdout line is JSON; `d` is the list of them.
lines_ok() {
    if "$PYTHON" -c 'import json, sys
d = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if l]
sys.exit(0 if eval(sys.argv[2]) else 1)' "$TMP/out" "$2" 2>"$TMP/pyerr"; then
        ok "$1"
    else
        cat "$TMP/pyerr" >>"$TMP/err"
        bad "$1: stdout lines fail: $2"
    fi
}

# has FILE NAME TEXT / hasnt FILE NAME TEXT: fixed-string search in out or err.
has() {
    if grep -qF -- "$3" "$TMP/$1"; then ok "$2"; else bad "$2: $1 lacks '$3'"; fi
}
hasnt() {
    if grep -qF -- "$3" "$TMP/$1"; then bad "$2: $1 contains '$3'"; else ok "$2"; fi
}

# --------------------------------------------------------------- no network
t "version" 0 version
has out "version names the library" "workfront.h"
has out "version names the TLS library" "tls:"
has out "version names the default API version" "default api version:"

t "--help" 0 --help
for word in --url WF_URL --domain WF_DOMAIN --url-template WF_URL_TEMPLATE --api-version WF_API_VERSION \
            --api-key WF_API_KEY --session-id WF_SESSION_ID --token WF_TOKEN --bearer WF_BEARER \
            --ims-org WF_IMS_ORG --user WF_USERNAME --password WF_PASSWORD --jwt-key WF_JWT_KEY \
            --customer-id WF_CUSTOMER_ID --user-id WF_USER_ID --refresh-token WF_REFRESH_TOKEN \
            --client-id WF_CLIENT_ID --client-secret WF_CLIENT_SECRET --cacert WF_CACERT \
            --timeout WF_TIMEOUT --retries WF_RETRIES --trace WF_TRACE --raw --ndjson -q --progress \
            "search OBJ" "get OBJ" "request METHOD" "login" "logout" "version" "v22.0"; do
    grep -qF -- "$word" "$TMP/out" || missing="${missing:-} $word"
done
if [ -z "${missing:-}" ]; then ok "--help mentions every option, variable and command"
else bad "--help lacks:$missing"; fi
t "search --help" 0 search --help
has out "search --help shows its usage" "Usage: wf search OBJ"
has out "search --help shows an example" "Example:"
t "help get" 0 help get
has out "help get shows its usage" "Usage: wf get OBJ"

t "no command" 2
t "unknown command" 2 frobnicate
t "unknown option" 2 --frob search task
t "unknown option value is not echoed" 2 --pasword=hunter2-secret search task
hasnt err "an unknown option's value stays secret" "hunter2-secret"
t "option without its value" 2 search task --fields
t "flag with a value" 2 --raw=yes search task
t "missing OBJ" 2 $HTTP search
t "missing ID" 2 $HTTP get task
t "positional without =" 2 $HTTP search task name
t "--json on search" 2 $HTTP search task --json '{}'
t "--raw with --ndjson" 2 $HTTP --raw --ndjson search task
t "--user without --password" 2 $HTTP --user "$ADMIN" search task
t "--limit 2001" 2 $HTTP --api-key "$API_KEY" search task --limit 2001
t "--limit abc" 2 $HTTP --api-key "$API_KEY" search task --limit abc
t "--timeout 0" 2 $HTTP --api-key "$API_KEY" search task --timeout 0
t "no server given" 2 search task
t "invalid --url" 2 --url ftp://127.0.0.1/ search task
t "invalid inline --json" 2 $HTTP --api-key "$API_KEY" request PUT task/x --json '{"name":'
has err "invalid JSON is named" "invalid JSON"
echo '{"name": tru}' >"$TMP/bad.json"
t "invalid --json @FILE" 2 $HTTP --api-key "$API_KEY" request PUT task/x --json "@$TMP/bad.json"
t "unreadable --json @FILE" 2 $HTTP --api-key "$API_KEY" request PUT task/x --json "@$TMP/missing.json"
has err "unreadable file is named with the reason" "missing.json': No such file or directory"
t "bad METHOD" 2 $HTTP --api-key "$API_KEY" request 'G T' task/search
t "missing --cacert file" 2 --url "https://127.0.0.1:$HTTPS_PORT" --cacert "$TMP/nope.pem" search task
t "--ims-org without --bearer" 2 $HTTP --ims-org X search task
t "--jwt-key without its companions" 2 $HTTP --jwt-key "$B/certs/jwt.key" search task
t "--refresh-token without the client" 2 $HTTP --refresh-token x search task
t "--retries -1" 2 $HTTP --api-key "$API_KEY" --retries -1 search task

# ----------------------------------------------------------- the round trip
t "search over HTTPS with login" 0 $HTTPS --user "$ADMIN" --password "$PW" search task fields=name '$$LIMIT=5'
json_ok "five tasks as a JSON array" 'isinstance(d, list) and len(d) == 5 and all("name" in x for x in d)'
t "options after the command, --opt=value" 0 search task --url="https://127.0.0.1:$HTTPS_PORT" \
    --cacert="$CA" --api-key="$API_KEY" --fields=name,status --limit=3 --first=2
json_ok "--fields/--limit/--first" 'len(d) == 3 and all("status" in x for x in d)'
tx "environment variables" 0 env WF_URL="https://127.0.0.1:$HTTPS_PORT" WF_CACERT="$CA" \
    WF_API_KEY="$API_KEY" "$WF" search task --limit 2
json_ok "env: two tasks" 'len(d) == 2'
tx "option beats environment" 0 env WF_URL="http://127.0.0.1:1" WF_API_KEY=wrong \
    "$WF" $HTTP --api-key "$API_KEY" search task --limit 1
t "-- ends options" 0 $HTTP --api-key "$API_KEY" search -- task '$$LIMIT=1'
t "--ndjson" 0 $HTTP --api-key "$API_KEY" --ndjson search task --limit 4
lines_ok "--ndjson: one object per line" 'len(d) == 4 and all(isinstance(x, dict) for x in d)'
t "--raw" 0 $HTTP --api-key "$API_KEY" --raw search task --limit 1
json_ok "--raw: the whole envelope" '"data" in d'
t "get one" 0 $HTTPS --api-key "$API_KEY" get task "$AWKWARD_ID" --fields name
json_ok "awkward name decoded exactly" 'd["name"] == "Quote \" Backslash \\ Slash / Tab \t Emoji \U0001F680 CJK \u65e5\u672c"'
t "get several" 0 $HTTPS --api-key "$API_KEY" get task "$AWKWARD_ID,$CJK_ID" --fields name
json_ok "get several: an array of two" 'isinstance(d, list) and sorted(x["ID"] for x in d) == sorted(["'$AWKWARD_ID'", "'$CJK_ID'"])'
t "request GET" 0 $HTTP --api-key "$API_KEY" request get task/search fields=name '$$LIMIT=2'
json_ok "request GET: an array of two" 'isinstance(d, list) and len(d) == 2'
t "compact output off a terminal" 0 $HTTP --api-key "$API_KEY" search task --limit 2
if [ "$(wc -l <"$TMP/out")" -eq 1 ]; then ok "one line when stdout is not a terminal"; else bad "output is not one line"; fi

# request with --json: the JSON goes as updates= in a form body, unchanged.
FIRST_PROJECT=4c78821c0000d6fa8d5e52f07a1d54d0
printf '%s' '{"name":"Q \" B \\ nl \n emoji \ud83d\ude80 \u65e5\u672c & = + % #","projectID":"'$FIRST_PROJECT'"}' \
    >"$TMP/new.json"
t "request POST --json @FILE" 0 $HTTPS --api-key "$API_KEY" request POST task --json "@$TMP/new.json" fields=name
json_ok "created with the exact name" 'd["name"] == "Q \" B \\ nl \n emoji \U0001F680 \u65e5\u672c & = + % #"'
NEW_ID=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["ID"])' "$TMP/out" 2>/dev/null)
tx "request PUT --json @-" 0 sh -c 'echo "{\"name\":\"renamed\"}" | "$0" "$@"' \
    "$WF" $HTTPS --api-key "$API_KEY" request PUT "task/$NEW_ID" --json @- fields=name
json_ok "renamed through stdin" 'd["name"] == "renamed"'
t "request DELETE" 0 $HTTPS --api-key "$API_KEY" request delete "task/$NEW_ID"
t "deleted object is gone" 1 $HTTPS --api-key "$API_KEY" get task "$NEW_ID"

# ------------------------------------------------------- sessions and trace
t "login" 0 $HTTPS --user "$ADMIN" --password "$PW" login
json_ok "login prints sessionID and userID" 'sorted(d) == ["sessionID", "userID"] and d["userID"] == "'$ADMIN_ID'"'
SID=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["sessionID"])' "$TMP/out" 2>/dev/null)
t "the login session stays open" 0 $HTTPS --session-id "$SID" search task --limit 1
t "trace" 0 $HTTPS --session-id "$SID" --trace search task --limit 1
has err "trace shows the request" "GET "
hasnt err "trace hides the session ID" "$SID"
t "logout" 0 $HTTPS --session-id "$SID" logout
t "the session is over" 4 $HTTPS --session-id "$SID" search task --limit 1
tx "trace of a login" 0 env WF_TRACE=1 "$WF" $HTTP --user "$ADMIN" --password "$PW" search task --limit 1
hasnt err "trace hides the password" "$PW"
t "trace with an API key" 0 $HTTP --api-key "$API_KEY" --trace search task --limit 1
hasnt err "trace hides the API key" "$API_KEY"

# ------------------------------------------------------- other auth modes
CLIENT="--client-id test-client --client-secret test-client-secret"
JWT="--jwt-key $B/certs/jwt.key --customer-id test-customer --user-id $ADMIN_ID $CLIENT"
t "JWT exchange" 0 $HTTPS $JWT search task --limit 1
json_ok "JWT: one task" 'len(d) == 1'
t "login with a JWT" 0 $HTTPS $JWT login
json_ok "JWT login: access and refresh tokens" '"sessionID" in d and "refreshToken" in d'
AT=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["sessionID"])' "$TMP/out" 2>/dev/null)
RT=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["refreshToken"])' "$TMP/out" 2>/dev/null)
t "--token" 0 $HTTPS --token "$AT" search task --limit 1
t "--refresh-token" 0 $HTTPS --refresh-token "$RT" $CLIENT --trace search task --limit 1
for secret in "$RT" test-client-secret; do
    hasnt err "refresh trace hides ${secret%"${secret#????}"}..." "$secret"
done
t "JWT signed by another key" 4 $HTTPS --jwt-key "$B/certs/other.key" --customer-id test-customer \
    --user-id "$ADMIN_ID" $CLIENT search task
t "invalid refresh token" 4 $HTTPS --refresh-token not-a-token $CLIENT search task
t "unreadable JWT key" 2 $HTTPS --jwt-key "$TMP/none.key" --customer-id c --user-id u $CLIENT search task
t "IMS bearer" 0 $HTTPS --bearer test-ims-token --ims-org TESTORG@AdobeOrg search task --limit 1
t "IMS bearer without org" 4 $HTTPS --bearer test-ims-token search task --limit 1
t "--retries 0" 0 $HTTP --api-key "$API_KEY" --retries 0 search task --limit 1

# ------------------------------------------------------------ failure codes
t "wrong password" 4 $HTTPS --user "$ADMIN" --password wrong-password search task
hasnt err "the wrong password stays secret" "wrong-password"
t "wrong API key" 4 $HTTP --api-key wrongkey0123 search task
t "no credentials" 4 $HTTP search task
t "unknown object" 1 $HTTP --api-key "$API_KEY" search nosuchobj
has err "error class or message on stderr" "wf: search nosuchobj:"
t "wrong host name" 3 --url "https://127.0.0.1:$WRONGHOST_PORT" --cacert "$CA" --api-key "$API_KEY" search task
has err "the host is named" "127.0.0.1"
has err "--cacert is suggested" "--cacert"
t "expired certificate" 3 --url "https://127.0.0.1:$EXPIRED_PORT" --cacert "$CA" --api-key "$API_KEY" search task
has err "expiry is named" "expired"
t "unknown CA" 3 --url "https://127.0.0.1:$HTTPS_PORT" --api-key "$API_KEY" search task
has err "unknown CA: --cacert suggested" "--cacert"
t "connection refused" 3 --url "http://127.0.0.1:1" --api-key "$API_KEY" search task

# ------------------------------------------------- the server misbehaving
# ctl QUERY: sets switches through the server's unauthenticated control endpoint.
ctl() {
    "$PYTHON" -c 'import sys, urllib.request
urllib.request.urlopen("http://127.0.0.1:%s/__test/%s" % (sys.argv[1], sys.argv[2])).read()' \
        "$HTTP_PORT" "$1" || bad "control call $1"
}
ctl 'config?force_status=502&force_body=%3Chtml%3Ebad%20gateway%3C/html%3E&force_ctype=text/html'
t "HTML error page" 5 $HTTP --api-key "$API_KEY" search task --limit 1
has err "the status is named" "502"
ctl 'config?force_status=401&force_body=%3Chtml%3Enope%3C/html%3E&force_ctype=text/html'
t "401 with an HTML body" 4 $HTTP --api-key "$API_KEY" search task --limit 1
ctl 'config?truncate=1&for_next=1'
t "truncated body" 5 $HTTP --api-key "$API_KEY" search task --limit 3
ctl 'config?garbage=1&for_next=1'
t "garbage instead of JSON" 5 $HTTP --api-key "$API_KEY" search task --limit 1
ctl 'config?delay_ms=3000&for_next=1'
t "--timeout" 3 $HTTP --api-key "$API_KEY" --timeout 1 search task --limit 1
ctl reset
# Throttling is transient like a network failure: a script retries on 3.
ctl 'config?force_status=429&count=10'
t "throttled" 3 $HTTP --api-key "$API_KEY" search task --limit 1
ctl reset
ctl 'config?errors_200=1'
t "error envelope with HTTP 200" 1 $HTTP --api-key "$API_KEY" get task 00000000000000000000000000000000
ctl reset

# ------------------------------------------------------------------ summary
echo "test_wf: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
