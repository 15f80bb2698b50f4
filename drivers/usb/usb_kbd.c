/* usb_kbd.c: keyboards at run time. Each keeps exactly one Normal TRB on
 * its interrupt IN ring; the controller completes it with a transfer event
 * when the keyboard sends a report (SET_IDLE 0: only on a change), and it
 * is queued again as soon as the report is read. Nothing here waits. */
#include "drivers/usb/usb_kbd.h"

#include "drivers/usb/usb_enum.h"
#include "kernel/log.h"

#define KEY_QUEUE 16 /* a power of two */

static char keyq[KEY_QUEUE];
static unsigned keyq_head, keyq_tail; /* head: next to read */
static bool keyq_overflow_logged;

static void queue_report_transfer(struct usb_dev* d) {
    d->intr_pending = xhci_ring_push(&d->intr, d->buf_pa, d->intr_max_packet,
                                     TRB_TYPE(TRB_NORMAL) | TRB_IOC | TRB_ISP);
    xhci_doorbell(d->hc, d->slot, d->intr_dci);
}

void usb_kbd_start(struct usb_dev* d) {
    if (d->is_keyboard && !d->gone) {
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

static struct usb_dev* keyboard_for(struct xhci* hc, uint32_t slot,
                                    uint32_t dci) {
    int n;
    struct usb_dev* devs = usb_devices(&n);
    for (int i = 0; i < n; ++i) {
        struct usb_dev* d = &devs[i];
        if (d->hc == hc && d->slot == slot && d->is_keyboard &&
            d->intr_dci == dci) {
            return d;
        }
    }
    return NULL;
}

static void on_transfer(struct xhci* hc, const struct trb* ev) {
    struct usb_dev* d =
        keyboard_for(hc, TRB_SLOT_OF(ev->control), TRB_EP_OF(ev->control));
    if (!d || d->gone || ev->param != d->intr_pending) {
        return;
    }
    d->intr_pending = 0;
    int cc = (int) TRB_CODE_OF(ev->status);
    if (cc != CC_SUCCESS && cc != CC_SHORT_PACKET) {
        log_printf("usb: port %s: keyboard: report transfer failed (%s); no "
                   "more keys from it\n",
                   d->name, xhci_code_name(cc));
        d->gone = true;
        return;
    }
    uint32_t residual = ev->status & 0xFFFFFF;
    uint32_t len =
        residual > d->intr_max_packet ? 0 : d->intr_max_packet - residual;
    char keys[HID_BOOT_KEYS];
    int n = hid_kbd_report(&d->kbd, d->buf, len, keys);
    for (int i = 0; i < n; ++i) {
        push_key(keys[i]);
    }
    queue_report_transfer(d);
}

/* A root port changed: keyboards on it (or behind a hub on it) whose
 * port is now empty are unplugged. */
static void on_port_change(struct xhci* hc, int port) {
    uint32_t v = xhci_portsc(hc, port);
    xhci_portsc_write(hc, port, v & PORTSC_CHANGES);
    if (v & PORTSC_CCS) {
        if (v & PORTSC_CSC) {
            log_printf("usb: port %d: device plugged in after boot; not used "
                       "(plug keyboards in before booting)\n",
                       port);
        }
        return;
    }
    int n;
    struct usb_dev* devs = usb_devices(&n);
    for (int i = 0; i < n; ++i) {
        struct usb_dev* d = &devs[i];
        if (d->hc == hc && d->root_port == port && !d->gone) {
            log_printf("usb: port %s: %s unplugged\n", d->name,
                       d->is_keyboard ? "keyboard" : "hub");
            d->gone = true;
        }
    }
}

void usb_kbd_events(struct xhci* hc) {
    struct trb ev;
    while (xhci_event_take(hc, &ev)) {
        if (TRB_TYPE_OF(ev.control) == TRB_EV_TRANSFER) {
            on_transfer(hc, &ev);
        }
    }
    for (int w = 0; w < 8; ++w) {
        while (hc->port_changed[w]) {
            int bit = __builtin_ctz(hc->port_changed[w]);
            hc->port_changed[w] &= ~(1U << bit);
            int port = w * 32 + bit;
            if (port >= 1 && port <= hc->max_ports) {
                on_port_change(hc, port);
            }
        }
    }
}
