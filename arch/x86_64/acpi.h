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
 * anywhere in physical space are mapped (mmio_map). Call once at boot,
 * before any process runs. */
void acpi_init(const uint8_t* rsdp, size_t rsdp_len);

/* The first table with signature sig (4 characters, e.g. "APIC", "HPET")
 * that the XSDT/RSDT lists, with a sound length and checksum; its length
 * in *len. NULL when there is none (or before acpi_init). */
const uint8_t* acpi_table(const char* sig, uint32_t* len);

/* The FADT's ACPI PM timer (3.579545 MHz): its I/O port and whether it
 * counts 32 bits (else 24). False when the machine has none. */
bool acpi_pm_timer(uint16_t* port, bool* bits32);

/* Enters S5 (soft off) through the PM1 control blocks. Returns, after
 * logging why, only when ACPI power-off is unknown or did not happen. */
void acpi_poweroff(void);

#endif
