# CMake package for libhazy, at <prefix>/lib/cmake/Hazy after `make install` and in the release
# tarballs (make dist).
#
#   find_package(Hazy 0.1 REQUIRED)
#   target_link_libraries(app PRIVATE Hazy::hazy)      # the C API (hazy.h), shared library
#   target_link_libraries(app PRIVATE Hazy::hazy_cpp)  # the C++ wrapper (hazy.hpp), C++11+
#
# Point CMake at the prefix with -DCMAKE_PREFIX_PATH=<prefix> (or -DHazy_DIR=<this dir>).
# The package is relocatable: every path is derived from where this file is.

if(CMAKE_VERSION VERSION_LESS 3.0)
  message(FATAL_ERROR "Hazy needs CMake 3.0 or later")
endif()

get_filename_component(_hazy_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(_hazy_library "${_hazy_prefix}/lib/libhazy.so")
set(_hazy_include_dir "${_hazy_prefix}/include")

foreach(_hazy_file "${_hazy_library}" "${_hazy_include_dir}/hazy.h" "${_hazy_include_dir}/hazy.hpp")
  if(NOT EXISTS "${_hazy_file}")
    set(Hazy_FOUND FALSE)
    set(Hazy_NOT_FOUND_MESSAGE
        "${_hazy_file} is missing: reinstall libhazy (make install PREFIX=${_hazy_prefix})")
    unset(_hazy_file)
    unset(_hazy_prefix)
    unset(_hazy_library)
    unset(_hazy_include_dir)
    return()
  endif()
endforeach()

# Hazy::hazy: the C library (libhazy.so, SONAME libhazy.so.<major>) and hazy.h.
if(NOT TARGET Hazy::hazy)
  add_library(Hazy::hazy SHARED IMPORTED)
  set_target_properties(Hazy::hazy PROPERTIES
    IMPORTED_LOCATION "${_hazy_library}"
    INTERFACE_INCLUDE_DIRECTORIES "${_hazy_include_dir}")
endif()

# Hazy::hazy_cpp: the header-only C++ wrapper hazy.hpp over Hazy::hazy; needs C++11.
if(NOT TARGET Hazy::hazy_cpp)
  add_library(Hazy::hazy_cpp INTERFACE IMPORTED)
  set_target_properties(Hazy::hazy_cpp PROPERTIES
    INTERFACE_LINK_LIBRARIES Hazy::hazy
    INTERFACE_INCLUDE_DIRECTORIES "${_hazy_include_dir}")
  if(NOT CMAKE_VERSION VERSION_LESS 3.8)
    set_property(TARGET Hazy::hazy_cpp PROPERTY INTERFACE_COMPILE_FEATURES cxx_std_11)
  endif()
endif()

# For projects that do not use targets.
set(Hazy_INCLUDE_DIRS "${_hazy_include_dir}")
set(Hazy_LIBRARIES Hazy::hazy)

unset(_hazy_file)
unset(_hazy_prefix)
unset(_hazy_library)
unset(_hazy_include_dir)
