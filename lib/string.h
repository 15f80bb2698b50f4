/* string.h: the few memory and string routines that kernel and user code
 * share. Freestanding: no libc underneath. */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include "abi/types.h"

void* memset(void* dst, int c, size_t n);
void* memcpy(void* dst, const void* src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
int memcmp(const void* a, const void* b, size_t n);
size_t strlen(const char* s);
size_t strnlen(const char* s, size_t max);
int strcmp(const char* a, const char* b);
int strncmp(const char* a, const char* b, size_t n);
char* strchr(const char* s, int c);
/* Copies src and its NUL to dst (which must have room); returns dst. */
char* strcpy(char* dst, const char* src);

/* Parses an unsigned number (decimal, or hex with 0x) from s. Returns
 * true and stores it in *out only when the whole string is a number that
 * fits in 64 bits (a larger one is malformed: false, never wrapped). */
bool parse_u64(const char* s, uint64_t* out);

#endif
