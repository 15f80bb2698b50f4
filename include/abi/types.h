/* types.h: the fixed-width and size types of this freestanding world. */
#ifndef ABI_TYPES_H
#define ABI_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t ssize_t;
typedef uint64_t uintptr;

#endif
