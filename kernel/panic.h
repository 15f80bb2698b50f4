/* panic.h: stopping the whole system when the kernel itself is wrong. */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include "arch/x86_64/x86.h"

/* Logs `PANIC: msg` with a symbolized backtrace of the caller, shows it on
 * the console, and stops (test mode: failure exit). */
_Noreturn void panic(const char* fmt, ...)
    __attribute__((format(printf, 1, 2)));
/* The same for a fault taken in kernel mode: also logs the registers and
 * backtraces from the faulting frame. */
_Noreturn void panic_trap(const struct regs* r);
/* Stops the system after a failure that is already logged and shown:
 * in test mode a failure exit, otherwise halt forever. */
_Noreturn void system_fail(void);

#define assert(x)                                                              \
    do {                                                                       \
        if (!(x)) {                                                            \
            panic("%s:%d: assertion '%s' failed", __FILE__, __LINE__, #x);     \
        }                                                                      \
    } while (0)

#endif
