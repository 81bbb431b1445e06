#!/bin/sh
# mk/cross/record.sh RECORDER OUT.h
# Starts the bundled test server (tests/server/wfserver.py, 200 tasks, its
# own ephemeral ports), runs RECORDER (tests/firmware/record.c) against its
# HTTP port, stops the server by PID.  RECORDER writes OUT.h only when every
# check of the scenario passed against the live server.
set -u
REC=${1:?usage: record.sh RECORDER OUT.h}
OUT=${2:?usage: record.sh RECORDER OUT.h}
B=${B:-build}
PYTHON=${PYTHON:-python3}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wfrec.XXXXXX")
PID=
cleanup() {
    [ -n "$PID" ] && { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; }
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
mkdir -p "$B/certs"
"$PYTHON" tests/server/wfserver.py --certs "$B/certs" --info "$TMP/info" --tasks 200 --quiet >"$TMP/log" 2>&1 &
PID=$!
i=0
while ! grep -qx READY "$TMP/info" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 300 ] || ! kill -0 "$PID" 2>/dev/null; then
        echo "record: the test server did not start:" >&2; cat "$TMP/log" >&2; exit 1
    fi
    sleep 0.1
done
PORT=$(sed -n 's/^HTTP_PORT=//p' "$TMP/info")
"$REC" "http://127.0.0.1:$PORT" "$OUT" >"$TMP/out" 2>&1
rc=$?
if [ $rc != 0 ]; then cat "$TMP/out" >&2; exit $rc; fi
tail -n 1 "$TMP/out"
