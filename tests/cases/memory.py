"""memory.py: handout steps 1-4: kernel isolation, process isolation,
virtual page allocation and overlapping address spaces, read off the
screen and the log."""
import re
import time

from qemu import Machine, TestFailure
import screen as scr
from cases import (BIOS_TIMEOUT, UEFI_TIMEOUT, test, need, refuse,  # noqa
                   clean_log, run_program, user)


def allocators(ctx, name, extra=""):
    return Machine(ctx, name, "test run=allocators " + extra,
                   timeout=BIOS_TIMEOUT)


@test("step1")
def viewer_boot_map(ctx):
    with allocators(ctx, "viewer-boot-map") as m:
        m.wait_log(r"^spawn: pid 4 ", what="four allocators")
        m.wait_log(user(r"p-allocator: pid 1 ", 1),
                   what="allocators filling memory")
        m.check_screen(lambda s: (scr.check_layout(m, s),
                                  scr.check_physical_fixed(m, s)))
        m.sendkey("x")
        m.expect("pass")


@test("step2")
def viewer_isolation(ctx):
    """Each allocator's virtual view: kernel shown but not user-accessible,
    console user-accessible, only its own pages above PROC_START_ADDR, its
    stack at 0x2FF000; every heap at the same addresses, its own pages."""
    with allocators(ctx, "viewer-isolation") as m:
        m.wait_log(r"^spawn: pid 4 ", what="four allocators")
        scr.collect_views(m, {1, 2, 3, 4},
                          check=lambda s, pid: scr.check_virtual(m, s, pid))
        m.sendkey("x")
        m.expect("pass")


def exhaust(ctx, name, extra=""):
    with allocators(ctx, name, extra) as m:
        m.wait_log(user(r"p-allocator: pid \d stopped after \d+ pages, "
                        r"page_alloc returned -12$"),
                   count=4, what="all four out of memory")

        def full(s):
            scr.check_layout(m, s)
            scr.check_physical_fixed(m, s)
            free = [i for i, (ch, _) in enumerate(scr.physical_cells(s))
                    if ch == "."]
            if free:
                m.fail("memory is exhausted but the map shows %d free pages,"
                       " first at 0x%x" % (len(free), free[0] * 4096))
            if "PAGE TABLE ERROR" in s.text() or "PANIC" in s.text():
                m.fail("error on screen:\n" + s.text())
            return s
        s = m.check_screen(full)
        # Overlap: heaps grown to the same virtual addresses, each backed by
        # its own physical pages (shown in its own digit).
        views = scr.collect_views(
            m, {1, 2, 3, 4},
            check=lambda s, pid: scr.check_virtual(m, s, pid))
        heaps = {pid: scr.heap_pages(v, pid) for pid, v in views.items()}
        if not heaps[3] & heaps[4]:
            m.fail("pids 3 and 4 never used the same heap addresses")
        m.sendkey("x")
        m.expect("pass")
        clean_log(m)
        return s


@test("step3", "step4")
def allocators_exhaust_memory(ctx):
    exhaust(ctx, "exhaust")


@test("step3")
def kalloc_scattered_order(ctx):
    with Machine(ctx, "scatter-syscalls", "test kalloc=scatter run=t-syscalls",
                 timeout=BIOS_TIMEOUT) as m:
        m.expect("pass")
    exhaust(ctx, "scatter-exhaust", "kalloc=scatter")


@test("step1")
def attack_kernel_read(ctx):
    attack(ctx, "t-kread", r"0x40000 \(pid 1, read protection problem")


@test("step1")
def attack_kernel_write(ctx):
    attack(ctx, "t-kwrite", r"0x40000 \(pid 1, write protection problem")


@test("step1")
def attack_kernel_stack_read(ctx):
    attack(ctx, "t-kstack-read", r"0x7f800 \(pid 1, read protection problem")


@test("step1")
def attack_kernel_stack_write(ctx):
    attack(ctx, "t-kstack-write",
           r"0x7f800 \(pid 1, write protection problem")


def attack(ctx, program, fault):
    log = run_program(ctx, program, program)
    if not re.search(r"^PAGE FAULT on " + fault + r", rip=0x[0-9a-f]+\)!$",
                     log, re.M):
        raise TestFailure("no fault /%s/ in the log:\n%s" % (fault, log[-1500:]))
    if not re.search(user(r"t-attack: survivor 2 ok$", 2), log, re.M):
        raise TestFailure("the survivor process was hurt:\n" + log[-1500:])
    if re.search(user(r"t-attack: read "), log, re.M):
        raise TestFailure("the attacker read kernel memory")


@test("step1")
def user_writes_console(ctx):
    log = run_program(ctx, "console", "t-console")
    if not re.search(user(r"t-console: ok", 1), log, re.M):
        raise TestFailure("t-console did not finish")


@test("step4")
def overlapping_address_spaces(ctx):
    log = run_program(ctx, "overlap", "t-overlap")
    for pid in (1, 2):
        if not re.search(user(r"t-overlap: pid %d saw only its own data" %
                              pid, pid), log, re.M):
            raise TestFailure("pid %d did not confirm its data" % pid)


@test("step3", "robustness")
def page_alloc_bad_addresses(ctx):
    run_program(ctx, "page-alloc-bad", "t-pagealloc")


@test("robustness")
def log_bad_pointers(ctx):
    run_program(ctx, "log-bad", "t-logfault")


@test("robustness")
def unknown_syscall(ctx):
    log = run_program(ctx, "nosys", "t-nosys")
    if not re.search(r"^syscall: pid 1: unknown number 99$", log, re.M):
        raise TestFailure("unknown system call not logged")


@test("robustness")
def malformed_elf_refused(ctx):
    bad = {"bad-truncated": "truncated",
           "bad-machine": "wrong machine",
           "bad-kernelseg": "segment outside user memory",
           "bad-notelf": "not an ELF file",
           "bad-overlap": "segments overlap"}
    log = run_program(ctx, "bad-elf", ",".join(list(bad) + ["t-syscalls"]))
    for name, why in bad.items():
        if not re.search(r"^elf: '%s' refused: .*%s" % (name, why), log, re.M):
            raise TestFailure("%s not refused for '%s'" % (name, why))
    if not re.search(user(r"t-syscalls: ok"), log, re.M):
        raise TestFailure("the kernel did not go on to run t-syscalls")
