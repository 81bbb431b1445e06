#!/bin/sh
# mk/hardening/fuzz-run.sh MODE SECONDS TARGET...
#   MODE fuzz:  fuzz each target for SECONDS with one worker, starting from
#               tests/fuzz/corpus/<t> + corpus/regression/<t> and the
#               working corpus build/fuzz/corpus/<t> (kept between runs).
#   MODE smoke: run each target once over its committed corpus and
#               regression inputs (no mutation; deterministic), then fuzz
#               SECONDS more if SECONDS > 0.
# Prints executions, time and crashes per target and in total, writes the
# same as a Markdown table to build/fuzz/results.md (fuzz mode), and exits
# non-zero if any target crashed, leaked or failed a check.  Crash inputs are
# kept as build/fuzz/crashes/<target>-crash-*.
set -u
MODE=$1; SECS=$2; shift 2
B=${B:-build}
F=$B/fuzz
mkdir -p "$F/crashes" "$F/logs"
# quarantine kept small: the machine is shared; leaks are still reported
ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=64:malloc_context_size=20}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

total=0; failed=""; rows=""; t0=$(date +%s)
for t in "$@"; do
    bin=${FUZZ_BIN_DIR:-$F}/$t
    seeds=tests/fuzz/corpus/$t
    reg=tests/fuzz/corpus/regression/$t
    work=$F/corpus/$t
    log=$F/logs/$t.$MODE.log
    mkdir -p "$work" "$seeds"
    dirs="$seeds"
    [ -d "$reg" ] && [ -n "$(ls -A "$reg" 2>/dev/null)" ] && dirs="$dirs $reg"
    start=$(date +%s)
    if [ "$MODE" = smoke ]; then
        # every committed input once; then (optionally) a short fuzz
        # shellcheck disable=SC2086
        "$bin" -runs=0 -print_final_stats=1 -artifact_prefix="$F/crashes/$t-" $dirs >"$log" 2>&1
        rc=$?
        if [ $rc = 0 ] && [ "$SECS" -gt 0 ]; then
            # shellcheck disable=SC2086
            "$bin" -max_total_time="$SECS" -print_final_stats=1 -artifact_prefix="$F/crashes/$t-" "$work" $dirs >>"$log" 2>&1
            rc=$?
        fi
    else
        # shellcheck disable=SC2086
        # one process, one worker (no -jobs: that forks and writes fuzz-N.log into the cwd)
        "$bin" -max_total_time="$SECS" -print_final_stats=1 \
               -artifact_prefix="$F/crashes/$t-" "$work" $dirs >"$log" 2>&1
        rc=$?
    fi
    secs=$(( $(date +%s) - start ))
    execs=$(grep -a 'stat::number_of_executed_units' "$log" | awk '{s += $2} END {print s + 0}')
    crash=0
    if [ $rc != 0 ] || grep -a -q 'ERROR: libFuzzer\|ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:\|FUZZ CHECK FAILED' "$log"; then
        crash=1; failed="$failed $t"
    fi
    total=$((total + execs))
    if [ "$MODE" = smoke ]; then
        printf 'fuzz-smoke: %-14s %9s executions %4ss  %s\n' "$t" "$execs" "$secs" "$( [ $crash = 0 ] && echo ok || echo "FAILED (see $log)")"
    else
        printf 'fuzz: %-14s %11s executions in %4ss (%s/s)  crashes: %s\n' "$t" "$execs" "$secs" \
               "$( [ "$secs" -gt 0 ] && echo $((execs / secs)) || echo -)" "$crash"
    fi
    [ $crash = 0 ] || { grep -a -m 3 -A 2 'FUZZ CHECK FAILED\|ERROR:\|runtime error:' "$log" | sed 's/^/    /'; }
    rows="$rows| $t | $execs | $secs | $crash |
"
done
elapsed=$(( $(date +%s) - t0 ))
if [ "$MODE" = smoke ]; then
    echo "fuzz-smoke: $total executions over $# targets in ${elapsed}s"
    nf=$(echo $failed | wc -w)
    echo "fuzz-smoke: $(($# - nf)) passed, $nf failed (targets, each over its whole corpus)"
else
    echo "fuzz: $total executions over $# targets in ${elapsed}s (FUZZ_SECONDS=$SECS per target)"
    {
        echo "| target | executions | seconds | crashes |"
        echo "|---|---:|---:|---:|"
        printf '%s' "$rows"
        echo "| **total** | **$total** | **$elapsed** | **$( [ -z "$failed" ] && echo 0 || echo "$(echo $failed | wc -w)")** |"
    } >"$F/results.md"
    echo "fuzz: table in $F/results.md"
fi
if [ -n "$failed" ]; then
    echo "fuzz: FAILED:$failed (inputs in $F/crashes/, logs in $F/logs/)"
    exit 1
fi
exit 0
