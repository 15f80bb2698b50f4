# Toolchain for WeensyOS: Clang targeting freestanding x86-64 ELF, linked by
# LLD directly (no libc, no crt), NASM for assembly. Selected automatically
# by the top-level CMakeLists.txt.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

find_program(WEENSY_CLANG NAMES clang clang-16 clang-15 clang-14 REQUIRED)
find_program(WEENSY_LLD NAMES ld.lld ld.lld-16 ld.lld-15 ld.lld-14 REQUIRED)
find_program(WEENSY_NASM nasm REQUIRED)

set(CMAKE_C_COMPILER ${WEENSY_CLANG})
set(CMAKE_C_COMPILER_TARGET x86_64-elf)
set(CMAKE_ASM_NASM_COMPILER ${WEENSY_NASM})
set(CMAKE_ASM_NASM_OBJECT_FORMAT elf64)
# Nothing here can link a hosted test program.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_C_LINK_EXECUTABLE
    "${WEENSY_LLD} <LINK_FLAGS> <OBJECTS> -o <TARGET> <LINK_LIBRARIES>")
set(CMAKE_ASM_NASM_LINK_EXECUTABLE ${CMAKE_C_LINK_EXECUTABLE})
