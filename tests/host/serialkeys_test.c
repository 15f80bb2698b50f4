/* serialkeys_test.c: arch/x86_64/serialkeys.c on the host. Every byte value
 * alone, terminal escape sequences for arrows and function keys, control
 * bytes cutting a sequence short, Alt+key, and a million random bytes whose
 * every answer must be a key the keyboards give or no key. Prints a line per
 * failed check and "N checks, M failed"; exits 1 on any failure. Built and
 * run by the test serial-keys-decoder (tests/cases/serialkeys.py). */
/* Declared, not included: the build also compiles this file freestanding
 * (for clangd and the compile check); the test links the host C library. */
int printf(const char* fmt, ...);

#include "arch/x86_64/serialkeys.h"

static int checks, failures;

static void check(int ok, const char* what, int detail) {
    ++checks;
    if (!ok) {
        ++failures;
        printf("FAIL %s (%d)\n", what, detail);
    }
}

/* Feeds s[0..n) to a fresh decoder; returns the keys it gave, in keys. */
static int feed(const char* s, int n, char* keys) {
    struct serialkeys d = {0};
    int nkeys = 0;
    for (int i = 0; i < n; ++i) {
        int k = serialkeys_decode(&d, (uint8_t) s[i]);
        if (k > 0) {
            keys[nkeys++] = (char) k;
        }
    }
    keys[nkeys] = 0;
    return nkeys;
}

static int same(const char* a, const char* b) {
    while (*a && *a == *b) {
        ++a;
        ++b;
    }
    return *a == *b;
}

/* A case: bytes (n of them, NULs allowed) must give exactly want. */
static void sequence(const char* what, const char* s, int n, const char* want) {
    char keys[256];
    feed(s, n, keys);
    if (!same(keys, want)) {
        printf("  %s: got \"%s\", want \"%s\"\n", what, keys, want);
    }
    check(same(keys, want), what, 0);
}

#define SEQ(what, lit, want) sequence(what, lit, (int) sizeof(lit) - 1, want)

static int is_key(int k) {
    return (k >= 'a' && k <= 'z') || (k >= '0' && k <= '9') || k == ' ';
}

int main(void) {
    for (int b = 0; b < 256; ++b) {
        struct serialkeys d = {0};
        int k = serialkeys_decode(&d, (uint8_t) b);
        int want = -1;
        if (is_key(b)) {
            want = b;
        } else if (b >= 'A' && b <= 'Z') {
            want = b - 'A' + 'a';
        }
        check(k == want, "single byte", b);
    }
    SEQ("arrows", "\x1b[A\x1b[B\x1b[C\x1b[D", "");
    SEQ("ctrl and shift arrows", "\x1b[1;5C\x1b[1;2D", "");
    SEQ("F1-F4", "\x1bOP\x1bOQ\x1bOR\x1bOS", "");
    SEQ("F5 F12 Home End Insert", "\x1b[15~\x1b[24~\x1b[H\x1b[F\x1b[2~", "");
    SEQ("keys around sequences", "f\x1b[Ae\x1bOPk", "fek");
    SEQ("alt+key is the key",
        "\x1b"
        "f\x1bq",
        "fq");
    SEQ("escape escape arrow", "\x1b\x1b[A", "");
    SEQ("control byte ends a sequence", "\x1b[1;\ra", "a");
    SEQ("control byte ends SS3", "\x1bO\na", "a");
    SEQ("NUL ends a sequence", "\x1b[\0a", "a");
    SEQ("high byte ends a sequence", "\x1b[1\xe1q", "q");
    SEQ("long parameters hide one final byte only",
        "\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;20Ef", "f");
    SEQ("upper case is its key", "FEKAQ", "fekaq");
    SEQ("CR LF tab DEL punctuation", "\r\n\t\x7f!@#$%^&*()-_=+[]{};:'\",.<>/?",
        "");
    SEQ("digits and space", "0 9", "0 9");

    /* Hostile input: any answer is a key or -1, and the state stays one
     * of the decoder's four. */
    struct serialkeys d = {0};
    unsigned x = 15;
    int bad = 0;
    for (int i = 0; i < 1000000; ++i) {
        x = x * 1103515245u + 12345u;
        int k = serialkeys_decode(&d, (uint8_t) (x >> 16));
        if (!(k == -1 || is_key(k)) || d.state > 3) {
            ++bad;
        }
    }
    check(bad == 0, "random bytes give keys or nothing", bad);

    printf("%d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
