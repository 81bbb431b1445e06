#!/bin/sh
# mk/dist/mbedtls36-build.sh OUT CONFIG
# Builds mbedTLS 3.6 LTS (Debian trixie's source package, fetched once into
# build/mbedtls3/src by mk/dist/mbedtls36-source.sh and shared by every 3.6
# build) with the configuration file CONFIG for any C compiler, into OUT:
#   OUT/include/mbedtls/, OUT/include/psa/   the headers; mbedtls_config.h is
#                         CONFIG, so a program compiled with -IOUT/include
#                         sees the configuration the library was built with
#   OUT/lib/libmbed{tls,x509,crypto}.a
#   OUT/obj/              objects (out of tree: the shared source stays clean,
#                         so several targets can build from it side by side)
#   OUT/build.log
# It is meant for every target, not only the host (make static and make
# static-musl use it; so can the mingw and Cortex-M builds).  Parameters, all
# from the environment:
#   CC           the compiler (default cc), e.g. musl-gcc,
#                x86_64-w64-mingw32-gcc, arm-none-eabi-gcc
#   AR           its archiver (default ar; e.g. arm-none-eabi-ar)
#   CFLAGS       extra compiler flags: optimisation, -mcpu=..., -ffunction-
#                sections ... (default -Os -ffunction-sections -fdata-sections)
#   USER_CONFIG  optional header read after CONFIG (MBEDTLS_USER_CONFIG_FILE):
#                a target's own changes, e.g. #undef MBEDTLS_FS_IO; it is
#                installed as include/mbedtls/wf_user_config.h and named in
#                OUT/cflags (programs must pass the same -D)
#   SRC_DIR      where the source tree is kept (default build/mbedtls3/src
#                beside this checkout); MBEDTLS3_SRC=/path/to/mbedtls-3.6.x
#                uses an unpacked tree instead (offline builds)
#   JOBS         parallel compiles (default 2); run it under nice on a shared
#                machine
# OUT/cflags holds the flags a program needs besides -IOUT/include (empty
# unless USER_CONFIG is set).  Rebuilds only when CONFIG, USER_CONFIG, CC,
# CFLAGS or the source change.  Needs a C compiler, an archiver, and for the
# first fetch apt-get and dpkg-source (see mbedtls36-source.sh).
set -eu
OUT=${1:?usage: mbedtls36-build.sh OUT CONFIG}
CONFIG=${2:?usage: mbedtls36-build.sh OUT CONFIG}
CC=${CC:-cc}
AR=${AR:-ar}
CFLAGS=${CFLAGS:--Os -ffunction-sections -fdata-sections}
USER_CONFIG=${USER_CONFIG:-}
JOBS=${JOBS:-2}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SRC_DIR=${SRC_DIR:-$ROOT/build/mbedtls3/src}
say() { echo "mbedtls36-build: $*" >&2; }
die() { say "$*"; exit 1; }

[ -f "$CONFIG" ] || die "no configuration file $CONFIG"
CONFIG=$(cd "$(dirname "$CONFIG")" && pwd)/$(basename "$CONFIG")
if [ -n "$USER_CONFIG" ]; then
    [ -f "$USER_CONFIG" ] || die "no user configuration file $USER_CONFIG"
    USER_CONFIG=$(cd "$(dirname "$USER_CONFIG")" && pwd)/$(basename "$USER_CONFIG")
fi
command -v "${CC%% *}" >/dev/null 2>&1 || die "compiler $CC not found"
command -v "$AR" >/dev/null 2>&1 || die "archiver $AR not found"
SRC=$(sh "$HERE/mbedtls36-source.sh" "$SRC_DIR")
VER=$(sed -n 's/^#define MBEDTLS_VERSION_STRING *"\(.*\)"/\1/p' "$SRC/include/mbedtls/build_info.h")
case $VER in
    3.6.*) ;;
    *) die "mbedTLS $VER in $SRC: $(basename "$CONFIG") is written for the 3.6 LTS series";;
esac

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
ucf=""
[ -n "$USER_CONFIG" ] && ucf="-DMBEDTLS_USER_CONFIG_FILE=\"mbedtls/wf_user_config.h\""
stamp=$( { cat "$CONFIG" "$SRC/include/mbedtls/build_info.h"; [ -z "$USER_CONFIG" ] || cat "$USER_CONFIG"; \
           echo "$CC|$AR|$CFLAGS"; } | cksum | cut -d' ' -f1)
if [ -f "$OUT/.stamp" ] && [ "$(cat "$OUT/.stamp")" = "$stamp" ] && [ -f "$OUT/lib/libmbedtls.a" ]; then
    say "mbedTLS $VER ($CC, $(basename "$CONFIG")) is up to date in $OUT"
    exit 0
fi

say "building mbedTLS $VER with $CC and $(basename "$CONFIG") into $OUT"
rm -rf "${OUT:?}/include" "${OUT:?}/lib" "${OUT:?}/obj" "$OUT/.stamp"
mkdir -p "$OUT/include" "$OUT/lib" "$OUT/obj"
# The installed headers carry the configuration; the library is compiled
# against them, so library and programs cannot disagree.
cp -R "$SRC/include/mbedtls" "$SRC/include/psa" "$OUT/include/"
cp "$CONFIG" "$OUT/include/mbedtls/mbedtls_config.h"
[ -n "$USER_CONFIG" ] && cp "$USER_CONFIG" "$OUT/include/mbedtls/wf_user_config.h"
printf '%s\n' "$ucf" >"$OUT/cflags"

# One compile per library source file, JOBS at a time.  library/ first: its
# private headers (common.h ...) are included with quotes.
: >"$OUT/build.log"
export CC CFLAGS OUT SRC ucf
ls "$SRC"/library/*.c | xargs -n 1 -P "$JOBS" sh -c '
    o="$OUT/obj/$(basename "$1" .c).o"
    # shellcheck disable=SC2086
    $CC $CFLAGS $ucf -I"$SRC/library" -I"$OUT/include" -c "$1" -o "$o" >"$o.log" 2>&1 || { cat "$o.log"; exit 255; }
' sh >>"$OUT/build.log" 2>&1 || { tail -n 30 "$OUT/build.log" >&2; die "the mbedTLS build failed (log: $OUT/build.log)"; }
cat "$OUT"/obj/*.o.log >>"$OUT/build.log" 2>/dev/null || true
rm -f "$OUT"/obj/*.o.log

# The three archives split as upstream's library/Makefile splits them.
cd "$OUT/obj"
x509="" tls="" crypto=""
for o in *.o; do
    case $o in
        x509*.o|pkcs7.o) x509="$x509 $o" ;;
        ssl_*.o|debug.o|mps_*.o|net_sockets.o) tls="$tls $o" ;;
        *) crypto="$crypto $o" ;;
    esac
done
# shellcheck disable=SC2086
{ "$AR" rcs "$OUT/lib/libmbedcrypto.a" $crypto && "$AR" rcs "$OUT/lib/libmbedx509.a" $x509 &&
  "$AR" rcs "$OUT/lib/libmbedtls.a" $tls; } >>"$OUT/build.log" 2>&1 || die "$AR failed (log: $OUT/build.log)"
echo "$stamp" >"$OUT/.stamp"
say "done: mbedTLS $VER in $OUT/lib ($(du -ck "$OUT"/lib/*.a | tail -n 1 | cut -f1) KB of archives)"
