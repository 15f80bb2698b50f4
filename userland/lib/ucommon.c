/* ucommon.c: what both user APIs share (ucommon.h): rand and assert. */
#include "ucommon.h"

#include "abi/syscall.h"
#include "lib/format.h"
#include "usyscall.h"

static unsigned long rand_state = 1;

void srand(unsigned seed) {
    rand_state = seed;
}

int rand(void) {
    rand_state = rand_state * 6364136223846793005UL + 1442695040888963407UL;
    return (int) ((rand_state >> 33) & RAND_MAX);
}

_Noreturn void assert_fail(const char* file, int line, const char* expr) {
    char msg[128];
    snprintf(msg, sizeof(msg), "%s:%d: assertion '%s' failed", file, line,
             expr);
    syscall1(SYS_PANIC, (uintptr_t) msg);
    __builtin_unreachable();
}
