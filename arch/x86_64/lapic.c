/* lapic.c: the boot CPU's local APIC. In xAPIC mode its registers are a
 * 4 KiB MMIO page (mapped uncached); in x2APIC mode the same registers are
 * MSRs 0x800 + offset / 16. The firmware chooses the mode (IA32_APIC_BASE
 * bit 10); this code keeps it, except that the word x2apic moves an xAPIC
 * to x2APIC mode (never back: that needs the APIC disabled). */
#include "arch/x86_64/lapic.h"

#include "arch/x86_64/mmio.h"
#include "arch/x86_64/x86.h"
#include "kernel/log.h"

#define MSR_APIC_BASE       0x1B
#define APIC_BASE_X2APIC    (1UL << 10)
#define APIC_BASE_ENABLE    (1UL << 11)
#define APIC_BASE_ADDR_MASK 0x000FFFFFFFFFF000UL
#define MSR_X2APIC_FIRST    0x800
#define CPUID1_EDX_APIC     (1U << 9)
#define CPUID1_ECX_X2APIC   (1U << 21)

/* Register offsets (xAPIC). */
#define REG_ID      0x020
#define REG_VERSION 0x030
#define REG_TPR     0x080
#define REG_EOI     0x0B0
#define REG_SVR     0x0F0
#define REG_ISR     0x100 /* 8 registers, 0x10 apart: vectors 0-255 */
#define REG_IRR     0x200
#define REG_ESR     0x280
#define REG_LVT_TMR 0x320
#define REG_LVT_THM 0x330
#define REG_LVT_PMC 0x340
#define REG_LINT0   0x350
#define REG_LINT1   0x360
#define REG_LVT_ERR 0x370
#define REG_ICR_LOW 0x300
#define REG_SELF    0x3F0 /* x2APIC only: the self-IPI register */
#define REG_TMR_ICR 0x380
#define REG_TMR_CCR 0x390
#define REG_TMR_DCR 0x3E0

#define SVR_ENABLE       0x100
#define LVT_MASKED       0x10000
#define LVT_NMI          0x400 /* delivery mode 100 */
#define LVT_TMR_PERIODIC 0x20000
#define DCR_DIVIDE_16    0x3

_Static_assert((LAPIC_SPURIOUS_VECTOR & 0xF) == 0xF,
               "the spurious vector's low nibble must be 0xF");
_Static_assert(LAPIC_SPURIOUS_VECTOR == INT_SPURIOUS15,
               "trap.c ignores the spurious vector as the 8259's IRQ 15");

/* Set once by lapic_init: the MMIO page in xAPIC mode, else NULL. */
static volatile uint32_t* regs;
static bool x2apic;

static uint32_t rd(uint32_t reg) {
    return x2apic ? (uint32_t) rdmsr(MSR_X2APIC_FIRST + reg / 16)
                  : regs[reg / 4];
}

static void wr(uint32_t reg, uint32_t v) {
    if (x2apic) {
        wrmsr(MSR_X2APIC_FIRST + reg / 16, v);
    } else {
        regs[reg / 4] = v;
    }
}

/* True when some vector's bit is set in the 256-bit register at reg. */
static bool any_vector(uint32_t reg) {
    for (uint32_t i = 0; i < 8; ++i) {
        if (rd(reg + 0x10 * i)) {
            return true;
        }
    }
    return false;
}

/* Ends whatever the firmware left in service (an interrupt it never
 * ended would block every vector of lower priority, ours included), at
 * most once per vector; logs an interrupt left pending. */
static void drain_firmware_interrupts(void) {
    int ended = 0;
    while (any_vector(REG_ISR) && ended < 256) {
        wr(REG_EOI, 0);
        ++ended;
    }
    if (ended) {
        log_printf("lapic: ended %d interrupt(s) the firmware left in "
                   "service\n",
                   ended);
    }
    if (any_vector(REG_IRR)) {
        log_printf("lapic: an interrupt the firmware raised is still "
                   "pending\n");
    }
}

