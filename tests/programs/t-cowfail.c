/* t-cowfail: one map, one copy-on-write fork, then copy-on-write faults,
 * for the fault-injection sweep. With kfail=N the Nth kalloc fails: the map
 * or the fork returns E_NOMEM, or the faulting writer (the parent) is
 * ended; the child still finds its data and exits; nothing leaks. */
#include "t-mapcheck.h"

#define N 3

int process_main(void) {
    uint32_t* h = sys_map(0, NP(N), RW, 0);
    if (map_failed(h)) {
        CHECK_EQ((intptr_t) h, E_NOMEM, "map");
        log_printf("t-cowfail: map returned E_NOMEM\n");
        return 0;
    }
    uint32_t* sh = sys_map(0, NP(1), RW, MAP_SHARED);
    if (map_failed(sh)) {
        CHECK_EQ((intptr_t) sh, E_NOMEM, "shared map");
        log_printf("t-cowfail: map returned E_NOMEM\n");
        return 0;
    }
    for (int i = 0; i < N; ++i) {
        h[i * 1024] = 10 + (uint32_t) i;
    }
    pid_t c = sys_fork();
    if (c == E_NOMEM) {
        log_printf("t-cowfail: fork returned E_NOMEM\n");
        return 0;
    }
    CHECK(c >= 0, "fork returned %d", c);
    if (c == 0) {
        sys_sleep(10);
        for (int i = 0; i < N; ++i) {
            CHECK_EQ(h[i * 1024], 10 + (uint32_t) i, "child's data");
        }
        sh[0] = 1;
        sys_exit(0);
    }
    for (int i = 0; i < N; ++i) {
        h[i * 1024] = 20 + (uint32_t) i;
    }
    log_printf("t-cowfail: parent wrote\n");
    return 0;
}
