/* t-fpu: x87, MMX and SSE state is private to each process. Started twice
 * (run=t-fpu,t-fpu): each instance checks that it starts from the clean
 * state (though the other already dirtied its own), sets a state of its
 * own and finds it intact after many switches, checks that fork copies
 * it, and that floating-point errors belong to whoever caused them:
 *   - a child exits with an unmasked x87 error pending: nobody else pays;
 *   - a child with an x87 error pending waits, then fwaits: it ends alone;
 *   - a child divides by zero with SIMD errors unmasked: it ends alone
 *     (#XM) where the CPU raises it; QEMU 7.2's TCG only sets MXCSR.ZE,
 *     and then the flag must stay the child's. */
#include "t-check.h"

/* The parts of an FXSAVE image that are program state: FCW, FSW, FTW,
 * MXCSR, ST0-7/MM0-7 and XMM0-7 (not the last-instruction pointers). */
struct fpimage {
    uint8_t b[512] __attribute__((aligned(16)));
};
static const struct {
    unsigned off, len;
} parts[] = {{0, 5}, {24, 4}, {32, 128}, {160, 128}};

static void fpu_read(struct fpimage* im) {
    __asm__ volatile("fxsave64 %0" : "=m"(im->b));
}

static void fpu_check_same(const struct fpimage* a, const struct fpimage* b,
                           const char* what) {
    for (size_t p = 0; p < sizeof(parts) / sizeof(parts[0]); ++p) {
        for (unsigned i = parts[p].off; i < parts[p].off + parts[p].len; ++i) {
            CHECK(a->b[i] == b->b[i],
                  "%s: FXSAVE byte %u is %02x, want %02x (pid %d)", what, i,
                  b->b[i], a->b[i], sys_getpid());
        }
    }
}

/* The state every new process must start from. */
static void fpu_check_clean(void) {
    struct fpimage im;
    fpu_read(&im);
    uint16_t fcw = im.b[0] | im.b[1] << 8, fsw = im.b[2] | im.b[3] << 8;
    uint32_t mxcsr = im.b[24] | im.b[25] << 8 | im.b[26] << 16;
    CHECK(fcw == 0x037F, "new process has FCW %x, want 37f", fcw);
    CHECK(fsw == 0, "new process has FSW %x, want 0", fsw);
    CHECK(im.b[4] == 0, "new process has x87 tags %x, want empty", im.b[4]);
    CHECK(mxcsr == 0x1F80, "new process has MXCSR %x, want 1f80", mxcsr);
    for (unsigned i = 32; i < 288; ++i) {
        CHECK(im.b[i] == 0, "new process has FXSAVE byte %u = %02x, want 0", i,
              im.b[i]);
    }
}

/* A state that depends on seed in every part: MM0, two x87 values, FCW
 * (precision and rounding), MXCSR (rounding, flush to zero), XMM0, XMM7. */
static void fpu_set(uint64_t seed) {
    uint64_t a = 0x1111111111111111UL * (seed & 15) + seed;
    uint64_t b = ~a;
    uint16_t fcw = 0x003F | (uint16_t) ((seed & 3) << 10) | 0x0200;
    uint32_t mxcsr = 0x1F80 | (uint32_t) ((seed & 3) << 13) | 0x8000;
    __asm__ volatile(
        "movq %[a], %%mm0\n\t"
        "emms\n\t"
        "fninit\n\t"
        "fldcw %[fcw]\n\t"
        "fildq %[a]\n\t"
        "fildq %[b]\n\t"
        "ldmxcsr %[mxcsr]\n\t"
        "movq %[a], %%xmm0\n\t"
        "movq %[b], %%xmm7"
        :
        : [a] "m"(a), [b] "m"(b), [fcw] "m"(fcw), [mxcsr] "m"(mxcsr)
        : "memory");
}

/* Leaves an unmasked x87 divide-by-zero pending (raised at the next
 * waiting x87 instruction). */
