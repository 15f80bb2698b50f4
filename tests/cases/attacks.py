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


@test("robustness", "step1")
def attack_every_interrupt_vector(ctx):
    """int $N for N = 0..255, each in a child: only int3 reaches the kernel
    as itself (a breakpoint that ends the child); every other vector is a
    general protection fault for that child alone. Then icebp and int with
    the trap flag set. The parent keeps its data."""
    log = attack(ctx, "attack-intvec", "t-intvec",
                 r"t-intvec: 259 attackers ended, parent intact$")
    gp, bp = faults(log, "general protection fault"), faults(log,
                                                             "breakpoint")
    if len(gp) != 255 or len(bp) != 1:
        raise TestFailure("want 255 general protection faults and one "
                          "breakpoint, got %d and %d" % (len(gp), len(bp)))


@test("robustness", "step1")
def attack_privileged_instructions(ctx):
    """hlt, cli, I/O ports (the test exit port, ACPI, PIC, keyboard reset),
    lgdt/lidt/lldt/ltr, control/debug registers and MSRs, invlpg, cache
    control, swapgs, sysret/sysexit/iretq/lret into ring 0, kernel and TSS
    selectors, jumps into the kernel, xsetbv, monitor/mwait: each child
    ends with a fault. Single-stepping into syscall (TF set by popf just
    before it) must not take the kernel down."""
    log = attack(ctx, "attack-privinsn", "t-privinsn",
                 r"t-privinsn: 49 privileged attackers ended, 7 traced "
                 r"system calls, parent intact$")
    refuse_log(log, r"^(PANIC|poweroff)", "the kernel going down")


def ldt_gate(ctx, firmware):
    timeout = UEFI_TIMEOUT if firmware == "uefi" else BIOS_TIMEOUT
    log = attack(ctx, "attack-ldt-" + firmware, "t-ldtgate",
                 r"t-ldtgate: 48 LDT attacks ended with a fault$",
                 firmware=firmware, timeout=timeout)
    gp = faults(log, "general protection fault")
    if len(gp) != 48:
        raise TestFailure("want 48 general protection faults (LDT "
                          "selectors), got %d" % len(gp))


@test("robustness", "step1")
def attack_ldt_call_gate(ctx):
    """Call gates written into the attacker's own low pages and reached
    through LDT selectors (an LDTR left at base 0 reads descriptors from
    linear 0-0xFFFF): every far call and every LDT selector load is a
    general protection fault; no user code runs in ring 0."""
    ldt_gate(ctx, "bios")


@test("robustness", "step1")
def attack_ldt_call_gate_uefi(ctx):
    ldt_gate(ctx, "uefi")
