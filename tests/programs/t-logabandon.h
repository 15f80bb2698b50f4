/* t-logabandon.h: a long log() abandoned between two chunks, for the
 * programs that check what a later log() makes of it. On a CPU without NX
 * a MAP_SHARED page is executable: the caller runs its `syscall` from
 * such a page, and a child sharing the page overwrites that instruction
 * (with a jump over it) while the caller is between two chunks of the
 * long log(), so the caller never comes back to finish the call. */
#ifndef TESTS_T_LOGABANDON_H
#define TESTS_T_LOGABANDON_H

#include "t-check.h"

/* log(buf, len) through the `syscall; ret` at code. */
static inline int64_t log_via(volatile uint8_t* code, const char* buf,
                              size_t len) {
    int64_t r;
    __asm__ volatile("call *%[code]"
                     : "=a"(r)
                     : [code] "r"(code), "a"(SYS_LOG), "D"(buf),
                       "S"((uint64_t) len)
                     : "rcx", "r11", "memory", "cc");
    return r;
}

/* Runs log(buf, len) (len over one chunk) from a fresh shared code page
 * that a forked child rewrites once the call has started; returns that
 * page (its `syscall` now a jump) and sets *result to what the abandoned
 * call came back with. */
static inline volatile uint8_t* log_abandoned(const char* buf, size_t len,
                                              int64_t* result) {
    volatile uint8_t* code =
        sys_map(NULL, PAGESIZE, PROT_READ | PROT_WRITE, MAP_SHARED);
    CHECK((int64_t) code > 0, "map failed: %ld", (int64_t) code);
    code[0] = 0x0F; /* syscall; ret */
    code[1] = 0x05;
    code[2] = 0xC3;
    /* 1: the child is ready; 2: the parent makes the long call now */
    volatile uint8_t* flag = code + 64;
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
    *result = log_via(code, buf, len);
    CHECK(code[0] == 0xEB, "the child did not rewrite the code in time");
    return code;
}

#endif
