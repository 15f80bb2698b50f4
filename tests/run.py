#!/usr/bin/env python3
"""run.py: runs one WeensyOS test by name (ctest calls this once per test),
or lists the tests with --list, one per line as NAME LABEL,LABEL...

  tests/run.py --build BUILD_DIR NAME
  tests/run.py --extra-tests DIR ...   also load DIR/*.py (private tests in
                                       the format of tests/cases/*.py)
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "harness"))
sys.path.insert(0, os.path.dirname(__file__))

from qemu import TestFailure, TestSkipped  # noqa: E402
import cases  # noqa: E402


# ctest counts this exit status as "skipped" (tests/CMakeLists.txt).
SKIP_STATUS = 77


class Context:
    def __init__(self, build, kvm):
        self.build = os.path.abspath(build)
        self.iso = os.path.join(self.build, "weensyos.iso")
        self.qemu = os.environ.get("WEENSY_QEMU", "qemu-system-x86_64")
        self.kvm = kvm


def main():
    cases.load_all()
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--kvm", action="store_true")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--extra-tests", action="append", default=[],
                    metavar="DIR")
    ap.add_argument("name", nargs="?")
    a = ap.parse_args()
    for d in a.extra_tests:
        try:
            cases.load_extra(d)
        except (ImportError, OSError, TypeError) as e:
            print("cannot load extra tests: %s" % e)
            return 2
    if a.list:
        for name in cases.TESTS:
            print("%s %s" % (name, ",".join(cases.LABELS[name])))
        return 0
    if a.name not in cases.TESTS:
        print("no test named %r; known: %s" % (a.name, " ".join(cases.TESTS)))
        return 2
    ctx = Context(a.build, a.kvm)
    t0 = time.monotonic()
    try:
        cases.TESTS[a.name](ctx)
    except TestFailure as e:
        print("FAIL %s: %s" % (a.name, e))
        return 1
    except TestSkipped as e:
        print("SKIP %s: %s" % (a.name, e))
        return SKIP_STATUS
    print("PASS %s (%.1f s)" % (a.name, time.monotonic() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
