/* ps2.h: bringing up the 8042 PS/2 controller. */
#ifndef ARCH_PS2_H
#define ARCH_PS2_H

/* Puts the controller in a known state, whatever firmware left (UEFI and
 * USB legacy emulation leave it in many): both ports off, output flushed,
 * self-test, then the keyboard port on with scan-code translation (set 1,
 * which keyboard.c decodes) and IRQ 1; the mouse port stays off. Logs what
 * it found; a missing or unanswering controller is logged and left alone.
 * Call before interrupts are enabled. */
void ps2_init(void);

#endif
