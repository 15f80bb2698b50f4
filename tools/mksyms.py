#!/usr/bin/env python3
"""mksyms.py: writes kernel.sym, the compact symbol table GRUB loads as a
module for the kernel's backtraces (kernel/ksyms.c).

  tools/mksyms.py build/kernel.elf build/kernel.sym

The output is a minimal ELF64 file: a header, a symbol table holding only
the kernel's functions (STT_FUNC, with their addresses and sizes), their
names, and the section headers that ksyms.c follows to find them. No code,
no data, no debug information: those stay in build/kernel.elf for GDB."""
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
SHDR = struct.Struct("<IIQQQQIIQQ")
SYM = struct.Struct("<IBBHQQ")
SHT_SYMTAB, SHT_STRTAB, STT_FUNC = 2, 3, 2


def read_symbols(data):
    eh = EHDR.unpack_from(data, 0)
    shoff, shentsize, shnum = eh[6], eh[11], eh[12]
    shdrs = [SHDR.unpack_from(data, shoff + i * shentsize)
             for i in range(shnum)]
    for sh in shdrs:
        if sh[1] != SHT_SYMTAB:
            continue
        strtab = shdrs[sh[6]]
        strs = data[strtab[4]:strtab[4] + strtab[5]]
        for off in range(sh[4], sh[4] + sh[5], SYM.size):
            name, info, other, shndx, value, size = SYM.unpack_from(data, off)
            if info & 0xF == STT_FUNC and name:
                end = strs.index(b"\0", name)
                yield strs[name:end], info, other, value, size
        return
    sys.exit("mksyms: %s has no symbol table" % sys.argv[1])


def main():
    data = open(sys.argv[1], "rb").read()
    strtab = bytearray(b"\0")
    syms = bytearray(SYM.pack(0, 0, 0, 0, 0, 0))
    for name, info, other, value, size in sorted(read_symbols(data),
                                                 key=lambda s: s[3]):
        syms += SYM.pack(len(strtab), info, other, 0xFFF1, value, size)
        strtab += name + b"\0"
    shstr = b"\0.symtab\0.strtab\0.shstrtab\0"
    off_sym = EHDR.size
    off_str = off_sym + len(syms)
    off_shstr = off_str + len(strtab)
    off_sh = (off_shstr + len(shstr) + 7) // 8 * 8
    shdrs = [SHDR.pack(0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
             SHDR.pack(1, SHT_SYMTAB, 0, 0, off_sym, len(syms), 2, 1, 8,
                       SYM.size),
             SHDR.pack(9, SHT_STRTAB, 0, 0, off_str, len(strtab), 0, 0, 1, 0),
             SHDR.pack(17, SHT_STRTAB, 0, 0, off_shstr, len(shstr), 0, 0, 1,
                       0)]
    ident = b"\x7fELF\x02\x01\x01" + b"\0" * 9
    out = bytearray(EHDR.pack(ident, 0, 62, 1, 0, 0, off_sh, 0, EHDR.size,
                              0, 0, SHDR.size, len(shdrs), 3))
    out += syms + strtab + shstr
    out += b"\0" * (off_sh - len(out))
    for sh in shdrs:
        out += sh
    with open(sys.argv[2], "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
