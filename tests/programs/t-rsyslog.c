/* t-rsyslog: hostile timing around restarted log() calls. Every free slot
 * is filled with loggers, so that every process but the parent is in the
 * middle of a restarted call at once; meanwhile the parent forks at the
 * process limit (E_AGAIN), kills loggers after random numbers of turns,
 * rewrites pages it shares (MAP_SHARED) with all of them, drops and remaps
 * its own reference to those, and refills the freed slots with fresh
 * loggers. Each logger writes its own buffer of LINES lines, "B<serial>",
 * then "M<serial> ...", then "E<serial>": the harness checks that every
 * logger that got to its end wrote its whole buffer from its own first
 * byte (no progress of a killed predecessor in the same slot carried
 * over), and the logger checks that it got len back. Nothing may leak
 * (the kernel's exit check). */
#include "t-check.h"

#define BUF_PAGES 3
#define BUF_LEN   ((int) (BUF_PAGES * PAGESIZE))
#define ROUNDS    6

#define LINE  64
#define LINES (BUF_LEN / LINE)

static char* buf;          /* shared with every logger */
static char lbuf[BUF_LEN]; /* each logger's own */
static int serial;         /* the next logger's number */

/* Each line is LINE bytes: a letter, the serial, padding, '\n'. */
static void fill(char* b, int n) {
    for (int i = 0; i < LINES; ++i) {
        char* l = b + i * LINE;
        memset(l, 'x', LINE - 1);
        snprintf(l, 12, "%c%05d ",
                 i == 0           ? 'B'
                 : i == LINES - 1 ? 'E'
                                  : 'M',
                 n);
        l[7] = 'x';
        l[LINE - 1] = '\n';
    }
}

static _Noreturn void logger(int n) {
    fill(lbuf, n);
    int64_t r = sys_log(lbuf, BUF_LEN);
    CHECK_EQ(r, BUF_LEN, "a logger's log() of its buffer");
    sys_exit(0);
}

/* Forks one logger; returns what fork returned to the parent. */
static pid_t spawn_logger(void) {
    int n = serial++;
    pid_t c = sys_fork();
    if (c == 0) {
        logger(n);
    }
    return c;
}

int process_main(void) {
    srand(0x5eed);
    buf = sys_map(NULL, BUF_LEN, PROT_READ | PROT_WRITE, MAP_SHARED);
    CHECK(!map_failed(buf), "map of the shared buffer: %ld", (int64_t) buf);
    pid_t kids[NPROC] = {0};
    int killed = 0, eagain = 0, started = 0;
    for (int round = 0; round < ROUNDS; ++round) {
        memset(buf, 'a' + round, BUF_LEN);
        /* Fill every free slot with a logger. */
        for (;;) {
            pid_t c = spawn_logger();
            if (c == E_AGAIN) {
                ++eagain;
                break;
            }
            CHECK(c > 0 && c < NPROC, "fork: %d", c);
            kids[c] = c;
            ++started;
        }
        /* All of them are now mid-log (each wrote one chunk at most). */
        for (int step = 0; step < 40; ++step) {
            int what = rand() % 6;
            pid_t victim = 1 + rand() % (NPROC - 1);
            if (what == 0 && kids[victim]) {
                int r = sys_kill(victim);
                CHECK(r == 0 || r == E_SRCH, "kill of a logger: %d", r);
                killed += r == 0;
                kids[victim] = 0;
            } else if (what == 1) {
                /* Rewrite the shared bytes under the loggers' feet. */
                buf[rand() % BUF_LEN] = 'Z';
            } else if (what == 2) {
                /* Fork at the limit, or refill a slot: the new logger's
                 * call must start from its own first byte. */
                pid_t c = spawn_logger();
                CHECK(c == E_AGAIN || (c > 0 && c < NPROC), "fork: %d", c);
                if (c > 0) {
                    kids[c] = c;
                    ++started;
                } else {
                    ++eagain;
                }
            } else {
                yield_n(rand() % 3);
            }
        }
        /* Let the survivors finish; then drop the parent's reference and
         * map a fresh shared buffer for the next round. */
        for (int i = 0; i < 200; ++i) {
            sys_yield();
        }
        for (pid_t p = 1; p < NPROC; ++p) {
            if (kids[p]) {
                int r = sys_kill(p);
                CHECK(r == 0 || r == E_SRCH, "kill: %d", r);
                kids[p] = 0;
            }
        }
        for (int i = 0; i < BUF_PAGES; ++i) {
            CHECK_EQ(sys_page_free(buf + i * PAGESIZE), 0, "page_free");
        }
        buf = sys_map(buf, BUF_LEN, PROT_READ | PROT_WRITE, MAP_SHARED);
        CHECK(!map_failed(buf), "remap: %ld", (int64_t) buf);
    }
    log_printf("t-rsyslog: %d loggers started, %d killed, %d E_AGAIN, "
               "%d lines each\n",
               started, killed, eagain, LINES);
    return 0;
}
