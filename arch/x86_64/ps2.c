/* ps2.c: the 8042 PS/2 controller's bring-up. Owns the controller's
 * command port and configuration byte; the keyboard's bytes are
 * keyboard.c's to decode.
 *
 * Every wait is bounded: an absent controller (reads 0xFF) or one that
 * stops answering costs at most about a tenth of a second per step, and
 * the kernel boots without a keyboard rather than hanging. */
#include "arch/x86_64/ps2.h"

#include "arch/x86_64/x86.h"
#include "kernel/log.h"

#define PS2_DATA   0x60
#define PS2_STATUS 0x64 /* read */
#define PS2_CMD    0x64 /* write */

#define STATUS_OUT_FULL 0x01 /* a byte waits at PS2_DATA */
#define STATUS_IN_FULL  0x02 /* the controller has not taken our byte yet */

#define CMD_READ_CONFIG  0x20
#define CMD_WRITE_CONFIG 0x60
#define CMD_PORT2_OFF    0xA7
#define CMD_SELF_TEST    0xAA
#define CMD_PORT1_TEST   0xAB
#define CMD_PORT1_OFF    0xAD
#define CMD_PORT1_ON     0xAE

#define CONFIG_PORT1_IRQ   0x01
#define CONFIG_PORT2_IRQ   0x02
#define CONFIG_PORT1_CLOCK 0x10 /* set: port 1 clock disabled */
#define CONFIG_PORT2_CLOCK 0x20 /* set: port 2 clock disabled */
#define CONFIG_TRANSLATE   0x40

#define SELF_TEST_OK 0x55
#define PORT_TEST_OK 0x00
#define WAIT_POLLS   100000 /* io_wait is ~1 us: ~0.1 s */
#define FLUSH_MAX    64     /* bytes a flush may discard */

static bool wait_input_empty(void) {
    for (int i = 0; i < WAIT_POLLS; ++i) {
        if (!(inb(PS2_STATUS) & STATUS_IN_FULL)) {
            return true;
        }
        io_wait();
    }
    return false;
}

static bool wait_output_full(void) {
    for (int i = 0; i < WAIT_POLLS; ++i) {
        if (inb(PS2_STATUS) & STATUS_OUT_FULL) {
            return true;
        }
        io_wait();
    }
    return false;
}

static bool command(uint8_t cmd) {
    if (!wait_input_empty()) {
        return false;
    }
    outb(PS2_CMD, cmd);
    return true;
}

/* A command that answers one byte; -1 when no answer came. */
static int query(uint8_t cmd) {
    if (!command(cmd) || !wait_output_full()) {
        return -1;
    }
    return inb(PS2_DATA);
}

static bool write_config(uint8_t config) {
    if (!command(CMD_WRITE_CONFIG) || !wait_input_empty()) {
        return false;
    }
    outb(PS2_DATA, config);
    return wait_input_empty();
}

/* Discards stale bytes (keys pressed during boot, firmware leftovers). */
static int flush(void) {
    int n = 0;
    while (n < FLUSH_MAX && (inb(PS2_STATUS) & STATUS_OUT_FULL)) {
        (void) inb(PS2_DATA);
        ++n;
        io_wait();
    }
    return n;
}

void ps2_init(void) {
    if (inb(PS2_STATUS) == 0xFF) {
        log_printf("ps2: no controller (status reads 0xff); no keyboard\n");
        return;
    }
    if (!command(CMD_PORT1_OFF) || !command(CMD_PORT2_OFF)) {
        log_printf("ps2: controller takes no commands; left as it is\n");
        return;
    }
    int flushed = flush();
    int config = query(CMD_READ_CONFIG);
    if (config < 0) {
        log_printf("ps2: no configuration byte; left as it is\n");
        command(CMD_PORT1_ON);
        return;
    }
    /* Quiet while testing: no IRQs, no translation. */
    uint8_t quiet = (uint8_t) config &
                    ~(CONFIG_PORT1_IRQ | CONFIG_PORT2_IRQ | CONFIG_TRANSLATE);
    write_config(quiet);
    /* The self-test resets the configuration byte on some controllers, so
     * the byte is written again after it, whatever the test said. */
    int self = query(CMD_SELF_TEST);
    int port1 = query(CMD_PORT1_TEST);
    uint8_t want =
        (uint8_t) ((quiet & ~CONFIG_PORT1_CLOCK) | CONFIG_PORT2_CLOCK |
                   CONFIG_PORT1_IRQ | CONFIG_TRANSLATE);
    bool wrote = write_config(want);
    command(CMD_PORT1_ON);
    flushed += flush();
    int now = query(CMD_READ_CONFIG);
    flush();
    log_printf("ps2: self-test %s, port 1 %s, config 0x%02x -> 0x%02x%s, %d "
               "stale bytes flushed\n",
               self == SELF_TEST_OK ? "ok" : "failed",
               port1 == PORT_TEST_OK ? "ok" : "failed", config, now & 0xFF,
               wrote && now == want ? "" : " (not as written)", flushed);
}
