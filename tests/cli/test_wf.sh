#!/bin/sh
# tests/cli/test_wf.sh - end-to-end tests of the `wf` CLI against the test server.
#
#   WF=build/wf-san sh tests/cli/test_wf.sh      (make test does this)
#
# Starts tests/server/wfserver.py itself (stopped by PID on exit), runs wf,
# and checks exit codes, stdout and stderr against docs/cli.md.  Prints one
# line per check, a summary line, and exits non-zero if any check failed.
#
# Environment: WF (the binary, default build/wf), PYTHON (default python3),
# B (build directory for the cached certificates, default build),
# WF_TEST_VERBOSE=1 (show wf's stderr for passing checks too).
# Besides exit codes and output, some checks read the server's counters
# (/__test/stats) to prove how many requests were sent, or that none was.
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
      WF_CACERT WF_TIMEOUT WF_RETRIES WF_TRACE WF_IMS_CLIENT_ID WF_IMS_CLIENT_SECRET \
      WF_IMS_SCOPES WF_IMS_URL WF_TOKEN_CACHE 2>/dev/null

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
            "search OBJ" "get OBJ" "count OBJ" "report OBJ" "metadata [OBJ]" "create OBJ" "copy OBJ" \
            "edit OBJ" "delete OBJ" "action OBJ" "upload FILE" "batch [--atomic]" "api-key get" \
            "request METHOD" "login" "logout" "version" "v22.0" --sort --count --all --force --atomic \
            --obj --id --name; do
    grep -qF -- "$word" "$TMP/out" || missing="${missing:-} $word"
done
if [ -z "${missing:-}" ]; then ok "--help mentions every option, variable and command"
else bad "--help lacks:$missing"; fi
t "search --help" 0 search --help
has out "search --help shows its usage" "Usage: wf search OBJ"
has out "search --help shows examples" "Examples:"
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

# Every auth mode once more with --trace: stderr must hold none of the
# secrets in use.  A JWT always starts "eyJ" (base64url of '{"'), so no
# signed assertion can hide from that check; the key file's body lines are
# checked one by one.
KEY_LINES=$(grep -v -e '^-----' "$B/certs/jwt.key")
no_secrets() {
    what=$1
    shift
    for s in "$@"; do
        [ -n "$s" ] || continue
        hasnt err "$what: trace hides ${s%"${s#????}"}..." "$s"
    done
}
t "trace: JWT exchange" 0 $HTTPS $JWT --trace search task --limit 1
has err "trace: the JWT exchange is shown" "jwt/exchange"
no_secrets "JWT" test-client-secret eyJ $KEY_LINES
t "trace: JWT login" 0 $HTTPS $JWT --trace login
AT2=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["sessionID"])' "$TMP/out" 2>/dev/null)
RT2=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["refreshToken"])' "$TMP/out" 2>/dev/null)
no_secrets "JWT login" test-client-secret eyJ "$AT2" "$RT2"
t "trace: --token" 0 $HTTPS --token "$AT2" --trace search task --limit 1
no_secrets "--token" "$AT2"
t "trace: IMS bearer" 0 $HTTPS --bearer test-ims-token --ims-org TESTORG@AdobeOrg --trace search task --limit 1
has err "trace: the IMS org header is sent" "x-gw-ims-org-id"
no_secrets "IMS" test-ims-token
t "trace: api-key get" 0 $HTTPS --user "$ADMIN" --password "$PW" --trace api-key get
no_secrets "api-key get" "$PW" "$API_KEY"

