/* t-kprobe: one process, no fork, reads the kernel image: it must die of
 * the page fault before it can log what it read. The fork-free probe of
 * handout step 1 (t-attack's needs fork for its survivor). */
#include "t-check.h"

int process_main(void) {
    volatile uint64_t* target = (volatile uint64_t*) KERNEL_START_ADDR;
    log_printf("t-kprobe: pid %d reading %p\n", sys_getpid(), (void*) target);
    uint64_t v = *target;
    log_printf("t-kprobe: read %lx\n", v);
    sys_panic("t-kprobe: reading kernel memory did not fault");
}
