/* p-cow: the cow scenario (fork copy-on-write), run as pids 1 and 2.
 *
 * Pid 1 shows copy-on-write at a watchable pace: it holds DEMO_PAGES
 * private pages and forks a child; every page turns S (shared). Then the
 * child writes its pages from the first up and the parent from the last
 * down, one page each every PACE ticks; each write gives the writer its own
 * copy, so the S cells turn private one by one until they meet. The child
 * checks what it sees and exits; the parent forks again.
 *
 * Pid 2 churns: it forks children as fast as it can (up to the free
 * slots); each writes a page or two of the inherited memory, checks it, and
 * exits, for thousands of fork/exit cycles. */
#include "ulib.h"

#define DEMO_PAGES  48
#define PACE        8 /* ticks between a writer's pages */
#define CHURN_PAGES 4

static uint32_t tag(int i, int gen) {
    return (uint32_t) (gen << 16) | (uint32_t) i;
}

static void demo_round(uint32_t* heap, volatile uint32_t* done, int gen) {
    *done = 0;
    pid_t c = sys_fork();
    if (c < 0) {
        sys_sleep(PACE);
        return;
    }
    int me = c == 0 ? 1 : 0; /* child writes up, parent down */
    for (int k = 0; k < DEMO_PAGES / 2; ++k) {
        int i = me ? k : DEMO_PAGES - 1 - k;
        assert(heap[i * 1024] == tag(i, gen));
        heap[i * 1024] = tag(i, gen + 1);
        sys_sleep(PACE);
    }
    for (int i = 0; i < DEMO_PAGES; ++i) {
        bool mine = me ? i < DEMO_PAGES / 2 : i >= DEMO_PAGES / 2;
        assert(heap[i * 1024] == tag(i, mine ? gen + 1 : gen));
    }
    if (c == 0) {
        *done = 1;
        sys_exit(0);
    }
    while (!*done) {
        sys_sleep(PACE);
    }
    /* The parent takes back the pages the child wrote: its own, unshared
     * now, so these writes copy nothing. */
    for (int i = 0; i < DEMO_PAGES / 2; ++i) {
        heap[i * 1024] = tag(i, gen + 1);
    }
    sys_sleep(4 * PACE);
}

static _Noreturn void demo(void) {
    uint32_t* heap =
        sys_map(0, DEMO_PAGES * PAGESIZE, PROT_READ | PROT_WRITE, 0);
    volatile uint32_t* done =
        sys_map(0, PAGESIZE, PROT_READ | PROT_WRITE, MAP_SHARED);
    assert(!map_failed(heap) && !map_failed((void*) done));
    for (int i = 0; i < DEMO_PAGES; ++i) {
        heap[i * 1024] = tag(i, 0);
    }
    for (int gen = 0;; ++gen) {
        console_printf(CPOS(9, 0), 0x0F, "cow: round %d ", gen);
        demo_round(heap, done, gen);
    }
}

static _Noreturn void churn(void) {
    uint32_t* heap =
        sys_map(0, CHURN_PAGES * PAGESIZE, PROT_READ | PROT_WRITE, 0);
    assert(!map_failed(heap));
    for (int i = 0; i < CHURN_PAGES; ++i) {
        heap[i * 1024] = (uint32_t) i;
    }
    for (unsigned n = 0;; ++n) {
        pid_t c = sys_fork();
        if (c == 0) {
            int i = (int) (n % CHURN_PAGES);
            assert(heap[i * 1024] == (uint32_t) i);
            heap[i * 1024] = n;
            for (int j = 0; j < CHURN_PAGES; ++j) {
                assert(heap[j * 1024] == (j == i ? n : (uint32_t) j));
            }
            sys_exit(0);
        }
        if (c < 0) {
            sys_yield();
        }
        if (n % 64 == 0) {
            console_printf(CPOS(9, 40), 0x07, "churn: %u forks", n);
        }
    }
}

int process_main(void) {
    if (sys_getpid() == 1) {
        demo();
    }
    churn();
}
