#!/bin/sh
# mk/hardening/mbedtls3.sh [BUILD_DIR]
# Builds mbedTLS 3.6 from Debian trixie's source package into BUILD_DIR
# (default build/mbedtls3): static libraries in BUILD_DIR/lib, headers in
# BUILD_DIR/include.  Prints nothing else on success but progress lines.
#
# This is the full default configuration, for testing the header against
# 3.6 as distributions ship it; the static and cross builds use the trimmed
# mk/mbedtls36-config.h instead (mk/dist/mbedtls36-build.sh).  The source is
# BUILD_DIR/src/mbedtls-3.6*, shared with those builds: MBEDTLS3_SRC, an
# earlier fetch, or Debian trixie's source package through a private APT
# configuration, nothing under /etc/apt changed (mk/dist/mbedtls36-source.sh).
# Needs: apt-get, dpkg-source (dpkg-dev), cmake, make, a C compiler; as root
# the missing ones are installed (mk/dist/need.sh), otherwise named.
# MBEDTLS3_JOBS: parallel compile jobs (default 2).
set -eu
B=${1:-build/mbedtls3}
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
say() { echo "mbedtls3: $*" >&2; }
die() { say "$*"; exit 1; }

if [ -f "$B/lib/libmbedtls.a" ] && [ -f "$B/include/mbedtls/build_info.h" ]; then
    say "already built in $B ($(sed -n 's/^#define MBEDTLS_VERSION_STRING  *"\(.*\)"/\1/p' "$B/include/mbedtls/build_info.h"))"
    exit 0
fi

# The source tree: MBEDTLS3_SRC, an earlier fetch, or trixie's source package
# through a private APT configuration (mk/dist/mbedtls36-source.sh).
SRC=$(sh "$HERE/../dist/mbedtls36-source.sh" "$B/src") || die "no mbedTLS 3.6 source"
say "source: $SRC"

NEED_TAG=mbedtls3 sh "$HERE/../dist/need.sh" cmd:cmake=cmake cmd:make=make cmd:cc=gcc >&2 || die "cmake, make and a C compiler are needed"
rm -rf "$B/cmake"
say "cmake build (static libraries, no tests, no programs)"
cmake -S "$SRC" -B "$B/cmake" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$B" \
      -DENABLE_TESTING=OFF -DENABLE_PROGRAMS=OFF -DGEN_FILES=OFF -DUSE_STATIC_MBEDTLS_LIBRARY=ON \
      -DUSE_SHARED_MBEDTLS_LIBRARY=OFF -DMBEDTLS_FATAL_WARNINGS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
      >"$B/cmake.log" 2>&1 || { tail -30 "$B/cmake.log" >&2; die "cmake configure failed"; }
cmake --build "$B/cmake" -j "${MBEDTLS3_JOBS:-2}" >>"$B/cmake.log" 2>&1 || { tail -30 "$B/cmake.log" >&2; die "build failed"; }
cmake --install "$B/cmake" >>"$B/cmake.log" 2>&1 || { tail -30 "$B/cmake.log" >&2; die "install failed"; }
[ -f "$B/lib/libmbedtls.a" ] || die "no $B/lib/libmbedtls.a after the build"
say "built $(sed -n 's/^#define MBEDTLS_VERSION_STRING  *"\(.*\)"/\1/p' "$B/include/mbedtls/build_info.h") in $B"
