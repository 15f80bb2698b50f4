"""modern.py: what a PC without legacy devices needs: the MADT parser
(arch/x86_64/madt.c, compiled with the host's C compiler against
well-formed and malformed tables, tests/host/madt_test.c); interrupts
through the local APIC and I/O APIC; the tick from the local APIC timer on
a q35 with no PIT, no 8259, no HPET and no PS/2 (QEMU_MACHINE_NO_LEGACY in
tools/qemu-defaults.sh, `tools/qemu.sh --no-legacy`) under SeaBIOS and
OVMF, with keys from a USB keyboard; every calibration source, each held
against the CMOS RTC under icount (a second clock that counts virtual time
as the tick does); and the fallbacks (no reference, no MADT, PIT tick)."""
import os
import re
import shlex
import shutil

from qemu import DEFAULTS, Machine, TestFailure
from cases import (BIOS_TIMEOUT, UEFI_TIMEOUT, test, need, user,
                   clean_log, need_log, refuse_log, run_program,
                   host_unit_test)



@test("modern", "robustness")
def madt_parser_malformed_input(ctx):
    """Bad lengths, entries past the table, an I/O APIC GSI out of range,
    zero I/O APICs and too many I/O APICs are each refused (or kept within
    the parser's limits) with a reason; QEMU's own layout and the 64-bit
    local APIC address override parse to the right contents."""
    run = host_unit_test(ctx, "madt_test", ["arch/x86_64/madt.c"],
                         skip_without_cc=True)
    if run.returncode != 0 or "FAIL" in run.stdout:
        raise TestFailure("the MADT parser answered wrong (expected every "
                          "line 'ok'):\n" + run.stdout + run.stderr)


@test("modern", "robustness")
def cpuid_frequency_decoder(ctx):
    """arch/x86_64/cpuidfreq.c on the host: leaves 0x15/0x16 as Skylake and
    Ice Lake report them (crystal stated, or derived from the base rate of
    leaf 0x16) decode to the right TSC and crystal rates; not Intel, no
    leaf, QEMU's zeros, a zero ratio, no crystal and no base rate,
    overflowing products and rates out of range are refused with a
    reason. (The kernel cannot reach this path under TCG.)"""
    run = host_unit_test(ctx, "cpuidfreq_test", ["arch/x86_64/cpuidfreq.c"],
                         skip_without_cc=True)
    if run.returncode != 0 or "FAIL" in run.stdout or \
            "0 failed" not in run.stdout:
        raise TestFailure("the CPUID decoder answered wrong (expected every "
                          "line 'ok'):\n" + run.stdout + run.stderr)


@test("modern", "machines")
def madt_read_at_boot(ctx):
    """The kernel finds QEMU's MADT through the ACPI tables and logs the
    local APIC, the I/O APIC and the ISA overrides (QEMU routes IRQ 0 to
    GSI 2); with `nomadt` it says it falls back to the 8259. Both boots run
    t-syscalls to its verdict."""
    from cases import run_program, need_log
    log = run_program(ctx, "madt-boot", "t-syscalls")
    need_log(log, r"^madt: local APIC at 0xfee00000, 1 I/O APIC\(s\), 8259 "
             r"present", "the local APIC and one I/O APIC")
    need_log(log, r"^madt: I/O APIC id \d+ at 0xfec00000, GSI base 0$",
             "QEMU's I/O APIC")
    need_log(log, r"^madt: IRQ 0 -> GSI 2, edge, active high$",
             "the timer's interrupt source override")
    log = run_program(ctx, "madt-ignored", "t-syscalls", extra="nomadt")
    need_log(log, r"^madt: MADT ignored \(nomadt\); interrupts through the "
             r"8259$", "the fallback line")


# -- machines without legacy devices ------------------------------------

