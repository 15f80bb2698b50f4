/* pit.h: the 8254 PIT: channel 0 as the tick where nothing better is
 * there, channel 2 as the last reference clock for calibration. Internal
 * to arch/. */
#ifndef ARCH_PIT_H
#define ARCH_PIT_H

#include "abi/types.h"

#define PIT_HZ 1193182

/* Channel 0 interrupts (ISA IRQ 0) hz times a second. */
void pit_start_periodic(unsigned hz);
/* Channel 2 counts freely (gate on, speaker off), PIT_HZ a second. */
void pit_ch2_start(void);
/* Channel 2's ticks since pit_ch2_start, modulo 2^16 (an increasing
 * count; a machine without a PIT reads a constant). */
uint64_t pit_ch2_read(void);
/* Gate off: channel 2 stops, as the firmware had it. */
void pit_ch2_stop(void);

#endif
