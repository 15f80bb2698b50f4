/* t-cowfuzz: a seeded random multi-process mix, meant to run with `cow`:
 * workers fork (sharing their pages copy-on-write), exit, kill each other
 * (sleepers and writers included), map (private, shared, read-only, at
 * kernel-chosen and fixed addresses), page_free, page_alloc, write, log
 * from their pages and sleep. Each process keeps a model of every page of
 * its play area (unmapped, read-only zero, private with a tag of its own,
 * shared with a tag nobody rewrites) in its own memory, itself shared
 * copy-on-write, and checks every answer and every page against it: a
 * copy-on-write page that leaks another process's write, a refused call
 * that changed something or a page that lost its data is a user panic.
 * pid 1 keeps the population up for a bounded time (RUN_TICKS), then kills
 * whoever is left and exits; the kernel's leak check ends the test. The
 * page checker runs on every tick. Under fault injection (kfail=N) any
 * process, pid 1 included, may be ended by an out-of-memory
 * copy-on-write fault. */
#include "t-mapcheck.h"

#define RUN_TICKS  600 /* pid 1 stops forking after this */
#define WORKER_OPS 400
#define MAX_LIVE   9  /* workers at once: memory never runs out */
#define MAX_MAPPED 12 /* per process, in its play area */
#define PLAY       64 /* pages where fixed maps, frees, writes happen */

enum { UNMAPPED, READONLY, PRIVATE, SHARED };

static uint8_t state[NPAGES_VIRTUAL];
static uint8_t tags[NPAGES_VIRTUAL];
static size_t lo, top; /* play area [lo, lo + PLAY); map(0) in [lo, top) */
static int mapped, me;
static uint64_t seed, writes;

struct board {
    volatile int64_t live; /* workers alive (kills and exits counted) */
    volatile int64_t checked, killed, forks, ops, logs;
};
static struct board* board;

static unsigned rnd(void) {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return (unsigned) (seed >> 11);
}

static uint8_t* page(size_t pn) {
    return (uint8_t*) (pn * PAGESIZE);
}

/* A tag this process has not written before (pid and a counter). */
static uint8_t new_tag(void) {
    ++writes;
    return (uint8_t) (1 + (me * 37 + writes * 11) % 251);
}

static void fill(size_t pn, uint8_t tag) {
    tags[pn] = tag;
    memset(page(pn), tag, PAGESIZE);
}

static void set_state(size_t pn, int st) {
    mapped += (st != UNMAPPED) - (state[pn] != UNMAPPED);
    state[pn] = (uint8_t) st;
    if (st == PRIVATE || st == SHARED) {
        fill(pn, new_tag());
    }
}

/* Whole page (full) or three bytes against the model. */
static void check_page(size_t pn, bool full) {
    uint8_t want;
    if (state[pn] == UNMAPPED) {
        return;
    }
    want = state[pn] == READONLY ? 0 : tags[pn];
    const volatile uint8_t* b = page(pn);
    size_t probe = (rnd() % PAGESIZE);
    if (!full) {
        CHECK(b[0] == want && b[probe] == want && b[PAGESIZE - 1] == want,
              "pid %d page %zx (state %d): %d/%d/%d, want %d", me, pn,
              state[pn], b[0], b[probe], b[PAGESIZE - 1], want);
        return;
    }
    for (size_t i = 0; i < PAGESIZE; ++i) {
        CHECK(b[i] == want, "pid %d page %zx (state %d) byte %zu: %d, want %d",
              me, pn, state[pn], i, b[i], want);
    }
}

static void check_all(void) {
    for (size_t pn = lo; pn < top; ++pn) {
        check_page(pn, true);
    }
}

static void did_map(size_t pn, size_t n, int prot, int flags) {
    for (size_t i = pn; i < pn + n; ++i) {
        CHECK(page(i)[0] == 0 && page(i)[PAGESIZE - 1] == 0,
              "pid %d: new page %zx not zero", me, i);
        set_state(i, prot == PROT_READ ? READONLY : flags ? SHARED : PRIVATE);
    }
}

static void op_map_chosen(void) {
    size_t n = 1 + rnd() % 3;
    int prot = rnd() % 3 ? RW : PROT_READ;
    int flags = rnd() % 3 ? 0 : MAP_SHARED;
    int64_t r = map_raw(0, NP(n), (uint64_t) prot, (uint64_t) flags);
    if (r == E_NOMEM) {
        return;
    }
    CHECK(r > 0 && PAGE_ALIGNED((uint64_t) r), "map(0): %ld", r);
    size_t pn = (size_t) r / PAGESIZE;
    CHECK(pn >= lo && pn + n <= top, "map(0) outside the play area: %lx", r);
    for (size_t i = pn; i < pn + n; ++i) {
        CHECK(state[i] == UNMAPPED, "map(0) at %lx over mapped page %zx", r, i);
    }
    did_map(pn, n, prot, flags);
}

