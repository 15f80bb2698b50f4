/* syscall.c: system call dispatch (SPEC section 8). One table maps each
 * number to its handler. A handler returns the result for %rax, or does not
 * return at all (exit, yield, sleep, kill of itself). Every user pointer
 * and address is checked against the caller's page table first. */
#include "abi/syscall.h"

#include "kernel/console.h"
#include "kernel/exitpark.h"
#include "kernel/log.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "mm/direct.h"
#include "mm/physpages.h"
#include "mm/uvm.h"
#include "mm/vm.h"
#include "proc/proc.h"

/* Two kinds of handler. A light one stays in the process: it always
 * returns to its caller and never switches or ends a process. It gets the
 * caller's first four arguments (%rdi, %rsi, %rdx, %r10) as C arguments
 * and finds the caller in `current`. Its entry point (LIGHT_SYSCALL) is
 * no_caller_saved_registers: it keeps every register but its four
 * argument registers itself, so entry.asm calls it having saved only
 * those and the user %rip, and one as small as getpid saves nothing.
 * That entry point returns nothing and leaves the result in
 * light_syscall_result, where entry.asm reads it: clang 14 at -O0
 * (FastISel) saves and restores %rax around such a function, losing a
 * result returned there. A full handler may switch or end the process:
 * entry.asm saves the whole frame into p->regs first and it reads its
 * arguments there. */
#define LIGHT_CC __attribute__((no_caller_saved_registers))
typedef LIGHT_CC void (*light_fn)(uint64_t a0, uint64_t a1, uint64_t a2,
                                  uint64_t a3);
typedef int64_t (*full_fn)(struct proc* p);
struct syscall_desc {
    light_fn light; /* at +0: entry.asm calls it when it is not NULL */
    full_fn full;
};

/* Written by every light entry point, read by entry.asm right after; one
 * CPU with interrupts off, so nothing else runs in between. */
int64_t light_syscall_result;

/* Defines the light handler `name` (the entry point, for the table and
 * for breakpoints) around a body `name##_body` that returns the result. */
#define ARG __attribute__((unused)) uint64_t
#define LIGHT_SYSCALL(name)                                                    \
    static int64_t name##_body(ARG a0, ARG a1, ARG a2, ARG a3);                \
    static LIGHT_CC void name(uint64_t a0, uint64_t a1, uint64_t a2,           \
                              uint64_t a3) {                                   \
        light_syscall_result = name##_body(a0, a1, a2, a3);                    \
    }                                                                          \
    static int64_t name##_body(ARG a0, ARG a1, ARG a2, ARG a3)

#define ARG0(p) ((p)->regs.rdi)
#define ARG1(p) ((p)->regs.rsi)

