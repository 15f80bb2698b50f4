#!/usr/bin/env python3
"""parse_log.py: grades a WeensyOS run from the memory-map dumps in its
kernel log (the MAPDUMP blocks that key `p` and the command-line word
`mapdump` write; format in README.md, "Map dumps"), by handout step:

  step1  kernel isolation: no user-accessible mapping of a kernel or
         reserved page; the console is user-accessible in every process
  step2  process isolation: user mappings above PROC_START_ADDR reach only
         user pages, never a page-table, kernel or free page; no private
         writable page is mapped by two processes
  step3  virtual page allocation: no mapping of a free page; every user
         page's reference count equals the mappings of it
  step4  overlapping address spaces: some virtual page is mapped by several
         processes, each to its own physical page (N/A when none is)
  step6  shared read-only memory: read-only user pages mapped by several
         processes are one physical page each (N/A when none is)
  step7  no leak: every user page is mapped and every page-table page
         belongs to a live process; a dump with no process left has only
         free, reserved, kernel and console pages, as many free as at boot

Each step is PASS, FAIL (with the first reasons) or N/A (the run did not
exercise it). Exit status: 0 when no step fails, 1 when one fails, 2 when
the log has no dump or a malformed one.

    tools/parse_log.py build/log.txt
    tools/parse_log.py build/log.txt --json grade.json
"""
import argparse
import json
import re
import sys

PAGESIZE = 0x1000
PROC_START_ADDR = 0x100000
CONSOLE_ADDR = 0xB8000
STEPS = [("step1", "kernel isolation"), ("step2", "process isolation"),
         ("step3", "virtual page allocation"),
         ("step4", "overlapping address spaces"),
         ("step6", "shared read-only memory"), ("step7", "no leak")]
KINDS = {"free", "reserved", "kernel", "console", "user", "pagetable"}

BEGIN = re.compile(r"^MAPDUMP BEGIN why=(\S+) shown=(\d+) procs=(\S+)$")
PAGEINFO = re.compile(r"^PAGEINFO (\d+) (\S+) (\d+) (\d+)$")
VMAP = re.compile(r"^VMAP (\d+) 0x([0-9a-f]+) 0x([0-9a-f]+) "
                  r"([P-][W-][U-][S-][C-][X-])$")
END = re.compile(r"^MAPDUMP END pages=(\d+) vmaps=(\d+)$")
BOOT_FREE = re.compile(r"^mm: (\d+) free pages of \d+ at start$")


class Malformed(Exception):
    pass


class Dump:
    def __init__(self, line_no, why, shown, procs):
        self.line_no = line_no
        self.why = why
        self.shown = shown
        self.procs = procs
        self.pages = {}  # pn -> (kind, owner, refcount)
        self.vmaps = []  # (pid, va, pa, perm)


def parse(lines):
    """The dumps in the log lines, and the boot's free page count (or
    None). Raises Malformed on a broken block."""
    dumps, cur, boot_free = [], None, None
    for no, line in enumerate(lines, 1):
        line = line.rstrip("\r\n")
        m = BOOT_FREE.match(line)
        if m and boot_free is None:
            boot_free = int(m.group(1))
        if cur is None:
            m = BEGIN.match(line)
            if m:
                procs = [] if m.group(3) == "-" else [
                    int(p) for p in m.group(3).split(",")]
                cur = Dump(no, m.group(1), int(m.group(2)), procs)
            elif line.startswith(("PAGEINFO ", "VMAP ", "MAPDUMP END")):
                raise Malformed("line %d: %r outside a MAPDUMP block" %
                                (no, line))
            continue
        if m := PAGEINFO.match(line):
            pn, kind = int(m.group(1)), m.group(2)
            if kind not in KINDS:
                raise Malformed("line %d: unknown page kind %r" % (no, kind))
            cur.pages[pn] = (kind, int(m.group(3)), int(m.group(4)))
        elif m := VMAP.match(line):
            cur.vmaps.append((int(m.group(1)), int(m.group(2), 16),
                              int(m.group(3), 16), m.group(4)))
        elif m := END.match(line):
            if int(m.group(1)) != len(cur.pages) or \
                    int(m.group(2)) != len(cur.vmaps):
                raise Malformed("line %d: the dump from line %d has %d pages "
                                "and %d vmaps, its end says %s and %s" %
                                (no, cur.line_no, len(cur.pages),
                                 len(cur.vmaps), m.group(1), m.group(2)))
            dumps.append(cur)
            cur = None
        elif line.startswith(("PAGEINFO", "VMAP", "MAPDUMP")):
            raise Malformed("line %d: malformed %r" % (no, line))
        # Anything else is another log line written in between: ignored.
    if cur is not None:
        raise Malformed("the dump from line %d has no MAPDUMP END" %
                        cur.line_no)
    return dumps, boot_free


