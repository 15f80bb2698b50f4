/* vmiter.c: the page-table iterators (see vmiter.h for the contract). */
#include "mm/vmiter.h"

#include "abi/memlayout.h"
#include "abi/syscall.h"
#include "arch/x86_64/cpu.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/direct.h"
#include "mm/physpages.h"

/* Bytes covered by one entry at level (1 = 4 KiB ... 4 = 512 GiB). */
static inline int entry_shift(int level) {
    return PAGESHIFT + 9 * (level - 1);
}
static inline unsigned entry_index(uintptr_t va, int level) {
    return (va >> entry_shift(level)) & 511;
}
static inline pagetable* entry_table(pte_t e) {
    return pa2kva(e & PTE_PAMASK);
}
/* User half only: the upper half holds the kernel's shared direct map. */
#define USER_TOP_ENTRIES 256

struct vmiter vmiter_at(pagetable* pt, uintptr_t va) {
    struct vmiter it = {.pt = pt};
    vmiter_find(&it, va);
    return it;
}

void vmiter_find(struct vmiter* it, uintptr_t va) {
    pagetable* t = it->pt;
    uint64_t perm = PTE_PWU;
    it->va = va;
    for (int level = 4;; --level) {
        pte_t* e = &t->entry[entry_index(va, level)];
        if (level == 1 || !(*e & PTE_P) || (*e & PTE_PS)) {
            it->pte = e;
            it->level = level;
            it->perm = perm;
            return;
        }
        perm &= *e & PTE_PWU;
        t = entry_table(*e);
    }
}

void* vmiter_kptr(const struct vmiter* it) {
    uint64_t pa = vmiter_pa(it);
    return pa == UINT64_MAX ? NULL : pa2kva(pa);
}

/* Intermediate tables belong to whoever owns the top-level page. */
static pagetable* new_table(const pagetable* top) {
    const struct physpage* pp = physpage_of(kva2pa(top));
    if (!pp || pp->kind != PAGE_PAGETABLE) {
        panic("page table at %p needs a new table but has no owner", top);
    }
    return kalloc_zeroed(PAGE_PAGETABLE, pp->pid);
}

static void flush_if_active(const struct vmiter* it, uintptr_t va) {
    if (rcr3() == kva2pa(it->pt)) {
        invlpg(va);
    }
}

/* The level-1 entry for va in pt, making missing intermediate tables (which
 * grant P|W|U: the leaf alone limits access). NULL when a table could not
 * be allocated; the tables made so far stay (empty, owned by pt's owner). */
static pte_t* leaf_entry(pagetable* pt, uintptr_t va) {
    pagetable* t = pt;
    for (int level = 4; level > 1; --level) {
        pte_t* e = &t->entry[entry_index(va, level)];
        if (*e & PTE_PS) {
            panic("cannot map 4 KiB at 0x%lx inside a large page", va);
        }
        if (!(*e & PTE_P)) {
            pagetable* n = new_table(pt);
            if (!n) {
                return NULL;
            }
            *e = kva2pa(n) | PTE_PWU;
        }
        t = entry_table(*e);
    }
    return &t->entry[entry_index(va, 1)];
}

int vmiter_try_prepare(struct vmiter* it) {
    if (!leaf_entry(it->pt, ROUNDDOWN(it->va, PAGESIZE))) {
        return E_NOMEM;
    }
    vmiter_find(it, it->va);
    return 0;
}

int vmiter_try_map(struct vmiter* it, uint64_t pa, uint64_t perm) {
    uintptr_t va = ROUNDDOWN(it->va, PAGESIZE);
    if (!(perm & PTE_P)) {
        if (it->level > 1 && vmiter_present(it)) {
            panic("cannot unmap 4 KiB at 0x%lx inside a large page", va);
        }
        if (it->level == 1 && vmiter_present(it)) {
            *it->pte = 0;
            ++mm_changes;
            flush_if_active(it, va);
        }
        return 0;
    }
    pte_t* e = leaf_entry(it->pt, va);
    if (!e) {
        return E_NOMEM;
    }
    uint64_t nx = cpu_nx ? (perm & PTE_NX) : 0;
    *e = (pa & PTE_PAMASK) | (perm & 0xFFF) | nx;
    ++mm_changes;
    flush_if_active(it, va);
    vmiter_find(it, it->va);
    return 0;
}

void vmiter_map(struct vmiter* it, uint64_t pa, uint64_t perm) {
    if (vmiter_try_map(it, pa, perm) != 0) {
        panic("out of memory mapping 0x%lx", it->va);
    }
}

/* Bytes mapped by one level-1 table. */
#define L1_SPAN (512 * PAGESIZE)

/* The end of the level-1 table's span that holds va, or end if sooner:
 * where a table-at-a-time loop stops with the current table. */
static uintptr_t table_stop(uintptr_t va, uintptr_t end) {
    uintptr_t stop = ROUNDDOWN(va, L1_SPAN) + L1_SPAN;
    return stop < end ? stop : end;
}

int vmiter_copy_leaves(pagetable* dst, pagetable* src, uintptr_t va,
                       uintptr_t end) {
    va = ROUNDDOWN(va, PAGESIZE);
    while (va < end) {
        uintptr_t stop = table_stop(va, end);
        struct vmiter s = vmiter_at(src, va);
        if (s.level == 1) {
            pte_t* d = leaf_entry(dst, va);
            if (!d) {
                return E_NOMEM;
            }
            memcpy(d, s.pte, (stop - va) / PAGESIZE * sizeof(pte_t));
            ++mm_changes;
        } else if (vmiter_present(&s)) {
            panic("cannot copy 4 KiB leaves at 0x%lx inside a large page", va);
        }
        va = stop;
    }
    return 0;
}

