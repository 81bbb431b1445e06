#!/bin/sh
# Installs what `make demo` / `make test` need on Debian, once.
# As root: apt-get update (once per run) and apt-get install what is missing.
# Otherwise: prints the packages to install and fails.
# Usage: mk/deps.sh [extra-debian-packages...]
set -u
need=""
have_hdr() { [ -f "/usr/include/$1" ] || [ -f "/usr/local/include/$1" ]; }
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_hdr mbedtls/ssl.h || need="$need libmbedtls-dev"
have_hdr jsmn.h        || need="$need libjsmn-dev"
have_hdr cmocka.h      || need="$need libcmocka-dev"
have_cmd python3       || need="$need python3"
have_cmd openssl       || need="$need openssl"
have_cmd cc            || need="$need gcc"
have_cmd c++           || need="$need g++"
have_cmd pkg-config    || need="$need pkg-config"
[ -f /etc/ssl/certs/ca-certificates.crt ] || need="$need ca-certificates"
for p in "$@"; do
  case "$p" in
    cmd:*) c=${p#cmd:}; c_cmd=${c%%=*}; c_pkg=${c#*=}; have_cmd "$c_cmd" || need="$need $c_pkg" ;;
    hdr:*) c=${p#hdr:}; c_h=${c%%=*}; c_pkg=${c#*=}; have_hdr "$c_h" || need="$need $c_pkg" ;;
    *) dpkg -s "$p" >/dev/null 2>&1 || need="$need $p" ;;
  esac
done
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ] && have_cmd apt-get; then
  echo "deps: installing:$need"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || { echo "deps: apt-get update failed" >&2; exit 1; }
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $need >/dev/null || { echo "deps: apt-get install$need failed" >&2; exit 1; }
  exit 0
fi
echo "deps: missing:$need" >&2
echo "deps: install them with:  sudo apt-get install$need" >&2
exit 1
