/* memcheck.c: checks the kernel's page bookkeeping against the page
 * tables themselves. For every physical page it counts who really refers to
 * it, then compares with physpages[]:
 * - no user mapping of page 0, a reserved, kernel or free page;
 * - the low megabyte of every space maps exactly what the kernel maps;
 * - a user page's refcount equals its number of mappings (0: leaked), for
 *   copy-on-write and shared pages too;
 * - a private writable page is mapped once; a copy-on-write entry is
 *   read-only and not also MAP_SHARED (mm/uvm.h);
 * - a page-table page is used exactly once, by the process that owns it.
 *
 * One more state is legal, the stencil's before handout step 2: processes
 * whose pt is the kernel's own table (vm_space_new hands it out). That
 * table is checked once, however many share it: every entry in user space
 * maps its own address (pa == va, as before step 3); a user page there
 * belongs to a live process that shares the table; anything else there is
 * the kernel's identity mapping of its own, a free or a reserved page, user
 * accessible or not (the handout's initial state). A process with a table
 * of its own gets none of this. */
#include "kernel/memviewer.h"

#include "lib/string.h"
#include "mm/direct.h"
#include "mm/physpages.h"
#include "mm/vm.h"
#include "proc/proc.h"

static int errors;

static void fail(struct pagefacts* f, uint64_t pa, const char* what, int pid) {
    if (errors++ == 0) {
        memviewer_error("%s 0x%lx (pid %d)", what, pa, pid);
    }
    if (pa < MEMSIZE_PHYSICAL) {
        f[pa / PAGESIZE].error = true;
    }
}

static void note_table(struct pagefacts* f, uint64_t pa, int pid) {
    const struct physpage* pp = physpage_of(pa);
    if (!pp || pp->kind != PAGE_PAGETABLE || pp->pid != pid) {
        fail(f, pa, "page-table page not owned by its process:", pid);
        return;
    }
    ++f[pa / PAGESIZE].tables;
    f[pa / PAGESIZE].pid = (uint8_t) pid;
}

/* Inlined into both walks, as it was when walk_process was its only
 * caller: the viewer runs memcheck at every repaint, which the timer tick
 * benchmark counts, and a call per mapped page showed there. */
static inline __attribute__((always_inline)) void
check_user_mapping(struct pagefacts* f, const struct vmiter* it, int pid) {
    uint64_t pa = vmiter_pa(it);
    const struct physpage* pp = physpage_of(pa);
    if (!vmiter_user(it)) {
        fail(f, vmiter_va(it), "kernel-only mapping in user space at va", pid);
    } else if (!pp || pa == 0 || pp->kind != PAGE_USER) {
        fail(f, pa,
             pp && pp->kind == PAGE_FREE ? "user mapping of free page"
                                         : "user mapping of non-user page",
             pid);
    } else {
        uint64_t flags = vmiter_flags(it);
        if ((flags & PTE_COW) && (flags & (PTE_W | PTE_SHARED))) {
            fail(f, vmiter_va(it), "writable or shared copy-on-write at va",
                 pid);
        }
        if ((flags & PTE_W) && !(flags & PTE_SHARED)) {
            ++f[pa / PAGESIZE].private_writable;
        }
        ++f[pa / PAGESIZE].mappings;
        f[pa / PAGESIZE].pid = (uint8_t) pid;
    }
}

/* Whether a live process uses the kernel's table as its own. */
static bool shares_kernel_table(int pid) {
    return pid > 0 && pid < NPROC && procs[pid].state != P_FREE &&
           procs[pid].pt == vm_kernel_pagetable();
}

