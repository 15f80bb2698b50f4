/* t-check.h: verdicts for test programs. A failed CHECK is a user panic
 * with the formatted reason, which fails the boot in test mode. */
#ifndef TESTS_T_CHECK_H
#define TESTS_T_CHECK_H

#include "ulib.h"

#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            char check_msg_[128];                                              \
            snprintf(check_msg_, sizeof(check_msg_), __VA_ARGS__);             \
            sys_panic(check_msg_);                                             \
        }                                                                      \
    } while (0)

#define CHECK_EQ(got, want, what)                                              \
    CHECK((int64_t) (got) == (int64_t) (want), "%s: got %ld, want %ld", what,  \
          (int64_t) (got), (int64_t) (want))

/* Lets other processes run for n turns. */
static inline void yield_n(int n) {
    while (n-- > 0) {
        sys_yield();
    }
}

#endif
