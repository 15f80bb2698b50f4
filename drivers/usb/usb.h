/* usb.h: USB keyboards for the kernel: bring-up at boot, keys on ticks. */
#ifndef DRIVERS_USB_H
#define DRIVERS_USB_H

#include "abi/types.h"

/* Finds every xHCI controller on PCI, starts it, and sets up the boot
 * keyboards on its ports (directly or behind one hub). Returns within
 * about a second whatever the hardware does, logging what it found and
 * what it gave up on. Call once, before interrupts are enabled.
 * never_ready (the test word usbnoanswer) makes every controller act as
 * one whose reset never finishes, to prove the time bound. */
void usb_init(bool never_ready);

/* How many xHCI controllers are running; written once, by usb_init. */
extern int usb_controllers_running;

/* usb_keyboard_read's work when a controller runs. */
int usb_keyboard_poll(void);

/* One key pressed on a USB keyboard since the last call (the same ASCII
 * keys as keyboard_read), or -1. Called on every timer tick, so cheap
 * when nothing happened: one load without a controller, one more per
 * controller with one. */
static inline int usb_keyboard_read(void) {
    return usb_controllers_running ? usb_keyboard_poll() : -1;
}

#endif
