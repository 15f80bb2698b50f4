/* t-handout-panic: a handout-style program that calls sys_panic. */
#include "lib.h"
#include "process.h"

void process_main(void) {
    sys_yield();
    sys_panic("t-handout-panic: on purpose");
}
