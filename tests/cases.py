"""cases.py: every WeensyOS test. Each boots the ISO headless (TCG unless
--kvm) with its own command line and fails on the first wrong behaviour,
with a message that says what went wrong and the tail of the kernel log.

Tests register with @test; tests/CMakeLists.txt asks `run.py --list`."""
import re
import time

from qemu import Machine, TestFailure
import screen as scr

TESTS = {}
BIOS_TIMEOUT = 60
UEFI_TIMEOUT = 300


def test(fn):
    TESTS[fn.__name__.replace("_", "-")] = fn
    return fn


def need(m, pattern, what):
    if not re.search(pattern, m.log(), re.M):
        m.fail("the log does not show %s (/%s/)" % (what, pattern))


def refuse(m, pattern, what):
    found = re.search(pattern, m.log(), re.M)
    if found:
        m.fail("the log shows %s: %r" % (what, found.group(0)))


def clean_log(m):
    refuse(m, r"PANIC|PAGE TABLE ERROR|USER PANIC", "a failure")


def run_program(ctx, name, program, extra="", timeout=BIOS_TIMEOUT, **kw):
    """Boots with run=program in test mode; expects a pass."""
    with Machine(ctx, name, "test run=%s %s" % (program, extra),
                 timeout=timeout, **kw) as m:
        m.expect("pass")
        clean_log(m)
        return m.log()


# ---- issue 2: the machine -------------------------------------------------

def check_boot(ctx, name, **kw):
    with Machine(ctx, name, "test run=t-syscalls", **kw) as m:
        m.expect("pass")
        need(m, r"^boot: mmap \[0x0+, 0x[0-9a-f]+\) type 1 available",
             "the memory map")
        need(m, r"^boot: module 't-syscalls' \d+ bytes, loaded at 0x[0-9a-f]+,"
             r" copied to 0x[0-9a-f]+", "the modules")
        need(m, r"^boot: display: ", "the display")
        need(m, r"^spawn: pid 1 't-syscalls'", "the user process starting")
        need(m, r"^t-syscalls: ok pid=1 ring=3 ticks \d+ -> \d+",
             "the user program's own verdict")
        need(m, r"^exit: pid 1 status 0$", "a clean exit")
        need(m, r"^mm: all \d+ pages back, no leak", "the leak check")
        clean_log(m)
        for line in re.findall(r"copied to (0x[0-9a-f]+)", m.log()):
            if int(line, 16) < 0x200000:
                m.fail("a module was copied into managed memory: " + line)
        return m


@test
def boot_bios_cd(ctx):
    check_boot(ctx, "boot-bios-cd", timeout=BIOS_TIMEOUT)


@test
def boot_bios_disk(ctx):
    check_boot(ctx, "boot-bios-disk", media="disk", timeout=BIOS_TIMEOUT)


@test
def boot_uefi(ctx):
    m = check_boot(ctx, "boot-uefi", firmware="uefi", timeout=UEFI_TIMEOUT)
    need(m, r"^boot: display: framebuffer", "a framebuffer under UEFI")


@test
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


@test
def user_fault_ends_alone(ctx):
    log = run_program(ctx, "user-fault", "t-ufault")
    if not re.search(r"^PAGE FAULT on 0x40000 \(pid 2, read protection "
                     r"problem, rip=0x[0-9a-f]+\)!$", log, re.M):
        raise TestFailure("no PAGE FAULT line for the child:\n" + log[-2000:])
    if "t-ufault: parent 1 ok after child 2 faulted" not in log:
        raise TestFailure("the parent did not survive the child's fault")


@test
def user_exception_named(ctx):
    log = run_program(ctx, "user-divide", "t-divide")
    if not re.search(r"^divide error \(pid 2, rip=0x[0-9a-f]+\)!$", log, re.M):
        raise TestFailure("no 'divide error (pid 2, ...)' line in the log")
    if "t-divide: parent ok" not in log:
        raise TestFailure("the parent did not survive")


@test
def checker_catches_leak(ctx):
    """The viewer's bookkeeping check is live: a page leaked on purpose
    (kleak) is a PAGE TABLE ERROR and a failure exit."""
    with Machine(ctx, "kleak", "test kleak run=t-syscalls",
                 timeout=BIOS_TIMEOUT) as m:
        m.expect("fail")
        need(m, r"^PAGE TABLE ERROR: leaked user page 0x[0-9a-f]+",
             "the leak reported")


@test
def key_q_powers_off(ctx):
    with Machine(ctx, "key-q", "run=allocators", timeout=BIOS_TIMEOUT) as m:
        m.wait_log(r"^spawn: pid 4 ", what="the allocators starting")
        m.sendkey("q")
        m.expect("poweroff")
        need(m, r"^poweroff: key 'q'", "the power-off")


@test
def timer_ticks_advance(ctx):
    # t-syscalls spins until ticks() grew by 5 and checks it never falls.
    log = run_program(ctx, "ticks", "t-syscalls")
    t0, t1 = map(int, re.search(r"ticks (\d+) -> (\d+)", log).groups())
    if not t1 >= t0 + 5 > 0:
        raise TestFailure("ticks did not advance: %d -> %d" % (t0, t1))


