#!/usr/bin/env python3
"""stencil.py: writes the student stencil from the reference tree.

Marker syntax (C sources). A region holds one step's solution; the stencil
code for the same place follows it in a comment block:

    /* STEP 3: virtual page allocation */
    ...the reference's solution...
    /* STENCIL
    ...the stencil's code (real C, no comment closer inside)...
    END STEP 3 */

Without stencil code (the stencil just lacks the solution), close with a
line `/* END STEP 3 */` instead. Extras use `EXTRA NAME` in place of
`STEP N` (NAME: kill, sleep, page_free, map, cow). Each marker is alone on
its line; regions do not nest. In the stencil a cut region becomes its
stencil code under a short comment naming the handout step; a kept region
becomes its solution. Marker lines never reach the stencil.

Usage: stencil.py DIR [--upto N] [--keep-extras] [--source TREE]
                  [--reference-screens SCREENS]

The reference's last screens of the tests (`tools/weensy grade
--reference-screens tools/course/reference-screens` on the reference makes
them; they are build output, not tracked) go into the stencil's
tools/course/reference-screens, where its grader's HTML report finds the
picture to show beside a failed test's: from SCREENS if given, else from
the source tree's tools/course/reference-screens if it has them.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap

STEPS = {
    "1": "kernel isolation: map kernel memory so that user code cannot "
         "touch it (the console page stays user-accessible)",
    "2": "isolated address spaces: give each process its own page table "
         "holding the kernel's mappings and its own pages only",
    "3": "virtual page allocation: back each user page with any free "
         "physical page, not the one at the same address",
    "4": "overlapping address spaces: put every process's stack at the "
         "top of its own address space",
    "5": "fork: copy the parent's address space and registers into a "
         "new process",
    "6": "shared read-only memory: let fork share read-only pages instead "
         "of copying them",
    "7": "freeing memory: exit must give back every page of the process, "
         "and a failed fork every page it took",
}
EXTRAS = {
    "kill": "kill: end another process as exit would",
    "sleep": "sleep: block the caller for a number of timer ticks",
    "page_free": "page_free: unmap one user page",
    "map": "map: a page_alloc for ranges, kernel-chosen addresses, "
           "read-only and shared pages",
    "cow": "copy-on-write fork: share private pages until one is written",
}

ID = r"(STEP (?P<step>\d+)|EXTRA (?P<extra>[a-z_]+))"
OPEN = re.compile(r"^\s*/\* " + ID + r"(: [^*]*)? \*/\s*$")
STENCIL = re.compile(r"^\s*/\* STENCIL\s*$")
END_BLOCK = re.compile(r"^\s*END " + ID + r" \*/\s*$")
END_PLAIN = re.compile(r"^\s*/\* END " + ID + r" \*/\s*$")
LOOKS = re.compile(r"^\s*(/\*\s*)?(END\s+)?(STEP|EXTRA|STENCIL)\b")
SOURCE_EXT = (".c", ".h", ".asm")


class MarkerError(Exception):
    pass


def region_id(m):
    return m.group("step") or m.group("extra")


def indent_of(line):
    return len(line) - len(line.lstrip(" "))


def check_id(rid, path, n):
    if rid not in STEPS and rid not in EXTRAS:
        raise MarkerError("%s:%d: unknown step '%s'" % (path, n, rid))


def transform(text, path, cut):
    """Returns text with each region replaced; cut(rid) says whether the
    region's solution is cut. Raises MarkerError naming path and line."""
    out = []
    state = None  # None, "solution", "stencil"
    rid = start = None
    for n, line in enumerate(text.splitlines(keepends=True), 1):
        mo, ms = OPEN.match(line), STENCIL.match(line)
        me = END_BLOCK.match(line) or END_PLAIN.match(line)
        if mo:
            if state:
                raise MarkerError("%s:%d: region opened inside %s (opened "
                                  "at line %d)" % (path, n, rid, start))
            rid, start, state = region_id(mo), n, "solution"
            open_indent = indent_of(line)
            check_id(rid, path, n)
            if cut(rid):
                indent = line[:len(line) - len(line.lstrip())]
                out.append(wrap_comment(comment_for(rid), indent))
        elif ms:
            if state != "solution":
                raise MarkerError("%s:%d: STENCIL outside a region" % (path, n))
            state = "stencil"
            shift = indent_of(line) - open_indent
        elif me:
            end_id = region_id(me)
            check_id(end_id, path, n)
            block = END_BLOCK.match(line) is not None
            if not state:
                raise MarkerError("%s:%d: END %s without a region" %
                                  (path, n, end_id))
            if end_id != rid:
                raise MarkerError("%s:%d: END %s closes region %s (opened "
                                  "at line %d)" % (path, n, end_id, rid, start))
            if block != (state == "stencil"):
                raise MarkerError("%s:%d: %s" % (path, n, (
                    "END inside a STENCIL block must be `END ... */`"
                    if state == "stencil" else
                    "END without a STENCIL block must be `/* END ... */`")))
            state = rid = None
        elif LOOKS.match(line):
            raise MarkerError("%s:%d: malformed marker: %s" %
                              (path, n, line.strip()))
        elif state == "stencil":
            if "*/" in line:
                raise MarkerError("%s:%d: '*/' inside STENCIL code of %s" %
                                  (path, n, rid))
            if cut(rid):
                # clang-format may indent the block deeper than the region
                # (inside a brace the solution opens): undo that.
                out.append(line[shift:] if line[:shift].isspace() else line)
        elif state == "solution":
            if not cut(rid):
                out.append(line)
        else:
            out.append(line)
    if state:
        raise MarkerError("%s:%d: region %s never closed" % (path, start, rid))
    return "".join(out)


