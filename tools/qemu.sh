#!/usr/bin/env bash
# qemu.sh: the one QEMU wrapper behind every run target (cmake/run.cmake).
#
#   tools/qemu.sh [options] [window|console|headless] [-- extra QEMU args]
#
# Modes:
#   window     a QEMU window; falls back to console when there is no display
#   console    the terminal, through QEMU's curses display (default when
#              stdout is a terminal and there is no display)
#   headless   no display at all; the serial log is the only output
# Options:
#   --mode MODE          same as the positional mode
#   --firmware bios|uefi BIOS (SeaBIOS, -machine pc; the default) or UEFI
#                        (OVMF, -machine q35); also --bios / --uefi
#   --gdb                start paused, GDB stub on localhost:1234 (-s -S)
#   --cmdline "WORDS"    boot straight into kernel command line WORDS (an
#                        SMBIOS OEM string that iso/grub.cfg.in looks for)
#   --kvm                use KVM (-enable-kvm -cpu host) if /dev/kvm is usable
#   --machine TYPE       QEMU -machine (default: pc under BIOS, q35 under UEFI)
#   --smp N              N CPUs (the kernel runs on the first; default 1)
#   --memory SIZE        RAM, e.g. 64M or 4G (default 128M)
#   --cpu MODEL          QEMU -cpu, e.g. max or qemu64,-nx (default QEMU's)
#   --disk               attach the ISO as a hard disk (like a USB stick)
#                        instead of as a CD-ROM
#   --usb-kbd            add an xHCI controller with a USB keyboard on its
#                        first port (with --machine q35,i8042=off keys come
#                        from it alone)
#   --usb-hub            the same, with the keyboard behind a USB hub
#   --serial-keys        COM1 on this terminal as well as in the log file:
#                        the log scrolls by, and what you type is keys for
#                        the viewer (headless or window mode; Ctrl-C quits)
#   --no-legacy          a PC without legacy devices: q35 with no PS/2, no
#                        PIT, no 8259, no HPET (QEMU_MACHINE_NO_LEGACY), and
#                        a USB keyboard (--usb-kbd, unless --usb-hub)
#   --build-dir DIR      the build directory (default: $WEENSY_BUILD_DIR, or
#                        build/ next to tools/)
#   --iso FILE           the image to boot (default: BUILD/weensyos.iso)
#   --log FILE           where COM1 goes (default: BUILD/log.txt)
#   --monitor PATH       a QEMU monitor on unix socket PATH (for scripts:
#                        "sendkey d", "quit")
#   --debug-log [FILE]   log every interrupt, exception and CPU reset
#                        (QEMU -d int,cpu_reset) to FILE (default:
#                        BUILD/qemu-debug.log), and on a triple fault stop
#                        instead of exiting (-no-shutdown; window and console
#                        only, so the monitor's `info registers` still works).
#                        D=1 in the environment does the same (as the
#                        original WeensyOS's `make D=1 run`).
#   --dry-run            print the QEMU command line and exit
#   -h, --help           this text
# Exit status: QEMU's, passed through. With the kernel command-line word
# `test`, the kernel's verdict is 33 (pass) or 35 (fail) (isa-debug-exit
# device); a test-mode run that ends any other way (a triple fault, a power
# off, QEMU killed) never had a verdict, and qemu.sh says so and exits 3.
set -euo pipefail

prog=$(basename "$0")
here=$(cd "$(dirname "$0")" && pwd)

die() { echo "$prog: $*" >&2; exit 2; }
note() { echo "$prog: $*" >&2; }

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'
}

# The defaults the tests use too (KEY=VALUE lines).
# shellcheck source=qemu-defaults.sh
. "$here/qemu-defaults.sh"

mode=window
firmware=bios
machine=
smp=1
memory=$QEMU_MEMORY
cpu=
gdb=0
cmdline=
have_cmdline=0
kvm=0
disk=0
usb=
serial_keys=0
no_legacy=0
build_dir=${WEENSY_BUILD_DIR:-}
iso=
log=
monitor=
dry_run=0
debug_log=
[[ ${D:-0} == 1 ]] && debug_log=default
extra=()

