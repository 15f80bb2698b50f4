"""serialkeys.py: keys from the serial line. Bytes a terminal sends to
COM1 are the viewer's keys, the same as the PS/2 and USB keyboards give:
they switch scenarios with every page back, `q` powers off, an upper-case
letter is its key (as shift does nothing on the keyboards), and nothing
else is a key: not CR/LF or other control bytes, not punctuation, not the
escape sequences of arrows and function keys. A hostile line (10,000
random bytes, break conditions) never hangs, panics or leaks the kernel,
and logs a bounded number of lines. The kernel log keeps flowing out of
the same port meanwhile.

The harness serves COM1 on a socket (Machine(serial_keys=True)); a user
gets the same with `tools/qemu.sh headless --serial-keys`, whose terminal
is the serial console (workflow test below)."""
import os
import random
import re
import subprocess
import time

from qemu import DEFAULTS, Machine, TestFailure
from cases import (BIOS_TIMEOUT, UEFI_TIMEOUT, test, need, refuse, clean_log,
                   host_unit_test, switch_by_keys)

SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
QEMU_SH = os.path.join(SRC, "tools", "qemu.sh")
NO_PS2 = DEFAULTS["QEMU_MACHINE_NO_PS2"]
RX_ON = r"^serial: COM1 receive on \(IRQ 4\)"
# serial.c logs this many line errors one by one, then one line saying it
# stops.
ERRORS_LOGGED = 4


def bound_keys():
    """Every key the kernel acts on: the scenario keys of
    kernel/scenarios.def, and x, d, p, q."""
    with open(os.path.join(SRC, "kernel", "scenarios.def")) as f:
        keys = re.findall(r"^SCENARIO\(\w+, '(.)'", f.read(), re.M)
    return set(keys) | set("xdpq")


def serial_machine(ctx, name, machine=None, firmware="bios"):
    return Machine(ctx, name, "test run=allocators", machine=machine,
                   firmware=firmware, serial_keys=True,
                   timeout=UEFI_TIMEOUT if firmware == "uefi" else
                   BIOS_TIMEOUT)


def log_whole(m, log):
    """The log came through the socket byte for byte: every module line
    (there are dozens, written in a burst) has its exact form."""
    lines = re.findall(r"^boot: mo.*$", log, re.M)
    bad = [l for l in lines if not re.match(
        r"^boot: module '[\w.-]+' \d+ bytes, loaded at 0x[0-9a-f]+, copied "
        r"to 0x[0-9a-f]+$", l)]
    if len(lines) < 10 or bad:
        m.fail("the log is not byte-exact: %d module lines, malformed: %s" %
               (len(lines), bad[:3]))


def switch_scenarios(m):
    """keys-switch-scenarios over COM1: F (upper case: the f key), e, k, a,
    each with the CR LF a terminal's Enter sends after it, each a soft
    reboot with no leak; then q powers off."""
    m.wait_log(RX_ON, what="COM1's receive interrupt turned on")
    log_whole(m, m.log())
    m.wait_log(r"^spawn: pid 4 ", what="the allocators")
    switch_by_keys(m, m.serial_write, [b"F\r\n", b"e\r", b"\nk", b"a"],
                   "over COM1")
    keys = re.findall(r"^key '(.)'", m.log(), re.M)
    if keys != ["f", "e", "k", "a"]:
        m.fail("expected exactly the keys f e k a in the log, got %s" % keys)
    s = m.screen()
    if "PAGE TABLE ERROR" in s.text():
        m.fail("page-table error on screen:\n" + s.text())
    clean_log(m)
    m.serial_write(b"q")
    m.expect("poweroff")
    need(m, r"^poweroff: key 'q'", "the power-off by key q")


@test("modern", "keys")
def serial_keys_switch_scenarios(ctx):
    """The pc machine (PS/2 present too): keys from COM1 switch scenarios
    with no leak, q powers off."""
    with serial_machine(ctx, "serial-keys-pc") as m:
        switch_scenarios(m)