NO_LEGACY = DEFAULTS["QEMU_MACHINE_NO_LEGACY"]
HZ = 100
# Under icount (1 instruction = 1 ns of virtual time, time skipped while
# halted) the LAPIC timer, the references and the RTC all count virtual
# time, so the tick rate is checked exactly, whatever the host's load.
ICOUNT = ["-icount", "shift=0,sleep=off",
          "-rtc", "base=2020-01-01T00:00:00,clock=vm"]
RTC_LINE = r"^tickrtc: RTC second changed at tick (\d+)$"
SLEPT_LINE = user(r"t-tickrate: slept from tick (\d+) to (\d+)$")


def timeout_for(firmware):
    return UEFI_TIMEOUT if firmware == "uefi" else BIOS_TIMEOUT


def apic_facts(m, source):
    """The log names the APIC path and the LAPIC tick calibrated by
    source, with a LAPIC input rate near QEMU's 1 GHz and a TSC rate."""
    need(m, r"^intc: local APIC and I/O APIC; 8259 masked$",
         "interrupts through the APICs")
    need(m, r"^ioapic: id \d+, version 0x[0-9a-f]+, GSIs 0-23, all masked$",
         "the I/O APIC's pins read and masked")
    found = re.findall(r"^timer: lapic, calibrated by ([\w-]+), (\d+) Hz; "
                       r"TSC (\d+) Hz \(measured\)$", m.log(), re.M)
    if len(found) != 1 or found[0][0] != source:
        m.fail("expected one line 'timer: lapic, calibrated by %s, N Hz; "
               "TSC N Hz (measured)', got %r" % (source, found))
    lapic_hz = int(found[0][1])
    if not 0.97e9 <= lapic_hz <= 1.03e9:
        m.fail("QEMU's LAPIC timer counts at 1 GHz; calibration by %s "
               "measured %d Hz" % (source, lapic_hz))


def no_legacy_machine(ctx, name, cmdline, firmware, usb="kbd", **kw):
    return Machine(ctx, name, cmdline, firmware=firmware, machine=NO_LEGACY,
                   usb=usb, timeout=timeout_for(firmware), **kw)


def no_legacy_verdict(ctx, firmware):
    """Also times t-tickrate's naps by the host's clock: from the end of
    the first to the end of the fifth, 400 ticks, must take 4 s. QEMU's
    LAPIC timer follows host time without icount; a busy host can only
    make ticks late (they coalesce), never early, so the upper bound is
    loose and the lower one tight (an uncalibrated tick here is 10 times
    fast)."""
    import time
    with no_legacy_machine(ctx, "nolegacy-verdict-" + firmware,
                           "test run=t-syscalls,t-tickrate", firmware) as m:
        m.wait_log(SLEPT_LINE, what="t-tickrate's first nap")
        first = time.monotonic()
        m.wait_log(SLEPT_LINE, count=5, what="t-tickrate's fifth nap")
        took = time.monotonic() - first
        if not 3.6 <= took <= 8.0:
            m.fail("400 ticks of sleep took %.2f s by the host's clock; "
                   "expected 4 s (3.6-8)" % took)
        print("400 ticks of sleep took %.2f s by the host's clock" % took)
        m.expect("pass")
        apic_facts(m, "pm-timer")
        need(m, r"^calib: no HPET table$", "no HPET (hpet=off)")
        need(m, r"^ps2: no controller", "no PS/2 controller (i8042=off)")
        need(m, r"^ioapic: IRQ 1 -> GSI 1 \(I/O APIC \d+ pin 1\), vector "
             r"33, edge, active high$", "the keyboard's IRQ routed")
        need(m, user(r"t-syscalls: ok .*ticks \d+ -> \d+"),
             "t-syscalls' ticks check")
        slept = re.findall(SLEPT_LINE, m.log(), re.M)
        if len(slept) != 5:
            m.fail("t-tickrate slept %d times; expected 5" % len(slept))
        clean_log(m)


@test("modern", "machines")
def no_legacy_ticks_bios(ctx):
    """SeaBIOS, q35 with no PIT, 8259, HPET or PS/2: the LAPIC timer,
    calibrated by the ACPI PM timer, ticks; t-syscalls (ticks advance) and
    t-tickrate (five sleep(100) of 100-102 ticks each) pass."""
    no_legacy_verdict(ctx, "bios")


