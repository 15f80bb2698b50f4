"""handout.py: programs written against the handout's user API (process.h
and lib.h, void process_main(void)) build unchanged and behave as the
handout says: what they print is read back from the screen dump and the
log."""
import os
import re
import sys

from qemu import Machine
import screen as scr
from cases import BIOS_TIMEOUT, test, need, clean_log

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..",
                                "tools"))
import screen2png  # noqa: E402


def last_dump(m):
    screens = screen2png.parse_log(m.log_path)
    if not screens:
        m.fail("expected a screen dump (SCREEN BEGIN ... SCREEN END) in the "
               "log, found none")
    return screens[-1]


@test("handout-api")
def handout_api_every_name(ctx):
    """t-handout uses every name of the handout's API and asserts what each
    does; its row 9 must then show its words in their colours."""
    with Machine(ctx, "handout-api", "test dumpscreen run=t-handout",
                 timeout=BIOS_TIMEOUT) as m:
        m.expect("pass")
        clean_log(m)
        need(m, r"^exit: pid 2 status 0$", "the forked child's sys_exit()")
        need(m, r"^exit: pid 1 status 0$",
             "pid 1 leaving by returning from void process_main")
        s = last_dump(m)
        want_text = "handout: pid 1 green red app 5!?"
        row = s.text[9]
        if not row.startswith(want_text) or row[len(want_text):].strip():
            m.fail("expected row 9 to read %r then blanks, got %r" %
                   (want_text, row))
        # gray text, %C green, %C black on light red, app_printf yellow,
        # colour index 1 (white), negative (gray).
        spans = [(0, 15, 0x07), (15, 20, 0x0A), (20, 24, 0xC0),
                 (24, 30, 0x0E), (30, 31, 0x0F), (31, 80, 0x07)]
        for start, end, attr in spans:
            got = s.attrs[9][start:end]
            if any(a != attr for a in got):
                m.fail("expected row 9 columns %d-%d (%r) in attribute "
                       "0x%02x, got %s" % (start, end - 1, row[start:end],
                                           attr, " ".join("%02x" % a
                                                          for a in got)))


@test("handout-api")
def handout_api_names_and_paging(ctx):
    """t-handoutnames names every handout name the original headers add
    (paging macros, PTE/PFERR bits, INT_SYS_* vectors, x86-64.h types and
    wrappers, printer, strcpy, off_t) with _Static_asserts on their values,
    then checks the paging macros on a page it maps and writes, the cycle
    counter across sys_yield, raw `int $INT_SYS_...` calls against the
    syscall wrappers, fetch_and_addl, strcpy and cpuid; any wrong value is
    an assert that fails the boot."""
    with Machine(ctx, "handout-names", "test run=t-handoutnames",
                 timeout=BIOS_TIMEOUT) as m:
        m.expect("pass")
        clean_log(m)
        need(m, r"t-handoutnames: ok pid 1$",
             "t-handoutnames logging that every check held")
        need(m, r"^exit: pid 1 status 0$",
             "pid 1 leaving by returning from void process_main")


@test("handout-api")
def handout_assert_and_panic(ctx):
    """assert shows the file, the line and the expression, then panics;
    sys_panic shows its message; both fail the boot."""
    cases = [("t-handout-assert",
              r"^USER PANIC: tests/programs/t-handout-assert\.c:9: "
              r"assertion 'p \+ 1 == 1' failed",
              "the failed assert with file, line and expression"),
             ("t-handout-panic", r"^USER PANIC: t-handout-panic: on purpose",
              "the sys_panic message")]
    for program, pattern, what in cases:
        with Machine(ctx, program, "test run=" + program,
                     timeout=BIOS_TIMEOUT) as m:
            m.expect("fail")
            need(m, pattern, what)


@test("handout-api", "step3", "step4")
def handout_allocator_fills_memory(ctx):
    """p-handout-allocator, a handout-style allocator, runs until memory is
    full and says so on row 9; every page comes back after `x`."""
    with Machine(ctx, "handout-allocator", "test run=p-handout-allocator",
                 timeout=BIOS_TIMEOUT) as m:
        m.wait_log(r"^spawn: pid 1 'p-handout-allocator'",
                   what="the program starting")

        def full(s):
            scr.check_layout(m, s)
            if not re.match(r"pid 1: out of memory after \d+ pages",
                            s.chars[9]):
                m.fail("expected row 9 to say 'pid 1: out of memory after N "
                       "pages', got %r" % s.chars[9].rstrip())
            free = [ch for ch, _ in scr.physical_cells(s) if ch == "."]
            if free:
                m.fail("row 9 says memory is full but %d pages show free" %
                       len(free))
        m.check_screen(full, tries=100, pause=0.2)
        m.sendkey("x")
        m.expect("pass")
        clean_log(m)
