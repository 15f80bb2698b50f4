/* x86-64.h: the handout's machine header for user programs (included by
 * process.h, as the handout's process.h includes its x86-64.h): the paging
 * constants and macros, the page-table entry and page-table types, page
 * fault error bits, exception numbers, the flags register's IF bit, the
 * handout's saved-register layout, and the few unprivileged instructions
 * the handout wraps (int3, rdtsc, cpuid, lock xadd, reading %rbp). The
 * meanings are the handout's; the words are ours. */
#ifndef USERLAND_X86_64_H
#define USERLAND_X86_64_H

#include "lib.h"

/* A page is 2^PAGEOFFBITS bytes (PAGESIZE, abi/memlayout.h); each level of
 * the 4-level table is indexed by PAGEINDEXBITS bits of the address. */
#define PAGEOFFBITS       12
#define PAGEINDEXBITS     9
#define NPAGETABLEENTRIES (1 << PAGEINDEXBITS)
#define PAGEOFFMASK       ((uintptr_t) (PAGESIZE - 1))
_Static_assert((1UL << PAGEOFFBITS) == PAGESIZE, "one page size");

/* Page number of an address (an int, as the handout's) and its inverse. */
#define PAGENUMBER(ptr)  ((int) ((uintptr_t) (ptr) >> PAGEOFFBITS))
#define PAGEADDRESS(pn)  ((uintptr_t) (pn) << PAGEOFFBITS)
#define PAGEOFFSET(addr) ((uintptr_t) (addr) &PAGEOFFMASK)
/* The 9-bit index of addr in the page-table page of level `level`, 0 to
 * 3, counted as the handout counts: 0 is the top (PML4) and 3 the last
 * level, whose entries map 4 KiB pages. */
#define PAGEINDEX(addr, level)                                                 \
    ((int) (((uintptr_t) (addr) >>                                             \
             (PAGEOFFBITS + (3 - (level)) * PAGEINDEXBITS)) &                  \
            (NPAGETABLEENTRIES - 1)))

/* One page-table entry, and one page-table page of them. */
typedef uint64_t x86_64_pageentry_t;
typedef struct __attribute__((aligned(4096))) x86_64_pagetable {
    x86_64_pageentry_t entry[NPAGETABLEENTRIES];
} x86_64_pagetable;

/* An entry's physical address (every bit above the low 12, as the
 * handout's, so the NX bit 63 counts as address) and its low 12 flag
 * bits. */
#define PTE_ADDR(pe)  ((uintptr_t) (pe) & ~(uintptr_t) 0xFFF)
#define PTE_FLAGS(pe) ((x86_64_pageentry_t) (pe) &0xFFF)
#define PTE_P         ((x86_64_pageentry_t) 0x01) /* present */
#define PTE_W         ((x86_64_pageentry_t) 0x02) /* writable */
#define PTE_U         ((x86_64_pageentry_t) 0x04) /* user-accessible */
#define PTE_A         ((x86_64_pageentry_t) 0x20) /* accessed (by the CPU) */
#define PTE_D         ((x86_64_pageentry_t) 0x40) /* dirty (by the CPU) */
#define PTE_PS        ((x86_64_pageentry_t) 0x80) /* a large page */

/* The error code of a page fault: the page was present (a protection
 * problem, not a missing page), the access was a write, it came from user
 * mode. */
#define PFERR_PRESENT 0x1
#define PFERR_WRITE   0x2
#define PFERR_USER    0x4

/* Exception vectors the handout names. */
#define INT_GPF       13
#define INT_PAGEFAULT 14

/* The interrupt-enable bit of %rflags. */
#define EFLAGS_IF 0x200

/* The handout's register set, in its order: the general registers, %fs
 * and %gs, the vector and error code, then what iretq pops. This kernel
 * saves its own layout; the type is here for programs that name it. */
typedef struct x86_64_registers {
    uint64_t reg_rax, reg_rcx, reg_rdx, reg_rbx, reg_rbp, reg_rsi, reg_rdi;
    uint64_t reg_r8, reg_r9, reg_r10, reg_r11, reg_r12, reg_r13, reg_r14;
    uint64_t reg_r15, reg_fs, reg_gs;
    uint64_t reg_intno, reg_err;
    uint64_t reg_rip;
    uint16_t reg_cs, reg_padding2[3];
    uint64_t reg_rflags, reg_rsp;
    uint16_t reg_ss, reg_padding3[3];
} x86_64_registers;

/* int3: a breakpoint trap (here it ends the process as a breakpoint). */
static inline void breakpoint(void) {
    __asm__ volatile("int3");
}

/* The caller's frame pointer. */
static inline uintptr_t read_rbp(void) {
    uintptr_t rbp;
    __asm__ volatile("movq %%rbp, %0" : "=r"(rbp));
    return rbp;
}

/* The time-stamp counter (rdtsc): counts up, never backwards. */
static inline uint64_t read_cycle_counter(void) {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t) hi << 32) | lo;
}

/* cpuid leaf info; each result goes where its pointer is not NULL. */
static inline void cpuid(uint32_t info, uint32_t* eaxp, uint32_t* ebxp,
                         uint32_t* ecxp, uint32_t* edxp) {
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(info));
    if (eaxp) {
        *eaxp = a;
    }
    if (ebxp) {
        *ebxp = b;
    }
    if (ecxp) {
        *ecxp = c;
    }
    if (edxp) {
        *edxp = d;
    }
}

/* Atomically adds addend to *object; returns the value before. */
static inline uint32_t fetch_and_addl(uint32_t* object, uint32_t addend) {
    __asm__ volatile("lock xaddl %0, %1"
                     : "+r"(addend), "+m"(*object)
                     :
                     : "cc");
    return addend;
}

/* A compiler barrier: no memory access moves across it. */
static inline void fence(void) {
    __asm__ volatile("" : : : "memory");
}

#endif
