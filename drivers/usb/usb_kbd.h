/* usb_kbd.h: the running side of USB keyboards: their interrupt IN
 * transfers queued, reports read off the event ring on each tick. */
#ifndef DRIVERS_USB_KBD_H
#define DRIVERS_USB_KBD_H

#include "drivers/usb/usb_dev.h"

/* Queues the first report transfer of keyboard or hub d. */
void usb_kbd_start(struct usb_dev* d);

/* One transfer event: a keyboard report becomes keys in a small queue (a
 * full queue drops the newest, logged once), a hub's change report is
 * noted for usb_kbd_events, a failed transfer stops that device (logged).
 * Never waits. Also hc->stray_event, for events met inside other waits. */
void usb_kbd_transfer_event(struct xhci* hc, const struct trb* ev);

/* Takes every event waiting on hc (usb_kbd_transfer_event), then looks at
 * the ports that changed: a root or hub port left empty marks what was on
 * it unplugged (logged). Hub ports cost bounded control transfers. */
void usb_kbd_events(struct xhci* hc);

/* The next queued key, or -1. */
int usb_kbd_next_key(void);

#endif
