#!/bin/sh
# mk/dist/mbedtls36-source.sh DIR
# Puts the mbedTLS 3.6 LTS source of Debian's newest source package that
# carries 3.6 (unpacked with Debian's patches) under DIR and prints that
# tree's path.  make uses build/mbedtls3/src, shared by every 3.6 build:
# make test-mbedtls3, make static, make static-musl, the cross builds.
#
# Where the source comes from, in order:
#   1. MBEDTLS3_SRC=/path/to/mbedtls-3.6.x (an unpacked tree; offline builds).
#   2. DIR/mbedtls-3.6.N/ left by an earlier run, N >= 7.
#   3. `apt-get source mbedtls=VERSION` through a PRIVATE APT configuration
#      under DIR/../apt: deb-src lines for trixie and sid on the same Debian
#      mirror as the system's deb lines, its own lists and cache directories;
#      VERSION is the newest 3.6.x either suite has (sid's 3.6.7 when this
#      was written; trixie has 3.6.6).  Nothing under /etc/apt is touched, so
#      the system never sees trixie or sid (no upgrades, and `apt-get source
#      mbedtls` elsewhere keeps getting bookworm's 2.28).  Needs no root; apt
#      checks the Release signatures with the system's debian-archive-keyring.
# Why at least 3.6.7: 3.6.6's TLS 1.2 client rejects a ServerKeyExchange
# signed with RSA-PSS whenever TLS 1.3 is enabled too (-0x6600 against an
# OpenSSL server that speaks TLS 1.2 only, with an RSA key; fixed in 3.6.7),
# and 3.6.7 fixes 16 CVEs, several in code the client uses (session reset,
# TLS 1.3 resumption, ChaCha20, HelloRetryRequest, X.509 basicConstraints).
# Needs apt-get and dpkg-source (dpkg-dev); as root the missing packages are
# installed (mk/dist/need.sh), otherwise named.
set -eu
DIR=${1:?usage: mbedtls36-source.sh DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
say() { echo "mbedtls36-source: $*" >&2; }
die() { say "$*"; exit 1; }

if [ -n "${MBEDTLS3_SRC:-}" ]; then
    [ -f "$MBEDTLS3_SRC/library/ssl_tls13_client.c" ] || die "MBEDTLS3_SRC=$MBEDTLS3_SRC is not an mbedTLS 3.x source tree"
    echo "$MBEDTLS3_SRC"; exit 0
fi
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
MIN=3.6.7
# the newest unpacked tree of at least MIN
found() {
    best=""
    for d in "$DIR"/mbedtls-3.6.*/; do
        [ -f "$d/library/ssl_tls13_client.c" ] || continue
        v=${d%/}; v=${v##*/mbedtls-}
        dpkg --compare-versions "$v" ge "$MIN" || continue
        if [ -z "$best" ] || dpkg --compare-versions "$v" gt "${best##*/mbedtls-}"; then best=${d%/}; fi
    done
    [ -n "$best" ] && echo "$best"
}
found && exit 0

# The Debian mirror of the configured deb lines (deb822 or one-line format).
mirror() {
    m=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' \
        | grep -v -e security -e '^$' | grep '/debian/*$' | head -n 1)
    [ -n "$m" ] || m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
        | awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|ftp):/) { print $i; exit } }' \
        | grep -v security | head -n 1)
    echo "${m:-http://deb.debian.org/debian}" | sed 's,/*$,,'
}

command -v apt-get >/dev/null 2>&1 || die "apt-get is missing (or set MBEDTLS3_SRC)"
NEED_TAG=mbedtls3 sh "$HERE/need.sh" cmd:dpkg-source=dpkg-dev cmd:bzip2=bzip2 cmd:xz=xz-utils \
    file:/usr/share/keyrings/debian-archive-keyring.gpg=debian-archive-keyring >&2 ||
    die "the packages above are needed to fetch trixie's mbedtls source (or set MBEDTLS3_SRC)"
A=$(dirname "$DIR")/apt
M=$(mirror)
mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$A/etc/preferences.d"
kr=/usr/share/keyrings/debian-archive-keyring.gpg
if [ -f "$kr" ]; then sb="[signed-by=$kr] "; else sb=""; fi
printf 'deb-src %s%s %s main\n' "$sb" "$M" trixie "$sb" "$M" sid >"$A/etc/sources.list"
set -- -o "Dir::Etc::SourceList=$A/etc/sources.list" -o "Dir::Etc::SourceParts=$A/etc/none.d" \
       -o "Dir::Etc::PreferencesParts=$A/etc/preferences.d" -o "Dir::State::Lists=$A/lists" \
       -o "Dir::Cache=$A/cache" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root" \
       -o "Acquire::PDiffs=false" -q
# whole index files, fetched afresh: a run cut short must not leave a diff
# index that makes the next update skip the real Sources file
rm -rf "$A/lists"
mkdir -p "$A/lists/partial"
say "apt-get update (private config: deb-src $M trixie sid main)"
apt-get "$@" update >"$A/update.log" 2>&1 || { cat "$A/update.log" >&2; die "apt-get update of the trixie/sid sources failed"; }
VER=""
for v in $(apt-cache "$@" showsrc mbedtls 2>/dev/null | awk '/^Version:/ {print $2}'); do
    u=${v#*:}
    case $u in 3.6.*) ;; *) continue ;; esac
    if [ -z "$VER" ] || dpkg --compare-versions "$v" gt "$VER"; then VER=$v; fi
done
[ -n "$VER" ] || die "neither trixie nor sid has an mbedtls 3.6 source package (see $A/update.log)"
u=${VER#*:}
dpkg --compare-versions "${u%%-*}" ge "$MIN" || die "the newest mbedtls 3.6 source is $VER; at least $MIN is needed"
say "apt-get source mbedtls=$VER into $DIR"
(cd "$DIR" && apt-get "$@" source "mbedtls=$VER" >"$A/source.log" 2>&1) || { cat "$A/source.log" >&2; die "apt-get source mbedtls=$VER failed"; }
found || die "apt-get source left no mbedtls-3.6 tree in $DIR (see $A/source.log)"
