/* pic.h: the 8259 PIC pair. On a machine with a usable MADT it is only
 * remapped and masked (a stray interrupt then lands on a harmless vector);
 * where there is none it delivers the ISA IRQs. Internal to arch/. */
#ifndef ARCH_PIC_H
#define ARCH_PIC_H

#include "abi/types.h"

/* Remaps both PICs to vectors INT_IRQ0..INT_IRQ0+15 and masks every line
 * (the cascade line 2 stays open, so unmasking a slave line works). On a
 * machine without 8259s the writes reach nothing and do no harm. */
void pic_init_masked(void);
/* Lets ISA IRQ irq (0-15) through. */
void pic_unmask(unsigned irq);
/* Acknowledges IRQ line irq (0-15). */
void pic_eoi(unsigned irq);

#endif
