"""isolation.py: a process can neither take the system down nor see
another's state: CPU flags, FPU/SSE state, segment selectors, NX, endless
sleeps, keys that are not keys, the command line and the log. Each test is
an attack in the style of the step-1 attacks: the offending process ends
(or gets an error), the others keep their data, the kernel's leak check
passes and QEMU exits with the success code."""
import re
import time

from qemu import Machine, TestFailure
from cases import (BIOS_TIMEOUT, UEFI_TIMEOUT, test, need, refuse,  # noqa
                   clean_log, run_program, user)

NO_NX_CPU = ("-cpu", "qemu64,-nx")


def need_user(log, pid, text, what):
    if not re.search(user(text, pid), log, re.M):
        raise TestFailure("expected %s (pid %s: /%s/) in the log:\n%s" %
                          (what, pid, text, log[-2500:]))


def refuse_in(log, pattern, what):
    found = re.search(pattern, log, re.M)
    if found:
        raise TestFailure("the log shows %s: %r" % (what, found.group(0)))


def firmware_timeout(firmware):
    return UEFI_TIMEOUT if firmware == "uefi" else BIOS_TIMEOUT


# -- CPU flags -----------------------------------------------------------

def rflags_nt(ctx, firmware):
    """popf sets NT (and AC, DF, IOPL) before yield/sleep/exit/kill that
    switch to a timer-preempted process (left by iretq): no kernel #GP,
    flags come back without NT/IOPL, the busy survivor keeps its data."""
    log = run_program(ctx, "rflags-nt-" + firmware, "t-rflags",
                      firmware=firmware, timeout=firmware_timeout(firmware))
    need_user(log, 1, r"t-rflags: ok$", "the attacker's verdict")
    need_user(log, r"\d+", r"t-rflags: survivor \d+ ok$", "the survivor")


@test("robustness")
def rflags_nt_from_user(ctx):
    rflags_nt(ctx, "bios")


@test("robustness")
def rflags_nt_from_user_uefi(ctx):
    rflags_nt(ctx, "uefi")


# -- FPU / SSE ---------------------------------------------------------------

def fpu_private(ctx, firmware):
    log = run_program(ctx, "fpu-" + firmware, "t-fpu,t-fpu",
                      firmware=firmware, timeout=firmware_timeout(firmware))
    for pid in (1, 2):
        need_user(log, pid, r"t-fpu: pid %d ok" % pid, "t-fpu's verdict")
    x87 = re.findall(r"^x87 floating-point error \(pid (\d+), rip=", log,
                     re.M)
    simd = re.findall(r"^SIMD floating-point error \(pid (\d+), rip=", log,
                      re.M)
    # QEMU's TCG raises no #XM: then each SIMD child reports its flag kept.
    no_xm = re.findall(r"t-fpu: pid \d+: no #XM from this CPU", log)
    if len(x87) != 2 or len(simd) + len(no_xm) != 2:
        raise TestFailure("want one x87 and one SIMD fault per instance "
                          "(its own children), got x87 %s SIMD %s:\n%s" %
                          (x87, simd, log[-2500:]))
    if {"1", "2"} & set(x87 + simd):
        raise TestFailure("a parent paid for a child's floating-point error")


@test("robustness")
def fpu_state_private_bios(ctx):
    fpu_private(ctx, "bios")


@test("robustness")
def fpu_state_private_uefi(ctx):
    fpu_private(ctx, "uefi")


# -- segment selectors ---------------------------------------------------

@test("robustness")
def segment_selectors_private(ctx):
    segments(ctx, "bios")


@test("robustness")
def segment_selectors_private_uefi(ctx):
    segments(ctx, "uefi")


def segments(ctx, firmware):
    log = run_program(ctx, "segments-" + firmware, "t-segs",
                      firmware=firmware, timeout=firmware_timeout(firmware))
    need_user(log, 1, r"t-segs: ok$", "t-segs's verdict")
    faults = re.findall(r"^general protection fault \(pid (\d+), rip=", log,
                        re.M)
    if len(faults) != 2 or "1" in faults:
        raise TestFailure("want the two bad loaders to fault, got %s" %
                          faults)


# -- NX ----------------------------------------------------------------------

@test("robustness")
def nx_data_never_executes(ctx):
    nx(ctx, "bios")


@test("robustness")
def nx_data_never_executes_uefi(ctx):
    """Under UEFI the console page is RAM behind the framebuffer console."""
    nx(ctx, "uefi")


def nx(ctx, firmware):
    log = run_program(ctx, "nx-" + firmware, "t-nx", firmware=firmware,
                      timeout=firmware_timeout(firmware))
    need(_LogView(log), r"^cpu: NX on", "NX turned on")
    refuse_in(log, r"t-nx: EXECUTED", "code run from a data page")
    where = {"console": r"0xb8[0-9a-f]{3}", "stack": r"0x2ff[0-9a-f]{3}",
             "heap": r"0x280000", "data": r"0x1[0-9a-f]{5}"}
    for what, addr in where.items():
        if not re.search(r"^PAGE FAULT on %s \(pid \d+, exec protection "
                         r"problem, rip=%s\)!$" % (addr, addr), log, re.M):
            raise TestFailure("no exec fault for the %s page:\n%s" %
                              (what, log[-2500:]))
    need_user(log, 1, r"t-nx: parent ok$", "the parent's verdict")


