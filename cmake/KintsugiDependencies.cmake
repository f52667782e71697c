# Every dependency comes from a Debian package (scripts/install-deps).
# Nothing is downloaded at build time.

find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(SQLite3 REQUIRED)
pkg_check_modules(sodium REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(hyperscan REQUIRED IMPORTED_TARGET libhs)
pkg_check_modules(yara REQUIRED IMPORTED_TARGET yara)
# CRC-32 with PCLMUL (2.4x zlib's crc32_z here): file verification
# checks a CRC over every byte of PNG, ZIP and gzip files.
pkg_check_modules(libdeflate REQUIRED IMPORTED_TARGET libdeflate)

# yaml-cpp 0.7 on Debian exports the target "yaml-cpp" without a namespace.
if(TARGET yaml-cpp AND NOT TARGET yaml-cpp::yaml-cpp)
  add_library(yaml-cpp::yaml-cpp ALIAS yaml-cpp)
endif()

if(KINTSUGI_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
if(KINTSUGI_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
