/* bootinfo.c: reads the Multiboot2 information GRUB left in memory and
 * copies what the kernel needs to places the kernel owns.
 *
 * GRUB puts the information and the modules wherever it likes: measured at
 * 0x100000 and up under BIOS, 0x4000 and up under UEFI, inside the 2 MiB the
 * kernel manages. So tags are copied into `bootinfo` and module contents to
 * a bump arena in RAM above MEMSIZE_PHYSICAL that overlaps neither. */
#include "kernel/bootinfo.h"

#include "abi/memlayout.h"
#include "kernel/config.h"
#include "kernel/log.h"
#include "lib/string.h"
#include "mm/direct.h"

#define MB2_TAG_END         0
#define MB2_TAG_CMDLINE     1
#define MB2_TAG_LOADER      2
#define MB2_TAG_MODULE      3
#define MB2_TAG_MMAP        6
#define MB2_TAG_FRAMEBUFFER 8
#define MB2_TAG_ACPI_OLD    14
#define MB2_TAG_ACPI_NEW    15

struct mb2_tag {
    uint32_t type;
    uint32_t size;
};

struct mb2_module {
    uint32_t type, size;
    uint32_t mod_start, mod_end;
    char string[];
};

struct mb2_mmap {
    uint32_t type, size;
    uint32_t entry_size, entry_version;
};

struct __attribute__((packed)) mb2_mmap_entry {
    uint64_t base, length;
    uint32_t type, reserved;
};