/* The kernel's table, as the space that processes share before step 2. */
static void walk_shared(struct pagefacts* f) {
    pagetable* kpt = vm_kernel_pagetable();
    for (struct ptiter it = ptiter_below(kpt, MEMSIZE_VIRTUAL);
         !ptiter_done(&it); ptiter_next(&it)) {
        const struct physpage* pp = physpage_of(ptiter_pa(&it));
        if (!pp || pp->kind != PAGE_KERNEL) {
            fail(f, ptiter_pa(&it), "kernel table uses a non-kernel page:", 0);
        }
    }
    for (struct vmiter it = vmiter_at(kpt, PROC_START_ADDR);
         vmiter_find_present(&it, MEMSIZE_VIRTUAL); vmiter_next(&it)) {
        uint64_t pa = vmiter_pa(&it);
        const struct physpage* pp = physpage_of(pa);
        if (pa != vmiter_va(&it) || !pp) {
            fail(f, vmiter_va(&it), "shared kernel table: not identity at va",
                 0);
        } else if (pp->kind != PAGE_USER) {
            continue; /* the kernel's own identity mapping */
        } else if (!shares_kernel_table(pp->pid)) {
            fail(f, pa,
                 "user page of no process in the kernel table:", pp->pid);
        } else {
            check_user_mapping(f, &it, pp->pid);
        }
    }
}

static void walk_process(struct pagefacts* f, const struct proc* p) {
    note_table(f, kva2pa(p->pt), p->pid);
    /* Tables that map nothing below MEMSIZE_VIRTUAL are not visited: if
     * one existed, check_counts would report it as leaked. */
    for (struct ptiter it = ptiter_below(p->pt, MEMSIZE_VIRTUAL);
         !ptiter_done(&it); ptiter_next(&it)) {
        note_table(f, ptiter_pa(&it), p->pid);
    }
    if (p->pt->entry[256] != vm_kernel_pagetable()->entry[256]) {
        fail(f, kva2pa(p->pt), "direct map missing in page table", p->pid);
    }
    uintptr_t low = vm_low_difference(p->pt);
    if (low < PROC_START_ADDR) {
        fail(f, low, "kernel mapping differs at va", p->pid);
    }
    for (struct vmiter it = vmiter_at(p->pt, PROC_START_ADDR);
         vmiter_find_present(&it, MEMSIZE_VIRTUAL); vmiter_next(&it)) {
        check_user_mapping(f, &it, p->pid);
    }
}

static void check_counts(struct pagefacts* f) {
    for (size_t pn = 0; pn < NPAGES_PHYSICAL; ++pn) {
        const struct physpage* pp = &physpages[pn];
        uint64_t pa = pn * PAGESIZE;
        if (pp->kind == PAGE_USER) {
            if (f[pn].mappings == 0) {
                fail(f, pa, "leaked user page", pp->pid);
            } else if (pp->refcount != f[pn].mappings) {
                fail(f, pa, "refcount differs from mappings for page", pp->pid);
            } else if (f[pn].private_writable && f[pn].mappings > 1) {
                fail(f, pa, "private writable page mapped twice:", pp->pid);
            }
        } else if (pp->kind == PAGE_PAGETABLE) {
            if (f[pn].tables == 0) {
                fail(f, pa, "leaked page-table page", pp->pid);
            } else if (f[pn].tables != 1 || pp->refcount != 1) {
                fail(f, pa, "page-table page shared", pp->pid);
            }
        }
    }
}

int memcheck(struct pagefacts facts[NPAGES_PHYSICAL]) {
    errors = 0;
    memset(facts, 0, sizeof(struct pagefacts) * NPAGES_PHYSICAL);
    /* The kernel's table fetched once: the viewer runs this often. */
    const pagetable* kpt = vm_kernel_pagetable();
    bool shared = false;
    for (int i = 1; i < NPROC; ++i) {
        if (procs[i].state == P_FREE) {
            continue;
        } else if (procs[i].pt == kpt) {
            shared = true;
        } else {
            walk_process(facts, &procs[i]);
        }
    }
    if (shared) {
        walk_shared(facts);
    }
    check_counts(facts);
    return errors;
}
