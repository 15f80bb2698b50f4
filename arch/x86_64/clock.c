/* clock.c: elapsed time from the TSC, for bounded waits in drivers.
 *
 * The TSC runs at an assumed rate (CLOCK_ASSUMED_TSC_HZ) until timer
 * calibration measures it (clock_set_tsc_hz). The assumption is on the
 * high side of real CPUs, so before calibration (or on a machine where
 * nothing could be measured) a wait lasts at least what it asked for on any
 * CPU up to that rate. Changing the rate rebases the origin, so clock_ns
 * never goes backwards. */
#include "arch/x86_64/clock.h"

#include "arch/x86_64/timer.h"
#include "arch/x86_64/x86.h"

#define NS_PER_S 1000000000UL

/* Written only by clock_set_tsc_hz (boot, interrupts off). */
static uint64_t tsc_hz = CLOCK_ASSUMED_TSC_HZ;
static uint64_t tsc_origin;
static uint64_t ns_origin;

/* ns in d TSC cycles at hz, without 128-bit arithmetic: d / hz whole
 * seconds, then the remainder (< hz, so the product fits for hz < 18 GHz). */
static uint64_t cycles_to_ns(uint64_t d, uint64_t hz) {
    return d / hz * NS_PER_S + d % hz * NS_PER_S / hz;
}

uint64_t clock_ns(void) {
    return ns_origin + cycles_to_ns(rdtsc() - tsc_origin, tsc_hz);
}

void clock_delay_us(uint64_t us) {
    uint64_t end = clock_ns() + us * 1000;
    while (clock_ns() < end) {
        __asm__ volatile("pause");
    }
}

void clock_set_tsc_hz(uint64_t hz) {
    if (hz < CLOCK_MIN_TSC_HZ || hz > CLOCK_MAX_TSC_HZ) {
        return;
    }
    uint64_t now = rdtsc();
    ns_origin += cycles_to_ns(now - tsc_origin, tsc_hz);
    tsc_origin = now;
    tsc_hz = hz;
}

uint64_t clock_tsc_hz(void) {
    return tsc_hz;
}
