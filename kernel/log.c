/* log.c: formats kernel log lines onto the serial port, and keeps user
 * lines (the log() system call) visibly apart from them.
 *
 * Invariant: every line of the log is either the kernel's or starts with
 * "[pid N] " and holds only what process N wrote, with every byte outside
 * printable ASCII escaped as \xHH. So no process can write a line that
 * reads as the kernel's (PANIC, test: PASS, PAGE FAULT, ...). A kernel
 * line that comes while a user line is open, or a second process's bytes,
 * first end the open line. */
#include "kernel/log.h"

#include "arch/x86_64/devices.h"
#include "lib/format.h"

static bool at_line_start = true;
/* Whose line is open when !at_line_start: 0 the kernel, else a pid. */
static int line_owner;

static void put(char c) {
    if (c == '\n') {
        serial_putc('\r');
    }
    serial_putc(c);
    at_line_start = c == '\n';
}

/* Ends a line that someone other than owner left open. */
static void claim_line(int owner) {
    if (!at_line_start && line_owner != owner) {
        put('\n');
    }
    line_owner = owner;
}

static void kernel_sink(void* ctx, char c) {
    (void) ctx;
    claim_line(0);
    put(c);
}

void log_vprintf(const char* fmt, va_list ap) {
    vformat(kernel_sink, NULL, fmt, ap);
}

void log_printf(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    log_vprintf(fmt, ap);
    va_end(ap);
}

static void put_str(const char* s) {
    for (; *s; ++s) {
        put(*s);
    }
}

static bool printable(char c) {
    return c >= 0x20 && c < 0x7F;
}

void log_user_write(int pid, const char* buf, size_t len) {
    char prefix[24];
    snprintf(prefix, sizeof(prefix), "[pid %d] ", pid);
    for (size_t i = 0; i < len; ++i) {
        claim_line(pid);
        if (at_line_start) {
            put_str(prefix);
        }
        char c = buf[i];
        if (c == '\n' || printable(c)) {
            put(c);
        } else {
            char esc[8];
            snprintf(esc, sizeof(esc), "\\x%02x", (unsigned) (uint8_t) c);
            put_str(esc);
        }
    }
}

void log_escape(char* dst, size_t size, const char* src) {
    size_t n = 0;
    for (; *src && n + 1 < size; ++src) {
        if (printable(*src)) {
            dst[n++] = *src;
        } else if (n + 5 < size) {
            snprintf(dst + n, 5, "\\x%02x", (unsigned) (uint8_t) *src);
            n += 4;
        } else {
            break;
        }
    }
    dst[n] = '\0';
}