static void op_map_fixed(void) {
    size_t pn = lo + rnd() % PLAY, n = 1 + rnd() % 3;
    if (pn + n > lo + PLAY) {
        n = lo + PLAY - pn;
    }
    int prot = rnd() % 3 ? RW : PROT_READ;
    int flags = rnd() % 3 ? 0 : MAP_SHARED;
    int64_t r =
        map_raw((uint64_t) page(pn), NP(n), (uint64_t) prot, (uint64_t) flags);
    if (r == E_NOMEM) {
        return; /* all or nothing: later checks see the old pages */
    }
    CHECK(r == (int64_t) page(pn), "fixed map: %ld", r);
    did_map(pn, n, prot, flags);
}

static void op_page_alloc(void) {
    size_t pn = lo + rnd() % PLAY;
    int r = sys_page_alloc(page(pn));
    if (r == E_NOMEM) {
        return;
    }
    CHECK_EQ(r, 0, "page_alloc");
    did_map(pn, 1, RW, 0);
}

static void op_free(void) {
    size_t pn = lo + rnd() % PLAY;
    int r = sys_page_free(page(pn));
    CHECK_EQ(r, state[pn] == UNMAPPED ? E_INVAL : 0, "page_free");
    set_state(pn, UNMAPPED);
}

static void op_write(void) {
    size_t pn = lo + rnd() % PLAY;
    check_page(pn, false);
    if (state[pn] == PRIVATE) {
        fill(pn, new_tag()); /* the copy-on-write fault happens here */
    }
}

/* The kernel reads a page that may be copy-on-write, shared, read-only
 * or unmapped, with a length that may run past it. */
static void op_log(void) {
    size_t pn = lo + rnd() % PLAY;
    size_t len = 1 + rnd() % 16;
    size_t off = rnd() % 2 ? PAGESIZE - len / 2 - 1 : 0;
    bool ok = state[pn] != UNMAPPED &&
              (off + len <= PAGESIZE || state[pn + 1] != UNMAPPED);
    if (pn + 1 >= lo + PLAY) {
        return;
    }
    int64_t r = sys_log(page(pn) + off, len);
    CHECK_EQ(r, ok ? (int64_t) len : E_FAULT, "log from the play area");
    __atomic_fetch_add(&board->logs, 1, __ATOMIC_RELAXED);
}

static void op_kill(void) {
    pid_t victim = (pid_t) (2 + rnd() % (NPROC - 2));
    if (victim == me) {
        return;
    }
    int r = sys_kill(victim);
    CHECK(r == 0 || r == E_SRCH, "kill(%d): %d", victim, r);
    if (r == 0) {
        __atomic_fetch_sub(&board->live, 1, __ATOMIC_RELAXED);
        __atomic_fetch_add(&board->killed, 1, __ATOMIC_RELAXED);
    }
}

/* Per-process CPU state beyond the general registers: %xmm0-15, the top
 * of the x87 stack, MXCSR's rounding mode and %fs all hold values derived
 * from the pid; every step checks that no other process's show through. */
static uint64_t xmm_value(int i) {
    return 0x5EC0000000000000UL | ((uint64_t) me << 16) | (uint64_t) i;
}

#define XMM_LO(X)  X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
#define XMM_HI(X)  X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
#define XMM_ALL(X) XMM_LO(X) XMM_HI(X)

static void cpu_state_set(void) {
#define SET(i) __asm__ volatile("movq %0, %%xmm" #i : : "r"(xmm_value(i)));
    XMM_ALL(SET)
#undef SET
    int64_t x87 = 1000 + me;
    uint32_t mxcsr = 0x1F80 | ((uint32_t) (me % 4) << 13);
    uint16_t fs = (me & 1) ? 0x1B : 0;
    __asm__ volatile("fninit\n\tfildq %0\n\tldmxcsr %1\n\tmovw %2, %%fs"
                     :
                     : "m"(x87), "m"(mxcsr), "r"(fs));
}

