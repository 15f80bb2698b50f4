#!/usr/bin/env bash
# bochs.sh: boots the WeensyOS ISO headless in Bochs, a second PC emulator,
# from the CD under BIOS, with COM1 to a file.
#
#   tools/bochs.sh [options]
#
# Options:
#   --cmdline "WORDS"    boot straight into kernel command line WORDS: they go
#                        to weensyos.cfg on a FAT floppy, which iso/grub.cfg.in
#                        reads under Bochs (Bochs's BIOS has no OEM strings)
#   --build-dir DIR      the build directory (default: $WEENSY_BUILD_DIR, or
#                        build/ next to tools/)
#   --iso FILE           the image to boot (default: BUILD/weensyos.iso)
#   --log FILE           where COM1 goes (default: BUILD/bochs/serial.txt)
#   --memory MIB         RAM in MiB (default 32)
#   --timeout SECONDS    kill Bochs after this long (default 600)
#
# Bochs's own log is BUILD/bochs/bochs.log. How a run ends: with the word
# `test` the kernel writes its verdict to QEMU's isa-debug-exit port (absent
# here), then to Bochs's shutdown port 0x8900, and Bochs exits; power-off
# (key 'q') ends Bochs through ACPI. The script also watches the serial log
# and stops Bochs once a verdict is there.
# Exit status: 0 "test: PASS" in the log, 1 "test: FAIL", 124 timeout,
# 3 Bochs ended without a verdict (e.g. power-off), 4 the kernel halted (it
# could not power off), 2 usage or setup error.
set -euo pipefail

prog=$(basename "$0")
here=$(cd "$(dirname "$0")" && pwd)

die() { echo "$prog: $*" >&2; exit 2; }
note() { echo "$prog: $*" >&2; }

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'
}

cmdline=
build_dir=${WEENSY_BUILD_DIR:-}
iso=
log=
megs=32
timeout=600

while (($#)); do
    case $1 in
    --cmdline | --build-dir | --iso | --log | --memory | --timeout)
        [[ $# -ge 2 ]] || die "$1 needs a value"
        case $1 in
        --cmdline) cmdline=$2 ;;
        --build-dir) build_dir=$2 ;;
        --iso) iso=$2 ;;
        --log) log=$2 ;;
        --memory) megs=$2 ;;
        --timeout) timeout=$2 ;;
        esac
        shift
        ;;
    -h | --help)
        usage
        exit 0
        ;;
    *) die "unknown argument '$1' (try --help)" ;;
    esac
    shift
done

command -v bochs >/dev/null 2>&1 ||
    die "bochs not found (apt-get install bochs bochsbios vgabios)"
for f in /usr/share/bochs/BIOS-bochs-latest /usr/share/vgabios/vgabios.bin; do
    [[ -f $f ]] || die "no '$f' (apt-get install bochsbios vgabios)"
done
command -v mformat >/dev/null 2>&1 || die "mformat not found (apt-get install mtools)"
[[ $megs =~ ^[0-9]+$ ]] || die "--memory takes a number of MiB"
[[ $timeout =~ ^[0-9]+$ ]] || die "--timeout takes a number of seconds"
[[ $cmdline != *[\"\\\$]* ]] || die "--cmdline may not contain \" \\ or \$"

# The build directory matters only for what --iso and --log leave out.
if [[ -z $iso || -z $log ]]; then
    [[ -n $build_dir ]] || build_dir="$here/../build"
    [[ -d $build_dir ]] || die "no build directory '$build_dir'"
    build_dir=$(cd "$build_dir" && pwd)
fi
[[ -n $iso ]] || iso="$build_dir/weensyos.iso"
[[ -f $iso ]] || die "no image '$iso' (run: cmake --build build)"
work=$(dirname "${log:-$build_dir/bochs/serial.txt}")
mkdir -p "$work"
work=$(cd "$work" && pwd)
[[ -n $log ]] || log="$work/serial.txt"

# The floppy: GRUB sources weensyos.cfg when the BIOS is Bochs's.
floppy="$work/cmdline.img"
rm -f "$floppy" "$log" "$work/bochs.log"
mformat -i "$floppy" -C -f 1440 :: 
if [[ -n $cmdline ]]; then
    printf 'set weensyos_cmd="%s"\n' "$cmdline" >"$work/weensyos.cfg"
    mcopy -i "$floppy" "$work/weensyos.cfg" ::weensyos.cfg
fi
: >"$log"

# Debian's Bochs has the debugger built in: it stops before the first
# instruction and reads commands; "c" runs, "quit" leaves when the
# simulation stops.
printf 'c\nquit\n' >"$work/debugger.rc"

note "booting $(basename "$iso") in Bochs (${megs} MiB${cmdline:+, cmdline \"$cmdline\"}); log in $log"
BX_ISO=$iso BX_FLOPPY=$floppy BX_SERIAL=$log BX_LOG="$work/bochs.log" \
    BX_MEGS=$megs bochs -q -f "$here/bochsrc" -rc "$work/debugger.rc" \
    </dev/null >"$work/bochs-stdout.txt" 2>&1 &
pid=$!

verdict() {
    if grep -q '^test: PASS' "$log"; then
        echo pass
    elif grep -q '^test: FAIL' "$log"; then
        echo fail
    elif grep -Eq '^(poweroff: .*; halted|system halted)' "$log"; then
        echo halted
    fi
}

start=$SECONDS
status=
while kill -0 "$pid" 2>/dev/null; do
    if [[ -n $(verdict) ]]; then
        # Give the kernel a moment to reach the shutdown port itself.
        sleep 2
        break
    fi
    if ((SECONDS - start >= timeout)); then
        note "timeout after ${timeout} s; killing Bochs"
        status=124
        break
    fi
    sleep 0.5
done
if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
fi
wait "$pid" 2>/dev/null || true

note "Bochs ran $((SECONDS - start)) s"
if grep -q 'Shutdown port: shutdown requested' "$work/bochs.log" 2>/dev/null; then
    note "the kernel ended Bochs through its shutdown port"
fi
if grep -q 'ACPI control: soft power off' "$work/bochs.log" 2>/dev/null; then
    note "the kernel powered Bochs off through ACPI"
fi
[[ -n $status ]] && exit "$status"
case $(verdict) in
pass) exit 0 ;;
fail) exit 1 ;;
halted) exit 4 ;;
*) exit 3 ;;
esac
