/* p-handout-allocator: an allocator written against the handout's API
 * (process.h, lib.h), the way the handout's own programs are, to show that
 * such a program builds and runs here unchanged: it grows its heap a page at
 * a time from the end of its data until it meets its stack or memory runs
 * out, then yields forever. Start it with run=p-handout-allocator (target
 * run-p-handout-allocator). */
#include "lib.h"
#include "process.h"

#define ALLOC_SLOWDOWN 100

extern uint8_t end[];

uint8_t* heap_top;
uint8_t* stack_bottom;

void process_main(void) {
    pid_t p = sys_getpid();
    srand(p);
    heap_top = ROUNDUP((uint8_t*) end, PAGESIZE);
    stack_bottom = ROUNDDOWN((uint8_t*) read_rsp() - 1, PAGESIZE);

    int pages = 0;
    while (1) {
        if ((rand() % ALLOC_SLOWDOWN) < p) {
            if (heap_top == stack_bottom || sys_page_alloc(heap_top) < 0) {
                break;
            }
            *heap_top = p; /* the new page is writable */
            heap_top += PAGESIZE;
            ++pages;
            console_printf(CPOS(9, 0), 0x0700, "pid %d: %d pages\n", p, pages);
        }
        sys_yield();
    }
    console_printf(CPOS(9, 0), COLOR_ERROR,
                   "pid %d: out of memory after %d pages\n", p, pages);
    while (1) {
        sys_yield();
    }
}
