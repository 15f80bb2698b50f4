/* string.c: memory and string routines for kernel and user code. The
 * compiler may emit calls to memset/memcpy itself, so these must exist. */
#include "lib/string.h"

/* memset and memcpy move eight bytes per step with `rep stosq`/`rep
 * movsq`, then the last n % 8 bytes one by one. They rely on the direction
 * flag being clear, as the ABI guarantees in user code and the kernel's
 * entry paths ensure (cld). Under TCG a `rep` step is one guest
 * instruction, so a 4 KiB page costs 512 of them instead of 4096 byte
 * loops. */
void* memset(void* dst, int c, size_t n) {
    void* d = dst;
    uint64_t v = (uint8_t) c * 0x0101010101010101UL;
    size_t words = n / 8, bytes = n % 8;
    __asm__ volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(v) : "memory");
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(bytes) : "a"(v) : "memory");
    return dst;
}

void* memcpy(void* dst, const void* src, size_t n) {
    void* d = dst;
    size_t words = n / 8, bytes = n % 8;
    __asm__ volatile("rep movsq"
                     : "+D"(d), "+S"(src), "+c"(words)
                     :
                     : "memory");
    __asm__ volatile("rep movsb"
                     : "+D"(d), "+S"(src), "+c"(bytes)
                     :
                     : "memory");
    return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
    unsigned char* d = dst;
    const unsigned char* s = src;
    if (d < s || d >= s + n) {
        return memcpy(dst, src, n);
    }
    while (n--) {
        d[n] = s[n];
    }
    return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
    const unsigned char* x = a;
    const unsigned char* y = b;
    for (; n; --n, ++x, ++y) {
        if (*x != *y) {
            return *x - *y;
        }
    }
    return 0;
}

size_t strlen(const char* s) {
    size_t n = 0;
    while (s[n]) {
        ++n;
    }
    return n;
}

size_t strnlen(const char* s, size_t max) {
    size_t n = 0;
    while (n < max && s[n]) {
        ++n;
    }
    return n;
}

int strcmp(const char* a, const char* b) {
    while (*a && *a == *b) {
        ++a, ++b;
    }
    return (unsigned char) *a - (unsigned char) *b;
}

int strncmp(const char* a, const char* b, size_t n) {
    for (; n; --n, ++a, ++b) {
        if (*a != *b || !*a) {
            return (unsigned char) *a - (unsigned char) *b;
        }
    }
    return 0;
}

char* strcpy(char* dst, const char* src) {
    char* d = dst;
    while ((*d++ = *src++) != '\0') {
    }
    return dst;
}

char* strchr(const char* s, int c) {
    for (; *s; ++s) {
        if (*s == (char) c) {
            return (char*) s;
        }
    }
    return c == 0 ? (char*) s : NULL;
}

bool parse_u64(const char* s, uint64_t* out) {
    unsigned base = 10;
    uint64_t v = 0;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s) {
        return false;
    }
    for (; *s; ++s) {
        unsigned d;
        if (*s >= '0' && *s <= '9') {
            d = *s - '0';
        } else if (base == 16 && *s >= 'a' && *s <= 'f') {
            d = *s - 'a' + 10;
        } else if (base == 16 && *s >= 'A' && *s <= 'F') {
            d = *s - 'A' + 10;
        } else {
            return false;
        }
        if (v > (UINT64_MAX - d) / base) {
            return false; /* does not fit in 64 bits: malformed, not wrapped */
        }
        v = v * base + d;
    }
    *out = v;
    return true;
}
