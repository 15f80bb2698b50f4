/* kernel.h: whole-system events that kernel/ ties together. */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

/* Every process has ended: check for leaks, redraw, and in test mode leave
 * QEMU with the verdict. */
void kernel_all_exited(void);
/* Powers off (QEMU exits); if nothing listens, halts with a message. */
_Noreturn void kernel_poweroff(void);

#endif
