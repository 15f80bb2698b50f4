/* intc.c: the MADT as found at boot, read once and logged. */
#include "arch/x86_64/intc.h"

#include "arch/x86_64/acpi.h"
#include "kernel/log.h"

static struct madt madt; /* written once by intc_init */

const struct madt* intc_init(bool use_madt) {
    uint32_t len;
    const uint8_t* t = use_madt ? acpi_table("APIC", &len) : NULL;
    if (!t) {
        log_printf("madt: %s; interrupts through the 8259\n",
                   use_madt ? "no MADT" : "MADT ignored (nomadt)");
        return NULL;
    }
    const char* why = madt_parse(t, len, &madt);
    if (why) {
        log_printf("madt: unusable (%s); interrupts through the 8259\n", why);
        return NULL;
    }
    log_printf("madt: local APIC at 0x%lx, %d I/O APIC(s), 8259 %s, %d "
               "override(s), %d other entries\n",
               madt.lapic_addr, madt.nioapics,
               madt.has_8259 ? "present" : "absent", madt.noverrides,
               madt.skipped);
    for (int i = 0; i < madt.nioapics; ++i) {
        log_printf("madt: I/O APIC id %u at 0x%lx, GSI base %u\n",
                   madt.ioapics[i].id, madt.ioapics[i].addr,
                   madt.ioapics[i].gsi_base);
    }
    for (int i = 0; i < madt.noverrides; ++i) {
        const struct madt_override* o = &madt.overrides[i];
        log_printf("madt: IRQ %u -> GSI %u, %s, %s\n", o->irq, o->gsi,
                   (o->flags & MADT_TRIGGER_MASK) == MADT_TRIGGER_LEVEL
                       ? "level"
                       : "edge",
                   (o->flags & MADT_POLARITY_MASK) == MADT_POLARITY_LOW
                       ? "active low"
                       : "active high");
    }
    return &madt;
}
