/* clock_temporary.c: TEMPORARY stand-in for arch/x86_64/clock.c, which the
 * timer work (branch apic) provides with the real calibration. Delete this
 * file, and its line in drivers/CMakeLists.txt, once that clock.c is in.
 *
 * The TSC counted against 10 ms of PIT channel 2; without a PIT (the gate
 * never rises) the TSC is assumed to run at 2 GHz, so waits still end. */
#include "arch/x86_64/clock.h"
#include "arch/x86_64/x86.h"

#define PIT_HZ          1193182
#define PIT_CH2         0x42
#define PIT_MODE        0x43
#define PORT_B          0x61
#define PORT_B_GATE2    0x01
#define PORT_B_SPEAKER  0x02
#define PORT_B_OUT2     0x20
#define CALIBRATE_MS    10
#define ASSUMED_TSC_KHZ 2000000

static uint64_t tsc_khz;

static inline uint64_t read_tsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t) hi << 32) | lo;
}

static void calibrate(void) {
    uint16_t count = PIT_HZ / (1000 / CALIBRATE_MS);
    outb(PORT_B, (inb(PORT_B) & ~PORT_B_SPEAKER) & ~PORT_B_GATE2);
    outb(PIT_MODE, 0xB0); /* channel 2, lobyte/hibyte, mode 0 */
    outb(PIT_CH2, count & 0xFF);
    outb(PIT_CH2, count >> 8);
    outb(PORT_B, (inb(PORT_B) & ~PORT_B_SPEAKER) | PORT_B_GATE2);
    uint64_t t0 = read_tsc();
    /* Bounded by the TSC itself: 200 M counts is 10 ms up to 20 GHz. */
    while (read_tsc() - t0 < 200000000) {
        if (inb(PORT_B) & PORT_B_OUT2) {
            uint64_t khz = (read_tsc() - t0) / CALIBRATE_MS;
            tsc_khz = khz ? khz : ASSUMED_TSC_KHZ;
            return;
        }
    }
    tsc_khz = ASSUMED_TSC_KHZ;
}

uint64_t clock_ns(void) {
    if (!tsc_khz) {
        calibrate();
    }
    /* Split so that no product overflows 64 bits. */
    uint64_t t = read_tsc();
    return t / tsc_khz * 1000000 + t % tsc_khz * 1000000 / tsc_khz;
}

void clock_delay_us(uint64_t us) {
    uint64_t end = clock_ns() + us * 1000;
    while (clock_ns() < end) {
        __asm__ volatile("pause");
    }
}
