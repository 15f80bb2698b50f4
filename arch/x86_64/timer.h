/* timer.h: the tick (HZ interrupts a second, vector INT_TIMER) and its
 * calibration: the local APIC timer, calibrated against the best reference
 * the machine has, or the 8254 PIT where there is no local APIC. */
#ifndef ARCH_TIMER_H
#define ARCH_TIMER_H

#include "abi/types.h"
#include "arch/x86_64/calibrate.h"

/* The TSC rate clock.c assumes until calibration measured one: above any
 * real CPU's, so that an uncalibrated wait is never shorter than asked. */
#define CLOCK_ASSUMED_TSC_HZ 5000000000UL
#define CLOCK_MIN_TSC_HZ     10000000UL    /* 10 MHz */
#define CLOCK_MAX_TSC_HZ     10000000000UL /* 10 GHz */
/* The LAPIC timer's input rate assumed when nothing could measure it: the
 * 100 MHz of many PCs' APIC clocks (QEMU's is 1 GHz, so an uncalibrated
 * tick there runs ten times fast; a 25 MHz crystal's, four times slow). */
#define LAPIC_ASSUMED_HZ 100000000UL

/* clock.c: sets the measured TSC rate (ignored outside the bounds above). */
void clock_set_tsc_hz(uint64_t hz);
/* The TSC rate clock_ns uses now. */
uint64_t clock_tsc_hz(void);

/* Chooses the tick and measures the clocks (intc_init must have run,
 * interrupts off): the TSC rate goes to clock.c, so clock_ns is right from
 * here on. only: calib= (CALIB_AUTO: every reference in order); pit_tick:
 * tick=pit, the PIT as the tick even where there is a local APIC. Logs one
 * `timer: ...` line naming the tick, its calibration and the TSC rate. */
void timer_calibrate(enum calib_source only, bool pit_tick);
/* Starts the tick chosen by timer_calibrate, hz times a second. */
void timer_init(unsigned hz);

#endif
