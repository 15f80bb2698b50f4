/* madt_test.c: arch/x86_64/madt.c on the host, against well-formed and
 * malformed MADTs built byte by byte. Prints one line per case and exits 1
 * on the first parse that does not answer as expected. Built and run by the
 * test madt-parser-malformed-input (tests/cases/modern.py). */
/* Declared, not included: the build also compiles this file freestanding
 * (for clangd and the compile check); the test links the host C library. */
int printf(const char* fmt, ...);
void* memset(void* s, int c, __SIZE_TYPE__ n);
void* memcpy(void* d, const void* s, __SIZE_TYPE__ n);
char* strstr(const char* haystack, const char* needle);

#include "arch/x86_64/madt.h"

static uint8_t t[512];
static uint32_t len;

static void put32(uint32_t off, uint32_t v) {
    for (int i = 0; i < 4; ++i) {
        t[off + i] = (uint8_t) (v >> (8 * i));
    }
}

/* A header: "APIC", length patched by finish(), LAPIC 0xFEE00000, PCAT. */
static void start(void) {
    memset(t, 0, sizeof(t));
    memcpy(t, "APIC", 4);
    put32(36, 0xFEE00000);
    put32(40, 1);
    len = 44;
}
static void finish(void) {
    put32(4, len);
}
static void lapic_entry(uint8_t id) {
    uint8_t e[8] = {0, 8, id, id, 1, 0, 0, 0};
    memcpy(t + len, e, 8);
    len += 8;
}
static void ioapic_entry(uint8_t id, uint32_t addr, uint32_t gsi) {
    t[len] = 1;
    t[len + 1] = 12;
    t[len + 2] = id;
    put32(len + 4, addr);
    put32(len + 8, gsi);
    len += 12;
}
static void override_entry(uint8_t irq, uint32_t gsi, uint16_t flags) {
    t[len] = 2;
    t[len + 1] = 10;
    t[len + 3] = irq;
    put32(len + 4, gsi);
    t[len + 8] = (uint8_t) flags;
    t[len + 9] = (uint8_t) (flags >> 8);
    len += 10;
}

static int failures;

/* want: NULL for a good table, else a word the reason must contain. */
static void expect(const char* name, const char* want, struct madt* m) {
    const char* got = madt_parse(t, len, m);
    int ok = want ? got && strstr(got, want) : !got;
    printf("%s %s: %s\n", ok ? "ok" : "FAIL", name, got ? got : "usable");
    failures += !ok;
}

int main(void) {
    struct madt m;

    start(); /* QEMU's: two CPUs, one I/O APIC, IRQ0 -> GSI 2, IRQ9 level */
    lapic_entry(0);
    lapic_entry(1);
    ioapic_entry(0, 0xFEC00000, 0);
    override_entry(0, 2, 0);
    override_entry(9, 9, 0xD);
    finish();
    expect("well-formed", NULL, &m);
    uint16_t flags;
    if (m.nioapics != 1 || m.ioapics[0].addr != 0xFEC00000 ||
        m.lapic_addr != 0xFEE00000 || !m.has_8259 ||
        madt_isa_gsi(&m, 0, &flags) != 2 || madt_isa_gsi(&m, 1, &flags) != 1 ||
        flags != 0 || madt_isa_gsi(&m, 9, &flags) != 9 || flags != 0xD) {
        printf("FAIL well-formed: wrong contents\n");
        ++failures;
    }
    uint32_t pins[MADT_MAX_IOAPICS] = {24}, pin;
    if (!madt_ioapic_for(&m, 23, pins, &pin) || pin != 23 ||
        madt_ioapic_for(&m, 24, pins, &pin)) {
        printf("FAIL well-formed: GSI 23 must be pin 23, GSI 24 nobody's\n");
        ++failures;
    }

    start(); /* the 64-bit local APIC address override */
    ioapic_entry(0, 0xFEC00000, 0);
    t[len] = 5;
    t[len + 1] = 12;
    put32(len + 4, 0x2000);
    put32(len + 8, 0x1);
    len += 12;
    finish();
    expect("lapic-address-override", NULL, &m);
    if (m.lapic_addr != 0x100002000UL) {
        printf("FAIL lapic-address-override: got 0x%llx\n",
               (unsigned long long) m.lapic_addr);
        ++failures;
    }

    start();
    ioapic_entry(0, 0xFEC00000, 0);
    finish();
    len = 40; /* shorter than the header */
    expect("length-below-header", "length", &m);

    start();
    ioapic_entry(0, 0xFEC00000, 0);
    finish();
    len -= 1; /* readable bytes differ from the table's own length */
    expect("length-not-its-own", "length", &m);

    start();
    ioapic_entry(0, 0xFEC00000, 0);
    t[len] = 0; /* an entry of length 0 would loop forever */
    t[len + 1] = 0;
    len += 8;
    finish();
    expect("entry-length-zero", "below 2", &m);

    start();
    ioapic_entry(0, 0xFEC00000, 0);
    t[len] = 1;
    t[len + 1] = 12; /* claims 12 bytes, 6 are left */
    len += 6;
    finish();
    expect("entry-past-table", "past the table", &m);

    start();
    ioapic_entry(0, 0xFEC00000, 0);
    t[len] = 9; /* a lone byte: no room for an entry header */
    len += 1;
    finish();
    expect("entry-header-past-table", "past the table", &m);

    start();
    t[len] = 1;
    t[len + 1] = 8; /* an I/O APIC entry too short for its fields */
    len += 8;
    finish();
    expect("ioapic-entry-short", "shorter", &m);

    start(); /* CPUs only */
    lapic_entry(0);
    finish();
    expect("zero-ioapics", "no I/O APIC", &m);

    start();
    ioapic_entry(0, 0xFEC00000, 0);
    override_entry(0, 5000, 0); /* GSI 5000: no I/O APIC has it */
    finish();
    expect("override-gsi-out-of-range", "GSI", &m);

    start();
    ioapic_entry(0, 0xFEC00000, 0xFFFFFFF0); /* GSI base beyond reason */
    finish();
    expect("ioapic-gsi-base-out-of-range", "GSI base", &m);

    start();
    ioapic_entry(0, 0, 0);
    finish();
    expect("ioapic-address-zero", "address 0", &m);

    start();
    for (int i = 0; i < 20; ++i) { /* more than MADT_MAX_IOAPICS */
        ioapic_entry((uint8_t) i, 0xFEC00000 + 0x1000 * i, 24 * i);
    }
    finish();
    expect("too-many-ioapics-kept-within-limit", NULL, &m);
    if (m.nioapics != MADT_MAX_IOAPICS || m.skipped != 20 - MADT_MAX_IOAPICS) {
        printf("FAIL too-many-ioapics: kept %d, skipped %d\n", m.nioapics,
               m.skipped);
        ++failures;
    }
    return failures ? 1 : 0;
}
