/* cpuidfreq.c: CPUID 0x15/0x16 decoding. Every product is checked for
 * overflow: the leaves come from the CPU (or a hypervisor) and are not
 * trusted to be sane. */
#include "arch/x86_64/cpuidfreq.h"

static bool in_range(uint64_t hz) {
    return hz >= CPUID_FREQ_MIN_HZ && hz <= CPUID_FREQ_MAX_HZ;
}

const char* cpuid_freq_decode(const struct cpuid_freq_leaves* l,
                              uint64_t* tsc_hz, uint64_t* crystal_hz) {
    if (!l->intel || l->max_leaf < 0x15) {
        return "no CPUID leaf 0x15";
    }
    if (l->eax15 == 0 || l->ebx15 == 0) {
        return "leaf 0x15 gives no TSC/crystal ratio";
    }
    uint64_t crystal = l->ecx15;
    if (crystal == 0) {
        uint64_t base_hz =
            (uint64_t) (l->max_leaf >= 0x16 ? l->eax16 : 0) * 1000000;
        if (base_hz == 0) {
            return "leaf 0x15 gives no crystal and leaf 0x16 no base rate";
        }
        uint64_t p;
        if (__builtin_mul_overflow(base_hz, l->eax15, &p)) {
            return "base rate times the ratio overflows";
        }
        crystal = p / l->ebx15;
    }
    uint64_t tsc;
    if (__builtin_mul_overflow(crystal, l->ebx15, &tsc)) {
        return "crystal times the ratio overflows";
    }
    tsc /= l->eax15;
    if (!in_range(crystal) || !in_range(tsc)) {
        return "a rate out of range (1 MHz - 10 GHz)";
    }
    *tsc_hz = tsc;
    *crystal_hz = crystal;
    return NULL;
}
