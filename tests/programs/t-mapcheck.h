/* t-mapcheck.h: helpers shared by the map and copy-on-write test programs:
 * page-sized lengths, map with raw 64-bit arguments, and filling and
 * checking whole pages. */
#ifndef TESTS_T_MAPCHECK_H
#define TESTS_T_MAPCHECK_H

#include "t-check.h"

#define RW    (PROT_READ | PROT_WRITE)
#define NP(n) ((size_t) (n) *PAGESIZE)

/* map() with every argument passed as a whole 64-bit register. */
static inline int64_t map_raw(uint64_t addr, uint64_t len, uint64_t prot,
                              uint64_t flags) {
    return syscall4(SYS_MAP, addr, len, prot, flags);
}

static inline void fill_pages(void* p, size_t npages, uint8_t v) {
    memset(p, v, NP(npages));
}

static inline void expect_pages(const void* p, size_t npages, uint8_t v,
                                const char* what) {
    const volatile uint8_t* b = p;
    for (size_t i = 0; i < NP(npages); ++i) {
        CHECK(b[i] == v, "%s: byte %zu at %p is %d, want %d", what, i,
              (const void*) (b + i), b[i], v);
    }
}

/* Maps, failing the test if the kernel refuses. */
static inline void* map_ok(void* addr, size_t len, int prot, int flags) {
    void* r = sys_map(addr, len, prot, flags);
    CHECK(!map_failed(r), "map(%p, %zu, %d, %d) returned %ld", addr, len, prot,
          flags, (long) (intptr_t) r);
    return r;
}

#endif
