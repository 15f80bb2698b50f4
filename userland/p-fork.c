/* p-fork: forks twice to make four processes, checks that pids and fork
 * results relate as they must and that a global written after fork stays
 * private across yields, then allocates at its pid's rate like
 * p-allocator. Its code and read-only data end up shared by all four. */
#include "ulib.h"

/* Paced by the timer as p-allocator is: at each tick, odds pid in 21. */
#define ALLOC_ODDS 21

static const char banner[2 * PAGESIZE] = "WeensyOS p-fork";
static volatile int private_value;

static int fork_checked(pid_t parent) {
    pid_t r = sys_fork();
    assert(r >= 0);
    if (r == 0) {
        assert(sys_getpid() != parent);
    } else {
        assert(sys_getpid() == parent && r != parent);
    }
    return r;
}

int process_main(void) {
    pid_t original = sys_getpid();
    assert(banner[0] == 'W');
    fork_checked(original);
    pid_t middle = sys_getpid();
    fork_checked(middle);
    pid_t p = sys_getpid();

    private_value = p * 1000;
    for (int i = 0; i < 10; ++i) {
        sys_yield();
        assert(private_value == p * 1000);
    }
    log_printf("p-fork: pid %d ok (forked from %d)\n", p, middle);

    srand(p);
    uint8_t* heap_top = (uint8_t*) ROUNDUP((uintptr_t) end, PAGESIZE);
    uint64_t tick = sys_ticks();
    bool full = false;
    while (heap_top != (uint8_t*) USER_STACK_PAGE && !full) {
        for (unsigned n = ticks_wait(&tick);
             n > 0 && heap_top != (uint8_t*) USER_STACK_PAGE; --n) {
            if (rand() % ALLOC_ODDS >= p) {
                continue;
            }
            if (sys_page_alloc(heap_top) < 0) {
                full = true;
                break;
            }
            *heap_top = (uint8_t) p;
            heap_top += PAGESIZE;
        }
    }
    log_printf("p-fork: pid %d out of memory\n", p);
    for (;;) {
        sys_sleep(HZ);
    }
}
