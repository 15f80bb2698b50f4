/* x86.h: the machine as C sees it: port and MSR access, control registers,
 * page-table entry bits, segment selectors and the saved register frame. */
#ifndef ARCH_X86_H
#define ARCH_X86_H

#include "abi/types.h"

/* Page-table entry bits. */
#define PTE_P      0x001UL /* present */
#define PTE_W      0x002UL /* writable */
#define PTE_U      0x004UL /* user-accessible */
#define PTE_PS     0x080UL /* large page (in a level-2 or level-3 entry) */
#define PTE_G      0x100UL /* global */
#define PTE_PWU    (PTE_P | PTE_W | PTE_U)
#define PTE_PAMASK 0x000FFFFFFFFFF000UL

/* GDT selectors. The order is fixed by syscall/sysret (see gdt.c). */
#define SEG_KCODE 0x08
#define SEG_KDATA 0x10
#define SEG_UDATA (0x18 | 3)
#define SEG_UCODE (0x20 | 3)
#define SEG_TSS   0x28

#define RFLAGS_IF 0x200UL

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
#define INT_SPURIOUS7  (INT_IRQ0 + 7)
#define INT_SPURIOUS15 (INT_IRQ0 + 15)
#define INT_SYSCALL    256 /* pseudo-vector: frame was saved by syscall entry */

/* Page-fault error code bits. */
#define PFERR_PRESENT 0x1
#define PFERR_WRITE   0x2
#define PFERR_USER    0x4

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

#define MSR_EFER   0xC0000080
#define MSR_STAR   0xC0000081
#define MSR_LSTAR  0xC0000082
#define MSR_SFMASK 0xC0000084
#define EFER_SCE   0x1

#endif
