/* usb_dev.c: slots, contexts and control transfers (xHCI 1.2 sections 4.3
 * device slot initialization, 4.6 commands, 4.11 TRBs, 6.2 contexts).
 *
 * Contexts are ctx_size bytes (32 or 64). The output device context holds
 * the slot context then endpoint contexts by device context index (DCI:
 * 1 for EP0, 2 * n + 1 for endpoint n IN); the input context puts an input
 * control context (drop and add flags) in front of the same layout. */
#include "drivers/usb/usb_dev.h"

#include "abi/memlayout.h"
#include "arch/x86_64/clock.h"
#include "kernel/bootinfo.h"
#include "kernel/log.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/direct.h"

#define CMD_US      100000
#define TRANSFER_US 200000

#define EP_TYPE_CONTROL 4
#define EP_TYPE_INT_IN  7
#define EP_CERR         3

static volatile uint32_t* in_ctl(struct usb_dev* d) {
    return (volatile uint32_t*) d->in_ctx;
}
static volatile uint32_t* in_slot(struct usb_dev* d) {
    return (volatile uint32_t*) (d->in_ctx + d->hc->ctx_size);
}
static volatile uint32_t* in_ep(struct usb_dev* d, int dci) {
    return (volatile uint32_t*) (d->in_ctx + (1 + dci) * d->hc->ctx_size);
}
static volatile uint32_t* out_slot(struct usb_dev* d) {
    return (volatile uint32_t*) d->out_ctx;
}

static void clear_input(struct usb_dev* d) {
    memset((void*) d->in_ctx, 0, PAGESIZE);
}

static bool pages(uint64_t n, uint64_t* pa, void** kva) {
    *pa = bootinfo_alloc_pages(n);
    *kva = *pa ? pa2kva(*pa) : NULL;
    return *pa != 0;
}

static int command(struct usb_dev* d, uint64_t param, uint32_t control) {
    return xhci_command(d->hc, param, control | TRB_SLOT(d->slot), NULL,
                        xhci_deadline(CMD_US, d->hc->limit));
}

static uint16_t default_max_packet0(uint8_t speed) {
    switch (speed) {
    case USB_SPEED_HIGH:
        return 64;
    case USB_SPEED_SUPER:
        return 512;
    default:
        return 8;
    }
}

static void ep0_context(struct usb_dev* d) {
    volatile uint32_t* ep = in_ep(d, 1);
    ep[1] =
        EP_CERR << 1 | EP_TYPE_CONTROL << 3 | (uint32_t) d->max_packet0 << 16;
    ep[2] = (uint32_t) d->ep0.pa | d->ep0.cycle;
    ep[3] = (uint32_t) (d->ep0.pa >> 32);
    ep[4] = 8; /* average TRB length */
}

bool usb_dev_address(struct usb_dev* d, struct xhci* hc, uint8_t speed,
                     uint8_t root_port, uint32_t route, const char* name) {
    d->hc = hc;
    d->speed = speed;
    d->root_port = root_port;
    d->route = route;
    snprintf(d->name, sizeof(d->name), "%s", name);
    void *in, *out, *buf;
    if (!pages(1, &d->in_pa, &in) || !pages(1, &d->out_pa, &out) ||
        !pages(1, &d->buf_pa, &buf) || !xhci_ring_init(&d->ep0)) {
        log_printf("usb: port %s: no RAM for its contexts; ignored\n", name);
        return false;
    }
    d->in_ctx = in;
    d->out_ctx = out;
    d->buf = buf;
    int cc = xhci_command(hc, 0, TRB_TYPE(TRB_ENABLE_SLOT), &d->slot,
                          xhci_deadline(CMD_US, hc->limit));
    if (cc != CC_SUCCESS || d->slot == 0 || d->slot > hc->max_slots) {
        log_printf("usb: port %s: no device slot (%s); ignored\n", name,
                   xhci_code_name(cc));
        d->slot = 0;
        return false;
    }
    hc->dcbaa[d->slot] = d->out_pa;
    d->max_packet0 = default_max_packet0(speed);
    clear_input(d);
    in_ctl(d)[1] = 1U << 0 | 1U << 1; /* add slot and EP0 */
    volatile uint32_t* s = in_slot(d);
    s[0] = (route & 0xFFFFF) | (uint32_t) speed << 20 | 1U << 27;
    s[1] = (uint32_t) root_port << 16;
    s[2] = (uint32_t) d->tt_slot | (uint32_t) d->tt_port << 8;
    ep0_context(d);
    cc = command(d, d->in_pa, TRB_TYPE(TRB_ADDRESS_DEVICE));
    if (cc != CC_SUCCESS) {
        log_printf("usb: port %s: Address Device failed (%s); ignored\n", name,
                   xhci_code_name(cc));
        usb_dev_release(d);
        return false;
    }
    return true;
}

