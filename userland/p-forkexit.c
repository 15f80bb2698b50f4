/* p-forkexit: forks, allocates, checks, exits, forever. Pid 1 stays and
 * keeps forking; every other process allocates at a random pace, checks
 * that every page it (or its ancestors) wrote still holds what was written,
 * and exits at random or when allocation fails. A correct kernel runs this
 * indefinitely with no leak. */
#include "ulib.h"

#define MAX_HEAP_PAGES 64

static uint32_t tags[MAX_HEAP_PAGES]; /* what each heap page holds */
static int npages;
static uint32_t* heap;

static void fill(int i, uint32_t tag) {
    uint32_t* page = heap + i * (PAGESIZE / 4);
    for (size_t w = 0; w < PAGESIZE / 4; ++w) {
        page[w] = tag;
    }
    tags[i] = tag;
}

static void check_all(void) {
    for (int i = 0; i < npages; ++i) {
        const uint32_t* page = heap + i * (PAGESIZE / 4);
        for (size_t w = 0; w < PAGESIZE / 4; w += 61) {
            assert(page[w] == tags[i]);
        }
    }
}

static _Noreturn void finish(int status) {
    check_all();
    sys_exit(status);
}

int process_main(void) {
    heap = (uint32_t*) ROUNDUP((uintptr_t) end, PAGESIZE);
    unsigned seed = (unsigned) sys_ticks() * 2654435761U;
    for (;;) {
        pid_t me = sys_getpid();
        srand(seed ^ (unsigned) me);
        int r = rand() % 100;
        if (r < 8 || me == 1) {
            pid_t c = sys_fork();
            if (c == 0) {
                seed = seed * 31 + (unsigned) sys_ticks();
                continue;
            }
        }
        if (me != 1 && r < 50) {
            if (npages == MAX_HEAP_PAGES ||
                sys_page_alloc(heap + npages * (PAGESIZE / 4)) < 0) {
                finish(0);
            }
            fill(npages++, ((uint32_t) me << 24) ^ (uint32_t) rand());
        } else if (me != 1 && r < 55) {
            finish(0);
        } else if (r < 70) {
            check_all();
        }
        seed = seed * 1103515245U + 12345U;
        sys_yield();
    }
}
