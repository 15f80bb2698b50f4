/* hid_boot.h: HID boot-protocol keyboard reports turned into the keys
 * WeensyOS binds, the same as the PS/2 keyboard's (arch/x86_64/keyboard.c).
 * Pure code: also built on the host by a unit test. */
#ifndef DRIVERS_USB_HID_BOOT_H
#define DRIVERS_USB_HID_BOOT_H

#include "abi/types.h"

#define HID_BOOT_REPORT 8 /* modifiers, reserved, six usages */
#define HID_BOOT_KEYS   6

/* One keyboard's last accepted report: the usages then held down. */
struct hid_kbd {
    uint8_t held[HID_BOOT_KEYS];
};

/* Reads one report of len bytes (normally 8; a shorter one holds fewer
 * usages, a longer one's tail is ignored) and writes to keys[] the bound
 * keys pressed since the last accepted report, in report order; returns
 * how many (0-6). A key held across reports is not repeated. Reports that
 * flag an error in a usage slot (ErrorRollOver 0x01, POSTFail 0x02,
 * ErrorUndefined 0x03) and reports under 3 bytes are ignored and leave k
 * as it was. The modifier byte is read but gives no key: the PS/2 map
 * ignores shift, control and alt too, so both keyboards agree. */
int hid_kbd_report(struct hid_kbd* k, const uint8_t* report, size_t len,
                   char keys[HID_BOOT_KEYS]);

/* The key a usage ID (HID usage page 7) means, or 0 when it is not bound. */
char hid_usage_key(uint8_t usage);

#endif
