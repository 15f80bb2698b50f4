/* intc.c: the choice between the APIC path and the 8259 path, made once at
 * boot, and the small interface trap.c and the drivers use. */
#include "arch/x86_64/intc.h"

#include "abi/syscall.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/ioapic.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/x86.h"
#include "kernel/log.h"

static struct madt madt; /* written once by intc_init */
static bool use_apic;    /* written once by intc_init */
volatile uint32_t* intc_xapic_eoi;

/* The MADT, parsed and logged, or NULL with the reason logged. */
static const struct madt* read_madt(bool use_madt) {
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

void intc_init(bool use_madt, bool want_x2apic) {
    /* Remapped first, in every case: an 8259 left at the BIOS's vectors
     * (8-15) would raise a stray IRQ as a CPU exception. Where the APICs
     * take over, every 8259 line stays masked. */
    pic_init_masked();
    const struct madt* m = read_madt(use_madt);
    /* The I/O APICs first: a local APIC turned on (LINT0 masked) with no
     * I/O APIC behind it would cut the 8259 off. */
    use_apic =
        m && ioapic_init(m) > 0 && lapic_init(m->lapic_addr, want_x2apic);
    intc_xapic_eoi = use_apic ? lapic_xapic_eoi_register() : NULL;
    log_printf("intc: %s\n", use_apic ? "local APIC and I/O APIC; 8259 masked"
                                      : "8259 PIC pair");
}

#define STRAYS_LOGGED 8

/* The first vector past the IDT's gates (the system call gates end it). */
#define FIRST_VECTOR_PAST_IDT (INT_SYS + INT_SYS_COUNT)

int intc_stray_in_service(void) {
    int v = use_apic ? lapic_highest_in_service() : -1;
    return v >= FIRST_VECTOR_PAST_IDT ? v : -1;
}

void intc_stray(unsigned vector) {
    static int logged;
    if (logged < STRAYS_LOGGED) {
        ++logged;
        log_printf("intc: stray interrupt on vector %u; ended and "
                   "ignored%s\n",
                   vector, logged == STRAYS_LOGGED ? " (no more logged)" : "");
    }
    if (use_apic) {
        lapic_eoi();
    }
}

void intc_raise_stray(uint8_t vector) {
    if (use_apic) {
        log_printf("kstray: the local APIC raises vector %u on itself\n",
                   vector);
        lapic_self_interrupt(vector);
    }
}

bool intc_apic(void) {
    return use_apic;
}

bool intc_enable_isa_irq(unsigned irq) {
    if (irq >= MADT_ISA_IRQS) {
        log_printf("intc: IRQ %u is not an ISA IRQ\n", irq);
        return false;
    }
    if (use_apic) {
        return ioapic_route_isa(irq, INT_IRQ0 + irq, lapic_id());
    }
    pic_unmask(irq);
    return true;
}

void intc_eoi_other(unsigned irq) {
    if (use_apic) {
        lapic_eoi();
    } else {
        pic_eoi(irq);
    }
}
