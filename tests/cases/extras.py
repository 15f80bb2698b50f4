"""extras.py: the handout's extras: map(addr, len, prot, flags), page_free,
sleep, copy-on-write fork (the `cow` word), and the sleep, map and cow
scenarios (SPEC sections 8 and 10). Each test fails on the broken
behaviour it names; page counts are read off the physical map on screen."""
import re
import time

from qemu import Machine, TestFailure
import screen as scr
from cases import (BIOS_TIMEOUT, test, need, refuse, clean_log,  # noqa
                   run_program, user)


def need_user(log, text, what=None):
    if not re.search(user(text), log, re.M):
        raise TestFailure("missing %s (/%s/) in the log:\n%s" %
                          (what or "a line", text, log[-2000:]))


def both_fork_modes(ctx, name, program):
    """Runs program with eager fork and with copy-on-write fork; returns
    the two logs."""
    return [run_program(ctx, "%s-%s" % (name, mode), program, extra=extra)
            for mode, extra in (("eager", ""), ("cow", "cow"))]


# -- map -------------------------------------------------------------------
@test("extras", "robustness")
def map_invalid_arguments(ctx):
    """Every argument SPEC section 8 forbids (bad len, prot or flags bits
    anywhere in the 64-bit registers, unaligned or out-of-range or wrapping
    addresses) is E_INVAL, and none of them maps or replaces a page."""
    log = run_program(ctx, "map-invalid", "t-mapinval")
    need_user(log, r"t-mapinval: \d+ refused calls changed nothing$")


@test("extras")
def map_kernel_chosen_addresses(ctx):
    """addr 0: the lowest free run of the asked length, skipping holes that
    are too small, refilling those that fit, never overlapping; fixed
    addresses replace with zeroed pages of the new rights."""
    log = run_program(ctx, "map-addresses", "t-mapaddr")
    need_user(log, r"t-mapaddr: ok$")


@test("extras")
def map_read_only_fault_in_child(ctx):
    for log in both_fork_modes(ctx, "map-readonly", "t-mapro"):
        if not re.search(r"^PAGE FAULT on 0x[0-9a-f]+ \(pid 2, write "
                         r"protection problem, rip=0x[0-9a-f]+\)!$", log,
                         re.M):
            raise TestFailure("the child's write to a read-only map did not "
                              "fault:\n" + log[-2000:])
        if re.search(user(r"t-mapro: child wrote"), log, re.M):
            raise TestFailure("the child wrote a read-only page")
        need_user(log, r"t-mapro: parent ran on$")


@test("extras")
def map_shared_across_fork(ctx):
    """MAP_SHARED pages: each side sees the other's writes; they outlive
    the child's page_free and exit; private maps stay private (both fork
    modes). The viewer checks the reference counts on every tick."""
    for log in both_fork_modes(ctx, "map-shared", "t-mapshared"):
        need_user(log, r"t-mapshared: ok$")


@test("extras", "robustness")
def map_out_of_memory_changes_nothing(ctx):
    log = run_program(ctx, "map-nomem", "t-mapnomem")
    if len(re.findall(r"^map: pid 1: out of memory \(kallocs \d+-\d+\)$", log,
                      re.M)) < 3:
        raise TestFailure("the kernel did not log three failed maps")
    need_user(log, r"t-mapnomem: \d+ pages filled memory; failed maps "
              r"changed nothing$")


@test("extras", "robustness")
def map_fuzz(ctx):
    """A hostile random mix of map (good and bad arguments), page_free,
    fork and writes, checked against what each page should hold, with
    eager fork, copy-on-write, and copy-on-write with scattered pages."""
    for name, mode in (("eager", ""), ("cow", "cow"),
                       ("cow-scatter", "cow kalloc=scatter")):
        log = run_program(ctx, "map-fuzz-" + name, "t-mapfuzz", extra=mode)
        need_user(log, r"t-mapfuzz: \d+ operations checked$")
        if len(re.findall(r"^fork: pid 1 -> pid", log, re.M)) < 20:
            raise TestFailure("t-mapfuzz (%s) forked too little" % mode)


