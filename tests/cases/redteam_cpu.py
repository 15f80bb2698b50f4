"""redteam_cpu.py: CPU state a hostile process must never see or change
beyond its own: what the x87/SSE hand-over, exceptions and system calls
leave behind. Each test boots one attack program that checks its own
verdict; the kernel's leak check and the success exit code must follow."""
import re

from qemu import TestFailure
from cases import test, run_program, need_log, user


@test("robustness")
def redteam_fpu_pointers_private(ctx):
    """The x87 last-instruction and operand pointers (fnstenv, fxsave) of
    a process are its own or 0 after each switch: never the address of the
    kernel's own x87 instruction in the hand-over (a kernel pointer) nor
    another process's."""
    log = run_program(ctx, "redteam-fpuptr", "t-fpuptr")
    need_log(log, user(r"t-fpuptr: ok$", 1), "t-fpuptr's verdict")


@test("robustness")
def redteam_log_restart_code_rewritten(ctx):
    """On a CPU without NX a MAP_SHARED page is executable: a process runs
    a long log() from one, and the child sharing it overwrites the
    `syscall` while the parent is between two 256-byte chunks, so the call
    is never made again. The parent's next log() (shorter than what was
    written) is a new call: it returns its length, not E_FAULT, and writes
    its whole buffer."""
    log = run_program(ctx, "redteam-logrewrite", "t-logrewrite",
                      qemu_args=("-cpu", "qemu64,-nx"))
    need_log(log, r"^cpu: NX not offered", "NX reported absent")
    need_log(log, user(r"-{256}$", 1),
             "the first 256-byte chunk alone (the call abandoned after it)")
    need_log(log, user(r"s{99}$", 1), "the short log() written whole")
    need_log(log, user(r"t-logrewrite: ok$", 1), "t-logrewrite's verdict")


@test("robustness")
def redteam_umip_hides_descriptor_tables(ctx):
    """On a CPU that offers UMIP (QEMU's -cpu max), sgdt, sidt, sldt, str
    and smsw end the process that runs them in user mode instead of
    showing it the kernel's GDT and IDT addresses and CR0."""
    log = run_program(ctx, "redteam-umip", "t-umip",
                      qemu_args=("-cpu", "max"))
    need_log(log, user(r"t-umip: CPU offers UMIP$", 1),
             "a CPU with UMIP (else this test proves nothing)")
    faults = re.findall(r"^general protection fault \(pid \d+, rip=", log,
                        re.M)
    if len(faults) != 5:
        raise TestFailure("want 5 general protection faults (one per "
                          "store instruction), got %d:\n%s" %
                          (len(faults), log[-2500:]))
    need_log(log, user(r"t-umip: ok$", 1), "t-umip's verdict")


@test("robustness")
def redteam_mov_ss_then_kernel_entry(ctx):
    """The MOV SS class of attacks: with TF set, a child reloads %ss and
    enters the kernel with the very next instruction (a light, a full, a
    restarted and an unknown system call, int3, int1, int $0x80), so a
    single-step trap held off by the %ss load is due right at the kernel's
    first instruction. The kernel must not panic; each child ends (or runs
    on), and %ss loaded right before a plain syscall works."""
    log = run_program(ctx, "redteam-movss", "t-movss")
    need_log(log, user(r"t-movss: case 7: came back$", 1),
             "getpid right after mov %ss")
    need_log(log, user(r"t-movss: ok$", 1), "t-movss's verdict")


@test("robustness")
def redteam_every_selector_value(ctx):
    """Every selector 0x00-0x3F (each GDT slot, LDT bit, RPL, past the
    GDT) into %ds, %es, %fs, %gs and %ss, one child each: the 49 loads
    user mode may do stay loaded across switches, the 271 others end
    their child; the kernel holds."""
    log = run_program(ctx, "redteam-selsweep", "t-selsweep")
    need_log(log, user(r"t-selsweep: 49 kept, 271 ended: ok$", 1),
             "t-selsweep's verdict")


@test("robustness")
def redteam_hostile_fxrstor_image(ctx):
    """A child fxrstor's a hostile image of its own (all x87 errors
    flagged, pending and unmasked, all registers valid NaNs/denormals,
    MXCSR all unmasked and flagged) and then yields, sleeps, is
    preempted, forks, exits, or fwaits: the kernel's hand-over raises
    nothing; the image comes back intact; the pending error faults only
    in its holder (and its fork child); the parent's state is its own."""
    log = run_program(ctx, "redteam-fxhostile", "t-fxhostile")
    x87 = re.findall(r"^x87 floating-point error \(pid (\d+), rip=", log,
                     re.M)
    if len(x87) != 2 or "1" in x87:
        raise TestFailure("want two x87 errors, neither in the parent "
                          "(pid 1), got %s:\n%s" % (x87, log[-2500:]))
    need_log(log, user(r"t-fxhostile: ok$", 1), "t-fxhostile's verdict")
