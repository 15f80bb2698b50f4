/* scenario.h: starting scenarios and soft-rebooting between them. */
#ifndef KERNEL_SCENARIO_H
#define KERNEL_SCENARIO_H

#include "abi/types.h"

/* Records the free page count that every soft reboot must get back to. */
void scenario_init(void);
/* Starts scenario `name`, or the module called name as pid 1. Returns
 * false, after logging why, when neither exists or it cannot start. */
bool scenario_start(const char* name);
/* The scenario bound to key, or NULL. */
const char* scenario_for_key(int key);
/* Ends every process, checks that all their pages came back, clears the
 * screen and starts name (NULL: start nothing). */
void scenario_soft_reboot(const char* name);
/* Checks that the free page count is back at its boot value; reports a
 * leak as a page-table error. Returns true when nothing leaked. */
bool scenario_check_no_leak(void);

#endif