while (($#)); do
    case $1 in
    window | console | headless) mode=$1 ;;
    --mode)
        [[ $# -ge 2 ]] || die "--mode needs a value"
        mode=$2
        shift
        ;;
    --mode=*) mode=${1#*=} ;;
    --firmware)
        [[ $# -ge 2 ]] || die "--firmware needs a value"
        firmware=$2
        shift
        ;;
    --firmware=*) firmware=${1#*=} ;;
    bios | --bios) firmware=bios ;;
    uefi | --uefi) firmware=uefi ;;
    --gdb) gdb=1 ;;
    --cmdline)
        [[ $# -ge 2 ]] || die "--cmdline needs a value"
        cmdline=$2
        have_cmdline=1
        shift
        ;;
    --cmdline=*)
        cmdline=${1#*=}
        have_cmdline=1
        ;;
    --machine | --smp | --memory | --cpu)
        [[ $# -ge 2 ]] || die "$1 needs a value"
        declare "${1#--}=$2"
        shift
        ;;
    --machine=* | --smp=* | --memory=* | --cpu=*)
        v=${1#--}
        declare "${v%%=*}=${v#*=}"
        ;;
    --kvm) kvm=1 ;;
    --no-kvm) kvm=0 ;;
    --disk) disk=1 ;;
    --usb-kbd) usb=kbd ;;
    --usb-hub) usb=hub ;;
    --serial-keys) serial_keys=1 ;;
    --no-legacy) no_legacy=1 ;;
    --build-dir)
        [[ $# -ge 2 ]] || die "--build-dir needs a value"
        build_dir=$2
        shift
        ;;
    --build-dir=*) build_dir=${1#*=} ;;
    --iso)
        [[ $# -ge 2 ]] || die "--iso needs a value"
        iso=$2
        shift
        ;;
    --iso=*) iso=${1#*=} ;;
    --log)
        [[ $# -ge 2 ]] || die "--log needs a value"
        log=$2
        shift
        ;;
    --log=*) log=${1#*=} ;;
    --monitor)
        [[ $# -ge 2 ]] || die "--monitor needs a value"
        monitor=$2
        shift
        ;;
    --monitor=*) monitor=${1#*=} ;;
    --debug-log)
        debug_log=default
        if [[ $# -ge 2 && $2 != -* && ! $2 =~ ^(window|console|headless|bios|uefi)$ ]]; then
            debug_log=$2
            shift
        fi
        ;;
    --debug-log=*) debug_log=${1#*=} ;;
    --dry-run) dry_run=1 ;;
    -h | --help)
        usage
        exit 0
        ;;
    --)
        shift
        extra=("$@")
        break
        ;;
    *) die "unknown argument '$1' (try --help)" ;;
    esac
    shift
done

case $mode in
window | console | headless) ;;
*) die "mode must be window, console or headless, not '$mode'" ;;
esac
case $firmware in
bios | uefi) ;;
*) die "firmware must be bios or uefi, not '$firmware'" ;;
esac

if ((no_legacy)); then
    [[ -z $machine ]] || die "--no-legacy sets the machine; drop --machine $machine"
    machine=$QEMU_MACHINE_NO_LEGACY
    [[ -n $usb ]] || usb=kbd
fi

[[ -n $build_dir ]] || build_dir="$here/../build"
[[ -d $build_dir ]] || die "no build directory '$build_dir' (run: cmake -B build -G Ninja && cmake --build build)"
build_dir=$(cd "$build_dir" && pwd)
[[ -n $iso ]] || iso="$build_dir/weensyos.iso"
[[ -n $log ]] || log="$build_dir/log.txt"
[[ -f $iso ]] || die "no image '$iso' (run: cmake --build build)"

qemu=${QEMU:-qemu-system-x86_64}
command -v "$qemu" >/dev/null 2>&1 || die "$qemu not found (apt-get install qemu-system-x86)"

args=(-m "$memory" -smp "$smp" -no-reboot -nic "$QEMU_NIC")
if ((serial_keys)); then
    # The terminal is COM1's far end: what QEMU reads from stdin is
    # received by the UART; what the kernel sends goes to stdout, which
    # tee copies to the log file below. (Not logfile=: QEMU 7.2 logs a
    # byte twice when its non-blocking stdout was briefly full.)
    args+=(-chardev stdio,id=com1 -serial chardev:com1)
else
    args+=(-serial "file:$log")
fi
args+=(-device "$QEMU_DEBUG_EXIT")

