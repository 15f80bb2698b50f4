"""attacks.py: hostile student programs against the kernel from user mode.
Each test is an attack: the attacker ends (or gets an error), a survivor
keeps its data, the kernel's leak check passes (`mm: all N pages back, no
leak`) and QEMU exits with the success code. The attacks: every interrupt
vector, privileged instructions and descriptor tricks (the LDT), single
steps into system calls, garbage in every register of every system call,
and a random multi-process mix of fork, exit, kill, map, page_free,
page_alloc, writes and sleep with copy-on-write on, checked against each
process's own model of its memory."""
import re

from qemu import TestFailure
from cases import (BIOS_TIMEOUT, UEFI_TIMEOUT, test, need_log,  # noqa
                   refuse_log, run_program, user)

NO_LEAK = r"^mm: all \d+ pages back, no leak$"


def attack(ctx, name, program, verdict, extra="", **kw):
    """Runs program in test mode; needs its verdict line and the leak
    check; returns the log."""
    log = run_program(ctx, name, program, extra=extra, **kw)
    need_log(log, user(verdict), "the attacker's verdict")
    need_log(log, NO_LEAK, "the leak check")
    return log


def faults(log, kind):
    return re.findall(r"^%s \(pid \d+, rip=0x[0-9a-f]+\)!$" % kind, log,
                      re.M)


@test("robustness")
def attack_every_interrupt_vector(ctx):
    """int $N for N = 0..255 but the system call vectors 48-53, each in a
    child: only int3 reaches the kernel as itself (a breakpoint that ends
    the child); every other vector is a general protection fault for that
    child alone. Then icebp and int with
    the trap flag set. The parent keeps its data."""
    log = attack(ctx, "attack-intvec", "t-intvec",
                 r"t-intvec: 253 attackers ended, parent intact$")
    gp, bp = faults(log, "general protection fault"), faults(log,
                                                             "breakpoint")
    # The 256 vectors less int3 and the six system call vectors 48-53.
    if len(gp) != 249 or len(bp) != 1:
        raise TestFailure("want 249 general protection faults and one "
                          "breakpoint, got %d and %d" % (len(gp), len(bp)))


@test("robustness")
def attack_privileged_instructions(ctx):
    """hlt, cli, I/O ports (the test exit port, ACPI, PIC, keyboard reset),
    lgdt/lidt/lldt/ltr, control/debug registers and MSRs, invlpg, cache
    control, swapgs, sysret/sysexit/iretq/lret into ring 0, kernel and TSS
    selectors, jumps into the kernel, reads and writes of the kernel's
    direct map, xsetbv, monitor/mwait, sysenter,
    exceptions and system calls with %rsp at the kernel stack, unmapped or
    non-canonical: each child ends with a fault. Single-stepping into syscall (TF set by popf just
    before it) must not take the kernel down."""
    log = attack(ctx, "attack-privinsn", "t-privinsn",
                 r"t-privinsn: 58 privileged attackers ended, 7 traced "
                 r"system calls, parent intact$")
    refuse_log(log, r"^(PANIC|poweroff)", "the kernel going down")
    # A fault on a long address is logged whole (the console row shows
    # what fits).
    need_log(log, r"^PAGE FAULT on 0xffff800000001000 \(pid \d+, write "
             r"protection problem, rip=0x[0-9a-f]+\)!$",
             "the whole message for a write to the direct map")


def ldt_gate(ctx, firmware):
    timeout = UEFI_TIMEOUT if firmware == "uefi" else BIOS_TIMEOUT
    log = attack(ctx, "attack-ldt-" + firmware, "t-ldtgate",
                 r"t-ldtgate: 48 LDT attacks ended with a fault$",
                 firmware=firmware, timeout=timeout)
    gp = faults(log, "general protection fault")
    if len(gp) != 48:
        raise TestFailure("want 48 general protection faults (LDT "
                          "selectors), got %d" % len(gp))


@test("robustness")
def attack_ldt_call_gate(ctx):
    """Call gates written into the attacker's own low pages and reached
    through LDT selectors (an LDTR left at base 0 reads descriptors from
    linear 0-0xFFFF): every far call and every LDT selector load is a
    general protection fault; no user code runs in ring 0."""
    ldt_gate(ctx, "bios")


@test("robustness")
def attack_ldt_call_gate_uefi(ctx):
    ldt_gate(ctx, "uefi")


