# qemu-defaults.sh: the QEMU settings shared by tools/qemu.sh (which sources
# this file) and the tests (tests/harness/qemu.py reads its KEY=VALUE lines),
# so a run by hand and a test boot the same machine. Plain KEY=VALUE lines
# only: no quoting, no expansions.
QEMU_MEMORY=128M
QEMU_MACHINE_BIOS=pc
QEMU_MACHINE_UEFI=q35
QEMU_DEBUG_EXIT=isa-debug-exit,iobase=0xf4,iosize=0x04
OVMF_CODE_DEFAULT=/usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS_DEFAULT=/usr/share/OVMF/OVMF_VARS_4M.fd
QEMU_NIC=none
# USB keyboards (tools/qemu.sh --usb-kbd / --usb-hub, Machine(usb=...) in
# tests/harness/qemu.py): an xHCI controller and a boot keyboard on its
# first port, or behind a hub there. A machine with no PS/2 controller, so
# that keys can only come from USB.
QEMU_MACHINE_NO_PS2=q35,i8042=off
# A PC without any legacy device (tools/qemu.sh --no-legacy, which adds
# the USB keyboard too): no PS/2, no 8254 PIT, no 8259 PIC, no HPET. The
# tick must come from the local APIC timer, keys from USB.
QEMU_MACHINE_NO_LEGACY=q35,i8042=off,pit=off,pic=off,hpet=off
QEMU_USB_XHCI=qemu-xhci,id=xhci
QEMU_USB_KBD=usb-kbd,bus=xhci.0,port=1,id=usbkbd
QEMU_USB_HUB=usb-hub,bus=xhci.0,port=1,id=usbhub
QEMU_USB_KBD_BEHIND_HUB=usb-kbd,bus=xhci.0,port=1.1,id=usbkbd
