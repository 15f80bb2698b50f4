/* gdt.c: the GDT, the TSS, the IDT and the syscall MSRs.
 *
 * GDT order is dictated by syscall/sysret: STAR[47:32] = SEG_KCODE gives
 * kernel CS and SS = CS + 8; STAR[63:48] = 0x10 gives user SS = 0x18 and
 * user CS = 0x20 (64-bit sysret adds 16). */
#include "arch/x86_64/cpu.h"

#include "abi/memlayout.h"
#include "abi/syscall.h"
#include "lib/string.h"

struct __attribute__((packed)) tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};

struct __attribute__((packed)) gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
};

struct __attribute__((packed)) table_desc {
    uint16_t limit;
    uint64_t base;
};

/* Exceptions and IRQs (0-47, trap_vectors), then the handout's interrupt
 * system calls (INT_SYS..., syscall_int_vectors); past them, outside the
 * IDT, every `int $N` is a general protection fault. */
#define NTRAPVECTORS 48
#define NVECTORS     (INT_SYS + INT_SYS_COUNT)
_Static_assert(INT_SYS == NTRAPVECTORS, "system call gates follow the IRQs");
#define DOUBLE_FAULT_STACK_SIZE 2048

static uint64_t gdt[7];
static struct tss tss;
static struct gate idt[NVECTORS];
static uint8_t double_fault_stack[DOUBLE_FAULT_STACK_SIZE]
    __attribute__((aligned(16)));

extern const uint64_t trap_vectors[NTRAPVECTORS];
extern const uint64_t syscall_int_vectors[INT_SYS_COUNT];
extern void syscall_entry(void);

static void gdt_init(void) {
    gdt[0] = 0;
    gdt[1] = 0x00AF9A000000FFFFUL; /* kernel code, 64-bit */
    gdt[2] = 0x00CF92000000FFFFUL; /* kernel data */
    gdt[3] = 0x00CFF2000000FFFFUL; /* user data, DPL 3 */
    gdt[4] = 0x00AFFA000000FFFFUL; /* user code, 64-bit, DPL 3 */

    memset(&tss, 0, sizeof(tss));
    tss.rsp[0] = KERNEL_STACK_TOP;
    /* A double fault gets its own stack so that a blown kernel stack still
     * produces a panic message rather than a triple fault. */
    tss.ist[0] = (uintptr_t) double_fault_stack + DOUBLE_FAULT_STACK_SIZE;
    tss.iomap_base = sizeof(tss);
    uint64_t base = (uintptr_t) &tss, limit = sizeof(tss) - 1;
    gdt[5] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89UL << 40) |
             (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
    gdt[6] = base >> 32;

    struct table_desc d = {sizeof(gdt) - 1, (uintptr_t) gdt};
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1: movw %w2, %%ax\n\t"
                     "movw %%ax, %%ds\n\t"
                     "movw %%ax, %%es\n\t"
                     "movw %%ax, %%ss\n\t"
                     "ltr %w3"
                     :
                     : "m"(d), "i"(SEG_KCODE), "i"(SEG_KDATA), "r"(SEG_TSS)
                     : "rax", "memory");
    /* No LDT: a null LDTR makes every TI=1 selector a #GP. Left as the
     * CPU's reset state (base 0, limit 0xFFFF), it would make the CPU
     * read descriptors from linear 0-0xFFFF, which every space maps onto
     * low pages that user processes own: a process could write a call
     * gate there and far-call into ring 0 (t-ldtgate). */
    __asm__ volatile("lldt %w0" : : "r"(0));
}

static void idt_init(void) {
    for (int i = 0; i < NVECTORS; ++i) {
        uint64_t a = i < NTRAPVECTORS ? trap_vectors[i]
                                      : syscall_int_vectors[i - INT_SYS];
        idt[i].offset_lo = a & 0xFFFF;
        idt[i].selector = SEG_KCODE;
        idt[i].ist = (i == INT_DOUBLE) ? 1 : 0;
        /* Interrupt gate (IF cleared on entry); int3 and the system
         * calls callable from ring 3. */
        idt[i].type = (i == INT_BREAK || i >= INT_SYS) ? 0xEE : 0x8E;
        idt[i].offset_mid = (a >> 16) & 0xFFFF;
        idt[i].offset_hi = a >> 32;
        idt[i].reserved = 0;
    }
    struct table_desc d = {sizeof(idt) - 1, (uintptr_t) idt};
    __asm__ volatile("lidt %0" : : "m"(d));
}

static void syscall_msr_init(void) {
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    wrmsr(MSR_STAR, ((uint64_t) 0x10 << 48) | ((uint64_t) SEG_KCODE << 32));
    wrmsr(MSR_LSTAR, (uintptr_t) syscall_entry);
    /* syscall enters with RFLAGS & ~SFMASK: interrupts off, direction
     * clear, no single-step, no alignment check, and above all NT clear (an
     * iretq with NT set is a #GP in ring 0); IOPL, RF and the arithmetic
     * flags cleared too, as Linux does, so that no user flag reaches the
     * kernel. Interrupt gates clear IF, TF, NT, RF and VM themselves and
     * trap_common clears DF; AC is meaningless with CR0.AM off. What goes
     * back to user mode is sanitised in proc_run (RFLAGS_USER_MASK). */
    wrmsr(MSR_SFMASK, RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF |
                          RFLAGS_SF | RFLAGS_TF | RFLAGS_IF | RFLAGS_DF |
                          RFLAGS_OF | RFLAGS_IOPL | RFLAGS_NT | RFLAGS_RF |
                          RFLAGS_AC | RFLAGS_ID);
}

void cpu_init(void) {
    cpu_config_init();
    gdt_init();
    idt_init();
    syscall_msr_init();
}

const char* cpu_exception_name(uint64_t intno) {
    static const char* const names[] = {"divide error",
                                        "debug",
                                        "NMI",
                                        "breakpoint",
                                        "overflow",
                                        "bound range exceeded",
                                        "invalid opcode",
                                        "device not available",
                                        "double fault",
                                        "coprocessor segment overrun",
                                        "invalid TSS",
                                        "segment not present",
                                        "stack fault",
                                        "general protection fault",
                                        "page fault",
                                        "reserved",
                                        "x87 floating-point error",
                                        "alignment check",
                                        "machine check",
                                        "SIMD floating-point error",
                                        "virtualization exception",
                                        "control protection exception"};
    if (intno < sizeof(names) / sizeof(names[0])) {
        return names[intno];
    }
    return intno < 32 ? "reserved exception" : "interrupt";
}
