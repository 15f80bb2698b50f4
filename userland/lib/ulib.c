/* ulib.c: user library: start-up, console printing, log, rand, assert. */
#include "ulib.h"

/* Entry: %rsp = MEMSIZE_VIRTUAL; a zero frame pointer ends backtraces. */
__asm__(".section .text.start, \"ax\"\n"
        ".globl _start\n"
        "_start:\n"
        "  xorl %ebp, %ebp\n"
        "  call process_main\n"
        "  movl %eax, %edi\n"
        "  call user_exit\n");

_Noreturn void user_exit(int status);
_Noreturn void user_exit(int status) {
    sys_exit(status);
}

struct linebuf {
    char buf[256];
    size_t len;
};

/* log() may write less than asked (the kernel caps one call): loop. */
static void log_all(const char* buf, size_t len) {
    while (len > 0) {
        int64_t n = sys_log(buf, len);
        if (n <= 0) {
            return;
        }
        buf += n;
        len -= (size_t) n;
    }
}

static void line_put(void* ctx, char c) {
    struct linebuf* lb = ctx;
    if (lb->len == sizeof(lb->buf)) {
        log_all(lb->buf, lb->len);
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
    log_all(lb.buf, lb.len);
}

int console_printf(int pos, int color, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    pos = vformat_cells((volatile uint16_t*) CONSOLE_ADDR, pos, color, fmt, ap);
    va_end(ap);
    return pos;
}

static unsigned long rand_state = 1;

void srand(unsigned seed) {
    rand_state = seed;
}

int rand(void) {
    rand_state = rand_state * 6364136223846793005UL + 1442695040888963407UL;
    return (int) ((rand_state >> 33) & RAND_MAX);
}

_Noreturn void assert_fail(const char* file, int line, const char* expr) {
    char msg[128];
    snprintf(msg, sizeof(msg), "%s:%d: assertion '%s' failed", file, line,
             expr);
    sys_panic(msg);
}
