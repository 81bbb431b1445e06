#!/usr/bin/env python3
"""mk/cross/mapsize.py MAP OBJ - bytes that OBJ (an object file name, e.g.
wf_impl.o) keeps in a GNU ld link map after --gc-sections, by kind:
prints "code=N rodata=N data=N bss=N".  Input sections that the linker
discarded are listed before "Linker script and memory map" and not counted."""
import re
import sys


def main():
    path, obj = sys.argv[1], sys.argv[2]
    sums = {"code": 0, "rodata": 0, "data": 0, "bss": 0}
    in_map = False
    section = None
    # " .text.name  0xADDR  0xSIZE file" or " .text.name" then "   0xADDR 0xSIZE file"
    full = re.compile(r"^ (\.\S+)\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)\s+(\S+)")
    name_only = re.compile(r"^ (\.\S+)\s*$")
    cont = re.compile(r"^\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)\s+(\S+)")
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("Linker script and memory map"):
                in_map = True
                continue
            if not in_map:
                continue
            m = full.match(line)
            if m:
                section, size, fname = m.group(1), int(m.group(3), 16), m.group(4)
            else:
                m = name_only.match(line)
                if m:
                    section = m.group(1)
                    continue
                m = cont.match(line)
                if not m or section is None:
                    continue
                size, fname = int(m.group(2), 16), m.group(3)
            if not fname.endswith(obj):
                section = None
                continue
            if section.startswith(".text"):
                sums["code"] += size
            elif section.startswith(".rodata"):
                sums["rodata"] += size
            elif section.startswith(".data"):
                sums["data"] += size
            elif section.startswith(".bss") or section.startswith("COMMON"):
                sums["bss"] += size
            section = None
    print(" ".join("%s=%d" % kv for kv in sums.items()))


if __name__ == "__main__":
    main()
