/* xhci.c: xHCI controller bring-up, rings, events and commands (xHCI 1.2,
 * sections 4.2 initialization, 4.9 rings, 5 registers, 7.1 legacy support).
 *
 * Register spaces, all in BAR 0:
 *   BAR + 0          capability registers (read-only sizes and offsets)
 *   BAR + CAPLENGTH  operational: USBCMD, USBSTS, CRCR, DCBAAP, CONFIG,
 *                    then one 16-byte register set per port at +0x400
 *   BAR + RTSOFF     runtime: interrupter 0 at +0x20 (event ring)
 *   BAR + DBOFF      doorbells, one dword per slot (0: commands)
 *   BAR + xECP * 4   extended capabilities, a linked list of dwords */
#include "drivers/usb/xhci.h"

#include "abi/memlayout.h"
#include "arch/x86_64/clock.h"
#include "arch/x86_64/mmio.h"
#include "kernel/bootinfo.h"
#include "kernel/log.h"
#include "mm/direct.h"

#define CAP_LENGTH     0x00
#define CAP_HCSPARAMS1 0x04
#define CAP_HCSPARAMS2 0x08
#define CAP_HCCPARAMS1 0x10
#define CAP_DBOFF      0x14
#define CAP_RTSOFF     0x18

#define OP_USBCMD 0x00
#define OP_USBSTS 0x04
#define OP_PAGESZ 0x08
#define OP_CRCR   0x18
#define OP_DCBAAP 0x30
#define OP_CONFIG 0x38
#define OP_PORTS  0x400

#define CMD_RUN       (1U << 0)
#define CMD_RESET     (1U << 1)
#define STS_HALTED    (1U << 0)
#define STS_NOT_READY (1U << 11)

#define IR0_IMAN   0x20
#define IR0_ERSTSZ 0x28
#define IR0_ERSTBA 0x30
#define IR0_ERDP   0x38
#define ERDP_BUSY  (1U << 3) /* event handler busy: write 1 to clear */

#define XCAP_LEGACY       1
#define LEGACY_BIOS_OWNED (1U << 16)
#define LEGACY_OS_OWNED   (1U << 24)
/* USBLEGCTLSTS: SMI enables (0, 4, 13-15) and RW1C SMI status (29-31). */
#define LEGACY_SMI_ENABLES 0x0000E011U
#define LEGACY_SMI_STATUS  0xE0000000U

#define HANDOFF_US 300000
#define HALT_US    50000
#define RESET_US   400000
#define EV_TRBS    256

static inline uint32_t rd32(volatile const uint8_t* base, uint32_t off) {
    return *(volatile const uint32_t*) (base + off);
}
static inline void wr32(volatile uint8_t* base, uint32_t off, uint32_t v) {
    *(volatile uint32_t*) (base + off) = v;
}
/* 64-bit registers written low dword first, which every controller takes. */
static inline void wr64(volatile uint8_t* base, uint32_t off, uint64_t v) {
    wr32(base, off, (uint32_t) v);
    wr32(base, off + 4, (uint32_t) (v >> 32));
}

bool xhci_never_ready;

uint64_t xhci_deadline(uint64_t usec, uint64_t limit) {
    uint64_t d = clock_ns() + usec * 1000;
    return d < limit ? d : limit;
}

/* Waits until (reg & mask) == want or deadline; true if it came. */
static bool wait_reg(volatile uint8_t* base, uint32_t off, uint32_t mask,
                     uint32_t want, uint64_t deadline) {
    for (;;) {
        if ((rd32(base, off) & mask) == want) {
            return true;
        }
        if (clock_ns() >= deadline) {
            return false;
        }
        __asm__ volatile("pause");
    }
}

/* Zeroed DMA memory, or NULL (logged). */
static void* dma_pages(uint64_t n, uint64_t* pa) {
    *pa = bootinfo_alloc_pages(n);
    if (!*pa) {
        log_printf("xhci: no RAM left for %lu pages of rings and contexts\n",
                   n);
        return NULL;
    }
    return pa2kva(*pa);
}

bool xhci_ring_init(struct xhci_ring* r) {
    r->trb = dma_pages(1, &r->pa);
    r->enq = 0;
    r->cycle = 1;
    return r->trb != NULL;
}

