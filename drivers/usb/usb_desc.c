/* usb_desc.c: descriptor checks. A descriptor starts with bLength and
 * bDescriptorType; a configuration's wTotalLength bytes hold it and its
 * interface, class and endpoint descriptors back to back. A device may
 * send anything, so every length is compared with the bytes in hand. */
#include "drivers/usb/usb_desc.h"

#define HID_SUBCLASS_BOOT  1
#define HID_PROTO_KEYBOARD 1
#define HID_PROTO_MOUSE    2
#define EP_DIR_IN          0x80
#define EP_XFER_MASK       0x03
#define EP_XFER_INTERRUPT  0x03
#define INTERFACE_DESC_LEN 9
#define ENDPOINT_DESC_LEN  7
#define HUB_DESC_MIN       7
#define HUB_MAX_PORTS      15 /* route string nibbles hold 1-15 */

const char* usb_desc_error(enum usb_desc_err e) {
    switch (e) {
    case USB_DESC_OK:
        return "ok";
    case USB_DESC_SHORT:
        return "too few bytes";
    case USB_DESC_BAD_TYPE:
        return "wrong descriptor type";
    case USB_DESC_BAD_LENGTH:
        return "bLength 0 or under its minimum";
    case USB_DESC_PAST_TOTAL:
        return "a descriptor runs past wTotalLength";
    case USB_DESC_TOTAL_PAST_BUFFER:
        return "wTotalLength past the bytes received";
    case USB_DESC_BAD_VALUE:
        return "a field out of range";
    case USB_DESC_NO_ENDPOINT:
        return "no interrupt IN endpoint";
    }
    return "unknown error";
}

static uint16_t le16(const uint8_t* p) {
    return (uint16_t) (p[0] | p[1] << 8);
}

enum usb_desc_err usb_parse_device(const uint8_t* buf, size_t len,
                                   struct usb_device_info* out) {
    if (len < 8) {
        return USB_DESC_SHORT;
    }
    if (buf[1] != USB_DT_DEVICE) {
        return USB_DESC_BAD_TYPE;
    }
    /* bLength is checked against 18 even on the 8-byte read. */
    if (buf[0] < USB_DEVICE_DESC_LEN) {
        return USB_DESC_BAD_LENGTH;
    }
    uint8_t mps = buf[7];
    bool superspeed = le16(buf + 2) >= 0x0300;
    if (superspeed ? mps != 9
                   : (mps != 8 && mps != 16 && mps != 32 && mps != 64)) {
        return USB_DESC_BAD_VALUE;
    }
    *out = (struct usb_device_info){0};
    out->bcd_usb = le16(buf + 2);
    out->cls = buf[4];
    out->sub = buf[5];
    out->proto = buf[6];
    out->max_packet0 = superspeed ? 0 : mps;
    if (len < USB_DEVICE_DESC_LEN) {
        return USB_DESC_OK;
    }
    out->vendor = le16(buf + 8);
    out->product = le16(buf + 10);
    out->nconfigs = buf[17];
    return USB_DESC_OK;
}

/* The state of the walk over one configuration. */
struct walk {
    struct usb_config_info* out;
    enum usb_role cur_role; /* of the interface whose endpoints follow */
    uint8_t cur_iface;
    bool cur_counts; /* alternate setting 0 */
    bool found;      /* out's role/endpoint are final */
    bool want_ep;    /* a candidate interface lacked its endpoint */
    bool hub_seen;
    struct usb_config_info hub; /* a hub candidate, if no keyboard */
};

static enum usb_role role_of(uint8_t cls, uint8_t sub, uint8_t proto) {
    if (cls == USB_CLASS_HID && sub == HID_SUBCLASS_BOOT &&
        proto == HID_PROTO_KEYBOARD) {
        return USB_ROLE_KEYBOARD;
    }
    return cls == USB_CLASS_HUB ? USB_ROLE_HUB : USB_ROLE_OTHER;
}

static void on_interface(struct walk* w, const uint8_t* d) {
    w->cur_counts = d[3] == 0;
    if (!w->cur_counts) {
        return;
    }
    if (w->out->ninterfaces++ == 0) {
        w->out->cls = d[5];
        w->out->sub = d[6];
        w->out->proto = d[7];
    }
    w->cur_iface = d[2];
    w->cur_role = role_of(d[5], d[6], d[7]);
    if (w->cur_role != USB_ROLE_OTHER && !w->found) {
        w->want_ep = true;
    }
}