@test("robustness", "boot")
def cpu_without_nx_runs(ctx):
    """A CPU without NX boots and runs the isolation programs and fork."""
    for prog in ("t-syscalls", "t-fpu,t-fpu", "t-segs", "t-rflags",
                 "t-ufault"):
        log = run_program(ctx, "nonx-" + prog.split(",")[0], prog,
                          qemu_args=NO_NX_CPU)
        need(_LogView(log), r"^cpu: NX not offered", "NX reported absent")
    with Machine(ctx, "nonx-fork", "test run=fork", timeout=BIOS_TIMEOUT,
                 qemu_args=NO_NX_CPU) as m:
        m.wait_log(user(r"p-fork: pid (\d+) ok"), count=4,
                   what="four p-fork processes")
        m.sendkey("x")
        m.expect("pass")
        clean_log(m)


class _LogView:
    """Lets need() check a finished log."""

    def __init__(self, log):
        self.text = log

    def log(self):
        return self.text

    def fail(self, msg):
        raise TestFailure(msg)


# -- sleep -------------------------------------------------------------------

@test("robustness", "sleep")
def sleep_never_wraps(ctx):
    log = run_program(ctx, "sleep-wrap", "t-sleepwrap")
    need_user(log, 1, r"t-sleepwrap: ok", "t-sleepwrap's verdict")


# -- keys --------------------------------------------------------------------

# Keys whose scan codes are 0xE0- or 0xE1-prefixed: with the prefix
# dropped, several read as bound letters (audioprev as q, calculator as f,
# audiomute as d, volumedown as c, homepage as m, audionext as p).
EXTENDED_KEYS = ["audioprev", "calculator", "audiomute", "audionext",
                 "audioplay", "audiostop", "volumedown", "volumeup",
                 "kp_enter", "kp_divide", "ctrl_r", "alt_r", "up", "down",
                 "left", "right", "home", "end", "insert", "delete", "pgup",
                 "pgdn", "pause", "print"]


@test("keys", "robustness")
def extended_keys_do_nothing(ctx):
    with Machine(ctx, "keys-extended", "test run=allocators",
                 timeout=BIOS_TIMEOUT) as m:
        m.wait_log(r"^spawn: pid 4 ", what="the allocators")
        for key in EXTENDED_KEYS:
            try:
                reply = m.monitor("sendkey " + key)
            except OSError:
                m.wait_exit()
                m.fail("QEMU ended (%s) after key %s" % (m.outcome(), key))
            if "rror" in reply or "nvalid" in reply:
                m.fail("QEMU refused key %s: %s" % (key, reply.strip()))
            time.sleep(0.05)
        time.sleep(1)
        if m.proc.poll() is not None:
            m.fail("QEMU ended (%s) after extended keys" % m.outcome())
        refuse(m, r"^key '", "an extended key read as a bound key")
        refuse(m, r"^SCREEN BEGIN", "a screen dump from an extended key")
        # The decoder is not stuck in a prefix: a real key still works.
        m.sendkey("f")
        m.wait_log(r"^key 'f': soft reboot into 'fork'", what="key f")
        m.wait_log(r"^mm: all \d+ pages back, no leak", what="no leak")
        m.sendkey("x")
        m.expect("pass")
        clean_log(m)


# -- command line --------------------------------------------------------------

@test("robustness", "boot")
def long_command_line_kept(ctx):
    """A command line of ~3900 characters with `test` and `run` at its end
    and a 3000-character word: every word is read, the long one reported
    with its real length."""
    pads = " ".join("pad%03d=%s" % (i, "p" * 20) for i in range(30))
    cmdline = "%s %s test run=t-syscalls" % ("w" * 3000, pads)
    with Machine(ctx, "cmdline-long", cmdline, timeout=BIOS_TIMEOUT) as m:
        m.expect("pass")
        need(m, r"^cmdline: word of 3000 characters is too long",
             "the long word with its length")
        need(m, r"^cmdline: unknown word 'pad029=p+' ignored",
             "the last pad word read")
        refuse(m, r"^cmdline: command line .* cut", "a cut")
        clean_log(m)


@test("robustness", "boot")
def overlong_command_line_reported(ctx):
    """Past what the kernel keeps, the cut is reported in the log and on
    screen, and the word it split is not read as another word."""
    cmdline = "test run=t-syscalls " + " ".join(
        "kfail=%s" % ("1" * 60) for _ in range(80))
    with Machine(ctx, "cmdline-cut", cmdline, timeout=BIOS_TIMEOUT) as m:
        m.wait_log(r"^cmdline: command line of %d characters cut at \d+" %
                   len(cmdline), what="the cut reported")
        m.expect("pass")
        log = m.log()
        full = len(re.findall(r"^cmdline: malformed 'kfail=1{60}'", log,
                              re.M))
        if full == 0 or full >= 80:
            m.fail("%d whole kfail words read: want those before the cut" %
                   full)
        refuse(m, r"^cmdline: malformed 'kfail=1{0,59}'$",
               "the word the cut split read as a word")


