#!/bin/sh
# mk/cross/cmocka.sh OUT - cmocka for a cross compiler without a Debian
# package of it (x86-64 mingw-w64), built from Debian's own cmocka source
# package (this release's, the version of the host's libcmocka-dev) with
# CMake, as a static library:  OUT/include/cmocka.h, OUT/lib/libcmocka.a.
#
# The source comes through a PRIVATE APT configuration under OUT/apt (a
# deb-src line for this release on the system's Debian mirror, its own lists
# and cache): nothing under /etc/apt changes.  CMOCKA_SRC=/path/to/cmocka-1.1.x
# uses an unpacked tree instead (offline builds).
# Environment: CC (the cross compiler, default x86_64-w64-mingw32-gcc),
# CMAKE_SYSTEM (default Windows).  Rebuilds only when CC or the source change.
set -eu
OUT=${1:?usage: cmocka.sh OUT}
CC=${CC:-x86_64-w64-mingw32-gcc}
SYSTEM=${CMAKE_SYSTEM:-Windows}
say() { echo "cmocka: $*" >&2; }
die() { say "$*"; exit 1; }
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

found() { for d in "$OUT"/src/cmocka-*/; do [ -f "$d/src/cmocka.c" ] && { echo "${d%/}"; return 0; }; done; return 1; }
if [ -n "${CMOCKA_SRC:-}" ]; then
    [ -f "$CMOCKA_SRC/src/cmocka.c" ] || die "CMOCKA_SRC=$CMOCKA_SRC is not a cmocka source tree"
    SRC=$CMOCKA_SRC
elif ! SRC=$(found); then
    . /etc/os-release
    M=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' \
        | grep -v -e security -e '^$' | grep '/debian/*$' | head -n 1)
    [ -n "$M" ] || M=$(cat /etc/apt/sources.list 2>/dev/null | awk '$1 == "deb" { print $2; exit }')
    M=${M:-http://deb.debian.org/debian}
    A=$OUT/apt
    mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$A/etc/preferences.d" "$OUT/src"
    kr=/usr/share/keyrings/debian-archive-keyring.gpg
    sb=""; [ -f "$kr" ] && sb="[signed-by=$kr] "
    echo "deb-src $sb$M ${VERSION_CODENAME:-bookworm} main" >"$A/etc/sources.list"
    set -- -o "Dir::Etc::SourceList=$A/etc/sources.list" -o "Dir::Etc::SourceParts=$A/etc/none.d" \
           -o "Dir::Etc::PreferencesParts=$A/etc/preferences.d" -o "Dir::State::Lists=$A/lists" \
           -o "Dir::Cache=$A/cache" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root" -q
    say "apt-get source cmocka (${VERSION_CODENAME:-bookworm}, private APT configuration in $A)"
    apt-get "$@" update >"$A/update.log" 2>&1 || { cat "$A/update.log" >&2; die "apt-get update of the source lists failed"; }
    (cd "$OUT/src" && apt-get "$@" source cmocka >"$A/source.log" 2>&1) || { cat "$A/source.log" >&2; die "apt-get source cmocka failed"; }
    SRC=$(found) || die "apt-get source left no cmocka tree in $OUT/src"
fi

stamp=$(echo "$CC|$SYSTEM|$SRC" | cksum | cut -d' ' -f1)
if [ -f "$OUT/.stamp" ] && [ "$(cat "$OUT/.stamp")" = "$stamp" ] && [ -f "$OUT/lib/libcmocka.a" ]; then
    say "up to date in $OUT"; exit 0
fi
say "building $(basename "$SRC") with $CC"
rm -rf "$OUT/cmake" "$OUT/include" "$OUT/lib"
cmake -S "$SRC" -B "$OUT/cmake" -DCMAKE_SYSTEM_NAME="$SYSTEM" -DCMAKE_C_COMPILER="$CC" \
      -DCMAKE_BUILD_TYPE=Release -DWITH_STATIC_LIB=ON -DBUILD_SHARED_LIBS=OFF -DWITH_EXAMPLES=OFF -DUNIT_TESTING=OFF \
      -DCMAKE_INSTALL_PREFIX="$OUT" >"$OUT/build.log" 2>&1 || { tail -n 30 "$OUT/build.log" >&2; die "cmake configure failed"; }
cmake --build "$OUT/cmake" -j "${JOBS:-2}" >>"$OUT/build.log" 2>&1 || { tail -n 30 "$OUT/build.log" >&2; die "build failed"; }
mkdir -p "$OUT/include" "$OUT/lib"
cp "$SRC/include/cmocka.h" "$OUT/include/"
lib=$(find "$OUT/cmake" -name libcmocka-static.a | head -n 1)
[ -n "$lib" ] || die "no static cmocka library after the build (log: $OUT/build.log)"
cp "$lib" "$OUT/lib/libcmocka.a"
echo "$stamp" >"$OUT/.stamp"
say "done: $OUT/lib/libcmocka.a"