/* Same frame and same P|W|U bits (accessed/dirty and the like ignored). */
static bool same_leaf(pte_t x, pte_t y) {
    const pte_t mask = PTE_PAMASK | PTE_PWU;
    return (!(x & PTE_P) && !(y & PTE_P)) || (x & mask) == (y & mask);
}

uintptr_t vmiter_first_difference(pagetable* a, pagetable* b, uintptr_t va,
                                  uintptr_t end) {
    va = ROUNDDOWN(va, PAGESIZE);
    while (va < end) {
        uintptr_t stop = table_stop(va, end);
        struct vmiter x = vmiter_at(a, va), y = vmiter_at(b, va);
        bool fast = x.level == 1 && y.level == 1 && x.perm == y.perm;
        for (; va < stop; va += PAGESIZE) {
            bool same;
            if (fast) {
                same = same_leaf(*x.pte++, *y.pte++);
            } else {
                vmiter_find(&x, va);
                vmiter_find(&y, va);
                same = vmiter_pa(&x) == vmiter_pa(&y) &&
                       vmiter_perm(&x) == vmiter_perm(&y);
            }
            if (!same) {
                return va;
            }
        }
    }
    return end;
}

bool vmiter_find_present(struct vmiter* it, uintptr_t end) {
    while (it->va < end) {
        if (vmiter_present(it)) {
            return true;
        }
        uintptr_t next;
        if (it->level == 1) {
            /* Scan the rest of this table without walking down again. */
            uintptr_t va = ROUNDDOWN(it->va, PAGESIZE) + PAGESIZE;
            pte_t* e = it->pte + 1;
            for (; entry_index(va, 1) != 0 && va < end; va += PAGESIZE, ++e) {
                if (*e & PTE_P) {
                    it->va = va;
                    it->pte = e;
                    return true;
                }
            }
            next = va;
        } else {
            /* Nothing below this entry: skip all that it would map. */
            uintptr_t span = 1UL << entry_shift(it->level);
            next = ROUNDDOWN(it->va, span) + span;
        }
        if (next <= it->va) {
            break; /* wrapped past the top of the address space */
        }
        vmiter_find(it, next);
    }
    it->va = end;
    return false;
}

/* ptiter: post-order over the table pages below the top page. The current
 * page is the level-`level` table covering [va, va + its span), pointed to
 * by *pte in its parent (a level `level + 1` table). */

static bool entry_is_table(pte_t e, int level) {
    return level > 1 && (e & PTE_P) && !(e & PTE_PS);
}

/* The level-`level` table covering va, which must exist. */
static pagetable* table_at(pagetable* top, uintptr_t va, int level) {
    pagetable* t = top;
    for (int l = 4; l > level; --l) {
        t = entry_table(t->entry[entry_index(va, l)]);
    }
    return t;
}

/* Makes the current page the first page, in post-order, among the subtrees
 * of the level-`plevel` table covering va, starting at va's entry. */
static bool first_from(struct ptiter* it, int plevel, uintptr_t va) {
    pagetable* t = table_at(it->pt, va, plevel);
    unsigned end = plevel == 4 ? USER_TOP_ENTRIES : 512;
    uintptr_t span = 1UL << entry_shift(plevel);
    uintptr_t base = ROUNDDOWN(va, span * 512);
    /* Only entries that map something below the limit. */
    if (it->limit <= base) {
        return false;
    }
    if ((it->limit - base + span - 1) / span < end) {
        end = (unsigned) ((it->limit - base + span - 1) / span);
    }
    for (unsigned i = entry_index(va, plevel); i < end; ++i) {
        if (!entry_is_table(t->entry[i], plevel)) {
            continue;
        }
        uintptr_t cva = base + i * span;
        if (plevel - 1 > 1 && first_from(it, plevel - 1, cva)) {
            return true;
        }
        it->va = cva;
        it->level = plevel - 1;
        it->pte = &t->entry[i];
        return true;
    }
    return false;
}

struct ptiter ptiter_below(pagetable* pt, uintptr_t limit) {
    struct ptiter it = {.pt = pt, .level = 0, .limit = limit};
    first_from(&it, 4, 0);
    return it;
}

struct ptiter ptiter_at(pagetable* pt) {
    return ptiter_below(pt, (uintptr_t) USER_TOP_ENTRIES << entry_shift(4));
}

void ptiter_next(struct ptiter* it) {
    int plevel = it->level + 1;
    uintptr_t span = 1UL << entry_shift(plevel);
    uintptr_t next = it->va + span;
    bool same_parent =
        ROUNDDOWN(next, span * 512) == ROUNDDOWN(it->va, span * 512);
    if (plevel == 4) {
        same_parent = entry_index(next, 4) < USER_TOP_ENTRIES;
    }
    if (same_parent && first_from(it, plevel, next)) {
        return;
    }
    if (plevel == 4) {
        it->level = 0;
        return;
    }
    /* Children done: the parent table itself comes next. */
    uintptr_t pspan = 1UL << entry_shift(plevel + 1);
    it->va = ROUNDDOWN(it->va, pspan);
    it->level = plevel;
    pagetable* gp = table_at(it->pt, it->va, plevel + 1);
    it->pte = &gp->entry[entry_index(it->va, plevel + 1)];
}

pagetable* ptiter_kptr(const struct ptiter* it) {
    return entry_table(*it->pte);
}
