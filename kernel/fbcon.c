/* fbcon.c: owns the framebuffer once the framebuffer console is active.
 * Paints console cells as 8x16 glyphs in the 16 VGA colours (foreground in
 * the attribute's low nibble, background in the high nibble: blink is off),
 * with the 640x400 grid centred, and keeps a shadow of what it painted so a
 * frame repaints only the cells that changed.
 *
 * Pixels are made from the colour-field positions and sizes the loader
 * gave (OVMF's GOP and QEMU's VGA: 0xRRGGBB, blue in the lowest byte; real
 * firmware may put red lowest). */
#include "kernel/fbcon.h"

#include "abi/memlayout.h"
#include "arch/x86_64/mmio.h"
#include "kernel/log.h"
#include "mm/direct.h"

#define GRID_WIDTH  (CONSOLE_COLUMNS * FONT_WIDTH)
#define GRID_HEIGHT (CONSOLE_ROWS * FONT_HEIGHT)
#define NCELLS      (CONSOLE_ROWS * CONSOLE_COLUMNS)

/* The standard 16 VGA text colours as 0xRRGGBB, by attribute nibble. */
static const uint32_t vga_palette[16] = {
    0x000000, 0x0000AA, 0x00AA00, 0x00AAAA, 0xAA0000, 0xAA00AA,
    0xAA5500, 0xAAAAAA, 0x555555, 0x5555FF, 0x55FF55, 0x55FFFF,
    0xFF5555, 0xFF55FF, 0xFFFF55, 0xFFFFFF,
};

/* Geometry: written only by fbcon_init, read by the painting functions. */
static struct {
    volatile uint8_t* base; /* kernel address of the framebuffer */
    volatile uint8_t* grid; /* kernel address of the grid's top-left pixel */
    uint32_t pitch;         /* bytes per framebuffer line */
    uint32_t width, height; /* in pixels */
    uint32_t bytespp;       /* 3 or 4 */
    bool active;
    uint32_t palette[16]; /* vga_palette as this framebuffer's pixels */
} fb;

/* The cells as last painted; owned by fbcon_draw. Meaningless until
 * shadow_valid, which forces the first frame to paint every cell. */
static uint16_t shadow[NCELLS];
static bool shadow_valid;

static inline void put_pixel(volatile uint8_t* p, uint32_t rgb) {
    if (fb.bytespp == 4) {
        *(volatile uint32_t*) p = rgb;
    } else {
        p[0] = (uint8_t) rgb;
        p[1] = (uint8_t) (rgb >> 8);
        p[2] = (uint8_t) (rgb >> 16);
    }
}

/* One 8-bit colour channel as a field of size bits at bit pos. */
static uint32_t channel(uint32_t v8, uint8_t pos, uint8_t size) {
    uint32_t v = size <= 8 ? v8 >> (8 - size) : v8 << (size - 8);
    return v << pos;
}

static uint32_t rgb_to_pixel(uint32_t rgb, const struct boot_fb_layout* l) {
    return channel((rgb >> 16) & 0xFF, l->red_pos, l->red_size) |
           channel((rgb >> 8) & 0xFF, l->green_pos, l->green_size) |
           channel(rgb & 0xFF, l->blue_pos, l->blue_size);
}

static bool field_fits(uint8_t pos, uint8_t size, uint8_t bpp) {
    return size > 0 && size <= 16 && pos + size <= bpp;
}

/* Paints the whole framebuffer black. */
static void blank_screen(void) {
    volatile uint8_t* line = fb.base;
    for (uint32_t y = 0; y < fb.height; ++y, line += fb.pitch) {
        for (uint32_t x = 0; x < fb.width; ++x) {
            put_pixel(line + x * fb.bytespp, 0);
        }
    }
}

/* Paints cell at grid position pos. Characters without a glyph (control
 * characters, 0x7F and above) show as blanks in the cell's background. */
