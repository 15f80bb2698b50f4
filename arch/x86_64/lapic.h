/* lapic.h: the boot CPU's local APIC, in xAPIC (MMIO) or x2APIC (MSR) mode,
 * whichever the firmware left it in: end of interrupt, the spurious
 * vector, and the timer. Internal to arch/. */
#ifndef ARCH_LAPIC_H
#define ARCH_LAPIC_H

#include "abi/types.h"

/* The spurious-interrupt vector. Its low nibble is 0xF (some xAPICs wire
 * bits 3:0 to 1), and it is the 8259's spurious IRQ 15 vector too, which
 * trap.c ignores: a spurious interrupt needs no EOI. */
#define LAPIC_SPURIOUS_VECTOR 0x2F
/* The timer's input is divided by this before it counts. */
#define LAPIC_TIMER_DIVISOR 16

/* Turns the local APIC on (software enable, spurious vector, task priority
 * 0, LINT0 masked so that nothing from an 8259 arrives, LINT1 as NMI,
 * timer masked). madt_addr: its registers' address from the MADT (used in
 * xAPIC mode; a different address in IA32_APIC_BASE wins, logged).
 * want_x2apic (the word x2apic): switch to x2APIC mode where the CPU has
 * it, instead of keeping the firmware's mode. Returns false (logged) when
 * the CPU has no local APIC or its registers cannot be mapped; then no
 * other lapic_ function may be called. */
bool lapic_init(uint64_t madt_addr, bool want_x2apic);
/* Raises vector on this CPU (a self IPI): pending until interrupts are
 * enabled. */
void lapic_self_interrupt(uint8_t vector);
/* The highest vector in service (ISR), or -1 when none is. */
int lapic_highest_in_service(void);
/* The local APIC ID, as an I/O APIC destination names it. */
uint32_t lapic_id(void);
/* True when the local APIC is in x2APIC mode. */
bool lapic_x2apic(void);
/* Ends the interrupt being served. */
void lapic_eoi(void);
/* The EOI register's address in xAPIC mode (a write of 0 is lapic_eoi);
 * NULL in x2APIC mode, where EOI is an MSR. */
volatile uint32_t* lapic_xapic_eoi_register(void);
/* Starts the timer counting down from 0xFFFFFFFF, once, masked (no
 * interrupt): for calibration. */
void lapic_timer_free_run(void);
/* The timer's current count (decreasing). */
uint32_t lapic_timer_count(void);
/* The timer interrupts on vector every count counts (periodic). */
void lapic_timer_periodic(uint8_t vector, uint32_t count);
/* Stops the timer. */
void lapic_timer_stop(void);

#endif
