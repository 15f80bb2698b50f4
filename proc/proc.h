/* proc.h: processes. The table, their life cycle and the scheduler.
 *
 * Who touches what in struct proc:
 * - pid: fixed per slot (slot index); never changes.
 * - state, wake_tick: the scheduler and the life-cycle calls (proc_*),
 *   which run only in the kernel with interrupts off.
 * - pt: set when the process is made (spawn, fork), freed by proc_end.
 *   The memory viewer and checker only read it.
 * - regs: saved on every entry to the kernel from this process, loaded on
 *   every return to it; system calls write their result into regs.rax.
 * - log_resume: a log() call under way (syscall.c); reset when the
 *   process ends.
 * - ustate: FPU/SSE state and data selectors; up to date only while the
 *   process is not the one whose state the CPU holds (sched.c owns that
 *   hand-over: proc_run, proc_ustate_copy, proc_ustate_forget). */
#ifndef PROC_PROC_H
#define PROC_PROC_H

#include "abi/memlayout.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/x86.h"
#include "kernel/bootinfo.h"
#include "mm/vmiter.h"

enum proc_state {
    P_FREE = 0, /* slot unused */
    P_RUNNABLE,
    P_BLOCKED, /* sleeping until wake_tick */
};

/* wake_tick of a sleep too long to end by itself. */
#define SLEEP_FOREVER UINT64_MAX

struct proc {
    int pid;
    enum proc_state state;
    pagetable* pt;
    char name[BOOT_NAME_MAX];
    uint64_t wake_tick;
    struct {
        uint64_t done;         /* bytes written so far; 0: no call under way */
        uint64_t rip, va, len; /* what its restart must come back with */
    } log_resume;
    struct regs regs;
    struct user_cpu_state ustate;
};

extern struct proc procs[NPROC];
/* The process whose registers the kernel is serving; NULL when idle. */
extern struct proc* current;
/* Timer ticks since boot. */
extern volatile uint64_t ticks;

void proc_init(void);
/* Creates process pid from the ELF module m. Returns 0, or a negative
 * error after logging why (bad image, no memory); nothing is left
 * allocated on failure. */
int proc_spawn(int pid, const struct boot_module* m);
/* Ends p: frees its memory and its slot. Safe for the current process
 * (switches to the kernel page table first). */
void proc_end(struct proc* p);
/* Ends every process. */
void proc_end_all(void);
/* Number of processes not free. */
int proc_live_count(void);
/* Called when the last process ends. */
void proc_set_all_exited_hook(void (*hook)(void));

/* Copies parent into a new process; returns the child's pid, E_AGAIN
 * without a free slot, or E_NOMEM (nothing leaked). */
int proc_fork(struct proc* parent);
/* Whether fork shares private writable pages copy-on-write (on) or copies
 * them at once (off, the default). */
void proc_set_fork_cow(bool on);

/* Validates an ELF image and loads it into pt for process pid. Returns 0
 * and the entry point, or a negative error after logging the reason. */
int elf_load(pagetable* pt, int pid, const char* name, const uint8_t* image,
             size_t size, uint64_t* entry);

/* Runs p: loads its page table if needed and returns to user mode. */
_Noreturn void proc_run(struct proc* p);
/* Picks the next runnable process round-robin (or idles until one is). */
_Noreturn void schedule(void);
/* Gives dst a copy of src's FPU/SSE state and selectors (fork). */
void proc_ustate_copy(struct proc* dst, struct proc* src);
/* p is ending: the CPU's FPU/SSE state is no longer anyone's to save. */
void proc_ustate_forget(struct proc* p);
/* Timer bookkeeping: advances ticks and wakes sleepers. */
void sched_tick(void);

/* Entry from syscall_entry (entry.asm). */
_Noreturn void syscall_entry_c(struct regs* r);

#endif
