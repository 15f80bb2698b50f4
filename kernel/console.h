/* console.h: the 80x25 cell grid at CONSOLE_ADDR, as the kernel draws on
 * it. A cell is (attribute << 8) | character, as in VGA text mode. */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include "abi/memlayout.h"
#include "abi/types.h"

/* Colours (VGA attribute nibbles). */
#define COLOR_GRAY    0x07
#define COLOR_WHITE   0x0F
#define COLOR_RED     0x0C
#define COLOR_MAGENTA 0x0D
#define COLOR_ERROR   0x4F /* white on red */

/* Rows at the bottom that carry messages (SPEC section 9). */
#define ROW_PTERROR 23
#define ROW_MESSAGE 24

struct boot_framebuffer;

void console_init(void);
/* Shows the grid on framebuffer fb from now on (through kernel/fbcon.c),
 * keeping it in a RAM page (console_frame) rather than in VGA text memory.
 * Call before vm_init. Returns false, after logging why, when fb is
 * unusable; the grid then stays in VGA text memory at CONSOLE_ADDR. */
bool console_use_framebuffer(const struct boot_framebuffer* fb);
/* The physical frame that holds the grid, which address spaces should map
 * at CONSOLE_ADDR: CONSOLE_ADDR itself under VGA text, else the RAM page. */
uint64_t console_frame(void);
/* Makes the screen show the grid: repaints the cells that changed since the
 * last flush when a framebuffer is in use; nothing to do under VGA text. */
void console_flush(void);
void console_clear(void);
/* Prints at cell position pos with attribute color; returns the position
 * after the last character. Output past the screen's end is dropped. */
int console_printf(int pos, int color, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));
int console_vprintf(int pos, int color, const char* fmt, va_list ap);
/* Replaces a whole row with a message (padded with blanks). */
void console_message(int row, int color, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));
void console_putcell(int pos, uint16_t cell);
uint16_t console_getcell(int pos);
/* Writes the screen to the log between SCREEN BEGIN/END markers, one row
 * of characters per line then one row of attributes in hex, so tools can
 * rebuild it. */
void console_dump_to_log(void);

#endif
