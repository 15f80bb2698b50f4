"""power.py: power-off by ACPI, the way real PCs and VirtualBox switch off.
Every boot here has the emulators' fixed power ports disabled (noemuoff),
so QEMU or Bochs ends only if the kernel found the PM1 control block and
\\_S5 in the firmware's tables and entered S5; otherwise the kernel halts
and the test times out."""
import re

from bochs import BochsRun
from qemu import Machine
from cases import BIOS_TIMEOUT, UEFI_TIMEOUT, test, need, clean_log
from cases.machines import ps2_ready

ACPI_FOUND = (r"^acpi: \\_S5 in the (DSDT|an SSDT): SLP_TYPa \d, SLP_TYPb \d$")
ACPI_OFF = (r"^poweroff: ACPI S5: SLP_TYPa \d to PM1a 0x[0-9a-f]+, "
            r"SLP_TYPb \d to PM1b 0x[0-9a-f]+$")


def key_q_acpi(ctx, name, firmware, machine, rsdp_from):
    timeout = UEFI_TIMEOUT if firmware == "uefi" else BIOS_TIMEOUT
    with Machine(ctx, name, "noemuoff run=allocators", firmware=firmware,
                 machine=machine, timeout=timeout) as m:
        m.wait_log(r"^spawn: pid 4 ", what="the allocators starting")
        ps2_ready(m)  # and the key below proves the keyboard works
        m.sendkey("q")
        m.expect("poweroff")
        need(m, r"^acpi: RSDP \(%s\) revision \d" % rsdp_from,
             "the RSDP found (%s)" % rsdp_from)
        need(m, r"^acpi: FADT: PM1a control 0x[0-9a-f]+", "the FADT")
        need(m, ACPI_FOUND, "\\_S5 found")
        need(m, r"^poweroff: key 'q'$", "the key")
        need(m, ACPI_OFF, "the ACPI power-off")
        clean_log(m)
        if re.search(r"emulators' power ports", m.log()):
            m.fail("noemuoff did not keep the emulator ports out")


@test("machines", "keys")
def acpi_poweroff_pc_bios(ctx):
    key_q_acpi(ctx, "acpi-pc-bios", "bios", "pc", "Multiboot2 tag")


@test("machines", "keys")
def acpi_poweroff_q35_bios(ctx):
    key_q_acpi(ctx, "acpi-q35-bios", "bios", "q35", "Multiboot2 tag")


@test("machines", "keys")
def acpi_poweroff_q35_uefi(ctx):
    key_q_acpi(ctx, "acpi-q35-uefi", "uefi", "q35", "Multiboot2 tag")


@test("machines", "keys")
def acpi_poweroff_pc_uefi(ctx):
    key_q_acpi(ctx, "acpi-pc-uefi", "uefi", "pc", "Multiboot2 tag")


@test("machines")
def acpi_rsdp_from_bios_area(ctx):
    """acpiscan ignores GRUB's copy: the EBDA/0xE0000 search must find the
    RSDP itself; endpoweroff powers off when the program has exited."""
    with Machine(ctx, "acpi-scan", "noemuoff acpiscan endpoweroff "
                 "run=t-syscalls", timeout=BIOS_TIMEOUT) as m:
        m.expect("poweroff")
        need(m, r"^acpi: RSDP \(BIOS area\) revision \d", "the BIOS-area RSDP")
        need(m, ACPI_OFF, "the ACPI power-off")
        need(m, r"^mm: all \d+ pages back, no leak", "the leak check")


@test("bochs")
def bochs_acpi_poweroff(ctx):
    run = BochsRun(ctx, "bochs-acpi", "noemuoff endpoweroff run=t-syscalls")
    got = run.run()
    bochs_log = run.bochs_log()
    if "ACPI control: soft power off" not in bochs_log:
        run.fail("expected Bochs to report an ACPI soft power off in its "
                 "log; bochs.sh said '%s'" % got)
    for pattern, what in [(ACPI_FOUND, "\\_S5 found"),
                          (ACPI_OFF, "the ACPI power-off"),
                          (r"^mm: all \d+ pages back, no leak",
                           "the leak check")]:
        if not re.search(pattern, run.log(), re.M):
            run.fail("expected the log to show %s" % what)
