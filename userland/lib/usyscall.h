/* usyscall.h: the `syscall` instruction as C functions, shared by both user
 * APIs (ulib.h, the project's; process.h, the handout's). Number in %rax,
 * arguments in %rdi, %rsi, %rdx, %r10; result in %rax; %rcx and %r11
 * clobbered (SPEC section 8). */
#ifndef USERLAND_USYSCALL_H
#define USERLAND_USYSCALL_H

#include "abi/types.h"

static inline int64_t syscall0(int64_t nr) {
    int64_t r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(nr) : "rcx", "r11", "memory");
    return r;
}
static inline int64_t syscall1(int64_t nr, uint64_t a0) {
    int64_t r;
    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "a"(nr), "D"(a0)
                     : "rcx", "r11", "memory");
    return r;
}
static inline int64_t syscall2(int64_t nr, uint64_t a0, uint64_t a1) {
    int64_t r;
    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "a"(nr), "D"(a0), "S"(a1)
                     : "rcx", "r11", "memory");
    return r;
}
static inline int64_t syscall4(int64_t nr, uint64_t a0, uint64_t a1,
                               uint64_t a2, uint64_t a3) {
    int64_t r;
    register uint64_t r10 __asm__("r10") = a3;
    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10)
                     : "rcx", "r11", "memory");
    return r;
}

#endif
