/* log.h: the kernel log, written to COM1 (SPEC section 11). Every line a
 * test looks for goes through here. */
#ifndef KERNEL_LOG_H
#define KERNEL_LOG_H

#include "abi/types.h"

void log_printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void log_vprintf(const char* fmt, va_list ap);
/* Appends bytes written by process pid (the log() system call): each of
 * its lines starts "[pid N] ", bytes outside printable ASCII and newline
 * are escaped as \xHH (see log.c). */
void log_user_write(int pid, const char* buf, size_t len);
/* Copies the string src into dst (size bytes) with the same escapes, cut
 * to fit; for user text the kernel quotes (panic messages). */
void log_escape(char* dst, size_t size, const char* src);

#endif
