/* t-syscalls: the basic system calls from ring 3: getpid, yield, log,
 * ticks (which must advance), and an unknown number (E_NOSYS). */
#include "t-check.h"

int process_main(void) {
    uint16_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    CHECK_EQ(cs & 3, 3, "privilege level of user code");
    pid_t pid = sys_getpid();
    CHECK(pid >= 1 && pid < NPROC, "getpid returned %d", pid);
    CHECK_EQ(sys_getpid(), pid, "getpid twice");
    CHECK_EQ(sys_yield(), 0, "yield");
    const char msg[] = "t-syscalls: hello from ring 3\n";
    CHECK_EQ(sys_log(msg, sizeof(msg) - 1), sizeof(msg) - 1, "log length");
    CHECK_EQ(sys_log(msg, 0), 0, "empty log");

    uint64_t t0 = sys_ticks(), last = t0;
    for (long spins = 0; sys_ticks() < t0 + 5; ++spins) {
        uint64_t now = sys_ticks();
        CHECK(now >= last, "ticks went backwards: %lu after %lu", now, last);
        last = now;
        CHECK(spins < 200000000L, "ticks stuck at %lu", now);
        if (spins % 2 == 0) {
            sys_yield();
        }
    }
    uint64_t t1 = sys_ticks();
    CHECK(t1 > t0, "ticks did not grow: %lu then %lu", t0, t1);
    log_printf("t-syscalls: ok pid=%d ring=%d ticks %lu -> %lu\n", pid, cs & 3,
               t0, t1);
    return 0;
}