@test("modern", "keys")
def serial_keys_switch_scenarios_no_ps2(ctx):
    """q35 without an i8042 (no PS/2 keyboard, no USB one): the serial line
    is the only source of keys, and it is enough."""
    with serial_machine(ctx, "serial-keys-q35", machine=NO_PS2) as m:
        m.wait_log(r"^ps2: no controller", what="no PS/2 controller")
        switch_scenarios(m)


@test("modern", "keys")
def serial_keys_switch_scenarios_no_ps2_uefi(ctx):
    """The same under OVMF, which writes to COM1 itself before the kernel
    (and may read it): once the kernel runs, its keys are the kernel's."""
    with serial_machine(ctx, "serial-keys-q35-uefi", machine=NO_PS2,
                        firmware="uefi") as m:
        m.wait_log(r"^ps2: no controller", what="no PS/2 controller")
        switch_scenarios(m)


@test("modern", "keys", "robustness")
def serial_keys_escape_sequences_do_nothing(ctx):
    """A terminal's arrows, function keys, Home/End, bracketed paste,
    Ctrl-letter control bytes, DEL, bytes above 0x7F and punctuation are
    no key (an arrow's ESC [ A must never read as key a, F1's ESC O P never
    as p, Ctrl-Right's ESC [ 1 ; 5 C never as c); then f still works."""
    junk = (b"\x1b[A\x1b[B\x1b[C\x1b[D"         # arrows: would be a b c d
            b"\x1b[1;5C\x1b[1;2D"              # ctrl/shift arrows
            b"\x1bOP\x1bOQ\x1bOR\x1bOS"         # F1-F4: would be p q r s
            b"\x1b[15~\x1b[24~\x1b[H\x1b[F"     # F5, F12, Home, End
            b"\x1b[200~\x1b[201~"              # bracketed paste
            b"\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15E"  # a long one
            b"\x01\x03\x04\x06\x11\x18\x1a\x7f"  # ^A ^C ^D ^F ^Q ^X ^Z DEL
            b"\x80\xe1\xf1\xfe\xff"             # high bytes (Latin-1 a, q)
            b"!@#$%^&*()-_=+[]{};:'\",.<>/?\\|`~\r\n\t")
    with serial_machine(ctx, "serial-keys-escapes") as m:
        m.wait_log(RX_ON, what="COM1's receive interrupt turned on")
        m.wait_log(r"^spawn: pid 4 ", what="the allocators")
        m.serial_write(junk + b"f")
        # Bytes are taken in order: once f is acted on, all before it was.
        m.wait_log(r"^key 'f': soft reboot into 'fork'",
                   what="key f after the junk")
        refuse(m, r"^(poweroff:|SCREEN BEGIN|MAPDUMP BEGIN)",
               "a key acted on from escape sequences, control bytes or "
               "punctuation")
        keys = re.findall(r"^key '(.)'", m.log(), re.M)
        if keys != ["f"]:
            m.fail("expected key f alone, got keys %s: the junk before it "
                   "was read as keys" % keys)
        m.wait_log(r"^mm: all \d+ pages back, no leak", what="no leak")
        clean_log(m)
        m.serial_write(b"q")
        m.expect("poweroff")


@test("modern", "keys", "robustness")
def serial_keys_decoder(ctx):
    """arch/x86_64/serialkeys.c with the host's cc (AddressSanitizer where
    there is one), tests/host/serialkeys_test.c: each of the 256 byte
    values alone, escape sequences, control bytes ending them, Alt+key,
    and a million random bytes, each answer a key or none."""
    r = host_unit_test(ctx, "serialkeys_test", ["arch/x86_64/serialkeys.c"])
    if r.returncode != 0 or not re.search(r"\d+ checks, 0 failed", r.stdout):
        raise TestFailure("serialkeys_test failed (status %d):\n%s%s" %
                          (r.returncode, r.stdout, r.stderr[-3000:]))


