#!/bin/sh
# mk/dist/sizes.sh DIR: prints the sizes of the static wf binaries in DIR and
# writes them to DIR/SIZES (the README quotes them).
set -u
DIR=${1:-build/static}
: >"$DIR/SIZES.tmp"
for f in wf wf-musl; do
    [ -f "$DIR/$f" ] || continue
    bytes=$(wc -c <"$DIR/$f" | tr -d ' ')
    kib=$(( (bytes + 1023) / 1024 ))
    case $f in wf) what="glibc, trimmed mbedTLS 3.6" ;; *) what="musl, trimmed mbedTLS 3.6" ;; esac
    line=$(printf '%-22s %9s bytes  (%s KiB)  %s' "$DIR/$f" "$bytes" "$kib" "$what")
    echo "$line" >>"$DIR/SIZES.tmp"
    echo "  size: $line"
    if [ "$f" = wf-musl ] && [ "$bytes" -gt $((400 * 1024)) ]; then
        echo "  size: WARNING: $DIR/wf-musl is over the 400 KiB target" >&2
    fi
done
mv "$DIR/SIZES.tmp" "$DIR/SIZES"
