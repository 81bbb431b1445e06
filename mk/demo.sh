#!/bin/sh
# make demo: the bundled Workfront-compatible server over HTTPS (test CA),
# and `wf` doing what a user does: log in, search, get, create, edit, delete.
set -u
B=${B:-build}
WF=${WF:-$B/wf}
dir=$B/demo
mkdir -p "$dir"
rm -f "$dir/server.info"
python3 tests/server/wfserver.py --certs "$B/certs" --info "$dir/server.info" --quiet >"$dir/server.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null' EXIT INT TERM
i=0
while [ ! -s "$dir/server.info" ]; do
  i=$((i + 1))
  if [ $i -gt 200 ] || ! kill -0 "$pid" 2>/dev/null; then
    echo "demo: the test server did not start:" >&2; cat "$dir/server.log" >&2; exit 1
  fi
  sleep 0.1
done
HTTPS_PORT=$(sed -n 's/^HTTPS_PORT=//p' "$dir/server.info")
CA=$(sed -n 's/^CA=//p' "$dir/server.info")
export WF_URL="https://127.0.0.1:$HTTPS_PORT" WF_CACERT="$CA"
# (these exports live only in this script: the server stops when it ends)
# headings in bold on a terminal only: a log file or pipe gets plain text
if [ -t 1 ]; then say() { printf '\n\033[1m%s\033[0m\n' "$*"; }; else say() { printf '\n== %s\n' "$*"; }; fi
run() { printf '$ wf'; for a in "$@"; do case "$a" in *[\ \$\'\"]*) printf " '%s'" "$a";; *) printf ' %s' "$a";; esac; done; printf '\n'; "$WF" "$@"; rc=$?; [ $rc = 0 ] || echo "(exit $rc)"; return $rc; }

say "Test server (pid $pid) on $WF_URL, TLS verified against the generated test CA"
run version

say "1. Log in (POST /login; the password travels in the body, never in the URL)"
login=$(run --user admin@test.example --password s3cret-Pa55 login) || { printf "%s\n" "$login"; exit 1; }
printf "%s\n" "$login"
WF_SESSION_ID=$(printf '%s' "$login" | sed -n 's/.*"sessionID":"\([^"]*\)".*/\1/p')
export WF_SESSION_ID
echo "(the session ID is kept in WF_SESSION_ID for the next commands)"

say "2. Search: five tasks whose name contains 'launch', with their status"
run search task name=launch name_Mod=cicontains fields=name,status,priority '$$LIMIT=5' || exit 1

say "3. Get one project by ID"
proj=$("$WF" search project fields=ID '$$LIMIT=1' --ndjson | head -n 1 | sed -n 's/.*"ID":"\([^"]*\)".*/\1/p')
run get project "$proj" --fields name,status || exit 1

say "4. Create a task with awkward characters in its name"
created=$(run create task --json "{\"name\":\"Demo \\\"quoted\\\" \\\\ task 日本 🚀\",\"projectID\":\"$proj\"}") || { printf "%s\n" "$created"; exit 1; }
printf "%s\n" "$created"
task=$(printf '%s' "$created" | sed -n 's/.*"ID":"\([^"]*\)".*/\1/p' | head -n 1)

say "5. Edit it"
run edit task "$task" --json '{"status":"INP","percentComplete":50}' || exit 1

say "6. Read it back"
run get task "$task" --fields name,status,percentComplete || exit 1

say "7. Delete it, and see that it is gone"
run delete task "$task" || exit 1
run get task "$task"
[ $? = 1 ] && echo "(exit 1: Workfront answered with an error envelope, as expected)"

say "8. Log out; the session no longer works"
run logout || exit 1
run search task '$$LIMIT=1'
[ $? = 4 ] && echo "(exit 4: authentication failure, as expected)"
unset WF_SESSION_ID
say "Demo finished; stopping the test server (pid $pid)."
echo "For a server that keeps running, and the export lines to use it from"
echo "your shell and your own programs: make server (README: Try it against the test server)."