# ------------------------------------------------------------ failure codes
t "wrong password" 4 $HTTPS --user "$ADMIN" --password wrong-password search task
hasnt err "the wrong password stays secret" "wrong-password"
t "wrong API key" 4 $HTTP --api-key wrongkey0123 search task
t "no credentials" 4 $HTTP search task
t "unknown object" 1 $HTTP --api-key "$API_KEY" search nosuchobj
has err "error class or message on stderr" "wf: search nosuchobj:"
has err "an unknown object code says where to look" "wf metadata"
t "wrong host name" 3 --url "https://127.0.0.1:$WRONGHOST_PORT" --cacert "$CA" --api-key "$API_KEY" search task
has err "the host is named" "127.0.0.1"
has err "--cacert is suggested" "--cacert"
t "expired certificate" 3 --url "https://127.0.0.1:$EXPIRED_PORT" --cacert "$CA" --api-key "$API_KEY" search task
has err "expiry is named" "expired"
t "unknown CA" 3 --url "https://127.0.0.1:$HTTPS_PORT" --api-key "$API_KEY" search task
has err "unknown CA: --cacert suggested" "--cacert"
t "connection refused" 3 --url "http://127.0.0.1:1" --api-key "$API_KEY" search task
has err "connection refused: what to check" "hint: check --url"

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
# 503 with an error envelope, still there after the retries: throttled too
ENV503='force_status=503&count=10&retry_after=0&force_ctype=application/json&force_body=%7B%22error%22%3A%7B%22class%22%3A%22com.attask.common.ServiceUnavailableException%22%2C%22message%22%3A%22Too%20many%20requests%22%7D%7D'
ctl "config?$ENV503"
t "503 with an error envelope after the retries" 3 $HTTP --api-key "$API_KEY" search task --limit 1
has err "503 with an error envelope: the throttling hint" "hint: the server is throttling"
ctl reset
ctl "config?$ENV503"
ctl 'stats?reset=1'
t "a throttled write" 3 $HTTP --api-key "$API_KEY" create task name=never projectID=4c78821c0000d6fa8d5e52f07a1d54d0
has err "a throttled write: the throttling hint" "hint: the server is throttling"
stats_ok "a throttled write is sent once" 's["requests_by_method"] == {"POST": 1}'
ctl reset
ctl 'config?errors_200=1'
t "error envelope with HTTP 200" 1 $HTTP --api-key "$API_KEY" get task 00000000000000000000000000000000
ctl reset

# ------------------------------------------------------- more helpers
# val PY_EXPR: prints PY_EXPR of stdout's JSON document `d` (empty if none).
val() {
    "$PYTHON" -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
print(eval(sys.argv[2]))' "$TMP/out" "$1" 2>/dev/null
}

# stats_ok NAME PY_EXPR: the server's counters `s` (/__test/stats) satisfy PY_EXPR.
stats_ok() {
    if "$PYTHON" -c 'import json, sys, urllib.request
s = json.load(urllib.request.urlopen("http://127.0.0.1:%s/__test/stats" % sys.argv[1]))["data"]
if not eval(sys.argv[2]):
    sys.stderr.write("requests=%s by method=%s\n" % (s["requests"], s["requests_by_method"]))
    sys.exit(1)' "$HTTP_PORT" "$2" 2>"$TMP/pyerr"; then
        ok "$1"
    else
        cat "$TMP/pyerr" >>"$TMP/err"
        bad "$1: server counters fail: $2"
    fi
}

# same NAME A B: two strings are equal (and not empty).
same() {
    if [ -n "$2" ] && [ "$2" = "$3" ]; then ok "$1"; else bad "$1: '$2' is not '$3'"; fi
}

# Fresh data: exactly 10,000 tasks, the fixed API keys.
ctl reset
K="$HTTP --api-key $API_KEY"
SECOND_PROJECT=4c78821c0000d6fa8d5e52f07a1d54d9

# ------------------------------------------------------------------- reads
t "search --sort, two keys" 0 $K search task referenceNumber=100050 referenceNumber_Mod=lt \
    --sort -priority --sort referenceNumber --fields priority,referenceNumber
json_ok "--sort: priority descending, then referenceNumber ascending" \
    'len(d) == 50 and len({x["priority"] for x in d}) > 1 and [(x["priority"], x["referenceNumber"]) for x in d] == sorted(((x["priority"], x["referenceNumber"]) for x in d), key=lambda p: (-p[0], p[1]))'
t "search --sort +FIELD" 0 $K search task referenceNumber=100050 referenceNumber_Mod=lt --sort +name --fields name
json_ok "--sort +name: ascending" 'len(d) == 50 and [x["name"] for x in d] == sorted(x["name"] for x in d)'
t "--sort without a field" 2 $K search task --sort -
t "--sort given too often" 2 $K search task --sort a --sort b --sort c --sort d --sort e --sort f --sort g --sort h --sort i
t "--sort on count" 2 $K count task --sort name

