"""course.py: the course kit's grader (tools/weensy grade) and its
Gradescope wrapper: what a broken student kernel costs, and in what time."""
import json
import os
import re
import subprocess
import time

from qemu import TestFailure
from cases import test
from cases.workflow import SRC, copy_source, run, workdir

GRADE = os.path.join("tools", "course", "grade.py")

# Patched into a scratch copy's kernel_start, once memory is set up: a
# kernel that goes wrong in a different way for each step-3 test's command
# line (kalloc=scatter: floods the log; run=allocators: hangs with the
# timer off; run=t-pagealloc: panics; anything else: triple-faults).
ANCHOR = "    vm_init(console_frame());\n"
SABOTAGE = ANCHOR + r"""    if (kconfig.kalloc_scattered) {
        for (;;) {
            log_printf("sabotage: flooding the log flooding the log\n");
        }
    } else if (kconfig.run[0] == 'a') {
        for (;;) {
        }
    } else if (kconfig.run[0] == 't') {
        panic("sabotage: a panic at boot");
    } else {
        selftest_triple_fault();
    }
"""
BROKEN_C = "int sabotage_does_not_compile = ;\n"


def grade_copy(src, build, what, args, timeout):
    """Runs the grader of the copy src; returns (status, stdout, seconds,
    results.json as a dict)."""
    out_json = os.path.join(os.path.dirname(src), "results.json")
    if os.path.exists(out_json):
        os.remove(out_json)
    t0 = time.monotonic()
    p = subprocess.run(["python3", os.path.join(src, GRADE), "--build-dir",
                        build, "--json", out_json] + args, cwd=src,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=timeout)
    secs = time.monotonic() - t0
    try:
        with open(out_json) as f:
            results = json.load(f)
    except (OSError, ValueError) as e:
        raise TestFailure("%s: no results.json (%s); grader output:\n%s" %
                          (what, e, p.stdout[-3000:]))
    return p.returncode, p.stdout, secs, results


def test_named(results, name):
    for t in results["tests"]:
        if t["name"] == name:
            return t
    raise TestFailure("results.json has no test %r; it has %s" % (
        name, [t["name"] for t in results["tests"]]))


@test("course")
def grade_bounded_when_kernel_broken(ctx):
    """A copy of the tree whose kernel does not compile grades 0 with the
    compiler's message; then one whose kernel hangs, floods the log, panics
    or triple-faults (by command line) grades step 3 to 0 in bounded time,
    each test with its own reason, every test run, no QEMU left behind."""
    d = workdir(ctx, "course-sabotage")
    src, bld = os.path.join(d, "src"), os.path.join(d, "build")
    copy_source(src)
    kernel_c = os.path.join(src, "kernel", "kernel.c")
    with open(kernel_c) as f:
        text = f.read()
    if text.count(ANCHOR) != 1:
        raise TestFailure("kernel/kernel.c no longer has %r once: update "
                          "this test's sabotage" % ANCHOR)
    with open(kernel_c, "w") as f:
        f.write(text + BROKEN_C)
    status, out, secs, res = grade_copy(src, bld, "a kernel that does not "
                                        "compile", ["--only", "step3"], 900)
    if status != 1 or res["score"] != 0:
        raise TestFailure("a build failure should grade 0 with status 1; got "
                          "status %d, score %r:\n%s" % (status, res["score"],
                                                        out[-2000:]))
    build_out = test_named(res, "build")["output"]
    if "sabotage_does_not_compile" not in build_out or \
            "error" not in build_out:
        raise TestFailure("the build test's output should quote the "
                          "compiler's error; it is:\n" + build_out[-2000:])
    if not re.search(r"^step3 +0/10 .*build failed: .*error", out, re.M):
        raise TestFailure("the table should show step3 0/10 with the build "
                          "error as the reason:\n" + out[-2000:])

    with open(kernel_c, "w") as f:
        f.write(text.replace(ANCHOR, SABOTAGE))
    bound = 20
    report = os.path.join(d, "report.html")
    status, out, secs, res = grade_copy(
        src, bld, "a sabotaged kernel",
        ["--only", "step3", "--timeout-scale", "1", "--min-timeout",
         str(bound), "--log-limit", "2", "--html", report], 900)
    if status != 1 or res["score"] != 0:
        raise TestFailure("a broken kernel should grade step 3 to 0 with "
                          "status 1; got status %d, score %r:\n%s" %
                          (status, res["score"], out[-3000:]))
    want = {
        "step3: allocators-pace-by-the-timer": r"^FAILED: no verdict within",
        "step3: kalloc-scattered-order": r"^FAILED: the kernel log passed "
                                         r"2 MiB",
        "step3: page-alloc-bad-addresses": r"^FAILED: .*\bfail\b",
        "step3: handout-allocator-fills-memory": r"^FAILED: .*\breset\b",
    }
    for name, reason in want.items():
        got = test_named(res, name)["output"].splitlines()[0]
        if not re.search(reason, got):
            raise TestFailure("%s: expected a reason matching /%s/, got %r" %
                              (name, reason, got))
    with open(report) as f:
        page = f.read()
    hung = page.find("allocators-pace-by-the-timer: FAILED")
    if hung < 0 or "data:image/png;base64," not in page[hung:hung + 400]:
        raise TestFailure("the HTML report should show the hung kernel's "
                          "last screen as an inline PNG beside its verdict")
    # Bounded: the hang is cut at its deadline (its reference time, under
    # the bound, plus 20 s), and the build is incremental.
    if secs > 150:
        raise TestFailure("grading the broken kernel took %.0f s; its worst "
                          "test is bounded by about %d s" % (secs, bound + 20))
    left = subprocess.run(["pgrep", "-f", bld], stdout=subprocess.PIPE,
                          text=True).stdout.split()
    if left:
        raise TestFailure("QEMU processes of the graded copy are still "
                          "running: %s" % left)
