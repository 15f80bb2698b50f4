/* fork.c: copies a process. Below PROC_START_ADDR the child gets the same
 * kernel mappings as every space; above it, a private copy of every
 * writable user page and a shared reference to every read-only one. */
#include "abi/syscall.h"
#include "kernel/log.h"
#include "lib/string.h"
#include "mm/direct.h"
#include "mm/physpages.h"
#include "mm/vm.h"
#include "proc/proc.h"

static int free_slot(void) {
    for (int pid = 1; pid < NPROC; ++pid) {
        if (procs[pid].state == P_FREE) {
            return pid;
        }
    }
    return E_AGAIN;
}

/* Makes the child's mapping at va. On failure nothing new is mapped or
 * referenced at va. */
static int copy_page(pagetable* cpt, int cpid, const struct vmiter* src) {
    struct vmiter dst = vmiter_at(cpt, vmiter_va(src));
    uint64_t perm = vmiter_perm(src);
    if (!(perm & PTE_W)) {
        if (vmiter_try_map(&dst, vmiter_pa(src), perm) != 0) {
            return E_NOMEM;
        }
        kref(vmiter_pa(src));
        return 0;
    }
    void* page = kalloc(PAGE_USER, cpid);
    if (!page) {
        return E_NOMEM;
    }
    memcpy(page, vmiter_kptr(src), PAGESIZE);
    if (vmiter_try_map(&dst, kva2pa(page), perm) != 0) {
        kfree(page);
        return E_NOMEM;
    }
    return 0;
}

static int out_of_memory(const struct proc* parent, uint64_t first_kalloc) {
    log_printf("fork: pid %d: out of memory (kallocs %lu-%lu)\n", parent->pid,
               first_kalloc, kalloc_count());
    return E_NOMEM;
}

int proc_fork(struct proc* parent) {
    int cpid = free_slot();
    if (cpid < 0) {
        return E_AGAIN;
    }
    uint64_t first_kalloc = kalloc_count() + 1;
    pagetable* cpt = vm_space_new(cpid);
    if (!cpt) {
        return out_of_memory(parent, first_kalloc);
    }
    for (struct vmiter it = vmiter_at(parent->pt, PROC_START_ADDR);
         vmiter_va(&it) < MEMSIZE_VIRTUAL; vmiter_next(&it)) {
        if (vmiter_user(&it) && copy_page(cpt, cpid, &it) != 0) {
            vm_space_free(cpt);
            return out_of_memory(parent, first_kalloc);
        }
    }
    struct proc* c = &procs[cpid];
    c->pt = cpt;
    c->regs = parent->regs;
    c->regs.rax = 0;
    proc_ustate_copy(c, parent);
    memcpy(c->name, parent->name, sizeof(c->name));
    c->state = P_RUNNABLE;
    log_printf("fork: pid %d -> pid %d (kallocs %lu-%lu)\n", parent->pid, cpid,
               first_kalloc, kalloc_count());
    return cpid;
}
