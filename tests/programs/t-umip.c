/* t-umip: the instructions that store system registers (sgdt, sidt,
 * sldt, str, smsw) would tell user code where the kernel keeps its GDT
 * and IDT (kernel addresses) and what CR0 holds. Where the CPU offers
 * UMIP (CPUID 7.0 ECX bit 2) the kernel turns it on and each of them ends
 * the child that tries it; elsewhere they run and the program says what
 * they showed. The parent's data stays intact either way. */
#include "t-attackchild.h"

struct __attribute__((packed)) dtr {
    uint16_t limit;
    uint64_t base;
};

static volatile struct dtr seen;
static volatile uint16_t seen16;

static void store_insn(uint64_t which) {
    switch (which) {
    case 0:
        __asm__ volatile("sgdt %0" : "=m"(seen));
        break;
    case 1:
        __asm__ volatile("sidt %0" : "=m"(seen));
        break;
    case 2:
        __asm__ volatile("sldt %0" : "=m"(seen16));
        break;
    case 3:
        __asm__ volatile("str %0" : "=m"(seen16));
        break;
    default:
        __asm__ volatile("smsw %0" : "=m"(seen16));
        break;
    }
    log_printf("t-umip: insn %lu ran: base %lx limit %x word %x\n", which,
               seen.base, seen.limit, seen16);
}

static bool cpu_has_umip(void) {
    uint32_t a = 0, b, c, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
    if (a < 7) {
        return false;
    }
    a = 7;
    c = 0;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    return (c & (1U << 2)) != 0;
}

static uint8_t parent_data[PAGESIZE];

int process_main(void) {
    board_init();
    memset(parent_data, 0x7E, sizeof(parent_data));
    bool umip = cpu_has_umip();
    log_printf("t-umip: CPU %s UMIP\n", umip ? "offers" : "lacks");
    for (uint64_t i = 0; i < 5; ++i) {
        enum attack_end e = attack_in_child(store_insn, i, i + 1);
        if (umip) {
            CHECK(e == ATTACK_DIED,
                  "store instruction %lu ran in user mode on a CPU with "
                  "UMIP (the child came back)",
                  i);
        }
    }
    for (size_t i = 0; i < sizeof(parent_data); ++i) {
        CHECK_EQ(parent_data[i], 0x7E, "the parent's data");
    }
    log_printf("t-umip: ok\n");
    return 0;
}
