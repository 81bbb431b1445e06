#!/bin/sh
# Compiles the header alone in every supported mode and checks its exports.
set -u
# B: the build directory; CHECK_INC: include flags that go first (e.g. another
# mbedTLS's headers, as make test-mbedtls3 does).
B=${B:-build}
CHECK_INC=${CHECK_INC:-}
mkdir -p "$B/check"
W="-O2 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror"
printf '#include "workfront.h"\nint main(void){return 0;}\n' > "$B/check/decl.c"
printf '#define WORKFRONT_IMPLEMENTATION\n#include "workfront.h"\nint main(void){return 0;}\n' > "$B/check/impl.c"
cp "$B/check/impl.c" "$B/check/impl.cpp"
cp "$B/check/decl.c" "$B/check/decl.cpp"
fail=0 npass=0 nfail=0
run() { desc=$1; shift; if "$@" 2>"$B/check/err"; then echo "check: $desc ok"; npass=$((npass + 1)); else echo "check: $desc FAILED"; head -20 "$B/check/err"; fail=1; nfail=$((nfail + 1)); fi; }
for cc in cc clang; do
  command -v $cc >/dev/null 2>&1 || continue
  for std in c99 c11; do
    run "$cc -std=$std declarations" $cc -std=$std $W $CHECK_INC -I. -c "$B/check/decl.c" -o "$B/check/decl.o"
    run "$cc -std=$std implementation" $cc -std=$std $W $CHECK_INC -I. -c "$B/check/impl.c" -o "$B/check/impl-$cc-$std.o"
  done
done
for cxx in c++ clang++; do
  command -v $cxx >/dev/null 2>&1 || continue
  run "$cxx -std=c++11 declarations" $cxx -std=c++11 -Wall -Wextra -Wpedantic -Wshadow -Werror $CHECK_INC -I. -c "$B/check/decl.cpp" -o "$B/check/declpp.o"
  run "$cxx -std=c++11 implementation" $cxx -std=c++11 -Wall -Wextra -Wpedantic -Wshadow -Werror $CHECK_INC -I. -c "$B/check/impl.cpp" -o "$B/check/implpp-$cxx.o"
done
run "WF_NO_TLS build" cc -std=c99 $W -DWF_NO_TLS $CHECK_INC -I. -c "$B/check/impl.c" -o "$B/check/notls.o"
bad=$(nm -g --defined-only "$B/check/impl-cc-c99.o" 2>/dev/null | awk '{print $3}' | grep -v -E '^(wf_|main$)')
if [ -n "$bad" ]; then echo "check: exported symbols without the wf_ prefix:"; echo "$bad"; fail=1; nfail=$((nfail + 1)); else echo "check: exports only wf_ symbols"; npass=$((npass + 1)); fi
echo "check: $npass passed, $nfail failed"
exit $fail
