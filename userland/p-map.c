/* p-map: the map scenario. One process walks through what map() and
 * page_free() do, a step every STEP ticks, and says on row 9 what it just
 * did: private runs at kernel-chosen addresses, a read-only run, a shared
 * run, holes punched with page_free and refilled by the lowest-fit rule, a
 * child that shares the shared run (two views of the same pages, S) while
 * both count in it, a fixed map replacing the read-only run; then it
 * unmaps everything and starts over. */
#include "ulib.h"

#define STEP 40 /* ticks between steps */
#define RW   (PROT_READ | PROT_WRITE)

static void say(const char* what) {
    console_printf(CPOS(9, 0), 0x0F, "map: %-74s", what);
    sys_sleep(STEP);
}

static uint8_t* map_pages(void* addr, size_t n, int prot, int flags,
                          uint8_t fill) {
    uint8_t* p = sys_map(addr, n * PAGESIZE, prot, flags);
    assert(!map_failed(p));
    for (size_t i = 0; i < n; ++i) {
        assert(p[i * PAGESIZE] == 0);
        if (prot & PROT_WRITE) {
            p[i * PAGESIZE] = fill;
        }
    }
    return p;
}

static void unmap(uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        assert(sys_page_free(p + i * PAGESIZE) == 0);
    }
}

/* Parent and child take turns counting in the shared page; each prints
 * what it sees on its half of row 9. */
static void count_together(volatile uint32_t* counter, pid_t child) {
    for (int i = 0; i < 40; ++i) {
        ++*counter;
        console_printf(CPOS(9, child ? 0 : 40), 0x0F,
                       "%-6s sees shared count %4u        ",
                       child ? "parent" : "child", *counter);
        sys_sleep(5);
    }
}

int process_main(void) {
    for (;;) {
        uint8_t* a = map_pages(0, 4, RW, 0, 0xA);
        say("4 private pages at the lowest free address");
        uint8_t* r = map_pages(0, 2, PROT_READ, 0, 0);
        say("2 read-only pages right after them");
        uint8_t* s = map_pages(0, 3, RW, MAP_SHARED, 0x5);
        say("3 shared pages (MAP_SHARED)");
        uint8_t* b = map_pages(0, 5, RW, 0, 0xB);
        say("5 more private pages");
        unmap(a + PAGESIZE, 2);
        unmap(b + 3 * PAGESIZE, 1);
        say("page_free: holes of 2 pages and of 1 page");
        uint8_t* x = map_pages(0, 2, RW, 0, 0xC);
        assert(x == a + PAGESIZE);
        say("map 2 pages: the kernel picks the 2-page hole");
        uint8_t* y = map_pages(0, 1, RW, 0, 0xD);
        assert(y == b + 3 * PAGESIZE);
        say("map 1 page: the kernel picks the 1-page hole");
        volatile uint32_t* counter = (volatile uint32_t*) s;
        *counter = 0;
        pid_t c = sys_fork();
        assert(c >= 0);
        count_together(counter, c);
        if (c == 0) {
            sys_exit(0);
        }
        sys_sleep(10);
        map_pages(r, 2, RW, 0, 0xE);
        say("fixed map over the read-only pages: now writable");
        unmap(a, 4);
        unmap(r, 2);
        unmap(s, 3);
        unmap(b, 5);
        say("every page unmapped; again");
    }
}
