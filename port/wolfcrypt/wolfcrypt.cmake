# SPDX-License-Identifier: Apache-2.0
# wolfCrypt for a firmware image, from Debian's wolfssl source package (scripts/fetch_source.sh
# unpacks it into build/deps at configure time; nothing of it is in this repository), configured
# by port/wolfcrypt/user_settings.h and the image's <smpdfu/config.h>.

# smpdfu_wolfcrypt_source_dir(<out_var>): the unpacked source, fetched on first use.
function(smpdfu_wolfcrypt_source_dir out)
  set(deps "${SMPDFU_SOURCE_DIR}/build/deps")
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E env SMPDFU_SOURCE_MATCH=libwolfssl-dev
            bash "${SMPDFU_SOURCE_DIR}/scripts/fetch_source.sh" wolfssl "${deps}"
    OUTPUT_VARIABLE dir OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR NOT EXISTS "${dir}/wolfcrypt/src/sha256.c")
    message(FATAL_ERROR "wolfCrypt: `apt-get source wolfssl` failed (see above); the firmware "
                        "needs Debian's wolfssl source package")
  endif()
  set(${out} "${dir}" PARENT_SCOPE)
endfunction()

# smpdfu_add_wolfcrypt(<target> <gen_dir> <wolfssl_dir>)
# A static library of the wolfCrypt files the image's settings use (the others compile empty).
function(smpdfu_add_wolfcrypt target gen_dir wolfssl)
  set(src "${wolfssl}/wolfcrypt/src")
  add_library(${target} STATIC
    ${src}/sha256.c ${src}/sha512.c ${src}/hash.c ${src}/memory.c ${src}/wc_port.c
    ${src}/ecc.c ${src}/sp_int.c ${src}/sp_c32.c ${src}/wolfmath.c ${src}/asn.c
    ${src}/ed25519.c ${src}/ge_low_mem.c ${src}/fe_low_mem.c)
  target_compile_definitions(${target} PUBLIC WOLFSSL_USER_SETTINGS)
  target_include_directories(${target} PUBLIC "${wolfssl}" "${SMPDFU_SOURCE_DIR}/port/wolfcrypt"
                             "${gen_dir}")
  # Third-party code: its own warnings are not ours to fail on.
  target_compile_options(${target} PRIVATE -w)
endfunction()
