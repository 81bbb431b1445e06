#!/bin/sh
# Installs what `make demo` / `make test` need on Debian: as root with
# apt-get (update first), otherwise it names the packages and fails.
# Usage: mk/deps.sh [CHECK=PACKAGE | PACKAGE ...]: more checks, in the forms
# of mk/dist/need.sh, which does the work.
set -u
NEED_TAG=deps exec sh "$(dirname "$0")/dist/need.sh" \
    hdr:mbedtls/ssl.h=libmbedtls-dev hdr:jsmn.h=libjsmn-dev hdr:cmocka.h=libcmocka-dev \
    cmd:python3=python3 cmd:openssl=openssl cmd:cc=gcc cmd:c++=g++ cmd:pkg-config=pkg-config \
    file:/etc/ssl/certs/ca-certificates.crt=ca-certificates "$@"
