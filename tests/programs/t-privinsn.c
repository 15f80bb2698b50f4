/* t-privinsn: a hostile program runs, each in its own child, every
 * instruction user mode must not be able to use (halting, interrupt flag,
 * I/O ports including the test exit port, descriptor tables, control,
 * debug and model-specific registers, cache and TLB control, swapgs,
 * sysret/sysexit/iretq/lret into ring 0, kernel selectors, jumps into the
 * kernel, the direct map, a user %rsp in the kernel or non-canonical,
 * sysenter) and
 * single-steps into system calls (TF set right before
 * `syscall`, which enters the kernel with the flag still set for one
 * instruction). Every privileged child must end with a fault; the traced
 * system calls must not take the kernel down (the child may end with a
 * debug trap in user mode, or run on). The parent's data stays intact. */
#include "t-attackchild.h"

/* Each stub is one attack; 32 bytes apart; `ret` if it comes back. */
extern const uint8_t priv_stubs[];
#define PRIV_STUB(body) ".balign 32\n" body "\n  ret\n"
__asm__(".text\n"
        ".balign 32\n"
        ".globl priv_stubs\n"
        "priv_stubs:\n" PRIV_STUB("  hlt")                /* 0 */
        PRIV_STUB("  cli")                                /* 1 */
        PRIV_STUB("  sti")                                /* 2 */
        PRIV_STUB("  inb $0x60, %al")                     /* 3 */
        PRIV_STUB("  movb $0x10, %al\n  outb %al, $0xf4") /* 4: test exit */
        PRIV_STUB("  movw $0x3f8, %dx\n  inb %dx, %al")   /* 5 */
        PRIV_STUB("  lgdt (%rsp)")                        /* 6 */
        PRIV_STUB("  lidt (%rsp)")                        /* 7 */
        PRIV_STUB("  xorl %eax, %eax\n  lldt %ax")        /* 8 */
        PRIV_STUB("  movw $0x28, %ax\n  ltr %ax")         /* 9 */
        PRIV_STUB("  movq %cr0, %rax")                    /* 10 */
        PRIV_STUB("  xorl %eax, %eax\n  movq %rax, %cr3") /* 11 */
        PRIV_STUB("  movq %cr4, %rax")                    /* 12 */
        PRIV_STUB("  movq %cr8, %rax")                    /* 13 */
        PRIV_STUB("  movl $0xc0000080, %ecx\n  rdmsr")    /* 14: EFER */
        PRIV_STUB("  movl $0xc0000082, %ecx\n  xorl %eax, %eax\n"
                  "  xorl %edx, %edx\n  wrmsr")    /* 15: LSTAR */
        PRIV_STUB("  invlpg (%rsp)")               /* 16 */
        PRIV_STUB("  wbinvd")                      /* 17 */
        PRIV_STUB("  invd")                        /* 18 */
        PRIV_STUB("  clts")                        /* 19 */
        PRIV_STUB("  xorl %eax, %eax\n  lmsw %ax") /* 20 */
        PRIV_STUB("  swapgs")                      /* 21 */
        PRIV_STUB("  sysretq")                     /* 22 */
        PRIV_STUB("  sysexitq")                    /* 23 */
        PRIV_STUB("  pushq $0x10\n  pushq %rsp\n  pushq $2\n"
                  "  pushq $0x08\n  leaq 1f(%rip), %rax\n  pushq %rax\n"
                  "  iretq\n1:") /* 24: iretq to ring 0 */
        PRIV_STUB("  pushq $0x08\n  leaq 1f(%rip), %rax\n  pushq %rax\n"
                  "  lretq\n1:") /* 25: lret to ring 0 */
        PRIV_STUB("  xorl %eax, %eax\n  movq %rax, %dr7") /* 26 */
        PRIV_STUB("  movq %dr6, %rax")                    /* 27 */
        PRIV_STUB("  xorl %ecx, %ecx\n  rdpmc")           /* 28: CR4.PCE off */
        PRIV_STUB("  xorl %ecx, %ecx\n  xgetbv")          /* 29: OSXSAVE off */
        PRIV_STUB("  xorl %ecx, %ecx\n  xorl %eax, %eax\n"
                  "  xorl %edx, %edx\n  xsetbv") /* 30 */
        PRIV_STUB("  movq %rsp, %rax\n  xorl %ecx, %ecx\n"
                  "  xorl %edx, %edx\n  monitor")                  /* 31 */
        PRIV_STUB("  xorl %eax, %eax\n  xorl %ecx, %ecx\n  mwait") /* 32 */
        PRIV_STUB("  movw $0x10, %ax\n  movw %ax, %ss")            /* 33 */
        PRIV_STUB("  movw $0x13, %ax\n  movw %ax, %ds")            /* 34 */
        PRIV_STUB("  movw $0x28, %ax\n  movw %ax, %es")            /* 35: TSS */
        PRIV_STUB("  movw $0x33, %ax\n  movw %ax, %gs")  /* 36: TSS high */
        PRIV_STUB("  movw $0x3b, %ax\n  movw %ax, %fs")  /* 37: past GDT */
        PRIV_STUB("  movw $0x04, %ax\n  movw %ax, %ds")  /* 38: LDT */
        PRIV_STUB("  movl $0x40000, %eax\n  call *%rax") /* 39: kernel */
        PRIV_STUB("  movabsq $0xffff800000040000, %rax\n"
                  "  call *%rax") /* 40: direct map */
        PRIV_STUB("  movabsq $0x0000800000000000, %rax\n"
                  "  jmp *%rax") /* 41: non-canonical */
        PRIV_STUB("  vmcall")    /* 42 */
        PRIV_STUB("  rsm")       /* 43 */
        PRIV_STUB("  ud2")       /* 44 */
        PRIV_STUB("  pushq $0x28\n  leaq 1f(%rip), %rax\n  pushq %rax\n"
                  "  lretq\n1:") /* 45: lret to the TSS */
        PRIV_STUB("  movw $0x20, %dx\n  movb $0x20, %al\n"
                  "  outb %al, %dx") /* 46: PIC EOI */
        PRIV_STUB("  movw $0x64, %dx\n  movb $0xfe, %al\n"
                  "  outb %al, %dx") /* 47: keyboard reset */
        PRIV_STUB("  movw $0x604, %dx\n  movw $0x2000, %ax\n"
                  "  outw %ax, %dx") /* 48: ACPI S5 */
        /* A user %rsp the kernel must never use: the kernel stack top,
         * non-canonical, unmapped; then an exception or a system call
         * (which returns; the `ret` then faults in user mode). */
        PRIV_STUB("  movl $0x80000, %esp\n  int3") /* 49 */
        PRIV_STUB("  movabsq $0x0000800000000000, %rsp\n"
                  "  ud2") /* 50 */
        PRIV_STUB("  movl $0x7fff8, %esp\n  movl $1, %eax\n"
                  "  syscall") /* 51: getpid */
        PRIV_STUB("  movl $0x2f0000, %esp\n  movl $2, %eax\n"
                  "  syscall")                           /* 52: yield */
        PRIV_STUB("  movl $0x7fff8, %esp\n  pushq %rax") /* 53 */
        PRIV_STUB("  sysenter")                          /* 54 */
        /* The kernel's direct map of physical memory: kernel only. */
        PRIV_STUB("  movabsq $0xffff800000100000, %rax\n"
                  "  movq (%rax), %rax") /* 55: read */
        PRIV_STUB("  movabsq $0xffff800000001000, %rax\n"
                  "  movq %rax, (%rax)") /* 56: write */
        PRIV_STUB("  movabsq $0xffff8000000b8000, %rax\n"
                  "  movq (%rax), %rax") /* 57: the console, aliased */
        ".balign 32\n");
