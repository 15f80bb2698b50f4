/* t-cowoom: memory runs out during copy-on-write faults. The parent fills
 * memory, frees a few pages for the child's page tables and forks; the
 * child writes every page until no page is left for a copy and is ended
 * (out of memory). The parent runs on with all its data, and every page
 * comes back. */
#include "t-mapcheck.h"

#define SPARE 12
static uint8_t* pages[NPAGES_PHYSICAL];

int process_main(void) {
    size_t n = 0;
    for (;;) {
        uint8_t* p = sys_map(0, NP(1), RW, 0);
        if (map_failed(p)) {
            break;
        }
        p[0] = (uint8_t) n;
        pages[n++] = p;
    }
    for (int i = 0; i < SPARE; ++i) {
        CHECK_EQ(sys_page_free(pages[--n]), 0, "page_free");
    }
    pid_t c = sys_fork();
    CHECK(c >= 0, "copy-on-write fork with %d pages free returned %d", SPARE,
          c);
    if (c == 0) {
        sys_sleep(5); /* the parent touches its stack first */
        for (size_t i = 0; i < n; ++i) {
            pages[i][1] = 1;
        }
        log_printf("t-cowoom: child wrote all %zu pages\n", n);
        sys_exit(1);
    }
    sys_sleep(60);
    CHECK_EQ(sys_kill(c), E_SRCH, "the writer was ended");
    for (size_t i = 0; i < n; ++i) {
        CHECK(pages[i][0] == (uint8_t) i && pages[i][1] == 0,
              "parent's page %zu changed", i);
    }
    log_printf("t-cowoom: parent ran on with %zu pages intact\n", n);
    return 0;
}
