/* calibrate.c: the TSC and the local APIC timer measured against a
 * reference clock, over a window of about a millisecond.
 *
 * A sample reads the reference between two TSC reads, with a LAPIC timer
 * read on either side; it is retried while the two TSC reads are far apart
 * (the host, an SMI or a slow device read came between), and the closest
 * pair is kept. Two samples a window apart give three elapsed counts; each
 * rate is its count over the reference's, times the reference's rate.
 *
 * CPUID 0x15/0x16 needs no window: on Intel CPUs that report it, the
 * crystal drives the LAPIC timer and the TSC is a stated multiple of it;
 * a 50 us glance at both (TSC against LAPIC) checks the claim before it is
 * believed. */
#include "arch/x86_64/calibrate.h"

#include "arch/x86_64/acpi.h"
#include "arch/x86_64/clock.h"
#include "arch/x86_64/cpuidfreq.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/mmio.h"
#include "arch/x86_64/pit.h"
#include "arch/x86_64/timer.h"
#include "arch/x86_64/x86.h"
#include "kernel/log.h"
#include "lib/string.h"

#define WINDOW_PER_S  1000     /* the window: 1/1000 s of the reference */
#define WAIT_LIMIT_NS 20000000 /* 20 ms by clock_ns (at its assumed rate) */
#define SAMPLE_TRIES  8
#define SAMPLE_SLACK  20000 /* TSC cycles: a few microseconds */
#define PM_TIMER_HZ   3579545
#define FS_PER_S      1000000000000000UL
#define HPET_MAX_FS   100000000 /* the spec's slowest: 100 ns a count */
#define HPET_CAP      0x000
#define HPET_CONFIG   0x010
#define HPET_COUNTER  0x0F0
#define HPET_CAP_64   (1UL << 13)
#define HPET_ENABLE   0x1UL
#define MIN_LAPIC_HZ  1000000UL /* below this the timer "does not count" */
#define MAX_LAPIC_HZ  CLOCK_MAX_TSC_HZ

/* A reference: a counter read as an increasing value modulo mask + 1. */
struct ref_clock {
    const char* name;
    uint64_t hz;
    uint64_t mask;
    uint64_t (*read)(void);
    void (*stop)(void); /* puts the device back as found; may be NULL */
};

struct sample {
    uint64_t tsc, ref;
    uint32_t lapic;
};

/* a * b / c, c > 0: exact when a * b fits in 64 bits, else when c * b
 * does. */
static uint64_t scale(uint64_t a, uint64_t b, uint64_t c) {
    uint64_t p;
    if (!__builtin_mul_overflow(a, b, &p)) {
        return p / c;
    }
    return a / c * b + a % c * b / c;
}

static void take_sample(const struct ref_clock* r, bool lapic,
                        struct sample* s) {
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < SAMPLE_TRIES && best > SAMPLE_SLACK; ++i) {
        uint32_t l0 = lapic ? lapic_timer_count() : 0;
        uint64_t t0 = rdtsc();
        uint64_t v = r->read();
        uint64_t t1 = rdtsc();
        uint32_t l1 = lapic ? lapic_timer_count() : 0;
        if (t1 - t0 < best) {
            best = t1 - t0;
            s->tsc = t0 + (t1 - t0) / 2;
            s->lapic = l0 - (l0 - l1) / 2;
            s->ref = v;
        }
    }
}

/* Measures over one window of r. Returns false (logged) when r does not
 * advance that far within WAIT_LIMIT_NS, goes backwards, or gives a TSC
 * or LAPIC rate out of range. */
