"""steps.py: one test each for handout steps 1 and 2 that needs nothing
else: no fork (step 5), no exit (step 7), no extras. The course's proof
(tests/cases/course.py) grades every `--upto N` stencil, so each step needs
a test that fails without it and passes with only the steps before it; the
older tests of these steps fork or sleep."""
import screen as scr
from qemu import Machine
from cases import BIOS_TIMEOUT, test, need_log, refuse_log, run_program


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
