/* t-fpuptr: the x87 last-instruction and last-operand pointers (FIP, FDP,
 * FOP: what fnstenv and fxsave show) belong to the process. After the
 * kernel switches processes they must be the process's own, never an
 * address inside the kernel (the kernel's own x87 instructions in the
 * hand-over would otherwise show through: a kernel pointer leak). */
#include "t-check.h"

struct fpenv32 {
    uint32_t fcw, fsw, ftw, fip, fcs_fop, fdp, fds;
};

static volatile double operand = 1.5;

static void env_read(struct fpenv32* e, uint64_t* fip64, uint64_t* fdp64) {
    uint8_t im[512] __attribute__((aligned(16)));
    __asm__ volatile("fnstenv %0\n\t"
                     "fldcw %0" /* fnstenv masks all x87 errors: undo */
                     : "=m"(*e)
                     :
                     : "memory");
    __asm__ volatile("fxsave64 %0" : "=m"(im) : : "memory");
    *fip64 = *(uint64_t*) (im + 8);
    *fdp64 = *(uint64_t*) (im + 16);
}

/* The pointers must be 0 or the caller's own (own_fip, own_fdp: set by
 * its last x87 data instruction; 0 when it never ran one). */
static void check_own(const char* when, uint64_t own_fip, uint64_t own_fdp) {
    struct fpenv32 e;
    uint64_t fip, fdp;
    env_read(&e, &fip, &fdp);
    CHECK(e.fip == 0 || e.fip == own_fip,
          "%s: fnstenv FIP is %x, want 0 or the process's own %lx", when, e.fip,
          own_fip);
    CHECK(e.fdp == 0 || e.fdp == own_fdp,
          "%s: fnstenv FDP is %x, want 0 or the process's own %lx", when, e.fdp,
          own_fdp);
    CHECK(fip == 0 || fip == own_fip,
          "%s: fxsave FIP is %lx, want 0 or the process's own %lx", when, fip,
          own_fip);
    CHECK(fdp == 0 || fdp == own_fdp,
          "%s: fxsave FDP is %lx, want 0 or the process's own %lx", when, fdp,
          own_fdp);
}

/* Runs one x87 load and store of `operand`; returns its FIP and FDP. */
static void own_x87(uint64_t* fip, uint64_t* fdp) {
    struct fpenv32 e;
    uint64_t f64, d64;
    double x;
    __asm__ volatile("fldl %1\n\tfstpl %0" : "=m"(x) : "m"(operand));
    env_read(&e, &f64, &d64);
    *fip = e.fip;
    *fdp = e.fdp;
    CHECK(*fdp == (uint32_t) (uintptr_t) &x ||
              *fdp == (uint32_t) (uintptr_t) &operand,
          "the CPU keeps no operand pointer (FDP %lx)", *fdp);
}

int process_main(void) {
    pid_t child = sys_fork();
    CHECK(child >= 0, "fork failed: %d", child);
    if (child == 0) {
        /* Never runs an x87 data instruction: it must only ever see 0,
         * though its parent and the kernel's hand-over run them. */
        for (int i = 0; i < 20; ++i) {
            check_own("child", 0, 0);
            sys_yield();
        }
        sys_exit(0);
    }
    check_own("a new process", 0, 0);
    for (int i = 0; i < 20; ++i) {
        uint64_t fip, fdp;
        own_x87(&fip, &fdp);
        check_own("after its own fld", fip, fdp);
        sys_yield();
        check_own("after yield", fip, fdp);
    }
    sys_sleep(5);
    CHECK_EQ(sys_kill(child), E_SRCH, "the child finished by itself");
    log_printf("t-fpuptr: ok\n");
    return 0;
}
