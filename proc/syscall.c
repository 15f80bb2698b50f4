/* syscall.c: system call dispatch (SPEC section 8). One table maps each
 * number to its handler. A handler returns the result for %rax, or does not
 * return at all (exit, yield, sleep, kill of itself). Every user pointer
 * and address is checked against the caller's page table first. */
#include "abi/syscall.h"

#include "kernel/console.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/direct.h"
#include "mm/physpages.h"
#include "mm/vm.h"
#include "proc/proc.h"

typedef int64_t (*syscall_fn)(struct proc* p);

#define ARG0(p) ((p)->regs.rdi)
#define ARG1(p) ((p)->regs.rsi)

static int64_t sys_getpid(struct proc* p) {
    return p->pid;
}

static int64_t sys_yield(struct proc* p) {
    p->regs.rax = 0;
    schedule();
}

/* Copies a NUL-terminated user string of at most size-1 characters. */
static bool copy_user_string(struct proc* p, uintptr_t va, char* buf,
                             size_t size) {
    size_t n = 0;
    for (; n + 1 < size; ++n, ++va) {
        struct vmiter it = vmiter_at(p->pt, va);
        if (va >= MEMSIZE_VIRTUAL || !vmiter_user(&it)) {
            return false;
        }
        buf[n] = *(const char*) vmiter_kptr(&it);
        if (!buf[n]) {
            return true;
        }
    }
    buf[n] = '\0';
    return true;
}

static int64_t sys_panic(struct proc* p) {
    char msg[160];
    if (!copy_user_string(p, ARG0(p), msg, sizeof(msg))) {
        memcpy(msg, "(unreadable message)", 21);
    }
    log_printf("USER PANIC: %s (pid %d)\n", msg, p->pid);
    console_message(ROW_MESSAGE, COLOR_ERROR, "USER PANIC: %s", msg);
    system_fail();
}

static bool user_page_addr_ok(uintptr_t va) {
    return PAGE_ALIGNED(va) && va >= PROC_START_ADDR && va < MEMSIZE_VIRTUAL;
}

static int64_t sys_page_alloc(struct proc* p) {
    uintptr_t va = ARG0(p);
    if (!user_page_addr_ok(va)) {
        return E_INVAL;
    }
    void* page = kalloc_zeroed(PAGE_USER, p->pid);
    if (!page) {
        return E_NOMEM;
    }
    struct vmiter it = vmiter_at(p->pt, va);
    void* old = vmiter_user(&it) ? vmiter_kptr(&it) : NULL;
    if (vmiter_try_map(&it, kva2pa(page), PTE_PWU) != 0) {
        kfree(page);
        return E_NOMEM;
    }
    kfree(old);
    return 0;
}

static int64_t sys_fork(struct proc* p) {
    return proc_fork(p);
}

static int64_t sys_exit(struct proc* p) {
    log_printf("exit: pid %d status %ld\n", p->pid, (int64_t) ARG0(p));
    proc_end(p);
    schedule();
}

static int64_t sys_kill(struct proc* p) {
    int64_t pid = (int64_t) ARG0(p);
    if (pid == 0) {
        return E_INVAL;
    }
    if (pid < 0 || pid >= NPROC || procs[pid].state == P_FREE) {
        return E_SRCH;
    }
    log_printf("kill: pid %ld by pid %d\n", pid, p->pid);
    proc_end(&procs[pid]);
    if (pid == p->pid) {
        schedule();
    }
    return 0;
}

static int64_t sys_sleep(struct proc* p) {
    p->wake_tick = ticks + ARG0(p);
    p->state = P_BLOCKED;
    p->regs.rax = 0;
    schedule();
}

static int64_t sys_page_free(struct proc* p) {
    uintptr_t va = ARG0(p);
    if (!user_page_addr_ok(va)) {
        return E_INVAL;
    }
    struct vmiter it = vmiter_at(p->pt, va);
    if (!vmiter_user(&it)) {
        return E_INVAL;
    }
    void* old = vmiter_kptr(&it);
    vmiter_try_map(&it, 0, 0);
    kfree(old);
    return 0;
}

static int64_t sys_log(struct proc* p) {
    uintptr_t va = ARG0(p);
    size_t len = ARG1(p);
    if (!vm_user_access_ok(p->pt, va, len, false)) {
        return E_FAULT;
    }
    for (size_t off = 0; off < len;) {
        struct vmiter it = vmiter_at(p->pt, va + off);
        size_t n = PAGESIZE - ((va + off) % PAGESIZE);
        if (n > len - off) {
            n = len - off;
        }
        log_write(vmiter_kptr(&it), n);
        off += n;
    }
    return (int64_t) len;
}

static int64_t sys_ticks(struct proc* p) {
    (void) p;
    return (int64_t) ticks;
}

static const syscall_fn syscalls[SYS_COUNT] = {
    [SYS_GETPID] = sys_getpid,       [SYS_YIELD] = sys_yield,
    [SYS_PANIC] = sys_panic,         [SYS_PAGE_ALLOC] = sys_page_alloc,
    [SYS_FORK] = sys_fork,           [SYS_EXIT] = sys_exit,
    [SYS_KILL] = sys_kill,           [SYS_SLEEP] = sys_sleep,
    [SYS_PAGE_FREE] = sys_page_free, [SYS_LOG] = sys_log,
    [SYS_TICKS] = sys_ticks,
};

_Noreturn void syscall_entry_c(struct regs* r) {
    struct proc* p = current;
    p->regs = *r;
    uint64_t nr = r->rax;
    int64_t result;
    if (nr < SYS_COUNT && syscalls[nr]) {
        result = syscalls[nr](p);
    } else {
        log_printf("syscall: pid %d: unknown number %lu\n", p->pid, nr);
        result = E_NOSYS;
    }
    p->regs.rax = (uint64_t) result;
    proc_run(p);
}