t "search --count" 0 $K search task status=CUR --count
N_SEARCH_COUNT=$(cat "$TMP/out")
t "count" 0 $K count task status=CUR
N_COUNT=$(cat "$TMP/out")
same "search --count equals count" "$N_SEARCH_COUNT" "$N_COUNT"
if [ "$N_COUNT" -gt 0 ] 2>/dev/null && [ "$N_COUNT" -lt 10000 ]; then ok "count prints only a number, of some tasks"
else bad "count printed '$N_COUNT'"; fi
t "search --all status=CUR" 0 $K --ndjson search task status=CUR --all --fields ID
same "count equals the rows of --all" "$N_COUNT" "$(grep -c . "$TMP/out")"
t "count everything" 0 $K count task
same "10,000 tasks" "10000" "$(cat "$TMP/out")"
t "--count with --limit" 2 $K search task --count --limit 5
t "--count with --all" 2 $K search task --count --all
t "count without OBJ" 2 $K count

ctl 'stats?reset=1'
t "search --all --ndjson" 0 $K --ndjson search task --all --fields ID
lines_ok "--all --ndjson: exactly 10,000 distinct IDs" 'len(d) == 10000 and len({x["ID"] for x in d}) == 10000'
lines_ok "--all --ndjson: in ID order" '[x["ID"] for x in d] == sorted(x["ID"] for x in d)'
stats_ok "--all: pages of 2000 (5 full, 1 empty)" 's["requests_by_method"] == {"GET": 6}'
hasnt err "no progress when stderr is not a terminal" "fetched"
t "search --all as a JSON array, --progress" 0 $K search task --all --fields name --progress
json_ok "--all: a valid JSON array of 10,000 distinct tasks" \
    'isinstance(d, list) and len(d) == 10000 and len({x["ID"] for x in d}) == 10000 and all("name" in x for x in d)'
has err "--progress counts on stderr" "wf: fetched 10000 objects"
t "search --all --sort" 0 $K --ndjson search task --all --sort -referenceNumber --fields referenceNumber
lines_ok "--all --sort: 10,000 in the asked order" \
    'len(d) == 10000 and [x["referenceNumber"] for x in d] == sorted((x["referenceNumber"] for x in d), reverse=True)'
t "search --all --raw" 0 $K --raw search task --all --fields ID -q --progress
lines_ok "--all --raw: one envelope a page" 'len(d) == 5 and sum(len(x["data"]) for x in d) == 10000'
hasnt err "-q beats --progress" "fetched"
t "search --all, nothing matches" 0 $K search task --all name=no-such-task-anywhere
json_ok "--all with no match: an empty array" 'd == []'
# a server that does not page must not make --all print the same rows forever
ctl 'config?paging=ignore_first'
t "--all, server ignores \$\$FIRST" 5 $K --ndjson search task --all --fields ID
lines_ok "--all, server ignores \$\$FIRST: the first page once" 'len(d) == 2000 and len({x["ID"] for x in d}) == 2000'
has err "--all, server ignores \$\$FIRST: says why it stopped" 'the server ignores $$FIRST'
ctl 'config?paging=ignore'
t "--all, server ignores \$\$LIMIT" 5 $K --ndjson search task --all --fields ID
lines_ok "--all, server ignores \$\$LIMIT: no more than a page" 'len(d) == 2000 and len({x["ID"] for x in d}) == 2000'
has err "--all, server ignores \$\$LIMIT: says why it stopped" 'the server ignores paging'
ctl 'config?paging='
t "--all with --first" 2 $K search task --all --first 10
t "--all with \$\$LIMIT" 2 $K search task --all '$$LIMIT=5'

# object codes and IDs are checked before anything is sent; $$USER is an ID
ctl 'stats?reset=1'
LONG_OBJ=$("$PYTHON" -c 'print("A" * 200)')
t "a 200-character object code" 2 $K get "$LONG_OBJ" "$AWKWARD_ID,$CJK_ID"
has err "a 200-character object code is refused" "invalid object code"
t "an ID that is not one" 2 $K get task not-an-id
has err "an ID that is not one: what an ID looks like" "32 hexadecimal digits"
stats_ok "refused names and IDs: nothing sent" 's["requests"] == 0'
t "get USER \$\$USER" 0 $K get USER '$$USER' --fields ID,username
json_ok "get USER \$\$USER: the caller" "d['ID'] == '$ADMIN_ID'"

