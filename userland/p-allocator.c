/* p-allocator: the handout's allocator. Grows its heap one page at a time
 * from the end of its data towards its stack; pid N allocates N times as
 * often as pid 1. Each new page must arrive zeroed; it is then filled with
 * the pid, and all of it is checked again when memory runs out.
 * Paced by the timer, not the CPU (SPEC section 10): at each tick pid p
 * allocates with odds p in ALLOC_ODDS, so the four allocators together take
 * about 10 * HZ / ALLOC_ODDS = 48 pages a second and fill the ~330 free
 * pages in about 7 s on any machine, their bars growing at rates 1:2:3:4. */
#include "ulib.h"

#define ALLOC_ODDS 21

/* A multi-page read-only constant: forces a read-only segment of several
 * pages, as in the handout. */
static const char banner[3 * PAGESIZE] = "WeensyOS p-allocator";

static int check_page(const uint8_t* page, uint8_t want) {
    for (size_t i = 0; i < PAGESIZE; ++i) {
        if (page[i] != want) {
            return 0;
        }
    }
    return 1;
}

int process_main(void) {
    pid_t p = sys_getpid();
    srand(p);
    assert(banner[0] == 'W' && banner[sizeof(banner) - 1] == 0);
    uint8_t* heap_bottom = (uint8_t*) ROUNDUP((uintptr_t) end, PAGESIZE);
    uint8_t* heap_top = heap_bottom;
    /* The heap stops below this process's stack page, wherever the kernel
     * put it (USER_STACK_PAGE once handout step 4 is done; the top of this
     * process's slot in the stencil, where the allocators share a space). */
    uintptr_t rsp;
    __asm__ volatile("movq %%rsp, %0" : "=r"(rsp));
    uint8_t* stack_bottom = (uint8_t*) ROUNDDOWN(rsp - 1, PAGESIZE);
    int result = 0;

    uint64_t tick = sys_ticks();
    while (heap_top != stack_bottom && result == 0) {
        for (unsigned n = ticks_wait(&tick); n > 0 && heap_top != stack_bottom;
             --n) {
            if (rand() % ALLOC_ODDS >= p) {
                continue;
            }
            result = sys_page_alloc(heap_top);
            if (result < 0) {
                break;
            }
            assert(check_page(heap_top, 0));
            memset(heap_top, p, PAGESIZE);
            heap_top += PAGESIZE;
            console_printf(CPOS(9, 4 + 19 * (p - 1)), 0x07, "pid %d: %3d pages",
                           p, (int) ((heap_top - heap_bottom) / PAGESIZE));
        }
    }
    for (uint8_t* page = heap_bottom; page < heap_top; page += PAGESIZE) {
        assert(check_page(page, (uint8_t) p));
    }
    log_printf("p-allocator: pid %d stopped after %d pages, page_alloc "
               "returned %d\n",
               p, (int) ((heap_top - heap_bottom) / PAGESIZE), result);
    /* Memory is full: do nothing, forever, as the handout's does (asleep,
     * so the CPU is free). */
    for (;;) {
        sys_sleep(HZ);
    }
}