# Firmware and machine.
if [[ $firmware == uefi ]]; then
    code=${OVMF_CODE:-$OVMF_CODE_DEFAULT}
    vars_src=${OVMF_VARS:-$OVMF_VARS_DEFAULT}
    [[ -f $code ]] || die "no UEFI firmware '$code' (apt-get install ovmf)"
    [[ -f $vars_src ]] || die "no UEFI variable store '$vars_src' (apt-get install ovmf)"
    vars="$build_dir/$(basename "$vars_src")"
    if [[ ! -f $vars ]]; then
        # Copy through a temporary name so that parallel runs never see a
        # half-written file.
        tmp="$vars.$$.tmp"
        cp "$vars_src" "$tmp"
        mv -f "$tmp" "$vars"
    fi
    # snapshot=on: writes to the variable store go to a throw-away overlay,
    # so several QEMUs (parallel tests) can share one copy and every boot
    # starts from the same state.
    args+=(-machine "${machine:-$QEMU_MACHINE_UEFI}"
        -drive "if=pflash,format=raw,unit=0,readonly=on,file=$code"
        -drive "if=pflash,format=raw,unit=1,snapshot=on,file=$vars")
else
    args+=(-machine "${machine:-$QEMU_MACHINE_BIOS}")
fi

# USB keyboard.
case $usb in
kbd) args+=(-device "$QEMU_USB_XHCI" -device "$QEMU_USB_KBD") ;;
hub) args+=(-device "$QEMU_USB_XHCI" -device "$QEMU_USB_HUB"
    -device "$QEMU_USB_KBD_BEHIND_HUB") ;;
esac

# The boot medium.
if ((disk)); then
    # snapshot=on keeps the image unmodified and unlocked for other runs.
    args+=(-drive "file=$iso,format=raw,if=ide,snapshot=on")
else
    args+=(-cdrom "$iso")
fi

# Accelerator.
if ((kvm)); then
    if [[ -r /dev/kvm && -w /dev/kvm ]]; then
        args+=(-enable-kvm)
        [[ -n $cpu ]] || args+=(-cpu host)
    else
        note "warning: /dev/kvm is missing or not accessible; using TCG"
        args+=(-accel tcg)
    fi
else
    args+=(-accel tcg)
fi

[[ -z $cpu ]] || args+=(-cpu "$cpu")

# Kernel command line: GRUB boots "weensyos:WORDS" without its menu.
# Without one, an OEM string that grub.cfg ignores: with no type 11
# structure at all GRUB's smbios command prints "no structure matched".
if ((have_cmdline)); then
    # QEMU option values escape a comma by doubling it.
    args+=(-smbios "type=11,value=weensyos:${cmdline//,/,,}")
else
    args+=(-smbios "type=11,value=weensyos-menu")
fi

if ((gdb)); then
    args+=(-s -S)
fi

# The display must be reachable: QEMU's gtk otherwise fails with a bare
# "gtk initialization failed". An X display ":N" is the socket
# /tmp/.X11-unix/XN; "host:N" (ssh -X) is TCP port 6000+N on host.
display_reachable() {
    [[ -n ${WAYLAND_DISPLAY:-} ]] && return 0
    local d=${DISPLAY:-}
    [[ -n $d ]] || return 1
    local host=${d%%:*} num=${d#*:}
    num=${num%%.*}
    [[ $num =~ ^[0-9]+$ ]] || return 1
    if [[ -z $host || $host == unix ]]; then
        [[ -S /tmp/.X11-unix/X$num ]]
    else
        # Bounded: an unreachable host would otherwise stall for minutes.
        timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" \
            "$((6000 + num))" 2>/dev/null
    fi
}

# Display.
if [[ $mode == window && -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
    note "no \$DISPLAY: using the terminal (console mode)"
    mode=console
elif [[ $mode == window ]] && ! display_reachable; then
    note "\$DISPLAY is '$DISPLAY' but no X server answers there (QEMU would"
    note "fail with 'gtk initialization failed'): using the terminal instead."
    note "Fix it with 'ssh -X' (X forwarding) or a running X server, or"
    note "unset DISPLAY to silence this."
    mode=console
fi
if [[ $mode == console && ! -t 0 ]] && ((!dry_run)); then
    note "stdin is not a terminal: running headless (log in $log)"
    mode=headless
fi
if ((serial_keys)) && [[ $mode == console ]]; then
    note "--serial-keys: the terminal is the serial console (curses would"
    note "take it too): running headless"
    mode=headless
fi
case $mode in
window) ;;
console) args+=(-display curses) ;;
headless) args+=(-display none) ;;
esac