LIGHT_SYSCALL(sys_getpid) {
    return current->pid;
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

/* panic(msg). msg NULL is the handout's library panic: it has already
 * drawn its "PANIC: ..." line on row 23, and the kernel adds only its
 * plain PANIC there, as the handout's kernel does. */
static int64_t sys_panic(struct proc* p) {
    char raw[160], msg[160];
    if (ARG0(p) == 0) {
        log_printf("USER PANIC (pid %d)\n", p->pid);
        console_printf(CPOS(ROW_PTERROR, 0), 0xC0, "PANIC");
        console_flush();
        system_fail();
    }
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

LIGHT_SYSCALL(sys_page_alloc) {
    struct proc* p = current;
    uintptr_t va = a0;
    if (!user_page_addr_ok(va)) {
        return E_INVAL;
    }
    /* STEP 3: virtual page allocation */
    return uvm_map(p->pt, p->pid, va, 1, PTE_PWU_NX);
    /* STENCIL
    void* page = kalloc_at(va, PAGE_USER, p->pid);
    struct vmiter it = vmiter_at(p->pt, va);
    if (!page || vmiter_try_map(&it, va, PTE_PWU_NX) != 0) {
        kfree(page);
        return E_NOMEM;
    }
    return 0;
    END STEP 3 */
}

static int64_t sys_fork(struct proc* p) {
    /* STEP 5: fork */
    return proc_fork(p);
    /* STENCIL
    (void) p;
    return E_NOSYS;
    END STEP 5 */
}

static int64_t sys_exit(struct proc* p) {
    /* STEP 7: freeing memory */
    log_printf("exit: pid %d status %ld\n", p->pid, (int64_t) ARG0(p));
    proc_end(p);
    schedule();
    /* STENCIL
    (void) p;
    return E_NOSYS;
    END STEP 7 */
}

static int64_t sys_kill(struct proc* p) {
    /* EXTRA kill */
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
    /* STENCIL
    (void) p;
    return E_NOSYS;
    END EXTRA kill */
}

/* A wake tick past 2^64 - 1 saturates to SLEEP_FOREVER: such a sleep never
 * ends by itself (kill still ends the process). sleep(0) returns at once. */
static int64_t sys_sleep(struct proc* p) {
    /* EXTRA sleep */
    uint64_t n = ARG0(p);
    if (n == 0) {
        return 0;
    }
    uint64_t now = ticks;
    p->wake_tick = n > SLEEP_FOREVER - now ? SLEEP_FOREVER : now + n;
    p->state = P_BLOCKED;
    p->regs.rax = 0;
    schedule();
    /* STENCIL
    (void) p;
    return E_NOSYS;
    END EXTRA sleep */
}

LIGHT_SYSCALL(sys_page_free) {
    /* EXTRA page_free */
    uintptr_t va = a0;
    if (!user_page_addr_ok(va)) {
        return E_INVAL;
    }
    return uvm_unmap(current->pt, va);
    /* STENCIL
    return E_NOSYS;
    END EXTRA page_free */
}

/* EXTRA map */
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

LIGHT_SYSCALL(sys_map) {
    struct proc* p = current;
    uintptr_t va = a0;
    uint64_t len = a1;
    uint64_t perm = map_perm(a2, a3);
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
/* STENCIL
LIGHT_SYSCALL(sys_map) {
    return E_NOSYS;
}
END EXTRA map */

/* Bytes log() writes before it lets the others run. The kernel runs with
 * interrupts off and the serial port is polled, so this bounds how long it
 * holds the CPU at a time: 256 bytes, escaped at worst to 1 KiB, take
 * about 90 ms on a real 16550 at 115200 baud (22 ms without escapes). */
#define LOG_CHUNK 256

/* The `syscall` instruction's length: a restarted call goes back by it. */
#define SYSCALL_INSN_SIZE 2

/* Writes [va, va + len) of p's memory, checked readable, to the log. */
static void log_user_range(struct proc* p, uintptr_t va, size_t len) {
    for (size_t off = 0; off < len;) {
        struct vmiter it = vmiter_at(p->pt, va + off);
        size_t n = PAGESIZE - ((va + off) % PAGESIZE);
        if (n > len - off) {
            n = len - off;
        }
        log_user_write(p->pid, vmiter_kptr(&it), n);
        off += n;
    }
}

/* The number a restarted log() comes back with in %rax: not a system
 * call (it is >= SYS_COUNT), so no user call of log() ever looks like a
 * restart, and outside a restarted call it is an unknown number. */
#define SYS_LOG_RESTART 0x4C4F475245535455UL

/* log(buf, len): the whole buffer must be readable (else E_FAULT); returns
 * len once all of it is written (SPEC section 8). A longer buffer goes out
 * LOG_CHUNK bytes at a time: after each chunk the caller is sent back to
 * its `syscall` instruction, with %rax = SYS_LOG_RESTART and its
 * arguments untouched, and the scheduler runs, so other processes and
 * interrupts get their turn in between. Normally no user instruction runs
 * before the call is made again, but the instruction may no longer be
 * there when the process resumes (on a CPU without NX a MAP_SHARED page is
 * executable, and another process may rewrite it: t-logrewrite), and the
 * process may then make a log() call of its own, even from the same place
 * with the same arguments (t-logreenter). So a call with SYS_LOG is always
 * new, and p->log_resume.done (the bytes written so far, 0 between calls)
 * counts only for SYS_LOG_RESTART coming back from the same place with the
 * same arguments. Ending the process resets it. */
static int64_t log_from(struct proc* p, size_t done) {
    uintptr_t va = ARG0(p);
    size_t len = ARG1(p);
    p->log_resume.done = 0;
    if (!vm_user_access_ok(p->pt, va + done, len - done, false)) {
        return E_FAULT;
    }
    size_t n = len - done < LOG_CHUNK ? len - done : LOG_CHUNK;
    log_user_range(p, va + done, n);
    if (done + n == len) {
        return (int64_t) len;
    }
    p->log_resume.done = done + n;
    p->log_resume.rip = p->regs.rip;
    p->log_resume.va = va;
    p->log_resume.len = len;
    p->regs.rax = SYS_LOG_RESTART;
    p->regs.rip -= SYSCALL_INSN_SIZE;
    schedule();
}

static int64_t sys_log(struct proc* p) {
    return log_from(p, 0);
}

/* Whether the system call in p->regs is the restart of p's log() call. */
static bool log_restarting(const struct proc* p) {
    return p->regs.rax == SYS_LOG_RESTART && p->log_resume.done != 0 &&
           p->regs.rip == p->log_resume.rip && ARG0(p) == p->log_resume.va &&
           ARG1(p) == p->log_resume.len;
}

LIGHT_SYSCALL(sys_ticks) {
    return (int64_t) ticks;
}

/* The finished exit never returns; only an unfinished one does (the
 * stencil's, until handout step 7): test mode may park the process there
 * (kernel/exitpark.c). Here, outside the step, so that the stencil's
 * sys_exit stays the handout's one-line error return. */
static int64_t sys_exit_or_park(struct proc* p) {
    int64_t result = sys_exit(p);
    exitpark_exit_returned(p, result);
    return result;
}

/* The one table of system calls, each with its light or its full
 * handler. fork is not light: the child starts from a copy of the
 * parent's whole frame. */
const struct syscall_desc syscall_table[SYS_COUNT] = {
    [SYS_GETPID] = {.light = sys_getpid},
    [SYS_YIELD] = {.full = sys_yield},
    [SYS_PANIC] = {.full = sys_panic},
    [SYS_PAGE_ALLOC] = {.light = sys_page_alloc},
    [SYS_FORK] = {.full = sys_fork},
    [SYS_EXIT] = {.full = sys_exit_or_park},
    [SYS_KILL] = {.full = sys_kill},
    [SYS_SLEEP] = {.full = sys_sleep},
    [SYS_PAGE_FREE] = {.light = sys_page_free},
    [SYS_MAP] = {.light = sys_map},
    [SYS_LOG] = {.full = sys_log},
    [SYS_TICKS] = {.light = sys_ticks},
};
_Static_assert(SYS_COUNT == 13, "entry.asm's SYS_COUNT must match");
_Static_assert(sizeof(struct syscall_desc) == 16 &&
                   offsetof(struct syscall_desc, light) == 0,
               "entry.asm indexes syscall_table by nr * 16, light at +0");

/* entry.asm saves the system call frame straight into current->regs: it
 * finds the end of that field here. */
const size_t proc_regs_end = offsetof(struct proc, regs) + sizeof(struct regs);
_Static_assert(sizeof(struct regs) == 22 * 8,
               "syscall_entry pushes 22 quadwords: the whole struct regs");

/* Runs system call nr for p, whose arguments are in p->regs: the result,
 * unless the handler does not return. */
static int64_t syscall_run(struct proc* p, uint64_t nr) {
    if (syscall_table[nr].full) {
        return syscall_table[nr].full(p);
    }
    syscall_table[nr].light(p->regs.rdi, p->regs.rsi, p->regs.rdx, p->regs.r10);
    return light_syscall_result;
}

/* The call each handout vector INT_SYS + k makes. */
static const uint8_t int_syscall_nr[INT_SYS_COUNT] = {
    [INT_SYS_PANIC - INT_SYS] = SYS_PANIC,
    [INT_SYS_GETPID - INT_SYS] = SYS_GETPID,
    [INT_SYS_YIELD - INT_SYS] = SYS_YIELD,
    [INT_SYS_PAGE_ALLOC - INT_SYS] = SYS_PAGE_ALLOC,
    [INT_SYS_FORK - INT_SYS] = SYS_FORK,
    [INT_SYS_EXIT - INT_SYS] = SYS_EXIT,
};
_Static_assert(INT_SYS == 48 && INT_SYS_COUNT == 6,
               "entry.asm's INT_SYS and INT_SYS_COUNT must match");

/* `int $INT_SYS + k` from ring 3 (entry.asm saved r on the kernel stack):
 * the same call and result as `syscall` with that number. The frame keeps
 * its vector, so regs_return leaves by iretq and every register but %rax
 * comes back as it was. */
_Noreturn void syscall_int_entry_c(struct regs* r) {
    struct proc* p = current;
    if ((r->cs & 3) != 3 || !p) {
        panic_trap(r); /* only user code has a reason to come here */
    }
    p->regs = *r;
    uint64_t nr = int_syscall_nr[r->intno - INT_SYS];
    if (nr == SYS_EXIT) {
        p->regs.rdi = 0;
    }
    p->regs.rax = (uint64_t) syscall_run(p, nr);
    proc_run(p);
}

_Noreturn void syscall_entry_c(struct regs* r) {
    struct proc* p = current; /* r == &p->regs: entry.asm saved it there */
    uint64_t nr = r->rax;
    int64_t result;
    if (nr < SYS_COUNT && syscall_table[nr].full) {
        result = syscall_table[nr].full(p);
    } else if (log_restarting(p)) {
        result = log_from(p, p->log_resume.done);
    } else {
        log_printf("syscall: pid %d: unknown number %lu\n", p->pid, nr);
        result = E_NOSYS;
    }
    p->regs.rax = (uint64_t) result;
    proc_run(p);
}
