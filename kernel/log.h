/* log.h: the kernel log, written to COM1 (SPEC section 11). Every line a
 * test looks for goes through here. */
#ifndef KERNEL_LOG_H
#define KERNEL_LOG_H

#include "abi/types.h"

void log_printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void log_vprintf(const char* fmt, va_list ap);
/* Appends raw bytes; used by the log() system call. */
void log_write(const char* buf, size_t len);

#endif
