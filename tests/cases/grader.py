"""grader.py: the memory-map dumps (key `p`, word `mapdump`) and
tools/parse_log.py, which grades a run from them by handout step: a real
run graded, and crafted bad logs failed for the right step."""
import os
import re
import subprocess
import sys

from qemu import Machine, TestFailure
from cases import BIOS_TIMEOUT, test, need

PARSE_LOG = os.path.join(os.path.dirname(__file__), "..", "..", "tools",
                         "parse_log.py")


def grade(path, want_rc):
    """Runs tools/parse_log.py on path; returns its output, failing unless
    it exits want_rc."""
    p = subprocess.run([sys.executable, PARSE_LOG, path],
                       capture_output=True, text=True, timeout=60)
    if p.returncode != want_rc:
        raise TestFailure("expected tools/parse_log.py %s to exit %d, got "
                          "%d:\n%s%s" % (path, want_rc, p.returncode,
                                         p.stdout, p.stderr))
    return p.stdout + p.stderr


def step_status(out, step):
    m = re.search(r"^%s .* (PASS|FAIL|N/A)$" % step, out, re.M)
    return m.group(1) if m else None


@test("workflow", "step1", "step2", "step6", "step7")
def map_dump_graded_by_step(ctx):
    """The fork scenario's four processes: `p` dumps the physical map and
    every live process's virtual map; `x` ends them and `mapdump` dumps the
    empty map. tools/parse_log.py passes steps 1-4, 6 and 7 on that log,
    with the code pages shared (step 6 exercised, not N/A)."""
    with Machine(ctx, "mapdump", "test run=fork mapdump",
                 timeout=BIOS_TIMEOUT) as m:
        m.wait_log(r"^fork: pid \d+ -> pid 4 ", what="the fourth process")
        m.sendkey("p")
        m.wait_log(r"^MAPDUMP END ", what="the dump after key p")
        m.sendkey("x")
        m.expect("pass")
        need(m, r"^MAPDUMP BEGIN why=key shown=[1-4] procs=1,2,3,4$",
             "the key's dump with the four processes")
        need(m, r"^MAPDUMP BEGIN why=exit shown=0 procs=-$",
             "the dump at the end, with no process")
        need(m, r"^PAGEINFO 184 console 0 0$", "the console page 0xB8000")
        need(m, r"^VMAP 1 0x0b8000 0x0b8000 PWU---$",
             "pid 1's user-accessible console mapping")
        log = m.log_path
    out = grade(log, 0)
    for step in ("step1", "step2", "step3", "step4", "step6", "step7"):
        if step_status(out, step) != "PASS":
            raise TestFailure("expected %s PASS from the fork run, got:\n%s" %
                              (step, out))


BAD_LOGS = {
    # A user-accessible kernel page.
    "step1": ("VMAP 1 0x040000 0x040000 PWU---",
              r"maps kernel page 0x40000 user-accessible"),
    # A process mapping another's private writable page.
    "step2": ("VMAP 2 0x200000 0x101000 PWU---",
              r"private writable page 0x101000 is mapped by pids \[1, 2\]"),
    # A leaked user page: allocated, mapped by nobody.
    "step7": ("PAGEINFO 300 user 1 1",
              r"user page 0x12c000 .* mapped by no process: leaked"),
}


def crafted_log():
    """A small, correct dump: one process with its code, data and stack,
    the console and a kernel page; returns its lines (PAGEINFO 300 free is
    the line step7's crafted fault replaces)."""
    lines = ["mm: 508 free pages of 512 at start",
             "MAPDUMP BEGIN why=key shown=1 procs=1"]
    pages = {0: "reserved 0 0", 64: "kernel 0 0", 184: "console 0 0",
             256: "user 1 1", 257: "user 1 1", 767 - 256: "user 1 1",
             258: "pagetable 1 1"}
    for pn in range(512):
        lines.append("PAGEINFO %d %s" % (pn, pages.get(pn, "free 0 0")))
    vmaps = ["VMAP 1 0x040000 0x040000 P-----",
             "VMAP 1 0x0b8000 0x0b8000 PWU---",
             "VMAP 1 0x100000 0x100000 P-U--X",
             "VMAP 1 0x101000 0x101000 PWU---",
             "VMAP 1 0x2ff000 0x1ff000 PWU---"]
    lines += vmaps
    lines.append("MAPDUMP END pages=512 vmaps=%d" % len(vmaps))
    return lines


@test("workflow")
def parse_log_fails_bad_logs(ctx):
    """tools/parse_log.py passes a small correct dump, and fails each
    crafted fault for its own step with a reason: a kernel page mapped
    user-accessible (step1), a private page in two processes (step2), a
    leaked page (step7); a cut-off dump is malformed (exit 2)."""
    d = os.path.join(ctx.build, "tests", "parse-log")
    os.makedirs(d, exist_ok=True)
    good = crafted_log()
    path = os.path.join(d, "good.txt")
    with open(path, "w") as f:
        f.write("\n".join(good) + "\n")
    out = grade(path, 0)
    for step in ("step1", "step2", "step3", "step7"):
        if step_status(out, step) != "PASS":
            raise TestFailure("expected %s PASS on the correct dump, got:\n%s"
                              % (step, out))
    for step, (line, reason) in BAD_LOGS.items():
        lines = list(good)
        if line.startswith("PAGEINFO"):
            lines[lines.index("PAGEINFO 300 free 0 0")] = line
        else:
            end = len(lines) - 1
            lines.insert(end, line)
            lines[end + 1] = "MAPDUMP END pages=512 vmaps=6"
        path = os.path.join(d, "bad-%s.txt" % step)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        out = grade(path, 1)
        if step_status(out, step) != "FAIL" or not re.search(reason, out):
            raise TestFailure("expected %s FAIL with /%s/ on %s, got:\n%s" %
                              (step, reason, path, out))
    path = os.path.join(d, "cut.txt")
    with open(path, "w") as f:
        f.write("\n".join(good[:100]) + "\n")
    out = grade(path, 2)
    if "no MAPDUMP END" not in out:
        raise TestFailure("expected a cut dump to be called malformed, got:\n"
                          + out)
