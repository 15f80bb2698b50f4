/* hid_boot.c: boot keyboard reports to keys. Byte 0 holds the modifier
 * bits, byte 1 is reserved, bytes 2-7 the usages of the keys down (0 for
 * an empty slot, in no particular order). A press is a usage present now
 * and absent from the previous accepted report. */
#include "drivers/usb/hid_boot.h"

#define USAGE_A            0x04
#define USAGE_Z            0x1D
#define USAGE_1            0x1E
#define USAGE_9            0x26
#define USAGE_0            0x27
#define USAGE_ENTER        0x28
#define USAGE_SPACE        0x2C
#define USAGE_LAST_ERROR   0x03 /* 0x01 rollover, 0x02 POST, 0x03 undefined */
#define REPORT_FIRST_USAGE 2

char hid_usage_key(uint8_t usage) {
    if (usage >= USAGE_A && usage <= USAGE_Z) {
        return (char) ('a' + (usage - USAGE_A));
    }
    if (usage >= USAGE_1 && usage <= USAGE_9) {
        return (char) ('1' + (usage - USAGE_1));
    }
    switch (usage) {
    case USAGE_0:
        return '0';
    case USAGE_ENTER:
        return '\n';
    case USAGE_SPACE:
        return ' ';
    default:
        return 0;
    }
}

static bool was_held(const struct hid_kbd* k, uint8_t usage) {
    for (int i = 0; i < HID_BOOT_KEYS; ++i) {
        if (k->held[i] == usage) {
            return true;
        }
    }
    return false;
}

int hid_kbd_report(struct hid_kbd* k, const uint8_t* report, size_t len,
                   char keys[HID_BOOT_KEYS]) {
    if (len < REPORT_FIRST_USAGE + 1) {
        return 0;
    }
    size_t n = len - REPORT_FIRST_USAGE;
    if (n > HID_BOOT_KEYS) {
        n = HID_BOOT_KEYS;
    }
    const uint8_t* usage = report + REPORT_FIRST_USAGE;
    for (size_t i = 0; i < n; ++i) {
        if (usage[i] != 0 && usage[i] <= USAGE_LAST_ERROR) {
            return 0;
        }
    }
    int nkeys = 0;
    for (size_t i = 0; i < n; ++i) {
        char key = hid_usage_key(usage[i]);
        if (key && !was_held(k, usage[i])) {
            /* The same usage twice in one report is one press. */
            bool dup = false;
            for (size_t j = 0; j < i; ++j) {
                dup = dup || usage[j] == usage[i];
            }
            if (!dup) {
                keys[nkeys++] = key;
            }
        }
    }
    for (int i = 0; i < HID_BOOT_KEYS; ++i) {
        k->held[i] = (size_t) i < n ? usage[i] : 0;
    }
    return nkeys;
}
