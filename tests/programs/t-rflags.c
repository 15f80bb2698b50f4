/* t-rflags: user code sets the flags the kernel must never inherit (NT,
 * AC, DF) before system calls that switch to a process preempted by the
 * timer, which the kernel leaves by iretq (an iretq with NT set is a #GP
 * in ring 0). The kernel must run on, hand back flags without NT or IOPL,
 * and a busy survivor (preempted, never yielding) keeps its data. */
#include "t-check.h"

#define RFLAGS_DF   0x400UL
#define RFLAGS_IOPL 0x3000UL
#define RFLAGS_NT   0x4000UL
#define RFLAGS_AC   0x40000UL
#define HOSTILE     (RFLAGS_NT | RFLAGS_AC | RFLAGS_DF | RFLAGS_IOPL)

static uint8_t survivor_data[PAGESIZE];

/* Busy for `ticks` timer ticks without giving up the CPU: the timer
 * preempts it, so the kernel returns to it by iretq. */
static _Noreturn void survive(uint64_t ticks) {
    memset(survivor_data, 0x5A, sizeof(survivor_data));
    uint64_t end = sys_ticks() + ticks;
    while (sys_ticks() < end) {
    }
    for (size_t i = 0; i < sizeof(survivor_data); ++i) {
        CHECK_EQ(survivor_data[i], 0x5A, "survivor's data");
    }
    log_printf("t-rflags: survivor %d ok\n", sys_getpid());
    sys_exit(0);
}

/* System call nr(arg) entered with the hostile flags set; returns the
 * flags user mode gets back. DF is cleared again before C code runs. */
static uint64_t hostile_syscall(int64_t nr, uint64_t arg, int64_t* result) {
    uint64_t flags;
    int64_t r;
    __asm__ volatile("pushfq\n\t"
                     "orq %[hostile], (%%rsp)\n\t"
                     "popfq\n\t"
                     "syscall\n\t"
                     "pushfq\n\t"
                     "popq %[flags]\n\t"
                     "cld"
                     : [flags] "=r"(flags), "=a"(r)
                     : "a"(nr), "D"(arg), [hostile] "i"(HOSTILE)
                     : "rcx", "r11", "memory", "cc");
    *result = r;
    return flags;
}

static void check_flags(uint64_t flags, const char* what) {
    CHECK((flags & (RFLAGS_NT | RFLAGS_IOPL)) == 0,
          "%s handed back rflags %lx (NT or IOPL set)", what, flags);
}

/* A child that ends itself with the hostile flags set. */
static void child_ends_hostile(int64_t nr) {
    pid_t child = sys_fork();
    CHECK(child >= 0, "fork failed: %d", child);
    if (child == 0) {
        int64_t r;
        hostile_syscall(nr, nr == SYS_KILL ? (uint64_t) sys_getpid() : 7, &r);
        sys_panic("t-rflags: the child outlived exit/kill");
    }
    yield_n(5);
    CHECK_EQ(sys_kill(child), E_SRCH, "the child is gone");
}

int process_main(void) {
    pid_t survivor = sys_fork();
    CHECK(survivor >= 0, "fork failed: %d", survivor);
    if (survivor == 0) {
        survive(40);
    }
    for (int round = 0; round < 10; ++round) {
        int64_t r;
        check_flags(hostile_syscall(SYS_YIELD, 0, &r), "yield");
        CHECK_EQ(r, 0, "yield");
        check_flags(hostile_syscall(SYS_SLEEP, 1, &r), "sleep");
        CHECK_EQ(r, 0, "sleep");
        check_flags(hostile_syscall(SYS_GETPID, 0, &r), "getpid");
        CHECK_EQ(r, sys_getpid(), "getpid");
    }
    child_ends_hostile(SYS_EXIT);
    child_ends_hostile(SYS_KILL);
    /* Preempted by the timer with NT set, too. */
    __asm__ volatile("pushfq\n\t"
                     "orq %0, (%%rsp)\n\t"
                     "popfq"
                     :
                     : "i"(RFLAGS_NT)
                     : "cc");
    for (uint64_t end = sys_ticks() + 3; sys_ticks() < end;) {
    }
    /* The survivor is busy for 40 ticks: after 100 it must have exited. */
    sys_sleep(100);
    CHECK_EQ(sys_kill(survivor), E_SRCH, "the survivor finished by itself");
    log_printf("t-rflags: ok\n");
    return 0;
}
