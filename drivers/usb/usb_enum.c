/* usb_enum.c: port reset and enumeration (USB 2.0 chapter 9 device
 * framework, chapter 11 hubs; xHCI 1.2 section 4.19 root hub ports).
 *
 * For each device: a slot and an address, the device descriptor's first 8
 * bytes (for EP0's max packet), all 18, the configuration's 9-byte header,
 * then the whole configuration, whose interfaces say what it is. Names in
 * the log are root port numbers, then the hub port: "3" or "3.1". */
#include "drivers/usb/usb_enum.h"

#include "abi/memlayout.h"
#include "arch/x86_64/clock.h"
#include "drivers/usb/usb_desc.h"
#include "kernel/log.h"
#include "lib/format.h"

#define ROOT_RESET_US     100000
#define RESET_RECOVERY_US 10000
#define HUB_RESET_US      200000
#define HUB_POLL_US       2000
#define POWER_SETTLE_US   20000

/* Hub class features (USB 2.0 table 11-17) and port status bits. */
#define HUB_PORT_RESET    4
#define HUB_PORT_POWER    8
#define HUB_C_PORT_RESET  20
#define HUB_PS_ENABLE     (1U << 1)
#define HUB_PS_RESET      (1U << 4)
#define HUB_PS_LOW_SPEED  (1U << 9)
#define HUB_PS_HIGH_SPEED (1U << 10)
#define HUB_PC_RESET      (1U << 4)
#define HID_BOOT_PROTOCOL 0

static struct usb_dev devs[USB_MAX_DEVICES];
static int ndevs;

struct usb_dev* usb_devices(int* n) {
    *n = ndevs;
    return devs;
}

static const char* speed_name(uint8_t speed) {
    switch (speed) {
    case USB_SPEED_LOW:
        return "low";
    case USB_SPEED_FULL:
        return "full";
    case USB_SPEED_HIGH:
        return "high";
    case USB_SPEED_SUPER:
        return "super";
    default:
        return "unknown";
    }
}

/* Reads descriptors up to the configuration; false (logged) on error. */
static bool read_descriptors(struct usb_dev* d, struct usb_device_info* dev,
                             struct usb_config_info* cfg) {
    uint32_t got = 0;
    int cc = usb_control(d, USB_RT_DEV_IN, USB_REQ_GET_DESCRIPTOR,
                         USB_DT_DEVICE << 8, 0, 8, &got);
    enum usb_desc_err e = USB_DESC_OK;
    if (cc == CC_SUCCESS || cc == CC_SHORT_PACKET) {
        e = usb_parse_device(d->buf, got, dev);
    }
    if (cc != CC_SUCCESS || e != USB_DESC_OK) {
        goto fail;
    }
    if (!usb_dev_set_max_packet0(d,
                                 dev->max_packet0 ? dev->max_packet0 : 512)) {
        return false;
    }
    cc = usb_control(d, USB_RT_DEV_IN, USB_REQ_GET_DESCRIPTOR,
                     USB_DT_DEVICE << 8, 0, USB_DEVICE_DESC_LEN, &got);
    if (cc == CC_SUCCESS || cc == CC_SHORT_PACKET) {
        e = usb_parse_device(d->buf, got, dev);
    }
    if ((cc != CC_SUCCESS && cc != CC_SHORT_PACKET) || e != USB_DESC_OK) {
        goto fail;
    }
    cc = usb_control(d, USB_RT_DEV_IN, USB_REQ_GET_DESCRIPTOR,
                     USB_DT_CONFIG << 8, 0, USB_CONFIG_DESC_LEN, &got);
    if (cc == CC_SUCCESS || cc == CC_SHORT_PACKET) {
        e = usb_parse_config(d->buf, got, cfg);
    }
    if ((cc != CC_SUCCESS && cc != CC_SHORT_PACKET) || e != USB_DESC_OK) {
        goto fail;
    }
    uint16_t want = cfg->total > PAGESIZE ? PAGESIZE : cfg->total;
    cc = usb_control(d, USB_RT_DEV_IN, USB_REQ_GET_DESCRIPTOR,
                     USB_DT_CONFIG << 8, 0, want, &got);
    if (cc == CC_SUCCESS || cc == CC_SHORT_PACKET) {
        e = usb_parse_config(d->buf, got, cfg);
    }
    if ((cc != CC_SUCCESS && cc != CC_SHORT_PACKET) || e != USB_DESC_OK) {
        goto fail;
    }
    return true;
fail:
    if (cc != CC_SUCCESS && cc != CC_SHORT_PACKET) {
        log_printf("usb: port %s: GET_DESCRIPTOR failed (%s); ignored\n",
                   d->name, xhci_code_name(cc));
    } else {
        log_printf("usb: port %s: bad descriptor (%s); ignored\n", d->name,
                   usb_desc_error(e));
    }
    return false;
}

