/* t-logreenter: a log() abandoned between two chunks (t-logabandon.h)
 * must not lend its progress to a later call, even one made from the same
 * `syscall` with the same arguments. The abandoned call logs '-'; the
 * parent then fills the same buffer with '+', puts the `syscall` back and
 * calls log() again from the very same instruction with the same
 * arguments: a new call, which must write all LONG_LEN bytes of '+' (the
 * harness counts them) and return LONG_LEN. */
#include "t-logabandon.h"

#define LONG_LEN 1024 /* four chunks */

static char long_buf[LONG_LEN];

int process_main(void) {
    memset(long_buf, '-', LONG_LEN);
    long_buf[LONG_LEN - 1] = '\n';
    int64_t first;
    volatile uint8_t* code = log_abandoned(long_buf, LONG_LEN, &first);
    /* The same instruction again, the same arguments, new bytes. */
    memset(long_buf, '+', LONG_LEN);
    long_buf[LONG_LEN - 1] = '\n';
    code[0] = 0x0F;
    code[1] = 0x05;
    int64_t second = log_via(code, long_buf, LONG_LEN);
    CHECK_EQ(second, LONG_LEN, "the second log() from the same syscall");
    /* No other log() in between: that would be a new call anyway. */
    log_printf("\nt-logreenter: the first call came back with %ld\n", first);
    log_printf("t-logreenter: ok\n");
    return 0;
}
