/* handout.c: the handout's user library (process.h, lib.h): start-up,
 * the console objects, the console printer, the generic printer, panic and
 * app_printf. */
#include "process.h"

#include "lib/format.h"

/* console and cursorpos are objects at fixed addresses in the console page
 * every process maps (SPEC section 5): absolute symbols. */
__asm__(".globl console\n"
        ".set console, 0xB8000\n"
        ".globl cursorpos\n"
        ".set cursorpos, 0xB8FFC\n");
_Static_assert(CONSOLE_ADDR == 0xB8000 && CONSOLE_CURSORPOS_ADDR == 0xB8FFC,
               "the console symbols above must match abi/memlayout.h");

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
    /* Past row 22 the kernel's message rows start: back to the top, as the
     * handout's app_printf does. */
    if (CROW(cursorpos) >= 23) {
        cursorpos = CPOS(0, 0);
    }
}

struct printer_state {
    printer* p;
    int color;
};

static void printer_put(void* ctx, char c) {
    struct printer_state* st = ctx;
    st->p->putc(st->p, (unsigned char) c, st->color);
}

static void printer_recolor(void* ctx, int color) {
    ((struct printer_state*) ctx)->color = color;
}

void printer_vprintf(printer* p, int color, const char* format, va_list val) {
    struct printer_state st = {p, color};
    vformat_color(printer_put, printer_recolor, &st, format, val);
}

/* As the handout's: "PANIC: message" with a newline on row 23, then
 * sys_panic(NULL) (the kernel adds its plain PANIC line). */
_Noreturn void panic(const char* format, ...) {
    char buf[160];
    memcpy(buf, "PANIC: ", 7);
    va_list val;
    va_start(val, format);
    int len = vsnprintf(buf + 7, sizeof(buf) - 7, format, val) + 7;
    va_end(val);
    if (len > (int) sizeof(buf) - 2) {
        len = sizeof(buf) - 2;
    }
    if (len > 0 && buf[len - 1] != '\n') {
        strcpy(buf + len, "\n");
    }
    console_printf(CPOS(23, 0), COLOR_ERROR, "%s", buf);
    sys_panic(NULL);
}
