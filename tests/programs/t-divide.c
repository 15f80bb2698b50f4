/* t-divide: a child divides by zero and must end alone, reported with the
 * exception's name; the parent goes on. */
#include "t-check.h"

static volatile int zero;

int process_main(void) {
    pid_t child = sys_fork();
    CHECK(child >= 0, "fork failed: %d", child);
    if (child == 0) {
        /* In assembly: the compiler may turn 1 / x into a comparison. */
        __asm__ volatile("xorl %%edx, %%edx; movl $1, %%eax; divl %0"
                         :
                         : "r"(zero)
                         : "eax", "edx");
        sys_panic("t-divide: division by zero did not fault");
    }
    yield_n(20);
    CHECK_EQ(sys_kill(child), E_SRCH, "the faulted child is gone");
    log_printf("t-divide: parent ok\n");
    return 0;
}
