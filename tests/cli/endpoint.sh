# tests/cli/endpoint.sh - wf request beyond the API base, wf subscriptions and
# wf download, over HTTP and HTTPS.  Sourced by test_wf.sh (its server, its
# helpers t/tx/has/json_ok/stats_ok/ctl, $HTTP, $HTTPS, $API_KEY).
# shellcheck shell=sh disable=SC2086,SC2016

SUBS=/attask/eventsubscription/api/v1/subscriptions
SUB_OK='{"objCode":"TASK","eventType":"UPDATE","url":"https://hooks.example.com/wf","authToken":"tok-123"}'

# ------------------------------------------------- request: any endpoint
for W in HTTP HTTPS; do
    eval "CONN=\$$W"
    t "$W: request POST from the host root, --json as the body" 0 $CONN --api-key "$API_KEY" -i \
        request POST $SUBS --json "$SUB_OK"
    has out "$W: --include prints the status line" "HTTP/1.1 201"
    has out "$W: --include prints Location" "Location: "
    LOC=$(sed -n 's/^Location: *//p' "$TMP/out" | tr -d '\r')
    t "$W: request GET the Location (a full URL on the same origin)" 0 $CONN --api-key "$API_KEY" request GET "$LOC"
    json_ok "$W: the subscription as created" 'd["eventType"] == "UPDATE" and d["authToken"] == "tok-123"'
    t "$W: request DELETE it: an empty answer prints nothing" 0 $CONN --api-key "$API_KEY" request DELETE "$LOC"
    if [ -s "$TMP/out" ]; then bad "$W: DELETE printed something"; else ok "$W: DELETE printed nothing"; fi
done

# Another host, scheme or port: exit 2 and nothing sent, login included.
ctl 'stats?reset=1'
t "request to another host" 2 $HTTP --user "$ADMIN" --password "$PW" request GET "http://localhost:$HTTP_PORT$SUBS"
has err "the other host is named" "not the configured"
t "request to another port" 2 $HTTP --api-key "$API_KEY" request GET "http://127.0.0.1:$HTTPS_PORT$SUBS"
t "request to another scheme" 2 $HTTP --api-key "$API_KEY" request GET "https://127.0.0.1:$HTTP_PORT$SUBS"
t "request to a URL with credentials" 2 $HTTP --api-key "$API_KEY" request GET "http://u:secretpw@127.0.0.1:$HTTP_PORT$SUBS"
hasnt err "the password in a refused URL is not echoed" "secretpw"
stats_ok "other hosts: nothing was sent, not even a login" 's["requests"] == 0'

# A host-root path is not the API base: 404, with a hint.
t "request /task/search (host root)" 1 $HTTP --api-key "$API_KEY" request GET /task/search
has err "host-root hint" "from the host root"
# Under the API base nothing changed: the envelope's data, --json as updates.
t "request under the API base" 0 $HTTP --api-key "$API_KEY" request GET task/search fields=name '$$LIMIT=1'
json_ok "request under the API base: the data" 'isinstance(d, list) and len(d) == 1'
# --header reaches the server; framing headers are refused before sending.
t "request --header" 0 $HTTP --api-key "$API_KEY" --header 'X-Trace-Id: abc123' request GET /__test/echo
json_ok "--header: the server saw it" 'any(k.lower() == "x-trace-id" and v == "abc123" for k, v in d["data"]["headers"])'
t "request --header Host" 2 $HTTP --api-key "$API_KEY" --header 'Host: evil.example' request GET task/search
t "request --header without a colon" 2 $HTTP --api-key "$API_KEY" --header 'nocolon' request GET task/search
# Bytes outside the envelope are printed as received.
DOC=$("$WF" $HTTP --api-key "$API_KEY" search document name=spec.pdf fields=ID,currentVersionID,versions:ID,versions:version 2>/dev/null)
DOC_ID=$(printf '%s' "$DOC" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[0]["ID"])')
CUR_V=$(printf '%s' "$DOC" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[0]["currentVersionID"])')
OLD_V=$(printf '%s' "$DOC" | "$PYTHON" -c 'import json,sys; print([v["ID"] for v in json.load(sys.stdin)[0]["versions"] if v["version"] == "v1.0"][0])')
content() {
    "$PYTHON" -c 'import json, sys, urllib.request
d = json.load(urllib.request.urlopen("http://127.0.0.1:%s/__test/content/%s" % (sys.argv[1], sys.argv[2])))["data"]
print("%s %s" % (d["size"], d["sha256"]))' "$HTTP_PORT" "$1"
}
sha() { "$PYTHON" -c 'import hashlib, os, sys; b = open(sys.argv[1], "rb").read(); print("%d %s" % (len(b), hashlib.sha256(b).hexdigest()))' "$1"; }
t "request GET a file's bytes" 0 $HTTP --api-key "$API_KEY" request GET "/document/download?ID=$DOC_ID&versionID=$OLD_V"
same "request: bytes as received" "$(sha "$TMP/out")" "$(content "$OLD_V")"