# -- copy-on-write ---------------------------------------------------------
def free_pages(s):
    return sum(ch == "." for ch, _ in scr.physical_cells(s))


def shared_pages(s):
    return sum(ch == "S" for ch, _ in scr.physical_cells(s))


def table_pages(s, pid):
    want = ("%X" % pid, 0x40 | scr.pid_color(pid))
    return sum(c == want for c in scr.physical_cells(s))


def steady(m, measure, tries=12):
    """measure(screen) on fresh screens until two in a row agree (a
    screen can catch the viewer between two frames)."""
    last = None
    for _ in range(tries):
        now = measure(m.screen())
        if now == last:
            return now
        last = now
        time.sleep(0.03)
    m.fail("the screen never held still: last %r" % (last,))


def cowcount(ctx, name, extra):
    """Runs t-cowcount; returns {phase: (free, shared, child tables)} and
    the fork's kalloc count."""
    counts = {}
    with Machine(ctx, name, "test run=t-cowcount " + extra,
                 timeout=BIOS_TIMEOUT) as m:
        for phase in ("ready", "forked", "wrote1", "wrote2", "wrote10",
                      "last"):
            m.wait_log(user(r"t-cowcount: phase %s$" % phase),
                       what="phase " + phase)
            time.sleep(0.08)
            counts[phase] = steady(m, lambda s: (
                free_pages(s), shared_pages(s), table_pages(s, 2)))
        m.expect("pass")
        clean_log(m)
        a, b = map(int, re.search(r"^fork: pid 1 -> pid 2 \(kallocs (\d+)-"
                                  r"(\d+)\)", m.log(), re.M).groups())
        return m, counts, b - a + 1


@test("extras")
def cow_fork_page_counts(ctx):
    """40 private pages. With `cow` the fork itself allocates only the
    child's page tables and the viewer shows the pages S; each first write
    takes exactly one page and turns one S private; the last owner's writes
    allocate nothing (no kalloc between two maps around them). Without `cow` the fork copies
    every private page at once and writes take nothing."""
    m, cow, cow_kallocs = cowcount(ctx, "cow-counts", "cow")
    free = {k: v[0] for k, v in cow.items()}
    shared = {k: v[1] for k, v in cow.items()}
    tables = cow["forked"][2]
    if cow_kallocs != tables:
        m.fail("copy-on-write fork made %d kallocs, but the child has %d "
               "page-table pages: it copied pages" % (cow_kallocs, tables))
    # One stack page gets copied once either process runs on.
    if free["ready"] - free["forked"] != tables + 1:
        m.fail("copy-on-write fork took %d free pages, want %d page tables "
               "+ 1 stack copy: %r" % (free["ready"] - free["forked"],
                                        tables, cow))
    if shared["forked"] - shared["ready"] < 40:
        m.fail("after a copy-on-write fork only %d more S pages, want the 40"
               " heap pages: %r" % (shared["forked"] - shared["ready"], cow))
    for a, b, pages in (("forked", "wrote1", 1), ("wrote1", "wrote2", 1),
                        ("wrote2", "wrote10", 8)):
        if free[a] - free[b] != pages or shared[a] - shared[b] != pages:
            m.fail("first writes to %d pages (%s -> %s) took %d free pages "
                   "and %d S cells, want %d each: %r" % (
                       pages, a, b, free[a] - free[b], shared[a] - shared[b],
                       pages, cow))
    if free["last"] != free["ready"] - 2:
        m.fail("%d free pages at the end, want %d (before the fork, less two "
               "one-page maps): %r" % (free["last"], free["ready"] - 2, cow))
    marks = [int(k) for k in re.findall(
        r"^map: pid 1 0x[0-9a-f]+ \+1 pages \(kallocs (\d+)-\d+\)$", m.log(),
        re.M)][-2:]  # the last two: around the last owner's writes
    if len(marks) != 2 or marks[1] != marks[0] + 1:
        m.fail("the last owner's 40 writes made %s kallocs, want none" %
               (marks[1] - marks[0] - 1 if len(marks) == 2 else "?"))
    m, eager, eager_kallocs = cowcount(ctx, "cow-counts-eager", "")
    efree = {k: v[0] for k, v in eager.items()}
    used = efree["ready"] - efree["forked"]
    if used < 40 + eager["forked"][2]:
        m.fail("eager fork took only %d pages for 40 private ones" % used)
    if (efree["forked"] != efree["wrote10"] or
            efree["last"] != efree["ready"] - 2):
        m.fail("eager fork: writes took pages: %r" % eager)
    print("fork of a process with 40 private pages: %d free pages with cow "
          "(%d page tables + 1 stack copy), %d without (fork kallocs %d vs "
          "%d)" % (free["ready"] - free["forked"], tables, used, cow_kallocs,
                   eager_kallocs))


