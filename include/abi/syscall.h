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

/* The handout's interrupt system calls: `int $INT_SYS_GETPID` and so on
 * from ring 3, arguments in %rdi, %rsi, %rdx, %r10 and the result in %rax
 * as with `syscall`, but the number is the vector (not %rax) and every
 * register but %rax is kept (%rcx and %r11 too). The handout's vectors,
 * right above the 16 IRQ vectors 32-47; exit through INT_SYS_EXIT takes no
 * status (the handout's takes none): it exits with status 0. */
#define INT_SYS            48
#define INT_SYS_PANIC      (INT_SYS + 0)
#define INT_SYS_GETPID     (INT_SYS + 1)
#define INT_SYS_YIELD      (INT_SYS + 2)
#define INT_SYS_PAGE_ALLOC (INT_SYS + 3)
#define INT_SYS_FORK       (INT_SYS + 4)
#define INT_SYS_EXIT       (INT_SYS + 5)
#define INT_SYS_COUNT      6 /* vectors INT_SYS to INT_SYS + 5 */

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
