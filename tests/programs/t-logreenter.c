/* t-logreenter: a log() abandoned between two chunks must not lend its
 * progress to a later call, even one made from the same `syscall` with
 * the same arguments. On a CPU without NX a MAP_SHARED page is
 * executable: the parent runs its `syscall` from such a page and its
 * child, sharing the page, overwrites that instruction while the parent
 * is between two chunks of a long log() of '-'. Whatever the kernel does
 * with that, the parent then fills the same buffer with '+', puts the
 * `syscall` back and calls log() again from the very same instruction
 * with the same arguments: a new call, which must write all LONG_LEN
 * bytes of '+' (the harness counts them) and return LONG_LEN. */
#include "t-check.h"

#define LONG_LEN 1024 /* four chunks */

static char long_buf[LONG_LEN];

static int64_t log_via(volatile uint8_t* code) {
    int64_t r;
    __asm__ volatile("call *%[code]"
                     : "=a"(r)
                     : [code] "r"(code), "a"(SYS_LOG), "D"(long_buf),
                       "S"((uint64_t) LONG_LEN)
                     : "rcx", "r11", "memory", "cc");
    return r;
}

int process_main(void) {
    volatile uint8_t* code =
        sys_map(NULL, PAGESIZE, PROT_READ | PROT_WRITE, MAP_SHARED);
    CHECK((int64_t) code > 0, "map failed: %ld", (int64_t) code);
    code[0] = 0x0F; /* syscall; ret */
    code[1] = 0x05;
    code[2] = 0xC3;
    /* 1: the child is ready; 2: the parent makes the long call now */
    volatile uint8_t* flag = code + 64;
    memset(long_buf, '-', LONG_LEN);
    long_buf[LONG_LEN - 1] = '\n';

    pid_t child = sys_fork();
    CHECK(child >= 0, "fork failed: %d", child);
    if (child == 0) {
        *flag = 1;
        while (*flag != 2) {
            sys_yield();
        }
        code[0] = 0xEB; /* jmp +0: on to the ret */
        code[1] = 0x00;
        sys_exit(0);
    }
    while (*flag != 1) {
        sys_yield();
    }
    *flag = 2;
    int64_t first = log_via(code);
    /* The same instruction again, the same arguments, new bytes. */
    memset(long_buf, '+', LONG_LEN);
    long_buf[LONG_LEN - 1] = '\n';
    code[0] = 0x0F;
    code[1] = 0x05;
    int64_t second = log_via(code);
    CHECK_EQ(second, LONG_LEN, "the second log() from the same syscall");
    /* No other log() in between: that would be a new call anyway. */
    log_printf("\nt-logreenter: the first call came back with %ld\n", first);
    log_printf("t-logreenter: ok\n");
    return 0;
}
