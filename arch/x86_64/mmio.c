/* mmio.c: windows onto physical memory above the direct map's 4 GiB.
 *
 * The boot stub's direct map is one PDPT (boot_pdpt, under PML4[256], shared
 * by every address space) whose first four entries map 0..4 GiB. Its other
 * entries are free kernel virtual space:
 *
 *   DIRECT_MAP_BASE + 512 GiB +------------------------------+
 *                             | (unused)                     |
 *                             | windows, 2 MiB pages, made   | PDPT[4..]
 *                             |   upward by mmio_map         |
 *   DIRECT_MAP_BASE + 4 GiB   +------------------------------+
 *                             | direct map of 0..4 GiB       | PDPT[0..3]
 *   DIRECT_MAP_BASE           +------------------------------+
 *
 * A window's page directories come from a small pool in the kernel image
 * (never from the 2 MiB of managed memory, which the viewer shows), one per
 * GiB of window. */
#include "arch/x86_64/mmio.h"
#include "abi/memlayout.h"

#include "arch/x86_64/x86.h"
#include "kernel/log.h"
#include "mm/direct.h"

#define LARGE_PAGE 0x200000UL
#define GIB        0x40000000UL
/* GiB of windows in all: 1024 windows of 2 MiB, against the few dozen a
 * PC needs (ACPI tables, a framebuffer, BARs, the local APIC, the I/O
 * APICs, the HPET). Each GiB costs a 4 KiB directory in the kernel image,
 * whose Debug build must fit below the kernel stack. */
#define WINDOW_PDS 2
#define PTE_PWT    0x008UL
#define PTE_PCD    0x010UL
#define PHYS_LIMIT (1UL << 52) /* architectural physical address limit */

extern uint64_t boot_pdpt[512];

static uint64_t window_pd[WINDOW_PDS][512] __attribute__((aligned(4096)));
/* Bytes of window handed out, from DIRECT_MAP_BASE + 4 GiB up. */
static uint64_t window_used;

/* The level-2 entry for window offset off, making its directory if needed. */
static uint64_t* window_entry(uint64_t off) {
    uint64_t gib = off / GIB;
    uint64_t* pdpte = &boot_pdpt[DIRECT_MAP_SIZE / GIB + gib];
    if (!(*pdpte & PTE_P)) {
        *pdpte = ((uintptr_t) window_pd[gib] & PTE_PAMASK) | PTE_P | PTE_W;
    }
    return &window_pd[gib][(off % GIB) / LARGE_PAGE];
}

void* mmio_map(uint64_t pa, uint64_t len, enum mmio_kind kind) {
    if (len == 0 || pa >= PHYS_LIMIT || len > PHYS_LIMIT - pa) {
        log_printf("mmio: cannot map [0x%lx, +0x%lx): not a physical range\n",
                   pa, len);
        return NULL;
    }
    if (pa + len <= DIRECT_MAP_SIZE && kind == MMIO_MEMORY) {
        return pa2kva(pa);
    }
    uint64_t first = ROUNDDOWN(pa, LARGE_PAGE);
    uint64_t size = ROUNDUP(pa + len, LARGE_PAGE) - first;
    if (size > WINDOW_PDS * GIB - window_used) {
        log_printf("mmio: no window left for [0x%lx, +0x%lx)\n", pa, len);
        return NULL;
    }
    uint64_t flags =
        PTE_P | PTE_W | PTE_PS | (kind == MMIO_DEVICE ? PTE_PCD | PTE_PWT : 0);
    uint64_t base = window_used;
    for (uint64_t off = 0; off < size; off += LARGE_PAGE) {
        *window_entry(base + off) = (first + off) | flags;
    }
    window_used += size;
    return (uint8_t*) pa2kva(DIRECT_MAP_SIZE + base) + (pa - first);
}
