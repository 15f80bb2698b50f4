#!/usr/bin/env python3
"""screen2png.py: renders WeensyOS screen dumps from the kernel log to images.

The kernel writes the 80x25 console to the log (COM1, build/log.txt) when
you press `d`, or at the end of a run with the command-line word
`dumpscreen`:

    SCREEN BEGIN
    S|<80 characters>|              } 25 times: the text of a row and
    A|<160 hex digits>|             } one VGA attribute byte per cell
    SCREEN END

Attributes use the 16-colour VGA palette: foreground in the low nibble,
background in the high nibble (no blink). Glyphs come from a small 5x7
bitmap font defined below. Pure Python 3 standard library.

Usage:
    tools/screen2png.py [LOG] [-o OUT]       last dump -> OUT (screen.png)
    tools/screen2png.py [LOG] --all          every dump -> screen-001.png ...
    tools/screen2png.py [LOG] --gif [-o OUT] every dump -> animated GIF
"""

import argparse
import os
import struct
import sys
import zlib

COLUMNS, ROWS = 80, 25
CELL_W, CELL_H = 6, 11  # 5x7 glyph, 1 column gap, 1 row above, 2 descender, 1 below
GLYPH_TOP = 1

# The 16 VGA text-mode colours.
PALETTE = [
    (0x00, 0x00, 0x00), (0x00, 0x00, 0xAA), (0x00, 0xAA, 0x00),
    (0x00, 0xAA, 0xAA), (0xAA, 0x00, 0x00), (0xAA, 0x00, 0xAA),
    (0xAA, 0x55, 0x00), (0xAA, 0xAA, 0xAA), (0x55, 0x55, 0x55),
    (0x55, 0x55, 0xFF), (0x55, 0xFF, 0x55), (0x55, 0xFF, 0xFF),
    (0xFF, 0x55, 0x55), (0xFF, 0x55, 0xFF), (0xFF, 0xFF, 0x55),
    (0xFF, 0xFF, 0xFF),
]

