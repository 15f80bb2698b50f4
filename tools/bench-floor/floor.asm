; floor.asm: the "bare GRUB floor" for tools/bench. A Multiboot2 kernel
; that does nothing: at its first instruction it reads the time stamp
; counter, logs it on COM1 as "floor: tsc=<hex>" and leaves QEMU through
; isa-debug-exit (status 33). Booted from an ISO made exactly like
; weensyos.iso (same GRUB, same grub.cfg template) but with no modules, it
; measures what GRUB and the firmware cost before any kernel runs.

MB2_MAGIC equ 0xE85250D6
COM1      equ 0x3F8

section .multiboot2 progbits alloc noexec nowrite align=8
mb2_header:
    dd MB2_MAGIC
    dd 0
    dd mb2_header_end - mb2_header
    dd -(MB2_MAGIC + 0 + (mb2_header_end - mb2_header))
    align 8
    dw 0, 0
    dd 8
mb2_header_end:

section .text progbits alloc exec nowrite align=16
bits 32
global floor_entry
floor_entry:
    rdtsc                           ; first instruction: the floor's time
    mov esi, eax                    ; low half
    mov edi, edx                    ; high half
    mov ebx, prefix
.prefix:
    mov al, [ebx]
    test al, al
    jz .hex
    call putc
    inc ebx
    jmp .prefix
.hex:
    mov ebp, edi
    call put32
    mov ebp, esi
    call put32
    mov al, 10
    call putc
    mov dx, 0xf4
    mov eax, 0x10
    out dx, eax                     ; QEMU exits with status 33
.halt:
    cli
    hlt
    jmp .halt

; put32: prints ebp as 8 hex digits.
put32:
    mov ecx, 8
.digit:
    rol ebp, 4
    mov eax, ebp
    and eax, 0xF
    mov al, [digits + eax]
    call putc
    dec ecx
    jnz .digit
    ret

; putc: writes al to COM1 (QEMU's UART is always ready).
putc:
    mov dx, COM1
    out dx, al
    ret

section .rodata progbits alloc noexec nowrite
prefix: db "floor: tsc=0x", 0
digits: db "0123456789abcdef"
