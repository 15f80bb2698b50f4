/* vmiter.h: the two page-table iterators. All paging code goes through
 * them; nothing outside mm/ decodes a page-table entry by hand.
 *
 *   vmiter: walks the virtual addresses of one address space, page by
 *           page: what is mapped at va, with what permissions, and maps or
 *           unmaps (allocating intermediate tables as needed).
 *   ptiter: visits the page-table pages of the user half of an address
 *           space, children before parents (so each can be freed as it is
 *           visited); the top-level page is not visited.
 *
 * Typical use:
 *   for (struct vmiter it = vmiter_at(pt, PROC_START_ADDR);
 *        vmiter_va(&it) < MEMSIZE_VIRTUAL; vmiter_next(&it)) { ... } */
#ifndef MM_VMITER_H
#define MM_VMITER_H

#include "abi/memlayout.h"
#include "arch/x86_64/x86.h"

typedef uint64_t pte_t;
typedef struct pagetable {
    pte_t entry[512];
} pagetable;

/* Software bits of a user page's entry (bits 9-11 are the CPU's "available"
 * bits); see mm/uvm.h for what they mean and who sets them. */
#define PTE_COW    0x200UL /* private page shared read-only until written */
#define PTE_SHARED 0x400UL /* MAP_SHARED page: fork shares it as it is */

struct vmiter {
    pagetable* pt;
    uintptr_t va;
    pte_t* pte;    /* entry where the walk stopped (leaf or absent) */
    int level;     /* level of that entry: 1 = 4 KiB leaf ... 4 = top */
    uint64_t perm; /* P|W|U bits granted by every level above pte */
};

struct vmiter vmiter_at(pagetable* pt, uintptr_t va);
void vmiter_find(struct vmiter* it, uintptr_t va);
/* Moves to the next page (va + PAGESIZE, page-aligned). Inline: inside one
 * level-1 table the next entry is simply the next slot (the common case
 * in every loop over an address space); otherwise walk down again. */
static inline void vmiter_next(struct vmiter* it) {
    uintptr_t next = (it->va & ~(PAGESIZE - 1)) + PAGESIZE;
    if (it->level == 1 && (next & (511 * PAGESIZE)) != 0) {
        it->va = next;
        ++it->pte;
        return;
    }
    vmiter_find(it, next);
}

static inline uintptr_t vmiter_va(const struct vmiter* it) {
    return it->va;
}
static inline bool vmiter_present(const struct vmiter* it) {
    return (*it->pte & PTE_P) != 0;
}
/* Effective P|W|U permissions at va, with the leaf's PTE_NX (0 when
 * unmapped). Intermediate entries never carry NX. */
static inline uint64_t vmiter_perm(const struct vmiter* it) {
    return vmiter_present(it)
               ? (it->perm & *it->pte & PTE_PWU) | (*it->pte & PTE_NX)
               : 0;
}
/* Every bit of the entry except the frame address (permissions, software
 * bits, NX), or 0 when unmapped. */
static inline uint64_t vmiter_flags(const struct vmiter* it) {
    return vmiter_present(it) ? (*it->pte & ~PTE_PAMASK) : 0;
}
static inline bool vmiter_writable(const struct vmiter* it) {
    return (vmiter_perm(it) & (PTE_P | PTE_W)) == (PTE_P | PTE_W);
}
static inline bool vmiter_user(const struct vmiter* it) {
    return (vmiter_perm(it) & (PTE_P | PTE_U)) == (PTE_P | PTE_U);
}
/* Physical address mapped at va, or UINT64_MAX when unmapped. */
static inline uint64_t vmiter_pa(const struct vmiter* it) {
    if (!vmiter_present(it)) {
        return UINT64_MAX;
    }
    uint64_t mask = (1UL << (PAGESHIFT + 9 * (it->level - 1))) - 1;
    return (*it->pte & PTE_PAMASK & ~mask) + (it->va & mask);
}
/* Kernel pointer (direct map) to the byte mapped at va, or NULL. */
void* vmiter_kptr(const struct vmiter* it);

/* Maps the page at va to pa with perm (PTE_P|..., software bits 9-11
 * included; perm without PTE_P unmaps; PTE_NX is kept only when the CPU has
 * NX on, else the bit is reserved),
 * allocating missing intermediate tables owned by the same owner as pt's
 * top page. Does not touch the page that was mapped before. Returns 0, or
 * E_NOMEM with nothing mapped when a table could not be allocated. */
int vmiter_try_map(struct vmiter* it, uint64_t pa, uint64_t perm);
/* Makes sure the level-1 table that holds va's entry exists, allocating
 * missing tables as vmiter_try_map does. Returns 0 or E_NOMEM (tables made
 * before the failure stay, empty). Afterwards vmiter_try_map at any va that
 * table covers cannot fail. */
int vmiter_try_prepare(struct vmiter* it);
/* vmiter_try_map that cannot fail (panics), for boot-time kernel maps. */
void vmiter_map(struct vmiter* it, uint64_t pa, uint64_t perm);
/* From its current va (included), moves it to the first page mapped below
 * end, skipping unmapped runs a table (or a whole missing table) at a time.
 * Returns false, with va = end, when there is none. Loop:
 *   for (it = vmiter_at(pt, lo); vmiter_find_present(&it, hi);
 *        vmiter_next(&it)) { ... } */
bool vmiter_find_present(struct vmiter* it, uintptr_t end);
/* The first page-aligned va in [va, end) that a and b map differently
 * (frame or effective P|W|U permissions), or end when they agree on all
 * of it. Compares a table's worth of leaf entries at a time. */
uintptr_t vmiter_first_difference(pagetable* a, pagetable* b, uintptr_t va,
                                  uintptr_t end);
/* Makes dst map [va, end) as src does by copying src's level-1 entries a
 * table's worth at a time (page-aligned; both spaces' intermediate tables
 * grant P|W|U, as every table made here does, so the leaves alone decide
 * the permissions). dst must map nothing there and must not be loaded.
 * Copies frames, not pages: no reference is taken. Returns 0, or E_NOMEM
 * when a table could not be allocated (what was made stays in dst, for the
 * caller to free with dst). */
int vmiter_copy_leaves(pagetable* dst, pagetable* src, uintptr_t va,
                       uintptr_t end);

struct ptiter {
    pagetable* pt;
    uintptr_t limit; /* only tables that map something below this */
    uintptr_t va;    /* lowest va covered by the current table page */
    int level;       /* 1 (maps 4 KiB pages) to 3; 0 when done */
    pte_t* pte;      /* the parent's entry that points to the current page */
};

struct ptiter ptiter_at(pagetable* pt);
/* ptiter_at, visiting only the tables that map addresses below limit
 * (tables above it are not visited at all: callers that need every table,
 * e.g. to free them, must know none exists there). */
struct ptiter ptiter_below(pagetable* pt, uintptr_t limit);
void ptiter_next(struct ptiter* it);
static inline bool ptiter_done(const struct ptiter* it) {
    return it->level == 0;
}
static inline uint64_t ptiter_pa(const struct ptiter* it) {
    return *it->pte & PTE_PAMASK;
}
pagetable* ptiter_kptr(const struct ptiter* it);

#endif