#define NPRIV 58

static void priv(uint64_t i) {
    ((void (*)(void))(priv_stubs + 32 * i))();
}

/* TF set by popf just before `syscall` number nr(arg): the kernel is
 * entered with a single-step trap pending. */
static void traced_syscall(uint64_t which) {
    static const int64_t nrs[] = {SYS_GETPID, SYS_YIELD, SYS_SLEEP, SYS_FORK,
                                  SYS_TICKS,  99,        SYS_EXIT};
    int64_t nr = nrs[which], r;
    __asm__ volatile("pushfq\n\t"
                     "orq $0x100, (%%rsp)\n\t"
                     "popfq\n\t"
                     "syscall\n\t"
                     "nop\n\t"
                     "pushfq\n\t"
                     "andq $~0x100, (%%rsp)\n\t"
                     "popfq"
                     : "=a"(r)
                     : "a"(nr), "D"(1)
                     : "rcx", "r11", "memory", "cc");
    (void) r;
}
#define NTRACED 7

static uint8_t parent_data[PAGESIZE];

int process_main(void) {
    board_init();
    memset(parent_data, 0x3C, sizeof(parent_data));
    for (uint64_t i = 0; i < NPRIV; ++i) {
        CHECK(attack_in_child(priv, i, i + 1) == ATTACK_DIED,
              "privileged stub %lu came back to user mode", i);
    }
    for (uint64_t i = 0; i < NTRACED; ++i) {
        attack_in_child(traced_syscall, i, 100 + i);
    }
    /* A traced fork's child runs the rest of the attack too: give any
     * such grandchild time to end. */
    yield_n(20);
    expect_pages(parent_data, 1, 0x3C, "parent's data after the attacks");
    log_printf("t-privinsn: %d privileged attackers ended, %d traced "
               "system calls, parent intact\n",
               NPRIV, NTRACED);
    return 0;
}