bool usb_dev_set_max_packet0(struct usb_dev* d, uint16_t mps) {
    if (mps == d->max_packet0) {
        return true;
    }
    d->max_packet0 = mps;
    clear_input(d);
    in_ctl(d)[1] = 1U << 1;
    ep0_context(d);
    int cc = command(d, d->in_pa, TRB_TYPE(TRB_EVALUATE_CTX));
    if (cc != CC_SUCCESS) {
        log_printf("usb: port %s: Evaluate Context failed (%s)\n", d->name,
                   xhci_code_name(cc));
        return false;
    }
    return true;
}

/* After a stall, error or timeout: EP0 halted or stuck with TRBs the
 * controller will not finish. Reset (or stop) it and move its dequeue
 * pointer to where the next request goes. */
static void ep0_recover(struct usb_dev* d, int cc) {
    uint32_t ep = 1U << 16;
    command(d, 0, TRB_TYPE(cc == CC_TIMEOUT ? TRB_STOP_EP : TRB_RESET_EP) | ep);
    uint64_t deq = d->ep0.pa + d->ep0.enq * sizeof(struct trb);
    command(d, deq | d->ep0.cycle, TRB_TYPE(TRB_SET_TR_DEQUEUE) | ep);
}

int usb_control(struct usb_dev* d, uint8_t type, uint8_t req, uint16_t value,
                uint16_t index, uint16_t len, uint32_t* got) {
    if (len > USB_CONTROL_MAX) {
        len = USB_CONTROL_MAX;
    }
    bool in = type & 0x80;
    uint64_t setup = type | (uint64_t) req << 8 | (uint64_t) value << 16 |
                     (uint64_t) index << 32 | (uint64_t) len << 48;
    uint32_t trt = len == 0 ? 0 : in ? 3 : 2;
    xhci_ring_push(&d->ep0, setup, 8,
                   TRB_TYPE(TRB_SETUP) | TRB_IDT | trt << 16);
    uint64_t data_pa = 0;
    if (len) {
        data_pa = xhci_ring_push(&d->ep0, d->buf_pa, len,
                                 TRB_TYPE(TRB_DATA) | TRB_ISP |
                                     (in ? TRB_DIR_IN : 0));
    }
    bool status_in = len == 0 || !in;
    uint64_t status_pa = xhci_ring_push(&d->ep0, 0, 0,
                                        TRB_TYPE(TRB_STATUS) | TRB_IOC |
                                            (status_in ? TRB_DIR_IN : 0));
    xhci_doorbell(d->hc, d->slot, 1);
    uint32_t residual = 0;
    int cc = CC_TIMEOUT;
    uint64_t deadline = xhci_deadline(TRANSFER_US, d->hc->limit);
    struct trb ev;
    while (clock_ns() < deadline) {
        if (!xhci_event_take(d->hc, &ev)) {
            __asm__ volatile("pause");
            continue;
        }
        if (TRB_TYPE_OF(ev.control) != TRB_EV_TRANSFER ||
            TRB_SLOT_OF(ev.control) != d->slot || TRB_EP_OF(ev.control) != 1) {
            xhci_stray_event(d->hc, &ev);
            continue;
        }
        int code = (int) TRB_CODE_OF(ev.status);
        if (ev.param == data_pa && code == CC_SHORT_PACKET) {
            residual = ev.status & 0xFFFFFF;
            continue; /* the status stage still reports */
        }
        if (ev.param == status_pa || code != CC_SUCCESS) {
            cc = code;
            break;
        }
    }
    if (cc != CC_SUCCESS) {
        ep0_recover(d, cc);
        return cc;
    }
    if (got) {
        *got = residual > len ? 0 : len - residual;
    }
    return residual ? CC_SHORT_PACKET : CC_SUCCESS;
}

