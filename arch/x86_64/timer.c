/* timer.c: the 8259 PIC pair and the 8254 PIT. The PIT drives IRQ 0 at HZ;
 * it exists under BIOS and UEFI alike, and needs no calibration. */
#include "arch/x86_64/devices.h"
#include "arch/x86_64/x86.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xA0
#define PIC2_DATA 0xA1
#define PIT_CH0   0x40
#define PIT_CMD   0x43
#define PIT_HZ    1193182

void timer_init(unsigned hz) {
    outb(PIC1_CMD, 0x11); /* ICW1: init, expect ICW4 */
    io_wait();
    outb(PIC2_CMD, 0x11);
    io_wait();
    outb(PIC1_DATA, INT_IRQ0); /* ICW2: vector offsets */
    outb(PIC2_DATA, INT_IRQ0 + 8);
    outb(PIC1_DATA, 0x04); /* ICW3: slave on IRQ 2 */
    outb(PIC2_DATA, 0x02);
    outb(PIC1_DATA, 0x01); /* ICW4: 8086 mode */
    outb(PIC2_DATA, 0x01);
    io_wait();
    /* Unmask IRQ 0 (timer), 1 (keyboard) and, with a UART, 4 (COM1 keys;
     * the 8259 latches an edge that came while it was masked). */
    outb(PIC1_DATA, serial_keys_start() ? 0xEC : 0xFC);
    outb(PIC2_DATA, 0xFF);

    unsigned divisor = PIT_HZ / hz;
    outb(PIT_CMD, 0x34); /* channel 0, lo/hi, rate generator */
    outb(PIT_CH0, divisor & 0xFF);
    outb(PIT_CH0, divisor >> 8);
}

void pic_eoi(int irq) {
    if (irq >= 8) {
        outb(PIC2_CMD, 0x20);
    }
    outb(PIC1_CMD, 0x20);
}