# D=1: every interrupt and reset to a file; a triple fault then stops the
# machine (-no-reboot -no-shutdown) where it can be inspected, except
# headless, where nobody could and QEMU exits instead.
if [[ -n $debug_log ]]; then
    [[ $debug_log != default ]] || debug_log="$build_dir/qemu-debug.log"
    args+=(-d int,cpu_reset -D "$debug_log")
    [[ $mode == headless ]] || args+=(-no-shutdown)
fi

if [[ -n $monitor ]]; then
    args+=(-monitor "unix:$monitor,server,nowait")
elif [[ $mode == headless ]]; then
    args+=(-monitor none)
fi

args+=("${extra[@]}")

if [[ $firmware == uefi && $mode == console ]]; then
    note "warning: under UEFI there is no text mode: the kernel draws on a"
    note "framebuffer that this terminal cannot show, so the screen stays"
    note "blank. Use a window (a working \$DISPLAY) or read the log, $log."
fi

if ((dry_run)); then
    printf '%q ' "$qemu" "${args[@]}"
    echo
    exit 0
fi

what="$firmware, $mode"
((have_cmdline)) && what+=", cmdline \"$cmdline\""
note "booting $(basename "$iso") ($what); log in $log"
[[ -z $debug_log ]] || note "debug log (interrupts, resets) in $debug_log"
if ((gdb)); then
    note "QEMU is waiting for GDB on localhost:1234; in another terminal:"
    note "    cd $build_dir && gdb -x $(cd "$here" && pwd)/gdbinit"
fi
if [[ $mode == console ]]; then
    note "console: keys go to WeensyOS; 'q' powers off; Esc then 2 opens the QEMU monitor ('quit')"
    sleep 1
fi
# Test mode: the kernel's verdict is 33 or 35; anything else is not one.
test_mode=0
for word in $cmdline; do
    [[ $word == test ]] && test_mode=1
done
if ((!test_mode)) && [[ $firmware != uefi ]] && ((!serial_keys)); then
    exec "$qemu" "${args[@]}"
fi
# With --serial-keys, QEMU's stdout (COM1) goes through tee to the
# terminal and the log; -i: Ctrl-C ends QEMU, and tee writes what is left.
com1_out=1
tee_pid=
if ((serial_keys)); then
    exec {com1_out}> >(tee -i "$log")
    tee_pid=$!
fi
status=0
if [[ $mode == headless ]]; then
    # QEMU runs as a child here: pass a kill of this script on to it.
    # Stdin explicitly: a background job's is /dev/null otherwise, and
    # with --serial-keys it is COM1.
    "$qemu" "${args[@]}" <&0 >&"$com1_out" &
    qemu_pid=$!
    trap 'kill "$qemu_pid" 2>/dev/null' TERM INT HUP
    wait "$qemu_pid" || status=$?
    # A signal interrupts the first wait; the second reaps QEMU.
    if kill -0 "$qemu_pid" 2>/dev/null || ((status > 128)); then
        wait "$qemu_pid" 2>/dev/null || true
    fi
else
    # In the foreground, so that a window or the terminal keeps stdin.
    "$qemu" "${args[@]}" >&"$com1_out" || status=$?
fi
if [[ -n $tee_pid ]]; then
    exec {com1_out}>&-
    wait "$tee_pid" 2>/dev/null || true
fi
# OVMF and GRUB under UEFI draw on the serial port too, with terminal
# escape codes: keep the log plain text.
if [[ $firmware == uefi && -f $log ]]; then
    sed -i -E 's/\x1b\[[0-9;=?]*[A-Za-z]//g' "$log" || true
fi
((test_mode)) || exit "$status"
case $status in
33) note "test mode: the kernel reported PASS (status 33)" ;;
35) note "test mode: the kernel reported FAIL (status 35); see $log" ;;
*)
    note "test mode: QEMU ended with status $status and no verdict from the"
    note "kernel (a triple fault or reset, a power-off, or QEMU killed);"
    note "see $log"
    exit 3
    ;;
esac
exit "$status"
