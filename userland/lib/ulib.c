/* ulib.c: the project's user library (ulib.h): start-up, console
 * printing, the log. rand and assert are in ucommon.c. */
#include "ulib.h"

/* Entry: %rsp = MEMSIZE_VIRTUAL. A zero frame pointer and an undefined
 * return address (CFI) end debugger backtraces here. */
__asm__(".section .text.start, \"ax\"\n"
        ".globl _start\n"
        "_start:\n"
        "  .cfi_startproc\n"
        "  .cfi_undefined rip\n"
        "  xorl %ebp, %ebp\n"
        "  call process_main\n"
        "  movl %eax, %edi\n"
        "  call user_exit\n"
        "  .cfi_endproc\n");

_Noreturn void user_exit(int status);
_Noreturn void user_exit(int status) {
    sys_exit(status);
}

unsigned ticks_wait(uint64_t* last) {
    uint64_t now = sys_ticks();
    while (now == *last) {
        sys_sleep(1);
        now = sys_ticks();
    }
    unsigned passed = (unsigned) (now - *last);
    *last = now;
    return passed;
}

struct linebuf {
    char buf[256];
    size_t len;
};

static void line_put(void* ctx, char c) {
    struct linebuf* lb = ctx;
    if (lb->len == sizeof(lb->buf)) {
        (void) sys_log(lb->buf, lb->len);
        lb->len = 0;
    }
    lb->buf[lb->len++] = c;
}

void log_printf(const char* fmt, ...) {
    struct linebuf lb = {.len = 0};
    va_list ap;
    va_start(ap, fmt);
    vformat(line_put, &lb, fmt, ap);
    va_end(ap);
    (void) sys_log(lb.buf, lb.len);
}

int console_printf(int pos, int color, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    pos = vformat_cells((volatile uint16_t*) CONSOLE_ADDR, pos, color, fmt, ap);
    va_end(ap);
    return pos;
}
