"""cases: every WeensyOS test, one module per area. Each test boots the ISO
headless (TCG unless --kvm) with its own command line and fails on the
first wrong behaviour, with a message that says what was expected, what
happened, and the tail of the kernel log.

A test registers with @test(label, ...): its name is the function's name
with dashes, its labels say which handout step or mechanism it checks
(`ctest -L step5`). tests/CMakeLists.txt asks `run.py --list`."""
import functools
import importlib
import importlib.util
import json
import os
import pkgutil
import re
import sys

import qemu
from qemu import Machine, TestFailure

TESTS = {}   # name -> function
LABELS = {}  # name -> [label, ...]
BIOS_TIMEOUT = 60
UEFI_TIMEOUT = 300
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
# The grader's points file (tools/weensy grade sets WEENSY_POINTS to the
# one it grades with): it says in which step each test is graded.
POINTS = os.environ.get("WEENSY_POINTS") or os.path.join(
    ROOT, "tools", "course", "points.json")
# The steps whose tests must pass on a kernel without step 7 (exit returns,
# nothing is freed): they boot test mode with the word `unfreed`
# (kernel/exitpark.c) and take its verdict qemu.UNFREED as a pass.
EXIT_OPTIONAL = {"step%d" % n for n in range(1, 7)}


def graded_group(name):
    """The points file's group that grades test name, as tools/weensy
    grade places it (its `place`, else the last group whose labels the
    test carries), or None (not graded, or no points file)."""
    try:
        with open(POINTS) as f:
            cfg = json.load(f)
    except (OSError, ValueError):
        return None
    group = cfg.get("place", {}).get(name)
    if group is None:
        for g in cfg.get("groups", []):
            if set(LABELS.get(name, ())) & set(g.get("labels", ())):
                group = g.get("name")
    return group


def exit_optional(name):
    """Whether test name is graded in a step before 7, so it must pass on
    a kernel whose exit is not implemented yet."""
    return graded_group(name) in EXIT_OPTIONAL


def test(*labels):
    """Registers a test under the given labels (at least one). While it
    runs, if it is graded in steps 1-6 (exit_optional), test-mode machines
    get the word `unfreed` and expect("pass") also takes qemu.UNFREED."""
    if not labels or callable(labels[0]):
        raise TypeError("@test needs labels, e.g. @test('step3')")

    def register(fn):
        name = fn.__name__.replace("_", "-")
        if name in TESTS:
            raise TypeError("two tests named " + name)

        @functools.wraps(fn)
        def run(ctx):
            qemu.ACCEPT_UNFREED = exit_optional(name)
            return fn(ctx)
        TESTS[name] = run
        LABELS[name] = list(labels)
        return fn
    return register


def user(pattern, pid=r"\d+"):
    """A regex for a line that process pid wrote through log(): the kernel
    starts each such line with "[pid N] ", so kernel-line patterns anchored
    with ^ never match one."""
    return r"^\[pid %s\] %s" % (pid, pattern)


def need(m, pattern, what):
    if not re.search(pattern, m.log(), re.M):
        m.fail("expected the log to show %s (/%s/), but it does not" %
               (what, pattern))


def refuse(m, pattern, what):
    found = re.search(pattern, m.log(), re.M)
    if found:
        m.fail("the log shows %s: %r" % (what, found.group(0)))


def need_log(log, pattern, what):
    """need() for a log already read (after the machine ended)."""
    if not re.search(pattern, log, re.M):
        tail = "\n".join("    | " + l for l in log.splitlines()[-40:])
        raise TestFailure("expected the log to show %s (/%s/), but it does "
                          "not\n  last log lines:\n%s" % (what, pattern, tail))


def refuse_log(log, pattern, what):
    """refuse() for a log already read."""
    found = re.search(pattern, log, re.M)
    if found:
        raise TestFailure("expected the log not to show %s, but it has %r" %
                          (what, found.group(0)))


# The scenario each key starts, and the program that starts first in it.
SCENARIO_KEYS = [("f", "fork", "p-fork"), ("e", "exit", "p-forkexit"),
                 ("k", "kill", "p-kill"), ("a", "allocators", "p-allocator")]


