/* ustate.c: the per-process CPU state beyond the general registers: the
 * FXSAVE image (x87, MMX, SSE, MXCSR) and %ds/%es/%fs/%gs. The kernel is
 * built with -mno-sse -mno-80387 and never touches that state, so whatever
 * the CPU holds belongs to the last process that ran; proc_run swaps it
 * only when the process changes (not on every system call). */
#include "arch/x86_64/cpu.h"

#include "lib/string.h"

#define MXCSR_DEFAULT 0x1F80 /* all SIMD exceptions masked, round nearest */

static struct user_cpu_state clean;
static bool clean_ready;

/* Takes the template after fninit: needs CR0/CR4 set (cpu_config_init). */
static void make_clean(void) {
    uint32_t mxcsr = MXCSR_DEFAULT;
    __asm__ volatile("fninit\n\t"
                     "ldmxcsr %1\n\t"
                     "fxsave64 %0"
                     : "=m"(clean.fxsave)
                     : "m"(mxcsr)
                     : "memory");
    /* fninit empties the x87 stack but leaves the registers' contents (and
     * MMX aliases them), and touches no XMM register: zero ST0-7/MM0-7
     * (bytes 32-159) and XMM0-15 (160-415) in the image. */
    memset(clean.fxsave + 32, 0, 384);
    clean.ds = clean.es = clean.fs = clean.gs = 0;
    clean_ready = true;
}

void ustate_init(struct user_cpu_state* s) {
    if (!clean_ready) {
        make_clean();
    }
    *s = clean;
}

void ustate_save(struct user_cpu_state* s) {
    __asm__ volatile("fxsave64 %0" : "=m"(s->fxsave) : : "memory");
    __asm__ volatile("movw %%ds, %0\n\t"
                     "movw %%es, %1\n\t"
                     "movw %%fs, %2\n\t"
                     "movw %%gs, %3"
                     : "=m"(s->ds), "=m"(s->es), "=m"(s->fs), "=m"(s->gs));
}

void ustate_load(const struct user_cpu_state* s) {
    /* FXRSTOR leaves the x87 last-instruction and operand pointers (FIP,
     * FDP, FOP) alone when the image has no pending exception (AMD, and
     * QEMU's TCG), so whatever set them last would show through fnstenv:
     * the previous owner's, or the kernel's own x87 instruction here (a
     * kernel address). fninit zeroes them (and discards any pending error
     * without raising it), and executes no x87 data instruction itself:
     * the process sees its own pointers or 0 (t-fpuptr). */
    __asm__ volatile("fninit\n\t"
                     "fxrstor64 %0"
                     :
                     : "m"(s->fxsave)
                     : "memory");
    /* Selectors a process loaded itself are loadable here too (ring 0 may
     * load any data segment ring 3 may); their bases are all 0. */
    __asm__ volatile("movw %0, %%ds\n\t"
                     "movw %1, %%es\n\t"
                     "movw %2, %%fs\n\t"
                     "movw %3, %%gs"
                     :
                     : "rm"(s->ds), "rm"(s->es), "rm"(s->fs), "rm"(s->gs));
}