@test("extras", "robustness")
def checker_catches_cow_miscount(ctx):
    """The page checker accepts copy-on-write pages whose count is their
    number of mappings (every copy-on-write test) and reports one whose
    count is off (krefbug adds a reference on purpose)."""
    # t-cowcount's processes sleep after the fork, so the miscounted page
    # keeps both its mappings until the checker runs.
    with Machine(ctx, "krefbug", "test run=t-cowcount cow krefbug",
                 timeout=BIOS_TIMEOUT) as m:
        m.expect("fail")
        need(m, r"^PAGE TABLE ERROR: refcount differs from mappings for page "
             r"0x[0-9a-f]+", "the miscounted page reported")


@test("extras")
def cow_three_generations(ctx):
    log = run_program(ctx, "cow-chain", "t-cowchain", extra="cow")
    need_user(log, r"t-cowchain: three generations kept their data private$")


@test("extras", "robustness")
def cow_out_of_memory_ends_writer(ctx):
    log = run_program(ctx, "cow-oom", "t-cowoom", extra="cow")
    if not re.search(r"^cow: pid 2: out of memory \(kalloc \d+\)$", log, re.M):
        raise TestFailure("no copy-on-write out-of-memory line for pid 2")
    if not re.search(r"^PAGE FAULT on 0x[0-9a-f]+ \(pid 2, out of memory, "
                     r"rip=0x[0-9a-f]+\)!$", log, re.M):
        raise TestFailure("the writer was not ended as out of memory")
    if re.search(user(r"t-cowoom: child wrote"), log, re.M):
        raise TestFailure("the child wrote more pages than memory holds")
    need_user(log, r"t-cowoom: parent ran on with \d+ pages intact$")


@test("extras", "robustness")
def cow_fault_injection_sweep(ctx):
    """For every kalloc of t-cowfail's map calls, its copy-on-write fork
    and the copy-on-write faults after it, fail exactly that one: the map
    or fork returns E_NOMEM, or the faulting writer alone ends (out of
    memory) while the other process finishes; nothing leaks (the kernel's
    exit check)."""
    probe = run_program(ctx, "cowfail-probe", "t-cowfail", extra="cow")
    first = int(re.search(r"^map: pid 1 0x[0-9a-f]+ \+3 pages \(kallocs "
                          r"(\d+)-\d+\)", probe, re.M).group(1))
    fa, fb = map(int, re.search(r"^fork: pid 1 -> pid 2 \(kallocs (\d+)-"
                                r"(\d+)\)", probe, re.M).groups())
    faults = 4  # the parent's stack page and its three heap pages
    outcomes = {"map": 0, "fork": 0, "cow": 0}
    for n in range(first, fb + faults + 2):
        log = run_program(ctx, "cowfail-%d" % n, "t-cowfail",
                          extra="cow kfail=%d" % n)
        where = "kfail=%d (map from %d, fork %d-%d)" % (n, first, fa, fb)
        if n < fa:
            if not re.search(r"^map: pid 1: out of memory \(kallocs \d+-%d\)$"
                             % n, log, re.M):
                raise TestFailure(where + ": no failed map")
            need_user(log, r"t-cowfail: map returned E_NOMEM$")
            outcomes["map"] += 1
        elif n <= fb:
            if not re.search(r"^fork: pid 1: out of memory \(kallocs %d-%d\)"
                             % (fa, n), log, re.M):
                raise TestFailure(where + ": the fork did not fail there")
            need_user(log, r"t-cowfail: fork returned E_NOMEM$")
            outcomes["fork"] += 1
        elif n <= fb + faults:
            found = re.search(r"^cow: pid (\d): out of memory \(kalloc %d\)$"
                              % n, log, re.M)
            if not found:
                raise TestFailure(where + ": no copy-on-write fault failed")
            writer = int(found.group(1))
            other = 3 - writer
            if not re.search(r"^exit: pid %d status 0$" % other, log, re.M):
                raise TestFailure(where + ": pid %d (not the writer) did not "
                                  "finish" % other)
            outcomes["cow"] += 1
        else:
            need_user(log, r"t-cowfail: parent wrote$")
    if outcomes["cow"] != faults or outcomes["map"] < 4:
        raise TestFailure("sweep outcomes %r" % outcomes)
    print("copy-on-write sweep: kallocs %d-%d, outcomes %r, no leak" % (
        first, fb + faults, outcomes))


