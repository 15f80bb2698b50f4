/* syscall.h: system call numbers, error codes and map() flags (SPEC
 * section 8). Both the kernel's dispatch table and the user wrappers are
 * keyed by these names. */
#ifndef ABI_SYSCALL_H
#define ABI_SYSCALL_H

#define SYS_GETPID     1
#define SYS_YIELD      2
#define SYS_PANIC      3
#define SYS_PAGE_ALLOC 4
#define SYS_FORK       5
#define SYS_EXIT       6
#define SYS_KILL       7
#define SYS_SLEEP      8
#define SYS_PAGE_FREE  9
#define SYS_MAP        10
#define SYS_LOG        11
#define SYS_TICKS      12
#define SYS_COUNT      13 /* one past the highest number */

#define E_PERM  (-1)
#define E_SRCH  (-3)
#define E_AGAIN (-11)
#define E_NOMEM (-12)
#define E_FAULT (-14)
#define E_INVAL (-22)
#define E_RANGE (-34)
#define E_NOSYS (-38)

/* map() prot and flags. */
#define PROT_READ  0x1
#define PROT_WRITE 0x2
#define MAP_SHARED 0x1

/* Timer frequency: ticks() counts these since boot. */
#define HZ 100

#endif
