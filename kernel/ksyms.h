/* ksyms.h: the kernel's own function names, for backtraces. They come from
 * the kernel ELF, which GRUB also loads as the module "kernel.sym". */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H

#include "abi/types.h"

/* Finds the symbol table in the module; logs and returns false if absent. */
bool ksyms_init(void);
/* Name of the function containing addr and addr's offset into it; NULL
 * when unknown. */
const char* ksyms_lookup(uint64_t addr, uint64_t* offset);

#endif
