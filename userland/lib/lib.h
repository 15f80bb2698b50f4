/* lib.h: the handout's library header, for programs written for the
 * original WeensyOS handout (with process.h). Same names and behaviour as
 * the handout's: console_printf with colours as attribute << 8 (0x0700 gray,
 * 0xC000 black on light red), %C to change colour mid-string, '\n' blanking
 * the rest of the row, output wrapping to the top of the screen; CPOS, ROUNDUP
 * and ROUNDDOWN (on integers and pointers), rand, assert, panic, strcpy,
 * off_t, the printer interface, and console and cursorpos as objects. The
 * handout's system call vectors (INT_SYS_*) are in abi/syscall.h, which
 * process.h includes. The project's own
 * programs use ulib.h instead; a program uses one or the other. */
#ifndef USERLAND_LIB_H
#define USERLAND_LIB_H

#include "abi/memlayout.h"
#include "abi/syscall.h"
#include "abi/types.h"
#include "lib/format.h"
#include "lib/string.h"
#include "ucommon.h"

typedef int pid_t;
/* A file offset or size, signed, as the handout's. */
typedef int64_t off_t;

#define CROW(cpos) ((cpos) / CONSOLE_COLUMNS)
#define CCOL(cpos) ((cpos) % CONSOLE_COLUMNS)

/* Colours for console_printf: a VGA attribute shifted left by 8. */
#define COLOR_ERROR 0xC000 /* black on light red */

#define arraysize(array) (sizeof(array) / sizeof(array[0]))
#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif

/* The console cells, (attribute << 8) | character, row by row: an object
 * at CONSOLE_ADDR (the linker script places it there). */
extern volatile uint16_t console[CONSOLE_ROWS * CONSOLE_COLUMNS];
/* The cursor app_printf prints at, shared by every process: kept in the
 * console page past the 80x25 cells (CONSOLE_CURSORPOS_ADDR). */
extern volatile int cursorpos;
#define CONSOLE_CURSORPOS_ADDR (CONSOLE_ADDR + 0xFFC)

/* Prints at cell cpos (CPOS(row, col)) in colour color (attribute << 8;
 * a bare attribute such as 0x07 is taken as 0x0700). %C takes an int and
 * changes the colour; '\n' blanks the rest of the row; past the last cell
 * output wraps to the top. Returns the cell after the last one written. A
 * cpos off the screen starts at 0. */
int console_printf(int cpos, int color, const char* format, ...);
int console_vprintf(int cpos, int color, const char* format, va_list val);
/* Blanks the screen and puts cursorpos at the top left. */
void console_clear(void);

/* Shows "PANIC: " and the formatted message on row 23 in COLOR_ERROR,
 * then stops the whole system (sys_panic(NULL), as the handout's). */
_Noreturn void panic(const char* format, ...)
    __attribute__((format(printf, 1, 2)));

/* The handout's generic printer: printer_vprintf formats into p->putc, a
 * character and its colour (attribute << 8) at a time; %C changes the
 * colour. Embed a printer as the first member of your own state. */
typedef struct printer printer;
struct printer {
    void (*putc)(printer* p, unsigned char c, int color);
};
void printer_vprintf(printer* p, int color, const char* format, va_list val);

#endif
