/* exitpark.h: test mode's verdict for a kernel that does not free memory
 * yet (before handout step 7: exit returns, nothing is given back). */
#ifndef KERNEL_EXITPARK_H
#define KERNEL_EXITPARK_H

#include "proc/proc.h"

/* p's exit system call returned `result` to the dispatcher, which the
 * finished kernel's exit never does (the stencil's returns E_NOSYS until
 * step 7). Logs it. Returns (p gets result, as the handout's stencil
 * gives it) unless this is test mode with the word `unfreed` (a test
 * graded before step 7); then parks p (it never runs again;
 * its memory stays allocated) and runs the others; once every live
 * process is parked the run ends with the verdict "pass, memory not freed"
 * (kernel_unfreed_verdict). Does not return then, nor when exit ended p
 * and still returned (p is free: nothing to return to). */
void exitpark_exit_returned(struct proc* p, int64_t result);
/* Under test mode and `unfreed`, gives that verdict if processes are
 * parked and every live process is parked (e.g. the last unparked one faulted).
 * Each tick. */
void exitpark_check(void);
/* Every process has ended (soft reboot): forgets the parked ones. */
void exitpark_forget(void);
/* A page-table error msg found in test mode: whether it is one that a
 * kernel which never frees memory must cause (a leaked page, a refcount
 * above the mappings left) and the command line says this run does not
 * grade freeing (word `unfreed`). If so, logs that it is tolerated and
 * remembers it for the verdict. */
bool exitpark_tolerates(const char* msg);
/* Whether exitpark_tolerates let an error pass in this run. */
bool exitpark_unfreed_seen(void);

#endif
