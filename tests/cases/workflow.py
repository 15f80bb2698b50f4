"""workflow.py: the student's and instructor's tools, as the README shows
them: tools/qemu.sh's verdicts and debug log, the run targets (one per
scenario and per program), tools/weensy, listings and symbol tables,
compile_commands.json and clangd, GDB backtraces, and, in a scratch copy of
the project, adding a program and ctest rebuilding before it tests."""
import concurrent.futures
import json
import os
import re
import shutil
import subprocess

from qemu import TestFailure
from cases import test

SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
QEMU_SH = os.path.join(SRC, "tools", "qemu.sh")
WEENSY = os.path.join(SRC, "tools", "weensy")


def run(args, what, env=None, cwd=None, timeout=120, want_rc=0):
    """Runs a command; fails unless it ends with want_rc (None: any).
    Returns (rc, stdout, stderr)."""
    e = dict(os.environ)
    e.update(env or {})
    try:
        p = subprocess.run(args, capture_output=True, text=True, env=e,
                           cwd=cwd, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise TestFailure("%s: `%s` did not end within %d s" %
                          (what, " ".join(args), timeout))
    if want_rc is not None and p.returncode != want_rc:
        raise TestFailure("%s: expected `%s` to exit %d, got %d\n"
                          "stdout:\n%s\nstderr:\n%s" %
                          (what, " ".join(args), want_rc, p.returncode,
                           p.stdout[-3000:], p.stderr[-3000:]))
    return p.returncode, p.stdout, p.stderr


def workdir(ctx, name):
    d = os.path.join(ctx.build, "tests", name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def programs(ctx):
    """The programs on the ISO, from the generated grub.cfg."""
    with open(os.path.join(ctx.build, "grub.cfg")) as f:
        names = re.findall(r"module2 /boot/(\S+) \1$", f.read(), re.M)
    return [n for n in names if not n.startswith("bad-")]


def scenarios():
    with open(os.path.join(SRC, "kernel", "scenarios.def")) as f:
        return re.findall(r"^SCENARIO\((\w+),", f.read(), re.M)


@test("workflow")
def qemu_sh_test_verdict(ctx):
    """tools/qemu.sh with `test` exits with the kernel's verdict, 33 or 35,
    and with 3 when there was none (a triple fault)."""
    d = workdir(ctx, "qemu-sh-verdict")
    for cmdline, want in [("test run=t-nosys", 33), ("test kcrash", 35),
                          ("test ktriple", 3)]:
        _, _, err = run([QEMU_SH, "headless", "--build-dir", ctx.build,
                         "--log", os.path.join(d, "log.txt"),
                         "--cmdline", cmdline],
                        "qemu.sh --cmdline '%s'" % cmdline, want_rc=want)
        if want == 3 and "no verdict" not in err:
            raise TestFailure("qemu.sh ended a triple fault with status 3 "
                              "but did not say there was no verdict:\n" + err)


@test("workflow")
def qemu_sh_debug_log(ctx):
    """--debug-log (or D=1) logs interrupts and resets with QEMU's -d
    int,cpu_reset to a file; a triple fault is in it; window runs stop
    rather than exit on it (-no-shutdown)."""
    d = workdir(ctx, "qemu-sh-debug-log")
    dbg = os.path.join(d, "qemu-debug.log")
    run([QEMU_SH, "headless", "--build-dir", ctx.build, "--debug-log", dbg,
         "--log", os.path.join(d, "log.txt"), "--cmdline", "test ktriple"],
        "qemu.sh --debug-log with a triple fault", want_rc=3)
    with open(dbg, errors="replace") as f:
        text = f.read()
    if "Triple fault" not in text or "CPU Reset" not in text:
        raise TestFailure("expected the debug log %s to show 'Triple fault' "
                          "and 'CPU Reset', it has %d bytes:\n%s" %
                          (dbg, len(text), text[-1500:]))
    _, out, _ = run([QEMU_SH, "--dry-run", "window", "--build-dir",
                     ctx.build], "D=1 qemu.sh --dry-run",
                    env={"D": "1", "DISPLAY": ""})
    for flag in ["-d int\\,cpu_reset", "-D ", "-no-shutdown", "-no-reboot"]:
        if flag not in out:
            raise TestFailure("expected D=1 to add %r, got:\n%s" % (flag, out))


@test("workflow")
def qemu_sh_display_hints(ctx):
    """A $DISPLAY nobody answers on falls back to the terminal with a hint
    instead of QEMU's bare 'gtk initialization failed'; UEFI in a terminal
    warns that the screen stays blank."""
    _, out, err = run([QEMU_SH, "--dry-run", "window", "--build-dir",
                       ctx.build], "qemu.sh with a dead $DISPLAY",
                      env={"DISPLAY": ":97", "WAYLAND_DISPLAY": ""})
    if "-display curses" not in out or "no X server answers" not in err:
        raise TestFailure("expected a dead $DISPLAY to give the terminal "
                          "and a hint; got\n%s\n%s" % (out, err))
    _, _, err = run([QEMU_SH, "--dry-run", "console", "--firmware", "uefi",
                     "--build-dir", ctx.build], "qemu.sh UEFI in a terminal")
    if "no text mode" not in err:
        raise TestFailure("expected a warning for UEFI in a terminal, got\n"
                          + err)


@test("workflow")
def run_targets_and_weensy(ctx):
    """Every scenario and every program has a run target; tools/weensy
    names an unknown command."""
    _, out, _ = run(["cmake", "--build", ctx.build, "--target", "help"],
                    "cmake --build --target help")
    targets = set(re.findall(r"^(?:\.\.\. )?(run[\w.-]*)", out, re.M))
    want = ["run", "run-console", "run-uefi", "run-gdb"]
    want += ["run-" + s for s in scenarios()]
    want += ["run-" + p for p in programs(ctx)]
    if shutil.which("gdb"):
        want.append("gdb")
        targets |= set(re.findall(r"^(?:\.\.\. )?(gdb)\b", out, re.M))
    missing = [t for t in want if t not in targets]
    if missing:
        raise TestFailure("expected run targets %s; missing %s" %
                          (want, missing))
    _, _, err = run([WEENSY, "bogus"], "tools/weensy bogus", want_rc=2)
    if "unknown command 'bogus'" not in err:
        raise TestFailure("expected 'unknown command' from tools/weensy "
                          "bogus, got:\n" + err)


@test("workflow")
def listings_and_symbols(ctx):
    """build/kernel.asm and build/programs/NAME.asm interleave the C source
    with the code; NAME.sym lists the symbols; all as new as their ELF."""
    files = [("kernel.elf", os.path.join(ctx.build, "kernel"), "kernel_start",
              "kernel/kernel.c:")]
    for p in programs(ctx):
        src = "tests/programs/" if p.startswith("t-") else "userland/"
        files.append((p, os.path.join(ctx.build, "programs", p),
                      "process_main", src))
    for elf, base, symbol, source in files:
        elf_path = os.path.join(os.path.dirname(base), elf)
        for ext in (".asm", ".sym"):
            path = base + ext
            if not os.path.exists(path):
                raise TestFailure("expected %s beside %s" % (path, elf_path))
            if os.path.getmtime(path) < os.path.getmtime(elf_path):
                raise TestFailure("%s is older than %s" % (path, elf_path))
        with open(base + ".asm") as f:
            asm = f.read()
        if not re.search(r"<%s>:" % symbol, asm) or source not in asm:
            raise TestFailure("expected %s.asm to show %s with source lines "
                              "from %s" % (base, symbol, source))
        with open(base + ".sym") as f:
            if not re.search(r"^[0-9a-f]+ T %s$" % symbol, f.read(), re.M):
                raise TestFailure("expected %s.sym to list %s" %
                                  (base, symbol))


@test("workflow")
def compile_commands_clangd_clean(ctx):
    """compile_commands.json lists every C file and no NASM command (clangd
    would give it to headers); clangd, when installed, reports no error on
    any C file or header."""
    with open(os.path.join(ctx.build, "compile_commands.json")) as f:
        db = json.load(f)
    nasm = [e["file"] for e in db if "nasm" in e.get("command", "")]
    if nasm:
        raise TestFailure("NASM commands in compile_commands.json: %s" % nasm)
    listed = {os.path.relpath(e["file"], SRC) for e in db}
    sources, headers = [], []
    for top in ("arch", "drivers", "include", "kernel", "lib", "mm", "proc",
                "userland", "tests"):
        for dirpath, _, names in os.walk(os.path.join(SRC, top)):
            for n in names:
                rel = os.path.relpath(os.path.join(dirpath, n), SRC)
                (sources if n.endswith(".c") else
                 headers if n.endswith(".h") else []).append(rel)
    unlisted = [s for s in sources if s not in listed]
    if unlisted:
        raise TestFailure("C files missing from compile_commands.json: %s" %
                          unlisted)
    clangd = shutil.which("clangd")
    if not clangd:
        print("clangd not installed: checked compile_commands.json only")
        return
    diagnostic = re.compile(r"^E\[[^\]]+\] \[[^\]]+\] Line \d+:")

    def check(rel):
        _, out, err = run([clangd, "--check=" + rel], "clangd --check",
                          cwd=SRC, want_rc=None)
        errors = [l for l in (out + err).splitlines() if diagnostic.match(l)]
        return "%s:\n    %s" % (rel, "\n    ".join(errors[:3])) if errors \
            else None
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        bad = [r for r in pool.map(check, sorted(sources + headers)) if r]
    if bad:
        raise TestFailure("clangd reports errors:\n" + "\n".join(bad))


@test("workflow")
def sources_clang_formatted(ctx):
    """Every C source and header follows the project's .clang-format."""
    fmt = shutil.which("clang-format")
    if not fmt:
        print("clang-format not installed: nothing to check")
        return
    files = []
    for top in ("include", "arch", "drivers", "kernel", "lib", "mm", "proc",
                "userland", "tests/programs", "tests/host"):
        for d, _, names in os.walk(os.path.join(SRC, top)):
            files += [os.path.join(d, n) for n in sorted(names)
                      if n.endswith((".c", ".h"))]
    if len(files) < 50:
        raise TestFailure("expected the project's C files, found %d" %
                          len(files))
    _, _, err = run([fmt, "--dry-run", "-Werror"] + files,
                    "clang-format --dry-run", cwd=SRC, want_rc=None)
    bad = sorted(set(re.findall(r"^(\S+?):\d+:\d+: (?:error|warning)", err,
                                re.M)))
    if bad:
        raise TestFailure("not clang-formatted (run clang-format -i on "
                          "them):\n  %s\n%s" % ("\n  ".join(bad), err[:1500]))


@test("workflow")
def gdb_backtraces_end_cleanly(ctx):
    """With tools/gdbinit, a user backtrace ends at _start and a kernel one
    in a system call ends at syscall_entry, with no junk frames."""
    gdb = shutil.which("gdb")
    if not gdb:
        print("gdb not installed: nothing to check")
        return
    d = workdir(ctx, "gdb-backtraces")
    sock = os.path.join(d, "gdb.sock")
    qemu = subprocess.Popen(
        [QEMU_SH, "headless", "--build-dir", ctx.build, "--log",
         os.path.join(d, "log.txt"), "--cmdline", "test run=t-syscalls",
         "--", "-S", "-gdb", "unix:%s,server,nowait" % sock],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if os.path.exists(sock):
                break
            subprocess.run(["sleep", "0.1"])
        _, out, err = run(
            [gdb, "-q", "-batch", "-nx", "-x",
             os.path.join(SRC, "tools", "gdbinit"),
             "-ex", "weensy-user t-syscalls",
             "-ex", "hbreak process_main", "-ex", "continue", "-ex", "bt",
             "-ex", "delete", "-ex", "hbreak proc/syscall.c:sys_getpid",
             "-ex", "continue", "-ex", "bt", "-ex", "kill"],
            "gdb with tools/gdbinit", cwd=ctx.build,
            env={"WEENSY_GDB_REMOTE": sock}, timeout=120,
            # `kill` may race QEMU's exit ("Broken pipe"): judge the output.
            want_rc=None)
    finally:
        qemu.kill()
        qemu.wait()
    bts = re.findall(r"^#\d+ .*$", out, re.M)
    text = "\n".join(bts)
    user = re.search(r"^#0 .*process_main.*\n#1 .* in _start \(\)$", text,
                     re.M)
    # getpid takes the light path (straight from syscall_entry), a call
    # that may switch goes through syscall_entry_c: either chain must end
    # at syscall_entry, with nothing after it.
    kernel = re.search(r"^#0 .*sys_getpid.*\n(#1 .*syscall_entry_c.*\n)?"
                       r"#[12] .* in syscall_entry \[system call from user "
                       r"mode[^\n]*$(?![\s\S]*^#[2-9] )", text, re.M)
    if not user or not kernel or "??" in text or "Cannot access" in out + err:
        raise TestFailure("expected a user backtrace ending at _start and a "
                          "kernel one ending at syscall_entry, got:\n%s\n"
                          "stderr:\n%s" % (text, err[-1500:]))


HELLO = r'''/* p-hello: a program added with no other edit. */
#include "ulib.h"

int process_main(void) {
    log_printf("p-hello: hello from pid %d\n", sys_getpid());
    return 0;
}
'''


def copy_source(dst):
    """A copy of the project without its build directories or .git."""
    shutil.copytree(SRC, dst, ignore=lambda d, names: [
        n for n in names if n == ".git" or
        (d == SRC and n.startswith("build"))])


@test("workflow", "bochs")
def out_of_tree_build_bochs(ctx):
    """A build directory anywhere (`cmake -S SRC -B /elsewhere`), with no
    build/ beside the sources: ctest -L bochs there passes (the harness
    hands tools/bochs.sh that build directory, never tools/../build)."""
    if not shutil.which("bochs"):
        from qemu import TestSkipped
        raise TestSkipped("bochs is not installed (tools/weensy installs it)")
    d = workdir(ctx, "out-of-tree")
    src, bld = os.path.join(d, "src"), os.path.join(d, "elsewhere", "b")
    copy_source(src)
    run(["cmake", "-S", src, "-B", bld, "-G", "Ninja"],
        "configure out of tree", timeout=300)
    if os.path.exists(os.path.join(src, "build")):
        raise TestFailure("configuring out of tree made %s/build" % src)
    _, out, err = run(["ctest", "--test-dir", bld, "-L", "bochs", "-E",
                       "out-of-tree", "--output-on-failure"],
                      "ctest -L bochs out of tree", timeout=1200)
    if not re.search(r"100% tests passed, 0 tests failed out of [3-9]", out):
        raise TestFailure("expected every bochs test (and the build) to pass "
                          "out of tree, got:\n%s\n%s" % (out[-3000:],
                                                          err[-2000:]))


@test("workflow")
def scratch_add_program_and_rebuild(ctx):
    """In a copy of the project, as the README tells a student: a new
    userland/p-hello.c is a program with a run target and boots (and the
    Debug kernel passes t-sysfuzz); a scenario
    whose name has digits gets a GRUB entry and a target, a malformed one
    stops the configure step; a Debug build works; -DWEENSY_DEBUG_LOG=ON
    reaches QEMU through the run targets; ctest rebuilds before it tests,
    so an edited test program's new output is in the test's log."""
    d = workdir(ctx, "scratch")
    src, bld = os.path.join(d, "src"), os.path.join(d, "build")
    copy_source(src)
    with open(os.path.join(src, "userland", "p-hello.c"), "w") as f:
        f.write(HELLO)
    scen = os.path.join(src, "kernel", "scenarios.def")
    with open(scen) as f:
        scen_text = f.read()
    with open(scen, "w") as f:
        f.write(scen_text + "SCENARIO(hello2, '9', \"p-hello\", 0)\n")
    # A Debug build (as the README offers) with the debug log on.
    run(["cmake", "-S", src, "-B", bld, "-G", "Ninja",
         "-DCMAKE_BUILD_TYPE=Debug", "-DWEENSY_DEBUG_LOG=ON"],
        "configure the copy", timeout=300)
    run(["cmake", "--build", bld], "build the copy", timeout=600)
    _, out, _ = run(["cmake", "--build", bld, "--target", "help"],
                    "list the copy's targets")
    for t in ("run-p-hello", "run-hello2"):
        if not re.search(r"^(\.\.\. )?%s\b" % t, out, re.M):
            raise TestFailure("expected a target %s in the copy" % t)
    with open(os.path.join(bld, "grub.cfg")) as f:
        if '"run=hello2"' not in f.read():
            raise TestFailure("no GRUB entry for scenario hello2")
    # tools/weensy run p-hello goes through the run target to qemu.sh
    # (QEMU=echo prints the command line instead of booting).
    _, out, err = run([os.path.join(src, "tools", "weensy"), "run",
                       "p-hello"], "tools/weensy run p-hello",
                      env={"QEMU": "echo", "WEENSY_NO_INSTALL": "1",
                           "WEENSY_BUILD_DIR": bld, "DISPLAY": ""},
                      timeout=300)
    if "weensyos:run=p-hello" not in out or "int,cpu_reset" not in out:
        raise TestFailure("expected tools/weensy run p-hello to boot with "
                          "run=p-hello and, as configured with "
                          "-DWEENSY_DEBUG_LOG=ON, QEMU's -d int,cpu_reset; "
                          "got:\n%s\n%s" % (out, err))
    log = os.path.join(d, "hello.log")
    run([os.path.join(src, "tools", "qemu.sh"), "headless", "--build-dir",
         bld, "--log", log, "--cmdline", "test run=p-hello"],
        "boot p-hello in test mode", want_rc=33)
    with open(log, errors="replace") as f:
        if not re.search(r"p-hello: hello from pid 1$", f.read(), re.M):
            raise TestFailure("p-hello's line is not in its log")
    # The Debug kernel (-O0) keeps the system call ABI too: clang's -O0
    # code for the light handlers' calling convention differs from -O2's.
    log = os.path.join(d, "sysfuzz.log")
    run([os.path.join(src, "tools", "qemu.sh"), "headless", "--build-dir",
         bld, "--log", log, "--cmdline", "test run=t-sysfuzz"],
        "boot t-sysfuzz in the Debug build", want_rc=33)
    # ctest rebuilds first: edit a test program, run one test, and find
    # the edit's output in that test's log.
    tsys = os.path.join(src, "tests", "programs", "t-syscalls.c")
    with open(tsys) as f:
        text = f.read()
    text, n = re.subn(r"(int process_main\(void\) \{\n)",
                      r'\1    log_printf("t-syscalls: fresh build\\n");\n',
                      text)
    if n != 1:
        raise TestFailure("could not find process_main in t-syscalls.c")
    with open(tsys, "w") as f:
        f.write(text)
    run(["ctest", "--test-dir", bld, "-R", "^boot-bios-cd$",
         "--output-on-failure"], "ctest -R boot-bios-cd after an edit",
        timeout=600)
    with open(os.path.join(bld, "tests", "boot-bios-cd", "log.txt"),
              errors="replace") as f:
        if "t-syscalls: fresh build" not in f.read():
            raise TestFailure("ctest booted an image older than the "
                              "sources: the edited line is not in the log")
    # A scenario name that is not an identifier stops the configure step.
    with open(scen, "w") as f:
        f.write(scen_text + "SCENARIO(9lives, '8', \"p-hello\", 0)\n")
    _, out, err = run(["cmake", "-S", src, "-B", bld], "configure with a "
                      "malformed scenario", want_rc=1, timeout=300)
    if "cannot read 'SCENARIO(9lives" not in out + err:
        raise TestFailure("expected the configure step to name the bad "
                          "scenario line, got:\n" + (out + err)[-2000:])


@test("workflow")
def readme_labels_and_options(ctx):
    """The README's grading table names labels that select tests, and every
    tools/qemu.sh option it shows is one qemu.sh knows."""
    import cases
    with open(os.path.join(SRC, "README.md")) as f:
        readme = f.read()
    table = readme[readme.index("### Grading by handout step"):]
    table = table[:table.index("\n\n", table.index("| handout step"))]
    labels = set()
    for row in table.splitlines()[2:]:
        cells = row.split("|")
        if len(cells) > 2:
            labels.update(re.findall(r"`([\w-]+)`", cells[2]))
    known = {l for ls in cases.LABELS.values() for l in ls}
    missing = sorted(labels - known)
    if len(labels) < 10 or missing:
        raise TestFailure("the README's step table names labels %s; no test "
                          "has %s" % (sorted(labels), missing))
    _, usage, _ = run([QEMU_SH, "--help"], "qemu.sh --help")
    shown = set(re.findall(r"tools/qemu\.sh[^\n]*", readme))
    options = {o for line in shown for o in re.findall(r"(--[a-z-]+)", line)}
    unknown = sorted(o for o in options if o not in usage)
    if unknown:
        raise TestFailure("the README shows qemu.sh options %s that "
                          "qemu.sh --help does not list" % unknown)


@test("workflow")
def screen2png_renders_dumps(ctx):
    """The README's screenshot commands: a run with `dumpscreen` leaves a
    dump in the log that tools/screen2png.py turns into a PNG, numbered
    PNGs (--all) and a GIF (--gif)."""
    d = workdir(ctx, "screen2png")
    log = os.path.join(d, "log.txt")
    run([QEMU_SH, "headless", "--build-dir", ctx.build, "--log", log,
         "--cmdline", "test dumpscreen run=t-nosys"],
        "boot with dumpscreen", want_rc=33)
    tool = os.path.join(SRC, "tools", "screen2png.py")
    outputs = [([log, "-o", os.path.join(d, "x.png"), "--scale", "3"],
                os.path.join(d, "x.png"), b"\x89PNG"),
               ([log, "--all"], os.path.join(d, "screen-001.png"), b"\x89PNG"),
               ([log, "--gif", "-o", os.path.join(d, "run.gif")],
                os.path.join(d, "run.gif"), b"GIF89a")]
    for args, path, magic in outputs:
        run(["python3", tool] + args, "screen2png.py " + " ".join(args[1:]))
        with open(path, "rb") as f:
            if f.read(len(magic)) != magic:
                raise TestFailure("%s is not a %r file" % (path, magic))


def machine_facts(args):
    """What makes the machine, from a QEMU argument list: memory, machine
    type, devices, reboot policy, network, boot medium, firmware code, and
    the command line handed to GRUB. Paths of logs and sockets differ."""
    facts = {"-no-reboot": "-no-reboot" in args}
    for i, a in enumerate(args[:-1]):
        v = args[i + 1]
        if a in ("-m", "-machine", "-nic"):
            facts[a] = v
        elif a == "-device":
            facts.setdefault("-device", []).append(v)
        elif a == "-smbios":
            facts["-smbios"] = v
        elif a == "-cdrom":
            facts["medium"] = "cdrom " + os.path.basename(v)
        elif a == "-drive" and "if=ide" in v:
            facts["medium"] = "disk " + os.path.basename(
                re.search(r"file=([^,]+)", v).group(1))
        elif a == "-drive" and "if=pflash" in v and "readonly=on" in v:
            facts["firmware"] = re.search(r"file=([^,]+)", v).group(1)
    return facts


@test("workflow")
def qemu_sh_matches_harness(ctx):
    """The tests boot the machine a user boots: tools/qemu.sh and the test
    harness give QEMU the same memory, machine, devices, reboot policy,
    network, medium, firmware and command line; also the USB keyboard
    machines (--usb-kbd, --usb-hub on q35 without PS/2)."""
    import shlex
    from qemu import Machine, DEFAULTS
    cmdline = "test run=t-nosys,t-syscalls"
    no_ps2 = DEFAULTS["QEMU_MACHINE_NO_PS2"]
    for firmware, media, usb in [("bios", "cdrom", None),
                                 ("bios", "disk", None),
                                 ("uefi", "cdrom", None),
                                 ("bios", "cdrom", "kbd"),
                                 ("uefi", "cdrom", "hub")]:
        m = Machine(ctx, "match-%s-%s" % (firmware, media), cmdline,
                    firmware=firmware, media=media, usb=usb,
                    machine=no_ps2 if usb else None)
        sh = [QEMU_SH, "--dry-run", "headless", "--build-dir", ctx.build,
              "--firmware", firmware, "--cmdline", cmdline]
        if media == "disk":
            sh.append("--disk")
        if usb:
            sh += ["--machine", no_ps2, "--usb-" + usb]
        _, out, _ = run(sh, "qemu.sh --dry-run")
        ours, theirs = machine_facts(shlex.split(out)), machine_facts(m.args)
        if ours != theirs:
            diff = {k: (ours.get(k), theirs.get(k))
                    for k in set(ours) | set(theirs)
                    if ours.get(k) != theirs.get(k)}
            raise TestFailure("%s from %s: tools/qemu.sh and the harness "
                              "boot different machines (qemu.sh, harness): "
                              "%s" % (firmware, media, diff))