@test("robustness", "boot")
def command_line_cut_shown_on_screen(ctx):
    cmdline = "run=t-hang " + "z" * 5000
    with Machine(ctx, "cmdline-cut-screen", cmdline,
                 timeout=BIOS_TIMEOUT) as m:
        m.wait_log(user(r"t-hang: spinning"), what="t-hang running")

        def shown(s):
            if not re.search(r"command line of \d+ characters cut", s.text()):
                m.fail("the cut is not on screen:\n" + s.text())
        m.check_screen(shown)


@test("robustness", "boot")
def command_line_number_overflow(ctx):
    bad = ["kfail=18446744073709551617", "kfail=99999999999999999999",
           "kfailfrom=0x10000000000000000", "kfail=18446744073709551616"]
    with Machine(ctx, "cmdline-overflow",
                 "test run=t-syscalls " + " ".join(bad),
                 timeout=BIOS_TIMEOUT) as m:
        m.expect("pass")
        for word in bad:
            need(m, r"^cmdline: malformed '%s'" % re.escape(word),
                 "%s reported as malformed" % word)
        clean_log(m)
    # The largest number still parses (and never fails a kalloc here).
    with Machine(ctx, "cmdline-max", "test run=t-syscalls "
                 "kfail=18446744073709551615", timeout=BIOS_TIMEOUT) as m:
        m.expect("pass")
        refuse(m, r"^cmdline: malformed", "the largest number refused")


# -- the log -------------------------------------------------------------------

@test("robustness")
def user_log_lines_marked(ctx):
    with Machine(ctx, "log-spoof", "test run=t-logspoof",
                 timeout=BIOS_TIMEOUT) as m:
        m.expect("pass")
        log = m.log()
        # Lines the kernel writes once itself: at line start only once.
        for own in (r"test: PASS$", r"mm: all \d+ pages back",
                    r"exit: pid 1 status 0$"):
            if len(re.findall("^" + own, log, re.M)) != 1:
                m.fail("/^%s/ must match once, the kernel's line" % own)
        for forged in (r"test: PASS$", r"PANIC: forged",
                       r"mm: all 350 pages back", r"PAGE FAULT on 0x1 \(pid 1",
                       r"exit: pid 1 status 0$", r"PAGE TABLE ERROR: forged"):
            need_user(log, 1, forged, "the forged line as pid 1's")
        for forged in (r"PANIC: forged", r"PAGE FAULT on 0x1 \(pid 1",
                       r"PAGE TABLE ERROR: forged"):
            refuse(m, "^" + forged, "a user line passing for the kernel's")
        need_user(log, 1, r"split line$", "a line split over two calls")
        need_user(log, 1,
                  r"x\\x0dtest: PASS\\x1b\[2J\\x00end$", "control bytes escaped")
        need_user(log, 1, r"open line$", "the open line ended by the kernel")
        need(m, r"^fork: pid 1 -> pid 2", "the kernel's fork line on its own")
        need_user(log, 2, r"child's words$", "the child's line")
        need_user(log, 1, "b" * 3999 + "$", "the 4,000-byte line whole")
        clean_log(m)


@test("robustness")
def user_panic_text_escaped(ctx):
    with Machine(ctx, "panic-escape", "test run=t-panicesc",
                 timeout=BIOS_TIMEOUT) as m:
        m.expect("fail")
        need(m, r"^USER PANIC: bad\\x0dPANIC: forged\\x0atest: PASS "
             r"\(pid 1\)$", "the panic text escaped")
        refuse(m, r"^(PANIC: forged|test: PASS)", "a forged kernel line")


# -- entry points ------------------------------------------------------------

@test("robustness")
def entry_fault_backtrace_named(ctx):
    with Machine(ctx, "kiretq", "test kiretq", timeout=BIOS_TIMEOUT) as m:
        m.expect("fail")
        need(m, r"^PANIC: kernel general protection fault",
             "the #GP in regs_return")
        need(m, r"^  #0 0x[0-9a-f]+ regs_return\+0x",
             "regs_return named in frame #0")
        need(m, r"^  #\d 0x[0-9a-f]+ kernel_start\+0x", "its caller")


# -- floating point in C ------------------------------------------------------

@test("robustness")
def double_in_c_private(ctx):
    """User C code may use `double` (SSE2 as the compiler emits it): two
    instances and their children sum series with switches in between and
    get the same bits as without switches."""
    log = run_program(ctx, "double-in-c", "t-double,t-double")
    for pid in (1, 2):
        need_user(log, pid, r"t-double: pid %d ok$" % pid,
                  "pid %d's verdict" % pid)
    children = re.findall(user(r"t-double: child of (\d) ok$"), log, re.M)
    if sorted(children) != ["1", "2"]:
        raise TestFailure("want both children's verdicts, got %s" % children)
