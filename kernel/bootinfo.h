/* bootinfo.h: what the kernel keeps of the Multiboot2 boot information.
 * bootinfo_init copies everything it needs out of GRUB's structures, and
 * every module out of the managed 2 MiB, before any page is handed out. */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H

#include "abi/types.h"

#define BOOT_MAX_MMAP    64
#define BOOT_MAX_MODULES 128
#define BOOT_NAME_MAX    32
/* GRUB passes long command lines; one past this is cut, and the cut is
 * reported (cmdline_len keeps the length GRUB gave). */
#define BOOT_CMDLINE_MAX 4096
#define BOOT_RSDP_MAX    36

#define MMAP_AVAILABLE 1

struct boot_mmap_entry {
    uint64_t base;
    uint64_t length;
    uint32_t type; /* 1 available, 3 ACPI, 4 NVS, 5 bad, else reserved */
};

struct boot_module {
    char name[BOOT_NAME_MAX];
    const uint8_t* data; /* kernel pointer to the copy, outside managed RAM */
    size_t size;
};

#define BOOT_FB_INDEXED  0
#define BOOT_FB_RGB      1
#define BOOT_FB_EGA_TEXT 2

/* Bit position and width of each colour in an RGB pixel. */
struct boot_fb_layout {
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct boot_framebuffer {
    uint64_t addr; /* physical */
    uint32_t pitch, width, height;
    uint8_t bpp;
    uint8_t type; /* BOOT_FB_* */
    struct boot_fb_layout layout;
};

struct bootinfo {
    char cmdline[BOOT_CMDLINE_MAX];
    size_t cmdline_len; /* as given by the loader: > strlen(cmdline) if cut */
    char loader[BOOT_NAME_MAX];
    struct boot_mmap_entry mmap[BOOT_MAX_MMAP];
    int nmmap;
    struct boot_module modules[BOOT_MAX_MODULES];
    int nmodules;
    bool has_framebuffer;
    struct boot_framebuffer fb;
    /* GRUB's copy of the ACPI RSDP (Multiboot2 tag 15, else 14); 0 bytes
     * when the loader gave none. */
    uint8_t acpi_rsdp[BOOT_RSDP_MAX];
    uint8_t acpi_rsdp_len;
    bool acpi_rsdp_new; /* from the ACPI 2.0+ tag */
};

extern struct bootinfo bootinfo;

/* Parses the Multiboot2 information at physical address mbi_pa into
 * `bootinfo`, copying modules above the managed memory. Returns false, after
 * logging why, when the information is unusable. */
bool bootinfo_init(uint64_t mbi_pa);
/* Logs the memory map, the modules and the display. */
void bootinfo_log(void);
/* The module called name, or NULL. */
const struct boot_module* bootinfo_module(const char* name);
/* Reports [pa, pa + len) reserved (type 2) on top of the available RAM it
 * lies in, as firmware with an overlapping hole would (the test word
 * kfakehole). False, after logging why, when it is not available RAM. */
bool bootinfo_reserve(uint64_t pa, uint64_t len);
/* npages zeroed pages of RAM above the managed memory and the module
 * copies, inside the direct map (below 4 GiB), for device rings and
 * buffers; their physical address, or 0 when no such RAM is left. Never
 * freed. Call after bootinfo_init. */
uint64_t bootinfo_alloc_pages(uint64_t npages);
/* True when all of [pa, pa + len) is available RAM per the memory map
 * and no other entry overlaps it. */
bool bootinfo_is_ram(uint64_t pa, uint64_t len);

#endif
