/* rtc.c: the CMOS RTC's seconds register, read once a tick for tests. A
 * read while the RTC updates (status A bit 7) may be torn, so that tick is
 * skipped: the next one, 10 ms later, is past the update. */
#include "arch/x86_64/rtc.h"

#include "abi/types.h"
#include "arch/x86_64/x86.h"
#include "kernel/log.h"

#define CMOS_INDEX   0x70
#define CMOS_DATA    0x71
#define RTC_SECONDS  0x00
#define RTC_STATUS_A 0x0A
#define RTC_UIP      0x80

static uint64_t ticks;       /* tick interrupts seen */
static int last_second = -1; /* -1: none read yet */
static int lines;

static uint8_t cmos_read(uint8_t reg) {
    outb(CMOS_INDEX, reg);
    return inb(CMOS_DATA);
}

void rtc_tick_probe(void) {
    ++ticks;
    if (lines >= RTC_PROBE_LINES || (cmos_read(RTC_STATUS_A) & RTC_UIP)) {
        return;
    }
    int s = cmos_read(RTC_SECONDS);
    if (s != last_second) {
        if (last_second >= 0) {
            log_printf("tickrtc: RTC second changed at tick %lu\n", ticks);
            ++lines;
        }
        last_second = s;
    }
}
