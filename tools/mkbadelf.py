#!/usr/bin/env python3
"""mkbadelf.py: makes malformed ELF modules from a good user program, for
the loader's refusal tests.

  mkbadelf.py GOOD_ELF OUT_DIR  ->  bad-truncated bad-machine bad-kernelseg
                                    bad-notelf bad-overlap
"""
import os
import struct
import sys


def phdrs(data):
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    return [phoff + i * phentsize for i in range(phnum)]


def first_load(data):
    for off in phdrs(data):
        if struct.unpack_from("<I", data, off)[0] == 1:
            return off
    raise SystemExit("no PT_LOAD in input")


def main():
    good = open(sys.argv[1], "rb").read()
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    variants = {}

    ph = first_load(good)
    seg_off, = struct.unpack_from("<Q", good, ph + 8)
    variants["bad-truncated"] = good[:seg_off + 64]

    b = bytearray(good)
    struct.pack_into("<H", b, 0x12, 3)  # EM_386
    variants["bad-machine"] = bytes(b)

    b = bytearray(good)
    struct.pack_into("<QQ", b, ph + 0x10, 0x40000, 0x40000)  # vaddr, paddr
    variants["bad-kernelseg"] = bytes(b)

    variants["bad-notelf"] = b"This is not an ELF file.\n" * 8

    b = bytearray(good)
    loads = [o for o in phdrs(good) if struct.unpack_from("<I", good, o)[0] == 1]
    if len(loads) >= 2:
        va, = struct.unpack_from("<Q", good, loads[0] + 0x10)
        struct.pack_into("<QQ", b, loads[1] + 0x10, va, va)
    variants["bad-overlap"] = bytes(b)

    for name, data in variants.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
