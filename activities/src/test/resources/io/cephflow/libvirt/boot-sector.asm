; cephflow libvirt IT boot sector (assembled by nasm at test time, LibvirtTestEnv.bootDisk).
; Sets up COM1, reads the disk's second sector through BIOS int 13h and prints
; "BOOT-OK <hex of its first 8 bytes>". If byte 8 of that sector is 'A' it then waits
; for the ACPI power button (PIIX4 PM1 status) and powers off, so the test can see a
; graceful shutdown; otherwise it halts with interrupts off and ignores ACPI.
bits 16
org 0x7c00
start:
    cli
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7c00
    sti
    mov [drive], dl
    ; COM1: 115200 8N1, FIFO on, interrupts off
    mov dx, 0x3f9
    xor al, al
    out dx, al
    mov dx, 0x3fb
    mov al, 0x80
    out dx, al
    mov dx, 0x3f8
    mov al, 1
    out dx, al
    mov dx, 0x3f9
    xor al, al
    out dx, al
    mov dx, 0x3fb
    mov al, 3
    out dx, al
    mov dx, 0x3fa
    mov al, 0xc7
    out dx, al
    ; int 13h AH=02: read 1 sector, cylinder 0, head 0, sector 2 into 0:7e00
    mov ax, 0x0201
    mov cx, 0x0002
    xor dh, dh
    mov dl, [drive]
    mov bx, 0x7e00
    int 0x13
    jc fail
    mov si, ok_msg
    call puts
    mov si, 0x7e00
    mov cx, 8
.hex:
    lodsb
    call puthex
    loop .hex
    mov si, eol
    call puts
    cmp byte [0x7e08], 'A'
    jne halt
    ; PIIX4 power management is PCI 00:01.3; its I/O base (PMBA) is config reg 0x40
    mov eax, 0x80000b40
    mov dx, 0xcf8
    out dx, eax
    mov dx, 0xcfc
    in eax, dx
    and ax, 0xffc0
    mov bx, ax
    lea dx, [bx + 2]            ; PM1_EN: enable the power button status bit
    mov ax, 0x0100
    out dx, ax
    mov si, acpi_msg
    call puts
.poll:
    pause
    mov dx, bx                  ; PM1_STS: wait for PWRBTN_STS
    in ax, dx
    test ax, 0x0100
    jz .poll
    out dx, ax                  ; write 1 to clear
    lea dx, [bx + 4]            ; PM1_CNT: SLP_TYP 0 (S5) | SLP_EN
    mov ax, 0x2000
    out dx, ax
    jmp halt
fail:
    mov si, fail_msg
    call puts
halt:
    cli
    hlt
    jmp halt

puts:                   ; ds:si zero-terminated
    lodsb
    test al, al
    jz .done
    call putc
    jmp puts
.done:
    ret

puthex:                 ; al as two hex digits
    push ax
    shr al, 4
    call nibble
    pop ax
    and al, 0x0f
nibble:
    add al, '0'
    cmp al, '9'
    jbe putc
    add al, 'a' - '9' - 1
putc:                   ; al to COM1 once the transmitter is empty
    push dx
    push ax
    mov dx, 0x3fd
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    pop ax
    mov dx, 0x3f8
    out dx, al
    pop dx
    ret

drive:    db 0
ok_msg:   db "BOOT-OK ", 0
fail_msg: db "BOOT-FAIL", 13, 10, 0
eol:      db 13, 10, 0
acpi_msg: db "ACPI-WAIT", 13, 10, 0
times 510 - ($ - $$) db 0
dw 0xaa55