@test("modern", "machines")
def no_legacy_ticks_uefi(ctx):
    """The same under OVMF."""
    no_legacy_verdict(ctx, "uefi")


def no_legacy_keys(ctx, firmware, usb):
    from cases.usb import boot_facts, switch_scenarios
    with no_legacy_machine(ctx, "nolegacy-keys-%s-%s" % (usb, firmware),
                           "test run=allocators", firmware, usb=usb) as m:
        boot_facts(m, r"\d+\.1" if usb == "hub" else r"\d+")
        apic_facts(m, "pm-timer")
        switch_scenarios(m)


@test("modern", "keys")
def no_legacy_keys_switch_scenarios_bios(ctx):
    """SeaBIOS, no legacy devices: a USB keyboard on the root port; shift-f,
    e, k, a soft-reboot with every page back, d held is one dump, q powers
    off (the keyboard is polled on the LAPIC tick)."""
    no_legacy_keys(ctx, "bios", "kbd")


@test("modern", "keys")
def no_legacy_keys_switch_scenarios_uefi(ctx):
    """The same under OVMF."""
    no_legacy_keys(ctx, "uefi", "kbd")


@test("modern", "keys")
def no_legacy_keys_behind_hub_bios(ctx):
    """SeaBIOS, no legacy devices, the keyboard behind a USB hub."""
    no_legacy_keys(ctx, "bios", "hub")


@test("modern", "keys")
def no_legacy_keys_behind_hub_uefi(ctx):
    """OVMF, no legacy devices, the keyboard behind a USB hub."""
    no_legacy_keys(ctx, "uefi", "hub")


# -- the tick against a second clock -------------------------------------

