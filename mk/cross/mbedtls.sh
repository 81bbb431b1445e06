#!/bin/sh
# mk/cross/mbedtls.sh TARGET OUT - mbedTLS 3.6 for a cross target, trimmed by
# mk/mbedtls36-config.h, built by mk/dist/mbedtls36-build.sh (the same
# script and source tree as make static) into OUT, cached there.
#   cortex-m4  arm-none-eabi-gcc, -Os, newlib-nano; plus
#              mk/cross/mbedtls-cortex-m4.h (no files, no calendar clock,
#              no platform entropy: the application's hooks)
#   mingw64    x86_64-w64-mingw32-gcc (Windows x86-64)
# Runs niced: it is the longest part of make cross on a cold build/.
set -eu
TARGET=${1:?usage: mbedtls.sh TARGET OUT}
OUT=${2:?usage: mbedtls.sh TARGET OUT}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=$ROOT/mk/dist/mbedtls36-build.sh
CONFIG=$ROOT/mk/mbedtls36-config.h
[ -f "$BUILD" ] && [ -f "$CONFIG" ] || { echo "cross: $BUILD or $CONFIG is missing" >&2; exit 1; }
case $TARGET in
    cortex-m4)
        CC=arm-none-eabi-gcc AR=arm-none-eabi-ar \
        CFLAGS="-Os -ffunction-sections -fdata-sections -mcpu=cortex-m4 -mthumb -mfloat-abi=soft --specs=nano.specs" \
        USER_CONFIG=$HERE/mbedtls-cortex-m4.h
        ;;
    mingw64)
        CC=x86_64-w64-mingw32-gcc AR=x86_64-w64-mingw32-ar CFLAGS="-O2 -ffunction-sections -fdata-sections" USER_CONFIG=
        ;;
    *) echo "cross: unknown mbedTLS target $TARGET" >&2; exit 2 ;;
esac
export CC AR CFLAGS USER_CONFIG
exec nice sh "$BUILD" "$OUT" "$CONFIG"
