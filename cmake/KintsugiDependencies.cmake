# Every dependency comes from a Debian package (scripts/install-deps).
# Nothing is downloaded at build time. Those every subsystem shares are found
# here; one that a single subsystem needs is found in its CMakeLists.txt with
# the same helpers.
#
# A missing dependency stops configure with one line naming the package to
# install, never with a subsystem, test or benchmark quietly left out:
#
#   kintsugi_find_package(NAME [find_package args...] DEBIAN PACKAGE...)
#   kintsugi_pkg_check_modules(PREFIX MODULE DEBIAN PACKAGE...)
#       -> the same targets and variables as find_package(NAME ... REQUIRED)
#          or pkg_check_modules(PREFIX REQUIRED IMPORTED_TARGET MODULE), or
#          "MODULE not found: install PACKAGE (scripts/install-deps)"
#
# Macros, not functions, so that the variables find_package sets stay
# visible to the caller.

macro(_kintsugi_missing what)
  message(FATAL_ERROR "${what} not found: install ${ARGN} "
                      "(scripts/install-deps)")
endmacro()

macro(kintsugi_find_package name)
  cmake_parse_arguments(_kintsugi_dep "" "" "DEBIAN" ${ARGN})
  find_package(${name} ${_kintsugi_dep_UNPARSED_ARGUMENTS} QUIET)
  if(NOT ${name}_FOUND)
    _kintsugi_missing("${name} ${_kintsugi_dep_UNPARSED_ARGUMENTS}"
                      ${_kintsugi_dep_DEBIAN})
  endif()
endmacro()

macro(kintsugi_pkg_check_modules prefix module)
  cmake_parse_arguments(_kintsugi_dep "" "" "DEBIAN" ${ARGN})
  pkg_check_modules(${prefix} QUIET IMPORTED_TARGET ${module})
  if(NOT ${prefix}_FOUND)
    _kintsugi_missing(${module} ${_kintsugi_dep_DEBIAN})
  endif()
endmacro()

find_package(PkgConfig QUIET)
if(NOT PkgConfig_FOUND)
  _kintsugi_missing(pkg-config pkg-config)
endif()
find_package(Threads REQUIRED)  # Part of the C library.
kintsugi_find_package(OpenSSL 3 DEBIAN libssl-dev)
kintsugi_find_package(fmt DEBIAN libfmt-dev)
kintsugi_find_package(nlohmann_json 3 DEBIAN nlohmann-json3-dev)
# The portal's identify request, parsed on its hot path (issue 14).
kintsugi_find_package(simdjson DEBIAN libsimdjson-dev)
kintsugi_find_package(CLI11 DEBIAN libcli11-dev)
kintsugi_find_package(yaml-cpp DEBIAN libyaml-cpp-dev)
kintsugi_find_package(SQLite3 DEBIAN libsqlite3-dev)
# The PostgreSQL key store's client (pipeline mode: libpq 14 or later).
kintsugi_pkg_check_modules(libpq libpq>=14 DEBIAN libpq-dev)
kintsugi_pkg_check_modules(sodium libsodium DEBIAN libsodium-dev)
# Yarrow-256, the reference for Akira's key derivation
# (recovery-schemes-3.md §4.6).
kintsugi_pkg_check_modules(nettle nettle DEBIAN nettle-dev)
kintsugi_pkg_check_modules(hyperscan libhs DEBIAN libhyperscan-dev)
kintsugi_pkg_check_modules(yara yara DEBIAN libyara-dev)
# CRC-32 with PCLMUL (2.4x zlib's crc32_z here): file verification
# checks a CRC over every byte of PNG, ZIP and gzip files.
kintsugi_pkg_check_modules(libdeflate libdeflate DEBIAN libdeflate-dev)
kintsugi_pkg_check_modules(xxhash libxxhash DEBIAN libxxhash-dev)
# HTTP(S) for the key-server client (src/key_server), built by Debian with
# OpenSSL: the .pc file carries -DCPPHTTPLIB_OPENSSL_SUPPORT.
kintsugi_pkg_check_modules(httplib cpp-httplib DEBIAN libcpp-httplib-dev)
# The portal's HTTP server (docs/portal-http.md).
kintsugi_pkg_check_modules(microhttpd libmicrohttpd>=0.9.75
                           DEBIAN libmicrohttpd-dev)
# Disk images (ext2/3/4, FAT, NTFS; DOS and GPT partition tables) read
# without mounting them: scan --image, recover --image (issue 11).
kintsugi_pkg_check_modules(tsk tsk DEBIAN libtsk-dev)

# yaml-cpp 0.7 on Debian exports the target "yaml-cpp" without a namespace.
if(TARGET yaml-cpp AND NOT TARGET yaml-cpp::yaml-cpp)
  add_library(yaml-cpp::yaml-cpp ALIAS yaml-cpp)
endif()

if(KINTSUGI_BUILD_TESTS)
  kintsugi_find_package(GTest DEBIAN libgtest-dev libgmock-dev)
  include(GoogleTest)
endif()
if(KINTSUGI_BUILD_BENCH)
  kintsugi_find_package(benchmark DEBIAN libbenchmark-dev)
endif()