ERROR_LINE = r"^serial: line error \(status 0x[0-9a-f]{2}:.*break.*\); byte dropped$"
MORE_LINE = r"^serial: more line errors; not logged$"
DUMP_ROW = r"S\|[ -~]{80}\|\nA\|[0-9a-f]{160}\|\n"


def whole_dumps(m, count):
    """Waits for count screen dumps; fails unless each is whole (25 rows
    of text and attributes), as it must be when the kernel writes it from
    the receive interrupt while more bytes arrive on the same port."""
    m.wait_log(r"^SCREEN END$", count=count, what="%d screen dumps (key d)" %
               count)
    dumps = re.findall(r"^SCREEN BEGIN\n(.*?)^SCREEN END$", m.log(),
                       re.M | re.S)
    broken = [i for i, d in enumerate(dumps)
              if not re.fullmatch("(?:%s){25}" % DUMP_ROW, d)]
    if len(dumps) != count or broken:
        m.fail("expected %d whole screen dumps (25 rows of text and "
               "attributes each); got %d, broken: %s" %
               (count, len(dumps), broken))


def line_errors(m):
    log = m.log()
    return (len(re.findall(ERROR_LINE, log, re.M)),
            len(re.findall(MORE_LINE, log, re.M)))


def hostile_flood(m):
    """10,000 random bytes (every value but the bound keys, in either
    case) with 12 break conditions among them, while the allocators run;
    then breaks one at a time until the kernel stops logging them, and
    more: the kernel goes on, acts on no key, logs at most four line
    errors and one line saying it stops, and writes whole screen dumps
    (keys d among more junk) while bytes arrive; then f and q work."""
    rng = random.Random(15)
    bound = bound_keys()
    banned = {ord(k) for k in bound} | {ord(k.upper()) for k in bound}
    alphabet = bytes(b for b in range(256) if b not in banned)

    def junk(n):
        return bytes(rng.choice(alphabet) for _ in range(n))
    m.wait_log(RX_ON, what="COM1's receive interrupt turned on")
    m.wait_log(r"^spawn: pid 4 ", what="the allocators")
    lines_before = len(m.log().splitlines())
    for chunk in range(12):
        m.serial_write(junk(833))
        m.serial_break()
    # A half-received escape sequence ends at a control byte (CR), so the
    # d after it is a key: its dump says the flood before it was drained.
    m.serial_write(junk(4) + b"\rd")
    whole_dumps(m, 1)
    clean_log(m)
    refuse(m, r"^(key '|poweroff:)", "a key acted on from the flood")
    errors, more = line_errors(m)
    # Breaks that come while the FIFO is not read merge into one.
    if not 1 <= errors <= ERRORS_LOGGED or more > (errors == ERRORS_LOGGED):
        m.fail("expected 1 to %d 'serial: line error' lines naming the break "
               "(and 'more line errors' only after %d), got %d and %d" %
               (ERRORS_LOGGED, ERRORS_LOGGED, errors, more))
    # One break at a time: each is logged until the fourth, then one line
    # says the rest are not.
    for _ in range(ERRORS_LOGGED + 1):
        if more:
            break
        m.serial_break()
        m.wait_log(r"%s|%s" % (ERROR_LINE, MORE_LINE),
                   count=errors + more + 1, what="the break logged")
        errors, more = line_errors(m)
    if (errors, more) != (ERRORS_LOGGED, 1):
        m.fail("expected %d line-error lines then one 'more line errors', "
               "got %d and %d" % (ERRORS_LOGGED, errors, more))
    serial_lines = len(re.findall(r"^serial:", m.log(), re.M))
    # Many more breaks and bytes, with keys d among them.
    for chunk in range(6):
        m.serial_break()
        m.serial_write(junk(300) + (b"\rd" if chunk % 2 else b""))
    whole_dumps(m, 4)
    if len(re.findall(r"^serial:", m.log(), re.M)) != serial_lines:
        m.fail("the kernel logged more 'serial:' lines after saying it "
               "would not")
    new_lines = len(m.log().splitlines()) - lines_before
    if new_lines > 4 * 52 + 60:
        m.fail("the log grew by %d lines during the flood (four screen "
               "dumps and a bounded few expected)" % new_lines)
    refuse(m, r"^(key '|poweroff:)", "a key acted on from the flood")
    m.serial_write(b"\rf")
    m.wait_log(r"^key 'f': soft reboot into 'fork'",
               what="key f after the flood (the line must still work)")
    m.wait_log(r"^mm: all \d+ pages back, no leak",
               what="every page back after the flood")
    m.wait_log(r"^spawn: pid 1 'p-fork'", what="p-fork starting")
    clean_log(m)
    m.serial_write(b"q")
    m.expect("poweroff")


