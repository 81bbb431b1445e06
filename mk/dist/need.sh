#!/bin/sh
# mk/dist/need.sh CHECK=PACKAGE...
# Makes sure the Debian packages behind the checks are installed: as root it
# runs apt-get install for what is missing (apt-get update first), otherwise
# it prints the command to run and fails.  Checks:
#   cmd:NAME=pkg      a command on PATH
#   file:PATH=pkg     a file (shell glob allowed)
#   hdr:NAME=pkg      a header under /usr/include or /usr/local/include
#   pkg[:arch]        a Debian package, installed or not (dpkg -s); with
#                     :arch another architecture's (multiarch, make cross)
# NEED_TAG names the caller in the messages (default: dist).
set -u
tag=${NEED_TAG:-dist}
need=""
for arg in "$@"; do
    check=${arg%%=*}
    pkg=${arg#*=}
    what=${check#*:}
    case $check in
        cmd:*)  command -v "$what" >/dev/null 2>&1 && continue ;;
        hdr:*)  { [ -f "/usr/include/$what" ] || [ -f "/usr/local/include/$what" ]; } && continue ;;
        file:*) for f in $what; do [ -e "$f" ] && continue 2; done ;;
        *)      case $arg in *=*) echo "need.sh: bad check '$arg'" >&2; exit 2 ;; esac
                dpkg -s "$arg" >/dev/null 2>&1 && continue ;;
    esac
    case " $need " in *" $pkg "*) ;; *) need="$need $pkg" ;; esac
done
[ -z "$need" ] && exit 0
# Suites run in parallel (make test, make ci) may need packages at once: one
# install at a time (a lock under build/), and the checks again once it is
# this one's turn, since the other may have installed them.
if [ -z "${NEED_LOCKED:-}" ] && [ "$(id -u)" = 0 ] && command -v flock >/dev/null 2>&1; then
    lock=$(cd "$(dirname "$0")/../.." && pwd)/build/.need-lock
    mkdir -p "${lock%/*}" && exec 9>"$lock" && flock 9 && NEED_LOCKED=1 exec sh "$0" "$@"
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "$tag: installing:$need"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || { echo "$tag: apt-get update failed" >&2; exit 1; }
    # shellcheck disable=SC2086
    # stderr kept aside: debconf's notes (no apt-utils) are no failure
    log=${TMPDIR:-/tmp}/need.$$.log
    # another install in progress holds dpkg's lock: wait for it (up to 15 min)
    apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=900 $need >/dev/null 2>"$log" ||
        { cat "$log" >&2; rm -f "$log"; echo "$tag: apt-get install$need failed" >&2; exit 1; }
    rm -f "$log"
    exit 0
fi
echo "$tag: missing Debian packages:$need" >&2
echo "$tag: install them as root, e.g.:  sudo apt-get install$need" >&2
echo "$tag: (or run this make target as root: it installs them itself)" >&2
exit 1
