; entry.asm: every way into and out of the kernel. Exceptions and IRQs save
; a struct regs (x86.h) on the kernel stack; a system call that may switch
; or end the process saves it straight into the calling process's regs (no
; copy). Then they call C, which never returns here: leaving goes through
; regs_return, by iretq or, for a frame saved by syscall, by the cheaper
; sysretq. A light system call (one that stays in the process) saves no
; frame: its handler returns here and syscall_entry leaves by sysretq.
;
; Every entry point is a global function symbol with its size, so that the
; kernel's symbol table (ksyms) names a fault or a return address in them.
;
; Invariant: the kernel has one stack, [KERNEL_STACK_TOP - 4096,
; KERNEL_STACK_TOP). Nothing in the kernel survives a return to user mode,
; so every entry from user mode starts with an empty stack.

KERNEL_STACK_TOP equ 0x80000
INT_SYSCALL      equ 256
SEG_UDATA        equ 0x1B
SEG_UCODE        equ 0x23

extern trap_entry
extern syscall_int_entry_c
extern syscall_entry_c
extern current                      ; struct proc* (proc/proc.h)
extern proc_regs_end                ; offsetof(struct proc, regs) + sizeof
extern syscall_table                ; struct syscall_desc[SYS_COUNT] (syscall.c)
extern light_syscall_result         ; a light handler's result (syscall.c)

SYS_COUNT        equ 13             ; abi/syscall.h (syscall.c asserts it)
INT_SYS          equ 48             ; abi/syscall.h (syscall.c asserts both)
INT_SYS_COUNT    equ 6
RFLAGS_USER_KEEP equ 0x240DD5       ; what returns to user mode (sched.c
RFLAGS_USER_SET  equ 0x202          ; asserts both)

section .text
bits 64

%macro PUSH_GPRS 0
    push r15
    push r14
    push r13
    push r12
    push r11
    push r10
    push r9
    push r8
    push rbp
    push rdi
    push rsi
    push rdx
    push rcx
    push rbx
    push rax
%endmacro

%macro POP_GPRS 0
    pop rax
    pop rbx
    pop rcx
    pop rdx
    pop rsi
    pop rdi
    pop rbp
    pop r8
    pop r9
    pop r10
    pop r11
    pop r12
    pop r13
    pop r14
    pop r15
%endmacro

; Vectors where the CPU pushes no error code get a zero so that every
; frame has the same shape.
%macro VECTOR_NOERR 1
global vector%1:function (vector%1.end - vector%1)
vector%1:
    push 0
    push %1
    jmp trap_common
.end:
%endmacro
%macro VECTOR_ERR 1
global vector%1:function (vector%1.end - vector%1)
vector%1:
    push %1
    jmp trap_common
.end:
%endmacro

%assign i 0
%rep 48
%if i == 8 || (i >= 10 && i <= 14) || i == 17 || i == 21 || i == 29 || i == 30
    VECTOR_ERR i
%else
    VECTOR_NOERR i
%endif
%assign i i+1
%endrep

global trap_common:function (trap_common.end - trap_common)
trap_common:
    PUSH_GPRS
    cld
    mov rdi, rsp
    ; rbp = 0 ends the backtrace at the trap frame when we came from user
    ; mode; from kernel mode keep the interrupted chain.
    test qword [rsp + 18 * 8], 3
    jz .from_kernel
    xor rbp, rbp
.from_kernel:
    call trap_entry
.unreachable:
    hlt
    jmp .unreachable
.end:

; The handout's interrupt system calls, `int $INT_SYS + k` from ring 3
; (DPL 3 gates, gdt.c): the same frame as an exception, then C, which
; leaves through regs_return by iretq, so every register but %rax is kept.
%macro VECTOR_SYSCALL 1
global vector%1:function (vector%1.end - vector%1)
vector%1:
    push 0
    push %1
    jmp syscall_int_common
.end:
%endmacro
%assign i INT_SYS
%rep INT_SYS_COUNT
    VECTOR_SYSCALL i
%assign i i+1
%endrep

