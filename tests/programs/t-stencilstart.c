/* t-stencilstart: the handout's initial state as a program written for the
 * handout sees it (process.h): before steps 5 and 7 fork and exit are not
 * there (E_NOSYS), and process.h's sys_exit() must then give up the CPU
 * forever instead of running off its end. Meant for the stencil, where
 * stencil-initial-state reads its log lines; on a kernel with fork and
 * exit it reports what it got instead and exits. */
#include "lib.h"
#include "process.h"

static void say(const char* fmt, long value) {
    char line[96];
    int n = snprintf(line, sizeof(line), fmt, value);
    syscall2(SYS_LOG, (uintptr_t) line, (uint64_t) n);
}

void process_main(void) {
    pid_t child = sys_fork();
    say("t-stencilstart: fork returned %ld\n", child);
    if (child == 0) {
        syscall1(SYS_EXIT, 0); /* a kernel with fork: the child goes */
    }
    say("t-stencilstart: exit returned %ld\n", syscall1(SYS_EXIT, 0));
    say("t-stencilstart: calling sys_exit() (pid %ld)\n", sys_getpid());
    sys_exit();
}
