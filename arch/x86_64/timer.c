/* timer.c: the tick. Where interrupts go through the APICs the local APIC
 * timer is the tick (every x86-64 PC has one); the 8254 PIT on ISA IRQ 0
 * is the tick only where there is no local APIC, where its timer does not
 * count, or where tick=pit asks for it. */
#include "arch/x86_64/timer.h"

#include "arch/x86_64/intc.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/pit.h"
#include "arch/x86_64/x86.h"
#include "kernel/log.h"

/* Written by timer_calibrate (and timer_init's fallback). lapic_hz: the
 * LAPIC timer's input rate, 0 when it does not count or there is none. */
static bool lapic_tick;
static uint64_t lapic_hz;

void timer_calibrate(enum calib_source only, bool pit_tick) {
    bool lapic = intc_apic();
    if (lapic) {
        lapic_timer_free_run();
    }
    struct calibration c;
    calibrate(only, lapic, &c);
    if (lapic) {
        lapic_timer_stop();
    }
    clock_set_tsc_hz(c.tsc_hz);
    const char* tsc_by = c.tsc_hz ? "measured" : "uncalibrated, assumed";
    if (lapic && !pit_tick && (c.lapic_hz || !c.source)) {
        lapic_tick = true;
        if (c.source) {
            lapic_hz = c.lapic_hz;
            log_printf("timer: lapic, calibrated by %s, %lu Hz; TSC %lu Hz "
                       "(%s)\n",
                       c.source, lapic_hz, clock_tsc_hz(), tsc_by);
        } else {
            lapic_hz = LAPIC_ASSUMED_HZ;
            log_printf("timer: lapic, uncalibrated (no reference clock "
                       "answered): assuming %lu Hz, the tick may be fast or "
                       "slow; TSC %lu Hz (%s)\n",
                       lapic_hz, clock_tsc_hz(), tsc_by);
        }
        return;
    }
    lapic_hz = c.lapic_hz; /* for timer_init, should IRQ 0 not route */
    const char* why = !lapic     ? "no local APIC in use"
                      : pit_tick ? "tick=pit"
                                 : "the local APIC timer does not count";
    log_printf("timer: pit (%s), calibrated by %s; TSC %lu Hz (%s)\n", why,
               c.source ? c.source : "nothing", clock_tsc_hz(), tsc_by);
}

static void start_lapic_tick(unsigned hz) {
    uint64_t count = lapic_hz / LAPIC_TIMER_DIVISOR / hz;
    count = count < 1 ? 1 : count > UINT32_MAX ? UINT32_MAX : count;
    lapic_timer_periodic(INT_TIMER, (uint32_t) count);
}

void timer_init(unsigned hz) {
    if (lapic_tick) {
        start_lapic_tick(hz);
        return;
    }
    pit_start_periodic(hz);
    if (!intc_enable_isa_irq(ISA_IRQ_PIT) && intc_apic() && lapic_hz) {
        /* Never no tick at all: the calibrated LAPIC timer instead. */
        log_printf("timer: the PIT's IRQ 0 cannot be routed; lapic at %lu "
                   "Hz instead\n",
                   lapic_hz);
        lapic_tick = true;
        start_lapic_tick(hz);
    }
}