@test
def harness_tells_outcomes_apart(ctx):
    """The harness must tell pass, fail, hang and triple fault apart."""
    cases = [("pass", "test run=t-nosys", 30),
             ("fail", "test kcrash", 30),
             ("timeout", "test run=t-hang", 6),
             ("reset", "test ktriple", 30)]
    for want, cmdline, timeout in cases:
        with Machine(ctx, "harness-" + want, cmdline, timeout=timeout) as m:
            if want == "timeout":
                m.wait_log(r"t-hang: spinning", what="t-hang running")
            got = m.wait_exit()
            if got != want:
                m.fail("harness saw '%s' for '%s', expected '%s'" %
                       (got, cmdline, want))


# ---- issue 3: memory, isolation, the viewer -------------------------------

def allocators(ctx, name, extra=""):
    return Machine(ctx, name, "test run=allocators " + extra,
                   timeout=BIOS_TIMEOUT)


@test
def viewer_boot_map(ctx):
    with allocators(ctx, "viewer-boot-map") as m:
        m.wait_log(r"^spawn: pid 4 ", what="four allocators")
        m.wait_log(r"^p-allocator: pid 1 ", what="allocators filling memory")
        m.check_screen(lambda s: (scr.check_layout(m, s),
                                  scr.check_physical_fixed(m, s)))
        m.sendkey("x")
        m.expect("pass")


@test
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
        m.wait_log(r"^p-allocator: pid \d stopped after \d+ pages, page_alloc "
                   r"returned -12$", count=4, what="all four out of memory")

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


@test
def allocators_exhaust_memory(ctx):
    exhaust(ctx, "exhaust")


@test
def kalloc_scattered_order(ctx):
    with Machine(ctx, "scatter-syscalls", "test kalloc=scatter run=t-syscalls",
                 timeout=BIOS_TIMEOUT) as m:
        m.expect("pass")
    exhaust(ctx, "scatter-exhaust", "kalloc=scatter")


@test
def attack_kernel_read(ctx):
    attack(ctx, "t-kread", r"0x40000 \(pid 1, read protection problem")


@test
def attack_kernel_write(ctx):
    attack(ctx, "t-kwrite", r"0x40000 \(pid 1, write protection problem")


@test
def attack_kernel_stack_read(ctx):
    attack(ctx, "t-kstack-read", r"0x7f800 \(pid 1, read protection problem")


@test
def attack_kernel_stack_write(ctx):
    attack(ctx, "t-kstack-write",
           r"0x7f800 \(pid 1, write protection problem")


def attack(ctx, program, fault):
    log = run_program(ctx, program, program)
    if not re.search(r"^PAGE FAULT on " + fault + r", rip=0x[0-9a-f]+\)!$",
                     log, re.M):
        raise TestFailure("no fault /%s/ in the log:\n%s" % (fault, log[-1500:]))
    if not re.search(r"^t-attack: survivor 2 ok$", log, re.M):
        raise TestFailure("the survivor process was hurt:\n" + log[-1500:])
    if re.search(r"^t-attack: read ", log, re.M):
        raise TestFailure("the attacker read kernel memory")


@test
def user_writes_console(ctx):
    log = run_program(ctx, "console", "t-console")
    if "t-console: ok" not in log:
        raise TestFailure("t-console did not finish")


@test
def overlapping_address_spaces(ctx):
    log = run_program(ctx, "overlap", "t-overlap")
    for pid in (1, 2):
        if "t-overlap: pid %d saw only its own data" % pid not in log:
            raise TestFailure("pid %d did not confirm its data" % pid)


@test
def page_alloc_bad_addresses(ctx):
    run_program(ctx, "page-alloc-bad", "t-pagealloc")


@test
def log_bad_pointers(ctx):
    run_program(ctx, "log-bad", "t-logfault")


@test
def unknown_syscall(ctx):
    log = run_program(ctx, "nosys", "t-nosys")
    if not re.search(r"^syscall: pid 1: unknown number 99$", log, re.M):
        raise TestFailure("unknown system call not logged")


@test
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
    if "t-syscalls: ok" not in log:
        raise TestFailure("the kernel did not go on to run t-syscalls")


# ---- issue 4: fork, exit, kill, soft reboot ---------------------------------