uint64_t xhci_ring_push(struct xhci_ring* r, uint64_t param, uint32_t status,
                        uint32_t control) {
    volatile struct trb* t = &r->trb[r->enq];
    uint64_t pa = r->pa + r->enq * sizeof(struct trb);
    t->param = param;
    t->status = status;
    /* The cycle bit goes last: it hands the TRB to the controller. */
    __asm__ volatile("" ::: "memory");
    t->control = (control & ~TRB_CYCLE) | r->cycle;
    if (++r->enq == RING_TRBS - 1) {
        volatile struct trb* link = &r->trb[RING_TRBS - 1];
        link->param = r->pa;
        link->status = 0;
        __asm__ volatile("" ::: "memory");
        link->control = TRB_TYPE(TRB_LINK) | TRB_TC | r->cycle;
        r->enq = 0;
        r->cycle ^= 1;
    }
    return pa;
}

void xhci_doorbell(struct xhci* hc, int slot, uint32_t target) {
    __asm__ volatile("sfence" ::: "memory");
    hc->db[slot] = target;
}

uint32_t xhci_portsc(struct xhci* hc, int port) {
    return rd32(hc->op, OP_PORTS + 0x10 * (uint32_t) (port - 1));
}

void xhci_portsc_write(struct xhci* hc, int port, uint32_t set) {
    /* Keep the RW bits (power, indicators, wake enables); PED and the
     * change bits are write-1-to-clear and stay 0 unless asked. */
    uint32_t keep = xhci_portsc(hc, port) & (PORTSC_PP | 0x0E00C000U);
    wr32(hc->op, OP_PORTS + 0x10 * (uint32_t) (port - 1), keep | set);
}

bool xhci_event_take(struct xhci* hc, struct trb* ev) {
    if (!hc->running || !xhci_event_ready(hc)) {
        return false;
    }
    volatile struct trb* t = &hc->ev[hc->ev_deq];
    ev->param = t->param;
    ev->status = t->status;
    ev->control = t->control;
    if (++hc->ev_deq == EV_TRBS) {
        hc->ev_deq = 0;
        hc->ev_cycle ^= 1;
    }
    wr64(hc->rt, IR0_ERDP,
         (hc->ev_pa + hc->ev_deq * sizeof(struct trb)) | ERDP_BUSY);
    if (TRB_TYPE_OF(ev->control) == TRB_EV_PORT) {
        uint32_t port = (uint32_t) (ev->param >> 24) & 0xFF;
        if (port >= 1 && port <= 255) {
            hc->port_changed[port / 32] |= 1U << (port % 32);
        }
    }
    return true;
}

void xhci_stray_event(struct xhci* hc, const struct trb* ev) {
    if (hc->stray_event && TRB_TYPE_OF(ev->control) == TRB_EV_TRANSFER) {
        hc->stray_event(hc, ev);
    }
}

int xhci_command(struct xhci* hc, uint64_t param, uint32_t control,
                 uint8_t* slot_out, uint64_t deadline) {
    uint64_t pa = xhci_ring_push(&hc->cmd, param, 0, control);
    xhci_doorbell(hc, 0, 0);
    struct trb ev;
    while (clock_ns() < deadline) {
        if (!xhci_event_take(hc, &ev)) {
            __asm__ volatile("pause");
            continue;
        }
        if (TRB_TYPE_OF(ev.control) == TRB_EV_COMMAND && ev.param == pa) {
            if (slot_out) {
                *slot_out = (uint8_t) TRB_SLOT_OF(ev.control);
            }
            return (int) TRB_CODE_OF(ev.status);
        }
        xhci_stray_event(hc, &ev);
    }
    return CC_TIMEOUT;
}

int xhci_wait_transfer(struct xhci* hc, int slot, uint64_t trb_pa,
                       uint32_t* residual, uint64_t deadline) {
    struct trb ev;
    while (clock_ns() < deadline) {
        if (!xhci_event_take(hc, &ev)) {
            __asm__ volatile("pause");
            continue;
        }
        if (TRB_TYPE_OF(ev.control) == TRB_EV_TRANSFER &&
            (int) TRB_SLOT_OF(ev.control) == slot && ev.param == trb_pa) {
            if (residual) {
                *residual = ev.status & 0xFFFFFF;
            }
            return (int) TRB_CODE_OF(ev.status);
        }
        /* An error ends a transfer at the TRB that failed, which may be
         * an earlier stage than the one waited for. */
        if (TRB_TYPE_OF(ev.control) == TRB_EV_TRANSFER &&
            (int) TRB_SLOT_OF(ev.control) == slot &&
            TRB_CODE_OF(ev.status) != CC_SUCCESS &&
            TRB_CODE_OF(ev.status) != CC_SHORT_PACKET) {
            return (int) TRB_CODE_OF(ev.status);
        }
        xhci_stray_event(hc, &ev);
    }
    return CC_TIMEOUT;
}

