/* direct.h: the kernel's direct map. Physical address pa is reachable at
 * kernel virtual address DIRECT_MAP_BASE + pa in every address space
 * (kernel-only), which is how the kernel touches any page without switching
 * page tables. Built by the boot stub; shared by every page table. */
#ifndef MM_DIRECT_H
#define MM_DIRECT_H

#include "abi/types.h"

#define DIRECT_MAP_BASE 0xFFFF800000000000UL
#define DIRECT_MAP_SIZE 0x100000000UL /* 4 GiB, in 2 MiB pages */

static inline void* pa2kva(uint64_t pa) {
    return (void*) (DIRECT_MAP_BASE + pa);
}

static inline uint64_t kva2pa(const void* kva) {
    return (uint64_t) (uintptr_t) kva - DIRECT_MAP_BASE;
}

#endif
