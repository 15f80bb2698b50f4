/* madt.h: the ACPI MADT ("APIC" table) as the interrupt code needs it: the
 * local APIC's address, the I/O APICs and the interrupt source overrides.
 * The parser is pure (no kernel calls), so a host-side test compiles it. */
#ifndef ARCH_MADT_H
#define ARCH_MADT_H

#include "abi/types.h"

#define MADT_MAX_IOAPICS   8
#define MADT_MAX_OVERRIDES 16
#define MADT_ISA_IRQS      16

/* MPS INTI flags of an override: polarity bits 1:0, trigger bits 3:2. */
#define MADT_POLARITY_MASK 0x3
#define MADT_POLARITY_LOW  0x3
#define MADT_TRIGGER_MASK  0xC
#define MADT_TRIGGER_LEVEL 0xC

struct madt_ioapic {
    uint8_t id;
    uint64_t addr;     /* physical address of its registers */
    uint32_t gsi_base; /* the first global system interrupt it serves */
};

struct madt_override {
    uint8_t irq;    /* ISA IRQ (source) */
    uint32_t gsi;   /* the global system interrupt it arrives on */
    uint16_t flags; /* MADT_POLARITY_*, MADT_TRIGGER_* */
};

struct madt {
    uint64_t lapic_addr; /* the 32-bit field, or the 64-bit override */
    bool has_8259;       /* PCAT_COMPAT: dual 8259s to be masked */
    int nioapics;
    struct madt_ioapic ioapics[MADT_MAX_IOAPICS];
    int noverrides;
    struct madt_override overrides[MADT_MAX_OVERRIDES];
    int skipped; /* entries ignored (unknown types, past the limits) */
};

/* Parses the MADT at t (len bytes readable, the table's checked length).
 * Returns NULL with *out filled, or the reason the table is unusable (bad
 * lengths, an entry running past the table, no I/O APIC, an override to a
 * GSI no I/O APIC serves, a zero address); then *out must not be used.
 * Entries of kinds it does not need are counted in out->skipped. */
const char* madt_parse(const uint8_t* t, uint32_t len, struct madt* out);

/* The GSI and flags ISA IRQ irq arrives on: its override, else the IRQ
 * itself, edge-triggered, active high. */
uint32_t madt_isa_gsi(const struct madt* m, uint8_t irq, uint16_t* flags);

/* The I/O APIC serving gsi, with its pin in *pin; NULL when none. The
 * number of pins is the I/O APIC's own (read from it), so the caller
 * checks the pin against it. */
const struct madt_ioapic* madt_ioapic_for(const struct madt* m, uint32_t gsi,
                                          const uint32_t* npins, uint32_t* pin);

#endif