const char* xhci_code_name(int code) {
    switch (code) {
    case CC_SUCCESS:
        return "success";
    case CC_TRANSACTION:
        return "transaction error";
    case CC_STALL:
        return "stall";
    case CC_SHORT_PACKET:
        return "short packet";
    case CC_TIMEOUT:
        return "no answer";
    case 5:
        return "TRB error";
    case 11:
        return "slot not enabled";
    case 12:
        return "endpoint not enabled";
    case 17:
        return "parameter error";
    case 19:
        return "context state error";
    default:
        return "error";
    }
}

/* The USB Legacy Support capability, or NULL. */
static volatile uint8_t* find_legacy(volatile uint8_t* cap, uint64_t bar_len) {
    uint32_t off = (rd32(cap, CAP_HCCPARAMS1) >> 16) * 4;
    for (int n = 0; off && off + 8 <= bar_len && n < 64; ++n) {
        uint32_t v = rd32(cap, off);
        if ((v & 0xFF) == XCAP_LEGACY) {
            return cap + off;
        }
        uint32_t next = ((v >> 8) & 0xFF) * 4;
        off = next ? off + next : 0;
    }
    return NULL;
}

/* Asks the BIOS for the controller and turns its SMIs off; after
 * HANDOFF_US without an answer, takes it anyway (logged). */
static void bios_handoff(struct xhci* hc, volatile uint8_t* leg,
                         uint64_t limit) {
    uint32_t v = rd32(leg, 0);
    if (v & LEGACY_BIOS_OWNED) {
        wr32(leg, 0, v | LEGACY_OS_OWNED);
        if (wait_reg(leg, 0, LEGACY_BIOS_OWNED, 0,
                     xhci_deadline(HANDOFF_US, limit))) {
            log_printf("xhci %d: taken over from the BIOS\n", hc->index);
        } else {
            log_printf("xhci %d: BIOS kept the controller for %u ms; taking "
                       "it anyway, SMIs off\n",
                       hc->index, HANDOFF_US / 1000);
            wr32(leg, 0, (rd32(leg, 0) & ~LEGACY_BIOS_OWNED) | LEGACY_OS_OWNED);
        }
    } else {
        wr32(leg, 0, v | LEGACY_OS_OWNED);
    }
    uint32_t ctl = rd32(leg, 4);
    wr32(leg, 4, (ctl & ~LEGACY_SMI_ENABLES) | LEGACY_SMI_STATUS);
}

/* Stops and resets the controller; false (logged) if it never obeyed. */
static bool halt_and_reset(struct xhci* hc, uint64_t limit) {
    uint32_t cmd = rd32(hc->op, OP_USBCMD);
    wr32(hc->op, OP_USBCMD, cmd & ~CMD_RUN);
    if (!wait_reg(hc->op, OP_USBSTS, STS_HALTED, STS_HALTED,
                  xhci_deadline(HALT_US, limit))) {
        log_printf("xhci %d: does not halt; not used\n", hc->index);
        return false;
    }
    wr32(hc->op, OP_USBCMD, CMD_RESET);
    uint64_t d = xhci_deadline(RESET_US, limit);
    uint32_t not_ready = xhci_never_ready ? STS_NOT_READY : 0;
    if (!wait_reg(hc->op, OP_USBCMD, CMD_RESET, 0, d) ||
        !wait_reg(hc->op, OP_USBSTS, STS_NOT_READY, not_ready, d)) {
        log_printf("xhci %d: reset never finished (controller not ready); "
                   "not used\n",
                   hc->index);
        return false;
    }
    return true;
}

/* Scratchpad pages the controller keeps for itself, if it asks. */
static bool scratchpads(struct xhci* hc, uint32_t hcs2) {
    uint32_t n = ((hcs2 >> 21) & 0x1F) << 5 | (hcs2 >> 27);
    if (n == 0) {
        return true;
    }
    uint64_t array_pa, pages_pa;
    uint64_t* array = dma_pages(1, &array_pa);
    if (!array || !dma_pages(n, &pages_pa)) {
        return false;
    }
    for (uint32_t i = 0; i < n; ++i) {
        array[i] = pages_pa + (uint64_t) i * PAGESIZE;
    }
    hc->dcbaa[0] = array_pa;
    log_printf("xhci %d: %u scratchpad pages\n", hc->index, n);
    return true;
}

/* Event ring: one segment, its table (ERST) of one entry. */
static bool event_ring(struct xhci* hc) {
    uint64_t erst_pa;
    volatile uint64_t* erst = dma_pages(1, &erst_pa);
    hc->ev = dma_pages(1, &hc->ev_pa);
    if (!erst || !hc->ev) {
        return false;
    }
    erst[0] = hc->ev_pa;
    erst[1] = EV_TRBS; /* segment size in TRBs; upper dword reserved */
    hc->ev_deq = 0;
    hc->ev_cycle = 1;
    wr32(hc->rt, IR0_ERSTSZ, 1);
    wr64(hc->rt, IR0_ERDP, hc->ev_pa);
    wr64(hc->rt, IR0_ERSTBA, erst_pa); /* last: this enables the ring */
    return true;
}

