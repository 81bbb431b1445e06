#!/bin/sh
# mk/dist/musl-mbedtls.sh OUT CONFIG
# mbedTLS 3.6 LTS for musl (musl-gcc), with the trimmed configuration CONFIG
# (mk/mbedtls36-config.h), into OUT (make static-musl uses build/musl):
#   OUT/include/mbedtls/, OUT/include/psa/   headers + the configuration
#   OUT/include/jsmn.h   a copy of /usr/include/jsmn.h (musl-gcc does not
#                        search /usr/include, and must not: glibc lives there)
#   OUT/lib/libmbed{tls,x509,crypto}.a
# The build itself is mk/dist/mbedtls36-build.sh (CC=$MUSL_CC, CFLAGS=
# $MBEDTLS_CFLAGS); the source is Debian trixie's mbedtls 3.6, fetched once
# into build/mbedtls3/src.  Installs musl-tools and libjsmn-dev with apt-get
# when root and missing; otherwise says what to install.  Rebuilds only when
# CONFIG, the flags or the source change.
set -eu
OUT=${1:?usage: musl-mbedtls.sh OUT CONFIG}
CONFIG=${2:?usage: musl-mbedtls.sh OUT CONFIG}
MUSL_CC=${MUSL_CC:-musl-gcc}
MBEDTLS_CFLAGS=${MBEDTLS_CFLAGS:--Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables}
HERE=$(cd "$(dirname "$0")" && pwd)

# as root the missing packages are installed (need.sh), otherwise named
NEED_TAG=musl-mbedtls sh "$HERE/need.sh" "cmd:$MUSL_CC=musl-tools" file:/usr/include/jsmn.h=libjsmn-dev \
    cmd:make=make >&2 || { echo "musl-mbedtls: the packages above are needed for the musl build" >&2; exit 1; }

CC=$MUSL_CC AR=ar CFLAGS=$MBEDTLS_CFLAGS sh "$HERE/mbedtls36-build.sh" "$OUT" "$CONFIG"
cmp -s /usr/include/jsmn.h "$OUT/include/jsmn.h" 2>/dev/null || cp /usr/include/jsmn.h "$OUT/include/jsmn.h"
