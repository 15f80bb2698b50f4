/* cpu.h: processor set-up (GDT, TSS, IDT, syscall MSRs) and the ways back
 * to user mode. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include "arch/x86_64/x86.h"

/* Sets the control registers and EFER (cpuconf.c), loads the GDT with user
 * segments and the TSS whose rsp0 is the kernel stack top, the IDT for
 * vectors 0-47, and enables the syscall instruction with syscall_entry as
 * its target. */
void cpu_init(void);

/* cpuconf.c: the CPU configuration, the same under BIOS and UEFI. */
void cpu_config_init(void);
/* True when EFER.NXE is on (the CPU offers NX): PTE_NX may be used. */
extern bool cpu_nx;

/* What a process may change in the CPU besides its general registers and
 * keep across a switch: x87/MMX/SSE state (FXSAVE image) and the data
 * segment selectors. Kept per process, changed hands only on a process
 * switch (ustate.c). FS/GS bases stay 0: every GDT descriptor has base 0,
 * CR4.FSGSBASE is off and the base MSRs are zeroed at boot. */
struct user_cpu_state {
    uint8_t fxsave[512] __attribute__((aligned(16)));
    uint16_t ds, es, fs, gs;
};
/* The state a new process starts from: x87 after fninit, MXCSR 0x1F80 (all
 * SIMD exceptions masked), all vector registers zero, null selectors. */
void ustate_init(struct user_cpu_state* s);
/* Saves the CPU's current FPU/SSE state and selectors into s. */
void ustate_save(struct user_cpu_state* s);
/* Loads s into the CPU. */
void ustate_load(const struct user_cpu_state* s);

/* Leaves the kernel with the registers in r; never returns. */
_Noreturn void regs_return(const struct regs* r);

/* Waits for an interrupt on an empty kernel stack; never returns. */
_Noreturn void idle_halt(void);

/* Name of an exception vector, for logs and panics. */
const char* cpu_exception_name(uint64_t intno);

#endif