t "report" 0 $K report task status_GroupBy=true '$$ROLLUP=true'
json_ok "report: groups by status with a rollup of 10,000" \
    'isinstance(d, dict) and "CUR" in d and d["$$ROLLUP"]["count"] == 10000 and sum(v["count"] for k, v in d.items() if k != "$$ROLLUP") == 10000'
t "report with an aggregate" 0 $K report hour project:name_GroupBy=true hours_AggFunc=sum '$$ROLLUP=true' \
    projectID="$FIRST_PROJECT" projectID="$SECOND_PROJECT" projectID_Mod=in
json_ok "report: the basics page's 15 / 30 / 45" \
    'd["First Project"]["sum_hours"] == 15 and d["Second Project"]["sum_hours"] == 30 and d["$$ROLLUP"]["sum_hours"] == 45'
t "report --ndjson" 0 $K --ndjson report task status_GroupBy=true
lines_ok "report --ndjson: one line" 'len(d) == 1 and "NEW" in d[0]'
t "metadata" 0 $K metadata
json_ok "metadata: the object types" '"TASK" in d["objects"] and "PROJ" in d["objects"]'
t "metadata task" 0 $K metadata task
json_ok "metadata task: fields and actions" 'd["objCode"] == "TASK" and "name" in d["fields"] and "move" in d["actions"]'
t "metadata --raw" 0 $K --raw metadata task
json_ok "metadata --raw: the envelope" 'd["data"]["objCode"] == "TASK"'
t "metadata, two objects" 2 $K metadata task proj

# ------------------------------------------------------------------ writes
printf '%s' '{"priority":3,"description":"Q \" B \\ nl \n emoji \ud83d\ude80 \u65e5\u672c"}' >"$TMP/create.json"
t "create with name=value and --json" 0 $K create task name='CLI & "create"' projectID="$FIRST_PROJECT" \
    --json "@$TMP/create.json" fields=name,priority,description,projectID
json_ok "create: fields and updates as sent" \
    'd["name"] == "CLI & \"create\"" and d["priority"] == 3 and d["description"] == "Q \" B \\ nl \n emoji \U0001F680 \u65e5\u672c" and d["projectID"] == "'$FIRST_PROJECT'"'
NEW=$(val 'd["ID"]')
t "copy" 0 $K copy task "$NEW" name=copied fields=name,priority,projectID
json_ok "copy: a new object with the source's fields" \
    'd["name"] == "copied" and d["priority"] == 3 and d["ID"] != "'$NEW'"'
COPY=$(val 'd["ID"]')
t "copy with an array" 2 $K copy task "$NEW" --json '[{"name":"x"}]'
t "edit" 0 $K edit task "$COPY" status=INP --json '{"description":null,"priority":1}' fields=status,description,priority
json_ok "edit: the changes" 'd["status"] == "INP" and d["description"] is None and d["priority"] == 1'
t "edit without changes" 2 $K edit task "$COPY"
t "edit with a bad ID" 2 $K edit task 'not an id' name=x
t "create two at once" 0 $K --ndjson create task --json '[{"name":"bulk new 1","projectID":"'$FIRST_PROJECT'"},{"name":"bulk new 2","projectID":"'$FIRST_PROJECT'"}]' fields=name
lines_ok "bulk create: two objects in order" '[x["name"] for x in d] == ["bulk new 1", "bulk new 2"]'

# Bulk edit of 250 tasks: requests of 100, 100 and 50.
t "250 task IDs" 0 $K --ndjson search task --limit 250 --fields ID
"$PYTHON" -c 'import json, sys
ids = [json.loads(l)["ID"] for l in open(sys.argv[1]) if l.strip()]
edits = [{"ID": i, "description": "bulk-edit-%d" % n} for n, i in enumerate(ids)]
json.dump(edits, open(sys.argv[2], "w"))
edits[150]["priority"] = "not a number"
json.dump(edits, open(sys.argv[3], "w"))' "$TMP/out" "$TMP/bulk.json" "$TMP/bulkbad.json"
ctl 'stats?reset=1'
t "bulk edit of 250" 0 $K edit task --json "@$TMP/bulk.json" fields=description
json_ok "bulk edit: 250 results in order" \
    'len(d) == 250 and all(x["description"] == "bulk-edit-%d" % n for n, x in enumerate(d))'