# -------------------------------------------------- event subscriptions
for W in HTTP HTTPS; do
    eval "CONN=\$$W"
    t "$W: subscriptions create" 0 $CONN --api-key "$API_KEY" subscriptions create --json "$SUB_OK"
    SUB_ID=$(val 'd["id"]')
    json_ok "$W: create prints the id" 'len(d["id"]) == 36'
    t "$W: subscriptions create (with filters, objId, OR)" 0 $CONN --api-key "$API_KEY" subscriptions create --json \
        '{"objCode":"PROJ","eventType":"CREATE","url":"https://h.example/x","authToken":"t","objId":"'$SECOND_PROJECT'","filters":[{"fieldName":"name","fieldValue":"x","comparison":"contains"}],"filterConnector":"OR","base64Encoding":true}'
    SUB2_ID=$(val 'd["id"]')
    t "$W: subscriptions list" 0 $CONN --api-key "$API_KEY" subscriptions list
    json_ok "$W: list: both, with meta" 'len(d["subscriptions"]) == 2 and d["meta"]["total_count"] == 2'
    t "$W: subscriptions list --limit 1 --page 2" 0 $CONN --api-key "$API_KEY" subscriptions list --limit 1 --page 2
    json_ok "$W: list page 2 of 2" 'len(d["subscriptions"]) == 1 and d["meta"] == {"page": 2, "page_count": 2, "limit": 1, "total_count": 2}'
    t "$W: subscriptions get" 0 $CONN --api-key "$API_KEY" subscriptions get "$SUB_ID"
    json_ok "$W: get: the one created" 'd["id"] == "'$SUB_ID'" and d["objCode"] == "TASK"'
    t "$W: subscriptions delete" 0 $CONN --api-key "$API_KEY" subscriptions delete "$SUB_ID"
    t "$W: subscriptions get after delete" 1 $CONN --api-key "$API_KEY" subscriptions get "$SUB_ID"
    has err "$W: 404 named" "404"
    t "$W: non-admin: list" 4 $CONN --user user01@test.example --password user-Pa55 subscriptions list
    has err "$W: non-admin: 403 named" "403"
    t "$W: non-admin: create" 4 $CONN --user user01@test.example --password user-Pa55 subscriptions create --json "$SUB_OK"
    t "$W: subscriptions delete the other" 0 $CONN --api-key "$API_KEY" subscriptions delete "$SUB2_ID"
done

