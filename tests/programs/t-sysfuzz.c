/* t-sysfuzz: system calls with garbage in every register. For every
 * number 0..SYS_COUNT+2, the valid numbers with junk in the upper 32 bits,
 * negative and random 64-bit numbers, a child loads every general
 * register (the %rsp included: kernel, unmapped and non-canonical
 * addresses) with seeded garbage and runs `syscall`. The call must return
 * what SPEC section 8 says for such arguments (E_NOSYS for an unknown
 * number), every register but %rax, %rcx and %r11 must come back as it
 * was, %rcx must hold the return address and %r11 user flags only. kill
 * gets pids that name no process (whatever the upper bits); panic is
 * never called (it stops the system by design). Calls that may end or
 * block the caller (exit, sleep, page_alloc/page_free/map of a random
 * address, which may hit the child's own code) may end it. A busy
 * survivor, preempted by the timer all along, checks that no register of
 * its own ever changes, and the parent's data stays intact. */
#include "t-attackchild.h"

struct gregs {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};
static const char* const reg_names[16] = {
    "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
    "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

/* raw_syscall(in, out): every register from *in (the %rsp too), syscall,
 * every register into *out; the C stack is found again through a
 * global. syscall_return is the instruction after `syscall`. */
void raw_syscall(const struct gregs* in, struct gregs* out);
extern const char syscall_return[];
uint64_t raw_saved_rsp, raw_saved_out, raw_scratch;
__asm__(".text\n"
        ".globl raw_syscall\n"
        "raw_syscall:\n"
        "  pushq %rbx\n  pushq %rbp\n  pushq %r12\n"
        "  pushq %r13\n  pushq %r14\n  pushq %r15\n"
        "  movq %rsp, raw_saved_rsp(%rip)\n"
        "  movq %rsi, raw_saved_out(%rip)\n"
        "  movq %rdi, %rax\n"
        "  movq 8(%rax), %rbx\n  movq 16(%rax), %rcx\n"
        "  movq 24(%rax), %rdx\n  movq 32(%rax), %rsi\n"
        "  movq 40(%rax), %rdi\n  movq 48(%rax), %rbp\n"
        "  movq 56(%rax), %rsp\n  movq 64(%rax), %r8\n"
        "  movq 72(%rax), %r9\n  movq 80(%rax), %r10\n"
        "  movq 88(%rax), %r11\n  movq 96(%rax), %r12\n"
        "  movq 104(%rax), %r13\n  movq 112(%rax), %r14\n"
        "  movq 120(%rax), %r15\n  movq (%rax), %rax\n"
        "  syscall\n"
        ".globl syscall_return\n"
        "syscall_return:\n"
        "  movq %rax, raw_scratch(%rip)\n"
        "  movq raw_saved_out(%rip), %rax\n"
        "  movq %rbx, 8(%rax)\n  movq %rcx, 16(%rax)\n"
        "  movq %rdx, 24(%rax)\n  movq %rsi, 32(%rax)\n"
        "  movq %rdi, 40(%rax)\n  movq %rbp, 48(%rax)\n"
        "  movq %rsp, 56(%rax)\n  movq %r8, 64(%rax)\n"
        "  movq %r9, 72(%rax)\n  movq %r10, 80(%rax)\n"
        "  movq %r11, 88(%rax)\n  movq %r12, 96(%rax)\n"
        "  movq %r13, 104(%rax)\n  movq %r14, 112(%rax)\n"
        "  movq %r15, 120(%rax)\n"
        "  movq raw_scratch(%rip), %rbx\n  movq %rbx, (%rax)\n"
        "  movq raw_saved_rsp(%rip), %rsp\n"
        "  popq %r15\n  popq %r14\n  popq %r13\n"
        "  popq %r12\n  popq %rbp\n  popq %rbx\n"
        "  ret\n");

static uint64_t seed;

static uint64_t rnd64(void) {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
}

/* Garbage with a bias towards addresses a kernel might trust. */
static uint64_t garbage(void) {
    static const uint64_t nasty[] = {
        0,
        1,
        UINT64_MAX,
        1UL << 63,
        0x40000,                  /* kernel code */
        0x7F000,                  /* kernel stack */
        0x7FFF8,                  /* kernel stack top word */
        0xB8000,                  /* console */
        0xFFFF800000000000UL,     /* direct map */
        0xFFFF800000040000UL,     /* kernel through the direct map */
        0x0000800000000000UL,     /* non-canonical */
        0x00007FFFFFFFF000UL,     /* top of the canonical lower half */
        MEMSIZE_VIRTUAL,          /* one past user space */
        MEMSIZE_VIRTUAL - 8,      /* the stack's last word */
        0x2F0000,                 /* unmapped user page */
        0x2F0001,                 /* unaligned */
        (uint64_t) -PAGESIZE,     /* wraps */
        0x100000000UL + 0x2F0000, /* user page plus high bits */
    };
    uint64_t r = rnd64();
    switch (r % 4) {
    case 0:
        return nasty[(r >> 8) % (sizeof(nasty) / sizeof(nasty[0]))];
    case 1:
        return (r >> 8) % 64; /* small numbers */
    default:
        return rnd64();
    }
}

enum { NUMBERS = 48 };
static uint64_t numbers[NUMBERS];

static void make_numbers(void) {
    int n = 0;
    for (uint64_t nr = 0; nr < SYS_COUNT + 3; ++nr) {
        if (nr != SYS_PANIC) {
            numbers[n++] = nr;
        }
    }
    for (uint64_t nr = 1; nr < SYS_COUNT; ++nr) {
        numbers[n++] = nr | (1UL << 32); /* only the low half is valid */
    }
    numbers[n++] = (uint64_t) -1;
    numbers[n++] = (1UL << 63) | SYS_GETPID;
    numbers[n++] = 256;
    numbers[n++] = 0xFFFFFFFFUL;
    while (n < NUMBERS) {
        numbers[n++] = rnd64();
    }
}

static bool may_end_caller(uint64_t nr) {
    return nr == SYS_EXIT || nr == SYS_SLEEP || nr == SYS_PAGE_ALLOC ||
           nr == SYS_PAGE_FREE || nr == SYS_MAP;
}

/* One garbage call of number nr; checks what came back. */
static void garbage_call(uint64_t nr) {
    struct gregs in, out;
    uint64_t* r = (uint64_t*) &in;
    for (int i = 0; i < 16; ++i) {
        r[i] = garbage();
    }
    in.rax = nr;
    if (nr == SYS_KILL && in.rdi < NPROC) {
        in.rdi |= 1UL << (32 + rnd64() % 31); /* no process's pid */
    }
    if (nr == SYS_SLEEP) {
        in.rdi %= 3; /* bounded: the parent waits for it */
    }
    raw_syscall(&in, &out);
    if (nr == SYS_FORK && out.rax == 0) {
        sys_exit(0); /* a forked grandchild: its parent checks */
    }
    const uint64_t* a = (const uint64_t*) &in;
    const uint64_t* b = (const uint64_t*) &out;
    for (int i = 1; i < 16; ++i) {
        CHECK(i == 2 || i == 11 || a[i] == b[i],
              "syscall %lx changed %s: %lx -> %lx", nr, reg_names[i], a[i],
              b[i]);
    }
    CHECK(out.rcx == (uint64_t) syscall_return, "syscall %lx: rcx %lx", nr,
          out.rcx);
    CHECK((out.r11 & ~0x240FD7UL) == 0 && (out.r11 & 0x200),
          "syscall %lx: r11 (rflags) %lx", nr, out.r11);
    int64_t res = (int64_t) out.rax;
    if (nr >= SYS_COUNT || nr == 0) {
        CHECK_EQ(res, E_NOSYS, "unknown number");
    } else if (nr == SYS_GETPID) {
        CHECK_EQ(res, sys_getpid(), "getpid");
    } else if (nr == SYS_KILL) {
        CHECK_EQ(res, E_SRCH, "kill of no process");
    } else if (nr == SYS_YIELD || nr == SYS_SLEEP) {
        CHECK_EQ(res, 0, "yield/sleep");
    } else if (nr == SYS_LOG) {
        CHECK(res == E_FAULT || (res >= 0 && res <= 256), "log: %ld", res);
    } else if (nr == SYS_PAGE_ALLOC || nr == SYS_PAGE_FREE) {
        CHECK(res == 0 || res == E_INVAL || res == E_NOMEM, "page: %ld", res);
    } else if (nr == SYS_MAP) {
        CHECK(res > 0 || res == E_INVAL || res == E_NOMEM, "map: %ld", res);
    } else if (nr == SYS_FORK) {
        CHECK(res > 0 || res == E_AGAIN || res == E_NOMEM, "fork: %ld", res);
    }
}

static void attack(uint64_t nr) {
    int calls = (nr == SYS_FORK || nr == SYS_EXIT)     ? 1
                : (nr == SYS_YIELD || nr == SYS_SLEEP) ? 2
                                                       : 12;
    for (int i = 0; i < calls; ++i) {
        garbage_call(nr);
    }
}

/* Busy with a known value in every register for `ticks` ticks, so the
 * timer preempts it (iretq path) while the attackers run. */
static void survivor(uint64_t ticks) {
    uint64_t bad = 0, end = sys_ticks() + ticks;
    while (sys_ticks() < end) {
        __asm__ volatile("pushq %%rbp\n\t"
                         "movq $0x1111, %%rax\n\tmovq $0x2222, %%rbx\n\t"
                         "movq $0x3333, %%rcx\n\tmovq $0x4444, %%rdx\n\t"
                         "movq $0x5555, %%rsi\n\tmovq $0x6666, %%rdi\n\t"
                         "movq $0x7777, %%rbp\n\tmovq $0x8888, %%r8\n\t"
                         "movq $0x9999, %%r9\n\tmovq $0xaaaa, %%r10\n\t"
                         "movq $0xbbbb, %%r11\n\tmovq $0xcccc, %%r12\n\t"
                         "movq $0xdddd, %%r13\n\tmovq $0xeeee, %%r14\n\t"
                         "movq $0xffff, %%r15\n\t"
                         "movl $200000, %%eax\n"
                         "1:\n\t"
                         "cmpq $0x2222, %%rbx\n\tjne 2f\n\t"
                         "cmpq $0x3333, %%rcx\n\tjne 2f\n\t"
                         "cmpq $0x4444, %%rdx\n\tjne 2f\n\t"
                         "cmpq $0x5555, %%rsi\n\tjne 2f\n\t"
                         "cmpq $0x6666, %%rdi\n\tjne 2f\n\t"
                         "cmpq $0x7777, %%rbp\n\tjne 2f\n\t"
                         "cmpq $0x8888, %%r8\n\tjne 2f\n\t"
                         "cmpq $0x9999, %%r9\n\tjne 2f\n\t"
                         "cmpq $0xaaaa, %%r10\n\tjne 2f\n\t"
                         "cmpq $0xbbbb, %%r11\n\tjne 2f\n\t"
                         "cmpq $0xcccc, %%r12\n\tjne 2f\n\t"
                         "cmpq $0xdddd, %%r13\n\tjne 2f\n\t"
                         "cmpq $0xeeee, %%r14\n\tjne 2f\n\t"
                         "cmpq $0xffff, %%r15\n\tjne 2f\n\t"
                         "decl %%eax\n\tjnz 1b\n\t"
                         "jmp 3f\n"
                         "2:\n\tincq %0\n"
                         "3:\n\t"
                         "popq %%rbp"
                         : "+m"(bad)
                         :
                         : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9",
                           "r10", "r11", "r12", "r13", "r14", "r15", "cc",
                           "memory");
        CHECK(bad == 0, "survivor %d: a register changed under it",
              sys_getpid());
    }
    log_printf("t-sysfuzz: survivor registers intact\n");
    sys_exit(0);
}

static uint8_t parent_data[PAGESIZE];

int process_main(void) {
    seed = 0x5EED5EED12345678UL;
    board_init();
    memset(parent_data, 0x6B, sizeof(parent_data));
    make_numbers();
    pid_t s = sys_fork();
    CHECK(s >= 0, "fork: %d", s);
    if (s == 0) {
        survivor(150);
    }
    int died = 0, lived = 0;
    for (int round = 0; round < 4; ++round) {
        for (int i = 0; i < NUMBERS; ++i) {
            uint64_t nr = numbers[i];
            rnd64(); /* each child a different sequence */
            enum attack_end e =
                attack_in_child(attack, nr, (uint64_t) (round * 100 + i + 1));
            if (e == ATTACK_SURVIVED) {
                ++lived;
            } else {
                CHECK(may_end_caller(nr), "number %lx ended its caller (%d)",
                      nr, e);
                ++died;
            }
        }
    }
    expect_pages(parent_data, 1, 0x6B, "parent's data after the attacks");
    log_printf("t-sysfuzz: %d attackers came back, %d ended by exit, sleep "
               "or their own pages\n",
               lived, died);
    sys_sleep(200); /* the survivor checks for 150 ticks, then exits */
    CHECK_EQ(sys_kill(s), E_SRCH, "survivor finished by itself");
    return 0;
}
