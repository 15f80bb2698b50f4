/* t-pagealloc: page_alloc rejects every bad address with E_INVAL and
 * changes nothing; a good address gets a zeroed page, replacing (and
 * freeing) what was there. */
#include "t-check.h"

#define GOOD ((uint8_t*) 0x280000)

int process_main(void) {
    CHECK_EQ(sys_page_alloc(GOOD), 0, "page_alloc at a good address");
    for (size_t i = 0; i < PAGESIZE; ++i) {
        CHECK_EQ(GOOD[i], 0, "new page is zero");
    }
    memset(GOOD, 0xA5, PAGESIZE);
    static const uint64_t bad[] = {
        0x280001,                /* unaligned */
        0x280800,                /* unaligned */
        0,                       /* null */
        KERNEL_START_ADDR,       /* kernel */
        KERNEL_STACK_TOP - 4096, /* kernel stack */
        CONSOLE_ADDR,            /* console */
        PROC_START_ADDR - 4096,  /* just below user memory */
        MEMSIZE_VIRTUAL,         /* just past user memory */
        0x400000,
        0xFFFF800000000000UL, /* kernel direct map */
        0xFFFFFFFFFFFFF000UL,
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); ++i) {
        int r = sys_page_alloc((void*) bad[i]);
        CHECK(r == E_INVAL, "page_alloc(%lx) returned %d, want E_INVAL", bad[i],
              r);
    }
    for (size_t i = 0; i < PAGESIZE; ++i) {
        CHECK_EQ(GOOD[i], 0xA5, "good page unchanged by failed calls");
    }
    CHECK_EQ(sys_page_alloc(GOOD), 0, "page_alloc over a mapped page");
    for (size_t i = 0; i < PAGESIZE; ++i) {
        CHECK_EQ(GOOD[i], 0, "replacement page is zero");
    }
    log_printf("t-pagealloc: ok\n");
    return 0;
}
