/* timer.h: the tick (HZ interrupts a second) and its calibration: the local
 * APIC timer, calibrated against the best reference the machine has, or
 * the 8254 PIT where nothing else is there. Internal to arch/. */
#ifndef ARCH_TIMER_H
#define ARCH_TIMER_H

#include "abi/types.h"

/* The TSC rate clock.c assumes until calibration measured one: above any
 * real CPU's, so that an uncalibrated wait is never shorter than asked. */
#define CLOCK_ASSUMED_TSC_HZ 5000000000UL
#define CLOCK_MIN_TSC_HZ     10000000UL    /* 10 MHz */
#define CLOCK_MAX_TSC_HZ     10000000000UL /* 10 GHz */

/* clock.c: sets the measured TSC rate (ignored outside the bounds above). */
void clock_set_tsc_hz(uint64_t hz);
/* The TSC rate clock_ns uses now. */
uint64_t clock_tsc_hz(void);

#endif
