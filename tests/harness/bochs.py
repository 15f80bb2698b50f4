"""bochs.py: one boot of the ISO in Bochs through tools/bochs.sh, for tests
that prove the kernel on a second, stricter PC emulator. Skips (TestSkipped)
when Bochs is not installed."""
import os
import shutil
import subprocess
import time

from qemu import TestFailure, TestSkipped

TOOLS = os.path.join(os.path.dirname(__file__), "..", "..", "tools")
STATUS = {0: "pass", 1: "fail", 3: "ended without a verdict", 4: "halted",
          124: "timeout"}


class BochsRun:
    def __init__(self, ctx, name, cmdline, timeout=300):
        for need in ("bochs", "mformat"):
            if not shutil.which(need):
                raise TestSkipped(
                    "%s is not installed (apt-get install bochs bochsbios "
                    "vgabios mtools; tools/weensy installs them)" % need)
        self.dir = os.path.join(ctx.build, "tests", name)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.log_path = os.path.join(self.dir, "serial.txt")
        self.cmdline = cmdline
        self.timeout = timeout
        # The build directory is ctx.build wherever it is (an out-of-tree
        # build too), never tools/../build.
        self.args = [os.path.join(TOOLS, "bochs.sh"), "--build-dir",
                     ctx.build, "--iso", ctx.iso,
                     "--log", self.log_path, "--cmdline", cmdline,
                     "--timeout", str(timeout)]

    def run(self):
        """Runs Bochs to its end; returns the outcome (a STATUS value)."""
        t0 = time.monotonic()
        with open(os.path.join(self.dir, "bochs-sh.txt"), "w") as out:
            rc = subprocess.call(self.args, stdin=subprocess.DEVNULL,
                                 stdout=out, stderr=subprocess.STDOUT,
                                 timeout=self.timeout + 60)
        self.seconds = time.monotonic() - t0
        return STATUS.get(rc, "bochs.sh exit status %d" % rc)

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("latin-1").replace("\r", "")
        except FileNotFoundError:
            return ""

    def bochs_log(self):
        try:
            with open(os.path.join(self.dir, "bochs.log"), "rb") as f:
                return f.read().decode("latin-1")
        except FileNotFoundError:
            return ""

    def fail(self, msg):
        tail = "\n".join("    | " + l for l in self.log().splitlines()[-40:])
        raise TestFailure("%s\n  command line: %s\n  (Bochs log: %s)\n"
                          "  last log lines:\n%s" %
                          (msg, self.cmdline,
                           os.path.join(self.dir, "bochs.log"), tail))
