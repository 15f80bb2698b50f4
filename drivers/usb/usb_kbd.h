/* usb_kbd.h: the running side of USB keyboards: their interrupt IN
 * transfers queued, reports read off the event ring on each tick. */
#ifndef DRIVERS_USB_KBD_H
#define DRIVERS_USB_KBD_H

#include "drivers/usb/usb_dev.h"

/* Queues the first report transfer of keyboard d. */
void usb_kbd_start(struct usb_dev* d);

/* Takes every event waiting on hc: keyboard reports become keys in a
 * small queue (a full queue drops the newest, logged once), failed
 * transfers stop that keyboard, and port changes that leave a keyboard's
 * port empty mark it unplugged. Never waits. */
void usb_kbd_events(struct xhci* hc);

/* The next queued key, or -1. */
int usb_kbd_next_key(void);

#endif