def switch_by_keys(m, press, sends, via, pause=0.3):
    """From the allocators scenario, presses f, e, k and a in turn, each
    as press(sends[i]) (a sendkey name, bytes for COM1, ...): each must
    soft-reboot into its scenario with every page back and start its first
    program; `via` says how in the failure messages."""
    import time
    for n, ((key, name, first), send) in enumerate(zip(SCENARIO_KEYS,
                                                       sends)):
        press(send)
        m.wait_log(r"^key '%s': soft reboot into '%s'" % (key, name),
                   what="key %s (sent as %r) %s" % (key, send, via))
        m.wait_log(r"^mm: all \d+ pages back, no leak", count=n + 1,
                   what="no leak after key %s" % key)
        m.wait_log(r"^spawn: pid 1 '%s'" % first,
                   count=2 if key == "a" else 1, what=first + " starting")
        time.sleep(pause)


def host_unit_test(ctx, name, sources, skip_without_cc=False):
    """Builds tests/host/<name>.c with the kernel sources it tests (paths
    relative to the tree) by the host's C compiler, with AddressSanitizer
    and UBSan where the compiler has them (else without, said so), runs it
    and returns its CompletedProcess; judging the output is the caller's.
    No compiler: TestSkipped if skip_without_cc, else a failure."""
    import shutil
    import subprocess
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if not cc:
        if skip_without_cc:
            raise qemu.TestSkipped("no host C compiler (cc or clang)")
        raise TestFailure("no host C compiler (cc) to build the unit test")
    out_dir = os.path.join(ctx.build, "tests", "host")
    os.makedirs(out_dir, exist_ok=True)
    exe = os.path.join(out_dir, name)
    base = [cc, "-std=c11", "-Wall", "-Wextra", "-Werror", "-g", "-O1",
            "-I", ROOT, "-I", os.path.join(ROOT, "include"),
            os.path.join(ROOT, "tests", "host", name + ".c")]
    base += [os.path.join(ROOT, src) for src in sources] + ["-o", exe]
    sanitize = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all"]
    r = subprocess.run(base[:1] + sanitize + base[1:], capture_output=True,
                       text=True, timeout=120)
    if r.returncode != 0:
        print("no sanitizers here (%s); building without" %
              r.stderr.strip().splitlines()[-1:])
        r = subprocess.run(base, capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise TestFailure("the host build of %s failed:\n%s" %
                              (name, r.stderr))
    r = subprocess.run([exe], capture_output=True, text=True, timeout=120)
    print(r.stdout.strip())
    return r


def clean_log(m):
    refuse(m, r"^(PANIC|PAGE TABLE ERROR|USER PANIC)", "a failure")


def run_program(ctx, name, program, extra="", timeout=BIOS_TIMEOUT, **kw):
    """Boots with run=program in test mode; expects a pass (for a test of
    steps 1-6 also the verdict of a kernel whose exit returns: every
    process called exit, memory not freed); returns the log."""
    with Machine(ctx, name, "test run=%s %s" % (program, extra),
                 timeout=timeout, **kw) as m:
        m.expect("pass")
        clean_log(m)
        return m.log()


def load_all():
    """Imports every module of this package, which registers its tests."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        importlib.import_module(__name__ + "." + info.name)


def load_extra(directory):
    """Imports every *.py in directory (an instructor's private tests, in
    the format of this package's modules: `from cases import test`), which
    registers their tests beside the rest. A name already taken, or a file
    that does not import, raises with the file named."""
    for fname in sorted(os.listdir(directory)):
        if not fname.endswith(".py") or fname.startswith("_"):
            continue
        path = os.path.join(directory, fname)
        modname = "extra_cases_" + re.sub(r"\W", "_", fname[:-3])
        spec = importlib.util.spec_from_file_location(modname, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[modname] = module
        try:
            spec.loader.exec_module(module)
        except Exception as e:
            raise ImportError("%s: %s: %s" % (path, type(e).__name__, e))
