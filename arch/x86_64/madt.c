/* madt.c: the MADT parser. Bounds are checked before every read: a
 * table's length, each entry's length against its kind's minimum and the
 * table's end, and every limit of struct madt. Nothing here trusts the
 * firmware. */
#include "arch/x86_64/madt.h"

#define MADT_HEADER_LEN  44 /* SDT header, local APIC address, flags */
#define MADT_FLAGS_PCAT  0x1
#define ENTRY_IOAPIC     1
#define ENTRY_OVERRIDE   2
#define ENTRY_LAPIC_ADDR 5
#define GSI_LIMIT        0x100000 /* far beyond any real machine's */

static uint32_t get32(const uint8_t* p) {
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 |
           (uint32_t) p[3] << 24;
}

static uint64_t get64(const uint8_t* p) {
    return (uint64_t) get32(p) | (uint64_t) get32(p + 4) << 32;
}

/* Records one entry of kind type (len bytes at e, len >= 2 checked);
 * returns a reason when the entry itself is malformed. */
static const char* take_entry(const uint8_t* e, uint8_t len, struct madt* m) {
    switch (e[0]) {
    case ENTRY_IOAPIC:
        if (len < 12) {
            return "I/O APIC entry shorter than 12 bytes";
        }
        if (m->nioapics == MADT_MAX_IOAPICS) {
            ++m->skipped;
            return NULL;
        }
        m->ioapics[m->nioapics].id = e[2];
        m->ioapics[m->nioapics].addr = get32(e + 4);
        m->ioapics[m->nioapics].gsi_base = get32(e + 8);
        if (!m->ioapics[m->nioapics].addr) {
            return "I/O APIC at address 0";
        }
        if (m->ioapics[m->nioapics].gsi_base >= GSI_LIMIT) {
            return "I/O APIC GSI base out of range";
        }
        ++m->nioapics;
        return NULL;
    case ENTRY_OVERRIDE:
        if (len < 10) {
            return "interrupt source override shorter than 10 bytes";
        }
        /* Bus 0 is ISA, the only bus an override names. */
        if (e[2] != 0 || e[3] >= MADT_ISA_IRQS ||
            m->noverrides == MADT_MAX_OVERRIDES) {
            ++m->skipped;
            return NULL;
        }
        m->overrides[m->noverrides].irq = e[3];
        m->overrides[m->noverrides].gsi = get32(e + 4);
        m->overrides[m->noverrides].flags = (uint16_t) (e[8] | e[9] << 8);
        ++m->noverrides;
        return NULL;
    case ENTRY_LAPIC_ADDR:
        if (len < 12) {
            return "local APIC address override shorter than 12 bytes";
        }
        m->lapic_addr = get64(e + 4);
        return NULL;
    default:
        ++m->skipped; /* processor entries, NMIs, x2APIC entries... */
        return NULL;
    }
}

/* An override to a GSI no I/O APIC can serve is unusable (its pin count
 * is checked later, against the I/O APIC itself). */
static bool gsi_served(const struct madt* m, uint32_t gsi) {
    for (int i = 0; i < m->nioapics; ++i) {
        if (gsi >= m->ioapics[i].gsi_base &&
            gsi - m->ioapics[i].gsi_base < 240) {
            return true;
        }
    }
    return false;
}

const char* madt_parse(const uint8_t* t, uint32_t len, struct madt* m) {
    *m = (struct madt){0};
    if (len < MADT_HEADER_LEN || get32(t + 4) != len) {
        return "table length shorter than its header or not its own";
    }
    m->lapic_addr = get32(t + 36);
    m->has_8259 = get32(t + 40) & MADT_FLAGS_PCAT;
    for (uint32_t off = MADT_HEADER_LEN; off < len;) {
        if (len - off < 2) {
            return "an entry header runs past the table";
        }
        uint8_t elen = t[off + 1];
        if (elen < 2) {
            return "an entry has length below 2";
        }
        if (elen > len - off) {
            return "an entry runs past the table";
        }
        const char* why = take_entry(t + off, elen, m);
        if (why) {
            return why;
        }
        off += elen;
    }
    if (m->nioapics == 0) {
        return "no I/O APIC";
    }
    if (m->lapic_addr == 0) {
        return "local APIC at address 0";
    }
    for (int i = 0; i < m->noverrides; ++i) {
        if (!gsi_served(m, m->overrides[i].gsi)) {
            return "an interrupt source override names a GSI no I/O APIC "
                   "serves";
        }
    }
    return NULL;
}

uint32_t madt_isa_gsi(const struct madt* m, uint8_t irq, uint16_t* flags) {
    for (int i = 0; i < m->noverrides; ++i) {
        if (m->overrides[i].irq == irq) {
            *flags = m->overrides[i].flags;
            return m->overrides[i].gsi;
        }
    }
    *flags = 0; /* conforming to the ISA bus: edge, active high */
    return irq;
}

const struct madt_ioapic* madt_ioapic_for(const struct madt* m, uint32_t gsi,
                                          const uint32_t* npins,
                                          uint32_t* pin) {
    for (int i = 0; i < m->nioapics; ++i) {
        const struct madt_ioapic* io = &m->ioapics[i];
        if (gsi >= io->gsi_base && gsi - io->gsi_base < npins[i]) {
            *pin = gsi - io->gsi_base;
            return io;
        }
    }
    return NULL;
}
