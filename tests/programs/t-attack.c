/* t-attack: one attack on kernel memory, chosen at build time (ATTACK):
 * 1 read the kernel image, 2 write it, 3 read the kernel stack, 4 write it.
 * A survivor child forked first must see its own memory intact and exit 0;
 * the attacker must die of the page fault before it can log success. */
#include "t-check.h"

#define KERNEL_STACK_PAGE (KERNEL_STACK_TOP - PAGESIZE)

static uint8_t survivor_data[PAGESIZE];

static _Noreturn void survive(void) {
    memset(survivor_data, 0x5A, sizeof(survivor_data));
    yield_n(40);
    for (size_t i = 0; i < sizeof(survivor_data); ++i) {
        CHECK_EQ(survivor_data[i], 0x5A, "survivor's data");
    }
    log_printf("t-attack: survivor %d ok\n", sys_getpid());
    sys_exit(0);
}

int process_main(void) {
    pid_t child = sys_fork();
    CHECK(child >= 0, "fork failed: %d", child);
    if (child == 0) {
        survive();
    }
    volatile uint64_t* target;
#if ATTACK == 1 || ATTACK == 2
    target = (volatile uint64_t*) KERNEL_START_ADDR;
#else
    target = (volatile uint64_t*) (KERNEL_STACK_PAGE + 0x800);
#endif
    log_printf("t-attack: pid %d attacking %p\n", sys_getpid(), (void*) target);
#if ATTACK == 1 || ATTACK == 3
    uint64_t v = *target;
    log_printf("t-attack: read %lx\n", v);
#else
    *target = 0x6b696c6c;
#endif
    sys_panic("t-attack: kernel memory access did not fault");
}
