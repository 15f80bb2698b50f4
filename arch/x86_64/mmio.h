/* mmio.h: kernel addresses for device registers and firmware data anywhere
 * in 64-bit physical space (framebuffers, ACPI tables, PCI BARs), not only
 * in the direct map's first 4 GiB. */
#ifndef ARCH_MMIO_H
#define ARCH_MMIO_H

#include "abi/types.h"

enum mmio_kind {
    MMIO_MEMORY, /* firmware tables, framebuffers: cached as the MTRRs say */
    MMIO_DEVICE, /* device registers: uncached (PCD|PWT) */
};

/* The kernel address of physical [pa, pa + len), kernel-only and present in
 * every address space, or NULL (logged) when the range wraps, is empty or
 * no window is left. Below 4 GiB this is the direct map itself; above, a
 * window of 2 MiB pages is made under the direct map's PML4 entry, which
 * every page table shares, so a mapping made at any time is seen by all.
 * Windows are never unmapped. */
void* mmio_map(uint64_t pa, uint64_t len, enum mmio_kind kind);

#endif
