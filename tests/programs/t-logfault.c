/* t-logfault: log() with a pointer the caller may not read returns
 * E_FAULT: kernel memory, unmapped memory, a buffer straddling into an
 * unmapped page, the kernel's direct map, and lengths that wrap. */
#include "t-check.h"

#define PAGE ((char*) 0x280000)

int process_main(void) {
    CHECK_EQ(sys_page_alloc(PAGE), 0, "page_alloc");
    memcpy(PAGE + PAGESIZE - 6, "edge\n", 6);
    CHECK_EQ(sys_log(PAGE + PAGESIZE - 6, 5), 5, "log at a page's end");
    struct {
        uint64_t addr, len;
        const char* what;
    } bad[] = {
        {KERNEL_START_ADDR, 16, "kernel image"},
        {KERNEL_STACK_TOP - 64, 16, "kernel stack"},
        {0x2F0000, 16, "unmapped page"},
        {(uint64_t) PAGE + PAGESIZE - 8, 16, "straddling into unmapped"},
        {0, 1, "null"},
        {0xFFFF800000100000UL, 16, "kernel direct map"},
        {(uint64_t) PAGE, (uint64_t) -1, "length that wraps"},
        {(uint64_t) PAGE, 0x200000, "length past user memory"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); ++i) {
        int64_t r = sys_log((const void*) bad[i].addr, bad[i].len);
        CHECK(r == E_FAULT, "log(%s) returned %ld, want E_FAULT", bad[i].what,
              r);
    }
    log_printf("t-logfault: ok\n");
    return 0;
}
