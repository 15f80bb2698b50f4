/* calibrate.h: measuring the TSC and the local APIC timer's input clock
 * against a reference whose rate is known. Internal to arch/ (timer.c). */
#ifndef ARCH_CALIBRATE_H
#define ARCH_CALIBRATE_H

#include "abi/types.h"

/* The references, in the order they are tried (calib= on the command line
 * forces one; CALIB_NONE forbids all). */
enum calib_source {
    CALIB_AUTO = 0,
    CALIB_CPUID, /* CPUID leaves 0x15/0x16: the crystal and TSC ratio */
    CALIB_HPET,  /* the HPET's main counter (ACPI HPET table) */
    CALIB_PM,    /* the ACPI PM timer, 3.579545 MHz (FADT) */
    CALIB_PIT,   /* 8254 channel 2, 1.193182 MHz */
    CALIB_NONE,
};

struct calibration {
    const char* source; /* "cpuid", "hpet", "pm-timer", "pit"; NULL: none */
    uint64_t tsc_hz;    /* 0: not known */
    uint64_t lapic_hz;  /* the LAPIC timer's input (before its divider); 0:
                           not measured, or the timer did not count */
};

/* Finds the TSC rate and, when lapic is true (the local APIC timer is free
 * running, lapic_timer_free_run), the LAPIC timer's input rate, from the
 * first reference that works: only the one named by only, or every one in
 * order for CALIB_AUTO. A reference that is missing or does not count is
 * logged and skipped; every wait is bounded (about 20 ms per reference at
 * most). Costs about a millisecond when a reference answers. */
void calibrate(enum calib_source only, bool lapic, struct calibration* out);

#endif
