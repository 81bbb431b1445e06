#!/bin/sh
# make server: the bundled Workfront-compatible test server
# (tests/server/wfserver.py) in the foreground, over HTTP and HTTPS (a test
# CA under build/certs), until Ctrl-C.  Prints the export lines that point
# wf and library programs at it; requests are logged on stderr.
# WF_SERVER_ARGS: more arguments for wfserver.py (e.g. "--tasks 2500").
set -u
B=${B:-build}
PYTHON=${PYTHON:-python3}
dir=$B/server
mkdir -p "$dir" "$B/certs"
rm -f "$dir/info"
# shellcheck disable=SC2086  # WF_SERVER_ARGS is a word list
"$PYTHON" tests/server/wfserver.py --certs "$B/certs" --info "$dir/info" ${WF_SERVER_ARGS:-} >/dev/null &
pid=$!
stop() {
    trap - INT TERM
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    echo
    echo "server: stopped (pid $pid); the export lines above no longer point at anything"
    exit 0
}
trap stop INT TERM
i=0
while ! grep -qx READY "$dir/info" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 300 ] || ! kill -0 "$pid" 2>/dev/null; then
        echo "server: the test server did not start" >&2
        kill "$pid" 2>/dev/null
        exit 1
    fi
    sleep 0.1
done
info() { sed -n "s/^$1=//p" "$dir/info" | head -n 1; }
HTTPS_PORT=$(info HTTPS_PORT)
HTTP_PORT=$(info HTTP_PORT)
CA=$(info CA)
# the fixed credentials of the test server (tests/server/wfconst.py)
cat <<EOF
Workfront test server (pid $pid): https://127.0.0.1:$HTTPS_PORT (certificate
from the test CA below) and http://127.0.0.1:$HTTP_PORT (plain HTTP).
In another shell, in this directory:

export WF_URL=https://127.0.0.1:$HTTPS_PORT
export WF_CACERT=$CA
export WF_API_KEY=adminapikey0123456789abcdef0000

# or log in instead of the API key (unset WF_API_KEY first):
#   export WF_USERNAME=admin@test.example WF_PASSWORD=s3cret-Pa55

Then e.g.  build/wf search task name=launch name_Mod=cicontains --fields name,status --limit 3
(make wf builds build/wf).  The data is generated afresh at every start.
Ctrl-C stops the server.
EOF
wait "$pid"
echo "server: the test server exited" >&2
exit 1
