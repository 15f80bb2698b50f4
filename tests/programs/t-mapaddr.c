/* t-mapaddr: kernel-chosen addresses are the lowest free run of the asked
 * length and never overlap a mapped page (holes too small are skipped,
 * holes that fit are refilled); fixed addresses replace what is there
 * with zeroed pages of the asked rights; new pages are zero. */
#include "t-mapcheck.h"

int process_main(void) {
    /* The image (code, rodata, data) is contiguous from PROC_START_ADDR. */
    uint8_t* lowest = (uint8_t*) ROUNDUP((uintptr_t) end, PAGESIZE);
    uint8_t* a = map_ok(0, NP(1), RW, 0);
    CHECK(a == lowest, "first map at %p, want %p (lowest free)", a, lowest);
    expect_pages(a, 1, 0, "new page");
    fill_pages(a, 1, 0xA1);
    uint8_t* b = map_ok(0, NP(3), RW, 0);
    CHECK(b == a + NP(1), "3 pages at %p, want %p", b, a + NP(1));
    expect_pages(b, 3, 0, "new pages");
    fill_pages(b, 3, 0xB3);
    uint8_t* c = map_ok(0, NP(2), PROT_READ, 0);
    CHECK(c == b + NP(3), "read-only pages at %p, want %p", c, b + NP(3));
    expect_pages(c, 2, 0, "new read-only pages");

    CHECK_EQ(sys_page_free(b + NP(1)), 0, "page_free in the middle");
    uint8_t* d = map_ok(0, NP(2), RW, 0);
    CHECK(d == c + NP(2), "2 pages at %p skip the 1-page hole, want %p", d,
          c + NP(2));
    fill_pages(d, 2, 0xD2);
    uint8_t* e = map_ok(0, NP(1), RW, MAP_SHARED);
    CHECK(e == b + NP(1), "1 page at %p refills the hole %p", e, b + NP(1));
    expect_pages(e, 1, 0, "refilled page");
    fill_pages(e, 1, 0xE1);

    CHECK_EQ(sys_page_free(a), 0, "page_free a");
    CHECK_EQ(sys_page_free(b), 0, "page_free b[0]");
    uint8_t* f = map_ok(0, NP(2), RW, 0);
    CHECK(f == a, "2 pages at %p refill the 2-page hole %p", f, a);
    expect_pages(f, 2, 0, "refilled pages");
    expect_pages(e, 1, 0xE1, "neighbour of a refill");
    expect_pages(b + NP(2), 1, 0xB3, "neighbour of a refill");
    expect_pages(d, 2, 0xD2, "later pages");

    /* Fixed: replaces a writable and two read-only pages by zeroed
     * writable ones, and leaves the neighbours alone. */
    uint8_t* g = map_ok(b + NP(2), NP(3), RW, 0);
    CHECK(g == b + NP(2), "fixed map returned %p, want %p", g, b + NP(2));
    expect_pages(g, 3, 0, "replaced pages");
    fill_pages(g, 3, 0x96);
    expect_pages(e, 1, 0xE1, "page before a fixed map");
    expect_pages(d, 2, 0xD2, "pages after a fixed map");

    /* A fixed map high up; kernel-chosen runs still start lowest. */
    uint8_t* h = map_ok((void*) (USER_STACK_PAGE - NP(4)), NP(4), RW, 0);
    fill_pages(h, 4, 0x44);
    uint8_t* i = map_ok(0, NP(1), RW, 0);
    CHECK(i == d + NP(2), "map after a high fixed map at %p, want %p", i,
          d + NP(2));
    /* No run that large below the stack: E_NOMEM, nothing changes. */
    int64_t r = map_raw(0, USER_STACK_PAGE - PROC_START_ADDR, RW, 0);
    CHECK_EQ(r, E_NOMEM, "kernel-chosen run larger than user memory");
    expect_pages(h, 4, 0x44, "high pages");
    log_printf("t-mapaddr: ok\n");
    return 0;
}