static void draw_cell(int pos, uint16_t cell) {
    uint8_t ch = (uint8_t) cell;
    if (ch < FONT_FIRST || ch > FONT_LAST) {
        ch = ' ';
    }
    const uint8_t* glyph = font8x16[ch - FONT_FIRST];
    uint32_t fg = fb.palette[(cell >> 8) & 0xF];
    uint32_t bg = fb.palette[(cell >> 12) & 0xF];
    volatile uint8_t* line =
        fb.grid + (uint64_t) (pos / CONSOLE_COLUMNS) * FONT_HEIGHT * fb.pitch +
        (uint64_t) (pos % CONSOLE_COLUMNS) * FONT_WIDTH * fb.bytespp;
    for (int y = 0; y < FONT_HEIGHT; ++y, line += fb.pitch) {
        volatile uint8_t* p = line;
        for (int x = 0; x < FONT_WIDTH; ++x, p += fb.bytespp) {
            put_pixel(p, (glyph[y] & (0x80 >> x)) ? fg : bg);
        }
    }
}

/* Why framebuffer f cannot be drawn on, or NULL when it can. */
static const char* unusable_reason(const struct boot_framebuffer* f) {
    if (f->type != BOOT_FB_RGB) {
        return "not an RGB framebuffer";
    } else if (f->bpp != 24 && f->bpp != 32) {
        return "only 24 and 32 bpp are supported";
    } else if (!field_fits(f->layout.red_pos, f->layout.red_size, f->bpp) ||
               !field_fits(f->layout.green_pos, f->layout.green_size, f->bpp) ||
               !field_fits(f->layout.blue_pos, f->layout.blue_size, f->bpp)) {
        return "colour fields outside the pixel";
    } else if (f->width < GRID_WIDTH || f->height < GRID_HEIGHT) {
        return "smaller than the 640x400 console";
    } else if (f->pitch < f->width * (f->bpp / 8)) {
        return "pitch shorter than a line";
    } else if (f->addr == 0 ||
               f->addr + (uint64_t) f->pitch * f->height < f->addr) {
        return "no address, or one that wraps";
    }
    return NULL;
}

bool fbcon_init(const struct boot_framebuffer* f) {
    const char* why = unusable_reason(f);
    if (why) {
        log_printf("console: framebuffer %ux%u bpp %u at 0x%lx unusable: %s\n",
                   f->width, f->height, f->bpp, f->addr, why);
        return false;
    }
    /* Anywhere in physical space: above 4 GiB with resizable-BAR graphics
     * or a firmware that allocates the framebuffer from high RAM. */
    fb.base = mmio_map(f->addr, (uint64_t) f->pitch * f->height, MMIO_MEMORY);
    if (!fb.base) {
        log_printf("console: framebuffer at 0x%lx cannot be mapped\n", f->addr);
        return false;
    }
    if (f->addr >= DIRECT_MAP_SIZE) {
        log_printf("console: framebuffer at 0x%lx, above 4 GiB: mapped at "
                   "0x%lx\n",
                   f->addr, (uintptr_t) fb.base);
    }
    fb.pitch = f->pitch;
    fb.width = f->width;
    fb.height = f->height;
    fb.bytespp = f->bpp / 8;
    for (int i = 0; i < 16; ++i) {
        fb.palette[i] = rgb_to_pixel(vga_palette[i], &f->layout);
    }
    fb.grid = fb.base + (uint64_t) (f->height - GRID_HEIGHT) / 2 * f->pitch +
              (uint64_t) (f->width - GRID_WIDTH) / 2 * fb.bytespp;
    blank_screen();
    shadow_valid = false;
    fb.active = true;
    return true;
}

void fbcon_draw(const volatile uint16_t* cells) {
    if (!fb.active) {
        return;
    }
    for (int pos = 0; pos < NCELLS; ++pos) {
        uint16_t cell = cells[pos];
        if (!shadow_valid || cell != shadow[pos]) {
            draw_cell(pos, cell);
            shadow[pos] = cell;
        }
    }
    shadow_valid = true;
}