stats_ok "bulk edit: 3 PUT requests" 's["requests_by_method"] == {"PUT": 3}'
t "every bulk-edited task changed" 0 $K count task description=bulk-edit- description_Mod=contains
same "250 tasks carry the new description" "250" "$(cat "$TMP/out")"
ctl 'stats?reset=1'
t "bulk edit with a failing chunk" 1 $K --ndjson edit task --json "@$TMP/bulkbad.json" fields=description
has err "the failing chunk is named" "chunk 2 of 3"
has err "what to send again" "from 100 on"
lines_ok "the chunk before it was printed" 'len(d) == 100'
stats_ok "the chunk after it was not sent" 's["requests_by_method"] == {"PUT": 2}'

# delete: a task with subtasks needs --force.
t "a task with subtasks" 0 $K search task numberOfChildren=0 numberOfChildren_Mod=gt --limit 1 --fields ID
PARENT=$(val 'd[0]["ID"]')
t "delete without --force" 1 $K delete task "$PARENT"
has err "delete suggests --force" "--force"
t "not deleted" 0 $K get task "$PARENT"
t "delete --force" 0 $K delete task "$PARENT" --force
json_ok "delete: the answer's data" 'd == {"success": True}'
t "deleted with --force" 1 $K get task "$PARENT"
t "delete" 0 $K delete task "$NEW"
t "deleted" 1 $K get task "$NEW"
t "delete --raw" 0 $K --raw delete task "$COPY"
json_ok "delete --raw: the envelope" 'd == {"data": {"success": True}}'
t "delete with a bad ID" 2 $K delete task 'x/y'

# action: move a task to the second project.
t "create a task to move" 0 $K create task name=mover projectID="$FIRST_PROJECT"
MOVER=$(val 'd["ID"]')
t "action move" 0 $K action task "$MOVER" move projectID="$SECOND_PROJECT"
json_ok "action: success" 'd == {"success": True}'
t "moved" 0 $K get task "$MOVER" --fields projectID
json_ok "the task is in the second project" 'd["projectID"] == "'$SECOND_PROJECT'"'
t "action with a bad name" 2 $K action task "$MOVER" 'mo/ve'
t "unknown action" 1 $K action task "$MOVER" frobnicate

