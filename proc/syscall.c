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
#include "mm/uvm.h"
#include "mm/vm.h"
#include "proc/proc.h"

typedef int64_t (*syscall_fn)(struct proc* p);
struct syscall_desc {
    syscall_fn fn;
    bool stays; /* see syscall_table */
};

#define ARG0(p) ((p)->regs.rdi)
#define ARG1(p) ((p)->regs.rsi)
#define ARG2(p) ((p)->regs.rdx)
#define ARG3(p) ((p)->regs.r10)

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
    char raw[160], msg[160];
    if (!copy_user_string(p, ARG0(p), raw, sizeof(raw))) {
        memcpy(raw, "(unreadable message)", 21);
    }
    /* Control bytes would forge lines in the log or draw on the screen. */
    log_escape(msg, sizeof(msg), raw);
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
    return uvm_map(p->pt, p->pid, va, 1, PTE_PWU_NX);
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

/* A wake tick past 2^64 - 1 saturates to SLEEP_FOREVER: such a sleep never
 * ends by itself (kill still ends the process). sleep(0) returns at once. */
static int64_t sys_sleep(struct proc* p) {
    uint64_t n = ARG0(p);
    if (n == 0) {
        return 0;
    }
    uint64_t now = ticks;
    p->wake_tick = n > SLEEP_FOREVER - now ? SLEEP_FOREVER : now + n;
    p->state = P_BLOCKED;
    p->regs.rax = 0;
    schedule();
}

static int64_t sys_page_free(struct proc* p) {
    uintptr_t va = ARG0(p);
    if (!user_page_addr_ok(va)) {
        return E_INVAL;
    }
    return uvm_unmap(p->pt, va);
}

/* The page-table rights map(prot, flags) asks for (data: never executable),
 * or 0 when prot or flags hold anything SPEC section 8 does not allow (in
 * any of the 64 bits). */
static uint64_t map_perm(uint64_t prot, uint64_t flags) {
    if ((prot != PROT_READ && prot != (PROT_READ | PROT_WRITE)) ||
        (flags & ~(uint64_t) MAP_SHARED)) {
        return 0;
    }
    return PTE_P | PTE_U | PTE_NX | ((prot & PROT_WRITE) ? PTE_W : 0) |
           ((flags & MAP_SHARED) ? PTE_SHARED : 0);
}

static int64_t sys_map(struct proc* p) {
    uintptr_t va = ARG0(p);
    uint64_t len = ARG1(p);
    uint64_t perm = map_perm(ARG2(p), ARG3(p));
    if (!perm || len == 0 || !PAGE_ALIGNED(len)) {
        return E_INVAL;
    }
    if (va && (!user_page_addr_ok(va) || len > MEMSIZE_VIRTUAL - va)) {
        return E_INVAL;
    }
    if (!va && !(va = uvm_find_free(p->pt, len / PAGESIZE))) {
        return E_NOMEM;
    }
    uint64_t first_kalloc = kalloc_count() + 1;
    int r = uvm_map(p->pt, p->pid, va, len / PAGESIZE, perm);
    if (r != 0) {
        log_printf("map: pid %d: out of memory (kallocs %lu-%lu)\n", p->pid,
                   first_kalloc, kalloc_count());
        return r;
    }
    log_printf("map: pid %d 0x%lx +%lu pages (kallocs %lu-%lu)\n", p->pid, va,
               len / PAGESIZE, first_kalloc, kalloc_count());
    return (int64_t) va;
}

/* Bytes one log() call writes at most. The kernel runs with interrupts
 * off and the serial port is polled, so this bounds how long one call
 * holds the CPU: 256 bytes, escaped at worst to 1 KiB, take about 90 ms
 * on a real 16550 at 115200 baud (22 ms without escapes). */
#define LOG_CALL_MAX 256

/* log(buf, len): the whole buffer must be readable (else E_FAULT); writes
 * its first min(len, LOG_CALL_MAX) bytes and returns that count, as a
 * write() would: callers loop for the rest. */
static int64_t sys_log(struct proc* p) {
    uintptr_t va = ARG0(p);
    size_t len = ARG1(p);
    if (!vm_user_access_ok(p->pt, va, len, false)) {
        return E_FAULT;
    }
    if (len > LOG_CALL_MAX) {
        len = LOG_CALL_MAX;
    }
    for (size_t off = 0; off < len;) {
        struct vmiter it = vmiter_at(p->pt, va + off);
        size_t n = PAGESIZE - ((va + off) % PAGESIZE);
        if (n > len - off) {
            n = len - off;
        }
        log_user_write(p->pid, vmiter_kptr(&it), n);
        off += n;
    }
    return (int64_t) len;
}

static int64_t sys_ticks(struct proc* p) {
    (void) p;
    return (int64_t) ticks;
}

/* The one table of system calls. `stays` marks a handler that always
 * returns to its caller, never switches or ends a process, and reads
 * nothing of p->regs but its arguments (rdi, rsi, rdx, r10, r8): for those
 * entry.asm takes a light path that saves only the registers C may
 * clobber, stores the arguments into p->regs, calls the handler and
 * returns with sysretq; every other call saves the whole frame. fork is
 * not light: the child starts from a copy of the parent's whole frame. */
const struct syscall_desc syscall_table[SYS_COUNT] = {
    [SYS_GETPID] = {sys_getpid, true},
    [SYS_YIELD] = {sys_yield, false},
    [SYS_PANIC] = {sys_panic, false},
    [SYS_PAGE_ALLOC] = {sys_page_alloc, true},
    [SYS_FORK] = {sys_fork, false},
    [SYS_EXIT] = {sys_exit, false},
    [SYS_KILL] = {sys_kill, false},
    [SYS_SLEEP] = {sys_sleep, false},
    [SYS_PAGE_FREE] = {sys_page_free, true},
    [SYS_MAP] = {sys_map, true},
    [SYS_LOG] = {sys_log, true},
    [SYS_TICKS] = {sys_ticks, true},
};
_Static_assert(SYS_COUNT == 13, "entry.asm's SYS_COUNT must match");
_Static_assert(sizeof(struct syscall_desc) == 16 &&
                   offsetof(struct syscall_desc, stays) == 8,
               "entry.asm indexes syscall_table by nr * 16, stays at +8");

/* entry.asm saves the system call frame straight into current->regs: it
 * finds the end of that field here. */
const size_t proc_regs_end = offsetof(struct proc, regs) + sizeof(struct regs);
_Static_assert(sizeof(struct regs) == 22 * 8,
               "syscall_entry pushes 22 quadwords: the whole struct regs");
_Static_assert(offsetof(struct regs, rdi) == 5 * 8 &&
                   offsetof(struct regs, rsi) == 4 * 8 &&
                   offsetof(struct regs, rdx) == 3 * 8 &&
                   offsetof(struct regs, r8) == 7 * 8 &&
                   offsetof(struct regs, r10) == 9 * 8,
               "entry.asm's light path stores the arguments at these offsets");

_Noreturn void syscall_entry_c(struct regs* r) {
    struct proc* p = current; /* r == &p->regs: entry.asm saved it there */
    uint64_t nr = r->rax;
    int64_t result;
    if (nr < SYS_COUNT && syscall_table[nr].fn) {
        result = syscall_table[nr].fn(p);
    } else {
        log_printf("syscall: pid %d: unknown number %lu\n", p->pid, nr);
        result = E_NOSYS;
    }
    p->regs.rax = (uint64_t) result;
    proc_run(p);
}
