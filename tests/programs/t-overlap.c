/* t-overlap: two processes map a page at the same virtual address and each
 * sees only its own data, across many context switches. */
#include "t-check.h"

#define SHARED_VA ((uint64_t*) 0x200000)

int process_main(void) {
    pid_t child = sys_fork();
    CHECK(child >= 0, "fork failed: %d", child);
    pid_t me = sys_getpid();
    CHECK_EQ(sys_page_alloc(SHARED_VA), 0, "page_alloc at 0x200000");
    for (size_t i = 0; i < PAGESIZE / 8; ++i) {
        SHARED_VA[i] = ((uint64_t) me << 32) | i;
    }
    for (int round = 0; round < 30; ++round) {
        sys_yield();
        for (size_t i = 0; i < PAGESIZE / 8; ++i) {
            CHECK(SHARED_VA[i] == (((uint64_t) me << 32) | i),
                  "pid %d sees %lx at word %zu", me, SHARED_VA[i], i);
        }
    }
    log_printf("t-overlap: pid %d saw only its own data\n", me);
    return 0;
}