global syscall_int_common:function (syscall_int_common.end - syscall_int_common)
syscall_int_common:
    PUSH_GPRS
    cld
    mov rdi, rsp
    xor rbp, rbp                    ; backtraces end at the trap frame
    call syscall_int_entry_c
    jmp trap_common.unreachable
.end:

; The syscall instruction left the user %rip in %rcx and %rflags in %r11,
; and masked IF (SFMASK). Build the same frame an interrupt would.
global syscall_entry:function (syscall_entry.end - syscall_entry)
syscall_entry:
    mov [rel syscall_user_rsp], rsp
    mov rsp, KERNEL_STACK_TOP
    cmp rax, SYS_COUNT
    jae .full
    push rcx                        ; user %rip; %rcx is scratch from here
    mov rcx, rax
    shl rcx, 4                      ; sizeof(struct syscall_desc)
    mov rcx, [syscall_table + rcx]  ; its light handler, or NULL
    test rcx, rcx
    jnz .light
    pop rcx
.full:
    ; The frame goes straight into current->regs (no copy in C): the
    ; pushes below fill it from its end down. current is never NULL here:
    ; only a running process executes syscall.
    mov rsp, [rel current]
    add rsp, [rel proc_regs_end]
    push SEG_UDATA
    push qword [rel syscall_user_rsp]
    push r11
    push SEG_UCODE
    push rcx
    push 0
    push INT_SYSCALL
    PUSH_GPRS
    mov rdi, rsp                    ; &current->regs
    mov rsp, KERNEL_STACK_TOP
    cld
    xor rbp, rbp
    call syscall_entry_c
    jmp trap_common.unreachable

; A call that stays in this process (syscall_table[nr].light). Its
; handler takes %rdi, %rsi, %rdx as they are and the fourth argument
; (%r10) in %rcx; it keeps every register but its four argument registers
; (LIGHT_CC, syscall.c), so only those, %rbp (zeroed: backtraces end
; here) and the user %rip are saved; %r11 (user %rflags) stays put. It
; leaves its result in light_syscall_result.
; Interrupts stay off throughout and DF is already clear (SFMASK).
.light:
    mov rax, rcx
    push rdi
    push rsi
    push rdx
    push rbp
    sub rsp, 8                      ; the ABI's 16-byte alignment at the call
    xor ebp, ebp
    mov rcx, r10
    call rax
    add rsp, 8
    mov rax, [rel light_syscall_result]
    pop rbp
    pop rdx
    pop rsi
    pop rdi
    pop rcx
    and r11, RFLAGS_USER_KEEP
    or r11, RFLAGS_USER_SET
    mov rsp, [rel syscall_user_rsp]
    o64 sysret
.end:

; void regs_return(const struct regs* r): load r and leave the kernel.
; A syscall frame goes back with sysretq (%rcx = rip, %r11 = rflags, as the
; syscall ABI allows); anything else with iretq.
global regs_return:function (regs_return.end - regs_return)
regs_return:
    mov rsp, rdi
    cmp qword [rsp + 15 * 8], INT_SYSCALL
    je .sysret
    POP_GPRS
    add rsp, 16                     ; intno, err
    iretq
.sysret:
    POP_GPRS
    mov rcx, [rsp + 2 * 8]          ; rip
    mov r11, [rsp + 4 * 8]          ; rflags
    mov rsp, [rsp + 5 * 8]          ; user rsp
    o64 sysret
.end:

; void idle_halt(void): run on an empty kernel stack with interrupts on
; until an interrupt arrives; its handler never returns here.
global idle_halt:function (idle_halt.end - idle_halt)
idle_halt:
    mov rsp, KERNEL_STACK_TOP
    xor rbp, rbp
    sti
.again:
    hlt
    jmp .again
.end:

section .rodata
global trap_vectors
trap_vectors:
%assign i 0
%rep 48
    dq vector %+ i
%assign i i+1
%endrep

global syscall_int_vectors
syscall_int_vectors:
%assign i INT_SYS
%rep INT_SYS_COUNT
    dq vector %+ i
%assign i i+1
%endrep

section .bss
syscall_user_rsp: resq 1