# upload: 3 MB, checked by the server's SHA-256.
"$PYTHON" -c 'import os, sys; open(sys.argv[1], "wb").write(os.urandom(3 * 1024 * 1024))' "$TMP/up.bin"
t "upload 3 MB" 0 $K upload "$TMP/up.bin" --obj TASK --id "$AWKWARD_ID" --name 'CLI upload' --progress
json_ok "upload: the document" 'd["name"] == "CLI upload" and d["docObjCode"] == "TASK" and d["objID"] == "'$AWKWARD_ID'"'
has err "upload progress with --progress" "(100%)"
DOC=$(val 'd["ID"]')
t "the document's handle" 0 $K get document "$DOC" --fields handle
HANDLE=$(val 'd["handle"]')
UPLOADED=$("$PYTHON" -c 'import json, sys, urllib.request
u = json.load(urllib.request.urlopen("http://127.0.0.1:%s/__test/upload/%s" % (sys.argv[1], sys.argv[2])))["data"]
print("%d %s" % (u["size"], u["sha256"]))' "$HTTP_PORT" "$HANDLE" 2>/dev/null)
same "the server's size and SHA-256 equal the file's" "$UPLOADED" \
    "3145728 $(sha256sum "$TMP/up.bin" | cut -d' ' -f1)"
t "upload -q" 0 $K upload "$TMP/up.bin" --obj TASK --id "$AWKWARD_ID" -q --progress
hasnt err "no upload progress with -q" "uploaded"
t "upload without --obj" 2 $K upload "$TMP/up.bin" --id "$AWKWARD_ID"
t "upload of a missing file" 2 $K upload "$TMP/none.bin" --obj TASK --id "$AWKWARD_ID"
has err "the missing file is named" "none.bin"

# batch: reads, writes, atomic rollback.
t "batch" 0 $K batch '/task/search?fields=name&$$LIMIT=2' /proj/count "GET /task/$AWKWARD_ID?fields=name"
json_ok "batch: one answer per item" \
    'len(d) == 3 and len(d[0]["data"]) == 2 and d[1]["data"]["count"] == 50 and d[2]["data"]["ID"] == "'$AWKWARD_ID'"'
t "batch write" 0 $K batch "PUT /task/$CJK_ID?name=batch renamed"
t "batch write arrived" 0 $K get task "$CJK_ID" --fields name
json_ok "batch: the PUT inside it took effect" 'd["name"] == "batch renamed"'
t "batch --atomic with a failing item" 1 $K batch --atomic "PUT /task/$CJK_ID?name=atomic%20change" \
    "PUT /task/$AWKWARD_ID?priority=bad"
has err "atomic failure: nothing applied" "none of the items"
t "atomic: the first item was undone" 0 $K get task "$CJK_ID" --fields name
json_ok "atomic: nothing changed" 'd["name"] == "batch renamed"'
t "batch --atomic" 0 $K batch --atomic "put /task/$CJK_ID?name=atomic%20change" "PUT /task/$AWKWARD_ID?priority=2"
json_ok "batch --atomic: success" 'd == {"success": True}'
t "atomic: both applied" 0 $K get task "$CJK_ID,$AWKWARD_ID" --fields name,priority
json_ok "atomic: both changed" \
    'sorted((x["ID"], x.get("name") if x["ID"] == "'$CJK_ID'" else x["priority"]) for x in d) == sorted([("'$CJK_ID'", "atomic change"), ("'$AWKWARD_ID'", 2)])'
t "batch with an unknown method" 2 $K batch 'PATCH /task/x'
t "batch with a full URL" 2 $K batch 'https://acme.my.workfront.com/attask/api/v22.0/task/search'
t "batch without URIs" 2 $K batch

# api-key: no login first; the actions authenticate themselves.
ctl 'stats?reset=1'
t "api-key get" 0 $HTTP --user "$ADMIN" --password "$PW" api-key get
same "api-key get prints the key" "$API_KEY" "$(cat "$TMP/out")"
stats_ok "api-key get: one PUT, no login" 's["requests_by_method"] == {"PUT": 1} and s["logins"] == 0'
t "api-key get --ndjson" 0 $HTTP --user "$ADMIN" --password "$PW" --ndjson api-key get
json_ok "api-key --ndjson: a JSON string" 'd == "'$API_KEY'"'
U1=user01@test.example
t "api-key generate" 0 $HTTP --user "$U1" --password user-Pa55 api-key generate
NEWKEY=$(cat "$TMP/out")
t "the generated key works" 0 $HTTP --api-key "$NEWKEY" search task --limit 1
t "api-key clear" 0 $HTTP --user "$U1" --password user-Pa55 api-key clear
if [ -s "$TMP/out" ]; then bad "api-key clear printed something"; else ok "api-key clear prints nothing"; fi
t "the cleared key is refused" 4 $HTTP --api-key "$NEWKEY" search task --limit 1
has err "an authentication failure says what to check" "hint: check the credentials"
t "api-key with a wrong password" 4 $HTTP --user "$ADMIN" --password wrong-password api-key get
hasnt err "api-key: the password stays secret" "wrong-password"
t "api-key without --user" 2 $HTTP api-key get
t "api-key frob" 2 $HTTP --user "$ADMIN" --password "$PW" api-key frob

# Invalid --json: exit 2 and not a single request, login included.
ctl 'stats?reset=1'
t "create with invalid --json" 2 $HTTP --user "$ADMIN" --password "$PW" create task --json '{"name": "x",}'
has err "the JSON problem is named" "invalid JSON"
t "bulk edit with an element without ID" 2 $HTTP --user "$ADMIN" --password "$PW" edit task --json '[{"ID":"'$CJK_ID'"},{"name":"x"}]'
has err "the bad element is named" "element 1"
t "edit with a JSON string" 2 $HTTP --user "$ADMIN" --password "$PW" edit task "$CJK_ID" --json '"name"'
t "invalid UTF-8 escape in --json" 2 $HTTP --user "$ADMIN" --password "$PW" create task --json '{"name":"\ud800"}'
stats_ok "invalid --json: nothing was sent" 's["requests"] == 0'

# request beyond the API base, event subscriptions, document download
. "$ROOT/tests/cli/endpoint.sh"

# help for every command
for c in search get count report metadata create copy edit delete action upload batch request login logout api-key version; do
    if "$WF" "$c" --help >"$TMP/out" 2>"$TMP/err" </dev/null &&
       grep -qF "Usage: wf $c" "$TMP/out" && grep -qF "Examples:" "$TMP/out" &&
       [ "$(sed -n '/^Examples:/,$p' "$TMP/out" | grep -c '^  wf\|^  export')" -ge 1 ]; then
        ok "$c --help: usage and examples"
    else
        bad "$c --help lacks its usage or examples"
    fi
done

# ------------------------------------------ OAuth Server-to-Server (IMS)
# The test server is IMS too (POST /ims/token/v3, tests/server/wfims.py).
IMS_SECRET='test-ims-secret-p@ss/w0rd+='
IMSH="--url http://127.0.0.1:$HTTP_PORT --ims-url http://127.0.0.1:$HTTP_PORT"
IMSS="--url https://127.0.0.1:$HTTPS_PORT --ims-url https://127.0.0.1:$HTTPS_PORT --cacert $CA"
IMSC="--ims-client-id test-ims-client --ims-scopes openid,AdobeID,additional_info.projectedProductContext --ims-org TESTORG@AdobeOrg"
ctl reset
t "IMS: count over HTTP" 0 $IMSH $IMSC --ims-client-secret "$IMS_SECRET" count task
json_ok "IMS: the count" 'd == 10000'
tx "IMS: count over HTTPS, secret from the environment" 0 env WF_IMS_CLIENT_SECRET="$IMS_SECRET" "$WF" $IMSS $IMSC count task
stats_ok "IMS: one token per run" 's["ims_tokens_issued"] == 2 and s["ims_token_uses"] == 2'
t "IMS: wrong secret" 4 $IMSS $IMSC --ims-client-secret wrong-secret-value count task
has err "IMS: IMS's reason is shown" "invalid client_secret parameter"
has err "IMS: the hint names the credential" "Adobe Developer Console"
hasnt err "IMS: the wrong secret stays secret" "wrong-secret-value"
t "IMS: wrong secret, traced" 4 $IMSH $IMSC --ims-client-secret wrong-secret-value --trace count task
hasnt err "IMS: the trace keeps the secret" "wrong-secret-value"
has err "IMS: the trace shows the token request" "POST /ims/token/v3"
t "IMS: unreachable IMS" 3 --url "http://127.0.0.1:$HTTP_PORT" --ims-url http://127.0.0.1:1 $IMSC --ims-client-secret "$IMS_SECRET" --retries 0 count task
has err "IMS: the hint names --ims-url" "--ims-url"
t "IMS: --ims-client-id without secret" 2 $IMSH $IMSC count task
t "IMS: --ims-url alone" 2 --url "http://127.0.0.1:$HTTP_PORT" --ims-url http://x.example count task
t "IMS: --ims-org alone" 2 --url "http://127.0.0.1:$HTTP_PORT" --ims-org TESTORG@AdobeOrg count task

# Tokens that die every 3 uses: --all renews them as it goes and completes.
ctl reset
ctl 'config?session_max_requests=3'
t "IMS: expired token renewed mid --all" 0 $IMSS $IMSC --ims-client-secret "$IMS_SECRET" search task --all --fields ID --ndjson -q
if [ "$(wc -l <"$TMP/out")" -eq 10000 ]; then ok "IMS: --all printed every task once"; else bad "IMS: --all printed $(wc -l <"$TMP/out") lines"; fi
lines_ok "IMS: --all printed no duplicates" 'len(set(x["ID"] for x in d)) == 10000'
stats_ok "IMS: tokens were renewed" 's["ims_tokens_issued"] >= 2'
ctl reset

# --token-cache: 0600, atomic, reused by the next run, refused when readable.
TC=$TMP/tokens/cache.json
mkdir -p "$TMP/tokens"
t "token cache: first run" 0 $IMSS $IMSC --ims-client-secret "$IMS_SECRET" --token-cache "$TC" count task
if [ "$(stat -c %a "$TC" 2>/dev/null)" = 600 ]; then ok "token cache: mode 0600"; else bad "token cache: mode $(stat -c %a "$TC" 2>&1)"; fi
if [ "$(ls -A "$TMP/tokens" | wc -l)" -eq 1 ]; then ok "token cache: no temporary file left"; else bad "token cache: $(ls -A "$TMP/tokens")"; fi
if grep -qF "$IMS_SECRET" "$TC"; then bad "token cache holds the client secret"; else ok "token cache: no client secret in it"; fi
tx "token cache: second run" 0 env WF_TOKEN_CACHE="$TC" "$WF" $IMSS $IMSC --ims-client-secret "$IMS_SECRET" count task
stats_ok "token cache: the second run asked IMS for nothing" 's["ims_tokens_issued"] == 1 and s["ims_token_uses"] == 2'
chmod 644 "$TC"
t "token cache: readable by others" 2 $IMSS $IMSC --ims-client-secret "$IMS_SECRET" --token-cache "$TC" count task
has err "token cache: says how to fix it" "chmod 600"
stats_ok "token cache: refused before anything was sent" 's["ims_tokens_issued"] == 1 and s["ims_token_uses"] == 2'
chmod 600 "$TC"
t "token cache: with --api-key" 2 $HTTP --api-key "$API_KEY" --token-cache "$TC" count task
t "token cache: a JWT exchange is kept" 0 $HTTP --jwt-key "$B/certs/jwt.key" --customer-id test-customer --user-id "$ADMIN_ID" \
    --client-id test-client --client-secret test-client-secret --token-cache "$TMP/tokens/jwt.json" count task
t "token cache: the next JWT run reuses it" 0 $HTTP --jwt-key "$B/certs/jwt.key" --customer-id test-customer --user-id "$ADMIN_ID" \
    --client-id test-client --client-secret test-client-secret --token-cache "$TMP/tokens/jwt.json" count task
stats_ok "token cache: one JWT exchange for two runs" 's["tokens_issued"] == 1'
ctl reset

# Hosts: --domain builds Adobe's current form; presets for the others.
for pair in ":acme.my.workfront.adobe.com" "adobe:acme.my.workfront.adobe.com" "my:acme.my.workfront.com" \
            "ondemand:acme.attask-ondemand.com" "sandbox:acme.preview.workfront.com"; do
    preset=${pair%%:*}
    host=${pair#*:}
    if [ -n "$preset" ]; then set -- --url-template "$preset"; else set --; fi
    t "--domain acme ${preset:-(default)}" 3 --domain acme "$@" --api-key x --retries 0 --timeout 2 --trace count task
    has err "--domain acme ${preset:-(default)}: $host" "Host: $host"
done
t "--url-template unknown preset" 2 --domain acme --url-template nope --api-key x count task
t "--help says where hosts come from" 0 --help
has out "--help cites Adobe's page" "Domain format for Adobe Workfront API calls"
has out "--help lists the sandbox host" "NAME.preview.workfront.com"
for word in --ims-client-id WF_IMS_CLIENT_ID --ims-client-secret WF_IMS_CLIENT_SECRET --ims-scopes WF_IMS_SCOPES \
            --ims-url WF_IMS_URL --token-cache WF_TOKEN_CACHE; do
    has out "--help: $word" "$word"
done
# 'unsupported': the same path through --url and through a template
t "unsupported through --url" 0 $HTTP --api-key "$API_KEY" --api-version unsupported --trace count task
has err "unsupported through --url: /attask/api-unsupported" "GET /attask/api-unsupported/task/count"
t "unsupported through a template" 0 --domain x --url-template "http://127.0.0.1:$HTTP_PORT/attask/api/{api_version}" \
    --api-key "$API_KEY" --api-version unsupported --trace count task
has err "unsupported through a template: /attask/api-unsupported" "GET /attask/api-unsupported/task/count"
t "the other form stays reachable" 0 --url "http://127.0.0.1:$HTTP_PORT/attask/api/unsupported" --api-key "$API_KEY" --trace count task
has err "the other form: /attask/api/unsupported" "GET /attask/api/unsupported/task/count"

# ------------------------------------------------------------------ summary
echo "test_wf: $PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
