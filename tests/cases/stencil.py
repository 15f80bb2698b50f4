"""stencil.py: the student stencil made from the reference's step markers
(tools/course/stencil.py): every --upto N is generated, marker errors stop
it with file and line and write nothing, and the plain stencil builds and
boots without a panic."""
import os
import re
import subprocess
import sys
import tempfile

from qemu import TestFailure
from cases import test

SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOOL = os.path.join(SRC, "tools", "course", "stencil.py")


def stencil(args, want_rc=0):
    p = subprocess.run([sys.executable, TOOL] + args, capture_output=True,
                       text=True, timeout=120)
    if p.returncode != want_rc:
        raise TestFailure("stencil %s: expected exit %d, got %d: %s" %
                          (" ".join(args), want_rc, p.returncode,
                           p.stderr.strip()))
    return p


MARKER = re.compile(r"^\s*(/\*\s*)?(END\s+)?(STEP \d|EXTRA |STENCIL)", re.M)


def tree_text(d):
    out = {}
    for root, dirs, names in os.walk(d):
        dirs[:] = [x for x in dirs if x != ".git"]
        for n in names:
            if n.endswith((".c", ".h")):
                with open(os.path.join(root, n)) as f:
                    out[os.path.relpath(os.path.join(root, n), d)] = f.read()
    return out


@test("course")
def stencil_generates_every_step(ctx):
    with tempfile.TemporaryDirectory() as tmp:
        for upto in [None] + list(range(1, 9)):
            d = os.path.join(tmp, "s%s" % upto)
            stencil([d] + ([] if upto is None else ["--upto", str(upto)]))
            for rel, text in tree_text(d).items():
                m = MARKER.search(text)
                if m:
                    raise TestFailure("--upto %s: marker left in %s: %r" %
                                      (upto, rel, m.group(0)))
            text = tree_text(d)["proc/syscall.c"]
            forks = "return proc_fork(p);" in text
            if forks != (upto is not None and upto > 5):
                raise TestFailure("--upto %s: fork solved is %s" %
                                  (upto, forks))
            if "TODO extra, kill" not in text:
                raise TestFailure("--upto %s: kill not cut" % upto)
        d = os.path.join(tmp, "keep")
        stencil([d, "--upto", "8", "--keep-extras"])
        ref = tree_text(SRC)
        for rel, text in tree_text(d).items():
            if text != solved(ref[rel]):
                raise TestFailure("--upto 8 --keep-extras: %s is not the "
                                  "reference without its markers" % rel)


def solved(text):
    """The reference with marker lines and stencil blocks dropped."""
    out, in_stencil = [], False
    for line in text.splitlines(keepends=True):
        s = line.strip()
        if s.startswith("/* STENCIL"):
            in_stencil = True
        elif in_stencil:
            in_stencil = not s.startswith("END ")
        elif not re.match(r"/\* (STEP|EXTRA|END) ", s):
            out.append(line)
    return "".join(out)


BAD = {
    "unclosed": ("/* STEP 3: x */\nint a;\n", "a.c:1: region 3 never closed"),
    "unknown": ("/* STEP 9: x */\n/* END STEP 9 */\n", "a.c:1: unknown step"),
    "nested": ("/* STEP 1 */\n/* STEP 2 */\n/* END STEP 2 */\n"
               "/* END STEP 1 */\n", "a.c:2: region opened inside"),
    "mismatch": ("/* STEP 1 */\n/* STENCIL\nint b;\nEND STEP 2 */\n",
                 "a.c:4: END 2 closes region 1"),
    "stray-end": ("int a;\n/* END EXTRA kill */\n", "a.c:2: END kill without"),
    "malformed": ("/* STEP one */\n", "a.c:1: malformed marker"),
}


@test("course")
def stencil_bad_markers_write_nothing(ctx):
    with tempfile.TemporaryDirectory() as tmp:
        for name, (text, want) in BAD.items():
            src = os.path.join(tmp, "src-" + name)
            os.makedirs(src)
            with open(os.path.join(src, "a.c"), "w") as f:
                f.write(text)
            out = os.path.join(tmp, "out-" + name)
            p = stencil([out, "--source", src], want_rc=1)
            if want not in p.stderr:
                raise TestFailure("%s: expected %r in the error, got %r" %
                                  (name, want, p.stderr.strip()))
            left = [n for n in os.listdir(tmp) if n.startswith((".stencil",
                                                                "out-"))]
            if left:
                raise TestFailure("%s: output written: %s" % (name, left))


@test("course")
def stencil_builds_and_boots(ctx):
    with tempfile.TemporaryDirectory() as tmp:
        d = os.path.join(tmp, "stencil")
        stencil([d])
        for args in (["cmake", "-B", "build", "-G", "Ninja"],
                     ["cmake", "--build", "build"]):
            p = subprocess.run(args, cwd=d, capture_output=True, text=True,
                               timeout=600)
            if p.returncode != 0:
                raise TestFailure("stencil: %s failed: %s" %
                                  (" ".join(args), p.stdout[-2000:]))
        log = os.path.join(tmp, "log.txt")
        subprocess.run(["timeout", "30", os.path.join(d, "tools", "qemu.sh"),
                        "headless", "--build-dir", os.path.join(d, "build"),
                        "--cmdline", "run=allocators", "--log", log],
                       capture_output=True, timeout=60)
        with open(log, errors="replace") as f:
            text = f.read()
        for pid in range(1, 5):
            if not re.search(r"^spawn: pid %d " % pid, text, re.M):
                raise TestFailure("stencil: allocator pid %d not spawned" % pid)
        bad = re.search(r"^(PANIC|PAGE TABLE ERROR|USER PANIC).*", text, re.M)
        if bad:
            raise TestFailure("stencil boot: %s" % bad.group(0))
