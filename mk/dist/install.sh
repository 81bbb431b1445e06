#!/bin/sh
# mk/dist/install.sh install DESTDIR PREFIX WF_BIN VERSION LIBS
# mk/dist/install.sh uninstall DESTDIR PREFIX
# Installs (or removes) exactly three files under DESTDIR/PREFIX:
#   include/workfront.h  lib/pkgconfig/workfront.pc  bin/wf
# The .pc file names PREFIX (not DESTDIR): DESTDIR is only a staging root.
set -eu
op=${1:?}
DESTDIR=${2-}
PREFIX=${3:?PREFIX is empty}
case $PREFIX in /*) ;; *) echo "dist: PREFIX must be an absolute path (got '$PREFIX')" >&2; exit 2 ;; esac
root=$DESTDIR$PREFIX
files="include/workfront.h lib/pkgconfig/workfront.pc bin/wf"

# The deepest existing directory on the way to $1 must be writable.
writable() {
    d=$1
    while [ ! -d "$d" ]; do d=$(dirname "$d"); done
    [ -w "$d" ]
}
refuse() {
    echo "dist: cannot write to $1 (not root?)" >&2
    echo "dist: run 'sudo make $op', or choose another place:" >&2
    echo "dist:   make $op PREFIX=\$HOME/.local      (then PKG_CONFIG_PATH=\$HOME/.local/lib/pkgconfig)" >&2
    echo "dist:   make $op DESTDIR=/tmp/stage       (staging for a package)" >&2
    exit 1
}

case $op in
install)
    WF_BIN=${4:?}
    VERSION=${5:?no WF_VERSION_STRING found in workfront.h}
    LIBS=${6:?}
    [ -f "$WF_BIN" ] || { echo "dist: no wf binary at $WF_BIN" >&2; exit 1; }
    for f in $files; do writable "$root/$(dirname "$f")" || refuse "$root/$(dirname "$f")"; done
    mkdir -p "$root/include" "$root/lib/pkgconfig" "$root/bin"
    install -m 644 workfront.h "$root/include/workfront.h"
    pc=$root/lib/pkgconfig/workfront.pc
    cat >"$pc.tmp" <<PC
prefix=$PREFIX
includedir=\${prefix}/include

Name: workfront
Description: Single-header C client for the Adobe Workfront REST API (HTTP/1.1 over mbedTLS, jsmn JSON)
Version: $VERSION
Cflags: -I\${includedir}
Libs: $LIBS
PC
    chmod 644 "$pc.tmp"
    mv "$pc.tmp" "$pc"
    install -m 755 "$WF_BIN" "$root/bin/wf"
    for f in $files; do echo "  installed $root/$f"; done
    ;;
uninstall)
    removed=0
    for f in $files; do
        if [ -e "$root/$f" ] || [ -L "$root/$f" ]; then
            writable "$root/$(dirname "$f")" || refuse "$root/$(dirname "$f")"
            rm -f "$root/$f"
            echo "  removed $root/$f"
            removed=$((removed + 1))
        fi
    done
    if [ $removed = 0 ]; then
        echo "dist: nothing of workfront.h found under $root (none of: $files)" >&2
        echo "dist: give the PREFIX (and DESTDIR) it was installed with, e.g. make uninstall PREFIX=\$HOME/.local" >&2
        exit 1
    fi
    ;;
*) echo "usage: install.sh install|uninstall DESTDIR PREFIX [WF_BIN VERSION LIBS]" >&2; exit 2 ;;
esac
