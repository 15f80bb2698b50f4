/* acpi.c: ACPI soft-off (S5), the way real PCs and VirtualBox switch off.
 *
 * acpi_init finds the RSDP (GRUB's Multiboot2 copy, else the BIOS areas),
 * walks the XSDT (or RSDT) to the FADT, takes its PM1a/PM1b control blocks,
 * and scans the DSDT, then the SSDTs, for the \_S5 package. acpi_poweroff
 * writes SLP_TYPx | SLP_EN to the control blocks.
 *
 * It also keeps the list of tables the XSDT/RSDT names (acpi_table), for
 * the MADT, the HPET table and the FADT's PM timer, which the interrupt and
 * timer code read.
 *
 * Invariant: every table byte read lies inside a table whose header and
 * whole length are mapped (the direct map below 4 GiB, an mmio_map window
 * above) and whose checksum holds; anything else is logged and skipped,
 * never touched. */
#include "arch/x86_64/acpi.h"
#include "abi/memlayout.h"

#include "arch/x86_64/devices.h"

#include "arch/x86_64/mmio.h"
#include "arch/x86_64/x86.h"
#include "kernel/log.h"
#include "lib/string.h"
#include "mm/direct.h"

#define RSDP_V1_LEN     20
#define RSDP_V2_LEN     36
#define SDT_HEADER_LEN  36
#define SDT_MAX_LEN     (16U << 20) /* no sane table is larger */
#define SDT_MAX_ENTRIES 64

#define FADT_DSDT        40
#define FADT_SMI_CMD     48
#define FADT_ACPI_ENABLE 52
#define FADT_PM1A_CNT    64
#define FADT_PM1B_CNT    68
#define FADT_PM_TMR_BLK  76
#define FADT_PM_TMR_LEN  91
#define FADT_FLAGS       112
#define FADT_X_DSDT      140
#define FADT_X_PM1A_CNT  172
#define FADT_X_PM1B_CNT  184
#define FADT_X_PM_TMR    208
#define GAS_SPACE_IO     1

#define FADT_TMR_VAL_EXT (1U << 8)  /* the PM timer counts 32 bits */
#define FADT_HW_REDUCED  (1U << 20) /* no fixed hardware: no PM timer */

#define PM1_SCI_EN        0x0001
#define PM1_SLP_TYP_MASK  0x1C00
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_EN        0x2000

#define AML_NAME_OP    0x08
#define AML_ROOT_CHAR  0x5C /* '\\' */
#define AML_PACKAGE_OP 0x12
#define AML_BYTE_PFX   0x0A
#define AML_ZERO_OP    0x00
#define AML_ONE_OP     0x01

static struct {
    bool ready;        /* PM1a and \_S5 known: S5 can be entered */
    uint16_t pm1a_cnt; /* I/O ports; pm1b_cnt 0 when absent */
    uint16_t pm1b_cnt;
    uint8_t slp_typa, slp_typb;
    uint32_t smi_cmd; /* for switching the firmware to ACPI mode */
    uint8_t acpi_enable;
    uint16_t pm_timer; /* PM timer I/O port, 0 when absent */
    bool pm_timer_32;  /* 32-bit counter, else 24 */
    int ntables;       /* the tables the XSDT/RSDT lists, checked sound */
    struct {
        const uint8_t* t;
        uint32_t len;
    } tables[SDT_MAX_ENTRIES];
} acpi;

