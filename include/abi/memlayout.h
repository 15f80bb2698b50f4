/* memlayout.h: the physical and virtual memory layout shared by the kernel
 * and user programs (SPEC section 5). One source of truth: nothing else
 * spells these numbers. */
#ifndef ABI_MEMLAYOUT_H
#define ABI_MEMLAYOUT_H

#define PAGESIZE          0x1000UL
#define PAGESHIFT         12
#define KERNEL_START_ADDR 0x40000UL
#define KERNEL_STACK_TOP  0x80000UL
#define CONSOLE_ADDR      0xB8000UL
#define PROC_START_ADDR   0x100000UL
#define MEMSIZE_PHYSICAL  0x200000UL
#define MEMSIZE_VIRTUAL   0x300000UL
#define NPAGES_PHYSICAL   (MEMSIZE_PHYSICAL / PAGESIZE)
#define NPAGES_VIRTUAL    (MEMSIZE_VIRTUAL / PAGESIZE)
#define NPROC             16

/* Each user stack is this one page; %rsp = MEMSIZE_VIRTUAL at entry. */
#define USER_STACK_PAGE (MEMSIZE_VIRTUAL - PAGESIZE)

/* Console geometry: 80x25 cells of (character, attribute) at CONSOLE_ADDR. */
#define CONSOLE_COLUMNS 80
#define CONSOLE_ROWS    25
/* Cell index of (row, col) in the console grid. */
#define CPOS(row, col) ((col) + CONSOLE_COLUMNS * (row))

#define PAGE_ALIGNED(a) (((a) & (PAGESIZE - 1)) == 0)
/* a, an integer or a pointer, rounded down or up to a multiple of n; the
 * result has a's type (the handout writes ROUNDUP((uint8_t*) end, PAGESIZE)).
 * GNU statement expressions, so a is evaluated once. */
#define ROUNDDOWN(a, n)                                                        \
    __extension__({                                                            \
        __typeof__(a) rd_a_ = (a);                                             \
        (__typeof__(a)) ((__UINTPTR_TYPE__) rd_a_ -                            \
                         (__UINTPTR_TYPE__) rd_a_ % (n));                      \
    })
#define ROUNDUP(a, n)                                                          \
    __extension__({                                                            \
        __typeof__(a) ru_a_ = (a);                                             \
        ROUNDDOWN((__typeof__(a)) ((__UINTPTR_TYPE__) ru_a_ + (n) -1), (n));   \
    })

#endif
