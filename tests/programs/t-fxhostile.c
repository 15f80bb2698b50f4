/* t-fxhostile: a process loads a hostile FXSAVE image of its own (every
 * x87 error flag and the error summary set with every error unmasked,
 * the stack top moved, all eight registers tagged valid and holding
 * NaNs and denormals, MXCSR with every SIMD error unmasked and flagged),
 * then gives up the CPU by yield, by sleep, by being preempted, and by
 * exit, fork and fault. The kernel's save and load of that state must
 * raise nothing in the kernel; the pending error stays the holder's (its
 * fork child inherits it and faults at its first x87 instruction); the
 * parent, which never loaded the image, keeps its own state. */
#include "t-attackchild.h"

static uint8_t hostile[512] __attribute__((aligned(16)));
static uint8_t mine[512] __attribute__((aligned(16)));
static uint8_t check[512] __attribute__((aligned(16)));

static void make_hostile(void) {
    __asm__ volatile("fxsave64 %0" : "=m"(hostile));
    hostile[0] = 0x00; /* FCW: every x87 error unmasked */
    hostile[1] = 0x00;
    hostile[2] = 0xFF; /* FSW: every flag, ES, SF, C0-C3, B, TOP = 7 */
    hostile[3] = 0xFF;
    hostile[4] = 0xFF;       /* FTW (abridged): all eight valid */
    uint32_t mxcsr = 0x003F; /* every SIMD error flagged and unmasked */
    memcpy(hostile + 24, &mxcsr, 4);
    for (int i = 0; i < 8; ++i) {
        uint8_t* st = hostile + 32 + 16 * i;
        memset(st, 0, 16);
        if (i & 1) {
            st[7] = 0xC0; /* quiet NaN: exponent all ones */
            st[8] = 0xFF;
            st[9] = 0x7F;
        } else {
            st[0] = 1; /* denormal: exponent 0, integer bit clear */
        }
    }
    memset(hostile + 160, 0xA5, 256); /* XMM0-15 */
}

static void load_hostile(void) {
    __asm__ volatile("fxrstor64 %0" : : "m"(hostile));
}

static void hold_hostile(uint64_t how) {
    load_hostile();
    switch (how) {
    case 0:
        for (int i = 0; i < 10; ++i) {
            sys_yield();
        }
        break;
    case 1:
        sys_sleep(1);
        break;
    case 2: /* preempted by the timer */
        for (uint64_t end = sys_ticks() + 3; sys_ticks() < end;) {
        }
        break;
    case 3: {
        /* Its fork child inherits the pending error and pays for it at
         * its own first x87 instruction; the holder runs on. */
        pid_t c = sys_fork();
        if (c == 0) {
            __asm__ volatile("fwait");
            sys_panic("t-fxhostile: the pending x87 error did not fault");
        }
        sys_yield();
        break;
    }
    case 4:
        sys_exit(0);
    default:
        __asm__ volatile("fwait"); /* ends this child (#MF) */
        break;
    }
    /* The image must be intact (it still holds the pending error). */
    __asm__ volatile("fxsave64 %0" : "=m"(check));
    CHECK(memcmp(check, hostile, 32) == 0 &&
              memcmp(check + 32, hostile + 32, 384) == 0,
          "the hostile image changed across switches (case %lu)", how);
}

int process_main(void) {
    board_init();
    make_hostile();
    double x = 1.25;
    __asm__ volatile("fldl %0" : : "m"(x)); /* a state of the parent's own */
    __asm__ volatile("fxsave64 %0" : "=m"(mine));
    for (uint64_t i = 0; i < 6; ++i) {
        enum attack_end e = attack_in_child(hold_hostile, i, i + 1);
        log_printf("t-fxhostile: case %lu: %s\n", i,
                   e == ATTACK_DIED       ? "ended"
                   : e == ATTACK_SURVIVED ? "came back"
                                          : "stuck");
        /* A sleeper (case 1) may still be asleep when the parent looks. */
        CHECK(i >= 4 || e == ATTACK_SURVIVED || (i == 1 && e == ATTACK_STUCK),
              "case %lu: the holder itself did not come back", i);
        CHECK(i < 4 || e == ATTACK_DIED, "case %lu: the holder lived on", i);
        __asm__ volatile("fxsave64 %0" : "=m"(check));
        CHECK(memcmp(check, mine, 32) == 0 &&
                  memcmp(check + 32, mine + 32, 384) == 0,
              "the parent's FPU state changed after case %lu", i);
    }
    sys_sleep(5);
    log_printf("t-fxhostile: ok\n");
    return 0;
}