# A 5-pixel-wide font for printable ASCII, one glyph a line: the character,
# then its rows top to bottom ('#' lit). Seven rows sit on the baseline; an
# eighth and ninth hang below it (descenders).
FONT_TEXT = r"""
  ..... ..... ..... ..... ..... ..... .....
! ..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..
" .#.#. .#.#. ..... ..... ..... ..... .....
# .#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.
$ ..#.. .#### #.#.. .###. ..#.# ####. ..#..
% ##... ##..# ...#. ..#.. .#... #..## ...##
& .##.. #..#. #.#.. .#... #.#.# #..#. .##.#
' ..#.. ..#.. .#... ..... ..... ..... .....
( ...#. ..#.. .#... .#... .#... ..#.. ...#.
) .#... ..#.. ...#. ...#. ...#. ..#.. .#...
* ..... ..#.. #.#.# .###. #.#.# ..#.. .....
+ ..... ..#.. ..#.. ##### ..#.. ..#.. .....
, ..... ..... ..... ..... .##.. .##.. ..#.. .#...
- ..... ..... ..... ##### ..... ..... .....
. ..... ..... ..... ..... ..... .##.. .##..
/ ..... ....# ...#. ..#.. .#... #.... .....
0 .###. #...# #..## #.#.# ##..# #...# .###.
1 ..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.
2 .###. #...# ....# ...#. ..#.. .#... #####
3 ##### ...#. ..#.. ...#. ....# #...# .###.
4 ...#. ..##. .#.#. #..#. ##### ...#. ...#.
5 ##### #.... ####. ....# ....# #...# .###.
6 ..##. .#... #.... ####. #...# #...# .###.
7 ##### ....# ...#. ..#.. .#... .#... .#...
8 .###. #...# #...# .###. #...# #...# .###.
9 .###. #...# #...# .#### ....# ...#. .##..
: ..... .##.. .##.. ..... .##.. .##.. .....
; ..... .##.. .##.. ..... .##.. .##.. ..#.. .#...
< ...#. ..#.. .#... #.... .#... ..#.. ...#.
= ..... ..... ##### ..... ##### ..... .....
> .#... ..#.. ...#. ....# ...#. ..#.. .#...
? .###. #...# ....# ...#. ..#.. ..... ..#..
@ .###. #...# ....# .##.# #.#.# #.#.# .###.
A .###. #...# #...# ##### #...# #...# #...#
B ####. #...# #...# ####. #...# #...# ####.
C .###. #...# #.... #.... #.... #...# .###.
D ###.. #..#. #...# #...# #...# #..#. ###..
E ##### #.... #.... ####. #.... #.... #####
F ##### #.... #.... ####. #.... #.... #....
G .###. #...# #.... #.### #...# #...# .####
H #...# #...# #...# ##### #...# #...# #...#
I .###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.
J ..### ...#. ...#. ...#. ...#. #..#. .##..
K #...# #..#. #.#.. ##... #.#.. #..#. #...#
L #.... #.... #.... #.... #.... #.... #####
M #...# ##.## #.#.# #.#.# #...# #...# #...#
N #...# #...# ##..# #.#.# #..## #...# #...#
O .###. #...# #...# #...# #...# #...# .###.
P ####. #...# #...# ####. #.... #.... #....
Q .###. #...# #...# #...# #.#.# #..#. .##.#
R ####. #...# #...# ####. #.#.. #..#. #...#
S .#### #.... #.... .###. ....# ....# ####.
T ##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..
U #...# #...# #...# #...# #...# #...# .###.
V #...# #...# #...# #...# #...# .#.#. ..#..
W #...# #...# #...# #.#.# #.#.# #.#.# .#.#.
X #...# #...# .#.#. ..#.. .#.#. #...# #...#
Y #...# #...# .#.#. ..#.. ..#.. ..#.. ..#..
Z ##### ....# ...#. ..#.. .#... #.... #####
[ .###. .#... .#... .#... .#... .#... .###.
\ ..... #.... .#... ..#.. ...#. ....# .....
] .###. ...#. ...#. ...#. ...#. ...#. .###.
^ ..#.. .#.#. #...# ..... ..... ..... .....
_ ..... ..... ..... ..... ..... ..... #####
` .#... ..#.. ...#. ..... ..... ..... .....
a ..... ..... .###. ....# .#### #...# .####
b #.... #.... #.##. ##..# #...# #...# ####.
c ..... ..... .###. #.... #.... #...# .###.
d ....# ....# .##.# #..## #...# #...# .####
e ..... ..... .###. #...# ##### #.... .###.
f ..##. .#..# .#... ###.. .#... .#... .#...
g ..... ..... .#### #...# #...# #..## .##.# ....# .###.
h #.... #.... #.##. ##..# #...# #...# #...#
i ..#.. ..... .##.. ..#.. ..#.. ..#.. .###.
j ...#. ..... ..##. ...#. ...#. ...#. ...#. #..#. .##..
k #.... #.... #..#. #.#.. ##... #.#.. #..#.
l .##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.
m ..... ..... ##.#. #.#.# #.#.# #...# #...#
n ..... ..... #.##. ##..# #...# #...# #...#
o ..... ..... .###. #...# #...# #...# .###.
p ..... ..... ####. #...# #...# #...# ####. #.... #....
q ..... ..... .#### #...# #...# #...# .#### ....# ....#
r ..... ..... #.##. ##..# #.... #.... #....
s ..... ..... .#### #.... .###. ....# ####.
t .#... .#... ###.. .#... .#... .#..# ..##.
u ..... ..... #...# #...# #...# #..## .##.#
v ..... ..... #...# #...# #...# .#.#. ..#..
w ..... ..... #...# #...# #.#.# #.#.# .#.#.
x ..... ..... #...# .#.#. ..#.. .#.#. #...#
y ..... ..... #...# #...# #...# #...# .#### ....# .###.
z ..... ..... ##### ...#. ..#.. .#... #####
{ ...## ..#.. ..#.. .#... ..#.. ..#.. ...##
| ..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..
} ##... ..#.. ..#.. ...#. ..#.. ..#.. ##...
~ ..... ..... .#... #.#.# ...#. ..... .....
"""


