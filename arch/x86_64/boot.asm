; boot.asm: the Multiboot2 header and the 32-bit stub that GRUB jumps to.
; It checks the Multiboot2 magic, builds the boot page tables, enters long
; mode and calls kernel_start(mbi_physical_address). Its page tables:
;
;   PML4[0]   -> boot_pdpt: identity map of 0..4 GiB in 2 MiB pages
;   PML4[256] -> the same boot_pdpt: direct map at KERNEL_DIRECT_BASE
;
; The direct-map PDPT stays in use for the kernel's whole life: every
; address space shares it (mm/vm.c), so the kernel reaches any physical
; page without switching page tables.

MB2_MAGIC       equ 0xE85250D6
MB2_BOOT_MAGIC  equ 0x36D76289
KERNEL_STACK_TOP equ 0x80000

section .multiboot2 progbits alloc noexec nowrite align=8
mb2_header:
    dd MB2_MAGIC
    dd 0                            ; architecture: i386 protected mode
    dd mb2_header_end - mb2_header
    dd -(MB2_MAGIC + 0 + (mb2_header_end - mb2_header))
    ; framebuffer tag, optional: under UEFI, ask GRUB for a linear
    ; framebuffer; under BIOS, grub.cfg keeps EGA text (gfxpayload=text).
    align 8
    dw 5, 1                         ; type 5, flags 1 (optional)
    dd 20
    dd 0, 0, 32                     ; width, height: any; depth 32
    align 8
    dw 0, 0                         ; end tag
    dd 8
mb2_header_end:

section .boot.text progbits alloc exec nowrite align=16
bits 32
; Function symbols with sizes, so that backtraces name these frames.
global boot_entry:function (long_mode - boot_entry)
global long_mode:function (long_mode.end - long_mode)
extern kernel_start

boot_entry:
    cli
    mov esp, KERNEL_STACK_TOP
    cmp eax, MB2_BOOT_MAGIC
    jne .bad_magic
    mov edi, ebx                    ; keep the MBI address for kernel_start

    ; boot_pd: 4 pages of 512 entries, 2 MiB each, present+writable+large
    mov ecx, 0
.fill_pd:
    mov eax, ecx
    shl eax, 21
    or eax, 0x83
    mov [boot_pd + ecx * 8], eax
    mov eax, ecx
    shr eax, 11                     ; (ecx * 2 MiB) >> 32
    mov [boot_pd + ecx * 8 + 4], eax
    inc ecx
    cmp ecx, 2048
    jne .fill_pd

    ; boot_pdpt: 4 entries -> the 4 PD pages
    mov ecx, 0
.fill_pdpt:
    mov eax, ecx
    shl eax, 12
    add eax, boot_pd
    or eax, 0x3
    mov [boot_pdpt + ecx * 8], eax
    mov dword [boot_pdpt + ecx * 8 + 4], 0
    inc ecx
    cmp ecx, 4
    jne .fill_pdpt

    mov eax, boot_pdpt
    or eax, 0x3
    mov [boot_pml4], eax
    mov [boot_pml4 + 256 * 8], eax

    mov eax, cr4
    or eax, (1 << 5)                ; PAE
    mov cr4, eax
    mov eax, boot_pml4
    mov cr3, eax
    mov ecx, 0xC0000080             ; EFER
    rdmsr
    or eax, (1 << 8)                ; LME
    wrmsr
    mov eax, cr0
    or eax, (1 << 31) | (1 << 16) | 1 ; PG, WP, PE
    mov cr0, eax

    lgdt [boot_gdt_desc]
    jmp 0x08:long_mode

.bad_magic:
    ; Not loaded by a Multiboot2 loader: say so on COM1 and stop.
    mov esi, bad_magic_msg
.say:
    lodsb
    test al, al
    jz .halt
    mov dx, 0x3F8
    out dx, al
    jmp .say
.halt:
    hlt
    jmp .halt

bits 64
long_mode:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor ax, ax
    mov fs, ax
    mov gs, ax
    mov rsp, KERNEL_STACK_TOP
    xor rbp, rbp                    ; ends the backtrace chain
    ; edi already holds the MBI physical address (zero-extended)
    mov edi, edi
    call kernel_start
.hang:
    hlt
    jmp .hang
.end:

section .boot.rodata progbits alloc noexec nowrite align=16
bad_magic_msg: db "weensyos: not booted by a Multiboot2 loader", 13, 10, 0
align 16
boot_gdt:
    dq 0
    dq 0x00AF9A000000FFFF           ; 0x08: 64-bit kernel code
    dq 0x00CF92000000FFFF           ; 0x10: kernel data
boot_gdt_desc:
    dw boot_gdt_desc - boot_gdt - 1
    dd boot_gdt

; The boot page tables. The PDPT and PDs stay in use as the direct map.
section .bss nobits alloc write align=4096
global boot_pml4, boot_pdpt, boot_pd
boot_pml4: resb 4096
boot_pdpt: resb 4096
boot_pd:   resb 4 * 4096
