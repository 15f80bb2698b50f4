/* config.h: what the command line asked for (SPEC section 10). Written once
 * by cmdline_parse at boot; read everywhere after. */
#ifndef KERNEL_CONFIG_H
#define KERNEL_CONFIG_H

#include "abi/types.h"
#include "arch/x86_64/calibrate.h"

#define RUN_NAME_MAX  96
#define BOOT_WORD_MAX 128

struct kconfig {
    bool test;               /* leave QEMU through isa-debug-exit */
    char run[RUN_NAME_MAX];  /* scenario or module to start */
    bool kalloc_scattered;   /* kalloc=scatter */
    bool cow;                /* cow: fork shares pages copy-on-write */
    uint64_t kfail_nth;      /* kfail=N: the Nth kalloc fails */
    uint64_t kfail_from;     /* kfailfrom=N: every kalloc from the Nth */
    bool kcrash;             /* kcrash: fault in the kernel on purpose */
    bool kleak;              /* kleak: leak a page on purpose */
    bool krefbug;            /* krefbug: miscount a CoW page on purpose */
    bool ktriple;            /* ktriple: triple-fault on purpose */
    bool kiretq;             /* kiretq: fault in regs_return on purpose */
    bool screendump_on_exit; /* dumpscreen: log the screen at the end */
    bool mapdump_on_exit;    /* mapdump: log the memory map at the end */
    bool screendump_on_fail; /* faildump: log the screen on a test failure */
    /* unfreed: a test that does not grade freeing memory (handout step 7):
     * in test mode a process whose exit returned is parked and a leak is
     * logged, not fatal (kernel/exitpark.c) */
    bool unfreed;

    /* Machine tests (tests/cases/machines.py, power.py). */
    bool no_emulator_poweroff; /* noemuoff: power off by ACPI or not at all */
    bool poweroff_at_end;      /* endpoweroff: power off once all exited */
    uint64_t fake_hole;        /* kfakehole=PA: the page at PA is not RAM */
    bool acpi_scan_bios;       /* acpiscan: ignore the loader's RSDP copy */
    bool usb_never_ready;      /* usbnoanswer: xHCI resets never finish */
    bool no_madt;              /* nomadt: act as if there were no MADT */
    enum calib_source calib;   /* calib=: the one reference to calibrate by */
    bool tick_pit;             /* tick=pit: the PIT as the tick anyway */
    bool tick_rtc;             /* tickrtc: log ticks at RTC second changes */
    uint64_t ioapic_pins;      /* ioapicpins=N: I/O APICs act as N-pin */
    bool x2apic;               /* x2apic: local APIC in x2APIC mode */
    bool kstray;               /* kstray: a stray interrupt on purpose */
};

extern struct kconfig kconfig;

/* Parses a Multiboot2 command line into kconfig, logging unknown and
 * malformed words. full_len is the length the loader gave: when it is more
 * than strlen(cmdline) the line was cut, and the cut (with the word it
 * split, which is not parsed) is reported in the log and on screen. */
void cmdline_parse(const char* cmdline, size_t full_len);
/* Called while the loader's whole command line full (len characters) is
 * still readable, when only its first kept characters are kept: records
 * the words past the cut, which cmdline_parse then names as dropped. */
void cmdline_note_rest(const char* full, size_t len, size_t kept);

#endif
