/* t-mapinval: every map() argument SPEC section 8 forbids returns E_INVAL
 * and changes nothing: no page appears (the lowest free page stays where it
 * was, fixed addresses stay unmapped) and no mapped page is replaced. */
#include "t-mapcheck.h"

struct bad_map {
    uint64_t addr, len, prot, flags;
    const char* what;
};

#define KEEP 0x200000UL /* a fixed region with data, 2 pages */
#define HIGH (1UL << 63)

static const struct bad_map bad[] = {
    {0, 0, RW, 0, "len 0"},
    {0, 1, RW, 0, "len 1"},
    {0, PAGESIZE + 1, RW, 0, "len not a page multiple"},
    {0, PAGESIZE - 1, RW, 0, "len under a page"},
    {0, PAGESIZE, 0, 0, "prot 0"},
    {0, PAGESIZE, PROT_WRITE, 0, "write-only prot"},
    {0, PAGESIZE, 4, 0, "prot exec bit"},
    {0, PAGESIZE, 7, 0, "prot rwx"},
    {0, PAGESIZE, RW | (1UL << 32), 0, "prot bit 32"},
    {0, PAGESIZE, PROT_READ | HIGH, 0, "prot bit 63"},
    {0, PAGESIZE, (uint64_t) -1, 0, "prot all ones"},
    {0, PAGESIZE, RW, 2, "flags bit 1"},
    {0, PAGESIZE, RW, 1UL << 32, "flags bit 32"},
    {0, PAGESIZE, RW, MAP_SHARED | HIGH, "shared with bit 63"},
    {0, PAGESIZE, RW, (uint64_t) -1, "flags all ones"},
    {KEEP + 1, PAGESIZE, RW, 0, "unaligned addr"},
    {KEEP + 0x800, PAGESIZE, RW, 0, "half-page addr"},
    {KEEP, NP(1) + 8, RW, 0, "fixed, len not a page multiple"},
    {KEEP, PAGESIZE, PROT_WRITE, 0, "fixed, write-only"},
    {KEEP, PAGESIZE, RW, 4, "fixed, unknown flag"},
    {KEEP, PAGESIZE, RW | (1UL << 40), MAP_SHARED, "fixed, prot bit 40"},
    {KEEP, MEMSIZE_VIRTUAL, RW, 0, "fixed, past the top"},
    {KEEP, (uint64_t) -PAGESIZE, RW, 0, "fixed, wraps"},
    {KEEP, HIGH, RW, 0, "fixed, len 2^63"},
    {PROC_START_ADDR - PAGESIZE, PAGESIZE, RW, 0, "below user memory"},
    {PROC_START_ADDR - PAGESIZE, NP(2), RW, 0, "straddles PROC_START"},
    {CONSOLE_ADDR, PAGESIZE, RW, 0, "console"},
    {KERNEL_START_ADDR, PAGESIZE, RW, 0, "kernel"},
    {KERNEL_STACK_TOP - PAGESIZE, PAGESIZE, RW, 0, "kernel stack"},
    {MEMSIZE_VIRTUAL, PAGESIZE, RW, 0, "at the top"},
    {USER_STACK_PAGE, NP(2), RW, 0, "stack page and past the top"},
    {0xFFFF800000000000UL, PAGESIZE, RW, 0, "direct map"},
    {(uint64_t) -PAGESIZE, NP(2), RW, 0, "wraps around zero"},
};

int process_main(void) {
    uint8_t* keep = map_ok((void*) KEEP, NP(2), RW, 0);
    CHECK(keep == (uint8_t*) KEEP, "fixed map returned %p", keep);
    fill_pages(keep, 2, 0x5A);
    /* The lowest free page now, found by mapping and unmapping it. */
    uint8_t* probe = map_ok(0, NP(1), RW, 0);
    CHECK_EQ(sys_page_free(probe), 0, "page_free of the probe");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); ++i) {
        const struct bad_map* b = &bad[i];
        int64_t r = map_raw(b->addr, b->len, b->prot, b->flags);
        CHECK(r == E_INVAL, "map %s returned %ld, want E_INVAL", b->what, r);
    }
    expect_pages(keep, 2, 0x5A, "fixed pages after refused maps");
    CHECK_EQ(sys_page_free(keep + NP(2)), E_INVAL,
             "nothing mapped past the fixed pages");
    CHECK_EQ(sys_page_free(probe), E_INVAL, "the probe page stays unmapped");
    CHECK_EQ(sys_page_free((void*) (USER_STACK_PAGE - PAGESIZE)), E_INVAL,
             "nothing mapped below the stack");
    uint8_t* again = map_ok(0, NP(1), RW, 0);
    CHECK(again == probe, "lowest free page moved from %p to %p", probe, again);
    log_printf("t-mapinval: %zu refused calls changed nothing\n",
               sizeof(bad) / sizeof(bad[0]));
    return 0;
}
