/* ucommon.h: what the project's user API (ulib.h) and the handout's
 * (process.h, lib.h) share: pseudo-random numbers, assert, and the end of
 * the program's data. */
#ifndef USERLAND_UCOMMON_H
#define USERLAND_UCOMMON_H

#include "abi/types.h"

/* Pseudo-random numbers, 0 <= rand() <= RAND_MAX; each process seeds its
 * own sequence. */
#define RAND_MAX 0x7FFFFFFF
int rand(void);
void srand(unsigned seed);

_Noreturn void assert_fail(const char* file, int line, const char* expr);
#define assert(x) ((x) ? (void) 0 : assert_fail(__FILE__, __LINE__, #x))

/* The first address past the program's data: the heap starts here. */
extern uint8_t end[];

#endif
