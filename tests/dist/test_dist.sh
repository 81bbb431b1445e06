#!/bin/sh
# tests/dist/test_dist.sh - the distribution checks.
#
#   sh tests/dist/test_dist.sh [PART...]   (make dist-test runs it whole)
#
# 1. make install DESTDIR=<tmp> PREFIX=/usr/local, then a program built
#    against the staged copy with nothing but pkg-config --cflags --libs
#    workfront; make uninstall leaves no file behind.
# 2. The same with PREFIX=<tmp>/prefix and only PKG_CONFIG_PATH; every
#    example also builds from the installed copy through pkg-config.
# 3. make examples (warnings are errors), then each example against the test
#    server (started here, stopped by PID).  embedded.c is also built with
#    musl against build/musl when make static-musl has made it.
# 4. build/static/wf and build/static/wf-musl: static, stripped, size, and
#    tests/cli/test_wf.sh.  make dist-test (so make test) builds both first;
#    run by hand, this skips the ones not built (make static, make static-musl).
# PART is install (1 and 2), examples (3, which make examples runs) or static
# (4); all of them without arguments.
# Prints one line per check and a summary; exits non-zero on any failure.
# Environment: MAKE (default make), PYTHON (python3), WF_BIN (passed to make
# install; default build/wf), KEEP=1 keeps the temporary directory.
set -u
PARTS=${*:-install examples static}
want() { case " $PARTS " in *" $1 "*) return 0 ;; esac; return 1; }

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
# shellcheck disable=SC2086  # $MAKE may carry options
MAKE=${MAKE:-make}
PYTHON=${PYTHON:-python3}
B=build
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wfdist.XXXXXX")
SERVER_PID=
PASS=0
FAIL=0
SKIP=0

cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
        SERVER_PID=
    fi
    if [ "${KEEP:-0}" = 1 ]; then echo "test_dist: kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# The caller's credentials must not leak into the examples.
unset WF_URL WF_DOMAIN WF_API_KEY WF_USERNAME WF_PASSWORD WF_CACERT WF_JWT_KEY \
      WF_CUSTOMER_ID WF_USER_ID WF_CLIENT_ID WF_CLIENT_SECRET WF_CA_PEM 2>/dev/null

ok()   { PASS=$((PASS + 1)); echo "ok   - $1"; }
skip() { SKIP=$((SKIP + 1)); echo "skip - $1"; }
bad() {
    FAIL=$((FAIL + 1))
    echo "FAIL - $1"
    [ -s "$TMP/log" ] && tail -n 25 "$TMP/log" | sed 's/^/       | /'
    return 0
}
# run NAME WANT_RC COMMAND...: output goes to $TMP/log (kept for checks after it).
run() {
    name=$1
    want=$2
    shift 2
    "$@" >"$TMP/log" 2>&1 </dev/null
    rc=$?
    if [ "$rc" = "$want" ]; then ok "$name"; else bad "$name (exit $rc, wanted $want)"; fi
}
# has NAME TEXT: the last run's output contains TEXT.
has() { if grep -qF -- "$2" "$TMP/log"; then ok "$1"; else bad "$1: output lacks '$2'"; fi; }
# no_files NAME DIR: no regular file or link left under DIR (except keep.h).
no_files() {
    left=$(find "$2" \( -type f -o -type l \) ! -name keep.h 2>/dev/null)
    if [ -z "$left" ]; then ok "$1"; else echo "$left" >"$TMP/log"; bad "$1: files left behind"; fi
}

VERSION=$(sed -n 's/^.define WF_VERSION_STRING "\(.*\)"/\1/p' workfront.h)
LIBS="-lmbedtls -lmbedx509 -lmbedcrypto"
CWARN="-std=c99 -Wall -Wextra -Wpedantic -Werror"
mkdir -p "$TMP/hello"
cat >"$TMP/hello/hello.c" <<'EOF'
/* built only with pkg-config's flags, against the installed workfront.h */
#define WORKFRONT_IMPLEMENTATION
#include <workfront.h>
#include <stdio.h>
int main(void) {
    printf("workfront.h %s with %s\n", wf_version(), wf_tls_version());
    return 0;
}
EOF

# ----------------------------------------------- 1. DESTDIR staging install
if want install; then
STAGE=$TMP/stage
run "make install DESTDIR=$STAGE PREFIX=/usr/local" 0 \
    $MAKE --no-print-directory install DESTDIR="$STAGE" PREFIX=/usr/local ${WF_BIN:+WF_BIN=$WF_BIN}
