"""usb.py: USB keyboards on an xHCI controller, on machines where keys can
come from nowhere else (q35 with the i8042 PS/2 controller off), under
SeaBIOS and OVMF: keys through the monitor's sendkey switch scenarios with
every page back, `q` powers off, a held key is one press, a modifier does
not change a key; the same behind a USB hub; a mouse and a tablet logged
and ignored; a hub with nothing behind it; a controller with no keyboard;
a keyboard unplugged while running (device_del). The descriptor parser and
report decoder are unit-tested on the host with malformed input
(tests/host/usb_desc_test.c).

The machines come from tools/qemu-defaults.sh (QEMU_MACHINE_NO_PS2 and the
QEMU_USB_* devices), as `tools/qemu.sh --machine q35,i8042=off --usb-kbd`
(or `--usb-hub`) boots them by hand."""
import os
import re
import time

from qemu import DEFAULTS, Machine, TestFailure
from cases import (BIOS_TIMEOUT, UEFI_TIMEOUT, test, need, refuse, clean_log,
                   host_unit_test, switch_by_keys)

SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
NO_PS2 = DEFAULTS["QEMU_MACHINE_NO_PS2"]
XHCI = DEFAULTS["QEMU_USB_XHCI"]


def timeout_for(firmware):
    return UEFI_TIMEOUT if firmware == "uefi" else BIOS_TIMEOUT


def boot_facts(m, keyboard):
    """The log says the PS/2 controller is absent and where the keyboard
    is (keyboard: a regex for its port name, such as "5" or "5.1")."""
    m.wait_log(r"^usb: \d+ keyboards? ready", what="USB bring-up finished")
    need(m, r"^ps2: no controller", "no PS/2 controller (i8042=off)")
    need(m, r"^pci: [0-9a-f]{2}:[0-9a-f]{2}\.[0-7] xhci at 0x[0-9a-f]+",
         "the xHCI controller found on PCI")
    need(m, r"^usb: port %s: keyboard \(boot protocol\)" % keyboard,
         "the keyboard on port %s" % keyboard)
    need(m, r"^usb: 1 keyboard ready", "one keyboard ready")


def switch_scenarios(m):
    """keys-switch-scenarios over USB: f (with shift held, which must not
    change it), e, k, a each soft-reboot with no leak; then d held for
    0.4 s is one screen dump, not a repeat."""
    m.wait_log(r"^spawn: pid 4 ", what="the allocators")
    switch_by_keys(m, m.sendkey, ["shift-f", "e", "k", "a"], "over USB")
    m.monitor("sendkey d 400")
    m.wait_log(r"^SCREEN BEGIN", what="the screen dump of key d")
    time.sleep(1.0)
    dumps = len(re.findall(r"^SCREEN BEGIN", m.log(), re.M))
    if dumps != 1:
        m.fail("key d held for 0.4 s gave %d screen dumps; expected one "
               "press, not repeats" % dumps)
    keys = re.findall(r"^key '(.)'", m.log(), re.M)
    if keys != ["f", "e", "k", "a"]:
        m.fail("expected exactly the keys f e k a in the log, got %s" % keys)
    clean_log(m)
    m.sendkey("q")
    m.expect("poweroff")


def keyboard_machine(ctx, name, firmware, usb):
    return Machine(ctx, name, "test run=allocators", firmware=firmware,
                   machine=NO_PS2, usb=usb, timeout=timeout_for(firmware))


@test("modern", "keys")
def usb_keyboard_switch_scenarios_bios(ctx):
    """SeaBIOS, q35 without PS/2, a USB keyboard on the xHCI root port."""
    with keyboard_machine(ctx, "usb-kbd-bios", "bios", "kbd") as m:
        boot_facts(m, r"\d+")
        switch_scenarios(m)


@test("modern", "keys")
def usb_keyboard_switch_scenarios_uefi(ctx):
    """OVMF (which drives the controller itself before GRUB), q35 without
    PS/2, a USB keyboard on the root port."""
    with keyboard_machine(ctx, "usb-kbd-uefi", "uefi", "kbd") as m:
        boot_facts(m, r"\d+")
        switch_scenarios(m)


@test("modern", "keys")
def usb_keyboard_behind_hub_bios(ctx):
    """SeaBIOS: the keyboard behind a USB hub on the root port."""
    with keyboard_machine(ctx, "usb-hub-bios", "bios", "hub") as m:
        boot_facts(m, r"\d+\.1")
        need(m, r"^usb: port \d+: hub, \d+ ports", "the hub")
        switch_scenarios(m)


@test("modern", "keys")
def usb_keyboard_behind_hub_uefi(ctx):
    """OVMF: the keyboard behind a USB hub on the root port."""
    with keyboard_machine(ctx, "usb-hub-uefi", "uefi", "hub") as m:
        boot_facts(m, r"\d+\.1")
        need(m, r"^usb: port \d+: hub, \d+ ports", "the hub")
        switch_scenarios(m)


@test("modern", "keys")
def usb_mouse_and_tablet_ignored(ctx):
    """A mouse and a tablet on the controller beside the keyboard: each is
    named in the log and ignored; the keyboard still works."""
    with Machine(ctx, "usb-mouse", "test run=allocators", machine=NO_PS2,
                 usb="kbd", timeout=BIOS_TIMEOUT,
                 qemu_args=["-device", "usb-mouse,bus=xhci.0,port=2",
                            "-device", "usb-tablet,bus=xhci.0,port=3"]) as m:
        boot_facts(m, r"\d+")
        need(m, r"^usb: port \d+: mouse: not a boot keyboard; ignored",
             "the mouse ignored")
        need(m, r"^usb: port \d+: HID device \(tablet or other\): not a "
             r"boot keyboard; ignored", "the tablet ignored")
        m.wait_log(r"^spawn: pid 4 ", what="the allocators")
        m.sendkey("f")
        m.wait_log(r"^key 'f': soft reboot into 'fork'", what="key f")
        m.sendkey("q")
        m.expect("poweroff")


