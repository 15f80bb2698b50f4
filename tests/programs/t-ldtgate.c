/* t-ldtgate: a hostile program tries to reach ring 0 through the LDT.
 * The kernel never uses an LDT; if it leaves LDTR as the CPU's reset (or
 * the boot loader) left it, base 0 and limit 0xFFFF, a selector with
 * TI=1 makes the CPU read descriptors from linear 0-0xFFFF, which every
 * address space maps (kernel-only, but descriptor reads ignore the U bit)
 * onto low physical pages that kalloc hands out as user pages. This
 * program's bss lands there: it fills it with 64-bit call gates (DPL 3,
 * target the kernel's code segment, offset a stub in this program) and
 * far-calls through an LDT selector for each low page in its own child,
 * and it loads LDT selectors into %ds and %fs (a data descriptor there
 * would set the FS base). Each child must end with a fault; the stub
 * must never run in ring 0. */
#include "t-attackchild.h"

#define SEG_KCODE  0x08
#define GATE_PAGES 15
#define LOW_PAGES  16 /* linear 0-0xFFFF: an LDT of limit 0xFFFF */

struct __attribute__((packed)) call_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type; /* P, DPL 3, 64-bit call gate (0xC) */
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
};

/* Only the CPU reads the gates: used and the barrier in fill_gates keep
 * the compiler from dropping the array and the stores. */
static struct call_gate gates[GATE_PAGES * PAGESIZE / sizeof(struct call_gate)]
    __attribute__((aligned(PAGESIZE), used));

/* The board's word the ring-0 stub writes: the %cs it ran with. */
static volatile uint64_t* ring0_cs;

/* Entered (if the attack works) by a far call through a call gate, in
 * ring 0 on the kernel stack: records %cs and returns to ring 3. */
extern const char ring0_stub[];
__asm__(".text\n"
        ".globl ring0_stub\n"
        "ring0_stub:\n"
        "  cli\n"
        "  pushq %rax\n"
        "  pushq %rbx\n"
        "  movq ring0_cs(%rip), %rbx\n"
        "  xorl %eax, %eax\n"
        "  movw %cs, %ax\n"
        "  movq %rax, (%rbx)\n"
        "  popq %rbx\n"
        "  popq %rax\n"
        "  sti\n"
        "  lretq\n");

static void fill_gates(void) {
    uintptr_t target = (uintptr_t) ring0_stub;
    for (size_t i = 0; i < sizeof(gates) / sizeof(gates[0]); ++i) {
        gates[i] = (struct call_gate){
            .offset_lo = (uint16_t) target,
            .selector = SEG_KCODE,
            .type = 0xEC,
            .offset_mid = (uint16_t) (target >> 16),
            .offset_hi = (uint32_t) (target >> 32),
        };
    }
    __asm__ volatile("" : : "r"(gates) : "memory");
}

/* LDT selector (TI=1, RPL 3) for the descriptor at linear address la. */
static uint16_t ldt_selector(uint64_t la) {
    return (uint16_t) ((la & ~7UL) | 4 | 3);
}

static void far_call(uint64_t page) {
    struct __attribute__((packed)) {
        uint32_t offset;
        uint16_t selector;
    } ptr = {0, ldt_selector(page * PAGESIZE)};
    __asm__ volatile("lcall *%0" : : "m"(ptr) : "memory");
}

static void load_ds(uint64_t page) {
    __asm__ volatile("movw %0, %%ds" : : "r"(ldt_selector(page * PAGESIZE)));
}

static void load_fs(uint64_t page) {
    __asm__ volatile("movw %0, %%fs" : : "r"(ldt_selector(page * PAGESIZE)));
}

int process_main(void) {
    board_init();
    ring0_cs = &board->done;
    fill_gates();
    for (uint64_t page = 0; page < LOW_PAGES; ++page) {
        enum attack_end e = attack_in_child(far_call, page, page + 1);
        CHECK(board->done == 0,
              "user code ran with %%cs %lx through an LDT call gate at "
              "linear 0x%lx",
              board->done, page * PAGESIZE);
        CHECK(e == ATTACK_DIED, "a far call through LDT page %lu came back",
              page);
    }
    for (uint64_t page = 0; page < LOW_PAGES; ++page) {
        CHECK(attack_in_child(load_ds, page, 100 + page) == ATTACK_DIED,
              "loading an LDT selector into %%ds (page %lu) worked", page);
        CHECK(attack_in_child(load_fs, page, 200 + page) == ATTACK_DIED,
              "loading an LDT selector into %%fs (page %lu) worked", page);
    }
    log_printf("t-ldtgate: %d LDT attacks ended with a fault\n", 3 * LOW_PAGES);
    return 0;
}
