"""steps.py: one test each for handout steps 1, 2 and 3 that needs nothing
else: no fork (step 5), no exit (step 7), no extras. The course's proof
(tests/cases/course.py) grades every `--upto N` stencil, so each step needs
a test that fails without it and passes with only the steps before it; the
older tests of these steps fork or sleep."""
import os
import time

import screen as scr
from qemu import Machine, TestFailure
from cases import (BIOS_TIMEOUT, ROOT, test, need_log, refuse_log,
                   run_program)


@test("step1")
def kernel_isolated_one_process(ctx):
    """A lone process (t-kprobe) that reads the kernel image dies of the
    page fault before it can log what it read."""
    log = run_program(ctx, "kprobe", "t-kprobe")
    need_log(log, r"^PAGE FAULT on 0x40000 \(pid 1, read protection "
             r"problem, rip=0x[0-9a-f]+\)!$",
             "the probe (pid 1) ended by a page fault on the kernel image")
    refuse_log(log, r"^\[pid 1\] t-kprobe: read ", "the probe reading "
               "kernel memory")


def own_pages_only(m, s, pid):
    """pid's virtual view, steps 1-2: page 0 unmapped, the kernel's low
    memory mapped as in the physical map and kernel-only (the console
    user-accessible), and above PROC_START_ADDR only pid's own pages, at
    least one. Where they are (steps 3-4) is not checked."""
    own = ("%X" % pid, scr.reverse(scr.pid_color(pid)))
    phys = scr.physical_cells(s)
    mine = 0
    for vn, (ch, attr) in enumerate(scr.virtual_cells(s)):
        va = vn * scr.PAGE
        where = "pid %d's view: va 0x%05x shows %r (attr %02x)" % (
            pid, va, ch, attr)
        if va == 0:
            if ch != " ":
                m.fail(where + ", want blank: page 0 is never mapped")
        elif va == scr.CONSOLE:
            if (ch, attr) != ("C", scr.reverse(0x07)):
                m.fail(where + ", want C in reverse video (user read/write)")
        elif va < scr.PROC_START:
            if (ch, attr) != phys[vn]:
                m.fail(where + ", want %r (attr %02x) as in the physical "
                       "map, kernel-only" % phys[vn])
        elif (ch, attr) == own:
            mine += 1
        elif ch != " ":
            m.fail(where + ": another process's page or a shared one; "
                   "only pid %d's own pages belong in its address space" %
                   pid)
    if mine == 0:
        m.fail("pid %d's view shows none of its own pages" % pid)


@test("step2")
def address_spaces_own_pages(ctx):
    """The four allocators each get an address space of their own: each
    one's virtual view shows the kernel's mappings and its own pages only."""
    with Machine(ctx, "own-pages", "test run=allocators",
                 timeout=BIOS_TIMEOUT) as m:
        m.wait_log(r"^spawn: pid 4 ", what="four allocators")
        scr.collect_views(m, {1, 2, 3, 4},
                          check=lambda s, pid: own_pages_only(m, s, pid))
        m.sendkey("x")
        m.expect("pass")


@test("step3")
def user_pages_any_physical_page(ctx):
    """With kalloc=scatter the four allocators' heap pages come from
    anywhere in memory: key p's map dump shows each allocator with heap
    pages whose physical address differs from their virtual one, every one
    a user page of its own (step 3 needing nothing else: before step 4 each
    heap stops at its own stack, long before memory is full)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "parse_log", os.path.join(ROOT, "tools", "parse_log.py"))
    parse_log = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(parse_log)
    with Machine(ctx, "any-page", "test kalloc=scatter run=allocators",
                 timeout=BIOS_TIMEOUT) as m:
        m.wait_log(r"^spawn: pid 4 ", what="four allocators")
        time.sleep(2)  # the allocators' heaps grow a few pages a second
        m.sendkey("p")
        m.wait_log(r"^MAPDUMP END ", what="the map dump of key p")
        m.sendkey("x")
        m.expect("pass")
        dumps, _ = parse_log.parse(m.log().splitlines())
    d = dumps[0]
    for pid in (1, 2, 3, 4):
        heap = [(va, pa) for p, va, pa, perm in d.vmaps
                if p == pid and va >= scr.PROC_START and perm[1:3] == "WU"]
        if not heap:
            raise TestFailure("pid %d maps no writable user page" % pid)
        for va, pa in heap:
            kind, owner, _ = parse_log.page_of(d, pa)
            if kind != "user" or owner != pid:
                raise TestFailure("pid %d maps va 0x%x to page 0x%x, a %s "
                                  "page of pid %d, not its own" %
                                  (pid, va, pa, kind, owner))
        moved = [(va, pa) for va, pa in heap if va != pa]
        if not moved:
            raise TestFailure("every writable page of pid %d sits at the "
                              "physical address of its virtual one (%d "
                              "pages, e.g. 0x%x): page_alloc should take "
                              "any free page (kalloc=scatter)" %
                              (pid, len(heap), heap[0][0]))
