#!/bin/sh
# mk/hardening/mbedtls3.sh [BUILD_DIR]
# Builds mbedTLS 3.6 from Debian trixie's source package into BUILD_DIR
# (default build/mbedtls3): static libraries in BUILD_DIR/lib, headers in
# BUILD_DIR/include.  Prints nothing else on success but progress lines.
#
# Where the source comes from, in order:
#   1. MBEDTLS3_SRC=/path/to/mbedtls-3.6.x (an unpacked tree; offline builds).
#   2. BUILD_DIR/src/mbedtls-3.6*/ left by an earlier run.
#   3. `apt-get source mbedtls` from trixie through a PRIVATE APT
#      configuration under BUILD_DIR/apt: a deb-src line for trixie on the
#      same Debian mirror as the system's deb lines, its own lists and cache
#      directories.  Nothing under /etc/apt is touched, so the system never
#      sees trixie (no upgrades, and other scripts' `apt-get source mbedtls`
#      keep getting bookworm's 2.28).  Needs no root; apt checks the trixie
#      Release signature with the system's debian-archive-keyring.
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

found() {
    for d in "$B"/src/mbedtls-3.6*/; do
        [ -f "$d/library/ssl_tls.c" ] && { echo "${d%/}"; return 0; }
    done
    return 1
}

# The Debian mirror of the configured deb lines (deb822 or one-line format).
mirror() {
    m=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' \
        | grep -v -e security -e '^$' | grep '/debian/*$' | head -n 1)
    [ -n "$m" ] || m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
        | awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|ftp):/) { print $i; exit } }' \
        | grep -v security | head -n 1)
    echo "${m:-http://deb.debian.org/debian}" | sed 's,/*$,,'
}

SRC=${MBEDTLS3_SRC:-}
if [ -n "$SRC" ]; then
    [ -f "$SRC/library/ssl_tls.c" ] || die "MBEDTLS3_SRC=$SRC is not an mbedTLS source tree"
elif SRC=$(found); then
    say "using the source tree $SRC"
else
    command -v apt-get >/dev/null 2>&1 || die "apt-get is missing (or set MBEDTLS3_SRC)"
    # as root: installed with apt-get; otherwise need.sh names the packages
    NEED_TAG=mbedtls3 sh "$HERE/../dist/need.sh" cmd:dpkg-source=dpkg-dev cmd:bzip2=bzip2 cmd:xz=xz-utils \
        file:/usr/share/keyrings/debian-archive-keyring.gpg=debian-archive-keyring >&2 ||
        die "the packages above are needed to fetch trixie's mbedtls source (or set MBEDTLS3_SRC)"
    A=$B/apt
    M=$(mirror)
    mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$A/etc/preferences.d" "$B/src"
    kr=/usr/share/keyrings/debian-archive-keyring.gpg
    if [ -f "$kr" ]; then sb="[signed-by=$kr] "; else sb=""; fi
    echo "deb-src ${sb}$M trixie main" >"$A/etc/sources.list"
    set -- -o "Dir::Etc::SourceList=$A/etc/sources.list" -o "Dir::Etc::SourceParts=$A/etc/none.d" \
           -o "Dir::Etc::PreferencesParts=$A/etc/preferences.d" -o "Dir::State::Lists=$A/lists" \
           -o "Dir::Cache=$A/cache" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root" -q
    say "apt-get update (private config: deb-src $M trixie main)"
    apt-get "$@" update >"$A/update.log" 2>&1 || { cat "$A/update.log" >&2; die "apt-get update of the trixie sources failed"; }
    say "apt-get source mbedtls (trixie) into $B/src"
    (cd "$B/src" && apt-get "$@" source mbedtls >"$A/source.log" 2>&1) || { cat "$A/source.log" >&2; die "apt-get source mbedtls failed"; }
    SRC=$(found) || die "apt-get source left no mbedtls-3.6 tree in $B/src (see $A/source.log)"
fi
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
