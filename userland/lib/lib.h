/* lib.h: the handout's library header, for programs written for the
 * original WeensyOS handout (with process.h). Same names and behaviour as
 * the handout's: console_printf with colours as attribute << 8 (0x0700 gray,
 * 0xC000 black on light red), %C to change colour mid-string, '\n' blanking
 * the rest of the row, output wrapping to the top of the screen; CPOS, ROUNDUP
 * and ROUNDDOWN (on integers and pointers), rand, assert. The project's own
 * programs use ulib.h instead; a program uses one or the other. */
#ifndef USERLAND_LIB_H
#define USERLAND_LIB_H

#include "abi/memlayout.h"
#include "abi/types.h"
#include "lib/format.h"
#include "lib/string.h"
#include "ucommon.h"

typedef int pid_t;

#define CROW(cpos) ((cpos) / CONSOLE_COLUMNS)
#define CCOL(cpos) ((cpos) % CONSOLE_COLUMNS)

/* Colours for console_printf: a VGA attribute shifted left by 8. */
#define COLOR_ERROR 0xC000 /* black on light red */

#define arraysize(array) (sizeof(array) / sizeof(array[0]))
#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif

/* The console cells, (attribute << 8) | character, row by row. */
#define console ((volatile uint16_t*) CONSOLE_ADDR)
/* The cursor app_printf prints at, shared by every process (and kept,
 * as the handout's, in the console page past the 80x25 cells). */
#define cursorpos (*(volatile int*) (CONSOLE_ADDR + 0xFFC))

/* Prints at cell cpos (CPOS(row, col)) in colour color (attribute << 8;
 * a bare attribute such as 0x07 is taken as 0x0700). %C takes an int and
 * changes the colour; '\n' blanks the rest of the row; past the last cell
 * output wraps to the top. Returns the cell after the last one written. A
 * cpos off the screen starts at 0. */
int console_printf(int cpos, int color, const char* format, ...);
int console_vprintf(int cpos, int color, const char* format, va_list val);
/* Blanks the screen and puts cursorpos at the top left. */
void console_clear(void);

#endif
