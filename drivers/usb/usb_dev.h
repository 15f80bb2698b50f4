/* usb_dev.h: one USB device on an xHCI controller: its slot and contexts,
 * the default control endpoint, control transfers, and the interrupt IN
 * endpoint that keyboards (and hubs) report on. */
#ifndef DRIVERS_USB_DEV_H
#define DRIVERS_USB_DEV_H

#include "drivers/usb/hid_boot.h"
#include "drivers/usb/xhci.h"

#define USB_NAME_MAX 8 /* "15.15" */
/* buf: control transfer data below USB_CONTROL_MAX, interrupt IN data
 * (reports, hub change bitmaps) from there, so that a hub's status
 * request never lands on its pending change report. */
#define USB_CONTROL_MAX  3072
#define USB_INTR_BUF_OFF 3072
#define USB_INTR_MAX     1024

struct usb_dev {
    struct xhci* hc;
    uint8_t slot;
    uint8_t speed;            /* enum usb_speed */
    uint8_t root_port;        /* 1-based root hub port it is behind */
    uint32_t route;           /* route string: hub port per tier, 4 bits each */
    uint8_t tt_slot, tt_port; /* LS/FS behind a high-speed hub: its TT */
    char name[USB_NAME_MAX];  /* "3" or "3.1", as logs show it */
    int8_t parent;            /* index of its hub in usb_devices(), or -1 */
    uint8_t hub_port;         /* its port on that hub */
    volatile uint8_t* in_ctx;
    uint64_t in_pa;
    volatile uint8_t* out_ctx;
    uint64_t out_pa;
    struct xhci_ring ep0;
    uint16_t max_packet0;
    uint8_t* buf; /* one page for descriptors and reports */
    uint64_t buf_pa;
    /* The interrupt IN endpoint once configured. */
    struct xhci_ring intr;
    uint8_t intr_dci; /* device context index: 2 * ep number + 1 */
    uint16_t intr_max_packet;
    uint8_t intr_interval; /* xHCI exponent: every 125 us * 2^n */
    uint64_t intr_pending; /* TRB queued on intr, 0 when none */
    /* Set up by usb_enum.c; usb_kbd.c owns the rest once running. */
    bool is_keyboard;
    bool is_hub;
    uint8_t hub_nports;
    uint16_t hub_changes; /* ports (bits 1-15) reported changed */
    bool gone;
    struct hid_kbd kbd;
    uint32_t failures;
};

#define USB_REQ_GET_STATUS        0
#define USB_REQ_CLEAR_FEATURE     1
#define USB_REQ_SET_FEATURE       3
#define USB_REQ_GET_DESCRIPTOR    6
#define USB_REQ_SET_CONFIGURATION 9
#define HID_REQ_SET_IDLE          0x0A
#define HID_REQ_SET_PROTOCOL      0x0B

#define USB_RT_DEV_IN          0x80 /* standard, device, device-to-host */
#define USB_RT_DEV_OUT         0x00
#define USB_RT_IFACE_CLASS_OUT 0x21
#define USB_RT_HUB_CLASS_IN    0xA0
#define USB_RT_PORT_CLASS_IN   0xA3
#define USB_RT_PORT_CLASS_OUT  0x23

/* Gets a slot, builds its contexts and EP0 ring, and gives the device an
 * address (Address Device). d comes zeroed but for its tt_*, parent and
 * hub_port fields. name is how logs call it. False, logged, on
 * any failure; the slot, if one was given, is disabled again. */
bool usb_dev_address(struct usb_dev* d, struct xhci* hc, uint8_t speed,
                     uint8_t root_port, uint32_t route, const char* name);

/* One control transfer on EP0 with data, if any, in d->buf (len bytes at
 * most, one page). Returns the completion code (CC_SUCCESS or
 * CC_SHORT_PACKET on success); *got, when not NULL, gets the bytes moved.
 * A stall or error leaves EP0 reset and usable for the next request. */
int usb_control(struct usb_dev* d, uint8_t type, uint8_t req, uint16_t value,
                uint16_t index, uint16_t len, uint32_t* got);

/* Tells the controller EP0's real max packet size (after the first 8
 * bytes of the device descriptor); false, logged, on failure. */
bool usb_dev_set_max_packet0(struct usb_dev* d, uint16_t mps);

/* Configures the interrupt IN endpoint ep_addr (Configure Endpoint), and,
 * for a hub (nports > 0), the slot's hub fields. False, logged, on error. */
bool usb_dev_configure_interrupt(struct usb_dev* d, uint8_t ep_addr,
                                 uint16_t max_packet, uint8_t interval,
                                 uint8_t hub_ports, uint8_t hub_ttt,
                                 bool hub_mtt);

/* The configured interrupt endpoint's polling period, in microseconds. */
uint32_t usb_dev_interval_us(const struct usb_dev* d);

/* Gives the slot back (Disable Slot), best effort. */
void usb_dev_release(struct usb_dev* d);

#endif
