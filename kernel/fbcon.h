/* fbcon.h: the framebuffer console. Draws the 80x25 console cell grid onto a
 * linear RGB framebuffer with an 8x16 font, for machines without VGA text
 * mode (UEFI). kernel/console.c decides when; fbcon only draws. */
#ifndef KERNEL_FBCON_H
#define KERNEL_FBCON_H

#include "abi/types.h"
#include "kernel/bootinfo.h"

#define FONT_WIDTH  8
#define FONT_HEIGHT 16
#define FONT_FIRST  0x20 /* ' ' */
#define FONT_LAST   0x7E /* '~' */
#define FONT_GLYPHS (FONT_LAST - FONT_FIRST + 1)

/* Glyph rows for FONT_FIRST..FONT_LAST, top row first, bit 7 leftmost
 * (kernel/font8x16.c). */
extern const uint8_t font8x16[FONT_GLYPHS][FONT_HEIGHT];

/* Prepares to draw on framebuffer fb (RGB, 24 or 32 bpp, below 4 GiB, at
 * least 640x400) and blanks it. Returns false, after logging why, when fb
 * cannot be used; nothing is drawn then. */
bool fbcon_init(const struct boot_framebuffer* fb);

/* Paints every cell of cells[CONSOLE_ROWS * CONSOLE_COLUMNS] that differs
 * from what the previous call painted (everything on the first call).
 * Does nothing unless fbcon_init succeeded. */
void fbcon_draw(const volatile uint16_t* cells);

#endif
