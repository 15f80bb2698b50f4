/* uvm.h: user pages beyond one page at a time. Maps ranges all or nothing,
 * unmaps single pages, finds free runs, shares pages with a child at fork
 * (shared, read-only or copy-on-write) and resolves copy-on-write faults.
 *
 * Reference rule (see physpages.h): a user page's refcount is exactly the
 * number of user page-table entries that map it, over every address space.
 * Whoever removes a mapping drops one reference (kfree); whoever adds one
 * raises it (kref). A page is mapped at most once per address space, so a
 * count never exceeds NPROC - 1 (it fits physpage.refcount).
 *
 * What an entry's bits say about its page:
 *   PTE_SHARED      a MAP_SHARED page; fork maps the same frame in the child
 *                   with the same rights (writable stays writable).
 *   PTE_COW         a private page that was writable and is now shared
 *                   read-only by every mapping; the first write copies it,
 *                   or makes it writable again for its last owner.
 *   neither, no W   a read-only private page (code, rodata, PROT_READ);
 *                   fork shares it read-only; a write is a real fault.
 *   neither, W      a private writable page, mapped exactly once. */
#ifndef MM_UVM_H
#define MM_UVM_H

#include "mm/vmiter.h"

/* Maps npages fresh zeroed pages from va (page-aligned, all of the range in
 * user space: the caller validates) in pt, owned by pid, with perm
 * (PTE_P|PTE_U, optionally PTE_W, PTE_SHARED), replacing whatever was
 * mapped there (one reference dropped each). All or nothing: returns 0, or
 * E_NOMEM with every existing mapping unchanged and every page it took
 * freed; page-table pages it added stay (empty) until the space is freed. */
int uvm_map(pagetable* pt, int pid, uintptr_t va, size_t npages, uint64_t perm);

/* The lowest va in [PROC_START_ADDR, USER_STACK_PAGE) with npages unmapped
 * pages from va on, all below USER_STACK_PAGE; 0 when there is none. */
uintptr_t uvm_find_free(pagetable* pt, size_t npages);

/* Unmaps the user page at va (page-aligned), dropping one reference.
 * Returns 0, or E_INVAL when no user page is mapped there. */
int uvm_unmap(pagetable* pt, uintptr_t va);

/* Gives the child space cpt (of process cpid) the page that src, an
 * iterator on the parent's space at a user page, maps: a shared or
 * read-only page maps the same frame; a private writable page becomes
 * copy-on-write in parent and child when cow is set, and is copied
 * otherwise. Returns 0, or E_NOMEM with nothing new mapped or referenced
 * in the child (the parent's page may stay copy-on-write, which is still
 * correct: its last owner's write makes it writable without a copy). */
int uvm_fork_page(pagetable* cpt, int cpid, struct vmiter* src, bool cow);

/* Test hook: the next copy-on-write share takes one reference too many,
 * so the page checker must report the count (kernel word krefbug). */
void uvm_inject_extra_ref(void);

enum uvm_fault {
    UVM_FAULT_RESOLVED, /* the access can be retried */
    UVM_FAULT_REAL,     /* a genuine protection or missing-page fault */
    UVM_FAULT_NOMEM,    /* a copy-on-write copy found no free page */
};
/* Decides what a user-mode page fault at va with error code err means in
 * pt (the space of process pid, loaded): a write to a copy-on-write page is
 * resolved by copying it (the copy owned by pid, one reference to the old
 * frame dropped) or, when pt holds the last reference, by making it
 * writable again. Anything else is UVM_FAULT_REAL. On UVM_FAULT_NOMEM
 * nothing changed. */
enum uvm_fault uvm_page_fault(pagetable* pt, int pid, uintptr_t va,
                              uint64_t err);

#endif
