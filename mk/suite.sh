#!/bin/sh
# mk/suite.sh NAME COMMAND...: runs one suite for make test / make ci.
#
# COMMAND (normally `make NAME`) runs with its output in build/suites/NAME.log;
# then one line: status, name, the suite's count and its time.  The count is
# summed over the lines the suite printed in one of these forms:
#   [  PASSED  ] N test(s).  /  [  FAILED  ] N test(s)     (cmocka)
#   Ran N tests ... OK / FAILED (failures=F, errors=E)     (python unittest)
#   NAME: N passed, M failed                               (everything else;
#                                                           NAME without spaces)
# A suite that fails but counted no failure (a build error, a crash, a
# memcheck report after passing tests) counts one failure.  The result goes
# to build/suites/NAME.result as "NAME STATUS SECONDS PASSED FAILED CPU" for
# mk/suites.sh.  Always exits 0: the result file carries the outcome.
set -u
name=$1
shift
B=${B:-build}
dir=$B/suites
mkdir -p "$dir"
log=$dir/$name.log
start=$(date +%s.%N)
"$@" >"$log" 2>&1 </dev/null
rc=$?
end=$(date +%s.%N)
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
# CPU time (user + system) of everything the suite ran: unlike the wall-clock
# time, it does not grow when other work shares the machine
# (times in the shell itself: in a pipe or $(...) it would see a subshell)
times >"$dir/$name.times"
cpu=$(awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); sub(/s$/, "", a[2]); t += a[1] * 60 + a[2] } printf "%.1f", t }' "$dir/$name.times")
rm -f "$dir/$name.times"
counts=$(awk '
    /^\[  PASSED  \] [0-9]+ test/ { p += $4 }
    /^\[  FAILED  \] [0-9]+ test/ { f += $4 }
    /^Ran [0-9]+ tests? in / { ran += $2 }
    /^FAILED \(/ { line = $0; while (match(line, /(failures|errors)=[0-9]+/)) {
                     kv = substr(line, RSTART, RLENGTH); sub(/.*=/, "", kv); uf += kv
                     line = substr(line, RSTART + RLENGTH) } }
    /^OK( \(skipped=[0-9]+\))?$/ { if (match($0, /skipped=[0-9]+/)) sk += substr($0, RSTART + 8, RLENGTH - 8) }
    /^[A-Za-z0-9_.-]+: [0-9]+ passed, [0-9]+ failed/ { p += $2; f += $4 }
    END { p += ran - uf - sk; f += uf; printf "%d %d", p, f }' "$log")
passed=${counts% *}
failed=${counts#* }
if [ $rc = 0 ] && [ "$failed" = 0 ]; then
    status=ok
else
    status=FAIL
    [ "$failed" = 0 ] && failed=1
fi
echo "$name $status $secs $passed $failed $cpu" >"$dir/$name.result"
printf '  %-4s  %-16s %5s passed, %3s failed  %7s s  (cpu %s s)\n' "$status" "$name" "$passed" "$failed" "$secs" "$cpu"
exit 0
