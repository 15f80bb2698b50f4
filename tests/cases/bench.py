"""bench.py: the benchmark runs and reports every row. Never its speed: a
timed test would fail on a busy machine; tools/bench is where figures are
read."""
import re

from cases import test, run_program
from qemu import TestFailure

# Every row p-bench must report (userland/p-bench.c), as a figure or n/a.
BENCH_ROWS = ["boot", "empty", "getpid", "yield", "pingpong", "page_alloc",
              "page_alloc_replace", "page_free", "fork", "fork16", "fork64",
              "cow", "tick1", "tick9"]


@test("bench")
def bench_reports_every_row(ctx):
    log = run_program(ctx, "bench", "p-bench", timeout=300)
    missing = [r for r in BENCH_ROWS if not re.search(
        r"^(\[pid 1\] )?bench: %s (median=\d+ min=\d+ mean=\d+ n=[1-9]\d*|n/a)"
        % r, log, re.M)]
    if missing:
        raise TestFailure("p-bench did not report %s" % ", ".join(missing))
    if not re.search(r"^(\[pid 1\] )?bench: done", log, re.M):
        raise TestFailure("p-bench did not finish (no 'bench: done')")
