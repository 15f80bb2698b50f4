/* pci.h: PCI configuration space through the legacy 0xCF8/0xCFC ports:
 * finding functions by class, sizing memory BARs, turning on decoding. */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include "abi/types.h"

struct pci_func {
    uint8_t bus, dev, fn;
};

#define PCI_COMMAND      0x04
#define PCI_CMD_MEMORY   0x0002
#define PCI_CMD_MASTER   0x0004
#define PCI_CMD_INTX_OFF 0x0400

uint32_t pci_read32(struct pci_func f, uint8_t off);
void pci_write32(struct pci_func f, uint8_t off, uint32_t v);
uint16_t pci_read16(struct pci_func f, uint8_t off);
void pci_write16(struct pci_func f, uint8_t off, uint16_t v);

/* Fills out[0..max) with the functions whose class, subclass and
 * programming interface match, in bus/device/function order, over all 256
 * buses; returns how many matched (possibly more than max: only max are
 * stored). No config space at all (ports floating) matches nothing. */
int pci_find_class(uint8_t cls, uint8_t sub, uint8_t progif,
                   struct pci_func* out, int max);

/* The physical address and size of memory BAR bar (0-5) of a type-0
 * header, 32- or 64-bit. False when it is an I/O BAR, unimplemented (size
 * 0), a 64-bit BAR in slot 5, or of a reserved type. Sizing writes the BAR,
 * with memory decoding off meanwhile; the BAR is restored. */
bool pci_bar_memory(struct pci_func f, int bar, uint64_t* pa, uint64_t* len);

/* Sets memory space and bus master in the command register, and disables
 * INTx (the drivers poll). */
void pci_enable_memory_and_master(struct pci_func f);

/* Clears bus master: a device given up on may not write memory. */
void pci_disable_master(struct pci_func f);

#endif