static int class_request(struct usb_dev* d, uint8_t req, uint16_t value,
                         uint16_t index) {
    return usb_control(d, USB_RT_IFACE_CLASS_OUT, req, value, index, 0, NULL);
}

static bool setup_keyboard(struct usb_dev* d, const struct usb_config_info* c) {
    int cc = usb_control(d, USB_RT_DEV_OUT, USB_REQ_SET_CONFIGURATION, c->value,
                         0, 0, NULL);
    if (cc != CC_SUCCESS) {
        log_printf("usb: port %s: keyboard: SET_CONFIGURATION failed (%s); "
                   "ignored\n",
                   d->name, xhci_code_name(cc));
        return false;
    }
    cc = class_request(d, HID_REQ_SET_PROTOCOL, HID_BOOT_PROTOCOL, c->iface);
    if (cc != CC_SUCCESS) {
        log_printf("usb: port %s: keyboard: SET_PROTOCOL failed (%s); "
                   "ignored\n",
                   d->name, xhci_code_name(cc));
        return false;
    }
    /* Idle 0: a report only when something changes. Optional for a
     * keyboard: a stall here is logged and harmless. */
    cc = class_request(d, HID_REQ_SET_IDLE, 0, c->iface);
    if (cc != CC_SUCCESS) {
        log_printf("usb: port %s: keyboard: SET_IDLE refused (%s); going on\n",
                   d->name, xhci_code_name(cc));
    }
    uint16_t mps = c->ep_max_packet > 64 ? 64 : c->ep_max_packet;
    if (!usb_dev_configure_interrupt(d, c->ep_addr, mps, c->ep_interval, 0, 0,
                                     false)) {
        return false;
    }
    d->is_keyboard = true;
    log_printf("usb: port %s: keyboard (boot protocol), %s speed, endpoint "
               "0x%x polled every %u us\n",
               d->name, speed_name(d->speed), c->ep_addr,
               usb_dev_interval_us(d));
    return true;
}

static void attach(struct xhci* hc, uint8_t speed, uint8_t root_port,
                   uint32_t route, int depth, const char* name, uint8_t tt_slot,
                   uint8_t tt_port, int parent);

int usb_hub_port_request(struct usb_dev* hub, uint8_t req, uint16_t feature,
                         int port) {
    return usb_control(hub, USB_RT_PORT_CLASS_OUT, req, feature,
                       (uint16_t) port, 0, NULL);
}

/* wPortStatus | wPortChange << 16, or false (logged) on error. */
bool usb_hub_port_status(struct usb_dev* hub, int port, uint32_t* st) {
    uint32_t got = 0;
    int cc = usb_control(hub, USB_RT_PORT_CLASS_IN, USB_REQ_GET_STATUS, 0,
                         (uint16_t) port, 4, &got);
    if (cc != CC_SUCCESS || got < 4) {
        log_printf("usb: port %s.%d: GET_STATUS failed (%s)\n", hub->name, port,
                   xhci_code_name(cc));
        return false;
    }
    const uint8_t* b = hub->buf;
    *st = (uint32_t) b[0] | (uint32_t) b[1] << 8 | (uint32_t) b[2] << 16 |
          (uint32_t) b[3] << 24;
    return true;
}

/* Resets hub port port; its speed, or 0 (logged) when nothing is there or
 * the reset did not finish. */
