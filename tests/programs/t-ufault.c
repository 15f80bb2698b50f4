/* t-ufault: a child reads a kernel address and must end alone; the parent
 * goes on and checks its own memory afterwards. */
#include "t-check.h"

static volatile int witness = 1234;

int process_main(void) {
    pid_t child = sys_fork();
    CHECK(child >= 0, "fork failed: %d", child);
    if (child == 0) {
        log_printf("t-ufault: child %d reading the kernel\n", sys_getpid());
        volatile int x = *(volatile int*) KERNEL_START_ADDR;
        (void) x;
        sys_panic("t-ufault: read of kernel memory did not fault");
    }
    yield_n(50);
    CHECK_EQ(witness, 1234, "parent memory after child fault");
    CHECK_EQ(sys_kill(child), E_SRCH, "the faulted child is gone");
    log_printf("t-ufault: parent %d ok after child %d faulted\n", sys_getpid(),
               child);
    return 0;
}
