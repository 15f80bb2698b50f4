/* physpages.c: physpages[], kalloc and kfree. */
#include "mm/physpages.h"

#include "kernel/bootinfo.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/direct.h"

struct physpage physpages[NPAGES_PHYSICAL];
uint64_t mm_changes;

static enum kalloc_order order = KALLOC_LOWEST_FIRST;
static uint64_t calls;
static uint64_t fail_nth, fail_from;
static size_t next_scatter;
/* No page below this index is free (lowest-first search starts here). */
static size_t free_hint;

extern char kernel_image_start[], kernel_image_end[];

static bool page_is_reserved(uint64_t pa) {
    /* The console page is reserved too; the viewer shows it as C. */
    if (pa == 0 || (pa >= 0xA0000 && pa < PROC_START_ADDR)) {
        return true;
    }
    return !bootinfo_is_ram(pa, PAGESIZE);
}

void physpages_init(void) {
    uint64_t kstart = ROUNDDOWN((uintptr_t) kernel_image_start, PAGESIZE);
    uint64_t kend = ROUNDUP((uintptr_t) kernel_image_end, PAGESIZE);
    for (uint64_t pa = 0; pa < MEMSIZE_PHYSICAL; pa += PAGESIZE) {
        struct physpage* pp = physpage_of(pa);
        pp->refcount = 0;
        pp->pid = 0;
        free_hint = 0;
        if (pa >= kstart && pa < kend) {
            pp->kind = PAGE_KERNEL;
        } else if (page_is_reserved(pa)) {
            pp->kind = PAGE_RESERVED;
        } else {
            pp->kind = PAGE_FREE;
        }
    }
}

void kalloc_set_order(enum kalloc_order o) {
    order = o;
    log_printf("kalloc: %s order\n",
               o == KALLOC_SCATTERED ? "scattered" : "lowest-first");
}

void kalloc_set_failures(uint64_t nth, uint64_t from) {
    fail_nth = nth;
    fail_from = from;
}

uint64_t kalloc_count(void) {
    return calls;
}

/* Scattered order steps through the pages by a stride coprime with
 * NPAGES_PHYSICAL, so it visits every page and neighbours rarely touch. */
#define SCATTER_STRIDE 197

static struct physpage* find_free(void) {
    if (order == KALLOC_LOWEST_FIRST) {
        for (size_t pn = free_hint; pn < NPAGES_PHYSICAL; ++pn) {
            if (physpages[pn].kind == PAGE_FREE) {
                free_hint = pn + 1;
                return &physpages[pn];
            }
        }
        free_hint = NPAGES_PHYSICAL;
        return NULL;
    }
    for (size_t i = 0; i < NPAGES_PHYSICAL; ++i) {
        size_t pn = i;
        if (order == KALLOC_SCATTERED) {
            pn = (next_scatter + i * SCATTER_STRIDE) % NPAGES_PHYSICAL;
        }
        if (physpages[pn].kind == PAGE_FREE) {
            if (order == KALLOC_SCATTERED) {
                next_scatter = (pn + SCATTER_STRIDE) % NPAGES_PHYSICAL;
            }
            return &physpages[pn];
        }
    }
    return NULL;
}

/* Counts one kalloc call; true when fault injection says it fails. */
static bool injected_failure(void) {
    ++calls;
    return (fail_nth && calls == fail_nth) || (fail_from && calls >= fail_from);
}

/* Gives the free page pp to kind and pid, unfilled: its kernel address. */
static void* claim(struct physpage* pp, enum page_kind kind, int pid) {
    pp->kind = kind;
    pp->pid = (uint8_t) pid;
    pp->refcount = 1;
    ++mm_changes;
    return pa2kva((uint64_t) (pp - physpages) * PAGESIZE);
}

/* Takes a free page for kind and pid, unfilled; NULL when none is free
 * or fault injection says this call fails. */
static void* take_page(enum page_kind kind, int pid) {
    if (injected_failure()) {
        return NULL;
    }
    struct physpage* pp = find_free();
    return pp ? claim(pp, kind, pid) : NULL;
}

void* kalloc(enum page_kind kind, int pid) {
    void* kva = take_page(kind, pid);
    if (kva) {
        memset(kva, 0xCC, PAGESIZE);
    }
    return kva;
}

void* kalloc_copy(enum page_kind kind, int pid, const void* src) {
    void* kva = take_page(kind, pid);
    if (kva) {
        memcpy(kva, src, PAGESIZE);
    }
    return kva;
}

void* kalloc_zeroed(enum page_kind kind, int pid) {
    void* kva = take_page(kind, pid);
    if (kva) {
        memset(kva, 0, PAGESIZE);
    }
    return kva;
}

void* kalloc_at(uint64_t pa, enum page_kind kind, int pid) {
    struct physpage* pp = physpage_of(pa);
    if (injected_failure() || !pp || !PAGE_ALIGNED(pa) ||
        pp->kind != PAGE_FREE) {
        return NULL;
    }
    void* kva = claim(pp, kind, pid);
    memset(kva, 0, PAGESIZE);
    return kva;
}

void kfree(void* kva) {
    if (!kva) {
        return;
    }
    uint64_t pa = kva2pa(kva);
    struct physpage* pp = physpage_of(pa);
    if (!pp || !PAGE_ALIGNED(pa) || pp->refcount == 0 ||
        (pp->kind != PAGE_USER && pp->kind != PAGE_PAGETABLE)) {
        panic("kfree of page 0x%lx that is not allocated", pa);
    }
    ++mm_changes;
    if (--pp->refcount == 0) {
        pp->kind = PAGE_FREE;
        pp->pid = 0;
        if (pa / PAGESIZE < free_hint) {
            free_hint = pa / PAGESIZE;
        }
    }
}

void kref(uint64_t pa) {
    struct physpage* pp = physpage_of(pa);
    if (!pp || pp->refcount == 0 || pp->refcount == UINT8_MAX) {
        panic("kref of page 0x%lx that cannot take a reference", pa);
    }
    ++pp->refcount;
    ++mm_changes;
}

size_t physpages_free_count(void) {
    size_t n = 0;
    for (size_t i = 0; i < NPAGES_PHYSICAL; ++i) {
        n += physpages[i].kind == PAGE_FREE;
    }
    return n;
}
