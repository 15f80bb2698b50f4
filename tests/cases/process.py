"""process.py: handout steps 5-7 and kill: fork, shared read-only memory,
exit with no leak, kill, and soft reboots between scenarios."""
import re

from qemu import Machine, TestFailure
import screen as scr
from cases import (BIOS_TIMEOUT, UEFI_TIMEOUT, test, need, refuse,  # noqa
                   clean_log, run_program, switch_by_keys, user)


@test("step5", "step6")
def fork_four_processes(ctx):
    with Machine(ctx, "fork", "test run=fork", timeout=BIOS_TIMEOUT) as m:
        oks = m.wait_log(user(r"p-fork: pid (\d+) ok"), count=4,
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


@test("step7")
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


@test("step5", "step7", "extras")
def fork_until_no_slot_or_memory(ctx):
    log = run_program(ctx, "forkmax", "t-forkmax")
    for want in ("t-forkmax: 14 children, then E_AGAIN",
                 "t-forkmax: fork with memory gone returned E_NOMEM"):
        if not re.search(user(want, 1), log, re.M):
            raise TestFailure("missing: " + want)


@test("step5", "step7", "robustness")
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
        if not re.search(user("t-forkfail: fork returned E_NOMEM", 1), log,
                         re.M):
            raise TestFailure("kfail=%d: fork did not return E_NOMEM" % n)
    print("fork sweep: kallocs %d-%d each failed once, no leak" % (first, last))


@test("kill", "extras")
def kill_cases(ctx):
    log = run_program(ctx, "kill", "t-kill")
    for want in (r"^kill: pid 2 by pid 1$", user(r"t-kill: error cases ok", 1),
                 r"^kill: pid 1 by pid 1$"):
        if not re.search(want, log, re.M):
            raise TestFailure("missing /%s/ in the log" % want)


@test("kill", "extras")
def kill_scenario(ctx):
    with Machine(ctx, "kill-scenario", "test run=kill",
                 timeout=BIOS_TIMEOUT) as m:
        m.wait_log(user(r"p-kill: round 2 killed pid \d+"), count=4,
                   what="two rounds of kills")
        m.sendkey("x")
        m.expect("pass")
        clean_log(m)


@test("keys")
def keys_switch_scenarios(ctx):
    with Machine(ctx, "keys", "test run=allocators",
                 timeout=BIOS_TIMEOUT) as m:
        m.wait_log(r"^spawn: pid 4 ", what="the allocators")
        switch_by_keys(m, m.sendkey, "feka", "by sendkey", pause=0.5)
        s = m.screen()
        if "PAGE TABLE ERROR" in s.text():
            m.fail("page-table error on screen:\n" + s.text())
        clean_log(m)
        m.sendkey("q")
        m.expect("poweroff")
