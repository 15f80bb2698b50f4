"""boot.py: the machine: booting by BIOS (CD and disk) and UEFI, kernel
panics with backtraces, user faults, keys, and the harness itself."""
import re
import time

from qemu import Machine, TestFailure
import screen as scr
from cases import (BIOS_TIMEOUT, UEFI_TIMEOUT, test, need, refuse,  # noqa
                   clean_log, run_program, user)


def check_boot(ctx, name, **kw):
    with Machine(ctx, name, "test run=t-syscalls", **kw) as m:
        m.expect("pass")
        need(m, r"^boot: mmap \[0x0+, 0x[0-9a-f]+\) type 1 available",
             "the memory map")
        need(m, r"^boot: module 't-syscalls' \d+ bytes, loaded at 0x[0-9a-f]+,"
             r" copied to 0x[0-9a-f]+", "the modules")
        need(m, r"^boot: display: ", "the display")
        need(m, r"^spawn: pid 1 't-syscalls'", "the user process starting")
        need(m, user(r"t-syscalls: ok pid=1 ring=3 ticks \d+ -> \d+", 1),
             "the user program's own verdict")
        need(m, r"^exit: pid 1 status 0$", "a clean exit")
        need(m, r"^mm: all \d+ pages back, no leak", "the leak check")
        clean_log(m)
        for line in re.findall(r"copied to (0x[0-9a-f]+)", m.log()):
            if int(line, 16) < 0x200000:
                m.fail("a module was copied into managed memory: " + line)
        return m


@test("boot")
def boot_bios_cd(ctx):
    check_boot(ctx, "boot-bios-cd", timeout=BIOS_TIMEOUT)


@test("boot")
def boot_bios_disk(ctx):
    check_boot(ctx, "boot-bios-disk", media="disk", timeout=BIOS_TIMEOUT)


@test("boot")
def boot_uefi(ctx):
    m = check_boot(ctx, "boot-uefi", firmware="uefi", timeout=UEFI_TIMEOUT)
    need(m, r"^boot: display: framebuffer", "a framebuffer under UEFI")


@test("robustness")
def kernel_fault_backtrace(ctx):
    with Machine(ctx, "kernel-fault", "test kcrash", timeout=BIOS_TIMEOUT) as m:
        m.expect("fail")
        need(m, r"^PANIC: kernel page fault at 0x8 \(write",
             "the kernel page fault")
        need(m, r"^  #0 0x[0-9a-f]+ touch_bad_address\+0x",
             "the faulting function named in frame #0")
        need(m, r"^  #\d 0x[0-9a-f]+ selftest_kernel_fault\+0x",
             "the caller in the backtrace")
        need(m, r"^  #\d 0x[0-9a-f]+ kernel_start\+0x",
             "kernel_start in the backtrace")
        need(m, r"^test: FAIL", "the failure exit")


@test("robustness")
def user_fault_ends_alone(ctx):
    log = run_program(ctx, "user-fault", "t-ufault")
    if not re.search(r"^PAGE FAULT on 0x40000 \(pid 2, read protection "
                     r"problem, rip=0x[0-9a-f]+\)!$", log, re.M):
        raise TestFailure("no PAGE FAULT line for the child:\n" + log[-2000:])
    if not re.search(user("t-ufault: parent 1 ok after child 2 faulted$", 1),
                     log, re.M):
        raise TestFailure("the parent did not survive the child's fault")


@test("robustness")
def user_exception_named(ctx):
    log = run_program(ctx, "user-divide", "t-divide")
    if not re.search(r"^divide error \(pid 2, rip=0x[0-9a-f]+\)!$", log, re.M):
        raise TestFailure("no 'divide error (pid 2, ...)' line in the log")
    if not re.search(user("t-divide: parent ok$", 1), log, re.M):
        raise TestFailure("the parent did not survive")


@test("step7", "robustness")
def checker_catches_leak(ctx):
    """The viewer's bookkeeping check is live: a page leaked on purpose
    (kleak) is a PAGE TABLE ERROR and a failure exit."""
    with Machine(ctx, "kleak", "test kleak run=t-syscalls",
                 timeout=BIOS_TIMEOUT) as m:
        m.expect("fail")
        need(m, r"^PAGE TABLE ERROR: leaked user page 0x[0-9a-f]+",
             "the leak reported")


@test("keys")
def key_q_powers_off(ctx):
    with Machine(ctx, "key-q", "run=allocators", timeout=BIOS_TIMEOUT) as m:
        m.wait_log(r"^spawn: pid 4 ", what="the allocators starting")
        m.sendkey("q")
        m.expect("poweroff")
        need(m, r"^poweroff: key 'q'", "the power-off")


@test("boot")
def timer_ticks_advance(ctx):
    # t-syscalls spins until ticks() grew by 5 and checks it never falls.
    log = run_program(ctx, "ticks", "t-syscalls")
    t0, t1 = map(int, re.search(user(r"t-syscalls: ok .*ticks (\d+) -> (\d+)"),
                                log, re.M).groups())
    if not t1 >= t0 + 5 > 0:
        raise TestFailure("ticks did not advance: %d -> %d" % (t0, t1))


@test("harness")
def harness_tells_outcomes_apart(ctx):
    """The harness must tell pass, fail, hang and triple fault apart."""
    cases = [("pass", "test run=t-nosys", 30),
             ("fail", "test kcrash", 30),
             ("timeout", "test run=t-hang", 30),
             ("reset", "test ktriple", 30)]
    for want, cmdline, timeout in cases:
        with Machine(ctx, "harness-" + want, cmdline, timeout=timeout) as m:
            if want == "timeout":
                m.wait_log(user("t-hang: spinning"), what="t-hang running")
                # Booting may be slow on a loaded machine; the hang is
                # judged from the moment the program runs.
                m.deadline = time.monotonic() + 4
            got = m.wait_exit()
            if got != want:
                m.fail("harness saw '%s' for '%s', expected '%s'" %
                       (got, cmdline, want))
