/* clock.h: elapsed time from the best clock the machine has, for bounded
 * waits in drivers (device resets, port resets, firmware handoffs) before
 * and after the tick starts. Owned by the timer code (calibration). */
#ifndef ARCH_CLOCK_H
#define ARCH_CLOCK_H

#include "abi/types.h"

/* Nanoseconds since an arbitrary origin; never goes backwards. Valid once
 * timer calibration has run (kernel_start does it before any driver); on a
 * machine where nothing could be calibrated it runs at a documented
 * assumed rate, so a bounded wait still ends. */
uint64_t clock_ns(void);

/* Spins for at least us microseconds. */
void clock_delay_us(uint64_t us);

#endif
