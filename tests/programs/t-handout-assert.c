/* t-handout-assert: a handout-style program whose assertion fails: the
 * failure shows the file, the line and the expression, then panics. */
#include "lib.h"
#include "process.h"

void process_main(void) {
    pid_t p = sys_getpid();
    assert(p == 1);
    assert(p + 1 == 1);
    sys_panic("t-handout-assert: the failed assert did not panic");
}
