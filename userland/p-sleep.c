/* p-sleep: the sleep scenario, run as pids 1-4. Pid N naps 3 * 2^(N-1)
 * ticks (30, 60, 120, 240 ms) between steps, so pid 1 grows its heap eight
 * times as fast as pid 4. Each step allocates one page; once memory is
 * full a process gives its pages back one per step, then grows again, so
 * the bars breathe at their own rates. Row 9 shows each one's state. */
#include "ulib.h"

int process_main(void) {
    pid_t p = sys_getpid();
    uint64_t nap = 3UL << ((p - 1) % 4);
    uint8_t* base = (uint8_t*) ROUNDUP((uintptr_t) end, PAGESIZE);
    uint8_t* top = base;
    bool growing = true;
    for (;;) {
        sys_sleep(nap);
        if (growing) {
            if (top == (uint8_t*) USER_STACK_PAGE || sys_page_alloc(top) < 0) {
                growing = false;
            } else {
                assert(*top == 0);
                *top = (uint8_t) p;
                top += PAGESIZE;
            }
        } else if (top == base) {
            growing = true;
        } else {
            top -= PAGESIZE;
            assert(*top == (uint8_t) p);
            sys_page_free(top);
        }
        console_printf(CPOS(9, 1 + 20 * ((p - 1) % 4)), 0x07,
                       "%d: nap %3lu %c%3d ", p, nap, growing ? '+' : '-',
                       (int) ((top - base) / PAGESIZE));
    }
}
