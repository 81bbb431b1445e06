#!/bin/sh
# mk/cross/deps.sh - the Debian packages of make cross.
# As root: adds the foreign architectures i386, arm64 and s390x to dpkg (for
# Debian's multiarch mbedTLS and cmocka of the Linux targets; dpkg keeps the
# list under /var/lib/dpkg), then mk/dist/need.sh runs apt-get update and
# installs what is missing.  Otherwise it names what to install and fails.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ARCHS="i386 arm64 s390x"
if [ "$(id -u)" = 0 ] && command -v dpkg >/dev/null 2>&1; then
    for a in $ARCHS; do
        dpkg --print-foreign-architectures | grep -qx "$a" || { echo "cross: dpkg --add-architecture $a"; dpkg --add-architecture "$a"; }
    done
fi
multi=""
for a in $ARCHS; do multi="$multi libc6:$a libmbedtls-dev:$a libcmocka-dev:$a"; done
# shellcheck disable=SC2086
NEED_TAG=cross exec sh "$HERE/../dist/need.sh" \
    cmd:i686-linux-gnu-gcc=gcc-i686-linux-gnu cmd:aarch64-linux-gnu-gcc=gcc-aarch64-linux-gnu \
    cmd:s390x-linux-gnu-gcc=gcc-s390x-linux-gnu \
    file:/usr/i686-linux-gnu/include/stdio.h=libc6-dev-i386-cross \
    file:/usr/aarch64-linux-gnu/include/stdio.h=libc6-dev-arm64-cross \
    file:/usr/s390x-linux-gnu/include/stdio.h=libc6-dev-s390x-cross \
    cmd:qemu-aarch64-static=qemu-user-static cmd:qemu-system-arm=qemu-system-arm \
    cmd:arm-none-eabi-gcc=gcc-arm-none-eabi \
    'file:/usr/lib/arm-none-eabi/newlib/thumb/v7e-m/nofp/libc_nano.a=libnewlib-arm-none-eabi' \
    cmd:x86_64-w64-mingw32-gcc=mingw-w64 cmd:wine=wine file:/usr/lib/wine/wine64=wine64 \
    hdr:jsmn.h=libjsmn-dev hdr:mbedtls/ssl.h=libmbedtls-dev cmd:python3=python3 cmd:openssl=openssl \
    cmd:cmake=cmake cmd:make=make cmd:dpkg-source=dpkg-dev \
    $multi
