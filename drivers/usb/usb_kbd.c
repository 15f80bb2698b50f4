/* usb_kbd.c: keyboards and hubs at run time. Each keeps exactly one Normal
 * TRB on its interrupt IN ring. The controller completes it with a
 * transfer event when a keyboard sends a report (SET_IDLE 0: only on a
 * change) or a hub reports ports that changed; a keyboard's is queued
 * again at once, a hub's once its ports have been looked at. Keyboard
 * work never waits; a hub's change costs a few control transfers (each
 * bounded), which happens only when something is plugged or unplugged. */
#include "drivers/usb/usb_kbd.h"

#include "drivers/usb/usb_enum.h"
#include "kernel/log.h"

#define KEY_QUEUE           16 /* a power of two */
#define HUB_CHANGE_FEATURES 5  /* C_PORT_CONNECTION .. C_PORT_RESET */

static char keyq[KEY_QUEUE];
static unsigned keyq_head, keyq_tail; /* head: next to read */
static bool keyq_overflow_logged;

static void queue_report_transfer(struct usb_dev* d) {
    d->intr_pending = xhci_ring_push(&d->intr, d->buf_pa + USB_INTR_BUF_OFF,
                                     d->intr_max_packet,
                                     TRB_TYPE(TRB_NORMAL) | TRB_IOC | TRB_ISP);
    xhci_doorbell(d->hc, d->slot, d->intr_dci);
}

void usb_kbd_start(struct usb_dev* d) {
    if ((d->is_keyboard || d->is_hub) && !d->gone && d->intr_dci) {
        queue_report_transfer(d);
    }
}

static void push_key(char key) {
    if (keyq_tail - keyq_head == KEY_QUEUE) {
        if (!keyq_overflow_logged) {
            log_printf("usb: key queue full; keys dropped\n");
            keyq_overflow_logged = true;
        }
        return;
    }
    keyq[keyq_tail++ % KEY_QUEUE] = key;
}

int usb_kbd_next_key(void) {
    if (keyq_head == keyq_tail) {
        return -1;
    }
    return (unsigned char) keyq[keyq_head++ % KEY_QUEUE];
}

static struct usb_dev* device_for(struct xhci* hc, uint32_t slot,
                                  uint32_t dci) {
    int n;
    struct usb_dev* devs = usb_devices(&n);
    for (int i = 0; i < n; ++i) {
        struct usb_dev* d = &devs[i];
        if (d->hc == hc && d->slot == slot && d->intr_dci == dci &&
            (d->is_keyboard || d->is_hub)) {
            return d;
        }
    }
    return NULL;
}

void usb_kbd_transfer_event(struct xhci* hc, const struct trb* ev) {
    struct usb_dev* d =
        device_for(hc, TRB_SLOT_OF(ev->control), TRB_EP_OF(ev->control));
    if (!d || d->gone || ev->param != d->intr_pending) {
        return;
    }
    d->intr_pending = 0;
    int cc = (int) TRB_CODE_OF(ev->status);
    if (cc != CC_SUCCESS && cc != CC_SHORT_PACKET) {
        log_printf("usb: port %s: %s: report transfer failed (%s); stopped\n",
                   d->name, d->is_keyboard ? "keyboard" : "hub",
                   xhci_code_name(cc));
        d->gone = true;
        return;
    }
    uint32_t residual = ev->status & 0xFFFFFF;
    uint32_t len =
        residual > d->intr_max_packet ? 0 : d->intr_max_packet - residual;
    const uint8_t* data = d->buf + USB_INTR_BUF_OFF;
    if (d->is_hub) {
        /* Bit n: port n changed (bit 0 is the hub itself). */
        uint16_t bits = len > 0 ? data[0] : 0;
        bits |= len > 1 ? (uint16_t) (data[1] << 8) : 0;
        d->hub_changes |= bits & 0xFFFE;
        if (!d->hub_changes) {
            queue_report_transfer(d);
        }
        return;
    }
    char keys[HID_BOOT_KEYS];
    int n = hid_kbd_report(&d->kbd, data, len, keys);
    for (int i = 0; i < n; ++i) {
        push_key(keys[i]);
    }
    queue_report_transfer(d);
}

