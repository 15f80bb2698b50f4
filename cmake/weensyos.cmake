# weensyos.cmake: helpers shared by every folder's CMakeLists.txt.

# Freestanding C flags (C sources only) and include roots for a target:
# kernel code by default, user code (SSE allowed) with USER.
function(weensy_c_target target)
  cmake_parse_arguments(C "USER" "" "" ${ARGN})
  set(flags ${WEENSY_C_FLAGS})
  if(NOT C_USER)
    list(APPEND flags ${WEENSY_KERNEL_C_FLAGS})
  endif()
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:C>:${flags}>)
  target_include_directories(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:C>:${PROJECT_SOURCE_DIR}>
    $<$<COMPILE_LANGUAGE:C>:${PROJECT_SOURCE_DIR}/include>)
endfunction()

# The listing tools: build/kernel.asm and build/programs/NAME.asm (code
# with the C source interleaved, as the original's obj/*.asm) and NAME.sym
# beside each (the symbol table, sorted by address), after every link.
find_program(WEENSY_OBJDUMP NAMES llvm-objdump llvm-objdump-16 llvm-objdump-15
             llvm-objdump-14 objdump)
find_program(WEENSY_NM NAMES llvm-nm llvm-nm-16 llvm-nm-15 llvm-nm-14 nm)
if(NOT WEENSY_OBJDUMP OR NOT WEENSY_NM)
  message(WARNING "no objdump/nm found: no .asm listings or .sym tables")
endif()

# weensy_listing(TARGET): writes <output>.asm and <output>.sym next to the
# target's ELF file each time it is linked.
function(weensy_listing target)
  if(NOT WEENSY_OBJDUMP OR NOT WEENSY_NM)
    return()
  endif()
  get_target_property(dir ${target} RUNTIME_OUTPUT_DIRECTORY)
  string(REGEX REPLACE "\\.elf$" "" base "${target}")
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND sh -c "\"$0\" -S -l --no-show-raw-insn \"$2\" > \"$3.asm\" && \"$1\" -n \"$2\" > \"$3.sym\""
            "${WEENSY_OBJDUMP}" "${WEENSY_NM}" "$<TARGET_FILE:${target}>"
            "${dir}/${base}"
    BYPRODUCTS "${dir}/${base}.asm" "${dir}/${base}.sym"
    VERBATIM)
endfunction()

# weensy_user_program(NAME [BASE address] [API project|handout]
#                     SOURCES file... [DEFINES def...])
# Links one user program as its own ELF at BASE, and records it for the ISO.
# API picks the user library: `project` (ulib.h: int process_main(void),
# log_printf, ...) or `handout` (process.h and lib.h, as the original
# WeensyOS handout's programs: void process_main(void), app_printf, ...).
# Without API, a program whose sources #include "process.h" is a handout
# program, so the handout's files build here with no edit.
function(weensy_user_program name)
  cmake_parse_arguments(U "" "BASE;API" "SOURCES;DEFINES" ${ARGN})
  if(NOT U_BASE)
    set(U_BASE 0x100000)
  endif()
  if(NOT U_API)
    set(U_API project)
    foreach(src ${U_SOURCES})
      file(STRINGS "${src}" hits REGEX "^[ \t]*#[ \t]*include[ \t]*\"process\\.h\"")
      if(hits)
        set(U_API handout)
      endif()
    endforeach()
  endif()
  if(U_API STREQUAL "handout")
    set(ulib weensy_hlib)
  elseif(U_API STREQUAL "project")
    set(ulib weensy_ulib)
  else()
    message(FATAL_ERROR "${name}: API must be project or handout, not ${U_API}")
  endif()
  set(USER_BASE ${U_BASE})
  set(script "${CMAKE_BINARY_DIR}/user-${U_BASE}.ld")
  configure_file("${PROJECT_SOURCE_DIR}/userland/user.ld.in" "${script}" @ONLY)
  add_executable(${name} ${U_SOURCES})
  set_target_properties(${name} PROPERTIES SUFFIX ""
    RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/programs"
    LINK_DEPENDS "${script}")
  weensy_c_target(${name} USER)
  target_include_directories(${name} PRIVATE "${PROJECT_SOURCE_DIR}/userland/lib")
  target_compile_definitions(${name} PRIVATE ${U_DEFINES})
  target_link_libraries(${name} PRIVATE ${ulib} weensy_lib)
  target_link_options(${name} PRIVATE ${WEENSY_LINK_FLAGS} -T "${script}")
  set_property(GLOBAL APPEND PROPERTY WEENSY_PROGRAMS ${name})
  weensy_listing(${name})
endfunction()
