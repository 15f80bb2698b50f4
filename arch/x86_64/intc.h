/* intc.h: which interrupt controllers the machine has, from the ACPI MADT.
 * The device interrupts are still delivered through the 8259 pair
 * (timer.c); this reads and logs what the APIC route will use. */
#ifndef ARCH_INTC_H
#define ARCH_INTC_H

#include "arch/x86_64/madt.h"

/* Reads the MADT (acpi_init must have run) and logs the local APIC, the
 * I/O APICs and the ISA overrides, or why the table is missing or
 * unusable. use_madt false (the `nomadt` word) acts as if there were none.
 * Returns the parsed table, or NULL. */
const struct madt* intc_init(bool use_madt);

#endif
