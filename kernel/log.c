/* log.c: formats kernel log lines onto the serial port. */
#include "kernel/log.h"

#include "arch/x86_64/devices.h"
#include "lib/format.h"

static void serial_sink(void* ctx, char c) {
    (void) ctx;
    if (c == '\n') {
        serial_putc('\r');
    }
    serial_putc(c);
}

void log_vprintf(const char* fmt, va_list ap) {
    vformat(serial_sink, NULL, fmt, ap);
}

void log_printf(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    log_vprintf(fmt, ap);
    va_end(ap);
}

void log_write(const char* buf, size_t len) {
    for (size_t i = 0; i < len; ++i) {
        serial_sink(NULL, buf[i]);
    }
}
