/* exitpark.c: test mode's verdict for a kernel that does not free memory
 * yet. Until handout step 7 the stencil's exit returns E_NOSYS and ending
 * a process gives nothing back, yet the tests of steps 1-6 end by every
 * process calling exit, and some by a process faulting or by a soft
 * reboot. So that those tests need only the steps they grade, a run in
 * test mode with the command-line word `unfreed` (the harness adds it for
 * a test graded before step 7) takes the kernel at its word there:
 * - a process whose exit returned is parked: blocked forever
 *   (SLEEP_FOREVER), never freed, counted as done;
 * - the leak checks' findings that never freeing must cause are logged
 *   but do not fail the run.
 * Either way the run then ends with its own code (0x12), distinct from the
 * full pass (0x10: every process ended, every page back, no error). Any
 * other run (a test of step 7, a student's own run) sees the stencil as it
 * is: exit returns E_NOSYS, a leak is a failure. Nothing here changes the
 * finished kernel: its exit never returns and it leaks nothing. */
#include "kernel/exitpark.h"

#include "kernel/config.h"
#include "kernel/kernel.h"
#include "kernel/log.h"
#include "lib/string.h"

/* The page table each parked slot had when parked: a slot counts as
 * parked only while it is still blocked forever with that table. A slot
 * freed by kill (an extra) and reused holds a new process: runnable, with
 * a table of its own (before step 2 every process has the kernel's table,
 * but then there is no fork to reuse a slot, only a soft reboot, which
 * forgets them all). */
static pagetable* parked_pt[NPROC];
static bool unfreed_seen;

static bool is_parked(const struct proc* p) {
    return p->state == P_BLOCKED && p->wake_tick == SLEEP_FOREVER &&
           p->pt != NULL && parked_pt[p->pid] == p->pt;
}

/* The runs this file changes: test mode with the word `unfreed`. */
static bool grading_before_step7(void) {
    return kconfig.test && kconfig.unfreed;
}

void exitpark_exit_returned(struct proc* p, int64_t result) {
    if (p->state == P_FREE) {
        /* A half-done exit ended the process and still returned: there is
         * no process left to return to or to park. */
        log_printf("exit: pid %d: exit ended the process but returned %ld: "
                   "not returning to a freed process\n",
                   p->pid, result);
        schedule();
    }
    log_printf("exit: pid %d: exit returned %ld (exit not implemented)%s\n",
               p->pid, result,
               grading_before_step7() ? ": parked, memory not freed" : "");
    if (!grading_before_step7()) {
        return;
    }
    parked_pt[p->pid] = p->pt;
    p->state = P_BLOCKED;
    p->wake_tick = SLEEP_FOREVER;
    exitpark_check();
    schedule();
}

void exitpark_check(void) {
    if (!grading_before_step7()) {
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
        log_printf("all %d processes called exit, which returned\n", parked);
        kernel_unfreed_verdict("exit not implemented");
    }
}

void exitpark_forget(void) {
    for (int i = 0; i < NPROC; ++i) {
        parked_pt[i] = NULL;
    }
}

static bool starts_with(const char* s, const char* prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool exitpark_tolerates(const char* msg) {
    /* memcheck's "leaked user page", "leaked page-table page", the free
     * count's "leak: ...", and the refcount of a page shared with a
     * process that ended without unmapping it. */
    if (!grading_before_step7() ||
        !(starts_with(msg, "leak") || starts_with(msg, "refcount differs"))) {
        return false;
    }
    if (!unfreed_seen) {
        /* Not "PAGE TABLE ERROR": in this run it is none. Logged once. */
        log_printf("unfreed: %s: memory not given back, tolerated (this test "
                   "does not grade step 7)\n",
                   msg);
    }
    unfreed_seen = true;
    return true;
}

bool exitpark_unfreed_seen(void) {
    return unfreed_seen;
}
