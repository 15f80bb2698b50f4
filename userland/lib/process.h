/* process.h: the handout's system call wrappers, for programs written for
 * the original WeensyOS handout (with lib.h): this kernel's numbers and
 * `syscall` instruction behind the handout's names and types. Such a
 * program defines `void process_main(void)`; returning from it exits. */
#ifndef USERLAND_PROCESS_H
#define USERLAND_PROCESS_H

#include "abi/syscall.h"
#include "lib.h"
#include "usyscall.h"
#include "x86-64.h"

void process_main(void);

/* The caller's process ID. */
static inline pid_t sys_getpid(void) {
    return (pid_t) syscall0(SYS_GETPID);
}
/* Lets another process run. */
static inline void sys_yield(void) {
    syscall0(SYS_YIELD);
}
/* Maps a fresh zeroed page at addr: 0, or a negative error (E_INVAL,
 * E_NOMEM). */
static inline int sys_page_alloc(void* addr) {
    return (int) syscall1(SYS_PAGE_ALLOC, (uintptr_t) addr);
}
/* The child's pid in the parent, 0 in the child, negative on failure. */
static inline pid_t sys_fork(void) {
    return (pid_t) syscall0(SYS_FORK);
}
/* Ends the caller, freeing its memory (exit status 0). A kernel without
 * exit yet (the stencil before handout step 7) returns an error: the
 * caller then gives up the CPU forever instead of running on. */
static inline _Noreturn void sys_exit(void) {
    syscall1(SYS_EXIT, 0);
    for (;;) {
        syscall0(SYS_YIELD);
    }
}
/* Stops the whole system with msg (shown as USER PANIC: msg); NULL, as the
 * handout's panic() passes after drawing its own line, shows the plain
 * PANIC the handout's kernel shows. */
static inline _Noreturn void sys_panic(const char* msg) {
    syscall1(SYS_PANIC, (uintptr_t) msg);
    __builtin_unreachable();
}

/* The current stack pointer. */
static inline uintptr_t read_rsp(void) {
    uintptr_t rsp;
    __asm__ volatile("movq %%rsp, %0" : "=r"(rsp));
    return rsp;
}

/* console_printf at the shared cursorpos, which it advances. colorid is a
 * colour (attribute << 8, e.g. 0x0700), or a small number (such as the pid)
 * that picks one of five colours, or negative for gray. */
void app_printf(int colorid, const char* format, ...);

#endif
