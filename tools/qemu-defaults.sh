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
