/* t-logrewrite: a log() that is restarted after each 256-byte chunk must
 * not carry its progress into a different call. On a CPU without NX, a
 * MAP_SHARED page is executable: the parent runs its `syscall` from such
 * a page, and its child, which shares the page, overwrites that
 * instruction while the parent is between two chunks. The parent then
 * never comes back to finish the call (it runs a jump instead), so its
 * next log() is a new call: it must write its whole buffer and return its
 * length, not skip the abandoned call's progress or return E_FAULT. */
#include "t-check.h"

#define LONG_LEN  1024 /* four chunks */
#define SHORT_LEN 100  /* shorter than one chunk */

static char long_buf[LONG_LEN];
static char short_buf[SHORT_LEN + 1];

int process_main(void) {
    volatile uint8_t* code =
        sys_map(NULL, PAGESIZE, PROT_READ | PROT_WRITE, MAP_SHARED);
    CHECK((int64_t) code > 0, "map failed: %ld", (int64_t) code);
    /* code: syscall; ret. A jump over the syscall replaces it later. */
    code[0] = 0x0F;
    code[1] = 0x05;
    code[2] = 0xC3;
    /* 1: the child is ready; 2: the parent makes the long call now */
    volatile uint8_t* flag = code + 64;
    memset(long_buf, '-', LONG_LEN);
    long_buf[LONG_LEN - 1] = '\n';
    memset(short_buf, 's', SHORT_LEN);
    short_buf[SHORT_LEN - 1] = '\n';

    pid_t child = sys_fork();
    CHECK(child >= 0, "fork failed: %d", child);
    if (child == 0) {
        *flag = 1;
        /* Runs while the parent is between chunks (round robin). */
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
    int64_t r;
    __asm__ volatile("call *%[code]"
                     : "=a"(r)
                     : [code] "r"(code), "a"(SYS_LOG), "D"(long_buf),
                       "S"((uint64_t) LONG_LEN)
                     : "rcx", "r11", "memory", "cc");
    CHECK(code[0] == 0xEB, "the child did not rewrite the code in time");
    int64_t abandoned = r;
    r = sys_log(short_buf, SHORT_LEN);
    CHECK_EQ(r, SHORT_LEN, "a new log() after an abandoned one");
    log_printf("t-logrewrite: the abandoned call came back with %ld\n",
               abandoned);
    r = sys_log(long_buf, LONG_LEN);
    CHECK_EQ(r, LONG_LEN, "a long log() after that");
    log_printf("t-logrewrite: ok\n");
    return 0;
}
