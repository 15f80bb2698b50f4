/* t-double: plain C `double` arithmetic, as the compiler emits it (SSE2),
 * stays correct in each process while others compute too. Started twice
 * (run=t-double,t-double); each instance also forks. Every process sums a
 * different series with a yield between terms, so every switch lands in
 * the middle of live XMM registers, and compares with the same sum done
 * without switches. Bit-for-bit equality: the operations and their order
 * are the same, so any difference is state leaking between processes. */
#include "t-check.h"

#define TERMS 400

/* noinline and volatile: the compiler must not fold or hoist the series. */
__attribute__((noinline)) static double series(double scale, bool yielding) {
    volatile double step = scale;
    double sum = 0.0, sign = 1.0;
    for (int k = 1; k <= TERMS; ++k) {
        sum += sign * step / ((double) k * (double) k);
        sign = -sign;
        if (yielding) {
            sys_yield();
        }
    }
    return sum;
}

static uint64_t bits(double d) {
    uint64_t u;
    memcpy(&u, &d, sizeof(u));
    return u;
}

static void check_series(const char* who, double scale) {
    double want = series(scale, false);
    double got = series(scale, true);
    CHECK(bits(got) == bits(want),
          "%s pid %d: sum with switches %016lx, without %016lx", who,
          sys_getpid(), bits(got), bits(want));
}

int process_main(void) {
    pid_t me = sys_getpid();
    pid_t child = sys_fork();
    CHECK(child >= 0, "fork returned %d", child);
    /* Four processes, four different scales: 1.5, 2.5 (pid 1, child),
     * and so on; the values differ in every register they touch. */
    double scale = 1.5 + me * 2.0 + (child == 0 ? 1.0 : 0.0);
    check_series(child == 0 ? "child" : "parent", scale);
    if (child == 0) {
        log_printf("t-double: child of %d ok\n", me);
        return 0;
    }
    log_printf("t-double: pid %d ok\n", me);
    return 0;
}