static void on_endpoint(struct walk* w, const uint8_t* d) {
    /* bEndpointAddress, bmAttributes, wMaxPacketSize, bInterval */
    bool int_in =
        (d[3] & EP_XFER_MASK) == EP_XFER_INTERRUPT && (d[2] & EP_DIR_IN);
    if (!w->cur_counts || w->found || w->cur_role == USB_ROLE_OTHER ||
        !int_in || (le16(d + 4) & 0x7FF) == 0) {
        return;
    }
    struct usb_config_info* c =
        w->cur_role == USB_ROLE_KEYBOARD ? w->out : &w->hub;
    if (w->cur_role == USB_ROLE_HUB && w->hub_seen) {
        return;
    }
    c->role = w->cur_role;
    c->iface = w->cur_iface;
    c->ep_addr = d[2];
    c->ep_max_packet = le16(d + 4) & 0x7FF;
    c->ep_interval = d[6];
    if (w->cur_role == USB_ROLE_KEYBOARD) {
        w->found = true;
    } else {
        w->hub_seen = true;
    }
    w->cur_role = USB_ROLE_OTHER; /* one endpoint per interface */
}

enum usb_desc_err usb_parse_config(const uint8_t* buf, size_t len,
                                   struct usb_config_info* out) {
    if (len < USB_CONFIG_DESC_LEN) {
        return USB_DESC_SHORT;
    }
    if (buf[1] != USB_DT_CONFIG) {
        return USB_DESC_BAD_TYPE;
    }
    if (buf[0] < USB_CONFIG_DESC_LEN) {
        return USB_DESC_BAD_LENGTH;
    }
    *out = (struct usb_config_info){0};
    out->total = le16(buf + 2);
    out->value = buf[5];
    if (out->total < buf[0]) {
        return USB_DESC_BAD_LENGTH;
    }
    if (len == USB_CONFIG_DESC_LEN) {
        return USB_DESC_OK;
    }
    if (out->total > len) {
        return USB_DESC_TOTAL_PAST_BUFFER;
    }
    struct walk w = {.out = out};
    for (size_t off = buf[0]; off < out->total;) {
        if (out->total - off < 2 || buf[off] < 2) {
            return USB_DESC_BAD_LENGTH;
        }
        const uint8_t* d = buf + off;
        if (d[0] > out->total - off) {
            return USB_DESC_PAST_TOTAL;
        }
        if (d[1] == USB_DT_INTERFACE) {
            if (d[0] < INTERFACE_DESC_LEN) {
                return USB_DESC_BAD_LENGTH;
            }
            on_interface(&w, d);
        } else if (d[1] == USB_DT_ENDPOINT) {
            if (d[0] < ENDPOINT_DESC_LEN) {
                return USB_DESC_BAD_LENGTH;
            }
            on_endpoint(&w, d);
        }
        off += d[0];
    }
    if (!w.found && w.hub_seen) {
        out->role = USB_ROLE_HUB;
        out->iface = w.hub.iface;
        out->ep_addr = w.hub.ep_addr;
        out->ep_max_packet = w.hub.ep_max_packet;
        out->ep_interval = w.hub.ep_interval;
        w.found = true;
    }
    if (!w.found && w.want_ep) {
        return USB_DESC_NO_ENDPOINT;
    }
    return USB_DESC_OK;
}

enum usb_desc_err usb_parse_hub(const uint8_t* buf, size_t len,
                                struct usb_hub_info* out) {
    if (len < HUB_DESC_MIN) {
        return USB_DESC_SHORT;
    }
    if (buf[1] != USB_DT_HUB && buf[1] != USB_DT_SS_HUB) {
        return USB_DESC_BAD_TYPE;
    }
    if (buf[0] < HUB_DESC_MIN || buf[0] > len) {
        return USB_DESC_BAD_LENGTH;
    }
    if (buf[2] == 0) {
        return USB_DESC_BAD_VALUE;
    }
    /* Route strings address ports 1-15; ports past them go unused. */
    out->nports = buf[2] > HUB_MAX_PORTS ? HUB_MAX_PORTS : buf[2];
    out->characteristics = le16(buf + 3);
    out->power_on_ms = (uint8_t) (buf[5] > 127 ? 254 : buf[5] * 2);
    return USB_DESC_OK;
}

const char* usb_class_name(uint8_t cls, uint8_t sub, uint8_t proto) {
    switch (cls) {
    case USB_CLASS_HID:
        if (sub == HID_SUBCLASS_BOOT && proto == HID_PROTO_KEYBOARD) {
            return "keyboard";
        }
        return sub == HID_SUBCLASS_BOOT && proto == HID_PROTO_MOUSE
                   ? "mouse"
                   : "HID device (tablet or other)";
    case USB_CLASS_HUB:
        return "hub";
    case 1:
        return "audio";
    case 7:
        return "printer";
    case 8:
        return "mass storage";
    case 0x0E:
        return "video";
    case 0xE0:
        return "wireless controller";
    default:
        return "device";
    }
}
