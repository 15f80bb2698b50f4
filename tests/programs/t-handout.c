/* t-handout: a program written as one for the original WeensyOS handout
 * (process.h and lib.h, void process_main(void), no edit for this kernel)
 * that uses every name of that API and checks what each does. A failed
 * check is an assert: file, line and expression, then a user panic.
 * Row 9 is left showing "handout: pid 1 green red app 5!?" in gray, green,
 * red, yellow, white and gray, which the test reads from the screen dump. */
#include "lib.h"
#include "process.h"

extern uint8_t end[];

/* The handout's colours: attribute << 8. */
#define GRAY   0x0700
#define GREEN  0x0A00
#define RED    0xC000 /* black on light red: the handout's COLOR_ERROR */
#define YELLOW 0x0E00

/* Whether the cells from cpos show text in colour color. */
static int shows(int cpos, const char* text, int color) {
    for (int i = 0; text[i]; ++i) {
        if (console[cpos + i] != (uint16_t) (color | (uint8_t) text[i])) {
            return 0;
        }
    }
    return 1;
}

/* Output past the last cell goes on at the top left. The kernel's viewer
 * redraws rows 0 and 24 on every tick, so print and look again until one
 * attempt is not interrupted by a redraw. */
static void check_wrap(void) {
    for (int attempt = 0; attempt < 50; ++attempt) {
        int pos = console_printf(CPOS(24, 78), GRAY, "wrap");
        assert(pos == CPOS(0, 2));
        if (shows(CPOS(24, 78), "wr", GRAY) && shows(CPOS(0, 0), "ap", GRAY)) {
            return;
        }
    }
    assert(!"output past the last cell wraps to the top");
}

/* '\n' blanks the rest of the row in the current colour. */
static void check_newline(void) {
    console_printf(CPOS(9, 0), GRAY, "%79s", "x");
    int pos = console_printf(CPOS(9, 70), GREEN, "ab\n");
    assert(pos == CPOS(10, 0));
    assert(shows(CPOS(9, 70), "ab        ", GREEN));
}

static void check_memory(void) {
    uint8_t* heap = ROUNDUP((uint8_t*) end, PAGESIZE);
    assert((uintptr_t) heap % PAGESIZE == 0);
    assert(heap >= end && heap - end < (ptrdiff_t) PAGESIZE);
    uint8_t* stack = ROUNDDOWN((uint8_t*) read_rsp() - 1, PAGESIZE);
    assert((uintptr_t) stack == MEMSIZE_VIRTUAL - PAGESIZE);
    assert(sys_page_alloc(heap) == 0);
    assert(heap[0] == 0 && heap[PAGESIZE - 1] == 0);
    heap[0] = 61;
    assert(sys_page_alloc(heap + 1) < 0);
    assert(ROUNDUP(4097, 4096) == 8192 && ROUNDDOWN(4097, 4096) == 4096);
}

static void check_rand(void) {
    srand(61);
    int a = rand();
    int b = rand();
    srand(61);
    assert(rand() == a && rand() == b);
    assert(a >= 0 && a <= RAND_MAX && a != b);
}

static void check_console(pid_t p) {
    assert(CPOS(9, 0) == 720 && CROW(CPOS(9, 5)) == 9 && CCOL(725) == 5);
    check_newline();
    check_wrap();
    int pos = console_printf(CPOS(9, 0), GRAY, "handout: pid %d %Cgreen%C red",
                             p, GREEN, RED);
    assert(pos == CPOS(9, 24));
    assert(shows(CPOS(9, 0), "handout: pid 1 ", GRAY));
    assert(shows(CPOS(9, 15), "green", GREEN));
    assert(shows(CPOS(9, 20), " red", RED));
    /* app_printf: a colour, a colour index (1 is white), gray when
     * negative, all at the shared cursorpos. */
    cursorpos = CPOS(9, 24);
    app_printf(YELLOW, " app %d", 5);
    assert(cursorpos == CPOS(9, 30) && shows(CPOS(9, 24), " app 5", YELLOW));
    app_printf(1, "!");
    assert(shows(CPOS(9, 30), "!", 0x0F00));
    app_printf(-1, "?%*s", 48, "");
    assert(shows(CPOS(9, 31), "?", GRAY) && cursorpos == CPOS(10, 0));
}

void process_main(void) {
    pid_t p = sys_getpid();
    assert(p == 1);
    check_memory();
    check_rand();
    sys_yield();
    check_console(p);
    pid_t child = sys_fork();
    assert(child >= 0);
    if (child == 0) {
        assert(sys_getpid() != p);
        sys_exit();
    }
    assert(child != p);
    /* Returning exits, as sys_exit() would. */
}
