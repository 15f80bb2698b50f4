/* t-cowcount: what a fork and each later write cost in free pages, for a
 * process with COUNT_PAGES private pages. At each phase it logs
 * "t-cowcount: phase NAME" and sleeps, so the harness can count the free
 * pages on the physical map. With copy-on-write the fork takes only page
 * tables (plus one stack copy once both processes run), each first write
 * takes one page, and the last owner's writes copy nothing (no kalloc
 * between the two one-page maps around them). Without it the fork copies every
 * private page at once. */
#include "t-mapcheck.h"

#define COUNT_PAGES 40
#define PAUSE       80 /* ticks the harness has to read the screen */

static void phase(const char* name) {
    log_printf("t-cowcount: phase %s\n", name);
    sys_sleep(PAUSE);
}

static uint32_t tag(int i) {
    return 0xC0000000U | (uint32_t) i;
}

int process_main(void) {
    uint32_t* heap = map_ok(0, NP(COUNT_PAGES), RW, 0);
    volatile uint32_t* done = map_ok(0, NP(1), RW, MAP_SHARED);
    for (int i = 0; i < COUNT_PAGES; ++i) {
        heap[i * 1024] = tag(i);
    }
    phase("ready");
    pid_t c = sys_fork();
    CHECK(c >= 0, "fork returned %d", c);
    if (c == 0) {
        phase("forked");
        heap[0] = 1;
        phase("wrote1");
        heap[0] = 2;
        heap[1024] = 2;
        phase("wrote2");
        for (int i = 2; i < 10; ++i) {
            heap[i * 1024] = 2;
        }
        phase("wrote10");
        for (int i = 10; i < COUNT_PAGES; ++i) {
            CHECK_EQ(heap[i * 1024], tag(i), "child's unwritten page");
        }
        *done = 1;
        sys_exit(0);
    }
    while (*done == 0) {
        sys_sleep(1);
    }
    sys_sleep(5); /* the child exits right after it set done */
    CHECK_EQ(sys_kill(c), E_SRCH, "the child is gone");
    /* The kernel logs each map's kalloc numbers: if these two maps' are
     * consecutive, the writes between them allocated nothing. */
    map_ok(0, NP(1), RW, 0);
    for (int i = 0; i < COUNT_PAGES; ++i) {
        CHECK_EQ(heap[i * 1024], tag(i), "parent's page after child's writes");
        heap[i * 1024] = 3;
    }
    map_ok(0, NP(1), RW, 0);
    phase("last");
    return 0;
}
