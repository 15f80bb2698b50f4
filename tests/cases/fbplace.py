"""fbplace.py: where the firmware puts the framebuffer. The kernel maps
the framebuffer wherever its physical address is (arch/x86_64/mmio.c,
kernel/fbcon.c), above 4 GiB included. No QEMU 7.2 + OVMF configuration
found here puts it there (README, "Booting elsewhere", says what was
tried and why each fails): every display device's framebuffer BAR is a
32-bit one, and OVMF allocates ramfb's framebuffer from RAM below 4 GiB
even when most RAM is above. What is tested: ramfb, a framebuffer in
ordinary RAM (reserved in the memory map) rather than in a PCI BAR, on a
machine with 4 GiB of RAM above 4 GiB, drawn right; and, should a
firmware ever place it above 4 GiB, that the kernel says it mapped it
there."""
import re

from qemu import Machine
from cases import UEFI_TIMEOUT, test, need

# -vga none: no PCI display, so GRUB's only framebuffer is ramfb's.
RAMFB = ["-vga", "none", "-device", "ramfb"]


@test("modern", "machines")
def framebuffer_ramfb_ram_above_4g_uefi(ctx):
    """OVMF on q35 with 6 GiB (2 GiB below 4 GiB, 4 GiB above) and ramfb as
    the only display: the memory map has the RAM above 4 GiB, the log
    names the framebuffer's address (reserved memory, not RAM the map
    calls available), and the console is drawn on it glyph by glyph with
    the viewer's layout."""
    from cases.machines import all_allocated, check_fb_console
    with Machine(ctx, "fb-ramfb-6g", "run=allocators", firmware="uefi",
                 memory="6G", qemu_args=RAMFB, timeout=UEFI_TIMEOUT) as m:
        all_allocated(m)
        log = m.log()
        need(m, r"^boot: mmap \[0x1[0-9a-f]{8}, 0x[0-9a-f]{9}\) type 1 "
             r"available", "usable RAM above 4 GiB in the memory map")
        found = re.search(r"^boot: display: framebuffer (\d+)x(\d+), (\d+) "
                          r"bpp, pitch (\d+), at 0x([0-9a-f]+)", log, re.M)
        if not found:
            m.fail("expected the log to name ramfb's framebuffer and its "
                   "address ('boot: display: framebuffer WxH, B bpp, pitch "
                   "P, at 0x...')")
        w, h, bpp, pitch = (int(found.group(i)) for i in range(1, 5))
        addr = int(found.group(5), 16)
        end = addr + pitch * h
        for base, top, kind in re.findall(
                r"^boot: mmap \[0x([0-9a-f]+), 0x([0-9a-f]+)\) type (\d+)",
                log, re.M):
            base, top = int(base, 16), int(top, 16)
            if kind == "1" and base < end and addr < top:
                m.fail("the framebuffer [0x%x, 0x%x) overlaps RAM the map "
                       "calls available [0x%x, 0x%x)" % (addr, end, base, top))
        need(m, r"^console: framebuffer %dx%d bpp %d$" % (w, h, bpp),
             "the console on ramfb's framebuffer")
        if addr >= 1 << 32:
            need(m, r"^console: framebuffer at 0x%x, above 4 GiB: mapped at "
                 % addr, "the mapping of a framebuffer above 4 GiB")
        check_fb_console(m, w, h)
