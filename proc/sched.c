/* sched.c: round-robin scheduling, the timer's view of time, and the only
 * way back to user mode (proc_run). */
#include "arch/x86_64/cpu.h"
#include "mm/vm.h"
#include "proc/proc.h"

volatile uint64_t ticks;
static int last_pid;

_Noreturn void proc_run(struct proc* p) {
    current = p;
    last_pid = p->pid;
    vm_activate(p->pt);
    regs_return(&p->regs);
}

_Noreturn void schedule(void) {
    /* Round robin from the slot after the last one run, ending with that
     * slot itself; slot 0 (the kernel's) is never a process. */
    struct proc* p = &procs[last_pid];
    for (int i = 1; i < NPROC; ++i) {
        if (++p == &procs[NPROC]) {
            p = &procs[1];
        }
        if (p->state == P_RUNNABLE) {
            proc_run(p);
        }
    }
    /* Nothing to run: wait for the timer (or a key) to change that. */
    current = NULL;
    idle_halt();
}

void sched_tick(void) {
    ++ticks;
    for (int i = 1; i < NPROC; ++i) {
        if (procs[i].state == P_BLOCKED && ticks >= procs[i].wake_tick) {
            procs[i].state = P_RUNNABLE;
        }
    }
}