bool lapic_init(uint64_t madt_addr, bool want_x2apic) {
    uint32_t a, b, c, d;
    cpuid(1, &a, &b, &c, &d);
    if (!(d & CPUID1_EDX_APIC)) {
        log_printf("lapic: this CPU has no local APIC\n");
        return false;
    }
    uint64_t base = rdmsr(MSR_APIC_BASE);
    if (want_x2apic && !(base & APIC_BASE_X2APIC)) {
        if (c & CPUID1_ECX_X2APIC) {
            /* xAPIC to x2APIC is allowed from the enabled state (the way
             * back is not). */
            wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
            wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
            base = rdmsr(MSR_APIC_BASE);
        } else {
            log_printf("lapic: x2apic asked for, but this CPU has no "
                       "x2APIC\n");
        }
    }
    x2apic = (base & APIC_BASE_X2APIC) && (base & APIC_BASE_ENABLE);
    uint64_t pa = base & APIC_BASE_ADDR_MASK;
    if (!x2apic) {
        if (pa != madt_addr) {
            log_printf("lapic: the MADT says 0x%lx, IA32_APIC_BASE 0x%lx; "
                       "using the CPU's\n",
                       madt_addr, pa);
        }
        regs = mmio_map(pa, 4096, MMIO_DEVICE);
        if (!regs) {
            log_printf("lapic: registers at 0x%lx cannot be mapped\n", pa);
            return false;
        }
        if (!(base & APIC_BASE_ENABLE)) {
            wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
        }
    }
    wr(REG_TPR, 0);
    wr(REG_LVT_TMR, LVT_MASKED);
    wr(REG_LINT0, LVT_MASKED);
    wr(REG_LINT1, LVT_NMI);
    wr(REG_LVT_ERR, LVT_MASKED);
    /* The thermal and performance-counter entries exist only up to the
     * version register's last LVT (an x2APIC faults on a missing one). */
    uint32_t last_lvt = (rd(REG_VERSION) >> 16) & 0xFF;
    if (last_lvt >= 4) {
        wr(REG_LVT_PMC, LVT_MASKED);
    }
    if (last_lvt >= 5) {
        wr(REG_LVT_THM, LVT_MASKED);
    }
    wr(REG_SVR, SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
    drain_firmware_interrupts();
    wr(REG_ESR, 0); /* clears errors the firmware left */
    log_printf("lapic: %s, id %u, version 0x%x\n",
               x2apic ? "x2APIC mode (MSRs)" : "xAPIC mode", lapic_id(),
               rd(REG_VERSION) & 0xFF);
    return true;
}

#define ICR_TO_SELF 0x40000 /* destination shorthand 01: self */

void lapic_self_interrupt(uint8_t vector) {
    if (x2apic) {
        wr(REG_SELF, vector);
    } else {
        wr(REG_ICR_LOW, ICR_TO_SELF | vector);
    }
}

int lapic_highest_in_service(void) {
    for (int i = 7; i >= 0; --i) {
        uint32_t bits = rd(REG_ISR + 0x10 * (uint32_t) i);
        if (bits) {
            return i * 32 + 31 - __builtin_clz(bits);
        }
    }
    return -1;
}

uint32_t lapic_id(void) {
    return x2apic ? rd(REG_ID) : rd(REG_ID) >> 24;
}

bool lapic_x2apic(void) {
    return x2apic;
}

void lapic_eoi(void) {
    wr(REG_EOI, 0);
}

volatile uint32_t* lapic_xapic_eoi_register(void) {
    return x2apic ? NULL : &regs[REG_EOI / 4];
}

void lapic_timer_free_run(void) {
    wr(REG_LVT_TMR, LVT_MASKED);
    wr(REG_TMR_DCR, DCR_DIVIDE_16);
    wr(REG_TMR_ICR, 0xFFFFFFFF);
}

uint32_t lapic_timer_count(void) {
    return rd(REG_TMR_CCR);
}

void lapic_timer_periodic(uint8_t vector, uint32_t count) {
    wr(REG_TMR_DCR, DCR_DIVIDE_16);
    wr(REG_LVT_TMR, LVT_TMR_PERIODIC | vector);
    wr(REG_TMR_ICR, count);
}

void lapic_timer_stop(void) {
    wr(REG_LVT_TMR, LVT_MASKED);
    wr(REG_TMR_ICR, 0);
}