# -- sleep -----------------------------------------------------------------
@test("extras")
def sleep_wakes_in_order(ctx):
    """sleep(0) returns at once; sleepers wake no earlier than asked, in
    the order of their lengths."""
    log = run_program(ctx, "sleep", "t-sleep")
    need_user(log, r"t-sleep: 1000 sleep\(0\) took \d+ ticks$")
    woke = [(int(a), int(b)) for a, b in re.findall(
        user(r"t-sleep: woke after (\d+) ticks, asked (\d+)$"), log, re.M)]
    asked = [b for _, b in woke]
    if sorted(asked) != [5, 10, 20, 30, 40] or asked != sorted(asked):
        raise TestFailure("sleepers woke in the order %r, want by length" %
                          asked)
    early = [(a, b) for a, b in woke if a < b]
    if early:
        raise TestFailure("sleepers woke early: %r" % early)


@test("extras")
def sleep_killed_sleeper_memory(ctx):
    log = run_program(ctx, "sleep-kill", "t-sleepkill")
    need_user(log, r"t-sleepkill: killed the sleeper$")
    if not re.search(r"^kill: pid 2 by pid 1$", log, re.M):
        raise TestFailure("the sleeper was not killed")


# -- scenarios -------------------------------------------------------------
SCENARIOS = [("s", "sleep", "p-sleep", 4), ("m", "map", "p-map", 1),
             ("c", "cow", "p-cow", 2)]


def check_sleep_rates(m, s):
    """Row 9 of the sleep scenario: pid N naps twice as long as pid N-1,
    so (while memory lasts) it holds about half as many pages."""
    got = re.findall(r"(\d): nap +(\d+) [+-] *(\d+)", s.chars[9])
    pages = [int(n) for _, _, n in got]
    if len(got) != 4 or not all(a > b for a, b in zip(pages, pages[1:])):
        m.fail("sleep scenario row 9 %r: want four processes, the shorter "
               "the nap the more pages" % s.chars[9])


@test("extras", "keys")
def extras_scenarios_by_run(ctx):
    """Each scenario starts by run=NAME, shows its processes, and soft-
    reboots into the next by its key with every page back."""
    for key, name, program, nprocs in SCENARIOS:
        with Machine(ctx, "scenario-" + name, "test run=" + name,
                     timeout=BIOS_TIMEOUT) as m:
            m.wait_log(r"^spawn: pid %d '%s'" % (nprocs, program),
                       what="%s's processes" % name)
            time.sleep(3)
            s = m.screen()
            scr.check_layout(m, s)
            if "PAGE TABLE ERROR" in s.text() or "FAULT" in s.text():
                m.fail("error on screen:\n" + s.text())
            print("--- scenario %s, 3 s in:\n%s" % (name, s.text()))
            if name == "sleep":
                check_sleep_rates(m, s)
            m.sendkey("x")
            m.expect("pass")
            clean_log(m)
            refuse(m, r"^(PAGE FAULT|fault:)", "a process fault")


