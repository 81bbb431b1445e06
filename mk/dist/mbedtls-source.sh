#!/bin/sh
# mk/dist/mbedtls-source.sh DIR
# Puts Debian's mbedtls source package, unpacked with Debian's patches, under
# DIR (e.g. build/musl/src/mbedtls-2.28.3) and prints that directory.
#
#  1. `apt-get source mbedtls` when the APT sources have deb-src entries.
#  2. As root without deb-src: adds /etc/apt/sources.list.d/wf-deb-src.sources
#     (deb-src for this release, same mirror as the configured deb lines),
#     runs apt-get update, then 1.
#  3. Otherwise (not root): downloads the .dsc and its files from the
#     configured Debian mirror, checks them against the .dsc's SHA-256 list
#     and unpacks them with dpkg-source (dpkg-dev).
# MBEDTLS_SRC=/path/to/mbedtls-2.28.x skips all of this (offline builds);
# MBEDTLS_FETCH=download goes straight to 3. (leaves APT's sources alone).
set -eu
DIR=${1:?usage: mbedtls-source.sh DIR}
say() { echo "mbedtls-source: $*" >&2; }
die() { say "$*"; exit 1; }

found() { for d in "$DIR"/mbedtls-*/; do [ -f "$d/library/ssl_tls.c" ] && { echo "${d%/}"; return 0; }; done; return 1; }

if [ -n "${MBEDTLS_SRC:-}" ]; then
    [ -f "$MBEDTLS_SRC/library/ssl_tls.c" ] || die "MBEDTLS_SRC=$MBEDTLS_SRC is not an mbedTLS source tree"
    echo "$MBEDTLS_SRC"; exit 0
fi
mkdir -p "$DIR"
found && exit 0

command -v dpkg-source >/dev/null 2>&1 || {
    if [ "$(id -u)" = 0 ]; then
        say "installing dpkg-dev (for dpkg-source)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dpkg-dev >/dev/null || die "apt-get install dpkg-dev failed"
    else
        die "dpkg-source is missing: sudo apt-get install dpkg-dev"
    fi
}

# shellcheck disable=SC1091
. /etc/os-release
CODENAME=${VERSION_CODENAME:-bookworm}

# The Debian mirror of the configured deb lines (deb822 or one-line format).
mirror() {
    m=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' \
        | grep -v -e security -e '^$' | grep '/debian/*$' | head -n 1)
    [ -n "$m" ] || m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
        | awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|ftp):/) { print $i; exit } }' \
        | grep -v security | head -n 1)
    echo "${m:-http://deb.debian.org/debian}" | sed 's,/*$,,'
}

has_deb_src() { [ "${MBEDTLS_FETCH:-}" != download ] && apt-get source --print-uris mbedtls >/dev/null 2>&1; }

if [ "${MBEDTLS_FETCH:-}" != download ] && ! has_deb_src && [ "$(id -u)" = 0 ]; then
    f=/etc/apt/sources.list.d/wf-deb-src.sources
    M=$(mirror)
    say "no deb-src entries in APT's sources; adding $f ($M $CODENAME)"
    kr=/usr/share/keyrings/debian-archive-keyring.gpg
    {
        echo "# added by workfront.h's mk/dist/mbedtls-source.sh for \`apt-get source mbedtls\`"
        echo "Types: deb-src"
        echo "URIs: $M"
        echo "Suites: $CODENAME $CODENAME-updates"
        echo "Components: main"
        [ -f "$kr" ] && echo "Signed-By: $kr"
    } >"$f"
    apt-get update -qq >/dev/null || die "apt-get update failed"
fi

if has_deb_src; then
    say "apt-get source mbedtls (into $DIR)"
    # as root, apt's download sandbox user (_apt) cannot write to DIR
    sandbox=""
    [ "$(id -u)" = 0 ] && sandbox="-o APT::Sandbox::User=root"
    # shellcheck disable=SC2086
    (cd "$DIR" && apt-get source -qq $sandbox mbedtls >/dev/null) || die "apt-get source mbedtls failed"
    found && exit 0
    die "apt-get source mbedtls left no source tree in $DIR"
fi

# Not root and no deb-src: fetch the source package straight from the mirror.
M=$(mirror)
VER=$(dpkg-query -W -f='${source:Version}' libmbedtls-dev 2>/dev/null || true)
[ -n "$VER" ] || VER=$(apt-cache policy libmbedtls-dev 2>/dev/null | awk '/Candidate:/ {print $2}')
{ [ -n "$VER" ] && [ "$VER" != "(none)" ]; } || die "cannot tell which mbedtls version to fetch (install libmbedtls-dev, or add deb-src lines, or set MBEDTLS_SRC)"
VER=${VER#*:}
fetch() { # URL FILE
    if command -v curl >/dev/null 2>&1; then curl -fsSL -o "$2" "$1"
    elif command -v wget >/dev/null 2>&1; then wget -q -O "$2" "$1"
    else die "neither curl nor wget: sudo apt-get install curl"; fi
}
dsc=mbedtls_$VER.dsc
say "fetching $M/pool/main/m/mbedtls/$dsc"
fetch "$M/pool/main/m/mbedtls/$dsc" "$DIR/$dsc" || die "download of $dsc failed; as root, make static-musl adds deb-src lines itself"
# Checksums-Sha256 lines: " <sha256> <size> <file>"
awk '/^Checksums-Sha256:/ {on = 1; next} /^[^ ]/ {on = 0} on && NF == 3 {print $1 "  " $3}' "$DIR/$dsc" >"$DIR/SHA256SUMS"
[ -s "$DIR/SHA256SUMS" ] || die "$dsc lists no files"
while read -r _ file; do
    fetch "$M/pool/main/m/mbedtls/$file" "$DIR/$file" || die "download of $file failed"
done <"$DIR/SHA256SUMS"
(cd "$DIR" && sha256sum -c --quiet SHA256SUMS) || die "checksum mismatch in the downloaded source package"
(cd "$DIR" && dpkg-source -q -x "$dsc" >/dev/null 2>&1) || die "dpkg-source -x $dsc failed"
found && exit 0
die "no source tree after unpacking $dsc"
