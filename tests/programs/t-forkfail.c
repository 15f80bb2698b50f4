/* t-forkfail: one fork, for the fault-injection sweep. With kfail=N the
 * Nth kalloc fails; if that falls inside the fork, fork must return
 * E_NOMEM, and the kernel's exit check proves nothing leaked. */
#include "t-check.h"

int process_main(void) {
    uint8_t* heap = (uint8_t*) ROUNDUP((uintptr_t) end, PAGESIZE);
    for (int i = 0; i < 3; ++i) {
        CHECK_EQ(sys_page_alloc(heap + i * PAGESIZE), 0, "page_alloc");
        heap[i * PAGESIZE] = (uint8_t) i;
    }
    pid_t c = sys_fork();
    if (c == 0) {
        sys_exit(0);
    }
    CHECK(c > 0 || c == E_NOMEM, "fork returned %d", c);
    log_printf("t-forkfail: fork returned %s\n", c > 0 ? "a pid" : "E_NOMEM");
    return 0;
}
