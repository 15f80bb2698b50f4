/* handout.c: the handout's user library (process.h, lib.h): start-up,
 * the console printer and app_printf. */
#include "process.h"

/* Entry: %rsp = MEMSIZE_VIRTUAL. A zero frame pointer and an undefined
 * return address (CFI) end debugger backtraces here; returning from
 * process_main exits with status 0. */
__asm__(".section .text.start, \"ax\"\n"
        ".globl _start\n"
        "_start:\n"
        "  .cfi_startproc\n"
        "  .cfi_undefined rip\n"
        "  xorl %ebp, %ebp\n"
        "  call process_main\n"
        "  call handout_exit\n"
        "  .cfi_endproc\n");

_Noreturn void handout_exit(void);
_Noreturn void handout_exit(void) {
    sys_exit();
}

#define NCELLS (CONSOLE_ROWS * CONSOLE_COLUMNS)

struct cursor {
    int pos;   /* always in [0, NCELLS) when a character is written */
    int color; /* attribute << 8 */
};

static int as_color(int color) {
    return (color & ~0xFF) == 0 ? color << 8 : color;
}

static void cursor_put(void* ctx, char c) {
    struct cursor* cur = ctx;
    if (cur->pos < 0 || cur->pos >= NCELLS) {
        cur->pos = 0;
    }
    if (c == '\n') {
        do {
            console[cur->pos++] = (uint16_t) (cur->color | ' ');
        } while (cur->pos % CONSOLE_COLUMNS != 0);
    } else {
        console[cur->pos++] = (uint16_t) (cur->color | (uint8_t) c);
    }
}

static void cursor_recolor(void* ctx, int color) {
    ((struct cursor*) ctx)->color = as_color(color);
}

int console_vprintf(int cpos, int color, const char* format, va_list val) {
    struct cursor cur = {cpos, as_color(color)};
    if (cur.pos < 0 || cur.pos >= NCELLS) {
        cur.pos = 0;
    }
    vformat_color(cursor_put, cursor_recolor, &cur, format, val);
    return cur.pos;
}

int console_printf(int cpos, int color, const char* format, ...) {
    va_list val;
    va_start(val, format);
    cpos = console_vprintf(cpos, color, format, val);
    va_end(val);
    return cpos;
}

void console_clear(void) {
    for (int i = 0; i < NCELLS; ++i) {
        console[i] = 0x0700 | ' ';
    }
    cursorpos = 0;
}

void app_printf(int colorid, const char* format, ...) {
    static const uint8_t colors[] = {0x0E, 0x0F, 0x0C, 0x0A, 0x09};
    int color;
    if (colorid < 0) {
        color = 0x0700;
    } else if (colorid > 0xFF) {
        color = colorid;
    } else {
        color = colors[colorid % arraysize(colors)] << 8;
    }
    va_list val;
    va_start(val, format);
    cursorpos = console_vprintf(cursorpos, color, format, val);
    va_end(val);
}
