# iso.cmake: stages kernel.elf and every user program under isodir/boot and
# makes build/weensyos.iso with grub-mkrescue: one hybrid image that boots by
# BIOS and UEFI, from CD or from a disk/USB stick.
#
# What goes on the image is stripped: GRUB reads every byte of every module
# at boot, and debug information was most of them. The ELF files under
# build/ keep it for GDB. Backtraces get their names from kernel.sym, a
# compact table of the kernel's functions (tools/mksyms.py).
find_program(GRUB_MKRESCUE grub-mkrescue REQUIRED)
find_program(XORRISO xorriso REQUIRED)
find_program(WEENSY_OBJCOPY NAMES llvm-objcopy llvm-objcopy-16 llvm-objcopy-15
             llvm-objcopy-14 REQUIRED)
find_package(Python3 REQUIRED COMPONENTS Interpreter)

get_property(programs GLOBAL PROPERTY WEENSY_PROGRAMS)
get_property(extra_modules GLOBAL PROPERTY WEENSY_EXTRA_MODULES)
get_property(extra_files GLOBAL PROPERTY WEENSY_EXTRA_MODULE_FILES)
set(iso_dir "${CMAKE_BINARY_DIR}/isodir")
set(iso "${CMAKE_BINARY_DIR}/weensyos.iso")

# grub.cfg: one module2 line per program, one menu entry per scenario.
# GRUB spends about half a million instructions on each module it loads, so
# the test-only programs (t-*, and the malformed ELF files) are loaded only
# when the command line ($1) asks for test mode or names one of them.
set(MODULE_LINES "    module2 /boot/kernel-symbols kernel.sym")
set(test_lines "")
foreach(p ${programs} ${extra_modules})
  if(p MATCHES "^t-" OR p IN_LIST extra_modules)
    string(APPEND test_lines "\n        module2 /boot/${p} ${p}")
  else()
    string(APPEND MODULE_LINES "\n    module2 /boot/${p} ${p}")
  endif()
endforeach()
string(APPEND MODULE_LINES "\n    if regexp \"(^| )(test|run=t-|run=bad-)\" \"$1\"; then"
       "${test_lines}\n    fi")
set(scen_def "${PROJECT_SOURCE_DIR}/kernel/scenarios.def")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${scen_def}")
file(STRINGS "${scen_def}" scen_lines REGEX "^SCENARIO\\(")
set(SCENARIO_ENTRIES "")
set(WEENSY_SCENARIOS "")
# A name is a C identifier (the kernel spells it with #name), digits
# included; a line that does not parse stops the configure step rather than
# making an empty menu entry.
set(scen_keys "")
foreach(line ${scen_lines})
  if(NOT line MATCHES "^SCENARIO\\(([A-Za-z_][A-Za-z0-9_]*), '(.)', \"[^\"]*\", [A-Z0-9_| ]+\\)")
    message(FATAL_ERROR "kernel/scenarios.def: cannot read '${line}': "
      "expected SCENARIO(name, 'k', \"programs\", options) with a name of letters, "
      "digits and '_' (not starting with a digit)")
  endif()
  set(name ${CMAKE_MATCH_1})
  if(name IN_LIST WEENSY_SCENARIOS OR CMAKE_MATCH_2 IN_LIST scen_keys)
    message(FATAL_ERROR "kernel/scenarios.def: scenario '${name}' or key "
      "'${CMAKE_MATCH_2}' appears twice")
  endif()
  list(APPEND scen_keys "${CMAKE_MATCH_2}")
  list(APPEND WEENSY_SCENARIOS ${name})
  string(APPEND SCENARIO_ENTRIES
    "menuentry \"WeensyOS: ${name} (key ${CMAKE_MATCH_2})\" {\n    weensyos \"run=${name}\"\n}\n")
endforeach()
set(GRUB_TIMEOUT ${WEENSY_GRUB_TIMEOUT})
configure_file("${PROJECT_SOURCE_DIR}/iso/grub.cfg.in"
               "${CMAKE_BINARY_DIR}/grub.cfg" @ONLY)

set(program_files "")
set(strip_commands "")
foreach(p ${programs})
  list(APPEND program_files "$<TARGET_FILE:${p}>")
  list(APPEND strip_commands COMMAND "${WEENSY_OBJCOPY}" --strip-all
       "$<TARGET_FILE:${p}>" "${iso_dir}/boot/${p}")
endforeach()

add_custom_command(OUTPUT "${iso}"
  COMMAND ${CMAKE_COMMAND} -E rm -rf "${iso_dir}"
  COMMAND ${CMAKE_COMMAND} -E make_directory "${iso_dir}/boot/grub"
  COMMAND "${WEENSY_OBJCOPY}" --strip-all "$<TARGET_FILE:kernel.elf>" "${iso_dir}/boot/kernel.elf"
  COMMAND Python3::Interpreter "${PROJECT_SOURCE_DIR}/tools/mksyms.py"
          "$<TARGET_FILE:kernel.elf>" "${iso_dir}/boot/kernel-symbols"
  ${strip_commands}
  COMMAND ${CMAKE_COMMAND} -E copy ${extra_files} "${iso_dir}/boot/"
  COMMAND ${CMAKE_COMMAND} -E copy "${CMAKE_BINARY_DIR}/grub.cfg" "${iso_dir}/boot/grub/grub.cfg"
  COMMAND sh -c "\"$0\" -o \"$1\" \"$2\" > \"$3\" 2>&1 || { cat \"$3\" >&2; exit 1; }"
          "${GRUB_MKRESCUE}" "${iso}" "${iso_dir}" "${CMAKE_BINARY_DIR}/grub-mkrescue.log"
  DEPENDS kernel.elf ${programs} ${extra_files} "${CMAKE_BINARY_DIR}/grub.cfg"
          "${PROJECT_SOURCE_DIR}/tools/mksyms.py"
  COMMENT "Making weensyos.iso"
  VERBATIM)
add_custom_target(iso ALL DEPENDS "${iso}")
