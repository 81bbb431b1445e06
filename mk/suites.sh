#!/bin/sh
# mk/suites.sh LABEL "BUILD..." SUITE... [-- SUITE...]: make test and make ci.
#
# 1. Builds BUILD (make targets, SUITE_JOBS at a time) so the suites start
#    with their programs compiled; the output goes to build/suites/build.log.
# 2. Runs the suites SUITE_JOBS at a time (make -k -jN suite-NAME...; see
#    mk/suite.sh), the longest first by the times of the last run
#    (build/suite-times), one line per suite as it ends.  The suites after
#    `--` form a second phase that starts when the first has ended (make ci:
#    the slow suites after make test's).
# 3. Prints the failed suites with the lines of their logs that say why, the
#    total time, and last the closing line `N passed, M failed`: tests (and
#    other checks) summed over every suite; a failed suite that counted no
#    failure counts one.  Exits 1 when anything failed.
set -u
label=$1
build=$2
shift 2
B=${B:-build}
MAKE=${MAKE:-make}
JOBS=${SUITE_JOBS:-2}
dir=$B/suites
times=$B/suite-times
mkdir -p "$dir"
rm -f "$dir"/*.log "$dir"/*.result

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
mins() { awk -v s="$1" 'BEGIN { s = int(s + 0.5); if (s >= 60) printf "%d min %d s", s / 60, s % 60; else printf "%d s", s }'; }

# longest first by the last run (build/suite-times), else by the times in
# mk/suite-times (a fresh clone); suites without a time first of all
order() {
    for s in "$@"; do
        t=$(cat mk/suite-times "$times" 2>/dev/null | awk -v n="$s" '$1 == n { print $2 }' | tail -n 1)
        echo "${t:-100000} $s"
    done | sort -k1,1nr | awk '{ print $2 }'
}

all=""
phase1=""
phase2=""
in2=0
for s in "$@"; do
    if [ "$s" = -- ]; then in2=1; continue; fi
    case " $all " in *" $s "*) continue ;; esac
    all="$all $s"
    if [ $in2 = 1 ]; then phase2="$phase2 $s"; else phase1="$phase1 $s"; fi
done
n=$(echo $all | wc -w)
echo "make $label: $n suites, $JOBS at a time; logs in $dir/"

t0=$(now)
if [ -n "$build" ]; then
    # shellcheck disable=SC2086  # a list of targets
    if $MAKE --no-print-directory -k -j"$JOBS" $build >"$dir/build.log" 2>&1 </dev/null; then st=ok; else st=FAIL; fi
    times >"$dir/build.times" # children's CPU so far: the build's (a pipe would see a subshell)
    bcpu=$(awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); sub(/s$/, "", a[2]); t += a[1] * 60 + a[2] } printf "%.1f", t }' "$dir/build.times")
    rm -f "$dir/build.times"
    printf '  %-4s  %-16s %31s s  (cpu %s s)\n' "$st" "(build)" "$(secs "$t0" "$(now)")" "$bcpu"
    [ $st = ok ] || grep -E 'error|Error' "$dir/build.log" | head -n 10 | sed 's/^/        | /'
fi

for phase in "$phase1" "$phase2"; do
    [ -n "$phase" ] || continue
    # shellcheck disable=SC2046,SC2086
    $MAKE --no-print-directory -k -j"$JOBS" $(order $phase | sed 's/^/suite-/') </dev/null || true
done
t1=$(now)

passed=0
failed=0
bad=""
for s in $all; do
    r=$dir/$s.result
    if [ -f "$r" ]; then
        # NAME STATUS SECONDS PASSED FAILED CPU
        read -r _ st sec p f c <"$r"
        cpu_all=$(awk -v a="${cpu_all:-0}" -v b="${c:-0}" 'BEGIN { printf "%.1f", a + b }')
    else
        st=FAIL sec=0 p=0 f=1
        echo "  FAIL  $s: no result (see $dir/$s.log)"
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    [ "$st" = ok ] || bad="$bad $s"
    # keep the times for the next run's order
    if [ "$st" = ok ]; then
        { grep -v "^$s " "$times" 2>/dev/null; echo "$s $sec"; } >"$times.tmp" && mv "$times.tmp" "$times"
    fi
done

for s in $bad; do
    echo
    echo "== $s failed ($dir/$s.log):"
    grep -E '^FAIL|FAILED|^\[  ERROR|ERROR:|error:|Error [0-9]|Assertion|runtime error|AddressSanitizer|LeakSanitizer|Traceback|memcheck|^make.*\*\*\*' \
        "$dir/$s.log" 2>/dev/null | head -n 25 | sed 's/^/  | /'
    tail -n 5 "$dir/$s.log" 2>/dev/null | sed 's/^/  . /'
done
[ -z "$bad" ] || echo
cpu_all=$(awk -v a="${cpu_all:-0}" -v b="${bcpu:-0}" 'BEGIN { printf "%.1f", a + b }')
if [ -z "$bad" ]; then
    echo "make $label: $n suites passed in $(mins "$(secs "$t0" "$t1")") ($(mins "$cpu_all") of CPU)"
else
    echo "make $label: $(echo $bad | wc -w) of $n suites FAILED:$bad ($(mins "$(secs "$t0" "$t1")"), $(mins "$cpu_all") of CPU)"
fi
echo "$passed passed, $failed failed"
[ -z "$bad" ]
