/* fork.c: copies a process. Below PROC_START_ADDR the child gets the same
 * kernel mappings as every space; above it, each user page as
 * uvm_fork_page gives it: shared and read-only pages are shared, private
 * writable pages are copied, or shared copy-on-write when that is on. */
#include "abi/syscall.h"
#include "kernel/log.h"
#include "lib/string.h"
#include "mm/physpages.h"
#include "mm/uvm.h"
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

/* Set by the kernel for each scenario (the `cow` word or the cow
 * scenario); read only by proc_fork. */
static bool fork_cow;

void proc_set_fork_cow(bool on) {
    fork_cow = on;
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
    /* Only what is mapped: a small process maps a handful of its 768
     * pages, and whole empty tables are skipped. */
    for (struct vmiter it = vmiter_at(parent->pt, PROC_START_ADDR);
         vmiter_find_present(&it, MEMSIZE_VIRTUAL); vmiter_next(&it)) {
        /* EXTRA cow */
        bool cow = fork_cow;
        /* STENCIL
        bool cow = false;
        END EXTRA cow */
        if (vmiter_user(&it) && uvm_fork_page(cpt, cpid, &it, cow) != 0) {
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
