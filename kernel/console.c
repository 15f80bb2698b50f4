/* console.c: owns the console cell grid seen at CONSOLE_ADDR. Under VGA text
 * mode that is the VGA text buffer itself. Under a framebuffer (UEFI) the
 * legacy VGA window no longer holds text (QEMU's VGA in a VBE mode ignores
 * writes to 0xB8000 and reads back 0xFF), so the grid lives in fb_cells, a
 * RAM page in the kernel image, and console_flush hands it to
 * kernel/fbcon.c. User programs write to the grid too: it is user read/write
 * at CONSOLE_ADDR in every address space (console_frame says which frame). */
#include "kernel/console.h"

#include "arch/x86_64/x86.h"
#include "kernel/fbcon.h"
#include "kernel/log.h"
#include "lib/format.h"

/* The grid under a framebuffer. A whole page, so that no other kernel data
 * shares the frame that user programs may write. */
static uint16_t fb_cells[PAGESIZE / sizeof(uint16_t)]
    __attribute__((aligned(PAGESIZE)));

/* Where the kernel reads and writes the grid, and whether a framebuffer
 * shows it; both set once, by console_use_framebuffer, before vm_init. */
static volatile uint16_t* cells = (volatile uint16_t*) CONSOLE_ADDR;
static bool fb_active;

/* Turns the VGA blink bit into a background-intensity bit, so that reverse
 * video of bright colours shows as a bright background, not blinking. */
static void vga_disable_blink(void) {
    (void) inb(0x3DA);
    outb(0x3C0, 0x30);
    uint8_t mode = inb(0x3C1);
    outb(0x3C0, mode & ~0x08);
    outb(0x3C0, 0x20); /* re-enable the display */
}

/* Hides the hardware cursor: the viewer redraws the whole screen. */
static void vga_hide_cursor(void) {
    outb(0x3D4, 0x0A);
    outb(0x3D5, 0x20);
}

void console_init(void) {
    vga_disable_blink();
    vga_hide_cursor();
    console_clear();
}

bool console_use_framebuffer(const struct boot_framebuffer* fb) {
    fb_active = fbcon_init(fb);
    if (fb_active) {
        cells = fb_cells;
        console_clear();
        console_flush();
    }
    return fb_active;
}

uint64_t console_frame(void) {
    /* The kernel image is identity mapped: its addresses are physical. */
    return fb_active ? (uint64_t) (uintptr_t) fb_cells : CONSOLE_ADDR;
}

void console_flush(void) {
    if (fb_active) {
        fbcon_draw(cells);
    }
}

void console_clear(void) {
    for (int i = 0; i < CONSOLE_ROWS * CONSOLE_COLUMNS; ++i) {
        cells[i] = (COLOR_GRAY << 8) | ' ';
    }
}

void console_putcell(int pos, uint16_t cell) {
    if (pos >= 0 && pos < CONSOLE_ROWS * CONSOLE_COLUMNS) {
        cells[pos] = cell;
    }
}

uint16_t console_getcell(int pos) {
    return cells[pos];
}

int console_vprintf(int pos, int color, const char* fmt, va_list ap) {
    return vformat_cells(cells, pos, color, fmt, ap);
}

int console_printf(int pos, int color, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    pos = console_vprintf(pos, color, fmt, ap);
    va_end(ap);
    return pos;
}

void console_message(int row, int color, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int end = console_vprintf(CPOS(row, 0), color, fmt, ap);
    va_end(ap);
    for (; end < CPOS(row + 1, 0); ++end) {
        console_putcell(end, (COLOR_GRAY << 8) | ' ');
    }
}

void console_dump_to_log(void) {
    log_printf("SCREEN BEGIN\n");
    for (int r = 0; r < CONSOLE_ROWS; ++r) {
        char text[CONSOLE_COLUMNS + 1];
        for (int c = 0; c < CONSOLE_COLUMNS; ++c) {
            char ch = (char) (cells[CPOS(r, c)] & 0xFF);
            text[c] = (ch >= 32 && ch < 127) ? ch : ' ';
        }
        text[CONSOLE_COLUMNS] = '\0';
        log_printf("S|%s|\n", text);
        log_printf("A|");
        for (int c = 0; c < CONSOLE_COLUMNS; ++c) {
            log_printf("%02x", cells[CPOS(r, c)] >> 8);
        }
        log_printf("|\n");
    }
    log_printf("SCREEN END\n");
}