def parse_font(text):
    font = {}
    for line in text.split("\n"):
        if not line:
            continue
        rows = line[2:].split()
        font[line[0]] = [[c == "#" for c in row] for row in rows]
    return font


FONT = parse_font(FONT_TEXT)
UNKNOWN = [[True] * 5 for _ in range(7)]  # a box for anything unprintable


class Screen:
    def __init__(self, text, attrs):
        self.text = text    # ROWS strings of COLUMNS characters
        self.attrs = attrs  # ROWS lists of COLUMNS attribute bytes


def parse_log(path):
    """Returns every complete screen dump in the log, in order."""
    with open(path, "rb") as f:
        data = f.read().decode("latin-1")
    screens = []
    text = attrs = None
    for raw in data.split("\n"):
        line = raw.rstrip("\r")
        if line.endswith("SCREEN BEGIN"):
            text, attrs = [], []
        elif line.endswith("SCREEN END"):
            if text is not None and len(text) == ROWS and len(attrs) == ROWS:
                screens.append(Screen(text, attrs))
            elif text is not None:
                print("screen2png: skipping a malformed dump (%d text rows, "
                      "%d attribute rows)" % (len(text), len(attrs)),
                      file=sys.stderr)
            text = attrs = None
        elif text is not None:
            if line.startswith("S|") and line.endswith("|"):
                row = line[2:-1]
                text.append(row[:COLUMNS].ljust(COLUMNS))
            elif line.startswith("A|") and line.endswith("|"):
                hexs = line[2:-1]
                try:
                    row = list(bytes.fromhex(hexs))
                except ValueError:
                    row = []
                row = (row + [0x07] * COLUMNS)[:COLUMNS]
                attrs.append(row)
            # Anything else inside a dump (another log line) is ignored.
    return screens


def render(screen, scale):
    """Returns (width, height, rows of palette indices)."""
    w, h = COLUMNS * CELL_W, ROWS * CELL_H
    pixels = []
    for r in range(ROWS):
        band = [bytearray(w) for _ in range(CELL_H)]
        for c in range(COLUMNS):
            attr = screen.attrs[r][c]
            fg, bg = attr & 0x0F, (attr >> 4) & 0x0F
            ch = screen.text[r][c]
            glyph = FONT.get(ch, UNKNOWN)
            x0 = c * CELL_W
            for y in range(CELL_H):
                band[y][x0:x0 + CELL_W] = bytes([bg]) * CELL_W
            for gy, grow in enumerate(glyph):
                y = GLYPH_TOP + gy
                if y >= CELL_H:
                    break
                for gx, lit in enumerate(grow):
                    if lit:
                        band[y][x0 + gx] = fg
        pixels.extend(band)
    if scale > 1:
        scaled = []
        for row in pixels:
            wide = bytearray()
            for p in row:
                wide.extend(bytes([p]) * scale)
            for _ in range(scale):
                scaled.append(bytes(wide))
        pixels, w, h = scaled, w * scale, h * scale
    return w, h, [bytes(p) for p in pixels]


def write_png(path, w, h, pixels):
    def chunk(kind, body):
        c = struct.pack(">I", len(body)) + kind + body
        return c + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + row for row in pixels)
    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 3, 0, 0, 0))
    png += chunk(b"PLTE", b"".join(bytes(c) for c in PALETTE))
    png += chunk(b"IDAT", zlib.compress(raw, 9))
    png += chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def lzw_encode(indices, min_code_size):
    """GIF-flavoured LZW: variable code width, LSB-first bit packing."""
    clear = 1 << min_code_size
    end = clear + 1
    out = bytearray()
    acc = nbits = 0

    def emit(code, width):
        nonlocal acc, nbits
        acc |= code << nbits
        nbits += width
        while nbits >= 8:
            out.append(acc & 0xFF)
            acc >>= 8
            nbits -= 8

    def reset():
        return {bytes([i]): i for i in range(clear)}, end + 1, min_code_size + 1

    table, next_code, width = reset()
    emit(clear, width)
    prefix = b""
    for i in indices:
        candidate = prefix + bytes([i])
        if candidate in table:
            prefix = candidate
            continue
        emit(table[prefix], width)
        if next_code < 4096:
            table[candidate] = next_code
            next_code += 1
            # The decoder widens one code later than the encoder adds.
            if next_code > (1 << width) and width < 12:
                width += 1
        else:
            emit(clear, width)
            table, next_code, width = reset()
        prefix = bytes([i])
    if prefix:
        emit(table[prefix], width)
    emit(end, width)
    if nbits:
        out.append(acc & 0xFF)
    return bytes(out)


