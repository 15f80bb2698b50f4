# weensyos.cmake: helpers shared by every folder's CMakeLists.txt.

# Freestanding C flags (C sources only) and include roots for a target.
function(weensy_c_target target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:C>:${WEENSY_C_FLAGS}>)
  target_include_directories(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:C>:${PROJECT_SOURCE_DIR}>
    $<$<COMPILE_LANGUAGE:C>:${PROJECT_SOURCE_DIR}/include>)
endfunction()

# weensy_user_program(NAME BASE address SOURCES file...)
# Links one user program as its own ELF at BASE, and records it for the ISO.
function(weensy_user_program name)
  cmake_parse_arguments(U "" "BASE" "SOURCES;DEFINES" ${ARGN})
  if(NOT U_BASE)
    set(U_BASE 0x100000)
  endif()
  set(USER_BASE ${U_BASE})
  set(script "${CMAKE_BINARY_DIR}/user-${U_BASE}.ld")
  configure_file("${PROJECT_SOURCE_DIR}/userland/user.ld.in" "${script}" @ONLY)
  add_executable(${name} ${U_SOURCES})
  set_target_properties(${name} PROPERTIES SUFFIX ""
    RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/programs"
    LINK_DEPENDS "${script}")
  weensy_c_target(${name})
  target_include_directories(${name} PRIVATE "${PROJECT_SOURCE_DIR}/userland/lib")
  target_compile_definitions(${name} PRIVATE ${U_DEFINES})
  target_link_libraries(${name} PRIVATE weensy_ulib weensy_lib)
  target_link_options(${name} PRIVATE ${WEENSY_LINK_FLAGS} -T "${script}")
  set_property(GLOBAL APPEND PROPERTY WEENSY_PROGRAMS ${name})
endfunction()
