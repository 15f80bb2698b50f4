/* t-intvec: a hostile program tries every interrupt vector, 0 to 255,
 * with `int $N`, each in its own child, except the handout's system call
 * vectors INT_SYS to INT_SYS + 5 (48-53), which t-handoutpaging checks.
 * Only vector 3 (int3) is callable otherwise, and it ends the child as a
 * breakpoint; every other vector is a general protection fault for the
 * child (the IDT's other gates are ring 0 only, and vectors past 53 are
 * outside the IDT). Then icebp
 * (int1, which ignores gate privilege) and int3/int $N with the trap flag
 * set. No child may come back from the instruction, the kernel must not
 * panic, and the parent's data must be intact after all 256 deaths. */
#include "t-attackchild.h"

/* int_stubs + 8 * N: `int $N; ret`. */
extern const uint8_t int_stubs[];
__asm__(".text\n"
        ".balign 8\n"
        ".globl int_stubs\n"
        "int_stubs:\n"
        ".set vec, 0\n"
        ".rept 256\n"
        ".balign 8\n"
        "  int $vec\n"
        "  ret\n"
        ".set vec, vec + 1\n"
        ".endr\n");

static void int_vector(uint64_t v) {
    ((void (*)(void))(int_stubs + 8 * v))();
}

static void icebp(uint64_t unused) {
    (void) unused;
    __asm__ volatile(".byte 0xf1");
}

/* Sets TF, then runs `int $v` (int3 and int $N clear TF on delivery). */
static void traced_int(uint64_t v) {
    __asm__ volatile("pushfq\n\t"
                     "orq $0x100, (%%rsp)\n\t"
                     "popfq" ::
                         : "cc");
    int_vector(v);
}

static uint8_t parent_data[PAGESIZE];

int process_main(void) {
    board_init();
    memset(parent_data, 0xA7, sizeof(parent_data));
    for (uint64_t v = 0; v < 256; ++v) {
        if (v >= INT_SYS && v < INT_SYS + INT_SYS_COUNT) {
            continue; /* the handout's system calls: t-handoutpaging */
        }
        enum attack_end e = attack_in_child(int_vector, v, v + 1);
        CHECK(e == ATTACK_DIED, "int $%lu came back to user mode", v);
    }
    CHECK(attack_in_child(icebp, 0, 1000) == ATTACK_DIED,
          "icebp came back to user mode");
    CHECK(attack_in_child(traced_int, 3, 1001) == ATTACK_DIED,
          "int3 with TF came back");
    CHECK(attack_in_child(traced_int, 0x80, 1002) == ATTACK_DIED,
          "int $0x80 with TF came back");
    expect_pages(parent_data, 1, 0xA7, "parent's data after 253 attacks");
    log_printf("t-intvec: 253 attackers ended, parent intact\n");
    return 0;
}
