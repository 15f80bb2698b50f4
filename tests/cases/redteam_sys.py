"""redteam_sys.py: hostile programs against the system call surface and
memory: restarted calls under hostile timing, the process limit, shared
pages and the leak check."""
import re

from qemu import TestFailure
from cases import test, need_log, run_program, user

NO_LEAK = r"^mm: all \d+ pages back, no leak$"


def user_streams(log):
    """Each pid's log() bytes, its lines joined (the kernel cuts a user
    line whenever someone else writes, so line ends say nothing)."""
    streams = {}
    for pid, text in re.findall(r"^\[pid (\d+)\] (.*)$", log, re.M):
        streams[pid] = streams.get(pid, "") + text
    return streams


@test("robustness", "extras")
def redteam_log_restart_every_slot(ctx):
    """Every slot but pid 1's holds a logger in the middle of a restarted
    log() while pid 1 forks at the limit (E_AGAIN), kills loggers at random
    turns, rewrites and remaps the pages it shares with them, and refills
    the freed slots (t-rsyslog), with copy-on-write fork. Each logger that
    finished must have written its whole buffer from its own first line
    (B, LINES-2 M, E lines with its serial): a killed predecessor's
    progress in the same slot must not carry over. Nothing may leak."""
    log = run_program(ctx, "rsys-lograce", "t-rsyslog", extra="cow")
    m = re.search(user(r"t-rsyslog: (\d+) loggers started, (\d+) killed, "
                       r"(\d+) E_AGAIN, (\d+) lines each$", 1), log, re.M)
    if not m:
        need_log(log, user("t-rsyslog: .* loggers started"),
                 "t-rsyslog's summary line")
    started, killed, eagain, lines = (int(g) for g in m.groups())
    need_log(log, NO_LEAK, "the leak check")
    if eagain == 0:
        raise TestFailure("fork never met the process limit (no E_AGAIN)")

    def record(kind, serial):
        return "%c%05d %s" % (kind, serial, "x" * 56)

    streams = "\n".join(user_streams(log).values())
    ended = sorted({int(s) for s in re.findall(r"E(\d{5}) x{56}", streams)})
    begun = {int(s) for s in re.findall(r"B(\d{5}) x{56}", streams)}
    for s in ended:
        whole = (record("B", s) + record("M", s) * (lines - 2) +
                 record("E", s))
        if whole not in streams:
            raise TestFailure("logger %d reached its last line, but its "
                              "log() did not write its whole buffer in "
                              "order (want B, %d M, E)" % (s, lines - 2))
    cut = begun - set(ended)
    if not cut:
        raise TestFailure("no logger was killed in the middle of its "
                          "log(): the attack did not happen")
    if len(ended) + killed < started - 14:
        raise TestFailure("%d loggers started, only %d finished and %d "
                          "were killed" % (started, len(ended), killed))


@test("robustness", "extras")
def redteam_kfail_shared_cow_mix(ctx):
    """Fault injection over a process holding every kind of page (private,
    MAP_SHARED writable and read-only, copy-on-write) that forks twice;
    each child writes, page_frees a shared page, remaps over it and
    page_allocs over a copy-on-write page (t-rsysfail, with cow). A probe
    run finds where the forks and the children's maps allocate; then the
    allocation in the middle and at the end of each fork, the children's
    maps and the copy-on-write faults after them fail in turn: every
    refused call must leave the data intact and the kernel must get every
    page back."""
    probe = run_program(ctx, "rsys-kfail-probe", "t-rsysfail", extra="cow")
    forks = [(int(a), int(b)) for a, b in re.findall(
        r"^fork: pid 1 -> pid \d+ \(kallocs (\d+)-(\d+)\)$", probe, re.M)]
    maps = [int(a) for a in re.findall(
        r"^map: pid [2-9] 0x[0-9a-f]+ \+1 pages \(kallocs (\d+)-\d+\)$",
        probe, re.M)]
    if len(forks) != 2 or not maps:
        raise TestFailure("the probe run should show two forks by pid 1 "
                          "and a child's map; got %r and %r" % (forks, maps))
    points = sorted({(forks[0][0] + forks[0][1]) // 2, forks[0][1],
                     forks[1][1], maps[0], maps[-1] + 1, maps[-1] + 2})
    for n in points:
        log = run_program(ctx, "rsys-kfail-%d" % n, "t-rsysfail",
                          extra="cow kfail=%d" % n)
        need_log(log, NO_LEAK, "the leak check with kfail=%d" % n)
        if not re.search(user("t-rsysfail: ok", 1), log, re.M):
            raise TestFailure("kfail=%d: pid 1 did not finish with its "
                              "data intact" % n)


@test("robustness", "extras")
def redteam_log_reentered_same_syscall(ctx):
    """On a CPU without NX a MAP_SHARED page is executable: a process runs
    a long log() of '-' from one, and its child overwrites that `syscall`
    while the call is between two 256-byte chunks. The process then fills
    the same buffer with '+', puts the `syscall` back and calls log()
    again from the same instruction with the same arguments, no other
    log() in between (t-logreenter). That is a new call: it must return
    its length having written all 1,023 '+' (and its newline), not resume
    the abandoned call's progress and skip its own first chunk."""
    log = run_program(ctx, "redteam-logreenter", "t-logreenter",
                      qemu_args=("-cpu", "qemu64,-nx"))
    need_log(log, r"^cpu: NX not offered", "NX reported absent")
    need_log(log, user(r"t-logreenter: ok$", 1), "t-logreenter's verdict")
    plus = user_streams(log).get("1", "").count("+")
    if plus != 1023:
        raise TestFailure("the second log() returned its length 1024 but "
                          "the log shows %d of its 1,023 '+' bytes (want "
                          "all: it is a new call, not the abandoned one's "
                          "restart)" % plus)
