"""qemu.py: boots the WeensyOS ISO headless in QEMU and watches it.

One Machine is one boot: the serial log goes to a file the test reads while
the machine runs, a monitor socket takes keys and memory reads, and the exit
status is classified as the kernel reported it (isa-debug-exit):
pass (33), fail (35), poweroff (0 after 'poweroff:' in the log), reset
(0 otherwise: with -no-reboot a triple fault ends QEMU this way), or
timeout (QEMU killed after the bound: a hang).
"""
import os
import re
import shutil
import socket
import subprocess
import threading
import time


def _read_defaults():
    """tools/qemu-defaults.sh: the settings tools/qemu.sh uses too."""
    path = os.path.join(os.path.dirname(__file__), "..", "..", "tools",
                        "qemu-defaults.sh")
    out = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, value = line.split("=", 1)
                out[key] = value
    return out


DEFAULTS = _read_defaults()
OVMF_CODE = DEFAULTS["OVMF_CODE_DEFAULT"]
OVMF_VARS = DEFAULTS["OVMF_VARS_DEFAULT"]
CONSOLE_ADDR = 0xB8000
ROWS, COLS = 25, 80
# Grading mode (tools/course/grade.py) sets these for each test it runs:
# WEENSY_LOG_LIMIT caps how many bytes of the log the harness reads (a
# kernel that floods the log must not make every poll read gigabytes);
# WEENSY_LAST_SCREEN names a file that always holds the last screen read
# from the machine (polled every WEENSY_SCREEN_POLL seconds, default 0.5,
# and once more before the harness kills QEMU), so a failed test can be
# shown as its final picture even when QEMU ended on its own.
LOG_LIMIT = int(os.environ.get("WEENSY_LOG_LIMIT", "0") or 0)
LAST_SCREEN = os.environ.get("WEENSY_LAST_SCREEN")
SCREEN_POLL = float(os.environ.get("WEENSY_SCREEN_POLL", "0.5"))
# Test mode's verdict, under the word `unfreed`, for a run that ended
# without its memory given back (a kernel before handout step 7,
# kernel/exitpark.c: exit returned, or a leak tolerated), QEMU status 37.
UNFREED = "pass (memory not freed)"
# Set by cases for a test graded in a step before 7 (cases.exit_optional),
# never for a step-7 test: a test-mode command line then gets the word
# `unfreed` (leaks are not fatal) and expect("pass") also takes UNFREED.
ACCEPT_UNFREED = False


class TestFailure(Exception):
    pass


class TestSkipped(Exception):
    """The test cannot run here (a tool is missing); says why."""


class Screen:
    """The 80x25 cells: chars[row] is a string, attrs[row] a list of ints."""

    def __init__(self, raw):
        self.chars = []
        self.attrs = []
        for r in range(ROWS):
            row = raw[r * COLS * 2:(r + 1) * COLS * 2]
            self.chars.append("".join(
                chr(b) if 32 <= b < 127 else " " for b in row[0::2]))
            self.attrs.append(list(row[1::2]))

    def text(self):
        return "\n".join(self.chars)

    def cell(self, row, col):
        return self.chars[row][col], self.attrs[row][col]


class _SerialLine:
    """The far end of COM1: two named pipes (-chardev pipe: QEMU writes
    what the guest sends to PATH.out and reads what it receives from
    PATH.in). A thread copies PATH.out to the log file, as -serial file:
    would; send() writes to PATH.in. Pipes, not a socket: QEMU writes a
    byte at a time, and a unix socket is full after a few hundred such
    writes, which holds the guest's transmitter up whenever the reader
    lags (the kernel's bounded wait for the UART then gives up and bytes
    are lost); a pipe of 1 MiB holds every byte. The harness opens both
    ends read-write so that neither open nor read ever waits for QEMU."""

    PIPE_SIZE = 1 << 20

    def __init__(self, path, log_path):
        self.path = path
        self.log_path = log_path
        self.fd_in = self.fd_out = None
        self.thread = None
        self.stop = threading.Event()

    def qemu_args(self):
        return ["-chardev", "pipe,id=com1,path=" + self.path,
                "-serial", "chardev:com1"]

    def listen(self):
        import fcntl
        for end in (".in", ".out"):
            os.mkfifo(self.path + end)
        self.fd_in = os.open(self.path + ".in", os.O_RDWR)
        self.fd_out = os.open(self.path + ".out", os.O_RDWR | os.O_NONBLOCK)
        for fd in (self.fd_in, self.fd_out):
            try:
                fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, self.PIPE_SIZE)
            except OSError:
                pass  # the default 64 KiB then
        open(self.log_path, "wb").close()
        self.thread = threading.Thread(target=self._copy, daemon=True)
        self.thread.start()

    def _drain(self, log):
        while True:
            try:
                data = os.read(self.fd_out, 65536)
            except BlockingIOError:
                return
            if not data:
                return
            log.write(data)
            log.flush()

    def _copy(self):
        import select
        with open(self.log_path, "ab") as log:
            poller = select.poll()
            poller.register(self.fd_out, select.POLLIN)
            while not self.stop.is_set():
                if poller.poll(50):
                    self._drain(log)
            self._drain(log)

    def send(self, data):
        """Blocks only while the 1 MiB pipe is full (the guest not reading)."""
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd_in, view):]

    def finish(self, timeout=5):
        """Once QEMU has ended: the log then holds all it sent."""
        self.stop.set()
        if self.thread:
            self.thread.join(timeout)

    def close(self):
        self.finish()
        for fd in (self.fd_in, self.fd_out):
            if fd is not None:
                os.close(fd)
        self.fd_in = self.fd_out = None


