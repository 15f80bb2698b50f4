/* physpages.h: the physical page table. Every one of the NPAGES_PHYSICAL
 * managed pages has a kind, an owner and a reference count here.
 *
 * Ownership rules:
 * - A free page has refcount 0 and kind PAGE_FREE. Only the kalloc calls
 *   (kalloc_at too) and kfree change that.
 * - A user page's refcount is the number of page-table entries that map it
 *   (fork sharing raises it with kref; mm/uvm.h keeps the rule for maps,
 *   shared and copy-on-write pages). Its pid is the process that
 *   allocated it, kept for display only; the viewer finds the live owner
 *   by walking page tables.
 * - A page-table page has refcount 1 and belongs to exactly one process.
 * - Reserved and kernel pages are never allocated or freed. */
#ifndef MM_PHYSPAGES_H
#define MM_PHYSPAGES_H

#include "abi/memlayout.h"
#include "abi/types.h"

enum page_kind {
    PAGE_FREE = 0,
    PAGE_RESERVED,
    PAGE_KERNEL,
    PAGE_USER,
    PAGE_PAGETABLE,
};

struct physpage {
    uint8_t refcount;
    uint8_t kind; /* enum page_kind */
    uint8_t pid;  /* allocating process, for PAGE_USER and PAGE_PAGETABLE */
};

extern struct physpage physpages[NPAGES_PHYSICAL];

/* Moves on every change to physpages[] (kalloc, kfree, kref) and to any
 * page-table entry written through the iterators (mm/vmiter.h), which is
 * how every entry is written. While it stands still the memory map and its
 * check (kernel/memviewer.c) cannot have changed. */
extern uint64_t mm_changes;

/* Order in which kalloc hands out free pages. Scattered order exists to
 * prove that nothing depends on pages being contiguous. */
enum kalloc_order { KALLOC_LOWEST_FIRST, KALLOC_SCATTERED };

/* Marks reserved pages (page 0, the ISA hole except the console, anything
 * the memory map excludes) and the kernel image; the rest is free. */
void physpages_init(void);
void kalloc_set_order(enum kalloc_order order);
/* Fault injection: the nth kalloc since boot fails (0: never), and every
 * kalloc from the from-th on fails (0: never). */
void kalloc_set_failures(uint64_t nth, uint64_t from);
/* Number of kalloc calls since boot, successful or not. */
uint64_t kalloc_count(void);

/* Returns the kernel address of a free page filled with 0xCC, now of the
 * given kind and owner with refcount 1; or NULL when no page is free (a
 * normal outcome the caller must handle). */
void* kalloc(enum page_kind kind, int pid);
/* kalloc, but the page comes back filled with zeros instead of 0xCC (for
 * user pages and page tables, which must start zeroed): each byte is
 * written once. Counts as a kalloc for fault injection. */
void* kalloc_zeroed(enum page_kind kind, int pid);
/* kalloc, but the page comes back holding a copy of the page at kernel
 * address src (fork's copies, copy-on-write): written once, not filled
 * with 0xCC first. */
void* kalloc_copy(enum page_kind kind, int pid, const void* src);
/* kalloc_zeroed, but of the physical page at pa itself: NULL unless pa is
 * a page-aligned managed page that is free (the stencil's user pages, one
 * physical page per virtual address, before handout step 3). */
void* kalloc_at(uint64_t pa, enum page_kind kind, int pid);
/* Drops one reference to the page at kernel address kva; frees it at 0.
 * kva NULL is ignored. Panics on a page that is not allocated. */
void kfree(void* kva);
/* Adds a reference to an allocated page, for sharing (fork). */
void kref(uint64_t pa);
/* Number of free pages. */
size_t physpages_free_count(void);

static inline struct physpage* physpage_of(uint64_t pa) {
    return pa < MEMSIZE_PHYSICAL ? &physpages[pa / PAGESIZE] : NULL;
}

#endif