@test("robustness")
def attack_syscall_garbage_registers(ctx):
    """Every system call number (and 64-bit numbers whose low half is
    valid, negative and random ones) with seeded garbage in every
    register, %rsp pointing at the kernel, unmapped or non-canonical
    memory: the answer is what SPEC section 8 says (E_NOSYS for unknown
    numbers, E_SRCH for kill of no process), every register but %rax,
    %rcx, %r11 comes back unchanged, %rcx is the return address and %r11
    holds user flags only; a preempted survivor's registers never change
    and the parent keeps its data."""
    log = attack(ctx, "attack-sysfuzz", "t-sysfuzz",
                 r"t-sysfuzz: \d+ attackers came back, \d+ ended by exit, "
                 r"sleep or their own pages$")
    need_log(log, user(r"t-sysfuzz: survivor registers intact$"),
             "the survivor's verdict")
    # The kernel reads all 64 bits of %rax: a valid number with junk in
    # the upper half is unknown.
    need_log(log, r"^syscall: pid \d+: unknown number 4294967297$",
             "getpid | 1 << 32 refused as unknown")


COWFUZZ_VERDICT = (r"t-cowfuzz: \d+ forks, (\d+) workers checked, \d+ "
                   r"killed, (\d+) operations, \d+ logs$")


def cowfuzz(ctx, name, words, need_verdict=True):
    log = run_program(ctx, "attack-cowfuzz-" + name, "t-cowfuzz", extra=words,
                      timeout=120)
    need_log(log, NO_LEAK, "the leak check")
    found = re.search(user(COWFUZZ_VERDICT, 1), log, re.M)
    if need_verdict:
        if not found:
            raise TestFailure("t-cowfuzz (%s) gave no verdict:\n%s" %
                              (words, log[-2000:]))
        if int(found.group(1)) < 5 or int(found.group(2)) < 2000:
            raise TestFailure("t-cowfuzz (%s) did too little: %s" %
                              (words, found.group(0)))
    return log


@test("robustness", "extras")
def attack_cow_fuzz(ctx):
    """A seeded random mix over up to ten processes (fork, exit, kill of
    sleepers and writers, map of every kind, page_free, page_alloc,
    writes, log from the pages, sleep) with copy-on-write on, each process
    checking its pages against its own model and its x87/SSE/MXCSR/%fs
    state against its pid after every step; then with scattered kalloc
    order and with eager fork. The page checker runs on every tick and
    every page comes back."""
    for name, words in (("cow", "cow"), ("cow-scatter", "cow kalloc=scatter"),
                        ("eager", "")):
        cowfuzz(ctx, name, words)


@test("robustness", "extras")
def attack_cow_fuzz_out_of_memory(ctx):
    """The same mix with allocations failing: one failed kalloc early and
    late (kfail=N), and every kalloc failing from some point on
    (kfailfrom=N), which turns copy-on-write writes into out-of-memory
    endings. Whoever is ended (pid 1 too) leaks nothing, nobody's data
    changes, and the last exit finds every page back."""
    for words in ("kfail=300", "kfail=1500", "kfailfrom=700",
                  "kfailfrom=3000"):
        log = cowfuzz(ctx, words.replace("=", ""), "cow " + words,
                      need_verdict=False)
        if words.startswith("kfailfrom") and not re.search(
                r"^cow: pid \d+: out of memory", log, re.M):
            raise TestFailure("%s: no copy-on-write write ran out of memory"
                              % words)


@test("robustness", "extras")
def attack_cow_fork_bomb(ctx):
    """A copy-on-write fork bomb that kills its own children at random,
    writes shared pages (out-of-memory endings), maps and frees, for 3 s:
    forks fail with E_AGAIN and E_NOMEM, writers run out of memory and end
    alone, a bystander that never forks keeps its pages, and when the bomb
    has exited every page is back."""
    log = attack(ctx, "attack-fork-bomb", "t-forkbomb,t-bombwatch",
                 r"t-bombwatch: \d+ checks, pages intact$", extra="cow")
    counts = {what: len(re.findall(pattern, log, re.M)) for what, pattern in (
        ("forks", r"^fork: pid \d+ -> pid \d+"),
        ("failed forks", r"^fork: pid \d+: out of memory"),
        ("writers out of memory", r"^cow: pid \d+: out of memory"),
        ("kills", r"^kill: pid \d+ by pid \d+$"))}
    if counts["forks"] < 100 or min(counts.values()) == 0:
        raise TestFailure("the bomb did not reach every limit: %s" % counts)
