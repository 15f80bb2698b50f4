/* p-bench: times the kernel's fast paths from user mode and logs one line
 * per operation, which tools/bench turns into a table:
 *
 *   bench: NAME median=M min=N mean=A n=S
 *   bench: NAME n/a (reason)
 *
 * Every figure is an rdtsc difference, lfence on both sides, minus the
 * median cost of an empty pair. Under plain TCG rdtsc counts host cycles;
 * under -icount shift=0 it counts guest instructions (and the figures are
 * the same from run to run). Rows are listed in `rows` below; the line
 * `bench: done` ends the run, and the program exits 0 with no process left.
 *
 * Children signal the parent through row 9 of the console page (user
 * programs own it): a child writes its pid into MARK just before exit. */
#include "ulib.h"

#define NSAMPLES  400
#define NFORK     200
#define NTICKS    60
#define HEAP_MAX  64
#define MARK      ((volatile uint16_t*) CONSOLE_ADDR + CPOS(9, 79))
#define LONG_TIME (1UL << 40)

static uint64_t s[NSAMPLES];
static int ns;
static uint64_t empty_cost;
static uint8_t* heap;

static inline uint64_t tsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t) hi << 32) | lo;
}

/* Scratch sample arrays live in heap pages mapped only while a row needs
 * them, so that the program itself stays small (its fork is the "small
 * process" row): page i above the fork heap. */
static uint64_t* scratch(int i) {
    uint8_t* va = heap + (HEAP_MAX + 2 + i) * PAGESIZE;
    if (sys_page_alloc(va) != 0) {
        sys_panic("p-bench: no memory for scratch samples");
    }
    return (uint64_t*) va;
}

static void scratch_free(int i) {
    sys_page_free(heap + (HEAP_MAX + 2 + i) * PAGESIZE);
}

static void record(uint64_t t0, uint64_t t1) {
    uint64_t d = t1 - t0;
    s[ns++] = d > empty_cost ? d - empty_cost : 0;
}

static void sort(uint64_t* a, int n) {
    for (int i = 1; i < n; ++i) {
        uint64_t v = a[i];
        int j = i;
        for (; j > 0 && a[j - 1] > v; --j) {
            a[j] = a[j - 1];
        }
        a[j] = v;
    }
}

static void sort_samples(void) {
    sort(s, ns);
}

/* Logs the row for the samples gathered since the last report. */
static void report(const char* name) {
    if (ns == 0) {
        log_printf("bench: %s n/a (no samples)\n", name);
        return;
    }
    uint64_t sum = 0;
    for (int i = 0; i < ns; ++i) {
        sum += s[i];
    }
    sort_samples();
    log_printf("bench: %s median=%lu min=%lu mean=%lu n=%d\n", name, s[ns / 2],
               s[0], sum / ns, ns);
    ns = 0;
}

static void measure_empty(void) {
    empty_cost = 0;
    for (int i = 0; i < NSAMPLES; ++i) {
        uint64_t t0 = tsc();
        uint64_t t1 = tsc();
        record(t0, t1);
    }
    sort_samples();
    empty_cost = s[ns / 2];
    log_printf("bench: empty median=%lu min=%lu mean=%lu n=%d\n", empty_cost,
               s[0], empty_cost, ns);
    ns = 0;
}

static void bench_getpid(void) {
    for (int i = 0; i < NSAMPLES; ++i) {
        uint64_t t0 = tsc();
        sys_getpid();
        record(t0, tsc());
    }
    report("getpid");
}

static void bench_yield_alone(void) {
    for (int i = 0; i < NSAMPLES; ++i) {
        uint64_t t0 = tsc();
        sys_yield();
        record(t0, tsc());
    }
    report("yield");
}

static pid_t fork_or_die(void) {
    pid_t c = sys_fork();
    if (c < 0) {
        log_printf("bench: fork failed (%d)\n", c);
        sys_panic("p-bench: fork failed");
    }
    return c;
}

/* Yield ping-pong: the child yields forever; each parent yield is two
 * process switches (to the child and back). */
static void bench_pingpong(void) {
    pid_t c = fork_or_die();
    if (c == 0) {
        for (;;) {
            sys_yield();
        }
    }
    sys_yield(); /* let the child reach its loop */
    for (int i = 0; i < NSAMPLES; ++i) {
        uint64_t t0 = tsc();
        sys_yield();
        uint64_t t1 = tsc();
        record(t0, t0 + (t1 - t0 - empty_cost) / 2 + empty_cost);
    }
    sys_kill(c);
    report("pingpong");
}

/* page_alloc of a fresh page, page_alloc over a mapped page, page_free. */
static void bench_pages(void) {
    uint8_t* va = heap + (HEAP_MAX + 1) * PAGESIZE;
    int fresh = 0, replace = 0;
    uint64_t* rs = scratch(0);
    uint64_t* fs = scratch(1);
    for (int i = 0; i < NSAMPLES; ++i) {
        uint64_t t0 = tsc();
        int r1 = sys_page_alloc(va);
        uint64_t t1 = tsc();
        int r2 = sys_page_alloc(va);
        uint64_t t2 = tsc();
        int r3 = sys_page_free(va);
        uint64_t t3 = tsc();
        if (r1 != 0 || r2 != 0 || r3 != 0) {
            sys_panic("p-bench: page_alloc/page_free failed");
        }
        record(t0, t1);
        rs[replace++] = t2 - t1;
        fs[fresh++] = t3 - t2;
    }
    report("page_alloc");
    for (int i = 0; i < replace; ++i) {
        record(0, rs[i]);
    }
    report("page_alloc_replace");
    for (int i = 0; i < fresh; ++i) {
        record(0, fs[i]);
    }
    report("page_free");
    scratch_free(0);
    scratch_free(1);
}

