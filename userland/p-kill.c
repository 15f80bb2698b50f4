/* p-kill: the parent forks workers that allocate memory, then kills them
 * one by one, so the viewer shows their pages coming back; round after
 * round. */
#include "ulib.h"

#define NWORKERS 4

static _Noreturn void work(void) {
    pid_t p = sys_getpid();
    uint8_t* heap_top = (uint8_t*) ROUNDUP((uintptr_t) end, PAGESIZE);
    for (;;) {
        if (heap_top != (uint8_t*) USER_STACK_PAGE &&
            sys_page_alloc(heap_top) == 0) {
            *heap_top = (uint8_t) p;
            heap_top += PAGESIZE;
        }
        sys_sleep(2);
    }
}

int process_main(void) {
    for (int round = 1;; ++round) {
        pid_t workers[NWORKERS];
        for (int i = 0; i < NWORKERS; ++i) {
            workers[i] = sys_fork();
            if (workers[i] == 0) {
                work();
            }
            assert(workers[i] > 0);
        }
        sys_sleep(HZ);
        for (int i = 0; i < NWORKERS; ++i) {
            int r = sys_kill(workers[i]);
            assert(r == 0);
            log_printf("p-kill: round %d killed pid %d\n", round, workers[i]);
            sys_sleep(HZ / 4);
        }
    }
}
