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
    case $f in wf) what="glibc, Debian's mbedTLS" ;; *) what="musl, trimmed mbedTLS" ;; esac
    line=$(printf '%-22s %9s bytes  (%s KiB)  %s' "$DIR/$f" "$bytes" "$kib" "$what")
    echo "$line" >>"$DIR/SIZES.tmp"
    echo "  size: $line"
    if [ "$f" = wf-musl ] && [ "$bytes" -gt $((350 * 1024)) ]; then
        echo "  size: WARNING: $DIR/wf-musl is over the 350 KiB target" >&2
    fi
done
mv "$DIR/SIZES.tmp" "$DIR/SIZES"
