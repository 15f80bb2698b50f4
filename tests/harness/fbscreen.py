"""fbscreen.py: reads the console off a framebuffer the way a user sees it.
QEMU's screendump gives the pixels; each 8x16 cell of the centred 640x400
grid is matched against the kernel's own font (kernel/font8x16.c) and VGA
palette, giving a qemu.Screen of characters and attributes that the
viewer checks (screen.py) read like the VGA text screen. A cell that is
not exactly one glyph in two palette colours is an error: it means the
kernel drew at the wrong place, pitch or pixel size."""
import os
import re

from qemu import Screen, ROWS, COLS

FONT_C = os.path.join(os.path.dirname(__file__), "..", "..", "kernel",
                      "font8x16.c")
GW, GH = 8, 16
PALETTE = [0x000000, 0x0000AA, 0x00AA00, 0x00AAAA, 0xAA0000, 0xAA00AA,
           0xAA5500, 0xAAAAAA, 0x555555, 0x5555FF, 0x55FF55, 0x55FFFF,
           0xFF5555, 0xFF55FF, 0xFFFF55, 0xFFFFFF]
COLOR = {rgb: i for i, rgb in enumerate(PALETTE)}
_glyphs = None


def glyphs():
    """{mask (tuple of 16 row bytes): character} for 0x20..0x7E."""
    global _glyphs
    if _glyphs is None:
        with open(FONT_C) as f:
            text = f.read()
        body = text[text.index("= {"):]
        rows = re.findall(r"\{((?:\s*0x[0-9a-fA-F]{2},?){16})\s*\}", body)
        _glyphs = {}
        for i, r in enumerate(rows):
            mask = tuple(int(x, 16) for x in re.findall(r"0x[0-9a-fA-F]+", r))
            _glyphs.setdefault(mask, chr(0x20 + i))
    return _glyphs


def read_ppm(path):
    with open(path, "rb") as f:
        data = f.read()
    parts = []
    pos = 0
    while len(parts) < 4:  # magic, width, height, maxval
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        parts.append(data[pos:end])
        pos = end
    if parts[0] != b"P6" or parts[3] != b"255":
        raise ValueError("not an 8-bit P6 PPM: %r" % parts)
    w, h = int(parts[1]), int(parts[2])
    return w, h, data[pos + 1:pos + 1 + w * h * 3]


def decode(path):
    """(Screen, width, height, errors) from a PPM screendump."""
    w, h, px = read_ppm(path)
    x0, y0 = (w - COLS * GW) // 2, (h - ROWS * GH) // 2
    table = glyphs()
    raw = bytearray(ROWS * COLS * 2)
    errors = []
    for r in range(ROWS):
        for c in range(COLS):
            colors = []
            for y in range(GH):
                o = ((y0 + r * GH + y) * w + x0 + c * GW) * 3
                line = px[o:o + GW * 3]
                colors.append([(line[i] << 16) | (line[i + 1] << 8) |
                               line[i + 2] for i in range(0, GW * 3, 3)])
            distinct = {p for row in colors for p in row}
            ch, attr = None, 0
            if len(distinct) == 1 and distinct <= set(COLOR):
                ch, attr = " ", COLOR[distinct.pop()] << 4 | 0x7
            elif len(distinct) == 2 and distinct <= set(COLOR):
                for fg in distinct:
                    mask = tuple(sum(0x80 >> x for x in range(GW)
                                     if row[x] == fg) for row in colors)
                    if mask in table:
                        bg = (distinct - {fg}).pop()
                        ch, attr = table[mask], COLOR[bg] << 4 | COLOR[fg]
                        break
            if ch is None:
                errors.append((r, c))
                ch = "?"
            raw[(r * COLS + c) * 2] = ord(ch)
            raw[(r * COLS + c) * 2 + 1] = attr
    return Screen(bytes(raw)), w, h, errors


def fb_screen(m):
    """The screen of Machine m read off its display, with the VM paused so
    it is one frame. Fails on cells that are not glyphs."""
    path = os.path.join(m.dir, "screen.ppm")
    m.monitor("stop")
    try:
        m.monitor('screendump "%s"' % path)
    finally:
        m.monitor("cont")
    s, w, h, errors = decode(path)
    if errors:
        m.fail("%d cells of the %dx%d display are not one glyph in two "
               "palette colours (first at row %d, column %d); screen:\n%s" %
               (len(errors), w, h, errors[0][0], errors[0][1], s.text()))
    s.width, s.height = w, h
    return s
