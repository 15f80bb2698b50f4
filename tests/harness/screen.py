"""screen.py: reads the memory viewer off the screen the way a user sees it
(SPEC section 9) and checks it against what the kernel must show."""
import re

PHYS_ROW, VIRT_ROW, MAP_COL, PER_ROW = 1, 11, 12, 64
NPHYS, NVIRT = 512, 768
PAGE = 4096
KERNEL = (0x40000, 0x80000)
CONSOLE = 0xB8000
PROC_START = 0x100000
STACK_PAGE = 0x2FF000
PID_COLORS = [0x0C, 0x0A, 0x09, 0x0E, 0x0F]
MAGENTA = 0x0D


def pid_color(pid):
    return PID_COLORS[(pid - 1) % 5]


def pagetable_color(pid):
    """A page-table page's cell: on red, in a colour that reads on red."""
    fg = {0x0C: 0x00, 0x09: 0x0B}.get(pid_color(pid), pid_color(pid))
    return 0x40 | fg


def reverse(attr):
    return ((attr & 0x0F) << 4) | (attr >> 4)


def physical_cells(s):
    return [s.cell(PHYS_ROW + pn // PER_ROW, MAP_COL + pn % PER_ROW)
            for pn in range(NPHYS)]


def virtual_cells(s):
    return [s.cell(VIRT_ROW + vn // PER_ROW, MAP_COL + vn % PER_ROW)
            for vn in range(NVIRT)]


def view_pid(s):
    m = re.search(r"VIRTUAL ADDRESS SPACE FOR (\d+)", s.chars[10])
    return int(m.group(1)) if m else None


def check_layout(m, s):
    if s.chars[0][32:47] != "PHYSICAL MEMORY":
        m.fail("row 0 does not read PHYSICAL MEMORY at column 32:\n" +
               s.text())
    for r in range(8):
        want = "0x%06X" % (r * PER_ROW * PAGE)
        if s.chars[PHYS_ROW + r][3:11] != want:
            m.fail("physical row %d label is %r, want %r" %
                   (r, s.chars[PHYS_ROW + r][3:11], want))
    for r in range(12):
        want = "0x%06X" % (r * PER_ROW * PAGE)
        if view_pid(s) and s.chars[VIRT_ROW + r][3:11] != want:
            m.fail("virtual row %d label is %r, want %r" %
                   (r, s.chars[VIRT_ROW + r][3:11], want))


def reserved_pages(log):
    """Pages the memory map does not call available, plus page 0 and the
    ISA hole (the console page is shown as C)."""
    avail = [(int(a, 16), int(b, 16)) for a, b in re.findall(
        r"^boot: mmap \[(0x[0-9a-f]+), (0x[0-9a-f]+)\) type 1", log, re.M)]
    res = set()
    for pn in range(NPHYS):
        pa = pn * PAGE
        ram = any(a <= pa and pa + PAGE <= b for a, b in avail)
        if pa == 0 or 0xA0000 <= pa < 0x100000 or not ram:
            res.add(pa)
    return res


def check_physical_fixed(m, s):
    reserved = reserved_pages(m.log())
    for pn, (ch, attr) in enumerate(physical_cells(s)):
        pa = pn * PAGE
        where = "physical page 0x%05x shows %r (attr %02x)" % (pa, ch, attr)
        if pa == CONSOLE:
            if ch != "C":
                m.fail(where + ", want C (console)")
        elif KERNEL[0] <= pa < KERNEL[1]:
            if (ch, attr) != ("K", MAGENTA):
                m.fail(where + ", want K in light magenta")
        elif pa in reserved:
            if ch != "R":
                m.fail(where + ", want R (reserved)")
        elif ch == ".":
            pass
        elif ch in "123456789ABCDEF":
            pid = int(ch, 16)
            if attr not in (pid_color(pid), pagetable_color(pid)):
                m.fail(where + ", not pid %d's colour" % pid)
        elif ch != "S":
            m.fail(where + ", want ., S or a pid")


def collect_views(m, pids, seconds=15, check=None):
    """Screens until each pid's virtual view was shown once (and passed
    check(screen, pid), if given, on one of up to three showings)."""
    import time
    from qemu import TestFailure
    seen = {}
    failures = {}
    end = time.monotonic() + seconds
    while set(seen) < set(pids):
        if time.monotonic() > end:
            m.fail("the viewer never showed pids %s (it should rotate every "
                   "half second)" % sorted(set(pids) - set(seen)))
        s = m.screen()
        pid = view_pid(s)
        if pid in pids and pid not in seen:
            try:
                if check:
                    check(s, pid)
                seen[pid] = s
            except TestFailure as e:
                # A screen can straddle two frames; a real error persists.
                failures[pid] = failures.get(pid, 0) + 1
                if failures[pid] >= 3:
                    raise e
        time.sleep(0.15)
    return seen


def check_virtual(m, s, pid):
    own = ("%X" % pid, reverse(pid_color(pid)))
    phys = physical_cells(s)
    for vn, (ch, attr) in enumerate(virtual_cells(s)):
        va = vn * PAGE
        where = "pid %d's view: va 0x%05x shows %r (attr %02x)" % (
            pid, va, ch, attr)
        if va == 0:
            if ch != " ":
                m.fail(where + ", want blank: page 0 is never mapped")
        elif va == CONSOLE:
            if (ch, attr) != ("C", reverse(0x07)):
                m.fail(where + ", want C in reverse video (user read/write)")
        elif KERNEL[0] <= va < KERNEL[1]:
            if (ch, attr) != ("K", MAGENTA):
                m.fail(where + ", want K, not reverse video (kernel only)")
        elif va < PROC_START:
            # Identity-mapped, kernel-only: exactly the physical cell, not
            # in reverse video.
            if (ch, attr) != phys[vn]:
                m.fail(where + ", want %r (attr %02x) as in the physical map,"
                       " not user-accessible" % phys[vn])
        elif ch != " " and (ch, attr) != own:
            m.fail(where + ": only its own pages, in reverse video, belong "
                   "above PROC_START_ADDR")
    if virtual_cells(s)[STACK_PAGE // PAGE] != own:
        m.fail("pid %d's stack page 0x2FF000 is not its own, user-accessible"
               % pid)


def heap_pages(s, pid):
    own = ("%X" % pid, reverse(pid_color(pid)))
    return {vn * PAGE for vn, cell in enumerate(virtual_cells(s))
            if cell == own and PROC_START <= vn * PAGE < STACK_PAGE}
