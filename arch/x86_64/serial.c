/* serial.c: COM1 at 115200 8N1, polled. The kernel log's only wire. */
#include "arch/x86_64/devices.h"
#include "arch/x86_64/x86.h"

#define COM1 0x3F8

static bool serial_present;
/* Bytes the transmitter takes after it reported itself empty: the 16-byte
 * FIFO of a 16550A, else 1. Polling the line status once per burst rather
 * than once per byte halves the port accesses of every log line (each one
 * is an exit to the emulator). */
static int burst = 1;
static int room; /* bytes that may still be written without polling */

void serial_init(void) {
    outb(COM1 + 1, 0x00); /* no interrupts */
    outb(COM1 + 3, 0x80); /* DLAB */
    outb(COM1 + 0, 0x01); /* divisor 1: 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03); /* 8N1 */
    outb(COM1 + 2, 0xC7); /* FIFO on, cleared */
    outb(COM1 + 4, 0x03); /* DTR, RTS */
    /* No UART answers with 0xFF: then writing would spin forever. */
    serial_present = inb(COM1 + 5) != 0xFF;
    /* IIR bits 7:6 are 11 when the FIFO is really on (16550A). */
    burst = (inb(COM1 + 2) & 0xC0) == 0xC0 ? 16 : 1;
    room = 0;
}

void serial_putc(char c) {
    if (!serial_present) {
        return;
    }
    if (room == 0) {
        for (int spins = 0; spins < 100000 && !(inb(COM1 + 5) & 0x20);
             ++spins) {
        }
        room = burst;
    }
    --room;
    outb(COM1, (uint8_t) c);
}

void serial_flush(void) {
    if (!serial_present) {
        return;
    }
    /* LSR bit 6: the FIFO and the shift register are both empty. */
    for (int spins = 0; spins < 1000000 && !(inb(COM1 + 5) & 0x40); ++spins) {
    }
    room = burst;
}
