"""machines.py: the same test program on the machines the README promises:
QEMU's two chipsets, 1 and 4 CPUs, small, odd and large memories, three CPU
models, BIOS and UEFI, CD and disk. Each boot checks the memory map the
kernel logged against the RAM QEMU was given, the leak check and the
success exit.

The matrix covers every value of every dimension at least once, not the
full product (UEFI boots cost ~5 s each under TCG, BIOS ~1 s):

  name                 chipset CPUs memory cpu          firmware medium
  machine-pc-small     pc      1    64M    qemu64       bios     cd
  machine-q35-odd      q35     4    100M   max          bios     disk
  machine-pc-4g-nonx   pc      4    4G     qemu64,-nx   bios     cd
  machine-uefi-q35-4g  q35     1    4G     max          uefi     cd
  machine-uefi-pc-nonx pc      4    128M   qemu64,-nx   uefi     disk
"""
import re

from qemu import Machine
from cases import BIOS_TIMEOUT, UEFI_TIMEOUT, test, need, clean_log

MIB = 1 << 20
FOUR_GIB = 1 << 32


def parse_size(text):
    units = {"M": MIB, "G": 1 << 30}
    return int(text[:-1]) * units[text[-1]]


def available_ram(m):
    """The memory map the kernel logged: [(base, end), ...] of type 1."""
    return [(int(b, 16), int(e, 16)) for b, e in re.findall(
        r"^boot: mmap \[(0x[0-9a-f]+), (0x[0-9a-f]+)\) type 1 available$",
        m.log(), re.M)]


def check_memory_map(m, memory, firmware):
    size = parse_size(memory)
    ram = available_ram(m)
    if not ram:
        m.fail("the log shows no available memory-map entry")
    if ram[0][0] != 0 and firmware == "bios":
        m.fail("under BIOS the first available range should start at 0, "
               "got 0x%x" % ram[0][0])
    total = sum(e - b for b, e in ram)
    # Firmware keeps some RAM for itself (BIOS: under 1 MiB; OVMF: a few
    # MiB of runtime services and ACPI tables); it never reports more.
    slack = 2 * MIB if firmware == "bios" else 40 * MIB
    if not size - slack <= total <= size:
        m.fail("the memory map says %d MiB available; QEMU has %s (allowed "
               "%d MiB less at most)" % (total // MIB, memory, slack // MIB))
    above = [r for r in ram if r[1] > FOUR_GIB]
    if size > 3 << 30 and not above:
        m.fail("with %s some RAM must lie above 4 GiB (the PCI hole is "
               "below), but the map shows none" % memory)
    if size < 3 << 30 and above:
        m.fail("with %s no RAM should lie above 4 GiB" % memory)
    if not any(b <= 0x100000 and e >= 0x200000 for b, e in ram):
        m.fail("the managed 2 MiB above 1 MiB is not available RAM")


def check_machine(ctx, name, machine, cpus, memory, cpu, firmware, media):
    timeout = UEFI_TIMEOUT if firmware == "uefi" else BIOS_TIMEOUT
    with Machine(ctx, name, "test run=t-syscalls", firmware=firmware,
                 media=media, timeout=timeout, machine=machine, cpus=cpus,
                 memory=memory, cpu=cpu) as m:
        m.expect("pass")
        clean_log(m)
        check_memory_map(m, memory, firmware)
        need(m, r"^t-syscalls: ok pid=1 ring=3", "the program's verdict")
        need(m, r"^exit: pid 1 status 0$", "a clean exit")
        need(m, r"^mm: all \d+ pages back, no leak", "the leak check")
        need(m, r"^test: PASS", "the success exit")
        if firmware == "uefi":
            need(m, r"^boot: display: framebuffer", "UEFI's framebuffer")


@test("machines")
def machine_pc_small(ctx):
    check_machine(ctx, "machine-pc-small", "pc", 1, "64M", "qemu64", "bios",
                  "cdrom")


@test("machines")
def machine_q35_odd(ctx):
    check_machine(ctx, "machine-q35-odd", "q35", 4, "100M", "max", "bios",
                  "disk")


@test("machines")
def machine_pc_4g_nonx(ctx):
    check_machine(ctx, "machine-pc-4g-nonx", "pc", 4, "4G", "qemu64,-nx",
                  "bios", "cdrom")


@test("machines")
def machine_uefi_q35_4g(ctx):
    check_machine(ctx, "machine-uefi-q35-4g", "q35", 1, "4G", "max", "uefi",
                  "cdrom")


@test("machines")
def machine_uefi_pc_nonx(ctx):
    check_machine(ctx, "machine-uefi-pc-nonx", "pc", 4, "128M", "qemu64,-nx",
                  "uefi", "disk")
