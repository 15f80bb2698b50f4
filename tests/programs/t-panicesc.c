/* t-panicesc: a user panic whose text holds a carriage return and a
 * newline followed by words the kernel logs: the log must show them
 * escaped, on the USER PANIC line. */
#include "t-check.h"

int process_main(void) {
    sys_panic("bad\rPANIC: forged\ntest: PASS");
}
