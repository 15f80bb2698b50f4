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
from cases import BIOS_TIMEOUT, UEFI_TIMEOUT, test, need, clean_log, user

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
        need(m, user(r"t-syscalls: ok pid=1 ring=3", 1),
             "the program's verdict")
        need(m, r"^exit: pid 1 status 0$", "a clean exit")
        need(m, r"^mm: all \d+ pages back, no leak", "the leak check")
        need(m, r"^test: PASS", "the success exit")
        ps2_ready(m)
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


# -- what else a real PC needs ------------------------------------------------

def ps2_ready(m):
    """The PS/2 controller was initialised: translation and IRQ 1 on."""
    found = re.search(r"^ps2: self-test ok, port 1 ok, config 0x[0-9a-f]+ -> "
                      r"0x([0-9a-f]+)(.*)$", m.log(), re.M)
    if not found:
        m.fail("no 'ps2: self-test ok, port 1 ok' line in the log")
    config = int(found.group(1), 16)
    if config & 0x41 != 0x41 or found.group(2).startswith(" (not"):
        m.fail("the PS/2 configuration byte is 0x%02x%s: translation (0x40) "
               "and IRQ 1 (0x01) must be on" % (config, found.group(2)))


def all_allocated(m):
    m.wait_log(user(r"p-allocator: pid \d stopped after"), count=4,
               what="all four allocators running out of memory")


@test("machines", "step7")
def memory_hole_is_reserved(ctx):
    """A page the firmware's map does not call RAM, inside the managed
    2 MiB (faked by kfakehole), is reserved: the viewer shows R and no
    process ever gets it, even when the allocators take every free page."""
    import screen as scr
    hole = 0x150000
    with Machine(ctx, "mem-hole", "kfakehole=0x%x run=allocators" % hole,
                 timeout=BIOS_TIMEOUT) as m:
        all_allocated(m)
        need(m, r"^kfakehole: page 0x%x reserved" % hole, "the faked hole")

        def check(s):
            cells = scr.physical_cells(s)
            ch, attr = cells[hole // scr.PAGE]
            if ch != "R":
                m.fail("the hole at 0x%x shows %r, want R (reserved)" %
                       (hole, ch))
            for pa in (hole - scr.PAGE, hole + scr.PAGE):
                if cells[pa // scr.PAGE][0] not in "123456789ABCDEF":
                    m.fail("page 0x%x beside the hole shows %r: the "
                           "allocators should own it" %
                           (pa, cells[pa // scr.PAGE][0]))
            free = [pn for pn, (c, _) in enumerate(cells) if c == "."]
            if free:
                m.fail("pages still free after the allocators ran out: %s" %
                       ", ".join("0x%x" % (pn * scr.PAGE) for pn in free[:8]))
        m.check_screen(check)


def check_fb_physical(m, s):
    """screen.check_physical_fixed for a framebuffer console: the cells the
    console draws from are then a page of the kernel image, shown C as
    well as 0xB8000 (the users' console page)."""
    import screen as scr
    cells = scr.physical_cells(s)
    consoles = [pn * scr.PAGE for pn, (c, _) in enumerate(cells)
                if c == "C" and pn * scr.PAGE != scr.CONSOLE]
    if len(consoles) != 1 or not scr.KERNEL[0] <= consoles[0] < scr.KERNEL[1]:
        m.fail("want one console page (C) inside the kernel image besides "
               "0xB8000, got %s" % ["0x%x" % pa for pa in consoles])
    raw = bytearray()
    for r in range(len(s.chars)):
        for c in range(len(s.chars[r])):
            raw += bytes([ord(s.chars[r][c]), s.attrs[r][c]])

    def put(pa, ch, attr):
        pn = pa // scr.PAGE
        o = ((scr.PHYS_ROW + pn // scr.PER_ROW) * 80 + scr.MAP_COL +
             pn % scr.PER_ROW) * 2
        raw[o:o + 2] = bytes([ord(ch), attr])
    put(consoles[0], "K", scr.MAGENTA)
    scr.check_physical_fixed(m, type(s)(bytes(raw)))


def check_fb_console(m, w, h):
    """The console drawn on a w x h framebuffer: read off QEMU's display
    glyph by glyph, the viewer's layout and fixed pages right. Up to five
    reads, since one may catch the viewer between two frames."""
    import fbscreen
    import screen as scr
    for attempt in range(5):
        s = fbscreen.fb_screen(m)
        if (s.width, s.height) != (w, h):
            m.fail("the display is %dx%d, the framebuffer %dx%d" %
                   (s.width, s.height, w, h))
        try:
            scr.check_layout(m, s)
            check_fb_physical(m, s)
            return
        except Exception:
            if attempt == 4:
                raise


def fb_console(ctx, name, firmware, mode):
    """GRUB gives the framebuffer mode (gfxmode word); the console must be
    drawn right on it: every cell a glyph, the viewer's layout and the
    fixed pages correct."""
    w, h, bpp = (int(x) for x in mode.split("x"))
    timeout = UEFI_TIMEOUT if firmware == "uefi" else BIOS_TIMEOUT
    with Machine(ctx, name, "gfxmode=%s run=allocators" % mode,
                 firmware=firmware, timeout=timeout) as m:
        all_allocated(m)
        need(m, r"^boot: display: framebuffer %dx%d, %d bpp" % (w, h, bpp),
             "GRUB's %s framebuffer" % mode)
        need(m, r"^console: framebuffer %dx%d bpp %d$" % (w, h, bpp),
             "the console on it")
        check_fb_console(m, w, h)


@test("machines")
def fb_uefi_1024x768x32(ctx):
    fb_console(ctx, "fb-uefi-1024", "uefi", "1024x768x32")


@test("machines")
def fb_uefi_800x600x24(ctx):
    fb_console(ctx, "fb-uefi-800", "uefi", "800x600x24")


@test("machines")
def fb_bios_800x600x24(ctx):
    fb_console(ctx, "fb-bios-800", "bios", "800x600x24")