# Bad input: exit 2 with the reason, nothing sent (login included).
ctl 'stats?reset=1'
bad_sub() { # NAME JSON TEXT
    t "subscriptions create: $1" 2 $HTTP --user "$ADMIN" --password "$PW" subscriptions create --json "$2"
    has err "subscriptions create: $1: the reason" "$3"
}
bad_sub "unknown eventType" '{"objCode":"TASK","eventType":"TOUCH","url":"https://h.example/x","authToken":"t"}' 'unknown eventType "TOUCH"'
bad_sub "http url" '{"objCode":"TASK","eventType":"UPDATE","url":"http://h.example/x","authToken":"t"}' "https://"
bad_sub "no authToken" '{"objCode":"TASK","eventType":"UPDATE","url":"https://h.example/x"}' "authToken is required"
bad_sub "no objCode" '{"eventType":"UPDATE","url":"https://h.example/x","authToken":"t"}' "objCode is required"
bad_sub "filterConnector XOR" '{"objCode":"TASK","eventType":"UPDATE","url":"https://h.example/x","authToken":"t","filterConnector":"XOR"}' "filterConnector"
G='{"type":"group","connector":"OR","filters":[{"fieldName":"a","fieldValue":"1"}]}'
bad_sub "11 filter groups" '{"objCode":"TASK","eventType":"UPDATE","url":"https://h.example/x","authToken":"t","filters":['"$G,$G,$G,$G,$G,$G,$G,$G,$G,$G,$G"']}' "more than 10 filter groups"
F='{"fieldName":"a","fieldValue":"1"}'
bad_sub "6 filters in a group" '{"objCode":"TASK","eventType":"UPDATE","url":"https://h.example/x","authToken":"t","filters":[{"type":"group","filters":['"$F,$F,$F,$F,$F,$F"']}]}' "has 6 filters"
bad_sub "a JSON array" '[1]' "JSON object"
t "subscriptions frob" 2 $HTTP --api-key "$API_KEY" subscriptions frob
t "subscriptions get without ID" 2 $HTTP --api-key "$API_KEY" subscriptions get
t "subscriptions list --limit 1001" 2 $HTTP --api-key "$API_KEY" subscriptions list --limit 1001
stats_ok "bad subscriptions: nothing was sent" 's["requests"] == 0'
t "10 groups of 5 are fine" 0 $HTTP --api-key "$API_KEY" subscriptions create --json \
    '{"objCode":"TASK","eventType":"UPDATE","url":"https://h.example/x","authToken":"t","filters":['"$(for i in 1 2 3 4 5 6 7 8 9 10; do printf '%s{"type":"group","filters":[%s,%s,%s,%s,%s]}' "$([ $i = 1 ] || echo ,)" "$F" "$F" "$F" "$F" "$F"; done)"']}'

# ------------------------------------------------------------ download
DL=$TMP/dl
for W in HTTP HTTPS; do
    eval "CONN=\$$W"
    rm -rf "$DL"; mkdir -p "$DL"
    tx "$W: download the current version (20 MiB)" 0 sh -c 'cd "$1" && shift && "$@"' sh "$DL" "$WF" $CONN --api-key "$API_KEY" download "$DOC_ID"
    same "$W: default name = the version's file name, bytes as served" "$(sha "$DL/spec-v2.pdf" 2>/dev/null)" "$(content "$CUR_V")"
    tx "$W: download again without --force" 2 sh -c 'cd "$1" && shift && "$@"' sh "$DL" "$WF" $CONN --api-key "$API_KEY" download "$DOC_ID"
    has err "$W: the existing file is named" "exists"
    t "$W: download --version -o FILE" 0 $CONN --api-key "$API_KEY" download "$DOC_ID" --version "$OLD_V" -o "$DL/spec-v2.pdf" --force
    same "$W: --force replaced it with the old version" "$(sha "$DL/spec-v2.pdf")" "$(content "$OLD_V")"
    t "$W: download -o -" 0 $CONN --api-key "$API_KEY" download "$DOC_ID" --version "$OLD_V" -o -
    same "$W: -o -: the bytes on stdout" "$(sha "$TMP/out")" "$(content "$OLD_V")"
    ls -a "$DL" >"$TMP/ls"
    if grep -q '\.tmp-' "$TMP/ls"; then bad "$W: a temporary file was left"; else ok "$W: no temporary file left"; fi
    ctl 'config?cut_download=1'
    t "$W: download cut mid-body" 5 $CONN --api-key "$API_KEY" download "$DOC_ID" -o "$DL/cut.bin"
    ctl 'config?cut_download=0'
    if [ -e "$DL/cut.bin" ] || ls "$DL" | grep -q '\.tmp-'; then bad "$W: a cut download left a file"; else ok "$W: a cut download leaves no file"; fi
