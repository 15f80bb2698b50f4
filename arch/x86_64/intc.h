/* intc.h: the interrupt controllers, as the rest of the kernel sees them.
 * Where the ACPI MADT names a local APIC and I/O APICs, ISA IRQs go
 * through the I/O APIC (with the MADT's overrides) and every interrupt is
 * ended at the local APIC; the 8259 pair is remapped and masked. Where
 * there is no usable MADT (or no local APIC), the 8259s deliver them. ISA
 * IRQ n arrives on vector INT_IRQ0 + n either way. */
#ifndef ARCH_INTC_H
#define ARCH_INTC_H

#include "arch/x86_64/madt.h"

/* The ISA IRQs the kernel uses. */
#define ISA_IRQ_PIT      0
#define ISA_IRQ_KEYBOARD 1
#define ISA_IRQ_COM1     4

/* Reads the MADT (acpi_init must have run), logs it, and sets up the
 * controllers with every device line masked. use_madt false (the `nomadt`
 * word) acts as if there were none; want_x2apic (the `x2apic` word): the
 * local APIC in x2APIC mode where the CPU has it. Interrupts must be off. */
void intc_init(bool use_madt, bool want_x2apic);
/* True when interrupts go through the APICs (the local APIC timer can be
 * used); false on the 8259 path. */
bool intc_apic(void);
/* Lets ISA IRQ irq (0-15) through to vector INT_IRQ0 + irq. Returns false
 * (logged) when it cannot be routed. */
bool intc_enable_isa_irq(unsigned irq);
/* The vector past the IDT's end that the local APIC has in service (a
 * hardware interrupt the CPU took and could not deliver), or -1. */
int intc_stray_in_service(void);
/* A stray interrupt arrived on vector, past the IDT's end: logs it (the
 * first few), ends it at the local APIC (the only controller that can
 * deliver there), and returns: the interrupted code resumes. */
void intc_stray(unsigned vector);
/* Test hook (the word kstray): the local APIC raises vector on itself,
 * pending until interrupts are first enabled, as an interrupt a firmware
 * left behind would be. Does nothing on the 8259 path. */
void intc_raise_stray(uint8_t vector);

/* intc_eoi's path for the 8259 and x2APIC cases. */
void intc_eoi_other(unsigned irq);
/* The xAPIC's EOI register when interrupts go through an xAPIC, else NULL.
 * Written once by intc_init; read by intc_eoi, on every tick. */
extern volatile uint32_t* intc_xapic_eoi;

/* Ends the interrupt from ISA IRQ irq (or, on the APIC path, any interrupt
 * the local APIC delivered, such as its timer's: irq is then ignored).
 * Inline: the tick's cost is a benchmarked figure. */
static inline void intc_eoi(unsigned irq) {
    if (intc_xapic_eoi) {
        *intc_xapic_eoi = 0;
    } else {
        intc_eoi_other(irq);
    }
}

#endif
