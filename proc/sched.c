/* sched.c: round-robin scheduling, the timer's view of time, and the only
 * way back to user mode (proc_run). */
#include "arch/x86_64/cpu.h"
#include "mm/vm.h"
#include "proc/proc.h"

volatile uint64_t ticks;
static int last_pid;
/* The process whose FPU/SSE state and selectors the CPU holds (the kernel
 * never changes them), or NULL when that process has ended. */
static struct proc* ustate_owner;

void proc_ustate_copy(struct proc* dst, struct proc* src) {
    if (src == ustate_owner) {
        ustate_save(&src->ustate);
    }
    dst->ustate = src->ustate;
}

void proc_ustate_forget(struct proc* p) {
    if (p == ustate_owner) {
        ustate_owner = NULL;
    }
}

/* Hands the CPU's FPU/SSE state and selectors over to p. Called only on
 * a process switch: the system call path back to the same process pays
 * one comparison (in proc_run), not a save and a restore. */
__attribute__((noinline)) static void ustate_switch(struct proc* p) {
    if (ustate_owner) {
        ustate_save(&ustate_owner->ustate);
    }
    ustate_load(&p->ustate);
    ustate_owner = p;
}

/* The flags a process gets back: rflags & RFLAGS_USER_MASK | RFLAGS_IF |
 * RFLAGS_FIXED1, here and in entry.asm's light system call path, which
 * has them as immediates. */
_Static_assert(RFLAGS_USER_MASK == 0x240DD5 &&
                   (RFLAGS_IF | RFLAGS_FIXED1) == 0x202,
               "entry.asm's RFLAGS_USER_KEEP and RFLAGS_USER_SET must match");

_Noreturn void proc_run(struct proc* p) {
    current = p;
    last_pid = p->pid;
    vm_activate(p->pt);
    if (p != ustate_owner) {
        ustate_switch(p);
    }
    /* Whatever the process left in its flags, it gets back only what user
     * code may hold (no NT, IOPL, VM, RF), with interrupts on. */
    p->regs.rflags =
        (p->regs.rflags & RFLAGS_USER_MASK) | RFLAGS_IF | RFLAGS_FIXED1;
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
        if (procs[i].state == P_BLOCKED &&
            procs[i].wake_tick != SLEEP_FOREVER &&
            ticks >= procs[i].wake_tick) {
            procs[i].state = P_RUNNABLE;
        }
    }
}
