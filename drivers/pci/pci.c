/* pci.c: configuration mechanism #1 (ports 0xCF8 address, 0xCFC data),
 * which every PC chipset still decodes for the first 256 bytes of each
 * function's space; enough for class codes, BARs and the command register.
 *
 * Address word: bit 31 enable, bus [23:16], device [15:11], function
 * [10:8], dword-aligned register [7:2]. */
#include "drivers/pci/pci.h"

#include "arch/x86_64/x86.h"

#define PCI_ADDR_PORT 0xCF8
#define PCI_DATA_PORT 0xCFC

#define PCI_VENDOR      0x00
#define PCI_CLASS       0x08 /* revision [7:0], prog-if, subclass, class */
#define PCI_HEADER_TYPE 0x0E
#define PCI_BAR0        0x10
#define HEADER_MULTIFN  0x80
#define HEADER_KIND     0x7F

#define BAR_IO      0x1
#define BAR_TYPE    0x6
#define BAR_TYPE_32 0x0
#define BAR_TYPE_64 0x4

static uint32_t address(struct pci_func f, uint8_t off) {
    return 0x80000000U | (uint32_t) f.bus << 16 |
           (uint32_t) (f.dev & 31) << 11 | (uint32_t) (f.fn & 7) << 8 |
           (off & 0xFC);
}

uint32_t pci_read32(struct pci_func f, uint8_t off) {
    outl(PCI_ADDR_PORT, address(f, off));
    return inl(PCI_DATA_PORT);
}

void pci_write32(struct pci_func f, uint8_t off, uint32_t v) {
    outl(PCI_ADDR_PORT, address(f, off));
    outl(PCI_DATA_PORT, v);
}

uint16_t pci_read16(struct pci_func f, uint8_t off) {
    return (uint16_t) (pci_read32(f, off) >> ((off & 2) * 8));
}

void pci_write16(struct pci_func f, uint8_t off, uint16_t v) {
    uint32_t shift = (off & 2) * 8;
    uint32_t old = pci_read32(f, off);
    pci_write32(f, off, (old & ~(0xFFFFU << shift)) | (uint32_t) v << shift);
}

static bool present(struct pci_func f) {
    return (pci_read32(f, PCI_VENDOR) & 0xFFFF) != 0xFFFF;
}

int pci_find_class(uint8_t cls, uint8_t sub, uint8_t progif,
                   struct pci_func* out, int max) {
    int found = 0;
    uint32_t want =
        (uint32_t) cls << 24 | (uint32_t) sub << 16 | (uint32_t) progif << 8;
    for (int bus = 0; bus < 256; ++bus) {
        for (int dev = 0; dev < 32; ++dev) {
            struct pci_func f = {(uint8_t) bus, (uint8_t) dev, 0};
            if (!present(f)) {
                continue;
            }
            bool multi =
                (pci_read32(f, PCI_HEADER_TYPE & 0xFC) >> 16) & HEADER_MULTIFN;
            for (int fn = 0; fn < (multi ? 8 : 1); ++fn) {
                f.fn = (uint8_t) fn;
                if (fn && !present(f)) {
                    continue;
                }
                if ((pci_read32(f, PCI_CLASS) & 0xFFFFFF00) != want) {
                    continue;
                }
                if (found < max) {
                    out[found] = f;
                }
                ++found;
            }
        }
    }
    return found;
}

/* Writes all ones to the BAR dword at off and returns what reads back,
 * restoring the original. */
static uint32_t probe(struct pci_func f, uint8_t off) {
    uint32_t old = pci_read32(f, off);
    pci_write32(f, off, 0xFFFFFFFF);
    uint32_t mask = pci_read32(f, off);
    pci_write32(f, off, old);
    return mask;
}

bool pci_bar_memory(struct pci_func f, int bar, uint64_t* pa, uint64_t* len) {
    if (bar < 0 || bar > 5) {
        return false;
    }
    uint8_t off = (uint8_t) (PCI_BAR0 + 4 * bar);
    uint32_t lo = pci_read32(f, off);
    if (lo & BAR_IO) {
        return false;
    }
    bool is64 = (lo & BAR_TYPE) == BAR_TYPE_64;
    if ((lo & BAR_TYPE) != BAR_TYPE_32 && !is64) {
        return false;
    }
    if (is64 && bar == 5) {
        return false;
    }
    uint16_t cmd = pci_read16(f, PCI_COMMAND);
    pci_write16(f, PCI_COMMAND, cmd & ~PCI_CMD_MEMORY);
    uint64_t mask = probe(f, off) & ~0xFULL;
    uint64_t hi = 0;
    if (is64) {
        hi = pci_read32(f, off + 4);
        mask |= (uint64_t) probe(f, off + 4) << 32;
    } else if (mask) {
        mask |= 0xFFFFFFFF00000000ULL;
    }
    pci_write16(f, PCI_COMMAND, cmd);
    /* An implemented BAR reads back ones from its size bit up. */
    uint64_t size = ~mask + 1;
    if (mask == 0 || (size & (size - 1)) != 0) {
        return false;
    }
    *pa = (hi << 32) | (lo & ~0xFU);
    *len = size;
    return true;
}

void pci_disable_master(struct pci_func f) {
    pci_write16(f, PCI_COMMAND, pci_read16(f, PCI_COMMAND) & ~PCI_CMD_MASTER);
}

void pci_enable_memory_and_master(struct pci_func f) {
    uint16_t cmd = pci_read16(f, PCI_COMMAND);
    pci_write16(f, PCI_COMMAND,
                cmd | PCI_CMD_MEMORY | PCI_CMD_MASTER | PCI_CMD_INTX_OFF);
}