static bool measure(const struct ref_clock* r, bool lapic,
                    struct calibration* out) {
    uint64_t window = r->hz / WINDOW_PER_S;
    struct sample a, b;
    take_sample(r, lapic, &a);
    uint64_t give_up = clock_ns() + WAIT_LIMIT_NS;
    while (((r->read() - a.ref) & r->mask) < window) {
        if (clock_ns() > give_up) {
            log_printf("calib: %s does not count; not used\n", r->name);
            return false;
        }
        __asm__ volatile("pause");
    }
    take_sample(r, lapic, &b);
    uint64_t dref = (b.ref - a.ref) & r->mask;
    /* More than half the counter's range: it went backwards (or the
     * wait was so long that it may have wrapped). A long wait itself is
     * harmless: every clock kept counting through it. */
    if (dref > r->mask / 2) {
        log_printf("calib: %s went backwards (%lu counts for a window of "
                   "%lu); not used\n",
                   r->name, dref, window);
        return false;
    }
    uint64_t tsc_hz = scale(b.tsc - a.tsc, r->hz, dref);
    uint64_t lapic_hz =
        lapic ? scale((uint64_t) (a.lapic - b.lapic) * LAPIC_TIMER_DIVISOR,
                      r->hz, dref)
              : 0;
    if (tsc_hz < CLOCK_MIN_TSC_HZ || tsc_hz > CLOCK_MAX_TSC_HZ ||
        lapic_hz > MAX_LAPIC_HZ) {
        log_printf("calib: %s gives TSC %lu Hz, LAPIC timer %lu Hz: out of "
                   "range; not used\n",
                   r->name, tsc_hz, lapic_hz);
        return false;
    }
    /* A LAPIC timer that hardly moved does not count: the PIT ticks. */
    *out = (struct calibration){r->name, tsc_hz,
                                lapic_hz < MIN_LAPIC_HZ ? 0 : lapic_hz};
    return true;
}

/* -- the references -------------------------------------------------- */

static volatile uint8_t* hpet;
static uint64_t hpet_config_found; /* restored by hpet_stop */
static bool hpet_wide;

static uint64_t hpet_read(void) {
    return hpet_wide ? *(volatile uint64_t*) (hpet + HPET_COUNTER)
                     : *(volatile uint32_t*) (hpet + HPET_COUNTER);
}

static void hpet_stop(void) {
    *(volatile uint64_t*) (hpet + HPET_CONFIG) = hpet_config_found;
}

/* The HPET from its ACPI table, its main counter running; false (logged)
 * when there is none or it is unusable. */
static bool hpet_setup(struct ref_clock* r) {
    uint32_t len;
    const uint8_t* t = acpi_table("HPET", &len);
    if (!t) {
        log_printf("calib: no HPET table\n");
        return false;
    }
    uint64_t pa;
    memcpy(&pa, t + 44, sizeof(pa));
    if (len < 56 || t[40] != 0 || pa == 0) {
        log_printf("calib: HPET table unusable (length %u, address space "
                   "%u, address 0x%lx)\n",
                   len, len > 40 ? t[40] : 0, pa);
        return false;
    }
    if (!(hpet = mmio_map(pa, 0x400, MMIO_DEVICE))) {
        return false;
    }
    uint64_t cap = *(volatile uint64_t*) (hpet + HPET_CAP);
    uint32_t period_fs = cap >> 32;
    if (period_fs == 0 || period_fs > HPET_MAX_FS) {
        log_printf("calib: HPET at 0x%lx: period %u fs out of range\n", pa,
                   period_fs);
        return false;
    }
    hpet_wide = cap & HPET_CAP_64;
    hpet_config_found = *(volatile uint64_t*) (hpet + HPET_CONFIG);
    *(volatile uint64_t*) (hpet + HPET_CONFIG) =
        hpet_config_found | HPET_ENABLE;
    *r = (struct ref_clock){"hpet", FS_PER_S / period_fs,
                            hpet_wide ? UINT64_MAX : 0xFFFFFFFF, hpet_read,
                            hpet_stop};
    return true;
}

static uint16_t pm_port;

static uint64_t pm_read(void) {
    return inl(pm_port);
}