struct __attribute__((packed)) mb2_framebuffer {
    uint32_t type, size;
    uint64_t addr;
    uint32_t pitch, width, height;
    uint8_t bpp, fb_type;
    uint16_t reserved;
    /* For fb_type RGB only: where each colour's bits sit in a pixel. */
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct bootinfo bootinfo;

/* Where each module sits when GRUB hands it over. */
struct range {
    uint64_t start, end;
};
static struct range module_src[BOOT_MAX_MODULES];

static void copy_string(char* dst, size_t size, const char* src) {
    size_t n = strnlen(src, size - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void read_mmap(const struct mb2_mmap* t) {
    const uint8_t* p = (const uint8_t*) (t + 1);
    const uint8_t* end = (const uint8_t*) t + t->size;
    for (; p + t->entry_size <= end; p += t->entry_size) {
        const struct mb2_mmap_entry* e = (const void*) p;
        if (bootinfo.nmmap == BOOT_MAX_MMAP) {
            log_printf("boot: memory map has more than %d entries; rest "
                       "ignored\n",
                       BOOT_MAX_MMAP);
            return;
        }
        struct boot_mmap_entry* m = &bootinfo.mmap[bootinfo.nmmap++];
        m->base = e->base;
        m->length = e->length;
        m->type = e->type;
    }
}

static void read_module(const struct mb2_module* t) {
    if (bootinfo.nmodules == BOOT_MAX_MODULES) {
        log_printf("boot: more than %d modules; '%s' ignored\n",
                   BOOT_MAX_MODULES, t->string);
        return;
    }
    if (t->mod_end < t->mod_start) {
        log_printf("boot: module '%s' has end before start; ignored\n",
                   t->string);
        return;
    }
    int i = bootinfo.nmodules++;
    struct boot_module* m = &bootinfo.modules[i];
    /* The module string may carry arguments after the name. */
    copy_string(m->name, sizeof(m->name), t->string);
    char* space = strchr(m->name, ' ');
    if (space) {
        *space = '\0';
    }
    /* A name cut to fit would start under another name: never silently. */
    size_t full = 0, max = t->size - sizeof(*t);
    while (full < max && t->string[full] && t->string[full] != ' ') {
        ++full;
    }
    if (full >= sizeof(m->name)) {
        log_printf("boot: module name '%s' is %zu characters, cut to %zu\n",
                   t->string, full, sizeof(m->name) - 1);
    }
    m->size = t->mod_end - t->mod_start;
    module_src[i].start = t->mod_start;
    module_src[i].end = t->mod_end;
}

static void read_tag(const struct mb2_tag* t) {
    switch (t->type) {
    case MB2_TAG_CMDLINE:
        copy_string(bootinfo.cmdline, sizeof(bootinfo.cmdline),
                    (const char*) (t + 1));
        bootinfo.cmdline_len = strnlen((const char*) (t + 1), t->size - 8);
        cmdline_note_rest((const char*) (t + 1), bootinfo.cmdline_len,
                          strlen(bootinfo.cmdline));
        break;
    case MB2_TAG_LOADER:
        copy_string(bootinfo.loader, sizeof(bootinfo.loader),
                    (const char*) (t + 1));
        break;
    case MB2_TAG_MODULE:
        read_module((const struct mb2_module*) t);
        break;
    case MB2_TAG_MMAP:
        read_mmap((const struct mb2_mmap*) t);
        break;
    case MB2_TAG_FRAMEBUFFER: {
        const struct mb2_framebuffer* f = (const void*) t;
        bootinfo.has_framebuffer = true;
        bootinfo.fb.addr = f->addr;
        bootinfo.fb.pitch = f->pitch;
        bootinfo.fb.width = f->width;
        bootinfo.fb.height = f->height;
        bootinfo.fb.bpp = f->bpp;
        bootinfo.fb.type = f->fb_type;
        /* 0xRRGGBB with blue in the lowest byte unless the tag says
         * otherwise (OVMF and QEMU do; some real firmware does not). */
        struct boot_fb_layout layout = {16, 8, 8, 8, 0, 8};
        if (f->fb_type == BOOT_FB_RGB && f->size >= sizeof(*f)) {
            layout = (struct boot_fb_layout){f->red_pos,   f->red_size,
                                             f->green_pos, f->green_size,
                                             f->blue_pos,  f->blue_size};
        }
        bootinfo.fb.layout = layout;
        break;
    }
    case MB2_TAG_ACPI_OLD:
    case MB2_TAG_ACPI_NEW: {
        /* The RSDP follows the 8-byte header; the 2.0+ one wins. */
        bool is_new = t->type == MB2_TAG_ACPI_NEW;
        if (bootinfo.acpi_rsdp_new && !is_new) {
            break;
        }
        size_t n = t->size - sizeof(*t);
        if (n > BOOT_RSDP_MAX) {
            n = BOOT_RSDP_MAX;
        }
        memcpy(bootinfo.acpi_rsdp, t + 1, n);
        bootinfo.acpi_rsdp_len = (uint8_t) n;
        bootinfo.acpi_rsdp_new = is_new;
        break;
    }
    default:
        break;
    }
}

bool bootinfo_is_ram(uint64_t pa, uint64_t len) {
    /* Some firmware reports overlapping entries; where an available range
     * and any other type overlap, the other type wins: RAM the firmware
     * also calls reserved is not the kernel's to hand out. */
    bool covered = false;
    if (len == 0 || pa + len < pa) {
        return false; /* empty, or wraps past 2^64: never RAM */
    }
    for (int i = 0; i < bootinfo.nmmap; ++i) {
        const struct boot_mmap_entry* m = &bootinfo.mmap[i];
        uint64_t end = m->base + m->length;
        if (end < m->base) {
            end = UINT64_MAX; /* an entry reaching the top of the space */
        }
        if (m->type == MMAP_AVAILABLE) {
            covered |= pa >= m->base && pa + len <= end;
        } else if (pa < end && m->base < pa + len) {
            return false;
        }
    }
    return covered;
}

bool bootinfo_reserve(uint64_t pa, uint64_t len) {
    if (!bootinfo_is_ram(pa, len)) {
        log_printf("boot: [0x%lx, 0x%lx) is not available RAM; not "
                   "reserved\n",
                   pa, pa + len);
        return false;
    }
    if (bootinfo.nmmap == BOOT_MAX_MMAP) {
        log_printf("boot: memory map full; cannot reserve 0x%lx\n", pa);
        return false;
    }
    /* Added on top of the available entry, overlapping it, as some
     * firmware reports holes: bootinfo_is_ram lets the reservation win. */
    bootinfo.mmap[bootinfo.nmmap++] = (struct boot_mmap_entry){pa, len, 2};
    return true;
}

/* First byte above the module copies: driver pages come from here up. */
static uint64_t arena_next = MEMSIZE_PHYSICAL;

/* Finds len bytes of RAM at or above from (itself at or above
 * MEMSIZE_PHYSICAL), within the direct map, overlapping no module and not
 * the boot information itself. */
static uint64_t find_arena_from(uint64_t from, uint64_t len, struct range mbi) {
    uint64_t pa = from;
    for (int tries = 0; tries < 4 * BOOT_MAX_MODULES + 8; ++tries) {
        bool moved = false;
        for (int i = 0; i <= bootinfo.nmodules; ++i) {
            struct range r = i < bootinfo.nmodules ? module_src[i] : mbi;
            if (pa < r.end && r.start < pa + len) {
                pa = ROUNDUP(r.end, PAGESIZE);
                moved = true;
            }
        }
        if (!moved && bootinfo_is_ram(pa, len) && pa + len <= DIRECT_MAP_SIZE) {
            return pa;
        }
        if (!moved) {
            /* Not RAM here: move to the next available region above. */
            uint64_t next = UINT64_MAX;
            for (int i = 0; i < bootinfo.nmmap; ++i) {
                const struct boot_mmap_entry* m = &bootinfo.mmap[i];
                if (m->type == MMAP_AVAILABLE && m->base > pa &&
                    m->base < next) {
                    next = m->base;
                }
            }
            if (next == UINT64_MAX) {
                return 0;
            }
            pa = ROUNDUP(next, PAGESIZE);
        }
    }
    return 0;
}

static uint64_t find_arena(uint64_t len, struct range mbi) {
    return find_arena_from(MEMSIZE_PHYSICAL, len, mbi);
}

uint64_t bootinfo_alloc_pages(uint64_t npages) {
    uint64_t len = npages * PAGESIZE;
    if (npages == 0 || npages > DIRECT_MAP_SIZE / PAGESIZE) {
        return 0;
    }
    /* The boot information and GRUB's module sources are dead by now, but
     * skipping them costs nothing; the copies lie below arena_next. */
    uint64_t pa = find_arena_from(ROUNDUP(arena_next, PAGESIZE), len,
                                  (struct range){0, 0});
    if (pa) {
        memset(pa2kva(pa), 0, len);
        arena_next = pa + len;
    }
    return pa;
}

static bool copy_modules(struct range mbi) {
    uint64_t total = 0;
    for (int i = 0; i < bootinfo.nmodules; ++i) {
        total += ROUNDUP(bootinfo.modules[i].size, 16);
    }
    if (total == 0) {
        return true;
    }
    uint64_t arena = find_arena(total, mbi);
    if (!arena) {
        log_printf("boot: no RAM above 0x%lx for %lu bytes of modules\n",
                   MEMSIZE_PHYSICAL, total);
        return false;
    }
    /* Copy in descending source order would matter only if sources and
     * arena overlapped; find_arena guarantees they do not. */
    for (int i = 0; i < bootinfo.nmodules; ++i) {
        struct boot_module* m = &bootinfo.modules[i];
        uint8_t* dst = pa2kva(arena);
        memcpy(dst, pa2kva(module_src[i].start), m->size);
        m->data = dst;
        arena += ROUNDUP(m->size, 16);
    }
    arena_next = arena;
    return true;
}

bool bootinfo_init(uint64_t mbi_pa) {
    const uint8_t* mbi = pa2kva(mbi_pa);
    uint32_t total = *(const uint32_t*) mbi;
    if (total < 16 || total > (1U << 20)) {
        log_printf("boot: Multiboot2 information at 0x%lx has bad size %u\n",
                   mbi_pa, total);
        return false;
    }
    for (uint32_t off = 8; off + sizeof(struct mb2_tag) <= total;) {
        const struct mb2_tag* t = (const void*) (mbi + off);
        if (t->type == MB2_TAG_END || t->size < 8 || off + t->size > total) {
            break;
        }
        read_tag(t);
        off += ROUNDUP(t->size, 8);
    }
    if (bootinfo.nmmap == 0) {
        log_printf("boot: no memory map from the loader\n");
        return false;
    }
    return copy_modules((struct range){mbi_pa, mbi_pa + total});
}

void bootinfo_log(void) {
    log_printf("boot: loader '%s', command line '%s'\n", bootinfo.loader,
               bootinfo.cmdline);
    for (int i = 0; i < bootinfo.nmmap; ++i) {
        const struct boot_mmap_entry* m = &bootinfo.mmap[i];
        log_printf("boot: mmap [0x%09lx, 0x%09lx) type %u%s\n", m->base,
                   m->base + m->length, m->type,
                   m->type == MMAP_AVAILABLE ? " available" : "");
    }
    for (int i = 0; i < bootinfo.nmodules; ++i) {
        const struct boot_module* m = &bootinfo.modules[i];
        log_printf("boot: module '%s' %zu bytes, loaded at 0x%lx, copied to "
                   "0x%lx\n",
                   m->name, m->size, module_src[i].start, kva2pa(m->data));
    }
    if (!bootinfo.has_framebuffer) {
        log_printf("boot: display: no framebuffer tag, assuming VGA text\n");
    } else if (bootinfo.fb.type == BOOT_FB_EGA_TEXT) {
        log_printf("boot: display: EGA text %ux%u at 0x%lx\n",
                   bootinfo.fb.width, bootinfo.fb.height, bootinfo.fb.addr);
    } else {
        const struct boot_fb_layout* l = &bootinfo.fb.layout;
        log_printf("boot: display: framebuffer %ux%u, %u bpp, pitch %u, at "
                   "0x%lx, red %u:%u green %u:%u blue %u:%u (bit:size)\n",
                   bootinfo.fb.width, bootinfo.fb.height, bootinfo.fb.bpp,
                   bootinfo.fb.pitch, bootinfo.fb.addr, l->red_pos, l->red_size,
                   l->green_pos, l->green_size, l->blue_pos, l->blue_size);
    }
}

const struct boot_module* bootinfo_module(const char* name) {
    for (int i = 0; i < bootinfo.nmodules; ++i) {
        if (strcmp(bootinfo.modules[i].name, name) == 0) {
            return &bootinfo.modules[i];
        }
    }
    return NULL;
}