static void x87_error_pending(void) {
    uint16_t fcw = 0x037B; /* ZM clear */
    __asm__ volatile("fninit\n\t"
                     "fldcw %0\n\t"
                     "fld1\n\t"
                     "fldz\n\t"
                     "fdivrp"
                     :
                     : "m"(fcw)
                     : "memory");
}

static pid_t child(void (*body)(void)) {
    pid_t pid = sys_fork();
    CHECK(pid >= 0, "fork failed: %d", pid);
    if (pid == 0) {
        body();
        sys_exit(0);
    }
    return pid;
}

static void exits_with_error_pending(void) {
    x87_error_pending();
    sys_exit(0);
}
static void waits_then_faults(void) {
    x87_error_pending();
    yield_n(30);
    __asm__ volatile("fwait");
    sys_panic("t-fpu: a pending x87 error did not fault its owner");
}
static uint32_t mxcsr_read(void) {
    uint32_t m;
    __asm__ volatile("stmxcsr %0" : "=m"(m));
    return m;
}

#define MXCSR_ZE 0x4

static void simd_divides_by_zero(void) {
    uint32_t mxcsr = 0x1F80 & ~0x200;              /* ZM clear */
    uint64_t one = 0x3FF0000000000000UL, zero = 0; /* 1.0 and 0.0 */
    __asm__ volatile("ldmxcsr %0\n\t"
                     "movsd %1, %%xmm1\n\t"
                     "divsd %2, %%xmm1"
                     :
                     : "m"(mxcsr), "m"(one), "m"(zero)
                     : "memory");
    CHECK(mxcsr_read() & MXCSR_ZE, "divsd by zero left MXCSR %x", mxcsr_read());
    yield_n(30);
    CHECK(mxcsr_read() & MXCSR_ZE, "MXCSR.ZE lost across switches: %x",
          mxcsr_read());
    log_printf("t-fpu: pid %d: no #XM from this CPU; MXCSR.ZE kept\n",
               sys_getpid());
}

/* x87 work that must not fault in the parent: 1 + 1 = 2. */
static void x87_works(void) {
    int64_t r = 0;
    __asm__ volatile("fninit\n\t"
                     "fld1\n\t"
                     "fld1\n\t"
                     "faddp\n\t"
                     "fistpq %0\n\t"
                     "fwait"
                     : "=m"(r));
    CHECK_EQ(r, 2, "x87 1 + 1");
}

int process_main(void) {
    pid_t self = sys_getpid();
    fpu_check_clean();
    struct fpimage mine, now;
    fpu_set(self * 7 + 1);
    fpu_read(&mine);
    yield_n(50);
    fpu_read(&now);
    fpu_check_same(&mine, &now, "own state after switches");

    pid_t pid = sys_fork();
    CHECK(pid >= 0, "fork failed: %d", pid);
    if (pid == 0) {
        fpu_read(&now);
        fpu_check_same(&mine, &now, "child's state after fork");
        fpu_set(sys_getpid() * 7 + 3);
        fpu_read(&mine);
        yield_n(30);
        fpu_read(&now);
        fpu_check_same(&mine, &now, "child's own state");
        sys_exit(0);
    }
    yield_n(40);
    fpu_read(&now);
    fpu_check_same(&mine, &now, "parent's state while its child ran");

    pid_t quiet = child(exits_with_error_pending);
    pid_t waiter = child(waits_then_faults);
    pid_t simd = child(simd_divides_by_zero);
    yield_n(10);
    x87_works();
    yield_n(60);
    x87_works();
    CHECK((mxcsr_read() & 0x3F) == 0, "parent's MXCSR has flags %x",
          mxcsr_read());
    CHECK_EQ(sys_kill(quiet), E_SRCH, "the child that exited is gone");
    CHECK_EQ(sys_kill(waiter), E_SRCH, "the faulting waiter is gone");
    CHECK_EQ(sys_kill(simd), E_SRCH, "the SIMD child is gone");
    log_printf("t-fpu: pid %d ok; children %d %d %d\n", self, quiet, waiter,
               simd);
    return 0;
}
