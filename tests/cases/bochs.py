"""bochs.py: the ISO under Bochs, a second PC emulator with its own BIOS,
chipset model and CPU: a test program to its verdict from the CD. Skipped
with a message when Bochs is not installed."""
import re

from bochs import BochsRun
from cases import test, user

BOCHS_TIMEOUT = 300


def need_in(run, text, pattern, what):
    if not re.search(pattern, text, re.M):
        run.fail("expected the log to show %s (/%s/), but it does not" %
                 (what, pattern))


@test("bochs")
def bochs_program_passes(ctx):
    run = BochsRun(ctx, "bochs-program", "test run=t-syscalls",
                   timeout=BOCHS_TIMEOUT)
    got = run.run()
    if got != "pass":
        run.fail("expected the test program to pass under Bochs, got '%s' "
                 "after %.0f s" % (got, run.seconds))
    log = run.log()
    need_in(run, log, r"^boot: loader 'GRUB [^']*', command line 'test "
            r"run=t-syscalls'", "GRUB passing the floppy's command line")
    need_in(run, log, r"^boot: mmap \[0x0+, 0x[0-9a-f]+\) type 1 available",
            "the memory map")
    need_in(run, log, user(r"t-syscalls: ok pid=1 ring=3", 1),
            "the program's verdict")
    need_in(run, log, r"^mm: all \d+ pages back, no leak", "the leak check")
    if re.search(r"^(PANIC|PAGE TABLE ERROR|USER PANIC)", log, re.M):
        run.fail("the log shows a failure")
    need_in(run, run.bochs_log(), r"Shutdown port: shutdown requested",
            "the kernel ending Bochs through port 0x8900 (Bochs log)")