static void cpu_state_check(void) {
    uint64_t got;
#define GET(i)                                                                 \
    __asm__ volatile("movq %%xmm" #i ", %0" : "=r"(got));                      \
    CHECK(got == xmm_value(i), "pid %d: xmm%d is %lx", me, i, got);
    XMM_ALL(GET)
#undef GET
    int64_t x87;
    uint32_t mxcsr;
    uint16_t fs;
    __asm__ volatile("fld %%st(0)\n\tfistpq %0\n\tstmxcsr %1\n\t"
                     "movw %%fs, %2"
                     : "=m"(x87), "=m"(mxcsr), "=r"(fs));
    CHECK(x87 == 1000 + me, "pid %d: st(0) is %ld", me, x87);
    CHECK(mxcsr == (0x1F80 | ((uint32_t) (me % 4) << 13)), "pid %d: mxcsr %x",
          me, mxcsr);
    CHECK(fs == ((me & 1) ? 0x1B : 0), "pid %d: fs %x", me, fs);
}

static int worker_ops;
static _Noreturn void worker(void);
/* A new worker starts on an empty stack: forks from deep inside a worker
 * would otherwise nest frames generation after generation past the one
 * stack page. */
static _Noreturn void start_worker(void) {
    __asm__ volatile("movq %0, %%rsp\n\t"
                     "xorl %%ebp, %%ebp\n\t"
                     "call *%1"
                     :
                     : "i"(MEMSIZE_VIRTUAL), "r"(worker)
                     : "memory");
    __builtin_unreachable();
}

/* Forks a worker if there is room; the child runs ops operations. */
static void spawn(int ops) {
    if (__atomic_fetch_add(&board->live, 1, __ATOMIC_RELAXED) >= MAX_LIVE) {
        __atomic_fetch_sub(&board->live, 1, __ATOMIC_RELAXED);
        return;
    }
    pid_t c = sys_fork();
    if (c < 0) {
        CHECK(c == E_AGAIN || c == E_NOMEM, "fork: %d", c);
        __atomic_fetch_sub(&board->live, 1, __ATOMIC_RELAXED);
        return;
    }
    if (c == 0) {
        me = sys_getpid();
        seed ^= (uint64_t) me * 0x9E3779B97F4A7C15UL;
        check_all(); /* the parent's pages, as the child sees them */
        worker_ops = ops;
        start_worker();
    }
    __atomic_fetch_add(&board->forks, 1, __ATOMIC_RELAXED);
}

static void step(void) {
    cpu_state_check();
    unsigned r = rnd() % 100;
    if (r < 14 && mapped < MAX_MAPPED) {
        op_map_chosen();
    } else if (r < 26 && mapped < MAX_MAPPED) {
        op_map_fixed();
    } else if (r < 32 && mapped < MAX_MAPPED) {
        op_page_alloc();
    } else if (r < 46) {
        op_free();
    } else if (r < 76) {
        op_write();
    } else if (r < 80) {
        op_log();
    } else if (r < 84) {
        spawn(WORKER_OPS / 2);
    } else if (r < 85) {
        op_kill();
    } else if (r < 92) {
        sys_sleep(1 + rnd() % 3);
    } else if (r < 94) {
        check_all();
    } else {
        sys_yield();
    }
    __atomic_fetch_add(&board->ops, 1, __ATOMIC_RELAXED);
}

static _Noreturn void worker(void) {
    cpu_state_set();
    for (int i = 0; i < worker_ops; ++i) {
        step();
        if (rnd() % 400 == 0) {
            break; /* an early exit, with whatever it holds */
        }
    }
    check_all();
    __atomic_fetch_add(&board->checked, 1, __ATOMIC_RELAXED);
    __atomic_fetch_sub(&board->live, 1, __ATOMIC_RELAXED);
    sys_exit(0);
}

int process_main(void) {
    me = 1;
    seed = 0xC0FFEE1234567ULL;
    board = map_ok(NULL, PAGESIZE, RW, MAP_SHARED);
    lo = ROUNDUP((uintptr_t) end, PAGESIZE) / PAGESIZE + 1;
    top = USER_STACK_PAGE / PAGESIZE;
    log_printf("t-cowfuzz: seed %lx\n", seed);
    cpu_state_set();
    /* pid 1 holds pages of every kind too, so children share them. */
    for (int i = 0; i < 8; ++i) {
        step();
    }
    uint64_t stop = sys_ticks() + RUN_TICKS;
    while (sys_ticks() < stop) {
        spawn(WORKER_OPS);
        sys_sleep(1 + rnd() % 2);
        if (rnd() % 4 == 0) {
            op_write();
        }
    }
    check_all();
    cpu_state_check();
    for (pid_t p = 2; p < NPROC; ++p) {
        if (sys_kill(p) == 0) {
            __atomic_fetch_add(&board->killed, 1, __ATOMIC_RELAXED);
        }
    }
    log_printf("t-cowfuzz: %ld forks, %ld workers checked, %ld killed, %ld "
               "operations, %ld logs\n",
               board->forks, board->checked, board->killed, board->ops,
               board->logs);
    return 0;
}
