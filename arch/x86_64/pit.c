/* pit.c: the 8254 programmable interval timer. Channel 0 drives IRQ 0;
 * channel 2, whose gate and output are on port 0x61, is read by latching
 * its count. */
#include "arch/x86_64/pit.h"

#include "arch/x86_64/x86.h"

#define PIT_CH0        0x40
#define PIT_CH2        0x42
#define PIT_CMD        0x43
#define PIT_PORT_B     0x61
#define PORT_B_GATE2   0x01
#define PORT_B_SPEAKER 0x02

void pit_start_periodic(unsigned hz) {
    unsigned divisor = PIT_HZ / hz;
    outb(PIT_CMD, 0x34); /* channel 0, lo/hi, rate generator */
    outb(PIT_CH0, divisor & 0xFF);
    outb(PIT_CH0, divisor >> 8);
}

void pit_ch2_start(void) {
    uint8_t b = inb(PIT_PORT_B);
    outb(PIT_PORT_B, (b & ~PORT_B_SPEAKER) & ~PORT_B_GATE2);
    outb(PIT_CMD, 0xB4); /* channel 2, lo/hi, rate generator */
    outb(PIT_CH2, 0);    /* reload 0: the full 65536 counts */
    outb(PIT_CH2, 0);
    outb(PIT_PORT_B, (b & ~PORT_B_SPEAKER) | PORT_B_GATE2);
}

uint64_t pit_ch2_read(void) {
    outb(PIT_CMD, 0x80); /* latch channel 2 */
    uint16_t lo = inb(PIT_CH2);
    uint16_t count = lo | (uint16_t) inb(PIT_CH2) << 8;
    return (uint16_t) -count; /* counts down: negate to count up */
}

void pit_ch2_stop(void) {
    outb(PIT_PORT_B, inb(PIT_PORT_B) & ~(PORT_B_SPEAKER | PORT_B_GATE2));
}
