/* devices.h: the legacy PC devices: COM1 (the log, and keys from a serial
 * terminal), the PS/2 keyboard, and the ways to leave the machine. */
#ifndef ARCH_DEVICES_H
#define ARCH_DEVICES_H

#include "abi/types.h"

void serial_init(void);
void serial_putc(char c);
/* Waits (bounded) until every byte written has left the UART, so that
 * leaving the machine does not cut the log's last line. */
void serial_flush(void);
/* Turns on COM1's receive and line-status interrupts (IRQ 4). Call once
 * the interrupt controller is set up and IRQ 4 routed: an edge that came
 * while it was masked may be lost, and this makes a new one for bytes
 * already waiting. Returns false, enabling nothing, when there is no UART. */
bool serial_keys_start(void);
/* The most keys one serial_keys_read returns. */
#define SERIAL_KEYS_MAX 64
/* For IRQ 4: drains what COM1 received (a bounded number of bytes; more
 * waiting re-raises the interrupt) and stores the keys among them in
 * keys[0..max), returning how many. Line errors drop their byte and are
 * logged a bounded number of times. Acknowledging the interrupt at the
 * controller is the caller's. */
int serial_keys_read(char* keys, int max);

/* Reads one pending key from the PS/2 controller: returns its ASCII
 * character, or -1 when the byte was not a key press we translate. */
int keyboard_read(void);

/* isa-debug-exit: QEMU exits with status (code << 1) | 1. Returns only when
 * the device is absent. */
void machine_debug_exit(uint8_t code);
/* ACPI/emulator power-off; returns only if nothing listened. */
void machine_poweroff(void);

#endif
