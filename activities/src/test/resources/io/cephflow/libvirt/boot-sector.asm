; cephflow libvirt IT boot sector: COM1 up, read sector 2 via int 13h, print its first 8 bytes
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
times 510 - ($ - $$) db 0
dw 0xaa55