def page_of(d, pa):
    """(kind, owner, refcount) of the page holding pa; pages past the
    managed memory count as reserved."""
    return d.pages.get(pa // PAGESIZE, ("reserved", 0, 0))


def grade_dump(d, boot_free):
    """{step: (status, [reasons])} for one dump."""
    bad = {s: [] for s, _ in STEPS}
    # What user code can reach. Below PROC_START_ADDR every process also
    # maps low memory for the kernel's own use (not user-accessible): those
    # entries are not a process's mappings of a page.
    user_vmaps = [v for v in d.vmaps if v[3][2] == "U"]
    mappings = {}  # pn -> [(pid, va, perm)] in the user range
    for pid, va, pa, perm in d.vmaps:
        if va >= PROC_START_ADDR:
            mappings.setdefault(pa // PAGESIZE, []).append((pid, va, perm))

    # step1
    for pid, va, pa, perm in user_vmaps:
        kind = page_of(d, pa)[0]
        if kind in ("kernel", "reserved"):
            bad["step1"].append("pid %d maps %s page 0x%x user-accessible at "
                                "va 0x%x" % (pid, kind, pa, va))
        elif va < PROC_START_ADDR and kind != "console":
            bad["step1"].append("pid %d maps %s page 0x%x user-accessible at "
                                "va 0x%x, below PROC_START_ADDR" %
                                (pid, kind, pa, va))
    for pid in d.procs:
        if not any(v[0] == pid and v[1] == CONSOLE_ADDR and v[3][2] == "U"
                   and page_of(d, v[2])[0] == "console" for v in d.vmaps):
            bad["step1"].append("pid %d does not map the console "
                                "user-accessible at 0x%x" % (pid,
                                                             CONSOLE_ADDR))
    # step2
    for pid, va, pa, perm in user_vmaps:
        kind = page_of(d, pa)[0]
        if va >= PROC_START_ADDR and kind != "user":
            bad["step2"].append("pid %d maps a %s page (0x%x) at va 0x%x" %
                                (pid, kind, pa, va))
    for pn, ms in mappings.items():
        writers = {pid for pid, va, perm in ms
                   if perm[1] == "W" and perm[2] == "U" and perm[3] != "S"}
        others = {pid for pid, va, perm in ms} - writers
        if writers and (len(writers) > 1 or others):
            bad["step2"].append("private writable page 0x%x is mapped by "
                                "pids %s" % (pn * PAGESIZE, sorted(
                                    writers | others)))
    # step3
    for pid, va, pa, perm in d.vmaps:
        if page_of(d, pa)[0] == "free" and (va >= PROC_START_ADDR or
                                             perm[2] == "U"):
            bad["step3"].append("pid %d maps free page 0x%x at va 0x%x" %
                                (pid, pa, va))
    for pn, (kind, owner, ref) in d.pages.items():
        if kind == "user" and ref != len(mappings.get(pn, [])):
            bad["step3"].append("user page 0x%x has refcount %d but %d "
                                "mappings" % (pn * PAGESIZE, ref,
                                              len(mappings.get(pn, []))))
    # step4: the same va in several processes, each to its own page.
    by_va = {}
    for pid, va, pa, perm in user_vmaps:
        if va >= PROC_START_ADDR:
            by_va.setdefault(va, {})[pid] = pa
    overlapping = [va for va, m in by_va.items()
                   if len(m) > 1 and len(set(m.values())) == len(m)]
    # step6: read-only user pages mapped by several processes.
    shared_ro = [pn for pn, ms in mappings.items()
                 if len({pid for pid, va, perm in ms if perm[2] == "U" and
                         perm[1] == "-" and perm[4] == "-" and
                         va >= PROC_START_ADDR}) > 1]
    for pn in shared_ro:
        kind, owner, ref = page_of(d, pn * PAGESIZE)
        if ref != len(mappings[pn]):
            bad["step6"].append("shared read-only page 0x%x has refcount %d "
                                "for %d mappings" % (pn * PAGESIZE, ref,
                                                     len(mappings[pn])))
    # step7
    live = set(d.procs)
    for pn, (kind, owner, ref) in d.pages.items():
        if kind == "user" and not mappings.get(pn):
            bad["step7"].append("user page 0x%x (owner %d, refcount %d) is "
                                "mapped by no process: leaked" %
                                (pn * PAGESIZE, owner, ref))
        if kind == "pagetable" and owner not in live:
            bad["step7"].append("page-table page 0x%x belongs to pid %d, "
                                "which is not alive: leaked" %
                                (pn * PAGESIZE, owner))
    if not d.procs:
        free = sum(1 for k, _, _ in d.pages.values() if k == "free")
        if boot_free is not None and free != boot_free:
            bad["step7"].append("no process is left but %d pages are free, "
                                "%d at boot" % (free, boot_free))

    result = {}
    for step, _ in STEPS:
        if bad[step]:
            result[step] = ("FAIL", bad[step])
        elif step == "step4" and not overlapping:
            result[step] = ("N/A", ["no virtual page is mapped by two "
                                    "processes"])
        elif step == "step6" and not shared_ro:
            result[step] = ("N/A", ["no read-only page is mapped by two "
                                    "processes"])
        elif step in ("step1", "step2", "step4", "step6") and not d.procs:
            result[step] = ("N/A", ["no process was alive"])
        else:
            result[step] = ("PASS", [])
    return result


def combine(results):
    """A step fails if any dump fails it, passes if some dump passes it and
    none fails it, else N/A."""
    out = {}
    for step, _ in STEPS:
        got = [r[step] for r in results]
        fails = [reason for status, reasons in got if status == "FAIL"
                 for reason in reasons]
        if fails:
            out[step] = ("FAIL", fails)
        elif any(status == "PASS" for status, _ in got):
            out[step] = ("PASS", [])
        else:
            out[step] = ("N/A", got[0][1] if got else [])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("log", nargs="?", default="build/log.txt",
                    help="kernel log (default build/log.txt)")
    ap.add_argument("--json", metavar="FILE",
                    help="also write the grades as JSON to FILE")
    args = ap.parse_args()
    try:
        with open(args.log, errors="replace") as f:
            dumps, boot_free = parse(f)
    except OSError as e:
        print("parse_log: %s" % e, file=sys.stderr)
        return 2
    except Malformed as e:
        print("parse_log: %s: %s" % (args.log, e), file=sys.stderr)
        return 2
    if not dumps:
        print("parse_log: %s: no MAPDUMP block (press p, or boot with "
              "mapdump)" % args.log, file=sys.stderr)
        return 2
    results = [grade_dump(d, boot_free) for d in dumps]
    for d, r in zip(dumps, results):
        print("dump at line %d (why=%s, procs=%s, shown=%d): %s" %
              (d.line_no, d.why, ",".join(map(str, d.procs)) or "-",
               d.shown, " ".join("%s %s" % (s, r[s][0]) for s, _ in STEPS)))
    total = combine(results)
    for step, title in STEPS:
        status, reasons = total[step]
        print("%s %-27s %s" % (step, title, status))
        for reason in reasons[:5]:
            print("    " + reason)
        if len(reasons) > 5:
            print("    ... and %d more" % (len(reasons) - 5))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"dumps": len(dumps),
                       "steps": {s: {"title": t, "status": total[s][0],
                                     "reasons": total[s][1]}
                                 for s, t in STEPS}}, f, indent=2)
    return 1 if any(v[0] == "FAIL" for v in total.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
