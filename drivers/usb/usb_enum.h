/* usb_enum.h: finding what is plugged into an xHCI controller's ports, and
 * behind one hub, and setting up the boot keyboards among them. */
#ifndef DRIVERS_USB_ENUM_H
#define DRIVERS_USB_ENUM_H

#include "drivers/usb/usb_dev.h"

#define USB_MAX_DEVICES 16

/* Resets each connected root port of hc, addresses the device there and
 * sets it up: a boot keyboard is configured (boot protocol, its interrupt
 * endpoint ready), a hub has its ports powered, reset and enumerated the
 * same way (one hub deep), anything else is logged and ignored. Every
 * wait is bounded by hc->limit. */
void usb_enumerate(struct xhci* hc);

/* Hub class requests on port port of hub: SET_FEATURE or CLEAR_FEATURE
 * (req) of feature (a completion code), and GET_STATUS: wPortStatus |
 * wPortChange << 16 in *st, false (logged) on error. */
int usb_hub_port_request(struct usb_dev* hub, uint8_t req, uint16_t feature,
                         int port);
bool usb_hub_port_status(struct usb_dev* hub, int port, uint32_t* st);

#define HUB_PS_CONNECTION     (1U << 0)
#define HUB_C_PORT_CONNECTION 16 /* wPortChange bit n is feature 16 + n */

/* The devices enumerated so far (keyboards and hubs; others are not
 * kept), in the order found. */
struct usb_dev* usb_devices(int* n);

#endif
