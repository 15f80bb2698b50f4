/* acpi.h: the little of ACPI a kernel needs to switch a PC off: the RSDP,
 * the RSDT/XSDT, the FADT's PM1 control blocks and the \_S5 sleep type from
 * the DSDT (or an SSDT). No AML interpreter: \_S5 is found by the usual
 * byte-pattern scan. */
#ifndef ARCH_ACPI_H
#define ARCH_ACPI_H

#include "abi/types.h"

/* Finds the tables and logs what it found. rsdp/rsdp_len: the RSDP copy
 * GRUB passed in a Multiboot2 ACPI tag (rsdp_len 0 when there was none);
 * otherwise the BIOS areas (EBDA, 0xE0000-0xFFFFF) are searched. Tables
 * outside the kernel's direct map (above 4 GiB) are skipped. Call once at
 * boot, before any process runs. */
void acpi_init(const uint8_t* rsdp, size_t rsdp_len);

/* Enters S5 (soft off) through the PM1 control blocks. Returns, after
 * logging why, only when ACPI power-off is unknown or did not happen. */
void acpi_poweroff(void);

#endif
