/* kernel.c: kernel_start, the order in which the machine is brought up,
 * and the system-wide endings (all exited, power off). */
#include "kernel/kernel.h"

#include "abi/syscall.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/devices.h"
#include "arch/x86_64/intc.h"
#include "arch/x86_64/ioapic.h"
#include "arch/x86_64/ps2.h"
#include "arch/x86_64/timer.h"
#include "drivers/usb/usb.h"
#include "kernel/bootinfo.h"
#include "kernel/config.h"
#include "kernel/console.h"
#include "kernel/exitpark.h"
#include "kernel/ksyms.h"
#include "kernel/log.h"
#include "kernel/mapdump.h"
#include "kernel/memviewer.h"
#include "kernel/panic.h"
#include "kernel/scenario.h"
#include "mm/physpages.h"
#include "mm/uvm.h"
#include "mm/vm.h"
#include "proc/proc.h"

#define DEFAULT_SCENARIO "allocators"
#define KSTRAY_VECTOR    0x68 /* where a UEFI firmware's timer may sit */

extern char kernel_image_start[], kernel_image_end[];

static _Noreturn void power_off(const char* why);

/* The end of a run: the final screen and, by command line, its dumps. */
static void show_the_end(void) {
    memviewer_draw();
    if (kconfig.screendump_on_exit) {
        console_dump_to_log();
    }
    if (kconfig.mapdump_on_exit) {
        mapdump_log("exit");
    }
}

void kernel_all_exited(void) {
    log_printf("all processes have exited\n");
    bool clean = scenario_check_no_leak();
    show_the_end();
    if (exitpark_unfreed_seen()) { /* only ever in test mode */
        kernel_unfreed_verdict("pages not given back");
    }
    if (kconfig.test && clean) {
        log_printf("test: PASS\n");
        machine_debug_exit(0x10);
    }
    if (kconfig.poweroff_at_end) {
        power_off("all processes exited (endpoweroff)");
    }
}

void kernel_unfreed_verdict(const char* why) {
    if (!kconfig.test) {
        return;
    }
    show_the_end();
    log_printf("test: PASS (memory not freed: %s)\n", why);
    machine_debug_exit(0x12);
}

/* ACPI S5 first (real PCs, VirtualBox, and the emulators too), then the
 * emulators' fixed ports unless noemuoff, then halt with the message. */
static _Noreturn void power_off(const char* why) {
    log_printf("poweroff: %s\n", why);
    acpi_poweroff();
    if (!kconfig.no_emulator_poweroff) {
        log_printf("poweroff: trying the emulators' power ports\n");
        machine_poweroff();
    }
    console_message(ROW_MESSAGE, COLOR_WHITE,
                    "It is now safe to turn off the computer.");
    console_flush();
    log_printf("poweroff: nothing switched the machine off; halted\n");
    cli();
    for (;;) {
        __asm__ volatile("hlt");
    }
}

_Noreturn void kernel_poweroff(void) {
    power_off("key 'q'");
}

/* kcrash: a deliberate kernel fault, to prove that panics name the faulting
 * functions. noinline keeps both frames in the backtrace. */
__attribute__((noinline)) static void touch_bad_address(void) {
    *(volatile uint64_t*) 8 = 0x6b637261736821; /* page 0 is never mapped */
}
__attribute__((noinline)) static void selftest_kernel_fault(void) {
    log_printf("kcrash: faulting in the kernel on purpose\n");
    touch_bad_address();
    __asm__ volatile("" ::: "memory");
}

/* ktriple: an exception with no usable IDT resets the machine, which is
 * how the test harness learns to tell a triple fault from other endings. */
static void selftest_triple_fault(void) {
    log_printf("ktriple: resetting by triple fault on purpose\n");
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } empty = {0, 0};
    __asm__ volatile("lidt %0; int3" : : "m"(empty));
}

/* kiretq: leaving by iretq with a data segment as %cs is a #GP in
 * regs_return itself, to prove that assembly entry points have names. */
__attribute__((noinline)) static void selftest_entry_fault(void) {
    log_printf("kiretq: faulting in regs_return on purpose\n");
    static struct regs bad;
    bad.intno = INT_GPF;
    bad.rip = (uintptr_t) selftest_entry_fault;
    bad.cs = SEG_KDATA;
    bad.ss = SEG_KDATA;
    bad.rsp = KERNEL_STACK_TOP;
    bad.rbp = read_rbp();
    regs_return(&bad);
}

/* kfakehole=PA: makes the page at pa a firmware hole, unless it holds the
 * kernel's image or stack (which stay in use whatever the map says) or is
 * not RAM to begin with (bootinfo_reserve refuses, wrapping included). */