def tick_rate_boot(ctx, name, words, machine="q35", usb=None):
    """Boots t-tickrate under icount with tickrtc; checks every RTC second
    held HZ ticks within 10%, and that the naps (500 ticks) spanned five
    RTC seconds, give or take one. Returns the log. The machine is q35 (it
    has an HPET, a PIT and an 8259 too) unless named: under icount SeaBIOS
    and GRUB boot it in about 2 s against pc's 10 s."""
    with Machine(ctx, name, "test run=t-tickrate tickrtc " + words,
                 machine=machine, usb=usb, timeout=BIOS_TIMEOUT,
                 qemu_args=ICOUNT) as m:
        m.expect("pass")
        clean_log(m)
        log = m.log()
    ticks = [int(t) for t in re.findall(RTC_LINE, log, re.M)]
    if len(ticks) < 5:
        raise TestFailure("expected at least 5 'tickrtc:' lines (RTC "
                          "seconds), got %d:\n%s" % (len(ticks), log[-3000:]))
    per_second = [b - a for a, b in zip(ticks, ticks[1:])]
    off = [n for n in per_second if abs(n - HZ) > HZ // 10]
    if off:
        raise TestFailure("%s: RTC seconds held %s ticks; expected %d +- 10%%"
                          % (words or "default calibration", per_second, HZ))
    slept = [(int(a), int(b)) for a, b in re.findall(SLEPT_LINE, log, re.M)]
    start, end = slept[0][0], slept[-1][1]
    seconds = sum(1 for t in ticks if start < t <= end)
    if abs(seconds - (end - start) / HZ) > 1:
        raise TestFailure("%s: sleeping from tick %d to %d took %d RTC "
                          "seconds; expected %.1f" %
                          (words, start, end, seconds, (end - start) / HZ))
    print("%s: ticks per RTC second %s" % (words or "default calibration",
                                           per_second))
    return log


@test("modern", "machines")
def tick_rate_calibrated_by_hpet(ctx):
    """q35 (its default HPET): `timer: lapic, calibrated by hpet`, and the
    tick is 100 Hz within 10% by the RTC, sleep(100) one RTC second."""
    log = tick_rate_boot(ctx, "tickrate-hpet", "")
    need_log(log, r"^timer: lapic, calibrated by hpet, \d+ Hz", "hpet")


@test("modern", "machines")
def tick_rate_calibrated_by_pm_timer(ctx):
    """No legacy devices: calibrated by the ACPI PM timer; the RTC agrees."""
    log = tick_rate_boot(ctx, "tickrate-pm", "", machine=NO_LEGACY)
    need_log(log, r"^timer: lapic, calibrated by pm-timer, \d+ Hz", "pm")


@test("modern", "machines")
def tick_rate_calibrated_by_pit(ctx):
    """q35 with calib=pit: calibrated by PIT channel 2; the RTC agrees."""
    log = tick_rate_boot(ctx, "tickrate-pit", "calib=pit")
    need_log(log, r"^timer: lapic, calibrated by pit, \d+ Hz", "pit")


@test("modern", "machines")
def tick_rate_forced_pm_timer(ctx):
    """q35 with calib=pm (an HPET is there, and skipped): calibrated by the
    PM timer; the RTC agrees."""
    log = tick_rate_boot(ctx, "tickrate-pm-pc", "calib=pm")
    need_log(log, r"^timer: lapic, calibrated by pm-timer, \d+ Hz", "pm")
    refuse_log(log, r"^calib: no HPET", "the HPET tried")


@test("modern", "machines")
def tick_rate_pit_through_ioapic(ctx):
    """tick=pit: the PIT is the tick, its IRQ 0 routed by the MADT's
    override to GSI 2 of the I/O APIC; the RTC agrees."""
    log = tick_rate_boot(ctx, "tickrate-pit-tick", "tick=pit")
    need_log(log, r"^timer: pit \(tick=pit\), calibrated by hpet;",
             "the PIT as the tick")
    need_log(log, r"^ioapic: IRQ 0 -> GSI 2 \(I/O APIC \d+ pin 2\), "
             r"vector 32, edge, active high$", "IRQ 0 through the override")


@test("modern", "machines")
def tick_rate_8259_without_madt(ctx):
    """nomadt on pc: the 8259 and the PIT, as before the APICs; the RTC
    agrees; the TSC is still calibrated (by the HPET)."""
    log = tick_rate_boot(ctx, "tickrate-nomadt", "nomadt", machine="pc")
    need_log(log, r"^intc: 8259 PIC pair$", "the 8259 path")
    need_log(log, r"^timer: pit \(no local APIC in use\), calibrated by "
             r"hpet; TSC \d+ Hz \(measured\)$", "the PIT tick")


@test("modern", "machines")
def calibration_without_reference(ctx):
    """No reference answers: calib=none on pc, and calib=hpet and
    calib=pit forced on the machine that has neither. Each says so, runs
    the LAPIC timer at the documented assumed 100 MHz (QEMU's is 1 GHz:
    the tick runs about ten times fast, which t-syscalls does not mind)
    with the TSC at its assumed 5 GHz, and boots to its verdict without a
    hang; a forced missing PIT costs at most its bounded wait."""
    uncal = (r"^timer: lapic, uncalibrated \(no reference clock answered\): "
             r"assuming 100000000 Hz, the tick may be fast or slow; TSC "
             r"5000000000 Hz \(uncalibrated, assumed\)$")
    for name, words, machine, why in [
            ("calib-none", "calib=none", None, None),
            ("calib-hpet-missing", "calib=hpet", NO_LEGACY,
             r"^calib: no HPET table$"),
            ("calib-pit-missing", "calib=pit", NO_LEGACY,
             r"^calib: pit does not count; not used$")]:
        with Machine(ctx, name, "test run=t-syscalls " + words,
                     machine=machine, usb="kbd" if machine else None,
                     timeout=BIOS_TIMEOUT) as m:
            m.expect("pass")
            need(m, uncal, "the uncalibrated line (%s)" % words)
            if why:
                need(m, why, "why (%s)" % words)
            clean_log(m)


@test("modern", "machines")
def calibration_cpuid_leaf_checked(ctx):
    """CPUID 0x15/0x16 is tried first. Under TCG QEMU reports leaf 0x15
    with zeros even when the leaf exists (-cpu max,level=0x16,
    vendor=GenuineIntel; only KVM fills it), so the cpuid path itself
    cannot be reached here: the kernel must say so and go on to the HPET;
    with the default CPU (max leaf below 0x15) it says that."""
    with Machine(ctx, "calib-cpuid", "test run=t-syscalls calib=cpuid",
                 cpu="max,level=0x16,vendor=GenuineIntel",
                 timeout=BIOS_TIMEOUT) as m:
        m.expect("pass")
        need(m, r"^calib: CPUID: leaf 0x15 gives no TSC/crystal ratio "
             r"\(0x15: 0/0, crystal 0 Hz\)$", "leaf 0x15's zeros refused")
        need(m, r"^timer: lapic, uncalibrated", "calib=cpuid alone: none")
    with Machine(ctx, "calib-cpuid-auto", "test run=t-syscalls",
                 timeout=BIOS_TIMEOUT) as m:
        m.expect("pass")
        need(m, r"^calib: CPUID: no CPUID leaf 0x15 \(not Intel, max leaf "
             r"0x[0-9a-f]+\)$",
             "the default CPU's missing leaf")
        apic_facts(m, "hpet")


@test("modern", "robustness")
def ioapic_entry_out_of_range(ctx):
    """An ISA IRQ whose GSI is past the I/O APIC's pins (ioapicpins=N: the
    I/O APIC acts as if it had N) is logged and not routed, and the kernel
    runs on: with one pin the keyboard's IRQ 1 is refused and the LAPIC
    tick still ticks; with two pins and tick=pit the PIT's IRQ 0 (GSI 2 by
    QEMU's override) is refused, and the calibrated LAPIC timer ticks
    instead: never no tick."""
    log = run_program(ctx, "ioapic-pins-1", "t-syscalls", extra="ioapicpins=1")
    need_log(log, r"^ioapic: id 0, version 0x[0-9a-f]+, GSIs 0-0, all "
             r"masked$", "the I/O APIC cut to one pin")
    need_log(log, r"^ioapic: IRQ 1 -> GSI 1: no usable I/O APIC has that "
             r"entry; IRQ 1 not routed$", "IRQ 1 refused")
    log = run_program(ctx, "ioapic-pins-2", "t-syscalls",
                      extra="ioapicpins=2 tick=pit")
    need_log(log, r"^ioapic: IRQ 0 -> GSI 2: no usable I/O APIC has that "
             r"entry; IRQ 0 not routed$", "IRQ 0 refused")
    need_log(log, r"^timer: the PIT's IRQ 0 cannot be routed; lapic at \d+ "
             r"Hz instead$", "the LAPIC timer taking over")


@test("modern", "robustness")
def stray_interrupt_survived(ctx):
    """An interrupt on a vector nothing is routed to (kstray: the local
    APIC raises vector 0x68 on itself before interrupts are first enabled,
    as a UEFI firmware's timer may leave one pending) is past the IDT: it
    arrives as a general protection fault for its gate while the local
    APIC has it in service, which tells it from a user's `int $N`. It is
    logged, ended at the local APIC, and the process it interrupted runs on
    (without that check the fault ends pid 1)."""
    log = run_program(ctx, "stray-interrupt", "t-syscalls", extra="kstray")
    need_log(log, r"^kstray: the local APIC raises vector 104 on itself$",
             "the stray raised")
    need_log(log, r"^intc: stray interrupt on vector 104; ended and "
             r"ignored$", "the stray caught")
    need_log(log, user(r"t-syscalls: ok pid=1 ring=3", 1),
             "t-syscalls' own verdict (pid 1 not ended by the stray)")
    refuse_log(log, r"^fault: pid", "a process ended by a fault")


X2APIC_BOCHS_CPU = "corei7_haswell_4770"


@test("modern", "bochs")
def x2apic_mode_under_bochs(ctx):
    """The local APIC in x2APIC mode (MSRs instead of MMIO: EOI, timer,
    LVTs, ID), which QEMU 7.2's TCG lacks: Bochs with a Haswell CPU model
    (tools/bochsrc with only its cpu model changed, in a scratch copy of
    tools/bochs.sh) and the word x2apic: the log says x2APIC mode, the
    tick is calibrated, kstray's self interrupt (the self-IPI MSR) is
    caught, and t-syscalls (ticks advance, so every EOI went through the
    MSR) passes. Before it, on QEMU's qemu64 (no x2APIC), the
    word is refused with a line and xAPIC mode is kept."""
    from bochs import BochsRun, TOOLS
    log = run_program(ctx, "x2apic-refused", "t-syscalls", extra="x2apic")
    need_log(log, r"^lapic: x2apic asked for, but this CPU has no x2APIC$",
             "the refusal on qemu64")
    need_log(log, r"^lapic: xAPIC mode, id 0", "xAPIC mode kept")
    run = BochsRun(ctx, "x2apic-bochs", "test run=t-syscalls x2apic kstray")
    tools = os.path.join(run.dir, "tools")
    os.makedirs(tools)
    shutil.copy(os.path.join(TOOLS, "bochs.sh"), tools)
    with open(os.path.join(TOOLS, "bochsrc")) as f:
        rc = f.read()
    rc, n = re.subn(r"^cpu: model=\w+", "cpu: model=" + X2APIC_BOCHS_CPU, rc,
                    flags=re.M)
    if n != 1:
        raise TestFailure("tools/bochsrc has no 'cpu: model=' line to change")
    with open(os.path.join(tools, "bochsrc"), "w") as f:
        f.write(rc)
    run.args[0] = os.path.join(tools, "bochs.sh")
    got = run.run()
    if got != "pass":
        run.fail("expected t-syscalls to pass under Bochs in x2APIC mode, "
                 "got '%s' after %.0f s" % (got, run.seconds))
    log = run.log()
    need_log(log, r"^lapic: x2APIC mode \(MSRs\), id 0, version 0x[0-9a-f]+$",
             "x2APIC mode")
    need_log(log, r"^timer: lapic, calibrated by hpet, \d+ Hz", "the tick")
    need_log(log, r"^intc: stray interrupt on vector 104; ended and "
             r"ignored$", "kstray's self interrupt through the x2APIC")
    need_log(log, user(r"t-syscalls: ok pid=1 ring=3", 1), "the verdict")
    refuse_log(log, r"^(PANIC|PAGE TABLE ERROR|USER PANIC)", "a failure")


@test("modern", "workflow")
def qemu_sh_no_legacy_matches_harness(ctx):
    """`tools/qemu.sh --no-legacy` (and with --usb-hub, under UEFI) boots
    the machine these tests boot: the same machine type and devices."""
    from cases.workflow import QEMU_SH, machine_facts, run
    for firmware, usb in [("bios", "kbd"), ("uefi", "hub")]:
        m = Machine(ctx, "match-nolegacy-" + firmware, "test run=t-syscalls",
                    firmware=firmware, machine=NO_LEGACY, usb=usb)
        sh = [QEMU_SH, "--dry-run", "headless", "--build-dir", ctx.build,
              "--firmware", firmware, "--cmdline", "test run=t-syscalls",
              "--no-legacy"] + (["--usb-hub"] if usb == "hub" else [])
        _, out, _ = run(sh, "qemu.sh --dry-run --no-legacy")
        ours, theirs = machine_facts(shlex.split(out)), machine_facts(m.args)
        if ours != theirs:
            raise TestFailure("qemu.sh --no-legacy (%s) and the harness "
                              "differ: %s against %s" % (firmware, ours,
                                                         theirs))