static uint8_t hub_port_reset(struct usb_dev* hub, int port) {
    uint32_t st;
    if (!usb_hub_port_status(hub, port, &st) || !(st & HUB_PS_CONNECTION)) {
        return 0;
    }
    usb_hub_port_request(hub, USB_REQ_CLEAR_FEATURE, HUB_C_PORT_CONNECTION,
                         port);
    if (usb_hub_port_request(hub, USB_REQ_SET_FEATURE, HUB_PORT_RESET, port) !=
        CC_SUCCESS) {
        log_printf("usb: port %s.%d: port reset refused\n", hub->name, port);
        return 0;
    }
    uint64_t deadline = xhci_deadline(HUB_RESET_US, hub->hc->limit);
    for (;;) {
        if (!usb_hub_port_status(hub, port, &st)) {
            return 0;
        }
        if (!(st & HUB_PS_RESET) && (st >> 16) & HUB_PC_RESET) {
            break;
        }
        if (clock_ns() >= deadline) {
            log_printf("usb: port %s.%d: reset did not finish\n", hub->name,
                       port);
            return 0;
        }
        clock_delay_us(HUB_POLL_US);
    }
    usb_hub_port_request(hub, USB_REQ_CLEAR_FEATURE, HUB_C_PORT_RESET, port);
    if (!(st & HUB_PS_ENABLE)) {
        log_printf("usb: port %s.%d: not enabled after reset\n", hub->name,
                   port);
        return 0;
    }
    clock_delay_us(RESET_RECOVERY_US);
    return (st & HUB_PS_LOW_SPEED)    ? USB_SPEED_LOW
           : (st & HUB_PS_HIGH_SPEED) ? USB_SPEED_HIGH
                                      : USB_SPEED_FULL;
}

static void setup_hub(struct usb_dev* d, const struct usb_device_info* dev,
                      const struct usb_config_info* c, int depth) {
    if (depth > 0) {
        log_printf("usb: port %s: hub behind a hub: not supported; ignored\n",
                   d->name);
        return;
    }
    if (d->speed == USB_SPEED_SUPER) {
        log_printf("usb: port %s: SuperSpeed hub: not supported; ignored "
                   "(its USB 2 half is used)\n",
                   d->name);
        return;
    }
    uint32_t got = 0;
    int cc = usb_control(d, USB_RT_DEV_OUT, USB_REQ_SET_CONFIGURATION, c->value,
                         0, 0, NULL);
    if (cc == CC_SUCCESS) {
        cc = usb_control(d, USB_RT_HUB_CLASS_IN, USB_REQ_GET_DESCRIPTOR,
                         USB_DT_HUB << 8, 0, 16, &got);
    }
    struct usb_hub_info h;
    enum usb_desc_err e = USB_DESC_OK;
    if (cc == CC_SUCCESS || cc == CC_SHORT_PACKET) {
        e = usb_parse_hub(d->buf, got, &h);
    }
    if ((cc != CC_SUCCESS && cc != CC_SHORT_PACKET) || e != USB_DESC_OK) {
        log_printf("usb: port %s: hub: %s; ignored\n", d->name,
                   cc != CC_SUCCESS && cc != CC_SHORT_PACKET
                       ? xhci_code_name(cc)
                       : usb_desc_error(e));
        return;
    }
    bool hs = d->speed == USB_SPEED_HIGH;
    uint16_t mps = c->ep_max_packet > 64 ? 64 : c->ep_max_packet;
    if (!usb_dev_configure_interrupt(
            d, c->ep_addr, mps, c->ep_interval, h.nports,
            hs ? (h.characteristics >> 5) & 3 : 0, hs && dev->proto == 2)) {
        return;
    }
    d->is_hub = true;
    d->hub_nports = h.nports;
    log_printf("usb: port %s: hub, %u ports, %s speed\n", d->name, h.nports,
               speed_name(d->speed));
    for (int p = 1; p <= h.nports; ++p) {
        usb_hub_port_request(d, USB_REQ_SET_FEATURE, HUB_PORT_POWER, p);
    }
    uint32_t settle = h.power_on_ms * 1000U;
    clock_delay_us(settle > POWER_SETTLE_US ? settle : POWER_SETTLE_US);
    int found = 0;
    for (int p = 1; p <= h.nports; ++p) {
        uint8_t speed = hub_port_reset(d, p);
        if (!speed) {
            continue;
        }
        ++found;
        char name[USB_NAME_MAX];
        snprintf(name, sizeof(name), "%s.%d", d->name, p);
        bool tt = hs && speed != USB_SPEED_HIGH;
        attach(d->hc, speed, d->root_port, d->route | (uint32_t) p, depth + 1,
               name, tt ? d->slot : 0, tt ? (uint8_t) p : 0, (int) (d - devs));
    }
    if (!found) {
        log_printf("usb: port %s: hub: nothing attached\n", d->name);
    }
}