done
# Killed while the file comes (SIGTERM, as Ctrl-C or kill would): nothing is left.
rm -rf "$DL"; mkdir -p "$DL"
ctl 'config?stall_download=1'
"$WF" $HTTP --api-key "$API_KEY" download "$DOC_ID" -o "$DL/killed.bin" >"$TMP/out" 2>"$TMP/err" </dev/null &
DL_PID=$!
i=0
while [ $i -lt 100 ] && ! ls "$DL" | grep -q '\.tmp-'; do sleep 0.1; i=$((i + 1)); done
if ls "$DL" | grep -q '\.tmp-'; then ok "download: the temporary file exists while the file comes"; else bad "download: no temporary file seen"; fi
kill -TERM "$DL_PID"
wait "$DL_PID"
RC=$?
ctl 'config?stall_download=0'
if [ "$RC" -gt 128 ]; then ok "download killed: died of the signal (exit $RC)"; else bad "download killed: exit $RC"; fi
if [ -z "$(ls -A "$DL")" ]; then ok "download killed: nothing left behind"; else bad "download killed: left $(ls -A "$DL")"; fi
# A file name with a directory in it stays in the current directory.
rm -rf "$DL"; mkdir -p "$DL"
NOTES=$("$WF" $HTTP --api-key "$API_KEY" search document name=notes/readme.txt fields=ID 2>/dev/null | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[0]["ID"])')
tx "download notes/readme.txt" 0 sh -c 'cd "$1" && shift && "$@"' sh "$DL" "$WF" $HTTP --api-key "$API_KEY" download "$NOTES"
if [ -f "$DL/readme.txt" ] && [ ! -d "$DL/notes" ]; then ok "saved as readme.txt"; else bad "notes/readme.txt not saved as readme.txt"; fi
t "download --version of another document" 2 $HTTP --api-key "$API_KEY" download "$NOTES" --version "$OLD_V" -o "$DL/x"
has err "the owner is named" "belongs to document"
t "download without DOC_ID" 2 $HTTP --api-key "$API_KEY" download
t "download --version without a value" 2 $HTTP --api-key "$API_KEY" download "$DOC_ID" --version
t "download an unknown document" 1 $HTTP --api-key "$API_KEY" download 00000000000000000000000000000000 -o "$DL/none"
if [ -e "$DL/none" ]; then bad "an unknown document left a file"; else ok "an unknown document leaves no file"; fi
# Upload then download: the same bytes come back.
head -c 300000 /dev/urandom >"$TMP/up.bin"
t "upload a file" 0 $HTTP --api-key "$API_KEY" upload "$TMP/up.bin" --obj PROJ --id "$SECOND_PROJECT"
UP_ID=$(val 'd["ID"]')
t "download the uploaded file" 0 $HTTP --api-key "$API_KEY" download "$UP_ID" -o "$DL/up.bin"
same "upload -> download round trip" "$(sha "$DL/up.bin")" "$(sha "$TMP/up.bin")"

for c in subscriptions download; do
    if "$WF" "$c" --help >"$TMP/out" 2>"$TMP/err" </dev/null && grep -qF "Usage: wf $c" "$TMP/out" &&
       grep -qF "Examples:" "$TMP/out"; then
        ok "$c --help: usage and examples"
    else
        bad "$c --help lacks its usage or examples"
    fi
done
