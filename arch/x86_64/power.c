/* power.c: leaving the machine: QEMU's isa-debug-exit for tests, and
 * power-off through the ports emulators listen on. Real hardware would need
 * ACPI tables; there the kernel halts and says it is safe to switch off. */
#include "arch/x86_64/devices.h"
#include "arch/x86_64/x86.h"

#define DEBUG_EXIT_PORT     0xF4
#define BOCHS_SHUTDOWN_PORT 0x8900

void machine_debug_exit(uint8_t code) {
    serial_flush();
    outb(DEBUG_EXIT_PORT, code);
    /* Still here: no isa-debug-exit. Bochs ends its run when "Shutdown"
     * is written to its port 0x8900; the verdict is already in the log. */
    for (const char* p = "Shutdown"; *p; ++p) {
        outb(BOCHS_SHUTDOWN_PORT, (uint8_t) *p);
    }
}

void machine_poweroff(void) {
    serial_flush();
    outw(0x604, 0x2000);  /* QEMU pc (PIIX4 PM) */
    outw(0xB004, 0x2000); /* Bochs, older QEMU */
    outw(0x4004, 0x3400); /* VirtualBox */
}
