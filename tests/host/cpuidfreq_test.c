/* cpuidfreq_test.c: arch/x86_64/cpuidfreq.c on the host: leaves as real
 * Intel CPUs report them, and hostile ones. Prints one line per case; exits
 * 1 when any answer is wrong. Built and run by the test
 * cpuid-frequency-decoder (tests/cases/modern.py). */
/* Declared, not included: the build also compiles this file freestanding
 * (for clangd and the compile check); the test links the host C library. */
int printf(const char* fmt, ...);
char* strstr(const char* haystack, const char* needle);

#include "arch/x86_64/cpuidfreq.h"

static int failures;

/* want_reason: NULL when rates are expected, else a word of the reason. */
static void check(const char* name, struct cpuid_freq_leaves l,
                  const char* want_reason, uint64_t want_tsc,
                  uint64_t want_crystal) {
    uint64_t tsc = 0, crystal = 0;
    const char* why = cpuid_freq_decode(&l, &tsc, &crystal);
    bool ok = want_reason ? why && strstr(why, want_reason)
                          : !why && tsc == want_tsc && crystal == want_crystal;
    printf("%s %s: %s (tsc %lu, crystal %lu)\n", ok ? "ok" : "FAIL", name,
           why ? why : "rates", (unsigned long) tsc, (unsigned long) crystal);
    failures += !ok;
}

int main(void) {
    /* Skylake client: crystal 24 MHz stated, TSC 2.4 GHz = 24 MHz * 200/2. */
    check("skylake",
          (struct cpuid_freq_leaves){true, 0x16, 2, 200, 24000000, 2400}, NULL,
          2400000000UL, 24000000UL);
    /* Ice Lake style 38.4 MHz crystal, ratio 125/2 -> 2.4 GHz. */
    check("38.4 MHz crystal",
          (struct cpuid_freq_leaves){true, 0x1b, 2, 125, 38400000, 0}, NULL,
          2400000000UL, 38400000UL);
    /* No crystal stated: base 2400 MHz * 2 / 200 = 24 MHz. */
    check("crystal from leaf 0x16",
          (struct cpuid_freq_leaves){true, 0x16, 2, 200, 0, 2400}, NULL,
          2400000000UL, 24000000UL);
    check("not Intel",
          (struct cpuid_freq_leaves){false, 0x16, 2, 200, 24000000, 0},
          "no CPUID leaf", 0, 0);
    check("max leaf 0xd",
          (struct cpuid_freq_leaves){true, 0xd, 2, 200, 24000000, 0},
          "no CPUID leaf", 0, 0);
    check("QEMU TCG zeros", (struct cpuid_freq_leaves){true, 0x16, 0, 0, 0, 0},
          "no TSC/crystal ratio", 0, 0);
    check("zero numerator",
          (struct cpuid_freq_leaves){true, 0x16, 2, 0, 24000000, 0},
          "no TSC/crystal ratio", 0, 0);
    check("no crystal, no leaf 0x16",
          (struct cpuid_freq_leaves){true, 0x15, 2, 200, 0, 2400}, "no crystal",
          0, 0);
    check("no crystal, base 0",
          (struct cpuid_freq_leaves){true, 0x16, 2, 200, 0, 0}, "no crystal", 0,
          0);
    check("TSC past 10 GHz",
          (struct cpuid_freq_leaves){true, 0x16, 1, 0xFFFFFFFF, 0xFFFFFFFF, 0},
          "out of range", 0, 0);
    check("base times ratio overflows",
          (struct cpuid_freq_leaves){true, 0x16, 0xFFFFFFFF, 1, 0, 0xFFFFFFFF},
          "overflows", 0, 0);
    check("crystal below 1 MHz",
          (struct cpuid_freq_leaves){true, 0x16, 1, 100, 1000, 0},
          "out of range", 0, 0);
    printf("%d failed\n", failures);
    return failures != 0;
}
