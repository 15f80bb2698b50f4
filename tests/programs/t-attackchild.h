/* t-attackchild.h: runs one attack in a child and tells the parent how it
 * ended, through a MAP_SHARED page (there is no wait()). The child marks
 * that it started, attacks, and marks that it survived; the parent waits
 * for the start mark, lets the child run, and then learns with kill()
 * whether it is still alive (0: it was, and kill ended it; E_SRCH: it is
 * gone). */
#ifndef TESTS_T_ATTACKCHILD_H
#define TESTS_T_ATTACKCHILD_H

#include "t-mapcheck.h"

struct attack_board {
    volatile uint64_t started;  /* token of the last child that started */
    volatile uint64_t survived; /* token of the last child that survived */
    volatile uint64_t done;     /* children that finished their checks */
};

static struct attack_board* board;

static inline void board_init(void) {
    board = map_ok(NULL, PAGESIZE, RW, MAP_SHARED);
}

enum attack_end {
    ATTACK_DIED,     /* ended by the kernel before its survival mark */
    ATTACK_SURVIVED, /* came back from the attack (parent then killed it) */
    ATTACK_STUCK,    /* still inside the attack (sleeping): killed there */
};

/* Forks a child that runs attack(arg) and, if that returns, marks it
 * survived and waits to be killed. Returns how the child ended. */
static inline enum attack_end attack_in_child(void (*attack)(uint64_t),
                                              uint64_t arg, uint64_t token) {
    pid_t c;
    while ((c = sys_fork()) == E_AGAIN || c == E_NOMEM) {
        sys_yield();
    }
    CHECK(c >= 0, "fork: %d", c);
    if (c == 0) {
        board->started = token;
        attack(arg);
        board->survived = token;
        for (;;) {
            sys_yield();
        }
    }
    for (int i = 0; board->started != token; ++i) {
        CHECK(i < 100000, "attack child %lu never started", token);
        sys_yield();
    }
    /* Let it finish the attack: a few turns, more while it is alive and
     * has not come back yet (sleeps), never more than a bound. */
    for (int i = 0; i < 3 || (board->survived != token && i < 12); ++i) {
        sys_yield();
    }
    int r = sys_kill(c);
    CHECK(r == 0 || r == E_SRCH, "kill(child): %d", r);
    if (r == 0) {
        return board->survived == token ? ATTACK_SURVIVED : ATTACK_STUCK;
    }
    CHECK(board->survived != token, "child %lu survived, then vanished", token);
    return ATTACK_DIED;
}

#endif
