/* t-mapnomem: with memory exhausted, a fixed map over mapped pages and a
 * kernel-chosen map that each need more pages than are free return E_NOMEM
 * and change nothing: old pages keep their data, and every page they took
 * came back (a map of exactly the free count then succeeds). */
#include "t-mapcheck.h"

#define FREED 6
static uint8_t* fillers[NPAGES_PHYSICAL];

int process_main(void) {
    uint8_t* keep = map_ok(0, NP(4), RW, 0);
    fill_pages(keep, 4, 0x4B);
    size_t n = 0;
    for (;;) {
        uint8_t* p = sys_map(0, NP(1), RW, 0);
        if (map_failed(p)) {
            CHECK_EQ((intptr_t) p, E_NOMEM, "map with memory full");
            break;
        }
        CHECK(n < NPAGES_PHYSICAL, "more pages than memory");
        fill_pages(p, 1, (uint8_t) n);
        fillers[n++] = p;
    }
    CHECK(n > FREED + 6, "only %zu pages mapped", n);
    for (int i = 0; i < FREED; ++i) {
        CHECK_EQ(sys_page_free(fillers[--n]), 0, "page_free");
    }
    int64_t r = map_raw((uintptr_t) keep, NP(4 + FREED + 1), RW, 0);
    CHECK_EQ(r, E_NOMEM, "fixed map needing one page too many");
    r = map_raw(0, NP(FREED + 1), RW, MAP_SHARED);
    CHECK_EQ(r, E_NOMEM, "kernel-chosen map needing one page too many");
    expect_pages(keep, 4, 0x4B, "pages under a failed fixed map");
    for (size_t i = 0; i < n; ++i) {
        expect_pages(fillers[i], 1, (uint8_t) i, "filler page");
    }
    uint8_t* all = map_ok(0, NP(FREED), RW, 0);
    expect_pages(all, FREED, 0, "pages after the failures");
    log_printf("t-mapnomem: %zu pages filled memory; failed maps changed "
               "nothing\n",
               n + FREED);
    return 0;
}
