/* vm.c: the kernel page table and per-process address spaces.
 *
 * Every address space, the kernel's included, looks like this:
 *
 *   0xFFFF800000000000  +----------------------------------+
 *                       | direct map of physical 0..4 GiB  | kernel only,
 *                       | (2 MiB pages, shared PDPT)       | PML4[256]
 *                       +----------------------------------+
 *                                   ...
 *   MEMSIZE_VIRTUAL     +----------------------------------+ 0x300000
 *     0x2FF000          | user stack page (%rsp = 0x300000) |
 *                       | heap (grows up)                  | user, process
 *                       | code, data, bss                  | pages only
 *   PROC_START_ADDR     +----------------------------------+ 0x100000
 *                       | ISA hole; console at 0xB8000 is  |
 *                       |   user read/write                |
 *   KERNEL_STACK_TOP    | kernel stack (one page)          | 0x80000
 *                       | kernel image                     | identity,
 *   KERNEL_START_ADDR   +----------------------------------+ 0x40000
 *                       | low pages                        | kernel only
 *   PAGESIZE            +----------------------------------+
 *                       | page 0: never mapped (NULL)      |
 *   0                   +----------------------------------+
 *
 * Because the kernel is mapped in every space, a system call runs on the
 * caller's page table: no %cr3 switch on the system call path. */
#include "mm/vm.h"

#include "abi/memlayout.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/direct.h"
#include "mm/physpages.h"

/* The kernel page table's own pages live in the kernel image. */
static pagetable kernel_tables[4] __attribute__((aligned(PAGESIZE)));
static pagetable* kernel_pt;

extern pagetable boot_pml4; /* from the boot stub: PML4[256] = direct map */

static pagetable* image_kva(void* p) {
    return pa2kva((uintptr_t) p);
}

void vm_init(uint64_t console_pa) {
    memset(kernel_tables, 0, sizeof(kernel_tables));
    pagetable* l4 = image_kva(&kernel_tables[0]);
    pagetable* l3 = image_kva(&kernel_tables[1]);
    pagetable* l2 = image_kva(&kernel_tables[2]);
    pagetable* l1 = image_kva(&kernel_tables[3]);
    l4->entry[0] = kva2pa(l3) | PTE_P | PTE_W | PTE_U;
    l3->entry[0] = kva2pa(l2) | PTE_P | PTE_W | PTE_U;
    l2->entry[0] = kva2pa(l1) | PTE_P | PTE_W | PTE_U;
    l4->entry[256] = image_kva(&boot_pml4)->entry[256];
    kernel_pt = l4;
    for (uintptr_t pa = PAGESIZE; pa < MEMSIZE_PHYSICAL; pa += PAGESIZE) {
        /* STEP 1: kernel isolation */
        /* The console page is every process's, writable: never code. */
        uint64_t perm =
            PTE_P | PTE_W | (pa == CONSOLE_ADDR ? PTE_U | PTE_NX : 0);
        /* STENCIL
        uint64_t perm = PTE_P | PTE_W | PTE_U;
        END STEP 1 */
        struct vmiter it = vmiter_at(kernel_pt, pa);
        vmiter_map(&it, pa == CONSOLE_ADDR ? console_pa : pa, perm);
    }
    lcr3(kva2pa(kernel_pt));
}

pagetable* vm_kernel_pagetable(void) {
    return kernel_pt;
}

pagetable* vm_space_new(int pid) {
    /* STEP 2: isolated address spaces */
    pagetable* pt = kalloc_zeroed(PAGE_PAGETABLE, pid);
    if (!pt) {
        return NULL;
    }
    pt->entry[256] = kernel_pt->entry[256];
    /* The low megabyte as the kernel maps it, same frames and rights: its
     * level-1 entries copied as one block, not page by page. */
    if (vmiter_copy_leaves(pt, kernel_pt, 0, PROC_START_ADDR) != 0) {
        vm_space_free(pt);
        return NULL;
    }
    return pt;
    /* STENCIL
    (void) pid;
    return kernel_pt;
    END STEP 2 */
}

void vm_space_free(pagetable* pt) {
    /* STEP 7: freeing memory */
    if (rcr3() == kva2pa(pt)) {
        panic("freeing the loaded page table %p", pt);
    }
    for (struct vmiter it = vmiter_at(pt, PROC_START_ADDR);
         vmiter_find_present(&it, MEMSIZE_VIRTUAL); vmiter_next(&it)) {
        if (vmiter_user(&it)) {
            kfree(vmiter_kptr(&it));
        }
    }
    /* Nothing maps at or above MEMSIZE_VIRTUAL in the user half (memcheck
     * would report a table there as leaked), so no table lies there. */
    for (struct ptiter it = ptiter_below(pt, MEMSIZE_VIRTUAL);
         !ptiter_done(&it); ptiter_next(&it)) {
        kfree(ptiter_kptr(&it));
    }
    kfree(pt);
    /* STENCIL
    (void) pt;
    END STEP 7 */
}

uintptr_t vm_low_difference(pagetable* pt) {
    return vmiter_first_difference(pt, kernel_pt, 0, PROC_START_ADDR);
}

bool vm_user_access_ok(pagetable* pt, uintptr_t va, size_t len, bool write) {
    if (len == 0) {
        return true;
    }
    if (va + len < va || va + len > MEMSIZE_VIRTUAL) {
        return false;
    }
    uint64_t need = PTE_P | PTE_U | (write ? PTE_W : 0);
    for (struct vmiter it = vmiter_at(pt, ROUNDDOWN(va, PAGESIZE));
         vmiter_va(&it) < va + len; vmiter_next(&it)) {
        if ((vmiter_perm(&it) & need) != need) {
            return false;
        }
    }
    return true;
}
