/* xhci.h: one xHCI host controller as the USB code drives it: registers,
 * rings of TRBs, commands, events and control transfers. Polled only: the
 * controller's interrupts stay off.
 *
 * Memory the controller reads or writes (contexts, rings, buffers) comes
 * from bootinfo_alloc_pages: RAM above the managed 2 MiB, below 4 GiB,
 * reached through the direct map, so it suits controllers without 64-bit
 * addressing too. */
#ifndef DRIVERS_USB_XHCI_H
#define DRIVERS_USB_XHCI_H

#include "abi/types.h"
#include "drivers/pci/pci.h"

/* A Transfer Request Block: every ring entry and event is one. */
struct trb {
    uint64_t param;
    uint32_t status;
    uint32_t control;
};

#define TRB_CYCLE      (1U << 0)
#define TRB_TC         (1U << 1) /* Link: toggle cycle */
#define TRB_ISP        (1U << 2)
#define TRB_IOC        (1U << 5)
#define TRB_IDT        (1U << 6)
#define TRB_DIR_IN     (1U << 16)
#define TRB_TYPE(t)    ((uint32_t) (t) << 10)
#define TRB_TYPE_OF(c) (((c) >> 10) & 0x3F)
#define TRB_SLOT(s)    ((uint32_t) (s) << 24)
#define TRB_SLOT_OF(c) ((c) >> 24)
#define TRB_EP_OF(c)   (((c) >> 16) & 0x1F)
#define TRB_CODE_OF(s) ((s) >> 24)

enum trb_type {
    TRB_NORMAL = 1,
    TRB_SETUP = 2,
    TRB_DATA = 3,
    TRB_STATUS = 4,
    TRB_LINK = 6,
    TRB_ENABLE_SLOT = 9,
    TRB_DISABLE_SLOT = 10,
    TRB_ADDRESS_DEVICE = 11,
    TRB_CONFIGURE_EP = 12,
    TRB_EVALUATE_CTX = 13,
    TRB_RESET_EP = 14,
    TRB_STOP_EP = 15,
    TRB_SET_TR_DEQUEUE = 16,
    TRB_EV_TRANSFER = 32,
    TRB_EV_COMMAND = 33,
    TRB_EV_PORT = 34,
};

enum trb_code {
    CC_INVALID = 0,
    CC_SUCCESS = 1,
    CC_TRANSACTION = 4,
    CC_STALL = 6,
    CC_SHORT_PACKET = 13,
    CC_TIMEOUT = 256, /* ours: no event came in time */
};

/* A producer ring (command or transfer): one page of TRBs, the last a Link
 * back to the first that toggles the cycle bit. */
#define RING_TRBS 256
struct xhci_ring {
    volatile struct trb* trb;
    uint64_t pa;
    uint32_t enq;   /* next TRB to write */
    uint32_t cycle; /* producer cycle state */
};

struct xhci {
    struct pci_func pci;
    int index;             /* xhci N in logs */
    volatile uint8_t* op;  /* operational registers */
    volatile uint8_t* rt;  /* runtime registers */
    volatile uint32_t* db; /* doorbells */
    uint8_t max_slots, max_ports;
    uint32_t ctx_size; /* 32 or 64 bytes (HCCPARAMS1.CSZ) */
    uint64_t* dcbaa;   /* device context base address array */
    struct xhci_ring cmd;
    volatile struct trb* ev; /* event ring segment */
    uint64_t ev_pa;
    uint32_t ev_deq, ev_cycle;
    uint32_t port_changed[8]; /* bitmap of ports with a status change */
    bool running;
    uint64_t limit; /* clock_ns past which no wait may go (boot budget) */
    /* Called with each transfer event a wait met that was not the one it
     * waited for (a keyboard report during a hub's control transfer), so
     * that none is lost; may be NULL. */
    void (*stray_event)(struct xhci* hc, const struct trb* ev);
};

/* Test hook (usbnoanswer): controller-not-ready never clears after a
 * reset, as on a controller that never answers. */
extern bool xhci_never_ready;

/* Brings the controller of PCI function f up: BAR mapped, taken from the
 * BIOS, halted, reset, rings and contexts set, running. Every wait ends by
 * deadline (clock_ns). False, logged, when it does not answer in time or
 * memory ran out; the controller is then left halted if it can be. */
bool xhci_start(struct xhci* hc, struct pci_func f, int index,
                uint64_t deadline);

/* Port registers (1-based port numbers). */
uint32_t xhci_portsc(struct xhci* hc, int port);
/* Writes PORTSC with the RW1C change bits given in set and the other bits
 * kept as they are, never disabling the port by accident. */
void xhci_portsc_write(struct xhci* hc, int port, uint32_t set);

#define PORTSC_CCS      (1U << 0)
#define PORTSC_PED      (1U << 1)
#define PORTSC_PR       (1U << 4)
#define PORTSC_PP       (1U << 9)
#define PORTSC_SPEED(v) (((v) >> 10) & 0xF)
#define PORTSC_CSC      (1U << 17)
#define PORTSC_PEC      (1U << 18)
#define PORTSC_WRC      (1U << 19)
#define PORTSC_OCC      (1U << 20)
#define PORTSC_PRC      (1U << 21)
#define PORTSC_PLC      (1U << 22)
#define PORTSC_CEC      (1U << 23)
#define PORTSC_CHANGES  (0x7FU << 17)

/* Speeds as PORTSC and the slot context name them (default IDs). */
enum usb_speed {
    USB_SPEED_FULL = 1,
    USB_SPEED_LOW = 2,
    USB_SPEED_HIGH = 3,
    USB_SPEED_SUPER = 4,
};

/* Makes a producer ring; false when memory ran out. */
bool xhci_ring_init(struct xhci_ring* r);
/* Appends one TRB (the cycle bit is ring's); returns its physical address. */
uint64_t xhci_ring_push(struct xhci_ring* r, uint64_t param, uint32_t status,
                        uint32_t control);

/* Rings doorbell slot (0: the command ring) for target. */
void xhci_doorbell(struct xhci* hc, int slot, uint32_t target);

/* Takes the next event if one is there (non-blocking): true and *ev
 * filled, and the dequeue pointer handed back to the controller. Port
 * status events are also noted in port_changed. */
bool xhci_event_take(struct xhci* hc, struct trb* ev);
/* True when an event is waiting: one cached load, for every timer tick. */
static inline bool xhci_event_ready(const struct xhci* hc) {
    return (hc->ev[hc->ev_deq].control & TRB_CYCLE) == hc->ev_cycle;
}

/* Hands ev to hc->stray_event if it is a transfer event and one is set. */
void xhci_stray_event(struct xhci* hc, const struct trb* ev);

/* Runs one command and waits for its completion event (other events met
 * meanwhile go to xhci_stray_event, port changes are noted). Returns the
 * completion code (CC_TIMEOUT when none came by deadline); *slot_out, when not
 * NULL, gets the completion's slot ID. */
int xhci_command(struct xhci* hc, uint64_t param, uint32_t control,
                 uint8_t* slot_out, uint64_t deadline);

/* Waits for the transfer event of the TRB at trb_pa on slot; returns its
 * completion code (CC_TIMEOUT at deadline) and the bytes not transferred
 * in *residual (may be NULL). */
int xhci_wait_transfer(struct xhci* hc, int slot, uint64_t trb_pa,
                       uint32_t* residual, uint64_t deadline);

/* A deadline usec microseconds from now, never past limit. */
uint64_t xhci_deadline(uint64_t usec, uint64_t limit);
const char* xhci_code_name(int code);

#endif
