/* pic.c: the 8259 PIC pair, programmed the one way the kernel uses it:
 * edge-triggered, vectors INT_IRQ0-INT_IRQ0+15, slave on line 2. */
#include "arch/x86_64/pic.h"

#include "arch/x86_64/x86.h"

#define PIC1_CMD     0x20
#define PIC1_DATA    0x21
#define PIC2_CMD     0xA0
#define PIC2_DATA    0xA1
#define PIC_EOI      0x20
#define CASCADE_LINE 2

/* The mask of each chip (bit set: line masked), as last written. */
static uint8_t mask1 = 0xFF, mask2 = 0xFF;

void pic_init_masked(void) {
    outb(PIC1_DATA, 0xFF); /* nothing gets through while reprogramming */
    outb(PIC2_DATA, 0xFF);
    outb(PIC1_CMD, 0x11); /* ICW1: init, expect ICW4 */
    io_wait();
    outb(PIC2_CMD, 0x11);
    io_wait();
    outb(PIC1_DATA, INT_IRQ0); /* ICW2: vector offsets */
    outb(PIC2_DATA, INT_IRQ0 + 8);
    outb(PIC1_DATA, 1 << CASCADE_LINE); /* ICW3: slave on line 2 */
    outb(PIC2_DATA, CASCADE_LINE);
    outb(PIC1_DATA, 0x01); /* ICW4: 8086 mode */
    outb(PIC2_DATA, 0x01);
    io_wait();
    mask1 = 0xFF & ~(1 << CASCADE_LINE);
    mask2 = 0xFF;
    outb(PIC1_DATA, mask1);
    outb(PIC2_DATA, mask2);
}

void pic_unmask(unsigned irq) {
    if (irq >= 8) {
        mask2 &= ~(1 << (irq - 8));
        outb(PIC2_DATA, mask2);
    } else {
        mask1 &= ~(1 << irq);
        outb(PIC1_DATA, mask1);
    }
}

void pic_eoi(unsigned irq) {
    if (irq >= 8) {
        outb(PIC2_CMD, PIC_EOI);
    }
    outb(PIC1_CMD, PIC_EOI);
}
