/* trap.c: what the kernel does with each exception and interrupt. A fault
 * in user mode ends that process alone; a fault in kernel mode is a panic.
 * Like every kernel entry, trap_entry never returns: it ends by running a
 * process or idling. */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/devices.h"
#include "arch/x86_64/intc.h"
#include "arch/x86_64/rtc.h"
#include "drivers/usb/usb.h"
#include "kernel/config.h"
#include "kernel/console.h"
#include "kernel/exitpark.h"
#include "kernel/kernel.h"
#include "kernel/log.h"
#include "kernel/mapdump.h"
#include "kernel/memviewer.h"
#include "kernel/panic.h"
#include "kernel/scenario.h"
#include "lib/format.h"
#include "mm/physpages.h"
#include "mm/uvm.h"
#include "proc/proc.h"

/* Ends p for the fault in r; out_of_memory: a copy-on-write write that
 * found no free page. */
static void user_fault(struct proc* p, const struct regs* r,
                       bool out_of_memory) {
    /* Room for the longest message (two 64-bit addresses in hex): the log
     * gets it whole; the message row shows what fits on it. */
    char msg[2 * CONSOLE_COLUMNS];
    if (out_of_memory) {
        log_printf("cow: pid %d: out of memory (kalloc %lu)\n", p->pid,
                   kalloc_count());
        snprintf(msg, sizeof(msg),
                 "PAGE FAULT on 0x%lx (pid %d, out of memory, rip=0x%lx)!",
                 rcr2(), p->pid, r->rip);
    } else if (r->intno == INT_PAGEFAULT) {
        snprintf(msg, sizeof(msg),
                 "PAGE FAULT on 0x%lx (pid %d, %s %s, "
                 "rip=0x%lx)!",
                 rcr2(), p->pid,
                 (r->err & PFERR_FETCH)   ? "exec"
                 : (r->err & PFERR_WRITE) ? "write"
                                          : "read",
                 (r->err & PFERR_PRESENT) ? "protection problem"
                                          : "missing page",
                 r->rip);
    } else {
        snprintf(msg, sizeof(msg), "%s (pid %d, rip=0x%lx)!",
                 cpu_exception_name(r->intno), p->pid, r->rip);
    }
    log_printf("%s\n", msg);
    console_message(ROW_MESSAGE, COLOR_RED, "%.*s", CONSOLE_COLUMNS - 1, msg);
    log_printf("fault: pid %d ended\n", p->pid);
    proc_end(p);
}

static void handle_key(int key) {
    const char* scenario = scenario_for_key(key);
    if (scenario) {
        log_printf("key '%c': soft reboot into '%s'\n", key, scenario);
        scenario_soft_reboot(scenario);
    } else if (key == 'q') {
        kernel_poweroff();
    } else if (key == 'x') {
        log_printf("key 'x': ending every process\n");
        scenario_soft_reboot(NULL);
        kernel_all_exited();
    } else if (key == 'd') {
        console_dump_to_log();
    } else if (key == 'p') {
        mapdump_log("key");
    }
}

/* IRQ 4: acts on the keys COM1 received. Not inlined, so that its buffer
 * stays out of trap_entry's frame, which every timer tick pays for. */
__attribute__((noinline)) static void serial_irq(void) {
    char keys[SERIAL_KEYS_MAX];
    int n = serial_keys_read(keys, SERIAL_KEYS_MAX);
    intc_eoi(ISA_IRQ_COM1);
    for (int i = 0; i < n; ++i) {
        handle_key(keys[i]);
    }
}

_Noreturn void trap_entry(struct regs* r) {
    bool from_user = (r->cs & 3) == 3;
    if (from_user) {
        current->regs = *r;
    }
    switch (r->intno) {
    case INT_TIMER: {
        /* The local APIC timer's or the PIT's (ISA IRQ 0): intc_eoi ends
         * either. */
        intc_eoi(ISA_IRQ_PIT);
        if (kconfig.tick_rtc) {
            rtc_tick_probe();
        }
        int key = usb_keyboard_read();
        if (key > 0) {
            handle_key(key);
        }
        sched_tick();
        if (kconfig.unfreed) { /* only tests graded before step 7 */
            exitpark_check();
        }
        memviewer_draw();
        schedule();
    }
    case INT_KEYBOARD: {
        int key = keyboard_read();
        intc_eoi(ISA_IRQ_KEYBOARD);
        if (key > 0) {
            handle_key(key);
        }
        break;
    }
    case INT_SERIAL:
        serial_irq();
        break;
    /* Spurious: the 8259's (IRQ 7, IRQ 15) and the local APIC's, which is
     * the same vector as IRQ 15 (LAPIC_SPURIOUS_VECTOR). None is ended:
     * no controller counts it as in service. */
    case INT_SPURIOUS7:
    case INT_SPURIOUS15:
        break;
    default:
        /* A hardware interrupt on a vector past the IDT's end (nothing is
         * routed there: one a firmware left pending, a misprogrammed
         * device) is a #GP for a gate (IDT bit) while the local APIC has
         * that vector in service; an `int $N` from user code has nothing
         * in service there and ends its process. (The error code's vector
         * is not used: QEMU writes it as vector * 16 + 2, and leaves the
         * EXT bit clear.) */
        if (r->intno == INT_GPF && (r->err & ERR_IDT)) {
            int stray = intc_stray_in_service();
            if (stray >= 0) {
                intc_stray((unsigned) stray);
                break;
            }
        }
        if (!from_user) {
            panic_trap(r);
        }
        enum uvm_fault f = UVM_FAULT_REAL;
        if (r->intno == INT_PAGEFAULT) {
            f = uvm_page_fault(current->pt, current->pid, rcr2(), r->err);
        }
        if (f == UVM_FAULT_RESOLVED) {
            proc_run(current);
        }
        user_fault(current, r, f == UVM_FAULT_NOMEM);
        schedule();
    }
    /* Interrupts that change nothing resume whoever was interrupted. */
    if (from_user && current && current->state == P_RUNNABLE) {
        proc_run(current);
    }
    schedule();
}
