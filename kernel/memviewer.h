/* memviewer.h: the live memory map on the console (SPEC section 9), and the
 * bookkeeping checks it makes on every frame (SPEC section 6). */
#ifndef KERNEL_MEMVIEWER_H
#define KERNEL_MEMVIEWER_H

#include "abi/memlayout.h"
#include "abi/types.h"

/* What the checker learned about one physical page by walking every live
 * address space. */
struct pagefacts {
    uint8_t mappings;         /* user mappings at/above PROC_START_ADDR */
    uint8_t private_writable; /* of those, writable and not MAP_SHARED */
    uint8_t tables;           /* times it is used as a page-table page */
    uint8_t pid; /* a process that maps it (or owns it as a table) */
    bool error;
};

/* Walks every live process's page tables into facts[] and checks the
 * invariants; reports the first violation with memviewer_error. Returns the
 * number of violations. */
int memcheck(struct pagefacts facts[NPAGES_PHYSICAL]);

/* Brings the map up to date, checking as it draws; called on every tick.
 * Does nothing when nothing it shows can have changed since the last
 * frame (see memviewer.c). */
void memviewer_draw(void);
/* The pid whose virtual map is on screen (0: none). */
int memviewer_shown_pid(void);
/* Starts over with the first process (after a soft reboot). */
void memviewer_reset(void);
/* Reports `PAGE TABLE ERROR: ...` on the console and in the log; in test
 * mode the system stops with a failure. */
void memviewer_error(const char* fmt, ...)
    __attribute__((format(printf, 1, 2)));

#endif
