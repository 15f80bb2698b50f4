/* t-handoutnames: a handout-API program (process.h and lib.h, void
 * process_main(void)) that names every one of the handout names the
 * original headers have and this kernel lacked before: the fixed values
 * are _Static_asserts, and the run checks the paging macros on a page it
 * maps and writes, the cycle counter across sys_yield, the raw
 * `int $INT_SYS_...` calls against the `syscall` wrappers, fetch_and_addl,
 * strcpy and cpuid. A wrong value is an assert (a user panic, failing the
 * boot); the last act logs "t-handoutnames: ok". */
#include "lib.h"
#include "process.h"

_Static_assert(PAGEOFFBITS == 12 && PAGEINDEXBITS == 9, "paging widths");
_Static_assert(NPAGETABLEENTRIES == 512 && PAGEOFFMASK == 0xFFF, "table");
_Static_assert(PTE_P == 1 && PTE_W == 2 && PTE_U == 4, "PTE_P/W/U");
_Static_assert(PTE_A == 0x20 && PTE_D == 0x40 && PTE_PS == 0x80, "PTE_A/D/PS");
_Static_assert(PFERR_PRESENT == 1 && PFERR_WRITE == 2 && PFERR_USER == 4,
               "PFERR_*");
_Static_assert(INT_PAGEFAULT == 14 && INT_GPF == 13, "exception vectors");
_Static_assert(EFLAGS_IF == 0x200, "EFLAGS_IF");
_Static_assert(INT_SYS == 48 && INT_SYS_PANIC == 48 && INT_SYS_GETPID == 49 &&
                   INT_SYS_YIELD == 50 && INT_SYS_PAGE_ALLOC == 51 &&
                   INT_SYS_FORK == 52 && INT_SYS_EXIT == 53,
               "the handout's system call vectors");
_Static_assert(sizeof(console) == 80 * 25 * 2, "console is an object");
_Static_assert(sizeof(cursorpos) == sizeof(int), "cursorpos is an int");
_Static_assert(sizeof(x86_64_pagetable) == 4096 &&
                   _Alignof(x86_64_pagetable) == 4096,
               "one page-table page");
_Static_assert(sizeof(x86_64_pageentry_t) == 8, "one entry");
_Static_assert(sizeof(off_t) == 8 && (off_t) -1 < 0, "off_t is signed");
_Static_assert(sizeof(x86_64_registers) == 24 * 8, "the handout's frame");
_Static_assert(__builtin_offsetof(x86_64_registers, reg_intno) == 17 * 8 &&
                   __builtin_offsetof(x86_64_registers, reg_rsp) == 22 * 8,
               "the handout's register order");

/* A redeclaration compiles only if these are objects, not macros. */
extern volatile uint16_t console[CONSOLE_ROWS * CONSOLE_COLUMNS];
extern volatile int cursorpos;

/* A printer that collects characters into a line for the kernel log. */
struct line_printer {
    printer p;
    char buf[80];
    int len;
};

static void line_putc(printer* p, unsigned char c, int color) {
    struct line_printer* lp = (struct line_printer*) p;
    (void) color;
    if (lp->len < (int) sizeof(lp->buf)) {
        lp->buf[lp->len++] = (char) c;
    }
}

static void log_line(const char* format, ...) {
    struct line_printer lp = {.p = {.putc = line_putc}, .len = 0};
    va_list val;
    va_start(val, format);
    printer_vprintf(&lp.p, 0x0700, format, val);
    va_end(val);
    syscall2(SYS_LOG, (uintptr_t) lp.buf, (uint64_t) lp.len);
}

static pid_t int_getpid(void) {
    uint64_t rax;
    __asm__ volatile("int %1" : "=a"(rax) : "i"(INT_SYS_GETPID) : "memory");
    return (pid_t) rax;
}

static int int_page_alloc(void* addr) {
    uint64_t rax;
    __asm__ volatile("int %1"
                     : "=a"(rax)
                     : "i"(INT_SYS_PAGE_ALLOC), "D"(addr)
                     : "memory");
    return (int) rax;
}

