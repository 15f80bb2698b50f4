/* devices.h: the legacy PC devices: COM1, the PS/2 keyboard, and the ways to
 * leave the machine. */
#ifndef ARCH_DEVICES_H
#define ARCH_DEVICES_H

#include "abi/types.h"

void serial_init(void);
void serial_putc(char c);
/* Waits (bounded) until every byte written has left the UART, so that
 * leaving the machine does not cut the log's last line. */
void serial_flush(void);

/* Reads one pending key from the PS/2 controller: returns its ASCII
 * character, or -1 when the byte was not a key press we translate. */
int keyboard_read(void);

/* isa-debug-exit: QEMU exits with status (code << 1) | 1. Returns only when
 * the device is absent. */
void machine_debug_exit(uint8_t code);
/* ACPI/emulator power-off; returns only if nothing listened. */
void machine_poweroff(void);

#endif
