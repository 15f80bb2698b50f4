/* t-logrewrite: a log() that is restarted after each 256-byte chunk must
 * not carry its progress into a different call. Once a long log() is
 * abandoned between two chunks (t-logabandon.h), the parent's next log()
 * is a new call: it must write its whole buffer and return its length,
 * not skip the abandoned call's progress or return E_FAULT. */
#include "t-logabandon.h"

#define LONG_LEN  1024 /* four chunks */
#define SHORT_LEN 100  /* shorter than one chunk */

static char long_buf[LONG_LEN];
static char short_buf[SHORT_LEN + 1];

int process_main(void) {
    memset(long_buf, '-', LONG_LEN);
    long_buf[LONG_LEN - 1] = '\n';
    memset(short_buf, 's', SHORT_LEN);
    short_buf[SHORT_LEN - 1] = '\n';
    int64_t abandoned;
    log_abandoned(long_buf, LONG_LEN, &abandoned);
    int64_t r = sys_log(short_buf, SHORT_LEN);
    CHECK_EQ(r, SHORT_LEN, "a new log() after an abandoned one");
    log_printf("t-logrewrite: the abandoned call came back with %ld\n",
               abandoned);
    r = sys_log(long_buf, LONG_LEN);
    CHECK_EQ(r, LONG_LEN, "a long log() after that");
    log_printf("t-logrewrite: ok\n");
    return 0;
}
