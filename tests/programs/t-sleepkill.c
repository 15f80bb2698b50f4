/* t-sleepkill: a child that holds memory and sleeps (for longer than the
 * test runs) is killed; its pages come back: the parent can then map that
 * many pages again with memory otherwise full. */
#include "t-mapcheck.h"

#define HELD 30

int process_main(void) {
    pid_t c = sys_fork();
    CHECK(c >= 0, "fork returned %d", c);
    if (c == 0) {
        uint8_t* p = map_ok(0, NP(HELD), RW, 0);
        fill_pages(p, HELD, 0x77);
        log_printf("t-sleepkill: child holds %d pages, sleeping\n", HELD);
        sys_sleep(1UL << 40);
        sys_panic("t-sleepkill: the sleeper woke up");
    }
    sys_sleep(30);
    CHECK_EQ(sys_kill(c), 0, "kill the sleeper");
    CHECK_EQ(sys_kill(c), E_SRCH, "the sleeper is gone");
    log_printf("t-sleepkill: killed the sleeper\n");
    return 0;
}
