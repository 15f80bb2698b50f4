/* usb_desc_test.c: host-side unit test of the USB descriptor parser and
 * the boot keyboard report decoder (drivers/usb/usb_desc.c, hid_boot.c),
 * with well-formed and malformed input. Built with the host's cc by the
 * test usb-descriptor-parser (tests/cases/usb.py), under AddressSanitizer
 * where the compiler has it, so a read past a buffer fails the test; also
 * compiled (never linked) with the kernel's flags so clangd checks it.
 * Prints each failed check and "usb_desc_test: N checks, M failed". */
#include "drivers/usb/hid_boot.h"
#include "drivers/usb/usb_desc.h"

int printf(const char* fmt, ...);
void* malloc(size_t n);
void free(void* p);
void* memcpy(void* dst, const void* src, size_t n);

static int checks, failed;

#define CHECK(cond)                                                            \
    do {                                                                       \
        ++checks;                                                              \
        if (!(cond)) {                                                         \
            ++failed;                                                          \
            printf("FAIL line %d: %s\n", __LINE__, #cond);                     \
        }                                                                      \
    } while (0)

/* A copy in a heap block of exactly len bytes: ASan catches overreads. */
static enum usb_desc_err config(const uint8_t* bytes, size_t len,
                                struct usb_config_info* out) {
    uint8_t* copy = malloc(len ? len : 1);
    memcpy(copy, bytes, len);
    enum usb_desc_err e = usb_parse_config(copy, len, out);
    free(copy);
    return e;
}

/* QEMU's usb-kbd: configuration, interface 3/1/1, HID, endpoint 0x81. */
static const uint8_t kbd[] = {
    0x09, 0x02, 0x22, 0x00, 0x01, 0x01, 0x08, 0xa0, 0x32, 0x09, 0x04, 0x00,
    0x00, 0x01, 0x03, 0x01, 0x01, 0x00, 0x09, 0x21, 0x11, 0x01, 0x00, 0x01,
    0x22, 0x3f, 0x00, 0x07, 0x05, 0x81, 0x03, 0x08, 0x00, 0x07,
};

static void test_good_keyboard(void) {
    struct usb_config_info c;
    CHECK(config(kbd, sizeof(kbd), &c) == USB_DESC_OK);
    CHECK(c.role == USB_ROLE_KEYBOARD);
    CHECK(c.value == 1 && c.iface == 0 && c.ep_addr == 0x81);
    CHECK(c.ep_max_packet == 8 && c.ep_interval == 7);
    CHECK(c.total == sizeof(kbd) && c.ninterfaces == 1);
    /* The 9-byte header read alone. */
    CHECK(config(kbd, 9, &c) == USB_DESC_OK && c.total == sizeof(kbd));
}

static void test_bad_lengths(void) {
    struct usb_config_info c;
    uint8_t b[sizeof(kbd)];
    memcpy(b, kbd, sizeof(b));
    b[18] = 0; /* the HID descriptor's bLength 0 */
    CHECK(config(b, sizeof(b), &c) == USB_DESC_BAD_LENGTH);
    memcpy(b, kbd, sizeof(b));
    b[27] = 0x20; /* the endpoint runs past wTotalLength */
    CHECK(config(b, sizeof(b), &c) == USB_DESC_PAST_TOTAL);
    memcpy(b, kbd, sizeof(b));
    b[2] = 0x40; /* wTotalLength 64, past the 34 bytes received */
    CHECK(config(b, sizeof(b), &c) == USB_DESC_TOTAL_PAST_BUFFER);
    b[2] = 0xFF, b[3] = 0xFF;
    CHECK(config(b, sizeof(b), &c) == USB_DESC_TOTAL_PAST_BUFFER);
    memcpy(b, kbd, sizeof(b));
    b[2] = 5; /* wTotalLength under the header itself */
    CHECK(config(b, sizeof(b), &c) == USB_DESC_BAD_LENGTH);
    memcpy(b, kbd, sizeof(b));
    b[0] = 0; /* header bLength 0 */
    CHECK(config(b, sizeof(b), &c) == USB_DESC_BAD_LENGTH);
    memcpy(b, kbd, sizeof(b));
    b[9] = 5; /* an interface descriptor of 5 bytes */
    CHECK(config(b, sizeof(b), &c) == USB_DESC_BAD_LENGTH);
    memcpy(b, kbd, sizeof(b));
    b[27] = 4; /* an endpoint of 4 bytes, then 3 bytes of garbage */
    CHECK(config(b, sizeof(b), &c) == USB_DESC_BAD_LENGTH);
    memcpy(b, kbd, sizeof(b));
    b[2] = 0x23; /* one byte past the last descriptor: a lone bLength */
    uint8_t longer[sizeof(kbd) + 1];
    memcpy(longer, b, sizeof(b));
    longer[sizeof(kbd)] = 0x07;
    CHECK(config(longer, sizeof(longer), &c) == USB_DESC_BAD_LENGTH);
    memcpy(b, kbd, sizeof(b));
    b[1] = 0x01; /* not a configuration */
    CHECK(config(b, sizeof(b), &c) == USB_DESC_BAD_TYPE);
    CHECK(config(kbd, 8, &c) == USB_DESC_SHORT);
    CHECK(config(kbd, 0, &c) == USB_DESC_SHORT);
}

static void test_roles(void) {
    struct usb_config_info c;
    uint8_t b[sizeof(kbd)];
    memcpy(b, kbd, sizeof(b));
    b[16] = 2; /* protocol 2: a boot mouse */
    CHECK(config(b, sizeof(b), &c) == USB_DESC_OK);
    CHECK(c.role == USB_ROLE_OTHER && c.cls == 3 && c.sub == 1 && c.proto == 2);
    CHECK(usb_class_name(c.cls, c.sub, c.proto)[0] == 'm'); /* mouse */
    memcpy(b, kbd, sizeof(b));
    b[29] = 0x01; /* the keyboard's endpoint is OUT */
    CHECK(config(b, sizeof(b), &c) == USB_DESC_NO_ENDPOINT);
    memcpy(b, kbd, sizeof(b));
    b[30] = 0x02; /* bulk, not interrupt */
    CHECK(config(b, sizeof(b), &c) == USB_DESC_NO_ENDPOINT);
    memcpy(b, kbd, sizeof(b));
    b[12] = 1; /* alternate setting 1 only: not considered */
    CHECK(config(b, sizeof(b), &c) == USB_DESC_OK && c.role == USB_ROLE_OTHER);
    memcpy(b, kbd, sizeof(b));
    b[14] = 9, b[15] = 0, b[16] = 0; /* a hub interface */
    CHECK(config(b, sizeof(b), &c) == USB_DESC_OK && c.role == USB_ROLE_HUB);
    CHECK(c.ep_addr == 0x81);
    /* A composite device: a mouse interface, then the keyboard. */
    static const uint8_t combo[] = {
        0x09, 0x02, 0x29, 0x00, 0x02, 0x01, 0x00, 0xa0, 0x32, 0x09, 0x04,
        0x00, 0x00, 0x01, 0x03, 0x01, 0x02, 0x00, 0x07, 0x05, 0x81, 0x03,
        0x04, 0x00, 0x0a, 0x09, 0x04, 0x01, 0x00, 0x01, 0x03, 0x01, 0x01,
        0x00, 0x07, 0x05, 0x82, 0x03, 0x08, 0x00, 0x0a,
    };
    CHECK(config(combo, sizeof(combo), &c) == USB_DESC_OK);
    CHECK(c.role == USB_ROLE_KEYBOARD && c.iface == 1 && c.ep_addr == 0x82);
}

static void test_device_and_hub(void) {
    struct usb_device_info d;
    uint8_t dev[18] = {18,   1,    0x00, 0x02, 0, 0, 0, 64, 0x27,
                       0x06, 0x01, 0x00, 0,    0, 1, 2, 3,  1};
    CHECK(usb_parse_device(dev, 18, &d) == USB_DESC_OK);
    CHECK(d.max_packet0 == 64 && d.vendor == 0x0627 && d.nconfigs == 1);
    CHECK(usb_parse_device(dev, 8, &d) == USB_DESC_OK && d.max_packet0 == 64);
    CHECK(usb_parse_device(dev, 7, &d) == USB_DESC_SHORT);
    dev[0] = 0;
    CHECK(usb_parse_device(dev, 18, &d) == USB_DESC_BAD_LENGTH);
    dev[0] = 18, dev[7] = 7;
    CHECK(usb_parse_device(dev, 18, &d) == USB_DESC_BAD_VALUE);
    dev[7] = 64, dev[1] = 2;
    CHECK(usb_parse_device(dev, 18, &d) == USB_DESC_BAD_TYPE);
    dev[1] = 1, dev[3] = 0x03, dev[7] = 9; /* USB 3: 2^9 = 512 */
    CHECK(usb_parse_device(dev, 18, &d) == USB_DESC_OK && d.max_packet0 == 0);

    struct usb_hub_info h;
    uint8_t hub[9] = {9, 0x29, 4, 0x09, 0x00, 50, 0, 0, 0xFF};
    CHECK(usb_parse_hub(hub, 9, &h) == USB_DESC_OK);
    CHECK(h.nports == 4 && h.power_on_ms == 100);
    hub[2] = 0;
    CHECK(usb_parse_hub(hub, 9, &h) == USB_DESC_BAD_VALUE);
    hub[2] = 40;
    CHECK(usb_parse_hub(hub, 9, &h) == USB_DESC_OK && h.nports == 15);
    hub[0] = 3;
    CHECK(usb_parse_hub(hub, 9, &h) == USB_DESC_BAD_LENGTH);
    hub[0] = 12; /* longer than what was received */
    CHECK(usb_parse_hub(hub, 9, &h) == USB_DESC_BAD_LENGTH);
    CHECK(usb_parse_hub(hub, 6, &h) == USB_DESC_SHORT);
}

/* Random bytes of random lengths: any answer but never a read past the
 * buffer (ASan) or a result pointing outside it. */
static void test_fuzz(void) {
    uint32_t x = 12345;
    for (int round = 0; round < 200000; ++round) {
        uint8_t b[64];
        size_t len = 0;
        for (size_t i = 0; i < sizeof(b); ++i) {
            x = x * 1103515245 + 12345;
            b[i] = (uint8_t) (x >> 16);
        }
        len = (x >> 8) % sizeof(b);
        b[1] = 2; /* mostly configurations, to get past the header */
        if (len > 2) {
            b[2] = (uint8_t) len;
            b[3] = 0;
        }
        struct usb_config_info c;
        enum usb_desc_err e = config(b, len, &c);
        if (e == USB_DESC_OK && len > 9) {
            CHECK(c.total <= len);
        }
        struct usb_device_info d;
        uint8_t* copy = malloc(len ? len : 1);
        memcpy(copy, b, len);
        (void) usb_parse_device(copy, len, &d);
        struct usb_hub_info h;
        (void) usb_parse_hub(copy, len, &h);
        free(copy);
    }
}

static int report(struct hid_kbd* k, const uint8_t r[8], char* keys) {
    return hid_kbd_report(k, r, 8, keys);
}

static void test_reports(void) {
    struct hid_kbd k = {{0}};
    char keys[HID_BOOT_KEYS];
    const uint8_t f[8] = {0, 0, 0x09};
    const uint8_t fg[8] = {0, 0, 0x09, 0x0A};
    const uint8_t g[8] = {0, 0, 0x0A};
    const uint8_t none[8] = {0};
    const uint8_t rollover[8] = {0, 0, 1, 1, 1, 1, 1, 1};
    const uint8_t shift_f[8] = {0x02, 0, 0x09};
    const uint8_t shift[8] = {0x02};
    CHECK(report(&k, f, keys) == 1 && keys[0] == 'f');
    CHECK(report(&k, f, keys) == 0); /* held: no repeat */
    CHECK(report(&k, fg, keys) == 1 && keys[0] == 'g');
    CHECK(report(&k, rollover, keys) == 0); /* ignored, state kept */
    CHECK(report(&k, fg, keys) == 0);
    CHECK(report(&k, g, keys) == 0); /* releasing f is no key */
    CHECK(report(&k, none, keys) == 0);
    CHECK(report(&k, shift, keys) == 0); /* a modifier alone */
    CHECK(report(&k, shift_f, keys) == 1 && keys[0] == 'f');
    CHECK(report(&k, none, keys) == 0);
    const uint8_t many[8] = {0, 0, 0x04, 0x1D, 0x1E, 0x27, 0x28, 0x2C};
    CHECK(report(&k, many, keys) == 6);
    CHECK(keys[0] == 'a' && keys[1] == 'z' && keys[2] == '1' &&
          keys[3] == '0' && keys[4] == '\n' && keys[5] == ' ');
    CHECK(report(&k, none, keys) == 0);
    /* Keypad enter, arrows, F1, right ctrl's usage: no key, as on PS/2. */
    const uint8_t unbound[8] = {0x10, 0, 0x58, 0x4F, 0x3A, 0xE4, 0x62};
    CHECK(report(&k, unbound, keys) == 0);
    const uint8_t twice[8] = {0, 0, 0x09, 0x09};
    CHECK(report(&k, none, keys) == 0);
    CHECK(report(&k, twice, keys) == 1);
    CHECK(hid_kbd_report(&k, f, 2, keys) == 0); /* too short */
    struct hid_kbd k2 = {{0}};
    CHECK(hid_kbd_report(&k2, f, 3, keys) == 1 && keys[0] == 'f');
    CHECK(hid_usage_key(0x10) == 'm' && hid_usage_key(0x26) == '9');
}

int main(void) {
    test_good_keyboard();
    test_bad_lengths();
    test_roles();
    test_device_and_hub();
    test_fuzz();
    test_reports();
    printf("usb_desc_test: %d checks, %d failed\n", checks, failed);
    return failed != 0;
}
