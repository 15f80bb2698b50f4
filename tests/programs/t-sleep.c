/* t-sleep: sleep(0) returns at once (a thousand of them take almost no
 * ticks); sleepers with different lengths wake no earlier than asked, and
 * in the order of their lengths. */
#include "t-mapcheck.h"

static const uint64_t lengths[] = {40, 10, 30, 5, 20};
#define NSLEEPERS (sizeof(lengths) / sizeof(lengths[0]))

int process_main(void) {
    uint64_t t0 = sys_ticks();
    for (int i = 0; i < 1000; ++i) {
        CHECK_EQ(sys_sleep(0), 0, "sleep(0)");
    }
    uint64_t t1 = sys_ticks();
    CHECK(t1 - t0 < 20, "1000 sleep(0) took %lu ticks", t1 - t0);
    log_printf("t-sleep: 1000 sleep(0) took %lu ticks\n", t1 - t0);
    for (size_t i = 0; i < NSLEEPERS; ++i) {
        pid_t c = sys_fork();
        CHECK(c >= 0, "fork returned %d", c);
        if (c == 0) {
            uint64_t start = sys_ticks();
            CHECK_EQ(sys_sleep(lengths[i]), 0, "sleep");
            uint64_t slept = sys_ticks() - start;
            CHECK(slept >= lengths[i], "asked %lu ticks, woke after %lu",
                  lengths[i], slept);
            log_printf("t-sleep: woke after %lu ticks, asked %lu\n", slept,
                       lengths[i]);
            sys_exit(0);
        }
    }
    sys_sleep(60);
    log_printf("t-sleep: done\n");
    return 0;
}