/* Addresses the device at the end of route and sets it up by what it is. */
static void attach(struct xhci* hc, uint8_t speed, uint8_t root_port,
                   uint32_t route, int depth, const char* name, uint8_t tt_slot,
                   uint8_t tt_port, int parent) {
    if (ndevs == USB_MAX_DEVICES) {
        log_printf("usb: port %s: more than %d devices; ignored\n", name,
                   USB_MAX_DEVICES);
        return;
    }
    struct usb_dev* d = &devs[ndevs];
    *d = (struct usb_dev){.tt_slot = tt_slot,
                          .tt_port = tt_port,
                          .parent = (int8_t) parent,
                          .hub_port = (uint8_t) (route & 0xF)};
    if (!usb_dev_address(d, hc, speed, root_port, route, name)) {
        return;
    }
    struct usb_device_info dev;
    struct usb_config_info cfg;
    if (!read_descriptors(d, &dev, &cfg)) {
        usb_dev_release(d);
        return;
    }
    ++ndevs; /* kept from here: a hub's slot must outlive its children's */
    if (cfg.role == USB_ROLE_KEYBOARD) {
        if (!setup_keyboard(d, &cfg)) {
            d->gone = true;
        }
    } else if (cfg.role == USB_ROLE_HUB) {
        setup_hub(d, &dev, &cfg, depth);
    } else {
        log_printf("usb: port %s: %s: not a boot keyboard; ignored\n", name,
                   usb_class_name(cfg.cls, cfg.sub, cfg.proto));
        --ndevs;
        usb_dev_release(d);
    }
}

/* Resets root port port if it is connected and not yet enabled (USB 2;
 * USB 3 ports enable themselves); its speed, or 0. */
static uint8_t root_port_reset(struct xhci* hc, int port) {
    uint32_t v = xhci_portsc(hc, port);
    if (!(v & PORTSC_CCS)) {
        return 0;
    }
    if (!(v & PORTSC_PED)) {
        xhci_portsc_write(hc, port, PORTSC_PR);
        uint64_t deadline = xhci_deadline(ROOT_RESET_US, hc->limit);
        while (!(xhci_portsc(hc, port) & PORTSC_PRC) && clock_ns() < deadline) {
            __asm__ volatile("pause");
        }
        xhci_portsc_write(hc, port, PORTSC_PRC | PORTSC_CSC);
        clock_delay_us(RESET_RECOVERY_US);
        v = xhci_portsc(hc, port);
        if (!(v & PORTSC_PED)) {
            log_printf("usb: port %d: not enabled after reset (portsc "
                       "0x%x); ignored\n",
                       port, v);
            return 0;
        }
    }
    return (uint8_t) PORTSC_SPEED(v);
}

void usb_enumerate(struct xhci* hc) {
    bool powered = false;
    for (int p = 1; p <= hc->max_ports; ++p) {
        if (!(xhci_portsc(hc, p) & PORTSC_PP)) {
            xhci_portsc_write(hc, p, PORTSC_PP);
            powered = true;
        }
    }
    clock_delay_us(powered ? POWER_SETTLE_US : 1000);
    int connected = 0;
    for (int p = 1; p <= hc->max_ports; ++p) {
        if (clock_ns() >= hc->limit) {
            log_printf("usb: time budget spent at port %d; the rest are "
                       "skipped\n",
                       p);
            return;
        }
        uint8_t speed = root_port_reset(hc, p);
        if (!speed) {
            continue;
        }
        ++connected;
        char name[USB_NAME_MAX];
        snprintf(name, sizeof(name), "%d", p);
        attach(hc, speed, (uint8_t) p, 0, 0, name, 0, 0, -1);
    }
    if (!connected) {
        log_printf("xhci %d: no device on any port\n", hc->index);
    }
}
