#!/bin/sh
# mk/dist/musl-mbedtls.sh OUT CONFIG
# Builds mbedTLS for musl (musl-gcc) from Debian's mbedtls source package with
# the trimmed configuration CONFIG, into OUT (make static-musl uses build/musl):
#   OUT/src/mbedtls-<ver>/   the source package (mk/dist/mbedtls-source.sh)
#   OUT/include/mbedtls/     headers; config.h is CONFIG, so everything built
#   OUT/include/psa/         against OUT/include sees the same configuration
#   OUT/include/jsmn.h       a copy of /usr/include/jsmn.h (musl-gcc does not
#                            search /usr/include, and must not: glibc lives there)
#   OUT/lib/libmbed{tls,x509,crypto}.a
# Installs musl-tools, libjsmn-dev and dpkg-dev with apt-get when root and
# missing; otherwise says what to install.  Rebuilds only when CONFIG, the
# flags or the source change.
set -eu
OUT=${1:?usage: musl-mbedtls.sh OUT CONFIG}
CONFIG=${2:?usage: musl-mbedtls.sh OUT CONFIG}
MUSL_CC=${MUSL_CC:-musl-gcc}
MBEDTLS_CFLAGS=${MBEDTLS_CFLAGS:--Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables}
say() { echo "musl-mbedtls: $*" >&2; }
die() { say "$*"; exit 1; }
HERE=$(cd "$(dirname "$0")" && pwd)

# as root the missing packages are installed (need.sh), otherwise named
NEED_TAG=musl-mbedtls sh "$HERE/need.sh" "cmd:$MUSL_CC=musl-tools" file:/usr/include/jsmn.h=libjsmn-dev \
    cmd:dpkg-source=dpkg-dev cmd:make=make >&2 || die "the packages above are needed for the musl build"

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
CONFIG=$(cd "$(dirname "$CONFIG")" && pwd)/$(basename "$CONFIG")
SRC=$(sh "$HERE/mbedtls-source.sh" "$OUT/src")
[ -f "$SRC/include/mbedtls/version.h" ] || die "no mbedTLS source in $SRC"
VER=$(sed -n 's/^#define MBEDTLS_VERSION_STRING *"\(.*\)"/\1/p' "$SRC/include/mbedtls/version.h")
case $VER in
    2.*) ;;
    *) die "mbedTLS $VER in $SRC: $CONFIG is written for the 2.28 series (Debian bookworm)";;
esac

stamp=$(cat "$CONFIG" "$SRC/include/mbedtls/version.h" | cksum | cut -d' ' -f1)-$(echo "$MUSL_CC $MBEDTLS_CFLAGS" | cksum | cut -d' ' -f1)
if [ -f "$OUT/.stamp" ] && [ "$(cat "$OUT/.stamp")" = "$stamp" ] &&
   [ -f "$OUT/lib/libmbedtls.a" ] && [ -f "$OUT/include/jsmn.h" ]; then
    say "mbedTLS $VER for musl is up to date in $OUT"
    exit 0
fi

say "building mbedTLS $VER with $MUSL_CC and $(basename "$CONFIG")"
make -s -C "$SRC/library" clean >/dev/null 2>&1 || true
# The compile line is $(CC) $(LOCAL_CFLAGS) $(CFLAGS): -I../include comes
# first, so the configuration goes in by MBEDTLS_CONFIG_FILE.
make -s -C "$SRC/library" CC="$MUSL_CC" AR=ar \
    CFLAGS="$MBEDTLS_CFLAGS -DMBEDTLS_CONFIG_FILE='\"$CONFIG\"'" \
    static >"$OUT/build.log" 2>&1 || { tail -n 30 "$OUT/build.log" >&2; die "the mbedTLS build failed (log: $OUT/build.log)"; }

rm -rf "${OUT:?}/include" "${OUT:?}/lib"
mkdir -p "$OUT/include" "$OUT/lib"
cp -R "$SRC/include/mbedtls" "$SRC/include/psa" "$OUT/include/"
cp "$CONFIG" "$OUT/include/mbedtls/config.h"
cp /usr/include/jsmn.h "$OUT/include/jsmn.h"
cp "$SRC/library/libmbedtls.a" "$SRC/library/libmbedx509.a" "$SRC/library/libmbedcrypto.a" "$OUT/lib/"
make -s -C "$SRC/library" clean >/dev/null 2>&1 || true
echo "$stamp" >"$OUT/.stamp"
say "done: $OUT/lib ($(du -ck "$OUT"/lib/*.a | tail -n 1 | cut -f1) KB of archives)"
