/* cpuconf.c: the processor configuration, decided once at boot and written
 * in full, so that BIOS and UEFI boots run on the same CPU (firmware leaves
 * different bits behind: OVMF turns on CR4.OSFXSR and CR0.NE, the BIOS path
 * does not).
 *
 * CR0: MP=1, EM=0, TS=0, NE=1, AM=0. EM=0 and MP=1 let user code run x87,
 *      MMX and SSE natively; TS=0 because FPU state changes hands eagerly
 *      on a process switch (ustate.c), never by #NM; NE=1 reports x87
 *      errors as #MF to the process whose instruction took them, not as
 *      IRQ 13 through FERR#; AM=0 makes RFLAGS.AC mean nothing.
 * CR4: OSFXSR=1 (FXSAVE/FXRSTOR and SSE), OSXMMEXCPT=1 (unmasked SIMD
 *      errors are #XM for the process rather than #UD), UMIP=1 where CPUID
 *      7.0 ECX bit 2 offers it (else sgdt, sidt, sldt, str and smsw run in
 *      ring 3 and show the GDT's and IDT's kernel addresses and CR0: a
 *      CPU without it leaves them readable). Off, whatever the
 *      firmware did: OSXSAVE (AVX state is not saved per process), FSGSBASE
 *      (user code could move its FS/GS base), PCE (rdpmc in ring 3), PKE,
 *      CET, VME, PVI, SMAP (the kernel writes the user-mapped console page)
 *      and SMEP (not needed with one mapping per page). The rest (PAE, PGE,
 *      PSE, DE, MCE, ...) do not change what user code can do and stay.
 * EFER: SCE (syscall), NXE where CPUID 0x80000001 EDX bit 20 offers NX,
 *      FFXSR off (AMD's fast FXSAVE would skip the XMM registers in ring 0,
 *      and they would then cross between processes).
 * FS_BASE, GS_BASE, KERNEL_GS_BASE: 0 (selectors then only ever load
 *      base 0: user code cannot move its FS/GS base).
 * DR7: 0, so that no breakpoint the firmware left enabled fires in a
 *      process or in the kernel (user code cannot touch debug registers).
 * RFLAGS on syscall: see SFMASK in gdt.c; on return: RFLAGS_USER_MASK. */
#include "arch/x86_64/cpu.h"

#define CPUID_EXT_MAX      0x80000000
#define CPUID_EXT_FEATURES 0x80000001
#define CPUID_EDX_NX       (1U << 20)
#define CPUID_EXTFEATURES  7
#define CPUID_7_ECX_UMIP   (1U << 2)

bool cpu_nx;

static bool cpu_offers_nx(void) {
    uint32_t a, b, c, d;
    cpuid(CPUID_EXT_MAX, &a, &b, &c, &d);
    if (a < CPUID_EXT_FEATURES) {
        return false;
    }
    cpuid(CPUID_EXT_FEATURES, &a, &b, &c, &d);
    return (d & CPUID_EDX_NX) != 0;
}

static bool cpu_offers_umip(void) {
    uint32_t a, b, c, d;
    cpuid(0, &a, &b, &c, &d);
    if (a < CPUID_EXTFEATURES) {
        return false;
    }
    cpuid(CPUID_EXTFEATURES, &a, &b, &c, &d);
    return (c & CPUID_7_ECX_UMIP) != 0;
}

void cpu_config_init(void) {
    lcr0((rcr0() | CR0_MP | CR0_NE | CR0_ET) & ~(CR0_EM | CR0_TS | CR0_AM));
    lcr4((rcr4() | CR4_OSFXSR | CR4_OSXMMEXCPT) &
         ~(CR4_VME | CR4_PVI | CR4_PCE | CR4_FSGSBASE | CR4_OSXSAVE | CR4_SMEP |
           CR4_SMAP | CR4_PKE | CR4_CET));
    if (cpu_offers_umip()) {
        lcr4(rcr4() | CR4_UMIP);
    }
    uint64_t efer = (rdmsr(MSR_EFER) | EFER_SCE) & ~(EFER_FFXSR | EFER_NXE);
    cpu_nx = cpu_offers_nx();
    if (cpu_nx) {
        efer |= EFER_NXE;
    }
    wrmsr(MSR_EFER, efer);
    wrmsr(MSR_FS_BASE, 0);
    wrmsr(MSR_GS_BASE, 0);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
    __asm__ volatile("mov %0, %%dr7" : : "r"(0UL));
}
