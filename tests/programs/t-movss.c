/* t-movss: a load of %ss (mov %ss) holds off interrupts and the trap flag's
 * single-step trap for one instruction, which the CPU then delivers after
 * the next one: if that is `syscall`, `int3`, `int1` or `int $0x80`, a
 * debug trap pending from user mode reaches the kernel's first
 * instruction (the MOV SS class of bugs). Each child sets TF, reloads
 * %ss with its own selector and enters the kernel right after; the kernel
 * must not panic (the child may end with a debug trap or run on), and the
 * parent's data stays intact. */
#include "t-attackchild.h"

static const char long_text[600] = "t-movss: a long log, restarted\n";

static void movss_then(uint64_t which) {
    uint64_t ss = 0x1B, r;
    switch (which) {
    case 0: /* light system call */
        __asm__ volatile("pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\t"
                         "movw %w1, %%ss\n\tsyscall\n\tnop"
                         : "=a"(r)
                         : "r"(ss), "a"(SYS_GETPID)
                         : "rcx", "r11", "memory", "cc");
        break;
    case 1: /* full system call that switches */
        __asm__ volatile("pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\t"
                         "movw %w1, %%ss\n\tsyscall\n\tnop"
                         : "=a"(r)
                         : "r"(ss), "a"(SYS_YIELD)
                         : "rcx", "r11", "memory", "cc");
        break;
    case 2: /* a restarted log */
        __asm__ volatile("pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\t"
                         "movw %w1, %%ss\n\tsyscall\n\tnop"
                         : "=a"(r)
                         : "r"(ss), "a"(SYS_LOG), "D"(long_text),
                           "S"(sizeof(long_text))
                         : "rcx", "r11", "memory", "cc");
        break;
    case 3:
        __asm__ volatile("pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\t"
                         "movw %w0, %%ss\n\tint3\n\tnop" ::"r"(ss)
                         : "memory", "cc");
        break;
    case 4:
        __asm__ volatile("pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\t"
                         "movw %w0, %%ss\n\t.byte 0xf1\n\tnop" ::"r"(ss)
                         : "memory", "cc");
        break;
    case 5:
        __asm__ volatile("pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\t"
                         "movw %w0, %%ss\n\tint $0x80\n\tnop" ::"r"(ss)
                         : "memory", "cc");
        break;
    case 6: /* unknown number: the full path's E_NOSYS */
        __asm__ volatile("pushfq\n\torq $0x100, (%%rsp)\n\tpopfq\n\t"
                         "movw %w1, %%ss\n\tsyscall\n\tnop"
                         : "=a"(r)
                         : "r"(ss), "a"(99UL)
                         : "rcx", "r11", "memory", "cc");
        break;
    default: /* no TF: mov ss then syscall must simply work */
        __asm__ volatile("movw %w1, %%ss\n\tsyscall"
                         : "=a"(r)
                         : "r"(ss), "a"(SYS_GETPID)
                         : "rcx", "r11", "memory", "cc");
        CHECK_EQ(r, sys_getpid(), "getpid right after mov ss");
        break;
    }
    (void) r;
}
#define NCASES 8

static uint8_t parent_data[PAGESIZE];

int process_main(void) {
    board_init();
    memset(parent_data, 0x6D, sizeof(parent_data));
    for (uint64_t i = 0; i < NCASES; ++i) {
        enum attack_end e = attack_in_child(movss_then, i, i + 1);
        log_printf("t-movss: case %lu: %s\n", i,
                   e == ATTACK_DIED       ? "ended"
                   : e == ATTACK_SURVIVED ? "came back"
                                          : "stuck");
    }
    for (size_t i = 0; i < sizeof(parent_data); ++i) {
        CHECK_EQ(parent_data[i], 0x6D, "the parent's data");
    }
    log_printf("t-movss: ok\n");
    return 0;
}
