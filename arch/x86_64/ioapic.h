/* ioapic.h: the I/O APICs the MADT names, and the routing of ISA IRQs
 * through them (the MADT's interrupt source overrides, polarity and
 * trigger). Internal to arch/. */
#ifndef ARCH_IOAPIC_H
#define ARCH_IOAPIC_H

#include "arch/x86_64/madt.h"

/* Maps each I/O APIC of m, reads its number of pins and masks every pin.
 * An I/O APIC that cannot be mapped, answers nonsense (all ones) or
 * overlaps another's GSIs is logged and left out. Returns how many are
 * usable. m must stay valid while ioapic_ functions are used. */
int ioapic_init(const struct madt* m);
/* Test hook (the word ioapicpins=N): every I/O APIC acts as if it had at
 * most n pins, so that an override or IRQ past them is out of range. Call
 * before ioapic_init (intc_init). */
void ioapic_limit_pins(uint32_t n);
/* Routes ISA IRQ irq to vector on the local APIC dest (physical mode,
 * fixed delivery), unmasked, with the override's GSI, polarity and trigger
 * when the MADT has one. Returns false (logged) when no usable I/O APIC
 * has the GSI, the entry is out of its range, or dest does not fit. */
bool ioapic_route_isa(unsigned irq, uint8_t vector, uint32_t dest);

#endif