/* Fork a child that exits at once; the sample ends when the parent sees
 * the child's mark (written just before its exit call) after yielding. */
static void bench_fork(const char* name, int heap_pages) {
    for (int i = 0; i < heap_pages; ++i) {
        if (sys_page_alloc(heap + i * PAGESIZE) != 0) {
            sys_panic("p-bench: no memory for the heap");
        }
        heap[i * PAGESIZE] = (uint8_t) i;
    }
    for (int i = 0; i < NFORK; ++i) {
        *MARK = 0;
        uint64_t t0 = tsc();
        pid_t c = fork_or_die();
        if (c == 0) {
            *MARK = (uint16_t) (0x0700 | sys_getpid());
            sys_exit(0);
        }
        while ((*MARK & 0xFF) != (uint16_t) c) {
            sys_yield();
        }
        record(t0, tsc());
    }
    *MARK = 0x0720;
    report(name);
    for (int i = 0; i < heap_pages; ++i) {
        sys_page_free(heap + i * PAGESIZE);
    }
}

/* The first write to a page shared by fork: a copy-on-write fault when
 * the kernel runs with `cow`. The child sleeps while the parent writes, so
 * each written page still has two owners (a copy, not a re-enable). */
#define COW_PAGES 16
static void bench_cow(void) {
    uint64_t* second = scratch(0);
    int nsecond = 0;
    for (int i = 0; i < COW_PAGES; ++i) {
        if (sys_page_alloc(heap + i * PAGESIZE) != 0) {
            sys_panic("p-bench: no memory for the heap");
        }
    }
    for (int round = 0; round < NSAMPLES / COW_PAGES; ++round) {
        pid_t c = fork_or_die();
        if (c == 0) {
            sys_sleep(LONG_TIME);
            sys_exit(0);
        }
        for (int i = 0; i < COW_PAGES; ++i) {
            volatile uint8_t* p = heap + i * PAGESIZE + 8;
            uint64_t t0 = tsc();
            *p = (uint8_t) round;
            uint64_t t1 = tsc();
            *p = (uint8_t) i;
            uint64_t t2 = tsc();
            record(t0, t1);
            uint64_t d = t2 - t1;
            second[nsecond++] = d > empty_cost ? d - empty_cost : 0;
        }
        sys_kill(c);
    }
    for (int i = 0; i < COW_PAGES; ++i) {
        sys_page_free(heap + i * PAGESIZE);
    }
    /* Without copy-on-write the first write is an ordinary store: report
     * n/a rather than a figure that measures nothing. */
    sort(second, nsecond);
    uint64_t second_med = second[nsecond / 2];
    scratch_free(0);
    sort_samples();
    uint64_t first_med = s[ns / 2];
    if (first_med < 4 * second_med + 1000) {
        log_printf("bench: cow n/a (first write %lu, second %lu: no "
                   "copy-on-write fault; boot with cow)\n",
                   first_med, second_med);
        ns = 0;
        return;
    }
    report("cow");
}

/* The gap a spinning process sees across a timer tick: the tick's whole
 * cost (interrupt, bookkeeping, viewer, return). `others` sleeping
 * children make the kernel look after that many more processes. */
static void bench_tick(const char* name, int others) {
    pid_t kids[NPROC];
    for (int i = 0; i < others; ++i) {
        kids[i] = fork_or_die();
        if (kids[i] == 0) {
            sys_sleep(LONG_TIME);
            sys_exit(0);
        }
    }
    sys_yield(); /* let the children go to sleep */
    uint64_t last = sys_ticks();
    uint64_t prev = tsc();
    while (ns < NTICKS) {
        uint64_t now = tsc();
        if (now - prev > 300) {
            uint64_t tk = sys_ticks();
            if (tk == last + 1) {
                record(prev, now);
            }
            last = tk;
            now = tsc();
        }
        prev = now;
    }
    for (int i = 0; i < others; ++i) {
        sys_kill(kids[i]);
    }
    report(name);
}

int process_main(void) {
    uint64_t boot = tsc();
    heap = (uint8_t*) ROUNDUP((uintptr_t) end, PAGESIZE);
    log_printf("bench: boot median=%lu min=%lu mean=%lu n=1\n", boot, boot,
               boot);
    measure_empty();
    bench_getpid();
    bench_yield_alone();
    bench_pingpong();
    bench_pages();
    bench_fork("fork", 0);
    bench_fork("fork16", 16);
    bench_fork("fork64", HEAP_MAX);
    bench_cow();
    bench_tick("tick1", 0);
    bench_tick("tick9", 8);
    log_printf("bench: done\n");
    return 0;
}
