/* t-mapro: a read-only map reads as zero; a child that writes it is ended
 * by a page fault, and its parent runs on with the page unchanged. */
#include "t-mapcheck.h"

int process_main(void) {
    volatile uint8_t* ro = map_ok(0, NP(2), PROT_READ, 0);
    expect_pages((const void*) ro, 2, 0, "read-only page");
    pid_t c = sys_fork();
    CHECK(c >= 0, "fork returned %d", c);
    if (c == 0) {
        log_printf("t-mapro: child writes read-only %p\n",
                   (void*) (ro + PAGESIZE + 5));
        ro[PAGESIZE + 5] = 1;
        log_printf("t-mapro: child wrote a read-only page\n");
        sys_exit(1);
    }
    sys_sleep(20);
    CHECK_EQ(sys_kill(c), E_SRCH, "the writing child is gone");
    expect_pages((const void*) ro, 2, 0, "read-only page after the fault");
    log_printf("t-mapro: parent ran on\n");
    return 0;
}