for f in include/workfront.h lib/pkgconfig/workfront.pc bin/wf; do
    if [ -f "$STAGE/usr/local/$f" ]; then ok "installed /usr/local/$f"; else bad "missing $STAGE/usr/local/$f"; fi
done
if [ -x "$STAGE/usr/local/bin/wf" ]; then ok "bin/wf is executable"; else bad "bin/wf is not executable"; fi
if [ -z "${WF_BIN:-}" ]; then
    if readelf -SW "$STAGE/usr/local/bin/wf" 2>/dev/null | grep -q -e '\.symtab' -e '\.debug_'; then
        bad "installed bin/wf carries symbols or debug information"
    else
        ok "installed bin/wf is a stripped release build"
    fi
fi
if cmp -s workfront.h "$STAGE/usr/local/include/workfront.h"; then ok "installed header is workfront.h"; else bad "installed header differs"; fi
# DESTDIR is a staging root: the .pc names the final prefix, and
# PKG_CONFIG_SYSROOT_DIR points pkg-config at the staged tree.
pcs() { PKG_CONFIG_SYSROOT_DIR=$STAGE PKG_CONFIG_PATH=$STAGE/usr/local/lib/pkgconfig pkg-config "$@" workfront; }
if grep -qx "prefix=/usr/local" "$STAGE/usr/local/lib/pkgconfig/workfront.pc"; then ok ".pc names PREFIX, not DESTDIR"; else bad ".pc prefix is wrong"; fi
v=$(pcs --modversion 2>&1)
if [ "$v" = "$VERSION" ]; then ok "pkg-config --modversion = $VERSION"; else bad "pkg-config --modversion gave '$v', wanted '$VERSION'"; fi
flags=$(pcs --cflags --libs 2>&1)
case " $flags " in
    *" -I$STAGE/usr/local/include "*"$LIBS"*) ok "pkg-config --cflags --libs: $flags" ;;
    *) echo "$flags" >"$TMP/log"; bad "pkg-config --cflags --libs gave '$flags'" ;;
esac
# shellcheck disable=SC2046
run "hello.c builds with only pkg-config's flags (staged)" 0 \
    sh -c "cd '$TMP/hello' && cc $CWARN hello.c -o hello-staged \$0" "$flags"
run "hello (staged) runs" 0 "$TMP/hello/hello-staged"
has "hello prints wf_version()" "workfront.h $VERSION with "
run "make uninstall DESTDIR=$STAGE" 0 $MAKE --no-print-directory uninstall DESTDIR="$STAGE" PREFIX=/usr/local
no_files "uninstall (DESTDIR) removed every installed file" "$STAGE"

# ---------------------------------------------- 2. PREFIX install, no DESTDIR
P=$TMP/prefix
mkdir -p "$P/include" && echo "/* not ours */" >"$P/include/keep.h"
run "make install PREFIX=$P" 0 $MAKE --no-print-directory install PREFIX="$P" ${WF_BIN:+WF_BIN=$WF_BIN}
export_pc="PKG_CONFIG_PATH=$P/lib/pkgconfig"
flags=$(env "$export_pc" pkg-config --cflags --libs workfront 2>&1)
case " $flags " in
    *" -I$P/include "*"$LIBS"*) ok "pkg-config (PKG_CONFIG_PATH only): $flags" ;;
    *) echo "$flags" >"$TMP/log"; bad "pkg-config gave '$flags'" ;;
esac
run "hello.c builds with only pkg-config's flags (prefix)" 0 \
    sh -c "cd '$TMP/hello' && cc $CWARN hello.c -o hello-prefix \$0" "$flags"
run "hello (prefix) runs" 0 "$TMP/hello/hello-prefix"
has "hello (prefix) prints the version" "workfront.h $VERSION"
run "installed wf runs: wf version" 0 "$P/bin/wf" version
has "wf version names the library" "$VERSION"
for e in search create_edit upload jwt embedded webhook; do
    run "examples/$e.c builds from the installed copy via pkg-config" 0 \
        sh -c "cd '$TMP' && cc $CWARN '$ROOT/examples/$e.c' -o '$TMP/$e-pc' \$0" "$flags"
done
run "make uninstall PREFIX=$P" 0 $MAKE --no-print-directory uninstall PREFIX="$P"
no_files "uninstall removed exactly the installed files" "$P"
if [ -f "$P/include/keep.h" ]; then ok "uninstall left other files alone"; else bad "uninstall removed include/keep.h"; fi
run "make uninstall with nothing installed fails" 2 $MAKE --no-print-directory uninstall PREFIX="$P"
has "... and says nothing was found" "nothing of workfront.h found under $P"

fi # install

