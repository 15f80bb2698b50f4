/* t-selsweep: every selector value 0x00-0x3F (every GDT slot, both table
 * indicators, every RPL, and past the GDT's end) loaded into %ds, %es,
 * %fs, %gs and %ss, each in its own child. A selector user mode may load
 * (null, user data, readable user code; only user data for %ss) must
 * stay loaded across switches (the kernel saves and reloads it); every
 * other one must end the child with a fault. The kernel must not panic
 * and the parent's data stays intact. */
#include "t-attackchild.h"

#define NSEL 0x40

static struct {
    volatile uint64_t got; /* survivor's selector after the switches */
} * report;

static void load_sel(uint64_t arg) {
    uint16_t sel = (uint16_t) (arg & 0xFFFF), got = 0;
    switch (arg >> 16) {
    case 0:
        __asm__ volatile("movw %w0, %%ds" : : "r"(sel));
        break;
    case 1:
        __asm__ volatile("movw %w0, %%es" : : "r"(sel));
        break;
    case 2:
        __asm__ volatile("movw %w0, %%fs" : : "r"(sel));
        break;
    case 3:
        __asm__ volatile("movw %w0, %%gs" : : "r"(sel));
        break;
    default:
        __asm__ volatile("movw %w0, %%ss" : : "r"(sel));
        break;
    }
    sys_yield();
    sys_yield();
    switch (arg >> 16) {
    case 0:
        __asm__ volatile("movw %%ds, %w0" : "=r"(got));
        break;
    case 1:
        __asm__ volatile("movw %%es, %w0" : "=r"(got));
        break;
    case 2:
        __asm__ volatile("movw %%fs, %w0" : "=r"(got));
        break;
    case 3:
        __asm__ volatile("movw %%gs, %w0" : "=r"(got));
        break;
    default:
        __asm__ volatile("movw %%ss, %w0" : "=r"(got));
        break;
    }
    report->got = got;
}

/* What the CPU must allow: null (any RPL) in a data register, user data
 * (0x18, any RPL, as DPL 3 >= RPL) and readable user code (0x20) there;
 * only 0x1B in %ss (RPL = DPL = CPL 3). */
static bool loadable(unsigned reg, unsigned sel) {
    if (reg == 4) {
        return sel == 0x1B;
    }
    return sel <= 3 || (sel & ~3U) == 0x18 || (sel & ~3U) == 0x20;
}

static uint8_t parent_data[PAGESIZE];

int process_main(void) {
    board_init();
    report = map_ok(NULL, PAGESIZE, RW, MAP_SHARED);
    memset(parent_data, 0x5E, sizeof(parent_data));
    static const char* const names[] = {"ds", "es", "fs", "gs", "ss"};
    unsigned token = 1, kept = 0, ended = 0;
    for (unsigned reg = 0; reg < 5; ++reg) {
        for (unsigned sel = 0; sel < NSEL; ++sel) {
            report->got = UINT64_MAX;
            enum attack_end e =
                attack_in_child(load_sel, (uint64_t) reg << 16 | sel, token++);
            if (loadable(reg, sel)) {
                CHECK(e == ATTACK_SURVIVED,
                      "%%%s = %x: a loadable selector ended the child",
                      names[reg], sel);
                CHECK(report->got == sel,
                      "%%%s = %x came back as %lx after switches", names[reg],
                      sel, report->got);
                ++kept;
            } else {
                CHECK(e == ATTACK_DIED,
                      "%%%s = %x: the CPU let user mode load it", names[reg],
                      sel);
                ++ended;
            }
        }
    }
    for (size_t i = 0; i < sizeof(parent_data); ++i) {
        CHECK_EQ(parent_data[i], 0x5E, "the parent's data");
    }
    log_printf("t-selsweep: %u kept, %u ended: ok\n", kept, ended);
    return 0;
}
