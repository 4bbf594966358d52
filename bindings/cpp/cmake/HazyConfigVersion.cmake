# Version check for find_package(Hazy [VERSION]). The version is read from the installed
# hazy.h (HAZY_VERSION), so this file is installed as is, with nothing to configure.
#
# Compatibility: before 1.0 a minor release may change the API, so a request for 0.y matches
# 0.y.z only (a request for just 0 matches any 0.y.z); from 1.0 on, any version with the
# requested major and at least the requested version matches. 64-bit targets only.

get_filename_component(_hazy_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(PACKAGE_VERSION "")
if(EXISTS "${_hazy_prefix}/include/hazy.h")
  file(STRINGS "${_hazy_prefix}/include/hazy.h" _hazy_version_line
       REGEX "^#define HAZY_VERSION \"[0-9]+\\.[0-9]+\\.[0-9]+\"")
  string(REGEX REPLACE "^#define HAZY_VERSION \"([0-9]+\\.[0-9]+\\.[0-9]+)\".*$" "\\1"
         PACKAGE_VERSION "${_hazy_version_line}")
  unset(_hazy_version_line)
endif()
unset(_hazy_prefix)

set(PACKAGE_VERSION_COMPATIBLE FALSE)
set(PACKAGE_VERSION_EXACT FALSE)
if(NOT PACKAGE_VERSION)
  set(PACKAGE_VERSION "unknown")
  set(PACKAGE_VERSION_UNSUITABLE TRUE)
  return()
endif()

if(CMAKE_SIZEOF_VOID_P AND NOT CMAKE_SIZEOF_VOID_P EQUAL 8)
  set(PACKAGE_VERSION "${PACKAGE_VERSION} (64bit)")
  set(PACKAGE_VERSION_UNSUITABLE TRUE)
  return()
endif()

if(NOT PACKAGE_FIND_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  return()
endif()

string(REGEX REPLACE "^([0-9]+)\\..*" "\\1" _hazy_major "${PACKAGE_VERSION}")
string(REGEX REPLACE "^[0-9]+\\.([0-9]+)\\..*" "\\1" _hazy_minor "${PACKAGE_VERSION}")
if(NOT PACKAGE_VERSION VERSION_LESS PACKAGE_FIND_VERSION
   AND PACKAGE_FIND_VERSION_MAJOR EQUAL _hazy_major
   AND (NOT _hazy_major EQUAL 0 OR PACKAGE_FIND_VERSION_COUNT LESS 2
        OR PACKAGE_FIND_VERSION_MINOR EQUAL _hazy_minor))
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
endif()
if(PACKAGE_FIND_VERSION VERSION_EQUAL PACKAGE_VERSION)
  set(PACKAGE_VERSION_EXACT TRUE)
endif()
unset(_hazy_major)
unset(_hazy_minor)