static bool pm_setup(struct ref_clock* r) {
    bool bits32;
    if (!acpi_pm_timer(&pm_port, &bits32)) {
        log_printf("calib: no ACPI PM timer\n");
        return false;
    }
    *r = (struct ref_clock){"pm-timer", PM_TIMER_HZ,
                            bits32 ? 0xFFFFFFFF : 0xFFFFFF, pm_read, NULL};
    return true;
}

static bool pit_setup(struct ref_clock* r) {
    pit_ch2_start();
    *r = (struct ref_clock){"pit", PIT_HZ, 0xFFFF, pit_ch2_read, pit_ch2_stop};
    return true;
}

/* True when the LAPIC timer and the TSC keep the ratio lapic_hz : tsc_hz
 * (within 10%) over about 50 us: CPUID's word, checked. */
static bool ratio_holds(uint64_t lapic_hz, uint64_t tsc_hz) {
    uint32_t l0 = lapic_timer_count();
    uint64_t t0 = rdtsc(), span = tsc_hz / 20000;
    while (rdtsc() - t0 < span) {
        __asm__ volatile("pause");
    }
    uint64_t counted =
        (uint64_t) (l0 - lapic_timer_count()) * LAPIC_TIMER_DIVISOR;
    uint64_t expect = scale(span, lapic_hz, tsc_hz);
    return counted * 10 >= expect * 9 && counted * 10 <= expect * 11;
}

/* CPUID 0x15/0x16 (cpuidfreq.c), the LAPIC rate checked against the TSC
 * before it is believed. */
static bool from_cpuid(bool lapic, struct calibration* out) {
    struct cpuid_freq_leaves l = {0};
    uint32_t v[3], b, c, d;
    cpuid(0, &l.max_leaf, &v[0], &v[2], &v[1]);
    l.intel = memcmp(v, "GenuineIntel", 12) == 0;
    if (l.intel && l.max_leaf >= 0x15) {
        cpuid(0x15, &l.eax15, &l.ebx15, &l.ecx15, &d);
    }
    if (l.intel && l.max_leaf >= 0x16) {
        cpuid(0x16, &l.eax16, &b, &c, &d);
    }
    uint64_t tsc_hz, crystal_hz;
    const char* why = cpuid_freq_decode(&l, &tsc_hz, &crystal_hz);
    if (why) {
        if (l.intel && l.max_leaf >= 0x15) {
            log_printf("calib: CPUID: %s (0x15: %u/%u, crystal %u Hz)\n", why,
                       l.ebx15, l.eax15, l.ecx15);
        } else {
            log_printf("calib: CPUID: %s (%s, max leaf 0x%x)\n", why,
                       l.intel ? "Intel" : "not Intel", l.max_leaf);
        }
        return false;
    }
    if (lapic && !ratio_holds(crystal_hz, tsc_hz)) {
        log_printf("calib: CPUID says crystal %lu Hz, TSC %lu Hz, but the "
                   "LAPIC timer disagrees; not used\n",
                   crystal_hz, tsc_hz);
        return false;
    }
    *out = (struct calibration){"cpuid", tsc_hz, lapic ? crystal_hz : 0};
    return true;
}

void calibrate(enum calib_source only, bool lapic, struct calibration* out) {
    *out = (struct calibration){NULL, 0, 0};
    for (enum calib_source s = CALIB_CPUID; s < CALIB_NONE; ++s) {
        if (only != CALIB_AUTO && only != s) {
            continue;
        }
        if (s == CALIB_CPUID) {
            if (from_cpuid(lapic, out)) {
                return;
            }
            continue;
        }
        struct ref_clock r;
        bool ready = s == CALIB_HPET ? hpet_setup(&r)
                     : s == CALIB_PM ? pm_setup(&r)
                                     : pit_setup(&r);
        if (!ready) {
            continue;
        }
        bool ok = measure(&r, lapic, out);
        if (r.stop) {
            r.stop();
        }
        if (ok) {
            return;
        }
    }
    *out = (struct calibration){NULL, 0, 0};
}
