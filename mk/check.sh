#!/bin/sh
# Compiles the header alone in every supported mode and checks its exports.
set -u
# B: the build directory; CHECK_INC: include flags that go first (e.g. another
# mbedTLS's headers, as make test-mbedtls3 does).  A cross compiler (make
# cross) sets CHECK_CC (C compilers, default: cc and clang where installed),
# CHECK_CXX (C++ compilers, default c++ and clang++; empty: none), CHECK_FLAGS
# (its target flags and port macros) and CHECK_NM (its nm).
B=${B:-build}
CHECK_INC=${CHECK_INC:-}
CHECK_CC=${CHECK_CC:-cc clang}
CHECK_CXX=${CHECK_CXX-c++ clang++}
CHECK_FLAGS=${CHECK_FLAGS:-}
CHECK_NM=${CHECK_NM:-nm}
mkdir -p "$B/check"
W="-O2 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror"
printf '#include "workfront.h"\nint main(void){return 0;}\n' > "$B/check/decl.c"
printf '#define WORKFRONT_IMPLEMENTATION\n#include "workfront.h"\nint main(void){return 0;}\n' > "$B/check/impl.c"
cp "$B/check/impl.c" "$B/check/impl.cpp"
cp "$B/check/decl.c" "$B/check/decl.cpp"
fail=0 npass=0 nfail=0
run() { desc=$1; shift; if "$@" 2>"$B/check/err"; then echo "check: $desc ok"; npass=$((npass + 1)); else echo "check: $desc FAILED"; head -20 "$B/check/err"; fail=1; nfail=$((nfail + 1)); fi; }
first=""
for cc in $CHECK_CC; do
  command -v $cc >/dev/null 2>&1 || continue
  first=${first:-$cc}
  for std in c99 c11; do
    run "$cc -std=$std declarations" $cc -std=$std $W $CHECK_FLAGS $CHECK_INC -I. -c "$B/check/decl.c" -o "$B/check/decl.o"
    run "$cc -std=$std implementation" $cc -std=$std $W $CHECK_FLAGS $CHECK_INC -I. -c "$B/check/impl.c" -o "$B/check/impl-$cc-$std.o"
  done
done
for cxx in $CHECK_CXX; do
  command -v $cxx >/dev/null 2>&1 || continue
  run "$cxx -std=c++11 declarations" $cxx -std=c++11 -Wall -Wextra -Wpedantic -Wshadow -Werror $CHECK_FLAGS $CHECK_INC -I. -c "$B/check/decl.cpp" -o "$B/check/declpp.o"
  run "$cxx -std=c++11 implementation" $cxx -std=c++11 -Wall -Wextra -Wpedantic -Wshadow -Werror $CHECK_FLAGS $CHECK_INC -I. -c "$B/check/impl.cpp" -o "$B/check/implpp-$cxx.o"
done
[ -n "$first" ] || { echo "check: none of the compilers ($CHECK_CC) is installed"; exit 1; }
run "WF_NO_TLS build" $first -std=c99 $W -DWF_NO_TLS $CHECK_FLAGS $CHECK_INC -I. -c "$B/check/impl.c" -o "$B/check/notls.o"
# (i686's position-independent code brings gcc's own __x86.get_pc_thunk.*)
bad=$($CHECK_NM -g --defined-only "$B/check/impl-$first-c99.o" 2>/dev/null | awk '{print $3}' | grep -v -E '^(wf_|main$|__x86\.get_pc_thunk\.)')
if [ -n "$bad" ]; then echo "check: exported symbols without the wf_ prefix:"; echo "$bad"; fail=1; nfail=$((nfail + 1)); else echo "check: exports only wf_ symbols"; npass=$((npass + 1)); fi
echo "check: $npass passed, $nfail failed"
exit $fail
