/* keyboard.c: PS/2 keyboard, scan-code set 1, decoded into the ASCII keys
 * WeensyOS binds (letters, digits, space, enter).
 *
 * Set 1 sequences: a make code 0x01-0x7F, its release with bit 7 set; an
 * extended key is 0xE0 then its make or release byte; Pause is the one key
 * with 0xE1: E1 1D 45 E1 9D C5 (two 3-byte sequences, no release). Only an
 * un-prefixed make code of a bound key is a key: an extended key (media
 * keys, keypad enter, right ctrl/alt, arrows) reuses the byte of an
 * ordinary key after its prefix and must never be read as that key. */
#include "arch/x86_64/devices.h"
#include "arch/x86_64/x86.h"

#define KBD_DATA       0x60
#define KBD_STATUS     0x64
#define KBD_STATUS_OUT 0x01 /* a byte is waiting */
#define KBD_STATUS_AUX 0x20 /* ... and it is from the mouse */

#define SC_PREFIX_E0 0xE0
#define SC_PREFIX_E1 0xE1
#define SC_RELEASE   0x80

static const char keymap[0x3A] = {
    [0x02] = '1',  [0x03] = '2', [0x04] = '3', [0x05] = '4', [0x06] = '5',
    [0x07] = '6',  [0x08] = '7', [0x09] = '8', [0x0A] = '9', [0x0B] = '0',
    [0x10] = 'q',  [0x11] = 'w', [0x12] = 'e', [0x13] = 'r', [0x14] = 't',
    [0x15] = 'y',  [0x16] = 'u', [0x17] = 'i', [0x18] = 'o', [0x19] = 'p',
    [0x1C] = '\n', [0x1E] = 'a', [0x1F] = 's', [0x20] = 'd', [0x21] = 'f',
    [0x22] = 'g',  [0x23] = 'h', [0x24] = 'j', [0x25] = 'k', [0x26] = 'l',
    [0x2C] = 'z',  [0x2D] = 'x', [0x2E] = 'c', [0x2F] = 'v', [0x30] = 'b',
    [0x31] = 'n',  [0x32] = 'm', [0x39] = ' ',
};

/* Bytes still to skip as part of a prefixed sequence: 1 after 0xE0, 2
 * after 0xE1 (the Pause sequence is E1 1D 45 then E1 9D C5). */
static int skip;

/* Decodes one byte; returns the bound key it completes, or -1. */
static int decode(uint8_t sc) {
    if (sc == SC_PREFIX_E0) {
        skip = 1;
        return -1;
    }
    if (sc == SC_PREFIX_E1) {
        skip = 2;
        return -1;
    }
    if (skip > 0) {
        --skip;
        return -1;
    }
    if (sc & SC_RELEASE || sc >= sizeof(keymap) || !keymap[sc]) {
        return -1;
    }
    return keymap[sc];
}

int keyboard_read(void) {
    uint8_t status = inb(KBD_STATUS);
    if (!(status & KBD_STATUS_OUT)) {
        return -1;
    }
    uint8_t sc = inb(KBD_DATA);
    if (status & KBD_STATUS_AUX) {
        return -1; /* mouse data is not a key */
    }
    return decode(sc);
}
