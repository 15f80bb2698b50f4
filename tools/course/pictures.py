#!/usr/bin/env python3
"""pictures.py: renders the handout's figures: what the memory viewer shows
in the stencil's initial state and once each step is done, as a PNG (the
last frame) and an animated GIF (a frame every half second), so a handout
shows exactly what "done" looks like.

    tools/weensy pictures DIR [--stages initial,step1,...] [--seconds S]

Each stage is a tree: `initial` the stencil (tools/weensy stencil), stepN
the stencil with steps 1..N solved (--upto N+1), step7 this tree (the
reference). Each tree is built in DIR/trees/, booted headless in QEMU in
its step's scenario, and its screen read from guest memory (the test
harness's screen read, tests/harness/qemu.py). Writes DIR/STAGE.png and
DIR/STAGE.gif; exits 1 if any stage failed (and says why).
"""
import argparse
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "harness"))
import screen2png  # noqa: E402
from qemu import Machine, ROWS, COLS  # noqa: E402

# stage -> (what the handout shows there, --upto for the stencil or None
# for this tree, the scenario to boot)
STAGES = [
    ("initial", "the handout's initial state", 1, "allocators"),
    ("step1", "after step 1: kernel isolation", 2, "allocators"),
    ("step2", "after step 2: isolated address spaces", 3, "allocators"),
    ("step3", "after step 3: virtual page allocation", 4, "allocators"),
    ("step4", "after step 4: overlapping address spaces", 5, "allocators"),
    ("step5", "after step 5: fork", 6, "fork"),
    ("step6", "after step 6: shared read-only memory", 7, "fork"),
    ("step7", "after step 7: freeing memory (the reference)", None, "exit"),
]


class Ctx:
    """What tests/harness/qemu.py's Machine needs to know."""

    def __init__(self, build):
        self.build = build
        self.iso = os.path.join(build, "weensyos.iso")
        self.qemu = os.environ.get("WEENSY_QEMU", "qemu-system-x86_64")
        self.kvm = False


def sh(cmd, what, timeout=900):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise RuntimeError("%s: `%s` failed:\n%s" % (what, " ".join(cmd),
                                                     p.stdout[-3000:]))
    return p.stdout


def tree_for(stage_upto, trees, name):
    """The source tree of a stage: this tree, or a stencil made of it."""
    if stage_upto is None:
        return ROOT
    dst = os.path.join(trees, name)
    shutil.rmtree(dst, ignore_errors=True)
    cmd = [os.path.join(ROOT, "tools", "weensy"), "stencil", dst]
    if stage_upto > 1:
        cmd += ["--upto", str(stage_upto)]
    sh(cmd, "making the %s stencil" % name)
    return dst


def build(src, bld):
    if not os.path.exists(os.path.join(bld, "CMakeCache.txt")):
        sh(["cmake", "-S", src, "-B", bld, "-G", "Ninja"], "configuring")
    sh(["cmake", "--build", bld], "building " + src)


def frames(bld, scenario, seconds, name):
    """Boots bld's ISO in scenario; returns a Screen every half second."""
    shots = []
    with Machine(Ctx(bld), "pictures-" + name, "run=" + scenario,
                 timeout=seconds + 120) as m:
        m.wait_log(r"^spawn: pid 1 ", what="the first process")
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            s = m.screen()
            attrs = [[a for a in row] for row in s.attrs]
            shots.append(screen2png.Screen(list(s.chars), attrs))
            time.sleep(0.5)
    return shots


def main():
    ap = argparse.ArgumentParser(prog="tools/weensy pictures",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--stages", default=",".join(s[0] for s in STAGES),
                    help="comma-separated, from: " +
                    ",".join(s[0] for s in STAGES))
    ap.add_argument("--seconds", type=float, default=7.0,
                    help="how long each stage is filmed (default 7)")
    ap.add_argument("--scale", type=int, default=2)
    a = ap.parse_args()
    wanted = a.stages.split(",")
    known = {s[0]: s for s in STAGES}
    bad = [w for w in wanted if w not in known]
    if bad:
        ap.error("unknown stages: %s" % ",".join(bad))
    out = os.path.abspath(a.dir)
    trees = os.path.join(out, "trees")
    os.makedirs(trees, exist_ok=True)
    failed = 0
    for name in wanted:
        _, caption, upto, scenario = known[name]
        try:
            src = tree_for(upto, trees, name)
            bld = (os.environ.get("WEENSY_BUILD_DIR",
                                  os.path.join(ROOT, "build")) if src == ROOT
                   else os.path.join(trees, name + "-build"))
            build(src, bld)
            shots = frames(bld, scenario, a.seconds, name)
            if not shots:
                raise RuntimeError("no screen was read")
            rendered = [screen2png.render(s, a.scale) for s in shots]
            png = os.path.join(out, name + ".png")
            gif = os.path.join(out, name + ".gif")
            screen2png.write_png(png, *rendered[-1])
            screen2png.write_gif(gif, rendered, 50)
            print("%s: %s, %s (%d frames): %s" % (name, png, gif,
                                                  len(rendered), caption))
        except Exception as e:
            failed += 1
            print("%s: FAILED: %s" % (name, e), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
