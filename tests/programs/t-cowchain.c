/* t-cowchain: three generations (G1 forks G2, G2 forks G3) write their
 * own data into inherited pages, heap, globals and stack alike; each sees
 * exactly what it and its ancestors wrote before its fork, and nothing
 * anyone wrote later. A MAP_SHARED page carries the handshakes. */
#include "t-mapcheck.h"

#define N 8

static volatile uint32_t* sync; /* shared: [0] G1, [1] G2, [2] G3 steps */
static uint32_t* heap;
static uint32_t global_value = 1;

static void wait_step(int who, uint32_t step) {
    while (sync[who] < step) {
        sys_yield();
    }
}

static void expect_heap(const uint32_t* want, const char* who) {
    for (int i = 0; i < N; ++i) {
        CHECK(heap[i * 1024] == want[i], "%s: page %d holds %u, want %u", who,
              i, heap[i * 1024], want[i]);
    }
}

static _Noreturn void generation3(void) {
    uint32_t want[N] = {200, 201, 102, 103, 104, 105, 106, 107};
    expect_heap(want, "G3 at fork");
    CHECK_EQ(global_value, 2, "G3 inherits G2's global");
    heap[1 * 1024] = 301;
    heap[3 * 1024] = 303;
    global_value = 3;
    sync[2] = 1;
    wait_step(1, 2); /* G2 wrote after this fork */
    want[1] = 301;
    want[3] = 303;
    expect_heap(want, "G3 after G2's later writes");
    CHECK_EQ(global_value, 3, "G3's own global");
    sync[2] = 2;
    sys_exit(0);
}

static _Noreturn void generation2(void) {
    wait_step(0, 1); /* G1 wrote after the fork */
    uint32_t want[N] = {100, 101, 102, 103, 104, 105, 106, 107};
    expect_heap(want, "G2 after G1's writes");
    CHECK_EQ(global_value, 1, "G2 inherits G1's global");
    heap[0] = 200;
    heap[1 * 1024] = 201;
    global_value = 2;
    uint32_t on_stack = 22;
    pid_t c = sys_fork();
    CHECK(c >= 0, "G2's fork returned %d", c);
    if (c == 0) {
        CHECK_EQ(on_stack, 22, "G3's stack copy");
        generation3();
    }
    on_stack = 23;
    wait_step(2, 1); /* G3 wrote */
    want[0] = 200;
    want[1] = 201;
    expect_heap(want, "G2 after G3's writes");
    heap[0] = 250;
    heap[5 * 1024] = 255;
    sync[1] = 2;
    wait_step(2, 2);
    want[0] = 250;
    want[5] = 255;
    expect_heap(want, "G2 at the end");
    CHECK(global_value == 2 && on_stack == 23, "G2's global and stack");
    sync[1] = 3;
    sys_exit(0);
}

int process_main(void) {
    heap = map_ok(0, NP(N), RW, 0);
    sync = map_ok(0, NP(1), RW, MAP_SHARED);
    for (int i = 0; i < N; ++i) {
        heap[i * 1024] = 100 + (uint32_t) i;
    }
    pid_t c = sys_fork();
    CHECK(c >= 0, "G1's fork returned %d", c);
    if (c == 0) {
        generation2();
    }
    heap[4 * 1024] = 999; /* after the fork: the children never see it */
    heap[7 * 1024] = 997;
    global_value = 9;
    sync[0] = 1;
    wait_step(1, 3);
    uint32_t want[N] = {100, 101, 102, 103, 999, 105, 106, 997};
    expect_heap(want, "G1 at the end");
    CHECK_EQ(global_value, 9, "G1's global");
    log_printf("t-cowchain: three generations kept their data private\n");
    return 0;
}
