/* t-mapfuzz: a hostile mix of map, page_free, fork and writes with random
 * arguments, good and bad. The program tracks what each page of its play
 * area should be (unmapped, read-only zero, private with a tag, shared)
 * and checks every answer against it: kernel-chosen runs never overlap a
 * mapped page, refused calls change nothing, private data survives forks
 * and other processes' writes. Children run a shorter mix and exit. The
 * kernel checks its bookkeeping on every tick; nothing may leak. */
#include "t-mapcheck.h"

#define OPS        3000
#define CHILD_OPS  150
#define MAX_MAPPED 40

enum { UNMAPPED, READONLY, PRIVATE, SHARED };

static uint8_t state[NPAGES_VIRTUAL];
static uint8_t tags[NPAGES_VIRTUAL];
static size_t lo, hi; /* fixed maps, frees, writes: pages [lo, hi) */
static size_t top;    /* kernel-chosen maps land in [lo, top) */
static int mapped;
static unsigned seed;

static unsigned rnd(void) {
    seed = seed * 1103515245U + 12345U;
    return (seed >> 8) & 0xFFFFFF;
}

static uint8_t* page(size_t pn) {
    return (uint8_t*) (pn * PAGESIZE);
}

static void set_state(size_t pn, int st) {
    mapped += (st != UNMAPPED) - (state[pn] != UNMAPPED);
    state[pn] = (uint8_t) st;
    if (st == PRIVATE || st == SHARED) {
        tags[pn] = (uint8_t) (1 + rnd() % 250);
        page(pn)[rnd() % PAGESIZE] = 0; /* writable: must not fault */
        page(pn)[0] = tags[pn];
    }
}

static void check_page(size_t pn) {
    if (state[pn] == READONLY) {
        CHECK(page(pn)[0] == 0, "read-only page %zx changed", pn);
    } else if (state[pn] == PRIVATE) {
        CHECK(page(pn)[0] == tags[pn], "private page %zx: %d, want %d", pn,
              page(pn)[0], tags[pn]);
    }
}

static void did_map(size_t pn, size_t n, int prot, int flags) {
    for (size_t i = pn; i < pn + n; ++i) {
        CHECK(page(i)[0] == 0 && page(i)[PAGESIZE - 1] == 0,
              "new page %zx not zero", i);
        set_state(i, prot == PROT_READ ? READONLY : flags ? SHARED : PRIVATE);
    }
}

static void op_map_chosen(void) {
    size_t n = 1 + rnd() % 6;
    int prot = rnd() % 3 ? RW : PROT_READ;
    int flags = rnd() % 4 ? 0 : MAP_SHARED;
    int64_t r = map_raw(0, NP(n), (uint64_t) prot, (uint64_t) flags);
    if (r == E_NOMEM) {
        return;
    }
    CHECK(r > 0 && PAGE_ALIGNED((uint64_t) r), "map(0) returned %ld", r);
    size_t pn = (size_t) r / PAGESIZE;
    CHECK(pn >= lo && pn + n <= top, "map(0) gave %lx outside [%zx, %zx)", r,
          lo, top);
    for (size_t i = pn; i < pn + n; ++i) {
        CHECK(state[i] == UNMAPPED, "map(0) at %lx overlaps mapped page %zx", r,
              i);
    }
    for (size_t i = lo; i < pn; ++i) {
        size_t run = 0;
        while (i + run < top && run < n && state[i + run] == UNMAPPED) {
            ++run;
        }
        CHECK(run < n, "map(0) of %zu pages at %lx: lower free run at %zx", n,
              r, i);
    }
    did_map(pn, n, prot, flags);
}

static void op_map_fixed(void) {
    size_t pn = lo + rnd() % (hi - lo);
    size_t n = 1 + rnd() % 4;
    if (pn + n > hi) {
        n = hi - pn;
    }
    int prot = rnd() % 3 ? RW : PROT_READ;
    int flags = rnd() % 4 ? 0 : MAP_SHARED;
    int64_t r =
        map_raw((uint64_t) page(pn), NP(n), (uint64_t) prot, (uint64_t) flags);
    if (r == E_NOMEM) {
        return; /* all or nothing: the checks below see the old pages */
    }
    CHECK(r == (int64_t) page(pn), "fixed map returned %ld", r);
    did_map(pn, n, prot, flags);
}

static void op_free(void) {
    size_t pn = lo + rnd() % (top - lo);
    int r = sys_page_free(page(pn));
    CHECK_EQ(r, state[pn] == UNMAPPED ? E_INVAL : 0, "page_free");
    set_state(pn, UNMAPPED);
}

static void op_bad_map(void) {
    uint64_t bit = 1UL << (rnd() % 64);
    uint64_t addr = (uint64_t) page(lo + rnd() % (hi - lo));
    int64_t r;
    switch (rnd() % 5) {
    case 0:
        r = map_raw(addr, NP(1), RW | (bit << 2 ? bit << 2 : 4), 0);
        break;
    case 1:
        r = map_raw(addr, NP(1), RW, bit << 1 ? bit << 1 : 2);
        break;
    case 2:
        r = map_raw(addr + 1 + rnd() % (PAGESIZE - 1), NP(1), RW, 0);
        break;
    case 3:
        r = map_raw(addr, NP(1) + 1 + rnd() % (PAGESIZE - 1), RW, 0);
        break;
    default:
        r = map_raw(addr, (uint64_t) -PAGESIZE * (1 + rnd() % 8), RW, 0);
        break;
    }
    CHECK_EQ(r, E_INVAL, "bad map");
}

static void op_write(void) {
    size_t pn = lo + rnd() % (hi - lo);
    check_page(pn);
    if (state[pn] == PRIVATE || state[pn] == SHARED) {
        set_state(pn, state[pn]);
    }
}

static void check_all(void) {
    for (size_t pn = lo; pn < top; ++pn) {
        check_page(pn);
    }
}

static void run(int ops, bool may_fork) {
    for (int i = 0; i < ops; ++i) {
        unsigned r = rnd() % 100;
        if (r < 25 && mapped < MAX_MAPPED) {
            op_map_chosen();
        } else if (r < 38 && mapped < MAX_MAPPED) {
            op_map_fixed();
        } else if (r < 55) {
            op_free();
        } else if (r < 65) {
            op_bad_map();
        } else if (r < 90) {
            op_write();
        } else if (r < 93) {
            check_all();
        } else if (r < 95 && may_fork) {
            pid_t c = sys_fork();
            CHECK(c >= 0 || c == E_AGAIN || c == E_NOMEM, "fork: %d", c);
            if (c == 0) {
                seed ^= (unsigned) sys_getpid() * 2654435761U;
                check_all();
                run(CHILD_OPS, false);
                check_all();
                sys_exit(0);
            }
        } else {
            sys_yield();
        }
    }
}

int process_main(void) {
    lo = ROUNDUP((uintptr_t) end, PAGESIZE) / PAGESIZE;
    hi = lo + 96;
    top = USER_STACK_PAGE / PAGESIZE;
    seed = 20261122;
    log_printf("t-mapfuzz: seed %u\n", seed);
    run(OPS, true);
    check_all();
    log_printf("t-mapfuzz: %d operations checked\n", OPS);
    return 0;
}
