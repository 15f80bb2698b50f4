/* proc.c: the process table and process life cycle (spawn, end). */
#include "proc/proc.h"

#include "abi/syscall.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/direct.h"
#include "mm/physpages.h"
#include "mm/vm.h"

struct proc procs[NPROC];
struct proc* current;
static void (*all_exited_hook)(void);

void proc_init(void) {
    for (int i = 0; i < NPROC; ++i) {
        memset(&procs[i], 0, sizeof(procs[i]));
        procs[i].pid = i;
        procs[i].state = P_FREE;
    }
    current = NULL;
}

void proc_set_all_exited_hook(void (*hook)(void)) {
    all_exited_hook = hook;
}

/* Before handout step 4 every process has its own slot of the user range,
 * PROC_SIZE bytes from PROC_START_ADDR + (pid - 1) * PROC_SIZE (where the
 * allocators are linked: userland/CMakeLists.txt), its stack at the top. */
#define PROC_SIZE 0x40000UL

/* Maps the user stack page at va for process pid. */
static int map_stack(pagetable* pt, int pid, uintptr_t va) {
    /* STEP 3: virtual page allocation */
    void* page = kalloc_zeroed(PAGE_USER, pid);
    /* STENCIL
    void* page = kalloc_at(va, PAGE_USER, pid);
    END STEP 3 */
    if (!page) {
        return E_NOMEM;
    }
    struct vmiter it = vmiter_at(pt, va);
    if (vmiter_try_map(&it, kva2pa(page), PTE_PWU_NX) != 0) {
        kfree(page);
        return E_NOMEM;
    }
    return 0;
}

int proc_spawn(int pid, const struct boot_module* m) {
    struct proc* p = &procs[pid];
    if (pid <= 0 || pid >= NPROC || p->state != P_FREE) {
        log_printf("spawn: slot %d is not free for '%s'\n", pid, m->name);
        return E_AGAIN;
    }
    pagetable* pt = vm_space_new(pid);
    if (!pt) {
        log_printf("spawn: out of memory for '%s'\n", m->name);
        return E_NOMEM;
    }
    /* STEP 4: overlapping address spaces */
    uintptr_t stack_top = MEMSIZE_VIRTUAL; /* the same in every space */
    /* STENCIL
    uintptr_t stack_top = PROC_START_ADDR + pid * PROC_SIZE;
    END STEP 4 */
    uint64_t entry;
    int r = elf_load(pt, pid, m->name, m->data, m->size, &entry);
    if (r == 0) {
        r = map_stack(pt, pid, stack_top - PAGESIZE);
    }
    if (r != 0) {
        vm_space_free(pt);
        return r;
    }
    memset(&p->regs, 0, sizeof(p->regs));
    p->regs.rip = entry;
    p->regs.rsp = stack_top;
    p->regs.cs = SEG_UCODE;
    p->regs.ss = SEG_UDATA;
    p->regs.rflags = RFLAGS_IF;
    ustate_init(&p->ustate);
    p->pt = pt;
    memcpy(p->name, m->name, sizeof(p->name));
    p->state = P_RUNNABLE;
    log_printf("spawn: pid %d '%s' entry 0x%lx\n", pid, m->name, entry);
    return 0;
}

int proc_live_count(void) {
    int n = 0;
    for (int i = 1; i < NPROC; ++i) {
        n += procs[i].state != P_FREE;
    }
    return n;
}

static void end_quietly(struct proc* p) {
    if (p->state == P_FREE) {
        return;
    }
    /* Never free the page table the CPU is using. */
    if (rcr3() == kva2pa(p->pt)) {
        vm_activate(vm_kernel_pagetable());
    }
    vm_space_free(p->pt);
    proc_ustate_forget(p);
    p->pt = NULL;
    p->log_resume.done = 0;
    p->state = P_FREE;
    if (current == p) {
        current = NULL;
    }
}

void proc_end(struct proc* p) {
    end_quietly(p);
    if (proc_live_count() == 0 && all_exited_hook) {
        all_exited_hook();
    }
}

void proc_end_all(void) {
    for (int i = 1; i < NPROC; ++i) {
        end_quietly(&procs[i]);
    }
}
