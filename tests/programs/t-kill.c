/* t-kill: kill a child, an already-killed pid, pid 0, a free slot, bad
 * pids, and finally a process killing itself. */
#include "t-check.h"

static _Noreturn void idle_forever(void) {
    for (;;) {
        sys_yield();
    }
}

int process_main(void) {
    pid_t child = sys_fork();
    CHECK(child > 0 || child == 0, "fork returned %d", child);
    if (child == 0) {
        idle_forever();
    }
    yield_n(3);
    CHECK_EQ(sys_kill(child), 0, "kill a live child");
    CHECK_EQ(sys_kill(child), E_SRCH, "kill an already-killed pid");
    CHECK_EQ(sys_kill(0), E_INVAL, "kill pid 0");
    CHECK_EQ(sys_kill(NPROC - 1), E_SRCH, "kill a free slot");
    CHECK_EQ(sys_kill(NPROC), E_SRCH, "kill pid NPROC");
    CHECK_EQ(sys_kill(-1), E_SRCH, "kill pid -1");
    log_printf("t-kill: error cases ok; killing myself\n");
    sys_kill(sys_getpid());
    sys_panic("t-kill: still running after killing myself");
}