@test("modern", "keys", "robustness")
def serial_keys_hostile_flood(ctx):
    """The pc machine under a hostile serial line."""
    with serial_machine(ctx, "serial-keys-flood") as m:
        hostile_flood(m)


@test("modern", "keys", "robustness")
def serial_keys_hostile_flood_no_ps2(ctx):
    """The same on q35 without an i8042."""
    with serial_machine(ctx, "serial-keys-flood-q35", machine=NO_PS2) as m:
        hostile_flood(m)


@test("modern", "keys", "workflow")
def qemu_sh_serial_keys(ctx):
    """`tools/qemu.sh headless --serial-keys` makes the terminal the serial
    console: the log comes out on stdout (and still goes to the log file)
    and what is typed on stdin is keys. Typed here: k (kill scenario), then
    q, which powers off (QEMU exits 0)."""
    d = os.path.join(ctx.build, "tests", "qemu-sh-serial-keys")
    os.makedirs(d, exist_ok=True)
    log = os.path.join(d, "log.txt")
    if os.path.exists(log):
        os.remove(log)
    out_path = os.path.join(d, "stdout.txt")
    with open(out_path, "wb") as out:
        p = subprocess.Popen([QEMU_SH, "headless", "--serial-keys",
                              "--build-dir", ctx.build, "--log", log,
                              "--cmdline", "run=allocators"],
                             stdin=subprocess.PIPE, stdout=out,
                             stderr=subprocess.STDOUT)
    try:
        def wait_for(pattern, what):
            deadline = time.monotonic() + BIOS_TIMEOUT
            while time.monotonic() < deadline:
                try:
                    with open(log, "rb") as f:
                        text = f.read().decode("latin-1")
                except FileNotFoundError:
                    text = ""
                if re.search(pattern, text, re.M):
                    return text
                if p.poll() is not None:
                    break
                time.sleep(0.1)
            with open(out_path, "rb") as f:
                tail = f.read().decode("latin-1")[-2000:]
            raise TestFailure("tools/qemu.sh --serial-keys: expected the log "
                              "to show %s; qemu.sh %s; its output ends:\n%s" %
                              (what, "ended with %s" % p.returncode
                               if p.poll() is not None else "still runs",
                               tail))
        wait_for(r"^spawn: pid 4 ", "the allocators")
        p.stdin.write(b"k")
        p.stdin.flush()
        wait_for(r"^key 'k': soft reboot into 'kill'",
                 "key k typed on qemu.sh's stdin")
        p.stdin.write(b"q")
        p.stdin.flush()
        rc = p.wait(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    if rc != 0:
        raise TestFailure("expected QEMU to power off (status 0) on q, got "
                          "%d" % rc)
    with open(out_path, "rb") as f:
        shown = f.read()
    with open(log, "rb") as f:
        logged = f.read()
    if not re.search(rb"^poweroff: key 'q'", logged, re.M):
        raise TestFailure("expected the log file to end with the power-off "
                          "by key q; it ends:\n" +
                          logged[-2000:].decode("latin-1"))
    # The terminal shows qemu.sh's notes and then exactly what the log
    # file holds: no byte lost or doubled on either side.
    if logged not in shown:
        raise TestFailure("the log file (%d bytes) is not what the terminal "
                          "showed (%d bytes, notes included)" %
                          (len(logged), len(shown)))
