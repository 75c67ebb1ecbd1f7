# SPDX-License-Identifier: Apache-2.0
# Compiles one C file of tests/build_checks the way the core is compiled (-fsyntax-only).
# A file with an "expect-error: <text>" line is a build-time check that must fire: compiled with
# -DBUILD_CHECK_CONTROL it must succeed (so nothing else is wrong with it), compiled as it is it
# must fail with <text> in the compiler's messages. A file without that line must simply compile.
# Arguments: -DCC=<compiler> -DSRC=<file> -DINCLUDE_DIR=<dir> -DGEN_DIR=<dir>
set(flags -std=c11 -Wall -Wextra -Wundef -Wshadow -Wmissing-prototypes -Werror -fsyntax-only
          -I${INCLUDE_DIR} -I${GEN_DIR})

file(STRINGS "${SRC}" expect_lines REGEX "expect-error: ")
if(NOT expect_lines)
  execute_process(COMMAND ${CC} ${flags} ${SRC} RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${SRC} does not compile:\n${err}")
  endif()
  return()
endif()
string(REGEX REPLACE ".*expect-error: *(.*[^ ]) *$" "\\1" expected "${expect_lines}")

execute_process(COMMAND ${CC} ${flags} -DBUILD_CHECK_CONTROL ${SRC}
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the control build of ${SRC} fails, so the check proves nothing:\n${err}")
endif()

execute_process(COMMAND ${CC} ${flags} ${SRC} RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "${SRC} compiled, but the build should have failed with: ${expected}")
endif()
string(FIND "${err}" "${expected}" pos)
if(pos EQUAL -1)
  message(FATAL_ERROR "${SRC} failed, but without \"${expected}\":\n${err}")
endif()
message(STATUS "failed as it should: ${expected}")