/* Marks gone every live device on port (of hub, or a root port when hub
 * is NULL) and behind it, with a log line each; returns how many. */
static int unplugged(struct xhci* hc, struct usb_dev* hub, int port) {
    int n, count = 0;
    struct usb_dev* devs = usb_devices(&n);
    for (int i = 0; i < n; ++i) {
        struct usb_dev* d = &devs[i];
        bool here = hub ? d->parent == hub - devs && d->hub_port == port
                        : d->hc == hc && d->root_port == port;
        if (here && !d->gone) {
            log_printf("usb: port %s: %s unplugged\n", d->name,
                       d->is_keyboard ? "keyboard" : "hub");
            d->gone = true;
            ++count;
        }
    }
    return count;
}

/* A root port changed: devices on it go if it is empty now. */
static void root_port_changed(struct xhci* hc, int port) {
    uint32_t v = xhci_portsc(hc, port);
    xhci_portsc_write(hc, port, v & PORTSC_CHANGES);
    if (!(v & PORTSC_CCS)) {
        unplugged(hc, NULL, port);
    } else if (v & PORTSC_CSC) {
        log_printf("usb: port %d: device plugged in after boot; not used "
                   "(plug keyboards in before booting)\n",
                   port);
    }
}

/* Port port of hub changed: acknowledge every change bit, and if the
 * port is empty now, what was on it is gone. */
static void hub_port_changed(struct usb_dev* hub, int port) {
    uint32_t st;
    if (!usb_hub_port_status(hub, port, &st)) {
        return;
    }
    for (int f = 0; f < HUB_CHANGE_FEATURES; ++f) {
        if ((st >> 16) & (1U << f)) {
            usb_hub_port_request(hub, USB_REQ_CLEAR_FEATURE,
                                 (uint16_t) (HUB_C_PORT_CONNECTION + f), port);
        }
    }
    if (!(st & HUB_PS_CONNECTION)) {
        if (!unplugged(hub->hc, hub, port)) {
            log_printf("usb: port %s.%d: device unplugged\n", hub->name, port);
        }
    } else if ((st >> 16) & 1) {
        log_printf("usb: port %s.%d: device plugged in after boot; not used "
                   "(plug keyboards in before booting)\n",
                   hub->name, port);
    }
}

static void hubs_changed(struct xhci* hc) {
    int n;
    struct usb_dev* devs = usb_devices(&n);
    for (int i = 0; i < n; ++i) {
        struct usb_dev* hub = &devs[i];
        if (hub->hc != hc || !hub->is_hub || !hub->hub_changes) {
            continue;
        }
        while (hub->hub_changes && !hub->gone) {
            int port = __builtin_ctz(hub->hub_changes);
            hub->hub_changes &= (uint16_t) ~(1U << port);
            if (port <= hub->hub_nports) {
                hub_port_changed(hub, port);
            }
        }
        hub->hub_changes = 0;
        if (!hub->gone) {
            queue_report_transfer(hub);
        }
    }
}

void usb_kbd_events(struct xhci* hc) {
    struct trb ev;
    while (xhci_event_take(hc, &ev)) {
        xhci_stray_event(hc, &ev);
    }
    for (int w = 0; w < 8; ++w) {
        while (hc->port_changed[w]) {
            int bit = __builtin_ctz(hc->port_changed[w]);
            hc->port_changed[w] &= ~(1U << bit);
            int port = w * 32 + bit;
            if (port >= 1 && port <= hc->max_ports) {
                root_port_changed(hc, port);
            }
        }
    }
    hubs_changed(hc);
}
