"""stencil.py: the student stencil made from the reference's step markers
(tools/course/stencil.py): every --upto N is generated, marker errors stop
it with file and line and write nothing, the plain stencil boots to the
handout's initial state, and each --upto N (2-5) boots the allocators to
the screen of the steps it has solved."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import screen as scr
from qemu import Machine, TestFailure
from cases import test, user

SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOOL = os.path.join(SRC, "tools", "course", "stencil.py")


def stencil(args, want_rc=0):
    p = subprocess.run([sys.executable, TOOL] + args, capture_output=True,
                       text=True, timeout=120)
    if p.returncode != want_rc:
        raise TestFailure("stencil %s: expected exit %d, got %d: %s" %
                          (" ".join(args), want_rc, p.returncode,
                           p.stderr.strip()))
    return p


MARKER = re.compile(r"^\s*(/\*\s*)?(END\s+)?(STEP \d|EXTRA |STENCIL)", re.M)


def tree_text(d):
    out = {}
    for root, dirs, names in os.walk(d):
        dirs[:] = [x for x in dirs if x != ".git"]
        for n in names:
            if n.endswith((".c", ".h")):
                with open(os.path.join(root, n)) as f:
                    out[os.path.relpath(os.path.join(root, n), d)] = f.read()
    return out


@test("course")
def stencil_generates_every_step(ctx):
    with tempfile.TemporaryDirectory() as tmp:
        for upto in [None] + list(range(1, 9)):
            d = os.path.join(tmp, "s%s" % upto)
            stencil([d] + ([] if upto is None else ["--upto", str(upto)]))
            for rel, text in tree_text(d).items():
                m = MARKER.search(text)
                if m:
                    raise TestFailure("--upto %s: marker left in %s: %r" %
                                      (upto, rel, m.group(0)))
            text = tree_text(d)["proc/syscall.c"]
            forks = "return proc_fork(p);" in text
            if forks != (upto is not None and upto > 5):
                raise TestFailure("--upto %s: fork solved is %s" %
                                  (upto, forks))
            if "TODO extra, kill" not in text:
                raise TestFailure("--upto %s: kill not cut" % upto)
        d = os.path.join(tmp, "keep")
        stencil([d, "--upto", "8", "--keep-extras"])
        ref = tree_text(SRC)
        for rel, text in tree_text(d).items():
            if text != solved(ref[rel]):
                raise TestFailure("--upto 8 --keep-extras: %s is not the "
                                  "reference without its markers" % rel)


def solved(text):
    """The reference with marker lines and stencil blocks dropped."""
    out, in_stencil = [], False
    for line in text.splitlines(keepends=True):
        s = line.strip()
        if s.startswith("/* STENCIL"):
            in_stencil = True
        elif in_stencil:
            in_stencil = not s.startswith("END ")
        elif not re.match(r"/\* (STEP|EXTRA|END) ", s):
            out.append(line)
    return "".join(out)


BAD = {
    "unclosed": ("/* STEP 3: x */\nint a;\n", "a.c:1: region 3 never closed"),
    "unknown": ("/* STEP 9: x */\n/* END STEP 9 */\n", "a.c:1: unknown step"),
    "nested": ("/* STEP 1 */\n/* STEP 2 */\n/* END STEP 2 */\n"
               "/* END STEP 1 */\n", "a.c:2: region opened inside"),
    "mismatch": ("/* STEP 1 */\n/* STENCIL\nint b;\nEND STEP 2 */\n",
                 "a.c:4: END 2 closes region 1"),
    "stray-end": ("int a;\n/* END EXTRA kill */\n", "a.c:2: END kill without"),
    "malformed": ("/* STEP one */\n", "a.c:1: malformed marker"),
}


@test("course")
def stencil_bad_markers_write_nothing(ctx):
    with tempfile.TemporaryDirectory() as tmp:
        for name, (text, want) in BAD.items():
            src = os.path.join(tmp, "src-" + name)
            os.makedirs(src)
            with open(os.path.join(src, "a.c"), "w") as f:
                f.write(text)
            out = os.path.join(tmp, "out-" + name)
            p = stencil([out, "--source", src], want_rc=1)
            if want not in p.stderr:
                raise TestFailure("%s: expected %r in the error, got %r" %
                                  (name, want, p.stderr.strip()))
            left = [n for n in os.listdir(tmp) if n.startswith((".stencil",
                                                                "out-"))]
            if left:
                raise TestFailure("%s: output written: %s" % (name, left))



# -- the stencil built and booted --------------------------------------------
SLOT = 0x40000  # before step 4, pid N lives in [0x100000 + (N-1) * SLOT, +SLOT)
ALLOCATORS = range(1, 5)


def slot(pid):
    start = scr.PROC_START + (pid - 1) * SLOT
    return start, start + SLOT


def build_stencil(ctx, name, upto=None):
    """Generates the stencil (--upto upto) under the test build directory
    and builds it; returns a context for Machine that boots its ISO."""
    # Short paths: QEMU's monitor socket lies below the build directory, and
    # a UNIX socket's path must stay under 108 bytes.
    top = os.path.join(ctx.build, "tests", name)
    shutil.rmtree(top, ignore_errors=True)
    os.makedirs(top)
    src = os.path.join(top, "src")
    stencil([src] + ([] if upto is None else ["--upto", str(upto)]))
    bld = os.path.join(top, "b")
    for args in (["cmake", "-S", src, "-B", bld, "-G", "Ninja"],
                 ["cmake", "--build", bld]):
        p = subprocess.run(args, capture_output=True, text=True, timeout=900)
        if p.returncode != 0:
            raise TestFailure("stencil%s: %s failed:\n%s" % (
                "" if upto is None else " --upto %d" % upto, " ".join(args),
                (p.stdout + p.stderr)[-3000:]))

    class Ctx:
        build, iso, kvm, qemu = bld, os.path.join(bld, "weensyos.iso"), \
            ctx.kvm, ctx.qemu
    return Ctx


def healthy(m):
    """Fails on a kernel panic, a user panic, a fault or a page-table error
    (test mode also ends QEMU on the first of them)."""
    bad = re.search(r"^(PANIC|PAGE TABLE ERROR|USER PANIC|PAGE FAULT).*|"
                    r"^\[pid \d+\] .*(assert|PANIC).*", m.log(), re.M)
    if bad:
        m.fail("the stencil went wrong: %r" % bad.group(0))
    if m.proc.poll() is not None:
        m.fail("QEMU ended (%s) while the allocators should still run" %
               m.outcome())


def screen_of(m):
    """m's screen; when QEMU has gone (test mode ends it on an error),
    the reason from the log instead of a broken monitor connection."""
    healthy(m)
    try:
        return m.screen()
    except OSError:
        time.sleep(0.5)
        healthy(m)
        raise


def views(m, check, seconds=8):
    """check(screen, pid) on the view of every allocator (the viewer moves
    to the next process every half second); fails when one never shows."""
    seen, deadline = set(), time.monotonic() + seconds
    while seen != set(ALLOCATORS):
        if time.monotonic() > deadline:
            m.fail("the viewer never showed pids %s" %
                   sorted(set(ALLOCATORS) - seen))
        s = screen_of(m)
        pid = scr.view_pid(s)
        if pid in ALLOCATORS and pid not in seen:
            try:
                check(s, pid)
                seen.add(pid)
            except TestFailure:
                # A read can land between two frames: fail only on the
                # same view read again.
                time.sleep(0.05)
                s = screen_of(m)
                if scr.view_pid(s) == pid:
                    check(s, pid)
                    seen.add(pid)
        time.sleep(0.1)


def own(pid):
    return ("%X" % pid, scr.pid_color(pid))


def check_shared_identity(m, s, pid, user_kernel):
    """The view of pid before step 2: one space for all, the kernel's table,
    every page at its own physical address. user_kernel: whether kernel
    and free pages are user-accessible too (before step 1)."""
    phys = scr.physical_cells(s)
    for vn, (ch, attr) in enumerate(scr.virtual_cells(s)):
        va = vn * scr.PAGE
        where = "pid %d's view: va 0x%06x shows %r (attr %02x)" % (
            pid, va, ch, attr)
        if va == 0 or va >= 0x200000:
            if ch != " ":
                m.fail(where + "; want blank (nothing mapped there)")
            continue
        pch, pattr = phys[vn]
        user_page = pch in "1234"
        want_user = user_page or user_kernel or va == scr.CONSOLE
        want = (pch, scr.reverse(pattr) if want_user else pattr)
        if (ch, attr) != want:
            m.fail(where + "; want %r (attr %02x): the physical page at the "
                   "same address%s" % (want[0], want[1], ", user-accessible"
                                       if want_user else ", kernel-only"))


def check_slots_owned(m, s, identity, tables):
    """Physical pages of the allocators: with identity, every pid's pages
    lie in its own slot (the page at each virtual address it asked for);
    page-table pages only with tables (from step 2 on)."""
    for pn, (ch, attr) in enumerate(scr.physical_cells(s)):
        pa = pn * scr.PAGE
        if ch in "1234" and tables and attr == scr.pagetable_color(int(ch)):
            continue
        if ch in "1234":
            pid = int(ch)
            if attr != scr.pid_color(pid):
                m.fail("physical page 0x%06x: %r in attr %02x, not pid %d's "
                       "colour (a page-table page or an error)" %
                       (pa, ch, attr, pid))
            lo, hi = slot(pid)
            if identity and not lo <= pa < hi:
                m.fail("physical page 0x%06x is pid %d's, outside its slot "
                       "[0x%x, 0x%x): the stencil maps the page at the "
                       "virtual address" % (pa, pid, lo, hi))
        elif ch in "LS*":
            m.fail("physical page 0x%06x shows %r" % (pa, ch))


def check_counts_row(m, s):
    for pid in ALLOCATORS:
        if not re.search(r"pid %d: +\d+ pages" % pid, s.chars[9]):
            m.fail("row 9 should show every allocator's count, got %r" %
                   s.chars[9])


@test("course")
def stencil_initial_state(ctx):
    """The plain stencil (every step cut) builds and boots to the handout's
    initial state: the four allocators share the kernel's table, every page
    user-accessible and identity-mapped, each allocator's pages in its own
    slot, memory filled with no panic or page-table error for 10 s; and a
    handout program sees fork and exit fail and process.h's sys_exit()
    give up the CPU instead of running on."""
    sctx = build_stencil(ctx, "stencil-init")
    with Machine(sctx, "alloc", "test run=allocators",
                 timeout=90) as m:
        m.wait_log(r"^spawn: pid 4 ", what="four allocators spawned")
        views(m, lambda s, pid: check_shared_identity(m, s, pid, True))
        # Until memory fills: each allocator stops at the stack at the top
        # of its own slot, pid 1 (the slowest) last, in about 12 s.
        m.wait_log(user(r"p-allocator: pid \d stopped after"), count=4,
                   what="all four allocators filling their slots")
        started = time.monotonic()
        healthy(m)

        def full(s):
            check_counts_row(m, s)
            check_slots_owned(m, s, identity=True, tables=False)
            for pid in ALLOCATORS:
                lo, hi = slot(pid)
                cells = scr.physical_cells(s)[lo // scr.PAGE:hi // scr.PAGE]
                if any(c != own(pid) for c in cells):
                    m.fail("memory is full: physical [0x%x, 0x%x) should "
                           "all be pid %d's, got %r" % (
                               lo, hi, pid, "".join(c for c, _ in cells)))
        m.check_screen(full, tries=10, pause=0.2)
        views(m, lambda s, pid: check_shared_identity(m, s, pid, True))
        time.sleep(max(0, 10 - (time.monotonic() - started)))
        healthy(m)
    with Machine(sctx, "calls", "test run=t-stencilstart",
                 timeout=60) as m:
        for what, rx in (("fork", r"fork returned -38$"),
                         ("exit", r"exit returned -38$")):
            m.wait_log(user("t-stencilstart: " + rx), what="%s returning "
                       "E_NOSYS in the stencil" % what)
        m.wait_log(user(r"t-stencilstart: calling sys_exit\(\)"),
                   what="the call of process.h's sys_exit()")
        time.sleep(2)
        healthy(m)
        s = screen_of(m)
        if scr.view_pid(s) != 1:
            m.fail("after a sys_exit() the stencil cannot do, pid 1 should "
                   "live on (yielding), in the view; row 10: %r" % s.chars[10])


# What each --upto N shows on the allocators' screen: the steps below N.
def check_upto(m, n, s, pid):
    if n == 2:  # kernel isolation only: still one identity space
        check_shared_identity(m, s, pid, False)
        check_slots_owned(m, s, identity=True, tables=False)
        return
    lo, hi = slot(pid)
    stack = (hi if n < 5 else 0x300000) - scr.PAGE
    for vn, (ch, attr) in enumerate(scr.virtual_cells(s)):
        va = vn * scr.PAGE
        if va >= scr.PROC_START and ch != " " and \
                (ch, attr) != ("%X" % pid, scr.reverse(scr.pid_color(pid))):
            m.fail("--upto %d: pid %d's view shows %r (attr %02x) at va "
                   "0x%06x: only its own pages belong in its space" %
                   (n, pid, ch, attr, va))
        if va >= scr.PROC_START and ch != " " and n < 5 and \
                not lo <= va < hi:
            m.fail("--upto %d: pid %d maps va 0x%06x outside its slot "
                   "[0x%x, 0x%x) before step 4" % (n, pid, va, lo, hi))
    if scr.virtual_cells(s)[stack // scr.PAGE][0] != "%X" % pid:
        m.fail("--upto %d: pid %d's stack page should be at 0x%x" %
               (n, pid, stack))
    check_slots_owned(m, s, identity=n == 3, tables=True)


def register_upto(n):
    def boots(ctx):
        sctx = build_stencil(ctx, "stencil-upto-%d" % n, n)
        with Machine(sctx, "alloc", "test run=allocators",
                     timeout=60) as m:
            m.wait_log(r"^spawn: pid 4 ", what="four allocators spawned")
            m.wait_log(user(r"p-allocator: pid \d stopped after"),
                       what="an allocator filling its space")
            healthy(m)
            m.check_screen(lambda s: check_counts_row(m, s), tries=10,
                           pause=0.2)
            views(m, lambda s, pid: check_upto(m, n, s, pid))
            time.sleep(1)
            healthy(m)
    boots.__name__ = "stencil_upto_%d_boots" % n
    boots.__doc__ = ("tools/weensy stencil --upto %d (steps 1-%d solved) "
                     "builds and boots the allocators to that stage's "
                     "screen, with no panic or page-table error." % (n, n - 1))
    test("course")(boots)


for _n in (2, 3, 4, 5):
    register_upto(_n)