static bool map_registers(struct xhci* hc, uint64_t* bar_len,
                          volatile uint8_t** cap) {
    uint64_t pa;
    if (!pci_bar_memory(hc->pci, 0, &pa, bar_len) || *bar_len < 0x1000) {
        log_printf("xhci %d: BAR 0 is not a usable memory BAR; not used\n",
                   hc->index);
        return false;
    }
    log_printf("pci: %02x:%02x.%x xhci at 0x%lx (%lu KiB)\n", hc->pci.bus,
               hc->pci.dev, hc->pci.fn, pa, *bar_len / 1024);
    pci_enable_memory_and_master(hc->pci);
    *cap = mmio_map(pa, *bar_len, MMIO_DEVICE);
    if (!*cap) {
        return false;
    }
    uint32_t caplen = rd32(*cap, CAP_LENGTH) & 0xFF;
    uint32_t dboff = rd32(*cap, CAP_DBOFF) & ~3U;
    uint32_t rtsoff = rd32(*cap, CAP_RTSOFF) & ~0x1FU;
    if (caplen < 0x20 || caplen >= *bar_len || dboff >= *bar_len ||
        rtsoff + 0x40 > *bar_len) {
        log_printf("xhci %d: registers read as garbage (caplength 0x%x); "
                   "not answering, not used\n",
                   hc->index, caplen);
        return false;
    }
    hc->op = *cap + caplen;
    hc->rt = *cap + rtsoff;
    hc->db = (volatile uint32_t*) (*cap + dboff);
    return true;
}

bool xhci_start(struct xhci* hc, struct pci_func f, int index, uint64_t limit) {
    *hc = (struct xhci){.pci = f, .index = index, .limit = limit};
    uint64_t bar_len;
    volatile uint8_t* cap;
    if (!map_registers(hc, &bar_len, &cap)) {
        return false;
    }
    uint32_t hcs1 = rd32(cap, CAP_HCSPARAMS1);
    uint32_t hcc1 = rd32(cap, CAP_HCCPARAMS1);
    hc->max_slots = (uint8_t) (hcs1 & 0xFF);
    hc->max_ports = (uint8_t) (hcs1 >> 24);
    hc->ctx_size = (hcc1 & (1U << 2)) ? 64 : 32;
    if (hc->max_slots == 0 || hc->max_ports == 0 ||
        OP_PORTS + 0x10U * hc->max_ports > bar_len - (hc->op - cap)) {
        log_printf("xhci %d: %u slots, %u ports: not usable\n", index,
                   hc->max_slots, hc->max_ports);
        return false;
    }
    volatile uint8_t* leg = find_legacy(cap, bar_len);
    if (leg) {
        bios_handoff(hc, leg, limit);
    }
    if (!halt_and_reset(hc, limit)) {
        return false;
    }
    if (!(rd32(hc->op, OP_PAGESZ) & 1)) {
        log_printf("xhci %d: no 4 KiB page size; not used\n", index);
        return false;
    }
    uint64_t dcbaa_pa;
    hc->dcbaa = dma_pages(1, &dcbaa_pa);
    if (!hc->dcbaa || !scratchpads(hc, rd32(cap, CAP_HCSPARAMS2)) ||
        !xhci_ring_init(&hc->cmd) || !event_ring(hc)) {
        return false;
    }
    wr32(hc->op, OP_CONFIG, hc->max_slots);
    wr64(hc->op, OP_DCBAAP, dcbaa_pa);
    wr64(hc->op, OP_CRCR, hc->cmd.pa | 1); /* ring cycle state 1 */
    wr32(hc->rt, IR0_IMAN, 1);             /* clear IP; IE stays off */
    wr32(hc->op, OP_USBCMD, CMD_RUN);
    if (!wait_reg(hc->op, OP_USBSTS, STS_HALTED, 0,
                  xhci_deadline(HALT_US, limit))) {
        log_printf("xhci %d: does not start running; not used\n", index);
        return false;
    }
    hc->running = true;
    log_printf("xhci %d: %u ports, %u slots, %u-byte contexts, version "
               "%x.%02x\n",
               index, hc->max_ports, hc->max_slots, hc->ctx_size,
               rd32(cap, CAP_LENGTH) >> 24,
               (rd32(cap, CAP_LENGTH) >> 16) & 0xFF);
    return true;
}
