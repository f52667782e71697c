# Helper functions that every target of ours is made with, so that flags,
# include paths and test registration are the same everywhere.
#
#   kintsugi_library(NAME SOURCES ... [DEPS ...] [PRIVATE_DEPS ...])
#       -> static library kintsugi_NAME (alias kintsugi::NAME)
#   kintsugi_test(NAME SOURCES ... [DEPS ...] [USES_CLI] [LABELS ...])
#       -> GoogleTest executable NAME, its tests registered with CTest;
#          USES_CLI: it runs the built `kintsugi`, so building NAME builds it;
#          LABELS: CTest labels of its tests ("slow": ctest -L slow / -LE slow)
#   kintsugi_fuzzer(NAME SOURCES ... [DEPS ...])
#       -> with clang and KINTSUGI_FUZZ: a libFuzzer binary NAME;
#          sources see fuzz/ ("fuzz_target.h") and src/ on the include path;
#          otherwise: NAME_replay, and one CTest test per corpus file in
#          fuzz/corpus/NAME/
#   kintsugi_bench(NAME SOURCES ... [DEPS ...] [DEFINES ...]
#                  [PROGRAM | SCRIPT script | HELPER])
#       -> Google Benchmark executable NAME, which bench/run-all (`make
#          bench`) runs. PROGRAM: a measuring program with its own main(),
#          run without Google Benchmark's flags. SCRIPT: run-all runs
#          `script path/to/NAME` instead, a comparison script that runs NAME
#          and prints ratios against a baseline. HELPER: a program such a
#          script runs from beside NAME's binary; run-all does not run it
#
# Each subsystem registers its own tests, fuzzers and benchmarks in its
# CMakeLists.txt; fuzz targets and benchmarks keep their sources in fuzz/
# and bench/ (conventions.md "Layout": the corpus and the comparison scripts
# sit beside them). kintsugi_check_registered(), called last, fails
# configure for a source there that no subsystem registers.

function(_kintsugi_own_code target)
  target_link_libraries(${target} PRIVATE kintsugi::warnings
                                          kintsugi::hardening)
  target_link_libraries(${target} PUBLIC kintsugi_sanitizers)
endfunction()

function(kintsugi_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(kintsugi_${name} STATIC ${ARG_SOURCES})
  add_library(kintsugi::${name} ALIAS kintsugi_${name})
  target_include_directories(kintsugi_${name}
    PUBLIC ${PROJECT_SOURCE_DIR}/include
    PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(kintsugi_${name} PUBLIC ${ARG_DEPS}
                                         PRIVATE ${ARG_PRIVATE_DEPS})
  _kintsugi_own_code(kintsugi_${name})
  set_property(GLOBAL APPEND PROPERTY KINTSUGI_LIBRARIES kintsugi_${name})
endfunction()

function(kintsugi_test name)
  if(NOT KINTSUGI_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "USES_CLI" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  # kintsugi::testing brings main() (src/core/testing/test_main.cpp),
  # which sets KINTSUGI_SOURCE_ROOT and KINTSUGI_BINARY for the tests.
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} kintsugi::testing)
  _kintsugi_own_code(${name})
  if(ARG_LABELS)
    gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST
                         PROPERTIES LABELS "${ARG_LABELS}")
  else()
    gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST)
  endif()
  if(ARG_USES_CLI)
    add_dependencies(${name} kintsugi_cli)
  endif()
endfunction()

function(kintsugi_fuzzer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  _kintsugi_registered(${ARG_SOURCES})
  if(KINTSUGI_FUZZ AND CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    add_executable(${name} ${ARG_SOURCES})
    target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/fuzz
                                               ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${name} PRIVATE ${ARG_DEPS})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    _kintsugi_own_code(${name})
    return()
  endif()
  if(NOT KINTSUGI_BUILD_TESTS)
    return()
  endif()
  add_executable(${name}_replay ${ARG_SOURCES}
                 ${PROJECT_SOURCE_DIR}/fuzz/replay_main.cpp)
  target_include_directories(${name}_replay
    PRIVATE ${PROJECT_SOURCE_DIR}/fuzz ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name}_replay PRIVATE ${ARG_DEPS})
  _kintsugi_own_code(${name}_replay)
  set(corpus_dir ${PROJECT_SOURCE_DIR}/fuzz/corpus/${name})
  file(GLOB corpus CONFIGURE_DEPENDS ${corpus_dir}/*)
  if(NOT corpus)
    # A failing test rather than a configure error, so one half-written
    # target does not stop everyone else's build.
    message(WARNING "fuzz target ${name} has no corpus in ${corpus_dir}")
    add_test(NAME fuzz.${name}.has_corpus
             COMMAND ${CMAKE_COMMAND} -E false)
    return()
  endif()
  foreach(seed ${corpus})
    get_filename_component(seed_name ${seed} NAME)
    add_test(NAME fuzz.${name}.${seed_name}
             COMMAND ${name}_replay ${seed})
  endforeach()
endfunction()

function(kintsugi_bench name)
  cmake_parse_arguments(ARG "PROGRAM;HELPER" "SCRIPT" "SOURCES;DEPS;DEFINES"
                        ${ARGN})
  _kintsugi_registered(${ARG_SOURCES})
  if(NOT KINTSUGI_BUILD_BENCH)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark)
  target_compile_definitions(${name} PRIVATE ${ARG_DEFINES})
  _kintsugi_own_code(${name})
  if(ARG_HELPER)
    # A program a benchmark's script runs (found beside its own binary),
    # not run by itself.
    return()
  elseif(ARG_SCRIPT)
    set(line "${name} script $<TARGET_FILE:${name}> ${ARG_SCRIPT}")
  elseif(ARG_PROGRAM)
    set(line "${name} program $<TARGET_FILE:${name}>")
  else()
    set(line "${name} gbench $<TARGET_FILE:${name}>")
  endif()
  set_property(GLOBAL APPEND PROPERTY KINTSUGI_BENCHMARKS "${line}")
endfunction()

# Remembers that `sources` are registered, whatever this build makes.
function(_kintsugi_registered)
  foreach(source ${ARGN})
    get_filename_component(source ${source} ABSOLUTE)
    set_property(GLOBAL APPEND PROPERTY KINTSUGI_REGISTERED_SOURCES ${source})
  endforeach()
endfunction()

# Fails configure for a fuzz target or benchmark under fuzz/ or bench/ that
# no subsystem registers: it would silently never be built or run. Also
# writes the built benchmarks to benchmarks.txt, the list bench/run-all runs:
# "NAME gbench|program|script BINARY [SCRIPT]" a line.
function(kintsugi_check_registered)
  get_property(registered GLOBAL PROPERTY KINTSUGI_REGISTERED_SOURCES)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS
       ${PROJECT_SOURCE_DIR}/fuzz/*_fuzzer.cpp
       ${PROJECT_SOURCE_DIR}/bench/*.cpp)
  foreach(source ${sources})
    if(NOT source IN_LIST registered)
      file(RELATIVE_PATH shown ${PROJECT_SOURCE_DIR} ${source})
      message(FATAL_ERROR "${shown} is registered by no subsystem: add "
        "kintsugi_fuzzer() or kintsugi_bench() to the CMakeLists.txt of the "
        "subsystem it exercises")
    endif()
  endforeach()
  get_property(benchmarks GLOBAL PROPERTY KINTSUGI_BENCHMARKS)
  set(lines "")
  foreach(line ${benchmarks})
    string(APPEND lines "${line}\n")
  endforeach()
  file(GENERATE OUTPUT ${PROJECT_BINARY_DIR}/benchmarks.txt CONTENT "${lines}")
endfunction()
