#!/bin/sh
# mk/hardening/valgrind-run.sh - runs test programs under valgrind memcheck
# (make valgrind, mk/valgrind.mk).
#
#   VALGRIND="valgrind ..." VG_DIR=build/vg sh mk/hardening/valgrind-run.sh NAME...
#
# NAME is a program in $VG_DIR (run as $VALGRIND $VG_DIR/NAME [filter]),
# NAME:FILTER passes FILTER as the program's argument, or "cli": the wf CLI
# test (tests/cli/test_wf.sh) with WF set to a wrapper that runs
# $VG_DIR/wf under valgrind; with VG_CLI_EVERY=N only every Nth wf run
# (the 1st, N+1st, ...) is under valgrind, the others run $VG_DIR/wf as is.  valgrind's reports of the CLI go to one log
# file per process (the test compares wf's stderr, so they cannot go there);
# any non-empty log fails the run and is printed.  Prints the time each
# NAME took; exits non-zero if any failed.
set -u
: "${VALGRIND:?}" "${VG_DIR:?}"
fail=""
for spec in "$@"; do
    name=${spec%%:*}
    filter=
    case $spec in *:*) filter=${spec#*:} ;; esac
    start=$(date +%s)
    echo "== valgrind $spec"
    if [ "$name" = cli ]; then
        logs=$VG_DIR/cli-logs
        rm -rf "$logs"
        mkdir -p "$logs"
        : >"$logs/checked"
        logs=$(cd "$logs" && pwd)
        wf=$(cd "$VG_DIR" && pwd)/wf
        wrapper=$VG_DIR/wf-vg
        every=${VG_CLI_EVERY:-1}
        # Runs wf invocation 1, 1+EVERY, 1+2*EVERY, ... under valgrind and the
        # others plainly (the CLI test runs them one after the other).
        {
            echo '#!/bin/sh'
            echo "n=\$(( \$(cat '$logs/count' 2>/dev/null || echo 0) + 1 ))"
            echo "echo \$n >'$logs/count'"
            echo "[ \$(( (\$n - 1) % $every )) = 0 ] || exec '$wf' \"\$@\""
            echo "echo \"\$n \$*\" >>'$logs/checked'"
            # $VALGRIND is a word list on purpose
            echo "exec $VALGRIND --log-file='$logs/wf.%p.log' '$wf' \"\$@\""
        } >"$wrapper"
        chmod +x "$wrapper"
        rc=0
        WF=$wrapper sh tests/cli/test_wf.sh || rc=$?
        bad=0
        for f in "$logs"/*.log; do
            [ -s "$f" ] || continue
            bad=$((bad + 1))
            echo "valgrind: report in $f:"
            cat "$f"
        done
        [ $bad = 0 ] || { echo "valgrind cli: $bad wf run(s) with memcheck reports"; rc=1; }
        echo "valgrind cli: $(wc -l <"$logs/checked") of $(cat "$logs/count" 2>/dev/null || echo 0) wf runs under valgrind"
    else
        rc=0
        # shellcheck disable=SC2086
        $VALGRIND "$VG_DIR/$name" $filter || rc=$?
        [ $rc = 99 ] && echo "valgrind $spec: memcheck reported errors (see above)"
    fi
    echo "valgrind $spec: $([ $rc = 0 ] && echo ok || echo "FAILED (rc $rc)") in $(( $(date +%s) - start )) s"
    [ $rc = 0 ] || fail="$fail $spec"
done
if [ -z "$fail" ]; then echo "valgrind: all clean ($*)"; else echo "valgrind: FAILED:$fail"; exit 1; fi
