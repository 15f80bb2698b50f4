/* cpu.h: processor set-up (GDT, TSS, IDT, syscall MSRs) and the ways back
 * to user mode. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include "arch/x86_64/x86.h"

/* Loads the GDT with user segments and the TSS whose rsp0 is the kernel
 * stack top, the IDT for vectors 0-47, and enables the syscall instruction
 * with syscall_entry as its target. */
void cpu_init(void);

/* Leaves the kernel with the registers in r; never returns. */
_Noreturn void regs_return(const struct regs* r);

/* Waits for an interrupt on an empty kernel stack; never returns. */
_Noreturn void idle_halt(void);

/* Name of an exception vector, for logs and panics. */
const char* cpu_exception_name(uint64_t intno);

#endif
