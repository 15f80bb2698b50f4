/* t-loglong: one log() call of a long buffer. It must return the whole
 * length (SPEC section 8) with every byte in the log, in order; other
 * processes must run while it is under way (the kernel writes it a chunk
 * at a time); no register but %rax, %rcx and %r11 may change across it;
 * and a process killed half-way through a long log() must leave nothing
 * behind for the next process in its slot. */
#include "t-check.h"

#define LONG_LEN 12000 /* about 47 chunks */
static char long_buf[LONG_LEN];
static char huge_buf[6 * PAGESIZE];

/* Every line of long_buf: "L<nnnn> " + 'x' padding, 100 bytes in all. */
static void fill_long(void) {
    for (int line = 0; line < LONG_LEN / 100; ++line) {
        char* l = long_buf + line * 100;
        snprintf(l, 8, "L%04d ", line);
        memset(l + 6, 'x', 93);
        l[99] = '\n';
    }
}

/* log(buf, len) with known values in every other register; returns the
 * result and counts the registers that changed. */
static int64_t log_checked(const void* buf, size_t len, int* changed) {
    int64_t ret;
    uint64_t bad = 0;
    __asm__ volatile("pushq %%rbp\n\t"
                     "pushq %%rbx\n\t"
                     "movq $0x2222, %%rbx\n\t"
                     "movq $0x7777, %%rbp\n\t"
                     "movq $0x4444, %%rdx\n\t"
                     "movq $0x8888, %%r8\n\t"
                     "movq $0x9999, %%r9\n\t"
                     "movq $0xaaaa, %%r10\n\t"
                     "movq $0xcccc, %%r12\n\t"
                     "movq $0xdddd, %%r13\n\t"
                     "movq $0xeeee, %%r14\n\t"
                     "movq $0xffff, %%r15\n\t"
                     "movq %%rdi, %%xmm0\n\t" /* the arguments, to compare */
                     "movq %%rsi, %%xmm1\n\t"
                     "syscall\n\t"
                     "movq %%xmm0, %%rcx\n\tcmpq %%rcx, %%rdi\n\tjne 1f\n\t"
                     "movq %%xmm1, %%rcx\n\tcmpq %%rcx, %%rsi\n\tjne 1f\n\t"
                     "cmpq $0x2222, %%rbx\n\tjne 1f\n\t"
                     "cmpq $0x7777, %%rbp\n\tjne 1f\n\t"
                     "cmpq $0x4444, %%rdx\n\tjne 1f\n\t"
                     "cmpq $0x8888, %%r8\n\tjne 1f\n\t"
                     "cmpq $0x9999, %%r9\n\tjne 1f\n\t"
                     "cmpq $0xaaaa, %%r10\n\tjne 1f\n\t"
                     "cmpq $0xcccc, %%r12\n\tjne 1f\n\t"
                     "cmpq $0xdddd, %%r13\n\tjne 1f\n\t"
                     "cmpq $0xeeee, %%r14\n\tjne 1f\n\t"
                     "cmpq $0xffff, %%r15\n\tjne 1f\n\t"
                     "jmp 2f\n"
                     "1:\n\tincq %1\n"
                     "2:\n\t"
                     "popq %%rbx\n\t"
                     "popq %%rbp"
                     : "=a"(ret), "+m"(bad), "+D"(buf), "+S"(len)
                     : "a"((uint64_t) SYS_LOG)
                     : "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13",
                       "r14", "r15", "xmm0", "xmm1", "cc", "memory");
    *changed = (int) bad;
    return ret;
}

int process_main(void) {
    /* A child that counts, in a page both see, while the parent logs. */
    void* page = sys_map(NULL, PAGESIZE, PROT_READ | PROT_WRITE, MAP_SHARED);
    CHECK(!map_failed(page), "map of the shared page: %ld", (int64_t) page);
    volatile uint64_t* count = page;
    pid_t counter = sys_fork();
    CHECK(counter >= 0, "fork: %d", counter);
    if (counter == 0) {
        for (;;) {
            ++*count;
            sys_yield();
        }
    }
    fill_long();
    yield_n(2);
    uint64_t before = *count;
    int changed;
    int64_t n = log_checked(long_buf, LONG_LEN, &changed);
    uint64_t during = *count - before;
    CHECK_EQ(n, LONG_LEN, "log of the long buffer");
    CHECK(changed == 0, "a register changed across a long log()");
    CHECK(during >= 10, "the counter ran %lu times during a %d-byte log()",
          during, LONG_LEN);
    log_printf("t-loglong: %d bytes in one call, counter ran %lu times\n",
               LONG_LEN, during);
    CHECK_EQ(sys_kill(counter), 0, "kill of the counter");

    /* A logger killed half-way: round robin runs it for one chunk after
     * the parent's yield, then the parent again, which kills it. */
    memset(huge_buf, 'h', sizeof(huge_buf));
    pid_t logger = sys_fork();
    CHECK(logger >= 0, "fork: %d", logger);
    if (logger == 0) {
        sys_log(huge_buf, sizeof(huge_buf));
        log_printf("t-loglong: the logger finished\n");
        sys_exit(0);
    }
    sys_yield();
    CHECK_EQ(sys_kill(logger), 0, "kill of the logger half-way");
    /* The next process in that slot starts a log() of its own. */
    pid_t next = sys_fork();
    if (next == 0) {
        int64_t r = sys_log("next: short line\n", 17);
        CHECK_EQ(r, 17, "the next process's log()");
        sys_exit(0);
    }
    CHECK_EQ(next, logger, "the next fork's slot");
    yield_n(5);
    return 0;
}
