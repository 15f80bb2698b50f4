/* t-rsysfail: every kind of page a process can hold (private, read-only,
 * MAP_SHARED writable and read-only, copy-on-write), forked twice and
 * then freed, remapped and written, for a fault-injection sweep. Every
 * call that may allocate tolerates E_NOMEM (and fork E_AGAIN) and checks
 * that a refused call changed nothing; a write may end its writer out of
 * memory under copy-on-write. The data each process sees is checked; the
 * kernel's exit check proves nothing leaked. */
#include "t-check.h"

#define RW (PROT_READ | PROT_WRITE)

static void fill(volatile uint64_t* p, uint64_t tag) {
    for (int i = 0; i < 8; ++i) {
        p[i * 64] = tag + i;
    }
}

static void check(volatile uint64_t* p, uint64_t tag, const char* what) {
    for (int i = 0; i < 8; ++i) {
        CHECK(p[i * 64] == tag + i, "%s: word %d is %lx, want %lx", what, i,
              (uint64_t) p[i * 64], tag + i);
    }
}

static bool failed(const void* r) {
    if (map_failed(r)) {
        CHECK_EQ((int64_t) r, E_NOMEM, "map");
        return true;
    }
    return false;
}

int process_main(void) {
    uint64_t* priv = sys_map(NULL, 2 * PAGESIZE, RW, 0);
    if (failed(priv)) {
        return 0;
    }
    uint64_t* shared = sys_map(NULL, 2 * PAGESIZE, RW, MAP_SHARED);
    if (failed(shared)) {
        return 0;
    }
    uint64_t* ro = sys_map(NULL, PAGESIZE, PROT_READ, MAP_SHARED);
    if (failed(ro)) {
        return 0;
    }
    fill(priv, 0x1000);
    fill(shared, 0x2000);
    pid_t kids[2];
    for (int k = 0; k < 2; ++k) {
        kids[k] = sys_fork();
        if (kids[k] == 0) {
            /* Child: write its private copy (may be copy-on-write), tell
             * the parent through the shared page, drop and remap. */
            check(priv, 0x1000, "child's private page after fork");
            fill(priv, 0x3000 + k * 0x100);
            check(priv, 0x3000 + k * 0x100, "child's own private write");
            shared[512 + k] = 0xC0DE + k;
            CHECK_EQ(ro[0], 0, "read-only shared page");
            CHECK_EQ(sys_page_free(shared), 0, "page_free of a shared page");
            void* again = sys_map(shared, PAGESIZE, RW, 0);
            if (!failed(again)) {
                CHECK_EQ(*(volatile uint64_t*) again, 0, "remapped page");
            }
            int r = sys_page_alloc(priv);
            CHECK(r == 0 || r == E_NOMEM, "page_alloc: %d", r);
            sys_exit(0);
        }
        CHECK(kids[k] > 0 || kids[k] == E_NOMEM, "fork: %d", kids[k]);
    }
    for (int i = 0; i < 20; ++i) {
        sys_yield();
    }
    check(priv, 0x1000, "parent's private page after the children wrote");
    check(shared, 0x2000, "shared page");
    for (int k = 0; k < 2; ++k) {
        /* 0 when the child was ended out of memory first. */
        uint64_t w = shared[512 + k];
        CHECK(w == 0 || (kids[k] > 0 && w == (uint64_t) 0xC0DE + k),
              "child %d's shared word is %lx", k, w);
    }
    fill(priv, 0x4000); /* the parent's own copy-on-write fault */
    check(priv, 0x4000, "parent's write after the children");
    log_printf("t-rsysfail: ok\n");
    return 0;
}
