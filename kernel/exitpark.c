/* exitpark.c: test mode's verdict for a kernel whose exit system call
 * returns. The tests of steps 1-6 end by every process calling exit; a
 * kernel without step 7 cannot end them, so without this those tests
 * would need step 7 to pass. Here a process whose exit returned is
 * parked: blocked forever (SLEEP_FOREVER), never freed, counted done.
 * When only parked processes are left, test mode leaves QEMU with its own
 * code (0x12), distinct from the full pass (0x10, every process ended and
 * every page back), so a test that needs exit or a clean memory check can
 * tell the two apart. Nothing here runs in the finished kernel: its exit
 * never returns. */
#include "kernel/exitpark.h"

#include "arch/x86_64/devices.h"
#include "kernel/config.h"
#include "kernel/kernel.h"
#include "kernel/log.h"

/* The page table each parked slot had when parked: a slot counts as
 * parked only while it still holds that process, blocked forever (a slot
 * freed by kill and reused holds another page table or another state). */
static pagetable* parked_pt[NPROC];

static bool is_parked(const struct proc* p) {
    return p->state == P_BLOCKED && p->wake_tick == SLEEP_FOREVER &&
           p->pt != NULL && parked_pt[p->pid] == p->pt;
}

void exitpark_exit_returned(struct proc* p, int64_t result) {
    log_printf("exit: pid %d: exit returned %ld (exit not implemented)%s\n",
               p->pid, result,
               kconfig.test ? ": parked, memory not freed" : "");
    if (!kconfig.test) {
        return;
    }
    parked_pt[p->pid] = p->pt;
    p->state = P_BLOCKED;
    p->wake_tick = SLEEP_FOREVER;
    exitpark_check();
    schedule();
}

void exitpark_check(void) {
    if (!kconfig.test) {
        return;
    }
    int parked = 0;
    for (int i = 1; i < NPROC; ++i) {
        if (procs[i].state == P_FREE) {
            continue;
        }
        if (!is_parked(&procs[i])) {
            return;
        }
        ++parked;
    }
    if (parked > 0) {
        kernel_all_parked(parked);
    }
}

void exitpark_forget(void) {
    for (int i = 0; i < NPROC; ++i) {
        parked_pt[i] = NULL;
    }
}
