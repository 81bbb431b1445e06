#!/bin/sh
# mk/dist/mbedtls36-source.sh DIR
# Puts the mbedTLS 3.6 LTS source of Debian trixie's mbedtls source package,
# unpacked with Debian's patches, under DIR (make uses build/mbedtls3/src,
# shared by every 3.6 build: make test-mbedtls3, make static, make
# static-musl, the cross builds) and prints that tree's path.
#
# Where the source comes from, in order:
#   1. MBEDTLS3_SRC=/path/to/mbedtls-3.6.x (an unpacked tree; offline builds).
#   2. DIR/mbedtls-3.6*/ left by an earlier run.
#   3. `apt-get source mbedtls` from trixie through a PRIVATE APT
#      configuration under DIR/../apt: a deb-src line for trixie on the same
#      Debian mirror as the system's deb lines, its own lists and cache
#      directories.  Nothing under /etc/apt is touched, so the system never
#      sees trixie (no upgrades, and `apt-get source mbedtls` elsewhere keeps
#      getting bookworm's 2.28).  Needs no root; apt checks the trixie Release
#      signature with the system's debian-archive-keyring.
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
found() {
    for d in "$DIR"/mbedtls-3.6*/; do
        [ -f "$d/library/ssl_tls13_client.c" ] && { echo "${d%/}"; return 0; }
    done
    return 1
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
echo "deb-src ${sb}$M trixie main" >"$A/etc/sources.list"
set -- -o "Dir::Etc::SourceList=$A/etc/sources.list" -o "Dir::Etc::SourceParts=$A/etc/none.d" \
       -o "Dir::Etc::PreferencesParts=$A/etc/preferences.d" -o "Dir::State::Lists=$A/lists" \
       -o "Dir::Cache=$A/cache" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root" -q
say "apt-get update (private config: deb-src $M trixie main)"
apt-get "$@" update >"$A/update.log" 2>&1 || { cat "$A/update.log" >&2; die "apt-get update of the trixie sources failed"; }
say "apt-get source mbedtls (trixie) into $DIR"
(cd "$DIR" && apt-get "$@" source mbedtls >"$A/source.log" 2>&1) || { cat "$A/source.log" >&2; die "apt-get source mbedtls failed"; }
found || die "apt-get source left no mbedtls-3.6 tree in $DIR (see $A/source.log)"
