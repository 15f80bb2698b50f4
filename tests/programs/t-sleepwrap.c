/* t-sleepwrap: a sleep whose wake tick would pass 2^64 never ends by
 * itself (kill still ends it), and sleep(0) returns at once. Sleepers that
 * wake write to row 9 of the console and panic. */
#include "t-check.h"

#define WOKE ((volatile uint16_t*) CONSOLE_ADDR + 9 * 80 + 60)

static pid_t sleeper(int kind) {
    pid_t pid = sys_fork();
    CHECK(pid >= 0, "fork failed: %d", pid);
    if (pid != 0) {
        return pid;
    }
    uint64_t n = kind == 0 ? UINT64_MAX : UINT64_MAX - sys_ticks() + 10;
    CHECK_EQ(sys_sleep(n), 0, "sleep");
    WOKE[kind] = 0x4F00 | 'W';
    sys_panic("t-sleepwrap: an endless sleep ended");
}

int process_main(void) {
    WOKE[0] = WOKE[1] = 0x0700 | '.';
    uint64_t t0 = sys_ticks();
    for (int i = 0; i < 100; ++i) {
        CHECK_EQ(sys_sleep(0), 0, "sleep(0)");
    }
    uint64_t t1 = sys_ticks();
    CHECK(t1 - t0 < 20, "100 sleep(0) took %lu ticks", t1 - t0);
    /* 2^64 - now + 10 is huge only once now > 10. */
    CHECK_EQ(sys_sleep(20), 0, "sleep(20)");
    pid_t a = sleeper(0), b = sleeper(1);
    CHECK_EQ(sys_sleep(30), 0, "parent's sleep");
    CHECK(WOKE[0] == (0x0700 | '.') && WOKE[1] == (0x0700 | '.'),
          "a sleeper woke: %x %x", WOKE[0], WOKE[1]);
    CHECK_EQ(sys_kill(a), 0, "kill the first sleeper");
    CHECK_EQ(sys_kill(b), 0, "kill the second sleeper");
    log_printf("t-sleepwrap: ok after %lu ticks\n", sys_ticks() - t0);
    return 0;
}
