/* cpuidfreq.h: the TSC and crystal rates that CPUID leaves 0x15 and 0x16
 * state, decoded and checked. Pure (no kernel calls): a host-side test
 * compiles it (tests/host/cpuidfreq_test.c). */
#ifndef ARCH_CPUIDFREQ_H
#define ARCH_CPUIDFREQ_H

#include "abi/types.h"

struct cpuid_freq_leaves {
    bool intel;        /* vendor GenuineIntel: the only one these leaves
                          describe so */
    uint32_t max_leaf; /* CPUID 0 EAX */
    uint32_t eax15;    /* TSC / crystal ratio's denominator */
    uint32_t ebx15;    /* ... its numerator */
    uint32_t ecx15;    /* crystal Hz; 0: not stated */
    uint32_t eax16;    /* base MHz (leaf 0x16, when max_leaf >= 0x16) */
};

/* Plausible results: anything outside is refused. */
#define CPUID_FREQ_MIN_HZ 1000000UL     /* 1 MHz */
#define CPUID_FREQ_MAX_HZ 10000000000UL /* 10 GHz */

/* Fills *tsc_hz and *crystal_hz (the LAPIC timer's input on the CPUs that
 * report leaf 0x15) and returns NULL, or returns why the leaves give no
 * usable rate (not Intel, no leaf 0x15, a zero ratio, no crystal and no
 * base frequency, a rate out of range or overflowing). When ecx15 is 0
 * the crystal is base MHz * eax15 / ebx15, the TSC running at base. */
const char* cpuid_freq_decode(const struct cpuid_freq_leaves* l,
                              uint64_t* tsc_hz, uint64_t* crystal_hz);

#endif
