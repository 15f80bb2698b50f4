/* keyboard.c: PS/2 keyboard, scancode set 1, translated to ASCII for the
 * keys WeensyOS cares about (letters, digits, space, enter). */
#include "arch/x86_64/devices.h"
#include "arch/x86_64/x86.h"

#define KBD_DATA   0x60
#define KBD_STATUS 0x64

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

int keyboard_read(void) {
    if (!(inb(KBD_STATUS) & 0x01)) {
        return -1;
    }
    uint8_t sc = inb(KBD_DATA);
    /* Releases (bit 7) and the 0xE0 prefix are ignored. */
    if (sc & 0x80 || sc >= sizeof(keymap) || !keymap[sc]) {
        return -1;
    }
    return keymap[sc];
}
