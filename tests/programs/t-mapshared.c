/* t-mapshared: MAP_SHARED pages are the same pages in parent and child
 * after fork, each sees the other's writes, and they outlive the child's
 * page_free and exit; private maps stay private both ways. */
#include "t-mapcheck.h"

static void wait_for(volatile uint32_t* word, uint32_t v) {
    while (*word != v) {
        sys_yield();
    }
}

int process_main(void) {
    volatile uint32_t* sh = map_ok(0, NP(2), RW, MAP_SHARED);
    volatile uint32_t* sh2 = sh + PAGESIZE / 4; /* the second shared page */
    volatile uint32_t* pv = map_ok(0, NP(1), RW, 0);
    sh[1] = 11;
    pv[0] = 100;
    pid_t c = sys_fork();
    CHECK(c >= 0, "fork returned %d", c);
    if (c == 0) {
        CHECK(sh[1] == 11 && pv[0] == 100, "child sees pre-fork data");
        pv[0] = 200;
        sh2[0] = 7;
        sh[0] = 1; /* to the parent: written */
        wait_for(&sh[0], 2);
        CHECK_EQ(sh[1], 33, "child sees the parent's shared write");
        CHECK_EQ(pv[0], 200, "child's private page after parent's write");
        CHECK_EQ(sys_page_free((void*) sh), 0, "child unmaps shared page 1");
        sh2[1] = 8;
        sh2[2] = 1; /* to the parent: unmapped and written */
        sys_exit(0);
    }
    wait_for(&sh[0], 1);
    CHECK_EQ(sh2[0], 7, "parent sees the child's shared write");
    CHECK_EQ(pv[0], 100, "parent's private page after child's write");
    pv[0] = 300;
    sh[1] = 33;
    sh[0] = 2;
    wait_for(&sh2[2], 1);
    CHECK_EQ(sh2[1], 8, "parent sees the child's later write");
    CHECK_EQ(sh[0], 2, "shared page 1 after the child's page_free");
    sh[0] = 9;
    sys_sleep(10); /* the child exits */
    CHECK_EQ(sys_kill(c), E_SRCH, "the child is gone");
    CHECK(sh[0] == 9 && sh[1] == 33 && sh2[0] == 7 && sh2[1] == 8,
          "shared pages after the child's exit");
    sh2[3] = 4;
    CHECK_EQ(pv[0], 300, "private page");
    log_printf("t-mapshared: ok\n");
    return 0;
}
