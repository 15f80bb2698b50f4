/* format.h: printf-style formatting into any character sink. The kernel
 * log, the kernel console and the user console all format through this. */
#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include "abi/types.h"

/* A sink receives one character at a time; ctx is the caller's state. */
typedef void (*format_sink)(void* ctx, char c);

/* Formats fmt with ap into sink. Understands %d %i %u %x %X %p %s %c %%,
 * the flags '-' and '0', a width, a precision (also as '*') and the length
 * modifiers l, ll, z. Returns the number of characters produced. */
int vformat(format_sink sink, void* ctx, const char* fmt, va_list ap);

/* A sink that also has a colour: %C passes its int argument here. */
typedef void (*format_recolor)(void* ctx, int color);

/* vformat, and `%C` takes an int and hands it to recolor (when not NULL),
 * as the handout's console printer changes colour mid-string. */
int vformat_color(format_sink sink, format_recolor recolor, void* ctx,
                  const char* fmt, va_list ap);

/* snprintf: always NUL-terminates when size > 0; returns the length the
 * full output would have had. */
int snprintf(char* buf, size_t size, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vsnprintf(char* buf, size_t size, const char* fmt, va_list ap);

/* Prints into a console cell grid (CONSOLE_ROWS x CONSOLE_COLUMNS cells of
 * (attribute << 8) | character) from cell pos with attribute color (or
 * color >> 8 when color > 0xFF: 0x0700 is 0x07); '\n'
 * moves to the next row. Cells off the grid are not written. Returns the
 * position after the last character. */
int vformat_cells(volatile uint16_t* cells, int pos, int color, const char* fmt,
                  va_list ap);

#endif
