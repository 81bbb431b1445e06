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
run "WF_NO_SOCKETS WF_NO_FILES build" $first -std=c99 $W -DWF_NO_SOCKETS -DWF_NO_FILES $CHECK_INC -I. -c "$B/check/impl.c" -o "$B/check/nosock.o"
# ARM EABI enums are one byte: no comparison may become always-true/false
run "one-byte enums (-fshort-enums -Wtype-limits)" $first -std=c99 $W -fshort-enums -Wtype-limits $CHECK_INC -I. -c "$B/check/impl.c" -o "$B/check/shortenum.o"
# The rules the platform section rests on: OS headers only there, no printf
# from the C library but the checked double formatter.
impl=$(awk '/^#ifdef WORKFRONT_IMPLEMENTATION/{f=1} f' workfront.h)
plat=$(printf '%s\n' "$impl" | awk '/^\/\* >> platform:/{f=1} /^\/\* >> transport:/{f=0} f')
rest=$(printf '%s\n' "$impl" | awk '/^\/\* >> platform:/{f=1} /^\/\* >> transport:/{f=0} !f')
bad=$(printf '%s\n' "$rest" | grep -E '^#[[:space:]]*include' | grep -v -E '<(stdarg|stdio|stdlib|string|errno|stddef|stdint|stdbool|assert|emmintrin|arm_neon)\.h>|jsmn\.h|WF_JSMN_H|<mbedtls/|<psa/')
if [ -n "$bad" ] || [ -z "$plat" ]; then echo "check: OS headers outside the platform section:"; echo "$bad"; fail=1; nfail=$((nfail + 1)); else echo "check: OS headers only in the platform section"; npass=$((npass + 1)); fi
bad=$(printf '%s\n' "$impl" | grep -n -E '(^|[^_[:alnum:]])(v?s?n?printf|v?f?printf|sscanf)[[:space:]]*\(' | grep -v 'define WF_FORMAT_DOUBLE')
if [ -n "$bad" ]; then echo "check: the C library's printf/scanf in the implementation (use wf__snprintf):"; echo "$bad"; fail=1; nfail=$((nfail + 1)); else echo "check: no printf/scanf from the C library"; npass=$((npass + 1)); fi
# Cross compilers, where installed: a compile check with Debian's own mbedTLS
# headers (a syntax check; make cross builds and runs the real thing).
xinc="$B/check/xinc"
mkdir -p "$xinc"
for h in mbedtls psa jsmn.h; do [ -e "/usr/include/$h" ] && ln -sfn "/usr/include/$h" "$xinc/$h"; done
if command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1; then
  for mode in "" -DWF_NO_TLS "-DWF_NO_SOCKETS -DWF_NO_FILES"; do
    run "mingw-w64 C99 ${mode:-default}" x86_64-w64-mingw32-gcc -std=c99 $W $mode -I. -I"$xinc" -c "$B/check/impl.c" -o "$B/check/mingw.o"
  done
  command -v x86_64-w64-mingw32-g++ >/dev/null 2>&1 &&
    run "mingw-w64 C++11" x86_64-w64-mingw32-g++ -std=c++11 -Wall -Wextra -Wpedantic -Wshadow -Werror -I. -I"$xinc" -c "$B/check/impl.cpp" -o "$B/check/mingwpp.o"
fi
if command -v arm-none-eabi-gcc >/dev/null 2>&1 && arm-none-eabi-gcc --specs=nano.specs -print-file-name=libc_nano.a | grep -q /; then
  arm="arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb --specs=nano.specs -Os -std=c99 $W -Wtype-limits -I. -I$xinc"
  hooks="-DWF_NO_SOCKETS -DWF_NO_TLS -DWF_NOW_MS()=0 -DWF_SLEEP_MS(ms)=(void)(ms) -DWF_TIME_S()=0"
  run "Cortex-M4 newlib-nano WF_NO_SOCKETS WF_NO_TLS" $arm $hooks -c "$B/check/impl.c" -o "$B/check/cm4.o"
  run "Cortex-M4 newlib-nano WF_NO_FILES too" $arm $hooks -DWF_NO_FILES -c "$B/check/impl.c" -o "$B/check/cm4-nofiles.o"
  # without the hooks the build must stop and name them
  if $arm -DWF_NO_SOCKETS -DWF_NO_TLS -c "$B/check/impl.c" -o "$B/check/cm4-nohooks.o" 2>"$B/check/err"; then
    echo "check: Cortex-M4 without clock hooks compiled (expected an #error) FAILED"; fail=1; nfail=$((nfail + 1))
  elif grep -q 'define WF_NOW_MS()' "$B/check/err" && grep -q 'define WF_SLEEP_MS' "$B/check/err" && grep -q 'define WF_TIME_S()' "$B/check/err"; then
    echo "check: Cortex-M4 without clock hooks stops at #errors naming WF_NOW_MS, WF_SLEEP_MS, WF_TIME_S ok"; npass=$((npass + 1))
  else
    echo "check: Cortex-M4 without clock hooks: the #errors do not name the hooks FAILED"; head -5 "$B/check/err"; fail=1; nfail=$((nfail + 1))
  fi
  if $arm -DWF_NO_TLS '-DWF_NOW_MS()=0' '-DWF_SLEEP_MS(ms)=(void)(ms)' '-DWF_TIME_S()=0' -c "$B/check/impl.c" -o "$B/check/cm4-sock.o" 2>"$B/check/err"; then
    echo "check: Cortex-M4 with sockets compiled (expected an #error naming WF_NO_SOCKETS) FAILED"; fail=1; nfail=$((nfail + 1))
  elif grep -q 'define WF_NO_SOCKETS' "$B/check/err"; then
    echo "check: Cortex-M4 without WF_NO_SOCKETS stops at an #error naming it ok"; npass=$((npass + 1))
  else
    echo "check: Cortex-M4 without WF_NO_SOCKETS: the #error does not name it FAILED"; head -5 "$B/check/err"; fail=1; nfail=$((nfail + 1))
  fi
fi
# (i686's position-independent code brings gcc's own __x86.get_pc_thunk.*)
bad=$($CHECK_NM -g --defined-only "$B/check/impl-$first-c99.o" 2>/dev/null | awk '{print $3}' | grep -v -E '^(wf_|main$|__x86\.get_pc_thunk\.)')
if [ -n "$bad" ]; then echo "check: exported symbols without the wf_ prefix:"; echo "$bad"; fail=1; nfail=$((nfail + 1)); else echo "check: exports only wf_ symbols"; npass=$((npass + 1)); fi
echo "check: $npass passed, $nfail failed"
exit $fail
