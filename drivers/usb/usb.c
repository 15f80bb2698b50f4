/* usb.c: USB bring-up at boot and the per-tick keyboard poll. All of
 * bring-up shares one time budget (USB_BUDGET_MS), so a controller that
 * never answers delays boot by about a second at most. */
#include "drivers/usb/usb.h"

#include "arch/x86_64/clock.h"
#include "drivers/pci/pci.h"
#include "drivers/usb/usb_enum.h"
#include "drivers/usb/usb_kbd.h"
#include "kernel/log.h"

#define MAX_CONTROLLERS 4
#define USB_BUDGET_MS   1000

#define PCI_CLASS_SERIAL_BUS 0x0C
#define PCI_SUBCLASS_USB     0x03
#define PCI_PROGIF_XHCI      0x30

static struct xhci controllers[MAX_CONTROLLERS];
static int ncontrollers; /* running ones, first in the array */
int usb_controllers_running;

void usb_init(bool never_ready) {
    xhci_never_ready = never_ready;
    struct pci_func found[MAX_CONTROLLERS];
    int n = pci_find_class(PCI_CLASS_SERIAL_BUS, PCI_SUBCLASS_USB,
                           PCI_PROGIF_XHCI, found, MAX_CONTROLLERS);
    if (n == 0) {
        log_printf("usb: no xHCI controller; no USB keyboard\n");
        return;
    }
    /* The clock only now: without a controller boot pays for nothing
     * but the PCI scan. */
    uint64_t start = clock_ns();
    uint64_t limit = start + USB_BUDGET_MS * 1000000ULL;
    if (n > MAX_CONTROLLERS) {
        log_printf("usb: %d xHCI controllers; using the first %d\n", n,
                   MAX_CONTROLLERS);
        n = MAX_CONTROLLERS;
    }
    for (int i = 0; i < n; ++i) {
        if (clock_ns() >= limit) {
            log_printf("usb: time budget spent; xhci %d skipped\n", i);
            break;
        }
        struct xhci* hc = &controllers[ncontrollers];
        if (xhci_start(hc, found[i], i, limit)) {
            usb_enumerate(hc);
            ++ncontrollers;
        } else {
            pci_disable_master(found[i]);
        }
    }
    /* From here on waits are bounded one by one, not by the boot budget;
     * events met inside them are not lost. */
    for (int i = 0; i < ncontrollers; ++i) {
        controllers[i].limit = UINT64_MAX;
        controllers[i].stray_event = usb_kbd_transfer_event;
    }
    int ndev, keyboards = 0;
    struct usb_dev* devs = usb_devices(&ndev);
    for (int i = 0; i < ndev; ++i) {
        usb_kbd_start(&devs[i]);
        keyboards += devs[i].is_keyboard && !devs[i].gone;
    }
    usb_controllers_running = ncontrollers;
    log_printf("usb: %d keyboard%s ready (%lu ms)\n", keyboards,
               keyboards == 1 ? "" : "s", (clock_ns() - start) / 1000000);
}

int usb_keyboard_poll(void) {
    for (int i = 0; i < ncontrollers; ++i) {
        if (xhci_event_ready(&controllers[i])) {
            usb_kbd_events(&controllers[i]);
        }
    }
    return usb_kbd_next_key();
}
