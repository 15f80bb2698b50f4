# run.cmake: targets that boot build/weensyos.iso in QEMU through
# tools/qemu.sh (SPEC section 3). Each one rebuilds the ISO first, and the
# serial log goes to build/log.txt.
#   run              QEMU window (the terminal when there is no display)
#   run-console      the terminal (QEMU's curses display)
#   run-uefi         UEFI firmware (OVMF) instead of BIOS
#   run-gdb          paused, waiting for GDB on localhost:1234
#   run-<scenario>   straight into a scenario (run-allocators, run-fork, ...)
#   run-<program>    any program on the ISO as pid 1 (run-p-allocator,
#                    run-t-syscalls, run-p-hello for a new userland/p-hello.c)
#   gdb              GDB with tools/gdbinit, for a run-gdb in another terminal
# -DWEENSY_KVM=ON makes them use KVM where /dev/kvm is usable;
# -DWEENSY_DEBUG_LOG=ON logs every interrupt and reset to
# build/qemu-debug.log and stops on a triple fault (qemu.sh --debug-log).

set(WEENSY_QEMU_SH "${PROJECT_SOURCE_DIR}/tools/qemu.sh")
set(weensy_run_flags --build-dir "${CMAKE_BINARY_DIR}")
if(WEENSY_KVM)
  list(APPEND weensy_run_flags --kvm)
endif()
if(WEENSY_DEBUG_LOG)
  list(APPEND weensy_run_flags --debug-log)
endif()

# weensy_run_target(NAME COMMENT qemu.sh-arguments...)
function(weensy_run_target name comment)
  add_custom_target(${name}
    COMMAND "${WEENSY_QEMU_SH}" ${weensy_run_flags} ${ARGN}
    WORKING_DIRECTORY "${CMAKE_BINARY_DIR}"
    COMMENT "${comment}"
    USES_TERMINAL
    VERBATIM)
  add_dependencies(${name} iso)
endfunction()

weensy_run_target(run "Booting WeensyOS in QEMU" window)
weensy_run_target(run-console "Booting WeensyOS in QEMU (terminal)" console)
weensy_run_target(run-uefi "Booting WeensyOS in QEMU with UEFI firmware"
                  window --firmware uefi)
weensy_run_target(run-gdb "Booting WeensyOS in QEMU, waiting for GDB"
                  window --gdb)
foreach(scenario ${WEENSY_SCENARIOS})
  weensy_run_target(run-${scenario}
                    "Booting WeensyOS into scenario '${scenario}'"
                    window --cmdline "run=${scenario}")
endforeach()
# Every program, as pid 1 (scenario names are identifiers and program names
# start with p- or t-, so the two never collide).
get_property(weensy_programs GLOBAL PROPERTY WEENSY_PROGRAMS)
foreach(program ${weensy_programs})
  weensy_run_target(run-${program}
                    "Booting WeensyOS with program '${program}' as pid 1"
                    window --cmdline "run=${program}")
endforeach()

find_program(WEENSY_GDB gdb)
if(WEENSY_GDB)
  add_custom_target(gdb
    COMMAND "${WEENSY_GDB}" -q -x "${PROJECT_SOURCE_DIR}/tools/gdbinit"
    WORKING_DIRECTORY "${CMAKE_BINARY_DIR}"
    COMMENT "GDB: attaching to a QEMU started by run-gdb"
    USES_TERMINAL
    VERBATIM)
endif()