@test("extras", "keys")
def extras_scenarios_by_key(ctx):
    """Keys s, m, c each soft-reboot into their scenario with no leak; the
    cow scenario turns copy-on-write on and leaving it turns it off."""
    with Machine(ctx, "scenario-keys", "test run=allocators",
                 timeout=BIOS_TIMEOUT) as m:
        m.wait_log(r"^spawn: pid 4 ", what="the allocators")
        steps = SCENARIOS + [("a", "allocators", "p-allocator", 1)]
        for n, (key, name, program, _) in enumerate(steps):
            m.sendkey(key)
            m.wait_log(r"^key '%s': soft reboot into '%s'" % (key, name),
                       what="key " + key)
            m.wait_log(r"^mm: all \d+ pages back, no leak", count=n + 1,
                       what="no leak after key " + key)
            started = m.wait_log(r"^run: scenario '%s'(.*)$" % name,
                                 what=name + " starting")[-1]
            if (name == "cow") != ("copy-on-write" in started):
                m.fail("scenario %s: copy-on-write fork is %s" % (
                    name, "on" if "copy-on-write" in started else "off"))
            m.wait_log(r"^spawn: pid 1 '%s'" % program,
                       count=2 if key == "a" else 1, what=program)
            time.sleep(1.5)
        s = m.screen()
        if "PAGE TABLE ERROR" in s.text():
            m.fail("page-table error on screen:\n" + s.text())
        clean_log(m)
        refuse(m, r"^(PAGE FAULT|fault:)", "a process fault")
        m.sendkey("q")
        m.expect("poweroff")


@test("extras")
def cow_scenario_shared_cells_decrease(ctx):
    """In the cow scenario the S cells of a copy-on-write fork turn private
    one by one: the count of S on the physical map falls from the fork's
    peak through many values in between."""
    with Machine(ctx, "cow-s-cells", "test run=cow",
                 timeout=BIOS_TIMEOUT) as m:
        m.wait_log(r"^spawn: pid 2 'p-cow'", what="the cow scenario")
        samples = []
        end = time.monotonic() + 12
        while time.monotonic() < end:
            samples.append(shared_pages(m.screen()))
            time.sleep(0.1)
        m.sendkey("x")
        m.expect("pass")
        clean_log(m)
    # A fall from a peak (>= 40: the 48 demo pages shared) to <= 20,
    # through at least five different counts on the way.
    for i, peak in enumerate(samples):
        if peak < 40:
            continue
        way = set()
        for later in samples[i + 1:]:
            if later <= 20 and len(way) >= 5:
                return
            if later >= 40 and way:
                break
            way.add(later)
    raise TestFailure("no gradual fall of S cells: samples %r" % samples)


def long_run(ctx, name, cmdline, forks, seconds, at_least=2000):
    """Runs until `forks` forks or `seconds` pass (the machine is shared:
    at least `at_least` forks must happen), checking the screen for leaked
    (L) pages; then ends every process: all pages must be back."""
    with Machine(ctx, name, cmdline, timeout=seconds + 30) as m:
        end = time.monotonic() + seconds
        seen = 0
        while seen < forks and time.monotonic() < end:
            time.sleep(2)
            seen = len(re.findall(r"^fork: pid \d+ -> pid", m.log(), re.M))
            s = m.screen()
            if "L" in "".join(c for c, _ in scr.physical_cells(s)):
                m.fail("a leaked page (L) on screen after %d forks:\n%s" %
                       (seen, s.text()))
        if seen < at_least:
            m.fail("only %d forks in %d s, want %d" % (seen, seconds,
                                                       at_least))
        m.sendkey("x")
        m.expect("pass")
        clean_log(m)
        exits = len(re.findall(r"^exit: pid \d+ status 0", m.log(), re.M))
        print("%s: %d forks, %d exits, every page back" % (name, seen, exits))


@test("extras")
def cow_scenario_long_run(ctx):
    long_run(ctx, "cow-long", "test run=cow", 20000, 40)


@test("extras")
def exit_scenario_cow_long_run(ctx):
    long_run(ctx, "exit-cow-long", "test run=exit cow", 5000, 40)