static void int_yield(void) {
    __asm__ volatile("int %0" : : "i"(INT_SYS_YIELD) : "rax", "memory");
}

/* The macros on a page this program maps with sys_page_alloc and writes. */
static void check_paging(uint8_t* page) {
    assert(sys_page_alloc(page) == 0);
    uint8_t* byte = page + 0x123;
    *byte = 0x5A;
    fence();
    int pn = PAGENUMBER(byte);
    assert(PAGEADDRESS(pn) == (uintptr_t) page);
    assert(PAGEOFFSET(byte) == 0x123);
    assert((uint8_t*) (PAGEADDRESS(pn) + PAGEOFFSET(byte)) == byte);
    assert(*(uint8_t*) (PAGEADDRESS(pn) + 0x123) == 0x5A);
    uintptr_t rebuilt = 0;
    for (int level = 0; level < 4; ++level) {
        int index = PAGEINDEX(byte, level);
        assert(index >= 0 && index < NPAGETABLEENTRIES);
        rebuilt |= (uintptr_t) index
                   << (PAGEOFFBITS + (3 - level) * PAGEINDEXBITS);
    }
    assert(rebuilt == (uintptr_t) page);
    assert(PAGEINDEX(0x7FFFFFFFF000UL, 0) == 255 &&
           PAGEINDEX(0x7FFFFFFFF000UL, 3) == 511 &&
           PAGEINDEX(0x201000UL, 2) == 1 && PAGEINDEX(0x201000UL, 3) == 1);

    x86_64_pagetable table = {{0}};
    table.entry[7] = 0x1234000UL | PTE_P | PTE_W | PTE_U | PTE_A | PTE_D;
    x86_64_pageentry_t pe = table.entry[7];
    assert(PTE_ADDR(pe) == 0x1234000UL);
    assert(PTE_FLAGS(pe) == (PTE_P | PTE_W | PTE_U | PTE_A | PTE_D));
    assert(PTE_FLAGS(pe | PTE_PS) & PTE_PS);
    assert(PTE_ADDR(pe | 0xFFF) == 0x1234000UL);
}

static void check_int_calls(uint8_t* page) {
    pid_t p = sys_getpid();
    assert(p == int_getpid());
    assert(int_page_alloc(page) == 0);
    assert(page[0] == 0 && page[PAGESIZE - 1] == 0);
    page[PAGESIZE - 1] = 0xC3;
    assert(page[PAGESIZE - 1] == 0xC3);
    assert(int_page_alloc(page + 1) < 0);
    int_yield();
    assert(int_getpid() == p);
}

static void check_misc(void) {
    uint64_t before = read_cycle_counter();
    sys_yield();
    uint64_t after = read_cycle_counter();
    assert(after > before);

    uint32_t counter = 40;
    assert(fetch_and_addl(&counter, 2) == 40 && counter == 42);

    char dst[16];
    assert(strcpy(dst, "weensy") == dst && strcmp(dst, "weensy") == 0);

    uint32_t max_leaf = 0, vendor[3] = {0, 0, 0};
    cpuid(0, &max_leaf, &vendor[0], &vendor[2], &vendor[1]);
    assert(max_leaf != 0);
    assert(vendor[0] != 0);

    assert(read_rbp() != 0 && read_rbp() <= MEMSIZE_VIRTUAL);
    void (*trap)(void) = breakpoint;
    assert(trap != 0);
    void (*stop)(const char*, ...) = panic;
    assert(stop != 0);

    int saved = cursorpos;
    cursorpos = CPOS(12, 0);
    assert(cursorpos == CPOS(12, 0));
    cursorpos = saved;
    console[CPOS(12, 0)] = 0x0700 | 'n';
    assert(console[CPOS(12, 0)] == (0x0700 | 'n'));
    off_t size = -PAGESIZE;
    assert(size < 0);
}

void process_main(void) {
    uint8_t* heap = ROUNDUP((uint8_t*) end, PAGESIZE);
    check_paging(heap);
    check_int_calls(heap + PAGESIZE);
    check_misc();
    log_line("t-handoutnames: ok pid %d\n", sys_getpid());
}
