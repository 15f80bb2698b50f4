#!/usr/bin/env python3
"""grade.py: grades the WeensyOS tree it sits in (the reference or a student
stencil) by handout step: builds it, runs the tests of every graded step
(tests/run.py, one subprocess per test, -j at a time), and turns them into
points (tools/course/points.json), a table, Gradescope's results.json and a
report a student opens in a browser.

    tools/weensy grade [--json FILE] [--html FILE] [--extra-tests DIR]
                       [--points FILE] [-j N] [--only GROUP,...]
                       [--reference-screens DIR]

Whatever the student wrote, a grade finishes in bounded time: each test has
a deadline (tools/course/durations.json: a few times its time on the
reference), after which its whole process group (the harness and QEMU) is
killed; the kernel log it may write is capped (RLIMIT_FSIZE on the test
process, and the harness reads at most that much); output is read capped;
any exception while grading one test is that test's failure. A build that
fails grades 0 with the compiler's message. Exit status: 0 only when every
graded group has full points, 1 otherwise, 2 on a usage error.
"""
import argparse
import base64
import concurrent.futures
import html
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))  # tools/, for screen2png
import screen2png  # noqa: E402

# The log a test's QEMU may write (and the harness read): far above what
# the longest reference test writes (forkexit-no-leak, a few MiB).
LOG_LIMIT = 32 << 20
OUTPUT_LIMIT = 256 << 10  # bytes of a test's own output kept
SCREEN_BYTES = 80 * 25 * 2
BUILD_TIMEOUT = 900
DEFAULT_DURATION = 60.0  # a test missing from durations.json
MIN_TIMEOUT = 30.0


DEFAULT_REFERENCE = os.path.join(HERE, "reference-screens")


class GradeError(Exception):
    """A usage or configuration problem (bad points file, bad options)."""


# -- configuration ----------------------------------------------------------
def load_points(path):
    """Reads and checks the points file; returns its dict."""
    try:
        with open(path) as f:
            cfg = json.load(f)
    except (OSError, ValueError) as e:
        raise GradeError("points file %s: %s" % (path, e))
    groups = cfg.get("groups")
    if not isinstance(groups, list) or not groups:
        raise GradeError("points file %s: no 'groups' list" % path)
    names = set()
    for g in groups:
        for key in ("name", "points", "labels"):
            if key not in g:
                raise GradeError("points file %s: a group lacks '%s': %r" %
                                 (path, key, g))
        if g["name"] in names:
            raise GradeError("points file %s: two groups named %s" %
                             (path, g["name"]))
        names.add(g["name"])
        g.setdefault("title", g["name"])
        g.setdefault("split", "all")
        if g["split"] not in ("all", "proportional"):
            raise GradeError("points file %s: group %s: split must be 'all' "
                             "or 'proportional'" % (path, g["name"]))
    for test, group in cfg.get("place", {}).items():
        if group not in names:
            raise GradeError("points file %s: place: %s goes to unknown "
                             "group %s" % (path, test, group))
    cfg.setdefault("place", {})
    cfg.setdefault("visibility", "visible")
    return cfg


def assign(tests, cfg):
    """tests: {name: [labels]}. Returns {group name: [test names]}, each
    graded test in exactly one group (see points.json's comment)."""
    out = {g["name"]: [] for g in cfg["groups"]}
    for name, labels in tests.items():
        group = cfg["place"].get(name)
        if group is None:
            for g in cfg["groups"]:
                if set(labels) & set(g["labels"]):
                    group = g["name"]
        if group is not None:
            out[group].append(name)
    return out