@test("modern", "keys")
def usb_hub_with_nothing_behind(ctx):
    """A hub with no device behind it, and no keyboard anywhere: logged;
    the program runs to its verdict."""
    with Machine(ctx, "usb-empty-hub", "test run=t-syscalls", machine=NO_PS2,
                 timeout=BIOS_TIMEOUT,
                 qemu_args=["-device", XHCI,
                            "-device", DEFAULTS["QEMU_USB_HUB"]]) as m:
        m.expect("pass")
        need(m, r"^usb: port \d+: hub, \d+ ports", "the hub")
        need(m, r"^usb: port \d+: hub: nothing attached", "the empty hub")
        need(m, r"^usb: 0 keyboards ready", "no keyboard")
        clean_log(m)


@test("modern", "keys")
def usb_controller_without_devices(ctx):
    """An xHCI controller with nothing on it, and a q35 without any: each
    logged; the program runs to its verdict."""
    with Machine(ctx, "usb-no-device", "test run=t-syscalls", machine=NO_PS2,
                 timeout=BIOS_TIMEOUT, qemu_args=["-device", XHCI]) as m:
        m.expect("pass")
        need(m, r"^xhci 0: \d+ ports", "the controller running")
        need(m, r"^xhci 0: no device on any port", "no device")
        clean_log(m)
    with Machine(ctx, "usb-no-controller", "test run=t-syscalls",
                 machine=NO_PS2, timeout=BIOS_TIMEOUT) as m:
        m.expect("pass")
        need(m, r"^usb: no xHCI controller; no USB keyboard",
             "no controller")
        clean_log(m)


def unplug(ctx, name, usb, port):
    with Machine(ctx, name, "test run=allocators", machine=NO_PS2, usb=usb,
                 timeout=BIOS_TIMEOUT) as m:
        boot_facts(m, port)
        m.wait_log(r"^spawn: pid 4 ", what="the allocators")
        m.sendkey("f")
        m.wait_log(r"^key 'f': soft reboot into 'fork'", what="key f")
        out = m.monitor("device_del usbkbd")
        if "rror" in out:
            m.fail("device_del failed: %s" % out.strip())
        m.wait_log(r"^usb: port %s: keyboard (unplugged|: report transfer "
                   r"failed)" % port, what="the keyboard's unplugging")
        # The kernel runs on: the viewer keeps drawing, ticks advance.
        time.sleep(1.5)
        if m.proc.poll() is not None:
            m.fail("QEMU ended (%s) after the keyboard was unplugged" %
                   m.outcome())
        s = m.screen()
        if "PHYSICAL MEMORY" not in s.text():
            m.fail("the viewer is gone after the unplug:\n" + s.text())
        clean_log(m)


@test("modern", "keys")
def usb_keyboard_unplugged(ctx):
    """device_del of the keyboard on the root port while running: a log
    line; the kernel runs on."""
    unplug(ctx, "usb-unplug", "kbd", r"\d+")


@test("modern", "keys")
def usb_keyboard_unplugged_behind_hub(ctx):
    """device_del of the keyboard behind the hub while running: a log
    line; the kernel runs on."""
    unplug(ctx, "usb-unplug-hub", "hub", r"\d+\.1")


@test("modern", "keys")
def usb_descriptor_parser(ctx):
    """The descriptor parser and report decoder, built for the host with
    its cc (AddressSanitizer where it has it): well-formed and malformed
    descriptors (bLength 0, past wTotalLength, wTotalLength past the
    buffer, short interface/endpoint, wrong types, bad max packet, hubs
    with 0 or 40 ports), 200,000 random buffers, and reports (a key per
    press, rollover ignored, modifiers, unbound usages)."""
    r = host_unit_test(ctx, "usb_desc_test", ["drivers/usb/usb_desc.c",
                                              "drivers/usb/hid_boot.c"])
    if r.returncode != 0 or not re.search(r"\d+ checks, 0 failed", r.stdout):
        raise TestFailure("usb_desc_test failed (status %d):\n%s%s" %
                          (r.returncode, r.stdout, r.stderr[-3000:]))


@test("modern", "keys")
def usb_controllers_never_ready_bounded(ctx):
    """Three xHCI controllers (a keyboard on the first) whose resets never
    finish (usbnoanswer: controller-not-ready stays set): each is given up
    with a log line, all of USB takes about a second at most, and the
    program runs to its verdict."""
    with Machine(ctx, "usb-never-ready", "test run=t-syscalls usbnoanswer",
                 machine=NO_PS2, usb="kbd", timeout=BIOS_TIMEOUT,
                 qemu_args=["-device", "qemu-xhci", "-device",
                            "qemu-xhci"]) as m:
        m.expect("pass")
        need(m, r"^xhci 0: reset never finished", "the first controller "
             "given up")
        need(m, r"^xhci 1: reset never finished", "the second controller "
             "given up")
        need(m, r"^(xhci 2: reset never finished|usb: time budget spent; "
             r"xhci 2 skipped)", "the third given up or skipped")
        found = re.search(r"^usb: 0 keyboards ready \((\d+) ms\)", m.log(),
                          re.M)
        if not found:
            m.fail("expected 'usb: 0 keyboards ready (N ms)' in the log")
        if int(found.group(1)) > 1100:
            m.fail("USB bring-up took %s ms with controllers that never "
                   "answer; the bound is about 1 s" % found.group(1))
        clean_log(m)