/* The xHCI Interval field: 125 us * 2^n. bInterval is in frames (1 ms)
 * below high speed, an exponent (2^(b-1) microframes) from high speed up. */
static uint32_t interval_exponent(uint8_t speed, uint8_t b) {
    if (speed == USB_SPEED_HIGH || speed == USB_SPEED_SUPER) {
        return b < 1 ? 0 : b > 16 ? 15 : (uint32_t) b - 1;
    }
    uint32_t n = 3; /* 1 ms */
    while (n < 10 && (1U << (n + 1)) <= (uint32_t) b * 8) {
        ++n;
    }
    return n;
}

bool usb_dev_configure_interrupt(struct usb_dev* d, uint8_t ep_addr,
                                 uint16_t max_packet, uint8_t interval,
                                 uint8_t hub_ports, uint8_t hub_ttt,
                                 bool hub_mtt) {
    int dci = 2 * (ep_addr & 0xF) + 1;
    if ((ep_addr & 0xF) == 0 || !xhci_ring_init(&d->intr)) {
        log_printf("usb: port %s: cannot set up endpoint 0x%x\n", d->name,
                   ep_addr);
        return false;
    }
    clear_input(d);
    in_ctl(d)[1] = 1U << 0 | 1U << dci;
    volatile uint32_t* s = in_slot(d);
    for (int i = 0; i < 4; ++i) {
        s[i] = out_slot(d)[i];
    }
    uint32_t entries = (s[0] >> 27) & 0x1F;
    s[0] = (s[0] & 0x07FFFFFFU) |
           (uint32_t) (dci > (int) entries ? dci : entries) << 27;
    s[3] = 0;
    if (hub_ports) {
        s[0] |= 1U << 26 | (hub_mtt ? 1U << 25 : 0);
        s[1] = (s[1] & 0x00FFFFFFU) | (uint32_t) hub_ports << 24;
        s[2] = (s[2] & ~(3U << 16)) | (uint32_t) (hub_ttt & 3) << 16;
    }
    volatile uint32_t* ep = in_ep(d, dci);
    ep[0] = interval_exponent(d->speed, interval) << 16;
    ep[1] = EP_CERR << 1 | EP_TYPE_INT_IN << 3 | (uint32_t) max_packet << 16;
    ep[2] = (uint32_t) d->intr.pa | d->intr.cycle;
    ep[3] = (uint32_t) (d->intr.pa >> 32);
    ep[4] = (uint32_t) max_packet | (uint32_t) max_packet << 16;
    int cc = command(d, d->in_pa, TRB_TYPE(TRB_CONFIGURE_EP));
    if (cc != CC_SUCCESS) {
        log_printf("usb: port %s: Configure Endpoint failed (%s)\n", d->name,
                   xhci_code_name(cc));
        return false;
    }
    d->intr_dci = (uint8_t) dci;
    d->intr_max_packet = max_packet;
    d->intr_interval = (uint8_t) interval_exponent(d->speed, interval);
    return true;
}

uint32_t usb_dev_interval_us(const struct usb_dev* d) {
    return 125U << d->intr_interval;
}

void usb_dev_release(struct usb_dev* d) {
    if (d->slot) {
        command(d, 0, TRB_TYPE(TRB_DISABLE_SLOT));
        d->hc->dcbaa[d->slot] = 0;
        d->slot = 0;
    }
}
