# bench.cmake: the "bare GRUB floor" image for tools/bench. The same GRUB
# and the same grub.cfg template as weensyos.iso (see iso.cmake), but the
# kernel is tools/bench-floor/floor.asm, which stops at its first
# instruction, and there are no modules: booting it measures what firmware
# and GRUB cost before any kernel runs.
set(floor_dir "${CMAKE_BINARY_DIR}/bench-floor")
set(floor_iso "${CMAKE_BINARY_DIR}/bench-floor.iso")
set(floor_ld "${PROJECT_SOURCE_DIR}/tools/bench-floor/floor.ld")
add_executable(bench-floor.elf "${PROJECT_SOURCE_DIR}/tools/bench-floor/floor.asm")
target_link_options(bench-floor.elf PRIVATE ${WEENSY_LINK_FLAGS} -T "${floor_ld}")
set_target_properties(bench-floor.elf PROPERTIES LINK_DEPENDS "${floor_ld}"
  RUNTIME_OUTPUT_DIRECTORY "${floor_dir}" EXPORT_COMPILE_COMMANDS OFF)

set(MODULE_LINES "")
configure_file("${PROJECT_SOURCE_DIR}/iso/grub.cfg.in"
               "${floor_dir}/grub.cfg" @ONLY)
add_custom_command(OUTPUT "${floor_iso}"
  COMMAND ${CMAKE_COMMAND} -E rm -rf "${floor_dir}/iso"
  COMMAND ${CMAKE_COMMAND} -E make_directory "${floor_dir}/iso/boot/grub"
  COMMAND ${CMAKE_COMMAND} -E copy "$<TARGET_FILE:bench-floor.elf>" "${floor_dir}/iso/boot/kernel.elf"
  COMMAND ${CMAKE_COMMAND} -E copy "${floor_dir}/grub.cfg" "${floor_dir}/iso/boot/grub/grub.cfg"
  COMMAND sh -c "\"$0\" -o \"$1\" \"$2\" > \"$3\" 2>&1 || { cat \"$3\" >&2; exit 1; }"
          "${GRUB_MKRESCUE}" "${floor_iso}" "${floor_dir}/iso" "${floor_dir}/grub-mkrescue.log"
  DEPENDS bench-floor.elf "${floor_dir}/grub.cfg"
  COMMENT "Making bench-floor.iso"
  VERBATIM)
add_custom_target(bench-floor ALL DEPENDS "${floor_iso}")
