/* kernel.h: whole-system events that kernel/ ties together. */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

/* Every process has ended: check for leaks, redraw, and in test mode leave
 * QEMU with the verdict. */
void kernel_all_exited(void);
/* Test mode: every live process (n of them) called exit and exit returned
 * (exitpark.c): the final screen, then QEMU leaves with 0x12 (status 37),
 * the verdict "pass, exit not implemented". No leak check: the parked
 * processes still hold their memory. */
void kernel_all_parked(int n);
/* Powers off (QEMU exits); if nothing listens, halts with a message. */
_Noreturn void kernel_poweroff(void);

#endif