@test
def fork_four_processes(ctx):
    with Machine(ctx, "fork", "test run=fork", timeout=BIOS_TIMEOUT) as m:
        oks = m.wait_log(r"^p-fork: pid (\d+) ok", count=4,
                         what="four p-fork processes checking in")
        if sorted(map(int, oks)) != [1, 2, 3, 4]:
            m.fail("p-fork pids are %s, want 1-4" % sorted(oks))
        def shared_code(v, pid):
            cells = scr.virtual_cells(v)
            text = cells[0x100000 // 4096]
            if text != ("S", scr.reverse(0x0F)):
                m.fail("pid %d's code page 0x100000 shows %r, want a shared "
                       "S in reverse video" % (pid, text))
            data = [c for c in cells[0x100000 // 4096:0x2FF000 // 4096]
                    if c[0] not in " S"]
            if any(c != ("%X" % pid, scr.reverse(scr.pid_color(pid)))
                   for c in data):
                m.fail("pid %d has non-shared pages that are not its own" %
                       pid)
        scr.collect_views(m, {1, 2, 3, 4}, check=shared_code)
        phys = [c for c, _ in scr.physical_cells(m.screen())]
        if phys.count("S") < 2:
            m.fail("the physical map shows %d shared pages, want the code "
                   "and read-only data" % phys.count("S"))
        m.sendkey("x")
        m.expect("pass")
        clean_log(m)


FORKEXIT_CYCLES = 20000


@test
def forkexit_no_leak(ctx):
    """p-forkexit for FORKEXIT_CYCLES forks: no L on screen, no error, and
    when every process is stopped every page is back."""
    with Machine(ctx, "forkexit", "test run=exit", timeout=600) as m:
        step = FORKEXIT_CYCLES // 6
        for n in range(step, FORKEXIT_CYCLES + 1, step):
            m.wait_log(r"^fork: pid \d+ -> pid \d+", count=n,
                       what="%d forks" % n)
            s = m.screen()
            if "L" in "".join(c for c, _ in scr.physical_cells(s)):
                m.fail("a leaked page (L) on screen after %d forks:\n%s" %
                       (n, s.text()))
        exits = len(re.findall(r"^exit: pid \d+ status 0", m.log(), re.M))
        if exits < FORKEXIT_CYCLES // 2:
            m.fail("only %d exits in %d forks" % (exits, FORKEXIT_CYCLES))
        m.sendkey("x")
        m.expect("pass")
        clean_log(m)
        print("forkexit: %d forks, %d exits" % (
            len(re.findall(r"^fork: ", m.log(), re.M)), exits))


@test
def fork_until_no_slot_or_memory(ctx):
    log = run_program(ctx, "forkmax", "t-forkmax")
    for want in ("t-forkmax: 14 children, then E_AGAIN",
                 "t-forkmax: fork with memory gone returned E_NOMEM"):
        if want not in log:
            raise TestFailure("missing: " + want)


@test
def fork_fault_injection_sweep(ctx):
    """For every kalloc one fork makes, fail exactly that one: fork must
    return E_NOMEM and the kernel's exit check must find no leak."""
    log = run_program(ctx, "forkfail-probe", "t-forkfail")
    first, last = map(int, re.search(
        r"^fork: pid 1 -> pid 2 \(kallocs (\d+)-(\d+)\)", log, re.M).groups())
    if last - first < 5:
        raise TestFailure("a fork made only %d kallocs" % (last - first + 1))
    for n in range(first, last + 1):
        log = run_program(ctx, "forkfail-%d" % n, "t-forkfail",
                          extra="kfail=%d" % n)
        if not re.search(r"^fork: pid 1: out of memory \(kallocs %d-%d\)" %
                         (first, n), log, re.M):
            raise TestFailure("kfail=%d: the fork did not fail there" % n)
        if "t-forkfail: fork returned E_NOMEM" not in log:
            raise TestFailure("kfail=%d: fork did not return E_NOMEM" % n)
    print("fork sweep: kallocs %d-%d each failed once, no leak" % (first, last))


@test
def kill_cases(ctx):
    log = run_program(ctx, "kill", "t-kill")
    for want in (r"^kill: pid 2 by pid 1$", r"^t-kill: error cases ok",
                 r"^kill: pid 1 by pid 1$"):
        if not re.search(want, log, re.M):
            raise TestFailure("missing /%s/ in the log" % want)


@test
def kill_scenario(ctx):
    with Machine(ctx, "kill-scenario", "test run=kill",
                 timeout=BIOS_TIMEOUT) as m:
        m.wait_log(r"^p-kill: round 2 killed pid \d+", count=4,
                   what="two rounds of kills")
        m.sendkey("x")
        m.expect("pass")
        clean_log(m)


@test
def keys_switch_scenarios(ctx):
    with Machine(ctx, "keys", "test run=allocators",
                 timeout=BIOS_TIMEOUT) as m:
        m.wait_log(r"^spawn: pid 4 ", what="the allocators")
        for n, (key, name, first) in enumerate(
                [("f", "fork", "p-fork"), ("e", "exit", "p-forkexit"),
                 ("k", "kill", "p-kill"), ("a", "allocators", "p-allocator")]):
            m.sendkey(key)
            m.wait_log(r"^key '%s': soft reboot into '%s'" % (key, name),
                       what="key %s" % key)
            m.wait_log(r"^mm: all \d+ pages back, no leak", count=n + 1,
                       what="no leak after key %s" % key)
            m.wait_log(r"^spawn: pid 1 '%s'" % first,
                       count=2 if key == "a" else 1, what=first + " starting")
            time.sleep(0.5)
        s = m.screen()
        if "PAGE TABLE ERROR" in s.text():
            m.fail("page-table error on screen:\n" + s.text())
        clean_log(m)
        m.sendkey("q")
        m.expect("poweroff")