static uint32_t rd32(const uint8_t* p) {
    uint32_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

static uint64_t rd64(const uint8_t* p) {
    uint64_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

static bool sum_is_zero(const uint8_t* p, size_t len) {
    uint8_t sum = 0;
    for (size_t i = 0; i < len; ++i) {
        sum += p[i];
    }
    return sum == 0;
}

/* The table at physical pa when it is reachable, whole and sound, else
 * NULL (logged). Its length is in *len. The header is mapped first; the
 * whole table gets a window of its own only when it does not fit in the
 * header's (above 4 GiB windows are 2 MiB pages, never given back). */
static const uint8_t* map_table(uint64_t pa, uint32_t* len) {
    const uint8_t* t = pa ? mmio_map(pa, SDT_HEADER_LEN, MMIO_MEMORY) : NULL;
    if (!t) {
        log_printf("acpi: table at 0x%lx cannot be mapped; skipped\n", pa);
        return NULL;
    }
    uint32_t n = rd32(t + 4);
    if (n < SDT_HEADER_LEN || n > SDT_MAX_LEN) {
        log_printf("acpi: table at 0x%lx has unusable length %u; skipped\n", pa,
                   n);
        return NULL;
    }
    uint64_t mapped_end = pa < DIRECT_MAP_SIZE
                              ? DIRECT_MAP_SIZE
                              : ROUNDUP(pa + SDT_HEADER_LEN, 0x200000UL);
    if (pa + n > mapped_end && !(t = mmio_map(pa, n, MMIO_MEMORY))) {
        log_printf("acpi: table at 0x%lx (%u bytes) cannot be mapped; "
                   "skipped\n",
                   pa, n);
        return NULL;
    }
    if (!sum_is_zero(t, n)) {
        log_printf("acpi: table '%.4s' at 0x%lx fails its checksum; "
                   "skipped\n",
                   (const char*) t, pa);
        return NULL;
    }
    if (pa + n > DIRECT_MAP_SIZE) {
        log_printf("acpi: table '%.4s' at 0x%lx, above 4 GiB: mapped\n",
                   (const char*) t, pa);
    }
    *len = n;
    return t;
}

/* A valid RSDP at p (len bytes readable), or false. */
static bool rsdp_valid(const uint8_t* p, size_t len) {
    if (len < RSDP_V1_LEN || memcmp(p, "RSD PTR ", 8) != 0 ||
        !sum_is_zero(p, RSDP_V1_LEN)) {
        return false;
    }
    if (p[15] >= 2) {
        uint32_t full = rd32(p + 20);
        return len >= RSDP_V2_LEN && full >= RSDP_V2_LEN && full <= len &&
               sum_is_zero(p, full);
    }
    return true;
}

static const uint8_t* scan_for_rsdp(uint64_t pa, uint64_t len) {
    for (uint64_t off = 0; off + RSDP_V1_LEN <= len; off += 16) {
        const uint8_t* p = pa2kva(pa + off);
        size_t avail = len - off < RSDP_V2_LEN ? len - off : RSDP_V2_LEN;
        if (rsdp_valid(p, avail)) {
            return p;
        }
    }
    return NULL;
}

/* The BIOS places the RSDP in the first KiB of the EBDA or in the BIOS
 * read-only area; both are below 1 MiB, inside the direct map. */
static const uint8_t* find_rsdp_in_bios(void) {
    uint16_t ebda_seg;
    memcpy(&ebda_seg, pa2kva(0x40E), sizeof(ebda_seg));
    uint64_t ebda = (uint64_t) ebda_seg << 4;
    const uint8_t* p = NULL;
    if (ebda >= 0x80000 && ebda < 0xA0000) {
        p = scan_for_rsdp(ebda, 1024);
    }
    return p ? p : scan_for_rsdp(0xE0000, 0x20000);
}

/* Reads one AML integer constant at *p (ZeroOp, OneOp, BytePrefix+byte, or
 * a bare byte as some firmware writes); advances *p. */
static bool aml_small_int(const uint8_t** p, const uint8_t* end, uint8_t* out) {
    if (*p >= end) {
        return false;
    }
    if (**p == AML_BYTE_PFX) {
        if (*p + 2 > end) {
            return false;
        }
        *out = (*p)[1];
        *p += 2;
        return true;
    }
    *out = **p; /* ZeroOp is 0, OneOp is 1 */
    *p += 1;
    return true;
}

/* Scans an AML table (DSDT or SSDT) for Name(\_S5, Package(){a, b, ...}). */
static bool find_s5(const uint8_t* t, uint32_t len) {
    const uint8_t* end = t + len;
    for (const uint8_t* p = t + SDT_HEADER_LEN; p + 4 < end; ++p) {
        if (memcmp(p, "_S5_", 4) != 0) {
            continue;
        }
        bool named = p[-1] == AML_NAME_OP ||
                     (p[-1] == AML_ROOT_CHAR && p[-2] == AML_NAME_OP);
        if (!named || p + 5 >= end || p[4] != AML_PACKAGE_OP) {
            continue;
        }
        /* PkgLength: its top two bits give the number of extra bytes;
         * then NumElements (one byte). */
        const uint8_t* q = p + 5;
        q += 1 + ((*q >> 6) & 3) + 1;
        uint8_t a, b;
        if (!aml_small_int(&q, end, &a) || !aml_small_int(&q, end, &b)) {
            return false;
        }
        acpi.slp_typa = a & 7;
        acpi.slp_typb = b & 7;
        return true;
    }
    return false;
}

/* The 16-bit I/O port of a PM1 control block: the ACPI 1.0 field, else the
 * ACPI 2.0 generic address when it is in I/O space. 0 when absent. */
static uint16_t pm1_port(const uint8_t* fadt, uint32_t len, int old_off,
                         int gas_off) {
    uint32_t port = rd32(fadt + old_off);
    if (port == 0 && len >= (uint32_t) gas_off + 12 &&
        fadt[gas_off] == GAS_SPACE_IO) {
        uint64_t a = rd64(fadt + gas_off + 4);
        port = a <= 0xFFFF ? (uint32_t) a : 0;
    }
    return port <= 0xFFFF ? (uint16_t) port : 0;
}

/* The PM timer's port: PM_TMR_BLK, else X_PM_TMR_BLK in I/O space; none
 * on a hardware-reduced machine or when PM_TMR_LEN is not 4. */
static void read_pm_timer(const uint8_t* fadt, uint32_t len) {
    if (len < FADT_FLAGS + 4) {
        return;
    }
    uint32_t flags = rd32(fadt + FADT_FLAGS);
    if ((flags & FADT_HW_REDUCED) || fadt[FADT_PM_TMR_LEN] != 4) {
        return;
    }
    acpi.pm_timer = pm1_port(fadt, len, FADT_PM_TMR_BLK, FADT_X_PM_TMR);
    acpi.pm_timer_32 = flags & FADT_TMR_VAL_EXT;
}

static void read_fadt(const uint8_t* fadt, uint32_t len) {
    if (len < FADT_PM1B_CNT + 4) {
        log_printf("acpi: FADT too short (%u bytes)\n", len);
        return;
    }
    acpi.pm1a_cnt = pm1_port(fadt, len, FADT_PM1A_CNT, FADT_X_PM1A_CNT);
    acpi.pm1b_cnt = pm1_port(fadt, len, FADT_PM1B_CNT, FADT_X_PM1B_CNT);
    acpi.smi_cmd = rd32(fadt + FADT_SMI_CMD);
    read_pm_timer(fadt, len);
    acpi.acpi_enable = fadt[FADT_ACPI_ENABLE];
    uint64_t dsdt = rd32(fadt + FADT_DSDT);
    if (len >= FADT_X_DSDT + 8 && rd64(fadt + FADT_X_DSDT)) {
        dsdt = rd64(fadt + FADT_X_DSDT);
    }
    log_printf("acpi: FADT: PM1a control 0x%x, PM1b control 0x%x, SMI "
               "command 0x%x, DSDT at 0x%lx, PM timer 0x%x (%d-bit)\n",
               acpi.pm1a_cnt, acpi.pm1b_cnt, acpi.smi_cmd, dsdt, acpi.pm_timer,
               acpi.pm_timer_32 ? 32 : 24);
    uint32_t dlen;
    const uint8_t* d = map_table(dsdt, &dlen);
    if (d && memcmp(d, "DSDT", 4) == 0 && find_s5(d, dlen)) {
        log_printf("acpi: \\_S5 in the DSDT: SLP_TYPa %u, SLP_TYPb %u\n",
                   acpi.slp_typa, acpi.slp_typb);
        acpi.ready = true;
    }
}

/* Maps and checks each table the RSDT (entry 4 bytes) or XSDT (8 bytes)
 * lists, keeping the sound ones; then reads the FADT, and the SSDTs for a
 * \_S5 the DSDT lacked. */
static void walk_sdt(const uint8_t* sdt, uint32_t len, int entry) {
    int n = (int) ((len - SDT_HEADER_LEN) / entry);
    if (n > SDT_MAX_ENTRIES) {
        n = SDT_MAX_ENTRIES;
    }
    for (int i = 0; i < n; ++i) {
        const uint8_t* e = sdt + SDT_HEADER_LEN + i * entry;
        uint64_t pa = entry == 8 ? rd64(e) : rd32(e);
        uint32_t tlen;
        const uint8_t* t = map_table(pa, &tlen);
        if (t) {
            acpi.tables[acpi.ntables].t = t;
            acpi.tables[acpi.ntables].len = tlen;
            ++acpi.ntables;
        }
    }
    uint32_t tlen;
    const uint8_t* t = acpi_table("FACP", &tlen);
    if (t) {
        read_fadt(t, tlen);
    }
    for (int i = 0; i < acpi.ntables && !acpi.ready && acpi.pm1a_cnt; ++i) {
        t = acpi.tables[i].t;
        if (memcmp(t, "SSDT", 4) == 0 && find_s5(t, acpi.tables[i].len)) {
            log_printf("acpi: \\_S5 in an SSDT: SLP_TYPa %u, SLP_TYPb %u\n",
                       acpi.slp_typa, acpi.slp_typb);
            acpi.ready = true;
        }
    }
}

const uint8_t* acpi_table(const char* sig, uint32_t* len) {
    for (int i = 0; i < acpi.ntables; ++i) {
        if (memcmp(acpi.tables[i].t, sig, 4) == 0) {
            *len = acpi.tables[i].len;
            return acpi.tables[i].t;
        }
    }
    return NULL;
}

bool acpi_pm_timer(uint16_t* port, bool* bits32) {
    *port = acpi.pm_timer;
    *bits32 = acpi.pm_timer_32;
    return acpi.pm_timer != 0;
}

void acpi_init(const uint8_t* rsdp, size_t rsdp_len) {
    const char* from = "Multiboot2 tag";
    if (!rsdp_len || !rsdp_valid(rsdp, rsdp_len)) {
        if (rsdp_len) {
            log_printf("acpi: the loader's RSDP copy is not valid\n");
        }
        rsdp = find_rsdp_in_bios();
        from = "BIOS area";
    }
    if (!rsdp) {
        log_printf("acpi: no RSDP found; no ACPI power-off\n");
        return;
    }
    char oem[7];
    for (int i = 0; i < 6; ++i) {
        oem[i] = rsdp[9 + i] >= 32 && rsdp[9 + i] < 127 ? rsdp[9 + i] : '?';
    }
    oem[6] = '\0';
    uint8_t rev = rsdp[15];
    uint64_t xsdt = rev >= 2 ? rd64(rsdp + 24) : 0;
    uint64_t rsdt = rd32(rsdp + 16);
    log_printf("acpi: RSDP (%s) revision %u, OEM '%s', RSDT 0x%lx, XSDT "
               "0x%lx\n",
               from, rev, oem, rsdt, xsdt);
    uint32_t len;
    const uint8_t* sdt = xsdt ? map_table(xsdt, &len) : NULL;
    if (sdt && memcmp(sdt, "XSDT", 4) == 0) {
        walk_sdt(sdt, len, 8);
    } else if ((sdt = map_table(rsdt, &len)) && memcmp(sdt, "RSDT", 4) == 0) {
        walk_sdt(sdt, len, 4);
    }
    if (!acpi.ready) {
        log_printf("acpi: no PM1 control block or \\_S5; no ACPI "
                   "power-off\n");
    }
}

/* Some firmware starts in legacy mode, where SMM owns the PM registers;
 * asking it to switch to ACPI mode is harmless when it already is. */
static void enable_acpi_mode(void) {
    if ((inw(acpi.pm1a_cnt) & PM1_SCI_EN) || !acpi.smi_cmd ||
        acpi.smi_cmd > 0xFFFF || !acpi.acpi_enable) {
        return;
    }
    outb((uint16_t) acpi.smi_cmd, acpi.acpi_enable);
    for (int i = 0; i < 1000000 && !(inw(acpi.pm1a_cnt) & PM1_SCI_EN); ++i) {
        io_wait();
    }
}

static void enter_s5(uint16_t port, uint8_t typ) {
    uint16_t v = inw(port) & ~(PM1_SLP_TYP_MASK | PM1_SLP_EN);
    v |= (uint16_t) (typ << PM1_SLP_TYP_SHIFT);
    outw(port, v);
    outw(port, v | PM1_SLP_EN);
}

void acpi_poweroff(void) {
    if (!acpi.ready) {
        log_printf("poweroff: ACPI S5 unknown on this machine\n");
        return;
    }
    log_printf("poweroff: ACPI S5: SLP_TYPa %u to PM1a 0x%x, SLP_TYPb %u to "
               "PM1b 0x%x\n",
               acpi.slp_typa, acpi.pm1a_cnt, acpi.slp_typb, acpi.pm1b_cnt);
    enable_acpi_mode();
    cli();
    serial_flush();
    enter_s5(acpi.pm1a_cnt, acpi.slp_typa);
    if (acpi.pm1b_cnt) {
        enter_s5(acpi.pm1b_cnt, acpi.slp_typb);
    }
    /* Real chipsets take a moment to cut the power. */
    for (int i = 0; i < 3000000; ++i) {
        io_wait();
    }
    log_printf("poweroff: still running after ACPI S5\n");
}
