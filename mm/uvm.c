/* uvm.c: ranges, sharing at fork and copy-on-write (see uvm.h for the
 * reference rule and the meaning of the software PTE bits). */
#include "mm/uvm.h"

#include "abi/memlayout.h"
#include "abi/syscall.h"
#include "lib/string.h"
#include "mm/direct.h"
#include "mm/physpages.h"

/* A page's count never passes NPROC - 1 (one mapping per space). */
_Static_assert(NPROC - 1 < UINT8_MAX, "physpage.refcount is too narrow");

#define LEAF_SPAN (512 * PAGESIZE) /* va covered by one level-1 table */

/* Fresh pages waiting to be mapped, linked through their own first word
 * (a list of up to 767 pointers would not fit on the kernel stack). */
struct page_list {
    void* head;
    void* tail;
};

static void list_push(struct page_list* l, void* page) {
    *(void**) page = NULL;
    if (l->tail) {
        *(void**) l->tail = page;
    } else {
        l->head = page;
    }
    l->tail = page;
}

static void* list_pop(struct page_list* l) {
    void* page = l->head;
    l->head = *(void**) page;
    if (!l->head) {
        l->tail = NULL;
    }
    return page;
}

static void list_free(struct page_list* l) {
    while (l->head) {
        kfree(list_pop(l));
    }
}

/* Every level-1 table the range needs exists afterwards (or E_NOMEM). */
static int prepare_tables(pagetable* pt, uintptr_t va, uintptr_t end) {
    for (uintptr_t a = va; a < end; a = ROUNDDOWN(a, LEAF_SPAN) + LEAF_SPAN) {
        struct vmiter it = vmiter_at(pt, a);
        if (vmiter_try_prepare(&it) != 0) {
            return E_NOMEM;
        }
    }
    return 0;
}

int uvm_map(pagetable* pt, int pid, uintptr_t va, size_t npages,
            uint64_t perm) {
    uintptr_t end = va + npages * PAGESIZE;
    if (prepare_tables(pt, va, end) != 0) {
        return E_NOMEM;
    }
    struct page_list fresh = {NULL, NULL};
    for (size_t i = 0; i < npages; ++i) {
        void* page = kalloc_zeroed(PAGE_USER, pid);
        if (!page) {
            list_free(&fresh);
            return E_NOMEM;
        }
        list_push(&fresh, page);
    }
    /* Nothing can fail from here on: the tables exist. */
    for (struct vmiter it = vmiter_at(pt, va); vmiter_va(&it) < end;
         vmiter_next(&it)) {
        void* page = list_pop(&fresh);
        *(void**) page = NULL; /* the list link; the rest is still zero */
        void* old = vmiter_user(&it) ? vmiter_kptr(&it) : NULL;
        vmiter_map(&it, kva2pa(page), perm);
        kfree(old);
    }
    return 0;
}

uintptr_t uvm_find_free(pagetable* pt, size_t npages) {
    uintptr_t start = PROC_START_ADDR;
    for (struct vmiter it = vmiter_at(pt, PROC_START_ADDR);
         vmiter_va(&it) < USER_STACK_PAGE; vmiter_next(&it)) {
        if (vmiter_present(&it)) {
            start = vmiter_va(&it) + PAGESIZE;
        } else if ((vmiter_va(&it) - start) / PAGESIZE + 1 == npages) {
            return start;
        }
    }
    return 0;
}

int uvm_unmap(pagetable* pt, uintptr_t va) {
    struct vmiter it = vmiter_at(pt, va);
    if (!vmiter_user(&it)) {
        return E_INVAL;
    }
    void* old = vmiter_kptr(&it);
    vmiter_try_map(&it, 0, 0);
    kfree(old);
    return 0;
}

/* The child's own copy of the page src maps, with the same rights. */
static int copy_into(struct vmiter* dst, int cpid, const struct vmiter* src) {
    void* page = kalloc_copy(PAGE_USER, cpid, vmiter_kptr(src));
    if (!page) {
        return E_NOMEM;
    }
    if (vmiter_try_map(dst, kva2pa(page), vmiter_flags(src)) != 0) {
        kfree(page);
        return E_NOMEM;
    }
    return 0;
}

static bool extra_ref_pending;

void uvm_inject_extra_ref(void) {
    extra_ref_pending = true;
}

int uvm_fork_page(pagetable* cpt, int cpid, struct vmiter* src, bool cow) {
    uint64_t flags = vmiter_flags(src);
    uint64_t pa = vmiter_pa(src);
    bool private_writable = (flags & PTE_W) && !(flags & PTE_SHARED);
    struct vmiter dst = vmiter_at(cpt, vmiter_va(src));
    /* STEP 6: shared read-only memory */
    if (private_writable && !cow) {
        /* STENCIL
        if (!(flags & PTE_SHARED) && !cow) {
        END STEP 6 */
        return copy_into(&dst, cpid, src);
    }
    if (private_writable) {
        flags = (flags & ~PTE_W) | PTE_COW;
    }
    if (vmiter_try_map(&dst, pa, flags) != 0) {
        return E_NOMEM;
    }
    kref(pa);
    if (private_writable) {
        vmiter_map(src, pa, flags); /* present: only the entry changes */
        if (extra_ref_pending) {
            extra_ref_pending = false;
            kref(pa);
        }
    }
    return 0;
}

enum uvm_fault uvm_page_fault(pagetable* pt, int pid, uintptr_t va,
                              uint64_t err) {
    const uint64_t want = PFERR_PRESENT | PFERR_WRITE | PFERR_USER;
    if ((err & want) != want || va < PROC_START_ADDR || va >= MEMSIZE_VIRTUAL) {
        return UVM_FAULT_REAL;
    }
    struct vmiter it = vmiter_at(pt, ROUNDDOWN(va, PAGESIZE));
    uint64_t flags = vmiter_flags(&it);
    if (!vmiter_user(&it) || !(flags & PTE_COW)) {
        return UVM_FAULT_REAL;
    }
    flags = (flags & ~PTE_COW) | PTE_W;
    uint64_t pa = vmiter_pa(&it);
    if (physpage_of(pa)->refcount == 1) {
        vmiter_map(&it, pa, flags); /* the last owner: no copy */
        return UVM_FAULT_RESOLVED;
    }
    void* copy = kalloc_copy(PAGE_USER, pid, pa2kva(pa));
    if (!copy) {
        return UVM_FAULT_NOMEM;
    }
    vmiter_map(&it, kva2pa(copy), flags);
    kfree(pa2kva(pa));
    return UVM_FAULT_RESOLVED;
}
