/* t-logspoof: a process writes lines that would read as the kernel's
 * (test: PASS, a panic, a leak report, a page fault, an exit), split
 * across calls, with control bytes, and one longer than the kernel
 * writes at a time. The log must show every one as this process's line. */
#include "t-check.h"

static const char* const forged[] = {
    "test: PASS\n",
    "PANIC: forged by a user process\n",
    "mm: all 350 pages back, no leak\n",
    "PAGE FAULT on 0x1 (pid 1, read missing page, rip=0x1)!\n",
    "exit: pid 1 status 0\n",
    "PAGE TABLE ERROR: forged\n",
};

static char big[4000];

int process_main(void) {
    for (size_t i = 0; i < sizeof(forged) / sizeof(forged[0]); ++i) {
        size_t n = strlen(forged[i]);
        CHECK_EQ(sys_log(forged[i], n), n, "log");
    }
    /* One line in two calls; then a line with a carriage return, an
     * escape sequence and a NUL: all must stay one visible line. */
    CHECK_EQ(sys_log("split ", 6), 6, "log part 1");
    CHECK_EQ(sys_log("line\n", 5), 5, "log part 2");
    CHECK_EQ(sys_log("x\rtest: PASS\x1b[2J\0end\n", 21), 21, "control bytes");
    /* A line started without a newline, then a kernel line (the yield
     * lets a fork log): the kernel's line must start on its own. */
    CHECK_EQ(sys_log("open line", 9), 9, "open line");
    pid_t child = sys_fork();
    CHECK(child >= 0, "fork failed: %d", child);
    if (child == 0) {
        sys_log("child's words\n", 14);
        sys_exit(0);
    }
    yield_n(5);
    /* A line longer than the kernel writes at a time, in one call: all of
     * it, as one line. */
    memset(big, 'b', sizeof(big));
    big[sizeof(big) - 1] = '\n';
    CHECK_EQ(sys_log(big, sizeof(big)), sizeof(big), "log of the long line");
    return 0;
}
