"""modern.py: what a PC without legacy devices needs. So far: the MADT
parser (arch/x86_64/madt.c), compiled with the host's C compiler and run
against well-formed and malformed tables (tests/host/madt_test.c)."""
import os
import shutil
import subprocess

from qemu import TestFailure, TestSkipped
from cases import test

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


@test("modern", "robustness")
def madt_parser_malformed_input(ctx):
    """Bad lengths, entries past the table, an I/O APIC GSI out of range,
    zero I/O APICs and too many I/O APICs are each refused (or kept within
    the parser's limits) with a reason; QEMU's own layout and the 64-bit
    local APIC address override parse to the right contents."""
    cc = shutil.which("cc") or shutil.which("clang")
    if not cc:
        raise TestSkipped("no host C compiler (cc or clang)")
    exe = os.path.join(ctx.build, "tests", "madt_test")
    os.makedirs(os.path.dirname(exe), exist_ok=True)
    build = subprocess.run(
        [cc, "-std=c11", "-Wall", "-Wextra", "-Werror", "-I", ROOT, "-I",
         os.path.join(ROOT, "include"),
         os.path.join(ROOT, "tests", "host", "madt_test.c"),
         os.path.join(ROOT, "arch", "x86_64", "madt.c"), "-o", exe],
        capture_output=True, text=True, timeout=60)
    if build.returncode != 0:
        raise TestFailure("the host build of madt_test failed:\n" +
                          build.stderr)
    run = subprocess.run([exe], capture_output=True, text=True, timeout=30)
    if run.returncode != 0 or "FAIL" in run.stdout:
        raise TestFailure("the MADT parser answered wrong (expected every "
                          "line 'ok'):\n" + run.stdout + run.stderr)


@test("modern", "machines")
def madt_read_at_boot(ctx):
    """The kernel finds QEMU's MADT through the ACPI tables and logs the
    local APIC, the I/O APIC and the ISA overrides (QEMU routes IRQ 0 to
    GSI 2); with `nomadt` it says it falls back to the 8259. Both boots run
    t-syscalls to its verdict."""
    from cases import run_program, need_log
    log = run_program(ctx, "madt-boot", "t-syscalls")
    need_log(log, r"^madt: local APIC at 0xfee00000, 1 I/O APIC\(s\), 8259 "
             r"present", "the local APIC and one I/O APIC")
    need_log(log, r"^madt: I/O APIC id \d+ at 0xfec00000, GSI base 0$",
             "QEMU's I/O APIC")
    need_log(log, r"^madt: IRQ 0 -> GSI 2, edge, active high$",
             "the timer's interrupt source override")
    log = run_program(ctx, "madt-ignored", "t-syscalls", extra="nomadt")
    need_log(log, r"^madt: MADT ignored \(nomadt\); interrupts through the "
             r"8259$", "the fallback line")
