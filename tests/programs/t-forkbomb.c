/* t-forkbomb: a copy-on-write fork bomb with a kill storm. Every process
 * forks as fast as it can, writes pages it shares copy-on-write (each
 * write may need a page the bomb has used up: the writer alone is ended,
 * out of memory), maps and frees pages, and kills its own children at
 * random, until BOMB_TICKS have passed; then each exits. Every process
 * checks that its pages hold what it wrote. Started next to t-bombwatch
 * (run=t-forkbomb,t-bombwatch), which never forks and must keep its data
 * through it all; the kernel's leak check ends the test. */
#include "t-mapcheck.h"

#define BOMB_TICKS 300
#define HEAP       28 /* private pages every process inherits */

static uint8_t* heap;
static uint8_t tags[HEAP];
static pid_t kids[NPROC];
static int nkids, me;
static uint64_t seed = 0xB0B0CAFE;

static unsigned rnd(void) {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return (unsigned) (seed >> 16);
}

static void write_page(int i) {
    tags[i] = (uint8_t) (1 + (me * 29 + rnd()) % 251);
    memset(heap + NP(i), tags[i], PAGESIZE);
}

static void check_pages(void) {
    for (int i = 0; i < HEAP; ++i) {
        const volatile uint8_t* p = heap + NP(i);
        CHECK(p[0] == tags[i] && p[PAGESIZE / 2] == tags[i] &&
                  p[PAGESIZE - 1] == tags[i],
              "pid %d heap page %d: %d, want %d", me, i, p[0], tags[i]);
    }
}

int process_main(void) {
    me = sys_getpid();
    heap = map_ok(NULL, NP(HEAP), RW, 0);
    for (int i = 0; i < HEAP; ++i) {
        write_page(i);
    }
    uint64_t stop = sys_ticks() + BOMB_TICKS;
    void* extra = NULL;
    while (sys_ticks() < stop) {
        pid_t c = sys_fork();
        CHECK(c >= 0 || c == E_AGAIN || c == E_NOMEM, "fork: %d", c);
        if (c == 0) {
            me = sys_getpid();
            seed ^= (uint64_t) me * 0x9E3779B97F4A7C15UL;
            nkids = 0;
            check_pages();
        } else if (c > 0 && nkids < NPROC) {
            kids[nkids++] = c;
        }
        write_page((int) (rnd() % HEAP)); /* copy-on-write: may end us */
        if (rnd() % 4 == 0 && nkids > 0) {
            int k = (int) (rnd() % (unsigned) nkids);
            int r = sys_kill(kids[k]);
            CHECK(r == 0 || r == E_SRCH, "kill(%d): %d", kids[k], r);
            kids[k] = kids[--nkids];
        }
        if (extra) {
            CHECK_EQ(sys_page_free(extra), 0, "page_free");
            extra = NULL;
        } else {
            void* r = sys_map(NULL, PAGESIZE, RW, 0);
            CHECK(!map_failed(r) || r == (void*) E_NOMEM, "map: %p", r);
            extra = map_failed(r) ? NULL : r;
        }
        check_pages();
        if (rnd() % 8 == 0) {
            sys_yield();
        }
    }
    check_pages();
    return 0;
}
