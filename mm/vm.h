/* vm.h: address spaces. The kernel's own page table, and per-process page
 * tables that share the kernel's mappings. */
#ifndef MM_VM_H
#define MM_VM_H

#include "mm/direct.h"
#include "mm/vmiter.h"

/* Builds the kernel page table (see the map in vm.c) and loads it.
 * console_pa is the frame that appears at CONSOLE_ADDR: 0xB8000 itself under
 * VGA text, a kernel RAM page when the console is a framebuffer (UEFI has
 * no memory behind 0xB8000). */
void vm_init(uint64_t console_pa);
pagetable* vm_kernel_pagetable(void);

/* A new address space for process pid: kernel mappings only. Returns NULL
 * (having freed everything it took) when memory runs out. (The stencil,
 * before handout step 2, returns the kernel's own table to everyone, and
 * before step 7 vm_space_free frees nothing: memcheck knows both states.) */
pagetable* vm_space_new(int pid);
/* Frees every user page mapped at or above PROC_START_ADDR (one reference
 * each), every page-table page, and the top page. pt must not be loaded. */
void vm_space_free(pagetable* pt);

/* The first va below PROC_START_ADDR that pt maps differently from the
 * kernel's page table (frame or rights), or PROC_START_ADDR when the low
 * megabyte is exactly the kernel's, as every space's must be. */
uintptr_t vm_low_difference(pagetable* pt);

/* Loads pt into %cr3 unless it is already there. */
static inline void vm_activate(pagetable* pt) {
    if (rcr3() != kva2pa(pt)) {
        lcr3(kva2pa(pt));
    }
}

/* True when user code may read (and, with write, write) every byte of
 * [va, va + len) in pt. len 0 is always fine. */
bool vm_user_access_ok(pagetable* pt, uintptr_t va, size_t len, bool write);

#endif
