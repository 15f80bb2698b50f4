/* t-segs: the data segment selectors a process loads (%ds, %es, %fs,
 * %gs) are its own: fork copies them, a switch keeps them, and another
 * process never sees them. A selector user code may not load (kernel
 * data, the TSS) ends only the process that tried. */
#include "t-check.h"

#define SEG_UDATA 0x1B
#define SEG_UCODE 0x23

struct sels {
    uint16_t ds, es, fs, gs;
};

static struct sels sels_read(void) {
    struct sels s;
    __asm__ volatile("movw %%ds, %0\n\t"
                     "movw %%es, %1\n\t"
                     "movw %%fs, %2\n\t"
                     "movw %%gs, %3"
                     : "=r"(s.ds), "=r"(s.es), "=r"(s.fs), "=r"(s.gs));
    return s;
}

static void sels_load(struct sels s) {
    __asm__ volatile("movw %0, %%ds\n\t"
                     "movw %1, %%es\n\t"
                     "movw %2, %%fs\n\t"
                     "movw %3, %%gs"
                     :
                     : "r"(s.ds), "r"(s.es), "r"(s.fs), "r"(s.gs));
}

static void sels_check(struct sels want, const char* what) {
    struct sels got = sels_read();
    CHECK(got.ds == want.ds && got.es == want.es && got.fs == want.fs &&
              got.gs == want.gs,
          "%s: pid %d has ds %x es %x fs %x gs %x, want %x %x %x %x", what,
          sys_getpid(), got.ds, got.es, got.fs, got.gs, want.ds, want.es,
          want.fs, want.gs);
}

/* Spins for n ticks: switched away by the timer, not by a system call. */
static void spin_ticks(uint64_t n) {
    for (uint64_t end = sys_ticks() + n; sys_ticks() < end;) {
    }
}

static pid_t bad_loader(uint16_t sel) {
    pid_t pid = sys_fork();
    CHECK(pid >= 0, "fork failed: %d", pid);
    if (pid == 0) {
        __asm__ volatile("movw %0, %%fs" : : "r"(sel));
        sys_panic("t-segs: loading a privileged selector did not fault");
    }
    return pid;
}

int process_main(void) {
    struct sels zero = {0, 0, 0, 0};
    sels_check(zero, "a new process");
    struct sels parent = {SEG_UDATA, 0, SEG_UDATA, 0};
    sels_load(parent);
    pid_t child = sys_fork();
    CHECK(child >= 0, "fork failed: %d", child);
    if (child == 0) {
        sels_check(parent, "the child after fork");
        struct sels mine = {0, SEG_UDATA, SEG_UCODE, SEG_UDATA};
        sels_load(mine);
        yield_n(20);
        sels_check(mine, "the child after yields");
        spin_ticks(5);
        sels_check(mine, "the child after preemption");
        sys_exit(0);
    }
    for (int i = 0; i < 20; ++i) {
        sys_yield();
        sels_check(parent, "the parent while its child runs");
    }
    spin_ticks(10);
    sels_check(parent, "the parent after preemption");
    pid_t kdata = bad_loader(0x10);
    pid_t tss = bad_loader(0x2B);
    yield_n(20);
    sels_check(parent, "the parent after the bad loaders");
    CHECK_EQ(sys_kill(kdata), E_SRCH, "the kernel-data loader is gone");
    CHECK_EQ(sys_kill(tss), E_SRCH, "the TSS loader is gone");
    sels_load(zero);
    log_printf("t-segs: ok\n");
    return 0;
}