def load_durations(path):
    try:
        with open(path) as f:
            return {k: float(v) for k, v in json.load(f).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def deadline(name, durations, scale, least):
    """Seconds a test may take: scale times its reference time plus a
    margin for a loaded machine, never under least."""
    return max(least, scale * durations.get(name, DEFAULT_DURATION) + 15)


# -- building -------------------------------------------------------------
def run_capped(cmd, timeout, cwd=ROOT, env=None, limit_fsize=False):
    """Runs cmd in its own process group with its output in a temporary
    file; kills the whole group at the timeout. Returns (status or None on
    timeout, output text capped to OUTPUT_LIMIT, seconds)."""
    def limits():
        if limit_fsize:
            resource.setrlimit(resource.RLIMIT_FSIZE, (LOG_LIMIT, LOG_LIMIT))

    t0 = time.monotonic()
    with tempfile.TemporaryFile() as out:
        p = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                             stdout=out, stderr=subprocess.STDOUT,
                             start_new_session=True, preexec_fn=limits)
        try:
            status = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            status = None
        # The harness may leave QEMU behind when killed: end the group.
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait()
        size = out.seek(0, os.SEEK_END)
        if size > OUTPUT_LIMIT:
            out.seek(0)
            head = out.read(OUTPUT_LIMIT // 2)
            out.seek(size - OUTPUT_LIMIT // 2)
            data = head + b"\n[... output cut ...]\n" + out.read()
        else:
            out.seek(0)
            data = out.read()
    return status, data.decode("utf-8", "replace"), time.monotonic() - t0


def build(build_dir):
    """Configures (if needed) and builds; returns (ok, message)."""
    steps = []
    if not os.path.exists(os.path.join(build_dir, "CMakeCache.txt")):
        steps.append(["cmake", "-B", build_dir, "-G", "Ninja"])
    steps.append(["cmake", "--build", build_dir])
    for cmd in steps:
        status, out, _ = run_capped(cmd, BUILD_TIMEOUT)
        if status != 0:
            why = ("timed out after %d s" % BUILD_TIMEOUT if status is None
                   else "exit status %d" % status)
            return False, "`%s` failed (%s):\n%s" % (" ".join(cmd), why, out)
    return True, ""


def first_error(message):
    for line in message.splitlines():
        if re.search(r"\berror\b", line, re.I):
            return line.strip()[:200]
    return message.strip().splitlines()[0][:200] if message.strip() else ""


def list_tests(extra_dirs):
    """{name: [labels]} from tests/run.py --list."""
    cmd = [sys.executable, os.path.join(ROOT, "tests", "run.py"), "--list"]
    for d in extra_dirs:
        cmd += ["--extra-tests", d]
    status, out, _ = run_capped(cmd, 120)
    if status != 0:
        raise GradeError("tests/run.py --list failed:\n" + out)
    tests = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2:
            tests[parts[0]] = parts[1].split(",")
    return tests


# -- running one test --------------------------------------------------------
def failure_reason(name, status, out, timeout):
    """One line saying why a test failed."""
    if status is None:
        return "no verdict within %.0f s (the grader's bound): killed" % \
            timeout
    if "exit status -%d" % signal.SIGXFSZ in out or "log flood (" in out:
        return "the kernel log passed %d MiB (a flood): QEMU stopped" % (
            LOG_LIMIT >> 20)
    m = re.search(r"^FAIL %s: (.*)$" % re.escape(name), out, re.M)
    if m:
        return m.group(1).strip()[:300]
    m = re.search(r"^SKIP %s: (.*)$" % re.escape(name), out, re.M)
    if m:
        return "could not run here: " + m.group(1).strip()[:280]
    tb = [l for l in out.strip().splitlines() if l.strip()]
    if tb:
        return "the test crashed: " + tb[-1].strip()[:280]
    return "exit status %d with no output" % status


def run_test(name, build_dir, extra_dirs, timeout, screens_dir):
    """Runs one test; returns a result dict. Never raises."""
    result = {"name": name, "passed": False, "reason": "", "output": "",
              "seconds": 0.0, "screen": None}
    try:
        screen_path = os.path.join(screens_dir, name + ".bin")
        if os.path.exists(screen_path):
            os.remove(screen_path)
        env = dict(os.environ, WEENSY_LOG_LIMIT=str(LOG_LIMIT),
                   WEENSY_LAST_SCREEN=screen_path)
        cmd = [sys.executable, os.path.join(ROOT, "tests", "run.py"),
               "--build", build_dir]
        for d in extra_dirs:
            cmd += ["--extra-tests", d]
        cmd.append(name)
        status, out, secs = run_capped(cmd, timeout, env=env,
                                       limit_fsize=True)
        result.update(output=out, seconds=secs)
        result["passed"] = status == 0 and \
            re.search(r"^PASS %s" % re.escape(name), out, re.M) is not None
        if not result["passed"]:
            result["reason"] = failure_reason(name, status, out, timeout)
        if os.path.exists(screen_path) and \
                os.path.getsize(screen_path) == SCREEN_BYTES:
            result["screen"] = screen_path
    except Exception as e:  # a grader bug must cost one test, not the grade
        result["passed"] = False
        result["reason"] = "grader error: %s: %s" % (type(e).__name__, e)
    return result


# -- scoring -----------------------------------------------------------------
def score(cfg, groups, results):
    """Returns [{group..., tests: [result], score, passed}] in file order."""
    rows = []
    for g in cfg["groups"]:
        names = groups[g["name"]]
        rs = [results[n] for n in names if n in results]
        passed = sum(r["passed"] for r in rs)
        if not rs:
            pts = 0.0
        elif g["split"] == "all":
            pts = float(g["points"]) if passed == len(rs) else 0.0
        else:
            pts = g["points"] * passed / len(rs)
        rows.append(dict(g, tests=rs, passed=passed, score=round(pts, 2)))
    return rows


def print_table(rows, out=sys.stdout):
    print("%-7s %-9s %-7s %s" % ("step", "points", "tests", "first failure"),
          file=out)
    for r in rows:
        fails = [t for t in r["tests"] if not t["passed"]]
        first = ("%s: %s" % (fails[0]["name"], fails[0]["reason"])
                 if fails else "")
        pts = "%g/%g" % (r["score"], r["points"])
        print("%-7s %-9s %-7s %s" % (r["name"], pts, "%d/%d" % (
            r["passed"], len(r["tests"])), first[:110]), file=out)
    total = sum(r["score"] for r in rows)
    most = sum(r["points"] for r in rows)
    print("%-7s %-9s" % ("total", "%g/%g" % (total, most)), file=out)


def results_json(rows, cfg, build_message=None):
    """Gradescope's results.json: the group's points spread evenly over its
    tests; under split 'all' a passing test scores only if all its group's
    tests passed (its output says so)."""
    tests = []
    vis = cfg["visibility"]
    if build_message is not None:
        tests.append({"name": "build", "score": 0, "max_score": 0,
                      "output": build_message[-20000:], "visibility": vis})
    for r in rows:
        n = len(r["tests"]) or 1
        each = r["points"] / n
        for t in r["tests"]:
            got = each if t["passed"] and (
                r["split"] == "proportional" or r["passed"] == len(
                    r["tests"])) else 0.0
            if t["passed"]:
                text = "passed (%.1f s)" % t["seconds"]
                if got == 0:
                    text += ("; %s is graded all-or-nothing and %d of its %d "
                             "tests failed" % (r["name"], len(r["tests"]) -
                                               r["passed"], len(r["tests"])))
            else:
                text = "FAILED: %s\n\n%s" % (t["reason"], t["output"][-8000:])
            tests.append({"name": "%s: %s" % (r["name"], t["name"]),
                          "score": round(got, 4),
                          "max_score": round(each, 4),
                          "output": text, "visibility": vis})
        if not r["tests"]:
            tests.append({"name": "%s: (no tests)" % r["name"], "score": 0,
                          "max_score": r["points"], "visibility": vis,
                          "output": "no test carries this step's labels"})
    total = sum(r["score"] for r in rows)
    return {"score": round(total, 2), "tests": tests}


# -- the HTML report -------------------------------------------------------
def screen_png_uri(path):
    """A data: URI of the PNG of a raw 80x25 cell dump, or None."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
        if len(raw) != SCREEN_BYTES:
            return None
        text, attrs = [], []
        for r in range(25):
            row = raw[r * 160:(r + 1) * 160]
            text.append("".join(chr(b) if 32 <= b < 127 else " "
                                for b in row[0::2]))
            attrs.append(list(row[1::2]))
        with tempfile.NamedTemporaryFile(suffix=".png") as tmp:
            screen2png.write_png(tmp.name, *screen2png.render(
                screen2png.Screen(text, attrs), 2))
            data = open(tmp.name, "rb").read()
        return "data:image/png;base64," + base64.b64encode(data).decode()
    except Exception:
        return None


def picture(uri, caption, missing="no screen"):
    if not uri:
        return "<figure><div class=none>%s: %s</div></figure>" % (
            html.escape(caption), html.escape(missing))
    return ("<figure><img src=\"%s\" alt=\"%s\"><figcaption>%s</figcaption>"
            "</figure>" % (uri, html.escape(caption), html.escape(caption)))


def write_html(path, rows, reference_dir, build_message=None):
    total = sum(r["score"] for r in rows)
    most = sum(r["points"] for r in rows)
    parts = ["<!DOCTYPE html><html><head><meta charset=utf-8>"
             "<title>WeensyOS grade</title><style>"
             "body{font-family:sans-serif;margin:2em;max-width:1400px}"
             "h2{border-bottom:1px solid #ccc}.pass{color:#080}"
             ".fail{color:#b00}figure{display:inline-block;margin:0 1em 1em 0}"
             "img{image-rendering:pixelated;border:1px solid #888}"
             ".none{width:480px;padding:2em;border:1px dashed #888}"
             "pre{background:#f4f4f4;padding:.5em;overflow:auto;"
             "max-height:30em}</style></head><body>",
             "<h1>WeensyOS grade: %g / %g</h1>" % (total, most)]
    if build_message is not None:
        parts.append("<h2 class=fail>The build failed</h2><pre>%s</pre>" %
                     html.escape(build_message[-20000:]))
    for r in rows:
        cls = "pass" if r["score"] == r["points"] else "fail"
        parts.append("<h2 class=%s>%s: %s &mdash; %g / %g points, %d/%d "
                     "tests (%s)</h2>" % (
                         cls, r["name"], html.escape(r["title"]), r["score"],
                         r["points"], r["passed"], len(r["tests"]),
                         "all or nothing" if r["split"] == "all"
                         else "proportional"))
        parts.append("<ul>")
        for t in r["tests"]:
            if t["passed"]:
                parts.append("<li class=pass>%s: passed (%.1f s)</li>" % (
                    html.escape(t["name"]), t["seconds"]))
                continue
            ref = None
            if reference_dir:
                ref = screen_png_uri(os.path.join(reference_dir,
                                                  t["name"] + ".bin"))
                ref_missing = "the reference's screens have none for this " \
                    "test"
            else:
                ref_missing = ("this tree has no reference screens (%s): "
                               "the stencil ships them only if its instructor "
                               "made them; see docs/instructors.md" %
                               os.path.relpath(DEFAULT_REFERENCE, ROOT))
            mine = screen_png_uri(t["screen"]) if t["screen"] else None
            parts.append(
                "<li class=fail><b>%s: FAILED</b>: %s<br>%s%s<details>"
                "<summary>the test's output</summary><pre>%s</pre></details>"
                "</li>" % (html.escape(t["name"]), html.escape(t["reason"]),
                           picture(mine, "your kernel's last screen"),
                           picture(ref, "the reference's last screen",
                                   ref_missing),
                           html.escape(t["output"][-20000:])))
        parts.append("</ul>")
    parts.append("</body></html>")
    with open(path, "w") as f:
        f.write("\n".join(parts))


# -- main ------------------------------------------------------------------
def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="tools/weensy grade",
        description="Grade this WeensyOS tree by handout step.")
    ap.add_argument("--json", metavar="FILE",
                    help="write Gradescope's results.json here")
    ap.add_argument("--html", metavar="FILE",
                    help="write a self-contained report here")
    ap.add_argument("--extra-tests", metavar="DIR", action="append",
                    default=[], help="also run the tests in DIR/*.py")
    ap.add_argument("--points", metavar="FILE",
                    default=os.path.join(HERE, "points.json"))
    ap.add_argument("-j", type=int, default=2, metavar="N",
                    help="tests at a time (default 2)")
    ap.add_argument("--only", metavar="GROUP,...",
                    help="grade only these groups (e.g. step3,step5)")
    ap.add_argument("--build-dir", default=os.environ.get(
        "WEENSY_BUILD_DIR", os.path.join(ROOT, "build")))
    ap.add_argument("--timeout-scale", type=float, default=3.0,
                    help="a test's bound is this times its reference time "
                         "plus 15 s (default 3)")
    ap.add_argument("--min-timeout", type=float, default=MIN_TIMEOUT,
                    help="no test's bound is shorter (default %g s)" %
                    MIN_TIMEOUT)
    ap.add_argument("--log-limit", type=int, default=LOG_LIMIT >> 20,
                    metavar="MIB", help="the kernel log a test may write "
                    "(default %d MiB)" % (LOG_LIMIT >> 20))
    ap.add_argument("--reference-screens", metavar="DIR",
                    help="after grading, save each test's last screen and "
                         "time here (run on the reference: a stencil ships "
                         "this as tools/course/reference-screens)")
    ap.add_argument("--reference", metavar="DIR",
                    default=DEFAULT_REFERENCE,
                    help="the reference's screens, shown beside a failed "
                         "test's (default tools/course/reference-screens)")
    ap.add_argument("--durations", metavar="FILE",
                    default=os.path.join(HERE, "durations.json"))
    a = ap.parse_args(argv)
    try:
        return grade(a)
    except GradeError as e:
        print("grade: %s" % e, file=sys.stderr)
        return 2


def grade(a):
    global LOG_LIMIT
    cfg = load_points(a.points)
    if a.j < 1:
        raise GradeError("-j must be at least 1")
    if a.log_limit < 1 or a.timeout_scale <= 0 or a.min_timeout <= 0:
        raise GradeError("--log-limit, --timeout-scale and --min-timeout "
                         "must be positive")
    LOG_LIMIT = a.log_limit << 20
    # The tests place themselves by the same points file (cases.graded_group:
    # a test of steps 1-6 takes the verdict of a kernel whose exit returns).
    os.environ["WEENSY_POINTS"] = os.path.abspath(a.points)
    extra = [os.path.abspath(d) for d in a.extra_tests]
    for d in extra:
        if not os.path.isdir(d):
            raise GradeError("--extra-tests %s: not a directory" % d)
    if a.only:
        keep = set(a.only.split(","))
        unknown = keep - {g["name"] for g in cfg["groups"]}
        if unknown:
            raise GradeError("--only: unknown groups %s" %
                             ",".join(sorted(unknown)))
        only = keep
    else:
        only = None
    build_dir = os.path.abspath(a.build_dir)
    reference_dir = a.reference
    if not os.path.isdir(reference_dir):
        reference_dir = None
    t0 = time.monotonic()

    print("grade: building %s" % build_dir, flush=True)
    ok, message = build(build_dir)
    tests = {}
    if ok:
        try:
            tests = list_tests(extra)
        except GradeError as e:  # e.g. a private test that does not load
            ok, message = False, str(e)
    if not ok:
        if only:
            cfg["groups"] = [g for g in cfg["groups"] if g["name"] in only]
        rows = score(cfg, {g["name"]: [] for g in cfg["groups"]}, {})
        print("grade: the build failed: %s" % first_error(message))
        message = message or "no output"
        for r in rows:
            r["tests"] = [{"name": "build", "passed": False, "seconds": 0,
                           "reason": "build failed: " + first_error(message),
                           "output": message, "screen": None}]
            r["passed"] = 0
        finish(a, rows, cfg, reference_dir, message)
        return 1

    # Tests are placed with every group in view, then groups dropped, so
    # --only step3 grades exactly what a full grade counts as step 3.
    groups = assign(tests, cfg)
    if only:
        cfg["groups"] = [g for g in cfg["groups"] if g["name"] in only]
    durations = load_durations(a.durations)
    todo = [n for g in cfg["groups"] for n in groups[g["name"]]]
    # Longest first, so two slow tests do not end up last, one per core.
    todo.sort(key=lambda n: -durations.get(n, DEFAULT_DURATION))
    grade_dir = os.path.join(build_dir, "grade")
    screens_dir = os.path.join(grade_dir, "screens")
    shutil.rmtree(grade_dir, ignore_errors=True)
    os.makedirs(screens_dir)
    print("grade: %d tests in %d groups, %d at a time" % (
        len(todo), len(cfg["groups"]), a.j), flush=True)
    results = {}
    with concurrent.futures.ThreadPoolExecutor(a.j) as pool:
        futures = {pool.submit(run_test, n, build_dir, extra,
                               deadline(n, durations, a.timeout_scale,
                                        a.min_timeout),
                               screens_dir): n for n in todo}
        for f in concurrent.futures.as_completed(futures):
            r = f.result()
            results[r["name"]] = r
            print("  %-4s %-40s %5.1f s %s" % (
                "ok" if r["passed"] else "FAIL", r["name"], r["seconds"],
                r["reason"][:80]), flush=True)
    rows = score(cfg, groups, results)
    if a.reference_screens:
        save_reference(a.reference_screens, results)
    finish(a, rows, cfg, reference_dir, None)
    print("grade: %.0f s" % (time.monotonic() - t0))
    return 0 if all(r["score"] == r["points"] for r in rows) else 1


def save_reference(directory, results):
    """Each test's last screen as DIR/NAME.bin and its time in
    DIR/durations.json."""
    os.makedirs(directory, exist_ok=True)
    times = {}
    for name, r in sorted(results.items()):
        times[name] = round(r["seconds"], 1)
        if r["screen"]:
            shutil.copy(r["screen"], os.path.join(directory, name + ".bin"))
    with open(os.path.join(directory, "durations.json"), "w") as f:
        json.dump(times, f, indent=1, sort_keys=True)
        f.write("\n")


def finish(a, rows, cfg, reference_dir, build_message):
    print_table(rows)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results_json(rows, cfg, build_message), f, indent=1)
    if a.html:
        write_html(a.html, rows, reference_dir, build_message)


if __name__ == "__main__":
    sys.exit(main())