class Machine:
    def __init__(self, ctx, name, cmdline, firmware="bios", media="cdrom",
                 timeout=60, machine=None, cpus=1, memory=None, cpu=None,
                 qemu_args=(), usb=None, serial_keys=False):
        """machine: QEMU -machine (default: pc under BIOS, q35 under UEFI);
        cpus: -smp; memory: -m (default from tools/qemu-defaults.sh); cpu:
        -cpu model and flags, e.g. "qemu64,-nx" (default: QEMU's);
        qemu_args: extra QEMU arguments, appended last (e.g. a -cpu model
        without a feature); usb: "kbd" or "hub", an xHCI controller with a
        USB keyboard on its first port or behind a hub there (tools/qemu.sh
        --usb-kbd, --usb-hub); serial_keys: COM1 on a socket that the
        harness serves, so that serial_write() can send it bytes (keys) while
        QEMU still writes every byte the kernel sends to the log file
        (tools/qemu.sh --serial-keys does the same on the terminal)."""
        self.ctx = ctx
        self.dir = os.path.join(ctx.build, "tests", name)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.log_path = os.path.join(self.dir, "log.txt")
        self.sock_path = os.path.join(self.dir, "monitor.sock")
        self.timeout = timeout
        self.deadline = None
        if ACCEPT_UNFREED and "test" in cmdline.split():
            cmdline += " unfreed"
        if LAST_SCREEN and "test" in cmdline.split():
            cmdline += " faildump"  # the screen of a failure too fast to read
        self.cmdline = cmdline
        self.com1 = _SerialLine(os.path.join(self.dir, "com1"),
                                self.log_path) if serial_keys else None
        # The machine is tools/qemu.sh's (a workflow test compares them).
        args = [ctx.qemu, "-m", memory or DEFAULTS["QEMU_MEMORY"],
                "-smp", str(cpus), "-nic", DEFAULTS["QEMU_NIC"],
                "-display", "none",
] + (self.com1.qemu_args() if self.com1 else
              ["-serial", "file:" + self.log_path]) + [
                "-monitor", "unix:%s,server,nowait" % self.sock_path,
                "-device", DEFAULTS["QEMU_DEBUG_EXIT"],
                "-no-reboot",
                # QEMU option values escape commas by doubling them.
                "-smbios", "type=11,value=weensyos:" +
                cmdline.replace(",", ",,")]
        if ctx.kvm:
            args += ["-enable-kvm"]
            if not cpu:
                args += ["-cpu", "host"]
        if cpu:
            args += ["-cpu", cpu]
        if firmware == "uefi":
            vars_copy = os.path.join(self.dir, "OVMF_VARS.fd")
            shutil.copy(OVMF_VARS, vars_copy)
            args += ["-machine", machine or DEFAULTS["QEMU_MACHINE_UEFI"],
                     "-drive", "if=pflash,format=raw,readonly=on,file=" +
                     OVMF_CODE,
                     "-drive", "if=pflash,format=raw,file=" + vars_copy]
        else:
            args += ["-machine", machine or DEFAULTS["QEMU_MACHINE_BIOS"]]
        if usb == "kbd":
            args += ["-device", DEFAULTS["QEMU_USB_XHCI"],
                     "-device", DEFAULTS["QEMU_USB_KBD"]]
        elif usb == "hub":
            args += ["-device", DEFAULTS["QEMU_USB_XHCI"],
                     "-device", DEFAULTS["QEMU_USB_HUB"],
                     "-device", DEFAULTS["QEMU_USB_KBD_BEHIND_HUB"]]
        elif usb:
            raise ValueError("usb must be kbd or hub, not %r" % usb)
        if media == "disk":
            args += ["-drive", "file=%s,format=raw,if=ide,snapshot=on" %
                     ctx.iso]
        else:
            args += ["-cdrom", ctx.iso]
        args += list(qemu_args)
        self.args = args
        self.proc = None
        self.status = None
        # One monitor conversation at a time: the screen poller and the
        # test share the socket, which QEMU serves one client at a time.
        self.monitor_lock = threading.Lock()
        self.poller = None
        self.poller_stop = threading.Event()

    # -- life cycle ------------------------------------------------------
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.kill()

    def start(self):
        if self.com1:
            self.com1.listen()
        self.started = time.monotonic()
        self.deadline = self.started + self.timeout
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(
                                         self.dir, "qemu-stderr.txt"), "w"))
        if LAST_SCREEN:
            self.poller = threading.Thread(target=self._poll_screen,
                                           daemon=True)
            self.poller.start()

    def kill(self):
        if self.poller:
            self.poller_stop.set()
            self.poller.join(timeout=15)
            self.poller = None
            self._save_last_screen()
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.com1:
            self.com1.close()

    def _save_last_screen(self):
        """Copies the console cells to LAST_SCREEN (atomically, so a reader
        never sees half a file); once QEMU has ended, takes the screen the
        kernel logged right before its `test: FAIL` (word faildump), if
        any."""
        tmp = LAST_SCREEN + ".part"
        if self.proc.poll() is not None:
            cells = self._failure_screen()
            if cells:
                with open(tmp, "wb") as f:
                    f.write(cells)
                os.replace(tmp, LAST_SCREEN)
            return
        try:
            self.monitor('pmemsave 0x%x %d "%s"' % (CONSOLE_ADDR,
                                                  ROWS * COLS * 2, tmp))
            if os.path.getsize(tmp) == ROWS * COLS * 2:
                os.replace(tmp, LAST_SCREEN)
        except (OSError, socket.timeout):
            pass  # QEMU ended between the check and the read

    def _failure_screen(self):
        """The raw console cells of the screen dump that ends the log just
        before `test: FAIL`, or None."""
        m = re.search(r"^SCREEN BEGIN\r?\n((?:[SA]\|.*\|\r?\n){%d})"
                      r"SCREEN END\r?\ntest: FAIL\s*$" % (2 * ROWS),
                      self.log(), re.M)
        if not m:
            return None
        lines = m.group(1).splitlines()
        text = [l[2:-1] for l in lines[0::2] if l.startswith("S|")]
        attrs = [l[2:-1] for l in lines[1::2] if l.startswith("A|")]
        if len(text) != ROWS or len(attrs) != ROWS:
            return None
        out = bytearray()
        try:
            for row, hexs in zip(text, attrs):
                a = bytes.fromhex(hexs)
                if len(row) != COLS or len(a) != COLS:
                    return None
                for ch, at in zip(row, a):
                    out += bytes((ord(ch) & 0xFF, at))
        except ValueError:
            return None
        return bytes(out)

    def _poll_screen(self):
        while not self.poller_stop.wait(SCREEN_POLL):
            if self.proc.poll() is not None:
                return
            self._save_last_screen()

    def remaining(self):
        return max(0.0, self.deadline - time.monotonic())

    # -- the log -----------------------------------------------------------
    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                raw = f.read(LOG_LIMIT) if LOG_LIMIT else f.read()
                text = raw.decode("latin-1").replace("\r", "")
                # Firmware (OVMF) and GRUB write terminal escape codes.
                return re.sub(r"\x1b\[[0-9;=?]*[A-Za-z]", "", text)
        except FileNotFoundError:
            return ""

    def flooded(self):
        """True once the log reached LOG_LIMIT (grading mode): the kernel
        floods it, and waiting on would only hit the grader's bound."""
        try:
            return bool(LOG_LIMIT) and \
                os.path.getsize(self.log_path) >= LOG_LIMIT
        except OSError:
            return False

    def flood_outcome(self):
        return "log flood (the kernel log passed %d MiB)" % (LOG_LIMIT >> 20)

    def tail(self, n=40):
        # A screen dump's 50 cell lines would crowd out the log's reasons.
        lines = [l for l in self.log().splitlines()
                 if not l.startswith(("S|", "A|"))]
        return "\n".join("    | " + l for l in lines[-n:])

    def fail(self, msg):
        note = ""
        if re.search(r"^test: PASS$", self.log(), re.M):
            note = ("\n  (the kernel's own verdict, `test: PASS` above, only"
                    " says every process exited cleanly; this test failed"
                    " on the check named in its first line)")
        raise TestFailure("%s\n  command line: %s\n  last log lines:\n%s%s" %
                          (msg, self.cmdline, self.tail(), note))

    def wait_log(self, pattern, count=1, what=None):
        """Waits until pattern (a regex) matched count times; returns the
        matches. Fails at once if QEMU exits first, or at the deadline."""
        rx = re.compile(pattern, re.M)
        while True:
            found = rx.findall(self.log())
            if len(found) >= count:
                return found
            if self.proc.poll() is not None:
                self.fail("QEMU ended (%s) before the log showed %s" %
                          (self.outcome(), what or repr(pattern)))
            if self.flooded():
                self.kill()
                self.fail("%s before the log showed %s" % (
                    self.flood_outcome(), what or repr(pattern)))
            if time.monotonic() > self.deadline:
                self.kill()
                self.fail("timeout (hang?) after %.0f s waiting for %s" %
                          (self.timeout, what or repr(pattern)))
            time.sleep(0.05)

    # -- the monitor ---------------------------------------------------------
    def monitor(self, command):
        with self.monitor_lock:
            return self._monitor(command)

    def _monitor(self, command):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        for _ in range(100):
            try:
                s.connect(self.sock_path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                time.sleep(0.05)
        s.settimeout(10)
        data = b""
        while not data.endswith(b"(qemu) "):
            chunk = s.recv(4096)
            if not chunk:
                # QEMU ended (or closed the monitor) before its prompt.
                s.close()
                raise ConnectionResetError("QEMU's monitor closed")
            data += chunk
        s.sendall(command.encode() + b"\n")
        data = b""
        while not data.endswith(b"(qemu) "):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        s.close()
        return data.decode("latin-1")

    def sendkey(self, key):
        self.monitor("sendkey " + key)

    def serial_write(self, data):
        """Sends bytes to COM1, as a serial terminal would (needs
        serial_keys=True)."""
        if not self.com1:
            raise ValueError("serial_write needs Machine(serial_keys=True)")
        self.com1.send(data)

    def serial_break(self):
        """A break condition on COM1's line (the UART reads a null byte
        with its break bit set)."""
        self.monitor("chardev-send-break com1")

    def screen(self):
        """Reads the console cells from guest memory with the VM paused, so
        the screen is one consistent frame."""
        path = os.path.join(self.dir, "screen.bin")
        self.monitor("stop")
        try:
            # Quoted: the monitor would read a bare /path as a division.
            self.monitor('pmemsave 0x%x %d "%s"' % (CONSOLE_ADDR,
                                                  ROWS * COLS * 2, path))
        finally:
            self.monitor("cont")
        with open(path, "rb") as f:
            return Screen(f.read())

    def check_screen(self, check, tries=8, pause=0.1):
        """Runs check(screen) on fresh screens until it passes; fails with
        the last failure after `tries` screens. The viewer redraws every
        tick and a screen read can land between two frames, so a check
        holds only if it holds on a whole frame soon after."""
        for attempt in range(tries):
            s = self.screen()
            try:
                return check(s)
            except TestFailure:
                if attempt == tries - 1:
                    raise
            time.sleep(pause)

    # -- the end ---------------------------------------------------------
    def outcome(self):
        rc = self.proc.poll()
        if rc is None:
            return "running"
        if self.com1:
            self.com1.finish()
        if rc == 33:
            return "pass"
        if rc == 35:
            return "fail"
        if rc == 37:
            return UNFREED
        if rc == 0:
            # The kernel's line, at a line start: a process cannot forge it.
            powered = re.search(r"^poweroff:", self.log(), re.M)
            return "poweroff" if powered else "reset"
        return "exit status %d" % rc

    def wait_exit(self):
        """Waits for QEMU to end; returns the outcome ('timeout' if it had
        to be killed)."""
        while True:
            try:
                # Short waits only in grading mode, to notice a flood.
                self.proc.wait(timeout=min(self.remaining(), 0.25)
                               if LOG_LIMIT else self.remaining())
                return self.outcome()
            except subprocess.TimeoutExpired:
                if self.flooded():
                    self.kill()
                    return self.flood_outcome()
                if self.remaining() <= 0:
                    self.kill()
                    return "timeout"

    def expect(self, outcome):
        """Waits for QEMU to end with outcome. "pass" also takes UNFREED
        when ACCEPT_UNFREED is set (a test of steps 1-6 needs no exit)."""
        got = self.wait_exit()
        if outcome == "pass" and got == UNFREED and ACCEPT_UNFREED:
            return
        if got != outcome:
            self.fail("expected the machine to end with '%s', got '%s'" %
                      (outcome, got))
