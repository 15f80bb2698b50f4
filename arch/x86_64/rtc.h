/* rtc.h: the CMOS real-time clock as a second clock against which tests
 * check the tick rate (the word tickrtc). Internal to arch/ and trap.c. */
#ifndef ARCH_RTC_H
#define ARCH_RTC_H

/* Called on every tick when tickrtc is on: counts the ticks and logs
 * `tickrtc: RTC second changed at tick N` at each change of the RTC's
 * seconds (the first RTC_PROBE_LINES of them). */
#define RTC_PROBE_LINES 12
void rtc_tick_probe(void);

#endif
