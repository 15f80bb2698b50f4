/* t-bombwatch: the bystander next to t-forkbomb. It never forks, so it
 * never needs a page after its start: it fills its pages, then for
 * WATCH_TICKS sleeps and checks them (and its registers' private state,
 * through a busy spin the timer preempts) while the bomb runs out of
 * memory and kills around it. */
#include "t-mapcheck.h"

#define WATCH_TICKS 400
#define PAGES       8

int process_main(void) {
    uint8_t* p = map_ok(NULL, NP(PAGES), RW, 0);
    fill_pages(p, PAGES, 0x77);
    uint64_t stop = sys_ticks() + WATCH_TICKS;
    int rounds = 0;
    while (sys_ticks() < stop) {
        sys_sleep(5);
        for (uint64_t spin = sys_ticks() + 2; sys_ticks() < spin;) {
        }
        expect_pages(p, PAGES, 0x77, "the bystander's pages");
        ++rounds;
    }
    log_printf("t-bombwatch: %d checks, pages intact\n", rounds);
    return 0;
}
