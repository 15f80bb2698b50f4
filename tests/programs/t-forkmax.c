/* t-forkmax: fork until E_AGAIN (15 processes in all: slot 0 is never a
 * process), then again after the children exit; then fork with memory
 * nearly gone must return E_NOMEM. The kernel's exit check proves that
 * nothing leaked. */
#include "t-check.h"

#define HEAP_LIMIT ((uint8_t*) USER_STACK_PAGE)

static int fork_until_full(void) {
    int n = 0;
    for (;;) {
        pid_t c = sys_fork();
        if (c == 0) {
            sys_sleep(5);
            sys_exit(0);
        }
        if (c == E_AGAIN) {
            return n;
        }
        CHECK(c > 0, "fork returned %d", c);
        ++n;
    }
}

int process_main(void) {
    int n = fork_until_full();
    CHECK_EQ(n, NPROC - 2, "children forked before E_AGAIN");
    log_printf("t-forkmax: %d children, then E_AGAIN\n", n);
    sys_sleep(20); /* the children exit */
    n = fork_until_full();
    CHECK_EQ(n, NPROC - 2, "children forked after they exited");
    sys_sleep(20);

    /* Fill memory, then give back one page: too few for a fork. */
    uint8_t* top = (uint8_t*) ROUNDUP((uintptr_t) end, PAGESIZE);
    while (top < HEAP_LIMIT && sys_page_alloc(top) == 0) {
        top += PAGESIZE;
    }
    CHECK(top < HEAP_LIMIT, "memory never ran out");
    top -= PAGESIZE;
    CHECK_EQ(sys_page_free(top), 0, "page_free");
    pid_t c = sys_fork();
    if (c == 0) {
        sys_exit(0);
    }
    CHECK_EQ(c, E_NOMEM, "fork with one free page");
    log_printf("t-forkmax: fork with memory gone returned E_NOMEM\n");
    return 0;
}