static void reserve_fake_hole(uint64_t pa) {
    uint64_t kstart = ROUNDDOWN((uintptr_t) kernel_image_start, PAGESIZE);
    uint64_t kend = ROUNDUP((uintptr_t) kernel_image_end, PAGESIZE);
    if ((pa >= kstart && pa < kend) || pa == KERNEL_STACK_TOP - PAGESIZE) {
        log_printf("kfakehole: page 0x%lx holds the kernel's %s; refused\n", pa,
                   pa == KERNEL_STACK_TOP - PAGESIZE ? "stack" : "image");
    } else if (bootinfo_reserve(pa, PAGESIZE)) {
        log_printf("kfakehole: page 0x%lx reserved as a firmware hole\n", pa);
    } else {
        log_printf("kfakehole: page 0x%lx refused\n", pa);
    }
}

static void start_first_scenario(void) {
    const char* name = kconfig.run[0] ? kconfig.run : DEFAULT_SCENARIO;
    if (!scenario_start(name)) {
        console_message(ROW_MESSAGE, COLOR_RED, "cannot run '%s' (see log)",
                        name);
        if (kconfig.test) {
            log_printf("run: '%s' did not start\n", name);
            system_fail();
        }
    }
}

/* Shows the console on GRUB's framebuffer when it gave an RGB one (UEFI, or
 * a forced graphics mode); otherwise the console is VGA text. */
static void display_init(void) {
    const struct boot_framebuffer* fb = &bootinfo.fb;
    if (bootinfo.has_framebuffer && fb->type == BOOT_FB_RGB &&
        console_use_framebuffer(fb)) {
        log_printf("console: framebuffer %ux%u bpp %u\n", fb->width, fb->height,
                   fb->bpp);
    } else {
        log_printf("console: VGA text\n");
    }
}

_Noreturn void kernel_start(uint64_t mbi_pa) {
    serial_init();
    log_printf("\nWeensyOS: kernel image [0x%lx, 0x%lx)\n",
               (uintptr_t) kernel_image_start, (uintptr_t) kernel_image_end);
    cpu_init();
    log_printf("cpu: NX %s\n", cpu_nx ? "on: user data, stack and console "
                                        "never execute"
                                      : "not offered by this CPU");
    console_init();
    if (!bootinfo_init(mbi_pa)) {
        panic("unusable Multiboot2 information");
    }
    bootinfo_log();
    display_init();
    cmdline_parse(bootinfo.cmdline, bootinfo.cmdline_len);
    acpi_init(bootinfo.acpi_rsdp,
              kconfig.acpi_scan_bios ? 0 : bootinfo.acpi_rsdp_len);
    if (kconfig.ioapic_pins) {
        ioapic_limit_pins(kconfig.ioapic_pins > UINT32_MAX
                              ? UINT32_MAX
                              : (uint32_t) kconfig.ioapic_pins);
    }
    intc_init(!kconfig.no_madt, kconfig.x2apic);
    /* Before any driver: their bounded waits read clock_ns. */
    timer_calibrate(kconfig.calib, kconfig.tick_pit);
    if (kconfig.fake_hole) {
        reserve_fake_hole(ROUNDDOWN(kconfig.fake_hole, PAGESIZE));
    }
    ksyms_init();
    physpages_init();
    kalloc_set_order(kconfig.kalloc_scattered ? KALLOC_SCATTERED
                                              : KALLOC_LOWEST_FIRST);
    vm_init(console_frame());
    if (kconfig.kcrash) {
        selftest_kernel_fault();
    }
    if (kconfig.ktriple) {
        selftest_triple_fault();
    }
    if (kconfig.kiretq) {
        selftest_entry_fault();
    }
    proc_init();
    proc_set_all_exited_hook(kernel_all_exited);
    scenario_init();
    /* The keyboards are ready (stale bytes flushed) before any process is
     * logged: a key sent once the log shows the processes is never lost. */
    ps2_init();
    usb_init(kconfig.usb_never_ready);
    kalloc_set_failures(kconfig.kfail_nth, kconfig.kfail_from);
    start_first_scenario();
    if (kconfig.krefbug) {
        log_printf("krefbug: the next copy-on-write page gets one reference "
                   "too many\n");
        uvm_inject_extra_ref();
    }
    if (kconfig.kleak) {
        /* A user page nobody maps: the checker must call it leaked. */
        log_printf("kleak: leaking one page on purpose\n");
        (void) kalloc(PAGE_USER, 1);
    }
    if (kconfig.kstray) {
        /* Delivered at the first sti, most likely in pid 1's user mode. */
        intc_raise_stray(KSTRAY_VECTOR);
    }
    intc_enable_isa_irq(ISA_IRQ_KEYBOARD);
    /* COM1's interrupts only once IRQ 4 is routed: an I/O APIC drops an
     * edge that arrives while its pin is masked. */
    if (intc_enable_isa_irq(ISA_IRQ_COM1)) {
        (void) serial_keys_start();
    }
    timer_init(HZ);
    memviewer_draw();
    schedule();
}
