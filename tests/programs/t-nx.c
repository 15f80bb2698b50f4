/* t-nx: code written to a data page must not run. Children each write a
 * `ret` (0xC3) into one kind of data page and call it: the console page
 * (shared and writable by every process), the stack, a heap page from
 * page_alloc and the program's own data. Each must die of an exec page
 * fault before it can say otherwise; the parent keeps its data. */
#include "t-check.h"

#define RET       0xC3
#define HEAP_PAGE ((uint8_t*) 0x280000)

static uint8_t data_code[16] = {RET};
static uint8_t parent_data[PAGESIZE];

typedef void (*fn)(void);

static _Noreturn void run(volatile uint8_t* code, const char* where) {
    *code = RET;
    log_printf("t-nx: pid %d calls %s code at %p\n", sys_getpid(), where,
               (void*) code);
    ((fn) (uintptr_t) code)();
    log_printf("t-nx: EXECUTED %s\n", where);
    sys_panic("t-nx: code in a data page ran");
}

static pid_t attacker(int kind) {
    pid_t pid = sys_fork();
    CHECK(pid >= 0, "fork failed: %d", pid);
    if (pid != 0) {
        return pid;
    }
    uint8_t stack_code[16];
    switch (kind) {
    case 0:
        /* Row 9 belongs to user programs; the low byte of a cell. */
        run((volatile uint8_t*) CONSOLE_ADDR + 9 * 160 + 2 * 70, "console");
    case 1:
        run(stack_code, "stack");
    case 2:
        CHECK_EQ(sys_page_alloc(HEAP_PAGE), 0, "page_alloc");
        run(HEAP_PAGE, "heap");
    default:
        run(data_code, "data");
    }
}

int process_main(void) {
    memset(parent_data, 0x6E, sizeof(parent_data));
    pid_t kids[4];
    for (int k = 0; k < 4; ++k) {
        kids[k] = attacker(k);
        yield_n(5);
    }
    yield_n(20);
    for (int k = 0; k < 4; ++k) {
        CHECK_EQ(sys_kill(kids[k]), E_SRCH, "the attacker is gone");
    }
    for (size_t i = 0; i < sizeof(parent_data); ++i) {
        CHECK_EQ(parent_data[i], 0x6E, "parent's data");
    }
    log_printf("t-nx: parent ok\n");
    return 0;
}
