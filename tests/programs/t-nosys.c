/* t-nosys: system call numbers the kernel does not have return E_NOSYS,
 * and the kernel survives them. */
#include "t-check.h"

int process_main(void) {
    static const int64_t bad[] = {
        0, SYS_COUNT, 99, 1000, -1, (int64_t) 0x8000000000000001UL};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); ++i) {
        CHECK_EQ(syscall0(bad[i]), E_NOSYS, "unknown system call");
    }
    CHECK(sys_getpid() > 0, "kernel unwell after unknown calls");
    log_printf("t-nosys: ok\n");
    return 0;
}
