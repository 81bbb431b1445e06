#!/bin/sh
# mk/cross/firmware.sh DIR - runs the firmware test images DIR/fw-notls.elf
# and DIR/fw-tls.elf under qemu-system-arm -M mps2-an386 (semihosting: the
# image's output on stdout, its exit status as qemu's), then measures them
# and checks the budgets.  Writes DIR/sizes.txt (the figures of the README's
# platform table).  Exits non-zero when an image fails or a budget is missed.
#
# Budgets (Cortex-M4, -Os, newlib-nano, no TLS):
#   LIB_TEXT_MAX  code + read-only data of the library in the test image
#                 after --gc-sections (from the link map); the whole library
#                 (every public function, wf_impl.o before linking) is
#                 reported beside it
#   HEAP_MAX      the client's peak heap for one search of 100 tasks,
#                 streamed (wf_search_each), from wf_client_create on
set -u
FW=${1:?usage: firmware.sh DIR}
LIB_TEXT_MAX=${LIB_TEXT_MAX:-49152}
HEAP_MAX=${HEAP_MAX:-32768}
HERE=$(cd "$(dirname "$0")" && pwd)
fail=0

run() { # IMAGE: runs it, shows everything but the passing checks
    echo "== cross cortex-m4: $1 under qemu-system-arm -M mps2-an386"
    timeout 600 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
        -semihosting-config enable=on,target=native -kernel "$FW/$1.elf" >"$FW/$1.log" 2>&1
    rc=$?
    grep -v -e '^firmware: ok ' -e '^FW ' "$FW/$1.log"
    echo "   $(grep -c '^firmware: ok ' "$FW/$1.log") checks passed, exit status $rc"
    [ $rc = 0 ] || fail=1
}
val() { sed -n "s/^FW $2=//p" "$FW/$1.log" | tail -n 1; }
size_of() { arm-none-eabi-size -A "$1" | awk -v s="$2" '$1 == s { print $2 }'; }
kib() { awk -v b="${1:-0}" 'BEGIN { printf "%.1f KiB", b / 1024 }'; }

run fw-notls
run fw-tls

# the library alone: text and read-only data of wf_impl.o (whole) and what
# the image keeps of it after --gc-sections (from the link map)
lib_all=$(arm-none-eabi-size -A "$FW/notls/wf_impl.o" | awk '$1 ~ /^\.(text|rodata)/ { s += $2 } END { print s + 0 }')
eval "$(python3 "$HERE/mapsize.py" "$FW/fw-notls.map" wf_impl.o | sed 's/\([a-z]*\)=/lib_used_\1=/g')"
lib_used=$((lib_used_code + lib_used_rodata))
eval "$(python3 "$HERE/mapsize.py" "$FW/fw-tls.map" wf_impl.o | sed 's/\([a-z]*\)=/tlslib_\1=/g')"
tls_text=$(( $(size_of "$FW/fw-tls.elf" .text) + $(size_of "$FW/fw-tls.elf" .vectors) + $(size_of "$FW/fw-tls.elf" .ARM.exidx) ))
tls_data=$(size_of "$FW/fw-tls.elf" .data)
tls_bss=$(size_of "$FW/fw-tls.elf" .bss)
rec_bytes=$(sed -n 's/^static const unsigned char fw_rec_bytes\[\([0-9]*\)\].*/\1/p' "$FW/recording.h")
heap_stream=$(val fw-notls heap_stream)
heap_page=$(val fw-notls heap_page)
stack=$(val fw-notls stack_peak)
tls_heap_client=$(val fw-tls tls_client_heap)
tls_heap=$(val fw-tls tls_heap_peak)
tls_stack=$(val fw-tls stack_peak)
tls_ram=$(( tls_data + tls_bss + ${tls_heap:-0} + ${tls_heap_client:-0} + ${tls_stack:-0} ))

{
    echo "# make cross, Cortex-M4 (arm-none-eabi-gcc $(arm-none-eabi-gcc -dumpversion), -Os, newlib-nano, qemu mps2-an386)"
    echo "lib_text_used=$lib_used      # library in the no-TLS image after --gc-sections: code + rodata ($(kib "$lib_used"))"
    echo "lib_text_all=$lib_all       # the whole library, no TLS: code + rodata of wf_impl.o ($(kib "$lib_all"))"
    echo "heap_stream=$heap_stream       # client heap peak, 100-task wf_search_each, from create on ($(kib "$heap_stream"))"
    echo "heap_page=$heap_page         # client heap peak, 100-task wf_search (fields=name, one page) ($(kib "$heap_page"))"
    echo "stack_peak=$stack        # deepest stack, no-TLS image"
    echo "tls_lib_text_used=$((tlslib_code + tlslib_rodata))   # workfront.h's part of the TLS image"
    echo "tls_image_text=$tls_text    # TLS image: all code + rodata (includes the ${rec_bytes}-byte recording) ($(kib "$tls_text"))"
    echo "tls_image_data_bss=$((tls_data + tls_bss))"
    echo "tls_heap_client=$tls_heap_client   # the https client's heap peak, create to ClientHello"
    echo "tls_heap_mbedtls=$tls_heap   # mbedTLS's own heap peak (platform calloc hook), same span"
    echo "tls_stack_peak=$tls_stack"
    echo "tls_ram=$tls_ram           # data + bss + both heap peaks + stack peak ($(kib "$tls_ram"))"
    echo "recording_bytes=$rec_bytes"
} >"$FW/sizes.txt"
cat "$FW/sizes.txt"

if [ "${lib_used:-0}" -gt "$LIB_TEXT_MAX" ] || [ "${lib_used:-0}" = 0 ]; then
    echo "cross cortex-m4: BUDGET library text $lib_used bytes > $LIB_TEXT_MAX"; fail=1
fi
if [ -z "$heap_stream" ] || [ "$heap_stream" -gt "$HEAP_MAX" ]; then
    echo "cross cortex-m4: BUDGET heap of the 100-task search ${heap_stream:-unknown} bytes > $HEAP_MAX"; fail=1
fi
np=$(cat "$FW"/fw-notls.log "$FW"/fw-tls.log | grep -c '^firmware: ok ')
nf=$(cat "$FW"/fw-notls.log "$FW"/fw-tls.log | grep -c '^firmware: FAIL')
[ $fail = 0 ] || [ "$nf" != 0 ] || nf=1
echo "firmware: $np passed, $nf failed"
[ $fail = 0 ] && echo "cross cortex-m4: passed, within budget (library text <= $LIB_TEXT_MAX, search heap <= $HEAP_MAX bytes)"
exit $fail