def write_gif(path, frames, delay_cs, loop=True):
    """frames: list of (w, h, pixels), all the same size."""
    w, h = frames[0][0], frames[0][1]
    gif = bytearray(b"GIF89a")
    # Global colour table of 16 entries (size field 3 -> 2^(3+1)).
    gif += struct.pack("<HHBBB", w, h, 0x80 | 0x30 | 0x03, 0, 0)
    for c in PALETTE:
        gif += bytes(c)
    if loop and len(frames) > 1:
        gif += b"\x21\xFF\x0BNETSCAPE2.0\x03\x01\x00\x00\x00"
    for _, _, pixels in frames:
        gif += b"\x21\xF9\x04\x04" + struct.pack("<H", delay_cs) + b"\x00\x00"
        gif += b"\x2C" + struct.pack("<HHHHB", 0, 0, w, h, 0)
        gif += b"\x04"  # LZW minimum code size for 16 colours
        data = lzw_encode(b"".join(pixels), 4)
        for i in range(0, len(data), 255):
            block = data[i:i + 255]
            gif += bytes([len(block)]) + block
        gif += b"\x00"
    gif += b"\x3B"
    with open(path, "wb") as f:
        f.write(gif)


def numbered(path, i):
    stem, ext = os.path.splitext(path)
    return "%s-%03d%s" % (stem, i, ext or ".png")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_log = os.path.join(here, "..", "build", "log.txt")
    ap = argparse.ArgumentParser(
        description="Render WeensyOS screen dumps (SCREEN BEGIN ... SCREEN "
                    "END in the kernel log) to PNG, or to an animated GIF.")
    ap.add_argument("log", nargs="?", default=default_log,
                    help="kernel log (default: build/log.txt)")
    ap.add_argument("-o", "--output",
                    help="output file (default: screen.png, or screen.gif "
                         "with --gif, next to the log); with --all, "
                         "numbered files NAME-001.png ...")
    ap.add_argument("--all", action="store_true",
                    help="render every dump, not just the last")
    ap.add_argument("--gif", action="store_true",
                    help="write every dump as one animated GIF")
    ap.add_argument("--scale", type=int, default=2,
                    help="pixels per font pixel (default 2)")
    ap.add_argument("--delay", type=int, default=50,
                    help="GIF frame delay in 1/100 s (default 50)")
    args = ap.parse_args()

    if args.scale < 1:
        ap.error("--scale must be at least 1")
    try:
        screens = parse_log(args.log)
    except OSError as e:
        print("screen2png: %s" % e, file=sys.stderr)
        return 1
    if not screens:
        print("screen2png: no complete screen dump in %s (press d in "
              "WeensyOS, or boot with the word dumpscreen)" % args.log,
              file=sys.stderr)
        return 1

    outdir = os.path.dirname(os.path.abspath(args.log))
    if args.gif:
        out = args.output or os.path.join(outdir, "screen.gif")
        frames = [render(s, args.scale) for s in screens]
        write_gif(out, frames, args.delay)
        print("%s: %d frame%s" % (out, len(frames),
                                  "" if len(frames) == 1 else "s"))
    elif args.all:
        base = args.output or os.path.join(outdir, "screen.png")
        for i, s in enumerate(screens, 1):
            out = numbered(base, i)
            write_png(out, *render(s, args.scale))
            print(out)
    else:
        out = args.output or os.path.join(outdir, "screen.png")
        write_png(out, *render(screens[-1], args.scale))
        print("%s (dump %d of %d)" % (out, len(screens), len(screens)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
