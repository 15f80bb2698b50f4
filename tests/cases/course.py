"""course.py: the course kit's grader (tools/weensy grade) and its
Gradescope wrapper: what a broken student kernel costs, and in what time."""
import json
import os
import re
import subprocess
import time

from qemu import TestFailure, TestSkipped
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
    or triple-faults (by command line) grades steps 3 and 4 to 0 in bounded
    time, each test with its own reason, every test run, no QEMU left
    behind."""
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
        ["--only", "step3,step4", "--timeout-scale", "1", "--min-timeout",
         str(bound), "--log-limit", "2", "--html", report], 900)
    if status != 1 or res["score"] != 0:
        raise TestFailure("a broken kernel should grade steps 3-4 to 0 with "
                          "status 1; got status %d, score %r:\n%s" %
                          (status, res["score"], out[-3000:]))
    want = {
        "step4: allocators-pace-by-the-timer": r"^FAILED: no verdict within",
        "step4: kalloc-scattered-order": r"^FAILED: the kernel log passed "
                                         r"2 MiB",
        "step3: page-alloc-bad-addresses": r"^FAILED: .*\bfail\b",
        "step4: handout-allocator-fills-memory": r"^FAILED: .*\breset\b",
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
    # the bound, plus 15 s), and the build is incremental.
    if secs > 150:
        raise TestFailure("grading the broken kernel took %.0f s; its worst "
                          "test is bounded by about %d s" % (secs, bound + 15))
    left = subprocess.run(["pgrep", "-f", bld], stdout=subprocess.PIPE,
                          text=True).stdout.split()
    if left:
        raise TestFailure("QEMU processes of the graded copy are still "
                          "running: %s" % left)


PRIVATE_TEST = '''"""A course's private test, in the format of tests/cases/*.py."""
from cases import test, run_program


@test("step6")
def private_page_alloc_still_works(ctx):
    run_program(ctx, "private-page-alloc", "t-pagealloc")
