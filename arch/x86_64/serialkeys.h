/* serialkeys.h: turning the bytes a serial terminal sends into the keys
 * the viewer binds (the same ones keyboard.c gives for the PS/2 keyboard).
 * Pure decoding, no port access: serial.c feeds it what COM1 received. */
#ifndef ARCH_SERIALKEYS_H
#define ARCH_SERIALKEYS_H

#include "abi/types.h"

/* Where the decoder is in a terminal's escape sequence. Owned by whoever
 * feeds it bytes (serial.c's receive path); zero is the ground state. */
struct serialkeys {
    uint8_t state;
};

/* Feeds one received byte. Returns the key it is (a lower-case letter, a
 * digit or a space; an upper-case letter is its lower-case key, as the
 * PS/2 keyboard ignores shift), or -1 for a byte that is no key: control
 * bytes (CR, LF, ...), DEL, bytes above 0x7E, punctuation, and every byte
 * of a terminal's escape sequence for a function key (ESC [ ... final,
 * ESC O x: arrows, F-keys, Home, ...), which must never read as the
 * letter that ends it. A control byte also ends a half-received sequence,
 * so no garbage can swallow the keys after it. */
int serialkeys_decode(struct serialkeys* d, uint8_t byte);

#endif
