/* ioapic.c: I/O APIC redirection entries. Each I/O APIC is two registers
 * (a select at +0x00, a window at +0x10); redirection entry n is the pair
 * of 32-bit registers 0x10 + 2n (vector, delivery, polarity, trigger,
 * mask) and 0x11 + 2n (destination in bits 31:24). */
#include "arch/x86_64/ioapic.h"

#include "arch/x86_64/mmio.h"
#include "kernel/log.h"

#define IOREGSEL      0x00
#define IOWIN         0x10
#define REG_VERSION   0x01
#define REG_REDIR     0x10
#define REDIR_ACT_LOW (1U << 13)
#define REDIR_LEVEL   (1U << 15)
#define REDIR_MASKED  (1U << 16)
#define MAX_DEST      0xFF /* physical destination: 8 bits */

static const struct madt* madt;
/* Per MADT I/O APIC: its registers (NULL: unusable) and pin count (0:
 * unusable), written once by ioapic_init. */
static volatile uint32_t* regs[MADT_MAX_IOAPICS];
static uint32_t npins[MADT_MAX_IOAPICS];
static uint32_t pin_limit = UINT32_MAX; /* ioapicpins=N */

void ioapic_limit_pins(uint32_t n) {
    pin_limit = n;
}

static uint32_t rd(int i, uint32_t reg) {
    regs[i][IOREGSEL / 4] = reg;
    return regs[i][IOWIN / 4];
}

static void wr(int i, uint32_t reg, uint32_t v) {
    regs[i][IOREGSEL / 4] = reg;
    regs[i][IOWIN / 4] = v;
}

/* True when I/O APIC i's GSIs overlap one already usable. */
static bool overlaps(int i) {
    uint32_t lo = madt->ioapics[i].gsi_base, hi = lo + npins[i];
    for (int j = 0; j < i; ++j) {
        uint32_t jlo = madt->ioapics[j].gsi_base, jhi = jlo + npins[j];
        if (npins[j] && lo < jhi && jlo < hi) {
            return true;
        }
    }
    return false;
}

int ioapic_init(const struct madt* m) {
    madt = m;
    int usable = 0;
    for (int i = 0; i < m->nioapics; ++i) {
        const struct madt_ioapic* io = &m->ioapics[i];
        regs[i] = mmio_map(io->addr, 0x20, MMIO_DEVICE);
        uint32_t version = regs[i] ? rd(i, REG_VERSION) : 0xFFFFFFFF;
        if (version == 0xFFFFFFFF) {
            log_printf("ioapic: id %u at 0x%lx does not answer; not used\n",
                       io->id, io->addr);
            continue;
        }
        npins[i] = ((version >> 16) & 0xFF) + 1;
        if (npins[i] > pin_limit) {
            log_printf("ioapic: id %u: acting as if it had %u pins "
                       "(ioapicpins)\n",
                       io->id, pin_limit);
            npins[i] = pin_limit;
        }
        if (overlaps(i)) {
            log_printf("ioapic: id %u: GSIs %u-%u overlap another I/O "
                       "APIC's; not used\n",
                       io->id, io->gsi_base, io->gsi_base + npins[i] - 1);
            npins[i] = 0;
            continue;
        }
        for (uint32_t pin = 0; pin <= ((version >> 16) & 0xFF); ++pin) {
            wr(i, REG_REDIR + 2 * pin, REDIR_MASKED);
        }
        log_printf("ioapic: id %u, version 0x%x, GSIs %u-%u, all masked\n",
                   io->id, version & 0xFF, io->gsi_base,
                   io->gsi_base + npins[i] - 1);
        ++usable;
    }
    return usable;
}

/* The redirection entry's low word for an override's MPS INTI flags: ISA
 * defaults (edge, active high) where the flags say "conforms". */
static uint32_t redir_low(uint8_t vector, uint16_t flags) {
    uint32_t low = vector;
    if ((flags & MADT_POLARITY_MASK) == MADT_POLARITY_LOW) {
        low |= REDIR_ACT_LOW;
    }
    if ((flags & MADT_TRIGGER_MASK) == MADT_TRIGGER_LEVEL) {
        low |= REDIR_LEVEL;
    }
    return low;
}

bool ioapic_route_isa(unsigned irq, uint8_t vector, uint32_t dest) {
    uint16_t flags;
    uint32_t gsi = madt_isa_gsi(madt, irq, &flags), pin;
    const struct madt_ioapic* io = madt_ioapic_for(madt, gsi, npins, &pin);
    if (!io) {
        log_printf("ioapic: IRQ %u -> GSI %u: no usable I/O APIC has that "
                   "entry; IRQ %u not routed\n",
                   irq, gsi, irq);
        return false;
    }
    if (dest > MAX_DEST) {
        log_printf("ioapic: local APIC id %u does not fit a destination; "
                   "IRQ %u not routed\n",
                   dest, irq);
        return false;
    }
    int i = (int) (io - madt->ioapics);
    uint32_t low = redir_low(vector, flags);
    wr(i, REG_REDIR + 2 * pin + 1, dest << 24);
    wr(i, REG_REDIR + 2 * pin, low);
    log_printf("ioapic: IRQ %u -> GSI %u (I/O APIC %u pin %u), vector %u, "
               "%s, %s\n",
               irq, gsi, io->id, pin, vector,
               (low & REDIR_LEVEL) ? "level" : "edge",
               (low & REDIR_ACT_LOW) ? "active low" : "active high");
    return true;
}