# ------------------------------------------------------------- 3. examples
if want examples; then
run "make examples-build (-std=c99 -Wall -Wextra -Wpedantic ... -Werror)" 0 $MAKE --no-print-directory examples-build
for e in search create_edit upload jwt embedded webhook; do
    if [ -x "$B/examples/$e" ]; then ok "built $B/examples/$e"; else bad "no $B/examples/$e"; fi
done

mkdir -p "$B/certs"
"$PYTHON" tests/server/wfserver.py --certs "$B/certs" --info "$TMP/info" --quiet >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
i=0
while ! grep -qx READY "$TMP/info" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 300 ] || ! kill -0 "$SERVER_PID" 2>/dev/null; then
        cp "$TMP/server.log" "$TMP/log"
        bad "the test server did not start"
        SERVER_PID=
        break
    fi
    sleep 0.1
done
if [ -n "$SERVER_PID" ]; then
    info() { sed -n "s/^$1=//p" "$TMP/info" | head -n 1; }
    HTTPS_URL=https://127.0.0.1:$(info HTTPS_PORT)
    HTTP_URL=http://127.0.0.1:$(info HTTP_PORT)
    CA=$(info CA)
    KEY=adminapikey0123456789abcdef0000
    ADMIN_ID=4c76ed7a0000054c172b2c2d9f7f81c3
    PROJECT=4c78821c0000d6fa8d5e52f07a1d54d0
    EX=$B/examples

    run "search over HTTPS (API key)" 0 env WF_URL="$HTTPS_URL" WF_CACERT="$CA" WF_API_KEY=$KEY "$EX/search" design
    has "search prints the pager's total" "all pages:"
    run "search over HTTP (login)" 0 env WF_URL="$HTTP_URL" WF_USERNAME=admin@test.example WF_PASSWORD=s3cret-Pa55 "$EX/search" design
    run "search with a wrong API key fails" 1 env WF_URL="$HTTP_URL" WF_API_KEY=wrong "$EX/search"
    has "search's failure is readable" "search: "
    run "create_edit" 0 env WF_URL="$HTTPS_URL" WF_CACERT="$CA" WF_API_KEY=$KEY "$EX/create_edit" "$PROJECT"
    has "create_edit created" "created task "
    has "create_edit shows a refused edit" "refused edit, as expected"
    has "create_edit deleted" "deleted task "
    head -c 200000 /dev/urandom >"$TMP/upload.bin"
    run "upload" 0 env WF_URL="$HTTPS_URL" WF_CACERT="$CA" WF_API_KEY=$KEY "$EX/upload" "$TMP/upload.bin" PROJ "$PROJECT" "dist test upload"
    has "upload prints the document" "\"dist test upload\" attached to PROJ"
    run "upload without arguments is a usage error" 2 "$EX/upload"
    SPEC=$("$PYTHON" -c 'import json, sys, urllib.request
r = urllib.request.Request(sys.argv[1] + "/attask/api/v22.0/document/search?name=spec.pdf&fields=currentVersionID",
                           headers={"apiKey": sys.argv[2]})
d = json.load(urllib.request.urlopen(r))["data"][0]
print(d["ID"], d["currentVersionID"])' "$HTTP_URL" $KEY)
    SPEC_ID=${SPEC% *}
    SPEC_V=${SPEC#* }
    run "webhook: subscription round trip, then a 20 MiB download" 0 sh -c \
        'env WF_URL="$1" WF_CACERT="$2" WF_API_KEY="$3" "$4" https://hooks.example.com/wf "$5" > "$6"' \
        sh "$HTTPS_URL" "$CA" $KEY "$EX/webhook" "$SPEC_ID" "$TMP/spec.bin"
    has "webhook deleted its subscription" "deleted"
    WANT=$("$PYTHON" -c 'import json, sys, urllib.request
d = json.load(urllib.request.urlopen("%s/__test/content/%s" % (sys.argv[1], sys.argv[2])))["data"]
print(d["sha256"])' "$HTTP_URL" "$SPEC_V")
    GOT=$("$PYTHON" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$TMP/spec.bin")
    if [ -n "$WANT" ] && [ "$WANT" = "$GOT" ]; then ok "webhook: the downloaded bytes are the server's"; else bad "webhook: downloaded bytes differ ($GOT, wanted $WANT)"; fi
    run "webhook with an http:// hook is refused before sending" 2 env WF_URL="$HTTP_URL" WF_API_KEY=$KEY "$EX/webhook" http://hooks.example.com/wf
    has "webhook says why" "https://"
    JWT_ENV="WF_CUSTOMER_ID=test-customer WF_USER_ID=$ADMIN_ID WF_CLIENT_ID=test-client WF_CLIENT_SECRET=test-client-secret"
    # shellcheck disable=SC2086
    run "jwt (server-to-server)" 0 env WF_URL="$HTTPS_URL" WF_CACERT="$CA" WF_JWT_KEY="$B/certs/jwt.key" $JWT_ENV "$EX/jwt"
    has "jwt acts as the admin" "acting as Admin User"
    # shellcheck disable=SC2086
    run "jwt with the wrong key fails" 1 env WF_URL="$HTTPS_URL" WF_CACERT="$CA" WF_JWT_KEY="$B/certs/other.key" $JWT_ENV "$EX/jwt"
    run "embedded over HTTPS (CA as PEM text)" 0 env WF_URL="$HTTPS_URL" WF_CA_PEM="$(cat "$CA")" WF_API_KEY=$KEY "$EX/embedded"
    has "embedded frees all arena memory" "0 in use after destroy, 0 refused"
    run "embedded over HTTPS without WF_CA_PEM is refused" 2 env WF_URL="$HTTPS_URL" WF_API_KEY=$KEY "$EX/embedded"
    run "embedded does not trust the system bundle" 1 env WF_URL="$HTTPS_URL" WF_CA_PEM="$(cat "$B/certs/othca.pem")" WF_API_KEY=$KEY "$EX/embedded"

    # embedded.c on musl, where mbedTLS is built with MBEDTLS_PLATFORM_MEMORY
    # and so allocates from the same arena.
    if [ -f "$B/musl/lib/libmbedtls.a" ] && command -v "${MUSL_CC:-musl-gcc}" >/dev/null 2>&1; then
        run "embedded.c builds with musl (static, trimmed mbedTLS)" 0 \
            "${MUSL_CC:-musl-gcc}" $CWARN -Os -I"$B/musl/include" -I. examples/embedded.c -o "$TMP/embedded-musl" \
            -L"$B/musl/lib" -static $LIBS
        run "embedded (musl) over HTTPS" 0 env WF_URL="$HTTPS_URL" WF_CA_PEM="$(cat "$CA")" WF_API_KEY=$KEY "$TMP/embedded-musl"
        has "embedded (musl): mbedTLS used the arena too and gave it all back" "0 in use after destroy, 0 refused"
    else
        skip "embedded.c with musl (no $B/musl: run make static-musl)"
    fi
fi
if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=; fi

fi # examples

# ------------------------------------------------------ 4. static binaries
want static &&
for bin in "$B/static/wf" "$B/static/wf-musl"; do
    if [ ! -f "$bin" ]; then
        case $bin in *musl) skip "$bin not built (make static-musl)" ;; *) skip "$bin not built (make static)" ;; esac
        continue
    fi
    if [ -n "$(find examples/wf.c workfront.h -newer "$bin" 2>/dev/null)" ]; then
        echo "note - $bin is older than examples/wf.c or workfront.h; testing it anyway"
    fi
    if readelf -lW "$bin" 2>/dev/null | grep -q 'INTERP\|Requesting program interpreter' ||
       readelf -dW "$bin" 2>/dev/null | grep -q NEEDED; then
        bad "$bin is not fully static"
    else
        ok "$bin is fully static"
    fi
    if readelf -SW "$bin" 2>/dev/null | grep -q '\.symtab'; then bad "$bin is not stripped"; else ok "$bin is stripped"; fi
    size=$(wc -c <"$bin" | tr -d ' ')
    case $bin in
        *musl)
            if [ "$size" -le $((400 * 1024)) ]; then ok "$bin: $size bytes (<= 400 KiB)"
            else echo "$size bytes" >"$TMP/log"; bad "$bin: $size bytes, over 400 KiB"; fi ;;
        *) ok "$bin: $size bytes" ;;
    esac
    echo "     running tests/cli/test_wf.sh with WF=$bin"
    WF=$bin sh tests/cli/test_wf.sh >"$TMP/log" 2>&1 </dev/null
    rc=$?
    summary=$(grep '^test_wf:' "$TMP/log" | tail -n 1)
    if [ "$rc" = 0 ]; then ok "CLI tests pass with $bin (${summary#test_wf: })"
    else grep -A6 '^FAIL' "$TMP/log" >"$TMP/log.fail"; mv "$TMP/log.fail" "$TMP/log"
         bad "CLI tests fail with $bin (${summary:-no summary})"; fi
done

echo "test_dist: $PASS passed, $FAIL failed, $SKIP skipped"
[ "$FAIL" -eq 0 ]
