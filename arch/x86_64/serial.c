/* serial.c: COM1 at 115200 8N1. Transmit is polled: it carries the kernel
 * log. Receive is by interrupt (IRQ 4): the bytes a serial terminal sends
 * are keys (serialkeys.c decodes them), so a headless VM or a PC with a
 * serial console drives the viewer. Both directions share the port; every
 * caller runs with interrupts off (the kernel is never preempted), so the
 * two never interleave. */
#include "arch/x86_64/devices.h"
#include "arch/x86_64/serialkeys.h"
#include "arch/x86_64/x86.h"
#include "kernel/log.h"

#define COM1      0x3F8
#define UART_DATA (COM1 + 0)
#define UART_IER  (COM1 + 1)
#define UART_FCR  (COM1 + 2) /* write; reads as IIR */
#define UART_IIR  (COM1 + 2)
#define UART_LCR  (COM1 + 3)
#define UART_MCR  (COM1 + 4)
#define UART_LSR  (COM1 + 5)

#define IER_RX_DATA 0x01 /* interrupt while received data waits */
/* ... and on a break or an error: a break's byte alone in the FIFO is
 * below the trigger level, and some UARTs (QEMU's) start no idle timeout
 * for it, so without this it would wait for the next byte. */
#define IER_RX_LINE 0x04
#define IER_RX      (IER_RX_DATA | IER_RX_LINE)
#define MCR_DTR     0x01
#define MCR_RTS     0x02
#define MCR_OUT2    0x08 /* connects the UART's interrupt to the ISA line */
/* FIFO on, both cleared, interrupt at 8 bytes (or after 4 idle character
 * times): room for 8 more before an overrun at 115200 baud, ~0.7 ms. */
#define FCR_FIFO_8 0x87

#define LSR_DATA_READY 0x01
#define LSR_ERRORS     0x1E /* overrun, parity, framing, break */
#define LSR_THR_EMPTY  0x20
#define LSR_IDLE       0x40
#define LSR_ABSENT     0xFF /* nothing answers on the bus */

/* Bytes one interrupt may take: a hostile sender (or an emulator, which
 * refills the FIFO as fast as it is read) cannot keep the kernel in the
 * handler. More than this waiting re-raises the interrupt. */
#define RX_DRAIN_MAX SERIAL_KEYS_MAX
/* Line errors (break, framing, ...) logged one by one before the log is
 * spared the rest: a break held or a wrong baud rate makes one per byte. */
#define RX_ERRORS_LOGGED 4

static bool serial_present;
/* Bytes the transmitter takes after it reported itself empty: the 16-byte
 * FIFO of a 16550A, else 1. Polling the line status once per burst rather
 * than once per byte halves the port accesses of every log line (each one
 * is an exit to the emulator). */
static int burst = 1;
static int room; /* bytes that may still be written without polling */

/* The receive side. rx_on: the interrupt is enabled (set once by
 * serial_keys_start, cleared if the port stops answering). lsr_errors:
 * error bits that a transmit-side LSR read cleared in the UART, kept for
 * the receive path, which must drop the byte they belong to. */
static bool rx_on;
static uint8_t lsr_errors;
static unsigned rx_error_count;
static struct serialkeys decoder;

/* Reads the line status, keeping its error bits (which the read clears
 * in the UART) for the receive path. */
static uint8_t read_lsr(void) {
    uint8_t lsr = inb(UART_LSR);
    lsr_errors |= lsr & LSR_ERRORS;
    return lsr;
}

void serial_init(void) {
    outb(UART_IER, 0x00);  /* no interrupts until serial_keys_start */
    outb(UART_LCR, 0x80);  /* DLAB */
    outb(UART_DATA, 0x01); /* divisor 1: 115200 baud */
    outb(UART_IER, 0x00);
    outb(UART_LCR, 0x03); /* 8N1 */
    /* Clearing the FIFOs drops what the firmware and GRUB left unread:
     * bytes typed at them are not keys for the viewer. */
    outb(UART_FCR, FCR_FIFO_8);
    outb(UART_MCR, MCR_DTR | MCR_RTS);
    /* No UART answers with 0xFF: then writing would spin forever. */
    serial_present = inb(UART_LSR) != LSR_ABSENT;
    /* IIR bits 7:6 are 11 when the FIFO is really on (16550A). */
    burst = (inb(UART_IIR) & 0xC0) == 0xC0 ? 16 : 1;
    room = 0;
}

void serial_putc(char c) {
    if (!serial_present) {
        return;
    }
    if (room == 0) {
        for (int spins = 0; spins < 100000 && !(read_lsr() & LSR_THR_EMPTY);
             ++spins) {
        }
        room = burst;
    }
    --room;
    outb(UART_DATA, (uint8_t) c);
}

void serial_flush(void) {
    if (!serial_present) {
        return;
    }
    /* LSR bit 6: the FIFO and the shift register are both empty. */
    for (int spins = 0; spins < 1000000 && !(read_lsr() & LSR_IDLE); ++spins) {
    }
    room = burst;
}

bool serial_keys_start(void) {
    if (!serial_present) {
        return false;
    }
    outb(UART_MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
    /* From off to on: bytes that came since serial_init raise the line
     * now, so an edge-triggered controller sees them. */
    lsr_errors = 0; /* errors seen while nobody listened are not news */
    outb(UART_IER, IER_RX);
    rx_on = true;
    log_printf("serial: COM1 receive on (IRQ 4): bytes from the serial line "
               "are keys\n");
    return true;
}

/* Logs the first RX_ERRORS_LOGGED line errors, then one line saying the
 * rest go unlogged; the count stops there, so it never wraps. */
static void note_line_error(uint8_t lsr) {
    if (rx_error_count > RX_ERRORS_LOGGED) {
        return;
    }
    if (++rx_error_count > RX_ERRORS_LOGGED) {
        log_printf("serial: more line errors; not logged\n");
        return;
    }
    log_printf("serial: line error (status 0x%02x:%s%s%s%s); byte dropped\n",
               lsr, lsr & 0x10 ? " break" : "", lsr & 0x08 ? " framing" : "",
               lsr & 0x04 ? " parity" : "", lsr & 0x02 ? " overrun" : "");
}

/* Turns the receive interrupt off for good: the port no longer answers. */
static void rx_stop(void) {
    rx_on = false;
    outb(UART_IER, 0x00);
    log_printf("serial: COM1 stopped answering (status 0xff); keys from it "
               "off\n");
}

int serial_keys_read(char* keys, int max) {
    if (!rx_on) {
        return 0; /* a stray IRQ 4: not ours */
    }
    int n = 0;
    for (int i = 0; i < RX_DRAIN_MAX; ++i) {
        uint8_t lsr = read_lsr();
        if (lsr == LSR_ABSENT) {
            rx_stop();
            return n;
        }
        if (!(lsr & LSR_DATA_READY)) {
            return n; /* FIFO empty: the line went down by itself */
        }
        uint8_t byte = inb(UART_DATA);
        if (lsr_errors) {
            note_line_error(lsr | lsr_errors);
            lsr_errors = 0;
            decoder.state = 0; /* whatever sequence it was in is broken */
            continue;
        }
        int key = serialkeys_decode(&decoder, byte);
        if (key > 0 && n < max) {
            keys[n++] = (char) key;
        }
    }
    /* More is waiting: the line is still up and an edge-triggered
     * controller would never interrupt again. Off and on makes a new edge,
     * taken once this one is acknowledged. */
    outb(UART_IER, 0x00);
    outb(UART_IER, IER_RX);
    return n;
}