'''
FAKE_RUN_PY = '''import sys
print("PASS %s (0.0 s)" % sys.argv[-1])
'''


@test("course")
def gradescope_run_autograder(ctx):
    """tools/course/gradescope/run_autograder with AUTOGRADER_ROOT in a
    scratch directory (this tree standing in for the stencil): a submission
    zipped in its own top directory is laid over the stencil, its forged
    tests/run.py (every test passes) is replaced by the stencil's, its
    kernel (which panics in the fork scenario) is what gets graded, the
    private tests are graded with the rest, and results.json lands in
    results/."""
    d = workdir(ctx, "course-gradescope")
    stencil = os.path.join(d, "source", "weensyos")
    copy_source(stencil)
    os.makedirs(os.path.join(d, "source", "private-tests"))
    with open(os.path.join(d, "source", "private-tests", "private.py"),
              "w") as f:
        f.write(PRIVATE_TEST)
    sub = os.path.join(d, "submission", "weensyos-main")
    copy_source(sub)
    with open(os.path.join(sub, "tests", "run.py"), "w") as f:
        f.write(FAKE_RUN_PY)
    kernel_c = os.path.join(sub, "kernel", "kernel.c")
    with open(kernel_c) as f:
        text = f.read()
    if text.count(ANCHOR) != 1:
        raise TestFailure("kernel/kernel.c no longer has %r once" % ANCHOR)
    with open(kernel_c, "w") as f:
        f.write(text.replace(ANCHOR, ANCHOR + '    if (kconfig.run[0] == '
                             '\'f\') {\n        panic("a student bug");\n'
                             '    }\n'))
    run([os.path.join(stencil, "tools", "course", "gradescope",
                      "run_autograder")], "run_autograder",
        env={"AUTOGRADER_ROOT": d, "WEENSY_GRADE_ARGS": "--only step6"},
        timeout=900)
    try:
        with open(os.path.join(d, "results", "results.json")) as f:
            res = json.load(f)
    except (OSError, ValueError) as e:
        raise TestFailure("run_autograder left no results.json: %s" % e)
    names = {t["name"]: t for t in res["tests"]}
    private = names.get("step6: private-page-alloc-still-works")
    if not private or private["output"].split()[0] != "passed":
        raise TestFailure("the private test should be graded (and pass) in "
                          "step 6; results: %s" % sorted(names))
    fork = names.get("step6: fork-four-processes")
    if not fork or not fork["output"].startswith("FAILED") or \
            "a student bug" not in fork["output"]:
        raise TestFailure("fork-four-processes should fail on the "
                          "submission's kernel panic (so the submission's "
                          "code was graded, by the stencil's tests); got %r"
                          % (fork and fork["output"][:300]))
    if res["score"] != 0:
        raise TestFailure("step 6 is all-or-nothing: expected score 0, got "
                          "%r" % res["score"])
    if not os.path.exists(os.path.join(d, "results", "report.html")):
        raise TestFailure("run_autograder should leave report.html beside "
                          "results.json")


def check_picture_files(out, stages):
    for stage in stages:
        png, gif = (os.path.join(out, stage + ext) for ext in (".png", ".gif"))
        for path, magic in ((png, b"\x89PNG\r\n\x1a\n"), (gif, b"GIF89a")):
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                raise TestFailure("tools/weensy pictures made no %s" % path)
            if not data.startswith(magic) or len(data) < 1000:
                raise TestFailure("%s is not a picture (%d bytes)" %
                                  (path, len(data)))
        with open(gif, "rb") as f:
            frames = f.read().count(b"\x21\xF9\x04")
        if frames < 2:
            raise TestFailure("%s should be animated; it has %d frame(s)" %
                              (gif, frames))


@test("course")
def pictures_of_the_reference(ctx):
    """tools/weensy pictures DIR --stages step7 films this tree (the
    reference) in the exit scenario: a PNG and an animated GIF."""
    out = workdir(ctx, "course-pictures")
    run([os.path.join(SRC, "tools", "weensy"), "pictures", out, "--stages",
         "step7", "--seconds", "3"], "tools/weensy pictures",
        env={"WEENSY_NO_INSTALL": "1", "WEENSY_BUILD_DIR": ctx.build},
        timeout=600)
    check_picture_files(out, ["step7"])


# -- the stencil, graded ---------------------------------------------------
STEPS = ["step%d" % n for n in range(1, 8)]
# The proof that each step's tests fail without that step and pass with it:
# stencil --upto N (steps 1..N-1 solved) graded on the steps it needs. The
# default suite grades these N (and the plain stencil, below); every other
# N is labelled slow (tools/weensy test leaves slow tests out; ctest -L
# slow runs them). 8 is every step solved, the extras cut.
UPTO_DEFAULT = (5, 8)
UPTO_ALL = range(2, 9)


def make_stencil(dst, upto=None, extra=()):
    weensy = os.path.join(SRC, "tools", "weensy")
    with open(weensy) as f:
        if not re.search(r"^ *stencil\)", f.read(), re.M):
            raise TestSkipped("tools/weensy has no stencil command in this "
                              "tree (the stencil generator is not merged)")
    cmd = [weensy, "stencil", dst]
    if upto:
        cmd += ["--upto", str(upto)]
    run(cmd + list(extra), "tools/weensy stencil",
        env={"WEENSY_NO_INSTALL": "1"}, timeout=600)


def group_scores(out):
    """{group: (score, points, first failure)} from the grader's table."""
    return {g: (float(a), float(b), why.strip()) for g, a, b, why in
            re.findall(r"^(step\d|extras) +([\d.]+)/([\d.]+) +\S+ *(.*)$",
                       out, re.M)}


def grade_stencil(ctx, name, upto, args=(), d=None, stencil_args=()):
    """Stencil --upto upto (None: the plain stencil) graded on the steps
    the proof needs: steps 1..upto, full points below upto and 0 on it (the
    plain stencil and --upto 8: steps 1-7, 0 on each, full on each). Fails
    naming every step whose points differ, expected and actual."""
    d = d or workdir(ctx, name)
    src, bld = os.path.join(d, "src"), os.path.join(d, "build")
    make_stencil(src, upto, stencil_args)
    only = STEPS[:upto] if upto and upto < 8 else STEPS
    status, out, secs, res = grade_copy(src, bld, "the stencil",
                                        ["--only", ",".join(only)] +
                                        list(args), 3600)
    scores = group_scores(out)
    what = "the stencil" + (" --upto %d" % upto if upto else "")
    wrong = []
    for i, g in enumerate(only, 1):
        got, most, why = scores.get(g, (None, None, ""))
        want = most if (upto and i < upto) else 0
        if got is None:
            wrong.append("%s: no row in the grader's table" % g)
        elif got != want:
            wrong.append("%s: expected %g/%g points, got %g/%g%s" % (
                g, want, most, got, most, " (first failure: %s)" % why
                if why else ""))
    if wrong:
        raise TestFailure("%s graded in %.0f s:\n  %s\ngrader's output:\n%s"
                          % (what, secs, "\n  ".join(wrong), out[-4000:]))
    full = bool(upto) and upto >= 8
    if status != (0 if full else 1):
        raise TestFailure("%s: a grade %s full points should exit %d, got %d"
                          % (what, "with" if full else "short of",
                             0 if full else 1, status))
    return d, src, bld, out


def register_upto(n):
    labels = ("course",) if n in UPTO_DEFAULT else ("course", "slow")

    def grade_upto(ctx):
        grade_stencil(ctx, "course-upto-%d" % n, n)
    grade_upto.__name__ = "grade_stencil_upto_%d" % n
    if n < 8:
        grade_upto.__doc__ = (
            "tools/weensy stencil --upto %d, graded on steps 1-%d: full "
            "points on steps 1-%d, 0 on step %d." % (n, n, n - 1, n))
    else:
        grade_upto.__doc__ = ("tools/weensy stencil --upto 8 (every step "
                              "solved, the extras cut), graded on steps "
                              "1-7: full points on each.")
    test(*labels)(grade_upto)


for _n in UPTO_ALL:
    register_upto(_n)


@test("course")
def grade_stencil_scores_zero(ctx):
    """The plain stencil boots to the handout's initial state and scores 0
    on every step (1-7); made with the reference's screens (tools/weensy
    stencil --reference-screens), its HTML report shows a failed test's
    last screen beside the reference's."""
    d = workdir(ctx, "course-stencil")
    # The reference's screens for step 6 (and its full points there).
    refs = os.path.join(d, "reference-screens")
    status, out, _, _ = grade_copy(SRC, os.path.join(d, "reference-build"),
                                   "the reference", ["--only", "step6",
                                                     "--reference-screens",
                                                     refs], 900)
    if status != 0 or not os.path.exists(os.path.join(
            refs, "fork-four-processes.bin")):
        raise TestFailure("the reference should score full on step 6 and "
                          "leave its screens in %s:\n%s" % (refs, out[-3000:]))
    report = os.path.join(d, "report.html")
    _, src, bld, out = grade_stencil(ctx, "course-stencil", None, [
        "--html", report], d=d, stencil_args=["--reference-screens", refs])
    shipped = os.path.join(src, "tools", "course", "reference-screens",
                           "fork-four-processes.bin")
    if not os.path.exists(shipped):
        raise TestFailure("tools/weensy stencil --reference-screens should "
                          "ship the screens in the stencil; %s is missing" %
                          shipped)
    with open(report) as f:
        page = f.read()
    at = page.find("fork-four-processes: FAILED")
    if at < 0 or page[at:at + 20000].count("data:image/png;base64,") < 2:
        raise TestFailure("the report should show fork-four-processes "
                          "failed, with the stencil's and the reference's "
                          "last screens as inline PNGs")
    # The initial state: the allocators run in one all-user address space,
    # so the kernel's pages are user-accessible (reverse video) in the view.
    import screen as scr
    from qemu import Machine

    class Ctx:
        build, iso, kvm, qemu = bld, os.path.join(bld, "weensyos.iso"), \
            False, ctx.qemu
    with Machine(Ctx, "stencil-initial-state", "run=allocators",
                 timeout=60) as m:
        m.wait_log(r"^spawn: pid 4 ", what="four allocators")

        def initial(s):
            if not s.chars[9].startswith("    pid 1: "):
                m.fail("row 9 should show the allocators' counts: %r" %
                       s.chars[9])
            k = scr.virtual_cells(s)[0x40000 // scr.PAGE]
            if k != ("K", scr.reverse(scr.MAGENTA)):
                m.fail("in the initial state the kernel is user-accessible "
                       "(K in reverse video in the virtual view); got %r" %
                       (k,))
        m.check_screen(initial, tries=30, pause=0.2)


@test("course", "slow")
def grade_reference_full(ctx):
    """The reference (this tree), graded on every group, scores full and
    exits 0."""
    d = workdir(ctx, "course-reference")
    status, out, secs, res = grade_copy(SRC, os.path.join(d, "build"),
                                        "the reference", [], 3600)
    scores = group_scores(out)
    short = {g: v for g, v in scores.items() if v[0] != v[1]}
    if status != 0 or short or len(scores) < 8:
        raise TestFailure("the reference should score full on every group "
                          "and exit 0; status %d, short: %s:\n%s" % (
                              status, short, out[-4000:]))


@test("course", "slow")
def pictures_every_step(ctx):
    """tools/weensy pictures renders every stage, stencil to reference."""
    out = workdir(ctx, "course-pictures-all")
    run([os.path.join(SRC, "tools", "weensy"), "pictures", out,
         "--seconds", "3"], "tools/weensy pictures",
        env={"WEENSY_NO_INSTALL": "1", "WEENSY_BUILD_DIR": ctx.build},
        timeout=1800)
    check_picture_files(out, ["initial"] + STEPS)
