# SPDX-License-Identifier: Apache-2.0
# Cross build of firmware images with Debian's arm-none-eabi-gcc and newlib. The CPU flags come from
# each image's configuration (firmware/CMakeLists.txt), since one build holds several images.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_C_FLAGS_INIT "-mthumb -ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_MINSIZEREL_INIT "-Os")
