/* serialkeys.c: bytes from a serial terminal to keys. A terminal sends a
 * printable key as its byte, and a function key (arrows, F1-F12, Home,
 * Insert, ...) as an escape sequence: ESC '[' parameters and intermediates
 * (0x20-0x3F) then one final byte (0x40-0x7E), or ESC 'O' and one byte.
 * Alt+key comes as ESC then the key, which is that key (the PS/2 decoder
 * ignores Alt too). */
#include "arch/x86_64/serialkeys.h"

#define BYTE_ESC 0x1B
#define BYTE_DEL 0x7F
/* A control sequence ends at its final byte, 0x40-0x7E, which every
 * letter is: however long the parameters, it hides at most one letter. */

enum { GROUND = 0, AFTER_ESC, IN_CSI, IN_SS3 };

static int key_of(uint8_t b) {
    if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == ' ') {
        return b;
    }
    if (b >= 'A' && b <= 'Z') {
        return b - 'A' + 'a';
    }
    return -1;
}

int serialkeys_decode(struct serialkeys* d, uint8_t b) {
    if (b == BYTE_ESC) {
        d->state = AFTER_ESC;
        return -1;
    }
    if (b < 0x20 || b >= BYTE_DEL) {
        d->state = GROUND;
        return -1;
    }
    switch (d->state) {
    case AFTER_ESC:
        if (b == '[' || b == 'O') {
            d->state = b == '[' ? IN_CSI : IN_SS3;
            return -1;
        }
        d->state = GROUND;
        return key_of(b);
    case IN_CSI:
        if (b >= 0x40) {
            d->state = GROUND;
        }
        return -1;
    case IN_SS3:
        d->state = GROUND;
        return -1;
    default:
        return key_of(b);
    }
}