def comment_for(rid):
    if rid in STEPS:
        return "TODO handout step %s, %s." % (rid, STEPS[rid])
    return "TODO extra, %s." % EXTRAS[rid]


def wrap_comment(text, indent):
    """A block comment in the project's style, inside 80 columns."""
    lines = textwrap.wrap(text, 80 - len(indent) - 6)
    body = ("\n" + indent + " * ").join(lines)
    return indent + "/* " + body + " */\n"


def tracked_files(src):
    try:
        r = subprocess.run(["git", "-C", src, "ls-files", "-z"], check=True,
                           capture_output=True)
        files = [f for f in r.stdout.decode().split("\0") if f]
        if files:
            return [f for f in files if os.path.isfile(os.path.join(src, f))]
    except (OSError, subprocess.CalledProcessError):
        pass
    files = []
    for root, dirs, names in os.walk(src):
        dirs[:] = [d for d in dirs if d != ".git" and not d.startswith("build")]
        for name in names:
            files.append(os.path.relpath(os.path.join(root, name), src))
    return sorted(files)


SCREENS_REL = os.path.join("tools", "course", "reference-screens")


def reference_screens(src, screens):
    """[(path, name)] of the screens (NAME.bin) and durations.json to ship:
    from screens if given (it must exist), else src's own if any."""
    d = screens or os.path.join(src, SCREENS_REL)
    if screens and not os.path.isdir(screens):
        raise MarkerError("--reference-screens %s: not a directory" % screens)
    if not os.path.isdir(d):
        return []
    return [(os.path.join(d, n), n) for n in sorted(os.listdir(d))
            if (n.endswith(".bin") or n == "durations.json") and
            os.path.isfile(os.path.join(d, n))]


def generate(src, dest, upto=None, keep_extras=False, screens=None):
    """Writes the stencil of tree src into dest (which must not exist).
    Nothing is written when a marker is wrong. Returns the number of
    reference screens shipped."""
    def cut(rid):
        if rid in EXTRAS:
            return not keep_extras
        return upto is None or int(rid) >= upto

    shipped = reference_screens(src, screens)
    outputs = {}
    for rel in tracked_files(src):
        path = os.path.join(src, rel)
        if rel.endswith(SOURCE_EXT):
            with open(path, encoding="utf-8") as f:
                outputs[rel] = transform(f.read(), rel, cut)
        else:
            outputs[rel] = None
    if os.path.exists(dest):
        raise MarkerError("%s already exists" % dest)
    parent = os.path.dirname(os.path.abspath(dest))
    tmp = tempfile.mkdtemp(prefix=".stencil-", dir=parent)
    try:
        for rel, text in outputs.items():
            out = os.path.join(tmp, rel)
            os.makedirs(os.path.dirname(out), exist_ok=True)
            if text is None:
                shutil.copy2(os.path.join(src, rel), out)
            else:
                with open(out, "w", encoding="utf-8") as f:
                    f.write(text)
                shutil.copymode(os.path.join(src, rel), out)
        student = os.path.join(src, "STUDENT.md")
        if os.path.exists(student):
            shutil.copy2(student, os.path.join(tmp, "README.md"))
        if shipped:
            os.makedirs(os.path.join(tmp, SCREENS_REL), exist_ok=True)
        for path, name in shipped:
            shutil.copy2(path, os.path.join(tmp, SCREENS_REL, name))
        make_repo(tmp)
        os.rename(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return sum(name.endswith(".bin") for _, name in shipped)


def make_repo(tmp):
    if not shutil.which("git"):
        return
    env = dict(os.environ, GIT_AUTHOR_NAME="weensy", GIT_COMMITTER_NAME="weensy",
               GIT_AUTHOR_EMAIL="weensy@localhost",
               GIT_COMMITTER_EMAIL="weensy@localhost")
    for cmd in (["init", "-q"], ["add", "-A"],
                ["commit", "-q", "-m", "WeensyOS stencil"]):
        subprocess.run(["git", "-C", tmp] + cmd, check=True, env=env,
                       capture_output=True)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="weensy stencil",
                                 description="Write the student stencil.")
    ap.add_argument("dir")
    ap.add_argument("--upto", type=int, metavar="N",
                    help="steps 1..N-1 stay solved; N and later are cut")
    ap.add_argument("--keep-extras", action="store_true")
    ap.add_argument("--reference-screens", metavar="DIR",
                    help="the reference's screens to ship (default: the "
                         "source's tools/course/reference-screens, if any)")
    ap.add_argument("--source", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    a = ap.parse_args(argv)
    if a.upto is not None and not 1 <= a.upto <= 8:
        ap.error("--upto takes 1 to 8")
    try:
        n = generate(os.path.abspath(a.source), a.dir, a.upto,
                     a.keep_extras, a.reference_screens)
    except MarkerError as e:
        print("weensy stencil: %s" % e, file=sys.stderr)
        return 1
    print("weensy stencil: wrote %s" % a.dir)
    if n:
        print("weensy stencil: with %d reference screens in %s" % (
            n, SCREENS_REL))
    else:
        print("weensy stencil: no reference screens shipped: its grade's "
              "HTML report will show no reference picture (make them with "
              "`tools/weensy grade --reference-screens %s` here first)" %
              SCREENS_REL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
