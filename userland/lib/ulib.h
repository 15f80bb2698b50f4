/* ulib.h: the user library: system call wrappers (numbers from
 * abi/syscall.h), console printing, rand, assert. */
#ifndef USERLAND_ULIB_H
#define USERLAND_ULIB_H

#include "abi/memlayout.h"
#include "abi/syscall.h"
#include "abi/types.h"
#include "lib/format.h"
#include "lib/string.h"
#include "ucommon.h"
#include "usyscall.h"

typedef int pid_t;

/* Every program defines this; returning from it exits with its value. */
int process_main(void);

static inline pid_t sys_getpid(void) {
    return (pid_t) syscall0(SYS_GETPID);
}
static inline int sys_yield(void) {
    return (int) syscall0(SYS_YIELD);
}
static inline _Noreturn void sys_panic(const char* msg) {
    syscall1(SYS_PANIC, (uintptr_t) msg);
    __builtin_unreachable();
}
static inline int sys_page_alloc(void* addr) {
    return (int) syscall1(SYS_PAGE_ALLOC, (uintptr_t) addr);
}
static inline pid_t sys_fork(void) {
    return (pid_t) syscall0(SYS_FORK);
}
static inline _Noreturn void sys_exit(int status) {
    syscall1(SYS_EXIT, (uint64_t) (int64_t) status);
    /* Only a kernel without exit (the stencil before handout step 7) gets
     * here: give up the CPU forever instead of running on. */
    for (;;) {
        syscall0(SYS_YIELD);
    }
}
static inline int sys_kill(pid_t pid) {
    return (int) syscall1(SYS_KILL, (uint64_t) (int64_t) pid);
}
static inline int sys_sleep(uint64_t ticks) {
    return (int) syscall1(SYS_SLEEP, ticks);
}
static inline int sys_page_free(void* addr) {
    return (int) syscall1(SYS_PAGE_FREE, (uintptr_t) addr);
}
/* Maps len bytes of fresh zeroed pages at addr (0: the kernel picks the
 * lowest free run) with prot PROT_READ[|PROT_WRITE] and flags 0 or
 * MAP_SHARED. Returns the address, or E_INVAL / E_NOMEM (SPEC section 8). */
static inline void* sys_map(void* addr, size_t len, int prot, int flags) {
    return (void*) syscall4(SYS_MAP, (uintptr_t) addr, len, (uint64_t) prot,
                            (uint64_t) flags);
}
/* True when a sys_map result is an error rather than an address. */
static inline bool map_failed(const void* r) {
    return (intptr_t) r < 0;
}
/* Appends buf to the kernel log as this process's lines; returns len, or
 * E_FAULT (nothing written) when any of it is unreadable. */
static inline int64_t sys_log(const void* buf, size_t len) {
    return syscall2(SYS_LOG, (uintptr_t) buf, len);
}
static inline uint64_t sys_ticks(void) {
    return (uint64_t) syscall0(SYS_TICKS);
}

/* Blocks until the timer ticks past *last; returns how many ticks passed
 * (at least 1) and sets *last to now. A program that does one step per
 * tick runs at the same pace on any CPU (the allocators do). */
unsigned ticks_wait(uint64_t* last);

/* Formats a line into the kernel log (through sys_log). */
void log_printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints on the console page at cell pos (row * 80 + column). */
int console_printf(int pos, int color, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
