/* x86.h: the machine as C sees it: port and MSR access, control registers,
 * page-table entry bits, segment selectors and the saved register frame. */
#ifndef ARCH_X86_H
#define ARCH_X86_H

#include "abi/types.h"

/* Page-table entry bits. */
#define PTE_P   0x001UL /* present */
#define PTE_W   0x002UL /* writable */
#define PTE_U   0x004UL /* user-accessible */
#define PTE_PS  0x080UL /* large page (in a level-2 or level-3 entry) */
#define PTE_G   0x100UL /* global */
#define PTE_PWU (PTE_P | PTE_W | PTE_U)
/* No-execute (bit 63). Meaningful only when EFER.NXE is on; mm/ writes it
 * only then (vmiter_try_map drops it otherwise, where it is reserved). */
#define PTE_NX (1UL << 63)
/* A user data page (data, bss, heap, stack, console): never executed. */
#define PTE_PWU_NX (PTE_PWU | PTE_NX)
#define PTE_PAMASK 0x000FFFFFFFFFF000UL

/* GDT selectors. The order is fixed by syscall/sysret (see gdt.c). */
#define SEG_KCODE 0x08
#define SEG_KDATA 0x10
#define SEG_UDATA (0x18 | 3)
#define SEG_UCODE (0x20 | 3)
#define SEG_TSS   0x28

/* RFLAGS bits. */
#define RFLAGS_CF     0x000001UL
#define RFLAGS_FIXED1 0x000002UL /* reserved, always 1 */
#define RFLAGS_PF     0x000004UL
#define RFLAGS_AF     0x000010UL
#define RFLAGS_ZF     0x000040UL
#define RFLAGS_SF     0x000080UL
#define RFLAGS_TF     0x000100UL
#define RFLAGS_IF     0x000200UL
#define RFLAGS_DF     0x000400UL
#define RFLAGS_OF     0x000800UL
#define RFLAGS_IOPL   0x003000UL
#define RFLAGS_NT     0x004000UL
#define RFLAGS_RF     0x010000UL
#define RFLAGS_VM     0x020000UL
#define RFLAGS_AC     0x040000UL
#define RFLAGS_VIF    0x080000UL
#define RFLAGS_VIP    0x100000UL
#define RFLAGS_ID     0x200000UL
/* What user code may hold in RFLAGS when the kernel returns to it: the
 * arithmetic flags, TF (its own #DB ends it), DF, AC (CR0.AM is off, so it
 * checks nothing) and ID. Never NT, IOPL, RF, VM, VIF or VIP; IF always. */
#define RFLAGS_USER_MASK                                                       \
    (RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_TF |   \
     RFLAGS_DF | RFLAGS_OF | RFLAGS_AC | RFLAGS_ID)

/* Exception and interrupt vectors. */
#define INT_DIVIDE     0
#define INT_DEBUG      1
#define INT_NMI        2
#define INT_BREAK      3
#define INT_INVALOP    6
#define INT_DOUBLE     8
#define INT_GPF        13
#define INT_PAGEFAULT  14
#define INT_IRQ0       32
#define INT_TIMER      (INT_IRQ0 + 0)
#define INT_KEYBOARD   (INT_IRQ0 + 1)
#define INT_SERIAL     (INT_IRQ0 + 4) /* COM1 */
#define INT_SPURIOUS7  (INT_IRQ0 + 7)
#define INT_SPURIOUS15 (INT_IRQ0 + 15)
#define INT_SYSCALL    256 /* pseudo-vector: frame was saved by syscall entry */

/* Error code bit of an exception raised while delivering an event: IDT
 * (the selector index is a vector: error >> 3). */
#define ERR_IDT 0x2

/* Page-fault error code bits. */
#define PFERR_PRESENT 0x1
#define PFERR_WRITE   0x2
#define PFERR_USER    0x4
#define PFERR_FETCH   0x10 /* instruction fetch (reported with NXE on) */

/* The register frame saved on every entry to the kernel. The layout is
 * shared with entry.asm: general registers first (pushed last), then the
 * vector and error code, then the hardware frame. */
struct regs {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t intno, err;
    uint64_t rip, cs, rflags, rsp, ss;
};

static inline uint8_t inb(uint16_t port) {
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline void outb(uint16_t port, uint8_t v) {
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outw(uint16_t port, uint16_t v) {
    __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint16_t inw(uint16_t port) {
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline void outl(uint16_t port, uint32_t v) {
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint32_t inl(uint16_t port) {
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline void io_wait(void) {
    outb(0x80, 0);
}
static inline uint64_t rdmsr(uint32_t msr) {
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t) hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v) {
    __asm__ volatile("wrmsr"
                     :
                     : "c"(msr), "a"((uint32_t) v), "d"((uint32_t) (v >> 32)));
}
static inline uint64_t rcr2(void) {
    uint64_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}
static inline uint64_t rcr3(void) {
    uint64_t v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}
static inline void lcr3(uint64_t pa) {
    __asm__ volatile("mov %0, %%cr3" : : "r"(pa) : "memory");
}
static inline uint64_t rdtsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t) hi << 32) | lo;
}
static inline void cli(void) {
    __asm__ volatile("cli" ::: "memory");
}
static inline uint64_t read_rbp(void) {
    uint64_t v;
    __asm__ volatile("mov %%rbp, %0" : "=r"(v));
    return v;
}
static inline void invlpg(uintptr_t va) {
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

#define MSR_EFER           0xC0000080
#define MSR_STAR           0xC0000081
#define MSR_LSTAR          0xC0000082
#define MSR_SFMASK         0xC0000084
#define MSR_FS_BASE        0xC0000100
#define MSR_GS_BASE        0xC0000101
#define MSR_KERNEL_GS_BASE 0xC0000102
#define EFER_SCE           (1UL << 0)
#define EFER_NXE           (1UL << 11)
#define EFER_FFXSR         (1UL << 14)

/* Control register bits. */
#define CR0_MP         (1UL << 1)
#define CR0_EM         (1UL << 2)
#define CR0_TS         (1UL << 3)
#define CR0_ET         (1UL << 4)
#define CR0_NE         (1UL << 5)
#define CR0_AM         (1UL << 18)
#define CR4_VME        (1UL << 0)
#define CR4_PVI        (1UL << 1)
#define CR4_PCE        (1UL << 8)
#define CR4_OSFXSR     (1UL << 9)
#define CR4_UMIP       (1UL << 11)
#define CR4_OSXMMEXCPT (1UL << 10)
#define CR4_FSGSBASE   (1UL << 16)
#define CR4_OSXSAVE    (1UL << 18)
#define CR4_SMEP       (1UL << 20)
#define CR4_SMAP       (1UL << 21)
#define CR4_PKE        (1UL << 22)
#define CR4_CET        (1UL << 23)

static inline uint64_t rcr0(void) {
    uint64_t v;
    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}
static inline void lcr0(uint64_t v) {
    __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}
static inline uint64_t rcr4(void) {
    uint64_t v;
    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}
static inline void lcr4(uint64_t v) {
    __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}
static inline void cpuid(uint32_t leaf, uint32_t* a, uint32_t* b, uint32_t* c,
                         uint32_t* d) {
    __asm__ volatile("cpuid"
                     : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
                     : "a"(leaf), "c"(0));
}

#endif
