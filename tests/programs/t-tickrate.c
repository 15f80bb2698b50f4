/* t-tickrate: sleeps 100 ticks five times and logs the tick count around
 * each sleep, so that a test can hold the tick against a second clock (the
 * kernel's `tickrtc` lines, from the CMOS RTC). Each sleep must last 100
 * ticks, give or take the tick it started in. */
#include "t-check.h"

#define NAPS 5
#define NAP  100

int process_main(void) {
    for (int i = 0; i < NAPS; ++i) {
        uint64_t t0 = sys_ticks();
        CHECK_EQ(sys_sleep(NAP), 0, "sleep");
        uint64_t t1 = sys_ticks();
        log_printf("t-tickrate: slept from tick %lu to %lu\n", t0, t1);
        CHECK(t1 - t0 >= NAP && t1 - t0 <= NAP + 2,
              "sleep(%d) lasted %lu ticks", NAP, t1 - t0);
    }
    return 0;
}
